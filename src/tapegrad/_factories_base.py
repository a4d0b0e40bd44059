"""What the tensor factories share (_factories.py, _factories_random.py): argument checks
(ints, shapes, reals, dtypes), allocation with a clear error, and the new leaf."""
from __future__ import annotations

import numpy as np

from . import _state
from ._dtypes import _got, as_dtype, default_float
from ._tensor import Tensor, make


_local = _state.local
_REAL = (int, float, np.integer, np.floating)
_MAX_SIZE = np.iinfo(np.intp).max


# ------------------------------------------------------------------ argument checks
def _int(v, fn, name, what="an int"):
    """A non-negative int (Python, NumPy or a 0-d integer tensor); bools and floats are
    refused, not truncated."""
    if v.__class__ is not int:
        if isinstance(v, Tensor) and v._data.ndim == 0 and v._data.dtype.kind in "iu":
            v = int(v._data)
        elif isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            v = int(v)
        else:
            raise TypeError(f"{fn}: {name} must be {what}, got {_got(v)}")
    if v < 0:
        raise ValueError(f"{fn}: {name} must be non-negative, got {v}")
    if v > _MAX_SIZE:
        raise ValueError(f"{fn}: {name} {v} is too large (at most {_MAX_SIZE})")
    return v


def _alloc(fn, shape, make_array, *args, **kwargs):
    """make_array(shape, ...), with NumPy's size errors naming the function."""
    try:
        return make_array(shape, *args, **kwargs)
    except ValueError as e:         # e.g. "array is too big"
        raise ValueError(f"{fn}: cannot make an array of shape {shape}: {e}") from None
    except MemoryError as e:
        raise MemoryError(f"{fn}: not enough memory for shape {shape}: {e}") from None


def _shape(shape, fn, size=None):
    if size is not None:            # torch.rand(size=(1, 28, 28)), as d2l writes it
        if shape:
            raise TypeError(f"{fn}: give the shape positionally or as size=, not both")
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    elif len(shape) == 1 and isinstance(shape[0], Tensor) and shape[0]._data.ndim == 1:
        shape = shape[0]._data.tolist()         # TF's tf.zeros(tf.shape(x))
    for s in shape:
        if s.__class__ is not int or s < 0 or s > _MAX_SIZE:
            return tuple(_int(s, fn, "size", "ints") for s in shape)
    return tuple(shape)


def _real(v, fn, name):
    """A real number, or a 0-d real tensor (returned as is)."""
    if isinstance(v, Tensor):
        if v._data.ndim != 0 or v._data.dtype.kind not in "biuf":
            raise TypeError(f"{fn}: {name} must be a real number or a 0-d real tensor, "
                            f"got a tensor of shape {v.shape} and dtype {v.dtype}")
        return v
    if isinstance(v, _REAL) and not isinstance(v, (bool, np.bool_)):
        return v
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iuf":
        return v[()]
    raise TypeError(f"{fn}: {name} must be a real number, got {_got(v)}")


def _dt(dtype, fn):
    return as_dtype(dtype, fn) or default_float()


def _in_graph(t) -> bool:
    """Whether a tensor argument must stay connected: it requires grad with grad mode
    on, carries a forward tangent, or a tape / trace / checkpoint is recording."""
    return bool((t._rg and _local.grad_enabled) or t._fw or _local.special)


def _value(v):
    return v._data[()] if isinstance(v, Tensor) else v


def _leaf(arr, requires_grad):
    t = make(arr)
    if requires_grad:
        t.requires_grad = True
    return t
