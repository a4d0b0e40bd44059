"""Bessel functions: i0, i0e, i1, i1e, iv, ive (modified, first kind), j0, j1, jv (first
kind), y0, y1, yv (second kind). Values from SciPy (no NumPy fallback: without SciPy they
raise ImportError); each derivative is a recurrence in the same family, so every order
is differentiable. Re-exported by ops/special.py."""
from __future__ import annotations

import numpy as np

from ._apply import apply2
from ._op import _Stand, elementwise
from ._special_base import _constant, _traceable


_i0 = _traceable("i0")
_i0e = _traceable("i0e")
_i1 = _traceable("i1")
_i1e = _traceable("i1e")
_iv = _traceable("iv")
_ive_scipy = _traceable("ive")


def _ive(v, x):
    """SciPy's ive, and its limit 0 at x = +-inf (SciPy gives NaN there, which made
    i1e's and i0e's gradients NaN at +-inf where torch's are 0)."""
    if type(v) is _Stand or type(x) is _Stand:
        return (v if type(v) is _Stand else x).trace.step(_ive, v, x)
    out = _ive_scipy(v, x)
    with np.errstate(invalid="ignore"):
        v, x = np.asarray(v), np.asarray(x)
        gone = np.isinf(x) & np.isfinite(v) & ((x > 0) | (v == np.floor(v)))
    return np.where(gone, np.zeros((), out.dtype), out) if gone.any() else out
_j0 = _traceable("j0")
_j1 = _traceable("j1")
_jv = _traceable("jv")
_y0 = _traceable("y0")
_y1 = _traceable("y1")
_yv = _traceable("yv")


# ------------------------------------------------------------------ Bessel functions

I0, i0 = elementwise(_i0, d=lambda x, out: _i1(x), name="i0",
                     doc="""Modified Bessel function of the first kind, order 0;
    d i0 = i1. SciPy, NumPy and PyTorch: i0.

    >>> import tapegrad as tg
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> tg.i0(x).backward()
    >>> round(tg.i0(x).item(), 6), round(x.grad.item(), 6)      # i0(1), i1(1)
    (1.266066, 0.565159)
    """)
I0e, i0e = elementwise(_i0e, d=lambda x, out: _i1e(x) - np.sign(x) * out, name="i0e",
                       doc="""i0(x) exp(-|x|), finite where i0 overflows. SciPy: i0e.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.i0e(tg.tensor(1.0, dtype="float64")).item(), 6)
    0.46576
    """)
# i1' = (i0 + i2) / 2: finite at 0, where the textbook i0 - i1/x is 0/0
I1, i1 = elementwise(_i1, d=lambda x, out: 0.5 * (_i0(x) + _iv(2.0, x)), name="i1",
                     doc="""Modified Bessel function of the first kind, order 1;
    d i1 = (i0 + i2) / 2 (0.5 at 0). SciPy: i1.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(0.0, dtype="float64", requires_grad=True)
    >>> special.i1(x).backward()
    >>> special.i1(x).item(), x.grad.item()
    (0.0, 0.5)
    """)
I1e, i1e = elementwise(_i1e, d=lambda x, out: 0.5 * (_i0e(x) + _ive(2.0, x)) -
                       np.sign(x) * out, name="i1e", doc="""i1(x) exp(-|x|). SciPy: i1e.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.i1e(tg.tensor(1.0, dtype="float64")).item(), 6)
    0.20791
    """)
Iv, _iv_fn = elementwise(_iv, d=(0, lambda v, x, out: 0.5 * (_iv(v - 1, x) + _iv(v + 1, x))),
                         name="iv", doc="Modified Bessel function of the first kind, "
                                        "real order v.")
Ive, _ive_fn = elementwise(
    _ive, d=(0, lambda v, x, out: 0.5 * (_ive(v - 1, x) + _ive(v + 1, x)) - np.sign(x) * out),
    name="ive", doc="iv(v, x) exp(-|x|).")
J0, j0 = elementwise(_j0, d=lambda x, out: -_j1(x), name="j0",
                     doc="""Bessel function of the first kind, order 0; d j0 = -j1.
    SciPy: j0.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> special.j0(x).backward()
    >>> round(special.j0(x).item(), 6), round(x.grad.item(), 6)      # j0(1), -j1(1)
    (0.765198, -0.440051)
    """)
