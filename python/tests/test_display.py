"""HT16K33 backpacks from Python, on the emulated bus (python/tests/scene.toml)."""

import errno

import lightseg
import pytest


def test_numbers_text_and_refusals_on_the_seven_segment():
    with lightseg.Display("seg7", 0x70) as display:
        display.print(21.5, decimals=1)
        assert display.shows == " 21.5"
        display.print(-42)
        assert display.shows == " -42"
        display.print("1:23")
        assert display.shows == " 1:23"
        display.print_hex(0xBEEF)
        assert display.shows == "bEEF"
        for value, code in ((12345, errno.ERANGE), ("KM", errno.EILSEQ), (float("nan"), errno.EDOM)):
            with pytest.raises(lightseg.InvalidValueError) as refused:
                display.print(value)
            assert refused.value.errno == code
        assert display.shows == "bEEF", "refusals change nothing"
        display.print_time(9, 5)
        assert display.shows == " 9:05"


def test_a_chain_of_alphanumerics_is_one_display():
    with lightseg.Display("alphanumeric", [0x72, 0x73]) as sign:
        sign.print(-273.15, decimals=2)
        assert sign.shows == "  -273.15"
        sign.set_glyph("~", 0x0001)
        sign.print("~ OK ~")
        assert sign.shows.startswith("? OK ?"), sign.shows


def test_auto_show_off_collects_changes_until_show():
    with lightseg.Display("seg7", 0x70, auto_show=False) as display:
        display.print(1)
        display.print(2)
        display.show()
        assert display.shows == "   2"


def test_matrix_graphics_and_text():
    with lightseg.Display("matrix16x8", 0x76) as matrix:
        matrix.rect(0, 0, 16, 8)
        matrix.circle(4, 3, 2, filled=True)
        matrix.line(9, 1, 14, 6)
        matrix.shift(-1, 0, wrap=True)
        assert matrix.shows.splitlines() == [
            "################",
            "..###...#.....##",
            ".#####...#....##",
            ".#####....#...##",
            ".#####.....#..##",
            "..###.......#.##",
            ".............###",
            "################",
        ]
        assert matrix.pixel(0, 0) == lightseg.GREEN
        matrix.print("Hi!")
        assert matrix.shows.splitlines()[1] == "#..#...#....#..."
        with pytest.raises(lightseg.InvalidValueError):
            matrix.print("Hi!!")
        matrix.scroll("HI", step=0.01, gap=1, cycles=2)
        assert set(matrix.shows) <= {".", "\n"}, "a run ends blank"


def test_scrolling_from_a_loop_and_the_bargraph():
    with lightseg.Display("matrix8x8", 0x74) as matrix:
        with pytest.raises(lightseg.InvalidValueError):
            matrix.scroll_step()
        matrix.scroll_start("A", step=0.1)
        assert not matrix.scroll_step(), "step 1 is not due yet"
        import time

        time.sleep(0.35)
        assert matrix.scroll_step(), "steps 1 to 3 were due: step 3 shown"
    with lightseg.Display("bargraph24", 0x77) as bars:
        bars.level(12)
        assert bars.shows == "G" * 12 + "." * 12
        bars.bar(0, lightseg.RED)
        assert bars.shows[0] == "R"


def test_unknown_kinds_and_closed_displays_raise():
    with pytest.raises(lightseg.InvalidValueError):
        lightseg.Display("seg9", 0x70)
    display = lightseg.Display("seg7", 0x70)
    display.close()
    with pytest.raises(lightseg.ClosedError):
        display.print(1)
    assert "seg7" in lightseg.KINDS and len(lightseg.KINDS) == 8
