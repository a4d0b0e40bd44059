"""Special functions: gamma and its logarithm and derivatives, beta, the incomplete gamma
and beta functions, the error function family, the normal distribution's CDF and its
inverse, Bessel functions, logit, xlogy, entr.

Values come from SciPy (an optional extra) when it is installed, else from NumPy and the
standard library (ops/special_numpy.py) for the main ones: lgamma/gammaln, gamma,
digamma, polygamma, betaln, erfc, erfinv, erfcinv, ndtr, ndtri, log_ndtr, logit (and
xlogy, xlog1py, entr, which need neither). The others raise ImportError naming the
function and `pip install scipy`.

Each derivative is a formula in other special functions (d lgamma = digamma,
d digamma = polygamma(1, .), d i0 = i1, ...). The forwards below can be called inside
an elementwise `d` (`_traceable`): `derive` records them as program steps, and a second
derivative runs the op whose forward each one is, so every order is differentiable.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from . import special_numpy as _np_special
from ._apply import apply, apply2, call
from ._op import Op, _Stand, elementwise, register, scale, tangent_sum
from ._shapes import check_int, check_operand
from .activations import sigmoid
from .elementwise import Exp, Log, Log1p, Where, clip
from ._special_base import (_constant, _polygamma_forward, _traceable,  # noqa: F401
                            scipy_special)
from .special_bessel import (I0, I0e, I1, I1e, Iv, Ive, J0, J1, Jv, Y0, Y1, Yv, i0, i0e, i1,
                             i1e, iv, ive, j0, j1, jv, y0, y1, yv)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2.0
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_PI = math.log(math.pi)

_lgamma_scipy = _traceable("lgamma", _np_special.gammaln, "gammaln")


def _lgamma(x):
    """log|Gamma(x)|, +inf at -inf as torch, C's lgamma and math.lgamma (SciPy's
    gammaln gives -inf there)."""
    if type(x) is _Stand:
        return x.trace.step(_lgamma, x)
    out = _lgamma_scipy(x)
    a = np.asarray(x)
    with np.errstate(divide="ignore"):
        # SciPy gives inf for subnormal x, where log|Gamma(x)| = -log|x| to rounding
        small = (a != 0) & (np.abs(a) < np.finfo(np.float64).tiny)
        if small.any():
            out = np.where(small, -np.log(np.abs(a)), out).astype(out.dtype, copy=False)
    low = a == -np.inf
    return np.where(low, np.array(np.inf, out.dtype), out) if low.any() else out
_gamma = _traceable("gamma", _np_special.gamma)
_digamma = _traceable("digamma", _np_special.digamma, "psi")
_gammasgn = _traceable("gammasgn", _np_special.gammasgn)
_rgamma = _traceable("rgamma", _np_special.rgamma)
_beta = _traceable("beta")
_betaln = _traceable("betaln", _np_special.betaln)
_gammainc = _traceable("gammainc")
_gammaincc = _traceable("gammaincc")
_betainc = _traceable("betainc")
_erfc = _traceable("erfc", _np_special.erfc)
_erfcx = _traceable("erfcx")
_erfinv = _traceable("erfinv", _np_special.erfinv)
_erfcinv = _traceable("erfcinv", _np_special.erfcinv)
_logit = _traceable("logit", _np_special.logit)
_ndtr = _traceable("ndtr", _np_special.ndtr)
_ndtri = _traceable("ndtri", _np_special.ndtri)
_log_ndtr = _traceable("log_ndtr", _np_special.log_ndtr)


def _entr_forward(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -x * np.log(x)
    # -x log x is 0 at 0 by continuity and -inf below 0 (as SciPy's entr)
    return np.where(x > 0, out, np.where(x == 0, 0.0, np.where(x < 0, -np.inf, x)))


# ------------------------------------------------------------------ gamma and beta

Lgamma, lgamma = elementwise(
    _lgamma, d=lambda x, out: _digamma(x), name="lgamma",
    doc="""log|Gamma(x)|; d lgamma = digamma. SciPy: gammaln.

    >>> import tapegrad as tg
    >>> tg.lgamma(tg.tensor([1.0, 3.0]))
    tensor([0.0000, 0.6931])
    """)
Gamma, gamma = elementwise(_gamma, d=lambda x, out: out * _digamma(x), name="gamma",
                           doc="""Gamma(x) (negative non-integers too; inf at the poles
    0, -1, -2, ...); d Gamma = Gamma digamma. SciPy: gamma.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(5.0, dtype="float64", requires_grad=True)
    >>> special.gamma(x).backward()
    >>> special.gamma(x).item(), round(x.grad.item(), 4)     # 4!, 24 digamma(5)
    (24.0, 36.1468)
    """)
Rgamma, rgamma = elementwise(_rgamma, d=lambda x, out: -out * _digamma(x), name="rgamma",
                             doc="""1 / Gamma(x), 0 at the poles; d rgamma = -rgamma
    digamma. SciPy: rgamma.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> special.rgamma(tg.tensor([3.0, 0.0, -1.0], dtype="float64")).tolist()
    [0.5, 0.0, 0.0]
    """)
Gammasgn, gammasgn = elementwise(_gammasgn, d=0, name="gammasgn",
                                 doc="""The sign of Gamma(x): +1 or -1 (nan at the negative
    integer poles, as SciPy); its derivative is 0.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> special.gammasgn(tg.tensor([2.5, -0.5, -1.5])).tolist()
    [1.0, -1.0, 1.0]
    """)
Digamma, digamma = elementwise(_digamma, d=lambda x, out: _polygamma_forward(1.0, x),
                               name="digamma",
                               doc="""psi(x) = d lgamma(x) / dx; d psi = polygamma(1, x).
    SciPy: psi (also digamma).

    >>> import tapegrad as tg
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> tg.digamma(x).backward()
    >>> round(tg.digamma(x).item(), 6), round(x.grad.item(), 6)   # -euler_gamma, pi^2/6
    (-0.577216, 1.644934)
    """)
# n is an order, not a variable: its derivative is never asked for (polygamma checks)
Polygamma, _polygamma = elementwise(
    _polygamma_forward, d=(0, lambda n, x, out: _polygamma_forward(n + 1, x)),
    name="polygamma", doc="polygamma(n, x), the n-th derivative of digamma; "
                          "d polygamma(n) = polygamma(n + 1).")
Beta, beta = elementwise(
    _beta, name="beta",
    d=(lambda a, b, out: out * (_digamma(a) - _digamma(a + b)),
       lambda a, b, out: out * (_digamma(b) - _digamma(a + b))),
    doc="""B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b), broadcasting; differentiable in
    both (d/da = B (digamma(a) - digamma(a + b))). SciPy: beta.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> a = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> b = special.beta(a, 3.0)
    >>> b.backward()
    >>> round(b.item(), 6), round(a.grad.item(), 6)     # 1/12, -13/144
    (0.083333, -0.090278)
    """)
Betaln, betaln = elementwise(
    _betaln, name="betaln",
    d=(lambda a, b, out: _digamma(a) - _digamma(a + b),
       lambda a, b, out: _digamma(b) - _digamma(a + b)),
    doc="""log|B(a, b)|, broadcasting, without B's overflow; d/da = digamma(a) -
    digamma(a + b). SciPy: betaln.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> a = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> special.betaln(a, 3.0).backward()
    >>> round(special.betaln(a, 3.0).item(), 6), round(a.grad.item(), 6)   # log(1/12), -13/12
    (-2.484907, -1.083333)
    """)


# ------------------------------------------------------------------ error function family

Erfc, erfc = elementwise(_erfc, d=lambda x, out: -_TWO_OVER_SQRT_PI * np.exp(-(x * x)),
                         name="erfc", doc="""1 - erf(x), accurate where erf(x) is near 1.
    d/dx = -2/sqrt(pi) exp(-x^2). SciPy: erfc.

    >>> import tapegrad as tg
    >>> x = tg.tensor([0.0, 10.0], dtype="float64", requires_grad=True)
    >>> [float(f"{v:.4g}") for v in tg.erfc(x).tolist()]     # 1 - erf(10) would be 0
    [1.0, 2.088e-45]
    >>> tg.erfc(x).sum().backward()
    >>> round(x.grad[0].item(), 6)
    -1.128379
    """)
Erfcx, erfcx = elementwise(_erfcx, d=lambda x, out: 2 * x * out - _TWO_OVER_SQRT_PI,
                           name="erfcx", doc="""exp(x^2) erfc(x), the scaled complementary
    error function (finite where exp(x^2) overflows). SciPy: erfcx.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor([1.0], dtype="float64", requires_grad=True)
    >>> round(special.erfcx(x).item(), 6)
    0.427584
    >>> special.erfcx(x).sum().backward()
    >>> round(x.grad.item(), 6)                # 2 x erfcx(x) - 2/sqrt(pi)
    -0.273212
    """)
Erfinv, erfinv = elementwise(_erfinv, d=lambda x, out: _SQRT_PI_OVER_2 * np.exp(out * out),
                             name="erfinv", doc="""Inverse of erf on (-1, 1); +-inf at +-1.
    d/dx = sqrt(pi)/2 exp(erfinv(x)^2). SciPy: erfinv.

    >>> import tapegrad as tg
    >>> x = tg.tensor(0.5, dtype="float64", requires_grad=True)
    >>> tg.erfinv(x).backward()
    >>> round(tg.erfinv(x).item(), 6), round(x.grad.item(), 6)
    (0.476936, 1.112585)
    """)
Erfcinv, erfcinv = elementwise(_erfcinv,
                               d=lambda x, out: -_SQRT_PI_OVER_2 * np.exp(out * out),
                               name="erfcinv", doc="""Inverse of erfc on (0, 2); erfcinv(x) =
    erfinv(1 - x) without its rounding near x = 0. SciPy: erfcinv.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.erfcinv(tg.tensor(0.5, dtype="float64")).item(), 6)
    0.476936
    """)
Ndtr, ndtr = elementwise(_ndtr, d=lambda x, out: np.exp(-0.5 * (x * x)) / _SQRT_2PI,
                         name="ndtr", doc="""The standard normal CDF Phi(x); its
    derivative is the density. SciPy: ndtr (and scipy.stats.norm.cdf).

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(0.0, dtype="float64", requires_grad=True)
    >>> special.ndtr(x).backward()
    >>> special.ndtr(x).item(), round(x.grad.item(), 6)      # 1/2, 1/sqrt(2 pi)
    (0.5, 0.398942)
    """)
Ndtri, ndtri = elementwise(_ndtri, d=lambda x, out: _SQRT_2PI * np.exp(0.5 * (out * out)),
                           name="ndtri", doc="""Inverse of the standard normal CDF (the
    quantile function), -inf at 0 and inf at 1. SciPy: ndtri.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.ndtri(tg.tensor(0.975, dtype="float64")).item(), 4)
    1.96
    """)
# d log Phi = phi / Phi = exp(-x^2/2 - log Phi - log sqrt(2 pi)): from the saved output,
# so it stays finite where Phi underflows (x = -1e3)
LogNdtr, log_ndtr = elementwise(
    _log_ndtr, d=lambda x, out: np.exp(-0.5 * (x * x) - out - _HALF_LOG_2PI),
    name="log_ndtr", doc="""log Phi(x), accurate for very negative x (Phi underflows);
    its gradient stays finite there too. SciPy: log_ndtr.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(-40.0, dtype="float64", requires_grad=True)
    >>> special.log_ndtr(x).backward()
    >>> round(special.log_ndtr(x).item(), 3), round(x.grad.item(), 3)   # about -x for x << 0
    (-804.608, 40.025)
    """)


# ------------------------------------------------------------------ logit, entropy

def _dlogit(x, out):
    # torch: nan outside [0, 1], where the value is nan too (1/(x(1-x)) alone was a
    # finite slope there); 0 * sqrt(p) is 0 inside, nan outside, and keeps 1/p's bits
    p = x * (1 - x)
    return 1 / p + 0.0 * np.sqrt(p)


Logit, _logit_fn = elementwise(_logit, d=_dlogit, name="logit",
                               doc="""log(p / (1 - p)), the inverse of sigmoid (expit).

    >>> import tapegrad as tg
    >>> tg.logit(tg.tensor([0.5]))
    tensor([0.])
    """)
Entr, entr = elementwise(_entr_forward, d=lambda x, out: -(np.log(x) + 1), name="entr",
                         doc="""-x log x for x > 0, 0 at 0, -inf below;
    d entr = -(log x + 1). SciPy: entr (sum it for an entropy).

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> p = tg.tensor([0.5, 0.5, 0.0], dtype="float64")
    >>> round(special.entr(p).sum().item(), 6)       # log 2
    0.693147
    """)


# ------------------------------------------------------------------ x-only derivatives

class _InX(Op):
    """Shared rules of functions differentiable in their last input x only (the
    incomplete gamma and beta functions): asking for a parameter's gradient raises."""
    batching = "elementwise"

    @classmethod
    def _refuse(cls):
        name = cls.__name__.lower()
        raise NotImplementedError(
            f"{name}: the gradient with respect to {' and '.join(cls.args[:-1])} is not "
            f"implemented (only with respect to x); pass them as constants")

    @classmethod
    def vjp(cls, ctx, g):
        if any(ctx.needs_grad[:-1]):
            cls._refuse()
        return (None,) * (len(cls.args) - 1) + (g * cls.dx(*ctx.saved),)

    @classmethod
    def jvp(cls, ctx, *tangents):
        if any(t is not None for t in tangents[:-1]):
            cls._refuse()
        dx = tangents[-1]
        return None if dx is None else dx * cls.dx(*ctx.saved)


