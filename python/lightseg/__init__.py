"""lightseg: TSL2561 light sensors and every Adafruit HT16K33 LED backpack on Linux
(a Raspberry Pi's /dev/i2c-1), from the lightseg drivers written in Rust.

    import lightseg

    with lightseg.TSL2561(bus=1, address=0x39) as sensor:
        reading = sensor.read_full_range()       # any light, at most two conversions
        print(f"{reading.lux:.2f} lux")

    with lightseg.Display("seg7", 0x70) as display:
        display.print(21.5, decimals=1)          # " 21.5", one I2C transfer

Errors are ``lightseg.errors`` exceptions: ``OSError`` subclasses with the errno and a
hint of what to check. Without hardware, run a program on the emulator:
``lightseg-sim python3 app.py`` (docs/PYTHON.md).
"""

import asyncio
import time
from typing import List, Sequence

from ._native import (
    GREEN,
    KINDS,
    OFF,
    RED,
    TSL2561,
    YELLOW,
    Display,
    Reading,
)
from .errors import (
    BusError,
    ClosedError,
    InvalidValueError,
    LightsegError,
    TooBrightError,
)

__all__ = [
    "TSL2561",
    "Reading",
    "Display",
    "read_all",
    "read_async",
    "read_all_async",
    "OFF",
    "RED",
    "GREEN",
    "YELLOW",
    "KINDS",
    "LightsegError",
    "BusError",
    "ClosedError",
    "InvalidValueError",
    "TooBrightError",
]

# A conversion is collected this long after it is due at the latest (the chip's
# slowest oscillator is already in the wait the sensor reports).
_POLL = 0.001


def read_all(sensors: Sequence[TSL2561]) -> List[Reading]:
    """Reads several sensors in one conversion time: starts each (they convert at the
    same time), waits once for the last, collects each. Each keeps its own gain and
    integration time. Raises the first sensor's error, if one fails."""
    waits = [sensor.start() for sensor in sensors]
    time.sleep(max(waits, default=0.0))
    readings = []
    for sensor in sensors:
        reading = sensor.collect()
        while reading is None:
            time.sleep(_POLL)
            reading = sensor.collect()
        readings.append(reading)
    return readings


async def read_async(sensor: TSL2561) -> Reading:
    """One reading without blocking the event loop: starts the conversion, awaits its
    end with ``asyncio.sleep`` (no thread waits), collects it."""
    await asyncio.sleep(sensor.start())
    reading = sensor.collect()
    while reading is None:
        await asyncio.sleep(_POLL)
        reading = sensor.collect()
    return reading


async def read_all_async(sensors: Sequence[TSL2561]) -> List[Reading]:
    """``read_all`` without blocking the event loop."""
    waits = [sensor.start() for sensor in sensors]
    await asyncio.sleep(max(waits, default=0.0))
    readings = []
    for sensor in sensors:
        reading = sensor.collect()
        while reading is None:
            await asyncio.sleep(_POLL)
            reading = sensor.collect()
        readings.append(reading)
    return readings
