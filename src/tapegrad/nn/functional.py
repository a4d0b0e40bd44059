"""Stateless neural-network functions (PyTorch's torch.nn.functional), built on tapegrad ops.

Every function is a composition of recorded ops, so gradients of any order, forward mode
and the tape all work through it without extra rules.
"""
from __future__ import annotations

import numpy as np

from .. import _random, ops
from .._dtypes import default_float
from .._state import no_grad as _no_grad
from .._tensor import Tensor, make
from ..ops._apply import apply
from ..ops._op import Op
from .. import _check
from ..ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                        conv_transpose2d, fold, unfold)
from ..ops.pool import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: F401
                        adaptive_max_pool2d, avg_pool1d, avg_pool2d, interpolate, max_pool1d,
                        max_pool2d, pad)
# the argument checks are shared with _functional_losses.py; nn's layers read some of
# them here (F._check_p, F._numeric, ...)
from ._functional_base import (_affine, _check_approximate, _check_ignore_index,  # noqa: F401
                               _check_normalized_shape, _check_p, _check_reduction,
                               _check_softplus, _numeric, _raw)
from ._functional_losses import (binary_cross_entropy, binary_cross_entropy_with_logits,
                                 cross_entropy, l1_loss, mse_loss, nll_loss)
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._typing import ShapeLike


# ------------------------------------------------------------------ activations

def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0).

    Args:
        input: the input tensor.
        inplace: accepted for ported code; the result is a new tensor.

    Returns:
        A tensor of input's shape.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.relu(tg.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    if inplace is not False and inplace is not True:
        _check.flag(inplace, "relu", "inplace")
    return ops.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """max(x, 0) + negative_slope * min(x, 0), as torch.nn.functional.leaky_relu.

    Args:
        input: the input tensor.
        negative_slope: the slope for negative inputs.
        inplace: accepted for ported code; the result is a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: negative_slope is not a real number.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.leaky_relu(tg.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    if inplace is not False and inplace is not True:
        _check.flag(inplace, "leaky_relu", "inplace")
    if negative_slope.__class__ is not float:
        negative_slope = _check.real(negative_slope, "leaky_relu", "negative_slope")
    return ops.leaky_relu(input, negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF, as torch.nn.functional.gelu.

    Args:
        input: the input tensor.
        approximate: "none" for x * Phi(x) exactly, "tanh" for the tanh approximation.

    Returns:
        A tensor of input's shape.

    Raises:
        ValueError: approximate is neither "none" nor "tanh".

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.gelu(tg.tensor([-1.0, 1.0]), approximate="tanh")
    tensor([-0.1588,  0.8412])
    """
    if approximate != "none" and approximate != "tanh":
        _check_approximate(approximate, "gelu")
    return ops.gelu(input, approximate=approximate)


