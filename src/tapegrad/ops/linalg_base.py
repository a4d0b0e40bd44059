"""The public functions of tapegrad.linalg for inverses, solves, determinants and the
decompositions (ops/solve.py, ops/cholesky.py, ops/decomp.py), with torch.linalg's
names, arguments and result tuples, and the argument checks every linalg function
uses. ops/linalg_fns.py re-exports them (their import path) and holds the rest."""
from __future__ import annotations

import numpy as np

from .._results import (EighResult, EigResult, LstsqResult, QrResult,  # noqa: F401
                          SlogdetResult, SvdResult)
from .._dtypes import default_float
from .._tensor import Tensor, make
from ._apply import apply, call
from ._shapes import broadcast_shapes, check_bool, check_operand
from . import elementwise as E
from .cholesky import Cholesky, CholeskySolve
from .complex_parts import Real
from .decomp import Eig, Eigh, Qr, Svd, eigh_shapes, qr_shapes, svd_shapes, unpack
from .linalg import _raw, matmul
from .shape import Concatenate, getitem
from .solve import Det, Inv, Slogdet, Solve, SolveTriangular, _mH, mT
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike



# ------------------------------------------------------------------ argument checks

def _matrix(op, name, A, square=False):
    """A as a float tensor or array of at least 2 dimensions (square if asked); integer
    and bool inputs become the default float, as in torch."""
    if not isinstance(A, Tensor):
        A = check_operand(f"linalg.{op}", name, A)
        A = np.asarray(A)
    # every function takes complex matrices: holomorphic rules (ops/complex.py marks the
    # ops) or rules that state PyTorch's convention (OWN: decompositions, slogdet, eig)
    d = _raw(A)
    if d.dtype.kind not in "fc":
        A = E.cast(A, default_float()) if isinstance(A, Tensor) else d.astype(default_float())
    shape = np.shape(_raw(A))
    if len(shape) < 2:
        raise ValueError(f"linalg.{op}: {name} must have at least 2 dimensions (a batch of "
                         f"matrices), got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"linalg.{op}: {name} must be a batch of square matrices, got "
                         f"shape {shape}")
    return A


def _shape(x):
    return np.shape(_raw(x))


def _batch(op, a, b):
    return broadcast_shapes(f"linalg.{op} (batch axes)", _shape(a)[:-2], _shape(b)[:-2])


def _const(a):
    return make(np.asarray(a))


def _as_float_operand(op, name, x):
    if not isinstance(x, Tensor):
        x = np.asarray(check_operand(f"linalg.{op}", name, x))
    if _raw(x).dtype.kind not in "fc":    # complex stays complex (_matrix decides)
        x = (E.cast(x, default_float()) if isinstance(x, Tensor)
             else _raw(x).astype(default_float()))
    return x


# ------------------------------------------------------------------ inverses and solves

