"""Banded linear solves (scipy.linalg.solve_banded): `SolveBanded`.

A is n x n with `l` bands below the diagonal and `u` above, stored as SciPy stores it:
`ab[u + i - j, j] == A[i, j]`, an (l + u + 1, n) array whose corner entries (those with
i outside 0..n-1) are never read. The rules move between this form and its transpose's
with constant integer indices (getitem), so they record and differentiate again:
gb = A^-T g is again a banded solve (bands swapped), gab[r, j] = -gb[i] . x[j] for
i = j + r - u, and dx = A^-1 (db - dA x)."""
import functools

import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from .elementwise import Where
from .reduce import Sum
from .shape import GetItem
from .solve import linalg_error

__all__ = ["SolveBanded", "band_times", "band_transpose", "solve_banded"]


def _dense(ab, l, u):
    """The n x n matrix that `ab` stores (corner entries ignored)."""
    n = ab.shape[1]
    a = np.zeros((n, n), dtype=ab.dtype)
    for r in range(l + u + 1):
        k = u - r                       # row r holds diagonal k (A[i, i + k])
        j0, j1 = max(k, 0), min(n, n + k)
        a[np.arange(j0 - k, j1 - k), np.arange(j0, j1)] = ab[r, j0:j1]
    return a


def _solve(ab, b, l, u):
    try:
        from scipy.linalg import solve_banded      # optional: LAPACK's gbsv, O(n (l+u)^2)
    except ImportError:
        solve_banded = None
    try:
        if solve_banded is not None:
            return np.asarray(solve_banded((l, u), ab, b, check_finite=False))
        return np.linalg.solve(_dense(ab, l, u), b)
    except np.linalg.LinAlgError:
        raise linalg_error("solve_banded", f"the banded matrix of order {ab.shape[1]} is "
                           "singular; the solve could not be completed") from None


@functools.lru_cache(maxsize=64)
def _shifted(m, n, base, sign, offset):
    """Rows, columns and mask that read entry [r, j] of an (m, n) band array from
    [base - r, j + sign * r + offset] (base None: from row r) where that column is in
    0..n-1. Read-only and cached (a loop solving with one band shape reuses them)."""
    r = np.arange(m)[:, None]
    c = np.arange(n)[None, :] + sign * r + offset
    mask = (c >= 0) & (c < n)
    cols = np.clip(c, 0, n - 1)
    rows = np.broadcast_to(r if base is None else base - r, (m, n)).copy()
    for a in (rows, cols, mask):
        a.flags.writeable = False
    return rows, cols, mask


def _nd(v):
    return np.ndim(v._data if isinstance(v, Tensor) else v)


def band_transpose(ab, l, u):
    """The band array of A^T (l and u swapped): abT[r, j] = ab[l + u - r, j + r - l]."""
    m, n = ab.shape
    rows, cols, mask = _shifted(m, n, l + u, 1, -l)
    return call(Where, mask, call(GetItem, ab, index=(rows, cols)), 0.0)


def band_times(dab, x, u):
    """A x for A stored as the band array `dab` (x of shape (n,) or (n, k)):
    (A x)[i] = sum_r dab[r, j] x[j] with j = i - r + u."""
    m, n = dab.shape
    rows, cols, mask = _shifted(m, n, None, -1, u)
    terms = call(GetItem, dab, index=(rows, cols))
    xs = call(GetItem, x, index=(cols,))
    if _nd(xs) == 3:
        terms = call(GetItem, terms, index=(Ellipsis, None))
        mask = mask[..., None]
    return call(Sum, call(Where, mask, terms * xs, 0.0), axis=(0,), keepdims=False)


@register
class SolveBanded(Op):
    """x with A x = b for the banded A stored in `ab` (SciPy's layout, `l` bands below
    and `u` above the diagonal); b is (n,) or (n, k)."""
    batching = None
    args = ("ab", "b")
    saves = ("ab", "out")

    @staticmethod
    def forward(ab, b, *, l, u):
        return _solve(ab, b, l, u)

    @staticmethod
    def vjp(ctx, g):
        ab, x = ctx.saved
        l, u = ctx.params["l"], ctx.params["u"]
        gb = call(SolveBanded, band_transpose(ab, l, u), g, l=u, u=l)
        gab = None
        if ctx.needs_grad[0]:
            m, n = ab.shape
            # gab[r, j] = -gb[i] . x[j], i = j + r - u, zero where i is outside 0..n-1
            _, cols, mask = _shifted(m, n, None, 1, -u)
            prod = call(GetItem, gb, index=(cols,)) * x
            if _nd(prod) == 3:
                prod = call(Sum, prod, axis=(2,), keepdims=False)
            gab = call(Where, mask, -prod, 0.0)
        return gab, gb if ctx.needs_grad[1] else None

    @staticmethod
    def jvp(ctx, dab, db):
        ab, x = ctx.saved
        l, u = ctx.params["l"], ctx.params["u"]
        rhs = tangent_sum(db, None if dab is None else -band_times(dab, x, u))
        return call(SolveBanded, ab, rhs, l=l, u=u)


def solve_banded(l_and_u, ab, b):
    """x with A x = b for the banded A stored in `ab` as SciPy stores it
    (`ab[u + i - j, j] == A[i, j]`); `l_and_u = (l, u)` counts the bands below and above
    the diagonal. Differentiable in ab and b (the unread corner entries of ab get a zero
    gradient)."""
    try:
        l, u = l_and_u
    except (TypeError, ValueError):
        raise TypeError(f"solve_banded: l_and_u must be a pair (l, u) of numbers of bands, "
                        f"got {l_and_u!r:.60}") from None
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0
               for v in (l, u)):
        raise ValueError(f"solve_banded: l_and_u must hold two non-negative integers, got "
                         f"{l_and_u!r:.60}")
    l, u = int(l), int(u)
    sa, sb = np.shape(ab._data if isinstance(ab, Tensor) else ab), \
        np.shape(b._data if isinstance(b, Tensor) else b)
    if len(sa) != 2 or sa[0] != l + u + 1:
        raise ValueError(f"solve_banded: ab must have shape (l + u + 1, n) = ({l + u + 1}, n), "
                         f"got {sa}")
    if len(sb) not in (1, 2) or sb[0] != sa[1]:
        raise ValueError(f"solve_banded: b must have shape ({sa[1]},) or ({sa[1]}, k) to "
                         f"match ab of shape {sa}, got {sb}")
    return apply(SolveBanded, ab, b, l=l, u=u)
