"""TensorFlow's top-level array functions under their TF names and semantics (tf.shape,
tf.range, tf.fill, tf.one_hot, tf.gather, tf.gather_nd, tf.identity, ...), for programs
ported by `import tapegrad as tf`. Built from existing ops (indexing, clone, reshape),
so the differentiable ones differentiate as those do. Integer results are int32, as TF's.
"""
from __future__ import annotations

import builtins
import sys

import numpy as np

from ._check import _got
from ._tensor import Tensor, make
from .autograd.engine import what
from .errors import InvalidArgumentError
from ._pytree import flatten, unflatten
from .function.trace import _raw_op, tracing
from .ops import (broadcast_to, cast, clone, flip, index_add, index_select, reshape, transpose,
                  unbind)
from .ops import gather as _torch_gather
from .math import (greater, greater_equal, less, less_equal, not_equal, reduce_all,
                   reduce_any)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._typing import ArrayLike, DTypeLike

newaxis = None          # tf.newaxis


def _tensor(x, fn, arg):
    if isinstance(x, Tensor):
        return x
    try:
        arr = np.asarray(x)
    except ValueError:                      # a ragged list
        raise TypeError(f"{fn}: {arg} must be a tensor, array or numbers, got "
                        f"{what(x)}") from None
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{fn}: {arg} must be a tensor, array or numbers, got {what(x)}")
    if arr.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)        # Python floats are float32 in TF
    elif arr.dtype == np.int64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.int32)          # and Python ints int32
    return make(arr)


def _ints(x, fn, arg):
    arr = x._data if isinstance(x, Tensor) else np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{fn}: {arg} must be integers, got {what(x)}")
    return arr


def _out_type(out_type, fn):
    dt = np.dtype(out_type)
    if dt not in (np.int32, np.int64):
        raise TypeError(f"{fn}: out_type must be int32 or int64, got {out_type!r}")
    return dt


def identity(input: ArrayLike, name: str | None = None) -> Tensor:
    """A tensor with the same values as `input` (TF's tf.identity); the gradient passes
    through unchanged. Of a Variable, a snapshot that a later assign does not change.

    Args:
        input: a tensor, Variable, array or number.
        name: ignored (TF's op name).

    Returns:
        A new tensor, connected to `input` for gradients.

    >>> import tapegrad as tg
    >>> v = tg.Variable([1.0, 2.0])
    >>> with tg.GradientTape() as tape:
    ...     y = tg.reduce_sum(tg.identity(v) * 3.0)
    >>> tape.gradient(y, v)
    tensor([3., 3.])
    """
    return clone(_tensor(input, "identity", "input"))


def shape(input: ArrayLike, out_type: DTypeLike = np.int32, name: str | None = None) -> Tensor:
    """The shape of `input` as a 1-d integer tensor (TF's tf.shape).

    Args:
        input: a tensor, array or number.
        out_type: int32 (default) or int64.
        name: ignored.

    Returns:
        A tensor of `input.ndim` integers.

    >>> import tapegrad as tg
    >>> tg.shape(tg.zeros((2, 3)))
    tensor([2, 3], dtype=int32)
    """
    x = _tensor(input, "shape", "input")
    return make(np.array(x._data.shape, dtype=_out_type(out_type, "shape")))


def rank(input: ArrayLike, name: str | None = None) -> Tensor:
    """The number of dimensions of `input` as a 0-d int32 tensor (TF's tf.rank).

    Args:
        input: a tensor, array or number.
        name: ignored.

    Returns:
        A 0-d int32 tensor.

    >>> import tapegrad as tg
    >>> tg.rank(tg.zeros((2, 3)))
    tensor(2, dtype=int32)
    """
    return make(np.array(_tensor(input, "rank", "input")._data.ndim, dtype=np.int32))


