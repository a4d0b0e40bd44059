"""tapegrad.numpy's integers and bools follow NumPy's type promotion.

tapegrad's tensors follow PyTorch: an integer tensor times a Python float is float32.
NumPy (and autograd.numpy, jax.numpy with x64) make it float64. An integer or bool
tensor that tapegrad.numpy makes carries a mark (`"np"` in its extras, see
ops/_apply.mark_numpy); every op that meets a marked input keeps the dtype NumPy
computed, and passes the mark on to its integer results (reshape, indexing, `+ 1`,
`astype(int32)`). Float tensors carry no mark, so they keep the C fast path: their
dtypes are the same under both rules but for a float32 array meeting a 0-d float64 one
(PyTorch keeps float32, NumPy 2 widens to float64), where tapegrad.numpy gives float32.
"""
import functools

import numpy as np

from .._tensor import Tensor
from .._tensor import make as _make
from ..ops._apply import mark_numpy


def make(data):
    """A tensor over the ndarray `data`, marked when it holds integers or bools."""
    t = _make(data)
    if data.dtype.kind in "biu":
        mark_numpy(t)
    return t


def mark(r):
    """`r` (a tensor, or a tuple or list of them) with its integer parts marked."""
    if r.__class__ is Tensor:
        if r._data.dtype.kind in "biu":
            mark_numpy(r)
    elif isinstance(r, (tuple, list)):
        for v in r:
            if v.__class__ is Tensor and v._data.dtype.kind in "biu":
                mark_numpy(v)
    return r


def marked(fn):
    """`fn` whose integer results are marked (for functions that return a tapegrad op's
    result directly: argmax of a float tensor is int64 but its input is not marked)."""
    @functools.wraps(fn)
    def f(*args, **kwargs):
        return mark(fn(*args, **kwargs))
    return f


def is_marked(t):
    return t.__class__ is Tensor and t._x is not None and "np" in t._x

