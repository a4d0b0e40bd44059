"""`tapegrad.scipy.linalg`: scipy.linalg's signatures over tg.linalg (torch.linalg's
names). Note SciPy's conventions: `cholesky` returns the upper factor unless
`lower=True`; `solve_triangular(a, b, trans=0, lower=False)`.

Each function uses the tg.linalg function of the same job, so gradients are tg.linalg's.
"""
from __future__ import annotations

import numpy as np

from .. import linalg as _linalg
from .. import ops as _ops
from ._args import every_value, f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis



def _mT(a):
    return _ops.swapaxes(a, -1, -2)


def cholesky(a: ArrayLike, lower: bool = False) -> Tensor:
    """The Cholesky factor of a symmetric positive definite matrix, as scipy.linalg.cholesky:
    the upper factor U with a = U^T U unless `lower=True` (then L with a = L L^T).
    Differentiable in a (through tg.linalg.cholesky).

    Args:
        a: a (..., n, n) symmetric positive definite matrix or batch; Python numbers and
            integer arrays compute in float64.
        lower: return the lower factor instead of the upper one (default False).

    Returns:
        The triangular factor, a tensor of a's shape.

    Raises:
        LinAlgError: a matrix is not positive definite.
        ValueError: a is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> linalg.cholesky([[4.0, 2.0], [2.0, 5.0]])
    tensor([[2., 1.],
            [0., 2.]], dtype=float64)
    >>> linalg.cholesky([[4.0, 2.0], [2.0, 5.0]], lower=True)
    tensor([[2., 0.],
            [1., 2.]], dtype=float64)
    """
    low = _linalg.cholesky(f64(a))
    return low if lower else _mT(low)


def solve_triangular(a: ArrayLike, b: ArrayLike, trans: int | str = 0, lower: bool = False,
                     unit_diagonal: bool = False) -> Tensor:
    """Solve a x = b (trans=0 or 'N'), a^T x = b (1, 'T' or 2, 'C') for triangular a.

    Args:
        a: a (..., n, n) triangular matrix; only its `lower` or upper triangle is read.
        b: the right-hand side, a vector of length n or an (..., n, k) matrix.
        trans: 0 or 'N' solves a x = b; 1, 'T', 2 or 'C' solve a^T x = b (a is real).
        lower: whether a is lower triangular (default False: upper, as SciPy).
        unit_diagonal: take the diagonal of a as ones without reading it.

    Returns:
        x, of b's shape.

    Raises:
        ValueError: trans is not one of the values above, or the shapes do not match.
        LinAlgError: a zero on the diagonal.

    >>> from tapegrad.scipy import linalg
    >>> linalg.solve_triangular([[2.0, 1.0], [0.0, 4.0]], [3.0, 4.0])
    tensor([1., 1.], dtype=float64)
    >>> linalg.solve_triangular([[2.0, 1.0], [0.0, 4.0]], [2.0, 5.0], trans="T")
    tensor([1., 1.], dtype=float64)
    """
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
    """x with a x = b, as scipy.linalg.solve (through tg.linalg.solve); differentiable in a
    and b.

    Args:
        a: an (..., n, n) nonsingular matrix.
        b: the right-hand side, (..., n) or (..., n, k).

    Returns:
        x, of b's shape.

    Raises:
        LinAlgError: a matrix is singular.
        ValueError: the shapes do not match.

    >>> from tapegrad.scipy import linalg
    >>> linalg.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0])
    tensor([1.0000, 0.5000], dtype=float64)
    """
    return _linalg.solve(f64(a), f64(b))


def inv(a: ArrayLike) -> Tensor:
    """The inverse of a square matrix, as scipy.linalg.inv (through tg.linalg.inv).

    Args:
        a: an (..., n, n) nonsingular matrix or batch.

    Returns:
        a^-1, of a's shape.

    Raises:
        LinAlgError: a matrix is singular.
        ValueError: a is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> linalg.inv([[2.0, 0.0], [0.0, 4.0]])
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]], dtype=float64)
    """
    return _linalg.inv(f64(a))


