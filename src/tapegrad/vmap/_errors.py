"""tg.vmap's errors, and how it finds the user's line and a NumPy function's `out=`
(the helpers the placeholder of a batched value raises with)."""
import inspect
import sys

import numpy as np


class BatchedWriteError(RuntimeError):
    """An in-place write that vmap cannot batch (into or from a batched value)."""


class ControlFlowError(RuntimeError):
    """Python control flow (bool(), float(), .item()) on a value that differs per
    batch element."""


class DynamicShapeError(ValueError):
    """An op whose result's shape depends on the values of a batched input (x[mask] with
    a batched boolean mask): each batch element would get a different shape."""


def _user_line():
    """file:line of the innermost frame outside tapegrad."""
    f = sys._getframe(1)
    pkg = __name__.split(".")[0]
    while f is not None:
        mod = f.f_globals.get("__name__", "")
        if mod != pkg and not mod.startswith(pkg + "."):
            return f"{f.f_code.co_filename}:{f.f_lineno}"
        f = f.f_back
    return "?"


def _control_flow(how):
    raise ControlFlowError(
        f"vmap: {how} of a batched value at {_user_line()}: its value differs from one "
        "batch element to the next, so Python control flow cannot depend on it. Use "
        "tg.where(cond, a, b) to pick values, or tg.cond(pred, true_fn, false_fn)")


# NumPy functions that read only shapes and dtypes
_HARMLESS = {np.shape, np.ndim, np.size, np.result_type, np.iscomplexobj, np.isrealobj,
             np.may_share_memory, np.shares_memory, np.can_cast, np.min_scalar_type}


_SIGNATURES: dict = {}


def _out_argument(func, args, kwargs):
    """The `out=` array a NumPy function was given (positionally or by name), or None."""
    if "out" in kwargs:
        return kwargs["out"]
    sig = _SIGNATURES.get(func, 0)
    if sig == 0:
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            sig = None
        _SIGNATURES[func] = sig
    if sig is None or "out" not in sig.parameters:
        return None
    try:
        return sig.bind_partial(*args).arguments.get("out")
    except TypeError:
        return None
