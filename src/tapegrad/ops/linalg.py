"""Linear algebra: matmul, dot, outer, einsum, norm."""
import numpy as np

from .._tensor import Tensor
from ._core import Op, apply, apply2, call, register, tangent_axis, tangent_sum
from ._shapes import broadcast_shapes, keepdims_shape, normalize_axis, pick_axis
from .elementwise import Where
from .reduce import Sum, expand_reduced
from .shape import BroadcastTo, Reshape, Transpose


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _mT(a):
    nd = np.ndim(_raw(a))
    perm = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return call(Transpose, a, axes=perm)


@register
class MatMul(Op):
    """x @ y with NumPy semantics: 1-D operands are promoted, batch axes broadcast."""
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


def _check_matmul(x, y):
    xs, ys = np.shape(_raw(x)), np.shape(_raw(y))
    if not xs or not ys:
        from ..errors import shapes_msg
        raise ValueError(shapes_msg("matmul", xs, ys, what="include a scalar; use mul"))
    kx = xs[-1]
    ky = ys[0] if len(ys) == 1 else ys[-2]
    if kx != ky:
        from ..errors import shapes_msg
        raise ValueError(shapes_msg("matmul", xs, ys,
                                    what=f"do not align: inner sizes {kx} and {ky} differ"))
    if len(xs) > 2 or len(ys) > 2:
        broadcast_shapes("matmul (batch axes)", xs[:-2], ys[:-2])


def matmul(x, y):
    """Matrix product with NumPy's rules (1-D, 2-D and batched).

    >>> import tapegrad as tg
    >>> tg.matmul(tg.ones((2, 3)), tg.ones(3))
    tensor([3., 3.])
    """
    _check_matmul(x, y)
    return apply2(MatMul, x, y)


def dot(x, y):
    """Dot product of vectors (matmul for matrices)."""
    if np.ndim(_raw(x)) == 0 or np.ndim(_raw(y)) == 0:
        from .elementwise import mul
        return mul(x, y)
    return matmul(x, y)


def outer(x, y):
    """Outer product of two vectors."""
    from .elementwise import mul
    return mul(call(Reshape, x, shape=(-1, 1)) if isinstance(x, Tensor) else
               np.reshape(x, (-1, 1)), call(Reshape, y, shape=(1, -1))
               if isinstance(y, Tensor) else np.reshape(y, (1, -1)))


# ------------------------------------------------------------------ einsum

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(subscripts, shapes):
    """Explicit form with ellipses expanded: (["ij", "jk"], "ik")."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, rhs = subscripts.split("->")
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
    args = ()
    save_all = True

    @staticmethod
    def forward(*xs, ins, out):
        return np.einsum(",".join(ins) + "->" + out, *xs, optimize=len(xs) > 2)

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


def einsum(subscripts, *operands):
    """Einstein summation, e.g. `einsum("ij,jk->ik", a, b)`; `...` is supported."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    shapes = [np.shape(_raw(o)) for o in operands]
    ins, out = _parse_einsum(subscripts, shapes)
    sizes = {}
    for s, shape in zip(ins, shapes):
        for c, n in zip(s, shape):
            if sizes.setdefault(c, n) != n and n != 1 and sizes[c] != 1:
                from ..errors import shapes_msg
                raise ValueError(shapes_msg(f"einsum '{subscripts}'", *shapes,
                                            what=f"disagree on the size of '{c}'"))
    return apply(Einsum, *operands, ins=ins, out=out)


# ------------------------------------------------------------------ norm

@register
class Norm(Op):
    """sqrt(sum(x**2)) over `axis`. At x = 0 the gradient is 0 (a subgradient) and the
    second derivative is finite, unlike sqrt of a sum of squares written by hand."""
    saves = ("x", "out")

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))

    # d|x| = x / |x| dx, with |x| replaced by 1 where it is 0 (there x = 0 as well)
    @staticmethod
    def vjp(ctx, g):
        x = ctx.saved[0]
        g = call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
        return (g * (x / _safe_norm(ctx)),)

    @staticmethod
    def jvp(ctx, dx):
        x = ctx.saved[0]
        p = ctx.params
        return call(Sum, dx * (x / _safe_norm(ctx)), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _safe_norm(ctx):
    out = expand_reduced(ctx.saved[1], ctx)
    zero = _raw(out) == 0
    return call(Where, zero, 1.0, out) if np.any(zero) else out


MatMul.batching = Einsum.batching = Norm.batching = "aware"


def norm(x, ord=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Vector norm of x over `axis` (all elements when None).

    ord: 2 (default; also None and "fro"), 1, any p > 0, inf or -inf.
    At x = 0 the 2-norm has gradient 0 and a finite second derivative: use it
    instead of `sqrt(sum(x**2))`, whose gradient at 0 is NaN.

    >>> import tapegrad as tg
    >>> x = tg.zeros(3, requires_grad=True)
    >>> tg.norm(x).backward()
    >>> x.grad
    tensor([0., 0., 0.])
    """
    from . import elementwise as E
    from . import reduce as R
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim)
    nd = np.ndim(_raw(x))
    axis = normalize_axis(axis, nd, "norm")
    if ord in (2, None, "fro", 2.0):
        return apply(Norm, x, axis=axis, keepdims=keepdims)
    if ord == 1:
        return R.sum(E.abs(x), axis, keepdims)
    if ord == np.inf:
        return R.max(E.abs(x), axis, keepdims)
    if ord == -np.inf:
        return R.min(E.abs(x), axis, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        return E.pow(R.sum(E.pow(E.abs(x), float(ord)), axis, keepdims), 1.0 / ord)
    raise ValueError(f"norm: unsupported ord={ord!r}; use 1, 2, p > 0, inf or -inf")


__all__ = ["matmul", "dot", "outer", "einsum", "norm", "keepdims_shape"]
