"""JAX's key-based random numbers (`jax.random`), behind tg.random's names.

A key is a uint32 tensor of shape (2,), as JAX's `random.PRNGKey` gives. Every draw is a
function of its key alone: the same key gives the same numbers, `split` and `fold_in`
derive independent keys. The bits come from the Threefry-2x32 hash in the counter layout
of JAX's `jax_threefry_partitionable` mode (JAX's default since 0.5), so `PRNGKey`,
`split`, `fold_in`, `bits`, `uniform` and `normal` give JAX's numbers; the other
samplers are written from those and may differ from JAX's streams.

The hashing runs in a few gradient-free ops (`_Seed`, `_Split`, `_FoldIn`, `_Bits`,
`_Unit`, and _prng_dists.py's `_Numpy`) whose forward takes keys with leading batch axes, so under tg.vmap a
batch of keys is one call (their `core` says the key's trailing axis is its own), and
under tg.jit a draw is a step of the trace, replayed with each call's key. Samplers with
arguments (bounds, probabilities, logits) compose those ops with tapegrad's, so they
batch, trace and differentiate as the ops they are made of. Floats default to float64,
as JAX with `jax_enable_x64` and as tapegrad.numpy.
"""
from __future__ import annotations

import math

import numpy as np

from ._check import _got, integer
from ._dtypes import as_dtype
from ._tensor import Tensor, make
from .ops import (cast, clip, erf, erfinv, log, maximum, minimum, moveaxis, reshape,
                  take_along_axis)
from .ops._apply import apply
from .ops._op import Op
from .ops.special import _erfinv
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
    from ._typing import ArrayLike, DTypeLike, ShapeLike

_MASK = 0xFFFFFFFF
_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))


def _threefry(k0, k1, x0, x1):
    """Threefry-2x32 (20 rounds) of the counters (x0, x1) under the key (k0, k1);
    uint32 arrays that broadcast together."""
    u = np.uint32
    k0, k1, x0, x1 = (np.asarray(a, dtype=u) for a in (k0, k1, x0, x1))
    ks = (k0, k1, k0 ^ k1 ^ u(0x1BD11BDA))
    with np.errstate(over="ignore"):        # uint32 arithmetic wraps, as the hash wants
        x0 = x0 + ks[0]
        x1 = x1 + ks[1]
        for i in range(5):
            for r in _ROT[i % 2]:
                x0 = x0 + x1
                x1 = ((x1 << u(r)) | (x1 >> u(32 - r))) ^ x0
            x0 = x0 + ks[(i + 1) % 3]
            x1 = x1 + ks[(i + 2) % 3] + u(i + 1)
    return x0, x1


def _hash_counts(key, n):
    """The hash of counters 0..n-1 (64-bit, split high/low) under each key of `key`
    (..., 2): two arrays (..., n)."""
    c = np.arange(n, dtype=np.uint64)
    hi, lo = (c >> np.uint64(32)).astype(np.uint32), (c & np.uint64(_MASK)).astype(np.uint32)
    return _threefry(key[..., 0, None], key[..., 1, None], hi, lo)


class _KeyOp(Op):
    """A gradient-free op of keys: its results are constants for autodiff."""

    args: tuple[str, ...] = ("key",)
    differentiable = False
    core: Any = (1,)        # vmap: the key's own axis is the trailing one (vmap/_batched.py)


class _Seed(_KeyOp):
    """PRNGKey of a traced or batched integer seed: [high 32 bits, low 32 bits]."""

    args = ("seed",)
    core = (0,)
    bw_name = "PRNGKeyBackward"

    @staticmethod
    def forward(seed):
        s = np.asarray(seed).astype(np.int64)
        return np.stack([(s >> 32) & _MASK, s & _MASK], axis=-1).astype(np.uint32)


class _Split(_KeyOp):
    bw_name = "SplitBackward"

    @staticmethod
    def forward(key, *, shape):
        y0, y1 = _hash_counts(key, math.prod(shape))
        return np.stack([y0, y1], axis=-1).reshape(key.shape[:-1] + shape + (2,))


