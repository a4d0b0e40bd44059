"""JAX-style transforms over the one engine: grad, value_and_grad, vjp, jvp, jacfwd,
jacrev, hessian, hvp. They compose to any order."""
from __future__ import annotations

import functools

import numpy as np

from . import _state
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import reaches_outer, run_backward
from .autograd.engine import what as _what
from .autograd.forward_ad import dual_level, make_dual, unpack_dual
from .ops.elementwise import clone
from .ops import getitem, reshape, transpose
from .ops import sum as tsum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

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


def _numeric(v, who, what):
    """`v` as a tensor, or a TypeError naming `who` and `what` for a non-numeric value."""
    if isinstance(v, Tensor):
        return v
    if isinstance(v, (bool, int, float, np.ndarray, np.generic)):
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


def _is_traced(t):
    # a tg.vmap batched value counts: detach() would drop its batch
    return isinstance(t, Tensor) and (t._rg or t._fw is not None or t._x is not None and
                                      "vmap" in t._x)


def _diff_input(x, who="grad"):
    """A tensor to differentiate with respect to, keeping outer transforms connected."""
    t = _numeric(x, who, "an argument to differentiate")
    if t._rg:
        return t
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
            raise ValueError(f"{who}: argnums {a} is out of range for a function called "
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


def _grad_core(f, args, kwargs, argnums, has_aux, who, holomorphic=False, value=True):
    nums = _argnums(argnums, len(args), who)
    if not holomorphic:
        r = _batched_grad(f, args, kwargs, nums, has_aux, who, _numeric, _split_aux)
        if r is not None:       # inside tg.vmap: per-example gradients in one pass
            return r[0], r[1][0] if isinstance(argnums, int) else r[1], r[2]
    args = list(args)
    flat = {}
    nested = _outer_active(args)
    create = _reverse_active(args)
    for a in nums:
        leaves, spec = flatten(args[a])
        leaves = [_diff_input(v, who) for v in leaves]
        if holomorphic:
            _holomorphic_inputs(leaves, who)
        flat[a] = (leaves, spec)
        args[a] = unflatten(spec, leaves)
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
    gs = [make(np.zeros_like(s._data)) if g is None else g for g, s in zip(gs, sources)]
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


def _detached(tree, sources=()):
    """Tensors in an aux pytree, cut from the graph that produced them (as JAX returns),
    except those that depend on tensors f closed over that require grad."""
    if tree is None:
        return None
    leaves, spec = flatten(tree)
    return unflatten(spec, [v.detach() if isinstance(v, Tensor) and not (
        v._rg and reaches_outer([v], sources)) else v for v in leaves])


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False, *,
         argnum: int | Sequence[int] | None = None, holomorphic: bool = False
         ) -> Callable[..., Any]:
    """The gradient of scalar-valued `f` with respect to argument(s) `argnums`, as
    jax.grad and torch.func.grad.

    `grad(f)` is a new function taking f's arguments and returning the gradient, with
    the structure (tensor, or pytree of tensors) of the argument it differentiates.
    Python numbers and lists compute in float64. Transforms nest: `grad(grad(f))` is the
    second derivative, and `grad` works inside `vmap`, `jvp` and a `GradientTape`.

    Args:
        f: a function returning a floating-point scalar (a 0-d or one-element tensor,
            or a Python float).
        argnums: the position of the argument to differentiate, or a tuple of positions
            (the result is then a tuple of gradients).
        has_aux: f returns a pair (scalar, aux); the function returned gives
            (gradient, aux), aux cut from the graph.
        argnum: autograd's spelling of argnums (give one of the two).
        holomorphic: f is holomorphic (complex in, complex out): return f'(z) itself, as
            JAX does, rather than PyTorch's conjugate convention for real losses.

    Returns:
        A function of f's arguments returning the gradient(s).

    Raises:
        TypeError: f is not callable, argnums is not an int or tuple of ints, or (when
            called) f does not return a floating-point scalar.
        ValueError: (when called) argnums is out of range or repeats a position.

    For complex inputs and a real output, the gradient follows PyTorch: dL/dx + i dL/dy
    (JAX and autograd return its conjugate). With holomorphic=True, f maps complex to
    complex and the result is the complex derivative f'(z), as in JAX.

    >>> import tapegrad as tg
    >>> tg.grad(lambda x: x ** 3)(2.0)
    tensor(12., dtype=float64)
    >>> tg.grad(tg.grad(lambda x: x ** 3))(2.0)
    tensor(12., dtype=float64)
    >>> tg.grad(lambda z: z ** 2, holomorphic=True)(tg.tensor(1 + 1j, dtype=tg.complex128))
    tensor(2.+2.j, dtype=complex128)
    """
    _check_f(f, "grad", has_aux)
    argnums = _argnum_alias(argnums, argnum, "grad")
    _argnums(argnums, 1 << 30, "grad")         # the type now; the range at call time

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        _, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "grad", holomorphic,
                               value=False)
        return (g, aux) if has_aux else g
    if not holomorphic:
        note_grad_transform(grad_f, f, argnums, has_aux, False)     # vmap(grad(f)): one pass
    return grad_f