J1, j1 = elementwise(_j1, d=lambda x, out: 0.5 * (_j0(x) - _jv(2.0, x)), name="j1",
                     doc="""Bessel function of the first kind, order 1;
    d j1 = (j0 - j2) / 2. SciPy: j1.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.j1(tg.tensor(1.0, dtype="float64")).item(), 6)
    0.440051
    """)
Jv, _jv_fn = elementwise(_jv, d=(0, lambda v, x, out: 0.5 * (_jv(v - 1, x) - _jv(v + 1, x))),
                         name="jv", doc="Bessel function of the first kind, real order v.")
Y0, y0 = elementwise(_y0, d=lambda x, out: -_y1(x), name="y0",
                     doc="""Bessel function of the second kind, order 0 (x > 0);
    d y0 = -y1. SciPy: y0.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> special.y0(x).backward()
    >>> round(special.y0(x).item(), 6), round(x.grad.item(), 6)      # y0(1), -y1(1)
    (0.088257, 0.781213)
    """)
Y1, y1 = elementwise(_y1, d=lambda x, out: 0.5 * (_y0(x) - _yv(2.0, x)), name="y1",
                     doc="""Bessel function of the second kind, order 1 (x > 0).
    SciPy: y1.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.y1(tg.tensor(1.0, dtype="float64")).item(), 6)
    -0.781213
    """)
Yv, _yv_fn = elementwise(_yv, d=(0, lambda v, x, out: 0.5 * (_yv(v - 1, x) - _yv(v + 1, x))),
                         name="yv", doc="Bessel function of the second kind, real order v.")


def iv(v, x):
    """Modified Bessel function of the first kind of real order v; differentiable in x
    (d/dx = (iv(v-1, x) + iv(v+1, x)) / 2). SciPy: iv.

    Args:
        v: the real order, a number, array or tensor that needs no gradient.
        x: the argument; broadcast with v.

    Returns:
        I_v(x), of the broadcast shape.

    Raises:
        NotImplementedError: v is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.iv(2.0, tg.tensor(1.0, dtype="float64")).item(), 6)
    0.135748
    """
    return apply2(Iv, _constant("iv", "v", v), x)


def ive(v, x):
    """iv(v, x) * exp(-|x|), finite where iv overflows; differentiable in x. SciPy: ive.

    Args:
        v: the real order, a number, array or tensor that needs no gradient.
        x: the argument; broadcast with v.

    Returns:
        I_v(x) exp(-|x|), of the broadcast shape.

    Raises:
        NotImplementedError: v is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.ive(2.0, tg.tensor(1.0, dtype="float64")).item(), 6)
    0.049939
    """
    return apply2(Ive, _constant("ive", "v", v), x)


def jv(v, x):
    """Bessel function of the first kind of real order v; differentiable in x
    (d/dx = (jv(v-1, x) - jv(v+1, x)) / 2). SciPy: jv (jn for integer v).

    Args:
        v: the real order, a number, array or tensor that needs no gradient.
        x: the argument; broadcast with v.

    Returns:
        J_v(x), of the broadcast shape.

    Raises:
        NotImplementedError: v is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.jv(2.0, tg.tensor(1.0, dtype="float64")).item(), 6)
    0.114903
    """
    return apply2(Jv, _constant("jv", "v", v), x)


def yv(v, x):
    """Bessel function of the second kind of real order v (x > 0); differentiable in x.
    SciPy: yv (yn for integer v).

    Args:
        v: the real order, a number, array or tensor that needs no gradient.
        x: the argument (> 0; nan for x < 0, as SciPy); broadcast with v.

    Returns:
        Y_v(x), of the broadcast shape.

    Raises:
        NotImplementedError: v is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.yv(2.0, tg.tensor(1.0, dtype="float64")).item(), 6)
    -1.650683
    """
    return apply2(Yv, _constant("yv", "v", v), x)

# the names `from tapegrad.ops.special_bessel import *` gives (tests/test_all.py)
__all__ = ["I0", "i0", "I0e", "i0e", "I1", "i1", "I1e", "i1e", "Iv", "Ive", "J0", "j0", "J1",
           "j1", "Jv", "Y0", "y0", "Y1", "y1", "Yv", "iv", "ive", "jv", "yv"]
