"""Activations: sigmoid relu leaky_relu softplus gelu softmax log_softmax (stable)."""
from __future__ import annotations

import math

import numpy as np

from .._dtypes import as_dtype, default_float
from .._tensor import Tensor
from .._native import SPEEDUPS
from ._apply import apply, apply1, call
from ._shapes import check_number, check_operand, describe, normalize_axis
from ._op import Op, _all_finite, elementwise, register, scale, tangent_axis
from .elementwise import Erf, Exp, Tanh, Where, cast
from .reduce_sums import Sum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike, Axis, DTypeLike


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _as_float(x):
    """bool and integer inputs in the default float (as PyTorch), before any
    arithmetic: -x on bool raises and -x on uint8 wraps around."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(default_float())


_relu_mask = None if SPEEDUPS is None else SPEEDUPS.relu_mask


def _sigmoid(x):
    # 1 / (1 + e) for x >= 0 and e / (1 + e) below, e = exp(-|x|): exp(min(x, 0)) is 1 or
    # e, so one division gives both without np.where (which costs 8 of these passes)
    x = _as_float(x)
    if x.dtype.kind == "c":             # no order to split on: the plain formula
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(-np.abs(x))
    return (np.exp(np.minimum(x, 0)) / (1.0 + e)).astype(x.dtype, copy=False)


Sigmoid, sigmoid = elementwise(_sigmoid, d=lambda x, out: out * (1 - out), name="sigmoid",
                               doc="""1 / (1 + exp(-x)), evaluated without overflow for
    large |x|; d/dx = s (1 - s). SciPy: expit.

    >>> x = tg.tensor([0.0, -1000.0], requires_grad=True)
    >>> tg.sigmoid(x).tolist()
    [0.5, 0.0]
    >>> tg.sigmoid(x).sum().backward()
    >>> x.grad
    tensor([0.2500, 0.0000])
    """)


@register
class Relu(Op):
    """max(x, 0); relu'(0) = 0 as in PyTorch."""
    saves = ("out",)
    batching = "elementwise"
    direct = (np.maximum, (0,))     # graph mode replays forward as this ufunc call

    @staticmethod
    def forward(x):
        return np.maximum(x, 0)

    @staticmethod
    def vjp(ctx, g):
        return (_positive_part(g, ctx.saved[0]),)

    @staticmethod
    def jvp(ctx, dx):
        return _positive_part(dx, ctx.saved[0])


def _positive_part(g, out):
    """_masked(g, out > 0); in one pass in C (`relu_mask`) for matching float arrays."""
    if _relu_mask is not None:
        r = _relu_mask(g, out)
        if r is not None:
            return r
    return _masked(g, _raw(out) > 0)


def _masked(g, keep):
    """where(keep, g, 0), computed as g * keep (about 10x faster than np.where); only if
    that product is not finite does the where run, so an inf/NaN in g where keep is off
    still gives exactly 0."""
    r = g * keep
    if not _all_finite(_raw(r)):
        r = call(Where, keep, g, 0.0)
    return r


@register
class LeakyRelu(Op):
    """x if x > 0 else negative_slope * x; the slope at 0 is negative_slope."""
    saves = ("x",)
    batching = "elementwise"

    @staticmethod
    def forward(x, *, negative_slope):
        x = _as_float(x)
        return np.where(x > 0, x, x * negative_slope).astype(x.dtype, copy=False)

    @staticmethod
    def vjp(ctx, g):
        return (g * _leaky_slope(ctx),)

    @staticmethod
    def jvp(ctx, dx):
        return dx * _leaky_slope(ctx)


def _leaky_slope(ctx):
    x = _raw(ctx.saved[0])
    return np.where(x > 0, 1.0, ctx.params["negative_slope"]).astype(x.dtype)


@register
class Softplus(Op):
    """log(1 + exp(beta x)) / beta, linear above `threshold` (as PyTorch)."""
    saves = ("x",)
    batching = "elementwise"

    @staticmethod
    def forward(x, *, beta, threshold):
        x = _as_float(x)
        bx = x * beta
        soft = (np.log1p(np.exp(-np.abs(bx))) + np.maximum(bx, 0)) / beta
        return np.where(bx > threshold, x, soft).astype(np.asarray(soft).dtype, copy=False)

    # d softplus = sigmoid(beta x) dx (1 above the threshold)
    @staticmethod
    def vjp(ctx, g):
        return (g * _softplus_slope(ctx),)

    @staticmethod
    def jvp(ctx, dx):
        return dx * _softplus_slope(ctx)


def _softplus_slope(ctx):
    x = ctx.saved[0]
    beta, threshold = ctx.params["beta"], ctx.params["threshold"]
    s = call(Sigmoid, x * beta)
    over = _raw(x) * beta > threshold
    return call(Where, over, 1.0, s) if np.any(over) else s


