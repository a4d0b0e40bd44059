"""Tensor constructors: tensor, constant, zeros, ones, ..., rand, randn."""
import numpy as np

from . import _random, _state
from ._dtypes import DEFAULT_FLOAT, as_dtype
from ._tensor import Tensor, make
from .ops._core import Op, apply


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


class _Draw(Op):
    """Samples from the global generator as a gradient-free op. rand/randn/randint use it
    while tg.function traces, so that every replay draws new samples (as tf.random does
    in a tf.function) instead of repeating the ones drawn while tracing."""

    args = ()
    differentiable = False
    bw_name = "DrawBackward"

    @staticmethod
    def forward(*, kind, shape, dtype, low=0, high=1):
        g = _random.generator()
        if kind == "uniform":
            arr = g.random(shape)
        elif kind == "normal":
            arr = g.standard_normal(shape)
        else:
            arr = g.integers(low, high, size=shape)
        return arr.astype(dtype)


def _draw(kind, shape, dtype, requires_grad, **bounds):
    if _state.local.trace is not None and not requires_grad:
        return apply(_Draw, kind=kind, shape=shape, dtype=dtype, **bounds)
    return _leaf(_Draw.forward(kind=kind, shape=shape, dtype=dtype, **bounds), requires_grad)


def rand(*shape, dtype=None, requires_grad=False) -> Tensor:
    """Uniform [0, 1) samples from the global generator (see manual_seed)."""
    return _draw("uniform", _shape(shape), _dt(dtype), requires_grad)


def randn(*shape, dtype=None, requires_grad=False) -> Tensor:
    """Standard normal samples from the global generator (see manual_seed)."""
    return _draw("normal", _shape(shape), _dt(dtype), requires_grad)


def randint(low, high=None, size=(), dtype=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return _draw("integers", tuple(size), as_dtype(dtype) or np.dtype(np.int64), False,
                 low=low, high=high)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)
