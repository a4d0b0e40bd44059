"""`jax.nn` functions tg.nn lacked, with JAX's names and defaults, so `jax.nn.one_hot`,
`jax.nn.logsumexp`, `jax.nn.standardize`, ... port as `tg.nn.*` (with `import tapegrad
as jax`). The names tg.nn already has keep their TensorFlow meaning (`gelu` is exact by
default, as tf.nn.gelu; JAX's default is the tanh approximation: pass
`approximate=True`; `leaky_relu`'s slope defaults to TF's 0.2, JAX's to 0.01).
"""
from __future__ import annotations

import numpy as np

from .. import ops
from .._check import _got, integer
from .._dtypes import as_dtype
from .._tensor import Tensor, make
from . import functional as F
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis, DTypeLike


def _t(x):
    return x if isinstance(x, Tensor) else make(np.asarray(x, dtype=np.float64)
                                                if np.asarray(x).dtype.kind not in "fc"
                                                else np.asarray(x))


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None,
              keepdims: bool = False, return_sign: bool = False, where: Any = None) -> Any:
    """log(sum(b * exp(a))) over `axis` (jax.nn.logsumexp, the same as
    tapegrad.scipy.special.logsumexp).

    Args:
        a: the values.
        axis: the axis or axes to reduce (None: all).
        b: optional weights, broadcast with a (may be negative with return_sign).
        keepdims: keep the reduced axes with length 1.
        return_sign: also return the sign of the weighted sum.
        where: a boolean mask of the entries to include.


    >>> import tapegrad as tg
    >>> import tapegrad.numpy as jnp
    >>> tg.nn.logsumexp(jnp.array([0.0, 0.0]))
    tensor(0.6931, dtype=float64)
    """
    a = _t(a)
    if where is not None:
        a = ops.where(where, a, -np.inf)
    if b is None and not return_sign:
        return ops.logsumexp(a, axis=axis, keepdims=keepdims)
    # weighted: shift by the (constant) max, then log|sum| and its sign
    m = ops.amax(a.detach(), axis=axis, keepdims=True)
    m = ops.where((m > -np.inf) & (m < np.inf), m, 0.0)
    wsum = ops.sum((1.0 if b is None else b) * ops.exp(a - m), axis=axis, keepdims=True)
    out = ops.log(ops.abs(wsum)) + m
    sign = ops.sign(wsum)
    if not keepdims:
        ax = tuple(range(a.ndim)) if axis is None else axis
        out, sign = ops.squeeze(out, ax), ops.squeeze(sign, ax)
    if return_sign:
        return out, sign
    return ops.where(sign < 0, np.nan, out)


