"""tapegrad.func's Jacobian and Hessian transforms: jacfwd (one forward pass per input
element, batched), jacrev (one backward pass per output element, batched), hessian, hvp."""
from __future__ import annotations

import functools

import numpy as np

from ._pytree import unflatten
from ._state import untraced_inputs
from ._tensor import Tensor, make
from .autograd.engine import what as _what
from .autograd.forward_ad import dual_level, make_dual, unpack_dual
from .ops import getitem, reshape, transpose
from ._func_core import (_args_flat, _argnum_alias, _out_flat, _argnums, _check_f, _complex_jacobian, _conj_all,
                         _floating, _grad_core, _int_inputs, _jvp, _numeric, _outer_active, _split_aux, _vjp)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


def _leaf_tensors(tree, who="jacobian", what="an input"):
    leaves, spec = _args_flat(tree) if what == "an input" else _out_flat(tree)
    return [_numeric(v, who, what) for v in leaves], spec


def _identity_slices(leaves, dtype):
    """One batched basis: leaf k gets columns off_k .. off_k + n_k of the identity,
    shaped (B,) + leaf.shape, so all basis vectors travel in one pass."""
    sizes = [leaf._data.size for leaf in leaves]
    total = int(np.sum(sizes)) if sizes else 0
    eye = np.eye(total, dtype=dtype)
    out, off = [], 0
    for leaf, n in zip(leaves, sizes):
        out.append(make(eye[:, off:off + n].reshape((total,) + leaf.shape)))
        off += n
    return total, out


def _float_dtype(leaves):
    dts = [leaf._data.dtype for leaf in leaves if leaf._data.dtype.kind in "fc"]
    return np.result_type(*dts) if dts else np.dtype(np.float64)


def _blocks(batched, out_leaves, in_leaves, by_output):
    """Cut batched tangents into Jacobian blocks of shape out.shape + in.shape.

    by_output: tangents are per output leaf with the batch over inputs (forward mode);
    otherwise per input leaf with the batch over outputs (reverse mode)."""
    table = []
    for o, oleaf in enumerate(out_leaves):
        row, off_in = [], 0
        for k, ileaf in enumerate(in_leaves):
            n_in, n_out = ileaf._data.size, oleaf._data.size
            full = tuple(oleaf.shape) + tuple(ileaf.shape)
            if by_output:
                t = batched[o]
                if t is None:
                    row.append(make(np.zeros(full, dtype=oleaf._data.dtype)))
                else:
                    piece = getitem(t, slice(off_in, off_in + n_in))      # (n_in,) + oshape
                    piece = reshape(piece, (n_in, n_out))
                    row.append(reshape(transpose(piece, (1, 0)), full))
            else:
                t = batched[k]
                off_out = sum(v._data.size for v in out_leaves[:o])
                if t is None:
                    row.append(make(np.zeros(full, dtype=ileaf._data.dtype)))
                else:
                    piece = getitem(t, slice(off_out, off_out + n_out))   # (n_out,) + ishape
                    row.append(reshape(piece, full))
            off_in += n_in
        table.append(row)
    return table


def _nest(table, out_spec, arg_specs, argnums):
    """Output structure outside, argument structure inside."""
    blocks = []
    for row in table:
        per_arg, pos = [], 0
        for spec, n in arg_specs:
            per_arg.append(unflatten(spec, row[pos:pos + n]))
            pos += n
        blocks.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
    return unflatten(out_spec, blocks)


