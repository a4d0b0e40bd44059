"""tf.math functions with TF's own semantics, built from tapegrad's ops (so they
differentiate, to any order, as those do): scans with exclusive/reverse, top_k, segment
reductions, and a few counting helpers. tg.math re-exports them (math.py)."""
from __future__ import annotations

import collections

import numpy as np

from . import ops
from ._check import _got
from ._factories import ones_like, zeros_like
from ._tensor import Tensor, make
from .autograd.engine import what
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from ._typing import ArrayLike, DTypeLike


def _t(x, fn, arg="x"):
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{fn}: {arg} must be a tensor, array or numbers, got {what(x)}")
    if arr.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)        # Python floats are float32 in TF
    return make(arr)


def _ints(x, fn, arg):
    arr = x._data if isinstance(x, Tensor) else np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{fn}: {arg} must be integers, got {_got(x)}")
    return arr.astype(np.int64)


def _axis(x, axis, fn):
    ax = int(axis._data) if isinstance(axis, Tensor) else axis
    if isinstance(ax, (bool, np.bool_)) or not isinstance(ax, (int, np.integer)):
        raise TypeError(f"{fn}: axis must be an int, got {what(axis)}")
    nd = x._data.ndim
    if not -nd <= ax < max(nd, 1):
        raise ValueError(f"{fn}: axis {ax} is out of range for a tensor of {nd} dimensions")
    return int(ax) % max(nd, 1)


def _scan(fn, name, start, x, axis, exclusive, reverse):
    """TF's scan options around an inclusive scan `fn(x, axis)`: reverse runs from the
    end; exclusive shifts by one, starting from `start` (the operation's identity)."""
    x = _t(x, name)
    if x._data.ndim == 0:
        raise ValueError(f"{name}: x must have at least one dimension, got a 0-d tensor")
    ax = _axis(x, axis, name)
    if reverse:
        x = ops.flip(x, ax)
    out = fn(x, ax)
    n = x._data.shape[ax]
    if exclusive and n > 0:
        head_shape = list(x._data.shape)
        head_shape[ax] = 1
        head = make(np.full(head_shape, start, dtype=out._data.dtype))
        out = ops.concat([head, ops.narrow(out, ax, 0, n - 1)], ax)
    return ops.flip(out, ax) if reverse else out


def cumsum(x: ArrayLike, axis: int = 0, exclusive: bool = False, reverse: bool = False,
           name: str | None = None) -> Tensor:
    """TF's tf.math.cumsum: running sums along `axis` (default 0).

    Args:
        x: a tensor of at least one dimension.
        axis: the axis to sum along.
        exclusive: each entry leaves itself out (the first is 0).
        reverse: sum from the end.
        name: ignored.

    Returns:
        A tensor of x's shape.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0, 3.0])
    >>> tg.math.cumsum(x), tg.math.cumsum(x, exclusive=True), tg.math.cumsum(x, reverse=True)
    (tensor([1., 3., 6.]), tensor([0., 1., 3.]), tensor([6., 5., 3.]))
    """
    return _scan(ops.cumsum, "cumsum", 0, x, axis, exclusive, reverse)


def cumprod(x: ArrayLike, axis: int = 0, exclusive: bool = False, reverse: bool = False,
            name: str | None = None) -> Tensor:
    """TF's tf.math.cumprod: running products along `axis` (default 0).

    Args:
        x: a tensor of at least one dimension.
        axis: the axis to multiply along.
        exclusive: each entry leaves itself out (the first is 1).
        reverse: multiply from the end.
        name: ignored.

    Returns:
        A tensor of x's shape.

    >>> import tapegrad as tg
    >>> tg.math.cumprod(tg.tensor([2.0, 3.0, 4.0]), exclusive=True)
    tensor([1., 2., 6.])
    """
    return _scan(ops.cumprod, "cumprod", 1, x, axis, exclusive, reverse)


