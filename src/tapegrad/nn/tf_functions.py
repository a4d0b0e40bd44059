"""TensorFlow's tf.nn functions, callable as tg.nn.relu, tg.nn.softmax, ... beside the
modules (TF's argument names and defaults: softmax over the last axis, leaky_relu's
alpha=0.2, cross entropies that take labels= and logits= and do not reduce).

>>> import tapegrad as tg
>>> tg.nn.softmax(tg.tensor([0.0, 0.0]))
tensor([0.5000, 0.5000])
>>> tg.nn.sigmoid_cross_entropy_with_logits(labels=tg.tensor([1.0]), logits=tg.tensor([0.0]))
tensor([0.6931])
"""
from __future__ import annotations

import math

import numpy as np

from .. import _check, _random, ops
from ..math import clip_by_norm, in_top_k, top_k  # noqa: F401 - tf.nn spells them too
from .._tensor import Tensor, make
from . import functional as F
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


def _t(x, fn, arg="features"):
    if isinstance(x, Tensor):
        return x
    try:
        arr = None if isinstance(x, (str, bytes)) or x is None else np.asarray(x)
    except ValueError:          # ragged nested lists
        raise ValueError(f"{fn}: {arg} must be a rectangular (non-ragged) array, got "
                         f"{_check._got(x)}") from None
    if arr is None or arr.dtype.kind not in "fiub":
        raise TypeError(f"{fn}: {arg} must be a numeric tensor, got {_check._got(x)}")
    return make(arr)


def relu(features: ArrayLike, name: str | None = None) -> Tensor:
    """max(features, 0), as tf.nn.relu.

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.relu([-1.0, 2.0]).tolist()
    [0.0, 2.0]
    """
    return ops.relu(_t(features, "relu"))


def relu6(features: ArrayLike, name: str | None = None) -> Tensor:
    """min(max(x, 0), 6).

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.relu6([-1.0, 3.0, 8.0]).tolist()
    [0.0, 3.0, 6.0]
    """
    x = _t(features, "relu6")
    return ops.where(x._data >= 6, 6.0, ops.relu(x))


def elu(features: ArrayLike, name: str | None = None) -> Tensor:
    """x for x > 0, exp(x) - 1 otherwise.

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.elu([-1.0, 2.0]).tolist()]     # e^-1 - 1, 2
    [-0.6321, 2.0]
    """
    x = _t(features, "elu")
    return ops.where(x._data > 0, x, ops.expm1(ops.where(x._data > 0, 0.0, x)))


def selu(features: ArrayLike, name: str | None = None) -> Tensor:
    """scale * elu(x) with SELU's alpha and scale (self-normalising).

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.selu([0.0, 1.0]).tolist()]     # 0, scale
    [0.0, 1.0507]
    """
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = _t(features, "selu")
    # x >= 0: TF's gradient at 0 is scale (PyTorch's, tg.nn.functional.selu, scale * alpha)
    return scale * ops.where(x._data >= 0, x, alpha * ops.expm1(ops.where(x._data > 0, 0.0, x)))


def gelu(features: ArrayLike, approximate: bool = False, name: str | None = None) -> Tensor:
    """x * Phi(x) with Phi the standard normal CDF, as tf.nn.gelu.

    Args:
        features: a numeric tensor, array or list.
        approximate: True (or "tanh") for the tanh formula, False for the exact one.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.gelu([0.0, 1.0]).tolist()]
    [0.0, 0.8413]
    """
    return ops.gelu(_t(features, "gelu"), approximate="tanh" if approximate is True
                    or approximate == "tanh" else "none")


def silu(features: ArrayLike, beta: float = 1.0, name: str | None = None) -> Tensor:
    """x * sigmoid(beta x) (TF's swish).

    Args:
        features: a numeric tensor, array or list.
        beta: the slope inside the sigmoid.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.silu([0.0, 1.0]).tolist()]     # 0, sigmoid(1)
    [0.0, 0.7311]
    """
    x = _t(features, "silu")
    return x * ops.sigmoid(x * beta) if beta != 1.0 else x * ops.sigmoid(x)


swish = silu


def sigmoid(x: ArrayLike, name: str | None = None) -> Tensor:
    """1 / (1 + exp(-x)), as tf.nn.sigmoid.

    Args:
        x: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.sigmoid([0.0]).tolist()
    [0.5]
    """
    return ops.sigmoid(_t(x, "sigmoid", "x"))


