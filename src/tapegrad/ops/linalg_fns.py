"""The public functions of tapegrad.linalg, with torch.linalg's names, arguments and
result tuples: pinv, lstsq, the matrix functions, cond, matrix_rank and the products
here; inverses, solves, determinants and decompositions in ops/linalg_base.py,
re-exported. Composites (cholesky_solve, matrix_power, multi_dot, cond, lstsq, cross)
are built from ops that have rules, so they need none of their own."""
from __future__ import annotations

import contextlib

import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._shapes import broadcast_shapes, check_bool, check_int, describe
from . import elementwise as E
from . import reduce as R
from .complex_parts import ComplexAbs
from .linalg import _raw, matmul, matrix_norm, svdvals
from .shape import BroadcastTo, Stack, getitem
from .solve import (IllConditionedWarning, LinAlgError, MatrixExp, Pinv,  # noqa: F401
                    SolveSylvester, Sqrtm)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike

from .linalg_base import (EigResult, EighResult, LstsqResult, QrResult,  # noqa: F401
                          SlogdetResult, SvdResult, _as_float_operand, _batch, _const,
                          _matrix, _shape, cholesky, cholesky_solve, det, eig, eigh,
                          eigvals, eigvalsh, inv, logdet, qr, slogdet, solve,
                          solve_triangular, svd)


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


@contextlib.contextmanager
def _naming(fn):
    """NumPy's LinAlgError (an SVD that did not converge: NaN or inf in the input) as
    tapegrad's, naming the function."""
    try:
        yield
    except np.linalg.LinAlgError as e:
        raise LinAlgError(f"linalg.{fn}: {e} (does the input hold NaN or inf?)") from None


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
    with _naming("pinv"):
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
    fold = getattr(_raw(A), "fold", None)   # tg.vmap's A: one call for the batch
    if fold is not None:
        return fold(lambda a, b: lstsq(a, b, rcond, driver=driver), None, B)
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
    atol_f, rtol_f = _tolerances(op, A, None, rtol)
    with _naming("lstsq"):      # pinv(A, rtol=rtol), naming lstsq
        X = matmul(apply(Pinv, A, atol=atol_f, rtol=rtol_f, hermitian=False), Bm)
        sv = np.linalg.svd(_raw(A), compute_uv=False)
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
    given = A
    A = _matrix("matrix_power", "A", A, square=True)
    n = check_int("linalg.matrix_power", "n", n)
    if n >= 0 and isinstance(given, Tensor) and given._data.dtype.kind in "iu":
        A = given           # integer matrices stay integer (torch): their products are exact
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
    with _naming("matrix_rank"):
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
    if all(isinstance(v, Tensor) and v._data.dtype.kind in "iu" for v in (input, other)):
        x, y = input, other     # integer vectors stay integer (torch)
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