def cumulative_logsumexp(x: ArrayLike, axis: int = 0, exclusive: bool = False,
                         reverse: bool = False, name: str | None = None) -> Tensor:
    """TF's tf.math.cumulative_logsumexp: log(cumsum(exp(x))) computed stably.

    Args:
        x: a floating tensor of at least one dimension.
        axis: the axis to scan.
        exclusive: each entry leaves itself out (the first is -inf).
        reverse: scan from the end.
        name: ignored.

    Returns:
        A tensor of x's shape.

    >>> import tapegrad as tg
    >>> tg.math.cumulative_logsumexp(tg.tensor([0.0, 0.0]))
    tensor([0.0000, 0.6931])
    """
    return _scan(ops.logcumsumexp, "cumulative_logsumexp", -np.inf, x, axis, exclusive,
                 reverse)


def reciprocal_no_nan(x: ArrayLike, name: str | None = None) -> Tensor:
    """1 / x, and 0 where x is 0 (TF's tf.math.reciprocal_no_nan).

    Args:
        x: a floating tensor.
        name: ignored.

    Returns:
        A tensor of x's shape; its gradient is 0 where x is 0.

    >>> import tapegrad as tg
    >>> tg.math.reciprocal_no_nan(tg.tensor([0.0, 4.0]))
    tensor([0.0000, 0.2500])
    """
    x = _t(x, "reciprocal_no_nan")
    zero = x == 0
    safe = ops.where(zero, ones_like(x), x)
    return ops.where(zero, zeros_like(x), 1 / safe)


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
TopKV2.__doc__ = """top_k's result: (values, indices), TF's TopKV2.

Args:
    values: the k largest entries along the last axis.
    indices: their positions (int32).

>>> import tapegrad as tg
>>> tg.math.top_k(tg.tensor([1.0, 3.0, 2.0]), k=2).indices
tensor([1, 2], dtype=int32)
"""


def top_k(input: ArrayLike, k: int = 1, sorted: bool = True, index_type: DTypeLike = np.int32,
          name: str | None = None) -> TopKV2:
    """TF's tf.math.top_k (also tf.nn.top_k): the k largest entries along the last axis,
    largest first; among equal values the lower index comes first.

    Args:
        input: a tensor of at least one dimension.
        k: how many to keep, at most the last dimension.
        sorted: accepted for TF; the result is always sorted.
        index_type: the dtype of the indices (int32, as TF).
        name: ignored.

    Returns:
        (values, indices): the values differentiate (the gradient goes to the picked
        entries).

    Raises:
        ValueError: k is negative or larger than the last dimension.

    >>> import tapegrad as tg
    >>> tg.math.top_k(tg.tensor([[1.0, 3.0, 2.0, 3.0]]), k=2)
    TopKV2(values=tensor([[3., 3.]]), indices=tensor([[1, 3]], dtype=int32))
    """
    x = _t(input, "top_k", "input")
    if x._data.ndim == 0:
        raise ValueError("top_k: input must have at least one dimension, got a 0-d tensor")
    if isinstance(k, Tensor):
        k = k._data.item()
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"top_k: k must be an int, got {what(k)}")
    if not 0 <= k <= x._data.shape[-1]:
        raise ValueError(f"top_k: k={k} must be in [0, {x._data.shape[-1]}] (the last "
                         "dimension)")
    # a stable descending order puts the lower index first among ties, as TF
    order = np.argsort(-x._data, axis=-1, kind="stable")[..., :int(k)]
    idx = make(order)
    values = ops.gather(x, -1, idx) if k else make(np.zeros(order.shape, x._data.dtype))
    return TopKV2(values, make(order.astype(np.dtype(index_type))))


def in_top_k(targets: ArrayLike, predictions: ArrayLike, k: int,
             name: str | None = None) -> Tensor:
    """TF's tf.math.in_top_k: whether each row's target class is among its k largest
    predictions (a tie with the k-th counts as in; a non-finite prediction is out).

    Args:
        targets: (batch,) class indices.
        predictions: (batch, classes) scores.
        k: how many top entries count.
        name: ignored.

    Returns:
        A (batch,) bool tensor.

    Raises:
        ValueError: the shapes do not match.

    >>> import tapegrad as tg
    >>> tg.math.in_top_k([0, 2], tg.tensor([[0.1, 0.9, 0.0], [0.3, 0.2, 0.5]]), 1)
    tensor([False,  True])
    """
    p = _t(predictions, "in_top_k", "predictions")._data
    tgt = _ints(targets, "in_top_k", "targets")
    if p.ndim != 2 or tgt.shape != (p.shape[0],):
        raise ValueError(f"in_top_k: predictions must be (batch, classes) and targets "
                         f"(batch,), got {p.shape} and {tgt.shape}")
    ok = (tgt >= 0) & (tgt < p.shape[1])
    mine = p[np.arange(p.shape[0]), np.where(ok, tgt, 0)]
    better = (p > mine[:, None]).sum(axis=1)
    return make(ok & np.isfinite(mine) & (better < k))


