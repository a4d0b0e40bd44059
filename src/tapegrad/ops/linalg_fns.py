"""The public functions of tapegrad.linalg over ops/solve.py and ops/decomp.py, with
torch.linalg's names, arguments and result tuples. Composites (cholesky_solve,
matrix_power, multi_dot, cond, lstsq, cross) are built from ops that have rules, so they
need none of their own."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._tensor import Tensor, make
from ._apply import apply, call
from ._shapes import broadcast_shapes, check_bool, check_int, check_operand, describe
from . import elementwise as E
from . import reduce as R
from .cholesky import Cholesky, CholeskySolve
from .complex_parts import ComplexAbs, Real
from .decomp import Eig, Eigh, Qr, Svd, eigh_shapes, qr_shapes, svd_shapes, unpack
from .linalg import _raw, matmul, matrix_norm, svdvals
from .shape import BroadcastTo, Concatenate, Stack, getitem
from .solve import (Det, IllConditionedWarning, Inv, LinAlgError, MatrixExp,  # noqa: F401
                    Pinv, Slogdet, Solve, SolveSylvester, SolveTriangular, Sqrtm, _mH, mT)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike

SlogdetResult = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
QrResult = namedtuple("linalg_qr", ["Q", "R"])
LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank",
                                          "singular_values"])


# ------------------------------------------------------------------ argument checks

def _matrix(op, name, A, square=False):
    """A as a float tensor or array of at least 2 dimensions (square if asked); integer
    and bool inputs become float32, as torch's default float."""
    if not isinstance(A, Tensor):
        A = check_operand(f"linalg.{op}", name, A)
        A = np.asarray(A)
    # every function takes complex matrices: holomorphic rules (ops/complex.py marks the
    # ops) or rules that state PyTorch's convention (OWN: decompositions, slogdet, eig)
    d = _raw(A)
    if d.dtype.kind not in "fc":
        A = E.cast(A, np.float32) if isinstance(A, Tensor) else d.astype(np.float32)
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
        x = E.cast(x, np.float32) if isinstance(x, Tensor) else _raw(x).astype(np.float32)
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
    return SlogdetResult(_const(_raw(packed)[..., 0].copy()), getitem(packed, (Ellipsis, 1)))


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


# ------------------------------------------------------------------ pinv, lstsq

def _tolerances(op, A, atol, rtol):
    """torch.linalg's rule: rtol defaults to eps * max(m, n) unless atol > 0 is given."""
    m, n = _shape(A)[-2:]
    atol_f = 0.0 if atol is None else _number(op, "atol", atol)
    if rtol is None:
        rtol_f = np.finfo(_raw(A).dtype).eps * max(m, n) if atol_f <= 0 else 0.0
    else:
        rtol_f = _number(op, "rtol", rtol)
    return atol_f, rtol_f


def _number(op, name, v):
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    raise TypeError(f"linalg.{op}: {name} must be a number or None, got {describe(v)}")


