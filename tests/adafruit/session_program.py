"""A Python program on Blinka that starts another: the parent shows a time on the 0.56"
backpack with Adafruit's HT16K33 library, a child process reads the TSL2561 at 0x39 with
Adafruit's TSL2561 library, and the parent shows the child's broadband count. Both use
one emulated bus (tests/adafruit.rs checks the session's one report)."""

import subprocess
import sys

import board
import busio
from adafruit_ht16k33 import segments

CHILD = """
import time
import board, busio, adafruit_tsl2561
sensor = adafruit_tsl2561.TSL2561(busio.I2C(board.SCL, board.SDA), address=0x39)
time.sleep(0.5)
print(sensor.broadband, sensor.infrared)
"""

display = segments.Seg7x4(busio.I2C(board.SCL, board.SDA), address=0x70)
display.print("12:34")
child = subprocess.run(
    [sys.executable, "-c", CHILD], check=True, capture_output=True, text=True
)
broadband, infrared = child.stdout.split()
print("child read", broadband, infrared)
display.fill(0)
display.print(broadband)
