"""Shape ops: reshape ... split, indexing and its scatter-add partner."""
from __future__ import annotations

import math

import numpy as np

from .. import _state
from .._flavour import numpy_caller
from .._tensor import Tensor, _share_version
from ._writes import after_write, clear_stale, overwritten, picks_one, refresh
from . import _apply
from ._apply import apply, call
from ._op import LINEAR, Op, register, tangent_zeros
from ._shapes import (broadcast_shapes, check_axis, check_int, check_operand, describe,
                      normalize_axis,
                      sum_to_axes)
from .._graph import AccumulateGrad, Node
from .._graph import SliceGrads
from ..errors import raw_values, shapes_msg
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike, Axis, ShapeLike

_local = _state.local


def _index_batch_params(params, ctx):
    index = params["index"]
    arrays = [i for i, v in enumerate(index) if isinstance(v, np.ndarray)]
    if arrays and arrays != list(range(arrays[0], arrays[-1] + 1)):
        return None             # split advanced indices move axes: go slice by slice
    return dict(params, index=(slice(None),) + tuple(index))


def _batched_shape(params, ctx):
    shape = tuple(params["shape"])
    if -1 in shape and ctx.in_shapes:
        # resolved from one example: with a batch of 0 NumPy could not infer it
        known = math.prod(n for n in shape if n != -1)
        if known:
            whole = math.prod(ctx.in_shapes[0])
            shape = tuple(whole // known if n == -1 else n for n in shape)
    return dict(params, shape=(ctx.batched,) + shape)


def _batched_axes(params, ctx):
    return dict(params, axes=(0,) + tuple(a + 1 for a in params["axes"]))


def _batched_index_add(params, ctx):
    return _index_batch_params(_batched_shape(params, ctx), ctx)


@register
class Reshape(Op):
    """x viewed with a new shape (same number of elements)."""
    batch_params = _batched_shape
    view = True

    @staticmethod
    def forward(x, *, shape):
        return np.reshape(x, shape)

    @staticmethod
    def vjp(ctx, g):
        return (call(Reshape, g, shape=ctx.in_shapes[0]),)

    jvp = LINEAR


@register
class Transpose(Op):
    """Permute the axes of x."""
    batch_params = _batched_axes
    view = True

    @staticmethod
    def forward(x, *, axes):
        return np.transpose(x, axes)

    @staticmethod
    def vjp(ctx, g):
        return (call(Transpose, g, axes=tuple(np.argsort(ctx.params["axes"]))),)

    jvp = LINEAR


@register
class BroadcastTo(Op):
    """x broadcast to `shape` (a read-only view)."""
    batch_params = _batched_shape
    batching = "elementwise"         # right-align the tangent first
    view = True

    @staticmethod
    def forward(x, *, shape):
        return np.broadcast_to(x, shape)

    # the adjoint of broadcasting is summing back
    @staticmethod
    def vjp(ctx, g):
        return (call(SumTo, g, shape=ctx.in_shapes[0]),)

    jvp = LINEAR


@register
class SumTo(Op):
    """Sum x down to `shape`, the inverse of broadcasting."""
    batching = "aware"

    @staticmethod
    def forward(x, *, shape):
        shape = tuple(shape)
        if x.shape == shape:
            return x
        lead, axes = sum_to_axes(x.shape, shape)
        if axes and len(axes) == lead:
            # only leading axes: the plain sum has the target shape (and owns its memory)
            return np.add.reduce(x, axis=axes)
        r = np.add.reduce(x, axis=axes, keepdims=True) if axes else x
        return r.reshape(shape) if lead or r.shape != shape else r

    @staticmethod
    def vjp(ctx, g):
        return (call(BroadcastTo, g, shape=ctx.in_shapes[0]),)

    # linear; a batched tangent keeps its batch axis out of the sum
    @staticmethod
    def jvp(ctx, dx):
        shape = tuple(ctx.params["shape"])
        if ctx.batched is None:
            return call(SumTo, dx, shape=shape)
        pad = (1,) * (len(ctx.in_shapes[0]) - len(shape))
        r = call(SumTo, dx, shape=(ctx.batched,) + pad + shape)
        return call(Reshape, r, shape=(ctx.batched,) + shape)


def _is_basic(index):
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice))
               for i in index)


