"""Random numbers for TensorFlow users (tf.random's names) and tg.Generator.

`tg.random.set_seed(s)` is `tg.manual_seed(s)`: both seed the one global generator
behind rand/randn, initialisers, dropout, DataLoader shuffles and these functions. An
op-level `seed=` gives a draw that depends on that seed only.

>>> import tapegrad as tg
>>> tg.random.set_seed(0)
>>> a = tg.random.normal([2])
>>> _ = tg.manual_seed(0)
>>> bool((tg.random.normal([2]) == a).all())
True
"""
from __future__ import annotations

import secrets

import numpy as np

from . import _random
from ._check import _got, integer, real
from ._dtypes import as_dtype, float32
from ._factories import rand, randn, tensor
from ._tensor import Tensor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from ._typing import ArrayLike, DTypeLike, ShapeLike


def _seed(seed, fn):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fn}: seed must be a non-negative int, got {_got(seed)}")
    if seed < 0:
        raise ValueError(f"{fn}: seed must be a non-negative int, got {seed}")
    return int(seed)


class Generator:
    """A random stream of its own (torch.Generator / tf.random.Generator), for
    `generator=` of DataLoader, samplers and random_split.

    >>> import tapegrad as tg
    >>> g = tg.Generator().manual_seed(42)
    >>> g.initial_seed()
    42
    """

    def __init__(self, device: str = "cpu") -> None:
        if str(device) != "cpu":
            raise ValueError(f"Generator: tapegrad runs on the CPU only, got device "
                             f"{device!r}")
        self.device = device
        self.manual_seed(secrets.randbits(63))

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to `seed`; returns the generator (for chaining)."""
        self._initial_seed = _seed(seed, "Generator.manual_seed")
        self._numpy_generator = np.random.Generator(np.random.PCG64(self._initial_seed))
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(secrets.randbits(63))
        return self._initial_seed

    def initial_seed(self) -> int:
        return self._initial_seed

    def get_state(self) -> Any:
        """The state as a JSON-able dict."""
        return self._numpy_generator.bit_generator.state

    def set_state(self, state: Any) -> Any:
        bg = np.random.PCG64()
        try:
            bg.state = state
        except (TypeError, ValueError, KeyError) as e:
            raise ValueError(f"Generator.set_state: not a state from get_state(): {e}") \
                from None
        self._numpy_generator = np.random.Generator(bg)
        return self

    # tf.random.Generator's names
    @classmethod
    def from_seed(cls, seed: int, alg: Any = None) -> Generator:
        return cls().manual_seed(seed)

    def normal(self, shape: ShapeLike, mean: float = 0.0, stddev: float = 1.0,
               dtype: DTypeLike = float32) -> Tensor:
        return _sample("normal", shape, mean, stddev, dtype, self._numpy_generator,
                       "Generator.normal")

    def uniform(self, shape: ShapeLike, minval: float = 0, maxval: float | None = None,
                dtype: DTypeLike = float32) -> Tensor:
        return _uniform(shape, minval, maxval, dtype, self._numpy_generator,
                        "Generator.uniform")


def _shape(shape, fn):
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = [shape]
    if not isinstance(shape, (list, tuple)):
        raise TypeError(f"{fn}: shape must be a list of ints, got {_got(shape)}")
    return tuple(integer(s, fn, "shape", low=0) for s in shape)


def _sample(kind, shape, a, b, dtype, gen, fn):
    shape = _shape(shape, fn)
    dt = as_dtype(dtype, fn)
    if dt.kind != "f":
        raise TypeError(f"{fn}: dtype must be a float dtype, got {dt}")
    a = real(a, fn, "mean")
    b = real(b, fn, "stddev", low=0.0)
    if gen is None:
        # the global stream, through the recorded draw (re-drawn in tg.function)
        return randn(shape, dtype=dt) * b + a
    if kind == "normal":
        arr = gen.standard_normal(shape) * b + a
    else:
        arr = _truncated(gen, shape) * b + a
    return tensor(arr.astype(dt))


def _truncated(gen, shape):
    # standard normal redrawn until within two standard deviations (as TF)
    out = gen.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out


def _op_gen(seed, fn):
    return None if seed is None else np.random.Generator(np.random.PCG64(_seed(seed, fn)))


def normal(shape: ShapeLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = float32,
           seed: int | None = None, name: str | None = None) -> Tensor:
    """Normal samples (tf.random.normal): `shape` a list of ints, float32 by default.

    >>> import tapegrad as tg
    >>> tg.random.normal([2, 3], stddev=0.1).shape
    (2, 3)
    """
    return _sample("normal", shape, mean, stddev, dtype, _op_gen(seed, "normal"), "normal")


def truncated_normal(shape: ShapeLike, mean: float = 0.0, stddev: float = 1.0,
                     dtype: DTypeLike = float32, seed: int | None = None,
                     name: str | None = None) -> Tensor:
    """Normal samples redrawn until within two standard deviations of the mean."""
    gen = _op_gen(seed, "truncated_normal") or _random.generator()
    return _sample("truncated", shape, mean, stddev, dtype, gen, "truncated_normal")


def _uniform(shape, minval, maxval, dtype, gen, fn):
    shape = _shape(shape, fn)
    dt = as_dtype(dtype, fn)
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError(f"{fn}: maxval must be given for integer dtype {dt}")
        lo, hi = integer(minval, fn, "minval"), integer(maxval, fn, "maxval")
        if lo >= hi:
            raise ValueError(f"{fn}: need minval < maxval, got {lo} and {hi}")
        return tensor((gen or _random.generator()).integers(lo, hi, size=shape).astype(dt))
    if dt.kind != "f":
        raise TypeError(f"{fn}: dtype must be a float or integer dtype, got {dt}")
    lo = real(minval, fn, "minval")
    hi = 1.0 if maxval is None else real(maxval, fn, "maxval")
    if gen is None:
        return rand(shape, dtype=dt) * (hi - lo) + lo
    return tensor((gen.random(shape) * (hi - lo) + lo).astype(dt))


def uniform(shape: ShapeLike, minval: float = 0, maxval: float | None = None,
            dtype: DTypeLike = float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Uniform samples in [minval, maxval) (tf.random.uniform; maxval defaults to 1 for
    floats and is required for ints).

    >>> import tapegrad as tg
    >>> x = tg.random.uniform([100], minval=-1.0, maxval=1.0)
    >>> bool(((x >= -1) & (x < 1)).all())
    True
    """
    return _uniform(shape, minval, maxval, dtype, _op_gen(seed, "uniform"), "uniform")


