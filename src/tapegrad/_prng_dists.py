"""More of `jax.random`'s distributions (see _prng.py for keys and the core samplers):
exponential, logistic, Cauchy and Laplace (transformed uniforms, JAX's formulas, so
JAX's values up to rounding), Rademacher signs, the multivariate normal (differentiable
in its mean and covariance), and gamma, beta, Dirichlet and Poisson, drawn by NumPy's
generators from a Philox stream keyed by each key (constants, with streams of their
own).
"""
from __future__ import annotations

import math

import numpy as np

from ._prng import (_KeyOp, _bounded_unit, _float, _int, _key, _shape, _shape_of,
                    _unit_draw, _arr, normal, bernoulli)
from ._tensor import Tensor, make
from .ops import (broadcast_to, cast, diagonal, einsum, log, log1p, maximum, sign, sqrt,
                  swapaxes, tan, unsqueeze)
from ._check import integer
from .ops._apply import apply
from .ops.linalg_base import cholesky, eigh, qr
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._typing import ArrayLike, DTypeLike, ShapeLike


def _numpy_core(params):
    k = len(params["shape"])
    return (1,) + tuple(k + (1 if params["kind"] == "dirichlet" else 0)
                        for _ in range(params["n"]))


class _Numpy(_KeyOp):
    """Draws NumPy's generators make well (gamma, beta, dirichlet, poisson), from a
    Philox stream keyed by each key's 64 bits; the parameters come broadcast to the
    output's shape."""
    core = _numpy_core
    bw_name = "RandomBackward"

    @staticmethod
    def forward(key, *ps, kind, shape, n, dtype):
        lead = key.shape[:-1]
        keys = key.reshape(-1, 2)
        flat = [np.asarray(p).reshape((len(keys),) + np.shape(p)[len(lead):]) for p in ps]
        outs = []
        for i, (k0, k1) in enumerate(keys):
            gen = np.random.Generator(np.random.Philox(key=(int(k0) << 32) | int(k1)))
            args = [p[i] for p in flat]
            if kind == "gamma":
                outs.append(gen.standard_gamma(args[0]))
            elif kind == "beta":
                outs.append(gen.beta(args[0], args[1]))
            elif kind == "dirichlet":
                g = gen.standard_gamma(args[0])
                outs.append(g / g.sum(axis=-1, keepdims=True))
            else:
                outs.append(gen.poisson(args[0]))
        tail = shape + ((ps[0].shape[-1],) if kind == "dirichlet" else ())
        out = np.stack(outs) if outs else np.zeros((0,) + tail)
        return out.reshape(lead + tail).astype(dtype)


def _simple(name, fn, lo):
    """A sampler that transforms uniforms in [lo, 1) by `fn`."""

    def sampler(key, shape=(), dtype=None):
        k = _key(key, name)
        dt = _float(dtype, name)
        lower = lo(dt) if callable(lo) else lo
        return fn(_bounded_unit(k, _shape(shape, name), dt, lower))

    sampler.__name__ = sampler.__qualname__ = name
    return sampler


