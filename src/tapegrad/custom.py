"""TF's `custom_gradient` and JAX's `custom_jvp`, recorded as one node each by the engine.

Both build on the machinery of `autograd.Function`: one Op class per decorated function
(so `grad_fn.name()` reads e.g. `Log1pexpBackward`) and a per-call state in the node.
The missing direction is derived from the given one with the engine itself: forward mode
through a `custom_gradient` transposes its (linear) grad_fn, and reverse mode through a
`custom_jvp` transposes its (linear in the tangents) JVP rule, each with one extra
backward pass. So either rule alone serves `grad`, `jvp`, `jacfwd` and `hessian`.
"""
from __future__ import annotations

import functools
import inspect
import threading

import numpy as np

from . import _state
from ._tensor import Tensor, make
from .autograd.function import (Outputs, camel, grads_for, is_traced, make_op,
                                raw_or_wrapped)
from .autograd.forward_ad import _top_level, strip_level
from .ops._apply import apply
from .autograd import grad
from .ops import sum as tsum
from .tape import GradientTape, Variable
from .vmap._api import vmap
from .vmap._batched import info, wrap
from ._pytree import flatten, unflatten
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

_local = _state.local


def _zeros(shape, dtype, rg=False):
    if np.dtype(dtype).kind not in "fc":
        dtype = np.float64
    return make(np.zeros(shape, dtype), rg)


def _vdot(a, b):
    """sum(a * b) as a scalar tensor (None when either side is missing)."""
    if a is None or b is None:
        return None
    return tsum(a * b)


def _total(terms):
    acc = None
    for t in terms:
        if t is not None:
            acc = t if acc is None else acc + t
    return acc


def _strip(t, level):
    """`t` without its tangent at `level` (a transposition must not add one)."""
    if level is None or not isinstance(t, Tensor) or not t._fw or level not in t._fw:
        return t
    return strip_level(t, level)


def _shown(res):
    if isinstance(res, (tuple, list)) and len(res) == 2:
        return f"a pair whose second item is {type(res[1]).__name__}, not a function"
    if isinstance(res, (tuple, list)):
        return f"a {type(res).__name__} of length {len(res)}"
    return type(res).__name__


def _accepts_variables(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD
               for p in sig.parameters.values())


# ------------------------------------------------------------------ custom_gradient

def custom_gradient(f: Callable[..., Any] | None = None) -> Any:
    """Decorator giving `f` a hand-written gradient (TF's tf.custom_gradient).

    `f(*args)` returns `(y, grad_fn)`; `grad_fn(*upstream)` gets one cotangent per output
    and returns one gradient per positional argument. If `f` reads trainable Variables
    that are not arguments, `grad_fn(*upstream, variables=None)` receives them and
    returns `(input_grads, variable_grads)`. `grad_fn` written with tapegrad ops is
    differentiable again, through the tensors it closes over; forward mode
    (`tg.jvp`, `jacfwd`) transposes it, so it must be linear in `upstream`.

    Args:
        f: the function, returning (y, grad_fn) as above. Used as `@tg.custom_gradient`.

    Returns:
        A function with f's arguments returning y, whose gradient is grad_fn's.

    Raises:
        TypeError: f is not callable, or (when called) it does not return a pair.

    >>> import tapegrad as tg
    >>> @tg.custom_gradient
    ... def log1pexp(x):
    ...     e = tg.exp(x)
    ...     def grad_fn(upstream):
    ...         return upstream * (1 - 1 / (1 + e))
    ...     return tg.log(1 + e), grad_fn
    >>> x = tg.tensor(100.0, dtype="float64", requires_grad=True)
    >>> log1pexp(x).backward()
    >>> x.grad
    tensor(1., dtype=float64)
    """
    if f is None:
        return custom_gradient
    if not callable(f):
        raise TypeError(f"custom_gradient: expected a function to decorate, got "
                        f"{type(f).__name__}")
    name = getattr(f, "__name__", "custom_gradient")
    op = make_op(camel(name))

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        # a private tape sees which Variables f reads (TF's VariableWatcher)
        with GradientTape(persistent=True) as watcher:
            res = f(*args, **kwargs)
        if not (isinstance(res, (tuple, list)) and len(res) == 2 and callable(res[1])):
            raise TypeError(f"custom_gradient: {name} must return a pair (output, grad_fn) "
                            f"where grad_fn(*upstream) returns the input gradients; got "
                            f"{_shown(res)}")
        y, grad_fn = res
        variables = tuple(v for v in watcher.watched_variables()
                          if isinstance(v, Variable) and v._trainable
                          and not any(v is a for a in args))
        del watcher
        if variables and not _accepts_variables(grad_fn):
            names = ", ".join(v.name for v in variables)
            raise TypeError(f"custom_gradient: {name} reads the Variable(s) {names}, so its "
                            "grad_fn must accept a keyword argument `variables` and return "
                            "(input_grads, variable_grads)")
        inputs = args + variables
        if not is_traced(inputs):
            return y
        state = _GradState(name, grad_fn, Outputs(y, f"custom_gradient: {name}"), args,
                           variables)
        return state.outs.build(apply(op, *inputs, state=state))

    return wrapper


