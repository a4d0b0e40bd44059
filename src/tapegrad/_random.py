"""The global random generator behind rand/randn, initialisers and dropout."""
from __future__ import annotations

import numpy as np

from ._check import _got
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_gen = np.random.Generator(np.random.PCG64(0))


def generator() -> np.random.Generator:
    return _gen


def manual_seed(seed: int) -> Any:
    """Seed rand/randn, initialisers and dropout so runs repeat exactly.

    `seed` is a non-negative int; floats, bools and strings are refused (not truncated).
    Returns the new NumPy Generator. `tg.seed` is the same function.

    Args:
        seed: a non-negative int.

    Returns:
        The new NumPy Generator.

    Raises:
        TypeError: seed is not an int.
        ValueError: seed is negative.

    >>> _ = tg.manual_seed(42)
    >>> a = tg.randn(3)
    >>> _ = tg.manual_seed(42)
    >>> bool((tg.randn(3) == a).all())
    True
    """
    global _gen
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be a non-negative int, got {_got(seed)}")
    if seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative int, got {seed}")
    _gen = np.random.Generator(np.random.PCG64(int(seed)))
    return _gen


seed = manual_seed


def get_rng_state() -> dict:
    """The random state as a JSON-able dict (for checkpoints); set_rng_state restores
    it, so the same draws come again.

    >>> state = tg.get_rng_state()
    >>> a = tg.rand(3)
    >>> tg.set_rng_state(state)
    >>> bool((tg.rand(3) == a).all())
    True
    """
    return _gen.bit_generator.state


def set_rng_state(state: dict) -> None:
    """Restore a state returned by get_rng_state. Anything else is refused, and the
    current state is left as it was.

    Args:
        state: a dict from tg.get_rng_state().

    Raises:
        TypeError: state is not a dict.
        ValueError: the dict is not one get_rng_state returned.

    >>> state = tg.get_rng_state()
    >>> first = tg.randint(0, 1000, size=(4,)).tolist()
    >>> tg.set_rng_state(state)
    >>> tg.randint(0, 1000, size=(4,)).tolist() == first
    True
    """
    if not isinstance(state, dict):
        raise TypeError(f"set_rng_state: state must be a dict returned by get_rng_state, "
                        f"got {_got(state)}")
    inner = state.get("state")
    if (not isinstance(inner, dict) or state.get("bit_generator") != "PCG64" or
            any(not isinstance(inner.get(k), int) or isinstance(inner.get(k), bool) or
                not 0 <= inner.get(k) < 2 ** 128 for k in ("state", "inc")) or
            not isinstance(state.get("has_uint32", 0), int) or
            not isinstance(state.get("uinteger", 0), int)):
        raise ValueError(f"set_rng_state: state must be a dict returned by get_rng_state "
                         f"(bit_generator 'PCG64', 128-bit 'state' and 'inc'), got "
                         f"{_got(state)}")
    bg = np.random.PCG64()
    try:
        bg.state = state
    except (TypeError, ValueError, KeyError, OverflowError) as e:
        raise ValueError(f"set_rng_state: state is not a valid PCG64 state: {e}") from None
    global _gen
    _gen = np.random.Generator(bg)
