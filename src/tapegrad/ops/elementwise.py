"""Elementwise ops: add ... where. An op whose derivative is one formula states it once
(`elementwise`, see ops/_op.py); the others write vjp and jvp side by side."""
from __future__ import annotations

import math

import numpy as np

from .._dtypes import as_dtype, is_floating
from .._tensor import Tensor, make
from ._apply import apply, apply1, apply2, call
from ._torch_dtype import where_dtype
from ._op import (_UNSET, LINEAR, Op, StrongZeroWarning, _all_finite, _all_finite_py,  # noqa: F401
                  elementwise, register, same_params, scale, tangent_sum, zeros_like)
from ._shapes import broadcast_shapes, check_operand, describe
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, DTypeLike


def _shape(v):
    return v._data.shape if isinstance(v, Tensor) else np.shape(v)


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


Add, add = elementwise(np.add, d=(1, 1), doc="""x + y, NumPy broadcasting. TF: add.

    >>> tg.add(tg.tensor([1.0, 2.0]), tg.tensor([[10.0], [20.0]]))
    tensor([[11., 12.],
            [21., 22.]])
    """)
Sub, sub = elementwise(np.subtract, d=(1, -1), name="sub",
                       doc="""x - y, NumPy broadcasting. TF: subtract.

    >>> x = tg.tensor([5.0, 7.0], requires_grad=True)
    >>> y = tg.sub(10.0, x)
    >>> y.tolist()
    [5.0, 3.0]
    >>> y.sum().backward()
    >>> x.grad
    tensor([-1., -1.])
    """)
Mul, mul = elementwise(np.multiply, name="mul",
                       d=(lambda x, y, out: y, lambda x, y, out: x),
                       doc="""x * y, NumPy broadcasting. TF: multiply.

    >>> import tapegrad as tg
    >>> tg.mul(tg.tensor([1.0, 2.0]), 3.0)
    tensor([3., 6.])
    """)
# d(x/y) = dx / y - x dy / y^2, with x / y^2 as (x / y) / y: y * y underflows to 0
# for |y| < 1e-154 where the quotient is still finite (x / x at 1e-300)
Div, div = elementwise(np.true_divide, name="div",
                       d=(lambda x, y, out: 1 / y, lambda x, y, out: -x / y / y),
                       doc="""x / y, NumPy broadcasting; integers give floats. TF: divide.

    >>> x = tg.tensor(6.0, requires_grad=True)
    >>> y = tg.tensor(2.0, requires_grad=True)
    >>> z = tg.div(x, y)
    >>> z.item()
    3.0
    >>> z.backward()
    >>> x.grad.item(), y.grad.item()    # 1/y, -x/y**2
    (0.5, -1.5)
    """)
Neg, neg = elementwise(np.negative, d=-1, name="neg", doc="""-x. NumPy and TF: negative.

    >>> tg.neg(tg.tensor([1.0, -2.0]))
    tensor([-1.,  2.])
    """)
FloorDivide, _floor_divide_any = elementwise(
    np.floor_divide, d=(0, 0),
    doc="""floor(x / y), as Python's //; piecewise constant, so its gradient is 0
    (as floor and round). PyTorch: div(x, y, rounding_mode="floor").

    >>> tg.floor_divide(tg.tensor([7.0, -7.0]), 2.0)
    tensor([ 3., -4.])
    """)


def _int_zero_divisor(who, x, y):
    """torch raises ZeroDivisionError for an integer division by zero, where NumPy gives
    0 with a warning: a tensor of integers (not tapegrad.numpy's) raises as torch."""
    if not (x.__class__ is Tensor or y.__class__ is Tensor):
        return
    for t in (x, y):
        if t.__class__ is Tensor and t._x is not None and ("np" in t._x or "vmap" in t._x):
            return                          # NumPy's integers, or a batched value
    rx, ry = np.asarray(_raw(x)), np.asarray(_raw(y))
    if rx.dtype.kind in "iu" and ry.dtype.kind in "iu" and np.any(ry == 0):
        raise ZeroDivisionError(f"{who}: integer division by zero (as torch; NumPy's "
                                "integers, tapegrad.numpy's, give 0)")


def floor_divide(x=_UNSET, y=_UNSET, *, out=None, input=_UNSET, other=_UNSET):
    _int_zero_divisor("floor_divide", input if x is _UNSET else x,
                      other if y is _UNSET else y)
    return _floor_divide_any(x, y, out=out, input=input, other=other)


