"""Triangles and diagonals (tril, triu, diagonal, diag, diag_embed, trace), in NumPy's
and PyTorch's spellings: ops of their own (moved out of indexing.py, which keeps the
gather/scatter family)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import LINEAR, Op, register, same_params
from ._shapes import check_axis, check_int
from .reduce import sum as _sum
from .elementwise import clone
from .shape import broadcast_to
from .indexing import _operand, _shape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike


# ------------------------------------------------------------------ triangles

@register
class Tril(Op):
    """The lower triangle of the matrices in the last two axes: entries above diagonal k
    become 0 (k > 0 keeps k diagonals above the main one)."""
    batch_params = same_params          # a batch axis in front is one more leading axis

    @staticmethod
    def forward(x, *, k):
        return np.tril(x, k)

    # a fixed 0/1 mask times x: its own adjoint
    @staticmethod
    def vjp(ctx, g):
        return (call(Tril, g, k=ctx.params["k"]),)

    jvp = LINEAR


@register
class Triu(Op):
    """The upper triangle of the matrices in the last two axes: entries below diagonal k
    become 0."""
    batch_params = same_params

    @staticmethod
    def forward(x, *, k):
        return np.triu(x, k)

    @staticmethod
    def vjp(ctx, g):
        return (call(Triu, g, k=ctx.params["k"]),)

    jvp = LINEAR


def _tri(op, name, x, k, diagonal):
    x = _operand(name, "x", x)
    if diagonal is not None:
        k = diagonal
    k = check_int(name, "diagonal", k)
    shape = _shape(x)
    if len(shape) == 0:
        raise ValueError(f"{name}: x must have at least 1 dimension, got a 0-d tensor")
    if len(shape) == 1:
        x = broadcast_to(x, (shape[0], shape[0]))   # NumPy: a vector is repeated as rows
    return apply(op, x, k=k)


def tril(x: ArrayLike, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Lower triangle of the matrices in the last two axes (batched over the others):
    entries above the k-th diagonal are zero. NumPy: tril(m, k); PyTorch:
    tril(input, diagonal). A 1-D x is a row repeated into a square matrix, as in NumPy.

    Args:
        x: a tensor with at least 1 dimension.
        k: the diagonal: 0 the main one, > 0 above it, < 0 below.
        diagonal: PyTorch's name for k.

    >>> import tapegrad as tg
    >>> tg.tril(tg.ones((2, 3)), 1)
    tensor([[1., 1., 0.],
            [1., 1., 1.]])
    """
    return _tri(Tril, "tril", x, k, diagonal)


def triu(x: ArrayLike, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Upper triangle of the matrices in the last two axes (batched over the others):
    entries below the k-th diagonal are zero. NumPy: triu(m, k); PyTorch:
    triu(input, diagonal).

    Args:
        x: a tensor with at least 1 dimension.
        k: the diagonal: 0 the main one, > 0 above it, < 0 below.
        diagonal: PyTorch's name for k.

    >>> import tapegrad as tg
    >>> tg.triu(tg.ones((2, 2)))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _tri(Triu, "triu", x, k, diagonal)


# ------------------------------------------------------------------ diagonals

def _diag_index(shape, offset, axis1, axis2):
    """Row and column indices of diagonal `offset` of the (axis1, axis2) matrices."""
    n1, n2 = shape[axis1], shape[axis2]
    length = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    rows = np.arange(length) + max(-offset, 0)
    return rows, rows + offset


def _shift_axes(params, ctx):
    return dict(params, axis1=params["axis1"] + 1, axis2=params["axis2"] + 1)


def _shift_axes_shape(params, ctx):
    return dict(_shift_axes(params, ctx), shape=(ctx.batched,) + tuple(params["shape"]))


@register
class Diagonal(Op):
    """Diagonal `offset` of the matrices in axes (axis1, axis2), as the last axis: a view,
    as torch.diagonal, so `x.diagonal().add_(1)` changes x (it shares x's version)."""
    batch_params = _shift_axes
    view = True

    @staticmethod
    def forward(x, *, offset, axis1, axis2):
        d = np.diagonal(x, offset, axis1, axis2)
        if x.flags.writeable:       # NumPy hands out a read-only view; x's memory is not
            d.flags.writeable = True
        return d

    # the adjoint of reading a diagonal is writing it into zeros
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(DiagEmbed, g, shape=ctx.in_shapes[0], offset=p["offset"],
                     axis1=p["axis1"], axis2=p["axis2"]),)

    jvp = LINEAR


@register
class DiagEmbed(Op):
    """zeros(shape) with the last axis of x written along diagonal `offset` of the
    matrices in axes (axis1, axis2); the other axes of x fill the remaining axes in order.
    The adjoint of Diagonal."""
    batch_params = _shift_axes_shape

    @staticmethod
    def forward(x, *, shape, offset, axis1, axis2):
        out = np.zeros(shape, dtype=np.result_type(x))
        rows, cols = _diag_index(shape, offset, axis1, axis2)
        np.moveaxis(out, (axis1, axis2), (-2, -1))[..., rows, cols] = x
        return out

    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(Diagonal, g, offset=p["offset"], axis1=p["axis1"], axis2=p["axis2"]),)

    jvp = LINEAR


