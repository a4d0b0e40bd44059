"""A compiled trace: a flat list of steps over numbered value slots.

Forward, each step reads its argument slots and writes its result slots (`run`); a
replay is the steps in order on plain arrays. Backward, each differentiable step is a
node for the engine's node runner: the program walks its steps in reverse and hands
each one's node and cotangent to `run_node`, which runs the op's own rule, checks it
under detect_anomaly and fits the gradients to the inputs' shapes. The program only
orders the steps and sums the gradients that meet in a slot; it has no rule of its own.
"""
import operator
import threading

import numpy as np

from .._graph import Node
from .._native import SPEEDUPS
from ..autograd.engine import BackwardState, run_node


# ------------------------------------------------------------------ steps

class Step:
    """One step of a program. `args` are the slots it reads, `outs` those it writes.

    Forward: `run(vals)`. Backward: `node(mask)` builds the node the runner reads (op,
    params, input shapes, site; `mask` says which inputs want a gradient), and
    `back(vals, gv, node, state)` runs it on this call's values through the engine's
    run_node: the cotangents of `outs` in `gv` become gradients added into the slots of
    `args`. `state` is the engine's BackwardState of this program backward."""

    __slots__ = ()
    op = None
    params = None
    dyn_slot = None
    site = None
    differentiable = True
    multi = False               # several results: the rule's g is a tuple
    cplx = None                 # a node's _x["complex"] at trace time (ops/_apply._record)

    def keep_slots(self):
        """Slots a backward reads, so the forward must not free them."""
        return self.saved_slots()

    def saved_slots(self):
        return ()

    def saved(self, vals):
        return tuple(vals[s] for s in self.saved_slots())

    def node(self, mask):
        # `next` holds the step for every input that wants a gradient: the runner
        # leaves the others out (None)
        node = Node(self.op, None, self.params, self.in_shapes,
                    tuple(self if m else None for m in mask), mask, None, self.meta,
                    self.site)
        if self.cplx is not None:
            node._set("complex", self.cplx)
        return node

    def back(self, vals, gv, node, state):
        outs = self.outs
        if self.multi:                  # the rule takes one cotangent per result
            g = tuple(gv[s] for s in outs)
            if all(c is None for c in g):
                return
        else:
            g = gv[outs[0]]
            if g is None:
                return
        for s in outs:
            gv[s] = None
        node._saved = self.saved(vals)
        if self.dyn_slot is not None:
            node.params = vals[self.dyn_slot]
        gxs = run_node(node, g, state)
        node._saved = None
        for a, gx, nxt in zip(self.args, gxs, node.next):
            if gx is not None and nxt is not None:
                prev = gv[a]
                gv[a] = gx if prev is None else prev + gx


class OpStep(Step):
    """One op application: `vals[out] = op.forward(*vals[args], **params)`.

    `dyn` lists params that hold a traced value ((key, position or None, slot), e.g. an
    index taken from a tensor): each replay reads them from their slot and keeps the
    params it built in `dyn_slot` for the backward. `fn` and `fargs` are what the replay
    calls: `op.forward` and `args`, or the one NumPy function the forward amounts to
    (see Op.direct) with its extra constant argument slots."""

    __slots__ = ("op", "args", "params", "dyn", "dyn_slot", "out", "outs", "in_shapes",
                 "meta", "site", "fn", "fargs", "saved", "cplx")

    def __init__(self, op, args, params, dyn, out, in_shapes, meta, site):
        self.op = op
        self.args = args
        self.params = params
        self.dyn = dyn
        self.dyn_slot = None
        self.out = out
        self.outs = (out,)
        self.in_shapes = in_shapes
        self.meta = meta            # (shape, dtype) of the trace-time result
        self.site = site            # where the user called the op (detect_anomaly names it)
        self.fn = op.forward
        self.fargs = args
        self.saved = _getter(self.saved_slots())
        self.cplx = None

    @property
    def differentiable(self):
        return self.op.differentiable and self.op.vjp is not None

    def saved_slots(self):
        op = self.op
        if not self.differentiable:
            return ()
        if op.save_all:
            return self.args
        return tuple(self.out if i < 0 else self.args[i] for i in op._save_idx)

    def keep_slots(self):
        return self.saved_slots() + tuple(s for _, _, s in self.dyn)

    def run(self, vals):
        if self.dyn:
            kw = dynamic_params(self, vals)
            vals[self.dyn_slot] = kw
        else:
            kw = self.params or {}
        vals[self.out] = self.fn(*[vals[a] for a in self.fargs], **kw)


