"""What a write `t[index] = value` leaves behind: which written values survive repeated
positions, and whether it brings a base whose view was written up to date again."""
from __future__ import annotations

import math

import numpy as np


def overwritten(shape, index):
    """Which values of `x[index] = v` a later value at the same position overwrote
    (NumPy writes in order: the last one stays), as a mask over x[index]; None when
    no position repeats."""
    if not any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in index):
        return None
    where = np.zeros(shape, np.intp)
    n = where[index].shape
    ids = np.arange(math.prod(n), dtype=np.intp).reshape(n)
    where[index] = ids
    lost = where[index] != ids
    return lost if lost.any() else None


def clear_stale(t, index, value):
    """`t[index] = value` where value is the view of t at index whose recorded in-place
    change alone made t's history stale: the write records that change into t's
    history, so t is up to date again (Python's `a[i:] += y` ends in this write)."""
    x = t._x
    by = x.get("stale_by")
    if by is None or by() is not value:
        return
    if not any(i is Ellipsis for i in index):
        index = index + (Ellipsis,)     # all ints: a 0-d view, not NumPy's scalar copy
    try:
        here = t._data[index]
    except (IndexError, TypeError, ValueError):
        return
    if not (isinstance(here, np.ndarray) and here.base is not None
            and value._data.__array_interface__ == here.__array_interface__):
        return
    del x["stale"], x["stale_by"]
    if not x:
        t._x = None


_PLAIN_NOTES = ("stale", "stale_by", "np")


def bases_of(t):
    """The tensors sharing t's memory whose history a recorded write into t can be
    carried into (see rebase): alive, up to date, neither leaves that require grad nor
    traced or batched values. Read before the write marks the views, which forgets
    them."""
    d = t._data
    x = t._vc.x if t._vc is not None else None
    views = x[0] if x is not None else None
    if d.base is None or not views or (t._x and any(k not in _PLAIN_NOTES for k in t._x)):
        return ()
    out = []
    for r in views:
        b = r()
        if b is None or b is t or not (b._data is d.base or b._data.base is d.base):
            continue
        notes = b._x or ()
        if (b.grad_fn is None and b._rg) or "stale" in notes or any(
                k not in _PLAIN_NOTES for k in notes):
            continue        # a stale one stays stale: an earlier write is not in its history
        out.append(b)
    return out


def rebase(b, t, apply, op):
    """t, sharing b's memory, was just written (recorded): b's history gets the write
    too, as b = op(b, t) at the positions t's elements have in b (PyTorch's
    CopySlices), so b is up to date instead of stale. When some of t's elements are not
    whole elements of b (a partial overlap, x.real of a complex array), b stays stale
    and raises when used."""
    bd, vd = b._data, t._data
    if bd.dtype != vd.dtype:
        return
    ab, av = _addresses(bd), _addresses(vd)
    order = np.argsort(ab, axis=None)
    flat = ab.reshape(-1)[order]
    i = np.minimum(np.searchsorted(flat, av), flat.size - 1)
    if not np.array_equal(flat[i], av):
        return
    pos = order[i]
    index = np.unravel_index(pos, bd.shape) if bd.ndim else ()
    x = b._x
    if x is not None:
        x.pop("stale", None)
        x.pop("stale_by", None)
        if not x:
            b._x = None
    out = apply(op, b, t, index=tuple(index))
    b.grad_fn, b._rg, b._fw = out.grad_fn, out._rg, out._fw


def _addresses(a):
    """The memory address of each element of a (an int64 array of a's shape)."""
    out = np.full(a.shape, a.__array_interface__["data"][0], dtype=np.int64)
    for ax, (n, s) in enumerate(zip(a.shape, a.strides)):
        out += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (a.ndim - ax - 1))
    return out
