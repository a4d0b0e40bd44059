"""The gather/scatter family (take, take_along_axis, gather, scatter_add, scatter,
index_add, index_select, select, masked_fill), in NumPy's and PyTorch's spellings;
triangles and diagonals are in diagonals.py.

The family is written with `GetItem` and `IndexAdd` (ops/shape.py): a gather is an
integer-array index, and its adjoint a scatter-add, so repeated indices accumulate and
every rule already exists.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply
from ._shapes import check_axis, check_int, check_operand, describe
from .elementwise import add, cast, where
from .reduce import amax as _amax, amin as _amin, prod as _prod
from .shape import (GetItem, IndexAdd, IndexPut, Reshape, broadcast_to, concatenate,
                    expand_dims, getitem, setitem_)
from ..errors import BatchEscape, shapes_msg
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _shape(v):
    return np.shape(_raw(v))


def _operand(op, name, x):
    return x if isinstance(x, Tensor) else check_operand(op, name, x)


# ------------------------------------------------------------------ index arguments

def _index_arg(op, name, index):
    """An integer index argument as an int64 array (a Tensor, an array, a list or an
    int); floats and bools raise TypeError naming `op` and `name`."""
    if isinstance(index, Tensor):
        if index._x is not None and "vmap" in index._x:
            # one index per example under tg.vmap: its own array is a placeholder, so the
            # op runs once per example (ops with a batching rule never get here)
            raise BatchEscape(f"vmap: {op}'s {name} differs per batch element")
        a = index._data
    elif isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_)):
        return np.asarray(index, dtype=np.int64)
    elif isinstance(index, (np.ndarray, list, tuple)):
        if type(index) is not np.ndarray and hasattr(index, "_vm"):
            # the raw array of a tg.vmap batched tensor: a placeholder without values
            raise BatchEscape(f"vmap: {op}'s {name} differs per batch element")
        try:
            a = np.asarray(index)
        except ValueError:
            raise TypeError(f"{op}: {name} must be an integer tensor, got a ragged "
                            f"{type(index).__name__}") from None
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.int64)          # [] reads as float64
    else:
        raise TypeError(f"{op}: {name} must be an integer tensor, got {describe(index)}")
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers, got dtype {a.dtype}")
    return a.astype(np.int64, copy=False)


def _check_range(op, name, idx, size, dim, negative=True):
    """IndexError naming `op` when an entry of idx is outside [-size, size) (outside
    [0, size) when negative indices are not allowed, as in PyTorch's gather family)."""
    if idx.size == 0:
        return
    lo, hi = int(idx.min()), int(idx.max())
    low = -size if negative else 0
    if lo < low or hi >= size:
        bad = lo if lo < low else hi
        raise IndexError(f"{op}: {name} holds {bad}, out of range for dimension {dim} "
                         f"with size {size}")


def _mesh(shape, axis, index):
    """An index tuple reading `index` along `axis` and every position of the other axes
    of `shape` (open aranges that broadcast against index)."""
    nd = len(shape)
    out = []
    for d, n in enumerate(shape):
        if d == axis:
            out.append(index)
        else:
            out.append(np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1)))
    return tuple(out)


def _flat(x):
    return apply(Reshape, x, shape=(int(np.prod(_shape(x))),))


# ------------------------------------------------------------------ NumPy: take

def take(x: ArrayLike, indices: ArrayLike, axis: Axis = None) -> Tensor:
    """Elements of x at `indices` along `axis` (of the flattened x when None); negative
    indices count from the end, and repeated ones accumulate in the gradient. NumPy:
    take(a, indices, axis); PyTorch: take(input, index) (flattened).

    Args:
        x: the tensor to read.
        indices: integers, any shape; the result takes their shape in place of `axis`.
        axis: the axis indexed, or None for the flattened x.

    >>> import tapegrad as tg
    >>> tg.take(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), [3, 0])
    tensor([4., 1.])
    """
    x = _operand("take", "x", x)
    idx = _index_arg("take", "indices", indices)
    if axis is None:
        x = _flat(x)
        axis = 0
    shape = _shape(x)
    axis = check_axis("take", axis, len(shape))
    if not shape:
        raise ValueError("take: cannot take along an axis of a 0-d tensor")
    _check_range("take", "indices", idx, shape[axis], axis)
    return apply(GetItem, x, index=(slice(None),) * axis + (idx,))