def _getter(slots):
    """vals -> the tuple of vals at `slots`."""
    if not slots:
        return lambda vals: ()
    if len(slots) == 1:
        s = slots[0]
        return lambda vals: (vals[s],)
    return operator.itemgetter(*slots)


def dynamic_params(step, vals):
    """`step.params` with each traced param read from its slot in this replay."""
    kw = dict(step.params)
    for key, pos, slot in step.dyn:
        if pos is None:
            kw[key] = vals[slot]
        else:
            items = list(kw[key])
            items[pos] = vals[slot]
            kw[key] = tuple(items)
    return kw


# ------------------------------------------------------------------ programs

class Program:
    """A compiled trace: slot template, steps, and a backward plan per wanted set.

    Built from a finished tracer (see trace.Tracer): its values (for shapes and the
    trace-time results), constants, inputs, captures and steps."""

    def __init__(self, tracer, outputs):
        n = len(tracer.values)
        self.n = n
        self.template = [None] * n
        for s, c in tracer.consts.items():
            self.template[s] = c
        self.inputs = tuple(tracer.inputs)
        self.captures = tuple(tracer.captures)
        self.cap_slots = tuple(s for s, _ in tracer.captures)
        self.outputs = tuple(outputs)
        self.steps = tracer.steps
        self.plans = {}
        self.lock = threading.Lock()
        self.frees = self._frees()
        self.buffers = _buffer_plan(self.steps, self.frees, tracer)
        self.replay = compile_replay(self.steps, self.frees, self.buffers)

    def _frees(self):
        """Per step, the slots whose last reader it is and that nothing later needs."""
        keep = set(self.outputs)
        for st in self.steps:
            keep.update(st.keep_slots())
        last = {}
        for k, st in enumerate(self.steps):
            for a in st.args:
                last[a] = k
        frees = [[] for _ in self.steps]
        fixed = set(self.inputs) | set(self.cap_slots) | {
            s for s, v in enumerate(self.template) if v is not None}
        for s, k in last.items():
            if s not in keep and s not in fixed:
                frees[k].append(s)
        return [tuple(f) for f in frees]

    def forward(self, ins, caps):
        """Every slot's value for one call (freed ones None)."""
        vals = self.template.copy()
        for s, a in zip(self.inputs, ins):
            vals[s] = a
        for s, a in zip(self.cap_slots, caps):
            vals[s] = a
        if self.replay is not None:
            self.replay(vals)
            return vals
        for st, free in zip(self.steps, self.frees):
            st.run(vals)
            for s in free:
                vals[s] = None
        return vals

    # -- backward
    def plan(self, wanted):
        """([(step, node), ...] in backward order for the steps on a path from the
        outputs to the `wanted` slots, its compiled form or None); the nodes are reused
        by every backward with this set (under the program's lock)."""
        plan = self.plans.get(wanted)
        if plan is None:
            plan = self._make_plan(wanted)
            plan = self.plans[wanted] = (plan, compile_backward(plan, wanted))
        return plan

    def _make_plan(self, wanted):
        dep = set(wanted)
        for st in self.steps:
            if st.differentiable and any(a in dep for a in st.args):
                dep.update(st.outs)
        live = {s for s in self.outputs if s in dep}
        plan = []
        for st in reversed(self.steps):
            if not st.differentiable or not any(o in live for o in st.outs):
                continue
            mask = tuple(a in dep for a in st.args)
            if not any(mask):
                continue
            live.update(a for a, m in zip(st.args, mask) if m)
            plan.append((st, st.node(mask)))
        return plan

    def backward(self, vals, cots, wanted):
        """Cotangents of the outputs -> gradients of the `wanted` slots (None: no path)."""
        plan, fast = self.plan(wanted)
        gv = [None] * self.n
        for s, c in zip(self.outputs, cots):
            if c is not None:
                gv[s] = c if gv[s] is None else gv[s] + c
        # saved values stay with the nodes (retain): they are this call's, set per step
        state = BackwardState.plain(retain_graph=True)
        with self.lock, np.errstate(all="ignore"):
            if fast is not None:
                return fast(vals, gv, state)
            for st, node in plan:
                st.back(vals, gv, node, state)
        return [gv[s] for s in wanted]


