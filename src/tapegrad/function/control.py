"""Control flow that a `tg.function` trace keeps: `cond` and `while_loop`.

Eagerly they are a plain `if` and a Python loop. Inside a trace each branch (or the loop's
condition and body) is traced into a sub-program that reads the enclosing values it uses
as captures; one step of the enclosing program then picks the branch, or runs the loop,
at every replay. Each is an op with a rule (`Cond`, `WhileLoop`) that the program's
backward runs through the node runner like any other step: the rule differentiates the
branch taken, or the passes the loop ran, by running their sub-programs' backward.
"""
from __future__ import annotations

import numpy as np

from .. import _state, ops
from .._pytree import flatten, unflatten
from .._tensor import Tensor, make
from ..ops._op import OWN, Op
from .program import Step
from .trace import Traced, Tracer, call_site
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from .._typing import ArrayLike

_local = _state.local

__all__ = ["cond", "while_loop", "Cond", "CondStep", "WhileLoop", "WhileStep"]


def _spec_key(spec):
    return tuple(None if item is None else
                 (item[0], tuple(item[1]) if isinstance(item[1], list) else item[1])
                 for item in spec)


def _add(a, b):
    return b if a is None else a + b


# ------------------------------------------------------------------ the ops

class Cond(Op):
    """The branch of a `tg.cond` taken at this replay. Inputs: the predicate, then the
    enclosing values the branches read; one cotangent per result."""

    args = ()
    bw_name = "CondBackward"
    complex = OWN               # the branch's own nodes follow the complex convention

    @staticmethod
    def vjp(ctx, g):
        take, sub = ctx.saved[0]
        prog, pairs = ctx.params["branches"][take]
        need = ctx.needs_grad
        pairs = [(local, i) for local, i in pairs if need[i]]
        grads = prog.backward(sub, list(g), tuple(local for local, _ in pairs))
        out = [None] * len(need)
        for (_, i), gx in zip(pairs, grads):
            if gx is not None:
                out[i] = _add(out[i], gx)
        return tuple(out)


class WhileLoop(Op):
    """The passes of a `tg.while_loop` run at this replay. Inputs: the initial loop
    values, then the enclosing values the body reads; one cotangent per loop value."""

    args = ()
    bw_name = "WhileLoopBackward"
    complex = OWN               # the body's own nodes follow the complex convention

    @staticmethod
    def vjp(ctx, g):
        passes = ctx.saved[0]
        body, n, pairs = ctx.params["body"], ctx.params["n"], ctx.params["pairs"]
        need = ctx.needs_grad
        pairs = [(local, i) for local, i in pairs if need[i]]
        wanted = body.inputs + tuple(local for local, _ in pairs)
        out = [None] * len(need)
        cots = list(g)
        for vals in reversed(passes):
            grads = body.backward(vals, cots, wanted)
            cots = grads[:n]
            for (_, i), gx in zip(pairs, grads[n:]):
                if gx is not None:
                    out[i] = _add(out[i], gx)
        for i, c in enumerate(cots):
            if c is not None and need[i]:
                out[i] = _add(out[i], c)
        return tuple(out)


# ------------------------------------------------------------------ the steps

class _ControlStep(Step):
    """A step that runs sub-programs: its rule reads one saved slot, `state`, holding
    what the passes it ran need in backward."""

    __slots__ = ()
    multi = True

    def saved_slots(self):
        return (self.state,)

    def keep_slots(self):
        return self.outs + (self.state,)


class CondStep(_ControlStep):
    """`vals[outs] = (true if vals[pred] else false)(captured values)`."""

    __slots__ = ("args", "outs", "state", "progs", "params", "in_shapes", "meta", "site")
    op = Cond

    def __init__(self, pred, progs, outs, state, tracer, site):
        self.progs = progs
        self.outs = tuple(outs)
        self.state = state          # the slot keeping (branch taken, its values)
        caps = []
        for p in progs:
            caps.extend(outer for _, outer in p.captures)
        self.args = (pred,) + tuple(dict.fromkeys(caps))
        pos = {a: i for i, a in enumerate(self.args) if i}
        self.params = {"branches": tuple((p, tuple((local, pos[outer])
                                                   for local, outer in p.captures))
                                         for p in progs)}
        self.in_shapes = tuple(np.shape(tracer.array(a)) for a in self.args)
        self.meta = None
        self.site = site

    def run(self, vals):
        take = 0 if bool(vals[self.args[0]]) else 1
        prog = self.progs[take]
        sub = prog.forward((), [vals[outer] for _, outer in prog.captures])
        for s, o in zip(self.outs, prog.outputs):
            vals[s] = sub[o]
        vals[self.state] = (take, sub)


