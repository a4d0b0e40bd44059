"""The global random generator behind rand/randn, initialisers and dropout."""
import numpy as np

_gen = np.random.Generator(np.random.PCG64(0))


def generator() -> np.random.Generator:
    return _gen


def manual_seed(seed: int):
    """Seed rand/randn, initialisers and dropout so runs repeat exactly."""
    global _gen
    _gen = np.random.Generator(np.random.PCG64(int(seed)))
    return _gen


seed = manual_seed


def get_rng_state() -> dict:
    """The random state as a JSON-able dict (for checkpoints)."""
    return _gen.bit_generator.state


def set_rng_state(state: dict):
    """Restore a state returned by get_rng_state."""
    bg = np.random.PCG64()
    bg.state = state
    global _gen
    _gen = np.random.Generator(bg)
