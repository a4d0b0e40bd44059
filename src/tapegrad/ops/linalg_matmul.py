"""Matrix products: matmul, dot, outer and einsum (MatMul, Einsum). Re-exported by
ops/linalg.py, their historical home, so `tapegrad.ops.linalg.MatMul` still works."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply, apply2, call
from ._op import Op, register, tangent_sum, write_out
from ._shapes import broadcast_shapes, check_operand, describe
from . import elementwise as E
from .shape import BroadcastTo, Reshape, Transpose, swapaxes
from ..errors import ShapeError, shapes_msg
from .elementwise import mul
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _mT(a):
    nd = np.ndim(_raw(a))
    perm = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return call(Transpose, a, axes=perm)


@register
class MatMul(Op):
    """x @ y with NumPy semantics: 1-D operands are promoted, batch axes broadcast."""
    batching = "aware"
    args = ("x", "y")
    saves = ("x", "y")

    forward = staticmethod(np.matmul)

    # d(x@y) = dx @ y + x @ dy. 1-D operands are lifted to (1, k) and (k, 1); the
    # cotangent gets the lifted axes back, and the engine sums broadcast batch axes.
    @staticmethod
    def vjp(ctx, g):
        x, y = ctx.saved
        if type(x) is np.ndarray and type(y) is np.ndarray and type(g) is np.ndarray \
                and x.ndim > 1 and y.ndim > 1:
            # the first-order case on matrices: nothing to lift, no Tensor dispatch
            need = ctx.needs_grad
            return (np.matmul(g, y.swapaxes(-1, -2)) if need[0] else None,
                    np.matmul(x.swapaxes(-1, -2), g) if need[1] else None)
        xs, ys = np.shape(_raw(x)), np.shape(_raw(y))    # in_shapes is None for arrays
        x2 = call(Reshape, x, shape=(1,) + xs) if len(xs) == 1 else x
        y2 = call(Reshape, y, shape=ys + (1,)) if len(ys) == 1 else y
        gshape = np.shape(_raw(g))
        batch = gshape[:len(gshape) - (len(xs) > 1) - (len(ys) > 1)]
        m = xs[-2] if len(xs) > 1 else 1
        n = ys[-1] if len(ys) > 1 else 1
        g2 = call(Reshape, g, shape=batch + (m, n)) if gshape != batch + (m, n) else g
        gx = gy = None
        if ctx.needs_grad[0]:
            gx = call(MatMul, g2, _mT(y2))
            if len(xs) == 1:
                gx = call(Reshape, gx, shape=batch + xs)
        if ctx.needs_grad[1]:
            gy = call(MatMul, _mT(x2), g2)
            if len(ys) == 1:
                gy = call(Reshape, gy, shape=batch + ys)
        return gx, gy

    @staticmethod
    def jvp(ctx, dx, dy):
        x, y = ctx.saved
        if ctx.batched is not None:
            return _matmul_batched_jvp(ctx, x, y, dx, dy)
        return tangent_sum(None if dx is None else call(MatMul, dx, y),
                           None if dy is None else call(MatMul, x, dy))


def _matmul_batched_jvp(ctx, x, y, dx, dy):
    """Tangents with a leading batch axis; NotImplemented (slice by slice) for the
    batched-operand cases where the batch axis would meet the operands' own batch axes."""
    xs, ys = ctx.in_shapes
    if len(xs) > 2 or len(ys) > 2:
        return NotImplemented
    tx = ty = None
    if dx is not None:
        tx = call(MatMul, dx, y)            # (B, [m,] k) @ y
    if dy is not None:
        if len(ys) == 1:
            ty = call(MatMul, dy, _mT(x) if len(xs) == 2 else x)
        else:
            ty = call(MatMul, x, dy)        # x @ (B, k, n)
    return tangent_sum(tx, ty)


def _check_matmul(x, y, op="matmul"):
    if not isinstance(x, Tensor):
        check_operand(op, "x", x)
    if not isinstance(y, Tensor):
        check_operand(op, "y", y)
    xs, ys = np.shape(_raw(x)), np.shape(_raw(y))
    if not xs or not ys:
        raise ValueError(shapes_msg(op, xs, ys, what="include a scalar; use mul"))
    kx = xs[-1]
    ky = ys[0] if len(ys) == 1 else ys[-2]
    if kx != ky:
        raise ShapeError(shapes_msg(op, xs, ys,
                                    what=f"do not align: inner sizes {kx} and {ky} differ"))
    if len(xs) > 2 or len(ys) > 2:
        broadcast_shapes(f"{op} (batch axes)", xs[:-2], ys[:-2])