class _FoldIn(_KeyOp):
    args = ("key", "data")
    core = (1, 0)
    bw_name = "FoldInBackward"

    @staticmethod
    def forward(key, data):
        d = (np.asarray(data).astype(np.int64) & _MASK).astype(np.uint32)
        y0, y1 = _threefry(key[..., 0], key[..., 1], np.uint32(0), d)
        return np.stack([y0, y1], axis=-1)


def _raw_bits(key, shape, width):
    y0, y1 = _hash_counts(key, math.prod(shape))
    if width == 64:
        out = (y0.astype(np.uint64) << np.uint64(32)) | y1.astype(np.uint64)
    else:
        out = (y0 ^ y1).astype(np.dtype(f"uint{width}"))
    return out.reshape(key.shape[:-1] + shape)


class _Bits(_KeyOp):
    bw_name = "BitsBackward"

    @staticmethod
    def forward(key, *, shape, width):
        return _raw_bits(key, shape, width)


# mantissa bits of each float width: the top bits of a draw fill the mantissa of a
# number in [1, 2), minus 1 (JAX's construction)
_MANT = {16: 10, 32: 23, 64: 52}


def _unit(key, shape, dtype):
    w = dtype.itemsize * 8
    ut = np.dtype(f"uint{w}")
    b = _raw_bits(key, shape, w)
    one = np.array(1.0, dtype).view(ut)
    return ((b >> ut.type(w - _MANT[w])) | one).view(dtype) - dtype.type(1.0)


class _Unit(_KeyOp):
    """Uniform floats in [0, 1) or standard normals (sqrt(2) erfinv of a uniform in
    (-1, 1)), of `shape` per key."""
    bw_name = "RandomBackward"

    @staticmethod
    def forward(key, *, kind, shape, dtype):
        u = _unit(key, shape, dtype)
        if kind == "uniform":
            return u
        lo = np.nextafter(dtype.type(-1.0), dtype.type(0.0))
        u = np.maximum(lo, u * (dtype.type(1.0) - lo) + lo)
        return (dtype.type(math.sqrt(2.0)) * _erfinv(u)).astype(dtype)


class _LastArgsort(_KeyOp):
    """Stable argsort along the last axis, as an op: tg.argsort reads values outside
    the graph, which vmap and a jit trace cannot batch or replay."""
    args = ("x",)
    bw_name = "ArgsortBackward"

    @staticmethod
    def forward(x):
        return np.argsort(x, axis=-1, kind="stable").astype(np.int64)


class _LastArgmax(_KeyOp):
    """argmax along the last axis, as an op (see _LastArgsort)."""
    args = ("x",)
    bw_name = "ArgmaxBackward"

    @staticmethod
    def forward(x):
        return np.argmax(x, axis=-1).astype(np.int64)


def _argsort(x, axis=-1):
    nd = len(_shape_of(x))
    ax = axis % nd
    if ax != nd - 1:
        return moveaxis(apply(_LastArgsort, moveaxis(x, ax, -1)), -1, ax)
    return apply(_LastArgsort, x)


def _take(x, idx, axis):
    """x's entries at idx along axis, by indexing (which vmap batches in one gather)."""
    if axis == 0:
        return x[idx]
    return moveaxis(moveaxis(x, axis, 0)[idx], tuple(range(idx.ndim)),
                    tuple(range(axis, axis + idx.ndim)))


def _argmax(x, axis):
    nd = len(_shape_of(x))
    return apply(_LastArgmax, moveaxis(x, axis % nd, -1))


# ------------------------------------------------------------------ argument checks

def is_key(value: Any) -> bool:
    """Whether `value` is a key: a uint32 tensor or array whose last axis has 2 entries."""
    data = value._data if isinstance(value, Tensor) else value
    return isinstance(data, np.ndarray) and data.dtype == np.uint32 and \
        data.shape[-1:] == (2,)


def _key(value, fn):
    if isinstance(value, np.ndarray):
        value = make(np.array(value))
    if not is_key(value):
        raise TypeError(f"random.{fn}: key must be a key from random.PRNGKey (a uint32 "
                        f"tensor of shape (2,)), got {_got(value)}")
    if value.ndim != 1:
        raise ValueError(f"random.{fn}: pass one key (shape (2,)), got a batch of shape "
                         f"{tuple(value.shape)}; map over keys with tg.vmap")
    return value