# ------------------------------------------------------------------ the forward replay

_REUSE_BYTES = 1 << 16      # smaller results are cheaper fresh (C direct loops, no out=)


def _simple(st):
    """An op step the straight-line replay can call as `fn(*args)`, maybe with params."""
    return isinstance(st, OpStep) and not st.dyn


def _is_ufunc_step(st):
    fn = st.fn
    return (_simple(st) and not st.params and isinstance(fn, np.ufunc) and fn.nout == 1
            and fn.nin == len(st.fargs))


def _buffer_plan(steps, frees, tracer):
    """Which step writes into which dead buffer (`out=`), for the forward replay.

    A buffer may be reused once its value is dead, if it was made by a ufunc (so it is a
    fresh array of its own) and only ufuncs read it (none of them returns a view of it);
    the step that reuses it must be a ufunc whose result has the buffer's shape and dtype
    and at least _REUSE_BYTES. An elementwise ufunc may write over an input that dies at
    that step; any reusable ufunc may take a buffer that died earlier. Values the backward
    reads are never dead, so saved values are never overwritten. A replay only reuses
    buffers it allocated itself, so calls stay independent of each other. The replay
    also checks at run time that the result would be C-ordered anyway (_c_order).

    Returns (out buffer slot or None, slots to pool instead of delete) per step; nothing
    is reused when some step needs the general loop (control flow, traced params)."""
    if not all(_simple(st) for st in steps):
        return [(None, ())] * len(steps)
    meta = {}           # slot -> (shape, dtype, bytes) of each step's trace-time result
    for st in steps:
        v = tracer.array(st.out)
        if isinstance(v, np.ndarray):
            meta[st.out] = (v.shape, v.dtype, v.nbytes)

    def big(slot):
        m = meta.get(slot)
        return m is not None and m[2] >= _REUSE_BYTES

    ufunc_steps = [_is_ufunc_step(st) for st in steps]
    readers_ok = {}
    for k, st in enumerate(steps):
        for a in st.fargs:
            readers_ok[a] = readers_ok.get(a, True) and ufunc_steps[k]
    owned = {st.out for k, st in enumerate(steps)
             if ufunc_steps[k] and big(st.out) and readers_ok.get(st.out, True)}
    # how many later steps could still take a buffer of each (shape, dtype)
    demand = {}
    for k, st in enumerate(steps):
        if ufunc_steps[k] and big(st.out):
            key = meta[st.out][:2]
            demand[key] = demand.get(key, 0) + 1
    pool = {}
    plan = []
    for k, (st, free) in enumerate(zip(steps, frees)):
        buf = None
        if ufunc_steps[k] and big(st.out):
            key = meta[st.out][:2]
            demand[key] -= 1
            if st.fn.signature is None:     # elementwise: may overwrite a dying input
                buf = next((a for a in st.fargs if a in free and a in owned
                            and meta[a][:2] == key), None)
            if buf is None and pool.get(key):
                buf = pool[key].pop()
        keep = []
        for a in free:
            if a in owned and a != buf:
                key = meta[a][:2]
                if len(pool.setdefault(key, [])) < demand.get(key, 0):
                    pool[key].append(a)
                    keep.append(a)
        plan.append((buf, tuple(keep)))
    return plan


def _c_order(*xs):
    """Whether every array among `xs` is C-contiguous (scalars count as such)."""
    for x in xs:
        if isinstance(x, np.ndarray) and not x.flags.c_contiguous:
            return False
    return True


def _fast_calls():
    """The C speedups module when in use (its ufunc_call), else None."""
    return SPEEDUPS