def elementwise_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, *,
                     argnum: int | Sequence[int] | None = None) -> Callable[..., Any]:
    """The gradient of `sum(f(x))`: for `f` acting elementwise, each element's derivative
    (autograd's elementwise_grad; the vector-Jacobian product with ones).

    Args:
        f: a function of tensors; its output may have any shape.
        argnums: the position (or tuple of positions) of the argument(s) to
            differentiate.
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning, for each differentiated argument, a
        tensor of its shape.

    Raises:
        TypeError: f is not callable or argnums is not an int or tuple of ints.

    >>> import tapegrad as tg
    >>> tg.elementwise_grad(lambda x: x ** 2)(tg.tensor([1.0, 3.0]))
    tensor([2., 6.])
    """
    _check_f(f, "elementwise_grad")
    argnums = _argnum_alias(argnums, argnum, "elementwise_grad")
    _argnums(argnums, 1 << 30, "elementwise_grad")

    @functools.wraps(f)
    def egrad(*args, **kwargs):
        def total(*a, **k):
            out = f(*a, **k)
            return tsum(out if isinstance(out, Tensor) else _to_tensor(out))
        return _grad_core(total, args, kwargs, argnums, False, "elementwise_grad",
                          value=False)[1]
    return egrad


def _argnum_alias(argnums, argnum, who):
    """autograd spells argnums `argnum`: either may be given, not both."""
    if argnum is None:
        return argnums
    if argnums != 0:
        raise TypeError(f"{who}: give argnums or argnum (autograd's spelling), not both")
    return argnum


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   *, argnum: int | Sequence[int] | None = None, holomorphic: bool = False
                   ) -> Callable[..., tuple[Any, Any]]:
    """Like grad, but returns (value, grad) (or ((value, aux), grad) with has_aux), from
    one forward pass.

    Args:
        f: a function returning a floating-point scalar.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: f returns a pair (scalar, aux).
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning (value, gradient), or
        ((value, aux), gradient) with has_aux.

    Raises:
        TypeError: as grad: f not callable, bad argnums, or a non-scalar output.
        ValueError: argnums out of range or repeated.

    >>> import tapegrad as tg
    >>> value, grad = tg.value_and_grad(lambda x: (x * x).sum())(tg.tensor([1.0, 2.0]))
    >>> value, grad
    (tensor(5.), tensor([2., 4.]))
    """
    _check_f(f, "value_and_grad", has_aux)
    argnums = _argnum_alias(argnums, argnum, "value_and_grad")
    _argnums(argnums, 1 << 30, "value_and_grad")

    @functools.wraps(f)
    def vg(*args, **kwargs):
        v, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "value_and_grad",
                               holomorphic)
        return ((v, aux), g) if has_aux else (v, g)
    if not holomorphic:
        note_grad_transform(vg, f, argnums, has_aux, True)
    return vg


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """(f(*primals), vjp_fn) where vjp_fn(cotangent) returns one gradient per primal
    (a tuple), as torch.func.vjp and jax.vjp.

    f runs once, forward; each call of vjp_fn runs one backward pass, so the
    vector-Jacobian products of several cotangents share the forward pass.

    Args:
        f: a function of the primals returning a tensor or a pytree of tensors.
        *primals: the point to differentiate at (tensors, numbers or pytrees).
        has_aux: f returns a pair (output, aux); vjp then returns
            (output, vjp_fn, aux).

    Returns:
        (output, vjp_fn), where vjp_fn takes a cotangent shaped like the output and
        returns a tuple with one gradient per primal.

    Raises:
        TypeError: f is not callable, or f's output holds something other than
            tensors.

    >>> import tapegrad as tg
    >>> out, vjp_fn = tg.vjp(lambda x: x * x, tg.tensor([1.0, 2.0]))
    >>> out, vjp_fn(tg.tensor([1.0, 10.0]))
    (tensor([1., 4.]), (tensor([ 2., 40.]),))
    """
    return _vjp(f, primals, has_aux, "vjp")


