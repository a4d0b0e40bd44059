"""More of scipy.special (re-exported by tapegrad.scipy.special): relative entropy and
KL divergence, log_expit, factorial and poch written with differentiable ops, and the
exponential integrals and Hurwitz zeta of ops/special_integrals.py. Python numbers
compute in float64, as in SciPy."""
from __future__ import annotations

import numpy as np

from .. import ops as _ops
from .._tensor import Tensor, make
from ..ops import special as _S
from ..ops import special_integrals as _I
from ..ops._special_base import scipy_special
from ._args import f64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike


def _t(v):
    v = f64(v)
    return v if isinstance(v, Tensor) else make(np.asarray(v))


def rel_entr(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise relative entropy: x log(x/y) for x, y > 0; 0 for x = 0 and y >= 0;
    inf otherwise (scipy.special.rel_entr). Differentiable in x and y.

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number; broadcast with x.

    Returns:
        The relative entropy, of the broadcast shape.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor([0.5, 0.0], dtype="float64", requires_grad=True)
    >>> special.rel_entr(x, 0.25).sum().backward()
    >>> [round(v, 6) for v in special.rel_entr(x, 0.25).tolist()], round(x.grad[0].item(), 6)
    ([0.346574, 0.0], 1.693147)
    """
    x, y = _t(x), _t(y)
    out = _S.xlogy(x, x) - _S.xlogy(x, y)
    bad = (x < 0) | (y < 0) | ((x > 0) & (y == 0))
    return _ops.where(bad, np.inf, out)


def kl_div(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise KL divergence: x log(x/y) - x + y for x, y > 0; y for x = 0 and
    y >= 0; inf otherwise (scipy.special.kl_div). Differentiable in x and y.

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number; broadcast with x.

    Returns:
        The divergence terms, of the broadcast shape.

    >>> from tapegrad.scipy import special
    >>> [round(v, 6) for v in special.kl_div([0.5, 0.0], [0.25, 2.0]).tolist()]
    [0.096574, 2.0]
    """
    x, y = _t(x), _t(y)
    return rel_entr(x, y) - x + y


def log_expit(x: ArrayLike) -> Tensor:
    """log(expit(x)) = -log(1 + exp(-x)), accurate for large |x| (scipy.special.log_expit).

    Args:
        x: a tensor, array or number.

    Returns:
        log(expit(x)), of x's shape.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.log_expit(tg.tensor(-800.0, dtype="float64")).item(), 6)
    -800.0
    """
    return _ops.logsigmoid(_t(x))


def factorial(n: ArrayLike, exact: bool = False) -> Any:
    """n! as gamma(n + 1), 0 for n < 0 (scipy.special.factorial); differentiable in n.
    With exact=True, SciPy's integers (no gradient: they are not tensors).

    Args:
        n: a tensor, array or number.
        exact: SciPy's exact integer result (for numbers and arrays that need no
            gradient).

    Returns:
        n!, of n's shape.

    Raises:
        TypeError: exact=True for a tensor that requires grad.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> n = tg.tensor(3.0, dtype="float64", requires_grad=True)
    >>> special.factorial(n).backward()
    >>> special.factorial(n).item(), round(n.grad.item(), 6)     # 3! and 3! psi(4)
    (6.0, 7.536706)
    """
    if exact:
        if isinstance(n, Tensor) and (n.requires_grad or n._fw is not None):
            raise TypeError("factorial: exact=True gives integers, which have no gradient; "
                            "pass exact=False to differentiate")
        sc = scipy_special()
        if not sc:
            raise ImportError("factorial(exact=True) needs SciPy: pip install scipy")
        return sc.factorial(n.numpy() if isinstance(n, Tensor) else n, exact=True)
    n = _t(n)
    return _ops.where(n < 0, 0.0, _S.gamma(n + 1.0))


def poch(z: ArrayLike, m: ArrayLike) -> Tensor:
    """The rising factorial (z)_m = gamma(z + m) / gamma(z) (scipy.special.poch);
    differentiable in z and m.

    Args:
        z: a tensor, array or number.
        m: a tensor, array or number; broadcast with z.

    Returns:
        (z)_m, of the broadcast shape.

    >>> from tapegrad.scipy import special
    >>> special.poch(3.0, 2.0).item(), special.poch(0.0, 2.0).item()    # 3 * 4, and 0
    (12.0, 0.0)
    """
    z, m = _t(z), _t(m)
    top = z + m
    # where both are positive the log-gammas do not overflow (z in the hundreds)
    pos = (z > 0) & (top > 0)
    safe_z, safe_top = _ops.where(pos, z, 1.0), _ops.where(pos, top, 1.0)
    ratio = _ops.exp(_S.lgamma(safe_top) - _S.lgamma(safe_z))
    with np.errstate(invalid="ignore", over="ignore"):     # inf * 0 where pos holds
        other = _S.gamma(top) * _S.rgamma(z)
    return _ops.where(pos, ratio, other)


def exp1(x: ArrayLike) -> Tensor:
    """The exponential integral E1(x) (x > 0); d E1 = -exp(-x)/x. SciPy: exp1.

    Args:
        x: a tensor, array or number.

    Returns:
        E1(x), of x's shape.

    >>> from tapegrad.scipy import special
    >>> round(special.exp1(1.0).item(), 6)
    0.219384
    """
    return _I.exp1(f64(x))


def expi(x: ArrayLike) -> Tensor:
    """The exponential integral Ei(x); d Ei = exp(x)/x. SciPy: expi.

    Args:
        x: a tensor, array or number.

    Returns:
        Ei(x), of x's shape.

    >>> from tapegrad.scipy import special
    >>> round(special.expi(1.0).item(), 6)
    1.895118
    """
    return _I.expi(f64(x))


def zeta(x: ArrayLike, q: ArrayLike | None = None) -> Tensor:
    """The Hurwitz zeta function (Riemann's when q is None); differentiable in q. SciPy:
    zeta.

    Args:
        x: the order, a number, array or tensor that needs no gradient.
        q: the shift (None: 1).

    Returns:
        zeta(x, q), of the broadcast shape.

    Raises:
        NotImplementedError: x is a tensor that requires a gradient.

    >>> from tapegrad.scipy import special
    >>> round(special.zeta(2.0).item(), 6)        # pi^2 / 6
    1.644934
    """
    return _I.zeta(f64(x), f64(1.0 if q is None else q))


# the names `from tapegrad.scipy._special_more import *` gives (tests/test_all.py)
__all__ = ["rel_entr", "kl_div", "log_expit", "factorial", "poch", "exp1", "expi", "zeta"]