def tanh(x: ArrayLike, name: str | None = None) -> Tensor:
    """The hyperbolic tangent, as tf.nn.tanh.

    Args:
        x: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.tanh([0.0]).tolist()
    [0.0]
    """
    return ops.tanh(_t(x, "tanh", "x"))


def softplus(features: ArrayLike, name: str | None = None) -> Tensor:
    """log(1 + exp(features)), computed stably, as tf.nn.softplus.

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.softplus([0.0, 100.0]).tolist()]   # log 2, x
    [0.6931, 100.0]
    """
    return ops.softplus(_t(features, "softplus"))


def softsign(features: ArrayLike, name: str | None = None) -> Tensor:
    """features / (1 + |features|), as tf.nn.softsign.

    Args:
        features: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.softsign([-1.0, 3.0]).tolist()
    [-0.5, 0.75]
    """
    x = _t(features, "softsign")
    return x / (1.0 + ops.abs(x))


def leaky_relu(features: ArrayLike, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """features where positive, alpha * features elsewhere, as tf.nn.leaky_relu.

    TensorFlow's default slope is 0.2 (tg.leaky_relu follows PyTorch's 0.01).

    Args:
        features: a numeric tensor, array or list.
        alpha: the slope for negative inputs.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.leaky_relu([-1.0, 2.0]).tolist()]
    [-0.2, 2.0]
    """
    return ops.leaky_relu(_t(features, "leaky_relu"), alpha)


def softmax(logits: ArrayLike, axis: Axis = None, name: str | None = None) -> Tensor:
    """exp(logits) normalised to sum to 1 along `axis`, as tf.nn.softmax.

    Args:
        logits: a numeric tensor, array or list.
        axis: the axis normalised over (None: the last).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.softmax([[0.0, 0.0], [0.0, float("-inf")]]).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    return ops.softmax(_t(logits, "softmax", "logits"), -1 if axis is None else axis)


def log_softmax(logits: ArrayLike, axis: Axis = None, name: str | None = None) -> Tensor:
    """logits - logsumexp(logits) along `axis`, as tf.nn.log_softmax.

    Args:
        logits: a numeric tensor, array or list.
        axis: the axis normalised over (None: the last).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> [round(v, 4) for v in tg.nn.log_softmax([0.0, 0.0]).tolist()]    # log(1/2)
    [-0.6931, -0.6931]
    """
    return ops.log_softmax(_t(logits, "log_softmax", "logits"), -1 if axis is None else axis)


def _labels_logits(labels, logits, fn):
    if labels is None or logits is None:
        raise ValueError(f"{fn}: pass both labels= and logits=")
    return _t(labels, fn, "labels"), _t(logits, fn, "logits")


def sigmoid_cross_entropy_with_logits(labels: ArrayLike | None = None,
                                      logits: ArrayLike | None = None,
                                      name: str | None = None) -> Tensor:
    """Elementwise softplus(x) - x z: stable binary cross entropy, not reduced.

    Args:
        labels: the targets z, in [0, 1], of logits' shape.
        logits: the scores x (before the sigmoid).
        name: TensorFlow's op name, accepted and ignored.

    Raises:
        ValueError: labels or logits is missing, or their shapes differ.

    >>> import tapegrad as tg
    >>> loss = tg.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0], logits=[0.0, 0.0])
    >>> [round(v, 4) for v in loss.tolist()]       # log 2 each
    [0.6931, 0.6931]
    """
    z, x = _labels_logits(labels, logits, "sigmoid_cross_entropy_with_logits")
    if z.shape != x.shape:
        raise ValueError(f"sigmoid_cross_entropy_with_logits: logits and labels must have "
                         f"the same shape, got {x.shape} and {z.shape}")
    return ops.softplus(x, 1.0, math.inf) - x * z


def weighted_cross_entropy_with_logits(labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike,
                                       name: str | None = None) -> Tensor:
    """Like sigmoid_cross_entropy_with_logits with the positive term times pos_weight.

    Args:
        labels: the targets z, in [0, 1], of logits' shape.
        logits: the scores x (before the sigmoid).
        pos_weight: the factor on the positive term (> 1 favours recall).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> loss = tg.nn.weighted_cross_entropy_with_logits([1.0, 0.0], [0.0, 0.0], 2.0)
    >>> [round(v, 4) for v in loss.tolist()]       # 2 log 2, log 2
    [1.3863, 0.6931]
    """
    z, x = _labels_logits(labels, logits, "weighted_cross_entropy_with_logits")
    log_w = 1.0 + (pos_weight - 1.0) * z
    return (1.0 - z) * x + log_w * ops.softplus(-x, 1.0, math.inf)


def softmax_cross_entropy_with_logits(labels: ArrayLike, logits: ArrayLike, axis: Axis = -1,
                                      name: str | None = None) -> Tensor:
    """-sum(labels * log_softmax(logits)) over `axis` (labels are distributions).

    Args:
        labels: a probability distribution per row, of logits' shape.
        logits: the unnormalised scores.
        axis: the class axis.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> loss = tg.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]])
    >>> [round(v, 4) for v in loss.tolist()]       # -log(1/2)
    [0.6931]
    """
    z, x = _labels_logits(labels, logits, "softmax_cross_entropy_with_logits")
    return -ops.sum(z * ops.log_softmax(x, axis), axis)


def sparse_softmax_cross_entropy_with_logits(labels: ArrayLike | None = None,
                                             logits: ArrayLike | None = None,
                                             name: str | None = None) -> Tensor:
    """-log_softmax(logits)[..., label] for integer labels (one per row), not reduced.

    Args:
        labels: integer class indices in [0, C), of logits' shape without its last axis.
        logits: the unnormalised scores, classes (C) on the last axis.
        name: TensorFlow's op name, accepted and ignored.

    Raises:
        TypeError: labels are not integers.
        ValueError: a shape does not match, or a label is out of range.

    >>> import tapegrad as tg
    >>> loss = tg.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=tg.tensor([1]), logits=tg.tensor([[0.0, 0.0]]))
    >>> [round(v, 4) for v in loss.tolist()]
    [0.6931]
    """
    z, x = _labels_logits(labels, logits, "sparse_softmax_cross_entropy_with_logits")
    if z._data.dtype.kind not in "iu":
        raise TypeError("sparse_softmax_cross_entropy_with_logits: labels must be integer "
                        f"class indices, got dtype {z._data.dtype}")
    if z.shape != x.shape[:-1]:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: labels must have the "
                         f"shape of logits without its last axis, got {z.shape} and "
                         f"{x.shape}")
    n = x.shape[-1]
    if z._data.size and (z._data.min() < 0 or z._data.max() >= n):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be in "
                         f"[0, {n}), got values from {z._data.min()} to {z._data.max()}")
    logp = ops.log_softmax(x, -1)
    return -ops.squeeze(ops.take_along_axis(logp, ops.unsqueeze(z, -1), -1), -1)


def l2_loss(t: ArrayLike, name: str | None = None) -> Tensor:
    """sum(t^2) / 2.

    Args:
        t: a numeric tensor, array or list.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.l2_loss([1.0, 2.0]).item()
    2.5
    """
    return ops.sum(ops.square(_t(t, "l2_loss", "t"))) / 2


def l2_normalize(x: ArrayLike, axis: Axis = None, epsilon: float = 1e-12,
                 name: str | None = None) -> Tensor:
    """x / sqrt(max(sum(x^2), epsilon)) over `axis`.

    Args:
        x: a numeric tensor, array or list.
        axis: an axis or a tuple of axes (None: all).
        epsilon: the smallest squared norm divided by (guards against zero).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.l2_normalize([3.0, 4.0]).tolist()
    [0.6, 0.8]
    """
    x = _t(x, "l2_normalize", "x")
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis, True), epsilon))


def moments(x: ArrayLike, axes: Axis, shift: Any = None, keepdims: bool = False,
            name: str | None = None) -> tuple[Tensor, Tensor]:
    """(mean, population variance) over `axes`.

    Args:
        x: a numeric tensor, array or list.
        axes: an axis or a list of axes reduced over.
        shift: accepted for TensorFlow's signature and ignored.
        keepdims: keep the reduced axes with length 1.
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        (mean, variance), each of x's shape without `axes`.

    >>> import tapegrad as tg
    >>> mean, var = tg.nn.moments(tg.tensor([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> mean.item(), var.item()
    (2.5, 1.25)
    """
    x = _t(x, "moments", "x")
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    mean = ops.mean(x, axes, True)
    var = ops.mean(ops.square(x - mean.detach()), axes, True)
    if not keepdims:
        mean, var = ops.squeeze(mean, axes), ops.squeeze(var, axes)
    return mean, var


def batch_normalization(x: ArrayLike, mean: ArrayLike, variance: ArrayLike,
                        offset: ArrayLike | None, scale: ArrayLike | None, variance_epsilon: float,
                        name: str | None = None) -> Tensor:
    """(x - mean) / sqrt(variance + eps) * scale + offset (scale, offset may be None).

    Args:
        x: the input tensor.
        mean: the mean, broadcast against x.
        variance: the variance, broadcast against x.
        offset: the shift added after scaling (None: none).
        scale: the factor applied after normalising (None: 1).
        variance_epsilon: a small number added to the variance.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 3.0])
    >>> tg.nn.batch_normalization(x, 2.0, 1.0, offset=10.0, scale=2.0, variance_epsilon=0.0)
    tensor([ 8., 12.])
    """
    inv = 1.0 / ops.sqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    out = (x - mean) * inv
    return out + offset if offset is not None else out


def bias_add(value: ArrayLike, bias: ArrayLike, data_format: Any = None,
             name: str | None = None) -> Tensor:
    """value + bias along the channel axis (last, or 1 for 'NC...' formats).

    Args:
        value: the input tensor.
        bias: a 1-D tensor, one value per channel.
        data_format: None or "N...C" (channels last), or "NC..." (channels at axis 1).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.nn.bias_add(tg.zeros((1, 2, 3)), tg.tensor([1.0, 2.0]), data_format="NCW").tolist()
    [[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]]
    """
    value = _t(value, "bias_add", "value")
    if data_format is not None and str(data_format).startswith("NC") and value.ndim > 2:
        bias = ops.reshape(bias, (-1,) + (1,) * (value.ndim - 2))
    return value + bias


def embedding_lookup(params: ArrayLike, ids: ArrayLike, max_norm: float | None = None,
                     name: str | None = None) -> Tensor:
    """Rows of `params` at `ids` (any shape of integer ids).

    Args:
        params: the table, one row per id.
        ids: integer ids, any shape.
        max_norm: if given, each looked-up row with an L2 norm above it is scaled down
            to that norm (as TensorFlow does; the table itself is unchanged).
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        A tensor of shape ids.shape + params.shape[1:].

    >>> import tapegrad as tg
    >>> table = tg.tensor([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]])
    >>> tg.nn.embedding_lookup(table, tg.tensor([[2], [0]])).tolist()
    [[[3.0, 4.0]], [[0.0, 0.0]]]
    >>> tg.nn.embedding_lookup(table, tg.tensor([2]), max_norm=1.0).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """
    out = ops.take(_t(params, "embedding_lookup", "params"), ids, axis=0)
    if max_norm is None:
        return out
    # TF clips each looked-up row (not the table) to L2 norm <= max_norm
    max_norm = _check.real(max_norm, "embedding_lookup", "max_norm", low=0.0)
    axes = tuple(range(np.ndim(ids._data if isinstance(ids, Tensor) else ids), out.ndim))
    return clip_by_norm(out, max_norm, axes)


def dropout(x: ArrayLike, rate: float, noise_shape: Any = None, seed: Any = None,
            name: str | None = None) -> Tensor:
    """Zero each element with probability `rate` and scale the rest by 1 / (1 - rate)
    (always applied, as tf.nn.dropout; `noise_shape` broadcasts one mask).

    Args:
        x: a numeric tensor, array or list.
        rate: the probability of dropping each element, in [0, 1).
        noise_shape: the shape of the mask, broadcast against x (None: x's shape).
        seed: an int for a reproducible mask of its own (None: the global generator).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> y = tg.nn.dropout(tg.ones(1000), rate=0.5, seed=0)
    >>> sorted(set(y.tolist()))                    # kept elements are scaled by 2
    [0.0, 2.0]
    """
    x = _t(x, "dropout", "x")
    rate = _check.real(rate, "dropout", "rate", low=0.0, high=1.0, high_open=True)
    if noise_shape is None and seed is None:
        return F.dropout(x, rate, True)
    g = (np.random.Generator(np.random.PCG64(_check.integer(seed, "dropout", "seed", low=0)))
         if seed is not None else _random.generator())
    shape = x.shape if noise_shape is None else tuple(noise_shape)
    keep = g.random(shape) >= rate
    return x * make((keep / (1.0 - rate)).astype(x._data.dtype))


__all__ = ["relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "sigmoid", "tanh",
           "softplus", "softsign", "leaky_relu", "softmax", "log_softmax",
           "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
           "l2_loss", "l2_normalize", "moments", "batch_normalization", "bias_add",
           "embedding_lookup", "dropout", "top_k", "in_top_k"]