def one_hot(x: ArrayLike, num_classes: int, *, dtype: DTypeLike = None,
            axis: int = -1) -> Tensor:
    """One-hot vectors of integer labels (jax.nn.one_hot): a new axis of length
    num_classes; labels outside [0, num_classes) give all zeros. float64 by default.

    Args:
        x: integer labels (any shape).
        num_classes: the length of the new axis.
        dtype: the result's dtype (default float64).
        axis: where the new axis goes (default -1, last).

    >>> import tapegrad as tg
    >>> tg.nn.one_hot([0, 2, 5], 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    n = integer(num_classes, "one_hot", "num_classes", low=0)
    dt = np.dtype(np.float64) if dtype is None or dtype is float else \
        np.dtype(as_dtype(dtype, "one_hot"))
    lab = x if isinstance(x, Tensor) else make(np.asarray(x))
    if lab.dtype.kind not in "iub" and lab.dtype.kind != "f":
        raise TypeError(f"one_hot: x must hold integer labels, got {_got(x)}")
    hot = ops.cast(ops.expand_dims(lab, -1) == make(np.arange(n)), dt)
    nd = lab.ndim + 1
    ax = axis % nd
    return hot if ax == nd - 1 else ops.moveaxis(hot, -1, ax)


def log_sigmoid(x: ArrayLike) -> Tensor:
    """log(sigmoid(x)), stable for large |x| (jax.nn.log_sigmoid).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.log_sigmoid(0.0)
    tensor(-0.6931)
    """
    return ops.logsigmoid(x)


def standardize(x: ArrayLike, axis: Axis = -1, mean: ArrayLike | None = None,
                variance: ArrayLike | None = None, epsilon: float = 1e-5,
                where: Any = None) -> Tensor:
    """(x - mean) / sqrt(variance + epsilon) along `axis` (jax.nn.standardize); the
    mean and (biased) variance are computed when not given.

    Args:
        x: the values.
        axis: the axis or axes of the statistics (default -1).
        mean: a precomputed mean (default: computed).
        variance: a precomputed variance (default: computed, biased).
        epsilon: added to the variance.
        where: a boolean mask of the entries the statistics use.


    >>> import tapegrad as tg
    >>> import tapegrad.numpy as jnp
    >>> tg.nn.standardize(jnp.array([1.0, 3.0]), epsilon=0.0)
    tensor([-1.,  1.], dtype=float64)
    """
    x = _t(x)
    m: Any = mean
    var: Any = variance
    # where: the statistics over the selected entries only (a 0/1 weight)
    w = 1.0 if where is None else ops.cast(ops.broadcast_to(where, x.shape), x.dtype)
    count = ops.sum(w + x * 0.0, axis=axis, keepdims=True)
    if m is None:
        m = ops.sum(w * x, axis=axis, keepdims=True) / count
    if var is None:
        var = ops.sum(w * x * x, axis=axis, keepdims=True) / count - m * m
    return (x - m) / ops.sqrt(var + epsilon)


def celu(x: ArrayLike, alpha: float = 1.0) -> Tensor:
    """max(x, 0) + alpha (exp(min(x, 0) / alpha) - 1) (jax.nn.celu).

    Args:
        x: a tensor, array or number.
        alpha: the scale of the negative part (default 1).


    >>> import tapegrad as tg
    >>> tg.nn.celu(tg.tensor([-1.0, 2.0])).tolist()[1]
    2.0
    """
    return F.celu(_t(x), alpha=alpha)


def glu(x: ArrayLike, axis: int = -1) -> Tensor:
    """The first half of `axis` times the sigmoid of the second (jax.nn.glu).

    Args:
        x: a tensor, array or number.
        axis: the axis split in two halves (default -1).


    >>> import tapegrad as tg
    >>> tg.nn.glu(tg.tensor([2.0, 0.0])).tolist()
    [1.0]
    """
    return F.glu(_t(x), dim=axis)


def hard_tanh(x: ArrayLike) -> Tensor:
    """x clipped to [-1, 1] (jax.nn.hard_tanh).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.hard_tanh(tg.tensor([-3.0, 0.5])).tolist()
    [-1.0, 0.5]
    """
    return ops.clip(_t(x), -1.0, 1.0)


def hard_sigmoid(x: ArrayLike) -> Tensor:
    """relu6(x + 3) / 6 (jax.nn.hard_sigmoid).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.hard_sigmoid(tg.tensor([0.0])).tolist()
    [0.5]
    """
    return ops.relu6(_t(x) + 3.0) / 6.0


def hard_silu(x: ArrayLike) -> Tensor:
    """x * hard_sigmoid(x) (jax.nn.hard_silu, also hard_swish).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.hard_silu(tg.tensor([3.0])).tolist()
    [3.0]
    """
    x = _t(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def soft_sign(x: ArrayLike) -> Tensor:
    """x / (1 + |x|) (jax.nn.soft_sign).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.soft_sign(tg.tensor([1.0])).tolist()
    [0.5]
    """
    return ops.softsign(_t(x))


def squareplus(x: ArrayLike, b: float = 4.0) -> Tensor:
    """(x + sqrt(x^2 + b)) / 2 (jax.nn.squareplus).

    Args:
        x: a tensor, array or number.
        b: the smoothing constant (default 4).


    >>> import tapegrad as tg
    >>> tg.nn.squareplus(tg.tensor([0.0])).tolist()
    [1.0]
    """
    x = _t(x)
    return (x + ops.sqrt(x * x + b)) / 2.0


def sparse_plus(x: ArrayLike) -> Tensor:
    """0 for x <= -1, (x + 1)^2 / 4 in between, x for x >= 1 (jax.nn.sparse_plus).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.sparse_plus(tg.tensor([-2.0, 0.0, 2.0])).tolist()
    [0.0, 0.25, 2.0]
    """
    x = _t(x)
    mid = (x + 1.0) * (x + 1.0) / 4.0
    return ops.where(x <= -1.0, 0.0, ops.where(x >= 1.0, x, mid))


def mish(x: ArrayLike) -> Tensor:
    """x * tanh(softplus(x)) (jax.nn.mish).

    Args:
        x: a tensor, array or number.


    >>> import tapegrad as tg
    >>> tg.nn.mish(tg.tensor([0.0])).tolist()
    [0.0]
    """
    return F.mish(_t(x))


NAMES = ["logsumexp", "one_hot", "log_sigmoid", "standardize", "celu", "glu", "hard_tanh",
         "hard_sigmoid", "hard_silu", "hard_swish", "soft_sign", "squareplus", "sparse_plus",
         "mish"]
