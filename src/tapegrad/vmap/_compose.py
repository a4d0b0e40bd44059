"""vmap around forward and reverse mode: make_dual, unpack_dual and vjp given batched
values (what jvp, jacfwd, jacrev and hessian do inside a vmapped function).

A batched value is a stand-in for its inner tensor, which holds the whole batch. A dual
number or a vjp over batched values is made over the inner tensors instead, so the
tangents and cotangents flow through each op once for the whole batch, through the ops'
own rules; vmap then reads the per-example results back off the inner tensors. The one
convention: a level with batched tangents (jacfwd, jacrev) keeps its tangent axis in
front, so an inner tangent is (tangents, batch, ...) and a per-example one is
(batch, tangents, ...), one transpose apart.
"""
import numpy as np

from .. import _state
from .._pytree import flatten, unflatten
from .._tensor import Tensor, as_tensor, make
from ..autograd import forward_ad
from ..autograd.engine import reaches_outer, run_backward
from ..autograd.forward_ad import make_dual, unpack_dual
from ..ops._apply import apply
from ..ops.shape import BroadcastTo, Reshape, Transpose
from ._api import _detached, _rewrap, _source, running
from ._batched import BatchEscape, info, wrap

_local = _state.local


def _vm(v):
    return info(v) if isinstance(v, Tensor) else None


def _expand(v, size, pos):
    """v with a new axis of length `size` at `pos` (a broadcast view; v may be batched
    at outer vmaps, whose ops do the broadcasting per example)."""
    v = v if isinstance(v, Tensor) else as_tensor(v)
    s = tuple(v.shape)
    v = apply(Reshape, v, shape=s[:pos] + (1,) + s[pos:])
    return apply(BroadcastTo, v, shape=s[:pos] + (size,) + s[pos:])


def _swap01(v):
    """(a, b, ...) -> (b, a, ...): moves a batched level's tangent axis past vmap's."""
    nd = len(v.shape)
    return apply(Transpose, v, axes=(1, 0) + tuple(range(2, nd)))


def batched_make_dual(primal, tangent, level):
    """make_dual where the primal or the tangent is batched (None when neither is): the
    dual is made of the inner tensors at the innermost vmap of the two, and wrapped."""
    ip, it = _vm(primal), _vm(tangent)
    if ip is None and it is None:
        return None
    lv = max(i[0] for i in (ip, it) if i is not None)
    mine_p = ip is not None and ip[0] == lv
    mine_t = it is not None and it[0] == lv
    size = (ip if mine_p else it)[1].shape[0]
    tbatch = _local.fw_batch.get(level)
    p_in = ip[1] if mine_p else _expand(primal, size, 0)
    if mine_t:
        t_in = it[1] if tbatch is None else _swap01(it[1])
    else:
        t_in = _expand(tangent, size, 0 if tbatch is None else 1)
    return wrap(make_dual(p_in, t_in, level), lv)


def batched_unpack_dual(t, level):
    """unpack_dual of a batched value (None when `t` is not batched)."""
    i = _vm(t)
    if i is None:
        return None
    lv, inner = i
    p, d = unpack_dual(inner, level)
    if d is None:
        return t, None
    if _local.fw_batch.get(level) is not None:
        d = _swap01(d)
    return wrap(p, lv), wrap(d, lv)


# ------------------------------------------------------------------ vjp inside vmap

def _levels_of(v, sizes):
    """Record level -> batch size for every vmap `v` is batched at."""
    i = _vm(v)
    while i is not None:
        sizes[i[0]] = i[1].shape[0]
        i = _vm(i[1])


def _lift(v, levels, sizes):
    """v batched at exactly `levels` (innermost vmap first): unbatched levels broadcast."""
    if not levels:
        if _vm(v) is not None:
            # batched at a vmap the primals are not: vjp cannot be taken per example here
            raise BatchEscape("vmap: vjp of an output batched at a vmap its inputs are not")
        return v
    lv = levels[0]
    i = _vm(v)
    inner = i[1] if i is not None and i[0] == lv else _expand(v, sizes[lv], 0)
    return wrap(_lift(inner, levels[1:], sizes), lv)


def _base(v):
    i = _vm(v)
    while i is not None:
        v = i[1]
        i = _vm(v)
    return v


def _traced_base(v):
    b = _base(v)
    return isinstance(b, Tensor) and (b._rg or b._fw is not None)