def inv(A: ArrayLike) -> Tensor:
    """Inverse of each square matrix in A (..., n, n), as torch.linalg.inv. A singular
    matrix raises LinAlgError.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        The inverses, shape (..., n, n).

    Raises:
        LinAlgError: a matrix is singular.
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.inv(tg.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    return apply(Inv, _matrix("inv", "A", A, square=True))


def solve(A: ArrayLike, B: ArrayLike, *, left: bool = True) -> Tensor:
    """X with A X = B (left=True) or X A = B (left=False), as torch.linalg.solve. B is a
    batch of vectors (..., n) when it has one dimension, or one fewer than A with A's
    batch shape; otherwise a batch of matrices (..., n, k). Batch axes broadcast.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).
        B: the right-hand sides, (..., n) or (..., n, k) as above.
        left: solve A X = B (True) or X A = B (False).

    Returns:
        X, shaped like B (broadcast).

    Raises:
        LinAlgError: a matrix is singular.
        ValueError: the shapes do not match.

    >>> import tapegrad as tg
    >>> tg.linalg.solve(tg.tensor([[2.0, 0.0], [0.0, 4.0]]), tg.tensor([1.0, 1.0]))
    tensor([0.5000, 0.2500])
    """
    A = _matrix("solve", "A", A, square=True)
    B = _as_float_operand("solve", "B", B)
    left = check_bool("linalg.solve", "left", left)
    a, b = _shape(A), _shape(B)
    n = a[-1]
    vector = len(b) == 1 or (len(b) == len(a) - 1 and b == a[:-1])
    if vector and left:
        if b[-1] != n:
            raise ValueError(f"linalg.solve: B of shape {b} does not match A of shape {a}: "
                             f"B needs {n} entries in its last dimension")
        _batch("solve", A, np.zeros(b[:-1] + (1, 1)))
        X = apply(Solve, A, getitem(B, (Ellipsis, slice(None), None)))
        return getitem(X, (Ellipsis, 0))
    if len(b) < 2:
        raise ValueError(f"linalg.solve: B of shape {b} must be a vector or a batch of "
                         f"matrices")
    if left:
        if b[-2] != n:
            raise ValueError(f"linalg.solve: B of shape {b} does not match A of shape "
                             f"{a}: B needs {n} rows")
        _batch("solve", A, B)
        return apply(Solve, A, B)
    if b[-1] != n:
        raise ValueError(f"linalg.solve: B of shape {b} does not match A of shape {a}: "
                         f"with left=False B needs {n} columns")
    _batch("solve", A, B)
    return mT(apply(Solve, mT(A), mT(B)))


def solve_triangular(A: ArrayLike, B: ArrayLike, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with T X = B (left=True) or X T = B (left=False), T the upper (upper=True) or
    lower triangle of A, with ones on the diagonal when unitriangular; as
    torch.linalg.solve_triangular. B is a batch of matrices (..., n, k).

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).
        B: the right-hand sides, shape (..., n, k) (or (..., k, n) with left=False).
        upper: use the upper (True) or lower (False) triangle of A; required.
        left: solve T X = B (True) or X T = B (False).
        unitriangular: take the diagonal of T as ones.

    Returns:
        X, shaped like B (broadcast).

    Raises:
        ValueError: the shapes do not match.
        LinAlgError: a zero on the diagonal.

    >>> import tapegrad as tg
    >>> A = tg.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> tg.linalg.solve_triangular(A, tg.tensor([[2.0], [3.0]]), upper=False)
    tensor([[1.],
            [2.]])
    """
    op = "solve_triangular"
    A = _matrix(op, "A", A, square=True)
    B = _matrix(op, "B", _as_float_operand(op, "B", B))
    upper = check_bool(f"linalg.{op}", "upper", upper)
    left = check_bool(f"linalg.{op}", "left", left)
    unit = check_bool(f"linalg.{op}", "unitriangular", unitriangular)
    a, b = _shape(A), _shape(B)
    n = a[-1]
    if (b[-2] if left else b[-1]) != n:
        raise ValueError(f"linalg.{op}: B of shape {b} does not match A of shape {a}: B "
                         f"needs {n} {'rows' if left else 'columns'}")
    _batch(op, A, B)
    if left:
        return apply(SolveTriangular, A, B, upper=upper, unitriangular=unit)
    # X T = B  <=>  T^T X^T = B^T, and T^T is the other triangle of A^T
    return mT(apply(SolveTriangular, mT(A), mT(B), upper=not upper, unitriangular=unit))


