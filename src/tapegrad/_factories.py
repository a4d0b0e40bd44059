"""Tensor constructors: tensor, constant, zeros, ones, ..., rand, randn."""
import numpy as np

from . import _random
from ._dtypes import DEFAULT_FLOAT, as_dtype
from ._tensor import Tensor, make


def tensor(data, dtype=None, requires_grad=False) -> Tensor:
    """A new leaf tensor holding a copy of `data`.

    Python floats become float32, ints int64, bools bool; NumPy arrays keep their dtype.

    >>> import tapegrad as tg
    >>> tg.tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """TF spelling: a tensor that is not tracked unless a tape watches it."""
    t = Tensor(value, dtype=dtype)
    if shape is not None:
        t = make(np.broadcast_to(t._data, tuple(shape)).copy())
    return t


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """TF spelling: `value` as a Tensor (returned as is when it already is one)."""
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != as_dtype(dtype):
            raise TypeError(f"convert_to_tensor: tensor has dtype {value.dtype}, "
                            f"requested {as_dtype(dtype)}")
        return value
    if dtype is None and dtype_hint is not None and not isinstance(value, np.ndarray):
        dtype = dtype_hint
    return Tensor(value, dtype=dtype)


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(int(s) for s in shape[0])
    return tuple(int(s) for s in shape)


def _leaf(arr, requires_grad):
    t = make(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def _dt(dtype):
    return as_dtype(dtype) or DEFAULT_FLOAT


def zeros(*shape, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.zeros(_shape(shape), dtype=_dt(dtype)), requires_grad)


def ones(*shape, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.ones(_shape(shape), dtype=_dt(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False) -> Tensor:
    if isinstance(shape, int):
        shape = (shape,)
    if dtype is None:
        dtype = (np.int64 if isinstance(fill_value, (int, np.integer)) and
                 not isinstance(fill_value, bool) else
                 np.bool_ if isinstance(fill_value, bool) else DEFAULT_FLOAT)
    return _leaf(np.full(tuple(shape), fill_value, dtype=as_dtype(dtype)), requires_grad)


def _like_dtype(x, dtype):
    if dtype is not None:
        return as_dtype(dtype)
    return x._data.dtype if isinstance(x, Tensor) else np.asarray(x).dtype


def _shape_of(x):
    return x._data.shape if isinstance(x, Tensor) else np.shape(x)


def zeros_like(x, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.zeros(_shape_of(x), dtype=_like_dtype(x, dtype)), requires_grad)


def ones_like(x, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.ones(_shape_of(x), dtype=_like_dtype(x, dtype)), requires_grad)


def full_like(x, fill_value, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.full(_shape_of(x), fill_value, dtype=_like_dtype(x, dtype)),
                 requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False) -> Tensor:
    """Like PyTorch: int arguments give int64, any float gives float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = (np.int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step))
                 else DEFAULT_FLOAT)
    return _leaf(np.arange(start, end, step).astype(as_dtype(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.linspace(start, end, int(steps)).astype(_dt(dtype)), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False) -> Tensor:
    return _leaf(np.eye(n, m, dtype=_dt(dtype)), requires_grad)


def rand(*shape, dtype=None, requires_grad=False) -> Tensor:
    """Uniform [0, 1) samples from the global generator (see manual_seed)."""
    arr = _random.generator().random(_shape(shape))
    return _leaf(arr.astype(_dt(dtype)), requires_grad)


def randn(*shape, dtype=None, requires_grad=False) -> Tensor:
    """Standard normal samples from the global generator (see manual_seed)."""
    arr = _random.generator().standard_normal(_shape(shape))
    return _leaf(arr.astype(_dt(dtype)), requires_grad)


def randint(low, high=None, size=(), dtype=None) -> Tensor:
    if high is None:
        low, high = 0, low
    arr = _random.generator().integers(low, high, size=tuple(size))
    return make(arr.astype(as_dtype(dtype) or np.int64))


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)