@register
class Gelu(Op):
    """x * Phi(x) with the exact normal CDF (PyTorch's approximate='none')."""
    saves = ("x",)
    batching = "elementwise"

    @staticmethod
    def forward(x):
        x = _as_float(x)
        return (0.5 * x * (1.0 + Erf.forward(x / math.sqrt(2.0)))).astype(x.dtype, copy=False)

    # d gelu = Phi(x) + x phi(x)
    @staticmethod
    def vjp(ctx, g):
        return (g * _gelu_slope(ctx.saved[0]),)

    @staticmethod
    def jvp(ctx, dx):
        return dx * _gelu_slope(ctx.saved[0])


def _gelu_slope(x):
    cdf = 0.5 * (1.0 + call(Erf, x * (1.0 / math.sqrt(2.0))))
    pdf = call(Exp, -0.5 * (x * x)) * (1.0 / math.sqrt(2.0 * math.pi))
    return cdf + x * pdf


@register
class Softmax(Op):
    """exp(x) / sum(exp(x)) along `axis`, shifted by the max. A row that is entirely
    -inf (fully masked) gives zeros and zero gradient, not NaN."""
    saves = ("out",)
    batching = "aware"

    @staticmethod
    def forward(x, *, axis):
        x = _as_float(x)
        m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)     # initial: empty x
        m = np.where(np.isfinite(m), m, 0.0)
        e = np.exp(x - m)
        s = np.sum(e, axis=axis, keepdims=True)
        return e / np.where(s == 0, 1.0, s)

    # d softmax = out * (dx - sum(out * dx))
    @staticmethod
    def vjp(ctx, g):
        out = ctx.saved[0]
        axis = ctx.params["axis"]
        return (out * (g - call(Sum, g * out, axis=axis, keepdims=True)),)

    @staticmethod
    def jvp(ctx, dx):
        out = ctx.saved[0]
        axis = tangent_axis(ctx)
        return out * (dx - call(Sum, dx * out, axis=axis, keepdims=True))


@register
class LogSoftmax(Op):
    """x - logsumexp(x) along `axis`. A fully masked (-inf) row gives -inf values and
    zero gradient."""
    saves = ("out",)
    batching = "aware"

    @staticmethod
    def forward(x, *, axis):
        x = _as_float(x)
        if x.size == 0:
            return x.copy()
        # (x - m) - log(sum(exp(x - m))), not x - logsumexp(x): adding log(sum) back
        # onto a large m rounds it away ([1e16, 1e16] gave [0, 0] or [-2, -2], not -log 2)
        m = np.max(x, axis=axis, keepdims=True)
        finite = _all_finite(m)
        if not finite:
            m = np.where(np.isfinite(m), m, 0.0)
        shifted = x - m
        with np.errstate(divide="ignore"):
            ls = np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))
        # only a row whose max is not finite can give -inf here (a fully masked row)
        return shifted - ls if finite else shifted - np.where(np.isneginf(ls), 0.0, ls)

    # d log_softmax = dx - sum(softmax * dx); softmax = exp(out)
    @staticmethod
    def vjp(ctx, g):
        p = call(Exp, ctx.saved[0])
        axis = ctx.params["axis"]
        return (g - scale(p, call(Sum, g, axis=axis, keepdims=True)),)

    @staticmethod
    def jvp(ctx, dx):
        p = call(Exp, ctx.saved[0])
        axis = tangent_axis(ctx)
        return dx - call(Sum, scale(p, dx), axis=axis, keepdims=True)


# ------------------------------------------------------------------ public functions


def relu(x: ArrayLike) -> Tensor:
    """max(x, 0); the gradient is 1 where x > 0 and 0 elsewhere (0 at x = 0, as PyTorch).

    Args:
        x: a tensor, array or number.

    >>> x = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> tg.relu(x).sum().backward()
    >>> tg.relu(x).tolist(), x.grad.tolist()
    ([0.0, 0.0, 2.0], [0.0, 0.0, 1.0])
    """
    if not isinstance(x, Tensor):
        x = check_operand("relu", "x", x)
    return apply1(Relu, x)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01, *, alpha: float | None = None) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (the slope at 0 is negative_slope).
    TF: alpha=.

    Args:
        x: a tensor, array or number.
        negative_slope: the slope for x <= 0.
        alpha: TensorFlow's name for negative_slope.

    >>> x = tg.tensor([-2.0, 3.0], requires_grad=True)
    >>> tg.leaky_relu(x, 0.5).sum().backward()
    >>> tg.leaky_relu(x, 0.5).tolist(), x.grad.tolist()
    ([-1.0, 3.0], [0.5, 1.0])
    """
    if not isinstance(x, Tensor):
        x = check_operand("leaky_relu", "x", x)
    if alpha is not None:
        negative_slope = alpha
    slope = check_number("leaky_relu", "negative_slope", negative_slope)
    return apply(LeakyRelu, x, negative_slope=slope)


def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, stable; linear where beta x > threshold (as
    PyTorch). Its derivative is sigmoid(beta x).

    Args:
        x: a tensor, array or number.
        beta: the sharpness: larger beta is closer to relu.
        threshold: where beta x exceeds it, the result is x (no exp overflow).

    >>> x = tg.tensor([0.0, 100.0], requires_grad=True)
    >>> [round(v, 4) for v in tg.softplus(x).tolist()]      # log 2, x
    [0.6931, 100.0]
    >>> tg.softplus(x).sum().backward()
    >>> x.grad
    tensor([0.5000, 1.0000])
    """
    if not isinstance(x, Tensor):
        x = check_operand("softplus", "x", x)
    beta = check_number("softplus", "beta", beta)
    if beta == 0:
        raise ValueError("softplus: beta must be nonzero, got 0")
    return apply(Softplus, x, beta=beta, threshold=check_number("softplus", "threshold",
                                                                 threshold))


