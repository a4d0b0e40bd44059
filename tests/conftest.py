import numpy as np
import pytest

import tapegrad as tg


@pytest.fixture
def rng():
    """A seeded generator so every random test input repeats."""
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _seed():
    tg.manual_seed(0)
    yield
    # make_dual outside any dual_level opens the default level 0 for the thread (as
    # designed, it stays open); a test that does so must not change the next one's mode
    tg._state.local.fw_default = False
