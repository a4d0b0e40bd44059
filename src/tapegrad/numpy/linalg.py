"""`tnp.linalg`: NumPy's `np.linalg` names over tensors, forwarded to `tapegrad.linalg`.

Every name `tapegrad.linalg` has is available here with the same function (their
signatures follow NumPy's and torch.linalg's shared conventions: `norm(x, ord=None,
axis=None, keepdims=False)`, `inv`, `solve`, `det`, `slogdet`, `cholesky`, `eigh`,
`svd`, `qr`, ...), so a new linear-algebra op appears here without editing this file.

>>> import tapegrad.numpy as tnp
>>> tnp.linalg.norm(tnp.array([3.0, 4.0]))
tensor(5., dtype=float64)
"""
from __future__ import annotations

import numpy as _np

from .. import linalg as _tg_linalg
from ..ops.complex import real as _tg_real
from ..ops.linalg_fns import EigResult as _EigResult
from ._convert import asarg as _asarg
from ._linalg_np import (cross, diagonal, matrix_rank, matrix_transpose, multi_dot,  # noqa: F401
                         outer, pinv, qr, svd, tensordot, tensorinv, tensorsolve, trace,
                         vecdot)
from ._linalg_np import matrix_arg as _matrix_arg
from ._linalg_np import numpy_args as _numpy_args
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis


def norm(x: ArrayLike, ord: Any = None, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm, as `np.linalg.norm` (Python lists are float64); see
    `tapegrad.linalg.norm` for the orders.

    Args:
        x: a tensor, array or nested list.
        ord: the order (None: 2 for vectors, 'fro' for matrices).
        axis: None, an int, or a pair of ints for matrix norms.
        keepdims: keep the reduced axes with size 1.

    Returns:
        The norms, a float64 tensor for Python input.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.norm([[1.0, 2.0], [2.0, 4.0]], ord="nuc").item()
    5.0
    >>> tnp.linalg.norm([3.0, 4.0], ord=1).item()
    7.0
    """
    return _tg_linalg.norm(_asarg(x), ord, axis, keepdims)


def eig(a: ArrayLike) -> Any:
    """Eigenvalues and unit-norm eigenvectors, as `np.linalg.eig`: a named tuple
    (eigenvalues, eigenvectors), real when the input is real and every eigenvalue and
    eigenvector is real (NumPy's rule), complex otherwise. Differentiable as
    `tapegrad.linalg.eig` (the real results are the real parts of its complex ones).

    Args:
        a: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        A named tuple (eigenvalues (..., n), eigenvectors (..., n, n)).

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.eig(tnp.array([[2.0, 1.0], [0.0, 3.0]])).eigenvalues
    tensor([2., 3.], dtype=float64)
    >>> tnp.linalg.eig(tnp.array([[0.0, -1.0], [1.0, 0.0]])).eigenvalues
    tensor([0.+1.j, 0.-1.j], dtype=complex128)
    """
    a = _matrix_arg(_asarg(a))          # integer arrays and lists compute in float64
    w, v = _tg_linalg.eig(a)
    if _real_result(a, w, v):
        w, v = _tg_real(w), _tg_real(v)
    return _EigResult(w, v)


def eigvals(a: ArrayLike) -> Tensor:
    """Eigenvalues, as `np.linalg.eigvals`: real when the input is real and every
    eigenvalue is real, complex otherwise (see eig).

    Args:
        a: a square matrix or a batch of them, shape (..., n, n).

    Returns:
        The eigenvalues, shape (..., n).

    >>> import tapegrad.numpy as tnp
    >>> tnp.linalg.eigvals(tnp.array([[2.0, 1.0], [0.0, 3.0]]))
    tensor([2., 3.], dtype=float64)
    """
    a = _matrix_arg(_asarg(a))
    w = _tg_linalg.eigvals(a)
    return _tg_real(w) if _real_result(a, w) else w


def _real_result(a, *outs):
    """NumPy's rule: a real input keeps real results when their imaginary parts are all
    exactly zero."""
    data = a._data if hasattr(a, "_data") else _np.asarray(a)
    return data.dtype.kind != "c" and not any(_np.any(o._data.imag) for o in outs)


_forwarded: dict[str, Any] = {}


def __getattr__(name):
    # forwarding, not a second namespace: tapegrad.linalg grows, tnp.linalg follows
    # (with NumPy's arguments: integer arrays and lists are float64)
    if not name.startswith("__"):
        fn = _forwarded.get(name)
        if fn is not None:
            return fn
        fn = getattr(_tg_linalg, name, None)
        if fn is not None:
            if callable(fn) and not isinstance(fn, type):
                fn = _forwarded.setdefault(name, _numpy_args(fn))
            return fn
    hint = (f"; NumPy has it: call np.linalg.{name} on x.detach().numpy() (no gradient)"
            if hasattr(_np.linalg, name) else "")
    raise AttributeError(f"module 'tapegrad.numpy.linalg' has no attribute {name!r}: "
                         f"tapegrad.linalg does not implement it{hint}")

# the names `from tapegrad.numpy.linalg import *` gives (tests/test_all.py)
__all__ = ["norm", "eig", "eigvals", "cross", "diagonal", "matrix_rank", "matrix_transpose",
           "multi_dot", "outer", "pinv", "qr", "svd", "tensordot", "tensorinv", "tensorsolve",
           "trace", "vecdot"]