def size(input: ArrayLike, out_type: DTypeLike = np.int32, name: str | None = None) -> Tensor:
    """The number of elements of `input` as a 0-d integer tensor (TF's tf.size).

    Args:
        input: a tensor, array or number.
        out_type: int32 (default) or int64.
        name: ignored.

    Returns:
        A 0-d integer tensor.

    >>> import tapegrad as tg
    >>> tg.size(tg.zeros((2, 3)))
    tensor(6, dtype=int32)
    """
    x = _tensor(input, "size", "input")
    return make(np.array(x._data.size, dtype=_out_type(out_type, "size")))


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: DTypeLike = None,
          name: str | None = None) -> Tensor:
    """TF's tf.range: start, start + delta, ... up to but not including `limit`.

    `range(n)` counts from 0. Without `dtype`, the result is float32 if any argument is
    a float, else int32 (TF's inference; a tensor argument brings its own dtype).
    Unlike the deprecated torch.range, `limit` is excluded.

    Args:
        start: the first value (or the limit when `limit` is None).
        limit: the end, excluded.
        delta: the step, not zero.
        dtype: the result's dtype.
        name: ignored.

    Returns:
        A 1-d tensor of ceil((limit - start) / delta) values.

    Raises:
        ValueError: delta is zero, or points away from limit.

    >>> import tapegrad as tg
    >>> tg.range(5), tg.range(1.0, 2.0, 0.25)
    (tensor([0, 1, 2, 3, 4], dtype=int32), tensor([1.0000, 1.2500, 1.5000, 1.7500]))
    """
    if limit is None:
        start, limit = 0, start
    vals = []
    for arg, v in (("start", start), ("limit", limit), ("delta", delta)):
        t = _tensor(v, "range", arg)
        if t._data.size != 1 or t._data.dtype.kind not in "iuf":
            raise TypeError(f"range: {arg} must be a real number, got {what(v)}")
        vals.append(t._data.reshape(()))
    if dtype is None:
        # TF: the widest float among the arguments, else the widest int (float32 for
        # range(0.5, 3), not NumPy's float64)
        floats = [v.dtype for v in vals if v.dtype.kind == "f"]
        dt = np.result_type(*floats) if floats else np.result_type(*vals)
    else:
        dt = np.dtype(dtype)
    s, lim, d = (float(v) if dt.kind == "f" else int(v) for v in vals)
    if d == 0:
        raise ValueError("range: delta must not be zero")
    if (lim - s) * d < 0:
        raise ValueError(f"range: start {s} is past limit {lim} for delta {d} (TF requires "
                         "start <= limit when delta > 0, start >= limit when delta < 0)")
    n = builtins.max(int(np.ceil((lim - s) / d)), 0)
    return make((s + d * np.arange(n)).astype(dt))


def fill(dims: Any, value: ArrayLike, name: str | None = None) -> Tensor:
    """A tensor of shape `dims` filled with `value` (TF's tf.fill); its dtype is value's
    (float32 for a Python float, int32 for a Python int). Gradient: the sum, to value.

    Args:
        dims: the shape, a list of ints or a 1-d integer tensor.
        value: a scalar tensor or number.
        name: ignored.

    Returns:
        The filled tensor.

    Raises:
        ValueError: value is not a scalar.

    >>> import tapegrad as tg
    >>> tg.fill([2, 3], 9)
    tensor([[9, 9, 9],
            [9, 9, 9]], dtype=int32)
    """
    v = _tensor(value, "fill", "value")
    if v._data.ndim != 0:
        raise ValueError(f"fill: value must be a scalar, got shape {tuple(v.shape)}")
    shp = tuple(int(d) for d in _ints(dims, "fill", "dims").reshape(-1))
    return clone(broadcast_to(v, shp))


