"""Shape-rearranging ops: flip, roll, tile, repeat, pad, and moveaxis, rollaxis, permute,
rot90 and ravel built from them and the ops of shape.py. (Joining and splitting is in
joinsplit.py.)

Seven ops have rules of their own; all are linear, so each JVP is the op itself. The
other functions are compositions of ops (Transpose, Reshape, GetItem), whose rules
already differentiate to any order.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import LINEAR, Op, register
from ._shapes import check_int, check_operand, describe
from .reduce import Sum
from .shape import GetItem, Reshape, Transpose
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike, Axis, ShapeLike


def _axis_shifted(params, ctx):
    """batch_params of an op whose `axis` param is a tuple of axes: one more leading axis."""
    return dict(params, axis=tuple(a + 1 for a in params["axis"]))


def _repeat_batch_params(params, ctx):
    return dict(params, axis=params["axis"] + 1)


def _tile_batch_params(params, ctx):
    return dict(params, reps=(1,) + params["reps"])


@register
class Flip(Op):
    """x with the order of elements reversed along `axis` (a tuple); a view, as np.flip."""
    batch_params = _axis_shifted
    view = True

    @staticmethod
    def forward(x, *, axis):
        return np.flip(x, axis)

    # reversing is its own inverse and its own adjoint
    @staticmethod
    def vjp(ctx, g):
        return (call(Flip, g, axis=ctx.params["axis"]),)

    jvp = LINEAR


def _roll(x, shift, axis):
    """np.roll(x, shift, axis) as two slice copies per axis: np.roll's general index
    bookkeeping costs more than the copies on the small arrays of stencil loops."""
    x = np.asarray(x)
    total = {}
    for s, a in zip(shift, axis):
        total[a] = total.get(a, 0) + s
    out = x
    for a, s in total.items():
        n = out.shape[a]
        s = s % n if n else 0
        if s == 0:
            continue
        res = np.empty_like(out)
        pre = (slice(None),) * a
        res[pre + (slice(s, None),)] = out[pre + (slice(None, n - s),)]
        res[pre + (slice(None, s),)] = out[pre + (slice(n - s, None),)]
        out = res
    return out


@register
class Roll(Op):
    """x shifted cyclically by `shift[i]` along `axis[i]` (np.roll)."""
    batch_params = _axis_shifted

    @staticmethod
    def forward(x, *, shift, axis):
        return _roll(x, shift, axis)

    # a cyclic shift is a permutation: the adjoint shifts back
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(Roll, g, shift=tuple(-s for s in p["shift"]), axis=p["axis"]),)

    jvp = LINEAR


@register
class Tile(Op):
    """x repeated `reps[i]` times along axis i, one rep per axis (np.tile)."""
    batch_params = _tile_batch_params

    @staticmethod
    def forward(x, *, reps):
        return np.tile(x, reps)

    # every copy gets the gradient of its block: view g as (r0, s0, r1, s1, ...) and sum
    # over the r axes
    @staticmethod
    def vjp(ctx, g):
        shape, reps = ctx.in_shapes[0], ctx.params["reps"]
        if not shape:
            return (g,)
        blocks = tuple(n for pair in zip(reps, shape) for n in pair)
        g = call(Reshape, g, shape=blocks)
        return (call(Sum, g, axis=tuple(range(0, len(blocks), 2)), keepdims=False),)

    jvp = LINEAR


@register
class Repeat(Op):
    """Each element of x repeated along `axis`: `repeats` times (an int) or repeats[i]
    times for element i (an integer array), as np.repeat and torch.repeat_interleave."""
    batch_params = _repeat_batch_params

    @staticmethod
    def forward(x, *, repeats, axis):
        return np.repeat(x, repeats, axis)

    # the copies of an element send their gradients back to it: a sum over each run
    @staticmethod
    def vjp(ctx, g):
        shape, axis, repeats = ctx.in_shapes[0], ctx.params["axis"], ctx.params["repeats"]
        if isinstance(repeats, int):
            runs = shape[:axis] + (shape[axis], repeats) + shape[axis + 1:]
            g = call(Reshape, g, shape=runs)
            return (call(Sum, g, axis=(axis + 1,), keepdims=False),)
        source = _frozen_index(np.repeat(np.arange(shape[axis]), repeats))
        index = (None,) * axis + (source,)
        return (call(OuterTakeSum, g, index=index, shape=shape),)

    jvp = LINEAR


@register
class Pad(Op):
    """x with constant borders: `pad_width` ((before, after) per axis) filled with
    `values` ((before, after) per axis), as np.pad(mode="constant"). Linear in x plus a
    constant, so the tangent is the tangent padded with zeros."""
    batching = "aware"

    @staticmethod
    def forward(x, *, pad_width, values):
        v = values[0][0] if values else 0.0
        if any(a != v or b != v for a, b in values):
            return np.pad(x, pad_width, mode="constant", constant_values=values)
        # one fill value: a filled array with x written in is np.pad's result, faster
        shape = tuple(n + b + a for n, (b, a) in zip(x.shape, pad_width))
        out = np.full(shape, v, dtype=x.dtype)
        out[tuple(slice(b, b + n) for n, (b, _) in zip(x.shape, pad_width))] = x
        return out

    # the border does not depend on x: the gradient is g without it
    @staticmethod
    def vjp(ctx, g):
        pw = ctx.params["pad_width"]
        index = tuple(slice(b, b + n) for (b, _), n in zip(pw, ctx.in_shapes[0]))
        return (call(GetItem, g, index=index),)

    @staticmethod
    def jvp(ctx, dx):
        pw = ctx.params["pad_width"]
        if ctx.batched is not None:
            pw = ((0, 0),) + pw
        return call(Pad, dx, pad_width=pw, values=((0.0, 0.0),) * len(pw))


def _take_batch_params(params, ctx):
    return dict(params, index=(None,) + params["index"])


def _take_sum_batch_params(params, ctx):
    return dict(params, index=(None,) + params["index"],
                shape=(ctx.batched,) + params["shape"])


@register
class OuterTake(Op):
    """x[ix_(...)]: along each axis i whose index[i] is not None, the elements index[i]
    names, repeats allowed (np.pad's edge, reflect, symmetric and wrap modes)."""
    batch_params = _take_batch_params

    @staticmethod
    def forward(x, *, index):
        for axis, idx in enumerate(index):
            if idx is not None:
                x = np.take(x, idx, axis=axis)
        return x

    # the adjoint of a gather sums each copy back to where it came from
    @staticmethod
    def vjp(ctx, g):
        return (call(OuterTakeSum, g, index=ctx.params["index"], shape=ctx.in_shapes[0]),)

    jvp = LINEAR


@register
class OuterTakeSum(Op):
    """The adjoint of OuterTake: along each indexed axis, the slices of x summed into the
    positions index[i] names, in a tensor of `shape`."""
    batch_params = _take_sum_batch_params

    @staticmethod
    def forward(x, *, index, shape):
        for axis, idx in enumerate(index):
            if idx is not None:
                x = _sum_into(x, idx, shape[axis], axis)
        return x

    # and the adjoint of that sum is the gather again
    @staticmethod
    def vjp(ctx, g):
        return (call(OuterTake, g, index=ctx.params["index"]),)

    jvp = LINEAR


def _sum_into(x, idx, n, axis):
    """Slices of x along `axis` summed into positions idx of an axis of length n: sorted
    runs of equal indices reduced at once (np.add.at is several times slower)."""
    shape = x.shape[:axis] + (n,) + x.shape[axis + 1:]
    out = np.zeros(shape, dtype=x.dtype)
    if idx.size == 0:
        return out
    order = np.argsort(idx, kind="stable")
    ordered = idx[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sums = np.add.reduceat(np.take(x, order, axis=axis), starts, axis=axis)
    out[(slice(None),) * axis + (ordered[starts],)] = sums
    return out


def _frozen_index(a):
    """An index array the graph may keep without copying (nothing can write to it)."""
    a.flags.writeable = False
    return a


# ------------------------------------------------------------------ argument helpers

def _operand(op, x):
    return x if isinstance(x, Tensor) else check_operand(op, "x", x)


def _shape(x):
    return x.shape if isinstance(x, Tensor) else np.shape(x)


def _axis(op, axis, ndim, name="axis"):
    """One axis in [-ndim, ndim) as a non-negative int (a 0-d tensor has none, as NumPy)."""
    if not (isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_))):
        raise TypeError(f"{op}: {name} must be an int, got {describe(axis)}")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{op}: {name} {axis} is out of range for a tensor "
                                      f"with {ndim} dimension(s)")
    return axis % ndim


