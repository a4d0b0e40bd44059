"""torch.nn.functional's further activations (silu ... glu), normalisations (group_norm,
instance_norm, rms_norm) and small functions (one_hot, normalize, cosine_similarity,
pairwise_distance, cdist), composed of recorded ops, so every order of derivative comes
from the ops' own rules. `inplace=True` is accepted and computes out of place."""
from __future__ import annotations

import numpy as np

from .. import _check, _random, ops
from .._tensor import Tensor, make
from ..ops import activations2 as _A
from ..ops._apply import apply
from ..ops._op import Op
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, ShapeLike


def _raw(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _real(input, fn, arg="input"):
    """input as a Tensor of real values, or a TypeError naming fn and arg."""
    if not isinstance(input, Tensor):
        try:
            input = make(np.asarray(input))
        except (TypeError, ValueError):
            raise TypeError(f"{fn}: {arg} must be a real tensor, got {_check._got(input)}") \
                from None
    if input._data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {arg} must be a real tensor, got {_check._got(input)}")
    return input


def _inplace(inplace, fn):
    if inplace is not False and inplace is not True:
        _check.flag(inplace, fn, "inplace")


def _unary(op, input, inplace, fn):
    _inplace(inplace, fn)
    return op(_real(input, fn))


# ------------------------------------------------------------------ activations

def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x).

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> tg.nn.functional.silu(tg.tensor([0.0, 2.0]))
    tensor([0.0000, 1.7616])
    """
    return _unary(_A.silu, input, inplace, "silu")


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with SELU's fixed constants.

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.functional.selu(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.5202,  0.0000,  2.1014])
    """
    return _unary(_A.selu, input, inplace, "selu")


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x)).

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.functional.mish(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2525,  0.0000,  1.9440])
    """
    return _unary(_A.mish, input, inplace, "mish")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6).

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.functional.relu6(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    return _unary(_A.relu6, input, inplace, "relu6")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6.

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.functional.hardswish(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.3333,  0.0000,  1.6667])
    """
    return _unary(_A.hardswish, input, inplace, "hardswish")


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6.

    Args:
        input: a real tensor or array.
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, or inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.functional.hardsigmoid(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([0.1667, 0.5000, 0.8333])
    """
    return _unary(_A.hardsigmoid, input, inplace, "hardsigmoid")


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable.

    Args:
        input: a real tensor or array.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor.

    >>> import tapegrad as tg
    >>> tg.nn.functional.logsigmoid(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-2.1269, -0.6931, -0.1269])
    """
    return _A.logsigmoid(_real(input, "logsigmoid"))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|).

    Args:
        input: a real tensor or array.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor.

    >>> import tapegrad as tg
    >>> tg.nn.functional.softsign(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.6667,  0.0000,  0.6667])
    """
    return _A.softsign(_real(input, "softsign"))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x).

    Args:
        input: a real tensor or array.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor.

    >>> import tapegrad as tg
    >>> tg.nn.functional.tanhshrink(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.0360,  0.0000,  1.0360])
    """
    return _A.tanhshrink(_real(input, "tanhshrink"))