# ------------------------------------------------------------------ segments
def _segments(fn, data, segment_ids, num_segments):
    x = _t(data, fn, "data")
    ids = _ints(segment_ids, fn, "segment_ids")
    if ids.ndim != 1 or x._data.ndim < 1 or ids.shape[0] != x._data.shape[0]:
        raise ValueError(f"{fn}: segment_ids must be 1-d with one id per row of data "
                         f"(shape {tuple(x.shape)}), got shape {ids.shape}")
    if num_segments is None:                    # the sorted form: ids run 0.. upwards
        if ids.size and (np.any(np.diff(ids) < 0) or ids[0] < 0):
            raise ValueError(f"{fn}: segment_ids must be sorted and non-negative")
        n = int(ids[-1]) + 1 if ids.size else 0
    else:
        n = int(num_segments._data) if isinstance(num_segments, Tensor) else int(num_segments)
        if ids.size and ids.max() >= n:
            raise ValueError(f"{fn}: segment id {ids.max()} is not below num_segments {n}")
    return x, ids, n


def _sum(x, ids, n):
    keep = ids >= 0                 # TF's unsorted forms drop negative ids
    if not keep.all():
        x, ids = x[np.nonzero(keep)[0]], ids[keep]
    zeros = make(np.zeros((n,) + x._data.shape[1:], dtype=x._data.dtype))
    return ops.index_add(zeros, 0, make(ids), x)


def _count(ids, n, like):
    c = np.bincount(ids[ids >= 0], minlength=n).astype(like._data.dtype)
    return c.reshape((n,) + (1,) * (like._data.ndim - 1))


def _mean(x, ids, n):
    c = _count(ids, n, x)
    return _sum(x, ids, n) / make(np.maximum(c, 1))


def _extreme(x, ids, n, largest, empty):
    """Segment max/min: the tied extremes share the gradient equally, as TF."""
    data = x._data
    best = np.full((n,) + data.shape[1:], -np.inf if largest else np.inf)
    (np.maximum if largest else np.minimum).at(best, ids[ids >= 0], data[ids >= 0])
    hit = (data == best[np.clip(ids, 0, None)]) & (ids >= 0).reshape(
        (-1,) + (1,) * (data.ndim - 1))
    mask = make(hit.astype(data.dtype))
    picked = _sum(x * mask, ids, n)
    ties = _sum(mask, ids, n)._data
    value = picked / make(np.maximum(ties, 1))
    if value._data.dtype != data.dtype:
        value = ops.cast(value, data.dtype)     # integer data: back from the division
    filled = make(np.full(value.shape, empty, dtype=data.dtype))
    return ops.where(make(ties > 0), value, filled)


def _lowest(dt):
    return np.finfo(dt).min if np.dtype(dt).kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.finfo(dt).max if np.dtype(dt).kind == "f" else np.iinfo(dt).max