def tanh(input: Tensor) -> Tensor:
    """tanh(x) elementwise (the same as tg.tanh).

    Args:
        input: the input tensor.

    Returns:
        tanh(input).

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.tanh(tg.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """
    return ops.tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    """The logistic function elementwise (the same as tg.sigmoid).

    Args:
        input: the input tensor.

    Returns:
        1 / (1 + exp(-input)).

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.sigmoid(tg.tensor([0.0, 2.0]))
    tensor([0.5000, 0.8808])
    """
    return ops.sigmoid(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, as torch.nn.functional.softplus.

    Args:
        input: the input tensor.
        beta: the sharpness, nonzero.
        threshold: where beta * x > threshold, the result is x.

    Returns:
        A tensor of input's shape.

    Raises:
        ValueError: beta is 0.
        TypeError: beta or threshold is not a real number.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.softplus(tg.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """
    if beta.__class__ is not float or beta == 0.0 or threshold.__class__ is not float:
        beta, threshold = _check_softplus(beta, threshold, "softplus")
    return ops.softplus(input, beta, threshold)


def softmax(input: Tensor, dim: int = -1, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """Softmax along `dim` (default last), stable for large inputs.

    Args:
        input: the input tensor.
        dim: the dimension that sums to one.
        _stacklevel: PyTorch's positional slot before dtype; unused.
        dtype: cast the input to this dtype first.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: dim is not an int.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.softmax(tg.tensor([0.0, 1.0]), dim=0)
    tensor([0.2689, 0.7311])
    """
    if dim.__class__ is not int:
        _check.dim(dim, "softmax", "dim")
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int = -1, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """log(softmax(x)) along `dim`, computed as x - logsumexp(x).

    Args:
        input: the input tensor.
        dim: the dimension to normalize over.
        _stacklevel: PyTorch's positional slot before dtype; unused.
        dtype: cast the input to this dtype first.

    Returns:
        A tensor of input's shape.

    Raises:
        TypeError: dim is not an int.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.log_softmax(tg.tensor([0.0, 0.0]), dim=0)
    tensor([-0.6931, -0.6931])
    """
    if dim.__class__ is not int:
        _check.dim(dim, "log_softmax", "dim")
    return ops.log_softmax(input, dim, dtype=dtype)


# ------------------------------------------------------------------ layers

def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, with `weight` of shape (out_features, in_features).

    Args:
        input: (..., in_features).
        weight: (out_features, in_features).
        bias: (out_features,), or None.

    Returns:
        (..., out_features).

    Raises:
        ValueError: the shapes do not match.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.linear(tg.ones((2, 3)), tg.ones((4, 3)), tg.zeros(4)).shape
    (2, 4)
    """
    for arg, v in (("input", input), ("weight", weight), ("bias", bias)):
        raw = _raw(v)
        if v is not None and (not isinstance(raw, np.ndarray) or raw.dtype.kind not in "biuf"):
            _numeric(v, "linear", arg)
    w_shape = np.shape(_raw(weight))
    x_shape = np.shape(_raw(input))
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(f"linear: input of shape {x_shape} does not match weight of shape "
                         f"{w_shape} (expected input[..., {w_shape[-1] if w_shape else '?'}])")
    if bias is not None:
        b_shape = bias._data.shape if isinstance(bias, Tensor) else np.shape(bias)
        # (1,) and () broadcast over the outputs, as in PyTorch; (n, out) would also
        # broadcast over the batch and silently change the result's shape
        if b_shape != (w_shape[0],) and b_shape != (1,) and b_shape != ():
            raise ValueError(f"linear: bias of shape {b_shape} does not match weight of "
                             f"shape {w_shape} (expected ({w_shape[0]},))")
    out = ops.matmul(input, ops.transpose(weight))
    if bias is not None:
        out = out + bias
    return out


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1/(1-p) (inverted
    dropout), using the global generator so `tg.manual_seed` makes it repeat.

    Args:
        input: the input tensor.
        p: the probability of zeroing an element, in [0, 1].
        training: apply dropout (False: return input unchanged).
        inplace: accepted for ported code; the result is a new tensor.

    Returns:
        A tensor of input's shape.

    Raises:
        ValueError: p is outside [0, 1].

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.dropout(tg.ones(3), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    if p.__class__ is not float or not 0.0 <= p <= 1.0:
        p = _check_p(p, "dropout")
    if training is not True and training is not False:
        training = _check.flag(training, "dropout", "training")
    if inplace is not False and inplace is not True:
        _check.flag(inplace, "dropout", "inplace")
    x = _raw(input)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        x = _numeric(input, "dropout")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * np.zeros(x.shape, dtype=x.dtype)     # integers stay integers
    return input * ops.apply(_DropoutMask, input, p=p)


class _DropoutMask(Op):
    """Inverted dropout's mask for x: 0 with probability p, else 1 / (1 - p), drawn from
    the global generator. A gradient-free op, so that each tg.function replay draws a
    new mask instead of repeating the one drawn while tracing."""

    differentiable = False
    bw_name = "DropoutMaskBackward"

    @staticmethod
    def forward(x, *, p):
        dtype = x.dtype if x.dtype.kind == "f" else default_float()
        keep = _random.generator().random(x.shape, dtype=np.float64) >= p
        return keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))


def layer_norm(input: Tensor, normalized_shape: ShapeLike, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the trailing `normalized_shape` dims (biased variance), then apply
    the elementwise affine `weight`, `bias` if given.

    Args:
        input: the input tensor.
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        weight: a scale of normalized_shape, or None.
        bias: a shift of normalized_shape, or None.
        eps: added to the variance for stability.

    Returns:
        A tensor of input's shape.

    Raises:
        ValueError: normalized_shape does not match input's trailing shape.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.layer_norm(tg.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    x = _raw(input)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        _numeric(input, "layer_norm")
    if normalized_shape.__class__ is not tuple:
        normalized_shape = _check_normalized_shape(normalized_shape, "layer_norm")
    if eps.__class__ is not float or not eps >= 0.0:
        eps = _check.real(eps, "layer_norm", "eps", low=0.0)
    shape = np.shape(_raw(input))
    k = len(normalized_shape)
    if k == 0 or tuple(shape[len(shape) - k:]) != normalized_shape or len(shape) < k:
        raise ValueError(f"layer_norm: input of shape {tuple(shape)} does not end with "
                         f"normalized_shape {normalized_shape}")
    axes = tuple(range(len(shape) - k, len(shape)))
    mean = ops.mean(input, axis=axes, keepdims=True)
    centered = input - mean
    var = ops.mean(centered * centered, axis=axes, keepdims=True)
    out = centered / ops.sqrt(var + eps)
    if weight is not None:
        out = out * _affine(weight, "layer_norm", "weight", normalized_shape)
    if bias is not None:
        out = out + _affine(bias, "layer_norm", "bias", normalized_shape)
    return out


class RunningStats(Op):
    """batch_norm's in-place update of the running statistics, as an op with an
    effect: tg.function cannot replay it (see function/trace.py), so a traced call
    that trains a batch norm runs eagerly. Inputs: the batch mean and (biased)
    variance; params: the tensors updated (`stats`: running mean, running var, batch
    counter, each may be None), `momentum` (None: a cumulative average over the counted
    batches) and `count`, the values per channel.

    >>> import tapegrad as tg
    >>> rm, rv = tg.zeros(2), tg.ones(2)
    >>> x = tg.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> _ = tg.nn.functional.batch_norm(x, rm, rv, training=True)  # applies RunningStats
    >>> rm
    tensor([0.2000, 0.4000])
    >>> tg.nn.functional.RunningStats.effect
    "batch_norm's in-place update of the running statistics"
    """

    args = ("mean", "var")
    differentiable = False
    bw_name = "RunningStatsBackward"
    effect = "batch_norm's in-place update of the running statistics"

    @staticmethod
    def forward(mean, var, *, stats, momentum, count):
        running_mean, running_var, tracked = stats
        if tracked is not None:
            tracked._data += 1
            tracked._bump_version()
            if momentum is None:
                momentum = 1.0 / int(tracked._data)
        if running_mean is not None:
            rm = running_mean._data
            rm *= 1.0 - momentum
            rm += momentum * mean.reshape(-1).astype(rm.dtype, copy=False)
            running_mean._bump_version()
        if running_var is not None:
            rv = running_var._data
            rv *= 1.0 - momentum
            unbiased = var.reshape(-1) * (count / (count - 1))
            rv += momentum * unbiased.astype(rv.dtype, copy=False)
            running_var._bump_version()
        return np.zeros(0, mean.dtype)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (axis 1) of an (N, C, *) input.

    In training, batch statistics are used and `running_mean`/`running_var` (tensors or
    None) are updated in place: new = (1 - momentum) * old + momentum * batch, with the
    unbiased batch variance, as in PyTorch. Otherwise the running statistics are used.

    Args:
        input: the (N, C, *) input.
        running_mean: the (C,) running mean, or None (then batch statistics only).
        running_var: the (C,) running variance, or None.
        weight: a (C,) scale, or None.
        bias: a (C,) shift, or None.
        training: use the batch's statistics (and update the running ones).
        momentum: the weight of the batch in the running update, in [0, 1].
        eps: added to the variance before the square root.

    Returns:
        The normalized tensor, of input's shape.

    Raises:
        ValueError: momentum outside [0, 1], or no running statistics when not
            training.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> rm, rv = tg.zeros(2), tg.ones(2)
    >>> x = tg.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> F.batch_norm(x, rm, rv, training=True)
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]])
    >>> rm, rv                  # 0.9 * old + 0.1 * batch (unbiased variance)
    (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """
    if momentum.__class__ is not float or not 0.0 <= momentum <= 1.0:
        momentum = _check.real(momentum, "batch_norm", "momentum", low=0.0, high=1.0)
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                       eps)


def _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps,
                tracked=None):
    """batch_norm; with `tracked` (BatchNorm1d's batch counter) the update also counts
    the batch, and momentum None means a cumulative average."""
    if training is not True and training is not False:
        training = _check.flag(training, "batch_norm", "training")
    if eps.__class__ is not float or not eps >= 0.0:
        eps = _check.real(eps, "batch_norm", "eps", low=0.0)
    x = _raw(input)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        x = _numeric(input, "batch_norm")
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an (N, C, *) input, got shape {x.shape}")
    for arg, v in (("running_mean", running_mean), ("running_var", running_var),
                   ("weight", weight), ("bias", bias)):
        if v is not None:
            _affine(v, "batch_norm", arg, (x.shape[1],))
            if training and arg.startswith("running") and not isinstance(v, Tensor):
                raise TypeError(f"batch_norm: {arg} must be a tensor when training (it is "
                                f"updated in place), got {_check._got(v)}")
    axes = (0,) + tuple(range(2, x.ndim))
    bshape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {x.shape}")
        mean = ops.mean(input, axis=axes, keepdims=True)
        centered = input - mean
        var = ops.mean(centered * centered, axis=axes, keepdims=True)
        if running_mean is not None or running_var is not None or tracked is not None:
            apply(RunningStats, _raw(mean), _raw(var), momentum=momentum, count=count,
                  stats=(running_mean, running_var, tracked))
        out = centered / ops.sqrt(var + eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when "
                             "training=False")
        # tensor ops on the statistics (not NumPy on their arrays), so that tg.function
        # traces inference and each replay reads the statistics' current values
        rm = ops.reshape(running_mean, bshape)
        rv = ops.reshape(running_var, bshape)
        out = (input - rm) / ops.sqrt(rv + eps)
    if weight is not None:
        out = out * ops.reshape(weight, bshape)
    if bias is not None:
        out = out + ops.reshape(bias, bshape)
    return out


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` picked by the integer `input`; the `padding_idx` row (if any)
    gets no gradient, as in PyTorch.

    Args:
        input: integer indices, any shape.
        weight: the table, (num_embeddings, embedding_dim).
        padding_idx: a row that gets no gradient (None: none).
        max_norm: if given, the looked-up rows of `weight` whose norm exceeds it are
            scaled down to it, in place and without gradient (as PyTorch does).
        norm_type: the p of the p-norm max_norm uses.
        scale_grad_by_freq: divide each row's gradient by how often its index occurs
            in `input`.
        sparse: accepted for PyTorch's signature; the gradient is dense (the same values).

    Returns:
        input.shape + (embedding_dim,).

    Raises:
        IndexError: an index is out of range.
        TypeError: input is not an integer tensor.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.embedding(tg.tensor([2, 0]), tg.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    tensor([[2., 2.],
            [0., 0.]])
    """
    if padding_idx is not None and padding_idx.__class__ is not int:
        padding_idx = _check.integer(padding_idx, "embedding", "padding_idx")
    idx = _raw(input)
    w = _raw(weight)
    if not isinstance(w, np.ndarray) or w.ndim != 2 or w.dtype.kind not in "biuf":
        raise TypeError(f"embedding: weight must be a real 2-D tensor (num_embeddings, "
                        f"embedding_dim), got {_check._got(weight)}")
    n = w.shape[0]
    if padding_idx is not None and not -n <= padding_idx < n:
        raise ValueError(f"embedding: padding_idx must be within the {n} embeddings, got "
                         f"{padding_idx}")
    if not isinstance(idx, np.ndarray):
        raise TypeError(f"embedding: indices must be integers (a tensor of them), got "
                        f"{_check._got(input)}")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"embedding: index {int(bad)} is out of range for "
                         f"{n} embeddings (valid: 0 to {n - 1})")
    if max_norm is not None:
        _renorm_rows(weight, idx, _check.real(max_norm, "embedding", "max_norm", low=0.0),
                     _check.real(norm_type, "embedding", "norm_type"))
    out = weight[idx]
    _check.flag(sparse, "embedding", "sparse")
    if _check.flag(scale_grad_by_freq, "embedding", "scale_grad_by_freq") and idx.size:
        # the value is out's; the gradient reaching each row is divided by its count
        _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        s = (1.0 / counts[inverse.reshape(idx.shape)])[..., None].astype(w.dtype)
        out = out * s + out.detach() * (1 - s)
    if padding_idx is not None:
        pad = idx == padding_idx
        if pad.any():
            frozen = make(_raw(weight)[idx])
            out = ops.where(pad[..., None], frozen, out)
    return out


def _renorm_rows(weight, idx, max_norm, p):
    """torch's embedding_renorm_: the rows of `weight` named in idx whose p-norm is above
    max_norm, scaled to max_norm / (norm + 1e-7), in place (a version bump)."""
    rows = np.unique(idx)
    w = _raw(weight)[rows]
    norms = np.linalg.norm(w.astype(np.float64), ord=p, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)[:, None]
        with _no_grad():
            weight[rows[big]] = make(w[big] * scale)


# issue 18 losses (in their own file)
from ._losses_more import (cosine_embedding_loss, gaussian_nll_loss,  # noqa: F401,E402
                           hinge_embedding_loss, huber_loss, kl_div, margin_ranking_loss,
                           multilabel_soft_margin_loss, poisson_nll_loss, smooth_l1_loss,
                           soft_margin_loss, triplet_margin_loss)

# issue 18 activations, normalisations and small functions (in their own file)
from ._functional_act import (cdist, celu, cosine_similarity, dropout2d, elu,  # noqa: F401,E402
                              embedding_bag, glu, group_norm, hardsigmoid, hardswish, hardtanh,
                              instance_norm, logsigmoid, mish, normalize, one_hot,
                              pairwise_distance, prelu, relu6, rms_norm, selu, silu,
                              softsign, tanhshrink)

# ------------------------------------------------------------------ attention (h-attn)
# Here rather than in nn/attention.py: that module builds on this one (linear, dropout),
# so defining the function there and re-exporting it here would be an import cycle.

def _attention_mask(mask, fn, arg, dtype):
    """mask as an array: bool kept, numbers cast to the scores' dtype, else TypeError."""
    data = _raw(mask)
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {arg} must be a bool or float tensor, got "
                        f"{_check._got(mask)}")
    if data.dtype.kind in "iu":
        raise TypeError(f"{fn}: {arg} must be a bool or float tensor, got dtype {data.dtype}")
    if data.dtype.kind == "f" and isinstance(mask, Tensor):
        return mask
    return data if data.dtype == bool else data.astype(dtype)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value over the last two dims.

    A bool `attn_mask` marks with True the keys that take part (False gives -inf); a float
    mask is added to the scores. `is_causal` masks the upper triangle. A row whose keys
    are all masked gives zeros (and zero gradients), not NaN. `dropout_p` is always
    applied (as PyTorch; pass 0.0 in evaluation). `enable_gqa` repeats the key/value heads
    (dim -3) to match the query's.

    Args:
        query: (..., L, E) queries.
        key: (..., S, E) keys.
        value: (..., S, Ev) values.
        attn_mask: None, a bool mask (True: the key takes part) or a float mask added to
            the scores, broadcasting to (..., L, S).
        dropout_p: the probability of zeroing an attention weight.
        is_causal: mask the keys after each query's position (attn_mask must be None).
        scale: the factor of the scores (None: 1 / sqrt(E)).
        enable_gqa: grouped-query attention: query heads a multiple of key/value heads.

    Returns:
        The (..., L, Ev) attention output.

    Raises:
        TypeError: a non-real input, or a mask that is neither bool nor float.
        ValueError: shapes that do not match, a mask that does not broadcast, or
            attn_mask given with is_causal.

    >>> import tapegrad as tg
    >>> q = tg.ones(1, 2, 3, 4)
    >>> tg.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    (1, 2, 3, 4)
    """
    fn = "scaled_dot_product_attention"
    q, k, v = (_numeric(t, fn, a) for t, a in ((query, "query"), (key, "key"),
                                               (value, "value")))
    for a, x in (("query", q), ("key", k), ("value", v)):
        if x.ndim < 2:
            raise ValueError(f"{fn}: {a} must have at least 2 dims (..., length, features), "
                             f"got shape {x.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{fn}: query's last dim {q.shape[-1]} does not match key's "
                         f"{k.shape[-1]} (shapes {q.shape} and {k.shape})")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{fn}: key and value must have the same length (dim -2), got "
                         f"shapes {k.shape} and {v.shape}")
    p = _check_p(dropout_p, fn)
    is_causal = _check.flag(is_causal, fn, "is_causal")
    enable_gqa = _check.flag(enable_gqa, fn, "enable_gqa")
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[-1]) if q.shape[-1] else 1.0
    else:
        scale = _check.real(scale, fn, "scale")
    if enable_gqa and q.ndim >= 3 and k.ndim >= 3 and q.shape[-3] != k.shape[-3]:
        hq, hk = q.shape[-3], k.shape[-3]
        if hk == 0 or hq % hk or hk != v.shape[-3]:
            raise ValueError(f"{fn}: with enable_gqa, query's heads ({hq}) must be a "
                             f"multiple of key's and value's ({hk}, {v.shape[-3]})")
        key = ops.repeat_interleave(key, hq // hk, dim=-3)
        value = ops.repeat_interleave(value, hq // hk, dim=-3)
    dtype = np.result_type(q.dtype, k.dtype, default_float())
    scores = ops.matmul(query, ops.swapaxes(key, -2, -1)) * scale
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{fn}: attn_mask must be None when is_causal=True (the causal "
                             "mask is built from the lengths)")
        attn_mask = np.tril(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))
    if attn_mask is not None:
        mask = _attention_mask(attn_mask, fn, "attn_mask", dtype)
        try:
            np.broadcast_shapes(np.shape(_raw(mask)), scores.shape)
        except ValueError:
            raise ValueError(f"{fn}: attn_mask of shape {np.shape(_raw(mask))} does not "
                             f"broadcast to the scores' shape {scores.shape}") from None
        if isinstance(mask, np.ndarray) and mask.dtype == bool:
            scores = ops.where(mask, scores, -np.inf)
        else:
            scores = scores + mask
    attn = ops.softmax(scores, -1)
    if p > 0.0:
        attn = dropout(attn, p, True)
    return ops.matmul(attn, value)

# the names `from tapegrad.nn.functional import *` gives (tests/test_all.py)
__all__ = ["relu", "leaky_relu", "gelu", "tanh", "sigmoid", "softplus", "softmax", "log_softmax",
           "linear", "dropout", "layer_norm", "RunningStats", "batch_norm", "embedding",
           "mse_loss", "l1_loss", "binary_cross_entropy_with_logits", "binary_cross_entropy",
           "cross_entropy", "nll_loss", "scaled_dot_product_attention"]
# issue 18 (tutorial ports)
from .more_layers import bilinear, pixel_shuffle, pixel_unshuffle, softmin  # noqa: F401,E402
__all__ += ["bilinear", "pixel_shuffle", "pixel_unshuffle", "softmin"]
