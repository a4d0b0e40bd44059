"""`tnp.linalg` names whose NumPy signature differs from tapegrad.linalg's (torch.linalg's),
and the argument conversion every forwarded name gets (integer arrays and lists compute
in float64, as in NumPy)."""
from __future__ import annotations

import functools

import numpy as np

from .. import linalg as _tg_linalg
from .. import ops as _ops
from .._tensor import Tensor
from ._convert import asarg, floating
from ._more import matrix_transpose  # noqa: F401  (np.linalg.matrix_transpose)
from ._products import outer as _outer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike


def matrix_arg(x):
    """An argument as np.linalg sees it: integers and bools as float64."""
    if x.__class__ is Tensor and x._data.dtype.kind in "fc":
        return x
    return floating(asarg(x))


def numpy_args(fn):
    """tapegrad.linalg's `fn` taking NumPy's arguments (arrays, lists, integers)."""
    @functools.wraps(fn)
    def f(*args, **kwargs):
        # arrays and lists only: numbers are orders, powers and tolerances
        return fn(*[matrix_arg(a) if isinstance(a, (Tensor, np.ndarray, list, tuple)) else a
                    for a in args], **kwargs)
    return f


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """Singular value decomposition as `np.linalg.svd`: (U, S, Vh), or S alone with
    `compute_uv=False`; differentiable (through tapegrad.linalg.svd / svdvals).
    `hermitian` is accepted (the general algorithm gives the same factors' values).

    Args:
        a: a (..., m, n) matrix or batch.
        full_matrices: square U and Vh (default) or reduced ones.
        compute_uv: return U and Vh too (default), or S alone.
        hermitian: accepted for NumPy's signature.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False)
    tensor([4., 3.], dtype=float64)
    """
    a = matrix_arg(a)
    if not compute_uv:
        return _tg_linalg.svdvals(a)
    return _tg_linalg.svd(a, full_matrices)


def _cutoff_rtol(rcond, rtol, who):
    if rcond is not None and rtol is not None:
        raise ValueError(f"{who}: give rcond or rtol, not both")
    return rcond if rcond is not None else rtol