class _GradState:
    """One call of a custom_gradient function: its outputs and grad_fn."""

    __slots__ = ("name", "grad_fn", "outs", "n_args", "is_t", "variables", "inputs")

    def __init__(self, name, grad_fn, outs, args, variables):
        self.name = name
        self.grad_fn = grad_fn
        self.outs = outs
        self.n_args = len(args)
        self.variables = variables
        self.inputs = args + variables
        self.is_t = tuple(isinstance(a, Tensor) for a in self.inputs)

    def _tg_forward(self, raw):
        return self.outs.node_array()

    def _call(self, upstream, graph, held=()):
        """grad_fn on one cotangent per output -> one gradient per input (+ variable)."""
        who = f"custom_gradient: the grad_fn of {self.name}"
        if self.variables:
            res = self.grad_fn(*upstream, variables=list(self.variables))
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise RuntimeError(f"{who} must return (input_grads, variable_grads) when "
                                   "the function reads Variables")
            gin, gvar = res
            gin = tuple(gin) if isinstance(gin, (tuple, list)) else (gin,)
            gvar = tuple(gvar) if isinstance(gvar, (tuple, list)) else (gvar,)
            if len(gvar) != len(self.variables):
                raise RuntimeError(f"{who} returned {len(gvar)} variable gradient(s) for "
                                   f"{len(self.variables)} variable(s)")
            res = gin + gvar
            if len(gin) != self.n_args:
                raise RuntimeError(f"{who} returned {len(gin)} input gradient(s) but the "
                                   f"function has {self.n_args} positional input(s)")
        else:
            res = self.grad_fn(*upstream)
        return grads_for(res, len(self.inputs), self.is_t, graph, who, strict=False,
                         upstream=upstream, held=held)

    def _tg_vjp(self, node, g):
        graph = isinstance(g, Tensor)
        held = (*node.saved, *self.inputs, *self.outs.arrays) if graph else ()
        return self._call(self.outs.split(g, graph), graph, held)

    def _tg_jvp(self, cctx, tans):
        # J u = d/dv <grad_fn(v), u>: grad_fn is linear in v, so one backward transposes it
        graph = any(isinstance(d, Tensor) for d in tans)
        us = [None if d is None else (d if isinstance(d, Tensor) else make(np.asarray(d)))
              for d in tans]
        if all(u is None for u in us):
            return None
        level = _top_level(self.inputs)
        vs = [_zeros(a.shape, a.dtype, rg=k in self.outs.diff)
              for k, a in enumerate(self.outs.arrays)]
        with _state.enable_grad():
            gxs = self._call(vs, True)
            s = _total(_vdot(gx, u) for gx, u in zip(gxs, us))
            leaves = [vs[k] for k in self.outs.diff]
            if s is None or not s._rg:
                return None
            jv = grad(s, leaves, create_graph=graph, allow_unused=True)
        parts = [None] * len(vs)
        for k, t in zip(self.outs.diff, jv):
            parts[k] = _strip(t, level)
        return self.outs.pack(tuple(parts) if self.outs.multi else parts[0], graph,
                              f"custom_gradient: {self.name}")