def jacfwd(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False, *,
           argnum: int | Sequence[int] | None = None, holomorphic: bool = False
           ) -> Callable[..., Any]:
    """Jacobian by forward mode, all input basis vectors in one batched pass, as
    jax.jacfwd. Cheaper than jacrev when f has fewer inputs than outputs.

    Each block has shape out.shape + in.shape; with pytrees the output structure is
    outside and the argument structure inside.

    Args:
        f: a function of tensors returning a tensor or a pytree of tensors.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: f returns a pair (output, aux); the Jacobian function then returns
            (jacobian, aux).
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning the Jacobian.

    Raises:
        TypeError: f is not callable, bad argnums, or (when called) an input or output
            that is not floating-point.

    >>> import tapegrad as tg
    >>> tg.jacfwd(lambda x: x ** 2)(tg.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    return _jacfwd(f, _argnum_alias(argnums, argnum, "jacfwd"), has_aux, "jacfwd",
                   holomorphic)


def _jacfwd(f, argnums, has_aux, who, holomorphic=False):
    _check_f(f, who, has_aux)
    _argnums(argnums, 1 << 30, who)

    @functools.wraps(f)
    def jac(*args):
        nums = _argnums(argnums, len(args), who)
        for a in nums:
            _int_inputs(_args_flat(args[a])[0], who, False)
            untraced_inputs(_args_flat(args[a])[0], who)
        nested = _outer_active(args)
        args = list(args)
        arg_specs, in_leaves = [], []
        for a in nums:
            leaves, spec = _leaf_tensors(args[a], who, "an input")
            args[a] = unflatten(spec, leaves)
            arg_specs.append((spec, len(leaves)))
            in_leaves.extend(leaves)
        for leaf in in_leaves:
            _floating(leaf, who, "an input")
        total, basis = _identity_slices(in_leaves, _float_dtype(in_leaves))
        aux = None
        with dual_level(batch=total) as level, np.errstate(divide="ignore", invalid="ignore"):
            pos = 0
            for a, (spec, n) in zip(nums, arg_specs):
                mine = [make_dual(leaf, t, level=level)
                        for leaf, t in zip(in_leaves[pos:pos + n], basis[pos:pos + n])]
                args[a] = unflatten(spec, mine)
                pos += n
            res = f(*args)
            if has_aux:
                res, aux = _split_aux(res, who)
            outs, out_spec = _leaf_tensors(res, who, "f's output")
            for o in outs:
                _floating(o, who, "f's output")
            _complex_jacobian(in_leaves, outs, holomorphic, who)
            primals, tangents = [], []
            for o in outs:
                p, t = unpack_dual(o, level=level)
                primals.append(p)
                tangents.append(t)
        table = _blocks(tangents, primals, in_leaves, by_output=True)
        if not nested:          # kept connected where f closed over traced tensors
            table = [[b if b._rg else b.detach() for b in row] for row in table]
        res = _nest(table, out_spec, arg_specs, argnums)
        return (res, aux) if has_aux else res
    return jac


def jacrev(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False, *,
           argnum: int | Sequence[int] | None = None, holomorphic: bool = False
           ) -> Callable[..., Any]:
    """Jacobian by reverse mode, as jax.jacrev (`tg.jacobian` is the same function).
    All output basis vectors go through the backward pass in one batched pass (forward
    mode over the linear vjp); a scalar output takes one vjp. Cheaper than jacfwd when
    f has fewer outputs than inputs.

    Args:
        f: a function of tensors returning a tensor or a pytree of tensors.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: f returns a pair (output, aux); the Jacobian function then returns
            (jacobian, aux).
        argnum: autograd's spelling of argnums.
        holomorphic: f is holomorphic (complex in, complex out): return f'(z) itself, as
            JAX does, rather than PyTorch's conjugate convention for real losses.

    Returns:
        A function of f's arguments returning the Jacobian, blocks of shape
        out.shape + in.shape.

    Raises:
        TypeError: f is not callable, bad argnums, or (when called) an input or output
            that is not floating-point.

    >>> import tapegrad as tg
    >>> tg.jacrev(lambda x: x ** 2)(tg.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    return _jacrev(f, _argnum_alias(argnums, argnum, "jacrev"), has_aux, "jacrev",
                   holomorphic)


def _jacrev(f, argnums, has_aux, who, holomorphic=False):
    _check_f(f, who, has_aux)
    _argnums(argnums, 1 << 30, who)

    @functools.wraps(f)
    def jac(*args):
        nums = _argnums(argnums, len(args), who)
        for a in nums:
            _int_inputs(_args_flat(args[a])[0], who, False)
            untraced_inputs(_args_flat(args[a])[0], who)
        nested = _outer_active(args)
        sel = [args[a] for a in nums]

        def g(*xs):
            full = list(args)
            for a, x in zip(nums, xs):
                full[a] = x
            return f(*full)

        r = _vjp(g, sel, has_aux, who, want_out=False)     # out is not returned
        out, pull = r[0], r[1]
        aux = r[2] if has_aux else None
        outs, out_spec = _leaf_tensors(out, who, "f's output")
        for o in outs:
            _floating(o, who, "f's output")
        arg_specs, in_leaves = [], []
        for x in sel:
            leaves, spec = _leaf_tensors(x, who, "an input")
            arg_specs.append((spec, len(leaves)))
            in_leaves.extend(leaves)
        _complex_jacobian(in_leaves, outs, holomorphic, who)
        total = int(np.sum([o._data.size for o in outs])) if outs else 0
        if total == 1:
            cts = [make(np.ones(o.shape, dtype=o._data.dtype)) if o._data.size else
                   make(np.zeros(o.shape, dtype=o._data.dtype)) for o in outs]
            grads = [v for gtree in pull(unflatten(out_spec, cts))
                     for v in _args_flat(gtree)[0]]
            rows = [_reshape_rows(gk) for gk in grads]
        else:
            _, basis = _identity_slices(outs, _float_dtype(outs))
            with dual_level(batch=total) as level, \
                    np.errstate(divide="ignore", invalid="ignore"):
                # the rows ride as tangents on a primal cotangent of ones, not zeros: a
                # rule that keeps a zero cotangent zero (scale's strong zero against an
                # inf slope) decides on the primal and masks the tangent with it, so a
                # zero primal wiped every row wherever one slope was inf or NaN
                cts = [make_dual(make(np.ones(o.shape, dtype=o._data.dtype)), b, level=level)
                       for o, b in zip(outs, basis)]
                grads = [v for gtree in pull(unflatten(out_spec, cts))
                         for v in _args_flat(gtree)[0]]
                rows = [unpack_dual(gk, level=level)[1] for gk in grads]
        if holomorphic:
            rows = _conj_all(rows)          # the rows of J^H: conjugated, J's
        table = _blocks(rows, outs, in_leaves, by_output=False)
        if not nested:          # kept connected where f closed over traced tensors
            table = [[b if b._rg else b.detach() for b in row] for row in table]
        res = _nest(table, out_spec, arg_specs, argnums)
        return (res, aux) if has_aux else res
    return jac


def _reshape_rows(g):
    """A single gradient as a batch of one row: (1,) + g.shape."""
    return reshape(g, (1,) + tuple(g.shape))


jacobian = jacrev


def hessian(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False, *, argnum: int | Sequence[int] | None = None
            ) -> Callable[..., Any]:
    """Matrix of second derivatives, forward-over-reverse: jacfwd(jacrev(f)). Returns a
    function of the same arguments as f.

    Args:
        f: a function returning a floating-point scalar.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: f returns a pair (scalar, aux); the Hessian function then returns
            (hessian, aux).
        holomorphic: f is holomorphic (complex in, complex out): the complex second
            derivative f''(z), as jax.hessian(..., holomorphic=True).
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning the Hessian, of shape
        in.shape + in.shape for one tensor argument.

    Raises:
        TypeError: f is not callable or argnums is not an int or tuple of ints.

    >>> import tapegrad as tg
    >>> tg.hessian(lambda x: (x ** 3).sum())(tg.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    _check_f(f, "hessian", has_aux)
    argnums = _argnum_alias(argnums, argnum, "hessian")
    _argnums(argnums, 1 << 30, "hessian")
    return _jacfwd(_jacrev(f, argnums, has_aux, "hessian", holomorphic), argnums, has_aux,
                   "hessian", holomorphic)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Hessian-vector product of scalar `f` at `primals` along `tangents`, never
    forming the Hessian (reverse over reverse for real arrays of matching dtypes,
    forward-over-reverse otherwise). One primal gives a tensor,
    several give a tuple.

    Args:
        f: a function returning a floating-point scalar.
        primals: the point, a tensor or a tuple of tensors (one per argument of f).
        tangents: the vector, shaped like primals (a tensor or a tuple of tensors).

    Returns:
        The product H @ tangents, shaped like primals.

    Raises:
        TypeError: f is not callable.
        ValueError: tangents and primals differ in number.

    >>> import tapegrad as tg
    >>> f = lambda x: (x ** 3).sum()               # Hessian diag(6 x)
    >>> tg.hvp(f, tg.tensor([1.0, 2.0]), tg.tensor([1.0, 1.0]))
    tensor([ 6., 12.])
    """
    _check_f(f, "hvp")
    if not isinstance(primals, (tuple, list)):
        primals = (primals,)
        tangents = tangents if isinstance(tangents, (tuple, list)) else (tangents,)
    if not isinstance(tangents, (tuple, list)) or len(tangents) != len(primals):
        got = (f"of length {len(tangents)}" if isinstance(tangents, (tuple, list))
               else _what(tangents))
        raise ValueError(f"hvp: got {len(primals)} primal(s) but tangents {got}")
    nums = tuple(range(len(primals)))
    argnums = 0 if len(primals) == 1 else nums
    def grad_f(*args):
        return _grad_core(f, args, {}, argnums, False, "hvp", value=False)[1]

    if _plain_pairs(primals, tangents):
        # real arrays: reverse over reverse, the gradient of <grad f, v>, costs less per op
        # than pushing tangents through the backward (about 0.85x on W4's tanh program)
        def dot_grad(*args):
            g = grad_f(*args)
            gs = (g,) if len(primals) == 1 else g
            total = (gs[0] * tangents[0]).sum()
            for gi, ti in zip(gs[1:], tangents[1:]):
                total = total + (gi * ti).sum()
            return total

        return _grad_core(dot_grad, tuple(primals), {}, argnums, False, "hvp",
                          value=False)[1]
    _, t = _jvp(grad_f, tuple(primals), tuple(tangents), False, "hvp")
    return t


def _plain_pairs(primals, tangents):
    """Whether each primal and its tangent are real floating arrays of one shape and dtype."""
    for p, t in zip(primals, tangents):
        pa = p._data if isinstance(p, Tensor) else p
        ta = t._data if isinstance(t, Tensor) else t
        if not (isinstance(pa, np.ndarray) and isinstance(ta, np.ndarray)
                and pa.dtype.kind == "f" and pa.dtype == ta.dtype and pa.shape == ta.shape):
            return False
    return True