def det(a: ArrayLike) -> Tensor:
    """The determinant, as scipy.linalg.det (through tg.linalg.det); its gradient
    det(a) a^-T goes through the inverse.

    Args:
        a: an (..., n, n) matrix or batch.

    Returns:
        The determinants, a tensor of shape a.shape[:-2].

    Raises:
        ValueError: a is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> round(linalg.det([[1.0, 2.0], [3.0, 4.0]]).item(), 12)
    -2.0
    """
    return _linalg.det(f64(a))


def eigh(a: ArrayLike) -> Any:
    """(eigenvalues, eigenvectors) of a symmetric a.

    Args:
        a: an (..., n, n) symmetric matrix; only its lower triangle is read.

    Returns:
        A tuple (w, v): the eigenvalues in ascending order, shape (..., n), and the
        eigenvectors as the columns of v, shape (..., n, n).

    Raises:
        ValueError: a is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> w, v = linalg.eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> w
    tensor([1., 3.], dtype=float64)
    """
    return tuple(_linalg.eigh(f64(a)))


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """The singular value decomposition, as scipy.linalg.svd (through tg.linalg.svd).

    Args:
        a: an (..., m, n) matrix or batch.
        full_matrices: if True (default), u is (..., m, m) and vh (..., n, n); if False,
            (..., m, k) and (..., k, n) with k = min(m, n).
        compute_uv: if False, return only the singular values (tg.linalg.svdvals).

    Returns:
        A tuple (u, s, vh) with a = u diag(s) vh and s descending, or s alone when
        `compute_uv=False`.

    >>> from tapegrad.scipy import linalg
    >>> linalg.svd([[3.0, 0.0], [0.0, -2.0]], compute_uv=False).round(6).tolist()
    [3.0, 2.0]
    >>> u, s, vh = linalg.svd([[3.0, 0.0], [0.0, -2.0]])
    >>> s.round(6).tolist()
    [3.0, 2.0]
    """
    if not compute_uv:
        return _linalg.svdvals(f64(a))
    return tuple(_linalg.svd(f64(a), full_matrices=full_matrices))


def qr(a: ArrayLike) -> Any:
    """The QR decomposition a = q r (reduced: q is (..., m, k), r (..., k, n), k = min(m, n)),
    through tg.linalg.qr. Note SciPy's default is the full decomposition; this one is the
    reduced one (SciPy's mode='economic').

    Args:
        a: an (..., m, n) matrix or batch.

    Returns:
        A tuple (q, r): q with orthonormal columns, r upper triangular.

    >>> import numpy as np
    >>> from tapegrad.scipy import linalg
    >>> q, r = linalg.qr([[3.0, 1.0], [4.0, 2.0]])
    >>> q.shape, r.shape
    ((2, 2), (2, 2))
    >>> np.allclose((q @ r).numpy(), [[3.0, 1.0], [4.0, 2.0]])
    True
    """
    return tuple(_linalg.qr(f64(a)))


def expm(a: ArrayLike) -> Tensor:
    """The matrix exponential, as scipy.linalg.expm (through tg.linalg.matrix_exp).

    Args:
        a: an (..., n, n) matrix or batch.

    Returns:
        exp(a), of a's shape.

    Raises:
        ValueError: a is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> linalg.expm([[0.0, 0.0], [0.0, 0.0]])
    tensor([[1., 0.],
            [0., 1.]], dtype=float64)
    """
    return _linalg.matrix_exp(f64(a))


def pinv(a: ArrayLike) -> Tensor:
    """The Moore-Penrose pseudo-inverse, as scipy.linalg.pinv (through tg.linalg.pinv, with
    its default tolerances).

    Args:
        a: an (..., m, n) matrix or batch.

    Returns:
        The (..., n, m) pseudo-inverse.

    >>> from tapegrad.scipy import linalg
    >>> linalg.pinv([[2.0, 0.0], [0.0, 0.0]])
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]], dtype=float64)
    """
    return _linalg.pinv(f64(a))