def batched_vjp(f, primals, has_aux, who, numeric, split_aux):
    """func.vjp inside a running vmap (None outside any): f runs on per-example copies
    of the primals (each batched at every running vmap, as f's outputs may be even when
    a primal is not), and each call of the pullback is one backward pass over the whole
    batch."""
    active = running()
    if not active:
        return None
    flats = [flatten(p) for p in primals]
    sizes = dict(active)
    for leaves, _ in flats:
        for v in leaves:
            _levels_of(v, sizes)
    levels = sorted(sizes, reverse=True)
    nested = bool(_local.fw_levels or _local.tapes) or any(
        _traced_base(v) for leaves, _ in flats for v in leaves)
    sources, owners, args = [], [], []
    for leaves, spec in flats:
        mine = []
        for v in leaves:
            v = numeric(v, who, "an argument to differentiate")
            if v._data.dtype.kind not in "fc":
                raise TypeError(f"{who}: can only differentiate with respect to floating "
                                f"point inputs, got dtype {v._data.dtype}")
            src, rebuilt, lvls = _source(_lift(v, levels, sizes))
            sources.append(src)
            owners.append(lvls)
            mine.append(rebuilt)
        args.append(unflatten(spec, mine))
    with _state.enable_grad():
        res = f(*args)
    aux = None
    if has_aux:
        res, aux = split_aux(res, who)
    out_leaves, out_spec = flatten(res)
    out_leaves = [numeric(o, who, "f's output") for o in out_leaves]

    def vjp_fn(cotangents):
        ct_leaves, _ = flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"vjp: got {len(ct_leaves)} cotangent(s) for "
                             f"{len(out_leaves)} output(s)")
        roots, cts = [], []
        for o, c in zip(out_leaves, ct_leaves):
            c = numeric(c, "vjp", "a cotangent")
            if c.shape != o.shape:
                raise ValueError(f"vjp: cotangent shape {c.shape} does not match output "
                                 f"shape {o.shape}")
            o = _base(_lift(o, levels, sizes))
            if o._rg:
                roots.append(o)
                cts.append(_base(_lift(c, levels, sizes)))
        keep = nested or any(_traced_base(c) for c in ct_leaves) or bool(_local.fw_levels)
        create = any(c._rg for c in cts) or any(tp._recording for tp in _local.tapes) or \
            any(_traced_base(v) and _base(v)._rg for leaves, _ in flats for v in leaves)
        if roots:
            outer = []          # f closed over tensors that require grad: stay connected
            gs = run_backward(roots, cts, retain_graph=True, create_graph=create,
                              inputs=sources, accumulate=False, allow_unused=True,
                              who="vjp", connect=outer)
            keep = keep or bool(outer)
        else:
            gs = [None] * len(sources)
        gs = [make(np.zeros_like(s._data)) if g is None else g if keep else g.detach()
              for g, s in zip(gs, sources)]
        out, k = [], 0
        for leaves, spec in flats:
            out.append(unflatten(spec, [_rewrap(g, lv) for g, lv in
                                        zip(gs[k:k + len(leaves)], owners[k:k + len(leaves)])]))
            k += len(leaves)
        return tuple(out)

    if not nested and reaches_outer([_base(o) for o in out_leaves], sources):
        nested = True           # f closed over tensors that require grad: stay connected
    outs = out_leaves if nested else [_detached(o) for o in out_leaves]
    out = unflatten(out_spec, outs)
    if has_aux:
        return out, vjp_fn, aux if nested else _detached_tree(aux)
    return out, vjp_fn


def batched_grad(f, args, kwargs, nums, has_aux, who, numeric, split_aux):
    """grad and value_and_grad inside a running vmap (None outside any): the arguments
    to differentiate, batched or closed over, become per-example copies (batched_vjp), so
    a gradient of a per-example value is one backward pass for the whole batch and not
    a loop. Returns (value, gradients per argnum, aux)."""
    if not running():
        return None

    def g(*ps):
        a = list(args)
        for k, p in zip(nums, ps):
            a[k] = p
        return f(*a, **kwargs)

    r = batched_vjp(g, tuple(args[k] for k in nums), has_aux, who, numeric, split_aux)
    out, pull = r[0], r[1]
    if not isinstance(out, Tensor):
        return None             # a Python number or an array: grad's own checks and errors
    if out.dtype.kind != "f" or len(out.shape) != 0 and int(np.prod(out.shape)) != 1:
        return None             # grad's own error message, from the per-element run
    one = make(np.ones(tuple(out.shape), dtype=out.dtype))
    return out, pull(one), (r[2] if has_aux else None)


def _detached_tree(tree):
    if tree is None:
        return None
    leaves, spec = flatten(tree)
    return unflatten(spec, [_detached(v) if isinstance(v, Tensor) else v for v in leaves])


forward_ad._set_vmap_dual(batched_make_dual, batched_unpack_dual)