def _vjp(f, primals, has_aux, who, want_out=True):
    _check_f(f, who, has_aux)
    r = _batched_vjp(f, primals, has_aux, who, _numeric, _split_aux)
    if r is not None:
        return r                # inside tg.vmap: one backward pass for the whole batch
    nested = _outer_active(primals)
    flats = []
    args = []
    for p in primals:
        leaves, spec = flatten(p)
        leaves = [_diff_input(v, who) for v in leaves]
        flats.append((leaves, spec))
        args.append(unflatten(spec, leaves))
    with _state.enable_grad():
        res = f(*args)
    aux = None
    if has_aux:
        res, aux = _split_aux(res, who)
    out_leaves, out_spec = flatten(res)
    out_leaves = [_numeric(o, who, "f's output") for o in out_leaves]
    sources = [leaf for leaves, _ in flats for leaf in leaves]

    def vjp_fn(cotangents):
        ct_leaves, _ = flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"vjp: got {len(ct_leaves)} cotangent(s) for "
                             f"{len(out_leaves)} output(s)")
        ct_leaves = [_numeric(c, "vjp", "a cotangent") for c in ct_leaves]
        pairs = [(o, c) for o, c in zip(out_leaves, ct_leaves) if o._rg]
        cts = []
        for o, c in pairs:
            if c.shape != o.shape:
                raise ValueError(f"vjp: cotangent shape {c.shape} does not match output "
                                 f"shape {o.shape}")
            cts.append(c)
        nested_now = nested or any(_is_traced(c) for c in cts) or bool(_local.fw_levels)
        create = _reverse_active(primals) or any(c._rg for c in cts)
        if pairs:
            outer = []          # f closed over tensors that require grad: stay connected
            gs = run_backward([o for o, _ in pairs], cts, retain_graph=True,
                              create_graph=create, inputs=sources, accumulate=False,
                              allow_unused=True, who="vjp", connect=outer)
            nested_now = nested_now or bool(outer)
        else:
            gs = [None] * len(sources)
        gs = [make(np.zeros_like(s._data)) if g is None else
              (g if nested_now else g.detach()) for g, s in zip(gs, sources)]
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


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple[Any, ...]:
    """(f(*primals), J @ tangents) in one forward pass with dual numbers, as jax.jvp
    and torch.func.jvp.

    Args:
        f: a function of the primals returning a tensor or a pytree of tensors.
        primals: a tuple of the arguments to evaluate f at.
        tangents: a tuple of directions, one per primal, each shaped like it.
        has_aux: f returns a pair (output, aux); jvp then returns
            (output, tangent_out, aux).

    Returns:
        (output, tangent_out): f's value and its directional derivative along the
        tangents, with the output's structure.

    Raises:
        TypeError: f is not callable, or a primal is not floating-point.
        ValueError: tangents and primals differ in number or shape.

    >>> import tapegrad as tg
    >>> tg.jvp(lambda x: x ** 2, (3.0,), (1.0,))
    (tensor(9., dtype=float64), tensor(6., dtype=float64))
    """
    return _jvp(f, primals, tangents, has_aux, "jvp")


