"""Joining and splitting tensors: atleast_*, the stacks, append, the splits, chunk,
unbind, narrow, broadcast_arrays and meshgrid. All are compositions of the shape ops
(Reshape, Concatenate, GetItem, BroadcastTo), whose rules differentiate to any order."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply
from ._shapes import check_axis, check_int, check_operand, describe
from .arrange import _axis, _ints, _operand, _shape, ravel
from .elementwise import clone
from .shape import BroadcastTo, Concatenate, Reshape, _raw, _tensor_list, getitem
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike, Axis


def _renamed(who, fn, *args, **kwargs):
    """fn(*args) with its error messages naming `who` (hstack's errors come from
    concatenate)."""
    try:
        return fn(*args, **kwargs)
    except (TypeError, ValueError) as e:
        msg = str(e)
        head = msg.split(":", 1)
        if len(head) == 2 and head[0] in ("concatenate", "reshape", "getitem"):
            raise type(e)(f"{who}:{head[1]}") from None
        raise


# ------------------------------------------------------------------ at least n dimensions

# where a shape with too few dimensions puts its axes
_PLACE = {1: lambda s: (1,), 2: lambda s: (1,) * (2 - len(s)) + s,
          3: lambda s: (1, 1, 1) if not s else (1, s[0], 1) if len(s) == 1 else s + (1,)}


def _atleast(op, nd, xs):
    if len(xs) == 1 and isinstance(xs[0], (list, tuple)) and xs[0] and all(
            isinstance(t, Tensor) for t in xs[0]):
        xs = tuple(xs[0])                   # PyTorch's atleast_1d((a, b))
    out = []
    for x in xs:
        x = _operand(op, x)
        shape = tuple(_shape(x))
        if len(shape) >= nd and isinstance(x, Tensor):
            out.append(x)
        else:
            out.append(apply(Reshape, x, shape=_PLACE[nd](shape) if len(shape) < nd else shape))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*xs: Any) -> Any:
    """Each input with at least 1 dimension (a 0-d one becomes shape (1,)); one result for
    one input, else a tuple.

    Args:
        *xs: tensors (or anything tg.tensor accepts).

    Returns:
        One tensor with at least 1 dimension(s) per input; a tuple for several.

    >>> tg.atleast_1d(tg.tensor(1.0)).shape
    (1,)
    """
    return _atleast("atleast_1d", 1, xs)


def atleast_2d(*xs: Any) -> Any:
    """Each input with at least 2 dimensions: () -> (1, 1), (n,) -> (1, n).

    Args:
        *xs: tensors (or anything tg.tensor accepts).

    Returns:
        One tensor with at least 2 dimension(s) per input; a tuple for several.

    >>> tg.atleast_2d(tg.zeros(3)).shape
    (1, 3)
    """
    return _atleast("atleast_2d", 2, xs)


def atleast_3d(*xs: Any) -> Any:
    """Each input with at least 3 dimensions: () -> (1, 1, 1), (n,) -> (1, n, 1),
    (m, n) -> (m, n, 1).

    Args:
        *xs: tensors (or anything tg.tensor accepts).

    Returns:
        One tensor with at least 3 dimension(s) per input; a tuple for several.

    >>> tg.atleast_3d(tg.zeros((2, 3))).shape
    (2, 3, 1)
    """
    return _atleast("atleast_3d", 3, xs)


# ------------------------------------------------------------------ stacks

def _join(op, tensors, nd, axis_of):
    tensors = _tensor_list(op, tensors)
    parts = [_atleast(op, nd, (t,)) for t in tensors]
    axis = axis_of(parts)
    shapes = [p.shape for p in parts]
    if any(len(s) != len(shapes[0]) or s[:axis] + s[axis + 1:] != shapes[0][:axis] +
           shapes[0][axis + 1:] for s in shapes):
        raise ValueError(f"{op}: shapes {', '.join(map(str, shapes))} do not match outside "
                         f"axis {axis}")
    return apply(Concatenate, *parts, axis=axis, sizes=tuple(s[axis] for s in shapes))


def hstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Join along axis 1 (axis 0 for 1-D inputs), as np.hstack and torch.hstack.

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        The joined tensor.

    >>> tg.hstack([tg.tensor([1.0]), tg.tensor([2.0, 3.0])]).tolist()
    [1.0, 2.0, 3.0]
    """
    return _join("hstack", tensors, 1, lambda ps: 0 if ps[0].ndim == 1 else 1)


def vstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Join along axis 0 after making inputs at least 2-D: (n,) becomes a row (1, n).
    Also row_stack.

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        The joined tensor (at least 2-D).

    >>> tg.vstack([tg.tensor([1.0, 2.0]), tg.tensor([[3.0, 4.0]])]).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    return _join("vstack", tensors, 2, lambda ps: 0)


row_stack = vstack


def dstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Join along axis 2 after making inputs at least 3-D (see atleast_3d).

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        The joined tensor (at least 3-D).

    >>> tg.dstack([tg.zeros((2, 3)), tg.zeros((2, 3, 2))]).shape
    (2, 3, 3)
    """
    return _join("dstack", tensors, 3, lambda ps: 2)


def column_stack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Join along axis 1, 0-d and 1-D inputs as columns ((n,) -> (n, 1)).

    Args:
        tensors: a non-empty sequence of tensors.

    Returns:
        The joined tensor (at least 2-D).

    >>> tg.column_stack([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])]).tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    tensors = _tensor_list("column_stack", tensors)
    cols = []
    for t in tensors:
        t = _operand("column_stack", t)
        s = tuple(_shape(t))
        cols.append(apply(Reshape, t, shape=(s[0] if s else 1, 1)) if len(s) < 2 else t)
    return _join("column_stack", cols, 2, lambda ps: 1)


def append(x: ArrayLike, values: ArrayLike, axis: Axis = None) -> Tensor:
    """np.append: `values` joined after x along `axis` (both flattened when None).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        values: the values to append, shaped like x outside axis.
        axis: the axis to join along (None: both are flattened first).

    Returns:
        A new tensor.

    >>> tg.append(tg.tensor([[1.0, 2.0]]), [3.0]).tolist()
    [1.0, 2.0, 3.0]
    """
    x, values = _operand("append", x), _operand("append", values)
    if axis is None:
        parts = [ravel(x), ravel(values)]
        axis = 0
    else:
        parts = [x, values]
    return _renamed("append", _concat, parts, axis)


def _concat(parts, axis):
    shapes = [tuple(_shape(p)) for p in parts]
    nd = len(shapes[0])
    if any(len(s) != nd for s in shapes):
        raise ValueError(f"concatenate: x and values must have the same number of "
                         f"dimensions, got shapes {shapes[0]} and {shapes[1]}")
    axis = _axis("concatenate", axis, nd)
    if any(s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]
           for s in shapes):
        raise ValueError(f"concatenate: shapes {shapes[0]} and {shapes[1]} do not match "
                         f"outside axis {axis}")
    return apply(Concatenate, *parts, axis=axis, sizes=tuple(s[axis] for s in shapes))


# ------------------------------------------------------------------ splits

def _pieces(x, axis, bounds):
    lead = (slice(None),) * axis
    return [getitem(x, lead + (slice(a, b),)) for a, b in bounds]


def _split(op, x, indices_or_sections, axis, equal, axis_name="axis"):
    x = _operand(op, x)
    shape = tuple(_shape(x))
    axis = _axis(op, axis, len(shape), axis_name)
    n = shape[axis]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios._data
    if isinstance(ios, np.ndarray) and ios.ndim == 0:
        ios = ios.item()
    if isinstance(ios, (int, np.integer)) and not isinstance(ios, (bool, np.bool_)):
        sections = int(ios)
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be > 0, got {sections}")
        each, extra = divmod(n, sections)
        if equal and extra:
            raise ValueError(f"{op}: {sections} sections do not divide axis {axis} of "
                             f"length {n} equally, so the array split does not result in an "
                             "equal division (array_split allows unequal ones)")
        sizes = [each + 1] * extra + [each] * (sections - extra)
        stops = np.cumsum(sizes).tolist()
        bounds = list(zip([0] + stops[:-1], stops))
    else:
        idx = list(_ints(op, "indices_or_sections", ios))
        bounds = list(zip([0] + idx, idx + [n]))
    return _pieces(x, axis, bounds)


def array_split(x: ArrayLike, indices_or_sections: int | Sequence[int],
                axis: Axis = 0) -> list[Tensor]:
    """np.array_split: an int N gives N pieces (the first n % N one longer), a sequence
    gives the indices to split at. Returns a list.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        indices_or_sections: an int N (that many pieces) or a list of split indices.
        axis: the axis to split.

    Returns:
        A list of tensors.

    >>> [p.shape for p in tg.array_split(tg.zeros(5), 2)]
    [(3,), (2,)]
    """
    return _split("array_split", x, indices_or_sections, axis, False)


def tensor_split(x: ArrayLike, indices_or_sections: int | Sequence[int] | None = None,
                 dim: Axis = 0, *, sections: int | None = None,
                 indices: Sequence[int] | None = None) -> tuple[Tensor, ...]:
    """PyTorch spelling of array_split; returns a tuple.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        indices_or_sections: an int N (that many pieces) or a list of split indices.
        dim: the axis to split.
        sections: torch's keyword for an int N.
        indices: torch's keyword for a list of split indices.

    Returns:
        A tuple of tensors.

    >>> [p.tolist() for p in tg.tensor_split(tg.tensor([1.0, 2.0, 3.0]), [1])]
    [[1.0], [2.0, 3.0]]
    """
    given = [v for v in (indices_or_sections, sections, indices) if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split: give exactly one of indices_or_sections, sections= "
                        f"and indices=, got {len(given)}")
    if sections is not None and not isinstance(sections, (int, np.integer)):
        raise TypeError(f"tensor_split: sections must be an int, got "
                        f"{type(sections).__name__}")
    return tuple(_split("tensor_split", x, given[0], dim, False, "dim"))


def numpy_split(x, indices_or_sections, axis=0):
    """np.split: as array_split, but an int must divide the axis equally. (tg.split
    keeps PyTorch's meaning: an int is the size of each chunk.)

    >>> [p.shape for p in tg.ops.numpy_split(tg.zeros(6), 3)]
    [(2,), (2,), (2,)]
    """
    return _split("split", x, indices_or_sections, axis, True)


def hsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """Split along axis 1 (axis 0 for 1-D x) into equal sections or at indices.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        indices_or_sections: an int N (that many pieces) or a list of split indices.

    Returns:
        A list of tensors.

    >>> [p.shape for p in tg.hsplit(tg.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    nd = len(_shape(_operand("hsplit", x)))
    if nd == 0:
        raise ValueError("hsplit: x must have at least 1 dimension, got a 0-d tensor")
    return _split("hsplit", x, indices_or_sections, 1 if nd > 1 else 0, True)


def vsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """Split along axis 0 (x needs at least 2 dimensions).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        indices_or_sections: an int N (that many pieces) or a list of split indices.

    Returns:
        A list of tensors.

    >>> [p.shape for p in tg.vsplit(tg.zeros((4, 2)), [1])]
    [(1, 2), (3, 2)]
    """
    nd = len(_shape(_operand("vsplit", x)))
    if nd < 2:
        raise ValueError(f"vsplit: x must have at least 2 dimensions, got {nd}")
    return _split("vsplit", x, indices_or_sections, 0, True)


def dsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """Split along axis 2 (x needs at least 3 dimensions).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        indices_or_sections: an int N (that many pieces) or a list of split indices.

    Returns:
        A list of tensors.

    >>> [p.shape for p in tg.dsplit(tg.zeros((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    nd = len(_shape(_operand("dsplit", x)))
    if nd < 3:
        raise ValueError(f"dsplit: x must have at least 3 dimensions, got {nd}")
    return _split("dsplit", x, indices_or_sections, 2, True)


def chunk(x: ArrayLike, chunks: int, dim: Axis = 0) -> tuple[Tensor, ...]:
    """torch.chunk: at most `chunks` pieces of ceil(n / chunks) along `dim` (the last may
    be shorter, and there may be fewer). Returns a tuple.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        chunks: the largest number of pieces, a positive int.
        dim: the axis to split.

    Returns:
        A tuple of tensors.

    >>> [p.shape for p in tg.chunk(tg.zeros(5), 3)]
    [(2,), (2,), (1,)]
    """
    x = _operand("chunk", x)
    chunks = check_int("chunk", "chunks", chunks)
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be > 0, got {chunks}")
    shape = tuple(_shape(x))
    dim = _axis("chunk", dim, len(shape), "dim")
    n = shape[dim]
    if n == 0:
        return tuple(_pieces(x, dim, [(0, 0)] * chunks))
    size = -(-n // chunks)
    return tuple(_pieces(x, dim, [(a, min(a + size, n)) for a in range(0, n, size)]))


def unbind(x: ArrayLike, dim: Axis = 0) -> tuple[Tensor, ...]:
    """The slices of x along `dim`, as a tuple (torch.unbind).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the axis to remove.

    Returns:
        A tuple of x.shape[dim] tensors.

    >>> [t.tolist() for t in tg.unbind(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)]
    [[1.0, 3.0], [2.0, 4.0]]
    """
    x = _operand("unbind", x)
    shape = tuple(_shape(x))
    dim = _axis("unbind", dim, len(shape), "dim")
    lead = (slice(None),) * dim
    return tuple(getitem(x, lead + (i,)) for i in range(shape[dim]))


def narrow(x: ArrayLike, dim: Axis, start: float, length: int) -> Tensor:
    """x[start:start + length] along `dim` (torch.narrow; a negative start counts from the
    end).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the axis to slice.
        start: the first index (negative counts from the end).
        length: how many elements to keep.

    Returns:
        The slice, a tensor.

    Raises:
        ValueError: start or length out of range.

    >>> tg.narrow(tg.tensor([1.0, 2.0, 3.0, 4.0]), 0, 1, 2).tolist()
    [2.0, 3.0]
    """
    x = _operand("narrow", x)
    shape = tuple(_shape(x))
    dim = _axis("narrow", dim, len(shape), "dim")
    if isinstance(start, Tensor) and start.ndim == 0:
        start = start.item()
    start = check_int("narrow", "start", start)
    length = check_int("narrow", "length", length)
    n = shape[dim]
    if not -n <= start <= n:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {n}")
    if start < 0:
        start += n
    if length < 0 or start + length > n:
        raise ValueError(f"narrow: start ({start}) + length ({length}) exceeds dim {dim} "
                         f"of size {n}" if length >= 0 else
                         f"narrow: length must be >= 0, got {length}")
    return getitem(x, (slice(None),) * dim + (slice(start, start + length),))


# ------------------------------------------------------------------ meshgrid

def broadcast_arrays(*xs: Any) -> Any:
    """The inputs broadcast against each other (read-only views), as a tuple;
    PyTorch: broadcast_tensors.

    Args:
        *xs: tensors whose shapes broadcast together.

    Returns:
        The broadcast tensors.

    Raises:
        ValueError: the shapes do not broadcast.

    >>> [t.shape for t in tg.broadcast_arrays(tg.zeros((2, 1)), tg.zeros(3))]
    [(2, 3), (2, 3)]
    """
    xs = [_operand("broadcast_arrays", x) for x in xs]
    shapes = [tuple(_shape(x)) for x in xs]
    try:
        full = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"broadcast_arrays: shapes {', '.join(map(str, shapes))} cannot "
                         "be broadcast together") from None
    return tuple(apply(BroadcastTo, x, shape=full) for x in xs)


broadcast_tensors = broadcast_arrays


def meshgrid(*xs: Any, indexing: str = "ij", sparse: bool = False, copy: bool = True) -> Any:
    """Coordinate grids from 1-D inputs (others are flattened), as a tuple of tensors.
    `indexing="ij"` (PyTorch's default, used here) gives output i the shape
    (len(x0), len(x1), ...); "xy" (NumPy's default: pass it for np.meshgrid) swaps the
    first two axes. `sparse=True` keeps size-1 axes instead of broadcasting; `copy=False`
    returns read-only broadcast views.

    Args:
        *xs: 1-D tensors (others are flattened), one per grid axis.
        indexing: "ij" (matrix, the default as in PyTorch) or "xy" (Cartesian, as NumPy's
            default).
        sparse: return broadcastable grids (length 1 outside their own axis).
        copy: accepted for NumPy compatibility.

    Returns:
        A tuple of grids, one per input.

    Raises:
        ValueError: indexing is neither "ij" nor "xy".

    >>> [g.shape for g in tg.meshgrid(tg.zeros(2), tg.zeros(3), indexing="xy")]
    [(3, 2), (3, 2)]
    """
    if len(xs) == 1 and isinstance(xs[0], (list, tuple)) and xs[0] and all(
            isinstance(t, Tensor) for t in xs[0]):
        xs = tuple(xs[0])                   # torch.meshgrid([a, b])
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [_operand("meshgrid", x) for x in xs]
    nd = len(xs)
    sizes = [int(np.prod(_shape(x))) for x in xs]
    out = []
    for i, x in enumerate(xs):
        shape = [1] * nd
        shape[i] = sizes[i]
        if indexing == "xy" and nd > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(apply(Reshape, x, shape=tuple(shape)))
    if not sparse:
        full = np.broadcast_shapes(*[o.shape for o in out])
        out = [apply(BroadcastTo, o, shape=full) for o in out]
        if copy:
            out = [clone(o) for o in out]
    return tuple(out)


def split(x: ArrayLike, split_size_or_sections: int | Sequence[int], axis: Axis = 0, *,
          dim: Axis = None) -> list[Tensor]:
    """Split along `axis`: an int is a chunk size (PyTorch) and a list gives the sizes.

    TF's `num_or_size_splits` also works: pass a list of sizes. Returns a list of
    tensors; the last chunk may be smaller.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        split_size_or_sections: a chunk size (the last chunk may be shorter), or a list
            of sizes that add up to the axis' length.
        axis: the axis to split.
        dim: PyTorch's name for axis.

    Returns:
        A list of tensors.

    Raises:
        ValueError: the sizes do not add up.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> x = tg.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> [t.tolist() for t in tg.split(x, 2)]
    [[1.0, 2.0], [3.0, 4.0], [5.0]]
    >>> [t.tolist() for t in tg.split(x, [1, 4])]
    [[1.0], [2.0, 3.0, 4.0, 5.0]]
    """
    if not isinstance(x, Tensor):
        x = check_operand("split", "x", x)
    if dim is not None:
        axis = dim
    shape = np.shape(_raw(x))
    axis = check_axis("split", axis, len(shape))
    n = shape[axis]
    sections = split_size_or_sections
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, bool):
        step = int(sections)
        if step <= 0:
            raise ValueError(f"split: chunk size must be positive, got {step}")
        sizes = [min(step, n - i) for i in range(0, n, step)]
    else:
        if not isinstance(sections, (list, tuple)):
            raise TypeError(f"split: split_size_or_sections must be an int or a list of "
                            f"ints, got {describe(sections)}")
        sizes = [check_int("split", "sizes", s) for s in sections]
        if any(s < 0 for s in sizes):
            raise ValueError(f"split: sizes must be >= 0, got {sizes}")
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of "
                             f"axis {axis} (shape {shape})")
    out, start = [], 0
    for s in sizes:
        out.append(getitem(x, (slice(None),) * axis + (slice(start, start + s),)))
        start += s
    return out


# the names `from tapegrad.ops.joinsplit import *` gives (tests/test_all.py)
__all__ = ["split", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "append", "array_split", "tensor_split", "numpy_split", "hsplit",
           "vsplit", "dsplit", "chunk", "unbind", "narrow", "broadcast_arrays",
           "broadcast_tensors", "meshgrid"]