def take_along_axis(x: ArrayLike, indices: ArrayLike, axis: Axis = -1) -> Tensor:
    """x[..., indices, ...] matched element by element along `axis` (NumPy's
    take_along_axis; indices has x's number of dimensions and broadcasts against it
    elsewhere). axis=None flattens both first.

    Args:
        x: the tensor to read.
        indices: integers with x's number of dimensions.
        axis: the axis indexed, or None (both flattened).

    >>> import tapegrad as tg
    >>> x = tg.tensor([[3.0, 1.0], [0.0, 5.0]])
    >>> tg.take_along_axis(x, tg.tensor([[1], [0]]), axis=1)
    tensor([[1.],
            [0.]])
    """
    return _along("take_along_axis", x, indices, axis, "axis")


def take_along_dim(x: ArrayLike, indices: ArrayLike, dim: Axis = None) -> Tensor:
    """PyTorch's take_along_dim: take_along_axis with `dim` (None flattens both).

    Args:
        x: the tensor to read.
        indices: integers with x's number of dimensions (any shape when dim is None).
        dim: the axis indexed, or None (both flattened).

    >>> import tapegrad as tg
    >>> x = tg.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    >>> tg.take_along_dim(x, tg.argmax(x, axis=1, keepdims=True), 1)
    tensor([[30.],
            [60.]])
    """
    return _along("take_along_dim", x, indices, dim, "dim")


def put_along_axis(arr: Any, indices: ArrayLike, values: ArrayLike, axis: Axis) -> Tensor:
    """Write `values` into the tensor `arr` in place at the places take_along_axis(arr,
    indices, axis) reads (NumPy's put_along_axis; returns None). Recorded like
    `arr[...] = values`, so gradients reach `values`; with axis=None, indices are
    positions in the flattened arr.

    Args:
        arr: the tensor written to, in place.
        indices: integers with arr's number of dimensions.
        values: the values written, broadcast against indices.
        axis: the axis indexed, or None for the flattened arr.

    >>> import tapegrad as tg
    >>> a = tg.zeros((2, 2))
    >>> tg.put_along_axis(a, tg.tensor([[1], [0]]), 5.0, axis=1)
    >>> a
    tensor([[0., 5.],
            [5., 0.]])
    """
    if not isinstance(arr, Tensor):
        raise TypeError(f"put_along_axis: arr must be a Tensor (it is changed in place), "
                        f"got {describe(arr)}")
    shape = arr.shape
    idx = _index_arg("put_along_axis", "indices", indices)
    if axis is None:
        idx = idx.reshape(-1)
        _check_range("put_along_axis", "indices", idx, arr._data.size, 0)
        index = np.unravel_index(idx % max(arr._data.size, 1), shape)
    else:
        axis = check_axis("put_along_axis", axis, len(shape))
        _check_along("put_along_axis", shape, idx, axis)
        index = _mesh(shape, axis, idx)
    setitem_(arr, index, values)


def _check_along(op, shape, idx, axis):
    if idx.ndim != len(shape):
        raise ValueError(f"{op}: indices must have as many dimensions as x ({len(shape)}), "
                         f"got shape {idx.shape} for x of shape {shape}")
    rest = [(a, b) for d, (a, b) in enumerate(zip(shape, idx.shape)) if d != axis]
    if any(a != b and a != 1 and b != 1 for a, b in rest):
        raise ValueError(shapes_msg(op, shape, idx.shape,
                                    what=f"do not broadcast outside axis {axis}"))
    _check_range(op, "indices", idx, shape[axis], axis)