def _jvp(f, primals, tangents, has_aux, who):
    _check_f(f, who, has_aux)
    if not isinstance(primals, (tuple, list)):
        primals = (primals,)
        tangents = tangents if isinstance(tangents, (tuple, list)) else (tangents,)
    if not isinstance(tangents, (tuple, list)):
        raise TypeError(f"{who}: tangents must be a tuple like primals, got {_what(tangents)}")
    if len(primals) != len(tangents):
        raise ValueError(f"{who}: got {len(primals)} primal(s) but {len(tangents)} tangent(s)")
    nested = _outer_active((primals, tangents))
    given = []                          # the caller's tangent arrays
    with dual_level() as level, np.errstate(divide="ignore", invalid="ignore"):
        args = []
        for p, t in zip(primals, tangents):
            pl, spec = flatten(p)
            tl, tspec = flatten(t)
            if len(pl) != len(tl) or spec != tspec:
                raise ValueError(f"{who}: primals and tangents have different structures")
            duals = []
            for pv, tv in zip(pl, tl):
                pv = _numeric(pv, who, "a primal")
                tv = _numeric(tv, who, "a tangent")
                if tv.shape != pv.shape:
                    raise ValueError(f"{who}: tangent shape {tv.shape} does not match "
                                     f"primal shape {pv.shape}")
                given.append(tv._data)
                _floating(pv, who, "a primal")
                duals.append(make_dual(pv, tv, level=level))
            args.append(unflatten(spec, duals))
        res = f(*args)
        aux = None
        if has_aux:
            res, aux = _split_aux(res, who)
        leaves, spec = flatten(res)
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


def _leaf_tensors(tree, who="jacobian", what="an input"):
    leaves, spec = flatten(tree)
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
            grads = [v for gtree in pull(unflatten(out_spec, cts)) for v in flatten(gtree)[0]]
            rows = [_reshape_rows(gk) for gk in grads]
        else:
            _, basis = _identity_slices(outs, _float_dtype(outs))
            with dual_level(batch=total) as level, \
                    np.errstate(divide="ignore", invalid="ignore"):
                cts = [make_dual(make(np.zeros(o.shape, dtype=o._data.dtype)), b, level=level)
                       for o, b in zip(outs, basis)]
                grads = [v for gtree in pull(unflatten(out_spec, cts))
                         for v in flatten(gtree)[0]]
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


def hessian(f: Callable[..., Any], argnums: int | Sequence[int] = 0, *,
            argnum: int | Sequence[int] | None = None, holomorphic: bool = False
            ) -> Callable[..., Any]:
    """Matrix of second derivatives, forward-over-reverse: jacfwd(jacrev(f)). Returns a
    function of the same arguments as f.

    Args:
        f: a function returning a floating-point scalar.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        argnum: autograd's spelling of argnums.
        holomorphic: f is holomorphic (complex in, complex out): the complex second
            derivative f''(z), as jax.hessian(..., holomorphic=True).

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
    _check_f(f, "hessian")
    argnums = _argnum_alias(argnums, argnum, "hessian")
    _argnums(argnums, 1 << 30, "hessian")
    return _jacfwd(_jacrev(f, argnums, False, "hessian", holomorphic), argnums, False,
                   "hessian", holomorphic)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Hessian-vector product of scalar `f` at `primals` along `tangents`
    (forward-over-reverse, never forming the Hessian). One primal gives a tensor,
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

    _, t = _jvp(grad_f, tuple(primals), tuple(tangents), False, "hvp")
    return t


# tg.func.vmap and torch.func's module helpers live in tapegrad/vmap (issue 17)
from .vmap import functional_call, stack_module_state, vmap  # noqa: E402,F401
from .vmap._api import note_grad_transform  # noqa: E402
from .vmap._compose import batched_grad as _batched_grad  # noqa: E402
from .vmap._compose import batched_vjp as _batched_vjp  # noqa: E402

# the names `from tapegrad.func import *` gives (tests/test_all.py)
__all__ = ["grad", "elementwise_grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev",
           "jacobian", "hessian", "hvp"]
