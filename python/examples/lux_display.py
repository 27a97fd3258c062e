"""The light on the 4-digit display, every second: `python3 lux_display.py [COUNT]`.

On the emulator: lightseg-sim --scene python/tests/scene.toml python3 lux_display.py 3
"""

import sys
import time

import lightseg


def show_light(sensor: lightseg.TSL2561, display: lightseg.Display) -> float:
    """Reads any light and shows it with as many decimals as fit; returns the lux."""
    reading = sensor.read_full_range()
    display.print(reading.lux)
    return reading.lux


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    try:
        with lightseg.TSL2561(bus=1, address=0x39) as sensor, lightseg.Display("seg7", 0x70) as display:
            for _ in range(count):
                lux = show_light(sensor, display)
                print(f"{lux:.2f} lux, shown as {display.shows!r}")
                time.sleep(1)
    except lightseg.BusError as error:
        print(f"{error.strerror}: {error.hint}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