def _dgammainc(a, x):
    # d P(a, x) / dx = x^(a-1) exp(-x) / Gamma(a), in logs so large a does not overflow
    return call(Exp, (a - 1) * call(Log, x) - x - call(Lgamma, a))


@register
class Gammainc(_InX):
    """Regularized lower incomplete gamma P(a, x), broadcasting; differentiable in x."""
    args = ("a", "x")
    saves = ("a", "x")
    forward = staticmethod(_gammainc)
    dx = staticmethod(_dgammainc)


@register
class Gammaincc(_InX):
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x); differentiable in x."""
    args = ("a", "x")
    saves = ("a", "x")
    forward = staticmethod(_gammaincc)

    @staticmethod
    def dx(a, x):
        return -_dgammainc(a, x)


@register
class Betainc(_InX):
    """Regularized incomplete beta I_x(a, b), broadcasting; differentiable in x."""
    args = ("a", "b", "x")
    saves = ("a", "b", "x")
    forward = staticmethod(_betainc)

    # d I_x(a, b) / dx = x^(a-1) (1-x)^(b-1) / B(a, b)
    @staticmethod
    def dx(a, b, x):
        return call(Exp, (a - 1) * call(Log, x) + (b - 1) * call(Log1p, -x) -
                    call(Betaln, a, b))


# ------------------------------------------------------------------ xlogy, xlog1py

def _xlogy_forward(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.multiply(x, np.log(y))
    return np.where((np.asarray(x) == 0) & ~np.isnan(y), 0, out)


def _xlog1py_forward(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.multiply(x, np.log1p(y))
    return np.where((np.asarray(x) == 0) & ~np.isnan(y), 0, out)


class _XLog(Op):
    """Shared rules of xlogy and xlog1py: x log(shift + y), 0 where x = 0 (even at y = 0).
    As PyTorch: d/dx = log(shift + y), but 0 where x = 0 and the log is not finite
    (y <= -shift), and a zero cotangent stays zero; d/dy = x / (shift + y)."""
    args = ("x", "y")
    saves = ("x", "y")
    batching = "elementwise"
    log = None
    shift = 0.0

    @classmethod
    def _dx(cls, x, y):
        off = (np.asarray(_raw(x)) == 0) & (np.asarray(_raw(y)) <= -cls.shift)
        if not np.any(off):
            return call(cls.log, y)
        # the log only where it is finite: a log(0) would leave -inf in the rule's graph
        safe = call(Where, off, 1.0 - cls.shift, y)
        return call(Where, off, 0.0, call(cls.log, safe))

    @classmethod
    def vjp(cls, ctx, g):
        x, y = ctx.saved
        gx = scale(g, cls._dx(x, y)) if ctx.needs_grad[0] else None
        gy = g * x / (y + cls.shift) if ctx.needs_grad[1] else None
        return gx, gy

    @classmethod
    def jvp(cls, ctx, dx, dy):
        x, y = ctx.saved
        return tangent_sum(None if dx is None else scale(dx, cls._dx(x, y)),
                           None if dy is None else dy * x / (y + cls.shift))


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


@register
class Xlogy(_XLog):
    """x log y, 0 where x = 0; NumPy broadcasting."""
    forward = staticmethod(_xlogy_forward)
    log = Log


@register
class Xlog1py(_XLog):
    """x log(1 + y), 0 where x = 0; NumPy broadcasting."""
    forward = staticmethod(_xlog1py_forward)
    log = Log1p
    shift = 1.0


# ------------------------------------------------------------------ public functions


def polygamma(n: int, x: ArrayLike) -> Tensor:
    """The n-th derivative of digamma (n = 0, 1, 2, ...); differentiable in x.

    Args:
        n: the order, an int >= 0 (0 is digamma itself); not differentiable.
        x: the input tensor (or anything tg.tensor accepts).

    Returns:
        polygamma(n, x) elementwise; its derivative in x is polygamma(n + 1, x).

    Raises:
        TypeError: n is not an int.
        ValueError: n is negative.

    >>> import tapegrad as tg
    >>> tg.polygamma(1, tg.tensor([1.0]))        # pi^2 / 6
    tensor([1.6449])
    """
    n = check_int("polygamma", "n", n)
    if n < 0:
        raise ValueError(f"polygamma: n must be >= 0, got {n}")
    return apply2(Polygamma, n, x)


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension d, as SciPy's:
    d (d-1)/4 log(pi) + sum_j lgamma(a - j/2), j = 0 .. d-1. Needs a > (d - 1) / 2.
    PyTorch: mvlgamma(x, p).

    Args:
        a: the input tensor (or anything tg.tensor accepts); differentiable.
        d: the dimension, an int >= 1.

    Returns:
        log Gamma_d(a) elementwise.

    Raises:
        TypeError: d is not an int.
        ValueError: d < 1, or an element of a is not greater than (d - 1) / 2.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> a = tg.tensor(2.5, dtype="float64", requires_grad=True)
    >>> special.multigammaln(a, 2).backward()
    >>> round(special.multigammaln(a, 2).item(), 6), round(a.grad.item(), 6)
    (0.857048, 1.125941)
    """
    d = check_int("multigammaln", "d", d)
    if d < 1:
        raise ValueError(f"multigammaln: d must be >= 1, got {d}")
    if not isinstance(a, Tensor):
        a = check_operand("multigammaln", "a", a)
    raw = a._data if isinstance(a, Tensor) else np.asarray(a)
    if np.any(raw <= 0.5 * (d - 1)):
        raise ValueError(f"multigammaln: a must be greater than (d - 1) / 2 = "
                         f"{0.5 * (d - 1)} everywhere, got a minimum of {np.min(raw)}")
    total = lgamma(a)
    for j in range(1, d):
        total = total + lgamma(a - 0.5 * j)
    return total + 0.25 * d * (d - 1) * _LOG_PI


