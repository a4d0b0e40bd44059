"""Products: inner, vdot, tensordot, kron, cross, and PyTorch's mm and bmm.

Cross is an op of its own; the others are matmul, einsum, reshape and mul, whose rules
already cover broadcasting, batching and higher order.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply, apply2, call
from ._op import Op, register, tangent_sum
from ._shapes import broadcast_shapes, check_axis, check_operand, describe
from .complex_parts import Conj
from .elementwise import mul
from .linalg import _LETTERS, Einsum, MatMul
from .shape import Reshape, Transpose
from ..errors import raw_values, shapes_msg
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _shape(v):
    return np.shape(_raw(v))


def _operand(op, name, x):
    return x if isinstance(x, Tensor) else check_operand(op, name, x)


def _einsum(a, b, ins, out):
    return apply(Einsum, a, b, ins=list(ins), out=out)


# ------------------------------------------------------------------ inner, vdot, tensordot

def inner(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Sum of products over the last axes of a and b: the result has shape
    a.shape[:-1] + b.shape[:-1] (NumPy's and PyTorch's inner; a 0-d operand multiplies).

    Args:
        a: a tensor, array or number.
        b: a tensor, array or number whose last axis matches a's.

    Returns:
        A tensor of shape a.shape[:-1] + b.shape[:-1].

    >>> import tapegrad as tg
    >>> tg.inner(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]))
    tensor(11.)
    """
    a, b = _operand("inner", "a", a), _operand("inner", "b", b)
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return mul(a, b)
    if sa[-1] != sb[-1]:
        raise ValueError(shapes_msg("inner", sa, sb,
                                    what=f"do not match: last axes {sa[-1]} and {sb[-1]}"))
    la = _LETTERS[:len(sa) - 1]
    lb = _LETTERS[len(sa) - 1:len(sa) + len(sb) - 2]
    k = _LETTERS[len(sa) + len(sb) - 2]
    return _einsum(a, b, (la + k, lb + k), la + lb)