def exponential(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Standard exponential samples, -log(1 - u) (jax.random.exponential).

    Args:
        key: a key from random.PRNGKey.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> bool((random.exponential(random.PRNGKey(0), (100,)) >= 0).all())
    True
    """
    return _exponential(key, shape, dtype)


def logistic(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Standard logistic samples, log(u / (1 - u)) (jax.random.logistic).

    Args:
        key: a key from random.PRNGKey.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> random.logistic(random.PRNGKey(0), (3,)).shape
    (3,)
    """
    return _logistic(key, shape, dtype)


def cauchy(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Standard Cauchy samples, tan(pi (u - 1/2)) (jax.random.cauchy).

    Args:
        key: a key from random.PRNGKey.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> random.cauchy(random.PRNGKey(0), (3,)).shape
    (3,)
    """
    return _cauchy(key, shape, dtype)


def laplace(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Standard Laplace samples, sign(u) log(1 - |u|) of u in (-1, 1)
    (jax.random.laplace).

    Args:
        key: a key from random.PRNGKey.
        shape: the result's shape (default ()).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> random.laplace(random.PRNGKey(0), (3,)).shape
    (3,)
    """
    k = _key(key, "laplace")
    dt = _float(dtype, "laplace")
    lo = dt.type(-1.0) + np.finfo(dt).epsneg
    u = maximum(_unit_draw(k, "uniform", _shape(shape, "laplace"), dt) * (dt.type(1.0) - lo)
                + lo, make(np.asarray(lo)))
    return sign(u) * log1p(-abs(u))


_exponential = _simple("exponential", lambda u: -log1p(-u), 0.0)
_logistic = _simple("logistic", lambda u: log(u) - log1p(-u), lambda dt: np.finfo(dt).tiny)
_cauchy = _simple("cauchy", lambda u: tan(math.pi * (u - 0.5)), lambda dt: np.finfo(dt).eps)


def rademacher(key: Tensor, shape: ShapeLike = (), dtype: DTypeLike = None) -> Tensor:
    """Random signs, -1 or +1 with equal probability (jax.random.rademacher).

    Args:
        key: a key from random.PRNGKey.
        shape: the result's shape (default ()).
        dtype: an integer dtype (default int64).


    >>> from tapegrad import random
    >>> sorted(set(random.rademacher(random.PRNGKey(0), (50,)).tolist()))
    [-1, 1]
    """
    k = _key(key, "rademacher")
    b = bernoulli(k, 0.5, _shape(shape, "rademacher"))
    return cast(cast(b, np.int64) * 2 - 1, _int(dtype, "rademacher"))


def multivariate_normal(key: Tensor, mean: ArrayLike, cov: ArrayLike,
                        shape: ShapeLike | None = None, dtype: DTypeLike = None,
                        method: str = "cholesky") -> Tensor:
    """Samples of N(mean, cov) (jax.random.multivariate_normal): mean + L z with
    L L^T = cov (Cholesky, or "eigh"/"svd": the symmetric square root) and z normal.

    Args:
        key: a key.
        mean: the mean, shape (..., n).
        cov: the covariance, shape (..., n, n), symmetric positive (semi)definite.
        shape: the batch shape of the draws (default: mean's and cov's batch shape).
        dtype: a float dtype (default float64).
        method: "cholesky" (default), "eigh" or "svd".

    Returns:
        A tensor of shape shape + (n,), differentiable with respect to mean and cov.

    >>> from tapegrad import random
    >>> import tapegrad.numpy as jnp
    >>> random.multivariate_normal(random.PRNGKey(0), jnp.zeros(2), jnp.eye(2), (5,)).shape
    (5, 2)
    """
    k = _key(key, "multivariate_normal")
    dt = _float(dtype, "multivariate_normal")
    if method not in ("cholesky", "eigh", "svd"):
        raise ValueError(f"random.multivariate_normal: method must be 'cholesky', 'eigh' "
                         f"or 'svd', got {method!r}")
    mu = mean if isinstance(mean, Tensor) else make(np.asarray(mean, dtype=dt))
    c = cov if isinstance(cov, Tensor) else make(np.asarray(cov, dtype=dt))
    ms, cs = tuple(mu.shape), tuple(c.shape)
    if len(ms) < 1 or len(cs) < 2 or cs[-2:] != ms[-1:] * 2:
        raise ValueError(f"random.multivariate_normal: mean must be (..., n) and cov "
                         f"(..., n, n), got {ms} and {cs}")
    if shape is None:
        shape = tuple(np.broadcast_shapes(ms[:-1], cs[:-2]))
    else:
        shape = _shape(shape, "multivariate_normal")
    if method == "cholesky":
        L = cholesky(c)
    else:
        w, v = eigh(c)
        L = v * sqrt(maximum(w, make(np.asarray(0.0, w.dtype))))[..., None, :]
    z = normal(k, shape + ms[-1:], dt)
    return mu + einsum("...ij,...j->...i", L, z)


def _numpy_draw(fn, key, params, shape, dtype, core_extra=0):
    k = _key(key, fn)
    dt = _float(dtype, fn)
    ps = [_arr(p, np.float64) for p in params]
    tails = [_shape_of(p)[:len(_shape_of(p)) - core_extra] for p in ps]
    shape = tuple(np.broadcast_shapes(*tails)) if shape is None else _shape(shape, fn)
    full = []
    for p in ps:
        want = shape + _shape_of(p)[len(_shape_of(p)) - core_extra:]
        if isinstance(p, Tensor):
            full.append(broadcast_to(cast(p, np.float64), want))
        else:
            full.append(np.broadcast_to(p, want).astype(np.float64))
    return apply(_Numpy, k, *full, kind=fn, shape=shape, n=len(ps), dtype=dt)


def gamma(key: Tensor, a: ArrayLike, shape: ShapeLike | None = None,
          dtype: DTypeLike = None) -> Tensor:
    """Gamma(a, 1) samples (jax.random.gamma; constants here: no gradient to `a`).

    Args:
        key: a key from random.PRNGKey.
        a: the shape parameter, > 0 (a number or an array broadcasting to shape).
        shape: the result's shape (default: a's shape).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> bool((random.gamma(random.PRNGKey(0), 2.0, (10,)) > 0).all())
    True
    """
    return _numpy_draw("gamma", key, [a], shape, dtype)


def beta(key: Tensor, a: ArrayLike, b: ArrayLike, shape: ShapeLike | None = None,
         dtype: DTypeLike = None) -> Tensor:
    """Beta(a, b) samples in (0, 1) (jax.random.beta; constants here).

    Args:
        key: a key from random.PRNGKey.
        a: the first shape parameter, > 0.
        b: the second shape parameter, > 0.
        shape: the result's shape (default: a's and b's broadcast shape).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> x = random.beta(random.PRNGKey(0), 2.0, 3.0, (10,))
    >>> bool(((x > 0) & (x < 1)).all())
    True
    """
    return _numpy_draw("beta", key, [a, b], shape, dtype)


def dirichlet(key: Tensor, alpha: ArrayLike, shape: ShapeLike | None = None,
              dtype: DTypeLike = None) -> Tensor:
    """Dirichlet(alpha) samples (jax.random.dirichlet): shape + alpha's last axis, each
    row summing to 1 (constants here).

    Args:
        key: a key from random.PRNGKey.
        alpha: the concentrations, > 0, shape (..., k).
        shape: the batch shape of the draws (default: alpha's batch shape).
        dtype: a float dtype (default float64).


    >>> from tapegrad import random
    >>> x = random.dirichlet(random.PRNGKey(0), [1.0, 2.0, 3.0], (4,))
    >>> x.shape
    (4, 3)
    """
    return _numpy_draw("dirichlet", key, [alpha], shape, dtype, core_extra=1)


def poisson(key: Tensor, lam: ArrayLike, shape: ShapeLike | None = None,
            dtype: DTypeLike = None) -> Tensor:
    """Poisson(lam) counts (jax.random.poisson), int64 by default.

    Args:
        key: a key from random.PRNGKey.
        lam: the rates, >= 0 (a number or an array broadcasting to shape).
        shape: the result's shape (default: lam's shape).
        dtype: an integer dtype (default int64).


    >>> from tapegrad import random
    >>> random.poisson(random.PRNGKey(0), 3.0, (4,)).dtype
    dtype('int64')
    """
    k = _key(key, "poisson")
    out = _numpy_draw("poisson", k, [lam], shape, np.float64)
    return cast(out, _int(dtype, "poisson"))



def orthogonal(key: Tensor, n: int, shape: ShapeLike = (), dtype: DTypeLike = None,
               m: int | None = None) -> Tensor:
    """A random n x m matrix with orthonormal rows or columns, uniform (Haar) over
    them (jax.random.orthogonal): the Q of a normal matrix's QR, its columns' signs set
    by R's diagonal, as JAX draws it (JAX's numbers up to the last bits of the QR).

    Args:
        key: a key from random.PRNGKey.
        n: the number of rows.
        shape: the batch shape in front (default ()).
        dtype: a float dtype (default float64).
        m: the number of columns (default n).

    Returns:
        A constant tensor of shape `shape + (n, m)`: Q^T Q = I when m <= n, Q Q^T = I
        when n <= m.

    >>> from tapegrad import random
    >>> q = random.orthogonal(random.PRNGKey(0), 3)
    >>> q.shape
    (3, 3)
    >>> bool(abs(q.T @ q - random.orthogonal(random.PRNGKey(0), 3, m=3).T @ q).max() == 0)
    True
    """
    k = _key(key, "orthogonal")
    n = integer(n, "random.orthogonal", "n", low=0)
    m = n if m is None else integer(m, "random.orthogonal", "m", low=0)
    dt = _float(dtype, "orthogonal")
    z = normal(k, _shape(shape, "orthogonal") + (max(n, m), min(n, m)), dt)
    q, r = qr(z)
    d = diagonal(r, 0, -2, -1)
    x = q * unsqueeze(sign(d), -2)
    return swapaxes(x, -1, -2) if n < m else x