def _shape(shape, fn, arg="shape"):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"random.{fn}: {arg} must be a tuple of ints, got {_got(shape)}")
    return tuple(integer(s, f"random.{fn}", arg, low=0) for s in shape)


def _float(dtype, fn):
    # JAX's `float` is its default float: float64 here, as jax_enable_x64
    dt = np.dtype(np.float64) if dtype is None or dtype is float else \
        np.dtype(as_dtype(dtype, f"random.{fn}"))
    if dt.kind != "f" or dt.itemsize * 8 not in _MANT:
        raise TypeError(f"random.{fn}: dtype must be float16, float32 or float64, got {dt}")
    return dt


def _int(dtype, fn):
    dt = np.dtype(np.int64) if dtype is None or dtype is int else \
        np.dtype(as_dtype(dtype, f"random.{fn}"))
    if dt.kind not in "iu":
        raise TypeError(f"random.{fn}: dtype must be an integer dtype, got {dt}")
    return dt


def _shape_of(v):
    return tuple(np.shape(v._data if isinstance(v, Tensor) else v))


def _arr(v, dtype=None):
    """A bound or parameter as a tensor (kept) or an array of `dtype`."""
    if isinstance(v, Tensor):
        return v
    return np.asarray(v, dtype=dtype)


# ------------------------------------------------------------------ keys

def PRNGKey(seed: ArrayLike) -> Tensor:
    """A key from an integer seed (jax.random.PRNGKey): a uint32 tensor of shape (2,),
    the seed's high and low 32 bits, as JAX's.

    Args:
        seed: an int (or an integer tensor, e.g. inside tg.jit).

    Returns:
        The key, a uint32 tensor of shape (2,) (a batch of keys for a batch of seeds).

    Raises:
        TypeError: seed is not an integer.

    >>> from tapegrad import random
    >>> random.PRNGKey(42).tolist()
    [0, 42]
    """
    if isinstance(seed, Tensor):
        if seed.dtype.kind not in "iu":
            raise TypeError(f"random.PRNGKey: seed must be an integer, got {_got(seed)}")
        return apply(_Seed, seed)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"random.PRNGKey: seed must be an int, got {_got(seed)}")
    s = int(seed) & 0xFFFFFFFFFFFFFFFF
    return make(np.array([s >> 32, s & _MASK], dtype=np.uint32))


def key(seed: ArrayLike, *, impl: Any = None) -> Tensor:
    """JAX's `random.key(seed)`: here the same key as `PRNGKey(seed)` (a uint32 tensor
    of shape (2,); tapegrad has no separate typed key arrays).

    Args:
        seed: an int (or an integer tensor).
        impl: accepted for JAX's signature; only Threefry is implemented.

    Returns:
        The key.

    >>> from tapegrad import random
    >>> bool((random.key(3) == random.PRNGKey(3)).all())
    True
    """
    if impl not in (None, "threefry2x32"):
        raise ValueError(f"random.key: only the threefry2x32 implementation exists, got "
                         f"{impl!r}")
    return PRNGKey(seed)


def key_data(keys: ArrayLike) -> Tensor:
    """The uint32 data of a key (jax.random.key_data): the key itself here.

    Args:
        keys: a key (or a batch of keys).

    Returns:
        The same uint32 tensor.


    >>> from tapegrad import random
    >>> random.key_data(random.key(1)).tolist()
    [0, 1]
    """
    out = make(np.array(keys)) if isinstance(keys, np.ndarray) else keys
    if not isinstance(out, Tensor) or not is_key(out):
        raise TypeError(f"random.key_data: keys must be keys, got {_got(keys)}")
    return out


