"""The NumPy adapters that reshape, join, split and select (NumPy's signatures over
tapegrad ops, each differentiated by the ops' own rules): moved out of _functions.py,
which keeps the reductions and factories."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._npint import make  # integers made here follow NumPy's promotion
from .. import ops
from ._convert import asarg, no_out
from ._functions import _raw, _shape_arg, _tensor_arg, _with_dtype
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike, Axis, DTypeLike, ShapeLike

# ------------------------------------------------------------------ shape

def reshape(a: ArrayLike, shape: ShapeLike | None = None, order: str | None = "C", *,
            newshape: ShapeLike | None = None) -> Tensor:
    """`a` with a new shape (`newshape=`, NumPy's older keyword, is accepted); one
    entry may be -1.

    Args:
        a: a tensor, array, list or number.
        shape: an int or a tuple of ints; one entry may be -1.
        order: "C" (row-major) or "F" (column-major: the elements read and written
            with the first index changing fastest).
        newshape: NumPy's older name for shape.

    >>> import tapegrad.numpy as tnp
    >>> tnp.reshape(tnp.arange(6), (2, -1)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if shape is None:
        shape = newshape
    if order not in ("C", "F"):
        raise ValueError(f"reshape: order must be 'C' or 'F', got {order!r}")
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    if order == "F":        # column-major: reshape the reversed axes, then reverse back
        return ops.transpose(ops.reshape(ops.transpose(_tensor_arg(a)), tuple(shape)[::-1]))
    return ops.reshape(_tensor_arg(a), tuple(shape))


def ravel(a: ArrayLike, order: str | None = "C") -> Tensor:
    """`a` flattened to 1-D.

    Args:
        a: a tensor, array, list or number.
        order: "C" (row-major) or "F" (column-major).

    >>> import tapegrad.numpy as tnp
    >>> tnp.ravel([[1, 2], [3, 4]]).tolist()
    [1, 2, 3, 4]
    """
    return reshape(a, (-1,), "C" if order in ("K", "A") else order)


def transpose(a: ArrayLike, axes: Axis = None) -> Tensor:
    """`a` with its axes reversed, or permuted by `axes`.

    Args:
        a: a tensor, array, list or number.
        axes: a permutation of range(a.ndim) (None: reverse the axes).

    >>> import tapegrad.numpy as tnp
    >>> tnp.transpose([[1, 2, 3]]).tolist()
    [[1], [2], [3]]
    >>> tnp.transpose(tnp.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return ops.transpose(_tensor_arg(a), None if axes is None else tuple(axes))


def squeeze(a: ArrayLike, axis: Axis = None) -> Tensor:
    """`a` without its length-1 axes (all, or those in `axis`), as `np.squeeze`.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes of length 1 (None: all of them).

    >>> import tapegrad.numpy as tnp
    >>> tnp.squeeze(tnp.zeros((1, 3, 1))).shape, tnp.squeeze(tnp.zeros((1, 3, 1)), axis=0).shape
    ((3,), (3, 1))
    """
    return ops.squeeze(_tensor_arg(a), axis)


def expand_dims(a: ArrayLike, axis: Axis) -> Tensor:
    """`a` with new length-1 axes at `axis` (an int or a tuple).

    Args:
        a: a tensor, array, list or number.
        axis: an int or a tuple of ints: positions of the new axes in the result.

    >>> import tapegrad.numpy as tnp
    >>> tnp.expand_dims([1.0, 2.0], (0, 2)).shape
    (1, 2, 1)
    """
    a = _tensor_arg(a)
    if isinstance(axis, (tuple, list)):
        nd = a.ndim + len(axis)
        shape, it = [], iter(a.shape)
        # NumPy's AxisError out of range and ValueError for a repeat (ax % nd was a
        # silently wrong shape, a repeat a StopIteration)
        norm = set(np.lib.array_utils.normalize_axis_tuple(tuple(axis), nd, "axis"))
        for i in range(nd):
            shape.append(1 if i in norm else next(it))
        return ops.reshape(a, tuple(shape))
    return ops.expand_dims(a, axis)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Tensor:
    """`a` with axes `axis1` and `axis2` exchanged, as `np.swapaxes`.

    Args:
        a: a tensor, array, list or number.
        axis1: the first axis.
        axis2: the axis exchanged with axis1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.swapaxes(tnp.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    return ops.swapaxes(_tensor_arg(a), axis1, axis2)


def broadcast_to(array: ArrayLike, shape: ShapeLike) -> Tensor:
    """`array` broadcast to `shape` (NumPy's rules); the gradient sums back over the
    broadcast axes.

    Args:
        array: a tensor, array, list or number.
        shape: the target shape (an int or a tuple of ints).

    >>> import tapegrad.numpy as tnp
    >>> tnp.broadcast_to([1.0, 2.0], (2, 2)).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    return ops.broadcast_to(_tensor_arg(array), _shape_arg(shape, "broadcast_to"))


def _seq(arrays, who):
    if isinstance(arrays, (Tensor, np.ndarray)):
        return list(arrays)         # NumPy iterates over the first axis
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{who}: expected a sequence of arrays, got {type(arrays).__name__}")
    return [asarg(a) for a in arrays]


def concatenate(arrays: Sequence[ArrayLike], axis: Axis = 0, out: None = None,
                dtype: DTypeLike = None) -> Tensor:
    """Join arrays along an existing axis (`axis=None` flattens them first). Also
    tnp.concat.

    Args:
        arrays: a sequence of tensors, arrays or lists, equal except along axis.
        axis: the axis joined along (None: flatten each first).
        out: must be None (tensors are not written into).
        dtype: the result's dtype (None: the promoted one).

    >>> import tapegrad.numpy as tnp
    >>> tnp.concatenate([[1, 2], [3]]).tolist()
    [1, 2, 3]
    >>> tnp.concatenate([[[1, 2]], [[3, 4]]], axis=None).tolist()
    [1, 2, 3, 4]
    """
    no_out("concatenate", out)
    arrs = _seq(arrays, "concatenate")
    if axis is None:
        arrs, axis = [ops.reshape(_tensor_arg(a), (-1,)) for a in arrs], 0
    r = ops.concatenate(arrs, axis)
    return _with_dtype(r, dtype)


def stack(arrays: Sequence[ArrayLike], axis: Axis = 0, out: None = None,
          dtype: DTypeLike = None) -> Tensor:
    """Join arrays of the same shape along a new axis.

    Args:
        arrays: a sequence of tensors, arrays or lists of one shape.
        axis: the position of the new axis in the result.
        out: must be None (tensors are not written into).
        dtype: the result's dtype (None: the promoted one).

    >>> import tapegrad.numpy as tnp
    >>> tnp.stack([[1, 2], [3, 4]], axis=1).tolist()
    [[1, 3], [2, 4]]
    """
    no_out("stack", out)
    return _with_dtype(ops.stack(_seq(arrays, "stack"), axis), dtype)


def atleast_1d(*arys: Any) -> Any:
    """Each argument with at least one axis (a scalar becomes shape (1,)); one argument
    gives a tensor, several a list.

    Args:
        *arys: tensors, arrays, lists or numbers.

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_1d(5.0).tolist(), tnp.atleast_1d([1.0, 2.0]).shape
    ([5.0], (2,))
    """
    return ops.atleast_1d(*[_tensor_arg(a) for a in arys])


def atleast_2d(*arys: Any) -> Any:
    """Each argument with at least two axes (1-D arrays become rows); one argument gives
    a tensor, several a list.

    Args:
        *arys: tensors, arrays, lists or numbers.

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_2d(1.0).shape, tnp.atleast_2d([1.0, 2.0]).shape
    ((1, 1), (1, 2))
    """
    return ops.atleast_2d(*[_tensor_arg(a) for a in arys])


def atleast_3d(*arys: Any) -> Any:
    """Each argument with at least three axes (1-D of length N becomes (1, N, 1), 2-D
    (M, N) becomes (M, N, 1), as NumPy).

    Args:
        *arys: tensors, arrays, lists or numbers.

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_3d([1.0, 2.0]).shape, tnp.atleast_3d([[1.0, 2.0]]).shape
    ((1, 2, 1), (1, 2, 1))
    """
    return ops.atleast_3d(*[_tensor_arg(a) for a in arys])


def vstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None) -> Tensor:
    """Stack arrays row-wise (1-D arrays become rows). Also tnp.row_stack.

    Args:
        tup: a sequence of tensors, arrays or lists.
        dtype: the result's dtype (None: the promoted one).

    >>> import tapegrad.numpy as tnp
    >>> tnp.vstack([[1, 2], [3, 4]]).tolist()
    [[1, 2], [3, 4]]
    """
    return _with_dtype(ops.vstack(_seq(tup, "vstack")), dtype)


row_stack = vstack


def hstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None) -> Tensor:
    """Stack arrays column-wise (1-D arrays are joined end to end).

    Args:
        tup: a sequence of tensors, arrays or lists.
        dtype: the result's dtype (None: the promoted one).

    >>> import tapegrad.numpy as tnp
    >>> tnp.hstack([[1, 2], [3]]).tolist()
    [1, 2, 3]
    """
    return _with_dtype(ops.hstack(_seq(tup, "hstack")), dtype)


def dstack(tup: Sequence[ArrayLike]) -> Tensor:
    """Stack arrays along the third axis (1-D and 2-D inputs are made 3-D first).

    Args:
        tup: a sequence of tensors, arrays or lists.

    >>> import tapegrad.numpy as tnp
    >>> tnp.dstack([[1, 2], [3, 4]]).shape
    (1, 2, 2)
    """
    return ops.dstack(_seq(tup, "dstack"))


def column_stack(tup: Sequence[ArrayLike]) -> Tensor:
    """1-D arrays as columns of a 2-D array; 2-D arrays as they are.

    Args:
        tup: a sequence of 1-D or 2-D tensors, arrays or lists of one length.

    >>> import tapegrad.numpy as tnp
    >>> tnp.column_stack([[1, 2], [3, 4]]).tolist()
    [[1, 3], [2, 4]]
    """
    return ops.column_stack(_seq(tup, "column_stack"))


def split(ary: ArrayLike, indices_or_sections: int | Sequence[int], axis: Axis = 0) -> list[Tensor]:
    """Split into equal sections (an int) or at the given indices (a list), as NumPy.

    Args:
        ary: a tensor, array or list.
        indices_or_sections: N (N equal sections) or the indices where to cut.
        axis: the axis split.

    Raises:
        ValueError: N does not divide the axis' length.

    >>> import tapegrad.numpy as tnp
    >>> [p.shape for p in tnp.split(tnp.arange(6.0), [1, 4])]
    [(1,), (3,), (2,)]
    """
    return ops.numpy_split(_tensor_arg(ary), indices_or_sections, axis)


def array_split(ary: ArrayLike, indices_or_sections: int | Sequence[int],
                axis: Axis = 0) -> list[Tensor]:
    """As split, allowing sections of unequal size (the first ones one longer).

    Args:
        ary: a tensor, array or list.
        indices_or_sections: N (N sections) or the indices where to cut.
        axis: the axis split.

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.array_split(tnp.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    return ops.array_split(_tensor_arg(ary), indices_or_sections, axis)


def hsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the second axis (the first for 1-D input); sections must be equal.

    Args:
        ary: a tensor, array or list.
        indices_or_sections: N (N equal sections) or the indices where to cut.

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.hsplit([[1, 2], [3, 4]], 2)]
    [[[1], [3]], [[2], [4]]]
    """
    return ops.hsplit(_tensor_arg(ary), indices_or_sections)


def vsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the first axis; sections must be equal.

    Args:
        ary: a tensor, array or list with at least 2 dimensions.
        indices_or_sections: N (N equal sections) or the indices where to cut.

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.vsplit([[1, 2], [3, 4]], 2)]
    [[[1, 2]], [[3, 4]]]
    """
    return ops.vsplit(_tensor_arg(ary), indices_or_sections)


def dsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the third axis; sections must be equal.

    Args:
        ary: a tensor, array or list with at least 3 dimensions.
        indices_or_sections: N (N equal sections) or the indices where to cut.

    >>> import tapegrad.numpy as tnp
    >>> [p.shape for p in tnp.dsplit(tnp.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return ops.dsplit(_tensor_arg(ary), indices_or_sections)


def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None, *,
          size: int | None = None, fill_value: Any = None) -> Any:
    """`x` where `condition` holds, else `y` (the branch not taken gets no gradient);
    with the condition alone, the indices of its nonzero elements.

    Args:
        condition: a bool (or truthy) tensor, array or list.
        x: the values taken where condition holds (give x and y, or neither).
        y: the values taken elsewhere.
        size: jax.numpy's: with the condition alone, the index arrays cut or padded to
            this length.
        fill_value: the padding (default 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.where([True, False], [1.0, 2.0], 0.0).tolist()
    [1.0, 0.0]
    >>> tnp.where([0, 3, 5])
    (tensor([1, 2]),)
    """
    cond = asarg(condition)
    if isinstance(cond, Tensor) and x is not None and y is not None:
        # kept a tensor (tg.vmap may batch it; its values are not readable there)
        return ops.where(cond if cond.dtype == np.bool_ else cond != 0, _weak(x), _weak(y))
    c = np.asanyarray(_raw(cond))
    if x is None and y is None:
        return nonzero(c, size=size, fill_value=fill_value)
    if size is not None:
        raise ValueError("where: size= is for the one-argument form (the indices)")
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    if c.dtype != np.bool_:
        c = c.astype(bool)
    return ops.where(c, _weak(x), _weak(y))


def _weak(v):
    return v if v.__class__ in (float, int) else asarg(v)


def _sized(idx, size, fill_value, who):
    """jax.numpy's size=/fill_value=: index arrays (first axis) cut or padded."""
    if size is None:
        return idx
    size = int(size)
    if size < 0:
        raise ValueError(f"{who}: size must be non-negative, got {size}")
    if idx.shape[0] >= size:
        return idx[:size]
    pad = np.empty((size - idx.shape[0],) + idx.shape[1:], dtype=idx.dtype)
    pad[...] = 0 if fill_value is None else np.asanyarray(_raw(asarg(fill_value)))
    return np.concatenate([idx, pad])


def nonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> tuple[Tensor, ...]:
    """Indices of the nonzero elements, one int64 tensor per axis.

    Args:
        a: a tensor, array, list or number.
        size: jax.numpy's: each index array cut or padded to this length.
        fill_value: the padding (default 0; one value, or one per axis).

    >>> import tapegrad.numpy as tnp
    >>> rows, cols = tnp.nonzero([[0, 1], [2, 0]])
    >>> rows.tolist(), cols.tolist()
    ([0, 1], [1, 0])
    """
    idx = np.nonzero(np.asanyarray(_raw(asarg(a))))
    fills = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value] * len(idx)
    return tuple(make(_sized(i, size, f, "nonzero").astype(np.int64))
                 for i, f in zip(idx, fills))


def argwhere(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Tensor:
    """Indices of the nonzero elements, one row per element (int64, shape (N, ndim)).

    Args:
        a: a tensor, array, list or number.
        size: jax.numpy's: the rows cut or padded to this many.
        fill_value: the padding (default 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.argwhere([[0, 1], [2, 0]]).tolist()
    [[0, 1], [1, 0]]
    """
    idx = np.argwhere(np.asanyarray(_raw(asarg(a))))
    return make(_sized(idx, size, fill_value, "argwhere").astype(np.int64))


def flatnonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Tensor:
    """Indices of the nonzero elements of the flattened input (int64).

    Args:
        a: a tensor, array, list or number.
        size: jax.numpy's: cut or padded to this length.
        fill_value: the padding (default 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.flatnonzero([0, 3, 0, 4]).tolist()
    [1, 3]
    """
    idx = np.flatnonzero(np.asanyarray(_raw(asarg(a))))
    return make(_sized(idx, size, fill_value, "flatnonzero").astype(np.int64))


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None,
         out: None = None, *, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
    """Values limited to [a_min, a_max] (min=/max= also accepted); outside the range the
    gradient is zero.

    Args:
        a: a tensor, array, list or number.
        a_min: the lower bound (None: none), broadcast against a.
        a_max: the upper bound (None: none), broadcast against a.
        out: must be None (tensors are not written into).
        min: NumPy 2's name for a_min.
        max: NumPy 2's name for a_max.

    >>> import tapegrad.numpy as tnp
    >>> tnp.clip([-2.0, 0.5, 3.0], 0, 1).tolist()
    [0.0, 0.5, 1.0]
    """
    no_out("clip", out)
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    if lo is None and hi is None:       # NumPy 2.1+: no bounds is a copy
        return ops.clone(asarg(a))
    return ops.clip(asarg(a), _bound(lo), _bound(hi))


def _bound(v):
    return v if v is None or v.__class__ in (float, int) else asarg(v)