def mvlgamma(x: ArrayLike, p: int) -> Tensor:
    """PyTorch's name for multigammaln(x, p): the log multivariate gamma function.

    Args:
        x: the input tensor (or anything tg.tensor accepts); differentiable. Every
            element must be greater than (p - 1) / 2.
        p: the dimension, an int >= 1.

    Returns:
        log Gamma_p(x) elementwise.

    >>> import tapegrad as tg
    >>> round(tg.mvlgamma(tg.tensor(2.5, dtype="float64"), 2).item(), 6)
    0.857048
    """
    return multigammaln(x, p)


def logit(x: ArrayLike, eps: float | None = None) -> Tensor:
    """log(x / (1 - x)), the inverse of sigmoid; with `eps`, x is first clipped to
    [eps, 1 - eps] (PyTorch), which keeps 0 and 1 finite. d/dx = 1/(x (1 - x)).
    SciPy: logit.

    Args:
        x: a tensor, array or number (probabilities in [0, 1]).
        eps: optional clip distance from 0 and 1 (default None: no clipping).

    Returns:
        log(x / (1 - x)), of x's shape (-inf at 0 and inf at 1 without eps).

    Raises:
        TypeError: x is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> x = tg.tensor(0.25, dtype="float64", requires_grad=True)
    >>> tg.logit(x).backward()
    >>> round(tg.logit(x).item(), 6), round(x.grad.item(), 6)    # -log 3, 16/3
    (-1.098612, 5.333333)
    >>> round(tg.logit(tg.tensor(1.0, dtype="float64"), eps=1e-6).item(), 4)
    13.8155
    """
    if eps is not None:
        if not isinstance(x, Tensor):
            x = check_operand("logit", "x", x)
        x = clip(x, eps, 1.0 - eps)
    return _logit_fn(x)