# ------------------------------------------------------------------ custom_jvp

def _decorated(who, wrapper, fun, nondiff_argnums):
    """Check custom_jvp's/custom_vjp's arguments, make `wrapper` look like `fun` and
    keep it as `wrapper.fun`; the sorted nondiff_argnums."""
    if not callable(fun):
        raise TypeError(f"{who}: expected a function to decorate, got {type(fun).__name__}")
    if isinstance(nondiff_argnums, int) and not isinstance(nondiff_argnums, bool):
        nondiff_argnums = (nondiff_argnums,)
    if not isinstance(nondiff_argnums, (tuple, list)) or not all(
            isinstance(a, int) and not isinstance(a, bool) and a >= 0
            for a in nondiff_argnums):
        raise TypeError(f"{who}: nondiff_argnums must be a tuple of non-negative ints, "
                        f"got {nondiff_argnums!r}")
    functools.update_wrapper(wrapper, fun)
    wrapper.fun = fun
    return tuple(sorted(set(nondiff_argnums)))


class custom_jvp:
    """A function with a hand-written forward-mode rule (JAX's jax.custom_jvp).

    Define the rule with `@f.defjvp`: `rule(primals, tangents)` returns
    `(primal_out, tangent_out)`, linear in the tangents. Reverse mode (`grad`,
    `backward`, tapes) transposes the rule with one extra backward pass, so the rule
    must be written with tapegrad ops. Arguments listed in `nondiff_argnums` are passed
    to the rule first and are never differentiated.

    Args:
        fun: the function, of tensors (or pytrees of tensors) and other arguments.
        nondiff_argnums: positions of arguments that are not differentiated.

    >>> import tapegrad as tg
    >>> @tg.custom_jvp
    ... def f(x, y):
    ...     return tg.sin(x) * y
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     x, y = primals
    ...     dx, dy = tangents
    ...     return f(x, y), tg.cos(x) * dx * y + tg.sin(x) * dy
    >>> tg.grad(f)(0.0, 2.0)
    tensor(2., dtype=float64)
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        self.nondiff_argnums = _decorated("custom_jvp", self, fun, nondiff_argnums)
        self.jvp = None
        name = getattr(fun, "__name__", "custom_jvp")
        self._name = name
        self._op = make_op(camel(name))

    def defjvp(self, jvp: Callable[..., Any]) -> Callable[..., Any]:
        """Set the rule `jvp(*nondiff, primals, tangents) -> (primal_out, tangent_out)`."""
        if not callable(jvp):
            raise TypeError(f"custom_jvp {self._name}: defjvp takes a function, got "
                            f"{type(jvp).__name__}")
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps: Callable[..., Any] | None) -> Any:
        """Set the rule from one function per argument, `fn(tangent, primal_out, *args)`,
        each giving that argument's contribution (None: the output does not depend on it).

        >>> import tapegrad as tg
        >>> @tg.custom_jvp
        ... def mul(x, y):
        ...     return x * y
        >>> mul.defjvps(lambda dx, out, x, y: dx * y, lambda dy, out, x, y: x * dy)
        >>> tg.jvp(mul, (2.0, 3.0), (1.0, 0.0))[1]
        tensor(3., dtype=float64)
        """
        if self.nondiff_argnums:
            raise TypeError(f"custom_jvp {self._name}: defjvps does not support "
                            "nondiff_argnums; use defjvp")

        def rule(primals, tangents):
            if len(jvps) != len(primals):
                raise TypeError(f"custom_jvp {self._name}: defjvps got {len(jvps)} "
                                f"function(s) for {len(primals)} argument(s)")
            out = self.fun(*primals)
            contrib = [fn(t, out, *primals) for fn, t in zip(jvps, tangents) if fn is not None]
            return out, _total(contrib)

        self.jvp = rule

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            try:
                bound = inspect.signature(self.fun).bind(*args, **kwargs)
            except TypeError as e:
                raise TypeError(f"custom_jvp {self._name}: {e}") from None
            bound.apply_defaults()
            if bound.kwargs:
                raise TypeError(f"custom_jvp {self._name}: keyword-only arguments are not "
                                "supported; pass them positionally")
            args = bound.args
        if self.jvp is None:
            raise AttributeError(f"custom_jvp {self._name}: no JVP rule defined; "
                                 f"decorate one with @{self._name}.defjvp")
        for i in self.nondiff_argnums:
            if not -len(args) <= i < len(args):
                raise ValueError(f"custom_jvp {self._name}: nondiff_argnums entry {i} is "
                                 f"out of range for {len(args)} argument(s)")
        nondiff = {i % len(args) for i in self.nondiff_argnums}
        pos = [i for i in range(len(args)) if i not in nondiff]
        flat = [flatten(args[i]) for i in pos]      # pytree arguments, as JAX's
        leaves = [leaf for ls, _ in flat for leaf in ls]
        if not is_traced(leaves):
            if any(_batched_traced(v) for v in leaves):
                # vmap of grad: the function and its rule batched, one node (JAX's rule)
                return _batched_call(self, args, pos, _jvp_batched)
            return self.fun(*args)      # as is: inside tg.vmap, no_grad would cut batches
        fixed = tuple(args[i].detach() if isinstance(args[i], Tensor) else args[i]
                      for i in sorted(nondiff))
        state = _JvpState(self, args, pos, fixed, flat)
        node_t = apply(self._op, *leaves, state=state)
        built = state.outs.build(node_t)
        return unflatten(state.out_spec, list(built) if state.outs.multi else [built])


def _batched_call(obj, args, pos, batched_rule):
    """obj (a custom_jvp or custom_vjp) on tg.vmap batched values whose batches are
    differentiated (vmap of grad, jacrev): as JAX batches a custom rule, one call of a
    custom function of the same kind on the batches, its function and rule mapped with
    tg.vmap over the innermost batch (level) of the arguments, the outputs batched
    again. `batched_rule(obj, tmp, axes)` sets tmp's rule from obj's."""
    level = max(info(v)[0] for i in pos for v in flatten(args[i])[0] if info(v) is not None)
    inner, axes = list(args), [None] * len(args)
    for i in pos:
        ls, spec = flatten(args[i])
        ax = [0 if info(v) is not None and info(v)[0] == level else None for v in ls]
        inner[i] = unflatten(spec, [info(v)[1] if a == 0 else v for v, a in zip(ls, ax)])
        axes[i] = ax
    tmp = type(obj)(_mapped(obj.fun, axes), obj.nondiff_argnums)
    tmp._name, tmp._op = obj._name, obj._op       # the node reads as obj's
    batched_rule(obj, tmp, axes)
    out = tmp(*inner)
    ol, ospec = flatten(out)
    return unflatten(ospec, [wrap(v, level) if isinstance(v, Tensor) else v for v in ol])


def _mapped(fn, axes, fixed=0):
    """tg.vmap of fn over its arguments' leaves: axes[i] lists the axis of each leaf of
    argument i (None: an argument not mapped at all); the first `fixed` arguments
    (nondiff_argnums passed to a rule) are not mapped."""
    def run(*args):
        flat, specs, ax = [], [], []
        for i, a in enumerate(args):
            ls, spec = flatten(a)
            flat += ls
            specs.append((spec, len(ls)))
            a_ax = axes[i - fixed] if i >= fixed else None
            ax += a_ax if a_ax is not None else [None] * len(ls)

        def one(*leaves):
            trees, k = [], 0
            for spec, n in specs:
                trees.append(unflatten(spec, list(leaves[k:k + n])))
                k += n
            return fn(*trees)
        if _local.grad_enabled:
            return vmap(one, in_axes=tuple(ax))(*flat)
        # grad off (a rule run by backward): nothing records either way, but ops on
        # batched values batch only with grad on (the C fast path reads their batching
        # as notes that matter when recording); so grad on, the inputs cut off
        flat = [v.detach() if isinstance(v, Tensor) and v._rg else v for v in flat]
        with _state.enable_grad():
            return vmap(one, in_axes=tuple(ax))(*flat)
    return run


def _jvp_batched(obj, tmp, axes):
    nfix = len(obj.nondiff_argnums)
    pos = [i for i in range(len(axes)) if i not in obj.nondiff_argnums]
    pax = [[a for i in pos for a in axes[i]]]

    def rule(*a):
        fixed, primals, tangents = a[:nfix], a[nfix], a[nfix + 1]
        return _mapped(lambda p, t: obj.jvp(*fixed, p, t), pax * 2)(primals, tangents)
    tmp.jvp = rule


def _vjp_batched(obj, tmp, axes):
    nfix = len(obj.nondiff_argnums)
    pos = [i for i in range(len(axes)) if i not in obj.nondiff_argnums]

    def fwd(*a):
        active = _in_fwd.fns
        active.add(obj)             # obj called inside its fwd is the plain function
        try:
            return _mapped(obj.fwd, axes)(*a)
        finally:
            active.discard(obj)

    def bwd(*a):
        fixed, res, g = a[:nfix], a[nfix], a[nfix + 1]
        ax = [[0 if isinstance(v, Tensor) else None for v in flatten(t)[0]]
              for t in (res, g)]
        gs = _mapped(lambda r, c: obj.bwd(*fixed, r, c), ax)(res, g)
        if not isinstance(gs, (tuple, list)) or len(gs) != len(pos):
            return gs               # tmp's own check names the wrong structure
        out = []
        for c, i in zip(gs, pos):   # a leaf not mapped is shared: its cotangents summed
            if c is None:
                out.append(None)
                continue
            cl, spec = flatten(c)
            out.append(unflatten(spec, [tsum(v, axis=0) if a is None and v is not None
                                        else v for v, a in zip(cl, axes[i])]))
        return tuple(out)
    tmp.defvjp(fwd, bwd)


def _batched_traced(v):
    """A tg.vmap batched value whose per-batch tensor is being differentiated (vmap of
    grad): the rule must be recorded for it too."""
    while isinstance(v, Tensor) and v._x is not None and "vmap" in v._x:
        v = v._x["vmap"][1]
        if is_traced([v]):
            return True
    return False


class _JvpState:
    """One call of a custom_jvp function. The node's inputs are the leaves of the
    differentiable arguments and its outputs the leaves of the result; the user's
    function and rule see the trees."""

    __slots__ = ("arg_specs", "cj", "dtypes", "fixed", "fixed_pos", "is_t", "n", "out_spec",
                 "outs", "pos")

    def __init__(self, cj, args, pos, fixed, flat):
        self.cj = cj
        self.n = len(args)
        self.pos = pos
        self.fixed = fixed
        self.fixed_pos = [i for i in range(len(args)) if i not in pos]
        self.arg_specs = [(spec, len(ls)) for ls, spec in flat]
        leaves = [leaf for ls, _ in flat for leaf in ls]
        self.is_t = tuple(isinstance(v, Tensor) for v in leaves)
        self.dtypes = tuple(v._data.dtype if isinstance(v, Tensor) else None for v in leaves)
        self.outs = None
        self.out_spec = None

    def _trees(self, leaves):
        """The differentiable arguments rebuilt from the node's leaves."""
        trees, k = [], 0
        for spec, n in self.arg_specs:
            trees.append(unflatten(spec, list(leaves[k:k + n])))
            k += n
        return trees

    def _full(self, primals):
        full = [None] * self.n
        for i, v in zip(self.fixed_pos, self.fixed):
            full[i] = v
        for i, v in zip(self.pos, self._trees(primals)):
            full[i] = v
        return full

    def _rule(self, primals, tangents):
        res = self.cj.jvp(*self.fixed, tuple(self._trees(primals)),
                          tuple(self._trees(tangents)))
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(f"custom_jvp {self.cj._name}: the JVP rule must return a pair "
                            "(primal_out, tangent_out)")
        if res[1] is None:
            return (None,) * len(self.outs.arrays) if self.outs.multi else None
        tl = flatten(res[1])[0]
        if len(tl) != len(self.outs.arrays):
            raise TypeError(f"custom_jvp {self.cj._name}: the JVP rule returned "
                            f"{len(tl)} tangent(s) for {len(self.outs.arrays)} output(s); "
                            "give the tangent the structure of the primal output")
        return tuple(tl) if self.outs.multi else tl[0]

    def _tg_forward(self, raw):
        primals = [make(r) if t else r for r, t in zip(raw, self.is_t)]
        with _state.no_grad():
            out = self.cj.fun(*self._full(primals))
        out_leaves, self.out_spec = flatten(out)
        items = tuple(out_leaves) if len(out_leaves) != 1 else out_leaves[0]
        self.outs = Outputs(items, f"custom_jvp {self.cj._name}")
        return self.outs.node_array()

    def _primals(self, vals, graph):
        return [raw_or_wrapped(v, graph) if t else v for v, t in zip(vals, self.is_t)]

    def _tg_jvp(self, cctx, tans):
        graph = any(isinstance(v, Tensor) for v in (*tans, *cctx.saved))
        primals = self._primals(cctx.saved, graph)
        tangents = []
        for i, d in enumerate(tans):
            if d is None:
                d = _zeros(cctx.in_shapes[i] or (), self.dtypes[i] or np.float64)
            tangents.append(d if isinstance(d, Tensor) else make(np.asarray(d)))
        tout = self._rule(primals, tangents)
        self._check_shapes(tout)
        return self.outs.pack(tout, graph, f"custom_jvp {self.cj._name}: the JVP rule")

    def _check_shapes(self, tout):
        """As JAX: each tangent has its output's shape (no broadcasting)."""
        parts = tout if self.outs.multi and isinstance(tout, (tuple, list)) else (tout,)
        for t, arr in zip(parts, self.outs.arrays):
            if t is not None and tuple(np.shape(t._data if isinstance(t, Tensor) else t)) \
                    != tuple(arr.shape):
                raise TypeError(f"custom_jvp {self.cj._name}: the JVP rule returned a "
                                f"tangent of shape {tuple(np.shape(t))} for an output of "
                                f"shape {tuple(arr.shape)}")

    def _tg_vjp(self, node, g):
        # g^T J = d/du <g, jvp(u)>: the rule is linear in u, so one backward transposes it
        graph = isinstance(g, Tensor)
        primals = self._primals(node.saved, graph)
        need = node.needs_grad
        us = []
        for i, shape in enumerate(node.in_shapes):
            us.append(_zeros(shape or (), self.dtypes[i] or np.float64,
                             rg=bool(need[i]) and self.is_t[i]))
        leaves = [u for u in us if u._rg]
        if not leaves:
            return (None,) * len(us)
        # the engine records this rule only under create_graph; the inner grad below must
        # record, so its results leave the graph here when the engine does not (jacrev's
        # dual cotangents make `graph` true with recording off)
        recording = _local.grad_enabled
        with _state.enable_grad():
            tout = self._rule(primals, us)
            touts = tout if self.outs.multi else (tout,)
            if self.outs.multi and (not isinstance(tout, (tuple, list))
                                    or len(tout) != len(self.outs.arrays)):
                raise RuntimeError(f"custom_jvp {self.cj._name}: the JVP rule must return "
                                   f"one tangent per output ({len(self.outs.arrays)})")
            gs = self.outs.split(g, graph)
            pairs = [(_as_t(touts[k]), gs[k]) for k in self.outs.diff
                     if gs[k] is not None and touts[k] is not None]
            if any(info(c) is not None for _, c in pairs):
                # tg.vmap's batched cotangents (vmap of a pullback): a sum <g, t> would
                # be one batched scalar, so they go in as the backward's cotangents
                pairs = [(t, c) for t, c in pairs if t._rg]
                if not pairs:
                    return (None,) * len(us)
                res = grad([t for t, _ in pairs], leaves, grad_outputs=[c for _, c in pairs],
                           create_graph=True, allow_unused=True)
            else:
                s = _total(_vdot(c, t) for t, c in pairs)
                if s is None or not s._rg:
                    return (None,) * len(us)
                res = grad(s, leaves, create_graph=graph, allow_unused=True)
        it = iter(res)
        out = []
        for u in us:
            r = next(it) if u._rg else None
            if r is not None and not graph:
                r = r._data
            elif r is not None and not recording:
                r = _unrecorded(r)
            out.append(r)
        return tuple(out)