def wrap_key_data(key_bits_array: ArrayLike, *, impl: Any = None) -> Tensor:
    """A key from its uint32 data (jax.random.wrap_key_data).

    Args:
        key_bits_array: uint32 values of shape (..., 2).
        impl: accepted for JAX's signature.

    >>> from tapegrad import random
    >>> random.wrap_key_data([0, 7]).tolist()
    [0, 7]
    """
    data = key_bits_array._data if isinstance(key_bits_array, Tensor) else \
        np.asarray(key_bits_array)
    if data.shape[-1:] != (2,) or data.dtype.kind not in "iu":
        raise ValueError(f"random.wrap_key_data: need integers of shape (..., 2), got "
                         f"{_got(key_bits_array)}")
    if isinstance(key_bits_array, Tensor) and data.dtype == np.uint32:
        return key_bits_array
    return make(data.astype(np.uint32))


def split(key: Tensor, num: int | ShapeLike = 2) -> Tensor:
    """New keys derived from `key` (jax.random.split): `num` keys, shape (num, 2)
    (`num` may be a shape). They and the keys split from them are independent.

    Args:
        key: a key.
        num: how many keys (default 2), or a shape of keys.

    Returns:
        A uint32 tensor of shape (num, 2); unpack it as `key, sub = random.split(key)`.

    Raises:
        TypeError: key is not a key, or num is not an int or a shape.

    >>> from tapegrad import random
    >>> key, sub = random.split(random.PRNGKey(0))
    >>> tuple(key.shape), bool((key != sub).any())
    ((2,), True)
    """
    k = _key(key, "split")
    return apply(_Split, k, shape=_shape(num, "split", "num"))


def fold_in(key: Tensor, data: ArrayLike) -> Tensor:
    """A new key from `key` and an integer (jax.random.fold_in): different data give
    independent keys (e.g. one key per step: `fold_in(key, step)`).

    Args:
        key: a key.
        data: an int, taken modulo 2**32 (or an integer tensor).

    Returns:
        A key.

    Raises:
        TypeError: key is not a key, or data is not an integer.

    >>> from tapegrad import random
    >>> k = random.PRNGKey(0)
    >>> bool((random.fold_in(k, 1) != random.fold_in(k, 2)).any())
    True
    """
    k = _key(key, "fold_in")
    if isinstance(data, Tensor):
        if data.dtype.kind not in "iu":
            raise TypeError(f"random.fold_in: data must be an integer, got {_got(data)}")
    else:
        data = np.int64(integer(data, "random.fold_in", "data") & _MASK)
    return apply(_FoldIn, k, data)


def clone(key: Tensor) -> Tensor:
    """JAX's `random.clone`: the key (keys are values here, never consumed).

    Args:
        key: a key.

    Returns:
        The same key.


    >>> from tapegrad import random
    >>> random.clone(random.PRNGKey(5)).tolist()
    [0, 5]
    """
    return _key(key, "clone")


def bits(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Random unsigned integers with every bit random (jax.random.bits).

    Args:
        key: a key.
        shape: the result's shape (default ()).
        dtype: uint8, uint16, uint32 (the default) or uint64.

    >>> from tapegrad import random
    >>> random.bits(random.PRNGKey(0), (3,)).dtype
    dtype('uint32')
    """
    k = _key(key, "bits")
    dt = np.dtype(np.uint32) if dtype is None else np.dtype(as_dtype(dtype, "random.bits"))
    if dt.kind != "u":
        raise TypeError(f"random.bits: dtype must be an unsigned integer dtype, got {dt}")
    return apply(_Bits, k, shape=_shape(shape, "bits"), width=dt.itemsize * 8)


# ------------------------------------------------------------------ samplers

def _unit_draw(k, kind, shape, dt):
    return apply(_Unit, k, kind=kind, shape=shape, dtype=dt)


def uniform(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None,
            minval: ArrayLike = 0.0, maxval: ArrayLike = 1.0) -> Tensor:
    """Uniform floats in [minval, maxval) (jax.random.uniform).

    Args:
        key: a key.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).
        minval: the lower bound (a number or an array broadcasting to shape).
        maxval: the upper bound, excluded.

    Returns:
        A tensor of `shape`; differentiable with respect to tensor bounds, a constant
        otherwise.

    Raises:
        TypeError: key is not a key, shape is not a tuple of ints, or dtype not a float.

    >>> from tapegrad import random
    >>> x = random.uniform(random.PRNGKey(0), (1000,), minval=-1.0, maxval=1.0)
    >>> bool(((x >= -1) & (x < 1)).all())
    True
    """
    k = _key(key, "uniform")
    shape = _shape(shape, "uniform")
    dt = _float(dtype, "uniform")
    u = _unit_draw(k, "uniform", shape, dt)
    if not isinstance(minval, Tensor) and not isinstance(maxval, Tensor) and \
            np.ndim(minval) == 0 and np.ndim(maxval) == 0:
        lo, hi = dt.type(minval), dt.type(maxval)
        if lo == 0 and hi == 1:
            return u
        return maximum(u * (hi - lo) + lo, make(np.asarray(lo)))
    lo, hi = _arr(minval, dt), _arr(maxval, dt)
    return maximum(u * (hi - lo) + lo, lo)


def normal(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Standard normal samples (jax.random.normal); the values JAX gives for the key
    (with 64-bit types enabled, up to the last bits of erfinv).

    Args:
        key: a key.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).

    Returns:
        A constant tensor of `shape`.

    Raises:
        TypeError: key is not a key, shape is not a tuple of ints, or dtype not a float.

    >>> from tapegrad import random
    >>> key, sub = random.split(random.PRNGKey(0))
    >>> random.normal(sub, (2, 3)).shape
    (2, 3)
    """
    k = _key(key, "normal")
    return _unit_draw(k, "normal", _shape(shape, "normal"), _float(dtype, "normal"))