def pinv(a: ArrayLike, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Tensor:
    """Pseudo-inverse as `np.linalg.pinv`: singular values below `rcond` (or `rtol`)
    times the largest are treated as zero (NumPy's default: 1e-15).

    Args:
        a: a (..., m, n) matrix or batch.
        rcond: the relative cut-off (NumPy's name).
        hermitian: whether a is Hermitian.
        rtol: the relative cut-off (NumPy 2's name).

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.pinv([[2.0, 0.0], [0.0, 0.0]])
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]], dtype=float64)
    """
    cut = _cutoff_rtol(rcond, rtol, "pinv")
    return _tg_linalg.pinv(matrix_arg(a), rtol=1e-15 if cut is None else cut,
                           hermitian=hermitian)


def matrix_rank(A: ArrayLike, tol: Any = None, hermitian: bool = False, *,
                rtol: Any = None) -> Tensor:
    """Rank as `np.linalg.matrix_rank`: `tol` an absolute threshold on the singular
    values, `rtol` a relative one (default: the largest times eps times max(m, n)).

    Args:
        A: a (..., m, n) matrix or batch.
        tol: an absolute threshold on the singular values.
        hermitian: whether A is Hermitian.
        rtol: a relative threshold.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]])
    tensor(1)
    """
    A = matrix_arg(A)
    if tol is not None:
        if rtol is not None:
            raise ValueError("matrix_rank: give tol or rtol, not both")
        return _tg_linalg.matrix_rank(A, atol=tol, rtol=0.0, hermitian=hermitian)
    return _tg_linalg.matrix_rank(A, rtol=rtol, hermitian=hermitian)


def cross(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Tensor:
    """Cross product of 3-vectors along `axis`, as `np.linalg.cross`.

    Args:
        x1: 3-vectors.
        x2: 3-vectors.
        axis: the axis holding the vectors.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    tensor([0., 0., 1.], dtype=float64)
    """
    return _tg_linalg.cross(matrix_arg(x1), matrix_arg(x2), dim=axis)


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Tensor:
    """Dot product along `axis` (conjugating x1), as `np.linalg.vecdot`.

    Args:
        x1: the first vectors (conjugated).
        x2: the second vectors.
        axis: the axis holding the vectors.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.vecdot([1.0, 2.0], [3.0, 4.0])
    tensor(11., dtype=float64)
    """
    return _tg_linalg.vecdot(matrix_arg(x1), matrix_arg(x2), dim=axis)


def outer(x1: ArrayLike, x2: ArrayLike, /) -> Tensor:
    """Outer product of two vectors, as `np.linalg.outer`.

    Args:
        x1: a vector.
        x2: a vector.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.outer([1.0, 2.0], [1.0, -1.0])
    tensor([[ 1., -1.],
            [ 2., -2.]], dtype=float64)
    """
    return _outer(x1, x2)


def diagonal(x: ArrayLike, /, *, offset: int = 0) -> Tensor:
    """Diagonals of the last two axes, as `np.linalg.diagonal`.

    Args:
        x: a (..., m, n) matrix or batch.
        offset: the diagonal (0 the main one).

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.diagonal([[1.0, 2.0], [3.0, 4.0]])
    tensor([1., 4.], dtype=float64)
    """
    return _ops.diagonal(matrix_arg(x), offset, -2, -1)


def trace(x: ArrayLike, /, *, offset: int = 0, dtype: Any = None) -> Tensor:
    """Trace over the last two axes, as `np.linalg.trace`.

    Args:
        x: a (..., m, n) matrix or batch.
        offset: the diagonal summed.
        dtype: the result's dtype.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.trace([[1.0, 2.0], [3.0, 4.0]])
    tensor(5., dtype=float64)
    """
    d = diagonal(x, offset=offset)
    r = _ops.sum(d, -1)
    return r if dtype is None else _ops.cast(r, np.dtype(dtype))


def tensordot(x1: ArrayLike, x2: ArrayLike, /, *, axes: Any = 2) -> Tensor:
    """`np.tensordot` under np.linalg's name.

    Args:
        x1: the first array.
        x2: the second array.
        axes: how many trailing/leading axes to contract, or two lists of axes.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.tensordot(tnp.ones((2, 3)), tnp.ones((3, 2)), axes=1)
    tensor([[3., 3.],
            [3., 3.]], dtype=float64)
    """
    return _ops.tensordot(matrix_arg(x1), matrix_arg(x2), axes)


def tensorsolve(a: ArrayLike, b: ArrayLike, axes: Any = None) -> Tensor:
    """x with tensordot(a, x, x.ndim) == b, as `np.linalg.tensorsolve` (a solve of a
    reshaped square matrix, differentiable in a and b).

    Args:
        a: the coefficient tensor; its leading axes match b's shape.
        b: the right-hand side.
        axes: axes of a moved to the end first.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.tensorsolve(2.0 * tnp.eye(4).reshape(2, 2, 4), tnp.ones((2, 2)))
    tensor([0.5000, 0.5000, 0.5000, 0.5000], dtype=float64)
    """
    a, b = matrix_arg(a), matrix_arg(b)
    nd = a.ndim
    if axes is not None:
        allaxes = list(range(nd))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(nd, k)
        a = _ops.transpose(a, tuple(allaxes))
    oldshape = a.shape[-(nd - b.ndim):]
    prod = int(np.prod(oldshape))
    if int(np.prod(a.shape[:b.ndim])) != prod:
        raise np.linalg.LinAlgError(f"tensorsolve: a's leading dimensions (product "
                                    f"{int(np.prod(a.shape[:b.ndim]))}) and trailing ones "
                                    f"(product {prod}) must match")
    x = _tg_linalg.solve(_ops.reshape(a, (prod, prod)), _ops.reshape(b, (prod,)))
    return _ops.reshape(x, oldshape)


def tensorinv(a: ArrayLike, ind: int = 2) -> Tensor:
    """The inverse under tensordot over `ind` axes, as `np.linalg.tensorinv`.

    Args:
        a: the tensor to invert.
        ind: how many leading axes form the rows.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.tensorinv(2.0 * tnp.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    if ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer, got {ind!r}")
    a = matrix_arg(a)
    oldshape = a.shape
    prod = int(np.prod(oldshape[:ind]))
    invshape = oldshape[ind:] + oldshape[:ind]
    if int(np.prod(oldshape[ind:])) != prod:
        raise np.linalg.LinAlgError("tensorinv: the products of a's first `ind` and last "
                                    "dimensions must be equal")
    return _ops.reshape(_tg_linalg.inv(_ops.reshape(a, (prod, -1))), invshape)


NUMPY_SIGNATURES = ["svd", "pinv", "matrix_rank", "cross", "vecdot", "outer", "diagonal",
                    "trace", "tensordot", "tensorsolve", "tensorinv", "matrix_transpose"]


def multi_dot(arrays: Any, *, out: None = None) -> Tensor:
    """The product of a list of matrices, as `np.linalg.multi_dot` (the first may be a
    1-D row vector, the last a 1-D column vector); differentiable.

    Args:
        arrays: a list of at least two tensors, arrays or nested lists.
        out: NumPy's argument; only None.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.multi_dot([[1.0, 2.0], tnp.eye(2), [[1.0], [1.0]]])
    tensor([3.], dtype=float64)
    """
    if out is not None:
        raise TypeError("linalg.multi_dot: out= is not supported; use the returned tensor")
    if isinstance(arrays, (list, tuple)):     # each its own operand, never one stack
        arrays = [matrix_arg(a) for a in arrays]
    return _tg_linalg.multi_dot(arrays)


def qr(a: ArrayLike, mode: str = "reduced") -> Any:
    """QR decomposition as `np.linalg.qr`: (Q, R), or R alone with `mode="r"` (NumPy's
    and jax.numpy's; tapegrad.linalg.qr keeps torch's pair with an empty Q);
    differentiable.

    Args:
        a: a (..., m, n) matrix or batch.
        mode: "reduced" (default), "complete" or "r".

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.qr([[3.0, 0.0], [4.0, 5.0]], mode="r").shape
    (2, 2)
    """
    out = _tg_linalg.qr(matrix_arg(a), mode)
    return out[1] if mode == "r" else out