def norm(a: ArrayLike, ord: float | str | None = None, axis: Axis = None,
         keepdims: bool = False) -> Tensor:
    """A vector or matrix norm, as scipy.linalg.norm (through tg.linalg.norm).

    Args:
        a: a tensor, array or number.
        ord: the order: None (2-norm of the flattened a, or Frobenius for a matrix), a
            number, inf, -inf, 'fro' or 'nuc'; as numpy.linalg.norm.
        axis: None, an axis (vector norm) or a pair of axes (matrix norm).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The norm(s), a float64 tensor for Python and integer inputs.

    >>> from tapegrad.scipy import linalg
    >>> linalg.norm([3.0, 4.0]).item()
    5.0
    >>> linalg.norm([[1.0, -2.0], [3.0, 0.0]], ord=1).item()      # max column sum
    4.0
    """
    return _linalg.norm(f64(a), ord=ord, axis=axis, keepdims=keepdims)


def sqrtm(A: ArrayLike) -> Tensor:
    """The principal square root of A (its gradient solves a Sylvester equation). As
    SciPy's: complex for complex A and for a real A with a negative eigenvalue.

    Args:
        A: an (..., n, n) matrix, real or complex.

    Returns:
        X with X @ X = A, of A's shape.

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> from tapegrad.scipy import linalg
    >>> linalg.sqrtm([[4.0, 0.0], [0.0, 9.0]])
    tensor([[2., 0.],
            [0., 3.]], dtype=float64)
    """
    return _linalg.sqrtm(f64(A))


def solve_sylvester(a: ArrayLike, b: ArrayLike, q: ArrayLike) -> Tensor:
    """x with a x + x b = q (real or complex).

    Args:
        a: an (n, n) matrix.
        b: an (m, m) matrix.
        q: the (n, m) right-hand side.

    Returns:
        The (n, m) solution x; differentiable in a, b and q.

    Raises:
        ValueError: the shapes do not match.

    >>> from tapegrad.scipy import linalg
    >>> linalg.solve_sylvester([[1.0, 0.0], [0.0, 2.0]], [[1.0]], [[2.0], [3.0]])
    tensor([[1.],
            [1.]], dtype=float64)
    """
    return _linalg.solve_sylvester(f64(a), f64(b), f64(q))


def solve_banded(l_and_u: tuple[int, int], ab: ArrayLike, b: ArrayLike,
                 overwrite_ab: bool = False, overwrite_b: bool = False,
                 check_finite: bool = True) -> Tensor:
    """x with a x = b for a banded matrix a, as scipy.linalg.solve_banded; differentiable
    in ab and b (the gradient of a banded solve is a banded solve with the bands swapped).

    Args:
        l_and_u: (l, u), the numbers of nonzero bands below and above the diagonal.
        ab: a in SciPy's band storage, shape (l + u + 1, n): ``ab[u + i - j, j] == a[i, j]``
            (its unread corner entries get a zero gradient).
        b: the right-hand side, (n,) or (n, k).
        overwrite_ab, overwrite_b: accepted for SciPy's signature; inputs are never written.
        check_finite: raise ValueError when ab or b holds inf or NaN (as SciPy).

    Returns:
        x, of b's shape.

    Raises:
        ValueError: the shapes do not match l_and_u, or (check_finite) a value is not finite.
        LinAlgError: a is singular.

    >>> from tapegrad.scipy import linalg
    >>> linalg.solve_banded((1, 1), [[0.0, 1.0, 1.0], [4.0, 4.0, 4.0], [1.0, 1.0, 0.0]],
    ...                     [5.0, 6.0, 5.0])
    tensor([1., 1., 1.], dtype=float64)
    """
    ab, b = f64(ab), f64(b)
    if check_finite and not (np.all(np.isfinite(every_value(ab))) and
                             np.all(np.isfinite(every_value(b)))):
        raise ValueError("solve_banded: array must not contain infs or NaNs")
    return _ops.banded.solve_banded(l_and_u, ab, b)


# the names `from tapegrad.scipy.linalg import *` gives (tests/test_all.py)
__all__ = ["cholesky", "solve_triangular", "solve", "inv", "det", "eigh", "svd", "qr", "expm",
           "pinv", "norm", "sqrtm", "solve_sylvester", "solve_banded"]
