"""What the special-function modules share (special.py, special_bessel.py): SciPy's
scipy.special looked up once, the traceable forwards built on it (SciPy's ufunc, else a
NumPy fallback, else an ImportError naming the function), and the check of an argument
a function is not differentiated in."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import special_numpy as _np_special
from ._op import _Stand
from ._shapes import check_operand


# ------------------------------------------------------------------ SciPy, if installed

_scipy_special = None       # the scipy.special module once looked up; False if missing


def scipy_special():
    """scipy.special, or False when SciPy is not installed (looked up once)."""
    global _scipy_special
    if _scipy_special is None:
        try:
            import scipy.special as module
        except ImportError:
            module = False
        _scipy_special = module
    return _scipy_special


def _float_dtype(xs):
    dtype = np.result_type(*xs)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _traceable(name, fallback=None, scipy_name=None):
    """The forward of special function `name`: SciPy's ufunc when installed, else
    `fallback` (NumPy, float64), else an ImportError. Floating inputs keep their dtype
    (float32 in, float32 out); integers compute in float64. Called on the stand-ins
    `elementwise` traces `d` with, it records itself as one program step."""
    sname = scipy_name or name

    def fn(*xs):
        for v in xs:
            if type(v) is _Stand:
                return v.trace.step(fn, *xs)
        dtype = _float_dtype(xs)
        sc = scipy_special()
        if sc:
            out = getattr(sc, sname)(*xs)
        elif fallback is not None:
            out = fallback(*[np.asarray(v, dtype=np.float64) for v in xs])
        else:
            raise ImportError(f"{name} needs SciPy, which is not installed: "
                              "pip install scipy")
        return np.asarray(out).astype(dtype, copy=False)

    fn.__name__ = fn.__qualname__ = name
    return fn


def _polygamma_scipy(sc, n, x):
    # scipy.special.polygamma checks n with NumPy bools; the formula works on arrays of n
    with np.errstate(invalid="ignore"):
        higher = (-1.0) ** (n + 1) * sc.gamma(n + 1.0) * sc.zeta(n + 1.0, x)
    return np.where(n == 0, sc.psi(x), higher)


def _polygamma_forward(n, x):
    if type(n) is _Stand or type(x) is _Stand:
        return (n if type(n) is _Stand else x).trace.step(_polygamma_forward, n, x)
    dtype = _float_dtype((n, x))
    sc = scipy_special()
    if sc:
        out = _polygamma_scipy(sc, np.asarray(n, dtype=np.float64), x)
    else:
        out = _np_special.polygamma(n, x)
    # no limit at -inf (poles all the way down): NaN as torch, not zeta's inf
    out = np.where((np.asarray(x) == -np.inf) & (np.asarray(n) >= 1), np.nan, out)
    return np.asarray(out).astype(dtype, copy=False)


_polygamma_forward.__name__ = "polygamma"


def _constant(who, name, v):
    """An argument the function is not differentiated in: a number, an array, or a
    tensor that needs no gradient."""
    if isinstance(v, Tensor):
        if v.requires_grad or v._fw is not None:
            raise NotImplementedError(
                f"{who}: the gradient with respect to {name} is not implemented; pass "
                f"{name} as a number or a constant tensor (.detach())")
        return v
    return check_operand(who, name, v)