def one_hot(indices: ArrayLike, depth: int, on_value: ArrayLike | None = None,
            off_value: ArrayLike | None = None, axis: int | None = None, dtype: DTypeLike = None,
            name: str | None = None) -> Tensor:
    """TF's tf.one_hot: `on_value` where the new axis equals the index, else `off_value`;
    an index outside [0, depth) gives a row of `off_value`. float32 by default.

    Args:
        indices: integers.
        depth: the length of the new axis.
        on_value, off_value: the two values (default 1 and 0).
        axis: where the new axis goes (default last).
        dtype: the result's dtype (default: on/off_value's, else float32).
        name: ignored.

    Returns:
        A tensor of indices' shape with a new axis of length `depth`.

    Raises:
        TypeError: indices are not integers.

    >>> import tapegrad as tg
    >>> tg.one_hot([0, 2, 5], 3)
    tensor([[1., 0., 0.],
            [0., 0., 1.],
            [0., 0., 0.]])
    """
    idx = _ints(indices, "one_hot", "indices")
    if isinstance(depth, Tensor):
        depth = depth._data.item()
    if isinstance(depth, (bool, np.bool_)) or not isinstance(depth, (int, np.integer)) \
            or depth < 0:
        raise TypeError(f"one_hot: depth must be a non-negative int, got {what(depth)}")
    on = None if on_value is None else _tensor(on_value, "one_hot", "on_value")._data
    off = None if off_value is None else _tensor(off_value, "one_hot", "off_value")._data
    if dtype is None:
        dt = on.dtype if on is not None else off.dtype if off is not None else np.float32
    else:
        dt = np.dtype(dtype)
    on = np.ones((), dt) if on is None else on.astype(dt)
    off = np.zeros((), dt) if off is None else off.astype(dt)
    hit = idx[..., None] == np.arange(int(depth))
    out = np.where(hit, on, off).astype(dt)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return make(np.ascontiguousarray(out))


def gather(params: ArrayLike, indices: Any = None, index: Any = None, *,
           axis: int | None = None, batch_dims: int = 0, validate_indices: Any = None,
           name: str | None = None, dim: int | None = None) -> Tensor:
    """TF's tf.gather(params, indices, axis=0), and torch.gather(x, dim, index) when a
    third argument `index` is given (the PyTorch form keeps working).

    TF form: the slices of `params` along `axis` at `indices`: the result's shape is
    params.shape[:axis] + indices.shape + params.shape[axis + 1:]. Repeated indices add
    up in the gradient.

    Args:
        params: the tensor to read.
        indices: integers into `axis` (the TF form), or torch's `dim` (with `index`).
        index: torch.gather's index; None for the TF form.
        dim: torch.gather's dim, as a keyword (then `index` is needed).
        axis: the TF form's axis (default 0).
        batch_dims: leading dimensions shared by params and indices: each batch entry
            gathers with its own indices (axis then defaults to batch_dims).
        validate_indices, name: ignored (TF's).

    Returns:
        The gathered tensor.

    Raises:
        ValueError: batch_dims or axis out of range, or the batch shapes differ.
        InvalidArgumentError: an index is out of range (an IndexError, as TF's).

    >>> import tapegrad as tg
    >>> tg.gather(tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), [2, 0])
    tensor([[5., 6.],
            [1., 2.]])
    """
    if index is not None or dim is not None:
        if dim is not None and indices is not None:
            raise TypeError("gather: got both a positional dim and dim=")
        return _torch_gather(params, dim if dim is not None else indices, index)
    if indices is None:
        raise TypeError("gather: missing indices (TF's form) or dim and index (PyTorch's)")
    x = _tensor(params, "gather", "params")
    idx = _ints(indices, "gather", "indices")
    nd = x._data.ndim
    b = int(batch_dims)
    if b < 0:
        b += idx.ndim
    if not 0 <= b <= min(idx.ndim, nd - 1):
        raise ValueError(f"gather: batch_dims={batch_dims} is out of range for indices of "
                         f"{idx.ndim} and params of {nd} dimensions")
    ax = b if axis is None else int(axis)
    if not -nd <= ax < nd:
        raise ValueError(f"gather: axis {ax} is out of range for params of {nd} dimensions")
    ax %= nd
    if ax < b:
        raise ValueError(f"gather: axis {ax} must not be below batch_dims={b}")
    n = x._data.shape[ax]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].reshape(-1)[0]
        raise InvalidArgumentError(f"gather: index {bad} is out of range [0, {n}) along "
                                   f"axis {ax}")
    if b:
        return _batched_gather(x, idx, ax, b)
    flat = index_select(x, ax, make(idx.reshape(-1).astype(np.int64)))
    return reshape(flat, x._data.shape[:ax] + idx.shape + x._data.shape[ax + 1:])


