"""The tests run on the emulated bus: `make python-check` starts pytest under
`lightseg-sim --scene python/tests/scene.toml`, on its virtual clock. Tests marked
`realtime` (threads and asyncio) run again in a second session with
LIGHTSEG_SIM_REALTIME=1, where only they run: they must hold in real time too."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "realtime: also runs with LIGHTSEG_SIM_REALTIME=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("LIGHTSEG_SIM_REALTIME") != "1":
        return
    for item in items:
        if "realtime" not in item.keywords:
            item.add_marker(pytest.mark.skip(reason="runs on the virtual clock only"))


def virtual_clock():
    """Whether the clock is the emulator's virtual one (exact times can be asserted)."""
    return os.environ.get("LIGHTSEG_SIM_REALTIME") != "1"


@pytest.fixture(autouse=True)
def on_the_emulator():
    assert "liblightseg_sim" in os.environ.get("LD_PRELOAD", ""), (
        "run the tests under the emulator: make python-check"
    )