def cholesky(A: ArrayLike, *, upper: bool = False) -> Tensor:
    """Cholesky factor of each symmetric positive-definite matrix: lower L with
    A = L L^T, or upper U = L^T with A = U^T U when upper=True (torch.linalg.cholesky).
    Only the lower triangle of A is read. A matrix that is not positive definite raises
    LinAlgError naming the first leading minor that is not. Gradients are those along
    symmetric perturbations of A (symmetric, as PyTorch's). A complex A must be
    Hermitian: A = L L^H, upper gives U = L^H, gradients are Hermitian.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).
        upper: return the upper factor U instead of L.

    Returns:
        L (or U), shape (..., n, n).

    Raises:
        LinAlgError: a matrix is not positive definite.
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.cholesky(tg.tensor([[4.0, 2.0], [2.0, 2.0]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    A = _matrix("cholesky", "A", A, square=True)
    L = apply(Cholesky, A)
    return _mH(L) if check_bool("linalg.cholesky", "upper", upper) else L      # U = L^H


def cholesky_solve(B: ArrayLike, L: ArrayLike, upper: bool = False) -> Tensor:
    """X with A X = B for A = L L^H (or U^H U when upper=True), given the Cholesky
    factor; torch.cholesky_solve's argument order (B first). B is (..., n, k). Real or
    complex.

    Args:
        B: the right-hand sides, shape (..., n, k).
        L: the Cholesky factor of A, shape (..., n, n).
        upper: L is the upper factor U.

    Returns:
        X, shape (..., n, k).

    Raises:
        ValueError: the shapes do not match.

    >>> import tapegrad as tg
    >>> L = tg.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> tg.linalg.cholesky_solve(tg.tensor([[4.0], [2.0]]), L)
    tensor([[1.],
            [0.]])
    """
    op = "cholesky_solve"
    L = _matrix(op, "L", L, square=True)
    B = _matrix(op, "B", _as_float_operand(op, "B", B))
    upper = check_bool(f"linalg.{op}", "upper", upper)
    n = _shape(L)[-1]
    if _shape(B)[-2] != n:
        raise ValueError(f"linalg.{op}: B of shape {_shape(B)} does not match L of shape "
                         f"{_shape(L)}: B needs {n} rows")
    _batch(op, L, B)
    return apply(CholeskySolve, B, _mH(L) if upper else L)      # U^H U: U^H is the lower factor


# ------------------------------------------------------------------ determinants

def det(A: ArrayLike) -> Tensor:
    """Determinant of each square matrix, as torch.linalg.det. Its gradient
    det(A) A^-T goes through inv: a singular A raises LinAlgError in backward.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        The determinants, shape (...).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.det(tg.tensor([[2.0, 1.0], [1.0, 3.0]]))
    tensor(5.)
    """
    return apply(Det, _matrix("det", "A", A, square=True))


def slogdet(A: ArrayLike) -> SlogdetResult:
    """(sign, logabsdet) of each square matrix, as torch.linalg.slogdet: det =
    sign * exp(logabsdet). sign is a constant (no gradient) for real A; for complex A
    it is det/|det| (complex, with a gradient, as PyTorch) and logabsdet is real.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        A named tuple (sign, logabsdet), each of shape (...).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.slogdet(tg.tensor([[-2.0, 0.0], [0.0, 1.0]])).sign
    tensor(-1.)
    """
    A = _matrix("slogdet", "A", A, square=True)
    packed = apply(Slogdet, A)
    if _raw(packed).dtype.kind == "c":
        # complex: sign = det/|det| moves with A (d sign = i sign Im tr(A^-1 dA), as
        # PyTorch), logabsdet is real
        return SlogdetResult(getitem(packed, (Ellipsis, 0)),
                             call(Real, getitem(packed, (Ellipsis, 1))))
    sign = getitem(packed, (Ellipsis, 0))
    # a constant copy; through the tensor (not its raw array) so a tg.vmap batch stays one
    sign = sign.detach().clone() if isinstance(sign, Tensor) else _const(sign.copy())
    return SlogdetResult(sign, getitem(packed, (Ellipsis, 1)))


def logdet(A: ArrayLike) -> Tensor:
    """log det A, as torch.logdet: nan where det < 0, -inf where det == 0; for complex
    A the complex logarithm log|det A| + i arg(det A), with torch's gradient.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n), real or complex.

    Returns:
        log det A, shape (...).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.logdet(tg.tensor([[1.0, 0.0], [0.0, 1.0]]))
    tensor(0.)
    """
    A = _matrix("logdet", "A", A, square=True)
    packed = apply(Slogdet, A)
    sign = getitem(packed, (Ellipsis, 0))
    lad = getitem(packed, (Ellipsis, 1))
    # log(sign): 0 or nan (a negative det) for real A, i angle(det) for complex; no test
    # of the values, so vmap batches it. The sign's derivative carries the phase's.
    with np.errstate(invalid="ignore", divide="ignore"):
        return lad + E.log(sign)


# ------------------------------------------------------------------ decompositions

def _check_uplo(op, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.{op}: UPLO must be 'L' or 'U', got {UPLO!r}")


def eigh(A: ArrayLike, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric
    matrix, reading its lower (UPLO='L') or upper triangle; as torch.linalg.eigh, a
    named tuple (eigenvalues, eigenvectors). Gradients are those along symmetric
    perturbations. Eigenvectors are unique up to sign, and for a repeated eigenvalue up
    to a rotation in its eigenspace: there the coupling term 1 / (w_j - w_i) is taken as
    0, so a loss that does not depend on that choice (the eigenvalues, V f(w) V^T) has a
    finite gradient, where PyTorch returns NaN/inf. Near-degenerate eigenvalues give
    large gradients for eigenvector-dependent losses. A complex A is Hermitian: the
    eigenvalues are real, and each eigenvector's phase is free, so a loss should not
    see it (|V|, V_k V_k^H); see "Complex matrices and the gauge" on docs/numerics.md.

    Args:
        A: a symmetric matrix or a batch of them, shape (..., n, n).
        UPLO: "L" to read the lower triangle, "U" the upper.

    Returns:
        A named tuple (eigenvalues (..., n), eigenvectors (..., n, n)).

    Raises:
        ValueError: A is not a batch of square matrices.
        ValueError: UPLO is neither "L" nor "U".

    >>> import tapegrad as tg
    >>> tg.linalg.eigh(tg.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    tensor([1., 2.])
    """
    A = _matrix("eigh", "A", A, square=True)
    _check_uplo("eigh", UPLO)
    n = _shape(A)[-1]
    w, V = unpack(apply(Eigh, A, UPLO=UPLO), eigh_shapes(n))
    if _raw(w).dtype.kind == "c":
        w = call(Real, w)               # a Hermitian matrix's eigenvalues are real
    return EighResult(w, V)