def _batched_gather(x, idx, ax, b):
    """tf.gather with batch_dims=b: the b batch axes are folded into the gathered axis
    (batch k's rows offset by k * n), one index_select, then unfolded."""
    shape = x._data.shape
    batch, pre, n, post = shape[:b], shape[b:ax], shape[ax], shape[ax + 1:]
    if idx.shape[:b] != batch:
        raise ValueError(f"gather: with batch_dims={b}, indices' leading shape "
                         f"{idx.shape[:b]} must equal params' {batch}")
    nb = int(np.prod(batch))
    # (batch, pre, n, post) -> (pre, batch * n, post)
    xs = reshape(x, (nb,) + pre + (n,) + post)
    irange = builtins.range            # this module's `range` is tf.range
    xs = transpose(xs, (*irange(1, 1 + len(pre)), 0, *irange(1 + len(pre), xs.ndim)))
    xs = reshape(xs, pre + (nb * n,) + post)
    inner = idx.shape[b:]
    flat = (idx.reshape(nb, -1) + np.arange(nb)[:, None] * n).reshape(-1).astype(np.int64)
    out = index_select(xs, len(pre), make(flat))
    # (pre, batch, inner, post) -> (batch, pre, inner, post)
    out = reshape(out, pre + (nb,) + inner + post)
    k = len(pre)
    out = transpose(out, (k, *irange(k), *irange(k + 1, out.ndim)))
    return reshape(out, batch + pre + inner + post)


def gather_nd(params: ArrayLike, indices: ArrayLike, batch_dims: int = 0,
              name: str | None = None) -> Tensor:
    """TF's tf.gather_nd: `indices[..., :m]` are coordinates into the first m dimensions
    of `params`; the result has shape indices.shape[:-1] + params.shape[m:].

    Args:
        params: the tensor to read.
        indices: integers whose last dimension m is at most params.ndim.
        batch_dims: only 0 here.
        name: ignored.

    Returns:
        The gathered tensor (differentiable in params).

    Raises:
        ValueError: batch_dims is not 0, or the last dimension of indices is too long.
        IndexError: an index is out of range.

    >>> import tapegrad as tg
    >>> tg.gather_nd(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), [[1, 0], [0, 1]])
    tensor([3., 2.])
    """
    x = _tensor(params, "gather_nd", "params")
    idx = _ints(indices, "gather_nd", "indices")
    if batch_dims != 0:
        raise ValueError(f"gather_nd: batch_dims={batch_dims} is not supported (only 0)")
    if idx.ndim < 1 or idx.shape[-1] > x._data.ndim:
        raise ValueError(f"gather_nd: the last dimension of indices (shape {idx.shape}) "
                         f"must be at most params' rank {x._data.ndim}")
    for k in builtins.range(idx.shape[-1]):
        col, n = idx[..., k], x._data.shape[k]
        if col.size and (col.min() < 0 or col.max() >= n):
            raise IndexError(f"gather_nd: an index in column {k} of indices is out of "
                             f"range [0, {n})")
    return x[tuple(idx[..., k] for k in builtins.range(idx.shape[-1]))]


def unstack(value: ArrayLike, num: int | None = None, axis: int = 0,
            name: str | None = None) -> list[Tensor]:
    """The slices of `value` along `axis`, as a list (TF's tf.unstack).

    Args:
        value: a tensor of at least one dimension.
        num: the expected number of slices (checked when given).
        axis: the dimension to split.
        name: ignored.

    Returns:
        A list of tensors, each without `axis`.

    Raises:
        ValueError: num does not match, or value is 0-d.

    >>> import tapegrad as tg
    >>> tg.unstack(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    [tensor([1., 3.]), tensor([2., 4.])]
    """
    x = _tensor(value, "unstack", "value")
    if x._data.ndim == 0:
        raise ValueError("unstack: value must have at least one dimension, got a 0-d tensor")
    parts = list(unbind(x, axis))
    if num is not None and num != len(parts):
        raise ValueError(f"unstack: num={num} but axis {axis} has length {len(parts)}")
    return parts