def _axes(op, axes, ndim, name="axis", unique=True):
    """An int or a sequence of ints as a list of non-negative axes, in the order given."""
    if isinstance(axes, (Tensor, np.ndarray)):
        axes = axes.tolist()
    seq = axes if isinstance(axes, (list, tuple)) else (axes,)
    out = [_axis(op, a, ndim, name) for a in seq]
    if unique and len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {name}={axes!r}")
    return out


def _ints(op, name, v):
    """An int or a sequence (list, tuple, array, tensor) of ints as a tuple of ints."""
    if isinstance(v, Tensor):
        v = v._data
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "iu" or v.ndim > 1:
            raise TypeError(f"{op}: {name} must be an int or a 1-D sequence of ints, got "
                            f"{describe(v)}")
        return tuple(int(i) for i in v.ravel())
    if isinstance(v, (list, tuple)):
        return tuple(check_int(op, name, i) for i in v)
    return (check_int(op, name, v),)


def _either(op, a, a_name, b, b_name):
    """NumPy's and PyTorch's names for one argument: give one of them."""
    if b is None:
        return a
    if a is not None:
        raise TypeError(f"{op}: give either {a_name}= or {b_name}=, not both")
    return b


# ------------------------------------------------------------------ axes

def moveaxis(x: ArrayLike, source: Axis, destination: Axis) -> Tensor:
    """Move axes of x at `source` to positions `destination`; the others keep their order.
    PyTorch: movedim.

    Args:
        x: a tensor, array or number.
        source: an axis or a sequence of axes to move.
        destination: their new positions (as many as source).

    >>> tg.moveaxis(tg.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _operand("moveaxis", x)
    nd = len(_shape(x))
    src = _axes("moveaxis", source, nd, "source")
    dst = _axes("moveaxis", destination, nd, "destination")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source and destination must have the same number of "
                         f"axes, got {source!r} and {destination!r}")
    order = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return apply(Transpose, x, axes=tuple(order))


def rollaxis(x: ArrayLike, axis: Axis, start: float = 0) -> Tensor:
    """np.rollaxis: move `axis` to just before position `start` (moveaxis reads better).

    Args:
        x: a tensor, array or number.
        axis: the axis moved.
        start: the position it is moved before (0 to x.ndim).

    >>> tg.rollaxis(tg.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    x = _operand("rollaxis", x)
    nd = len(_shape(x))
    axis = _axis("rollaxis", axis, nd)
    start = check_int("rollaxis", "start", start)
    if not -nd <= start <= nd:
        raise np.exceptions.AxisError(f"rollaxis: start {start} is out of range for a "
                                      f"tensor with {nd} dimension(s)")
    start = start + nd if start < 0 else start
    order = [a for a in range(nd) if a != axis]
    order.insert(start - 1 if axis < start else start, axis)
    return apply(Transpose, x, axes=tuple(order))


def movedim(x: ArrayLike, source: Axis, destination: Axis) -> Tensor:
    """PyTorch spelling of moveaxis.

    Args:
        x: a tensor, array or number.
        source: an axis or a sequence of axes to move.
        destination: their new positions (as many as source).

    >>> tg.movedim(tg.zeros((2, 3, 4)), (0, 1), (2, 0)).shape
    (3, 4, 2)
    """
    return moveaxis(x, source, destination)


def permute(x: ArrayLike, *dims: int | Sequence[int]) -> Tensor:
    """Reorder the axes of x (torch.permute): `permute(x, (2, 0, 1))` or
    `permute(x, 2, 0, 1)`.

    Args:
        x: a tensor, array or number.
        *dims: a permutation of range(x.ndim), as one sequence or as separate ints.

    >>> tg.permute(tg.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    x = _operand("permute", x)
    if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        dims = dims[0]
    nd = len(_shape(x))
    axes = _axes("permute", dims, nd, "dims")
    if len(axes) != nd:
        raise ValueError(f"permute: dims {tuple(dims)} are not a permutation of a tensor "
                         f"with {nd} dimension(s)")
    return apply(Transpose, x, axes=tuple(axes))


def swapdims(x: ArrayLike, dim0: int, dim1: int) -> Tensor:
    """PyTorch spelling of swapaxes.

    Args:
        x: a tensor, array or number.
        dim0: the first axis.
        dim1: the axis exchanged with dim0.

    >>> tg.swapdims(tg.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = _operand("swapdims", x)
    nd = len(_shape(x))
    perm = list(range(nd))
    a, b = _axis("swapdims", dim0, nd, "dim0"), _axis("swapdims", dim1, nd, "dim1")
    perm[a], perm[b] = perm[b], perm[a]
    return apply(Transpose, x, axes=tuple(perm))


def unflatten(x: ArrayLike, dim: Axis, sizes: ShapeLike) -> Tensor:
    """Split axis `dim` into axes of `sizes` (one may be -1), as torch.unflatten.

    Args:
        x: a tensor, array or number.
        dim: the axis split.
        sizes: the new axes' sizes, whose product is x.shape[dim].

    >>> tg.unflatten(tg.zeros((2, 6)), 1, (3, -1)).shape
    (2, 3, 2)
    """
    x = _operand("unflatten", x)
    shape = tuple(_shape(x))
    dim = _axis("unflatten", dim, len(shape), "dim")
    sizes = _ints("unflatten", "sizes", sizes)
    known = int(np.prod([s for s in sizes if s != -1]))
    if not sizes or sizes.count(-1) > 1 or any(s < -1 for s in sizes) or (
            -1 not in sizes and known != shape[dim]) or (
            -1 in sizes and (known == 0 or shape[dim] % known)):
        raise ValueError(f"unflatten: sizes {sizes} do not split dim {dim} of size "
                         f"{shape[dim]} (shape {shape})")
    sizes = tuple(shape[dim] // known if s == -1 else s for s in sizes)
    return apply(Reshape, x, shape=shape[:dim] + sizes + shape[dim + 1:])


def ravel(x: ArrayLike) -> Tensor:
    """x as a 1-D tensor (a view where NumPy gives one).

    Args:
        x: a tensor, array or number.

    >>> tg.ravel(tg.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    x = _operand("ravel", x)
    return apply(Reshape, x, shape=(int(np.prod(_shape(x))),))


# ------------------------------------------------------------------ flips and rotations

def flip(x: ArrayLike, axis: Axis = None, *, dims: Axis = None) -> Tensor:
    """Reverse the order of elements along `axis` (all axes when None, as np.flip).
    PyTorch: flip(x, dims).

    Args:
        x: the input, a tensor or a number or array-like.
        axis: an axis or a tuple of axes to reverse; None for all.
        dims: PyTorch's name for axis.

    Returns:
        A tensor of x's shape.

    >>> tg.flip(tg.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [3.0, 2.0, 1.0]
    """
    x = _operand("flip", x)
    name = "axis" if dims is None else "dims"
    axis = _either("flip", axis, "axis", dims, "dims")
    nd = len(_shape(x))
    axes = tuple(range(nd)) if axis is None else tuple(_axes("flip", axis, nd, name))
    return apply(Flip, x, axis=axes)


def fliplr(x: ArrayLike) -> Tensor:
    """Reverse the order of columns (axis 1); x needs at least 2 dimensions.

    Args:
        x: the input, a tensor or a number or array-like, with at least 2 dimensions.

    Returns:
        A tensor of x's shape.

    >>> tg.fliplr(tg.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[2.0, 1.0], [4.0, 3.0]]
    """
    x = _operand("fliplr", x)
    if len(_shape(x)) < 2:
        raise ValueError(f"fliplr: x must have at least 2 dimensions, got shape {_shape(x)}")
    return apply(Flip, x, axis=(1,))


def flipud(x: ArrayLike) -> Tensor:
    """Reverse the order of rows (axis 0); x needs at least 1 dimension.

    Args:
        x: the input, a tensor or a number or array-like, with at least 1 dimension.

    Returns:
        A tensor of x's shape.

    >>> tg.flipud(tg.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[3.0, 4.0], [1.0, 2.0]]
    """
    x = _operand("flipud", x)
    if len(_shape(x)) < 1:
        raise ValueError("flipud: x must have at least 1 dimension, got a 0-d tensor")
    return apply(Flip, x, axis=(0,))


def rot90(x: ArrayLike, k: int = 1, axes: Axis = (0, 1), *, dims: Axis = None) -> Tensor:
    """Rotate by 90 degrees `k` times in the plane of `axes`, from the first axis towards
    the second (np.rot90; PyTorch: rot90(x, k, dims)).

    Args:
        x: a tensor with at least 2 dimensions.
        k: the number of quarter turns (negative turns the other way).
        axes: the two axes of the plane of rotation.
        dims: PyTorch's name for axes.

    >>> tg.rot90(tg.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[2.0, 4.0], [1.0, 3.0]]
    """
    x = _operand("rot90", x)
    name = "axes" if dims is None else "dims"
    axes = axes if dims is None else dims
    k = check_int("rot90", "k", k)
    shape = _shape(x)
    nd = len(shape)
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"rot90: {name} must be two axes, got {axes!r}")
    if nd < 2:
        raise ValueError(f"rot90: x must have at least 2 dimensions, got shape {shape}")
    a, b = (_axis("rot90", v, nd, name) for v in axes)
    if a == b:
        raise ValueError(f"rot90: the two {name} must differ, got {axes!r}")
    k %= 4
    if k == 0:
        return apply(Reshape, x, shape=shape)
    if k == 2:
        return apply(Flip, x, axis=(a, b))
    perm = list(range(nd))
    perm[a], perm[b] = perm[b], perm[a]
    if k == 1:
        return apply(Transpose, apply(Flip, x, axis=(b,)), axes=tuple(perm))
    return apply(Flip, apply(Transpose, x, axes=tuple(perm)), axis=(b,))


def roll(x: ArrayLike, shift: int | Sequence[int] | None = None, axis: Axis = None, *,
         shifts: int | Sequence[int] | None = None, dims: Axis = None) -> Tensor:
    """Shift elements cyclically by `shift` along `axis` (over the flattened tensor when
    axis is None). Shifts and axes pair up with NumPy broadcasting; shifts of one axis
    add up. PyTorch: roll(x, shifts, dims).

    Args:
        x: a tensor, array or number.
        shift: an int or a sequence of ints (positive: towards higher indices).
        axis: an axis or a sequence of axes; None rolls the flattened tensor.
        shifts: PyTorch's name for shift.
        dims: PyTorch's name for axis.

    >>> tg.roll(tg.tensor([1.0, 2.0, 3.0]), 1).tolist()
    [3.0, 1.0, 2.0]
    """
    if (x.__class__ is Tensor and shift.__class__ is int and axis.__class__ is int
            and shifts is None and dims is None):
        nd = x._data.ndim           # one int shift along one int axis: the stencil case
        if -nd <= axis < nd:
            return apply(Roll, x, shift=(shift,), axis=(axis % nd,))
    x = _operand("roll", x)
    sname = "shift" if shifts is None else "shifts"
    aname = "axis" if dims is None else "dims"
    shift = _either("roll", shift, "shift", shifts, "shifts")
    axis = _either("roll", axis, "axis", dims, "dims")
    if shift is None:
        raise TypeError("roll: missing the shift (an int or a sequence of ints)")
    shift = _ints("roll", sname, shift)
    shape = _shape(x)
    if axis is None:
        flat = apply(Reshape, x, shape=(int(np.prod(shape)),))
        out = apply(Roll, flat, shift=(sum(shift),), axis=(0,))
        return apply(Reshape, out, shape=shape)
    axes = _axes("roll", axis, len(shape), aname, unique=False)
    if len(shift) != len(axes) and 1 not in (len(shift), len(axes)):
        raise ValueError(f"roll: {sname} {shift} and {aname} {tuple(axes)} do not pair up "
                         "(give one of each, or equally many)")
    n = max(len(shift), len(axes))
    total: dict[Any, Any] = {}
    for s, a in zip(shift * n if len(shift) == 1 else shift, axes * n if len(axes) == 1
                    else axes):
        total[a] = total.get(a, 0) + s
    return apply(Roll, x, shift=tuple(total.values()), axis=tuple(total))


# ------------------------------------------------------------------ repeats

def tile(x: ArrayLike, reps: ShapeLike, *, dims: Axis = None) -> Tensor:
    """x repeated `reps[i]` times along axis i (np.tile, torch.tile): a shorter `reps` is
    padded with leading 1s, a shorter x gets leading axes of size 1.

    Args:
        x: a tensor, array or number.
        reps: an int or a sequence of repetition counts.
        dims: PyTorch's name for reps.

    >>> tg.tile(tg.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    x = _operand("tile", x)
    name = "reps" if dims is None else "dims"
    reps = _ints("tile", name, reps if dims is None else dims)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: {name} must be >= 0, got {reps}")
    shape = _shape(x)
    if len(shape) < len(reps):
        shape = (1,) * (len(reps) - len(shape)) + tuple(shape)
        x = apply(Reshape, x, shape=shape)
    reps = (1,) * (len(shape) - len(reps)) + reps
    return apply(Tile, x, reps=reps)


def _repeat(op, x, repeats, axis, axis_name):
    x = _operand(op, x)
    shape = _shape(x)
    if axis is None:
        x = apply(Reshape, x, shape=(int(np.prod(shape)),))
        shape, axis = _shape(x), 0
    axis = _axis(op, axis, len(shape), axis_name)
    if isinstance(repeats, Tensor):
        repeats = repeats._data
    if isinstance(repeats, (list, tuple)):
        repeats = np.asarray(repeats) if repeats else np.zeros(0, dtype=np.int64)
    if isinstance(repeats, np.ndarray):
        if repeats.dtype.kind not in "iu" or repeats.ndim > 1:
            raise TypeError(f"{op}: repeats must be an int or a 1-D sequence of ints, got "
                            f"{describe(repeats)}")
        if repeats.size == 1:
            repeats = int(repeats.ravel()[0])
        elif repeats.shape[0] != shape[axis]:
            raise ValueError(f"{op}: repeats has {repeats.shape[0]} entries, but axis "
                             f"{axis} has length {shape[axis]} (shape {shape})")
        elif (repeats < 0).any():
            raise ValueError(f"{op}: repeats must be >= 0, got {repeats.tolist()}")
        else:
            repeats = repeats.astype(np.int64)
    else:
        repeats = check_int(op, "repeats", repeats)
    if isinstance(repeats, int) and repeats < 0:
        raise ValueError(f"{op}: repeats must be >= 0, got {repeats}")
    return apply(Repeat, x, repeats=repeats, axis=axis)


def repeat(x: ArrayLike, repeats: ArrayLike, axis: Axis = None) -> Tensor:
    """Repeat each element of x `repeats` times (or repeats[i] times for element i) along
    `axis`, over the flattened x when axis is None: np.repeat. (PyTorch's Tensor.repeat
    is tile; its np.repeat is repeat_interleave.)

    Args:
        x: a tensor, array or number.
        repeats: an int, or one count per element along axis.
        axis: the axis repeated along; None flattens x first.

    >>> tg.repeat(tg.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    return _repeat("repeat", x, repeats, axis, "axis")


def repeat_interleave(x: ArrayLike, repeats: ArrayLike, dim: Axis = None, *,
                      output_size: int | None = None) -> Tensor:
    """PyTorch's repeat_interleave: np.repeat with `dim` for `axis`.

    Args:
        x: a tensor, array or number.
        repeats: an int, or one count per element along dim.
        dim: the axis repeated along; None flattens x first.
        output_size: the result's length along dim, if known (checked).

    >>> tg.repeat_interleave(tg.tensor([[1.0, 2.0]]), tg.tensor([1, 2]), dim=1).tolist()
    [[1.0, 2.0, 2.0]]
    """
    out = _repeat("repeat_interleave", x, repeats, dim, "dim")
    if output_size is not None and out.shape[dim or 0] != output_size:
        raise ValueError(f"repeat_interleave: output_size is {output_size}, but the "
                         f"repeats give {out.shape[dim or 0]}")
    return out


# ------------------------------------------------------------------ pad

_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pairs(op, name, v, nd, kind):
    """NumPy's per-axis (before, after) spec: a number, (n,), (before, after), or one pair
    per axis, as an (nd, 2) tuple of tuples."""
    if isinstance(v, Tensor):
        v = v._data
    what = "ints" if kind is int else "numbers"
    try:
        arr = np.asarray(v)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.dtype.kind not in ("iu" if kind is int else "iuf"):
        raise TypeError(f"{op}: {name} must be {what}, got {describe(v)}")
    try:
        pairs = np.broadcast_to(arr, (nd, 2))
    except ValueError:
        raise ValueError(f"{op}: {name} must be n, (n,), (before, after) or one (before, "
                         f"after) per axis of a {nd}-d tensor, got shape {arr.shape}") from None
    return tuple((kind(a), kind(b)) for a, b in pairs.tolist())


def _source_index(mode, n, before, after):
    """Which element of an axis of length n each padded position copies. Past the edge
    NumPy reflects again and again, which is periodic: in 2n for symmetric, 2n - 2 for
    reflect."""
    p = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(p, 0, n - 1)
    if mode == "wrap":
        return p % n
    if mode == "reflect" and n == 1:
        return np.zeros_like(p)
    period = 2 * n if mode == "symmetric" else 2 * n - 2
    q = p % period
    return np.where(q < n, q, period - 1 - q if mode == "symmetric" else period - q)


def pad(x: ArrayLike, pad_width: Any, mode: str = "constant", *, constant_values: int = 0,
        reflect_type: str = "even") -> Tensor:
    """np.pad: x with `pad_width` ((before, after) per axis) added around it. Modes
    "constant" (with `constant_values`), "edge", "reflect", "symmetric" and "wrap". The
    gradient of x sums back every copy of each element. (PyTorch's nn.functional.pad takes
    its widths from the last axis backwards.)

    Args:
        x: a tensor, array or number.
        pad_width: (before, after) per axis, one pair for all axes, or an int.
        mode: "constant", "edge", "reflect", "symmetric" or "wrap".
        constant_values: the fill value of mode "constant".
        reflect_type: "even" only (NumPy's default).

    >>> tg.pad(tg.tensor([1.0, 2.0]), (1, 2), mode="edge").tolist()
    [1.0, 1.0, 2.0, 2.0, 2.0]
    """
    x = _operand("pad", x)
    shape = tuple(_shape(x))
    nd = len(shape)
    pw = _pairs("pad", "pad_width", pad_width, nd, int)
    if any(n < 0 for pair in pw for n in pair):
        raise ValueError(f"pad: pad_width must be >= 0, got {pad_width!r}")
    if mode != "constant" and mode not in _GATHER_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use 'constant', "
                         + ", ".join(repr(m) for m in _GATHER_MODES))
    if reflect_type != "even":
        raise ValueError(f"pad: reflect_type {reflect_type!r} is not supported (only "
                         "'even')")
    if mode == "constant":
        values = _pairs("pad", "constant_values", constant_values, nd, float)
        if not nd:
            return apply(Reshape, x, shape=())     # nothing to pad, as NumPy
        return apply(Pad, x, pad_width=pw, values=values)
    # each mode is a gather along the padded axes, so the gradient sums back
    index = []
    for i, (n, pair) in enumerate(zip(shape, pw)):
        if n == 0 and pair != (0, 0):
            raise ValueError(f"pad: cannot extend the empty axis {i} with mode {mode!r} "
                             "(only 'constant' can)")
        index.append(None if pair == (0, 0) else
                     _frozen_index(_source_index(mode, n, *pair)))
    if not any(i is not None for i in index):
        return apply(Reshape, x, shape=shape)
    return apply(OuterTake, x, index=tuple(index))

# the names `from tapegrad.ops.arrange import *` gives (tests/test_all.py)
__all__ = ["Flip", "Roll", "Tile", "Repeat", "Pad", "OuterTake", "OuterTakeSum", "moveaxis",
           "rollaxis", "movedim", "permute", "swapdims", "unflatten", "ravel", "flip", "fliplr",
           "flipud", "rot90", "roll", "tile", "repeat", "repeat_interleave", "pad"]