def _along(op, x, indices, axis, axis_name):
    x = _operand(op, "x", x)
    idx = _index_arg(op, "indices", indices)
    if axis is None:
        x = _flat(x)
        idx = idx.reshape(-1)
        axis = 0
    shape = _shape(x)
    axis = check_axis(op, axis, len(shape), axis_name)
    _check_along(op, shape, idx, axis)
    return apply(GetItem, x, index=_mesh(shape, axis, idx))


# ------------------------------------------------------------------ PyTorch: gather family

def _dim_index(op, x, dim, index, same_ndim=True):
    shape = _shape(x)
    nd = len(shape)
    dim = check_axis(op, dim, nd, "dim")
    idx = _index_arg(op, "index", index)
    if idx.ndim == 0 and nd == 1 and op.startswith("scatter"):
        idx = idx.reshape(1)    # zeros(10).scatter_(0, tensor(y), value=1), as PyTorch
    if same_ndim and idx.ndim != max(nd, 1) and not (nd == 0 and idx.ndim == 0):
        raise ValueError(f"{op}: index must have as many dimensions as the input ({nd}), "
                         f"got shape {idx.shape} for input of shape {shape}")
    return shape, dim, idx


def _gather_index(op, shape, dim, idx):
    """The GetItem index of gather(input of `shape`, dim, idx), after PyTorch's checks."""
    for d, (n, m) in enumerate(zip(shape, idx.shape)):
        if d != dim and m > n:
            raise ValueError(f"{op}: index of shape {idx.shape} is larger than the input of "
                             f"shape {shape} at dimension {d} (only dimension {dim} may "
                             "differ)")
    _check_range(op, "index", idx, shape[dim], dim, negative=False)
    return _mesh(idx.shape, dim, idx)


def gather(x: ArrayLike, dim: Axis, index: ArrayLike) -> Tensor:
    """Pick values of `x` along `dim` at `index`, as torch.gather.

    For 2-d inputs, `out[i][j] = x[index[i][j]][j]` when dim=0 and
    `out[i][j] = x[i][index[i][j]]` when dim=1. Repeated indices accumulate in the
    gradient.

    Args:
        x: the tensor to read.
        dim: the dimension `index` runs along.
        index: integers with x's number of dimensions, no larger than x outside `dim`.

    Returns:
        A tensor of index's shape and x's dtype.

    Raises:
        ValueError: index's number of dimensions differs from x's, or it is larger
            than x outside `dim`.
        IndexError: an index is out of range.

    >>> import tapegrad as tg
    >>> tg.gather(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, tg.tensor([[0, 0], [1, 0]]))
    tensor([[1., 1.],
            [4., 3.]])
    """
    x = _operand("gather", "input", x)
    shape, dim, idx = _dim_index("gather", x, dim, index)
    if not shape:
        x, shape, idx = _flat(x), (1,), idx.reshape(1)
        return apply(Reshape, apply(GetItem, x, index=(idx,)), shape=())
    return apply(GetItem, x, index=_gather_index("gather", shape, dim, idx))


def _scatter_src(op, src, idx_shape, name="src"):
    """src cut to index's shape (PyTorch reads only that corner of a larger src)."""
    s = _shape(src)
    if len(s) != len(idx_shape) or any(m > n for m, n in zip(idx_shape, s)):
        raise ValueError(f"{op}: {name} of shape {s} must have index's number of "
                         f"dimensions and be at least as large as index {idx_shape}")
    if s == tuple(idx_shape):
        return src
    return apply(GetItem, src, index=tuple(slice(0, m) for m in idx_shape))


