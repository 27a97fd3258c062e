"""TSL2561 from Python, on the emulated bus (python/tests/scene.toml)."""

import errno
import threading
import time

import lightseg
import pytest
from conftest import virtual_clock


def run_in_threads(target, arguments):
    """Runs target(argument) for each argument, each in a thread of its own, at once."""
    threads = [threading.Thread(target=target, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_reading_has_the_counts_and_lux_of_the_light():
    with lightseg.TSL2561(bus=1, address=0x39) as sensor:
        assert (sensor.gain, sensor.integration_time, sensor.package) == (16, 402, "T/FN/CL")
        start = time.monotonic()
        reading = sensor.read()
        # One conversion: the slowest chip's 402 ms (428.4 ms) and the bus time.
        assert 0.428 < time.monotonic() - start < 0.430
    assert (reading.broadband, reading.infrared) == (1200, 300)
    assert reading.lux == pytest.approx(25.7629, abs=1e-4)
    assert (reading.gain, reading.integration_time, reading.saturated) == (16, 402, False)
    assert "lux=25.7629" in repr(reading)


def test_settings_are_programmed_and_bad_ones_refused_with_errno():
    with lightseg.TSL2561(address=0x39) as sensor:
        sensor.gain = 1
        sensor.integration_time = 101
        reading = sensor.read()
        assert (reading.gain, reading.integration_time) == (1, 101)
        # 1200 counts at 402 ms 16x are 1200 * 81/322 / 16 at 101 ms 1x (rounded down).
        assert reading.broadband == 1200 * 81 // 322 // 16
        for name, value in (("gain", 4), ("integration_time", 100)):
            with pytest.raises(lightseg.InvalidValueError) as refused:
                setattr(sensor, name, value)
            assert refused.value.errno == errno.EINVAL
            assert isinstance(refused.value, ValueError)
            assert isinstance(refused.value, OSError)
        assert (sensor.gain, sensor.integration_time) == (1, 101), "refusals change nothing"


def test_full_range_reads_sunlight_with_its_fraction():
    with lightseg.TSL2561(address=0x49) as sensor:
        reading = sensor.read_full_range()
        assert reading.lux == pytest.approx(30000.0, rel=0.01)
        assert not reading.saturated
        assert sensor.gain == 1, "the chip keeps the setting chosen"


def test_three_sensors_in_one_conversion_time():
    sensors = [lightseg.TSL2561(address=address) for address in (0x29, 0x39, 0x49)]
    try:
        start = time.monotonic()
        readings = lightseg.read_all(sensors)
        elapsed = time.monotonic() - start
    finally:
        for sensor in sensors:
            sensor.close()
    assert [r.broadband for r in readings[:2]] == [400, 1200]
    assert readings[2].saturated, "30,000 lux at 402 ms and 16x clips"
    assert elapsed < 0.432, f"{elapsed} s: one conversion time for all three"


def test_start_and_collect_never_wait():
    with lightseg.TSL2561(address=0x39) as sensor:
        wait = sensor.start()
        assert 0.428 < wait < 0.429
        start = time.monotonic()
        assert sensor.collect() is None, "not yet, and no waiting"
        assert time.monotonic() - start < 0.001
        time.sleep(wait)
        reading = sensor.collect()
        assert reading is not None and reading.broadband == 1200


def test_warm_mode_reads_without_a_new_conversion():
    with lightseg.TSL2561(address=0x39) as sensor:
        sensor.warm = True
        assert sensor.warm
        sensor.read()
        time.sleep(0.5)
        start = time.monotonic()
        sensor.read()
        assert time.monotonic() - start < 0.001, "a conversion had completed: bus time only"


def test_no_bus_no_chip_and_a_closed_sensor_raise_with_errno_and_hint():
    with pytest.raises(lightseg.BusError) as no_bus:
        lightseg.TSL2561(bus=7, address=0x39)
    assert no_bus.value.errno == errno.ENOENT
    assert "raspi-config" in no_bus.value.hint
    assert isinstance(no_bus.value, OSError) and not isinstance(no_bus.value, FileNotFoundError)
    with pytest.raises(lightseg.BusError) as nothing:
        lightseg.TSL2561(bus=1, address=0x3A)
    assert nothing.value.errno in (errno.EREMOTEIO, errno.ENXIO)
    assert "check the wiring" in nothing.value.hint
    with pytest.raises(lightseg.BusError) as display:
        lightseg.TSL2561(bus=1, address=0x70)
    assert display.value.errno == errno.ENODEV, "an HT16K33 is not a TSL2561"
    sensor = lightseg.TSL2561(address=0x39)
    sensor.close()
    sensor.close()
    assert sensor.closed
    with pytest.raises(lightseg.ClosedError) as closed:
        sensor.read()
    assert closed.value.errno == errno.EBADF


def test_interrupt_thresholds_switch_warm_mode_on():
    with lightseg.TSL2561(address=0x39) as sensor:
        sensor.set_interrupt(100, 2000, persist=2)
        assert sensor.warm
        sensor.clear_interrupt()
        sensor.disable_interrupt()
        with pytest.raises(lightseg.InvalidValueError):
            sensor.set_interrupt(2000, 100, persist=2)


@pytest.mark.realtime
def test_asyncio_reads_without_blocking_the_loop():
    import asyncio

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        task = asyncio.ensure_future(ticker())
        with lightseg.TSL2561(address=0x39) as sensor:
            reading = await lightseg.read_async(sensor)
        task.cancel()
        return reading, ticks

    reading, ticks = asyncio.run(main())
    assert reading.broadband == 1200
    assert ticks > 5, "the loop kept running during the conversion"


@pytest.mark.realtime
def test_the_gil_is_released_while_a_reading_waits():
    counted = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1

    with lightseg.TSL2561(address=0x39) as sensor:
        counter = threading.Thread(target=count)
        counter.start()
        try:
            before = counted[0]
            sensor.read()
            during = counted[0] - before
        finally:
            done.set()
            counter.join()
    # Holding the GIL for the 0.43 s conversion would have stopped the counter.
    assert during > 10_000


def test_every_property_and_the_repr():
    sensor = lightseg.TSL2561(1, 0x29)
    assert (sensor.bus, sensor.address, sensor.closed) == (1, 0x29, False)
    assert repr(sensor) == "TSL2561(bus=1, address=0x29)"
    with sensor:
        reading = sensor.read(autogain=True)
        assert reading.broadband == 400 and reading.lux == pytest.approx(7.5122, abs=1e-4)
    assert sensor.closed and repr(sensor).endswith(", closed)")


def test_too_bright_for_any_setting_raises_with_erange():
    with lightseg.TSL2561(bus=2, address=0x39) as sensor:
        with pytest.raises(lightseg.TooBrightError) as bright:
            sensor.read_full_range()
        assert bright.value.errno == errno.ERANGE
        assert isinstance(bright.value, lightseg.LightsegError)
        reading = sensor.read()
        assert reading.saturated and reading.lux == 0.0


def test_every_call_on_a_closed_sensor_raises_ebadf():
    sensor = lightseg.TSL2561(address=0x39)
    sensor.close()
    calls = [
        lambda: sensor.read(),
        lambda: sensor.read_full_range(),
        lambda: sensor.start(),
        lambda: sensor.collect(),
        lambda: sensor.gain,
        lambda: sensor.integration_time,
        lambda: sensor.warm,
        lambda: sensor.package,
        lambda: setattr(sensor, "gain", 1),
        lambda: setattr(sensor, "integration_time", 13),
        lambda: setattr(sensor, "warm", True),
        lambda: sensor.set_interrupt(1, 2),
        lambda: sensor.disable_interrupt(),
        lambda: sensor.clear_interrupt(),
    ]
    for call in calls:
        with pytest.raises(lightseg.ClosedError) as closed:
            call()
        assert closed.value.errno == errno.EBADF
        assert closed.value.hint is None


def test_interrupt_persistence_out_of_range_is_refused():
    with lightseg.TSL2561(address=0x39) as sensor:
        with pytest.raises(lightseg.InvalidValueError) as refused:
            sensor.set_interrupt(1, 2, persist=16)
        assert refused.value.errno == errno.EINVAL
        assert not sensor.warm, "a refused interrupt changes nothing"


def test_an_exception_in_the_block_goes_on_and_the_sensor_closes():
    with pytest.raises(KeyError):
        with lightseg.TSL2561(address=0x39) as sensor:
            raise KeyError("from the block")
    assert sensor.closed


@pytest.mark.realtime
def test_two_threads_read_two_sensors_in_one_conversion_time():
    sensors = [lightseg.TSL2561(address=address) for address in (0x29, 0x39)]
    readings = {}

    def read(sensor):
        readings[sensor.address] = sensor.read()

    start = time.monotonic()
    run_in_threads(read, sensors)
    elapsed = time.monotonic() - start
    for sensor in sensors:
        sensor.close()
    assert readings[0x29].broadband == 400 and readings[0x39].broadband == 1200
    # One after the other would be two conversions, 0.86 s.
    assert elapsed < 0.75, f"{elapsed:.3f} s"


@pytest.mark.realtime
def test_threads_that_sleep_at_once_share_one_clock():
    woke = {}

    def sleeper(name):
        time.sleep(0.4)
        woke[name] = time.monotonic() - start

    start = time.monotonic()
    run_in_threads(sleeper, ["one", "two"])
    joined = time.monotonic() - start
    # Each thread sees 0.4 s, and so does the one that joined them: not 0 (a clock per
    # thread), not 0.8 (one sleep after the other).
    for elapsed in (woke["one"], woke["two"], joined):
        if virtual_clock():
            assert elapsed == pytest.approx(0.4, abs=1e-6), woke
        else:
            assert 0.4 <= elapsed < 0.7, woke


@pytest.mark.realtime
def test_asyncio_sleeps_a_thread_and_a_reading_on_one_clock():
    import asyncio

    async def main():
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(0.25)
        slept = loop.time() - start
        await asyncio.to_thread(time.sleep, 0.4)
        in_thread = loop.time() - start - slept
        with lightseg.TSL2561(address=0x39) as sensor:
            reading = await lightseg.read_async(sensor)
        return slept, in_thread, reading

    slept, in_thread, reading = asyncio.run(main())
    assert reading.broadband == 1200
    if virtual_clock():
        assert slept == pytest.approx(0.25, abs=1e-6)
        assert in_thread == pytest.approx(0.4, abs=1e-6)
    else:
        assert slept >= 0.25 and in_thread >= 0.4


@pytest.mark.realtime
def test_read_all_async_reads_together():
    import asyncio

    sensors = [lightseg.TSL2561(address=address) for address in (0x29, 0x39)]
    try:
        readings = asyncio.run(lightseg.read_all_async(sensors))
    finally:
        for sensor in sensors:
            sensor.close()
    assert [reading.broadband for reading in readings] == [400, 1200]


def test_permission_and_a_kernel_driver_are_named_with_what_to_do():
    with pytest.raises(lightseg.BusError) as denied:
        lightseg.TSL2561(bus=3, address=0x39)
    assert denied.value.errno == errno.EACCES
    assert "adduser $USER i2c" in denied.value.hint
    with pytest.raises(lightseg.BusError) as owned:
        lightseg.TSL2561(bus=4, address=0x39)
    assert owned.value.errno == errno.EBUSY
    assert "unbind" in owned.value.hint
    assert "unbind" in str(owned.value), "str() carries the hint"
