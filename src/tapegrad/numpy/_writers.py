"""NumPy's in-place writers over tensors: fill_diagonal, put, place, putmask,
put_along_axis and copyto write into a tensor as NumPy writes into an array (a recorded
write, so gradients flow through it) and return None; with jax.numpy's `inplace=False`
they return a new tensor instead (differentiable in the target and the values, through
`x.at[...].set`). An ndarray target is written by NumPy, unless the values need a
gradient it would cut.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._convert import asarg
from ._functions import _raw
from ._jnp import _t
from ._shapes import ravel
from ._extra import _gather, _positions
from .. import ops
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike


def _write(who, a, index, values, inplace):
    """a[index] = values: into a tensor in place (recorded, as NumPy's in-place write),
    into an ndarray by NumPy, or (inplace=False, JAX's way) as a new tensor."""
    if not inplace:
        return _t(a).at[index].set(values)
    if isinstance(a, Tensor):
        a[index] = values
        return None
    if isinstance(a, np.ndarray):
        if isinstance(values, Tensor) and values.requires_grad:
            raise TypeError(f"{who}: writing a tensor that requires grad into an ndarray "
                            "would cut its gradient; pass a tensor as the target, or "
                            "inplace=False for a new tensor")
        a[index] = _raw(values)
        return None
    raise TypeError(f"{who}: writing in place needs a tensor or an ndarray, got "
                    f"{type(a).__name__}; pass inplace=False for a new tensor")


def fill_diagonal(a: Any, val: ArrayLike, wrap: bool = False, *,
                  inplace: bool = True) -> Any:
    """Write `val` on the main diagonal of `a`, as `np.fill_diagonal`: in place (into a
    tensor as a recorded write, returning None) or, with `inplace=False` as
    jax.numpy requires, a new tensor (differentiable in a and val).

    Args:
        a: an array of at least 2 dimensions (all equal unless 2-D).
        val: the value(s), repeated along the diagonal.
        wrap: for a tall 2-D array, whether the diagonal wraps after N columns.
        inplace: NumPy's in-place write (default) or JAX's new array (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.fill_diagonal(tnp.zeros((2, 3)), 5.0, inplace=False)
    tensor([[5., 0., 0.],
            [0., 5., 0.]], dtype=float64)
    """
    shape = np.shape(_raw(a)) if isinstance(a, (Tensor, np.ndarray)) else np.shape(a)
    if len(shape) < 2:
        raise ValueError("fill_diagonal: array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("fill_diagonal: all dimensions of input must be of equal length")
    mark = np.zeros(shape, dtype=bool)
    np.fill_diagonal(mark, True, wrap=wrap)
    n = int(mark.sum())
    v = _t(val)
    v = ravel(v) if v.ndim else v
    if v.ndim and v.shape[0] != n:
        v = _gather(v, np.resize(np.arange(v.shape[0]), n))      # NumPy repeats val
    index = np.nonzero(mark)
    return _write("fill_diagonal", a, index, v, inplace)


def put(a: Any, ind: ArrayLike, v: ArrayLike, mode: str = "raise", *,
        inplace: bool = True) -> Any:
    """Write v at the flat positions `ind` of a, as `np.put` (in place; v repeats if
    short) or, with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        a: the target.
        ind: flat indices.
        v: the values.
        mode: 'raise', 'wrap' or 'clip' for out-of-range indices.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.put(tnp.zeros(4), [0, 2], [1.0, 2.0], inplace=False)
    tensor([1., 0., 2., 0.], dtype=float64)
    """
    shape = np.shape(_raw(a))
    size = int(np.prod(shape))
    ind = np.asanyarray(_raw(asarg(ind))).reshape(-1).astype(np.intp)
    if mode == "wrap":
        ind = ind % size
    elif mode == "clip":
        ind = np.clip(ind, 0, size - 1)
    elif mode != "raise":
        raise ValueError(f"put: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    elif ind.size and (ind.max() >= size or ind.min() < -size):
        raise IndexError(f"put: index {ind.max()} is out of bounds for size {size}")
    if ind.size == 0:
        return _t(a) if not inplace else None
    vals = ravel(_t(v))
    vals = _gather(vals, np.resize(np.arange(vals.shape[0]), ind.size))
    return _write("put", a, np.unravel_index(ind % size, shape), vals, inplace)


def place(arr: Any, mask: ArrayLike, vals: ArrayLike, *, inplace: bool = True) -> Any:
    """Write vals (repeated as needed) where mask is true, as `np.place` (in place) or,
    with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        arr: the target.
        mask: booleans of arr's shape.
        vals: the values, used in order.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.place(tnp.zeros(3), [True, False, True], [7.0], inplace=False)
    tensor([7., 0., 7.], dtype=float64)
    """
    m = np.asanyarray(_raw(asarg(mask)), dtype=bool)
    n = int(m.sum())
    vals = ravel(_t(vals))
    if n and vals.shape[0] == 0:
        raise ValueError("place: cannot place values into a masked array from an empty "
                         "sequence")
    vals = _gather(vals, np.resize(np.arange(max(vals.shape[0], 1)), n))
    return _write("place", arr, np.nonzero(m), vals, inplace)


def put_along_axis(arr: Any, indices: ArrayLike, values: ArrayLike, axis: int | None, *,
                   inplace: bool = True) -> Any:
    """Write values at the 1-D indices along `axis`, as `np.put_along_axis` (in place,
    returning None) or, with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        arr: the target.
        indices: integer indices, broadcastable with arr outside axis.
        values: the values, broadcast to indices' shape.
        axis: the axis (None: arr flattened).
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.put_along_axis(tnp.zeros((2, 2)), tnp.array([[1], [0]]), 3.0, 1, inplace=False)
    tensor([[0., 3.],
            [3., 0.]], dtype=float64)
    """
    shape = np.shape(_raw(arr))
    idx = np.asanyarray(_raw(asarg(indices)))
    pos = _positions(shape)
    if axis is None:
        pos, axis = pos.reshape(-1), 0
    flat = np.take_along_axis(pos, idx, axis)           # the flat positions written
    vals = ops.broadcast_to(_t(values), flat.shape)
    return _write("put_along_axis", arr, np.unravel_index(flat.reshape(-1), shape),
                  ravel(vals), inplace)


def putmask(a: Any, mask: ArrayLike, values: ArrayLike, *, inplace: bool = True) -> Any:
    """a.flat[n] = values[n % len(values)] wherever mask.flat[n], as `np.putmask` (in
    place) or, with `inplace=False`, as a new tensor.

    Args:
        a: the target.
        mask: booleans of a's shape.
        values: the values, repeated over a's flat positions.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.putmask(tnp.zeros(4), [True, False, False, True], [1.0, 2.0], inplace=False)
    tensor([1., 0., 0., 2.], dtype=float64)
    """
    shape = np.shape(_raw(a))
    m = np.broadcast_to(np.asanyarray(_raw(asarg(mask)), dtype=bool), shape)
    where = np.flatnonzero(m)
    vals = ravel(_t(values))
    if where.size and vals.shape[0] == 0:
        raise ValueError("putmask: cannot put values from an empty sequence")
    vals = _gather(vals, where % max(vals.shape[0], 1))
    return _write("putmask", a, np.unravel_index(where, shape), vals, inplace)


def copyto(dst: Any, src: ArrayLike, casting: Any = "same_kind", where: Any = True) -> None:
    """Copy src (broadcast) into dst where `where` holds, in place, as `np.copyto`
    (a tensor target records the write).

    Args:
        dst: the target tensor or ndarray.
        src: the values.
        casting: NumPy's casting rule (checked for ndarrays by NumPy).
        where: booleans selecting the elements written.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.zeros(3)
    >>> tnp.copyto(x, [1.0, 2.0, 3.0], where=[True, False, True])
    >>> x
    tensor([1., 0., 3.], dtype=float64)
    """
    shape = np.shape(_raw(dst))
    w = np.broadcast_to(np.asanyarray(_raw(asarg(where)), dtype=bool), shape)
    if isinstance(dst, np.ndarray) and not isinstance(src, Tensor):
        np.copyto(dst, _raw(asarg(src)), casting=casting, where=w)
        return None
    s = ops.broadcast_to(_t(src), shape)
    _write("copyto", dst, w, s[w], True)
    return None


NAMES: list[str] = ["fill_diagonal", "put", "place", "putmask", "put_along_axis", "copyto"]
