"""`jax.random`'s integer draws and reorderings: randint, permutation, shuffle and
choice, written as JAX writes them over the Threefry bits of _prng.py, so they give
JAX's numbers for the same key (64-bit types enabled).

- randint: two words of random bits per value (from the two halves of `split(key)`),
  reduced modulo the span with JAX's carry of 2**nbits mod span.
- permutation: rounds of a stable sort by fresh 32-bit keys (one round up to about 1600
  entries, ceil(3 log n / log(2**32 - 1)) in general).
- choice: randint or a permutation's head without weights; with weights `p`, the
  inverse CDF of `1 - uniform` (with replacement) or the Gumbel top-k (without).
"""
from __future__ import annotations

import math

import numpy as np

from ._check import _got, integer
from ._prng import (_KeyOp, _Bits, _Split, _argsort, _int, _key, _shape,
                    _shape_of, _take, _unit_draw, gumbel)
from ._tensor import Tensor, make
from .ops import cast, cumsum, log, moveaxis, reshape, sum as _sum
from .ops._apply import apply
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from ._typing import ArrayLike, DTypeLike, ShapeLike


def _urem(x, s):
    # XLA's unsigned remainder by zero gives the dividend (JAX relies on it when the
    # span wraps to 0, i.e. covers every value of the dtype)
    zero = s == 0
    return np.where(zero, x, x % np.where(zero, s.dtype.type(1), s))