def _bounded_unit(k, shape, dt, lo):
    """Uniform in [lo, 1) of dtype dt, JAX's clamp included."""
    u = _unit_draw(k, "uniform", shape, dt)
    lo = dt.type(lo)
    return maximum(u * (dt.type(1.0) - lo) + lo, make(np.asarray(lo)))


def _pick_shape(shape, fn, *params):
    if shape is None:
        return tuple(np.broadcast_shapes(*(_shape_of(p) for p in params)))
    return _shape(shape, fn)


def truncated_normal(key: Tensor, lower: ArrayLike, upper: ArrayLike,
                     shape: ShapeLike | None = None, dtype: DTypeLike = None) -> Tensor:
    """Standard normal samples truncated to (lower, upper) (jax.random.truncated_normal),
    by the inverse CDF of a uniform draw between erf(lower) and erf(upper).

    Args:
        key: a key.
        lower: the lower bound (number or array).
        upper: the upper bound.
        shape: the result's shape (default: lower's and upper's broadcast shape).
        dtype: a float dtype (default float64).

    Returns:
        A tensor of `shape`, every value strictly inside the bounds.

    >>> from tapegrad import random
    >>> x = random.truncated_normal(random.PRNGKey(0), -1.0, 2.0, (500,))
    >>> bool(((x > -1) & (x < 2)).all())
    True
    """
    k = _key(key, "truncated_normal")
    shape = _pick_shape(shape, "truncated_normal", lower, upper)
    dt = _float(dtype, "truncated_normal")
    r2 = dt.type(math.sqrt(2.0))
    lo, hi = _arr(lower, dt), _arr(upper, dt)
    a, b = erf(lo / r2), erf(hi / r2)
    u = _unit_draw(k, "uniform", shape, dt)
    out = r2 * erfinv(maximum(u * (b - a) + a, a))
    if not isinstance(lo, Tensor):       # strictly inside, as JAX
        lo = np.nextafter(lo, dt.type(np.inf))
    if not isinstance(hi, Tensor):
        hi = np.nextafter(hi, dt.type(-np.inf))
    return clip(out, lo, hi)


def bernoulli(key: Tensor, p: ArrayLike = 0.5, shape: ShapeLike | None = None) -> Tensor:
    """Random booleans, True with probability `p` (jax.random.bernoulli).

    Args:
        key: a key.
        p: the probability of True (a number or an array broadcasting to shape).
        shape: the result's shape (default: p's shape).

    Returns:
        A bool tensor of `shape`.

    >>> from tapegrad import random
    >>> random.bernoulli(random.PRNGKey(0), 0.0, (3,)).tolist()
    [False, False, False]
    """
    k = _key(key, "bernoulli")
    shape = _pick_shape(shape, "bernoulli", p)
    dt = p.dtype if isinstance(p, Tensor) and p.dtype.kind == "f" else np.dtype(np.float64)
    return _unit_draw(k, "uniform", shape, np.dtype(dt)) < _arr(p, dt)