def _elu_like(x, alpha, inner_scale):
    """x above 0, alpha * expm1(x * inner_scale) at and below it (PyTorch's branch at 0);
    the expm1 sees only the non-positive part, so it cannot overflow."""
    pos = x > 0                 # a tensor comparison, so tg.function traces it
    return ops.where(pos, x, alpha * ops.expm1(ops.where(pos, 0.0, x) * inner_scale))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1).

    Args:
        input: a real tensor or array.
        alpha: the scale of the negative part (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, alpha is not a real number, or inplace
            is not a bool.
        ValueError: alpha is NaN or infinite.

    >>> tg.nn.functional.elu(tg.tensor([-1.0, 2.0]), alpha=2.0)
    tensor([-1.2642,  2.0000])
    """
    _inplace(inplace, "elu")
    alpha = _check.real(alpha, "elu", "alpha")
    return _elu_like(_real(input, "elu"), alpha, 1.0)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x / alpha) - 1); alpha must be nonzero.

    Args:
        input: a real tensor or array.
        alpha: the scale of the negative part, nonzero (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, alpha is not a real number, or inplace
            is not a bool.
        ValueError: alpha is 0, NaN or infinite.

    >>> import tapegrad as tg
    >>> tg.nn.functional.celu(tg.tensor([-1.0, 2.0]), alpha=2.0)
    tensor([-0.7869,  2.0000])
    """
    _inplace(inplace, "celu")
    alpha = _check.real(alpha, "celu", "alpha")
    if alpha == 0:
        raise ValueError("celu: alpha must be nonzero, got 0")
    return _elu_like(_real(input, "celu"), alpha, 1.0 / alpha)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside and 0 at and
    beyond both ends (PyTorch's rule, unlike clamp's).

    Args:
        input: a real tensor or array.
        min_val: the lower end (default -1).
        max_val: the upper end, >= min_val (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Returns:
        A tensor of input's shape (float32 for an integer input).

    Raises:
        TypeError: input is not a real tensor, a bound is not a real number, or inplace
            is not a bool.
        ValueError: min_val > max_val.

    >>> tg.nn.functional.hardtanh(tg.tensor([-3.0, 0.5, 3.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    _inplace(inplace, "hardtanh")
    min_val = _check.real(min_val, "hardtanh", "min_val")
    max_val = _check.real(max_val, "hardtanh", "max_val")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    x = _real(input, "hardtanh")
    if _raw(x).dtype.kind != "f":
        x = ops.cast(x, np.float32)
    inside = (x > min_val) & (x < max_val)
    # the clipped side detached: clamp's own gradient is 1 at the ends, PyTorch's is 0
    return ops.where(inside, x, ops.clamp(x.detach(), min_val, max_val))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), weight of shape (1,) or (C,) with C the size of
    input's dim 1; at x = 0 the slope is weight (as PyTorch).

    Args:
        input: a real tensor or array.
        weight: the slopes, one value or one per channel (dim 1 of input), 0-d or 1-d.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input or weight is not a real tensor.
        ValueError: weight has more than one dimension, or a count other than 1 or the
            number of channels.

    >>> tg.nn.functional.prelu(tg.tensor([-2.0, 3.0]), tg.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    x = _real(input, "prelu")
    w = _real(weight, "prelu", "weight")
    nd, wd = _raw(x).ndim, _raw(w).ndim
    if wd > 1:
        raise ValueError(f"prelu: weight must be 0-d or 1-d, got shape {_raw(w).shape}")
    n = _raw(w).size
    if n != 1:
        c = _raw(x).shape[1] if nd >= 2 else None
        if c != n:
            raise ValueError(f"prelu: weight has {n} values but input of shape "
                             f"{_raw(x).shape} has {c} channels (dim 1)")
        w = ops.reshape(w, (1, n) + (1,) * (nd - 2))
    elif wd == 1 and nd == 0:
        w = ops.reshape(w, ())
    pos = ops.relu(x)
    return pos + w * (x - pos)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), with a and b the two halves of input along `dim`.

    Args:
        input: a real tensor or array. Its size along dim must be even.
        dim: the axis split in two (default -1).

    Returns:
        A tensor of input's shape with dim halved.

    Raises:
        TypeError: input is not a real tensor, or dim is not an int.
        ValueError: a 0-d input, or an odd size along dim.
        IndexError: dim out of range.

    >>> tg.nn.functional.glu(tg.tensor([[1.0, 2.0, 0.0, 0.0]]))
    tensor([[0.5000, 1.0000]])
    """
    x = _real(input, "glu")
    nd = _raw(x).ndim
    if nd == 0:
        raise ValueError("glu: input must have at least one dimension, got a 0-d tensor")
    dim = _check.integer(dim, "glu", "dim")
    if not -nd <= dim < nd:
        raise IndexError(f"glu: dim {dim} is out of range for a {nd}-d input")
    n = _raw(x).shape[dim]
    if n % 2:
        raise ValueError(f"glu: halving dim {dim} needs an even size, got {n}")
    a, b = ops.split(x, n // 2, axis=dim)
    return a * ops.sigmoid(b)


# ------------------------------------------------------------------ small functions

def one_hot(tensor: ArrayLike, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding with a trailing axis of num_classes (max + 1 when -1).

    Args:
        tensor: integer class indices, >= 0, of any shape.
        num_classes: the number of classes (default -1: the largest index + 1).

    Returns:
        An int64 tensor of shape tensor.shape + (num_classes,).

    Raises:
        TypeError: tensor does not hold integers, or num_classes is not an int.
        ValueError: a negative index, an index >= num_classes, num_classes < -1, or
            num_classes=-1 with an empty tensor.

    >>> tg.nn.functional.one_hot(tg.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    t = _raw(tensor)
    if t.dtype.kind not in "iu":
        raise TypeError(f"one_hot: tensor must hold integer class indices, got dtype "
                        f"{t.dtype}")
    num_classes = _check.integer(num_classes, "one_hot", "num_classes", low=-1)
    if t.size and t.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {t.min()}")
    if num_classes == -1:
        if t.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor")
        num_classes = int(t.max()) + 1
    elif t.size and t.max() >= num_classes:
        raise ValueError(f"one_hot: class value {t.max()} is not below num_classes "
                         f"{num_classes}")
    out = (t[..., None] == np.arange(num_classes)).astype(np.int64)
    return make(out)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p along dim, eps).

    Args:
        input: a real tensor or array.
        p: the order of the norm (default 2).
        dim: the axis normalized over (default 1).
        eps: the floor of the norm, >= 0 (default 1e-12).
        out: must be None (not supported).

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: input is not a real tensor, an argument has the wrong type, or out
            is given.
        ValueError: eps < 0.

    >>> tg.nn.functional.normalize(tg.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported")
    x = _real(input, "normalize")
    eps = _check.real(eps, "normalize", "eps", low=0.0)
    dim = _check.integer(dim, "normalize", "dim")
    n = ops.norm(x, ord=p, axis=dim, keepdims=True)
    return x / ops.maximum(n, eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim, after
    broadcasting x1 with x2.

    Args:
        x1: a real tensor.
        x2: a real tensor broadcastable with x1.
        dim: the axis of the vectors (default 1).
        eps: the floor of each norm, >= 0 (default 1e-8).

    Returns:
        The broadcast shape of x1 and x2 without dim.

    Raises:
        TypeError: x1 or x2 is not a real tensor, or an argument has the wrong type.
        ValueError: x1 and x2 do not broadcast, or eps < 0.

    >>> tg.nn.functional.cosine_similarity(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    a, b = _real(x1, "cosine_similarity", "x1"), _real(x2, "cosine_similarity", "x2")
    eps = _check.real(eps, "cosine_similarity", "eps", low=0.0)
    dim = _check.integer(dim, "cosine_similarity", "dim")
    try:
        shape = np.broadcast_shapes(_raw(a).shape, _raw(b).shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: x1 of shape {_raw(a).shape} and x2 of shape "
                         f"{_raw(b).shape} do not broadcast") from None
    a, b = ops.broadcast_to(a, shape), ops.broadcast_to(b, shape)
    na = ops.maximum(ops.norm(a, axis=dim, keepdims=True), eps)
    nb = ops.maximum(ops.norm(b, axis=dim, keepdims=True), eps)
    return ops.sum((a / na) * (b / nb), axis=dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim.

    Args:
        x1: a real tensor (..., D).
        x2: a real tensor broadcastable with x1.
        p: the order of the norm (default 2).
        eps: added to the difference (default 1e-6).
        keepdim: keep the last axis with size 1 (default False).

    Returns:
        The distances, of the broadcast shape without (or with size-1) last axis.

    Raises:
        TypeError: x1 or x2 is not a real tensor, or an argument has the wrong type.

    >>> tg.nn.functional.pairwise_distance(tg.tensor([[3.0, 4.0]]), tg.zeros((1, 2)), eps=0.0)
    tensor([5.])
    """
    a = _real(x1, "pairwise_distance", "x1")
    b = _real(x2, "pairwise_distance", "x2")
    eps = _check.real(eps, "pairwise_distance", "eps")
    keepdim = _check.flag(keepdim, "pairwise_distance", "keepdim")
    return ops.norm(a - b + eps, ord=p, axis=-1, keepdims=keepdim)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: Any = None) -> Tensor:
    """p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M): (..., P, R).

    Args:
        x1: a real tensor (..., P, M).
        x2: a real tensor (..., R, M); the batch dims broadcast.
        p: the order of the norm, >= 0 (default 2).
        compute_mode: accepted for PyTorch's signature; ignored.

    Returns:
        The (..., P, R) distances.

    Raises:
        TypeError: x1 or x2 is not a real tensor, or p is not a real number.
        ValueError: an input of fewer than 2 dims, different M, or p < 0.

    >>> tg.nn.functional.cdist(tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0], [1.0, 0.0]]))
    tensor([[5., 1.]])
    """
    a, b = _real(x1, "cdist", "x1"), _real(x2, "cdist", "x2")
    sa, sb = _raw(a).shape, _raw(b).shape
    if len(sa) < 2 or len(sb) < 2 or sa[-1] != sb[-1]:
        raise ValueError(f"cdist: x1 (..., P, M) and x2 (..., R, M) need the same M, got "
                         f"shapes {sa} and {sb}")
    p = _check.real(p, "cdist", "p", low=0.0)
    diff = ops.unsqueeze(a, -2) - ops.unsqueeze(b, -3)
    return ops.norm(diff, ord=p, axis=-1)


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
    dt = _raw(x).dtype if _raw(x).dtype.kind == "f" else np.dtype(np.float32)
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
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
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
        return x * np.zeros((), dtype=np.result_type(_raw(x).dtype, np.float32))
    return x * apply(ChannelDropoutMask, x, p=p)


# ------------------------------------------------------------------ embedding_bag

def _bags(idx, offsets, include_last_offset, fn):
    """(flat indices, bag id of each, number of bags) from a 2-D input or a 1-D input
    with offsets, as PyTorch reads them."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{fn}: offsets must be None for a 2-D input (one bag a row)")
        b, n = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(b), n), b
    if idx.ndim != 1:
        raise ValueError(f"{fn}: input must be 1-D (with offsets) or 2-D, got shape "
                         f"{idx.shape}")
    if offsets is None:
        raise ValueError(f"{fn}: a 1-D input needs offsets (the start of each bag)")
    off = _raw(offsets)
    if off.ndim != 1 or off.dtype.kind not in "iu":
        raise TypeError(f"{fn}: offsets must be a 1-D integer tensor, got "
                        f"{_check._got(offsets)}")
    if include_last_offset:
        if off.size == 0 or off[-1] != idx.size:
            raise ValueError(f"{fn}: with include_last_offset the last offset must be the "
                             f"input's length {idx.size}, got {off[-1:].tolist()}")
        off = off[:-1]
    if off.size and (off[0] != 0 or np.any(np.diff(off) < 0) or off[-1] > idx.size):
        raise ValueError(f"{fn}: offsets must start at 0 and not decrease nor pass the "
                         f"input's length {idx.size}, got {off.tolist()}")
    bag = np.searchsorted(off, np.arange(idx.size), side="right") - 1
    return idx, bag, off.size


def embedding_bag(input: Tensor, weight: Tensor, offsets: Any = None, max_norm: float | None = None,
                  norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Any = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxima of bags of embedding rows without building the (bags, n,
    dim) tensor: bags are the rows of a 2-D input, or runs of a 1-D input starting at
    `offsets`. padding_idx entries are left out of their bag; an empty bag gives zeros;
    per_sample_weights (mode 'sum' only) scale each row.

    Args:
        input: integer indices: a 2-D tensor (one bag a row), or 1-D with offsets.
        weight: the (num_embeddings, embedding_dim) embedding matrix.
        offsets: for a 1-D input, the 1-D integer start of each bag.
        max_norm: must be None (not supported).
        norm_type: unused (with max_norm).
        scale_grad_by_freq: must be False (not supported).
        mode: 'mean' (default), 'sum' or 'max'.
        sparse: must be False (not supported).
        per_sample_weights: optional weights of input's shape (mode 'sum' only).
        include_last_offset: offsets ends with the input's length (default False).
        padding_idx: an index left out of its bag (default None).

    Returns:
        The (bags, embedding_dim) tensor of reduced rows.

    Raises:
        TypeError: input not integer, offsets not 1-D integer, or weight not real.
        ValueError: an unknown mode, a weight that is not 2-D, bad offsets, or
            per_sample_weights with another mode or shape.
        IndexError: an index out of range.
        NotImplementedError: max_norm, scale_grad_by_freq or sparse is given.

    >>> import tapegrad as tg
    >>> w = tg.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> tg.nn.functional.embedding_bag(tg.tensor([0, 1, 1, 2]), w, offsets=tg.tensor([0, 2]),
    ...                                mode="sum")
    tensor([[1., 1.],
            [2., 3.]])
    """
    fn = "embedding_bag"
    mode = _check.choice(mode, ("sum", "mean", "max"), fn, "mode")
    for arg, v in (("max_norm", max_norm), ("scale_grad_by_freq", scale_grad_by_freq or None),
                   ("sparse", sparse or None)):
        if v is not None:
            raise NotImplementedError(f"{fn}: {arg} is not supported, got {v!r}")
    w = _real(weight, fn, "weight")
    if _raw(w).ndim != 2:
        raise ValueError(f"{fn}: weight must be 2-D (num_embeddings, embedding_dim), got "
                         f"shape {_raw(w).shape}")
    n, dim = _raw(w).shape
    idx = _raw(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{fn}: input must hold integer indices, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(f"{fn}: index {int(idx.min() if idx.min() < 0 else idx.max())} is "
                         f"out of range for {n} embeddings")
    flat, bag, nbags = _bags(idx, offsets, _check.flag(include_last_offset, fn,
                                                        "include_last_offset"), fn)
    keep = np.ones(flat.shape, bool)
    if padding_idx is not None:
        padding_idx = _check.integer(padding_idx, fn, "padding_idx")
        keep = flat != (padding_idx % n if -n <= padding_idx < n else padding_idx)
    rows = w[flat[keep]]
    if per_sample_weights is not None:
        if mode != "sum":
            raise ValueError(f"{fn}: per_sample_weights needs mode='sum', got {mode!r}")
        psw = _real(per_sample_weights, fn, "per_sample_weights")
        if _raw(psw).shape != idx.shape:
            raise ValueError(f"{fn}: per_sample_weights must have the input's shape "
                             f"{idx.shape}, got {_raw(psw).shape}")
        rows = rows * ops.unsqueeze(ops.reshape(psw, (-1,))[np.flatnonzero(keep)], -1)
    bag = bag[keep]
    zeros = make(np.zeros((nbags, dim), dtype=np.result_type(rows.dtype, _raw(w).dtype)))
    if mode == "max":
        parts = [ops.amax(rows[np.flatnonzero(bag == b)], axis=0) if np.any(bag == b)
                 else zeros[b] for b in range(nbags)]
        return ops.stack(parts) if parts else zeros
    out = ops.index_add(zeros, 0, make(bag), rows)
    if mode == "mean":
        count = np.bincount(bag, minlength=nbags).astype(_raw(out).dtype)
        out = out / np.maximum(count, 1)[:, None]
    return out