class _RandInt(_KeyOp):
    """JAX's randint from two words of bits: elementwise in all four inputs."""
    args = ("high", "low", "minval", "maxval")
    core = (0, 0, 0, 0)
    bw_name = "RandintBackward"

    @staticmethod
    def forward(high, low, minval, maxval, *, dtype):
        info = np.iinfo(dtype)
        nbits = info.bits
        ut = np.dtype(f"uint{nbits}")
        i64 = np.iinfo(np.int64)
        lo = np.asarray(minval).astype(np.int64)
        hi = np.asarray(maxval).astype(np.int64)
        out_of_range = hi > min(info.max, i64.max)
        lo = np.clip(lo, max(info.min, i64.min), min(info.max, i64.max))
        hi = np.clip(hi, max(info.min, i64.min), min(info.max, i64.max))
        with np.errstate(over="ignore"):
            span = (hi - lo).astype(np.uint64).astype(ut)
            span = np.where(hi <= lo, ut.type(1), span)
            span = np.where(out_of_range & (hi > lo), span + ut.type(1), span).astype(ut)
            mult = _urem(np.full_like(span, 2 ** (nbits // 2)), span)
            mult = _urem((mult * mult).astype(ut), span)
            off = (_urem(high, span) * mult).astype(ut) + _urem(low, span)
            off = _urem(off.astype(ut), span)
            return (lo.astype(dtype) + off.astype(dtype)).astype(dtype)


def _int_bound(v, fn, arg):
    if isinstance(v, Tensor):
        if v.dtype.kind not in "iuf":
            raise TypeError(f"random.{fn}: {arg} must be an integer, got {_got(v)}")
        return v if v.dtype.kind in "iu" else cast(v, np.int64)
    arr = np.asarray(v)
    if arr.dtype.kind not in "iufb":
        raise TypeError(f"random.{fn}: {arg} must be an integer, got {_got(v)}")
    return arr.astype(np.int64)


def randint(key: Tensor, shape: ShapeLike, minval: ArrayLike, maxval: ArrayLike,
            dtype: DTypeLike = None) -> Tensor:
    """Random integers in [minval, maxval) (jax.random.randint): JAX's values for the
    key; all `minval` where maxval <= minval. Bounds outside the dtype are clipped to
    it (`randint(key, s, 0, 256, jnp.uint8)` covers every uint8).

    Args:
        key: a key.
        shape: the result's shape.
        minval: the lowest value (an int or integer array broadcasting to shape).
        maxval: one past the highest value.
        dtype: an integer dtype (default int64).

    Returns:
        A constant integer tensor of `shape`.

    Raises:
        TypeError: key is not a key, shape not a tuple of ints, dtype not an integer
            dtype, or a bound not a number.
        ValueError: a bound's shape does not broadcast to shape.

    >>> from tapegrad import random
    >>> random.randint(random.PRNGKey(0), (6,), 0, 10).tolist()
    [5, 1, 5, 7, 3, 5]
    """
    k = _key(key, "randint")
    shape = _shape(shape, "randint")
    dt = _int(dtype, "randint")
    lo, hi = _int_bound(minval, "randint", "minval"), _int_bound(maxval, "randint", "maxval")
    for v, arg in ((lo, "minval"), (hi, "maxval")):
        s = _shape_of(v)
        if len(s) > len(shape) or any(a not in (1, b) for a, b in zip(s[::-1], shape[::-1])):
            raise ValueError(f"random.randint: {arg} of shape {s} does not broadcast to "
                             f"shape {shape}")
    keys = apply(_Split, k, shape=(2,))
    w = dt.itemsize * 8
    high = apply(_Bits, keys[0], shape=shape, width=w)
    low = apply(_Bits, keys[1], shape=shape, width=w)
    return apply(_RandInt, high, low, lo, hi, dtype=dt)


def _rounds(size):
    return int(math.ceil(3 * math.log(max(1, size)) / math.log(2 ** 32 - 1)))


def _shuffle(k, x, axis):
    """JAX's _shuffle: x sorted along axis by fresh random 32-bit words, stably, in as
    many rounds as its size asks for."""
    shape = _shape_of(x)
    for _ in range(_rounds(math.prod(shape))):
        keys = apply(_Split, k, shape=(2,))
        k, sub = keys[0], keys[1]
        words = apply(_Bits, sub, shape=shape, width=32)
        x = _along(x, _argsort(words, axis), axis)
    return x


def _along(x, idx, axis):
    """take_along_axis by one gather (no range check reading values, so vmap batches
    it and a jit trace replays it)."""
    shape = _shape_of(x)
    if len(shape) == 1:
        return x[idx]
    xm, im = moveaxis(x, axis, -1), moveaxis(idx, axis, -1)
    lead = _shape_of(xm)[:-1]
    rows = make(np.arange(math.prod(lead), dtype=np.int64)[:, None])
    flat = reshape(xm, (-1, shape[axis]))[rows, reshape(im, (-1, shape[axis]))]
    return moveaxis(reshape(flat, lead + (shape[axis],)), -1, axis)


def _arange(n):
    return make(np.arange(n, dtype=np.int64))


def permutation(key: Tensor, x: ArrayLike, axis: int = 0, independent: bool = False) -> Tensor:
    """A random permutation (jax.random.permutation), JAX's for the key: of range(x) for
    an int `x`, else of x's entries along `axis` (each 1-D slice on its own when
    `independent`).

    Args:
        key: a key.
        x: an int, or a tensor or array.
        axis: the axis to permute (default 0).
        independent: permute every slice along axis independently.

    Returns:
        The permuted tensor; gradients flow back to `x` through the permutation.

    Raises:
        TypeError: key is not a key, or a 0-d x is not an integer.

    >>> from tapegrad import random
    >>> random.permutation(random.PRNGKey(0), 5).tolist()
    [0, 1, 4, 3, 2]
    """
    k = _key(key, "permutation")
    if not isinstance(x, Tensor) and np.ndim(x) == 0:
        if isinstance(x, (bool, np.bool_)) or np.asarray(x).dtype.kind not in "iu":
            raise TypeError(f"random.permutation: x must be an integer or have an axis, "
                            f"got {_got(x)}")
        return _shuffle(k, _arange(integer(int(np.asarray(x)), "random.permutation", "x", low=0)), 0)
    xs = x if isinstance(x, Tensor) else make(np.asarray(x))
    if xs.ndim == 0:
        raise TypeError("random.permutation: x must be an int or have an axis, got a 0-d "
                        "tensor")
    ax = axis % xs.ndim
    if independent or xs.ndim == 1:
        return _shuffle(k, xs, ax)
    return _take(xs, _shuffle(k, _arange(xs.shape[ax]), 0), ax)


def shuffle(key: Tensor, x: ArrayLike, axis: int = 0) -> Tensor:
    """JAX's removed `random.shuffle(key, x, axis)`: each slice along `axis` shuffled
    on its own, which is `permutation(key, x, axis, independent=True)`.

    >>> from tapegrad import random
    >>> sorted(random.shuffle(random.PRNGKey(1), [3, 1, 2]).tolist())
    [1, 2, 3]
    """
    k = _key(key, "shuffle")
    xs = x if isinstance(x, Tensor) else make(np.asarray(x))
    if xs.ndim == 0:
        raise TypeError("random.shuffle: x must have an axis, got a 0-d value")
    return _shuffle(k, xs, axis % xs.ndim)


def _p_dtype(p):
    dt = p.dtype if isinstance(p, Tensor) else np.asarray(p).dtype
    return np.dtype(dt) if np.dtype(dt).kind == "f" else np.dtype(np.float64)


def choice(key: Tensor, a: ArrayLike, shape: ShapeLike = (), replace: bool = True,
           p: ArrayLike | None = None, axis: int = 0, mode: Any = None) -> Tensor:
    """Random entries of `a` along `axis` (of range(a) for an int), with or without
    replacement, optionally weighted by `p` (jax.random.choice): JAX's draws for the
    key.

    Args:
        key: a key.
        a: an int n (choose from range(n)) or a tensor or array.
        shape: the shape of the draws (default ()).
        replace: draw with replacement (default True).
        p: probabilities of the entries (default uniform).
        axis: the axis of `a` to choose along.
        mode: JAX's Gumbel mode, accepted ("low" or "high" give the same draws here).

    Returns:
        A tensor: `shape` for an int `a`, else a's shape with `axis` replaced by
        `shape`; entries of a tensor `a` carry their gradient.

    Raises:
        TypeError: shape is not a tuple.
        ValueError: more draws without replacement than entries, an empty `a`, or p of
            the wrong length.

    >>> from tapegrad import random
    >>> random.choice(random.PRNGKey(0), 5, (3,), replace=False).tolist()
    [0, 1, 4]
    """
    k = _key(key, "choice")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"random.choice: shape must be a tuple of ints, got {_got(shape)}")
    shape = _shape(shape, "choice")
    scalar = not isinstance(a, Tensor) and np.ndim(a) == 0
    if scalar:
        n = integer(int(np.asarray(a)) if np.asarray(a).dtype.kind in "iu" else a, "random.choice",
                    "a")
        arr = None
    else:
        arr = a if isinstance(a, Tensor) else make(np.asarray(a))
        if arr.ndim == 0:
            raise ValueError("random.choice: a must be an int or have an axis")
        axis = axis % arr.ndim
        n = arr.shape[axis]
    m = math.prod(shape)
    if m == 0:
        dt = np.dtype(np.int64) if arr is None else arr.dtype
        return make(np.zeros(shape, dtype=dt))
    if n <= 0:
        raise ValueError("random.choice: a must be greater than 0 unless no samples are "
                         "taken")
    if not replace and m > n:
        raise ValueError(f"random.choice: cannot take a larger sample (size {m}) than the "
                         f"population (size {n}) without replacement")
    if p is None:
        if replace:
            idx = randint(k, shape, 0, n)
        else:
            idx = _shuffle(k, _arange(n), 0)[:m]
    else:
        dt = _p_dtype(p)
        pp = p if isinstance(p, Tensor) else make(np.asarray(p, dtype=dt))
        if tuple(pp.shape) != (n,):
            raise ValueError(f"random.choice: p must have shape ({n},), got "
                             f"{tuple(pp.shape)}")
        pp = pp.detach()
        if replace:
            cdf = cumsum(pp, 0)
            r = cdf[-1] * (1 - _unit_draw(k, "uniform", shape, dt))
            # searchsorted(cdf, r, side="left"): how many cumulative sums lie below r
            idx = _sum(cast(reshape(cdf, (1,) * len(shape) + (n,)) < r[..., None],
                            np.int64), -1)
        else:
            with np.errstate(divide="ignore"):      # p = 0: never drawn
                g = gumbel(k, (n,), dt) + log(pp)
            idx = _argsort(-g)[:m]
    idx = reshape(idx, shape)
    if arr is None:
        return idx
    return _take(arr, idx, axis)


__all__ = ["randint", "permutation", "shuffle", "choice"]
