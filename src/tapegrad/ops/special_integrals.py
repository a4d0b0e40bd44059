"""Exponential integrals and the Hurwitz zeta function: exp1, expi, zeta. Values from
SciPy (no NumPy fallback: without SciPy they raise ImportError naming the function);
each derivative is written with the same family or elementary functions, so every
order is differentiable. Re-exported by tapegrad.scipy.special."""
from __future__ import annotations

import numpy as np

from ._apply import apply2
from ._op import elementwise
from ._special_base import _constant, _traceable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .._typing import ArrayLike


_exp1 = _traceable("exp1")
_expi = _traceable("expi")
_zeta = _traceable("zeta")


Exp1, exp1 = elementwise(_exp1, d=lambda x, out: -np.exp(-x) / x, name="exp1",
                         doc="""The exponential integral E1(x) = integral from x to inf
    of exp(-t)/t dt (x > 0); d E1 = -exp(-x)/x. SciPy: exp1.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> special.exp1(x).backward()
    >>> round(special.exp1(x).item(), 6), round(x.grad.item(), 6)
    (0.219384, -0.367879)
    """)
Expi, expi = elementwise(_expi, d=lambda x, out: np.exp(x) / x, name="expi",
                         doc="""The exponential integral Ei(x), the principal value of
    the integral from -inf to x of exp(t)/t dt; d Ei = exp(x)/x. SciPy: expi.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.expi(tg.tensor(1.0, dtype="float64")).item(), 6)
    1.895118
    """)
# d zeta(x, q)/dq = -x zeta(x + 1, q); x is the order, not differentiated (as JAX)
Zeta, _zeta_fn = elementwise(_zeta, d=(0, lambda x, q, out: -x * _zeta(x + 1.0, q)),
                             name="zeta", doc="The Hurwitz zeta function zeta(x, q).")


def zeta(x: ArrayLike, q: ArrayLike | None = None) -> Tensor:
    """The Hurwitz zeta function, the sum over k >= 0 of (k + q)^-x (Riemann's zeta when
    q is None, q = 1); differentiable in q (d/dq = -x zeta(x + 1, q)). SciPy: zeta.

    Args:
        x: the order (> 1 for a finite sum), a number, array or tensor that needs no
            gradient.
        q: the shift; None for Riemann's zeta. Broadcast with x.

    Returns:
        zeta(x, q), of the broadcast shape.

    Raises:
        NotImplementedError: x is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> q = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> special.zeta(2.0, q).backward()
    >>> round(special.zeta(2.0, q).item(), 6), round(q.grad.item(), 6)
    (0.644934, -0.404114)
    """
    return apply2(Zeta, _constant("zeta", "x", x), 1.0 if q is None else q)


# the names `from tapegrad.ops.special_integrals import *` gives (tests/test_all.py)
__all__ = ["Exp1", "exp1", "Expi", "expi", "Zeta", "zeta"]
