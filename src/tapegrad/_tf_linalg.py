"""TensorFlow's tf.linalg names that torch.linalg lacks (trace, matvec, diag_part,
band_part, matrix_transpose, adjoint, eye, tensordot, einsum, l2_normalize, global_norm),
over tapegrad ops: matrices in the last two axes, leading axes batched."""
from __future__ import annotations

import numpy as np

from ._check import _got, integer
from ._dtypes import as_dtype
from .ops._shapes import check_operand
from ._tensor import Tensor, make
from .nn.tf_functions import l2_normalize
from .ops import (broadcast_to, conj, diagonal, einsum, expand_dims, matmul, squeeze, sum,
                  swapaxes, where)
from .math import tensordot
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._typing import ArrayLike


def _matrix(x, fn, arg="x"):
    if not isinstance(x, Tensor):
        x = check_operand(fn, arg, x)
        x = make(np.asarray(x, dtype=np.float32) if not isinstance(x, np.ndarray) else x)
    t = x
    if t.ndim < 2:
        raise ValueError(f"{fn}: {arg} must have at least 2 dimensions (a matrix), got "
                         f"shape {tuple(t.shape)}")
    return t


def trace(x: ArrayLike, name: str | None = None) -> Tensor:
    """tf.linalg.trace: the sum of each matrix's diagonal (the last two axes).

    Args:
        x: a matrix or a batch of matrices.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.trace(tg.constant([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    return sum(diagonal(_matrix(x, "trace"), 0, -2, -1), -1)


def diag_part(input: ArrayLike, name: str | None = None, k: int = 0) -> Tensor:
    """tf.linalg.diag_part: each matrix's diagonal (offset k) along the last axis.

    Args:
        input: a matrix or a batch of matrices.
        name: TensorFlow's op name, accepted and ignored.
        k: the diagonal's offset (positive: above the main one).

    >>> import tapegrad as tg
    >>> tg.linalg.diag_part(tg.constant([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 4.])
    """
    return diagonal(_matrix(input, "diag_part", "input"), int(k), -2, -1)


def matrix_transpose(a: ArrayLike, name: str | None = None, conjugate: bool = False) -> Tensor:
    """tf.linalg.matrix_transpose: the last two axes swapped (conjugated if asked).

    Args:
        a: a matrix or a batch of matrices.
        name: TensorFlow's op name, accepted and ignored.
        conjugate: conjugate complex entries too.

    >>> import tapegrad as tg
    >>> tg.linalg.matrix_transpose(tg.ones([5, 2, 3])).shape
    (5, 3, 2)
    """
    t = swapaxes(_matrix(a, "matrix_transpose", "a"), -1, -2)
    return conj(t) if conjugate else t


def adjoint(matrix: ArrayLike, name: str | None = None) -> Tensor:
    """tf.linalg.adjoint: the conjugate transpose of the last two axes.

    Args:
        matrix: a matrix or a batch of matrices.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.adjoint(tg.constant([[1.0, 2.0]])).tolist()
    [[1.0], [2.0]]
    """
    return matrix_transpose(_matrix(matrix, "adjoint", "matrix"), conjugate=True)


def matvec(a: ArrayLike, b: ArrayLike, transpose_a: bool = False, adjoint_a: bool = False,
           a_is_sparse: bool = False, b_is_sparse: bool = False,
           name: str | None = None) -> Tensor:
    """tf.linalg.matvec: a @ b with b a vector (or a batch of them, last axis).

    Args:
        a: a matrix or a batch of matrices.
        b: a vector or a batch of vectors.
        transpose_a: use a's transpose.
        adjoint_a: use a's conjugate transpose.
        a_is_sparse: TensorFlow's hint, accepted and ignored.
        b_is_sparse: TensorFlow's hint, accepted and ignored.
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.matvec(tg.constant([[1.0, 2.0], [3.0, 4.0]]), tg.constant([1.0, 1.0]))
    tensor([3., 7.])
    """
    a = _matrix(a, "matvec", "a")
    if adjoint_a:
        a = adjoint(a)
    elif transpose_a:
        a = matrix_transpose(a)
    return squeeze(matmul(a, expand_dims(b, -1)), -1)


def band_part(input: ArrayLike, num_lower: int, num_upper: int,
              name: str | None = None) -> Tensor:
    """tf.linalg.band_part: each matrix with the entries outside the band zeroed (a
    negative count keeps the whole triangle).

    Args:
        input: a matrix or a batch of matrices.
        num_lower: the subdiagonals to keep (negative: all).
        num_upper: the superdiagonals to keep (negative: all).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.band_part(tg.ones([3, 3]), 0, 1).tolist()
    [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]
    """
    t = _matrix(input, "band_part", "input")
    m, n = t.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((int(num_lower) < 0) | (i - j <= int(num_lower))) & \
        ((int(num_upper) < 0) | (j - i <= int(num_upper)))
    return where(keep, t, np.zeros((), t.dtype))


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = "float32", name: str | None = None) -> Tensor:
    """tf.linalg.eye (and tf.eye): identity matrices, optionally a batch of them.

    Args:
        num_rows: the rows.
        num_columns: the columns (default: num_rows).
        batch_shape: leading batch dimensions.
        dtype: the dtype (float32).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.eye(2, batch_shape=[3]).shape
    (3, 2, 2)
    """
    rows = integer(num_rows, "eye", "num_rows", low=0)
    m = rows if num_columns is None else integer(num_columns, "eye", "num_columns", low=0)
    base = make(np.eye(rows, m, dtype=as_dtype(dtype, "eye")))
    if batch_shape is None:
        return base
    return make(np.ascontiguousarray(broadcast_to(base, tuple(int(d) for d in batch_shape)
                                                  + base.shape)._data))


def global_norm(t_list: Any, name: str | None = None) -> Tensor:
    """tf.linalg.global_norm: sqrt of the sum of every tensor's squared entries (Nones
    skipped), as tf.clip_by_global_norm computes it.

    Args:
        t_list: a list of tensors (or Nones).
        name: TensorFlow's op name, accepted and ignored.

    >>> import tapegrad as tg
    >>> tg.linalg.global_norm([tg.constant([3.0]), None, tg.constant([4.0])])
    tensor(5.)
    """
    if isinstance(t_list, (Tensor, np.ndarray, str, bytes)) or \
            not isinstance(t_list, (list, tuple)):
        raise TypeError(f"global_norm: t_list must be a list or tuple of tensors, got "
                        f"{_got(t_list)}")
    parts = []
    for k, t in enumerate(t_list):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            t = make(np.asarray(check_operand("global_norm", f"t_list[{k}]", t)))
        parts.append(sum(t * t))
    if not parts:
        return make(np.zeros((), np.float32))
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total ** 0.5


normalize_l2 = l2_normalize

# the names `from tapegrad._tf_linalg import *` gives (tests/test_all.py)
__all__ = ["trace", "diag_part", "matrix_transpose", "adjoint", "matvec", "band_part", "eye",
           "global_norm", "tensordot", "einsum", "l2_normalize"]
