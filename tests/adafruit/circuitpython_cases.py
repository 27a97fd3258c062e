"""What Adafruit's CircuitPython HT16K33 library sends for each case of the differential
test (tests/adafruit.rs), run unchanged on Blinka under the emulator.

Each case makes a fresh display object (the library blanks it), does what the case says
with the library's own API, and prints one JSON line: the case's name and the display
RAM the library holds after it (its buffer, which it writes whole to the chip on every
change: 16 bytes per backpack). At the end the RAM the emulated chips received is
checked against the last buffer written to each address, so the buffers are what went
over the bus.
"""

import json
import sys

import board
from adafruit_ht16k33 import bargraph, matrix, segments

i2c = board.I2C()
last = {}


def seg7(d):
    return segments.Seg7x4(i2c, address=0x70)


def big(d):
    return segments.BigSeg7x4(i2c, address=0x71)


def alpha(d):
    return segments.Seg14x4(i2c, address=0x72)


def chained_alpha(d):
    return segments.Seg14x4(i2c, address=(0x72, 0x73))


def matrix8(d):
    return matrix.Matrix8x8(i2c, address=0x74)


def bicolor(d):
    return matrix.Matrix8x8x2(i2c, address=0x75)


def backpack16(d):
    return matrix.MatrixBackpack16x8(i2c, address=0x76)


def feather16(d):
    return matrix.Matrix16x8(i2c, address=0x76)


def bars(d):
    return bargraph.Bicolor24(i2c, address=0x77)


def pixels(points, color=1):
    def draw(d):
        for x, y in points:
            d.pixel(x, y, color)
    return draw


CASES = [
    # 7 segments: numbers, text, hex, colon, raw.
    ("seg7 print 1234", seg7, lambda d: d.print(1234)),
    ("seg7 print -123", seg7, lambda d: d.print(-123)),
    ("seg7 print 12.34", seg7, lambda d: d.print("12.34")),
    ("seg7 print 42", seg7, lambda d: d.print(42)),
    ("seg7 print 3.5", seg7, lambda d: d.print(3.5, decimal=1)),
    ("seg7 print text HELP", seg7, lambda d: d.print("HELP")),
    ("seg7 print text bdEF", seg7, lambda d: d.print("bdEF")),
    ("seg7 print text OPEN", seg7, lambda d: d.print("OPEN")),
    ("seg7 print text tUrn", seg7, lambda d: d.print("tUrn")),
    ("seg7 print text ya", seg7, lambda d: d.print("y a ")),
    ("seg7 print 12:34", seg7, lambda d: d.print("12:34")),
    ("seg7 hex BEEF", seg7, lambda d: d.print_hex(0xBEEF)),
    ("seg7 hex 1F", seg7, lambda d: d.print_hex(0x1F)),
    ("seg7 colon", seg7, lambda d: setattr(d, "colon", True)),
    ("seg7 raw", seg7, lambda d: [d.set_digit_raw(i, m) for i, m in enumerate((0x01, 0x80, 0x7F, 0xFF))]),
    ("seg7 print after print", seg7, lambda d: (d.print(1234), d.print(42))),
    # 1.2": colon, left colon dots, upper dot.
    ("big colon", big, lambda d: d.colons.__setitem__(0, True)),
    ("big left colon", big, lambda d: d.colons.__setitem__(1, True)),
    ("big top left dot", big, lambda d: setattr(d, "top_left_dot", True)),
    ("big bottom left dot", big, lambda d: setattr(d, "bottom_left_dot", True)),
    ("big upper dot", big, lambda d: setattr(d, "ampm", True)),
    ("big print 21.5C", big, lambda d: d.print("21.5C")),
    # 14 segments.
    ("alpha print ABCD", alpha, lambda d: d.print("ABCD")),
    ("alpha print WXYZ", alpha, lambda d: d.print("WXYZ")),
    ("alpha print a.b.", alpha, lambda d: d.print("a.b.")),
    ("alpha print 2.75", alpha, lambda d: d.print("2.75")),
    ("alpha print signs", alpha, lambda d: d.print("+-*/")),
    ("alpha print I<>?", alpha, lambda d: d.print("I<>?")),
    ("alpha raw", alpha, lambda d: d.set_digit_raw(1, 0x2D00)),
    ("alpha chained SEGMENTS", chained_alpha, lambda d: d.print("SEGMENTS")),
    # Matrices.
    ("8x8 pixels", matrix8, pixels([(0, 0), (7, 0), (3, 4), (0, 7)])),
    ("8x8 fill", matrix8, lambda d: d.fill(1)),
    ("8x8 shift right", matrix8, lambda d: (pixels([(0, 0), (7, 3)])(d), d.shift(1, 0))),
    ("8x8 shift wrap", matrix8, lambda d: (pixels([(0, 0), (7, 3)])(d), d.shift(1, 1, rotate=True))),
    ("8x8 shift left up", matrix8, lambda d: (pixels([(0, 0), (5, 5)])(d), d.shift(-2, -1))),
    ("bicolor pixels", bicolor, lambda d: [d.pixel(x, 1, c) for x, c in ((0, 1), (1, 2), (2, 3))]),
    ("bicolor fill yellow", bicolor, lambda d: d.fill(3)),
    ("16x8 backpack pixels", backpack16, pixels([(0, 0), (15, 0), (8, 3), (15, 7)])),
    ("16x8 featherwing pixels", feather16, pixels([(0, 0), (15, 0), (8, 3), (15, 7)])),
    ("16x8 backpack fill", backpack16, lambda d: d.fill(1)),
    # Bargraph.
    ("bargraph bars", bars, lambda d: [d.__setitem__(i, c) for i, c in ((0, 1), (5, 2), (12, 3), (23, 1))]),
]

for name, make, act in CASES:
    display = make(None)
    act(display)
    ram = list(display._buffer)
    # Each backpack's 17-byte buffer starts with the RAM address byte, 0.
    images = [ram[i + 1 : i + 17] for i in range(0, len(ram), 17)]
    addresses = [device.device_address for device in display.i2c_device]
    for address, image in zip(addresses, images):
        last[address] = image
    print(json.dumps({"case": name, "ram": sum(images, [])}))

print(json.dumps({"last": {str(address): image for address, image in last.items()}}))
sys.stdout.flush()
