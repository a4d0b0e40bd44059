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

from . import _prng, _prng_ints, _random
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

    Args:
        device: must be "cpu" (the default); accepted for PyTorch's signature.

    Raises:
        ValueError: device is not "cpu".

    Methods: `manual_seed(seed)` (returns the generator), `seed()`, `initial_seed()`,
    `get_state()` / `set_state(state)`, and tf.random.Generator's `from_seed(seed)`,
    `normal(shape, mean, stddev, dtype)` and `uniform(shape, minval, maxval, dtype)`.
    A new Generator starts from a seed drawn from the operating system.

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


# TF's op seeds: set_seed(g) then op seed s gives a fixed sequence, and each call with
# the same s draws the next values in it (a per-seed call count, reset by set_seed)
_op_seeds: dict[str, Any] = {"global": 0, "calls": {}}


def _op_gen(seed, fn):
    if seed is None:
        return None
    s = _seed(seed, fn)
    calls = _op_seeds["calls"]
    k = calls.get(s, 0)
    calls[s] = k + 1
    return np.random.Generator(np.random.PCG64([_op_seeds["global"], s, k]))


def _tf_normal(shape: ShapeLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = float32,
           seed: int | None = None, name: str | None = None) -> Tensor:
    """Normal samples (tf.random.normal): `shape` a list of ints, float32 by default.

    Args:
        shape: the output shape, a list or tuple of ints (or one int, or a 1-D tensor).
        mean: the mean (default 0).
        stddev: the standard deviation, >= 0 (default 1).
        dtype: a float dtype (default float32).
        seed: optional op-level seed, a non-negative int: the draw then depends on it
            only; None draws from the global generator.
        name: ignored (TF's op name).

    Returns:
        A tensor of `shape` and `dtype`.

    Raises:
        TypeError: shape is not a list of ints, dtype is not a float dtype, mean or stddev
            is not a real number, or seed is not an int.
        ValueError: stddev < 0, a negative size, or a negative seed.

    >>> import tapegrad as tg
    >>> tg.random.normal([2, 3], stddev=0.1).shape
    (2, 3)
    """
    return _sample("normal", shape, mean, stddev, dtype, _op_gen(seed, "normal"), "normal")


def _tf_truncated_normal(shape: ShapeLike, mean: float = 0.0, stddev: float = 1.0,
                     dtype: DTypeLike = float32, seed: int | None = None,
                     name: str | None = None) -> Tensor:
    """Normal samples redrawn until within two standard deviations of the mean.

    Args:
        shape: the output shape, a list or tuple of ints (or one int, or a 1-D tensor).
        mean: the mean (default 0).
        stddev: the standard deviation of the untruncated normal, >= 0 (default 1).
        dtype: a float dtype (default float32).
        seed: optional op-level seed, a non-negative int; None draws from the global
            generator.
        name: ignored (TF's op name).

    Returns:
        A tensor of `shape` and `dtype`, all in [mean - 2 stddev, mean + 2 stddev].

    Raises:
        TypeError: shape is not a list of ints, dtype is not a float dtype, mean or stddev
            is not a real number, or seed is not an int.
        ValueError: stddev < 0, a negative size, or a negative seed.

    >>> import tapegrad as tg
    >>> x = tg.random.truncated_normal([1000], mean=1.0, stddev=0.5, seed=3)
    >>> bool(((x >= 0.0) & (x <= 2.0)).all())
    True
    """
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


