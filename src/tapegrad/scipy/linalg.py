"""`tapegrad.scipy.linalg`: scipy.linalg's signatures over tg.linalg (torch.linalg's
names). Note SciPy's conventions: `cholesky` returns the upper factor unless
`lower=True`; `solve_triangular(a, b, trans=0, lower=False)`.

Each function uses the tg.linalg function of the same job, so gradients are tg.linalg's.
"""
from __future__ import annotations

import numpy as np

from .. import linalg as _linalg
from .. import ops as _ops
from ._args import f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis



def _mT(a):
    return _ops.swapaxes(a, -1, -2)


def cholesky(a: ArrayLike, lower: bool = False) -> Tensor:
    low = _linalg.cholesky(f64(a))
    return low if lower else _mT(low)


def solve_triangular(a: ArrayLike, b: ArrayLike, trans: int | str = 0, lower: bool = False,
                     unit_diagonal: bool = False) -> Tensor:
    """Solve a x = b (trans=0 or 'N'), a^T x = b (1, 'T' or 2, 'C') for triangular a."""
    a, b = f64(a), f64(b)
    if trans in (1, 2, "T", "C"):
        a, lower = _mT(a), not lower
    elif trans not in (0, "N"):
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', "
                         f"got {trans!r}")
    vector = np.ndim(raw(b)) == 1
    if vector:
        b = _ops.expand_dims(b, -1)
    fn = _linalg.solve_triangular
    kw = {"unitriangular": True} if unit_diagonal else {}
    x = fn(a, b, upper=not lower, **kw)
    return _ops.reshape(x, (-1,)) if vector else x


def solve(a: ArrayLike, b: ArrayLike) -> Tensor:
    return _linalg.solve(f64(a), f64(b))


def inv(a: ArrayLike) -> Tensor:
    return _linalg.inv(f64(a))


def det(a: ArrayLike) -> Tensor:
    return _linalg.det(f64(a))


def eigh(a: ArrayLike) -> Any:
    """(eigenvalues, eigenvectors) of a symmetric a."""
    return tuple(_linalg.eigh(f64(a)))


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    if not compute_uv:
        return _linalg.svdvals(f64(a))
    return tuple(_linalg.svd(f64(a), full_matrices=full_matrices))


def qr(a: ArrayLike) -> Any:
    return tuple(_linalg.qr(f64(a)))


def expm(a: ArrayLike) -> Tensor:
    return _linalg.matrix_exp(f64(a))


def pinv(a: ArrayLike) -> Tensor:
    return _linalg.pinv(f64(a))


def norm(a: ArrayLike, ord: float | str | None = None, axis: Axis = None,
         keepdims: bool = False) -> Tensor:
    return _linalg.norm(f64(a), ord=ord, axis=axis, keepdims=keepdims)


def sqrtm(A: ArrayLike) -> Tensor:
    """The principal square root of A (its gradient solves a Sylvester equation)."""
    return _linalg.sqrtm(f64(A))


def solve_sylvester(a: ArrayLike, b: ArrayLike, q: ArrayLike) -> Tensor:
    """x with a x + x b = q."""
    return _linalg.solve_sylvester(f64(a), f64(b), f64(q))

# the names `from tapegrad.scipy.linalg import *` gives (tests/test_all.py)
__all__ = ["cholesky", "solve_triangular", "solve", "inv", "det", "eigh", "svd", "qr", "expm",
           "pinv", "norm", "sqrtm", "solve_sylvester"]
