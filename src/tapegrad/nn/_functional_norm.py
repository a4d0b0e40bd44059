"""torch.nn.functional's further normalisations (group_norm, instance_norm, rms_norm) and
channel dropout (dropout2d), composed of recorded ops (re-exported by nn.functional)."""
from __future__ import annotations

import numpy as np

from .. import _check, _random, ops
from .._dtypes import default_float
from .._tensor import Tensor
from ..ops._apply import apply
from ..ops._op import Op
from ._functional_base import _inplace, _raw, _real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ShapeLike


# ------------------------------------------------------------------ normalisation

def _channel_affine(out, weight, bias, c, nd, fn):
    shape = (1, c) + (1,) * (nd - 2)
    for arg, v in (("weight", weight), ("bias", bias)):
        if v is None:
            continue
        if _raw(v).shape != (c,):
            raise ValueError(f"{fn}: {arg} must have shape ({c},), got {_raw(v).shape}")
        v = ops.reshape(v, shape)
        out = out * v if arg == "weight" else out + v
    return out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize (N, C, *) over each group of C / num_groups channels and the spatial
    dims (biased variance), then the per-channel affine.

    Args:
        input: a real tensor or array. Shaped (N, C, *).
        num_groups: the number of groups, dividing C.
        weight: optional per-channel scale, shape (C,).
        bias: optional per-channel shift, shape (C,).
        eps: added to the variance, >= 0 (default 1e-5).

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or an argument has the wrong type.
        ValueError: input not (N, C, *) with C divisible by num_groups, num_groups < 1,
            eps < 0, or weight or bias of another shape.

    >>> tg.nn.functional.group_norm(tg.tensor([[[1.0], [3.0]]]), 1)
    tensor([[[-1.0000],
             [ 1.0000]]])
    """
    x = _real(input, "group_norm")
    shape = _raw(x).shape
    num_groups = _check.integer(num_groups, "group_norm", "num_groups", low=1)
    eps = _check.real(eps, "group_norm", "eps", low=0.0)
    if len(shape) < 2 or shape[1] % num_groups:
        raise ValueError(f"group_norm: input of shape {shape} needs (N, C, *) with C "
                         f"divisible by num_groups={num_groups}")
    g = ops.reshape(x, (shape[0], num_groups, -1))
    mean = ops.mean(g, axis=-1, keepdims=True)
    centered = g - mean
    var = ops.mean(centered * centered, axis=-1, keepdims=True)
    out = ops.reshape(centered / ops.sqrt(var + eps), shape)
    return _channel_affine(out, weight, bias, shape[1], len(shape), "group_norm")


class InstanceRunningStats(Op):
    """instance_norm's in-place update of running statistics (an effect, not
    differentiable): the batch mean of the per-instance means and of the unbiased
    per-instance variances, blended with `momentum`."""

    args = ("mean", "var")
    differentiable = False
    bw_name = "InstanceRunningStatsBackward"
    effect = "instance_norm's in-place update of the running statistics"

    @staticmethod
    def forward(mean, var, *, stats, momentum, count):
        running_mean, running_var = stats
        if running_mean is not None:
            rm = running_mean._data
            rm *= 1.0 - momentum
            rm += momentum * mean.astype(rm.dtype, copy=False)
            running_mean._bump_version()
        if running_var is not None:
            rv = running_var._data
            rv *= 1.0 - momentum
            rv += momentum * (var * (count / (count - 1))).astype(rv.dtype, copy=False)
            running_var._bump_version()
        return np.zeros(0, mean.dtype)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float | None = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, channel) of (N, C, *) over its spatial dims. With
    use_input_stats the running statistics (if given) are updated from the batch;
    otherwise they are used for normalizing.

    Args:
        input: a real tensor or array. Shaped (N, C, *spatial).
        running_mean: optional (C,) tensor, updated in place or used.
        running_var: optional (C,) tensor, updated in place (unbiased) or used.
        weight: optional per-channel scale, shape (C,).
        bias: optional per-channel shift, shape (C,).
        use_input_stats: normalize with each instance's statistics (default True);
            False uses the running ones.
        momentum: the weight of the new statistics in the running ones, in [0, 1]
            (default 0.1).
        eps: added to the variance, >= 0 (default 1e-5).

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or an argument has the wrong type.
        ValueError: fewer than 3 dims, a single spatial element with use_input_stats,
            running statistics of the wrong shape (or missing without use_input_stats),
            momentum outside [0, 1], eps < 0, or weight or bias of another shape.

    >>> import tapegrad as tg
    >>> rm, rv = tg.zeros(2), tg.ones(2)
    >>> tg.nn.functional.instance_norm(tg.tensor([[[1.0, 3.0], [2.0, 2.0]]]), rm, rv)
    tensor([[[-1.0000,  1.0000],
             [ 0.0000,  0.0000]]])
    >>> rm, rv
    (tensor([0.2000, 0.2000]), tensor([1.1000, 0.9000]))
    """
    x = _real(input, "instance_norm")
    shape = _raw(x).shape
    if len(shape) < 3:
        raise ValueError(f"instance_norm: expected (N, C, *spatial) input, got shape {shape}")
    use_input_stats = _check.flag(use_input_stats, "instance_norm", "use_input_stats")
    momentum = _check.real(momentum, "instance_norm", "momentum", low=0.0, high=1.0)
    eps = _check.real(eps, "instance_norm", "eps", low=0.0)
    c, nd = shape[1], len(shape)
    for arg, v in (("running_mean", running_mean), ("running_var", running_var)):
        if v is not None and (not isinstance(v, Tensor) or v._data.shape != (c,)):
            raise ValueError(f"instance_norm: {arg} must be a tensor of shape ({c},), got "
                             f"{_check._got(v)}")
    axes = tuple(range(2, nd))
    if use_input_stats:
        count = int(np.prod(shape[2:]))
        if count <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element per "
                             f"channel, got input of shape {shape}")
        mean = ops.mean(x, axis=axes, keepdims=True)
        centered = x - mean
        var = ops.mean(centered * centered, axis=axes, keepdims=True)
        if running_mean is not None or running_var is not None:
            m = _raw(mean).reshape(shape[0], c).mean(0)
            v = _raw(var).reshape(shape[0], c).mean(0)
            apply(InstanceRunningStats, m, v, stats=(running_mean, running_var),
                  momentum=momentum, count=count)
        out = centered / ops.sqrt(var + eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: running_mean and running_var are needed when "
                             "use_input_stats=False")
        bshape = (1, c) + (1,) * (nd - 2)
        out = (x - ops.reshape(running_mean, bshape)) / ops.sqrt(
            ops.reshape(running_var, bshape) + eps)
    return _channel_affine(out, weight, bias, c, nd, "instance_norm")


