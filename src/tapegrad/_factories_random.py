"""Random tensors: rand, randn (floating) and randint, from tapegrad's generator (_random.py;
tg.manual_seed) through one gradient-free op (_Draw), so each replay of a tg.function trace
draws new samples."""
from __future__ import annotations

import numpy as np

from . import _random
from ._check import flag
from ._dtypes import _got, as_dtype, check_device
from ._tensor import Tensor
from .ops._apply import apply
from .ops._op import Op
from ._factories_base import _alloc, _dt, _leaf, _shape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from ._typing import DTypeLike, ShapeLike


# ------------------------------------------------------------------ random
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
    fn = {"uniform": "rand", "normal": "randn"}.get(kind, "randint")
    if requires_grad:           # a new leaf: a constant, also in a tg.function trace
        return _leaf(_alloc(fn, shape, lambda s: _Draw.forward(
            kind=kind, shape=s, dtype=dtype, **bounds)), True)
    return _alloc(fn, shape, lambda s: apply(_Draw, kind=kind, shape=s, dtype=dtype,
                                             **bounds))


def _rng(generator, fn):
    """The NumPy generator behind `generator=` (a tg.Generator or a NumPy Generator)."""
    if isinstance(generator, np.random.Generator):
        return generator
    inner = getattr(generator, "_numpy_generator", None)
    if isinstance(inner, np.random.Generator):
        return inner
    raise TypeError(f"{fn}: generator must be a tg.Generator, got {_got(generator)}")


def _float_dt(dtype, fn):
    dt = _dt(dtype, fn)
    if dt.kind != "f":
        # integer samples of [0, 1) would all be 0
        raise TypeError(f"{fn}: dtype must be a float dtype, got {dt}")
    return dt


def rand(*shape: int | Sequence[int], dtype: DTypeLike = None, requires_grad: bool = False,
         device: str | None = None, generator: Any = None,
         size: Sequence[int] | None = None) -> Tensor:
    """Uniform [0, 1) samples from the global generator (see manual_seed); the shape
    as separate ints or one tuple.

    Args:
        *shape: the shape, as ints or one tuple or list.
        dtype: a floating dtype (float32 by default).
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.
        generator: a tg.Generator to draw from (None: the global one).
        size: the shape as a keyword (PyTorch's spelling), instead of `*shape`.

    Returns:
        A new tensor of uniform samples in [0, 1).

    Raises:
        TypeError: a dimension that is not an int, or a non-floating dtype.

    >>> _ = tg.manual_seed(0)
    >>> a = tg.rand(2, 3)
    >>> _ = tg.manual_seed(0)
    >>> bool((tg.rand(2, 3) == a).all()), a.shape, bool(((a >= 0) & (a < 1)).all())
    (True, (2, 3), True)
    """
    check_device(device, "rand")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "rand", "requires_grad")
    if generator is not None:       # its own stream: a constant leaf, never a traced draw
        g = _rng(generator, "rand")
        dt = _float_dt(dtype, "rand")
        arr = g.random(_shape(shape, "rand", size)) if "uniform" == "uniform" else \
            g.standard_normal(_shape(shape, "rand", size))
        return _leaf(arr.astype(dt), requires_grad)
    return _draw("uniform", _shape(shape, "rand", size), _float_dt(dtype, "rand"), requires_grad)


def randn(*shape: int | Sequence[int], dtype: DTypeLike = None, requires_grad: bool = False,
          device: str | None = None, generator: Any = None,
         size: Sequence[int] | None = None) -> Tensor:
    """Standard normal samples from the global generator (see manual_seed).

    Args:
        *shape: the shape, as ints or one tuple or list.
        dtype: a floating dtype (float32 by default).
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.
        generator: a tg.Generator to draw from (None: the global one).
        size: the shape as a keyword (PyTorch's spelling), instead of `*shape`.

    Returns:
        A new tensor of standard normal samples.

    Raises:
        TypeError: a dimension that is not an int, or a non-floating dtype.

    >>> _ = tg.manual_seed(1)
    >>> x = tg.randn(1000, dtype="float64")
    >>> x.shape, x.dtype, abs(x.mean().item()) < 0.1
    ((1000,), dtype('float64'), True)
    """
    check_device(device, "randn")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "randn", "requires_grad")
    if generator is not None:       # its own stream: a constant leaf, never a traced draw
        g = _rng(generator, "randn")
        dt = _float_dt(dtype, "randn")
        arr = g.random(_shape(shape, "randn", size)) if "normal" == "uniform" else \
            g.standard_normal(_shape(shape, "randn", size))
        return _leaf(arr.astype(dt), requires_grad)
    return _draw("normal", _shape(shape, "randn", size), _float_dt(dtype, "randn"), requires_grad)


def _int_bound(v, name):
    if isinstance(v, Tensor) and v._data.ndim == 0 and v._data.dtype.kind in "iu":
        return int(v._data)
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    raise TypeError(f"randint: {name} must be an int, got {_got(v)}")


def randint(low: int, high: int | None = None, size: ShapeLike = (), dtype: DTypeLike = None,
            device: str | None = None) -> Tensor:
    """Integers uniform in [low, high) (or [0, low) with one bound), int64 by default.

    Args:
        low: the lowest value, or with `high` omitted, the bound (and low is 0).
        high: the bound, not included.
        size: the shape, a tuple of ints (a 0-d tensor by default).
        dtype: an integer dtype (int64 by default).
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A new integer tensor.

    Raises:
        TypeError: a bound that is not an int.
        ValueError: high <= low.

    >>> _ = tg.manual_seed(0)
    >>> r = tg.randint(3, 6, size=(100,))
    >>> r.dtype, sorted(set(r.tolist()))
    (dtype('int64'), [3, 4, 5])
    """
    check_device(device, "randint")
    if isinstance(high, (tuple, list)) and size == ():
        low, high, size = 0, low, high      # torch.randint(10, (2, 2)): high and size
    if high is None:
        low, high = 0, low
    low, high = _int_bound(low, "low"), _int_bound(high, "high")
    if low >= high:
        raise ValueError(f"randint: low must be less than high, got low={low}, high={high}")
    size = _shape((size,) if not isinstance(size, (tuple, list)) else (tuple(size),),
                  "randint")
    dt = as_dtype(dtype, "randint") or np.dtype(np.int64)
    if dt.kind not in "iuf":
        raise TypeError(f"randint: dtype must be an integer or float dtype, got {dt}")
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if low < info.min or high - 1 > info.max:
            raise ValueError(f"randint: [{low}, {high}) does not fit in {dt}")
    return _draw("integers", size, dt, False, low=low, high=high)