def expit(x):
    """1 / (1 + exp(-x)): SciPy's name for sigmoid.

    Args:
        x: the input tensor (or anything tg.tensor accepts).

    Returns:
        sigmoid(x), differentiable.

    >>> import tapegrad as tg
    >>> tg.special.expit(tg.tensor([0.0]))
    tensor([0.5000])
    """
    return sigmoid(x)


def xlogy(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x * log(y), 0 where x = 0 (even for y = 0); broadcasting. Gradients as PyTorch's.

    Args:
        x: the factor, a tensor, array or number.
        y: the argument of the log; broadcast with x.

    Returns:
        x * log(y) (0 where x == 0), of the broadcast shape.

    Raises:
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> tg.xlogy(tg.tensor([0.0, 2.0]), tg.tensor([0.0, 1.0]))
    tensor([0., 0.])
    """
    return apply2(Xlogy, x, y)


def xlog1py(x, y):
    """x * log1p(y), 0 where x = 0 (even for y = -1); broadcasting; differentiable in
    both. SciPy: xlog1py.

    Args:
        x: the factor, a tensor, array or number.
        y: the argument of log1p; broadcast with x.

    Returns:
        x * log1p(y) (0 where x == 0), of the broadcast shape.

    Raises:
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor([0.0, 2.0], dtype="float64", requires_grad=True)
    >>> r = special.xlog1py(x, tg.tensor([-1.0, 1.0], dtype="float64"))
    >>> [round(v, 6) for v in r.tolist()]       # 0, 2 log 2
    [0.0, 1.386294]
    """
    return apply2(Xlog1py, x, y)


def gammainc(a, x):
    """Regularized lower incomplete gamma P(a, x); differentiable in x only
    (d/dx = x^(a-1) e^-x / Gamma(a)). SciPy: gammainc; PyTorch: igamma.

    Args:
        a: the shape parameter (> 0), a number, array or tensor that needs no gradient.
        x: the upper limit of the integral (>= 0); broadcast with a.

    Returns:
        P(a, x), in [0, 1], of the broadcast shape.

    Raises:
        NotImplementedError: a is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> special.gammainc(2.0, x).backward()
    >>> round(special.gammainc(2.0, x).item(), 6), round(x.grad.item(), 6)    # 1 - 2/e, 1/e
    (0.264241, 0.367879)
    """
    return apply2(Gammainc, _constant("gammainc", "a", a), x)


def gammaincc(a, x):
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x); differentiable in x.
    SciPy: gammaincc; PyTorch: igammac.

    Args:
        a: the shape parameter (> 0), a number, array or tensor that needs no gradient.
        x: the lower limit of the integral (>= 0); broadcast with a.

    Returns:
        Q(a, x), in [0, 1], of the broadcast shape.

    Raises:
        NotImplementedError: a is a tensor that requires a gradient.
        TypeError: an operand is not a tensor, a numeric array or a number.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> round(special.gammaincc(2.0, tg.tensor(1.0, dtype="float64")).item(), 6)   # 2/e
    0.735759
    """
    return apply2(Gammaincc, _constant("gammaincc", "a", a), x)


def betainc(a, b, x):
    """Regularized incomplete beta I_x(a, b) (the Beta(a, b) CDF at x); differentiable in
    x only (d/dx is the Beta(a, b) density). SciPy: betainc.

    Args:
        a: the first shape parameter (positive).
        b: the second shape parameter (positive).
        x: where, in [0, 1].

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import special
    >>> x = tg.tensor(0.5, dtype="float64", requires_grad=True)
    >>> special.betainc(2.0, 3.0, x).backward()
    >>> round(special.betainc(2.0, 3.0, x).item(), 6), round(x.grad.item(), 6)
    (0.6875, 1.5)
    """
    if not isinstance(x, Tensor):
        x = check_operand("betainc", "x", x)
    return apply(Betainc, _constant("betainc", "a", a), _constant("betainc", "b", b), x)


gammaln = lgamma
psi = digamma


# The ops behind scipy.special's ufuncs, by name, for NumPy dispatch on tensors
# (`scipy.special.gammaln(t)` reaches __array_ufunc__ with SciPy's ufunc): whoever
# dispatches checks that the ufunc is SciPy's (`ufunc is getattr(scipy.special, name)`)
# and calls the function here with the same positional arguments.
SCIPY_UFUNCS = {
    "gammaln": lgamma, "gamma": gamma, "rgamma": rgamma, "gammasgn": gammasgn,
    "psi": digamma, "digamma": digamma, "beta": beta, "betaln": betaln,
    "gammainc": gammainc, "gammaincc": gammaincc, "betainc": betainc, "erfc": erfc,
    "erfcx": erfcx, "erfinv": erfinv, "erfcinv": erfcinv, "ndtr": ndtr, "ndtri": ndtri,
    "log_ndtr": log_ndtr, "logit": logit, "expit": expit, "entr": entr, "xlogy": xlogy,
    "xlog1py": xlog1py, "i0": i0, "i0e": i0e, "i1": i1, "i1e": i1e, "iv": iv, "ive": ive,
    "j0": j0, "j1": j1, "jv": jv, "jn": jv, "y0": y0, "y1": y1, "yv": yv, "yn": yv,
}

# the names `from tapegrad.ops.special import *` gives (tests/test_all.py)
__all__ = ["scipy_special", "Lgamma", "lgamma", "Gamma", "gamma", "Rgamma", "rgamma", "Gammasgn",
           "gammasgn", "Digamma", "digamma", "Polygamma", "Beta", "beta", "Betaln", "betaln",
           "Erfc", "erfc", "Erfcx", "erfcx", "Erfinv", "erfinv", "Erfcinv", "erfcinv", "Ndtr",
           "ndtr", "Ndtri", "ndtri", "LogNdtr", "log_ndtr", "Logit", "Entr", "entr", "I0", "i0",
           "I0e", "i0e", "I1", "i1", "I1e", "i1e", "Iv", "Ive", "J0", "j0", "J1", "j1", "Jv", "Y0",
           "y0", "Y1", "y1", "Yv", "Gammainc", "Gammaincc", "Betainc", "Xlogy", "Xlog1py",
           "polygamma", "multigammaln", "mvlgamma", "logit", "expit", "xlogy", "xlog1py",
           "gammainc", "gammaincc", "betainc", "iv", "ive", "jv", "yv", "gammaln", "psi",
           "SCIPY_UFUNCS"]