def vdot(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Dot product of a and b flattened (NumPy's vdot; PyTorch's vdot takes vectors).

    Args:
        a: a tensor or array, read flattened.
        b: a tensor or array with as many elements as a.

    Returns:
        A 0-d tensor (complex inputs: a is conjugated, as NumPy).

    >>> import tapegrad as tg
    >>> tg.vdot(tg.tensor([[1.0, 2.0]]), tg.tensor([3.0, 4.0]))
    tensor(11.)
    """
    a, b = _operand("vdot", "a", a), _operand("vdot", "b", b)
    na, nb = int(np.prod(_shape(a))), int(np.prod(_shape(b)))
    if na != nb:
        raise ValueError(shapes_msg("vdot", _shape(a), _shape(b),
                                    what=f"have different sizes ({na} and {nb})"))
    if np.result_type(_raw(a)).kind == "c":
        a = apply(Conj, a)              # vdot conjugates its first argument
    return apply2(MatMul, apply(Reshape, a, shape=(na,)), apply(Reshape, b, shape=(nb,)))


def _axes_list(op, name, v, nd):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = [v]
    if isinstance(v, (Tensor, np.ndarray)):
        v = np.asarray(raw_values(_raw(v), op)).reshape(-1).tolist()
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"{op}: {name} must be an int or a sequence of ints, got "
                        f"{describe(v)}")
    out = [check_axis(op, a, nd, name) for a in v]
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {name}={list(v)}")
    return out


def tensordot(a: ArrayLike, b: ArrayLike, axes: Axis = 2, *, dims: Axis = None) -> Tensor:
    """Sum of products over axes of a and b: `axes=N` pairs the last N axes of a with the
    first N of b, `axes=(axes_a, axes_b)` names them. The result has a's free axes, then
    b's. NumPy: tensordot(a, b, axes); PyTorch: tensordot(a, b, dims).

    Args:
        a: the first tensor.
        b: the second tensor.
        axes: an int N (the last N axes of a with the first N of b) or a pair of
            axis sequences (axes_a, axes_b) of equal lengths and sizes.
        dims: PyTorch's name for axes.

    Returns:
        A tensor with a's free axes followed by b's.

    >>> import tapegrad as tg
    >>> tg.tensordot(tg.ones((2, 3)), tg.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    a, b = _operand("tensordot", "a", a), _operand("tensordot", "b", b)
    if dims is not None:
        axes = dims
    sa, sb = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        n = int(axes)
        if n < 0 or n > len(sa) or n > len(sb):
            raise ValueError(f"tensordot: axes={n} must be between 0 and the number of "
                             f"dimensions of both operands, shapes {sa} and {sb}")
        ax_a, ax_b = list(range(len(sa) - n, len(sa))), list(range(n))
    elif isinstance(axes, (list, tuple)) and len(axes) == 2:
        ax_a = _axes_list("tensordot", "axes_a", axes[0], len(sa))
        ax_b = _axes_list("tensordot", "axes_b", axes[1], len(sb))
        if len(ax_a) != len(ax_b):
            raise ValueError(f"tensordot: axes {list(axes[0])} and {list(axes[1])} name "
                             "different numbers of axes")
    else:
        raise TypeError(f"tensordot: axes must be an int or a pair of sequences of ints, "
                        f"got {describe(axes)}")
    for i, j in zip(ax_a, ax_b):
        if sa[i] != sb[j]:
            raise ValueError(shapes_msg("tensordot", sa, sb, what=f"do not match: axis {i} "
                                        f"of a has size {sa[i]}, axis {j} of b {sb[j]}"))
    letters = iter(_LETTERS)
    la = [next(letters) for _ in sa]
    lb = [next(letters) for _ in sb]
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in ax_a] + \
        [c for j, c in enumerate(lb) if j not in ax_b]
    return _einsum(a, b, ("".join(la), "".join(lb)), "".join(out))


# ------------------------------------------------------------------ kron

def kron(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Kronecker product: blocks a[i, j] * b (NumPy's and PyTorch's kron; the operand with
    fewer dimensions gets leading ones).

    Args:
        a: the tensor giving the block weights.
        b: the tensor repeated in each block.

    Returns:
        A tensor whose shape is the elementwise product of the (padded) shapes.

    >>> import tapegrad as tg
    >>> tg.kron(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 10.0]))
    tensor([ 1., 10.,  2., 20.])
    """
    a, b = _operand("kron", "a", a), _operand("kron", "b", b)
    sa, sb = _shape(a), _shape(b)
    nd = max(len(sa), len(sb))
    sa = (1,) * (nd - len(sa)) + sa
    sb = (1,) * (nd - len(sb)) + sb
    # a's axes interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    a2 = apply(Reshape, a, shape=tuple(v for s in sa for v in (s, 1)))
    b2 = apply(Reshape, b, shape=tuple(v for s in sb for v in (1, s)))
    return apply(Reshape, mul(a2, b2), shape=tuple(p * q for p, q in zip(sa, sb)))


# ------------------------------------------------------------------ cross

@register
class Cross(Op):
    """x × y of 3-vectors along the last axis, broadcasting over the others."""
    args = ("x", "y")
    saves = ("x", "y")
    batching = "elementwise"        # the vector axis stays last; a batch axis leads

    @staticmethod
    def forward(x, y):
        return np.cross(x, y)

    # d(x × y) = dx × y + x × dy; <g, dx × y> = <y × g, dx> and <g, x × dy> = <g × x, dy>
    @staticmethod
    def vjp(ctx, g):
        x, y = ctx.saved
        gx = call(Cross, y, g) if ctx.needs_grad[0] else None
        gy = call(Cross, g, x) if ctx.needs_grad[1] else None
        return gx, gy

    @staticmethod
    def jvp(ctx, dx, dy):
        x, y = ctx.saved
        return tangent_sum(None if dx is None else call(Cross, dx, y),
                           None if dy is None else call(Cross, x, dy))


def _to_last(x, axis, nd):
    """x (of nd dimensions) with `axis` moved to the end."""
    if axis == nd - 1:
        return x
    perm = tuple(i for i in range(nd) if i != axis) + (axis,)
    return apply(Transpose, x, axes=perm)


def _from_last(x, axis, nd):
    if axis == nd - 1:
        return x
    perm = list(range(nd - 1))
    perm.insert(axis, nd - 1)
    return apply(Transpose, x, axes=tuple(perm))


def _check_three(op, name, shape, axis):
    if shape[axis] != 3:
        raise ValueError(f"{op}: {name} must have size 3 along the vector axis {axis}, got "
                         f"shape {shape}")


def cross(x: ArrayLike, other: ArrayLike, dim: Axis = None, *, axisa: Any = None, axisb: Any = None,
          axisc: Any = None, axis: Axis = None) -> Tensor:
    """Cross product of 3-vectors, broadcasting over the other axes.

    PyTorch: cross(input, other, dim) with the vectors along `dim`; when dim is None,
    along the first axis of size 3, as torch.cross does (torch.linalg.cross uses -1).
    NumPy: cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None): give any of these
    keywords and the vectors are along axisa of a and axisb of b, the result's along axisc
    (`axis` sets all three), NumPy's convention.

    Args:
        x: the first tensor of 3-vectors.
        other: the second, broadcast against x.
        dim: the axis holding the vectors (PyTorch); None picks the first of size 3.
        axisa: NumPy: the axis of x holding the vectors.
        axisb: NumPy: the axis of other holding the vectors.
        axisc: NumPy: the axis of the result holding the vectors.
        axis: NumPy: sets axisa, axisb and axisc at once.

    Returns:
        The cross products, of the broadcast shape.

    Raises:
        ValueError: the vector axis does not have length 3.

    >>> import tapegrad as tg
    >>> tg.cross(tg.tensor([1.0, 0.0, 0.0]), tg.tensor([0.0, 1.0, 0.0]), dim=-1)
    tensor([0., 0., 1.])
    """
    a, b = _operand("cross", "input", x), _operand("cross", "other", other)
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        raise ValueError(shapes_msg("cross", sa, sb, what="include a scalar; cross takes "
                                    "3-vectors"))
    if any(v is not None for v in (axisa, axisb, axisc, axis)):
        if dim is not None:
            raise TypeError("cross: give dim (PyTorch) or axisa/axisb/axisc/axis (NumPy), "
                            "not both")
        if axis is not None:
            axisa = axisb = axisc = axis
        ia = check_axis("cross", -1 if axisa is None else axisa, len(sa), "axisa")
        ib = check_axis("cross", -1 if axisb is None else axisb, len(sb), "axisb")
        _check_three("cross", "a", sa, ia)
        _check_three("cross", "b", sb, ib)
        a, b = _to_last(a, ia, len(sa)), _to_last(b, ib, len(sb))
        bshape = broadcast_shapes("cross", _shape(a)[:-1], _shape(b)[:-1])
        nd = len(bshape) + 1
        ic = check_axis("cross", -1 if axisc is None else axisc, nd, "axisc")
        return _from_last(apply(Cross, a, b), ic, nd)
    bshape = broadcast_shapes("cross", sa, sb)
    nd = len(bshape)
    if dim is None:
        # torch.cross's default, which PyTorch has deprecated in favour of -1
        dim = next((i for i, s in enumerate(bshape) if s == 3), None)
        if dim is None:
            raise ValueError(shapes_msg("cross", sa, sb,
                                        what="have no axis of size 3; pass dim"))
    d = check_axis("cross", dim, nd, "dim")
    a = apply(Reshape, a, shape=(1,) * (nd - len(sa)) + sa) if len(sa) < nd else a
    b = apply(Reshape, b, shape=(1,) * (nd - len(sb)) + sb) if len(sb) < nd else b
    _check_three("cross", "input", _shape(a), d)
    _check_three("cross", "other", _shape(b), d)
    return _from_last(apply(Cross, _to_last(a, d, nd), _to_last(b, d, nd)), d, nd)


def linalg_cross(x: ArrayLike, y: ArrayLike, *, dim: Axis = -1) -> Tensor:
    """torch.linalg.cross: cross products along `dim` (default the last axis)."""
    return cross(x, y, dim)


# ------------------------------------------------------------------ mm, bmm

def _dims_text(shape):
    return "x".join(str(s) for s in shape)


def mm(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Product of two matrices (PyTorch's mm: 2-D only, no broadcasting).

    Args:
        x: an (n, k) matrix.
        y: a (k, m) matrix.

    Returns:
        The (n, m) product.

    Raises:
        ValueError: an operand is not 2-D, or the inner sizes differ.

    >>> import tapegrad as tg
    >>> tg.mm(tg.ones((2, 3)), tg.ones((3, 1)))
    tensor([[3.],
            [3.]])
    """
    x, y = _operand("mm", "input", x), _operand("mm", "mat2", y)
    sx, sy = _shape(x), _shape(y)
    if len(sx) != 2 or len(sy) != 2:
        raise ValueError(shapes_msg("mm", sx, sy, what="must both be matrices (2-D)"))
    if sx[1] != sy[0]:
        raise ValueError(shapes_msg("mm", sx, sy, what=f"cannot be multiplied "
                                    f"({_dims_text(sx)} and {_dims_text(sy)})"))
    return apply2(MatMul, x, y)


def bmm(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Batched product of matrices (PyTorch's bmm: shapes (b, n, m) and (b, m, p), no
    broadcasting).

    Args:
        x: a tensor of shape (b, n, m).
        y: a tensor of shape (b, m, p).

    Returns:
        A tensor of shape (b, n, p).

    >>> import tapegrad as tg
    >>> tg.bmm(tg.ones((4, 2, 3)), tg.ones((4, 3, 5))).shape
    (4, 2, 5)
    """
    x, y = _operand("bmm", "input", x), _operand("bmm", "mat2", y)
    sx, sy = _shape(x), _shape(y)
    if len(sx) != 3 or len(sy) != 3:
        raise ValueError(shapes_msg("bmm", sx, sy, what="must both be batches of matrices "
                                    "(3-D)"))
    if sx[0] != sy[0] or sx[2] != sy[1]:
        raise ValueError(shapes_msg("bmm", sx, sy, what=f"cannot be multiplied "
                                    f"({_dims_text(sx)} and {_dims_text(sy)}): batch sizes "
                                    "must be equal and inner sizes match"))
    return apply2(MatMul, x, y)


__all__ = ["inner", "vdot", "tensordot", "kron", "cross", "linalg_cross", "mm", "bmm", "Cross"]
