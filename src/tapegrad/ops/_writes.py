"""What a write `t[index] = value` leaves behind: which written values survive repeated
positions, and whether it brings a base whose view was written up to date again."""
from __future__ import annotations

import math
from weakref import ref as _weakref

import numpy as np

from .._tensor import _share_version, mark_stale_views


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


_PLAIN_NOTES = ("stale", "stale_by", "stale_bases", "np")


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
    index = _positions(b._data, t._data)
    if index is None:
        return False
    x = b._x
    if x is not None:
        x.pop("stale", None)
        x.pop("stale_by", None)
        if not x:
            b._x = None
    out = apply(op, b, t, index=index)
    b.grad_fn, b._rg, b._fw = out.grad_fn, out._rg, out._fw
    return True


def after_write(t, recording, apply, op):
    """After a recorded (or forward-mode) write into t: the tensors t is a view of take
    the write (rebase); the other views, marked stale, remember those up-to-date tensors,
    from which refresh can rebuild them when used."""
    bases = bases_of(t) if t._data.base is not None else ()
    x = t._vc.x if t._vc is not None else None
    views = list(x[0]) if recording and x is not None and x[0] else ()
    if recording:
        mark_stale_views(t, t._vc.site)
    fresh = [t] + [b for b in bases if rebase(b, t, apply, op)]
    refs = [_weakref(b) for b in fresh]
    if views:
        x[0] = list(refs)       # listed again: a later write marks them if it misses them
        for r in views:
            v = r()
            if v is not None and v._x is not None and "stale" in v._x and not any(
                    v is b for b in fresh):
                v._x["stale_bases"] = refs


def refresh(args, apply, getitem):
    """Rebuild the stale views among args from an up-to-date tensor holding all their
    elements (the one a later write went through, or its base): each view's history
    becomes a gather from it, as PyTorch regenerates a view after its base changed.
    False when some stale view cannot be rebuilt (its use then raises)."""
    for a in args:
        x = getattr(a, "_x", None)
        if not x or "stale" not in x or not hasattr(a, "_data"):
            continue
        for r in x.get("stale_bases", ()):
            b = r()
            if b is None or (b._x is not None and "stale" in b._x) or b is a:
                continue
            index = _positions(b._data, a._data)
            if index is None:
                continue
            out = apply(getitem, b, index=index)
            for k in ("stale", "stale_by", "stale_bases"):
                x.pop(k, None)
            if not x:
                a._x = None
            a.grad_fn, a._rg, a._fw = out.grad_fn, out._rg, out._fw
            _share_version(b, a)        # listed again, so a later write marks it
            break
        else:
            return False
    return True


def picks_one(x, index):
    """Whether a (normalized) index picks one element of x by ints alone: NumPy gives a
    scalar copy, PyTorch a 0-d view."""
    return len(index) == x._data.ndim > 0 and all(
        type(i) is int or isinstance(i, np.integer) for i in index)


def _positions(bd, vd):
    """The index (a tuple of integer arrays shaped as vd) of vd's elements in bd, when
    every element of vd is a whole element of bd's memory; else None."""
    if bd.dtype != vd.dtype:
        return None
    ab, av = _addresses(bd), _addresses(vd)
    order = np.argsort(ab, axis=None)
    flat = ab.reshape(-1)[order]
    i = np.minimum(np.searchsorted(flat, av), flat.size - 1)
    if flat.size == 0 or not np.array_equal(flat[i], av):
        return None
    return tuple(np.unravel_index(order[i], bd.shape)) if bd.ndim else ()


def _addresses(a):
    """The memory address of each element of a (an int64 array of a's shape)."""
    out = np.full(a.shape, a.__array_interface__["data"][0], dtype=np.int64)
    for ax, (n, s) in enumerate(zip(a.shape, a.strides)):
        out += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (a.ndim - ax - 1))
    return out