def _norm_index(index):
    """Turn an index into a tuple of ints, slices, None, ..., and ndarrays."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i._data
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = int(i)
        elif isinstance(i, list):
            try:
                # [] selects nothing (NumPy's float64 [] would be refused below)
                i = np.asarray(i) if i else np.empty((0,), np.intp)
            except ValueError as e:         # ragged [[0, 1], [2]]
                raise IndexError(f"getitem: a list index must be rectangular, got "
                                 f"{describe(i)}: {e}") from None
        elif isinstance(i, range):             # x[range(n), target], as PyTorch takes
            i = np.arange(i.start, i.stop, i.step)
        if isinstance(i, np.ndarray):
            if i.dtype.kind not in "iub":
                raise IndexError(f"getitem: index arrays must be integer or boolean, got "
                                 f"dtype {i.dtype}")
        elif not (i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice,
                                                                 np.bool_))):
            raise IndexError(f"getitem: indices must be ints, slices, None, ... or integer "
                             f"or boolean arrays, got {describe(i)}")
        out.append(i)
    return tuple(out)


@register
class GetItem(Op):
    """x[index]: ints, slices, None, ..., boolean masks, integer arrays."""
    batch_params = _index_batch_params

    @staticmethod
    def forward(x, *, index):
        return x[index]

    # scatter-add, so repeated integer indices accumulate. First order with a basic
    # index: the piece itself, which the engine sums with its siblings into one array
    # (see _graph.SliceGrads: T slices of one tensor would otherwise cost T full-size zeros)
    @staticmethod
    def vjp(ctx, g):
        index = ctx.params["index"]
        if type(g) is np.ndarray and ctx.meta is not None and g.shape == ctx.meta[0] \
                and _is_basic(index):
            return (SliceGrads(ctx.in_shapes[0], index, g),)
        return (call(IndexAdd, g, shape=ctx.in_shapes[0], index=index),)

    jvp = LINEAR


@register
class IndexAdd(Op):
    """zeros(shape) with x added at `index` (repeated indices accumulate)."""
    batch_params = _batched_index_add

    @staticmethod
    def forward(x, *, shape, index):
        out = np.zeros(shape, dtype=x.dtype)
        if _is_basic(index) or _single_mask(index):
            out[index] = x
        else:
            np.add.at(out, index, x)
        return out

    @staticmethod
    def vjp(ctx, g):
        return (call(GetItem, g, index=ctx.params["index"]),)

    jvp = LINEAR


def _single_mask(index):
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    return len(arrays) == 1 and arrays[0].dtype == np.bool_


@register
class IndexPut(Op):
    """A copy of x with v written at `index` (the recorded form of `x[index] = v`)."""
    args = ("x", "v")

    @staticmethod
    def forward(x, v, *, index):
        out = np.array(x, copy=True)
        out[index] = v
        return out

    @staticmethod
    def vjp(ctx, g):
        index = ctx.params["index"]
        gx = call(IndexPut, g, 0.0, index=index) if ctx.needs_grad[0] else None
        gv = call(GetItem, g, index=index) if ctx.needs_grad[1] else None
        lost = overwritten(tuple(g.shape), index) if ctx.needs_grad[1] else None
        if lost is not None:        # a value overwritten by a later one gets nothing
            gv = call(IndexPut, gv, 0.0, index=(lost,))
        return gx, gv

    @staticmethod
    def jvp(ctx, dx, dv):
        if dx is None:
            dx = np.zeros(ctx.in_shapes[0])
        return call(IndexPut, dx, 0.0 if dv is None else dv, index=ctx.params["index"])


@register
class Concatenate(Op):
    """Join tensors along an existing axis."""
    batching = "aware"
    args = ()

    @staticmethod
    def forward(*xs, axis, sizes):
        return np.concatenate(xs, axis=axis)

    # `sizes` (each input's length along axis) is a param: in_shapes has no entry for
    # plain-array inputs, whose slices still have to be skipped
    @staticmethod
    def vjp(ctx, g):
        axis = ctx.params["axis"]
        grads, start = [], 0
        for need, size in zip(ctx.needs_grad, ctx.params["sizes"]):
            stop = start + size
            if need:
                index = (slice(None),) * axis + (slice(start, stop),)
                grads.append(call(GetItem, g, index=index))
            else:
                grads.append(None)
            start = stop
        return tuple(grads)

    @staticmethod
    def jvp(ctx, *ds):
        ds = [tangent_zeros(ctx, s) if d is None else d for d, s in zip(ds, ctx.in_shapes)]
        shift = 0 if ctx.batched is None else 1
        return call(Concatenate, *ds, axis=ctx.params["axis"] + shift,
                    sizes=ctx.params["sizes"])


@register
class Stack(Op):
    """Join tensors along a new axis."""
    batching = "aware"
    args = ()

    @staticmethod
    def forward(*xs, axis):
        return np.stack(xs, axis=axis)

    @staticmethod
    def vjp(ctx, g):
        axis = ctx.params["axis"]
        return tuple(call(GetItem, g, index=(slice(None),) * axis + (i,)) if need else None
                     for i, need in enumerate(ctx.needs_grad))

    @staticmethod
    def jvp(ctx, *ds):
        ds = [tangent_zeros(ctx, s) if d is None else d for d, s in zip(ds, ctx.in_shapes)]
        shift = 0 if ctx.batched is None else 1
        return call(Stack, *ds, axis=ctx.params["axis"] + shift)


# ------------------------------------------------------------------ public functions

def reshape(x: ArrayLike, shape: ShapeLike, *more: Any) -> Tensor:
    """x with a new shape (a tuple, or the sizes as separate arguments); one entry may
    be -1. The gradient is reshaped back.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        shape: the new shape, a tuple (one entry may be -1: inferred).
        *more: the sizes as separate ints instead of one tuple.

    Returns:
        A tensor of the new shape and x's dtype.

    Raises:
        ValueError: the number of elements differs.

    >>> x = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> y = tg.reshape(x, (2, -1))
    >>> y.tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> (y * tg.tensor([[1.0], [10.0]])).sum().backward()
    >>> x.grad
    tensor([ 1.,  1., 10., 10.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("reshape", "x", x)
    if more:
        shape = (shape, *more)
    elif not isinstance(shape, (tuple, list)):
        shape = (shape,)
    shape = _int_shape("reshape", shape)
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: only one dimension can be -1, got shape {shape}")
    if any(s < -1 for s in shape):
        raise ValueError(f"reshape: sizes must be >= 0 (or one -1), got shape {shape}")
    size = _size(x)
    known = int(np.prod([s for s in shape if s != -1]))
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (
            -1 in shape and (known == 0 or size % known)):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {np.shape(_raw(x))} "
                         f"({size} elements) into shape {shape}")
    if -1 in shape:
        shape = tuple(size // known if s == -1 else s for s in shape)
    return apply(Reshape, x, shape=shape)


def _raw(x):
    return x._data if isinstance(x, Tensor) else x


def _int_shape(op, shape):
    """A shape as a tuple of ints; anything else raises TypeError naming `op`."""
    if isinstance(shape, (Tensor, np.ndarray)):
        shape = np.asarray(raw_values(_raw(shape), op)).tolist()
    try:
        entries = tuple(shape)
    except TypeError:
        raise TypeError(f"{op}: shape must be a sequence of ints, got "
                        f"{describe(shape)}") from None
    out = []
    for s in entries:
        if isinstance(s, int) and not isinstance(s, bool):
            out.append(s)
        elif isinstance(s, np.integer):
            out.append(int(s))
        elif isinstance(s, Tensor) and s.ndim == 0 and s.dtype.kind in "iu":
            out.append(int(s._data))      # tf.reshape(g, [tf.reduce_prod(shape), 1])
        else:
            raise TypeError(f"{op}: shape must be ints, got {describe(s)}")
    return tuple(out)


def _size(x):
    return int(np.size(_raw(x)))


def transpose(x: ArrayLike, axes: Axis = None, *more: Any, perm: Axis = None) -> Tensor:
    """Permute axes (reverse them when `axes` is None). TF: transpose(perm=); PyTorch:
    permute.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axes: a permutation of x's axes (None: reverse them).
        *more: the permutation as separate ints; two alone swap two axes (as torch).
        perm: TF's name for `axes`.

    Returns:
        x with its axes permuted.

    Raises:
        ValueError: axes is not a permutation of x's axes.

    >>> x = tg.tensor([[1.0, 2.0, 3.0]])
    >>> tg.transpose(x).tolist()
    [[1.0], [2.0], [3.0]]
    >>> tg.transpose(tg.ones((2, 3, 4)), (1, 2, 0)).shape
    (3, 4, 2)
    """
    if not isinstance(x, Tensor):
        x = check_operand("transpose", "x", x)
    nd = np.ndim(_raw(x))
    if perm is not None:
        axes = perm
    if len(more) == 1 and isinstance(axes, (int, np.integer)):     # torch's (x, dim0, dim1)
        return swapaxes(x, axes, more[0])
    if more:
        axes = (axes, *more)
    if axes is None:
        axes = tuple(range(nd))[::-1]
    elif not isinstance(axes, (tuple, list)):
        axes = (axes,)
    if len(axes) != nd:
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of a tensor "
                         f"with {nd} dimension(s)")
    axes = tuple(check_axis("transpose", a, nd, "axes") for a in axes)
    if sorted(axes) != list(range(nd)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of a tensor with "
                         f"{nd} dimension(s)")
    return apply(Transpose, x, axes=axes)


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (PyTorch also: transpose(x, dim0, dim1)).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis1: one axis.
        axis2: the other axis.

    Returns:
        x with the two axes exchanged.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> tg.swapaxes(tg.ones((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    if not isinstance(x, Tensor):
        x = check_operand("swapaxes", "x", x)
    nd = np.ndim(_raw(x))
    a, b = check_axis("swapaxes", axis1, nd, "axis1"), check_axis("swapaxes", axis2, nd, "axis2")
    perm = list(range(nd))
    perm[a], perm[b] = perm[b], perm[a]
    return apply(Transpose, x, axes=tuple(perm))


def squeeze(x: ArrayLike, axis: Axis = None, *, dim: Axis = None) -> Tensor:
    """Drop size-1 axes (all of them, or the ones named). Named as NumPy names them
    (`axis`, or positionally), an axis whose size is not 1 raises, as `np.squeeze`;
    named by PyTorch's keyword `dim=`, it is left as it is, as `torch.squeeze`.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the size-1 axis or axes to drop (None: all of them).
        dim: PyTorch's form: the axes to drop where their size is 1.

    Returns:
        x without those axes.

    Raises:
        ValueError: an axis named by `axis` does not have size 1.
        TypeError: both axis and dim given.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> x = tg.ones((1, 2, 1))
    >>> tg.squeeze(x).shape, tg.squeeze(x, 0).shape, tg.squeeze(x, dim=1).shape
    ((2,), (2, 1), (1, 2, 1))
    """
    if not isinstance(x, Tensor):
        x = check_operand("squeeze", "x", x)
    strict = dim is None
    if not strict:
        if axis is not None:
            raise TypeError("squeeze: give axis (NumPy) or dim (PyTorch), not both")
        axis = dim
    shape = np.shape(_raw(x))
    if axis is None:
        new = tuple(s for s in shape if s != 1)
    else:
        axes = normalize_axis(axis, len(shape), "squeeze")
        for a in axes:
            if strict and shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has size {shape[a]}, not 1 "
                                 f"(shape {shape}); dim= leaves it, as torch.squeeze")
        new = tuple(s for i, s in enumerate(shape) if i not in axes or s != 1)
    return apply(Reshape, x, shape=new)


def expand_dims(x: ArrayLike, axis: Axis) -> Tensor:
    """Insert a size-1 axis at `axis` (TF/NumPy spelling of unsqueeze); negative axes
    count from the end of the result.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: where the new axis goes (negative counts from the end of the result).

    Returns:
        x with one more axis, of size 1.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> x = tg.tensor([1.0, 2.0])
    >>> tg.expand_dims(x, 0).shape, tg.expand_dims(x, -1).shape
    ((1, 2), (2, 1))
    """
    if not isinstance(x, Tensor):
        x = check_operand("expand_dims", "x", x)
    shape = list(np.shape(_raw(x)))
    shape.insert(check_axis("expand_dims", axis, len(shape) + 1), 1)
    return apply(Reshape, x, shape=tuple(shape))


def unsqueeze(x: ArrayLike, dim: Axis) -> Tensor:
    """PyTorch spelling of expand_dims: a size-1 axis inserted at `dim`.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: where the new axis goes.

    Returns:
        x with one more axis, of size 1.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> tg.unsqueeze(tg.tensor([1.0, 2.0]), 1).shape
    (2, 1)
    """
    return expand_dims(x, dim)


def flatten(x: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes start_dim..end_dim into one (all axes by default), as torch.flatten.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        start_dim: the first axis to merge.
        end_dim: the last axis to merge (inclusive).

    Returns:
        x with those axes merged into one.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> x = tg.ones((2, 3, 4))
    >>> tg.flatten(x).shape, tg.flatten(x, 1).shape
    ((24,), (2, 12))
    """
    if not isinstance(x, Tensor):
        x = check_operand("flatten", "x", x)
    shape = np.shape(_raw(x))
    s = check_axis("flatten", start_dim, len(shape), "start_dim")
    e = check_axis("flatten", end_dim, len(shape), "end_dim")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                         f"(shape {shape})")
    if not shape:
        return apply(Reshape, x, shape=(1,))
    new = shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:]
    return apply(Reshape, x, shape=new)


def broadcast_to(x: ArrayLike, shape: ShapeLike) -> Tensor:
    """x broadcast to `shape` following NumPy's rules (PyTorch: expand). The gradient
    sums over the broadcast axes.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        shape: the target shape.

    Returns:
        x broadcast to shape.

    Raises:
        ValueError: x's shape does not broadcast to shape.

    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = tg.broadcast_to(x, (3, 2))
    >>> y.shape
    (3, 2)
    >>> y.sum().backward()
    >>> x.grad
    tensor([3., 3.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("broadcast_to", "x", x)
    shape = _int_shape("broadcast_to", (shape,) if isinstance(shape, (int, np.integer))
                       else shape)
    src = np.shape(_raw(x))
    if -1 in shape:             # PyTorch's -1: that dimension as it is
        lead = len(shape) - len(src)
        if any(s == -1 for s in shape[:max(lead, 0)]):
            raise ValueError(f"broadcast_to: -1 is not allowed for a new leading dimension "
                             f"(shape {shape} for an input of shape {src})")
        shape = tuple(src[i - lead] if s == -1 else s for i, s in enumerate(shape))
    if broadcast_shapes("broadcast_to", src, shape) != shape:
        raise ValueError(shapes_msg("broadcast_to", src, shape,
                                    what="cannot be broadcast (to the second)"))
    return apply(BroadcastTo, x, shape=shape)


def sum_to(x, shape):
    """Sum x down to a shape it was broadcast from."""
    return apply(SumTo, x, shape=tuple(shape))


def getitem(x, index):
    """x[index] with NumPy semantics."""
    for it in index if isinstance(index, tuple) else (index,):
        raw = _raw(it)
        take = getattr(raw, "take_into", None)          # an index batched by tg.vmap
        if take is not None and raw.dtype.kind in "iub":     # (a mask: take refuses it)
            return take(x, index)
    index = _norm_index(index)
    if isinstance(x, Tensor) and picks_one(x, index) and not numpy_caller(3):
        index += (Ellipsis,)    # PyTorch's t[i, j] is a 0-d view, not NumPy's scalar
    try:
        out = apply(GetItem, x, index=index)
    except IndexError as e:
        if str(e).startswith("getitem"):
            raise
        raise IndexError(f"getitem: {e} (tensor of shape {np.shape(_raw(x))})") from None
    if _is_basic(index) and isinstance(x, Tensor) and out._data.base is not None:
        # a view shares the base's version counter (an int-picked element in NumPy-style
        # code is NumPy's scalar, a copy that later writes leave alone)
        _share_version(x, out)
    return out


def setitem_(t, index, value):
    """`t[index] = value` in place; recorded (as IndexPut) when grad is needed."""
    index = _norm_index(index)
    for i in index:
        refuse = getattr(i, "refuse_write", None)       # an index batched by tg.vmap
        if refuse is not None:
            refuse()
    if not isinstance(t, Tensor):
        raise TypeError("setitem_: target must be a Tensor")
    if isinstance(value, Tensor) and t._data.dtype.kind not in "fc":
        value = value._data     # an integer or bool array truncates: no derivative passes
    recording = _local.grad_enabled and (
        t._rg or (isinstance(value, Tensor) and value._rg))
    if recording and t.grad_fn is None and t._rg:
        raise RuntimeError(
            "setitem: a leaf tensor that requires grad cannot be changed in place while "
            "recording; wrap the update in `with tg.no_grad():` or use Variable.assign")
    if not t._data.flags.writeable:
        raise ValueError(f"setitem: this tensor (shape {t.shape}) is a read-only view "
                         "(e.g. from broadcast_to); call .clone() before writing to it")
    if recording:
        _check_view_write(t)
        if t._x is not None and "stale" in t._x and isinstance(value, Tensor):
            clear_stale(t, index, value)
    _state.pre_write(t)
    dual = (_local.fw_levels or _local.fw_default) and (t._fw is not None or (
        isinstance(value, Tensor) and value._fw is not None))
    if recording or dual:
        out = apply(IndexPut, t, value, index=index)
        t._data[index] = out._data[index]
        t.grad_fn = out.grad_fn
        t._rg = out._rg
        t._fw = out._fw
    else:
        t._data[index] = value._data if isinstance(value, Tensor) else value
    t._bump_version()
    if recording or dual:           # the write reaches the bases' histories and tangents
        after_write(t, recording, apply, IndexPut)


_apply.set_refresh(lambda args: refresh(args, apply, GetItem))   # a stale view, rebuilt


def _check_view_write(t):
    """Refuse a recorded write through a view of a leaf. A view of a non-leaf may be
    written (d2l's masked_softmax: X.reshape(-1, n)[~mask] = -1e6): the view gets the
    new history, and setitem_ then marks the base out of date, so a later recorded use
    of the base raises instead of giving a wrong gradient."""
    node = t.grad_fn
    x = t._x
    alias = x.get("alias_of") if x else None
    if alias == "leaf":
        raise RuntimeError(
            f"setitem: this tensor (shape {t.shape}) is a tg.function result that is a view "
            "of a leaf that requires grad; writing into it would change the leaf in place. "
            "Wrap the update in `with tg.no_grad():`, or .clone() the result first")
    if alias == "base":
        raise RuntimeError(
            f"setitem: this tensor (shape {t.shape}) is a tg.function result that is a view "
            "of its argument; a recorded write into it would change the argument without "
            "updating the argument's history. .clone() the result first")
    if type(node) is not Node or t._data.base is None:
        return
    op = node.op
    if not (op.view or (op is GetItem and _is_basic(node.params["index"]))):
        return
    if type(node.next[0]) is AccumulateGrad:
        raise RuntimeError(
            f"setitem: this tensor (shape {t.shape}) is a view of a leaf that requires grad "
            f"(made by {node.name()}); writing into it would change the leaf in place. "
            "Wrap the update in `with tg.no_grad():`, or .clone() the view first")


def concatenate(tensors: Sequence[ArrayLike], axis: Axis = 0, *, dim: Axis = None) -> Tensor:
    """Join along an existing axis (dim= also accepted). TF: concat; PyTorch: cat.

    Args:
        tensors: a non-empty sequence of tensors, equal in shape outside axis.
        axis: the existing axis to join along.
        dim: PyTorch's name for axis.

    Returns:
        The joined tensor.

    Raises:
        ValueError: the shapes differ outside axis, or tensors is empty.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> a = tg.tensor([[1.0, 2.0]], requires_grad=True)
    >>> c = tg.concatenate([a, tg.tensor([[3.0, 4.0]])])
    >>> c.tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> tg.concatenate([a, a], axis=1).sum().backward()
    >>> a.grad
    tensor([[2., 2.]])
    """
    if dim is not None:
        axis = dim
    tensors = _tensor_list("concatenate", tensors)
    shapes = [np.shape(_raw(t)) for t in tensors]
    nd = len(shapes[0])
    axis = check_axis("concatenate", axis, nd)
    for s in shapes[1:]:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0]))
                               if i != axis):
            raise ValueError(shapes_msg("concatenate", *shapes,
                                        what=f"do not match outside axis {axis}"))
    return apply(Concatenate, *tensors, axis=axis, sizes=tuple(s[axis] for s in shapes))


concat = concatenate
cat = concatenate


def _tensor_list(op, tensors):
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: tensors must be a list or tuple of tensors, got "
                        f"{describe(tensors)}")
    if not tensors:
        raise ValueError(f"{op}: need at least one tensor, got an empty {type(tensors).__name__}")
    for t in tensors:
        if not isinstance(t, Tensor):
            check_operand(op, "tensors", t)
    return list(tensors)


def stack(tensors: Sequence[ArrayLike], axis: Axis = 0, *, dim: Axis = None) -> Tensor:
    """Join equally shaped tensors along a new axis (dim= also accepted); each input
    gets its slice of the gradient.

    Args:
        tensors: a non-empty sequence of tensors of one shape.
        axis: where the new axis goes.
        dim: PyTorch's name for axis.

    Returns:
        A tensor with one more axis, of length len(tensors).

    Raises:
        ValueError: the shapes differ, or tensors is empty.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> a = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> s = tg.stack([a, tg.tensor([3.0, 4.0])], axis=1)
    >>> s.tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    >>> (s * tg.tensor([10.0, 1.0])).sum().backward()
    >>> a.grad
    tensor([10., 10.])
    """
    if dim is not None:
        axis = dim
    tensors = _tensor_list("stack", tensors)
    shapes = [np.shape(_raw(t)) for t in tensors]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(shapes_msg("stack", *shapes, what="must all be equal"))
    axis = check_axis("stack", axis, len(shapes[0]) + 1)
    return apply(Stack, *tensors, axis=axis)


# the names `from tapegrad.ops.shape import *` gives (tests/test_all.py)
__all__ = ["Reshape", "Transpose", "BroadcastTo", "SumTo", "GetItem", "IndexAdd", "IndexPut",
           "Concatenate", "Stack", "reshape", "transpose", "swapaxes", "squeeze", "expand_dims",
           "unsqueeze", "flatten", "broadcast_to", "sum_to", "getitem", "setitem_", "concatenate",
           "concat", "cat", "stack"]
