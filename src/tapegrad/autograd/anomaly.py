"""detect_anomaly: remember where each op ran in forward, and check backward results for
NaN/inf. Off, it costs `apply()` and the engine one flag check each; on, the op fast
paths stay (in C too) and record a creation stack instead of a call site, and
`check_grads` is one C test per node while gradients are finite."""
from __future__ import annotations

import functools
import linecache

import numpy as np

from .. import _state
from .._tensor import Tensor
from .._native import SPEEDUPS, _anomaly_stack
from .._sites import site_line
from ..ops.elementwise import _all_finite
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

_local = _state.local


def _flag(v, who, arg):
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{who}: {arg} must be True or False, got {v!r} "
                        f"({type(v).__name__})")
    return bool(v)


class AnomalyError(RuntimeError):
    """A backward rule produced NaN or inf under `detect_anomaly`."""


class detect_anomaly:
    """Context manager (and decorator) for debugging backward passes.

    Inside it, every recorded op remembers the Python stack it ran from, and a NaN or inf
    in a gradient computed by a backward rule raises `AnomalyError` (a RuntimeError) that
    names the op and shows that forward stack. Errors about modified saved tensors show
    it too. With `check_nan=False` only the stacks are recorded. Slow: for debugging.

    Args:
        check_nan: raise on NaN or inf gradients (False: only record the stacks).

    >>> import tapegrad as tg
    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> with tg.detect_anomaly():
    ...     y = tg.sqrt(x).sum()
    ...     y.backward()
    Traceback (most recent call last):
        ...
    tapegrad.autograd.anomaly.AnomalyError: detect_anomaly: SqrtBackward returned inf ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = _flag(check_nan, "detect_anomaly", "check_nan")
        self._prev = []

    def __enter__(self) -> detect_anomaly:
        self._prev.append((_local.anomaly, _local.anomaly_check_nan))
        _local.anomaly_check_nan = self.check_nan
        _local.anomaly = True
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        _local.anomaly, _local.anomaly_check_nan = self._prev.pop()
        return False

    def __call__(self, fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off now (PyTorch's set_detect_anomaly); used as a
    context manager it restores the previous setting on exit.

    Args:
        mode: True to turn anomaly detection on, False to turn it off.
        check_nan: raise on NaN or inf gradients while it is on.

    >>> import tapegrad as tg
    >>> with tg.autograd.set_detect_anomaly(True):
    ...     tg.autograd.is_anomaly_enabled()
    True
    >>> tg.autograd.is_anomaly_enabled()
    False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        mode = _flag(mode, "set_detect_anomaly", "mode")
        check_nan = _flag(check_nan, "set_detect_anomaly", "check_nan")
        self._prev = (_local.anomaly, _local.anomaly_check_nan)
        _local.anomaly_check_nan = check_nan
        _local.anomaly = mode

    def __enter__(self) -> set_detect_anomaly:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        _local.anomaly, _local.anomaly_check_nan = self._prev
        return False


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly` in this thread.

    >>> import tapegrad as tg
    >>> tg.autograd.is_anomaly_enabled()
    False
    >>> with tg.detect_anomaly():
    ...     tg.autograd.is_anomaly_enabled()
    True
    """
    return bool(_local.anomaly)


def is_anomaly_check_nan_enabled() -> bool:
    return bool(_local.anomaly) and _local.anomaly_check_nan


def capture_site() -> list:
    """The user's part of the current stack as `_site` tuples (code, offset), innermost
    last: what a node records under detect_anomaly.

    Frames inside tapegrad are left out. Nothing is formatted (and no frame is kept)
    until an error needs it, so recording stays cheap."""
    return _anomaly_stack()


def format_stack(frames) -> str:
    """Format capture_site()'s entries like a traceback."""
    lines = []
    for site in frames:
        code, lineno = site_line(site)
        lines.append(f'  File "{code.co_filename}", line {lineno}, in {code.co_name}\n')
        src = linecache.getline(code.co_filename, lineno).strip()
        if src:
            lines.append(f"    {src}\n")
    return "".join(lines) or "  <no Python frames outside tapegrad>\n"


def _check_grads_py(node, gxs):
    """Raise AnomalyError if a gradient the rule of `node` returned has NaN or inf."""
    if not _local.anomaly_check_nan:
        return
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        arr = gx._data if isinstance(gx, Tensor) else np.asarray(gx)
        if arr.dtype.kind not in "fc" or _all_finite(arr):
            continue
        raise AnomalyError(_message(node, i, arr))


def _message(node, i, arr):
    finite = np.isfinite(arr)
    nan = int(np.isnan(arr).sum())
    inf = arr.size - int(finite.sum()) - nan
    bad = " and ".join(w for w, n in (("nan", nan), ("inf", inf)) if n)
    counts = ", ".join(f"{n} {w}" for w, n in (("nan", nan), ("inf", inf)) if n)
    name = node.op.bw_name
    shape = node.in_shapes[i] if i < len(node.in_shapes) else None
    shape = arr.shape if shape is None else tuple(shape)
    # a broadcast input's gradient is checked before it is summed down to the input
    of = "" if shape == arr.shape else f" of the rule's {arr.shape} result"
    msg = (f"detect_anomaly: {name} returned {bad} values in its gradient for input {i} "
           f"(shape {shape}; {counts} of {arr.size} elements{of}).\n")
    site = node.site
    what = name[:-len("Backward")] if name.endswith("Backward") else name
    if isinstance(site, list):
        msg += (f"The forward call that created this {what} node (most recent call "
                f"last):\n{format_stack(site)}")
    else:
        if site is not None:
            code, line = site_line(site)
            src = linecache.getline(code.co_filename, line).strip()
            msg += (f"The {what} node was created at:\n  File \"{code.co_filename}\", "
                    f"line {line}, in {code.co_name}\n" + (f"    {src}\n" if src else ""))
        msg += ("It was recorded before anomaly detection was on; run the forward pass "
                "inside `with tg.detect_anomaly():` to see the whole stack.\n")
    return msg + ("Common causes: sqrt/log/pow at 0, division by zero, or an overflowing exp "
                  "in forward; a custom backward returning nan.")


if SPEEDUPS is None:
    check_grads = _check_grads_py
else:
    # the C test passes finite gradients at once and hands the rest to the Python check
    SPEEDUPS.init_anomaly(_check_grads_py)
    check_grads = SPEEDUPS.check_grads

# the names `from tapegrad.autograd.anomaly import *` gives (tests/test_all.py)
__all__ = ["AnomalyError", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "capture_site", "format_stack"]
