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
