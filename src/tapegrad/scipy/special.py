"""`tapegrad.scipy.special`: scipy.special's names, differentiable (as
`autograd.scipy.special`). Python numbers compute in float64, as in SciPy.

>>> import tapegrad as tg
>>> from tapegrad.scipy import special
>>> x = tg.tensor(3.0, dtype="float64", requires_grad=True)
>>> special.gammaln(x).backward()
>>> round(x.grad.item(), 6)                   # digamma(3)
0.922784

Differentiable in every tensor argument except the parameters a, b of gammainc,
gammaincc and betainc, the order n of polygamma and the order v of the Bessel
functions (these raise NotImplementedError when they require a gradient).
"""
from __future__ import annotations

import inspect

import numpy as np

from .. import ops as _ops
from ..ops import special as _S
from ..ops.shape import squeeze as _squeeze
from ._args import f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis


def _signed(f, fn, name, n):
    """f named `name`, with fn's docstring and signature (its first n parameters
    positional-only, as SciPy's ufuncs take them), so the reference site documents the
    parameter names the docstring's Args use."""
    f.__name__ = f.__qualname__ = name
    f.__doc__ = fn.__doc__
    params = list(inspect.signature(fn).parameters.values())
    params[:n] = [p.replace(kind=inspect.Parameter.POSITIONAL_ONLY) for p in params[:n]]
    f.__signature__ = inspect.signature(fn).replace(parameters=params)
    return f


def _unary(fn, name):
    def f(x, **kwargs):
        return fn(f64(x), **kwargs)
    return _signed(f, fn, name, 1)


def _binary(fn, name):
    def f(x, y):
        return fn(f64(x), f64(y))
    return _signed(f, fn, name, 2)


gammaln = _unary(_S.lgamma, "gammaln")
gamma = _unary(_S.gamma, "gamma")
gammasgn = _unary(_S.gammasgn, "gammasgn")
rgamma = _unary(_S.rgamma, "rgamma")
digamma = _unary(_S.digamma, "digamma")
psi = _unary(_S.digamma, "psi")
erf = _unary(_ops.erf, "erf")
erfc = _unary(_S.erfc, "erfc")
erfcx = _unary(_S.erfcx, "erfcx")
erfinv = _unary(_S.erfinv, "erfinv")
erfcinv = _unary(_S.erfcinv, "erfcinv")
expit = _unary(_ops.sigmoid, "expit")
logit = _unary(_S.logit, "logit")
entr = _unary(_S.entr, "entr")
ndtr = _unary(_S.ndtr, "ndtr")
ndtri = _unary(_S.ndtri, "ndtri")
log_ndtr = _unary(_S.log_ndtr, "log_ndtr")
i0 = _unary(_S.i0, "i0")
i0e = _unary(_S.i0e, "i0e")
i1 = _unary(_S.i1, "i1")
i1e = _unary(_S.i1e, "i1e")
j0 = _unary(_S.j0, "j0")
j1 = _unary(_S.j1, "j1")
y0 = _unary(_S.y0, "y0")
y1 = _unary(_S.y1, "y1")
beta = _binary(_S.beta, "beta")
betaln = _binary(_S.betaln, "betaln")
gammainc = _binary(_S.gammainc, "gammainc")
gammaincc = _binary(_S.gammaincc, "gammaincc")
xlogy = _binary(_S.xlogy, "xlogy")
xlog1py = _binary(_S.xlog1py, "xlog1py")
iv = _binary(_S.iv, "iv")
ive = _binary(_S.ive, "ive")
jv = _binary(_S.jv, "jv")
yv = _binary(_S.yv, "yv")
jn = _binary(_S.jv, "jn")          # integer orders: SciPy's jn is jv
_yv_of = _binary(_S.yv, "yn")