def boolean_mask(tensor: ArrayLike, mask: ArrayLike, axis: int | None = None,
                 name: str | None = None) -> Tensor:
    """The entries of `tensor` where `mask` is True (TF's tf.boolean_mask): `mask` covers
    dimensions axis .. axis + mask.ndim - 1, which become one dimension.

    Args:
        tensor: the tensor to read.
        mask: booleans, of the shape of those dimensions.
        axis: the first dimension the mask covers (default 0).
        name: ignored.

    Returns:
        The selected entries (differentiable in tensor).

    Raises:
        TypeError: mask is not boolean.
        ValueError: the mask's shape does not match.

    >>> import tapegrad as tg
    >>> tg.boolean_mask(tg.tensor([1.0, 2.0, 3.0]), [True, False, True])
    tensor([1., 3.])
    """
    x = _tensor(tensor, "boolean_mask", "tensor")
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"boolean_mask: mask must be booleans, got {_got(mask)}")
    ax = 0 if axis is None else int(axis) % builtins.max(x._data.ndim, 1)
    covered = x._data.shape[ax:ax + m.ndim]
    if m.ndim == 0 or covered != m.shape:
        raise ValueError(f"boolean_mask: mask of shape {m.shape} does not match dimensions "
                         f"{ax}.. of tensor of shape {tuple(x.shape)}")
    return x[(slice(None),) * ax + np.nonzero(m)]


def reverse(tensor: ArrayLike, axis: Any, name: str | None = None) -> Tensor:
    """TF's tf.reverse: `tensor` with the order along each axis in `axis` reversed.

    Args:
        tensor: a tensor.
        axis: a list of axes (ints).
        name: ignored.

    Returns:
        The reversed tensor (differentiable).

    >>> import tapegrad as tg
    >>> tg.reverse(tg.constant([[1, 2], [3, 4]]), [1])
    tensor([[2, 1],
            [4, 3]])
    """
    x = _tensor(tensor, "reverse", "tensor")
    axes = [int(a) for a in _ints(axis, "reverse", "axis").reshape(-1)]
    return flip(x, tuple(axes)) if axes else clone(x)


def _flat_rows(shape, idx, fn):
    """Row numbers of `idx[..., :m]` in `shape` viewed as (prod(shape[:m]), rest)."""
    m = idx.shape[-1] if idx.ndim else 0
    if idx.ndim < 1 or m > len(shape):
        raise ValueError(f"{fn}: the last dimension of indices (shape {idx.shape}) must be "
                         f"at most the rank {len(shape)}")
    for k in builtins.range(m):
        col = idx[..., k]
        if col.size and (col.min() < 0 or col.max() >= shape[k]):
            raise IndexError(f"{fn}: an index in column {k} of indices is out of range "
                             f"[0, {shape[k]})")
    lead = tuple(shape[:m])
    rows = np.ravel_multi_index(tuple(idx.reshape(-1, m).T), lead) if m else \
        np.zeros(idx.shape[:-1], np.int64).reshape(-1)
    return rows.astype(np.int64), int(np.prod(lead)), tuple(shape[m:])


def scatter_nd(indices: ArrayLike, updates: ArrayLike, shape: Any,
               name: str | None = None) -> Tensor:
    """TF's tf.scatter_nd: zeros of `shape` with `updates` added at `indices` (repeated
    indices add up).

    Args:
        indices: integers of shape (..., m), m at most len(shape).
        updates: values of shape indices.shape[:-1] + shape[m:].
        shape: the result's shape.
        name: ignored.

    Returns:
        The result (differentiable in updates).

    Raises:
        ValueError: the shapes do not fit.
        IndexError: an index is out of range.

    >>> import tapegrad as tg
    >>> tg.scatter_nd([[0, 1], [2, 0]], tg.constant([1.0, 2.0]), [3, 2])
    tensor([[0., 1.],
            [0., 0.],
            [2., 0.]])
    """
    u = _tensor(updates, "scatter_nd", "updates")
    shp = tuple(int(d) for d in _ints(shape, "scatter_nd", "shape").reshape(-1))
    idx = _ints(indices, "scatter_nd", "indices")
    rows, n, rest = _flat_rows(shp, idx, "scatter_nd")
    if u._data.shape != idx.shape[:-1] + rest:
        raise ValueError(f"scatter_nd: updates must have shape {idx.shape[:-1] + rest}, got "
                         f"{u._data.shape}")
    zeros = make(np.zeros((n,) + rest, dtype=u._data.dtype))
    src: Any = reshape(u, (rows.size,) + rest)
    out = index_add(zeros, 0, make(rows), src)
    return reshape(out, shp)


