"""The tests run on the emulated bus: `make python-check` starts pytest under
`lightseg-sim --scene python/tests/scene.toml`. Tests marked `realtime` need real time
(asyncio's timers and threads do not move the emulator's virtual clock yet) and run in a
second session with LIGHTSEG_SIM_REALTIME=1."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "realtime: needs LIGHTSEG_SIM_REALTIME=1")


def pytest_collection_modifyitems(config, items):
    realtime = os.environ.get("LIGHTSEG_SIM_REALTIME") == "1"
    for item in items:
        if ("realtime" in item.keywords) != realtime:
            item.add_marker(pytest.mark.skip(reason="runs in the other session"))


@pytest.fixture(autouse=True)
def on_the_emulator():
    assert "liblightseg_sim" in os.environ.get("LD_PRELOAD", ""), (
        "run the tests under the emulator: make python-check"
    )
