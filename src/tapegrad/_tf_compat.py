"""TensorFlow's top-level spellings that guide programs use and tapegrad's other names
do not cover: tf.size, tf.rank, tf.one_hot (TF's arguments and float32 default; torch's
one_hot is nn.functional.one_hot), tf.fill and tf.executing_eagerly."""
from __future__ import annotations

import numpy as np

from . import _state
from ._check import _got
from ._dtypes import as_dtype
from ._tensor import Tensor, make

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _arr(x, fn="tf"):
    """x's values as an ndarray of numbers; anything else raises naming `fn`."""
    if isinstance(x, Tensor):
        return x._data
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as e:        # ragged nested lists
        raise ValueError(f"{fn}: cannot make a tensor of {_got(x)}: {e}") from None
    if a.dtype.kind not in "biufc":
        raise TypeError(f"{fn}: expected a tensor, array or numbers, got {_got(x)}")
    return a


def size(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:
    """The number of elements, as a 0-d int32 tensor (tf.size).

    Args:
        input: a tensor, array or nested list.
        out_type: the integer dtype of the result (int32 by default).
        name: accepted for TensorFlow's signature.

    >>> tg.size(tg.zeros([3, 2, 4]))
    tensor(24, dtype=int32)
    """
    dt = as_dtype(out_type, "size") or np.dtype(np.int32)
    return make(np.asarray(_arr(input, "size").size, dtype=dt))


def rank(input: Any, name: str | None = None) -> Tensor:
    """The number of dimensions, as a 0-d int32 tensor (tf.rank).

    Args:
        input: a tensor, array or nested list.
        name: accepted for TensorFlow's signature.

    >>> tg.rank(tg.zeros([3, 2]))
    tensor(2, dtype=int32)
    """
    return make(np.asarray(_arr(input, "rank").ndim, dtype=np.int32))


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: int | None = None, dtype: Any = None, name: str | None = None) -> Tensor:
    """tf.one_hot: a new axis of length `depth` (last by default) holding on_value at
    each index and off_value elsewhere; an index outside [0, depth) gives an all-off
    row, as in TensorFlow. float32 by default.

    Args:
        indices: integer indices of any shape.
        depth: the number of classes.
        on_value: the value at the index (1 by default).
        off_value: the value elsewhere (0 by default).
        axis: where the new axis goes (None or -1: last).
        dtype: the result's dtype (default: on/off values' dtype, else float32).
        name: accepted for TensorFlow's signature.

    >>> tg.one_hot([0, 2, 5], depth=3)
    tensor([[1., 0., 0.],
            [0., 0., 1.],
            [0., 0., 0.]])
    """
    idx = _arr(indices, "one_hot")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got dtype {idx.dtype}")
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise TypeError(f"one_hot: depth must be a non-negative int, got {_got(depth)}")
    dt = as_dtype(dtype, "one_hot")
    if dt is None:
        given = [np.asarray(_arr(v, "one_hot")).dtype for v in (on_value, off_value) if v is not None]
        dt = given[0] if given and not isinstance(on_value, float) else np.dtype(np.float32)
    on = 1 if on_value is None else _arr(on_value, "one_hot")
    off = 0 if off_value is None else _arr(off_value, "one_hot")
    hit = idx[..., None] == np.arange(int(depth))
    out = np.where(hit, on, off).astype(dt)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return make(out)


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """A tensor of shape `dims` filled with `value`, in value's dtype (tf.fill; a Python
    float gives float32).

    Args:
        dims: the shape (a list, tuple or 1-d integer tensor).
        value: the scalar to fill with.
        name: accepted for TensorFlow's signature.

    >>> tg.fill([2, 3], 9)
    tensor([[9, 9, 9],
            [9, 9, 9]], dtype=int32)
    """
    shape = tuple(int(d) for d in np.asarray(_arr(dims, "fill")).reshape(-1))
    v = _arr(value, "fill")
    if isinstance(value, float):
        dt = np.dtype(np.float32)
    elif isinstance(value, (bool, int)) and not isinstance(value, np.generic):
        dt = np.dtype(np.bool_) if isinstance(value, bool) else np.dtype(np.int32)
    else:
        dt = v.dtype
    if np.ndim(v) != 0:
        raise ValueError(f"fill: value must be a scalar, got shape {np.shape(v)}")
    return make(np.full(shape, v, dtype=dt))


def executing_eagerly() -> bool:
    """True outside a `tg.function` trace, False while one traces (as TensorFlow).

    >>> tg.executing_eagerly()
    True
    """
    return _state.local.trace is None


def shape(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:
    """The shape as a 1-d int32 tensor (tf.shape; `t.shape` is the tuple).

    Args:
        input: a tensor, array or nested list.
        out_type: the integer dtype of the result (int32 by default).
        name: accepted for TensorFlow's signature.

    >>> tg.shape(tg.zeros([3, 2]))
    tensor([3, 2], dtype=int32)
    """
    dt = as_dtype(out_type, "shape") or np.dtype(np.int32)
    return make(np.asarray(_arr(input, "shape").shape, dtype=dt))



def reduce_all(input_tensor: Any, axis: Any = None, keepdims: bool = False,
               name: str | None = None) -> Tensor:
    """Logical and over `axis` (all axes by default), a bool tensor (tf.reduce_all).

    Args:
        input_tensor: a bool (or numeric) tensor.
        axis: an int, a list of ints, or None.
        keepdims: keep the reduced axes with size 1.
        name: accepted for TensorFlow's signature.

    >>> tg.reduce_all(tg.tensor([[True, False], [True, True]]), axis=1)
    tensor([False,  True])
    """
    a = _arr(input_tensor, "reduce_all")
    ax = axis if axis is None or isinstance(axis, int) else tuple(axis)
    return make(np.asarray(np.all(a, axis=ax, keepdims=keepdims)))


def reduce_any(input_tensor: Any, axis: Any = None, keepdims: bool = False,
               name: str | None = None) -> Tensor:
    """Logical or over `axis` (all axes by default), a bool tensor (tf.reduce_any).

    Args:
        input_tensor: a bool (or numeric) tensor.
        axis: an int, a list of ints, or None.
        keepdims: keep the reduced axes with size 1.
        name: accepted for TensorFlow's signature.

    >>> tg.reduce_any(tg.tensor([False, True]))
    tensor(True)
    """
    a = _arr(input_tensor, "reduce_any")
    ax = axis if axis is None or isinstance(axis, int) else tuple(axis)
    return make(np.asarray(np.any(a, axis=ax, keepdims=keepdims)))
