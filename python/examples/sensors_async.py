"""Three sensors read together with asyncio while a clock keeps ticking on the display.

On the emulator: lightseg-sim --scene python/tests/scene.toml python3 sensors_async.py
"""

import asyncio
from typing import List

import lightseg


async def tick(display: lightseg.Display, seconds: int) -> None:
    for second in range(seconds):
        display.print_time(0, second % 60)
        await asyncio.sleep(0.1)


async def main() -> List[lightseg.Reading]:
    sensors = [lightseg.TSL2561(address=address) for address in (0x29, 0x39, 0x49)]
    with lightseg.Display("seg7", 0x70) as display:
        readings, _ = await asyncio.gather(lightseg.read_all_async(sensors), tick(display, 5))
    for sensor in sensors:
        sensor.close()
    return readings


if __name__ == "__main__":
    for reading in asyncio.run(main()):
        print("saturated: too bright for 402 ms at 16x" if reading.saturated else f"{reading.lux:.2f} lux")
