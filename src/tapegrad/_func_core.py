"""The machinery under tapegrad.func's transforms (func.py, _func_jac.py): argument
checks, the reverse-mode core (one backward pass per call) and the forward-mode core
(one dual evaluation)."""
from __future__ import annotations

import warnings

import numpy as np

from . import _state
from ._state import untraced_inputs
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import reaches_outer, run_backward
from .autograd.engine import what as _what
from .autograd.explain import NoneGradientWarning, _cut_inputs, _exit_count
from .autograd.forward_ad import dual_level, make_dual, unpack_dual
from .ops import cast
from .ops.elementwise import clone
from .vmap._compose import batched_grad as _batched_grad
from .vmap._compose import batched_vjp as _batched_vjp
from .vmap._batched import info, wrap


_local = _state.local


def _to_tensor(x):
    """A transform's argument as a tensor. Python numbers and lists compute in float64,
    as NumPy (and autograd) do; tensors, arrays and NumPy scalars keep their dtype."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "iub" and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.float64)
    return make(arr)


def _args_flat(tree):
    """A transform's arguments taken apart as JAX does: None is an empty node (a None
    among the parameters gets None back), dicts keep their order."""
    return flatten(tree, None, False, False)


def _out_flat(tree):
    """f's output taken apart: as _args_flat, but a bare None is a leaf, so that f
    returning nothing (a missing `return`) is an error that says so."""
    return flatten(tree) if tree is None else _args_flat(tree)


def _zeros_of(v):
    """A zero tangent for primal leaf v (a Python float stays a float)."""
    if isinstance(v, float):
        return 0.0
    d = _numeric(v, "linearize", "a primal")._data
    return make(np.zeros(d.shape, d.dtype))    # (not zeros_like: a tg.vmap placeholder)


def _numeric(v, who, what):
    """`v` as a tensor, or a TypeError naming `who` and `what` for a non-numeric value."""
    if isinstance(v, Tensor):
        return v
    if isinstance(v, (bool, int, float, complex, np.ndarray, np.generic)):
        t = _to_tensor(v)
        if t._data.dtype.kind in "biufc":
            return t
    raise TypeError(f"{who}: {what} must be a tensor, an array or a number, got {_what(v)}")


def _floating(t, who, what):
    """Jacobians and forward mode are defined for floating-point values only (as JAX);
    an integer primal would truncate its tangent, an integer output has none."""
    if t._data.dtype.kind not in "fc":
        raise TypeError(f"{who}: {what} has dtype {t._data.dtype}; only floating-point "
                        "values can be differentiated (cast it, e.g. x.astype('float64'))")


def _split_aux(res, who):
    if not (isinstance(res, (tuple, list)) and len(res) == 2):
        got = (f"a {type(res).__name__} of length {len(res)}"
               if isinstance(res, (tuple, list)) else _what(res))
        raise TypeError(f"{who}: with has_aux=True, f must return a pair (output, aux), got "
                        f"{got}")
    return res[0], res[1]


def _scalar_output(res, who, holomorphic=False):
    """f's result for grad/value_and_grad: a floating scalar (as JAX requires), or a
    complex one with holomorphic=True."""
    if not isinstance(res, (Tensor, float, np.ndarray, np.generic)) or isinstance(res, bool):
        hint = " (a missing `return`?)" if res is None else ""
        raise TypeError(f"{who}: f must return a scalar tensor, got {_what(res)}{hint}")
    out = _to_tensor(res) if not isinstance(res, Tensor) else res
    if out._data.size != 1:
        raise TypeError(f"{who}: f must return a scalar, got an output of shape "
                        f"{out.shape}; use jacrev or vjp for non-scalar outputs")
    kind = out._data.dtype.kind
    if holomorphic and kind != "c":
        raise TypeError(f"{who} with holomorphic=True requires a complex output, got dtype "
                        f"{out._data.dtype}")
    if kind == "c" and not holomorphic:
        raise TypeError(f"{who} requires real-valued outputs (a floating-point dtype), got "
                        f"{out._data.dtype}. For holomorphic differentiation, pass "
                        "holomorphic=True; for a real loss of complex values, reduce to a "
                        "real scalar first (e.g. tg.abs(z).sum())")
    if kind not in "fc":
        raise TypeError(f"{who}: f must return a floating-point scalar, got dtype "
                        f"{out._data.dtype}; the gradient of an integer or bool output is "
                        "not defined")
    return out


def _holomorphic_inputs(leaves, who):
    """As JAX: holomorphic=True differentiates complex inputs only."""
    for v in leaves:
        if v._data.dtype.kind != "c":
            raise TypeError(f"{who} with holomorphic=True requires inputs with complex "
                            f"dtype, got {v._data.dtype}")


def _conj_all(ts):
    """f'(z) from PyTorch's gradient conj(f'(z)) of a holomorphic f (JAX's convention)."""
    return [t.conj() for t in ts]


def _complex_jacobian(leaves, outs, holomorphic, who):
    """As JAX: with holomorphic=True, inputs and outputs are complex; otherwise jacfwd's
    inputs and jacrev's outputs must be real (the Jacobian of a non-holomorphic map of
    complex values is not one complex matrix)."""
    if holomorphic:
        _holomorphic_inputs(leaves, who)
        for o in outs:
            if o._data.dtype.kind != "c":
                raise TypeError(f"{who} with holomorphic=True requires outputs with "
                                f"complex dtype, got {o._data.dtype}")
        return
    what, vs = ("inputs", leaves) if who == "jacfwd" else ("outputs", outs)
    for v in vs:
        if v._data.dtype.kind == "c":
            raise TypeError(f"{who} requires real-valued {what}, got {v._data.dtype}. "
                            "For holomorphic differentiation, pass holomorphic=True")


def _int_inputs(leaves, who, allow_int):
    """As JAX and autograd: grad and the Jacobians refuse integer and bool inputs (a
    Python int too), unless allow_int, which gives them zero gradients. Returns the
    positions of those leaves."""
    found = []
    for k, v in enumerate(leaves):
        kind = (v._data.dtype.kind if isinstance(v, Tensor) else
                np.asarray(v).dtype.kind if isinstance(v, (int, np.ndarray, np.generic))
                else "f")
        if kind in "biu":
            if not allow_int:
                dt = v._data.dtype if isinstance(v, Tensor) else (
                    "bool" if isinstance(v, bool) else np.asarray(v).dtype)
                raise TypeError(f"{who}: an input has dtype {dt}; {who} requires real- or "
                                "complex-valued inputs (a floating-point or complex "
                                "dtype), as JAX. For integer or bool inputs, use vjp or "
                                "set allow_int=True")
            found.append(k)
    return found


def _is_traced(t):
    # a tg.vmap batched value counts: detach() would drop its batch
    return isinstance(t, Tensor) and (t._rg or t._fw is not None or t._x is not None and
                                      "vmap" in t._x)


def _needs_graph(t):
    """Whether t carries a reverse graph or a tangent, looking through vmap batching."""
    while isinstance(t, Tensor):
        if t._rg or t._fw is not None:
            return True
        b = info(t)
        if b is None:
            return False
        t = b[1]
    return False


def _cut(t):
    """t without its graph; a vmap-batched value keeps its batch."""
    b = info(t)
    return t.detach() if b is None else wrap(_cut(b[1]), b[0])


def _diff_input(x, who="grad"):
    """A tensor to differentiate with respect to, keeping outer transforms connected."""
    t = _numeric(x, who, "an argument to differentiate")
    if t._rg:
        # a fresh node over t: f's uses of this argument are told apart from other
        # uses of t (a value f closed over that was computed from t), as JAX's levels do
        with _state.enable_grad():
            return clone(t)
    if t._data.dtype.kind not in "fc":
        raise TypeError(f"{who}: can only differentiate with respect to floating point "
                        f"inputs, got dtype {t._data.dtype}")
    d = make(t._data, True)
    d._fw = t._fw
    return d


def _outer_active(trees):
    """Whether results must stay connected: traced inputs, an outer jvp or an open tape."""
    if _local.fw_levels or _local.tapes:
        return True
    return any(_is_traced(leaf) for t in trees for leaf in flatten(t)[0])


def _reverse_active(trees):
    """Whether an outer reverse pass (grad, tape, backward) will differentiate the results:
    only then is a graph of the gradient computation worth recording."""
    if any(tp._recording for tp in _local.tapes):
        return True
    return any(isinstance(leaf, Tensor) and leaf._rg
               for t in trees for leaf in flatten(t)[0])


class ArgnumsError(TypeError, ValueError):
    """argnums out of range for the arguments given: a TypeError as in JAX (too few
    arguments) and a ValueError as tapegrad raised before (as NumPy's AxisError is both
    a ValueError and an IndexError)."""


def _argnums(argnums, n, who):
    if type(argnums) is int and 0 <= argnums < n:
        return (argnums,)                   # the common case, checked in one step
    if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool):
        nums = (int(argnums),)
    elif isinstance(argnums, (tuple, list)) and argnums and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in argnums):
        nums = tuple(int(a) for a in argnums)
    else:
        raise TypeError(f"{who}: argnums must be an int or a non-empty tuple of ints, got "
                        f"{_what(argnums)}")
    for a in nums:
        if not -n <= a < n:
            raise ArgnumsError(f"{who}: argnums {a} is out of range for a function called "
                               f"with {n} positional argument(s)")
    nums = tuple(a % n for a in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{who}: argnums {argnums!r} names an argument twice")
    return nums


def _check_f(f, who, has_aux=False):
    if not callable(f):
        raise TypeError(f"{who}: f must be callable, got {_what(f)}")
    if not isinstance(has_aux, (bool, np.bool_)):
        raise TypeError(f"{who}: has_aux must be True or False, got {_what(has_aux)}")


def _grad_core(f, args, kwargs, argnums, has_aux, who, holomorphic=False, value=True,
               allow_int=False):
    nums = _argnums(argnums, len(args), who)
    untraced_inputs([v for a in nums for v in _args_flat(args[a])[0]], who)
    ints = {}                   # argnum -> positions of integer leaves (allow_int)
    for a in nums:
        x = args[a]
        if not isinstance(x, (Tensor, float)):      # a tensor's dtype is checked below
            found = _int_inputs(_args_flat(x)[0], who, allow_int)
            if found:
                ints[a] = found
        elif isinstance(x, Tensor) and x._data.dtype.kind in "biu" and not x._rg:
            _int_inputs([x], who, allow_int)
            ints[a] = [0]
    if ints:
        return _grad_with_ints(f, args, kwargs, argnums, nums, ints, has_aux, who,
                               holomorphic, value)
    if not holomorphic:
        r = _batched_grad(f, args, kwargs, nums, has_aux, who, _numeric, _split_aux)
        if r is not None:       # inside tg.vmap: per-example gradients in one pass
            return r[0], r[1][0] if isinstance(argnums, int) else r[1], r[2]
    args = list(args)
    flat = {}
    nested = _outer_active(args)
    create = _reverse_active(args)
    for a in nums:
        leaves, spec = _args_flat(args[a])
        leaves = [_diff_input(v, who) for v in leaves]
        if holomorphic:
            _holomorphic_inputs(leaves, who)
        flat[a] = (leaves, spec)
        args[a] = unflatten(spec, leaves)
    mark = _exit_count()
    with _state.enable_grad():
        res = f(*args, **kwargs)
    aux = None
    if has_aux:
        res, aux = _split_aux(res, who)
    out = _scalar_output(res, who, holomorphic)
    sources = [leaf for a in nums for leaf in flat[a][0]]
    if out.grad_fn is None and not out._rg:
        gs = [None] * len(sources)
    else:
        seed = make(np.ones_like(out._data)) if holomorphic else None
        outer = []              # f closed over tensors that require grad: stay connected
        gs = run_backward([out], [seed], retain_graph=create, create_graph=create,
                          inputs=sources, accumulate=False, allow_unused=True, who=who,
                          connect=outer)
        nested = nested or bool(outer)
    if _exit_count() != mark and any(g is None for g in gs):
        _warn_cut(who, [(k, s) for k, (g, s) in enumerate(zip(gs, sources)) if g is None],
                  mark, stacklevel=4)
    gs = [make(np.zeros(s._data.shape, s._data.dtype)) if g is None else g
          for g, s in zip(gs, sources)]
    if holomorphic:
        gs = _conj_all(gs)
    if not nested:
        gs = [g.detach() for g in gs]
    grads, k = [], 0
    for a in nums:
        leaves, spec = flat[a]
        grads.append(unflatten(spec, gs[k:k + len(leaves)]))
        k += len(leaves)
    grads = grads[0] if isinstance(argnums, int) else tuple(grads)
    # the value detached only for a caller that returns it: detach notes the cut for
    # explain_grad with a walk of the graph, a cost per call of grad
    value = out if nested or not value else out.detach()
    return value, grads, aux if nested else _detached(aux, sources)


def _grad_with_ints(f, args, kwargs, argnums, nums, ints, has_aux, who, holomorphic,
                    value):
    """allow_int=True: the integer leaves stay constants and get zero gradients of their
    own dtype (JAX gives float0 zeros); the rest is the ordinary gradient."""
    specs = {}
    float_nums = []
    for a in nums:
        leaves, spec = _args_flat(args[a])
        specs[a] = (leaves, spec, set(ints.get(a, ())))
        if len(specs[a][2]) < len(leaves):
            float_nums.append(a)

    def g(*xs):
        full = list(args)
        for a, x in zip(float_nums, xs):
            leaves, spec, skip = specs[a]
            it = iter(_args_flat(x)[0])
            full[a] = unflatten(spec, [v if k in skip else next(it)
                                       for k, v in enumerate(leaves)])
        return f(*full, **kwargs)

    packed = [[v for k, v in enumerate(specs[a][0]) if k not in specs[a][2]]
              for a in float_nums]
    if float_nums:
        v, gs, aux = _grad_core(g, packed, {}, tuple(range(len(packed))), has_aux, who,
                                holomorphic, value)
    else:
        res = f(*args, **kwargs)
        res, aux = _split_aux(res, who) if has_aux else (res, None)
        v, gs = _scalar_output(res, who, holomorphic), ()
        aux = _detached(aux)
    got = dict(zip(float_nums, gs))
    grads = []
    for a in nums:
        leaves, spec, skip = specs[a]
        it = iter(got.get(a, ()))
        grads.append(unflatten(spec, [make(np.zeros_like(
            leaf._data if isinstance(leaf, Tensor) else np.asarray(leaf)))
                                      if k in skip else next(it)
                                      for k, leaf in enumerate(leaves)]))
    return v, grads[0] if isinstance(argnums, int) else tuple(grads), aux


def _detached(tree, sources=()):
    """Tensors in an aux pytree, cut from the graph that produced them (as JAX returns),
    except those that depend on tensors f closed over that require grad."""
    if tree is None:
        return None
    leaves, spec = flatten(tree)
    traced = [v for v in leaves if isinstance(v, Tensor) and v._rg]
    if traced and reaches_outer(traced, sources):   # one walk for the whole tree
        return tree
    return unflatten(spec, [v.detach() if isinstance(v, Tensor) else v for v in leaves])


def _vjp(f, primals, has_aux, who, want_out=True):
    _check_f(f, who, has_aux)
    untraced_inputs([v for p in primals for v in _args_flat(p)[0]], who)
    r = _batched_vjp(f, primals, has_aux, who, _numeric, _split_aux)
    if r is not None:
        return r                # inside tg.vmap: one backward pass for the whole batch
    nested = _outer_active(primals)
    flats = []
    args = []
    for p in primals:
        leaves, spec = _args_flat(p)
        leaves = [_diff_input(v, who) for v in leaves]
        flats.append((leaves, spec))
        args.append(unflatten(spec, leaves))
    mark = _exit_count()
    with _state.enable_grad():
        res = f(*args)
    aux = None
    if has_aux:
        res, aux = _split_aux(res, who)
    out_leaves, out_spec = _out_flat(res)
    out_leaves = [_numeric(o, who, "f's output") for o in out_leaves]
    sources = [leaf for leaves, _ in flats for leaf in leaves]
    cut = [False]               # warned once per vjp_fn

    def vjp_fn(cotangents):
        ct_leaves, ct_spec = _out_flat(cotangents)
        if len(ct_leaves) != len(out_leaves) or _loose(ct_spec) != _loose(out_spec):
            raise ValueError(f"vjp: the cotangent must have the structure of f's output "
                             f"({len(out_leaves)} leaves), got {_what(cotangents)}")
        pairs = []
        for o, raw in zip(out_leaves, ct_leaves):
            c = _numeric(raw, "vjp", "a cotangent")
            if c.shape != o.shape:
                raise ValueError(f"vjp: cotangent shape {c.shape} does not match output "
                                 f"shape {o.shape}")
            if (c._data.dtype.kind != o._data.dtype.kind and o._data.dtype.kind in "fc"
                    and not isinstance(raw, (float, int)) and c._data.dtype.kind != "f"):
                # as JAX: an integer or complex cotangent of a real output is a mistake
                raise ValueError(f"vjp: cotangent dtype {c._data.dtype} does not match "
                                 f"output dtype {o._data.dtype}")
            if o._rg:
                pairs.append((o, c))
        cts = [c for _, c in pairs]
        nested_now = nested or any(_needs_graph(c) for c in cts) or bool(_local.fw_levels)
        # a vmap-batched cotangent only has values as a tensor: run the rules on tensors
        create = _reverse_active(primals) or any(c._rg or info(c) is not None for c in cts)
        if pairs:
            outer = []          # f closed over tensors that require grad: stay connected
            gs = run_backward([o for o, _ in pairs], cts, retain_graph=True,
                              create_graph=create, inputs=sources, accumulate=False,
                              allow_unused=True, who="vjp", connect=outer)
            nested_now = nested_now or bool(outer)
        else:
            gs = [None] * len(sources)
        if not cut[0] and any(g is None for g in gs):
            cut[0] = True
            _warn_cut(who, [(k, s) for k, (g, s) in enumerate(zip(gs, sources))
                            if g is None], mark)
        gs = [make(np.zeros_like(s._data)) if g is None else
              (g if nested_now else _cut(g)) for g, s in zip(gs, sources)]
        result, k = [], 0
        for leaves, spec in flats:
            result.append(unflatten(spec, gs[k:k + len(leaves)]))
            k += len(leaves)
        return tuple(result)

    if not nested and want_out and reaches_outer(out_leaves, sources):
        nested = True           # f closed over tensors that require grad: stay connected
    out = unflatten(out_spec, out_leaves if nested else [o.detach() for o in out_leaves])
    return ((out, vjp_fn, aux if nested else _detached(aux, sources)) if has_aux
            else (out, vjp_fn))


def _warn_cut(who, unused, mark, stacklevel=3):
    """A zero gradient for an input that f turned into NumPy/Python values is most
    likely a graph cut (np.asarray, float(), .numpy()), not a constant function: say so
    rather than return the zeros silently."""
    for k, how, site in _cut_inputs(unused, mark):
        warnings.warn(
            f"{who}: input {k} (flattened) gets a zero gradient, but f converted it (or a "
            f"value computed from it) to NumPy or Python through {how} at {site}; those "
            "values are constants to autodiff. Keep that computation in tapegrad ops "
            "(tapegrad.numpy's functions, Tensor methods) to differentiate it.",
            NoneGradientWarning, stacklevel=stacklevel)


def _tangent(p, t, raw, who):
    """A tangent checked against its primal, as JAX: the same shape (ValueError) and a
    dtype of the same kind (TypeError for an integer or complex tangent of a real primal);
    another float width is cast to the primal's (JAX's default 32-bit mode does the same
    to a NumPy float64 array)."""
    if t.shape != p.shape:
        raise ValueError(f"{who}: tangent shape {t.shape} does not match primal shape "
                         f"{p.shape}")
    pk, tk = p._data.dtype.kind, t._data.dtype.kind
    if tk != pk and not (pk == "c" and tk == "f"):
        if pk in "fc" and isinstance(raw, float):
            tk = pk                     # a Python float takes the primal's kind
        else:
            raise TypeError(f"{who}: a tangent must have its primal's dtype; got primal "
                            f"dtype {p._data.dtype} and tangent dtype {t._data.dtype}")
    if t._data.dtype != p._data.dtype:
        t = cast(t, p._data.dtype)
    return t


def _loose(spec):
    """A structure with lists, tuples and namedtuples alike: JAX tells them apart in a
    cotangent, but tapegrad has long taken a list for a tuple output."""
    return [item if item is None or item[0] not in (list, tuple) and
            not (isinstance(item[0], type) and issubclass(item[0], tuple))
            else (tuple, item[1]) for item in spec]


def _jvp(f, primals, tangents, has_aux, who, strict=True):
    _check_f(f, who, has_aux)
    if not isinstance(primals, (tuple, list)) and not strict:
        primals = (primals,)                # hvp takes a lone tensor
        tangents = tangents if isinstance(tangents, (tuple, list)) else (tangents,)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"{who}: primals and tangents must be tuples or lists (one entry "
                        f"per argument of f), got {_what(primals)} and {_what(tangents)}")
    if len(primals) != len(tangents):
        raise TypeError(f"{who}: primals and tangents must have the same structure; got "
                        f"{len(primals)} primal(s) but {len(tangents)} tangent(s)")
    nested = _outer_active((primals, tangents))
    given = []                          # the caller's tangent arrays
    with dual_level() as level, np.errstate(divide="ignore", invalid="ignore"):
        args = []
        for p, t in zip(primals, tangents):
            pl, spec = _args_flat(p)
            tl, tspec = _args_flat(t)
            if len(pl) != len(tl) or spec != tspec:
                raise TypeError(f"{who}: primals and tangents must have the same "
                                f"structure; a primal {_what(p)} has tangent {_what(t)}")
            duals = []
            for pv, tv in zip(pl, tl):
                pv = _numeric(pv, who, "a primal")
                _floating(pv, who, "a primal")
                tv = _tangent(pv, _numeric(tv, who, "a tangent"), tv, who)
                given.append(tv._data)
                duals.append(make_dual(pv, tv, level=level))
            args.append(unflatten(spec, duals))
        res = f(*args)
        aux = None
        if has_aux:
            res, aux = _split_aux(res, who)
        leaves, spec = _out_flat(res)
        outs, touts = [], []
        for o in leaves:
            o = _numeric(o, who, "f's output")
            p, t = unpack_dual(o, level=level)
            if t is None:
                t = make(np.zeros_like(o._data))
            elif any(np.may_share_memory(t._data, a) for a in given):
                t = clone(t)            # f passed a tangent through: never hand it back
            # kept connected where f closed over tensors that require grad
            outs.append(p if nested or p._rg else p.detach())
            touts.append(t if nested or t._rg else t.detach())
    out = unflatten(spec, outs)
    tout = unflatten(spec, touts)
    return (out, tout, aux) if has_aux else (out, tout)


def _argnum_alias(argnums, argnum, who):
    """autograd spells argnums `argnum`: either may be given, not both."""
    if argnum is None:
        return argnums
    if argnums != 0:
        raise TypeError(f"{who}: give argnums or argnum (autograd's spelling), not both")
    return argnum