def eigvalsh(A: ArrayLike, UPLO: str = "L") -> Tensor:
    """Eigenvalues (ascending) of each symmetric matrix, as torch.linalg.eigvalsh; the
    gradient is V diag(g) V^T, finite at repeated eigenvalues.

    Args:
        A: a symmetric matrix or a batch of them, shape (..., n, n).
        UPLO: "L" to read the lower triangle, "U" the upper.

    Returns:
        The eigenvalues in ascending order, shape (..., n).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.eigvalsh(tg.tensor([[2.0, 1.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    A = _matrix("eigvalsh", "A", A, square=True)
    _check_uplo("eigvalsh", UPLO)
    return eigh(A, UPLO).eigenvalues


def eig(A: ArrayLike) -> EigResult:
    """Eigenvalues and unit-norm eigenvectors (columns) of each square matrix, as
    torch.linalg.eig: a named tuple (eigenvalues, eigenvectors), both complex for real
    input too (float64 gives complex128), in LAPACK's order. Gradients for distinct
    eigenvalues; a real input's gradient is real (the real part, as torch). Each
    eigenvector is determined up to a phase e^(i phi): a loss that depends on those
    phases has no gradient and backward raises RuntimeError, as torch's does; losses of
    the eigenvalues, of |V|, or of V diag(c) V^-1 are fine.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n), real or complex.

    Returns:
        A named tuple (eigenvalues (..., n), eigenvectors (..., n, n)), complex.

    Raises:
        ValueError: A is not a batch of square matrices.
        LinAlgError: LAPACK did not converge.

    >>> import tapegrad as tg
    >>> w, V = tg.linalg.eig(tg.tensor([[0.0, -1.0], [1.0, 0.0]]))
    >>> w
    tensor([0.+1.j, 0.-1.j], dtype=complex64)
    >>> A = tg.tensor([[2.0, 1.0], [0.5, 3.0]], requires_grad=True)
    >>> tg.real(tg.linalg.eig(A).eigenvalues).sum().backward()    # d trace(A) = I
    >>> A.grad.dtype, bool(abs(A.grad - tg.eye(2)).max() < 1e-6)
    (dtype('float32'), True)
    """
    A = _matrix("eig", "A", A, square=True)
    n = _shape(A)[-1]
    w, V = unpack(apply(Eig, A, real=_raw(A).dtype.kind != "c"), eigh_shapes(n))
    return EigResult(w, V)


def eigvals(A: ArrayLike) -> Tensor:
    """Eigenvalues of each square matrix, complex, as torch.linalg.eigvals (see eig;
    a real input's gradient is real).

    Args:
        A: a square matrix or a batch of them, shape (..., n, n), real or complex.

    Returns:
        The eigenvalues, shape (..., n), complex.

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.eigvals(tg.tensor([[2.0, 1.0], [0.0, 3.0]]))
    tensor([2.+0.j, 3.+0.j], dtype=complex64)
    """
    return eig(_matrix("eigvals", "A", A, square=True)).eigenvalues


def svd(A: ArrayLike, full_matrices: bool = True, *,
        driver: str | None = None) -> SvdResult:
    """A = U diag(S) Vh for each matrix, singular values descending, as
    torch.linalg.svd (a named tuple U, S, Vh). Gradients: full_matrices=False, or a
    square A; full_matrices=True on a non-square A raises in backward (the extra
    singular vectors are not unique), as PyTorch. Singular vectors are unique up to a
    joint sign flip of u_i and v_i, so only losses invariant to it have meaningful
    gradients; ties between singular values get 0 in the coupling term (see eigh).
    Complex A: S is real and (u_i, v_i) share a free phase, which a loss should not see
    (docs/numerics.md, "Complex matrices and the gauge").

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        full_matrices: return square U (m, m) and Vh (n, n); False gives (m, k), (k, n)
            with k = min(m, n).
        driver: accepted for torch compatibility (NumPy's LAPACK driver is used).

    Returns:
        A named tuple (U, S, Vh).

    >>> import tapegrad as tg
    >>> tg.linalg.svd(tg.tensor([[3.0, 0.0], [0.0, 4.0]])).S
    tensor([4., 3.])
    """
    A = _matrix("svd", "A", A)
    full = check_bool("linalg.svd", "full_matrices", full_matrices)
    if driver is not None:
        raise ValueError(f"linalg.svd: driver is a CUDA option; got {driver!r}, use None")
    m, n = _shape(A)[-2:]
    U, S, Vh = unpack(apply(Svd, A, full_matrices=full), svd_shapes(m, n, full))
    if _raw(S).dtype.kind == "c":
        S = call(Real, S)               # packed beside complex U, Vh: real values
    return SvdResult(U, S, Vh)


def qr(A: ArrayLike, mode: str = "reduced") -> QrResult:
    """QR decomposition A = Q R of each matrix, as torch.linalg.qr (a named tuple
    Q, R); mode 'reduced' (Q is m x k), 'complete' (Q is m x m) or 'r' (Q empty).
    Gradients for mode 'reduced' and 'complete' except 'complete' with m > n (whose extra
    columns of Q are not unique), as PyTorch.

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        mode: 'reduced', 'complete' or 'r'.

    Returns:
        A named tuple (Q, R).

    Raises:
        ValueError: an unknown mode.

    >>> import tapegrad as tg
    >>> q, r = tg.linalg.qr(tg.tensor([[1.0, 0.0], [0.0, 2.0]]))
    >>> r
    tensor([[1., 0.],
            [0., 2.]])
    """
    A = _matrix("qr", "A", A)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got "
                         f"{mode!r}")
    m, n = _shape(A)[-2:]
    if m < n and mode != "r" and m > 0:
        # a wide A = [X Y]: Householder QR of A is that of its first m columns X, and
        # R = [R1, Q^T Y]; written so, the square QR's derivative covers the wide case
        P = apply(Qr, getitem(A, (Ellipsis, slice(0, m))), mode="reduced")
        Q, R1 = unpack(P, qr_shapes(m, m, "reduced"))
        R2 = matmul(_mH(Q), getitem(A, (Ellipsis, slice(m, None))))
        nd = len(_shape(A))
        # the Q returned is a view of its own, not the one R2 was computed from: several
        # outputs where one feeds another trip autograd.grad (reported to the lead)
        Q = unpack(P, qr_shapes(m, m, "reduced"))[0]
        return QrResult(Q, call(Concatenate, R1, R2, axis=nd - 1, sizes=(m, n - m)))
    Q, Rm = unpack(apply(Qr, A, mode=mode), qr_shapes(m, n, mode))
    if mode == "r":
        Q = _const(np.zeros((0,), dtype=_raw(Rm).dtype))
    return QrResult(Q, Rm)


__all__ = ["inv", "solve", "solve_triangular", "cholesky", "cholesky_solve", "det", "slogdet",
           "logdet", "eig", "eigvals", "eigh", "eigvalsh", "svd", "qr", "EigResult",
           "EighResult", "LstsqResult", "QrResult", "SlogdetResult", "SvdResult"]
