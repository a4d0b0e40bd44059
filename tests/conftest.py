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