def _scatter_into(fn, tensor, indices, updates, replace):
    x = _tensor(tensor, fn, "tensor")
    u = _tensor(updates, fn, "updates")
    shp = x._data.shape
    idx = _ints(indices, fn, "indices")
    rows, n, rest = _flat_rows(shp, idx, fn)
    if u._data.shape != idx.shape[:-1] + rest:
        raise ValueError(f"{fn}: updates must have shape {idx.shape[:-1] + rest}, got "
                         f"{u._data.shape}")
    flat = reshape(x, (n,) + rest)
    if replace:
        keep = np.ones((n,) + (1,) * len(rest), dtype=x._data.dtype)
        keep[rows] = 0
        flat = flat * make(keep)
    src: Any = cast(reshape(u, (rows.size,) + rest), x._data.dtype)
    out = index_add(flat, 0, make(rows), src)
    return reshape(out, shp)


def tensor_scatter_nd_update(tensor: ArrayLike, indices: ArrayLike, updates: ArrayLike,
                             name: str | None = None) -> Tensor:
    """TF's tf.tensor_scatter_nd_update: a copy of `tensor` with the entries (or slices)
    at `indices` replaced by `updates`. Gradient: to tensor where not replaced, and to
    updates.

    Args:
        tensor: the tensor to copy.
        indices: integers of shape (..., m), m at most tensor.ndim.
        updates: values of shape indices.shape[:-1] + tensor.shape[m:].
        name: ignored.

    Returns:
        The updated copy.

    Raises:
        ValueError: the shapes do not fit.
        IndexError: an index is out of range.

    >>> import tapegrad as tg
    >>> tg.tensor_scatter_nd_update(tg.zeros([4]), [[1], [3]], tg.constant([5.0, 6.0]))
    tensor([0., 5., 0., 6.])
    """
    return _scatter_into("tensor_scatter_nd_update", tensor, indices, updates, True)


def tensor_scatter_nd_add(tensor: ArrayLike, indices: ArrayLike, updates: ArrayLike,
                          name: str | None = None) -> Tensor:
    """TF's tf.tensor_scatter_nd_add: a copy of `tensor` with `updates` added at
    `indices` (repeated indices add up).

    Args:
        tensor: the tensor to copy.
        indices: integers of shape (..., m), m at most tensor.ndim.
        updates: values of shape indices.shape[:-1] + tensor.shape[m:].
        name: ignored.

    Returns:
        The updated copy (differentiable in tensor and updates).

    Raises:
        ValueError: the shapes do not fit.
        IndexError: an index is out of range.

    >>> import tapegrad as tg
    >>> tg.tensor_scatter_nd_add(tg.ones([3]), [[0], [0]], tg.constant([1.0, 2.0]))
    tensor([4., 1., 1.])
    """
    return _scatter_into("tensor_scatter_nd_add", tensor, indices, updates, False)