def pinv(A: ArrayLike, *, atol: ArrayLike | None = None,
         rtol: ArrayLike | None = None, hermitian: bool = False) -> Tensor:
    """Moore-Penrose pseudo-inverse of each matrix, as torch.linalg.pinv (singular values
    at most max(atol, rtol * s_max) count as zero). Differentiable where the rank is
    locally constant.

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        atol: an absolute cut-off for the singular values (None: 0).
        rtol: a cut-off relative to the largest singular value (None: eps * max(m, n)
            when atol is None too, else 0).
        hermitian: A is symmetric, so its eigenvalues can be used.

    Returns:
        The pseudo-inverses, shape (..., n, m).

    >>> import tapegrad as tg
    >>> tg.linalg.pinv(tg.tensor([[2.0, 0.0], [0.0, 0.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    A = _matrix("pinv", "A", A)
    hermitian = check_bool("linalg.pinv", "hermitian", hermitian)
    atol_f, rtol_f = _tolerances("pinv", A, atol, rtol)
    return apply(Pinv, A, atol=atol_f, rtol=rtol_f, hermitian=hermitian)


def lstsq(A: ArrayLike, B: ArrayLike, rcond: float | None = None, *,
          driver: str | None = None) -> LstsqResult:
    """Least-squares solution of A X = B for each matrix A (..., m, n), as
    torch.linalg.lstsq on the CPU: a named tuple (solution, residuals, rank,
    singular_values). The solution is pinv(A) B (rcond: relative cut-off of the
    singular values, eps * max(m, n) by default), differentiable for full-rank A.
    driver 'gelsy' (default): rank only; 'gelsd'/'gelss': also the singular values, and
    the squared residuals when m > n and every A has full rank; 'gels': residuals only.

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        B: the right-hand sides, shape (..., m, k) or (..., m).
        rcond: the relative cut-off of the singular values (None: the default above).
        driver: None, 'gelsy', 'gelsd', 'gelss' or 'gels', choosing what else is returned.

    Returns:
        A named tuple (solution, residuals, rank, singular_values); the fields a driver
            does not compute are empty tensors.

    Raises:
        ValueError: the shapes do not match, or an unknown driver.

    >>> import tapegrad as tg
    >>> tg.linalg.lstsq(tg.tensor([[1.0], [1.0]]), tg.tensor([[1.0], [3.0]])).solution
    tensor([[2.0000]])
    """
    op = "lstsq"
    A = _matrix(op, "A", A)
    B = _as_float_operand(op, "B", B)
    drivers = (None, "gels", "gelsy", "gelsd", "gelss")
    if driver not in drivers:
        raise ValueError(f"linalg.lstsq: driver must be one of {drivers}, got {driver!r}")
    driver = driver or "gelsy"
    a, b = _shape(A), _shape(B)
    m, n = a[-2:]
    vector = len(b) == len(a) - 1
    if len(b) < 1 or (b[-1] if vector else (b[-2] if len(b) >= 2 else -1)) != m:
        raise ValueError(f"linalg.lstsq: B of shape {b} does not match A of shape {a}: "
                         f"B needs {m} rows")
    Bm = getitem(B, (Ellipsis, slice(None), None)) if vector else B
    _batch(op, A, Bm)
    rtol = None if rcond is None else _number(op, "rcond", rcond)
    if rtol is not None and rtol < 0:
        rtol = None
    X = matmul(pinv(A, rtol=rtol), Bm)
    sv = np.linalg.svd(_raw(A), compute_uv=False)
    atol_f, rtol_f = _tolerances(op, A, None, rtol)
    rank = np.sum(sv > np.maximum(atol_f, rtol_f * sv[..., :1]), axis=-1)
    dt = _raw(X).dtype
    rdt = np.real(np.zeros((), dt)).dtype       # residuals and singular values are real
    empty = _const(np.zeros((0,), dtype=rdt))
    residuals = empty
    if driver != "gelsy" and m > n and np.all(rank == n):
        r = matmul(A, X) - Bm
        if _raw(r).dtype.kind == "c":
            r = apply(ComplexAbs, r)    # squared residuals |r|^2 are real
        residuals = R.sum(r * r, axis=-2)
        if vector:
            residuals = getitem(residuals, (Ellipsis, 0))
    if vector:
        X = getitem(X, (Ellipsis, 0))
    return LstsqResult(X, residuals,
                       _const(rank.astype(np.int64)) if driver != "gels" else
                       _const(np.zeros((0,), dtype=np.int64)),
                       _const(sv.astype(rdt)) if driver in ("gelsd", "gelss") else empty)


# ------------------------------------------------------------------ matrix functions

def matrix_power(A: ArrayLike, n: int) -> Tensor:
    """A^n for an integer n by repeated squaring; n < 0 inverts first, n == 0 gives the
    identity (as torch.linalg.matrix_power).

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).
        n: the integer power (negative: of the inverse).

    Returns:
        A^n, shape (..., n, n).

    Raises:
        TypeError: n is not an int.
        ValueError: A is not a batch of square matrices.
        LinAlgError: n < 0 and a matrix is singular.

    >>> import tapegrad as tg
    >>> tg.linalg.matrix_power(tg.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    A = _matrix("matrix_power", "A", A, square=True)
    n = check_int("linalg.matrix_power", "n", n)
    if n == 0:
        # the identity, still connected to A (a zero gradient, as PyTorch's)
        k = _shape(A)[-1]
        everywhere = np.ones(_shape(A), dtype=bool)
        return E.where(everywhere, np.eye(k, dtype=_raw(A).dtype), A)
    if n < 0:
        A = inv(A)
        n = -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result if isinstance(result, Tensor) else _const(result)


def matrix_exp(A: ArrayLike) -> Tensor:
    """exp(A) of each square matrix (torch.linalg.matrix_exp); the derivative is the
    Frechet derivative, computed by the block-triangular identity.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        exp(A), shape (..., n, n).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.matrix_exp(tg.zeros((2, 2)))
    tensor([[1., 0.],
            [0., 1.]])
    """
    return apply(MatrixExp, _matrix("matrix_exp", "A", A, square=True))


def sqrtm(A: ArrayLike) -> Tensor:
    """Principal square root X of each square matrix (X @ X = A), as
    scipy.linalg.sqrtm: real for a real A whose root is real, complex for complex A and
    for a real A with a negative eigenvalue (its gradient is then the real part). The
    derivative solves the Sylvester equation X dX + dX X = dA.

    Args:
        A: a square matrix or a batch of them, shape (..., n, n), real or complex.

    Returns:
        The principal square roots, shape (..., n, n).

    Raises:
        ValueError: A is not a batch of square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.sqrtm(tg.tensor([[4.0, 0.0], [0.0, 9.0]]))
    tensor([[2., 0.],
            [0., 3.]])
    """
    return apply(Sqrtm, _matrix("sqrtm", "A", A, square=True))


def solve_sylvester(a: ArrayLike, b: ArrayLike, q: ArrayLike) -> Tensor:
    """X with a X + X b = q, as scipy.linalg.solve_sylvester (a: (..., m, m),
    b: (..., n, n), q: (..., m, n); batch axes broadcast), differentiable in all three.

    Args:
        a: shape (..., m, m).
        b: shape (..., n, n).
        q: shape (..., m, n).

    Returns:
        X, shape (..., m, n).

    Raises:
        ValueError: the shapes do not match.

    >>> import tapegrad as tg
    >>> tg.linalg.solve_sylvester(tg.eye(2), tg.eye(2), tg.ones((2, 2)))
    tensor([[0.5000, 0.5000],
            [0.5000, 0.5000]])
    """
    op = "solve_sylvester"
    a = _matrix(op, "a", a, square=True)
    b = _matrix(op, "b", b, square=True)
    q = _matrix(op, "q", _as_float_operand(op, "q", q))
    m, n = _shape(a)[-1], _shape(b)[-1]
    if _shape(q)[-2:] != (m, n):
        raise ValueError(f"linalg.{op}: q of shape {_shape(q)} does not match a of shape "
                         f"{_shape(a)} and b of shape {_shape(b)}: q needs ({m}, {n}) "
                         "matrices")
    broadcast_shapes(f"linalg.{op} (batch axes)", _shape(a)[:-2], _shape(b)[:-2],
                     _shape(q)[:-2])
    return apply(SolveSylvester, a, b, q)


def cond(A: ArrayLike, p: Any = None) -> Tensor:
    """Condition number of each matrix in the norm p, as torch.linalg.cond: p None or 2
    (s_max / s_min, any shape), -2 (s_min / s_max), or 'fro', 'nuc', inf, -inf, 1, -1
    (|A|_p |A^-1|_p, square A).

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        p: the norm: None, 2, -2, 'fro', 'nuc', inf, -inf, 1 or -1.

    Returns:
        The condition numbers, shape (...).

    Raises:
        ValueError: an unknown p, or a norm other than 2/-2 on non-square matrices.

    >>> import tapegrad as tg
    >>> tg.linalg.cond(tg.tensor([[4.0, 0.0], [0.0, 2.0]]))
    tensor(2.)
    """
    A = _matrix("cond", "A", A)
    if p is None or p == 2 or p == -2:
        s = svdvals(A)
        hi = getitem(s, (Ellipsis, 0))
        lo = getitem(s, (Ellipsis, -1))
        return hi / lo if p != -2 else lo / hi
    if p not in ("fro", "nuc", np.inf, -np.inf, 1, -1):
        raise ValueError(f"linalg.cond: p must be None, 2, -2, 'fro', 'nuc', inf, -inf, 1 "
                         f"or -1, got {p!r}")
    A = _matrix("cond", "A", A, square=True)
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def matrix_rank(A: ArrayLike, *, atol: ArrayLike | None = None,
                rtol: ArrayLike | None = None, hermitian: bool = False) -> Tensor:
    """Numerical rank of each matrix: the number of singular values above
    max(atol, rtol * s_max), as torch.linalg.matrix_rank (int64, no gradient).

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        atol: an absolute cut-off for the singular values (None: 0).
        rtol: a cut-off relative to the largest singular value (None: eps * max(m, n)
            when atol is None too, else 0).
        hermitian: A is symmetric, so its eigenvalues can be used.

    Returns:
        The ranks, int64, shape (...).

    >>> import tapegrad as tg
    >>> tg.linalg.matrix_rank(tg.tensor([[1.0, 2.0], [2.0, 4.0]]))
    tensor(1)
    """
    A = _matrix("matrix_rank", "A", A)
    check_bool("linalg.matrix_rank", "hermitian", hermitian)
    atol_f, rtol_f = _tolerances("matrix_rank", A, atol, rtol)
    a = _raw(A)
    if a.shape[-1] == 0 or a.shape[-2] == 0:
        return _const(np.zeros(a.shape[:-2], dtype=np.int64))
    s = np.linalg.svd(a, compute_uv=False)
    return _const(np.sum(s > np.maximum(atol_f, rtol_f * s[..., :1]), axis=-1)
                  .astype(np.int64))


def multi_dot(tensors: Sequence[ArrayLike]) -> Tensor:
    """The product of a list of matrices in the cheapest order, as
    torch.linalg.multi_dot: the first may be a 1-D row vector and the last a 1-D column
    vector; the others are 2-D.

    Args:
        tensors: a list of at least two tensors: an optional 1-D row vector, 2-D
            matrices, an optional 1-D column vector.

    Returns:
        The product (2-D, 1-D or 0-d, as the ends are).

    Raises:
        ValueError: fewer than two tensors, wrong numbers of dimensions, or shapes that
            do not chain.

    >>> import tapegrad as tg
    >>> tg.linalg.multi_dot([tg.ones(2), tg.ones((2, 3)), tg.ones(3)])
    tensor(6.)
    """
    if not isinstance(tensors, (list, tuple)) or len(tensors) < 2:
        raise ValueError(f"linalg.multi_dot: tensors must be a list of at least 2 "
                         f"tensors, got {describe(tensors)}")
    xs = [_as_float_operand("multi_dot", f"tensors[{i}]", t) for i, t in enumerate(tensors)]
    last = len(xs) - 1
    for i, x in enumerate(xs):
        nd = np.ndim(_raw(x))
        ok = nd == 2 or (nd == 1 and i in (0, last))
        if not ok:
            raise ValueError(f"linalg.multi_dot: tensors[{i}] must be 2-D (the first and "
                             f"last may be 1-D), got shape {_shape(x)}")
    first_1d, last_1d = np.ndim(_raw(xs[0])) == 1, np.ndim(_raw(xs[-1])) == 1
    if first_1d:
        xs[0] = getitem(xs[0], (None, slice(None)))
    if last_1d:
        xs[-1] = getitem(xs[-1], (slice(None), None))
    for i in range(last):
        if _shape(xs[i])[1] != _shape(xs[i + 1])[0]:
            raise ValueError(f"linalg.multi_dot: tensors[{i}] and tensors[{i + 1}] do not "
                             f"chain: shapes {_shape(tensors[i])} and "
                             f"{_shape(tensors[i + 1])}")
    out = _chain(xs)
    if first_1d:
        out = getitem(out, (0,))
    if last_1d:
        out = getitem(out, (Ellipsis, 0))
    return out if isinstance(out, Tensor) else _const(out)


def _chain(xs):
    """Matrix-chain order by dynamic programming over the split points."""
    dims = [_shape(x)[0] for x in xs] + [_shape(xs[-1])[1]]
    k = len(xs)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = None
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s

    def build(i, j):
        if i == j:
            return xs[i]
        s = split[i][j]
        return matmul(build(i, s), build(s + 1, j))
    return build(0, k - 1)


def vecdot(x: ArrayLike, y: ArrayLike, *, dim: int = -1) -> Tensor:
    """Dot products of the vectors along `dim`, with broadcasting, as
    torch.linalg.vecdot (real input).

    Args:
        x: vectors along dim.
        y: vectors along dim, broadcast with x.
        dim: the axis of the vectors.

    Returns:
        The dot products, of the broadcast shape without dim.

    Raises:
        ValueError: the lengths along dim differ.

    >>> import tapegrad as tg
    >>> tg.linalg.vecdot(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    x = _as_float_operand("vecdot", "x", x)
    y = _as_float_operand("vecdot", "y", y)
    shape = broadcast_shapes("linalg.vecdot", _shape(x), _shape(y))
    d = check_int("linalg.vecdot", "dim", dim)
    if not -len(shape) <= d < len(shape):
        raise ValueError(f"linalg.vecdot: dim {dim} is out of range for the broadcast "
                         f"shape {shape}")
    return R.sum(E.mul(x, y), axis=d % len(shape))


def cross(input: ArrayLike, other: ArrayLike, *, dim: int = -1) -> Tensor:
    """Cross product of 3-vectors along `dim`, with broadcasting, as torch.linalg.cross.

    Args:
        input: 3-vectors along dim.
        other: 3-vectors along dim, broadcast with input.
        dim: the axis of length 3.

    Returns:
        The cross products, of the broadcast shape.

    Raises:
        ValueError: dim does not have length 3 in both.

    >>> import tapegrad as tg
    >>> tg.linalg.cross(tg.tensor([1.0, 0.0, 0.0]), tg.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    x = _as_float_operand("cross", "input", input)
    y = _as_float_operand("cross", "other", other)
    shape = broadcast_shapes("linalg.cross", _shape(x), _shape(y))
    nd = len(shape)
    d = check_int("linalg.cross", "dim", dim)
    if not -nd <= d < nd or nd == 0:
        raise ValueError(f"linalg.cross: dim {dim} is out of range for shape {shape}")
    d %= nd
    if shape[d] != 3:
        raise ValueError(f"linalg.cross: inputs must have size 3 along dim {dim}, got "
                         f"broadcast shape {shape}")
    if _shape(x) != shape:
        x = call(BroadcastTo, x, shape=shape)
    if _shape(y) != shape:
        y = call(BroadcastTo, y, shape=shape)

    def part(v, i):
        return getitem(v, (slice(None),) * d + (i,))
    x0, x1, x2 = (part(x, i) for i in range(3))
    y0, y1, y2 = (part(y, i) for i in range(3))
    out = call(Stack, x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0, axis=d)
    return out if isinstance(out, Tensor) else _const(out)


__all__ = ["LinAlgError", "IllConditionedWarning", "inv", "solve", "solve_triangular",
           "cholesky", "cholesky_solve", "det", "slogdet", "logdet", "eig", "eigvals", "eigh",
           "eigvalsh", "svd", "qr", "pinv", "lstsq", "matrix_power", "matrix_exp", "cond",
           "matrix_rank", "multi_dot", "vecdot", "cross", "sqrtm", "solve_sylvester",
           "EigResult", "EighResult", "LstsqResult", "QrResult", "SlogdetResult", "SvdResult"]