def compile_replay(steps, frees, buffers):
    """The forward replay as one straight-line Python function (`v7 = f3(v5, vals[2])`),
    or None when some step needs the general loop (control flow, traced params).

    Generated for speed: a replay of small ops is bound by the Python work per op, and
    this function pays one call per op and nothing else (no loop, no step lookup, values
    in locals); on W1 (300 small ops) tg.function costs 1.93x the NumPy floor with it and
    2.42x with the loop of Program.forward. Values are dropped at their last use, or kept
    as a buffer a later step writes into (see _buffer_plan); those the backward reads are
    stored into `vals` at the end."""
    if not all(_simple(st) for st in steps):
        return None
    env = {}
    lines = ["def _replay(vals):"]
    local = set()
    spare = set()           # dead values kept as buffers for later steps
    fast = _fast_calls()
    for k, (st, free, (buf, pooled)) in enumerate(zip(steps, frees, buffers)):
        env[f"_f{k}"] = st.fn
        out = st.out
        args = ", ".join(f"v{a}" if a in local else f"vals[{a}]" for a in st.fargs)
        if st.params:
            env[f"_k{k}"] = st.params
            args = f"{args}, **_k{k}" if args else f"**_k{k}"
        if buf is not None:
            # only where the fresh result would be C-ordered too: a layout that differs
            # from eager's could change a later reduction's or matmul's rounding
            env["_c_order"] = _c_order
            names = [f"v{buf}"]
            if st.fn.signature is None:     # elementwise: its operands set the layout
                names += [f"v{a}" if a in local else f"vals[{a}]" for a in st.fargs
                          if a != buf]
            operands = ", ".join(names)
            lines += [f"    if _c_order({operands}):",
                      f"        v{out} = _f{k}({args}, out=v{buf})",
                      "    else:",
                      f"        v{out} = _f{k}({args})"]
            if buf in spare:                # a pooled buffer: its name is spent now
                lines.append(f"    del v{buf}")
                spare.discard(buf)
                local.discard(buf)
        elif fast is not None and _is_ufunc_step(st) and len(st.fargs) <= 2:
            # NumPy's inner loop where it applies, the ufunc otherwise (see ufunc_call)
            env["_ufunc_call"] = fast.ufunc_call
            lines.append(f"    v{out} = _ufunc_call(_f{k}, {args})")
        else:
            lines.append(f"    v{out} = _f{k}({args})")
        local.add(out)
        spare.update(pooled)
        for a in free:
            if a in local and a not in pooled:
                lines.append(f"    del v{a}")
                local.discard(a)
    for a in sorted(local - spare):
        lines.append(f"    vals[{a}] = v{a}")
    if len(lines) == 1:
        lines.append("    pass")
    return _define(lines, env, "<tg.function replay>")


def compile_backward(plan, wanted):
    """A backward plan as one straight-line function `(vals, gv, state) -> gradients of
    the wanted slots`, or None when some step needs the general loop (control flow,
    traced params). Per step it does what the loop in Program.backward does through
    Step.back: hand the step's node its saved values and cotangent to `run_node`, and add
    the gradients it returns into the input slots, with cotangents in locals (`g7`)
    dropped as soon as their step ran. No step of running a node is written here.

    Generated for speed only: on W1 (300 small ops) tg.function costs 1.95x the NumPy
    floor with it and 2.6x with the loop (its iteration and Step.back's call per step)."""
    if not all(isinstance(st, OpStep) and st.dyn_slot is None for st, _ in plan):
        return None
    env = {"_run": run_node}
    slots = set(wanted)
    for st, node in plan:
        slots.add(st.out)
        slots.update(a for a, m in zip(st.args, node.needs_grad) if m)
    lines = ["def _back(vals, gv, state):"]
    for a in sorted(slots):
        lines.append(f"    g{a} = gv[{a}]")
    for k, (st, node) in enumerate(plan):
        env[f"_n{k}"] = node
        saved = "(" + "".join(f"vals[{a}], " for a in st.saved_slots()) + ")"
        out = st.out
        lines += [f"    if g{out} is not None:",
                  f"        _n{k}._saved = {saved}",
                  f"        r = _run(_n{k}, g{out}, state)",
                  f"        _n{k}._saved = None",
                  f"        g{out} = None"]
        for j, (a, m) in enumerate(zip(st.args, node.needs_grad)):
            if m:
                lines += [f"        gx = r[{j}]",
                          "        if gx is not None:",
                          f"            g{a} = gx if g{a} is None else g{a} + gx"]
    lines.append("    return [" + ", ".join(f"g{a}" for a in wanted) + "]")
    return _define(lines, env, "<tg.function backward>")


def _define(lines, env, filename):
    """The function that `lines` (Python source, one `def`) define, with globals `env`.
    The only place graph mode runs generated code: the replay and the backward above
    are generated only because a call per step, without loop or lookup, is what keeps
    small-op programs fast (numbers in their docstrings)."""
    code = compile("\n".join(lines), filename, "exec")
    exec(code, env)
    name = lines[0].split()[1].split("(")[0]
    return env[name]