def searchsorted(sorted_sequence: ArrayLike, values: ArrayLike, side: str = "left",
                 out_type: DTypeLike = np.int32, name: str | None = None) -> Tensor:
    """TF's tf.searchsorted: for each row of `values`, where its entries would go in the
    same row of `sorted_sequence` (the last axis), keeping it sorted.

    Args:
        sorted_sequence: sorted along the last axis; leading axes match values'.
        values: the values to place.
        side: "left" (first suitable place) or "right" (last).
        out_type: int32 (default) or int64.
        name: ignored.

    Returns:
        Integer positions of values' shape.

    Raises:
        ValueError: side is not "left" or "right", or the leading shapes differ.

    >>> import tapegrad as tg
    >>> tg.searchsorted([1.0, 3.0, 5.0], [3.0, 6.0])
    tensor([1, 3], dtype=int32)
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    seq = _tensor(sorted_sequence, "searchsorted", "sorted_sequence")._data
    val = _tensor(values, "searchsorted", "values")._data
    if seq.ndim < 1 or val.ndim < 1 or seq.shape[:-1] != val.shape[:-1]:
        raise ValueError(f"searchsorted: sorted_sequence {seq.shape} and values "
                         f"{val.shape} need the same leading dimensions")
    s2, v2 = seq.reshape(-1, seq.shape[-1]), val.reshape(-1, val.shape[-1])
    where: Any = side
    out = np.stack([np.searchsorted(a, b, side=where) for a, b in zip(s2, v2)]) \
        if s2.shape[0] else np.zeros(v2.shape, np.int64)
    return make(out.reshape(val.shape).astype(_out_type(out_type, "searchsorted")))


def executing_eagerly() -> bool:
    """TF's tf.executing_eagerly: False while tg.function traces, True otherwise.

    >>> import tapegrad as tg
    >>> tg.executing_eagerly()
    True
    """
    return not tracing()


def _fmt_number(v):
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"            # TF prints booleans as 1 and 0
    if isinstance(v, np.floating):
        # TF's (absl's) float text: the short form when it reads back exactly, else
        # enough digits to: 6 then 9 for float32, 15 then 17 for float64
        short, full = (15, 17) if v.dtype == np.float64 else (6, 9)
        text = f"{float(v):.{short}g}"
        return text if np.isnan(v) or v.dtype.type(text) == v else f"{float(v):.{full}g}"
    return str(v)


def _fmt_array(arr, n, depth=0):
    if arr.ndim == 0:
        return _fmt_number(arr[()])
    items = list(arr)
    if n >= 0 and len(items) > 2 * n:
        parts = [_fmt_array(a, n, depth + 1) for a in items[:n]] + ["..."] + \
            [_fmt_array(a, n, depth + 1) for a in items[-n:]]
    else:
        parts = [_fmt_array(a, n, depth + 1) for a in items]
    sep = " " if arr.ndim == 1 else "\n" + " " * (depth + 1)
    return "[" + sep.join(parts) + "]"


def _fmt(v, n, nested=False):
    if isinstance(v, str):
        return repr(v) if nested else v     # TF quotes strings inside structures
    if isinstance(v, Tensor):
        return _fmt_array(np.asarray(v._data), n)
    if isinstance(v, np.ndarray):
        return _fmt_array(v, n)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {_fmt(x, n, True)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_fmt(x, n, True) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, (np.generic, float)) and not isinstance(v, str):
        return _fmt_number(v)
    return str(v)


def print(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ",
          end: str = "\n", name: str | None = None) -> None:
    """TF's tf.print: tensors printed as TF does ([1.5 2 3.25], long axes summarized with
    ...), to standard error by default.

    Args:
        *inputs: tensors, numbers, strings and lists/dicts of them.
        output_stream: a file object (sys.stdout, ...) or "file://path" to append to
            (default: sys.stderr, as TF).
        summarize: the entries kept at each end of an axis longer than twice this
            (-1: all).
        sep, end: as print's.
        name: ignored.

    Returns:
        None.

    >>> import sys
    >>> import tapegrad as tg
    >>> tg.print(tg.constant([1.5, 2.0]), "done", output_stream=sys.stdout)
    [1.5 2] done
    """
    if tracing():
        # as in TF's graph: a step of the traced function, printing on every call (the
        # trace's own runs of it print nothing; the first call's replay does)
        leaves, spec = flatten(list(inputs))
        pos = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)]
        armed: list[bool] = []

        def emit(*arrays):
            if armed:
                vals = list(leaves)
                for i, a in zip(pos, arrays):
                    vals[i] = make(np.asarray(a))
                print(*unflatten(spec, vals), output_stream=output_stream,
                      summarize=summarize, sep=sep, end=end)
            return np.zeros(0)

        _raw_op(emit, *[leaves[i] for i in pos])
        armed.append(True)
        return None
    text = sep.join(_fmt(v, int(summarize)) for v in inputs) + end
    if isinstance(output_stream, str):
        if not output_stream.startswith("file://"):
            raise ValueError(f"print: output_stream must be a file object or 'file://path', "
                             f"got {output_stream!r}")
        with open(output_stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
        return
    stream = sys.stderr if output_stream is None else output_stream
    stream.write(text)


__all__ = ["identity", "shape", "rank", "size", "range", "fill", "one_hot", "gather",
           "gather_nd", "unstack", "boolean_mask", "not_equal", "less",
           "less_equal", "greater", "greater_equal", "reduce_all", "reduce_any",
           "newaxis", "reverse", "scatter_nd", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "searchsorted",
           "executing_eagerly", "print"]