def rms_norm(input: Tensor, normalized_shape: ShapeLike, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2 over the trailing normalized_shape dims) + eps) * weight; eps
    None is the dtype's machine epsilon (as PyTorch).

    Args:
        input: a real tensor or array.
        normalized_shape: the trailing shape normalized over, an int or a tuple of ints.
        weight: optional scale of shape normalized_shape.
        eps: added to the mean square, >= 0 (default None: the dtype's machine epsilon).

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or normalized_shape is not an int or a
            tuple of ints.
        ValueError: input's shape does not end with normalized_shape, eps < 0, or a
            weight of another shape.

    >>> tg.nn.functional.rms_norm(tg.tensor([3.0, 4.0]), (2,))
    tensor([0.8485, 1.1314])
    """
    x = _real(input, "rms_norm")
    if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape,
                                                                            bool):
        normalized_shape = (int(normalized_shape),)
    try:
        normalized_shape = tuple(int(s) for s in normalized_shape)
    except (TypeError, ValueError):
        raise TypeError(f"rms_norm: normalized_shape must be an int or a tuple of ints, got "
                        f"{_check._got(normalized_shape)}") from None
    shape = _raw(x).shape
    k = len(normalized_shape)
    if k == 0 or len(shape) < k or tuple(shape[len(shape) - k:]) != normalized_shape:
        raise ValueError(f"rms_norm: input of shape {shape} does not end with "
                         f"normalized_shape {normalized_shape}")
    dt = _raw(x).dtype if _raw(x).dtype.kind == "f" else default_float()
    eps = float(np.finfo(dt).eps) if eps is None else _check.real(eps, "rms_norm", "eps",
                                                                  low=0.0)
    axes = tuple(range(len(shape) - k, len(shape)))
    out = x / ops.sqrt(ops.mean(x * x, axis=axes, keepdims=True) + eps)
    if weight is not None:
        if _raw(weight).shape != normalized_shape:
            raise ValueError(f"rms_norm: weight must have shape {normalized_shape}, got "
                             f"{_raw(weight).shape}")
        out = out * weight
    return out


# ------------------------------------------------------------------ channel dropout

class ChannelDropoutMask(Op):
    """dropout2d's mask for x of (N, C, H, W) or (C, H, W): one draw per channel, 0 with
    probability p, else 1 / (1 - p), shaped to broadcast over H, W. Gradient-free, so
    each tg.function replay draws anew."""

    differentiable = False
    bw_name = "ChannelDropoutMaskBackward"

    @staticmethod
    def forward(x, *, p):
        dtype = x.dtype if x.dtype.kind == "f" else default_float()
        keep = _random.generator().random(x.shape[:-2], dtype=np.float64) >= p
        return (keep.astype(dtype) * dtype.type(1.0 / (1.0 - p)))[..., None, None]


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) with probability p and scale the
    rest by 1 / (1 - p); the global generator draws, so tg.manual_seed repeats it.

    Args:
        input: a real tensor or array. Shaped (N, C, H, W) or (C, H, W).
        p: the probability of zeroing a channel, in [0, 1] (default 0.5).
        training: apply dropout (default True); False returns input.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, p is not a real number, or a flag is not
            a bool.
        ValueError: p outside [0, 1], or an input that is not 3-D or 4-D.

    >>> import tapegrad as tg
    >>> _ = tg.manual_seed(0)
    >>> y = tg.nn.functional.dropout2d(tg.ones(1, 4, 2, 2), p=0.5)
    >>> sorted(set(y.flatten().tolist())) in ([0.0], [2.0], [0.0, 2.0])
    True
    """
    p = _check.real(p, "dropout2d", "p", low=0.0, high=1.0)
    training = _check.flag(training, "dropout2d", "training")
    _inplace(inplace, "dropout2d")
    x = _real(input, "dropout2d")
    if _raw(x).ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, "
                         f"got shape {_raw(x).shape}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * np.zeros((), dtype=np.result_type(_raw(x).dtype, default_float()))
    return x * apply(ChannelDropoutMask, x, p=p)