def _tf_uniform(shape: ShapeLike, minval: float = 0, maxval: float | None = None,
            dtype: DTypeLike = float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Uniform samples in [minval, maxval) (tf.random.uniform; maxval defaults to 1 for
    floats and is required for ints).

    Args:
        shape: the output shape, a list or tuple of ints (or one int, or a 1-D tensor).
        minval: the lower bound, included (default 0).
        maxval: the upper bound, excluded (default None: 1 for float dtypes; required for
            integer dtypes).
        dtype: a float or integer dtype (default float32).
        seed: optional op-level seed, a non-negative int; None draws from the global
            generator.
        name: ignored (TF's op name).

    Returns:
        A tensor of `shape` and `dtype`.

    Raises:
        TypeError: shape is not a list of ints, dtype is neither float nor integer, a bound
            has the wrong type, or seed is not an int.
        ValueError: an integer dtype without maxval or with minval >= maxval, a negative
            size, or a negative seed.

    >>> import tapegrad as tg
    >>> x = tg.random.uniform([100], minval=-1.0, maxval=1.0)
    >>> bool(((x >= -1) & (x < 1)).all())
    True
    """
    return _uniform(shape, minval, maxval, dtype, _op_gen(seed, "uniform"), "uniform")


def _tf_shuffle(value: ArrayLike, seed: int | None = None, name: str | None = None) -> Tensor:
    """A copy of `value` with its first axis randomly permuted (tf.random.shuffle).

    Args:
        value: a tensor or array-like of at least one dimension.
        seed: optional op-level seed, a non-negative int; None draws from the global
            generator.
        name: ignored (TF's op name).

    Returns:
        A new tensor: value's rows in a random order (gradients flow back through the
        permutation).

    Raises:
        ValueError: value is 0-d, or seed is negative.
        TypeError: seed is not an int.

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


def _tf_categorical(logits: ArrayLike, num_samples: int, dtype: DTypeLike = None,
                seed: int | None = None, name: str | None = None) -> Tensor:
    """`num_samples` class indices per row of `logits` ([batch, classes], unnormalised
    log-probabilities), drawn from softmax(logits) (tf.random.categorical); int64.

    Args:
        logits: a 2-D [batch, classes] numeric tensor or array of unnormalised
            log-probabilities.
        num_samples: the number of draws per row, an int >= 0.
        dtype: an integer dtype for the result (default None: int64).
        seed: optional op-level seed, a non-negative int; None draws from the global
            generator.
        name: ignored (TF's op name).

    Returns:
        A [batch, num_samples] integer tensor of class indices (no gradient).

    Raises:
        ValueError: logits is not 2-D numeric, num_samples < 0, or a negative seed.
        TypeError: dtype is not an integer dtype, or num_samples or seed is not an int.

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
    """Seed the global generator (tf.random.set_seed; the same as tg.manual_seed).

    Args:
        seed: a non-negative int.

    Returns:
        None.

    Raises:
        TypeError: seed is not an int (floats, bools and strings are refused).
        ValueError: seed is negative.

    >>> import tapegrad as tg
    >>> tg.random.set_seed(7)
    >>> a = tg.random.uniform([3])
    >>> tg.random.set_seed(7)
    >>> bool((tg.random.uniform([3]) == a).all())
    True
    """
    _random.manual_seed(seed)
    _op_seeds["global"] = _seed(seed, "set_seed")
    _op_seeds["calls"] = {}


# JAX's key-based functions (_prng.py): `random.normal(key, shape)` with a key from
# `random.PRNGKey(seed)` first; the names TensorFlow's functions (_tf_*) also have pick
# by it
normal = _prng.either(_prng.normal, _tf_normal)
def _stateless_gen(seed, fn):
    """The generator of TF's stateless ops: a function of the seed pair only (tapegrad's
    own stream: the values are not TensorFlow's, their determinism is)."""
    pair = seed.tolist() if isinstance(seed, Tensor) else seed
    if not isinstance(pair, (list, tuple, np.ndarray)) or len(pair) != 2:
        raise ValueError(f"{fn}: seed must be a pair of ints (shape [2]), got {_got(seed)}")
    a, b = (integer(v, fn, "seed") for v in pair)
    return np.random.Generator(np.random.PCG64([a % 2 ** 63, b % 2 ** 63, 0x57A7E1E55]))


def stateless_uniform(shape: ShapeLike, seed: Any, minval: float = 0, maxval: float | None = None,
                      dtype: DTypeLike = float32, name: str | None = None, alg: Any = None) -> Tensor:
    """tf.random.stateless_uniform: uniform samples that depend on `seed` only (the same
    seed, the same values; the global seed and earlier draws play no part).

    Args:
        shape: the output shape.
        seed: a pair of ints.
        minval: the lower bound, included.
        maxval: the upper bound, excluded (1 for floats; required for ints).
        dtype: a float or integer dtype (float32).
        name: TensorFlow's op name, accepted and ignored.
        alg: TensorFlow's RNG algorithm, accepted and ignored.

    >>> import tapegrad as tg
    >>> a = tg.random.stateless_uniform([3], seed=[1, 2])
    >>> bool((a == tg.random.stateless_uniform([3], seed=[1, 2])).all())
    True
    """
    return _uniform(shape, minval, maxval, dtype, _stateless_gen(seed, "stateless_uniform"),
                    "stateless_uniform")


def stateless_normal(shape: ShapeLike, seed: Any, mean: float = 0.0, stddev: float = 1.0,
                     dtype: DTypeLike = float32, name: str | None = None, alg: Any = None) -> Tensor:
    """tf.random.stateless_normal: normal samples that depend on `seed` only.

    Args:
        shape: the output shape.
        seed: a pair of ints.
        mean: the mean.
        stddev: the standard deviation.
        dtype: a float dtype (float32).
        name: TensorFlow's op name, accepted and ignored.
        alg: TensorFlow's RNG algorithm, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.random.stateless_normal([2, 2], seed=[3, 4]).shape
    (2, 2)
    """
    return _sample("normal", shape, mean, stddev, dtype,
                   _stateless_gen(seed, "stateless_normal"), "stateless_normal")


def stateless_truncated_normal(shape: ShapeLike, seed: Any, mean: float = 0.0,
                               stddev: float = 1.0, dtype: DTypeLike = float32,
                               name: str | None = None, alg: Any = None) -> Tensor:
    """tf.random.stateless_truncated_normal: truncated normal samples (within two
    standard deviations) that depend on `seed` only.

    Args:
        shape: the output shape.
        seed: a pair of ints.
        mean: the mean.
        stddev: the standard deviation of the untruncated normal.
        dtype: a float dtype (float32).
        name: TensorFlow's op name, accepted and ignored.
        alg: TensorFlow's RNG algorithm, accepted and ignored.

    >>> import tapegrad as tg
    >>> x = tg.random.stateless_truncated_normal([100], seed=[1, 1])
    >>> bool((abs(x) <= 2).all())
    True
    """
    return _sample("truncated", shape, mean, stddev, dtype,
                   _stateless_gen(seed, "stateless_truncated_normal"),
                   "stateless_truncated_normal")


uniform = _prng.either(_prng.uniform, _tf_uniform)
truncated_normal = _prng.either(_prng.truncated_normal, _tf_truncated_normal)
categorical = _prng.either(_prng.categorical, _tf_categorical)
shuffle = _prng.either(_prng_ints.shuffle, _tf_shuffle)
from ._prng import (PRNGKey, bernoulli, bits, clone, fold_in,  # noqa: E402
                    gumbel, key, key_data, split, wrap_key_data)
from ._prng_ints import choice, permutation, randint  # noqa: E402
from ._prng_dists import (beta, cauchy, dirichlet, exponential, gamma,  # noqa: E402
                          laplace, logistic, multivariate_normal, orthogonal,
                          poisson, rademacher)

__all__ = ["Generator", "normal", "truncated_normal", "uniform", "shuffle", "categorical",
           "set_seed", "stateless_uniform", "stateless_normal",
           "stateless_truncated_normal"] + _prng.KEY_NAMES