class WhileStep(_ControlStep):
    """Run the body program while the cond program says so; keep each pass for backward."""

    __slots__ = ("args", "outs", "state", "inits", "cprog", "bprog", "max_iter", "params",
                 "in_shapes", "meta", "site")
    op = WhileLoop

    def __init__(self, inits, cprog, bprog, outs, state, max_iter, tracer, site):
        self.inits = tuple(inits)
        self.cprog = cprog
        self.bprog = bprog
        self.outs = tuple(outs)
        self.state = state          # the slot keeping the values of every pass
        self.max_iter = max_iter
        caps = [outer for _, outer in cprog.captures] + [o for _, o in bprog.captures]
        self.args = self.inits + tuple(dict.fromkeys(caps))
        n = len(self.inits)
        pos = {a: i for i, a in enumerate(self.args) if i >= n}
        self.params = {"body": bprog, "n": n,
                       "pairs": tuple((local, pos[outer]) for local, outer in bprog.captures)}
        self.in_shapes = tuple(np.shape(tracer.array(a)) for a in self.args)
        self.meta = None
        self.site = site

    def run(self, vals):
        cur = [vals[s] for s in self.inits]
        ccaps = [vals[o] for _, o in self.cprog.captures]
        bcaps = [vals[o] for _, o in self.bprog.captures]
        passes = []
        pred = self.cprog.outputs[0]
        while self.max_iter is None or len(passes) < self.max_iter:
            if not bool(self.cprog.forward(cur, ccaps)[pred]):
                break
            bv = self.bprog.forward(cur, bcaps)
            passes.append(bv)
            cur = [bv[s] for s in self.bprog.outputs]
        for s, v in zip(self.outs, cur):
            vals[s] = v
        vals[self.state] = passes


# ------------------------------------------------------------------ cond, while_loop

def _same_structure(who, a, b):
    (la, sa), (lb, sb) = a, b
    if _spec_key(sa) != _spec_key(sb) or len(la) != len(lb):
        raise ValueError(f"{who}: both branches must return the same structure, got "
                         f"{len(la)} and {len(lb)} result(s)")


def _meta(v):
    arr = v._data if isinstance(v, Tensor) else np.asarray(v)
    return arr.shape, arr.dtype