def yn(n: ArrayLike, x: ArrayLike) -> Tensor:
    """Bessel function of the second kind of integer order n (scipy.special.yn): a
    non-integer n is truncated toward zero, as SciPy does.

    Args:
        n: the order (an int; floats are truncated).
        x: the argument (x > 0).

    Returns:
        Y_n(x) in float64, differentiable with respect to x.

    >>> import tapegrad.scipy.special as sp
    >>> float(sp.yn(1.7, 2.0)) == float(sp.yn(1, 2.0))
    True
    """
    return _yv_of(_ops.trunc(f64(n)), x)


def polygamma(n: ArrayLike, x: ArrayLike) -> Tensor:
    """The n-th derivative of digamma; n a whole number (an int, or an integer array of one
    value), differentiable in x.

    Args:
        n: the order, a whole number >= 0 (an int, or an array whose values are all
            the same whole number).
        x: the argument, a tensor, array or number (Python numbers compute in float64).

    Returns:
        psi^(n)(x), of the broadcast shape of n and x.

    Raises:
        TypeError: n is not a whole number, or n holds several different orders.
        ValueError: n < 0.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> special.polygamma(1, x).backward()
    >>> round(special.polygamma(1, x).item(), 6), round(x.grad.item(), 6)   # pi^2/6, -2 zeta(3)
    (1.644934, -2.404114)
    """
    nn = raw(n)
    if np.ndim(nn) == 0 and float(nn) == int(nn):
        return _S.polygamma(int(nn), f64(x))
    values = np.unique(nn)
    if values.size == 1 and float(values[0]) == int(values[0]):
        return _ops.broadcast_to(_S.polygamma(int(values[0]), f64(x)),
                                 np.broadcast_shapes(np.shape(nn), np.shape(raw(x))))
    raise TypeError(f"polygamma: n must be a whole number (one order for all of x), got {n!r}")


def multigammaln(a: ArrayLike, d: int) -> Tensor:
    """log of the multivariate gamma function of dimension d (needs a > (d - 1) / 2);
    differentiable in a.

    Args:
        a: the argument, a tensor, array or number (> (d - 1) / 2).
        d: the dimension, a positive int.

    Returns:
        log Gamma_d(a), of a's shape.

    Raises:
        ValueError: d < 1, or a <= (d - 1) / 2 somewhere.

    >>> from tapegrad.scipy import special
    >>> round(special.multigammaln(2.5, 2).item(), 6)
    0.857048
    """
    return _S.multigammaln(f64(a), d)


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Tensor:
    """Regularized incomplete beta I_x(a, b); differentiable in x (a and b are
    constants).

    Args:
        a: the first shape parameter (> 0), a number, array or constant tensor.
        b: the second shape parameter (> 0), a number, array or constant tensor.
        x: the upper limit, in [0, 1].

    Returns:
        I_x(a, b), in [0, 1], of the broadcast shape of a, b and x.

    Raises:
        NotImplementedError: a or b is a tensor that requires a gradient.

    >>> from tapegrad.scipy import special
    >>> special.betainc(2.0, 3.0, 0.5).item()
    0.6875
    """
    return _S.betainc(f64(a), f64(b), f64(x))


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """log(sum(b * exp(a))) over `axis`, stable for large |a| (scipy.special.logsumexp).
    With `b`, the weights may be negative: `return_sign=True` gives (log|sum|, sign);
    otherwise a negative sum gives nan, as in SciPy.

    Args:
        a: a tensor, array or number (Python numbers compute in float64).
        axis: an axis or a tuple of axes (default None: all).
        b: optional weights, broadcast with a (default None: all ones).
        keepdims: keep the reduced axes with size 1.
        return_sign: also return the sign of the sum (only meaningful with b).

    Returns:
        The log of the (weighted) sum of exponentials over axis, or a tuple
        (log|sum|, sign) with return_sign (the sign carries no gradient).

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> a = tg.tensor([0.0, 0.0], dtype="float64", requires_grad=True)
    >>> special.logsumexp(a, b=[2.0, -1.0]).item()          # log(2 - 1)
    0.0
    >>> special.logsumexp(a).backward()
    >>> a.grad
    tensor([0.5000, 0.5000], dtype=float64)
    >>> special.logsumexp([0.0, 0.0], b=[1.0, -2.0], return_sign=True)
    (tensor(0., dtype=float64), tensor(-1., dtype=float64))
    """
    a = f64(a)
    if b is None:
        out = _ops.logsumexp(a, axis=axis, keepdims=keepdims)
        if return_sign:
            return out, _ops.sign(_ops.exp(out)).detach()
        return out
    b = f64(b)
    shape = np.broadcast_shapes(np.shape(raw(a)), np.shape(raw(b)))
    ra = np.broadcast_to(raw(a), shape)
    # the shift is a constant: the result does not depend on it, only its rounding does
    m = np.max(np.where(np.broadcast_to(raw(b), shape) != 0, ra, -np.inf), axis=axis,
               keepdims=True) if ra.size else np.zeros((1,) * ra.ndim)
    m = np.where(np.isfinite(m), m, 0.0)
    s = _ops.sum(b * _ops.exp(a - m), axis=axis, keepdims=True)
    sign = _ops.sign(s).detach()
    with np.errstate(divide="ignore"):
        out = _ops.log(_ops.abs(s) if return_sign else s) + m
    if not keepdims:
        out = _squeeze(out, axis=axis) if axis is not None else _ops.reshape(out, ())
        sign = _squeeze(sign, axis=axis) if axis is not None else _ops.reshape(sign, ())
    return (out, sign) if return_sign else out