def matmul(x: ArrayLike, y: ArrayLike, *, transpose_a: bool = False,
           transpose_b: bool = False, out: Tensor | None = None) -> Tensor:
    """Matrix product with NumPy's rules (1-D, 2-D and batched).

    Args:
        x: the left operand, (..., n, k) or a vector (k,).
        y: the right operand, (..., k, m) or a vector (k,); batch axes broadcast.
        transpose_a, transpose_b: TF's flags: swap the last two axes of x (or y) first.
        out: a tensor of the result's shape to write the values into (PyTorch's out=).

    Returns:
        The product, (..., n, m), with a vector operand's axis dropped.

    Raises:
        ValueError: the inner dimensions differ (naming both shapes).

    >>> import tapegrad as tg
    >>> tg.matmul(tg.ones((2, 3)), tg.ones(3))
    tensor([3., 3.])
    """
    if transpose_a or transpose_b:
        x = swapaxes(x, -1, -2) if transpose_a else x
        y = swapaxes(y, -1, -2) if transpose_b else y
    _check_matmul(x, y)
    r = apply2(MatMul, x, y)
    return r if out is None else write_out("matmul", out, r)


def dot(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Dot product of vectors (matmul for matrices; a 0-d operand multiplies), as
    np.dot.

    Args:
        x: the first operand, a tensor or a number or array-like.
        y: the second operand.

    Returns:
        np.dot's result: a 0-d tensor for two vectors.

    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> d = tg.dot(x, tg.tensor([3.0, 4.0]))
    >>> d.item()
    11.0
    >>> d.backward()
    >>> x.grad
    tensor([3., 4.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("dot", "x", x)
    if not isinstance(y, Tensor):
        y = check_operand("dot", "y", y)
    if np.ndim(_raw(x)) == 0 or np.ndim(_raw(y)) == 0:
        return E.mul(x, y)
    _check_matmul(x, y, "dot")
    return apply2(MatMul, x, y)


def outer(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Outer product of two vectors: out[i, j] = x[i] * y[j] (torch.outer; both must be
    1-D, as there: tapegrad.numpy.outer flattens other shapes, as np.outer).

    Args:
        x: the first vector.
        y: the second vector.

    Returns:
        A (len(x), len(y)) tensor.

    Raises:
        ValueError: x or y is not 1-D.

    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> o = tg.outer(x, tg.tensor([1.0, 10.0, 100.0]))
    >>> o.tolist()
    [[1.0, 10.0, 100.0], [2.0, 20.0, 200.0]]
    >>> o.sum().backward()
    >>> x.grad
    tensor([111., 111.])
    """
    if not isinstance(x, Tensor):
        x = check_operand("outer", "x", x)
    if not isinstance(y, Tensor):
        y = check_operand("outer", "y", y)
    for name, v in (("x", x), ("y", y)):
        if np.ndim(v) != 1:
            raise ValueError(f"outer: expected 1-D arguments, got {name} of shape "
                             f"{tuple(np.shape(v))} ({np.ndim(v)}-D)")
    return mul(call(Reshape, x, shape=(-1, 1)) if isinstance(x, Tensor) else
               np.reshape(x, (-1, 1)), call(Reshape, y, shape=(1, -1))
               if isinstance(y, Tensor) else np.reshape(y, (1, -1)))


# ------------------------------------------------------------------ einsum

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(subscripts, shapes):
    """Explicit form with ellipses expanded: (["ij", "jk"], "ik")."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got "
                        f"{describe(subscripts)}")
    subscripts = subscripts.replace(" ", "")
    bad = sorted(set(c for c in subscripts if not (c.isascii() and c.isalpha())
                     and c not in ",->."))
    if bad or subscripts.count("->") > 1 or subscripts.replace("->", "").count("-") or \
            subscripts.replace("->", "").count(">") or \
            subscripts.replace("...", "").count("."):
        raise ValueError(f"einsum: bad subscripts {subscripts!r}: use letters, ',', one "
                         "'->' and '...'")
    if "->" in subscripts:
        lhs, rhs = subscripts.split("->")
        unknown = sorted(set(rhs) - set(lhs) - {"."})
        if unknown or len(rhs.replace("...", "")) != len(set(rhs.replace("...", ""))):
            raise ValueError(f"einsum: output subscripts '{rhs}' must each appear in the "
                             f"inputs '{lhs}', once")
    else:
        lhs, rhs = subscripts, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: '{subscripts}' names {len(ins)} operand(s) but "
                         f"{len(shapes)} were given")
    used = set(c for c in subscripts if c.isalpha())
    free = [c for c in _LETTERS if c not in used]
    ell_nd = 0
    for s, shape in zip(ins, shapes):
        if "..." in s:
            ell_nd = max(ell_nd, len(shape) - (len(s) - 3))
    ell = "".join(free[:ell_nd])
    expanded = []
    for s, shape in zip(ins, shapes):
        if "..." in s:
            n = len(shape) - (len(s) - 3)
            s = s.replace("...", ell[ell_nd - n:] if n else "")
        if len(s) != len(shape):
            raise ValueError(f"einsum: subscripts '{s}' do not match operand shape {shape}")
        expanded.append(s)
    if rhs is None:
        counts = {}
        for s in expanded:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + "".join(sorted(c for c in counts if counts[c] == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
    return expanded, rhs


@register
class Einsum(Op):
    """Einstein summation over explicit subscripts (ellipses expanded)."""
    batching = "aware"
    args = ()
    save_all = True

    @staticmethod
    def forward(*xs, ins, out):
        r = np.einsum(",".join(ins) + "->" + out, *xs, optimize=len(xs) > 2)
        # a diagonal or a permutation ("ii->i", "ij->ji") comes back as a view of the
        # operand; a result must own its memory (a write into it would change the input)
        if len(xs) == 1 and isinstance(r, np.ndarray) and r.base is not None:
            r = r.copy()
        return r

    # each operand's cotangent is the einsum of g with the other operands
    @staticmethod
    def vjp(ctx, g):
        ins, out = ctx.params["ins"], ctx.params["out"]
        saved = ctx.saved
        grads = []
        for i, need in enumerate(ctx.needs_grad):
            if not need:
                grads.append(None)
                continue
            grads.append(_einsum_cotangent(i, ins, out, g, saved, ctx.in_shapes))
        return tuple(grads)

    @staticmethod
    def jvp(ctx, *ds):
        ins, out = ctx.params["ins"], ctx.params["out"]
        if ctx.batched is not None:         # the batch axis gets a letter of its own
            b = next(c for c in _LETTERS if c not in "".join(ins) + out)
        terms = []
        for i, d in enumerate(ds):
            if d is None:
                continue
            ops_ = list(ctx.saved)
            ops_[i] = d
            if ctx.batched is None:
                terms.append(call(Einsum, *ops_, ins=ins, out=out))
            else:
                bins = list(ins)
                bins[i] = b + ins[i]
                terms.append(call(Einsum, *ops_, ins=bins, out=b + out))
        return tangent_sum(*terms)


def _einsum_cotangent(i, ins, out, g, saved, shapes):
    target = ins[i]
    size = dict(zip(target, shapes[i]))
    uniq = "".join(dict.fromkeys(target))
    others = [s for j, s in enumerate(ins) if j != i]
    available = set(out).union(*others) if others else set(out)
    present = "".join(c for c in uniq if c in available)
    operands = [g] + [saved[j] for j in range(len(ins)) if j != i]
    r = call(Einsum, *operands, ins=[out] + others, out=present)
    got = dict(zip(present, np.shape(_raw(r))))
    if present != uniq:
        # letters only this operand has were summed away: put them back as size 1
        r = call(Reshape, r, shape=tuple(got.get(c, 1) for c in uniq))
    have = tuple(got.get(c, 1) for c in uniq)
    want = tuple(size[c] for c in uniq)
    if have != want:
        # broadcast over axes where this operand is longer than what g and the others
        # saw; where it is shorter (size 1), the engine sums the cotangent back down
        r = call(BroadcastTo, r, shape=np.broadcast_shapes(have, want))
    if uniq != target:
        # a repeated letter reads a diagonal: its cotangent lives on that diagonal, so
        # each repeat gets a fresh letter tied to the first by an identity matrix
        used = set("".join(ins) + out)
        fresh = (c for c in _LETTERS if c not in used)
        dtype = np.result_type(_raw(r))
        spelled, eyes, seen = [], [], set()
        for c in target:
            if c in seen:
                f = next(fresh)
                eyes.append((c + f, np.eye(size[c], dtype=dtype)))
                c = f
            seen.add(target[len(spelled)])
            spelled.append(c)
        r = call(Einsum, r, *(e for _, e in eyes), ins=[uniq] + [s for s, _ in eyes],
                 out="".join(spelled))
    return r


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, e.g. `einsum("ij,jk->ik", a, b)`; `...` is supported, and
    the operands may also come as one list (PyTorch). Without `->` the output holds the
    indices used once, in alphabetical order (NumPy's rule).

    Args:
        subscripts: the index letters of each operand, comma-separated, and optionally
            `->` and the output's.
        *operands: the tensors (or arrays and numbers), one per term of subscripts.

    Returns:
        The summed product.

    Raises:
        ValueError: the subscripts do not fit the operands' shapes.

    >>> a = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> tg.einsum("ij,j->i", a, tg.tensor([1.0, 1.0])).tolist()
    [3.0, 7.0]
    >>> tg.einsum("ii", a).backward()               # the trace
    >>> a.grad
    tensor([[1., 0.],
            [0., 1.]])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for o in operands:
        if not isinstance(o, Tensor):
            check_operand("einsum", "operands", o)
    shapes = [np.shape(_raw(o)) for o in operands]
    ins, out = _parse_einsum(subscripts, shapes)
    sizes: dict[Any, Any] = {}
    for s, shape in zip(ins, shapes):
        for c, n in zip(s, shape):
            if sizes.setdefault(c, n) != n and n != 1 and sizes[c] != 1:
                raise ValueError(shapes_msg(f"einsum '{subscripts}'", *shapes,
                                            what=f"disagree on the size of '{c}'"))
    return apply(Einsum, *operands, ins=ins, out=out)


__all__ = ["matmul", "dot", "outer", "einsum", "Einsum", "MatMul"]
