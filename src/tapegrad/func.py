"""JAX-style transforms over the one engine: grad, value_and_grad, vjp, jvp, jacfwd,
jacrev, hessian, hvp. They compose to any order."""
import functools

import numpy as np

from . import _state
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import run_backward
from .autograd.forward_ad import dual_level, make_dual, unpack_dual

_local = _state.local


def _to_tensor(x):
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "iub" and not isinstance(x, np.ndarray):
        arr = arr.astype(np.float32)
    elif arr.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)
    return make(arr)


def _is_traced(t):
    return isinstance(t, Tensor) and (t._rg or t._fw is not None)


def _diff_input(x):
    """A tensor to differentiate with respect to, keeping outer transforms connected."""
    t = _to_tensor(x)
    if t._rg:
        return t
    if t._data.dtype.kind not in "fc":
        raise TypeError(f"grad: can only differentiate with respect to floating point "
                        f"inputs, got dtype {t._data.dtype}")
    d = make(t._data, True)
    d._fw = t._fw
    return d


def _outer_active(trees):
    """Whether results must stay connected: traced inputs, an outer jvp or an open tape."""
    if _local.fw_levels or _local.tapes:
        return True
    return any(_is_traced(leaf) for t in trees for leaf in flatten(t)[0])


def _argnums(argnums, n, who):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -n <= a < n:
            raise ValueError(f"{who}: argnums {a} is out of range for a function called "
                             f"with {n} positional argument(s)")
    return tuple(a % n for a in nums)


def _grad_core(f, args, kwargs, argnums, has_aux, who):
    nums = _argnums(argnums, len(args), who)
    args = list(args)
    flat = {}
    nested = _outer_active(args)
    for a in nums:
        leaves, spec = flatten(args[a])
        leaves = [_diff_input(v) for v in leaves]
        flat[a] = (leaves, spec)
        args[a] = unflatten(spec, leaves)
    with _state.enable_grad():
        res = f(*args, **kwargs)
    aux = None
    if has_aux:
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(f"{who}: with has_aux=True, f must return a pair (output, aux)")
        res, aux = res
    out = _to_tensor(res)
    if out._data.size != 1 or out._data.ndim > 0 and not isinstance(res, Tensor):
        if out._data.size != 1:
            raise TypeError(f"{who}: f must return a scalar, got an output of shape "
                            f"{out.shape}; use jacrev or vjp for non-scalar outputs")
    sources = [leaf for a in nums for leaf in flat[a][0]]
    if out.grad_fn is None and not out._rg:
        gs = [None] * len(sources)
    else:
        gs = run_backward([out], [None], retain_graph=nested, create_graph=nested,
                          inputs=sources, accumulate=False, allow_unused=True, who=who)
    gs = [make(np.zeros_like(s._data)) if g is None else g for g, s in zip(gs, sources)]
    if not nested:
        gs = [g.detach() for g in gs]
    grads, k = [], 0
    for a in nums:
        leaves, spec = flat[a]
        grads.append(unflatten(spec, gs[k:k + len(leaves)]))
        k += len(leaves)
    grads = grads[0] if isinstance(argnums, int) else tuple(grads)
    value = out if nested else out.detach()
    return value, grads, aux


def grad(f, argnums=0, has_aux=False):
    """The gradient of scalar-valued `f` with respect to argument(s) `argnums`.

    >>> import tapegrad as tg
    >>> tg.grad(lambda x: x ** 3)(2.0)
    tensor(12.)
    >>> tg.grad(tg.grad(lambda x: x ** 3))(2.0)
    tensor(12.)
    """
    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        _, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "grad")
        return (g, aux) if has_aux else g
    return grad_f


def value_and_grad(f, argnums=0, has_aux=False):
    """Like grad, but returns (value, grad) (or ((value, aux), grad) with has_aux)."""
    @functools.wraps(f)
    def vg(*args, **kwargs):
        v, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "value_and_grad")
        return ((v, aux), g) if has_aux else (v, g)
    return vg