def cond(pred: ArrayLike, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """`true_fn()` if `pred` else `false_fn()`, kept as a branch inside a trace.

    Eagerly this is a plain `if`. Inside `tg.function` both branches are traced and the
    choice is made at each replay from the value of `pred`; both must return the same
    structure of tensors with the same shapes and dtypes. Differentiable through the
    branch taken.

    Args:
        pred: a boolean scalar tensor (or Python bool).
        true_fn: a function of no arguments, run when pred is true.
        false_fn: a function of no arguments, run when pred is false.

    Returns:
        The result of the branch taken.

    Raises:
        TypeError: a branch is not callable, or (traced) the branches return
            different structures, shapes or dtypes.

    >>> import tapegrad as tg
    >>> x = tg.tensor(-2.0)
    >>> tg.cond(x > 0, lambda: x * 2, lambda: -x)
    tensor(2.)
    """
    for name, fn in (("true_fn", true_fn), ("false_fn", false_fn)):
        if not callable(fn):
            raise TypeError(f"cond: {name} must be callable, got {type(fn).__name__}")
    tr = _local.trace
    if tr is None and _vmapped(pred):
        # a predicate batched by tg.vmap: both branches run, each element picks its own
        return _select("cond", pred, true_fn(), false_fn())
    if tr is None or not isinstance(pred, Tensor):
        p = pred._data if isinstance(pred, Tensor) else pred
        if not isinstance(p, (bool, int, float, np.ndarray, np.generic)) or \
                np.asarray(p).dtype.kind not in "biuf":
            raise TypeError(f"cond: pred must be a boolean (a bool or a one-element tensor), "
                            f"got {type(pred).__name__}")
        if np.size(p) != 1:
            raise ValueError(f"cond: pred must be a single boolean, got shape {np.shape(p)}")
        return true_fn() if bool(p) else false_fn()
    if pred._data.size != 1:
        raise ValueError(f"cond: pred must be a single boolean, got shape {pred.shape}")
    site = call_site()
    pslot = tr.slot_of(pred)
    branches = []
    for fn in (true_fn, false_fn):
        sub = Tracer("cond", outer=tr)
        res = sub.run(fn)
        branches.append((sub, flatten(res)))
    _same_structure("cond", branches[0][1], branches[1][1])
    progs = []
    for sub, (leaves, _) in branches:
        progs.append(sub.finish(leaves)[1])
    (ta, tb) = [[_meta(sub.values[s]) for s in p.outputs] for (sub, _), p in
                zip(branches, progs)]
    for k, (ma, mb) in enumerate(zip(ta, tb)):
        if ma != mb:
            raise ValueError(f"cond: result {k} has shape {ma[0]} and dtype {ma[1]} in "
                             f"true_fn but shape {mb[0]} and dtype {mb[1]} in false_fn")
    take = 0 if bool(np.asarray(pred._data)) else 1
    sub, prog = branches[take][0], progs[take]
    outs = []
    out_slots = []
    for s in prog.outputs:
        t, slot = tr.add_value(Traced.wrap(np.asarray(sub.array(s))))
        out_slots.append(slot)
        outs.append(t)
    state = tr.new_slot()
    tr.steps.append(CondStep(pslot, progs, out_slots, state, tr, site))
    return unflatten(branches[take][1][1], outs)


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Sequence[Any],
               maximum_iterations: int | None = None) -> Any:
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`; kept inside a trace.

    `loop_vars` is a tuple or list of tensors (nested structures allowed); `body` returns
    the same structure with the same shapes and dtypes. At most `maximum_iterations`
    passes run when it is given. Eagerly this is a Python loop; inside `tg.function` the
    loop is one step of the graph, and it is differentiable with respect to the initial
    values and to any tensor the body reads.

    Args:
        cond: a function of the loop variables returning a boolean scalar.
        body: a function of the loop variables returning their next values.
        loop_vars: a tuple or list of tensors (nested structures allowed).
        maximum_iterations: stop after this many passes (None: no limit).

    Returns:
        The loop variables after the last pass, in loop_vars' structure.

    Raises:
        TypeError: cond or body is not callable, or body changes the structure,
            shapes or dtypes of the loop variables.

    >>> import tapegrad as tg
    >>> i, x = tg.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2),
    ...                      (tg.tensor(0), tg.tensor(1.0)))
    >>> x
    tensor(8.)
    """
    if not isinstance(loop_vars, (tuple, list)):
        raise TypeError(f"while_loop: loop_vars must be a tuple or list, got "
                        f"{type(loop_vars).__name__}")
    for name, fn in (("cond", cond), ("body", body)):
        if not callable(fn):
            raise TypeError(f"while_loop: {name} must be a function, got {fn!r:.40} "
                            f"({type(fn).__name__})")
    if maximum_iterations is not None:
        # a float would loop a truncated or unbounded number of times
        if isinstance(maximum_iterations, (bool, np.bool_)) or not isinstance(
                maximum_iterations, (int, np.integer)):
            raise TypeError(f"while_loop: maximum_iterations must be an int or None, got "
                            f"{maximum_iterations!r:.40} ({type(maximum_iterations).__name__})")
        if maximum_iterations < 0:
            raise ValueError(f"while_loop: maximum_iterations must be >= 0, got "
                             f"{maximum_iterations}")
    tr = _local.trace
    if tr is None:
        return _eager_while(cond, body, loop_vars, maximum_iterations)
    site = call_site()
    leaves, spec = flatten(loop_vars)
    leaves = [v if isinstance(v, Tensor) else make(np.asarray(v)) for v in leaves]
    metas = [_meta(v) for v in leaves]
    inits = [tr.slot_of(v) for v in leaves]
    arrays = [tr.array(s) for s in inits]

    csub = Tracer("while_loop cond", outer=tr)
    # copies: a loop variable that starts as a tensor the body also reads from its
    # closure must not be mistaken for that tensor (inputs are matched by their arrays)
    cvars = [csub.add_input(a.copy()) for a in arrays]
    pred = csub.run(cond, tuple(unflatten(spec, cvars)))
    if not isinstance(pred, Tensor):
        pred = make(np.asarray(pred))
    if pred._data.size != 1:
        raise ValueError(f"while_loop: cond must return a single boolean, got shape "
                         f"{pred.shape}")
    cprog = csub.finish([pred])[1]

    bsub = Tracer("while_loop body", outer=tr)
    bvars = [bsub.add_input(a.copy()) for a in arrays]
    res = bsub.run(body, tuple(unflatten(spec, bvars)))
    if not isinstance(res, (tuple, list)):
        res = (res,)
    rleaves, rspec = flatten(type(loop_vars)(res))
    if _spec_key(rspec) != _spec_key(spec):
        raise ValueError("while_loop: body must return the same structure as loop_vars")
    for k, (leaf, (shape, dtype)) in enumerate(zip(rleaves, metas)):
        if _meta(leaf) != (shape, dtype):
            s2, d2 = _meta(leaf)
            raise ValueError(f"while_loop: loop variable {k} enters with shape {shape} and "
                             f"dtype {dtype} but body returns shape {s2} and dtype {d2}; "
                             "loop variables must keep their shape and dtype")
    bprog = bsub.finish(rleaves)[1]

    state = tr.new_slot()
    outs = [tr.new_slot() for _ in leaves]
    step = WhileStep(inits, cprog, bprog, outs, state, maximum_iterations, tr, site)
    # trace-time values: run the loop once on this call's arrays
    vals = [tr.array(s) for s in range(len(tr.values))]
    step.run(vals)
    results = []
    for s in outs:
        t = Traced.wrap(np.asarray(vals[s]))
        tr.values[s] = t
        tr.bind(t, s)
        results.append(t)
    tr.steps.append(step)
    return unflatten(spec, results)


def _vmapped(v):
    return isinstance(v, Tensor) and v._x is not None and "vmap" in v._x


def _any_element(p):
    """Whether a predicate batched by tg.vmap holds for any element (at every level)."""
    while _vmapped(p):
        p = p._x["vmap"][1]
    return bool(np.any(p._data if isinstance(p, Tensor) else p))


def _select(who, pred, a, b):
    """a where the batched predicate holds, else b, leaf by leaf of two like pytrees."""
    la, spec = flatten(a)
    lb, spec_b = flatten(b)
    if spec != spec_b:
        raise TypeError(f"{who}: under tg.vmap both values must have the same structure, "
                        f"got {spec} and {spec_b}")
    if pred.size != 1:
        raise ValueError(f"{who}: pred must be a single boolean, got shape {pred.shape}")
    p = ops.reshape(ops.cast(pred, np.bool_), ())
    return unflatten(spec, [ops.where(p, x, y) for x, y in zip(la, lb)])


def _eager_while(cond, body, loop_vars, maximum_iterations):
    kind = type(loop_vars)
    cur = loop_vars
    n = 0
    while maximum_iterations is None or n < maximum_iterations:
        p = cond(*cur)
        if _vmapped(p):
            # batched by tg.vmap: run while any element goes on; the others keep their
            # values (each element stops where its own loop would)
            if not _any_element(p):
                break
            res = body(*cur)
            new = kind(res) if isinstance(res, (tuple, list)) else kind((res,))
            cur = _select("while_loop", p, new, cur)
            n += 1
            continue
        p = p._data if isinstance(p, Tensor) else p
        if np.size(p) != 1:
            raise ValueError(f"while_loop: cond must return a single boolean, got shape "
                             f"{np.shape(p)}")
        if not bool(p):
            break
        res = body(*cur)
        cur = kind(res) if isinstance(res, (tuple, list)) else kind((res,))
        if len(flatten(cur)[0]) != len(flatten(loop_vars)[0]):
            raise ValueError("while_loop: body must return the same structure as loop_vars")
        n += 1
    return cur