floor_divide.__doc__ = _floor_divide_any.__doc__
floor_divide.__wrapped__ = _floor_divide_any     # type: ignore[attr-defined]


Sign, sign = elementwise(np.sign, d=0, doc="""sign(x): -1, 0 or 1; its derivative is 0
    everywhere it exists (and taken as 0 at 0).

    >>> x = tg.tensor([-3.0, 0.0, 2.0], requires_grad=True)
    >>> tg.sign(x).tolist()
    [-1.0, 0.0, 1.0]
    >>> tg.sign(x).sum().backward()
    >>> x.grad
    tensor([0., 0., 0.])
    """)
Exp, exp = elementwise(np.exp, d=lambda x, out: out, doc="""exp(x); its derivative is exp(x).

    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> y = tg.exp(x)
    >>> y.sum().backward()
    >>> [round(v, 4) for v in x.grad.tolist()]
    [1.0, 2.7183]
    """)
# exp(x), not out + 1: for x < -37 out + 1 is exactly 0 (elu's slope went with it)
Expm1, expm1 = elementwise(np.expm1, d=lambda x, out: np.exp(x),
                           doc="""exp(x) - 1, accurate near 0 (where exp(x) - 1 loses
    digits).

    >>> x = tg.tensor([1e-10], dtype="float64")
    >>> tg.expm1(x).item()
    1.00000000005e-10
    """)
Log, log = elementwise(np.log, d=lambda x, out: 1 / x, doc="""Natural logarithm, d/dx = 1/x.
    log(0) is -inf and negative x gives nan, with NumPy's RuntimeWarning.

    >>> x = tg.tensor([1.0, 4.0], requires_grad=True)
    >>> tg.log(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.2500])
    """)
Log1p, log1p = elementwise(np.log1p, d=lambda x, out: 1 / (1 + x),
                           doc="""log(1 + x), accurate near 0. d/dx = 1/(1 + x).

    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> tg.log1p(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.5000])
    """)
Log2, log2 = elementwise(np.log2, d=lambda x, out: 1 / (x * _LN2), doc="""Base-2 logarithm.
    d/dx = 1/(x ln 2).

    >>> tg.log2(tg.tensor([1.0, 8.0, 0.5]))
    tensor([ 0.,  3., -1.])
    """)
Log10, log10 = elementwise(np.log10, d=lambda x, out: 1 / (x * _LN10),
                           doc="""Base-10 logarithm. d/dx = 1/(x ln 10).

    >>> tg.log10(tg.tensor([1.0, 100.0], dtype="float64")).tolist()
    [0.0, 2.0]
    """)
Sqrt, sqrt = elementwise(np.sqrt, d=lambda x, out: 0.5 / out,
                         doc="""Square root. Its gradient at 0 is inf: for sqrt(sum(x**2))
    use `norm`, whose gradient at 0 is defined.

    >>> x = tg.tensor([4.0, 0.25], requires_grad=True)
    >>> tg.sqrt(x).tolist()
    [2.0, 0.5]
    >>> tg.sqrt(x).sum().backward()
    >>> x.grad
    tensor([0.2500, 1.0000])
    """)
Square, square = elementwise(np.square, d=lambda x, out: 2 * x, doc="""x * x. d/dx = 2x.

    >>> x = tg.tensor([-1.0, 3.0], requires_grad=True)
    >>> tg.square(x).sum().backward()
    >>> x.grad
    tensor([-2.,  6.])
    """)
Reciprocal, reciprocal = elementwise(lambda x: np.true_divide(1.0, x),
                                     d=lambda x, out: -out * out, name="reciprocal",
                                     doc="""1 / x (integers give floats). d/dx = -1/x^2.

    >>> x = tg.tensor([2.0, -0.5], requires_grad=True)
    >>> tnp.reciprocal(x).tolist()          # tapegrad.numpy's name for it
    [0.5, -2.0]
    >>> tnp.reciprocal(x).sum().backward()
    >>> x.grad
    tensor([-0.2500, -4.0000])
    """)
Abs, abs = elementwise(np.absolute, d=lambda x, out: np.sign(x), name="abs",
                       doc="""|x|; the gradient at 0 is 0 (a subgradient, as
    PyTorch). NumPy: absolute.

    >>> x = tg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> tg.abs(x).sum().backward()
    >>> x.grad
    tensor([-1.,  0.,  1.])
    """)
