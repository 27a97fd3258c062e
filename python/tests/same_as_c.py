"""The calls of tests/c/same_as_python.c, through the Python package: tests/python.rs runs
both on python/tests/scene.toml and compares what reached the bus and what was read."""

import lightseg

with lightseg.TSL2561(bus=1, address=0x39) as sensor:
    reading = sensor.read()
    print(f"read {reading.broadband} {reading.infrared}")
    print(f"full range {sensor.read_full_range().lux:.4f}")

with lightseg.Display("seg7", 0x70) as digits:
    digits.print(21.5, decimals=1)
    digits.print("1:23")
    digits.print_hex(0xBEEF)

with lightseg.Display("alphanumeric", [0x72, 0x73]) as sign:
    sign.print(-273.15, decimals=2)
    sign.scroll("HI", step=0.05)

with lightseg.Display("matrix16x8", 0x76) as matrix:
    matrix.rect(0, 0, 16, 8)
    matrix.circle(4, 3, 2, filled=True)
    matrix.shift(-1, 0, wrap=True)
    matrix.print("Hi!")