def _diag_axes(name, x, axis1, axis2, names=("axis1", "axis2")):
    nd = len(_shape(x))
    if nd < 2:
        raise ValueError(f"{name}: x must have at least 2 dimensions, got shape {_shape(x)}")
    a1 = check_axis(name, axis1, nd, names[0])
    a2 = check_axis(name, axis2, nd, names[1])
    if a1 == a2:
        raise ValueError(f"{name}: {names[0]} and {names[1]} must be different axes, got "
                         f"{axis1} and {axis2}")
    return a1, a2


def diagonal(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1, *,
             dim1: int | None = None, dim2: int | None = None) -> Tensor:
    """Diagonal `offset` of the matrices in axes (axis1, axis2), moved to the last axis.
    NumPy: diagonal(a, offset, axis1, axis2); PyTorch: diagonal(input, offset, dim1, dim2).

    Args:
        x: a tensor with at least 2 dimensions.
        offset: the diagonal: 0 the main one, > 0 above it, < 0 below.
        axis1: the row axis of the matrices.
        axis2: the column axis of the matrices.
        dim1: PyTorch's name for axis1.
        dim2: PyTorch's name for axis2.

    >>> import tapegrad as tg
    >>> tg.diagonal(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 4.])
    """
    x = _operand("diagonal", "x", x)
    offset = check_int("diagonal", "offset", offset)
    a1, a2 = _diag_axes("diagonal", x, axis1 if dim1 is None else dim1,
                        axis2 if dim2 is None else dim2)
    return apply(Diagonal, x, offset=offset, axis1=a1, axis2=a2)


def diag_embed(x: ArrayLike, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose (dim1, dim2) matrices have the last axis of x on diagonal `offset`
    and zeros elsewhere (PyTorch's diag_embed).

    Args:
        x: a tensor whose last axis holds the diagonals.
        offset: the diagonal to fill: 0 the main one, > 0 above it, < 0 below.
        dim1: the row axis of the new matrices in the result.
        dim2: the column axis of the new matrices in the result.

    >>> import tapegrad as tg
    >>> tg.diag_embed(tg.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    x = _operand("diag_embed", "x", x)
    offset = check_int("diag_embed", "offset", offset)
    shape = _shape(x)
    if not shape:
        raise ValueError("diag_embed: x must have at least 1 dimension, got a 0-d tensor")
    nd = len(shape) + 1
    d1 = check_axis("diag_embed", dim1, nd, "dim1")
    d2 = check_axis("diag_embed", dim2, nd, "dim2")
    if d1 == d2:
        raise ValueError(f"diag_embed: dim1 and dim2 must be different axes, got {dim1} "
                         f"and {dim2}")
    n = shape[-1] + abs(offset)
    rest = list(shape[:-1])
    out = tuple(n if i in (d1, d2) else rest.pop(0) for i in range(nd))
    return apply(DiagEmbed, x, shape=out, offset=offset, axis1=d1, axis2=d2)


def diag(x: ArrayLike, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """A 1-D x as a square matrix with x on diagonal k; a 2-D x's k-th diagonal as a
    vector. NumPy: diag(v, k); PyTorch: diag(input, diagonal).

    Args:
        x: a 1-D or 2-D tensor (or array-like).
        k: the diagonal: 0 the main one, > 0 above it, < 0 below.
        diagonal: PyTorch's name for k.

    Returns:
        A 2-D tensor for a 1-D x, a 1-D tensor for a 2-D x.

    >>> import tapegrad as tg
    >>> tg.diag(tg.tensor([1.0, 2.0]), 1)
    tensor([[0., 1., 0.],
            [0., 0., 2.],
            [0., 0., 0.]])
    """
    x = _operand("diag", "x", x)
    k = check_int("diag", "diagonal", k if diagonal is None else diagonal)
    shape = _shape(x)
    if len(shape) == 1:
        n = shape[0] + abs(k)
        return apply(DiagEmbed, x, shape=(n, n), offset=k, axis1=0, axis2=1)
    if len(shape) == 2:
        # a copy, as torch.diag and np.diag (diagonal() is the view)
        return clone(apply(Diagonal, x, offset=k, axis1=0, axis2=1))
    raise ValueError(f"diag: x must be 1-D or 2-D, got shape {shape}")


def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Sum of diagonal `offset` of the matrices in axes (axis1, axis2) (NumPy's trace;
    PyTorch's trace is the 2-D case).

    Args:
        x: a tensor with at least 2 dimensions.
        offset: the diagonal summed: 0 the main one, > 0 above it, < 0 below.
        axis1: the row axis of the matrices.
        axis2: the column axis of the matrices.

    >>> import tapegrad as tg
    >>> tg.trace(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    x = _operand("trace", "x", x)
    offset = check_int("trace", "offset", offset)
    a1, a2 = _diag_axes("trace", x, axis1, axis2)
    return _sum(apply(Diagonal, x, offset=offset, axis1=a1, axis2=a2), -1)


# the names `from tapegrad.ops.diagonals import *` gives (tests/test_all.py)
__all__ = ["tril", "triu", "diagonal", "diag", "diag_embed", "trace", "DiagEmbed", "Diagonal",
           "Tril", "Triu"]