def gelu(x: ArrayLike, approximate: str | bool = "none") -> Tensor:
    """x * Phi(x) with Phi the standard normal CDF. approximate="tanh" uses the tanh
    formula (also True, as in TF). d/dx = Phi(x) + x phi(x).

    Args:
        x: a tensor, array or number.
        approximate: "none" (exact, with erf) or "tanh" (True and False also accepted).

    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> tg.gelu(x)
    tensor([0.0000, 0.8413], grad_fn=<GeluBackward>)
    >>> tg.gelu(x).sum().backward()
    >>> x.grad
    tensor([0.5000, 1.0833])
    """
    if not isinstance(x, Tensor):
        x = check_operand("gelu", "x", x)
    tanh_form = approximate is True or (isinstance(approximate, str) and approximate == "tanh")
    if not (tanh_form or approximate is False or (isinstance(approximate, str)
                                                  and approximate == "none")):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got "
                         f"{describe(approximate)}")
    if tanh_form:
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + apply(Tanh, c * (x + 0.044715 * x * x * x)))
    return apply1(Gelu, x)


def _axis(x, axis, dim, op):
    if not isinstance(x, Tensor):
        check_operand(op, "x", x)
    if dim is not None:
        if axis not in (None, -1):
            raise TypeError(f"{op}: give either axis= or dim=, not both")
        axis = dim
    axes = normalize_axis(axis, np.ndim(_raw(x)), op)
    return axes[0] if axes else None        # a 0-d input is its own single-element row


def softmax(x: ArrayLike, axis: Axis = -1, *, dim: Axis = None,
            dtype: DTypeLike = None) -> Tensor:
    """Softmax along `axis` (default last; PyTorch's dim= also accepted), stable for
    large inputs: exp(x - max) / sum(exp(x - max)). A fully -inf row gives zeros.

    Args:
        x: a tensor, array or number.
        axis: the axis normalized over (an int).
        dim: PyTorch's name for axis.
        dtype: cast the input to this dtype first (PyTorch's dtype=).

    >>> p = tg.softmax(tg.tensor([[1000.0, 1000.0], [0.0, float("-inf")]]))
    >>> p.tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> tg.softmax(x)[0].backward()         # d p0 = p0 (e0 - p)
    >>> [round(v, 4) for v in x.grad.tolist()]
    [0.1966, -0.1966]
    """
    if dtype is not None:       # PyTorch's: the input cast first
        x = cast(x, as_dtype(dtype, "softmax"))
    return apply(Softmax, x, axis=_axis(x, axis, dim, "softmax"))


def log_softmax(x: ArrayLike, axis: Axis = -1, *, dim: Axis = None,
                dtype: DTypeLike = None) -> Tensor:
    """Log of softmax along `axis` (default last; dim= also accepted), computed as
    x - logsumexp(x) so large or very negative inputs stay finite.

    Args:
        x: a tensor, array or number.
        axis: the axis normalized over (an int).
        dim: PyTorch's name for axis.
        dtype: cast the input to this dtype first (PyTorch's dtype=).

    >>> x = tg.tensor([[0.0, 0.0]], requires_grad=True)
    >>> tg.log_softmax(x)
    tensor([[-0.6931, -0.6931]], grad_fn=<LogSoftmaxBackward>)
    >>> tg.log_softmax(x)[0, 0].backward()      # 1 - p0, -p1
    >>> x.grad
    tensor([[ 0.5000, -0.5000]])
    """
    if dtype is not None:       # PyTorch's: the input cast first
        x = cast(x, as_dtype(dtype, "log_softmax"))
    return apply(LogSoftmax, x, axis=_axis(x, axis, dim, "log_softmax"))

# the names `from tapegrad.ops.activations import *` gives (tests/test_all.py)
__all__ = ["Sigmoid", "sigmoid", "Relu", "LeakyRelu", "Softplus", "Gelu", "Softmax", "LogSoftmax",
           "relu", "leaky_relu", "softplus", "gelu", "softmax", "log_softmax"]
