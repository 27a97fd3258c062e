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


def test_raw_segments_dots_glyphs_and_their_refusals():
    with lightseg.Display("seg7", 0x70) as display:
        display.set_raw(0, 0x76)
        display.set_colon(True)
        assert display.shows == "H :  "
        display.set_dots(0x00)
        assert ":" not in display.shows
        display.set_glyph("K", 0x75)
        display.print("OK")
        assert display.shows == "0?  ", "O reads back as 0; K has no font shape"
        display.set_glyph("K", None)
        cases = [
            (lambda: display.set_raw(4, 0x01), errno.EINVAL),
            (lambda: display.set_raw(0, 0x100), errno.EINVAL),
            (lambda: display.set_dots(0x04), errno.EINVAL),
            (lambda: display.set_glyph(".", 1), errno.EINVAL),
            (lambda: display.print_hex(0x10000), errno.ERANGE),
            (lambda: display.print_time(24, 60), errno.EINVAL),
            (lambda: display.print("K"), errno.EILSEQ),
            (lambda: display.set_brightness(16), errno.EINVAL),
            (lambda: display.set_blink(3), errno.EINVAL),
            (lambda: display.pixel(0, 0, lightseg.RED), errno.EINVAL),
            (lambda: display.bar(0, lightseg.RED), errno.EINVAL),
            (lambda: display.scroll("K"), errno.EILSEQ),
            (lambda: display.scroll("A", step=0), errno.EINVAL),
        ]
        before = display.shows
        for call, code in cases:
            with pytest.raises(lightseg.InvalidValueError) as refused:
                call()
            assert refused.value.errno == code, call
        assert display.shows == before
        with pytest.raises(TypeError):
            display.print(object())


def test_on_off_brightness_blink_clear_and_repr():
    with lightseg.Display("seg7", 0x70, brightness=3) as display:
        assert repr(display) == 'Display(kind="seg7", bus=1, first address=0x70)'
        assert display.kind == "seg7"
        display.print(8)
        display.off()
        display.on()
        display.set_brightness(0)
        for hz in (0, 0.5, 1, 2):
            display.set_blink(hz)
        display.clear()
        assert display.shows.strip() == ""
    assert display.closed


def test_matrix_pixels_bitmap_text_rotation_and_refusals():
    with lightseg.Display("matrix8x8", 0x74) as matrix:
        matrix.pixel(1, 2, lightseg.RED)
        assert matrix.pixel(1, 2) == lightseg.GREEN, "a single-colour LED reads GREEN"
        assert matrix.pixel(0, 0) == lightseg.OFF
        matrix.fill(lightseg.OFF)
        matrix.bitmap(0, 0, bytes([0x81, 0x42]), 8, 2)
        assert matrix.shows.splitlines()[:2] == ["#......#", ".#....#."]
        matrix.text(-1, 0, "A")
        matrix.set_rotation(2)
        cases = [
            (lambda: matrix.pixel(8, 0, 1), errno.EINVAL),
            (lambda: matrix.pixel(0, 0, 4), errno.EINVAL),
            (lambda: matrix.bitmap(0, 0, b"", 8, 1), errno.EINVAL),
            (lambda: matrix.set_rotation(4), errno.EINVAL),
            (lambda: matrix.line(0, 0, 40000, 0), errno.EINVAL),
            (lambda: matrix.rect(0, 0, 40000, 1), errno.EINVAL),
            (lambda: matrix.circle(0, 0, 40000), errno.EINVAL),
            (lambda: matrix.text(0, 0, "\u00e9"), errno.EILSEQ),
            (lambda: matrix.print("AB"), errno.ERANGE),
            (lambda: matrix.print_hex(1), errno.EINVAL),
            (lambda: matrix.level(1), errno.EINVAL),
            (lambda: matrix.set_glyph("A", 1), errno.EINVAL),
        ]
        for call, code in cases:
            with pytest.raises(lightseg.InvalidValueError) as refused:
                call()
            assert refused.value.errno == code, call


def test_bargraph_level_refusals():
    with lightseg.Display("bargraph24", 0x77) as bars:
        for call in (lambda: bars.level(25), lambda: bars.bar(24, 1), lambda: bars.fill()):
            with pytest.raises(lightseg.InvalidValueError) as refused:
                call()
            assert refused.value.errno == errno.EINVAL


def test_opening_refusals_and_bus_errors_keep_errno_and_hint():
    for kwargs in ({"kind": "seg9"}, {"brightness": 16}, {"address": 0x80}):
        with pytest.raises((lightseg.InvalidValueError, OverflowError)):
            lightseg.Display(**kwargs)
    with pytest.raises(lightseg.BusError) as nothing:
        lightseg.Display("seg7", 0x71)
    assert nothing.value.errno in (errno.EREMOTEIO, errno.ENXIO)
    assert "lightseg scan --bus 1" in nothing.value.hint
    with pytest.raises(lightseg.BusError) as no_bus:
        lightseg.Display("seg7", 0x70, bus=9)
    assert no_bus.value.errno == errno.ENOENT
    # Bus 2's display does not acknowledge its fifth transfer: the first print.
    with lightseg.Display("seg7", 0x70, bus=2) as flaky:
        with pytest.raises(lightseg.BusError) as failed:
            flaky.print(42)
        assert failed.value.errno == errno.EREMOTEIO
        assert flaky.shows.strip() == "", "the content stays what the display shows"
        flaky.print(42)
        assert flaky.shows == "  42"


def test_every_call_on_a_closed_display_raises_ebadf():
    display = lightseg.Display("seg7", 0x70)
    display.close()
    display.close()
    for call in (display.show, display.on, display.off, display.clear, lambda: display.shows):
        with pytest.raises(lightseg.ClosedError) as closed:
            call()
        assert closed.value.errno == errno.EBADF