def softmax(x: ArrayLike, axis: Axis = None) -> Tensor:
    """exp(x) / sum(exp(x)) over `axis` (None: over all elements, as SciPy).

    Args:
        x: a tensor, array or number (Python numbers compute in float64).
        axis: an axis or a tuple of axes (default None: all).

    Returns:
        A tensor of x's shape, summing to 1 over axis.

    >>> from tapegrad.scipy import special
    >>> special.softmax([[0.0, 0.0], [0.0, 0.0]]).tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    >>> special.softmax([[0.0, 0.0], [0.0, 0.0]], axis=1).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    x = f64(x)
    return _ops.exp(x - _ops.logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x: ArrayLike, axis: Axis = None) -> Tensor:
    """x - logsumexp(x) over `axis` (None: over all elements, as SciPy).

    Args:
        x: a tensor, array or number (Python numbers compute in float64).
        axis: an axis or a tuple of axes (default None: all).

    Returns:
        A tensor of x's shape whose exponentials sum to 1 over axis.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor([1.0, 1.0], dtype="float64", requires_grad=True)
    >>> [round(v, 6) for v in special.log_softmax(x).tolist()]    # -log 2
    [-0.693147, -0.693147]
    >>> special.log_softmax(x)[0].backward()
    >>> x.grad
    tensor([ 0.5000, -0.5000], dtype=float64)
    """
    x = f64(x)
    return x - _ops.logsumexp(x, axis=axis, keepdims=True)

from ._special_more import (exp1, expi, factorial, kl_div, log_expit, poch,  # noqa: E402
                            rel_entr, zeta)

# the names `from tapegrad.scipy.special import *` gives (tests/test_all.py)
__all__ = ["gammaln", "gamma", "gammasgn", "rgamma", "digamma", "psi", "erf", "erfc", "erfcx",
           "erfinv", "erfcinv", "expit", "logit", "entr", "ndtr", "ndtri", "log_ndtr", "i0", "i0e",
           "i1", "i1e", "j0", "j1", "y0", "y1", "beta", "betaln", "gammainc", "gammaincc", "xlogy",
           "xlog1py", "iv", "ive", "jv", "yv", "jn", "yn", "polygamma", "multigammaln", "betainc",
           "logsumexp", "softmax", "log_softmax", "rel_entr", "kl_div", "log_expit",
           "factorial", "poch", "exp1", "expi", "zeta"]