def scatter_add(x: ArrayLike, dim: Axis, index: ArrayLike, src: ArrayLike) -> Tensor:
    """A copy of `x` with `src` added at `index` along `dim`, as torch.scatter_add.

    For dim=0, `src[i][j]` is added at `[index[i][j]][j]`; repeated indices accumulate.
    Gradients flow to x (unchanged) and to src (gathered).

    Args:
        x: the tensor added to.
        dim: the dimension `index` runs along.
        index: integers with x's number of dimensions.
        src: the values added; only its corner of index's shape is read.

    Returns:
        A new tensor of x's shape.

    Raises:
        ValueError: index and src do not match as above.

    >>> import tapegrad as tg
    >>> tg.scatter_add(tg.zeros(3), 0, tg.tensor([0, 2, 0]), tg.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])
    """
    x = _operand("scatter_add", "input", x)
    src = _operand("scatter_add", "src", src)
    shape, dim, idx = _dim_index("scatter_add", x, dim, index)
    src = _scatter_src("scatter_add", src, idx.shape)
    mesh = _gather_index("scatter_add", shape, dim, idx)
    return add(x, apply(IndexAdd, src, shape=shape, index=mesh))


# torch.scatter's and torch.scatter_reduce's names of each reduction
_REDUCE = {"sum": "sum", "add": "sum", "prod": "prod", "multiply": "prod", "mean": "mean",
           "amax": "amax", "amin": "amin"}


def _scatter_reduce(x, src, shape, mesh, how):
    """x with the values of src at `mesh` combined into it by `how` (x included, as
    torch's include_self=True), from ops that already differentiate: a scatter-add for
    sum and mean; for prod, amax and amin each place's values side by side on a new last
    axis (x first, the k-th value sent there at k + 1) and reduced along it."""
    if how == "sum":
        return add(x, apply(IndexAdd, src, shape=shape, index=mesh))
    flat = np.ravel_multi_index(tuple(np.broadcast_arrays(*mesh)), shape).ravel()
    dtype = np.result_type(_raw(x), _raw(src))
    if how == "mean":
        count = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape) + 1
        total = add(x, apply(IndexAdd, src, shape=shape, index=mesh))
        return total // count if dtype.kind in "iu" else total / count.astype(dtype)
    order = np.argsort(flat, kind="stable")
    ids = flat[order]
    rank = np.empty_like(flat)
    rank[order] = np.arange(flat.size) - np.searchsorted(ids, ids, side="left")
    slots = int(rank.max()) + 1 if flat.size else 0
    if dtype.kind == "f":
        fill = {"prod": 1, "amax": -np.inf, "amin": np.inf}[how]
    else:
        info = np.iinfo(dtype) if dtype.kind in "iu" else None
        fill = {"prod": 1, "amax": info.min if info else False,
                "amin": info.max if info else True}[how]
    idx_shape = np.broadcast_shapes(*(np.shape(m) for m in mesh))
    where_to = tuple(np.broadcast_to(m, idx_shape) for m in mesh) + (rank.reshape(idx_shape),)
    sent = apply(IndexPut, np.full(tuple(shape) + (slots,), fill, dtype), src, index=where_to)
    side = concatenate([cast(expand_dims(x, -1), dtype), sent], axis=-1)
    return {"prod": _prod, "amax": _amax, "amin": _amin}[how](side, axis=-1)


