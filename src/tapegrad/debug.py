"""`jax.debug`'s printing for ported programs: `tg.debug.print("x = {}", x)`.

JAX needs it because a Python print inside jit sees tracers; tapegrad's traced
functions fall back to running eagerly when they read a value, so this is print with
str.format and NumPy's array text, which is what JAX's output looks like."""
from __future__ import annotations

import builtins

import numpy as np

from ._pytree import flatten, unflatten
from ._tensor import Tensor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _shown(tree: Any) -> Any:
    leaves, spec = flatten(tree)
    return unflatten(spec, [np.asarray(v.detach().numpy()) if isinstance(v, Tensor) else v
                            for v in leaves])


def print(fmt: str, *args: Any, ordered: bool = False, **kwargs: Any) -> None:
    """Print `fmt.format(*args, **kwargs)` with tensors shown as NumPy arrays.

    Args:
        fmt: a str.format string.
        *args: values for its positional fields (pytrees allowed).
        ordered: JAX's ordering flag (accepted: prints happen in program order here).
        **kwargs: values for its named fields.

    Raises:
        TypeError: fmt is not a string.

    >>> import tapegrad as tg
    >>> tg.debug.print("x = {}, y = {y}", tg.tensor([1.0, 2.0]), y=3)
    x = [1. 2.], y = 3
    """
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: fmt must be a format string, got {type(fmt).__name__}")
    builtins.print(fmt.format(*[_shown(a) for a in args],
                              **{k: _shown(v) for k, v in kwargs.items()}))


__all__ = ["print"]