Sin, sin = elementwise(np.sin, d=lambda x, out: np.cos(x), doc="""sin(x) in radians; d/dx = cos(x).

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.sin(x).sum().backward()
    >>> x.grad
    tensor([1.])
    """)
Cos, cos = elementwise(np.cos, d=lambda x, out: -np.sin(x), doc="""cos(x) in radians; d/dx = -sin.

    >>> x = tg.tensor([0.0, 3.141592653589793 / 2], dtype="float64", requires_grad=True)
    >>> tg.cos(x).sum().backward()
    >>> x.grad.tolist()
    [-0.0, -1.0]
    """)
Tan, tan = elementwise(np.tan, d=lambda x, out: 1 + out * out,
                       doc="""tan(x); derivative 1 + tan(x)^2 from the saved output.

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.tan(x).sum().backward()
    >>> x.grad
    tensor([1.])
    """)
Tanh, tanh = elementwise(np.tanh, d=lambda x, out: 1 - out * out,
                         doc="""tanh(x); derivative 1 - tanh(x)^2 from the saved output.

    >>> x = tg.tensor([0.0, 100.0], requires_grad=True)
    >>> tg.tanh(x).sum().backward()
    >>> x.grad
    tensor([1., 0.])
    """)
Sinh, sinh = elementwise(np.sinh, d=lambda x, out: np.cosh(x), doc="""sinh(x); d/dx = cosh(x).

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.sinh(x).sum().backward()
    >>> x.grad
    tensor([1.])
    """)
Cosh, cosh = elementwise(np.cosh, d=lambda x, out: np.sinh(x), doc="""cosh(x); d/dx = sinh(x).

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.cosh(x).item()
    1.0
    >>> tg.cosh(x).sum().backward()
    >>> x.grad
    tensor([0.])
    """)
Arcsinh, arcsinh = elementwise(np.arcsinh, d=lambda x, out: 1 / np.sqrt(x * x + 1),
                               doc="""Inverse hyperbolic sine. PyTorch: asinh (also
    tg.asinh). d/dx = 1/sqrt(x^2 + 1).

    >>> x = tg.tensor([0.0], requires_grad=True)
    >>> tg.arcsinh(x).sum().backward()
    >>> x.grad
    tensor([1.])
    """)

@register
class Pow(Op):
    """x ** y, NumPy broadcasting."""
    args = ("x", "y")
    saves = ("x", "y", "out")
    batching = "elementwise"

    forward = staticmethod(np.power)

    # d(x^y) = y x^(y-1) dx + x^y log(x) dy; log(x) taken as 0 where x = 0
    @staticmethod
    def vjp(ctx, g):
        x, y, out = ctx.saved
        gx = scale(g, _dpow_dx(x, y)) if ctx.needs_grad[0] else None
        gy = scale(g, _dpow_dy(x, out)) if ctx.needs_grad[1] else None
        return gx, gy

    @staticmethod
    def jvp(ctx, dx, dy):
        x, y, out = ctx.saved
        return tangent_sum(None if dx is None else dx * _dpow_dx(x, y),
                           None if dy is None else dy * _dpow_dy(x, out))


def _dpow_dx(x, y):
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        if y == 0:
            return zeros_like(x)
        if y == 1:
            return zeros_like(x) + 1.0
        if y == 2:
            return 2.0 * x
    d = y * call(Pow, x, y - 1)
    if isinstance(y, (int, float)):
        return d
    # x^0 is constant: slope 0 where 0 * x^-1 would be nan (x = 0 or nan), as in PyTorch;
    # only there, so that d/dy of this slope stays right at y = 0 elsewhere (second order)
    rx = _raw(x)
    return call(Where, (_raw(y) == 0) & ((rx == 0) | np.isnan(rx)), 0.0, d)


def _dpow_dy(x, out):
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        # a Python base stays a Python number, so float32 stays float32 on raw arrays
        # as on Tensors (np.log(2.0) would be a float64 NumPy scalar)
        if x == 0:
            return zeros_like(out)
        return out * (math.log(x) if x > 0 else math.nan)
    is_zero = _raw(x) == 0
    safe_x = call(Where, is_zero, 1.0, x)
    return call(Where, is_zero, 0.0, out * call(Log, safe_x))


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