def vjp(f, *primals, has_aux=False):
    """(f(*primals), vjp_fn) where vjp_fn(cotangent) returns one gradient per primal."""
    nested = _outer_active(primals)
    flats = []
    args = []
    for p in primals:
        leaves, spec = flatten(p)
        leaves = [_diff_input(v) for v in leaves]
        flats.append((leaves, spec))
        args.append(unflatten(spec, leaves))
    with _state.enable_grad():
        res = f(*args)
    aux = None
    if has_aux:
        res, aux = res
    out_leaves, out_spec = flatten(res)
    out_leaves = [_to_tensor(o) for o in out_leaves]
    sources = [leaf for leaves, _ in flats for leaf in leaves]

    def vjp_fn(cotangents):
        ct_leaves, _ = flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"vjp: got {len(ct_leaves)} cotangent(s) for "
                             f"{len(out_leaves)} output(s)")
        pairs = [(o, c) for o, c in zip(out_leaves, ct_leaves) if o._rg]
        cts = []
        for o, c in pairs:
            c = _to_tensor(c)
            if c.shape != o.shape:
                raise ValueError(f"vjp: cotangent shape {c.shape} does not match output "
                                 f"shape {o.shape}")
            cts.append(c)
        nested_now = nested or any(_is_traced(c) for c in cts) or bool(_local.fw_levels)
        if pairs:
            gs = run_backward([o for o, _ in pairs], cts, retain_graph=True,
                              create_graph=nested_now, inputs=sources, accumulate=False,
                              allow_unused=True, who="vjp")
        else:
            gs = [None] * len(sources)
        gs = [make(np.zeros_like(s._data)) if g is None else
              (g if nested_now else g.detach()) for g, s in zip(gs, sources)]
        result, k = [], 0
        for leaves, spec in flats:
            result.append(unflatten(spec, gs[k:k + len(leaves)]))
            k += len(leaves)
        return tuple(result)

    out = unflatten(out_spec, out_leaves if nested else [o.detach() for o in out_leaves])
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jvp(f, primals, tangents, has_aux=False):
    """(f(*primals), J @ tangents) in one forward pass with dual numbers.

    >>> import tapegrad as tg
    >>> tg.jvp(lambda x: x ** 2, (3.0,), (1.0,))
    (tensor(9.), tensor(6.))
    """
    if not isinstance(primals, (tuple, list)):
        primals, tangents = (primals,), (tangents,)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primal(s) but {len(tangents)} tangent(s)")
    nested = _outer_active((primals, tangents))
    with dual_level() as level, np.errstate(divide="ignore", invalid="ignore"):
        args = []
        for p, t in zip(primals, tangents):
            pl, spec = flatten(p)
            tl, _ = flatten(t)
            if len(pl) != len(tl):
                raise ValueError("jvp: primals and tangents have different structures")
            duals = []
            for pv, tv in zip(pl, tl):
                pv = _to_tensor(pv)
                tv = _to_tensor(tv)
                if tv.shape != pv.shape:
                    raise ValueError(f"jvp: tangent shape {tv.shape} does not match "
                                     f"primal shape {pv.shape}")
                duals.append(make_dual(pv, tv, level=level))
            args.append(unflatten(spec, duals))
        res = f(*args)
        aux = None
        if has_aux:
            res, aux = res
        leaves, spec = flatten(res)
        outs, touts = [], []
        for o in leaves:
            o = _to_tensor(o)
            p, t = unpack_dual(o, level=level)
            if t is None:
                t = make(np.zeros_like(o._data))
            outs.append(p if nested else p.detach())
            touts.append(t if nested else t.detach())
    out = unflatten(spec, outs)
    tout = unflatten(spec, touts)
    return (out, tout, aux) if has_aux else (out, tout)


def _basis(shape, dtype, i):
    e = np.zeros(int(np.prod(shape)), dtype=dtype)
    e[i] = 1
    return make(e.reshape(shape))


def _leaf_tensors(tree):
    leaves, spec = flatten(tree)
    return [_to_tensor(v) for v in leaves], spec


def _assemble(table, out_spec, arg_specs, out_shapes, in_leaves, argnums, axis):
    """Nest Jacobian blocks: output structure outside, argument structure inside.

    `table[o][k]` lists the per-element pieces for output leaf o and input leaf k
    (flattened across the selected arguments): rows stacked on `axis` 0 (reverse mode) or
    columns on -1 (forward mode). Each block gets shape out.shape + in.shape."""
    from .ops import reshape, stack
    blocks = []
    for o, oshape in enumerate(out_shapes):
        per_leaf = []
        for k, leaf in enumerate(in_leaves):
            full = tuple(oshape) + tuple(leaf.shape)
            pieces = table[o][k]
            if not pieces:
                per_leaf.append(make(np.zeros(full, dtype=leaf._data.dtype)))
            else:
                per_leaf.append(reshape(stack(pieces, axis=axis), full))
        per_arg, pos = [], 0
        for spec, n in arg_specs:
            per_arg.append(unflatten(spec, per_leaf[pos:pos + n]))
            pos += n
        blocks.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
    return unflatten(out_spec, blocks)


