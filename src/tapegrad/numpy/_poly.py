"""NumPy's polynomial functions (coefficients highest power first), written with
tapegrad ops so they differentiate: polyfit (least squares through `linalg.lstsq`),
polyder, polyint, polyadd, polysub, polymul, polydiv, poly and roots (eigenvalues of
the companion matrix). polyval and vander are in _jnp.py.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import ops
from .._tensor import Tensor
from ._convert import as_result
from ._functions import _raw
from ._jnp import _f, _t, convolve, vander
from ._shapes import concatenate
from . import linalg
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike


def _poly1d(p, who):
    p = _t(p)
    if p.ndim == 0:
        p = ops.reshape(p, (1,))
    if p.ndim != 1:
        raise ValueError(f"{who}: coefficients must be 1-D, got shape {p.shape}")
    return p


def polyder(p: ArrayLike, m: int = 1) -> Tensor:
    """The m-th derivative's coefficients, as `np.polyder`; differentiable.

    Args:
        p: coefficients, highest power first.
        m: the order of the derivative (>= 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.polyder(tnp.array([1.0, 2.0, 3.0]))
    tensor([2., 2.], dtype=float64)
    """
    m = int(m)
    if m < 0:
        raise ValueError("polyder: order of derivative must be positive (see polyint)")
    p = _poly1d(p, "polyder")
    for _ in range(m):
        n = p.shape[0] - 1
        if n <= 0:
            return as_result(np.zeros(0, dtype=np.result_type(p.dtype, np.float64)))
        p = p[:-1] * np.arange(n, 0, -1)
    return p


def polyint(p: ArrayLike, m: int = 1, k: Any = None) -> Tensor:
    """The m-th antiderivative's coefficients with integration constants k, as
    `np.polyint`; differentiable in p and k.

    Args:
        p: coefficients, highest power first.
        m: how many times to integrate (>= 0).
        k: the constants (a scalar, or m of them, the first for the first integral).

    >>> import tapegrad.numpy as tnp
    >>> tnp.polyint(tnp.array([3.0, 2.0]), k=1.0)
    tensor([1.5000, 2.0000, 1.0000], dtype=float64)
    """
    m = int(m)
    if m < 0:
        raise ValueError("polyint: order of integral must be positive (see polyder)")
    p = _f(_poly1d(p, "polyint"))
    if k is None:
        ks = [0.0] * m
    else:
        kt = _f(k)
        if kt.ndim == 0:
            ks = [kt] * m
        else:
            if kt.shape[0] != m:
                raise ValueError("polyint: k must be a scalar or a rank-1 array of length "
                                 "1 or m")
            ks = [kt[i] for i in range(m)]
    for i in range(m):
        n = p.shape[0]
        kk = ops.reshape(_f(ks[i]), (1,))
        p = concatenate([p / np.arange(n, 0, -1, dtype=np.float64), kk])
    return p


def _pad_front(a, n):
    if a.shape[0] == n:
        return a
    return concatenate([as_result(np.zeros(n - a.shape[0], dtype=a.dtype)), a])


def polyadd(a1: ArrayLike, a2: ArrayLike) -> Tensor:
    """The sum of two polynomials, as `np.polyadd`; differentiable.

    Args:
        a1: coefficients, highest power first.
        a2: coefficients, highest power first.

    >>> import tapegrad.numpy as tnp
    >>> tnp.polyadd(tnp.array([1.0, 2.0]), tnp.array([1.0, 0.0, 1.0]))
    tensor([1., 1., 3.], dtype=float64)
    """
    a, b = _poly1d(a1, "polyadd"), _poly1d(a2, "polyadd")
    n = max(a.shape[0], b.shape[0])
    return _pad_front(a, n) + _pad_front(b, n)


def polysub(a1: ArrayLike, a2: ArrayLike) -> Tensor:
    """The difference of two polynomials, as `np.polysub`; differentiable.

    Args:
        a1: coefficients, highest power first.
        a2: coefficients subtracted.

    >>> import tapegrad.numpy as tnp
    >>> tnp.polysub(tnp.array([1.0, 2.0]), tnp.array([1.0, 0.0, 1.0]))
    tensor([-1.,  1.,  1.], dtype=float64)
    """
    a, b = _poly1d(a1, "polysub"), _poly1d(a2, "polysub")
    n = max(a.shape[0], b.shape[0])
    return _pad_front(a, n) - _pad_front(b, n)


def polymul(a1: ArrayLike, a2: ArrayLike) -> Tensor:
    """The product of two polynomials, as `np.polymul`; differentiable.

    Args:
        a1: coefficients, highest power first.
        a2: coefficients, highest power first.

    >>> import tapegrad.numpy as tnp
    >>> tnp.polymul(tnp.array([1.0, 1.0]), tnp.array([1.0, -1.0]))
    tensor([ 1.,  0., -1.], dtype=float64)
    """
    return convolve(_poly1d(a1, "polymul"), _poly1d(a2, "polymul"))


def polydiv(u: ArrayLike, v: ArrayLike) -> tuple[Tensor, Tensor]:
    """(quotient, remainder) of polynomial division, as `np.polydiv`; differentiable.

    Args:
        u: the dividend's coefficients, highest power first.
        v: the divisor's coefficients.

    >>> import tapegrad.numpy as tnp
    >>> tnp.polydiv(tnp.array([1.0, 2.0, 3.0]), tnp.array([1.0, 1.0]))
    (tensor([1., 1.], dtype=float64), tensor([2.], dtype=float64))
    """
    u, v = _f(_poly1d(u, "polydiv")), _f(_poly1d(v, "polydiv"))
    m, n = u.shape[0] - 1, v.shape[0] - 1
    fold = getattr(_raw(v), "fold", None)
    if fold is not None:        # tg.vmap's v: the check on the whole batch's values
        fold(_nonzero_lead)
    else:
        _nonzero_lead(v)
    scale = 1.0 / v[0]
    r = [u[i] for i in range(m + 1)]
    q = []
    for k in range(max(m - n + 1, 0)):
        d = scale * r[k]
        q.append(d)
        for j in range(n + 1):
            r[k + j] = r[k + j] - d * v[j]
    qt = ops.stack(q) if q else as_result(np.zeros(1, dtype=u.dtype))
    # NumPy drops the remainder's leading (near-)zeros, keeping at least one
    start = max(m - n + 1, 0) if m >= n else 0
    while start < m and np.allclose(_raw(r[start]), 0, rtol=1e-14):
        start += 1
    return qt, ops.stack(r[start:])


def _nonzero_lead(v):
    """v (coefficients along the last axis), refused when a leading one is zero."""
    if np.any(_raw(v)[..., 0] == 0):
        raise ZeroDivisionError("polydiv: the divisor's leading coefficient is zero")
    return v


def poly(seq_of_zeros: ArrayLike) -> Tensor:
    """The coefficients of the monic polynomial with the given roots (or of a square
    matrix's characteristic polynomial), as `np.poly`; differentiable.

    Args:
        seq_of_zeros: the roots (1-D), or a square matrix.

    >>> import tapegrad.numpy as tnp
    >>> tnp.poly(tnp.array([1.0, 2.0]))
    tensor([ 1., -3.,  2.], dtype=float64)
    """
    z = _t(seq_of_zeros)
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0] != 0:
        z = linalg.eigvals(z)
    elif z.ndim != 1 and z.ndim != 0:
        raise ValueError("poly: input must be 1d or non-empty square 2d array")
    z = ops.reshape(z, (-1,))
    if z.shape[0] == 0:
        return as_result(np.ones((), dtype=np.float64))
    if z.dtype.kind not in "fc":
        z = ops.cast(z, np.float64)
    one = as_result(np.ones((), dtype=z.dtype))
    a = as_result(np.ones(1, dtype=z.dtype))
    for i in range(z.shape[0]):
        a = convolve(a, ops.stack([one, -z[i]]))
    if a.dtype.kind == "c":
        # conjugate pairs of roots give real coefficients: NumPy returns them real
        r = _raw(z)
        pos = np.sort_complex(r[r.imag > 0])
        neg = np.sort_complex(np.conjugate(r[r.imag < 0]))
        if pos.shape == neg.shape and np.all(pos == neg):
            a = ops.real(a)
    return a


def roots(p: ArrayLike) -> Tensor:
    """The roots of a polynomial, as `np.roots`: eigenvalues of its companion matrix
    (complex unless all are real); differentiable where the roots are simple.

    Args:
        p: coefficients, highest power first (1-D).

    >>> import tapegrad.numpy as tnp
    >>> tnp.sort(tnp.roots(tnp.array([1.0, -3.0, 2.0])))
    tensor([1., 2.], dtype=float64)
    """
    p = _t(p)
    if p.ndim != 1:
        raise ValueError("roots: input must be a rank-1 array")
    nz = np.flatnonzero(_raw(p))
    if nz.size == 0:
        return as_result(np.array([], dtype=np.float64))
    trailing = p.shape[0] - nz[-1] - 1
    p = _f(p[int(nz[0]):int(nz[-1]) + 1])
    n = p.shape[0]
    if n > 1:
        first = ops.reshape(-p[1:] / p[0], (1, n - 1))
        A = first if n == 2 else concatenate(
            [first, as_result(np.eye(n - 2, n - 1, dtype=p.dtype))])
        r = linalg.eigvals(A)
    else:
        r = as_result(np.zeros(0, dtype=p.dtype))
    if trailing:
        r = concatenate([r, as_result(np.zeros(trailing, dtype=r.dtype))])
    return r


def polyfit(x: ArrayLike, y: ArrayLike, deg: int, rcond: float | None = None,
            full: bool = False, w: ArrayLike | None = None, cov: Any = False) -> Any:
    """Least-squares polynomial fit, as `np.polyfit` (columns scaled, then
    `linalg.lstsq`); the coefficients are differentiable in x, y and w.

    Args:
        x: the sample points (1-D).
        y: the values (1-D, or 2-D with one data set per column).
        deg: the degree of the fit.
        rcond: the relative cutoff for small singular values (default len(x) * eps).
        full: also return (residuals, rank, singular values, rcond).
        w: weights applied to the residuals.
        cov: also return the coefficients' covariance (True, or "unscaled").

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.array([0.0, 1.0, 2.0, 3.0])
    >>> tnp.polyfit(x, 2.0 * x + 1.0, 1).round(6)
    tensor([2., 1.], dtype=float64)
    """
    order = int(deg) + 1
    x, y = _f(x), _f(y)
    if deg < 0:
        raise ValueError("polyfit: expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("polyfit: expected 1D vector for x")
    if x.shape[0] == 0:
        raise TypeError("polyfit: expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("polyfit: expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("polyfit: expected x and y to have same length")
    if rcond is None:
        rcond = x.shape[0] * np.finfo(x.dtype).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = _f(w)
        if w.ndim != 1:
            raise TypeError("polyfit: expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("polyfit: expected w and y to have the same length")
        lhs = lhs * ops.reshape(w, (-1, 1))
        rhs = rhs * (w if y.ndim == 1 else ops.reshape(w, (-1, 1)))
    scale = ops.sqrt(ops.sum(lhs * lhs, 0))
    c, resids, rank, s = linalg.lstsq(lhs / scale, rhs, rcond=rcond)
    c = c / (scale if c.ndim == 1 else ops.reshape(scale, (-1, 1)))
    r = _raw(rank)
    # under tg.vmap the rank is per example (its placeholder folds): no Python test on it
    if getattr(r, "fold", None) is None and int(r) != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning,
                      stacklevel=2)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        Vbase = linalg.inv(ops.matmul(ops.transpose(lhs), lhs)) / ops.reshape(
            scale, (-1, 1)) / scale
        if cov == "unscaled":
            fac = 1.0
        else:
            if x.shape[0] <= order:
                raise ValueError("polyfit: the number of data points must exceed order to "
                                 "scale the covariance matrix")
            fac = resids / (x.shape[0] - order)
        if y.ndim == 1:
            return c, Vbase * fac
        return c, ops.reshape(Vbase, Vbase.shape + (1,)) * fac
    return c


def trim_zeros(filt: ArrayLike, trim: str = "fb") -> Tensor:
    """`filt` without its leading ('f') and/or trailing ('b') zeros, as
    `np.trim_zeros` (1-D); differentiable (a slice).

    Args:
        filt: a 1-D array.
        trim: 'f', 'b' or 'fb' (default): which ends to trim.

    >>> import tapegrad.numpy as tnp
    >>> tnp.trim_zeros(tnp.array([0.0, 1.0, 2.0, 0.0]))
    tensor([1., 2.], dtype=float64)
    """
    a = _t(filt)
    if a.ndim != 1:
        raise ValueError(f"trim_zeros: filt must be 1-D, got shape {a.shape}")
    trim = trim.lower()
    if not trim or set(trim) - set("fb"):
        raise ValueError(f"trim_zeros: trim must be 'f', 'b' or 'fb', got {trim!r}")
    nz = np.flatnonzero(_raw(a))
    if nz.size == 0:
        return a[:0]
    start = int(nz[0]) if "f" in trim else 0
    stop = int(nz[-1]) + 1 if "b" in trim else a.shape[0]
    return a[start:stop]


NAMES: list[str] = ["trim_zeros", "polyder", "polyint", "polyadd", "polysub", "polymul", "polydiv", "poly", "roots",
         "polyfit"]