def _unrecorded(t):
    """t and its dual tangents (jacrev's rows, jacfwd's second tangents) without their
    reverse-mode history: what the engine's own unrecorded rules give."""
    if not (t._rg or t._fw):
        return t
    out = make(t._data)
    if t._fw:
        out._fw = {lv: _unrecorded(d) for lv, d in t._fw.items()}
    return out


def _as_t(v):
    if v is None or isinstance(v, Tensor):
        return v
    return make(np.asarray(v))


# ------------------------------------------------------------------ custom_vjp

def _check_cotangent(c, leaf, name):
    """A cotangent from bwd must have its argument's shape, or broadcast to it (then it is
    summed, as PyTorch does for a Function); anything else is an error (JAX's ValueError)
    rather than a silent sum over the wrong axes."""
    if c is None:
        return
    cs = tuple(np.shape(c._data if isinstance(c, Tensor) else c))
    ls = tuple(np.shape(leaf._data if isinstance(leaf, Tensor) else leaf))
    if cs == ls:
        return
    try:
        ok = np.broadcast_shapes(cs, ls) == cs
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"custom_vjp {name}: bwd returned a cotangent of shape {cs} for "
                         f"an argument of shape {ls}")


_in_fwd = threading.local()     # the custom_vjp functions whose fwd is running

