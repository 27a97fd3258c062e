"""Shapes and scrolling text on a 16x8 matrix (0x76).

On the emulator: lightseg-sim --show --scene python/tests/scene.toml python3 matrix.py
"""

import lightseg


def draw(matrix: lightseg.Display) -> str:
    matrix.rect(0, 0, 16, 8)
    matrix.circle(4, 3, 2, color=lightseg.GREEN, filled=True)
    matrix.line(9, 1, 14, 6)
    matrix.shift(-1, 0, wrap=True)
    return matrix.shows


with lightseg.Display("matrix16x8", 0x76) as matrix:
    print(draw(matrix))
    matrix.scroll("HELLO FROM PYTHON", step=0.04, gap=4, cycles=1)