def scatter(x: ArrayLike, dim: Axis, index: ArrayLike, src: ArrayLike | None = None, *,
            value: ArrayLike | None = None, reduce: str | None = None) -> Tensor:
    """A copy of `x` with `src` (or `value`) written at `index` along `dim`, as
    torch.scatter. For dim=0, `src[i][j]` goes to `[index[i][j]][j]`.
    Without `reduce`, where an index repeats one of the writes wins, as in PyTorch. With
    `reduce` ("sum"/"add", "prod"/"multiply", "mean", "amax", "amin": torch.scatter's
    and torch.scatter_reduce's names) the values sent to a place are combined with x's
    value there (include_self=True); "mean" floors for integers, as torch. The gradient
    reaches x where it was not overwritten (or through the reduction), and src at the
    places written; amax/amin share it evenly among ties, as torch.

    Args:
        x: the tensor written into (not modified: the result is a copy).
        dim: the dimension `index` runs along.
        index: integers with x's number of dimensions.
        src: the values written; only its corner of index's shape is read.
        value: a scalar written instead of `src` (give one of the two).
        reduce: None, or how values meeting x are combined (see above).

    Returns:
        A new tensor of x's shape.

    Raises:
        ValueError: index and src do not match, or both or neither of src and value.

    >>> import tapegrad as tg
    >>> tg.scatter(tg.zeros(3), 0, tg.tensor([2, 0]), tg.tensor([5.0, 6.0]))
    tensor([6., 0., 5.])
    >>> tg.scatter(tg.zeros((2, 2)), 1, tg.tensor([[1], [0]]), value=1.0)
    tensor([[0., 1.],
            [1., 0.]])
    >>> tg.scatter(tg.ones(3), 0, tg.tensor([0, 2, 0]), tg.tensor([2.0, 5.0, 4.0]),
    ...            reduce="amax").tolist()
    [4.0, 1.0, 5.0]
    """
    x = _operand("scatter", "input", x)
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src and value")
    if reduce is not None:
        if reduce not in _REDUCE:
            raise ValueError(f"scatter: reduce must be one of {', '.join(map(repr, _REDUCE))}"
                             f" or None, got {reduce!r}")
        shape, dim, idx = _dim_index("scatter", x, dim, index)
        if not shape:       # a 0-d input: as a 1-element vector
            out = scatter(apply(Reshape, x, shape=(1,)), 0, idx.reshape(1),
                          None if src is None else apply(Reshape, _operand(
                              "scatter", "src", src), shape=(1,)), value=value, reduce=reduce)
            return apply(Reshape, out, shape=())
        mesh = _gather_index("scatter", shape, dim, idx)
        if src is not None:
            v = _scatter_src("scatter", _operand("scatter", "src", src), idx.shape)
        else:
            v = _operand("scatter", "value", value)
            if _shape(v):
                raise ValueError(f"scatter: value must be a number or a 0-d tensor, got "
                                 f"shape {_shape(v)}")
            v = broadcast_to(v, idx.shape)
        return _scatter_reduce(x, v, shape, mesh, _REDUCE[reduce])
    shape, dim, idx = _dim_index("scatter", x, dim, index)
    mesh = _gather_index("scatter", shape, dim, idx)
    if src is not None:
        v = _scatter_src("scatter", _operand("scatter", "src", src), idx.shape)
    else:
        v = _operand("scatter", "value", value)
        if _shape(v):
            raise ValueError(f"scatter: value must be a number or a 0-d tensor, got shape "
                             f"{_shape(v)}")
    return apply(IndexPut, x, v, index=mesh)


def index_select(x: ArrayLike, dim: Axis, index: ArrayLike) -> Tensor:
    """The slices of x at positions `index` (a 1-D integer tensor) along `dim`
    (PyTorch's index_select; NumPy's take with an axis).

    Args:
        x: the tensor to read.
        dim: the axis indexed.
        index: a 1-D integer tensor (or list) of positions along dim.

    >>> import tapegrad as tg
    >>> tg.index_select(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 0, tg.tensor([1, 1]))
    tensor([[3., 4.],
            [3., 4.]])
    """
    x = _operand("index_select", "input", x)
    shape, dim, idx = _dim_index("index_select", x, dim, index, same_ndim=False)
    if idx.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {idx.shape}")
    if not shape:
        raise ValueError("index_select: input must have at least 1 dimension")
    _check_range("index_select", "index", idx, shape[dim], dim, negative=False)
    return apply(GetItem, x, index=(slice(None),) * dim + (idx.reshape(-1),))


