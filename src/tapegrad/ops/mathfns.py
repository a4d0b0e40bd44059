"""More elementwise math (issue 15): inverse trigonometric and hyperbolic functions,
exp2, hypot, logaddexp, sinc, rounding, fmax/fmin, nan_to_num, angle conversion,
copysign, heaviside, cbrt, float_power. An op whose derivative is one formula states it
once (`elementwise`, ops/_op.py); the others (a mask at an edge, params) are classes with
their partial derivatives written once and shared by vjp and jvp.

Values and dtypes follow NumPy (float32 stays float32; integer inputs give the default
float, as every transcendental op here does); gradients at kinks follow PyTorch unless
a docstring says otherwise.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ._apply import apply, apply2, call
from ._torch_dtype import torch_operands
from ._op import Op, elementwise, register, scale, tangent_sum, zeros_like
from ._shapes import check_int, check_number, check_operand
from .activations import Sigmoid
from .elementwise import Cast, Cos, Where, _int_zero_divisor, arcsinh, div, pow as _pow
from .._tensor import make
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike

_LN2 = math.log(2.0)
_PI = math.pi


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


# ------------------------------------------------------------------ one formula each

# (1 - x)(1 + x) rather than 1 - x*x: no cancellation near +-1, where the slope is inf
Arcsin, arcsin = elementwise(np.arcsin, d=lambda x, out: 1 / np.sqrt((1 - x) * (1 + x)),
                             doc="""Inverse sine, in [-pi/2, pi/2]. PyTorch: asin (also
    tg.asin). d/dx = 1/sqrt(1 - x^2), inf at +-1.

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.arcsin(x).sum().backward()
    >>> x.grad
    tensor([1.])
    """)
Arccos, arccos = elementwise(np.arccos, d=lambda x, out: -1 / np.sqrt((1 - x) * (1 + x)),
                             doc="""Inverse cosine, in [0, pi]. PyTorch: acos (also
    tg.acos). d/dx = -1/sqrt(1 - x^2), -inf at +-1.

    >>> x = tg.tensor([1.0, 0.0], requires_grad=True)
    >>> tg.arccos(x).tolist()[0]
    0.0
    >>> tg.arccos(x[1:]).sum().backward()
    >>> x.grad
    tensor([ 0., -1.])
    """)
Arctan, arctan = elementwise(np.arctan, d=lambda x, out: 1 / (1 + x * x),
                             doc="""Inverse tangent, in (-pi/2, pi/2). PyTorch: atan (also
    tg.atan). d/dx = 1/(1 + x^2).

    >>> x = tg.tensor([1.0], requires_grad=True)
    >>> tg.arctan(x).sum().backward()
    >>> x.grad
    tensor([0.5000])
    """)
# sqrt(x - 1) sqrt(x + 1): x*x would overflow for |x| > 1e154 and cancel near 1
Arccosh, arccosh = elementwise(np.arccosh,
                               d=lambda x, out: 1 / (np.sqrt(x - 1) * np.sqrt(x + 1)),
                               doc="""Inverse hyperbolic cosine (x >= 1; nan below, as NumPy).
    PyTorch: acosh (also tg.acosh). d/dx = 1/sqrt(x^2 - 1), inf at 1.

    >>> x = tg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    >>> tg.arccosh(x)[0].item()
    0.0
    >>> tg.arccosh(x[1:]).sum().backward()
    >>> round(x.grad[1].item(), 6)      # 1/sqrt(3)
    0.57735
    """)
Arctanh, arctanh = elementwise(np.arctanh, d=lambda x, out: 1 / ((1 - x) * (1 + x)),
                               doc="""Inverse hyperbolic tangent (|x| < 1; +-inf at +-1).
    PyTorch: atanh (also tg.atanh). d/dx = 1/(1 - x^2).

    >>> x = tg.tensor([0.0, 0.5], requires_grad=True)
    >>> tg.arctanh(x).sum().backward()
    >>> x.grad.tolist()
    [1.0, 1.3333333730697632]
    """)
Exp2, exp2 = elementwise(np.exp2, d=lambda x, out: out * _LN2, doc="""2 ** x. d/dx = 2^x ln 2.

    >>> x = tg.tensor([3.0, -1.0], requires_grad=True)
    >>> tg.exp2(x).tolist()
    [8.0, 0.5]
    >>> tg.exp2(x).sum().backward()
    >>> [round(v, 4) for v in x.grad.tolist()]
    [5.5452, 0.3466]
    """)
Cbrt, cbrt = elementwise(np.cbrt, d=lambda x, out: 1 / (3 * out * out),
                         doc="""Cube root, real for negative x; the gradient at 0 is inf.

    >>> x = tg.tensor([-8.0, 8.0], requires_grad=True)
    >>> tg.cbrt(x).tolist()
    [-2.0, 2.0]
    >>> tg.cbrt(x).sum().backward()
    >>> [round(v, 4) for v in x.grad.tolist()]      # 1 / (3 x^(2/3))
    [0.0833, 0.0833]
    """)
Deg2rad, deg2rad = elementwise(np.deg2rad, d=_PI / 180,
                               doc="""Degrees to radians (x pi / 180). NumPy also: radians.

    >>> round(tg.deg2rad(tg.tensor(180.0)).item(), 5)
    3.14159
    """)
Rad2deg, rad2deg = elementwise(np.rad2deg, d=180 / _PI,
                               doc="""Radians to degrees (x 180 / pi). NumPy also: degrees.

    >>> x = tg.tensor([3.141592653589793], dtype="float64", requires_grad=True)
    >>> tg.rad2deg(x).tolist()
    [180.0]
    >>> tg.rad2deg(x).sum().backward()
    >>> round(x.grad.item(), 4)
    57.2958
    """)
Positive, positive = elementwise(np.positive, d=1, doc="""+x (a copy, gradient 1), NumPy's positive.

    >>> tg.positive(tg.tensor([-1.0, 2.0]))
    tensor([-1.,  2.])
    """)

def _keep_ints(ufunc):
    """ufunc(x), with integer x returned as it is: NumPy keeps integers through floor,
    ceil, trunc and fix from 2.1 on (2.0 made float64), as PyTorch does."""
    def forward(x):
        if isinstance(x, np.ndarray) and x.dtype.kind in "iu":
            return x.copy()
        return ufunc(x)
    forward.__name__ = forward.__qualname__ = ufunc.__name__
    return forward


# piecewise constant: the gradient is 0 everywhere, jumps included (as PyTorch)
Floor, floor = elementwise(_keep_ints(np.floor), d=0, doc="""Largest integer <= x, as a float; zero gradient.

    >>> x = tg.tensor([-1.5, 1.5], requires_grad=True)
    >>> tg.floor(x).tolist()
    [-2.0, 1.0]
    >>> tg.floor(x).sum().backward()
    >>> x.grad
    tensor([0., 0.])
    """)
Ceil, ceil = elementwise(_keep_ints(np.ceil), d=0, doc="""Smallest integer >= x, as a float; zero gradient.

    >>> tg.ceil(tg.tensor([-1.5, 1.2]))
    tensor([-1.,  2.])
    """)
Rint, rint = elementwise(np.rint, d=0,
                         doc="""x rounded to the nearest integer, halves to even; zero
    gradient.

    >>> tg.rint(tg.tensor([0.5, 1.5, 2.7]))
    tensor([0., 2., 3.])
    """)
Trunc, trunc = elementwise(_keep_ints(np.trunc), d=0, doc="""x rounded towards 0; zero gradient.

    >>> tg.trunc(tg.tensor([-1.7, 1.7]))
    tensor([-1.,  1.])
    """)
Fix, fix = elementwise(_keep_ints(np.fix), d=0, doc="""x rounded towards 0 (NumPy's fix; as trunc); zero
    gradient.

    >>> tg.fix(tg.tensor([-2.5, 2.5]))
    tensor([-2.,  2.])
    """)
Heaviside, heaviside = elementwise(
    np.heaviside, d=(0, 0),
    doc="""0 where x < 0, `y` where x == 0, 1 where x > 0 (NumPy's x2, PyTorch's values);
    zero gradient to both (PyTorch has none).

    >>> tg.heaviside(tg.tensor([-2.0, 0.0, 3.0]), 0.5)
    tensor([0.0000, 0.5000, 1.0000])
    """)

# d/dx = sign(x) * sign(y) (+-1, 0 at x = 0 as PyTorch); y only gives a sign: d/dy = 0
Copysign, copysign = elementwise(
    np.copysign, d=(lambda x, y, out: np.sign(x) * np.copysign(1.0, y), 0),
    doc="""|x| with the sign of y. d/dx is +-1 (0 at x = 0, as PyTorch); d/dy is 0.

    >>> x = tg.tensor([2.0, -3.0], requires_grad=True)
    >>> tg.copysign(x, -1.0).tolist()
    [-2.0, -3.0]
    >>> tg.copysign(x, -1.0).sum().backward()
    >>> x.grad
    tensor([-1.,  1.])
    """)


# ------------------------------------------------------------------ classes

class _Smooth(Op):
    """An elementwise op whose partial derivatives `partials(ctx)` (one per input, None
    where zero) need masks or params, so they are not one formula. vjp and jvp both
    scale by them: a zero cotangent stays zero where a partial is inf or NaN."""
    batching = "elementwise"

    @classmethod
    def vjp(cls, ctx, g):
        parts = cls.partials(ctx)
        needs = ctx.needs_grad
        return tuple(None if not needs[k] or p is None else scale(g, p)
                     for k, p in enumerate(parts))

    @classmethod
    def jvp(cls, ctx, *tangents):
        parts = cls.partials(ctx)
        return tangent_sum(*(None if d is None or p is None else scale(d, p)
                             for d, p in zip(tangents, parts)))


@register
class Hypot(_Smooth):
    """sqrt(x^2 + y^2) without overflow, NumPy broadcasting. The gradient at the origin is
    0 (as tg.norm at 0; PyTorch gives NaN there)."""
    args = ("x", "y")
    saves = ("x", "y", "out")

    forward = staticmethod(np.hypot)

    # d hypot = (x dx + y dy) / hypot; the origin divides by 1 instead, so 0 / 1 = 0
    @staticmethod
    def partials(ctx):
        x, y, out = ctx.saved
        r = _nonzero(out)
        return x / r, y / r


@register
class Arctan2(_Smooth):
    """The angle of the point (x2, x1) in (-pi, pi], NumPy's arctan2(x1, x2). PyTorch:
    atan2. The gradient at the origin is 0, as PyTorch's."""
    args = ("x", "y")
    saves = ("x", "y")

    forward = staticmethod(np.arctan2)

    # d atan2(x, y) = (y dx - x dy) / r^2, written (y / r) / r with r = hypot(x, y): r^2
    # would overflow for |x| > 1e154 and underflow to 0 for |x| < 1e-154
    @staticmethod
    def partials(ctx):
        x, y = ctx.saved
        r = _nonzero(call(Hypot, x, y))
        return y / r / r, -x / r / r


def _nonzero(r):
    """r with its zeros replaced by 1 (the masked values never reach a gradient)."""
    zero = _raw(r) == 0
    return call(Where, zero, 1.0, r) if np.any(zero) else r


class _LogAddExp(_Smooth):
    """Shared rules of logaddexp and logaddexp2: the partials b^x / (b^x + b^y) and
    b^y / (b^x + b^y) are the weights of a two-term softmax, sigmoid(k (x - y)) and
    sigmoid(k (y - x)) with k = ln b: they sum to 1 and stay finite for any x - y, so a
    -inf input gets 0 and the other 1. Where x - y is NaN (both inputs the same
    infinity) both -inf give 0 and 0 (as tg.logsumexp), both +inf 0.5 and 0.5."""
    args = ("x", "y")
    saves = ("x", "y")
    k = 1.0

    @classmethod
    def partials(cls, ctx):
        x, y = ctx.saved
        xr, yr = _raw(x), _raw(y)
        same_inf = np.isinf(xr) & (xr == yr)
        if np.any(same_inf):
            # both +-inf: 0 - 0 inside the sigmoid, then the fixed weight
            x = call(Where, same_inf, 0.0, x)
            y = call(Where, same_inf, 0.0, y)
            fixed = np.where(np.isposinf(xr), 0.5, 0.0).astype(np.result_type(xr, yr,
                                                                              np.float32))
            return (call(Where, same_inf, fixed, cls.weight(x - y)),
                    call(Where, same_inf, fixed, cls.weight(y - x)))
        return cls.weight(x - y), cls.weight(y - x)

    @classmethod
    def weight(cls, d):
        return call(Sigmoid, d if cls.k == 1.0 else d * cls.k)


@register
class Logaddexp(_LogAddExp):
    """log(exp(x) + exp(y)) without overflow, NumPy broadcasting."""

    forward = staticmethod(np.logaddexp)


@register
class Logaddexp2(_LogAddExp):
    """log2(2**x + 2**y) without overflow, NumPy broadcasting."""
    k = _LN2

    forward = staticmethod(np.logaddexp2)


@register
class Sinc(_Smooth):
    """NumPy's normalized sinc, sin(pi x) / (pi x), with sinc(0) = 1. Its derivative at 0
    is exactly 0 and its second derivative exactly -pi^2/3 (PyTorch gives NaN there):
    near 0 the derivative is a Taylor polynomial, elsewhere (cos(pi x) - sinc(x)) / x."""
    saves = ("x", "out")

    forward = staticmethod(np.sinc)

    @staticmethod
    def partials(ctx):
        x, out = ctx.saved
        near = np.abs(_raw(x)) < _SINC_NEAR
        if not np.any(near):
            return ((call(Cos, _PI * x) - out) / x,)
        far_x = call(Where, near, 1.0, x)       # the far formula never divides by 0
        far = (call(Cos, _PI * far_x) - call(Where, near, 1.0, out)) / far_x
        x2 = x * x
        poly = _SINC_SERIES[-1]
        for c in _SINC_SERIES[-2::-1]:
            poly = poly * x2 + c
        return (call(Where, near, poly * x, far),)


# d sinc(x) = sum_k>=1 (-1)^k 2k pi^(2k) x^(2k-1) / (2k+1)!: with |pi x| < 0.5 eight terms
# are exact to double precision; the far formula loses < 4 bits to cancellation there
_SINC_NEAR = 0.5 / _PI
_SINC_SERIES = tuple((-1) ** k * 2 * k * _PI ** (2 * k) / math.factorial(2 * k + 1)
                     for k in range(1, 9))


class _FExtremum(Op):
    """Shared rules of fmax/fmin: ties split the gradient evenly (as maximum); a NaN
    input never gets gradient (the other input is the result there)."""
    args = ("x", "y")
    saves = ("x", "y")
    batching = "elementwise"
    wins = None                 # np.greater or np.less

    @classmethod
    def vjp(cls, ctx, g):
        wx, wy = _nan_weights(*ctx.saved, cls.wins)
        gx = call(Where, wx > 0, g * wx, 0.0) if ctx.needs_grad[0] else None
        gy = call(Where, wy > 0, g * wy, 0.0) if ctx.needs_grad[1] else None
        return gx, gy

    # where() rather than weight * tangent: an inf tangent on the losing side stays out
    @classmethod
    def jvp(cls, ctx, dx, dy):
        wx, wy = _nan_weights(*ctx.saved, cls.wins)
        return tangent_sum(None if dx is None else call(Where, wx > 0, dx * wx, 0.0),
                           None if dy is None else call(Where, wy > 0, dy * wy, 0.0))


def _nan_weights(x, y, wins):
    """(weight of x, weight of y): 1 for the winner or the one facing a NaN, 0.5 on ties,
    0 for the loser and for NaNs."""
    x, y = _raw(x), _raw(y)
    x_nan, y_nan = np.isnan(x), np.isnan(y)
    dtype = np.result_type(x, y, np.float32)
    tie = np.equal(x, y)
    wx = np.where(tie, 0.5, wins(x, y) | (y_nan & ~x_nan)).astype(dtype)
    wy = np.where(tie, 0.5, wins(y, x) | (x_nan & ~y_nan)).astype(dtype)
    return wx, wy


@register
class Fmax(_FExtremum):
    """Elementwise max(x, y) ignoring NaN (NumPy's fmax, PyTorch's fmax)."""
    wins = staticmethod(np.greater)

    forward = staticmethod(np.fmax)


@register
class Fmin(_FExtremum):
    """Elementwise min(x, y) ignoring NaN (NumPy's fmin, PyTorch's fmin)."""
    wins = staticmethod(np.less)

    forward = staticmethod(np.fmin)


@register
class Round(Op):
    """x rounded to `decimals` decimal places, halves to even (NumPy's round, PyTorch's
    round(decimals=)); piecewise constant, so its gradient is 0."""
    batching = "elementwise"

    @staticmethod
    def forward(x, *, decimals):
        return np.round(x, decimals)

    @staticmethod
    def vjp(ctx, g):
        return (zeros_like(g),)

    @staticmethod
    def jvp(ctx, dx):
        return zeros_like(dx)


@register
class NanToNum(Op):
    """x with NaN, +inf and -inf replaced by finite numbers (NumPy's nan_to_num). The
    gradient passes where x is finite and is 0 where a value was replaced (as PyTorch)."""
    saves = ("x",)
    batching = "elementwise"

    @staticmethod
    def forward(x, *, nan, posinf, neginf):
        return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def vjp(ctx, g):
        return (call(Where, np.isfinite(_raw(ctx.saved[0])), g, 0.0),)

    @staticmethod
    def jvp(ctx, dx):
        return call(Where, np.isfinite(_raw(ctx.saved[0])), dx, 0.0)


# ------------------------------------------------------------------ public functions

def _unary(name, x):
    return x if isinstance(x, Tensor) else check_operand(name, "x", x)


def _binary(name, x, y, xname="x", yname="y"):
    """The operands of a binary op; a string, None, ... raises TypeError naming it (NumPy
    would try an object loop first)."""
    if not isinstance(x, Tensor):
        x = check_operand(name, xname, x)
    if not isinstance(y, Tensor):
        y = check_operand(name, yname, y)
    return x, y


def hypot(x: ArrayLike, y: ArrayLike) -> Tensor:
    """sqrt(x^2 + y^2) without overflow; the gradient at (0, 0) is 0 (as tg.norm; PyTorch
    gives NaN).

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number, broadcast against x.

    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> y = tg.tensor(4.0, requires_grad=True)
    >>> h = tg.hypot(x, y)
    >>> h.backward()
    >>> h.item(), x.grad.item(), y.grad.item()
    (5.0, 0.6000000238418579, 0.800000011920929)
    """
    return apply2(Hypot, *_binary("hypot", x, y))


def arctan2(x1: Any, x2: Any) -> Tensor:
    """The angle of (x2, x1), in (-pi, pi], NumPy broadcasting. PyTorch: atan2. The
    gradient at the origin is 0, as PyTorch's. d/dx1 = x2/r^2, d/dx2 = -x1/r^2.

    Args:
        x1: the y coordinates, a tensor or a number or array-like.
        x2: the x coordinates, broadcast against x1.

    Returns:
        The angles in radians, of the broadcast shape.

    >>> y = tg.tensor(1.0, requires_grad=True)
    >>> x = tg.tensor(1.0, requires_grad=True)
    >>> a = tg.arctan2(y, x)
    >>> round(a.item(), 4)          # pi / 4
    0.7854
    >>> a.backward()
    >>> y.grad.item(), x.grad.item()
    (0.5, -0.5)
    """
    return apply2(Arctan2, *_binary("arctan2", x1, x2, "x1", "x2"))


def logaddexp(x: ArrayLike, y: ArrayLike) -> Tensor:
    """log(exp(x) + exp(y)) without overflow; -inf inputs give finite gradients (a -inf
    input gets 0, the other 1; both -inf give 0 and 0, as tg.logsumexp).

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number, broadcast against x.

    >>> x = tg.tensor([1000.0, 0.0], requires_grad=True)
    >>> r = tg.logaddexp(x, tg.tensor([1000.0, float("-inf")]))
    >>> [round(v, 2) for v in r.tolist()]           # no overflow
    [1000.69, 0.0]
    >>> r.sum().backward()
    >>> x.grad
    tensor([0.5000, 1.0000])
    """
    return apply2(Logaddexp, *_binary("logaddexp", x, y))


def logaddexp2(x: ArrayLike, y: ArrayLike) -> Tensor:
    """log2(2**x + 2**y) without overflow; -inf inputs give finite gradients, as
    logaddexp.

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number, broadcast against x.

    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> r = tg.logaddexp2(x, 3.0)       # log2(8 + 8)
    >>> r.backward()
    >>> r.item(), x.grad.item()
    (4.0, 0.5)
    """
    return apply2(Logaddexp2, *_binary("logaddexp2", x, y))


def sinc(x: ArrayLike) -> Tensor:
    """sin(pi x) / (pi x), 1 at 0 (NumPy's and PyTorch's normalized sinc). Its first and
    second derivatives at 0 are exact (0 and -pi^2/3).

    Args:
        x: a tensor, array or number.

    >>> x = tg.tensor([0.0, 0.5], dtype="float64", requires_grad=True)
    >>> [round(v, 4) for v in tg.sinc(x).tolist()]      # 1, 2/pi
    [1.0, 0.6366]
    >>> tg.sinc(x).sum().backward()
    >>> round(x.grad[1].item(), 4)                      # -4/pi
    -1.2732
    """
    return apply(Sinc, _unary("sinc", x))


def fmax(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise maximum ignoring NaN: where one input is NaN the other is the result
    and gets the whole gradient; ties split it evenly (as maximum).

    Args:
        x: the first operand, a tensor or a number or array-like.
        y: the second operand, broadcast against x.

    Returns:
        A tensor of the broadcast shape.

    >>> x = tg.tensor([1.0, float("nan")], requires_grad=True)
    >>> y = tg.tensor([2.0, 3.0], requires_grad=True)
    >>> tg.fmax(x, y).tolist()
    [2.0, 3.0]
    >>> tg.fmax(x, y).sum().backward()
    >>> x.grad, y.grad
    (tensor([0., 0.]), tensor([1., 1.]))
    """
    return apply2(Fmax, *_binary("fmax", x, y))


def fmin(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise minimum ignoring NaN, with fmax's gradient conventions (NumPy's and
    PyTorch's fmin).

    Args:
        x: the first operand, a tensor or a number or array-like.
        y: the second operand, broadcast against x.

    Returns:
        A tensor of the broadcast shape.

    >>> tg.fmin(tg.tensor([1.0, float("nan")]), tg.tensor([2.0, 3.0]))
    tensor([1., 3.])
    """
    return apply2(Fmin, *_binary("fmin", x, y))


def round(x: ArrayLike, decimals: int = 0) -> Tensor:
    """x rounded to `decimals` decimal places (negative: tens, hundreds, ...), halves to
    even, as NumPy and PyTorch; zero gradient. NumPy also: around.

    Args:
        x: a tensor, array or number.
        decimals: the number of decimal places (negative rounds left of the point).

    >>> tg.round(tg.tensor([0.5, 1.5, 2.5]))
    tensor([0., 2., 2.])
    >>> tg.round(tg.tensor([1234.5678], dtype="float64"), decimals=-2).tolist()
    [1200.0]
    """
    x = _unary("round", x)
    return apply(Round, x, decimals=check_int("round", "decimals", decimals))


def nan_to_num(x: ArrayLike, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """x with NaN replaced by `nan`, +inf by `posinf` and -inf by `neginf` (None: the
    dtype's largest/smallest finite value), as NumPy and PyTorch. The gradient passes
    where x is finite and is 0 where a value was replaced.

    Args:
        x: a tensor, array or number.
        nan: the value replacing NaN.
        posinf: the value replacing +inf (None: the dtype's largest finite value).
        neginf: the value replacing -inf (None: the dtype's smallest finite value).

    >>> x = tg.tensor([1.0, float("nan"), float("inf")], requires_grad=True)
    >>> tg.nan_to_num(x, posinf=9.0).tolist()
    [1.0, 0.0, 9.0]
    >>> tg.nan_to_num(x, posinf=9.0).sum().backward()
    >>> x.grad
    tensor([1., 0., 0.])
    """
    x = _unary("nan_to_num", x)
    nan = check_number("nan_to_num", "nan", nan)
    if posinf is not None:
        posinf = check_number("nan_to_num", "posinf", posinf)
    if neginf is not None:
        neginf = check_number("nan_to_num", "neginf", neginf)
    return apply(NanToNum, x, nan=nan, posinf=posinf, neginf=neginf)


def float_power(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x ** y computed in float64 (complex128 for complex inputs) whatever the inputs'
    dtypes, as NumPy and PyTorch; the gradient flows back in each input's dtype.

    Args:
        x: the base, a tensor or a number or array-like.
        y: the exponent, broadcast against x.

    Returns:
        A float64 (or complex128) tensor of the broadcast shape.

    >>> x = tg.tensor([2.0], requires_grad=True)
    >>> y = tg.float_power(x, 3)
    >>> y.dtype, y.tolist()
    (dtype('float64'), [8.0])
    >>> y.sum().backward()
    >>> x.grad
    tensor([12.])
    """
    return _pow(_wide("float_power", "x", x), _wide("float_power", "y", y))


def _wide(who, name, v):
    """v in float64, or complex128 when complex: tensors through a recorded cast."""
    if isinstance(v, Tensor):
        dtype = np.complex128 if v._data.dtype.kind == "c" else np.float64
        if v._data.dtype == dtype:
            return v
        return apply(Cast, v, dtype=np.dtype(dtype), src=v._data.dtype)
    v = check_operand(who, name, v)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, complex, np.number)):
        a = np.asarray(v)
        return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    return complex(v) if isinstance(v, (complex, np.complexfloating)) else float(v)


# PyTorch's and NumPy's other spellings
asin, acos, atan, atan2 = arcsin, arccos, arctan, arctan2
asinh, acosh, atanh = arcsinh, arccosh, arctanh
radians, degrees = deg2rad, rad2deg
around = round

def _trunc_divide(x, y):
    """x / y rounded toward zero (torch's div(rounding_mode="trunc")): integers stay
    integers (exactly, and a zero divisor raises as torch); others trunc(x / y)."""
    a, b = _raw(x), _raw(y)
    rx, ry = np.asarray(a), np.asarray(b)
    if rx.dtype.kind not in "biu" or ry.dtype.kind not in "biu" or \
            isinstance(x, Tensor) and x._x is not None or isinstance(y, Tensor) and y._x is not None:
        return trunc(div(x, y))
    _int_zero_divisor("div", x, y)
    # in PyTorch's dtype: uint8 by a Python int stays uint8, bools count as int64
    cast = torch_operands((a, b), np.dtype(bool))
    rx, ry = cast or (a, b)
    if not isinstance(rx, np.ndarray) and not isinstance(ry, np.ndarray):
        rx = np.asarray(rx)
    rx, ry = (v.astype(np.int64) if getattr(v, "dtype", None) == np.bool_ else v
              for v in (rx, ry))
    q = np.floor_divide(rx, ry)
    # floor is one below trunc where the division is inexact and the signs differ
    return make(q + ((np.remainder(rx, ry) != 0) & ((rx < 0) != (ry < 0))))


# the names `from tapegrad.ops.mathfns import *` gives (tests/test_all.py)
__all__ = ["Arcsin", "arcsin", "Arccos", "arccos", "Arctan", "arctan", "Arccosh", "arccosh",
           "Arctanh", "arctanh", "Exp2", "exp2", "Cbrt", "cbrt", "Deg2rad", "deg2rad", "Rad2deg",
           "rad2deg", "Positive", "positive", "Floor", "floor", "Ceil", "ceil", "Rint", "rint",
           "Trunc", "trunc", "Fix", "fix", "Heaviside", "heaviside", "Copysign", "copysign",
           "Hypot", "Arctan2", "Logaddexp", "Logaddexp2", "Sinc", "Fmax", "Fmin", "Round",
           "NanToNum", "hypot", "arctan2", "logaddexp", "logaddexp2", "sinc", "fmax", "fmin",
           "round", "nan_to_num", "float_power", "asin", "acos", "atan", "atan2", "asinh", "acosh",
           "atanh", "radians", "degrees", "around"]