def jacfwd(f, argnums=0, has_aux=False):
    """Jacobian by forward mode: one jvp per input element. Each block has shape
    out.shape + in.shape; pytree outputs and arguments are nested (output outside)."""
    @functools.wraps(f)
    def jac(*args):
        nums = _argnums(argnums, len(args), "jacfwd")
        args = list(args)
        arg_specs, inputs = [], []
        for a in nums:
            leaves, spec = _leaf_tensors(args[a])
            args[a] = unflatten(spec, leaves)
            arg_specs.append((spec, len(leaves)))
            inputs.extend((a, k, leaf) for k, leaf in enumerate(leaves))
        zero_tangents = [unflatten(flatten(v)[1], [make(np.zeros_like(_to_tensor(x)._data))
                                                   for x in flatten(v)[0]])
                         for v in args]
        table = None
        out_shapes = out_spec = None
        aux = None
        for k, (a, j, leaf) in enumerate(inputs):
            for i in range(leaf._data.size):
                tangents = list(zero_tangents)
                tl, tspec = flatten(tangents[a])
                tl = list(tl)
                tl[j] = _basis(leaf.shape, leaf._data.dtype, i)
                tangents[a] = unflatten(tspec, tl)
                r = jvp(f, tuple(args), tuple(tangents), has_aux=has_aux)
                aux = r[2] if has_aux else None
                touts, spec = flatten(r[1])
                if table is None:
                    outs = [_to_tensor(o) for o in flatten(r[0])[0]]
                    out_shapes = [o.shape for o in outs]
                    out_spec = spec
                    table = [[[] for _ in inputs] for _ in outs]
                for o, t in enumerate(touts):
                    table[o][k].append(t)
        if table is None:                   # no input elements: evaluate once for shapes
            res = f(*args)
            if has_aux:
                res, aux = res
            outs, out_spec = _leaf_tensors(res)
            out_shapes = [o.shape for o in outs]
            table = [[[] for _ in inputs] for _ in outs]
        res = _assemble(table, out_spec, arg_specs, out_shapes,
                        [leaf for _, _, leaf in inputs], argnums, axis=-1)
        return (res, aux) if has_aux else res
    return jac


def jacrev(f, argnums=0, has_aux=False):
    """Jacobian by reverse mode: one vjp per output element. Each block has shape
    out.shape + in.shape; pytree outputs and arguments are nested (output outside)."""
    @functools.wraps(f)
    def jac(*args):
        nums = _argnums(argnums, len(args), "jacrev")
        sel = [args[a] for a in nums]

        def g(*xs):
            full = list(args)
            for a, x in zip(nums, xs):
                full[a] = x
            return f(*full)

        r = vjp(g, *sel, has_aux=has_aux)
        out, pull = r[0], r[1]
        aux = r[2] if has_aux else None
        outs, out_spec = _leaf_tensors(out)
        arg_specs, in_leaves = [], []
        for x in sel:
            leaves, spec = _leaf_tensors(x)
            arg_specs.append((spec, len(leaves)))
            in_leaves.extend(leaves)
        table = [[[] for _ in in_leaves] for _ in outs]
        for o, leaf in enumerate(outs):
            for i in range(leaf._data.size):
                cts = [make(np.zeros_like(v._data)) for v in outs]
                cts[o] = _basis(leaf.shape, leaf._data.dtype, i)
                grads = pull(unflatten(out_spec, cts))
                flat = [v for gtree in grads for v in flatten(gtree)[0]]
                for k, gk in enumerate(flat):
                    table[o][k].append(gk)
        res = _assemble(table, out_spec, arg_specs, [o.shape for o in outs], in_leaves,
                        argnums, axis=0)
        return (res, aux) if has_aux else res
    return jac


jacobian = jacrev


def hessian(f, argnums=0):
    """Matrix of second derivatives, forward-over-reverse: jacfwd(jacrev(f))."""
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f, primals, tangents):
    """Hessian-vector product of scalar `f` at `primals` along `tangents`
    (forward-over-reverse, never forming the Hessian). One primal gives a tensor,
    several give a tuple."""
    if not isinstance(primals, (tuple, list)):
        primals, tangents = (primals,), (tangents,)
    nums = tuple(range(len(primals)))
    argnums = 0 if len(primals) == 1 else nums
    _, t = jvp(grad(f, argnums=argnums), tuple(primals), tuple(tangents))
    return t
