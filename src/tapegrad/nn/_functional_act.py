"""torch.nn.functional's further activations (silu ... glu), small functions (one_hot,
normalize, cosine_similarity, pairwise_distance, cdist) and embedding_bag, composed of
recorded ops (the normalisations are in _functional_norm.py), so every order of derivative comes
from the ops' own rules. `inplace=True` is accepted and computes out of place."""
from __future__ import annotations

import numpy as np

from .. import _check, ops
from .._dtypes import default_float
from .._tensor import Tensor, make
from ..ops import activations2 as _A
from ..ops._shapes import check_axis
from ._functional_base import _inplace, _raw, _real
# nn's layers (norm.py) and functional.py read the normalisations here too
from ._functional_norm import (ChannelDropoutMask, InstanceRunningStats,  # noqa: F401
                               dropout2d, group_norm, instance_norm, rms_norm)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike


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
    x = _real(input, "relu6")
    if _raw(x).dtype.kind in "iu":
        _inplace(inplace, "relu6")
        return ops.clip(x, 0, 6)        # an integer input stays integer, as in PyTorch
    return _unary(_A.relu6, x, inplace, "relu6")


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
        A tensor of input's shape (integer input stays integer, as in PyTorch).

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
    if _raw(x).dtype.kind in "iu":
        # an integer input stays integer, the bounds cast to it (PyTorch's clamp)
        return ops.clip(x, int(min_val), int(max_val))
    if _raw(x).dtype.kind != "f":
        x = ops.cast(x, default_float())
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
    # both in the dtype PyTorch promotes them to (an integer one takes the float one's)
    floats = [v.dtype for v in (_raw(a), _raw(b)) if v.dtype.kind == "f"]
    dt = np.result_type(*floats) if floats else default_float()
    a, b = (v if _raw(v).dtype == dt else ops.cast(v, dt) for v in (a, b))
    eps = _check.real(eps, "cosine_similarity", "eps", low=0.0)
    dim = _check.integer(dim, "cosine_similarity", "dim")
    try:
        shape = np.broadcast_shapes(_raw(a).shape, _raw(b).shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: x1 of shape {_raw(a).shape} and x2 of shape "
                         f"{_raw(b).shape} do not broadcast") from None
    dim = check_axis("cosine_similarity", dim, len(shape), "dim")    # not norm's name
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