def index_add(x: ArrayLike, dim: Axis, index: ArrayLike, source: Axis, *,
              alpha: float = 1) -> Tensor:
    """x with alpha * source[..., i, ...] added at x[..., index[i], ...] along `dim`
    (PyTorch's index_add); repeated indices accumulate.

    Args:
        x: the tensor added to (not modified: the result is a new tensor).
        dim: the axis indexed.
        index: a 1-D integer tensor, one position per slice of source.
        source: the slices added; its length along dim is len(index).
        alpha: a factor applied to source.

    >>> import tapegrad as tg
    >>> tg.index_add(tg.zeros(3), 0, tg.tensor([2, 2]), tg.tensor([1.0, 5.0]))
    tensor([0., 0., 6.])
    """
    x = _operand("index_add", "input", x)
    source = _operand("index_add", "source", source)
    shape, dim, idx = _dim_index("index_add", x, dim, index, same_ndim=False)
    if idx.ndim > 1:
        raise ValueError(f"index_add: index must be 1-D, got shape {idx.shape}")
    if not shape:
        raise ValueError("index_add: input must have at least 1 dimension")
    idx = idx.reshape(-1)
    want = shape[:dim] + (idx.size,) + shape[dim + 1:]
    if _shape(source) != want:
        raise ValueError(f"index_add: source of shape {_shape(source)} does not fit input "
                         f"of shape {shape} and index of length {idx.size} along dim {dim} "
                         f"(expected {want})")
    _check_range("index_add", "index", idx, shape[dim], dim, negative=False)
    added = apply(IndexAdd, source, shape=shape, index=(slice(None),) * dim + (idx,))
    if not (isinstance(alpha, (int, float)) and alpha == 1):
        added = added * alpha
    return add(x, added)


def select(x: ArrayLike, dim: Axis, index: ArrayLike) -> Tensor:
    """The slice of x at position `index` along `dim`, which is removed (PyTorch's
    select: x[:, index] for dim=1).

    Args:
        x: the tensor to read.
        dim: the axis removed.
        index: the position along dim (negative counts from the end).

    >>> import tapegrad as tg
    >>> tg.select(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, -1)
    tensor([2., 4.])
    """
    x = _operand("select", "input", x)
    shape = _shape(x)
    if not shape:
        raise ValueError("select: input must have at least 1 dimension")
    dim = check_axis("select", dim, len(shape), "dim")
    if isinstance(index, Tensor) and index.ndim == 0 and index.dtype.kind in "iu":
        index = int(index._data)
    i = check_int("select", "index", index)
    if not -shape[dim] <= i < shape[dim]:
        raise IndexError(f"select: index {i} out of range for dimension {dim} with size "
                         f"{shape[dim]}")
    return getitem(x, (slice(None),) * dim + (i,))


def masked_fill(x: ArrayLike, mask: ArrayLike, value: ArrayLike) -> Tensor:
    """A copy of x with `value` where the bool `mask` (broadcast to x's shape) is True
    (PyTorch's masked_fill). A 0-d tensor value gets the gradient of the filled places.

    Args:
        x: the tensor copied.
        mask: a bool tensor broadcastable to x's shape.
        value: a number or a 0-d tensor.

    >>> import tapegrad as tg
    >>> tg.masked_fill(tg.tensor([1.0, 2.0]), tg.tensor([True, False]), 0.5)
    tensor([0.5000, 2.0000])
    """
    x = _operand("masked_fill", "input", x)
    # a tensor mask goes on to `where` as it is (under tg.vmap it may differ per example:
    # its raw array is a placeholder); a checked ndarray view of it serves the checks
    m = np.asarray(_raw(mask)) if not isinstance(mask, Tensor) else mask
    if m.dtype != np.bool_:
        raise TypeError(f"masked_fill: mask must be a bool tensor, got dtype {m.dtype}")
    shape = _shape(x)
    try:
        fits = np.broadcast_shapes(tuple(m.shape), shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(shapes_msg("masked_fill", tuple(m.shape), shape,
                                    what="do not match: mask must broadcast to the input"))
    dtype = np.result_type(_raw(x))
    if isinstance(value, Tensor):
        if value.ndim:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got "
                             f"shape {value.shape}")
        if value.dtype != dtype:
            value = cast(value, dtype)      # the result keeps the input's dtype
    else:
        value = check_operand("masked_fill", "value", value)
        if np.ndim(value):
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got "
                             f"shape {np.shape(value)}")
        if dtype.kind in "biu":
            value = np.asarray(value).astype(dtype)
    return where(m, value, x)


__all__ = ["take", "take_along_axis", "take_along_dim", "put_along_axis", "gather",
           "scatter_add", "scatter", "index_select", "index_add", "select", "masked_fill"]
