"""`jax.debug`'s printing and callbacks for ported programs: `tg.debug.print("x = {}",
x)` and `tg.debug.callback(fn, *args)`.

Both run as a step of the computation (a gradient-free op), so they see the values of
every call: eagerly, in each call of a `tg.jit` function (its trace replays the step
with that call's values; a Python `print` of a tensor instead reads the value while
tracing and makes that function run eagerly), and under `tg.vmap` once per batch
element, in order, as JAX's batching of callbacks does. The callback receives NumPy
arrays where JAX passes jax.Array values; they print alike."""
from __future__ import annotations

import builtins
import threading

import numpy as np

from ._check import _got
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .ops._apply import apply
from .ops._op import Op
from .function.trace import tracing
from .ops.shape import GetItem
from .vmap._batched import RULES
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class _Callback(Op):
    """Call `fn` on the values of its tensor inputs (the other leaves fixed in `leaves`);
    its result is a dummy 0-d array nobody reads."""
    args = ()
    differentiable = False
    bw_name = "DebugCallbackBackward"

    @staticmethod
    def forward(*xs, callback, spec, leaves, where):
        if getattr(_local, "recording", False):
            return np.zeros((), np.float32)     # the trace's replay of this call calls it
        vals = list(leaves)
        for i, x in zip(where, xs):
            arr = np.array(x)
            arr.flags.writeable = False
            vals[i] = arr
        args, kwargs = unflatten(spec, vals)
        callback(*args, **kwargs)
        return np.zeros((), np.float32)


def _callback_rule(op, vals, flags, params, size):
    # JAX's batching of a callback: one call per batch element, in order
    for b in range(size):
        op_args = [apply(GetItem, v, index=(b,)) if f else v for v, f in zip(vals, flags)]
        apply(op, *op_args, **params)
    return make(np.zeros((size,), np.float32))


_Callback.__name__ = "debug_callback"      # its name in make_jaxpr, as JAX's
RULES[_Callback] = _callback_rule
_local = threading.local()


def _run(fn, args, kwargs):
    leaves, spec = flatten((tuple(args), dict(kwargs)))
    where = tuple(i for i, v in enumerate(leaves) if isinstance(v, Tensor))
    fixed = tuple(None if isinstance(v, Tensor) else v for v in leaves)
    # inside a tg.jit trace the step is recorded, not run: the first call's replay (or
    # its eager run, if the trace is refused) makes the call, as every later call does
    outer = getattr(_local, "recording", False)
    _local.recording = outer or tracing()
    try:
        apply(_Callback, *[leaves[i] for i in where], callback=fn, spec=spec, leaves=fixed,
              where=where)
    finally:
        _local.recording = outer


def callback(callback: Callable[..., Any], *args: Any, ordered: bool = False,
             partitioned: bool = False, **kwargs: Any) -> None:
    """Call `callback(*args, **kwargs)` with the values of the tensors among the args
    (jax.debug.callback), eagerly, in every call of a tg.jit function, and under
    tg.vmap once per batch element. Its result is discarded.

    Args:
        callback: a Python function; it gets NumPy arrays (read-only) for tensors and
            the other arguments as given, pytrees rebuilt.
        *args: its positional arguments (pytrees of tensors and other values).
        ordered: JAX's ordering flag (accepted: calls happen in program order here).
        partitioned: JAX's sharding flag (accepted; one device here).
        **kwargs: its keyword arguments.

    Returns:
        None.

    Raises:
        TypeError: callback is not callable.

    >>> import tapegrad as tg
    >>> seen = []
    >>> f = tg.jit(lambda x: (tg.debug.callback(seen.append, x), x * 2)[1])
    >>> _ = f(tg.tensor([1.0])); _ = f(tg.tensor([5.0]))
    >>> [a.tolist() for a in seen]
    [[1.0], [5.0]]
    """
    if not callable(callback):
        raise TypeError(f"debug.callback: callback must be callable, got {_got(callback)}")
    _run(callback, args, kwargs)


def print(fmt: str, *args: Any, ordered: bool = False, partitioned: bool = False,
          **kwargs: Any) -> None:
    """Print `fmt.format(*args, **kwargs)` with tensors shown as NumPy arrays
    (jax.debug.print): eagerly, in every call of a tg.jit function with that call's
    values, and under tg.vmap once per batch element.

    Args:
        fmt: a str.format string.
        *args: values for its positional fields (pytrees allowed).
        ordered: JAX's ordering flag (accepted: prints happen in program order here).
        partitioned: JAX's sharding flag (accepted).
        **kwargs: values for its named fields.

    Raises:
        TypeError: fmt is not a string.

    >>> import tapegrad as tg
    >>> tg.debug.print("x = {}, y = {y}", tg.tensor([1.0, 2.0]), y=3)
    x = [1. 2.], y = 3
    >>> _ = tg.vmap(lambda v: tg.debug.print("v = {}", v))(tg.tensor([1.0, 2.0]))
    v = 1.0
    v = 2.0
    """
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: fmt must be a format string, got {type(fmt).__name__}")
    _run(lambda *a, **k: builtins.print(fmt.format(*a, **k)), args, kwargs)


__all__ = ["print", "callback"]