def segment_sum(data: ArrayLike, segment_ids: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.segment_sum: sums of the rows of `data` sharing a (sorted) id.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: sorted non-negative ints, one per row; ids missing in between give
            rows of 0.
        name: ignored.

    Returns:
        (segment_ids[-1] + 1,) + data.shape[1:].

    Raises:
        ValueError: the ids are not sorted, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.segment_sum(tg.tensor([1.0, 2.0, 3.0]), [0, 0, 1])
    tensor([3., 3.])
    """
    return _sum(*_segments("segment_sum", data, segment_ids, None))


def segment_mean(data: ArrayLike, segment_ids: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.segment_mean: means of the rows sharing a (sorted) id (0 when none).

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: sorted non-negative ints, one per row.
        name: ignored.

    Returns:
        (segment_ids[-1] + 1,) + data.shape[1:].

    Raises:
        ValueError: the ids are not sorted, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.segment_mean(tg.tensor([1.0, 2.0, 3.0]), [0, 0, 1])
    tensor([1.5000, 3.0000])
    """
    return _mean(*_segments("segment_mean", data, segment_ids, None))


def segment_max(data: ArrayLike, segment_ids: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.segment_max: maxima of the rows sharing a (sorted) id; an id with no
    rows gives 0. Tied maxima share the gradient equally.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: sorted non-negative ints, one per row.
        name: ignored.

    Returns:
        (segment_ids[-1] + 1,) + data.shape[1:].

    Raises:
        ValueError: the ids are not sorted, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.segment_max(tg.tensor([1.0, 2.0, 3.0]), [0, 0, 2])
    tensor([2., 0., 3.])
    """
    x, ids, n = _segments("segment_max", data, segment_ids, None)
    return _extreme(x, ids, n, True, 0)


def segment_min(data: ArrayLike, segment_ids: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.segment_min: minima of the rows sharing a (sorted) id; an id with no
    rows gives 0. Tied minima share the gradient equally.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: sorted non-negative ints, one per row.
        name: ignored.

    Returns:
        (segment_ids[-1] + 1,) + data.shape[1:].

    Raises:
        ValueError: the ids are not sorted, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.segment_min(tg.tensor([1.0, 2.0, 3.0]), [0, 0, 1])
    tensor([1., 3.])
    """
    x, ids, n = _segments("segment_min", data, segment_ids, None)
    return _extreme(x, ids, n, False, 0)


def _prod(x, ids, n):
    """Products per segment, one tapegrad prod per segment (empty ones give 1)."""
    rows = []
    for s in range(n):
        pick = np.nonzero(ids == s)[0]
        if pick.size:
            rows.append(ops.prod(x[pick], 0))
        else:
            rows.append(make(np.ones(x._data.shape[1:], dtype=x._data.dtype)))
    if not rows:
        return make(np.ones((0,) + x._data.shape[1:], dtype=x._data.dtype))
    return ops.stack(rows, 0)


def segment_prod(data: ArrayLike, segment_ids: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.segment_prod: products of the rows sharing a (sorted) id (1 when none).

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: sorted non-negative ints, one per row.
        name: ignored.

    Returns:
        (segment_ids[-1] + 1,) + data.shape[1:].

    Raises:
        ValueError: the ids are not sorted, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.segment_prod(tg.tensor([2.0, 3.0, 4.0]), [0, 0, 1])
    tensor([6., 4.])
    """
    return _prod(*_segments("segment_prod", data, segment_ids, None))


def unsorted_segment_prod(data: ArrayLike, segment_ids: ArrayLike, num_segments: int,
                          name: str | None = None) -> Tensor:
    """TF's tf.math.unsorted_segment_prod: products of the rows sharing an id (1 when
    none).

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: ints below num_segments, one per row.
        num_segments: the number of output rows.
        name: ignored.

    Returns:
        (num_segments,) + data.shape[1:].

    Raises:
        ValueError: an id is not below num_segments, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.unsorted_segment_prod(tg.tensor([2.0, 3.0, 4.0]), [1, 0, 1], 2)
    tensor([3., 8.])
    """
    return _prod(*_segments("unsorted_segment_prod", data, segment_ids, num_segments))


def unsorted_segment_sum(data: ArrayLike, segment_ids: ArrayLike, num_segments: int,
                         name: str | None = None) -> Tensor:
    """TF's tf.math.unsorted_segment_sum: sums of the rows sharing an id, in any order;
    negative ids drop their row.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: ints below num_segments, one per row.
        num_segments: the number of output rows.
        name: ignored.

    Returns:
        (num_segments,) + data.shape[1:].

    Raises:
        ValueError: an id is not below num_segments, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.unsorted_segment_sum(tg.tensor([1.0, 2.0, 3.0]), [1, 0, 1], 3)
    tensor([2., 4., 0.])
    """
    return _sum(*_segments("unsorted_segment_sum", data, segment_ids, num_segments))


def unsorted_segment_mean(data: ArrayLike, segment_ids: ArrayLike, num_segments: int,
                          name: str | None = None) -> Tensor:
    """TF's tf.math.unsorted_segment_mean: means of the rows sharing an id (0 when none).

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: ints below num_segments, one per row.
        num_segments: the number of output rows.
        name: ignored.

    Returns:
        (num_segments,) + data.shape[1:].

    Raises:
        ValueError: an id is not below num_segments, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.unsorted_segment_mean(tg.tensor([1.0, 2.0, 3.0]), [1, 0, 1], 2)
    tensor([2., 2.])
    """
    return _mean(*_segments("unsorted_segment_mean", data, segment_ids, num_segments))


def unsorted_segment_max(data: ArrayLike, segment_ids: ArrayLike, num_segments: int,
                         name: str | None = None) -> Tensor:
    """TF's tf.math.unsorted_segment_max: maxima of the rows sharing an id; an id with no
    rows gives the dtype's lowest value, as TF. Tied maxima share the gradient.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: ints below num_segments, one per row.
        num_segments: the number of output rows.
        name: ignored.

    Returns:
        (num_segments,) + data.shape[1:].

    Raises:
        ValueError: an id is not below num_segments, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.unsorted_segment_max(tg.tensor([1.0, 2.0, 3.0]), [1, 0, 1], 2)
    tensor([2., 3.])
    """
    x, ids, n = _segments("unsorted_segment_max", data, segment_ids, num_segments)
    return _extreme(x, ids, n, True, _lowest(x._data.dtype))


def unsorted_segment_min(data: ArrayLike, segment_ids: ArrayLike, num_segments: int,
                         name: str | None = None) -> Tensor:
    """TF's tf.math.unsorted_segment_min: minima of the rows sharing an id; an id with no
    rows gives the dtype's largest value, as TF. Tied minima share the gradient.

    Args:
        data: a tensor; rows are along axis 0.
        segment_ids: ints below num_segments, one per row.
        num_segments: the number of output rows.
        name: ignored.

    Returns:
        (num_segments,) + data.shape[1:].

    Raises:
        ValueError: an id is not below num_segments, or not one per row.

    >>> import tapegrad as tg
    >>> tg.math.unsorted_segment_min(tg.tensor([1.0, 2.0, 3.0]), [1, 0, 1], 2)
    tensor([2., 1.])
    """
    x, ids, n = _segments("unsorted_segment_min", data, segment_ids, num_segments)
    return _extreme(x, ids, n, False, _highest(x._data.dtype))


# ------------------------------------------------------------------ counting
def polyval(coeffs: Sequence[ArrayLike], x: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.polyval: coeffs[0] * x**(n-1) + ... + coeffs[n-1] (Horner's rule).

    Args:
        coeffs: a list of tensors or numbers, highest power first.
        x: the points.
        name: ignored.

    Returns:
        The polynomial at x (differentiable in x and the coefficients).

    Raises:
        TypeError: coeffs is not a list or tuple.

    >>> import tapegrad as tg
    >>> tg.math.polyval([1.0, 2.0, 3.0], tg.tensor([0.0, 1.0, 2.0]))
    tensor([ 3.,  6., 11.])
    """
    if not isinstance(coeffs, (list, tuple)):
        raise TypeError(f"polyval: coeffs must be a list of tensors or numbers, got "
                        f"{what(coeffs)}")
    x = _t(x, "polyval")
    if not coeffs:
        return zeros_like(x)
    out = _t(coeffs[0], "polyval", "coeffs") + zeros_like(x)
    for c in coeffs[1:]:
        out = out * x + _t(c, "polyval", "coeffs")
    return out


def bincount(arr: ArrayLike, weights: ArrayLike | None = None, minlength: int | None = None,
             maxlength: int | None = None, dtype: DTypeLike = np.int32, axis: Any = None,
             binary_output: bool = False, name: str | None = None) -> Tensor:
    """TF's tf.math.bincount: how often each value 0, 1, ... occurs in `arr` (or the sum
    of `weights` there). Not differentiable (nor is TF's).

    Args:
        arr: non-negative ints (flattened).
        weights: optional, arr's shape; the result then has weights' dtype.
        minlength, maxlength: bounds on the result's length (values at or past
            maxlength are dropped).
        dtype: the dtype without weights (int32).
        axis: only None (the whole array).
        binary_output: 1 where a value occurs at all.
        name: ignored.

    Returns:
        A 1-d tensor of length max(arr) + 1 (within the bounds).

    Raises:
        ValueError: arr has negative values, or axis is given.

    >>> import tapegrad as tg
    >>> tg.math.bincount([1, 1, 3])
    tensor([0, 2, 0, 1], dtype=int32)
    """
    a = _ints(arr, "bincount", "arr").reshape(-1)
    if axis is not None:
        raise ValueError("bincount: only axis=None (the whole array) is supported")
    if a.size and a.min() < 0:
        raise ValueError(f"bincount: arr must be non-negative, got {a.min()}")
    n = int(a.max()) + 1 if a.size else 0
    if minlength is not None:
        n = max(n, int(minlength))
    if maxlength is not None:
        n = min(n, int(maxlength))
    keep = a < n
    if weights is not None and not binary_output:
        w = _t(weights, "bincount", "weights")._data.reshape(-1)
        out = np.bincount(a[keep], weights=w[keep], minlength=n).astype(w.dtype)
    else:
        out = np.bincount(a[keep], minlength=n)
        if binary_output:
            out = out > 0
        out = out.astype(dtype)
    return make(out[:n])


def confusion_matrix(labels: ArrayLike, predictions: ArrayLike, num_classes: int | None = None,
                     weights: ArrayLike | None = None, dtype: DTypeLike = np.int32,
                     name: str | None = None) -> Tensor:
    """TF's tf.math.confusion_matrix: entry [i, j] counts examples of label i predicted
    as j (or sums their weights).

    Args:
        labels: (n,) non-negative class indices.
        predictions: (n,) predicted class indices.
        num_classes: the matrix's size (default: the largest index + 1).
        weights: optional (n,) weights.
        dtype: the result's dtype.
        name: ignored.

    Returns:
        A (num_classes, num_classes) tensor.

    Raises:
        ValueError: the shapes differ, or an index is negative or >= num_classes.

    >>> import tapegrad as tg
    >>> tg.math.confusion_matrix([0, 1, 1], [0, 1, 0])
    tensor([[1, 0],
            [1, 1]], dtype=int32)
    """
    lab = _ints(labels, "confusion_matrix", "labels").reshape(-1)
    pred = _ints(predictions, "confusion_matrix", "predictions").reshape(-1)
    if lab.shape != pred.shape:
        raise ValueError(f"confusion_matrix: labels and predictions differ in shape: "
                         f"{lab.shape} and {pred.shape}")
    n = int(max(lab.max(initial=-1), pred.max(initial=-1))) + 1 if num_classes is None \
        else int(num_classes)
    if lab.size and (min(lab.min(), pred.min()) < 0 or max(lab.max(), pred.max()) >= n):
        raise ValueError(f"confusion_matrix: indices must be in [0, {n})")
    w = np.ones(lab.shape) if weights is None else \
        _t(weights, "confusion_matrix", "weights")._data.reshape(-1)
    out = np.zeros((n, n), dtype=np.float64)
    np.add.at(out, (lab, pred), w)
    return make(out.astype(dtype))


def zero_fraction(value: ArrayLike, name: str | None = None) -> Tensor:
    """TF's tf.math.zero_fraction: the fraction of entries equal to 0, as float32.

    Args:
        value: a tensor.
        name: ignored.

    Returns:
        A 0-d float32 tensor.

    >>> import tapegrad as tg
    >>> tg.math.zero_fraction(tg.tensor([0.0, 1.0, 0.0, 2.0]))
    tensor(0.5000)
    """
    v = _t(value, "zero_fraction", "value")._data
    return make(np.asarray(np.mean(v == 0) if v.size else np.nan, dtype=np.float32))


__all__ = ["cumsum", "cumprod", "cumulative_logsumexp", "reciprocal_no_nan", "TopKV2", "top_k",
           "in_top_k", "segment_sum", "segment_mean", "segment_max", "segment_min",
           "segment_prod", "unsorted_segment_prod", "unsorted_segment_sum",
           "unsorted_segment_mean", "unsorted_segment_max", "unsorted_segment_min", "polyval",
           "bincount", "confusion_matrix", "zero_fraction"]