def shuffle(value: ArrayLike, seed: int | None = None, name: str | None = None) -> Tensor:
    """A copy of `value` with its first axis randomly permuted (tf.random.shuffle).

    >>> import tapegrad as tg
    >>> sorted(tg.random.shuffle(tg.arange(5)).tolist())
    [0, 1, 2, 3, 4]
    """
    if not isinstance(value, Tensor):
        value = tensor(value)
    if value.ndim == 0:
        raise ValueError("shuffle: value must have at least one dimension, got a 0-d "
                         "tensor")
    gen = _op_gen(seed, "shuffle") or _random.generator()
    return value[gen.permutation(value.shape[0])]


def categorical(logits: ArrayLike, num_samples: int, dtype: DTypeLike = None,
                seed: int | None = None, name: str | None = None) -> Tensor:
    """`num_samples` class indices per row of `logits` ([batch, classes], unnormalised
    log-probabilities), drawn from softmax(logits) (tf.random.categorical); int64.

    >>> import tapegrad as tg
    >>> tg.random.categorical(tg.tensor([[0.0, -1e9], [-1e9, 0.0]]), 3).tolist()
    [[0, 0, 0], [1, 1, 1]]
    """
    fn = "categorical"
    arr = logits._data if isinstance(logits, Tensor) else np.asarray(logits)
    if arr.ndim != 2 or arr.dtype.kind not in "fiu":
        raise ValueError(f"{fn}: logits must be a 2-D [batch, classes] numeric tensor, got "
                         f"{_got(logits)}")
    n = integer(num_samples, fn, "num_samples", low=0)
    dt = as_dtype(dtype, fn) if dtype is not None else np.dtype(np.int64)
    if dt.kind not in "iu":
        raise TypeError(f"{fn}: dtype must be an integer dtype, got {dt}")
    gen = _op_gen(seed, fn) or _random.generator()
    z = arr.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = gen.random((arr.shape[0], n))
    # inverse CDF per row; the clip guards against rounding in the last bin
    idx = np.stack([np.searchsorted(c, row, side="right") for c, row in zip(cdf, u)]) \
        if len(u) else np.zeros((0, n), np.int64)
    idx = np.minimum(idx, arr.shape[1] - 1)
    return tensor(idx.astype(dt))


def set_seed(seed: int) -> None:
    """Seed the global generator (tf.random.set_seed; the same as tg.manual_seed)."""
    _random.manual_seed(seed)


__all__ = ["Generator", "normal", "truncated_normal", "uniform", "shuffle", "categorical",
           "set_seed"]