class _ModOp(Op):
    """Shared rules of remainder and fmod: x - y * q(x / y), q = floor or trunc."""
    args = ("x", "y")
    saves = ("x", "y")
    batching = "elementwise"
    quotient = None

    # d(x mod y) = dx - q dy, q constant between the jumps. At a jump (x / y a whole
    # number) q is the quotient there, so x mod y = 0 has slope 1 in x (as PyTorch).
    @classmethod
    def vjp(cls, ctx, g):
        x, y = ctx.saved
        gx = g if ctx.needs_grad[0] else None
        gy = scale(g, -cls.quotient(_raw(x), _raw(y))) if ctx.needs_grad[1] else None
        return gx, gy

    @classmethod
    def jvp(cls, ctx, dx, dy):
        x, y = ctx.saved
        return tangent_sum(dx, None if dy is None else -dy * cls.quotient(_raw(x), _raw(y)))


def _floor_quotient(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(x, y)


def _trunc_quotient(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.trunc(np.true_divide(x, y))


@register
class Remainder(_ModOp):
    """x mod y with the sign of y (Python's %, torch.remainder), NumPy broadcasting."""
    quotient = staticmethod(_floor_quotient)

    forward = staticmethod(np.remainder)


@register
class Fmod(_ModOp):
    """x mod y with the sign of x (C's fmod, torch.fmod), NumPy broadcasting."""
    quotient = staticmethod(_trunc_quotient)

    forward = staticmethod(np.fmod)


def _erf_forward(x):
    x = np.asarray(x)
    dtype = x.dtype if is_floating(x.dtype) else np.float64
    return _erf(x).astype(dtype, copy=False)


def _erf(x):
    """erf to full double precision: SciPy's vectorized one when installed (an optional
    extra), else the standard library's, element by element."""
    global _erf_impl
    if _erf_impl is None:
        try:
            from scipy.special import erf as impl
        except ImportError:
            impl = np.vectorize(math.erf, otypes=[np.float64])
        _erf_impl = impl
    return _erf_impl(np.asarray(x, dtype=np.float64))


_erf_impl = None
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
Erf, erf = elementwise(_erf_forward, d=lambda x, out: _TWO_OVER_SQRT_PI * np.exp(-(x * x)),
                       name="erf",
                       doc="""The error function; d erf(x) = 2/sqrt(pi) exp(-x^2) dx.
    SciPy: scipy.special.erf.

    >>> x = tg.tensor([0.0], dtype="float64", requires_grad=True)
    >>> tg.erf(x).sum().backward()
    >>> round(x.grad.item(), 6)     # 2 / sqrt(pi)
    1.128379
    """)


class _Extremum2(Op):
    """Shared rules of maximum/minimum: a tie sends half the gradient to each side."""
    args = ("x", "y")
    saves = ("x", "y")
    batching = "elementwise"
    wins = None                 # np.greater or np.less: where x is the one picked

    @classmethod
    def vjp(cls, ctx, g):
        wx = _tie_weights(*ctx.saved, cls.wins)
        gx = call(Where, wx > 0, g * wx, 0.0) if ctx.needs_grad[0] else None
        gy = call(Where, wx < 1, g * (1.0 - wx), 0.0) if ctx.needs_grad[1] else None
        return gx, gy

    @classmethod
    def jvp(cls, ctx, dx, dy):
        return _mix_tangents(_tie_weights(*ctx.saved, cls.wins), dx, dy)


@register
class Maximum(_Extremum2):
    """Elementwise max(x, y); a tie sends half the gradient to each side (PyTorch)."""
    wins = staticmethod(np.greater)

    forward = staticmethod(np.maximum)


@register
class Minimum(_Extremum2):
    """Elementwise min(x, y); a tie sends half the gradient to each side (PyTorch)."""
    wins = staticmethod(np.less)

    forward = staticmethod(np.minimum)


def _tie_weights(x, y, wins):
    """Weight of x in the result: 1 where x wins, 0.5 on ties, 0 where y wins."""
    x, y = _raw(x), _raw(y)
    # np.where, not item assignment: 0-d inputs give NumPy scalars, which are read-only
    return np.where(np.equal(x, y), 0.5, wins(x, y)).astype(np.result_type(x, y, np.float32))


def _mix_tangents(wx, dx, dy):
    # where() rather than weights * tangent: an inf tangent on the losing side stays out
    tx = None if dx is None else call(Where, wx > 0, dx * wx, 0.0)
    ty = None if dy is None else call(Where, wx < 1, dy * (1.0 - wx), 0.0)
    return tangent_sum(tx, ty)


@register
class Clip(Op):
    """x limited to [lo, hi] (either may be None); the gradient passes where
    lo <= x <= hi and is 0 outside (as PyTorch's clamp)."""
    saves = ("x",)
    batching = "elementwise"

    @staticmethod
    def forward(x, *, lo, hi):
        return np.clip(x, lo, hi)

    @staticmethod
    def vjp(ctx, g):
        return (call(Where, _inside(ctx), g, 0.0),)

    @staticmethod
    def jvp(ctx, dx):
        return call(Where, _inside(ctx), dx, 0.0)


def _inside(ctx):
    x = _raw(ctx.saved[0])
    lo, hi = ctx.params["lo"], ctx.params["hi"]
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


@register
class Where(Op):
    """cond ? x : y with broadcasting. The branch not taken gets exactly zero gradient:
    a NaN or inf there never reaches the other branch's gradient."""
    args = ("cond", "x", "y")
    saves = ("cond",)
    batching = "elementwise"

    forward = staticmethod(np.where)

    @staticmethod
    def vjp(ctx, g):
        cond = _raw(ctx.saved[0])
        gx = call(Where, cond, g, 0.0) if ctx.needs_grad[1] else None
        gy = call(Where, cond, 0.0, g) if ctx.needs_grad[2] else None
        return None, gx, gy

    @staticmethod
    def jvp(ctx, dc, dx, dy):
        cond = _raw(ctx.saved[0])
        return call(Where, cond, 0.0 if dx is None else dx, 0.0 if dy is None else dy)


@register
class Cast(Op):
    """x converted to `dtype`; gradients are cast back (none into integer inputs)."""
    batching = "elementwise"

    @staticmethod
    def forward(x, *, dtype, src=None):
        return np.asarray(x).astype(dtype, copy=False)

    @staticmethod
    def vjp(ctx, g):
        src = ctx.params.get("src")
        if src is None or not is_floating(src) or not is_floating(ctx.params["dtype"]):
            return (None,)
        if np.dtype(src).kind != "c":
            g = g.real                  # a real input's gradient is the real part
        # src: g's own dtype (real once its real part is taken), so this cast's rule in
        # turn sends a real cotangent to a real g
        return (call(Cast, g, dtype=src, src=g.dtype),)

    @staticmethod
    def jvp(ctx, dx):
        if not is_floating(ctx.params["dtype"]):
            return None
        return call(Cast, dx, dtype=ctx.params["dtype"], src=None)


@register
class Clone(Op):
    """A copy of x that does not share memory."""
    batch_params = same_params

    @staticmethod
    def forward(x, order="K"):
        return np.array(x, copy=True, order=order)

    @staticmethod
    def vjp(ctx, g):
        return (g,)

    jvp = LINEAR


# ------------------------------------------------------------------ public functions

multiply = mul
subtract = sub
divide = div
true_divide = div
negative = neg


def pow(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x ** y with broadcasting. d/dx = y x^(y-1), d/dy = x^y log(x) (taken as 0 where
    x == 0, as PyTorch). NumPy: power.

    Args:
        x: the base, a tensor, array or number.
        y: the exponent, broadcast against x.

    >>> x = tg.tensor([2.0], requires_grad=True)
    >>> y = tg.tensor([3.0], requires_grad=True)
    >>> tg.pow(x, y).sum().backward()
    >>> x.grad, round(y.grad.item(), 4)     # 3 * 2**2, 8 * log(2)
    (tensor([12.]), 5.5452)
    """
    return apply2(Pow, x, y)


def remainder(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x mod y with the sign of y, as Python's % and torch.remainder; d/dy = -floor(x/y).
    NumPy: remainder (mod).

    Args:
        x: the dividend, a tensor, array or number.
        y: the divisor, broadcast against x.

    >>> tg.remainder(tg.tensor([5.0, -5.0]), 3.0)
    tensor([2., 1.])
    """
    _int_zero_divisor("remainder", x, y)
    return apply2(Remainder, x, y)


def fmod(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x mod y with the sign of x, as C's fmod and torch.fmod; d/dy = -trunc(x/y).

    Args:
        x: the dividend, a tensor or a number or array-like.
        y: the divisor, broadcast against x.

    Returns:
        A tensor of the broadcast shape.

    >>> tg.fmod(tg.tensor([5.0, -5.0]), 3.0)
    tensor([ 2., -2.])
    """
    _int_zero_divisor("fmod", x, y)
    return apply2(Fmod, x, y)


def maximum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise maximum, NaN-propagating (as np.maximum); ties split the gradient
    equally between x and y.

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number, broadcast against x.

    >>> x = tg.tensor([1.0, 5.0, 2.0], requires_grad=True)
    >>> tg.maximum(x, 2.0).sum().backward()
    >>> x.grad
    tensor([0.0000, 1.0000, 0.5000])
    """
    return apply2(Maximum, x, y)


def minimum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise minimum, NaN-propagating (as np.minimum); ties split the gradient
    equally between x and y.

    Args:
        x: a tensor, array or number.
        y: a tensor, array or number, broadcast against x.

    >>> x = tg.tensor([1.0, 5.0, 2.0], requires_grad=True)
    >>> tg.minimum(x, 2.0).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.0000, 0.5000])
    """
    return apply2(Minimum, x, y)


def clip(x: ArrayLike, min: ArrayLike | None = None, max: ArrayLike | None = None, *,
         clip_value_min: ArrayLike | None = None,
         clip_value_max: ArrayLike | None = None) -> Tensor:
    """Limit x to [min, max]. TF: clip_by_value(t, clip_value_min, clip_value_max);
    PyTorch: clamp. Either bound may be None (not both). Tensor bounds go through
    where(). The gradient is 1 inside [min, max] and 0 where clipped.

    Args:
        x: the input, a tensor or a number or array-like.
        min: the lower bound (a number or a tensor), or None.
        max: the upper bound (a number or a tensor), or None.
        clip_value_min: TF's name for min.
        clip_value_max: TF's name for max.

    Returns:
        A tensor of x's shape (broadcast with tensor bounds).

    Raises:
        ValueError: both bounds are None.

    >>> x = tg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> tg.clip(x, -1.0, 1.0).tolist()
    [-1.0, 0.5, 1.0]
    >>> tg.clip(x, -1.0, 1.0).sum().backward()
    >>> x.grad
    tensor([0., 1., 0.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("clip", "x", x)
    lo = min if clip_value_min is None else clip_value_min
    hi = max if clip_value_max is None else clip_value_max
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of min and max")
    for name, b in (("min", lo), ("max", hi)):
        if not (b is None or isinstance(b, (int, float, np.number, Tensor, np.ndarray))) \
                or isinstance(b, bool):
            raise TypeError(f"clip: {name} must be a number or a tensor, got {describe(b)}")
    if isinstance(lo, (Tensor, np.ndarray)) or isinstance(hi, (Tensor, np.ndarray)):
        # where(), not maximum/minimum: at x == bound the gradient goes to x alone (not
        # half to each), and a bound gets it only where it replaced x, as torch.clamp
        out = x
        if lo is not None:
            out = where(out < lo, lo, out)
        if hi is not None:
            out = where(out > hi, hi, out)
        return out
    if lo is not None and hi is not None and lo > hi:
        # NumPy and PyTorch silently give max everywhere: almost surely swapped bounds
        raise ValueError(f"clip: min ({lo}) is greater than max ({hi})")
    return apply(Clip, x, lo=lo, hi=hi)


clamp = clip


def clip_by_value(t: Any, clip_value_min: ArrayLike | None,
                  clip_value_max: ArrayLike | None) -> Tensor:
    """TF spelling of clip: clip(t, clip_value_min, clip_value_max).

    Args:
        t: the tensor clipped.
        clip_value_min: the lower bound (None: no lower bound).
        clip_value_max: the upper bound (None: no upper bound).

    >>> tg.clip_by_value(tg.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
    tensor([0.0000, 0.5000, 1.0000])
    """
    return clip(t, clip_value_min, clip_value_max)


_ONE_ARG: Any = object()    # where(cond) alone: the indices where it holds


def where(cond: Any, x: ArrayLike = _ONE_ARG, y: ArrayLike = _ONE_ARG) -> Any:
    """Pick from x where cond holds, else from y; the unpicked side gets zero gradient,
    even when it holds NaN or inf. With cond alone, the indices where it holds, one
    int64 tensor per axis (as torch.where(cond) and np.where(cond)).

    Args:
        cond: a bool tensor or array, broadcast with x and y.
        x: the values taken where cond is True.
        y: the values taken where cond is False.

    >>> import tapegrad as tg
    >>> x = tg.tensor([-1.0, 4.0], requires_grad=True)
    >>> tg.where(x > 0, tg.sqrt(x), 0.0).sum().backward()
    >>> x.grad
    tensor([0.0000, 0.2500])
    """
    if x is _ONE_ARG and y is _ONE_ARG:
        c = cond._data if isinstance(cond, Tensor) else np.asarray(
            check_operand("where", "condition", cond))
        return tuple(make(np.asarray(i, dtype=np.int64)) for i in np.nonzero(c))
    if x is _ONE_ARG or y is _ONE_ARG:
        raise TypeError("where: give both x and y, or neither (the indices where the "
                        "condition holds)")
    c = cond._data if isinstance(cond, Tensor) else np.asarray(cond)
    if c.dtype != np.bool_:
        # as PyTorch: a float condition is more likely a bug than a mask
        raise TypeError(f"where: condition must be a bool tensor, got dtype {c.dtype}; "
                        "compare it (e.g. cond != 0) first")
    if not isinstance(x, Tensor):
        x = check_operand("where", "x", x)
    if not isinstance(y, Tensor):
        y = check_operand("where", "y", y)
    broadcast_shapes("where", c.shape, _shape(x), _shape(y))
    out = apply(Where, c, x, y)
    want = where_dtype(out, x, y)
    return out if want is None else cast(out, want)


def cast(x: ArrayLike, dtype: DTypeLike) -> Tensor:
    """x converted to dtype (a NumPy dtype or its name). TF: cast; PyTorch: x.to(dtype);
    NumPy: x.astype(dtype). Gradients flow back cast to the source dtype (none to
    integer or bool sources).

    Args:
        x: a tensor, array or number.
        dtype: the target dtype (np.float32, "float64", "int64", ...).

    >>> x = tg.tensor([1.5, 2.0], requires_grad=True)
    >>> y = tg.cast(x, "float64")
    >>> y.dtype
    dtype('float64')
    >>> y.sum().backward()
    >>> x.grad
    tensor([1., 1.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("cast", "x", x)
    try:
        dtype = as_dtype(dtype)
    except TypeError as e:
        raise TypeError(f"cast: {e}") from None
    src = x._data.dtype if isinstance(x, Tensor) else np.asarray(x).dtype
    if isinstance(x, Tensor) and x._rg and not is_floating(dtype):
        x = x.detach()      # integer and bool results never require grad (as torch)
    return apply(Cast, x, dtype=dtype, src=src)


def clone(x: ArrayLike) -> Tensor:
    """A copy of x that stays in the graph (gradient passes through unchanged), as
    torch.clone; NumPy: copy.

    Args:
        x: the input, a tensor or a number or array-like.

    Returns:
        A new tensor with x's values, dtype and shape.

    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = tg.clone(x)
    >>> (y * y).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("clone", "x", x)
    return apply1(Clone, x)

# the names `from tapegrad.ops.elementwise import *` gives (tests/test_all.py)
__all__ = ["Add", "add", "Sub", "sub", "Mul", "mul", "Div", "div", "Neg", "neg", "FloorDivide",
           "floor_divide", "Sign", "sign", "Exp", "exp", "Expm1", "expm1", "Log", "log", "Log1p",
           "log1p", "Log2", "log2", "Log10", "log10", "Sqrt", "sqrt", "Square", "square",
           "Reciprocal", "reciprocal", "Abs", "abs", "Sin", "sin", "Cos", "cos", "Tan", "tan",
           "Tanh", "tanh", "Sinh", "sinh", "Cosh", "cosh", "Arcsinh", "arcsinh", "Pow",
           "Remainder", "Fmod", "Erf", "erf", "Maximum", "Minimum", "Clip", "Where", "Cast",
           "Clone", "multiply", "subtract", "divide", "true_divide", "negative", "pow",
           "remainder", "fmod", "maximum", "minimum", "clip", "clamp", "clip_by_value", "where",
           "cast", "clone"]