def gumbel(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None,
           mode: str = "low") -> Tensor:
    """Standard Gumbel samples, -log(-log(u)) (jax.random.gumbel).

    Args:
        key: a key.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).
        mode: accepted for JAX's signature ("low" or "high").

    >>> from tapegrad import random
    >>> random.gumbel(random.PRNGKey(0), (4,)).shape
    (4,)
    """
    k = _key(key, "gumbel")
    dt = _float(dtype, "gumbel")
    u = _bounded_unit(k, _shape(shape, "gumbel"), dt, np.finfo(dt).tiny)
    return -log(-log(u))


def categorical(key: Tensor, logits: ArrayLike, axis: int = -1,
                shape: ShapeLike | None = None, replace: bool = True) -> Tensor:
    """Class indices drawn from softmax(logits) along `axis` (jax.random.categorical),
    by the Gumbel-max trick.

    Args:
        key: a key.
        logits: unnormalised log-probabilities.
        axis: the class axis (default -1).
        shape: the result's shape; it ends with logits' shape without `axis` (default:
            that shape, one draw per distribution).
        replace: False draws without replacement (the leading draws are distinct).

    Returns:
        An int64 tensor of `shape` (no gradient).

    >>> from tapegrad import random
    >>> random.categorical(random.PRNGKey(0), [[0.0, -1e9], [-1e9, 0.0]]).tolist()
    [0, 1]
    """
    k = _key(key, "categorical")
    lg = _arr(logits, np.float64)
    ls = _shape_of(lg)
    if not ls:
        raise ValueError("random.categorical: logits must have at least one axis")
    ax = axis % len(ls)
    batch = ls[:ax] + ls[ax + 1:]
    shape = batch if shape is None else _shape(shape, "categorical")
    if shape[len(shape) - len(batch):] != batch:
        raise ValueError(f"random.categorical: shape {shape} must end with logits' shape "
                         f"without axis {axis}, {batch}")
    prefix = shape[:len(shape) - len(batch)]
    dt = lg.dtype if lg.dtype.kind == "f" else np.dtype(np.float64)
    if replace:
        g = gumbel(k, prefix + ls, dt)
        return _argmax(g + lg, len(prefix) + ax)
    n = math.prod(prefix)
    if n > ls[ax]:
        raise ValueError(f"random.categorical: {n} draws without replacement from "
                         f"{ls[ax]} classes")
    z = moveaxis(gumbel(k, ls, dt) + lg, ax, -1)
    idx = _argsort(-z)[..., :n]
    idx = moveaxis(idx, -1, 0)
    return reshape(idx, prefix + batch)


def either(keyed: Callable[..., Any], other: Callable[..., Any]) -> Callable[..., Any]:
    """One name for a key-based sampler and tg.random's TensorFlow one: a key as the
    first argument (or `key=`) picks `keyed`, anything else `other`."""

    def fn(*args, **kwargs):
        if (args and is_key(args[0])) or "key" in kwargs:
            return keyed(*args, **kwargs)
        return other(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = keyed.__name__
    fn.__module__ = "tapegrad.random"
    fn.__doc__ = (f"{(keyed.__doc__ or '').rstrip()}\n\n    Called with a shape first (no key), "
                  f"it is TensorFlow's `{keyed.__name__}`:\n\n    "
                  f"{(other.__doc__ or '').strip()}\n")
    return fn


KEY_NAMES = ["PRNGKey", "key", "key_data", "wrap_key_data", "split", "fold_in", "clone",
             "bits", "randint", "bernoulli", "gumbel", "permutation", "choice",
             "exponential", "logistic", "cauchy", "laplace", "rademacher",
             "multivariate_normal", "gamma", "beta", "dirichlet", "poisson", "orthogonal"]
# names tg.random already has with TensorFlow's signature: served by `either`
SHARED = ["normal", "uniform", "truncated_normal", "categorical", "shuffle"]