class custom_vjp:
    """A function with a hand-written reverse-mode rule (JAX's jax.custom_vjp), the
    counterpart of autograd's `primitive` + `defvjp`.

    Set the rule with `f.defvjp(fwd, bwd)`: `fwd(*args)` returns `(output, residuals)`
    and `bwd(*nondiff, residuals, g)` returns a tuple with one cotangent per
    differentiable argument (each shaped like its argument; None for zero). `.backward()`,
    tapes and `tg.grad` run `bwd`; written with tapegrad ops it is differentiable again
    (second order goes through the residuals, which keep their graph). Forward mode
    (`jvp`, `jacfwd`) transposes `bwd`, so it must be linear in `g`. Arguments in
    `nondiff_argnums` (functions, flags, sizes) are passed to `bwd` first and never
    differentiated. Arguments and outputs may be pytrees.

    Args:
        fun: the function, of tensors (or pytrees of tensors) and other arguments.
        nondiff_argnums: positions of arguments that are not differentiated.

    >>> import tapegrad as tg
    >>> @tg.custom_vjp
    ... def f(x, y):
    ...     return tg.sin(x) * y
    >>> def f_fwd(x, y):
    ...     return f(x, y), (tg.cos(x), tg.sin(x), y)
    >>> def f_bwd(res, g):
    ...     cos_x, sin_x, y = res
    ...     return cos_x * g * y, sin_x * g
    >>> f.defvjp(f_fwd, f_bwd)
    >>> tg.grad(f)(0.0, 2.0)
    tensor(2., dtype=float64)
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        self.nondiff_argnums = _decorated("custom_vjp", self, fun, nondiff_argnums)
        self.fwd = self.bwd = None
        self._name = getattr(fun, "__name__", "custom_vjp")
        self._op = make_op(camel(self._name))

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> Any:
        """Set the rule: `fwd(*args) -> (output, residuals)` and
        `bwd(*nondiff, residuals, g) -> one cotangent per differentiable argument`."""
        for what, fn in (("fwd", fwd), ("bwd", bwd)):
            if not callable(fn):
                raise TypeError(f"custom_vjp {self._name}: defvjp's {what} must be a "
                                f"function, got {type(fn).__name__}")
        self.fwd, self.bwd = fwd, bwd

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self._name
        if kwargs:
            try:
                bound = inspect.signature(self.fun).bind(*args, **kwargs)
            except TypeError as e:
                raise TypeError(f"custom_vjp {name}: {e}") from None
            bound.apply_defaults()
            if bound.kwargs:
                raise TypeError(f"custom_vjp {name}: keyword-only arguments are not "
                                "supported; pass them positionally")
            args = bound.args
        if self.fwd is None:
            raise AttributeError(f"custom_vjp {name}: no VJP rule defined; call "
                                 f"{name}.defvjp(fwd, bwd)")
        for i in self.nondiff_argnums:
            if i >= len(args):
                raise ValueError(f"custom_vjp {name}: nondiff_argnums entry {i} is out of "
                                 f"range for {len(args)} argument(s)")
        pos = [i for i in range(len(args)) if i not in self.nondiff_argnums]
        flat = [flatten(args[i]) for i in pos]
        leaves = [leaf for ls, _ in flat for leaf in ls]
        active = getattr(_in_fwd, "fns", None)
        if active is None:
            active = _in_fwd.fns = set()
        if self not in active and not is_traced(leaves) and \
                any(_batched_traced(v) for v in leaves):
            # vmap of grad: fwd and bwd batched, one node (JAX's rule)
            return _batched_call(self, args, pos, _vjp_batched)
        if not is_traced(leaves) or self in active:
            # fwd may call the function itself (as in JAX): there it is the plain one
            return self.fun(*args)
        active.add(self)
        try:
            res = self.fwd(*args)
        finally:
            active.discard(self)
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(f"custom_vjp {name}: fwd must return a pair (output, residuals), "
                            f"got {_shown(res)}")
        out, residuals = res
        out_leaves, out_spec = flatten(out)
        fixed = tuple(args[i] for i in self.nondiff_argnums)

        def grad_fn(*upstream):
            gs = self.bwd(*fixed, residuals, unflatten(out_spec, list(upstream)))
            if not isinstance(gs, (tuple, list)) or len(gs) != len(pos):
                got = f"a {type(gs).__name__} of length {len(gs)}" \
                    if isinstance(gs, (tuple, list)) else type(gs).__name__
                # a TypeError as JAX's (the rule's output has the wrong structure)
                raise TypeError(f"custom_vjp {name}: bwd must return a tuple with one "
                                f"cotangent per differentiable argument ({len(pos)}), "
                                f"got {got}")
            per_leaf = []
            for g, (ls, spec) in zip(gs, flat):
                if g is None:
                    per_leaf.extend([None] * len(ls))
                    continue
                gl, _ = flatten(g)
                if len(gl) != len(ls):
                    raise TypeError(f"custom_vjp {name}: bwd returned a cotangent whose "
                                    f"structure does not match its argument's")
                for c, leaf in zip(gl, ls):
                    _check_cotangent(c, leaf, name)
                per_leaf.extend(gl)
            return tuple(per_leaf)

        items = tuple(out_leaves) if len(out_leaves) != 1 else out_leaves[0]
        state = _GradState(name, grad_fn, Outputs(items, f"custom_vjp {name}: fwd"),
                           tuple(leaves), ())
        built = state.outs.build(apply(self._op, *leaves, state=state))
        return unflatten(out_spec, list(built) if len(out_leaves) != 1 else [built])

# the names `from tapegrad.custom import *` gives (tests/test_all.py)
__all__ = ["custom_gradient", "custom_jvp", "custom_vjp"]
