"""Graph mode (as tf.function): `function`, `cond`, `while_loop`.

`tg.function` runs a Python function once per input signature with every tapegrad op
recorded into a flat program of steps (op class, argument slots, params). Later calls
replay the program on plain arrays: each step is one `Op.forward` call, and backward runs
each op's own `vjp` rule on arrays in a precomputed order. No Tensor, Node or graph walk
is built per op; one node stands for the whole call in the eager graph, so `backward`,
tapes and the transforms see a traced function like any other op. When the cotangent
arrives as a Tensor (create_graph, nested transforms), that node re-runs the function
eagerly and differentiates it, so higher-order derivatives stay exact.

What a trace can see: tensor operations. Python control flow runs once, at trace time;
`cond` and `while_loop` keep data-dependent branches and loops in the graph. Asking a
traced tensor for a Python value (`bool`, `float`, `.item()`, `.numpy()`) raises, since
that value would be frozen into the graph.
"""
import functools
import inspect
import operator
import threading

import numpy as np

from . import _state
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import _fitted
from .autograd.graph import grad_edge
from .ops._core import Ctx, Op, _frozen, _share_version, apply, call

_local = _state.local

__all__ = ["function", "cond", "while_loop"]


class TraceError(TypeError):
    """Raised when a traced function does something a static graph cannot hold."""


class TraceWarning(UserWarning):
    """A traced function read tensor values outside tapegrad ops and runs eagerly."""


# ------------------------------------------------------------------ traced values

class _Raw(Op):
    """A NumPy function without a gradient (comparisons, argmax, ...) inside a trace."""

    args = ()
    differentiable = False
    bw_name = "RawBackward"

    @staticmethod
    def forward(*xs, fn, kw):
        return fn(*xs, **kw) if kw else fn(*xs)


def _raw_op(fn, *args, **kw):
    return apply(_Raw, *args, fn=fn, kw=kw or None)


def _identity(x):
    return x


def _argmax(x, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims).astype(np.int64)


def _argmin(x, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims).astype(np.int64)


def _binop(fn, reflected=False):
    if reflected:
        return lambda self, o: _raw_op(fn, o, self)
    return lambda self, o: _raw_op(fn, self, o)


class _Traced(Tensor):
    """A tensor inside a trace: real data (the trace runs on the first call's values),
    but no Python value may be taken from it, since that value would be frozen."""

    __slots__ = ()
    __hash__ = Tensor.__hash__

    def _refuse(self, what):
        raise TraceError(
            f"tg.function: {what} of a traced tensor (shape {self.shape}) would freeze this "
            "call's value into the graph. Use tg.cond / tg.while_loop for data-dependent "
            "control flow, keep the computation in tensor ops, or call the function "
            "without tg.function.")

    def __bool__(self):
        self._refuse("bool()")

    def __float__(self):
        self._refuse("float()")

    def __int__(self):
        self._refuse("int()")

    def __index__(self):
        self._refuse("using as an index (__index__)")

    def __complex__(self):
        self._refuse("complex()")

    def item(self):
        self._refuse(".item()")

    def tolist(self):
        self._refuse(".tolist()")

    def numpy(self):
        self._refuse(".numpy()")

    def __array__(self, dtype=None, copy=None):
        self._refuse("np.asarray()")

    # Results without a gradient are ops too, so that the replay recomputes them.
    __lt__ = _binop(np.less)
    __le__ = _binop(np.less_equal)
    __gt__ = _binop(np.greater)
    __ge__ = _binop(np.greater_equal)
    __eq__ = _binop(np.equal)
    __ne__ = _binop(np.not_equal)
    __and__ = __rand__ = _binop(np.bitwise_and)
    __or__ = __ror__ = _binop(np.bitwise_or)
    __xor__ = _binop(np.bitwise_xor)
    # % and // are differentiable ops (Tensor's methods), recorded like any other

    def __invert__(self):
        return _raw_op(np.invert, self)

    def any(self):
        return _raw_op(np.any, self)

    def all(self):
        return _raw_op(np.all, self)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _raw_op(_argmax, self, axis=dim if dim is not None else axis,
                       keepdims=keepdim if keepdim is not None else keepdims)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _raw_op(_argmin, self, axis=dim if dim is not None else axis,
                       keepdims=keepdim if keepdim is not None else keepdims)


def _traced(arr):
    t = make(np.asarray(arr).view(_TracedArray))
    t.__class__ = _Traced
    return t


# NumPy functions that only look at metadata (no values): reading them freezes nothing
_META_FUNCS = frozenset([np.shape, np.ndim, np.size, np.result_type, np.iscomplexobj,
                         np.isrealobj, np.can_cast, np.min_scalar_type])


def _read_method(name):
    """ndarray's method `name`, noting the read when it runs outside an op."""
    base = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        _note_read(f".{name}()")
        return base(np.asarray(self), *args, **kwargs)
    method.__name__ = name
    return method


class _TracedArray(np.ndarray):
    """The array of a traced tensor. Inside an op's forward it behaves as a plain array;
    anywhere else (library or user code computing on `t._data` with NumPy) the read is
    noted, because the replay could not repeat it: the trace then falls back to eager."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _note_read(f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"))
        inputs = tuple(np.asarray(x) if isinstance(x, _TracedArray) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(x) if isinstance(x, _TracedArray) else x
                                  for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func not in _META_FUNCS:
            _note_read(f"np.{func.__name__}")
        return func._implementation(*args, **kwargs) if hasattr(func, "_implementation") \
            else super().__array_function__(func, (np.ndarray,), args, kwargs)

    # methods that read values without going through NumPy's dispatch
    item = _read_method("item")
    tolist = _read_method("tolist")
    __bool__ = _read_method("__bool__")
    __float__ = _read_method("__float__")
    __int__ = _read_method("__int__")
    __index__ = _read_method("__index__")
    __complex__ = _read_method("__complex__")
    astype = _read_method("astype")
    copy = _read_method("copy")
    reshape = _read_method("reshape")
    ravel = _read_method("ravel")
    flatten = _read_method("flatten")
    transpose = _read_method("transpose")
    squeeze = _read_method("squeeze")
    argmax = _read_method("argmax")
    argmin = _read_method("argmin")
    nonzero = _read_method("nonzero")
    dot = _read_method("dot")
    __getitem__ = _read_method("__getitem__")
    searchsorted = _read_method("searchsorted")
    take = _read_method("take")
    repeat = _read_method("repeat")
    clip = _read_method("clip")
    round = _read_method("round")
    sort = _read_method("sort")
    argsort = _read_method("argsort")


def _note_read(what):
    tr = _local.trace
    if tr is not None:
        tr.note_read(what)


# ------------------------------------------------------------------ tracing

class _OpStep:
    """One op application: `vals[out] = op.forward(*vals[args], **params)`."""

    __slots__ = ("op", "args", "params", "dyn", "dyn_slot", "out", "in_shapes", "out_shape",
                 "outs", "direct", "fargs")

    def __init__(self, op, args, params, dyn, out, in_shapes, out_shape):
        self.op = op
        self.args = args
        self.params = params
        self.dyn = dyn              # ((key, position or None, slot), ...): traced params
        self.dyn_slot = None        # where a replay keeps the params it built (for backward)
        self.direct = None          # the NumPy function op.forward amounts to, if checked
        self.fargs = args           # its argument slots
        self.out = out
        self.outs = (out,)
        self.in_shapes = in_shapes
        self.out_shape = out_shape

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


class _Tracer:
    """Records the steps of one (sub-)program while its Python function runs."""

    def __init__(self, who, outer=None):
        self.who = who
        self.outer = outer
        self.slot = {}          # id(tensor) -> slot
        self.by_data = {}       # id(ndarray of a traced value) -> slot
        self.values = []        # slot -> the trace-time Tensor or constant (keeps ids alive)
        self.consts = {}        # slot -> constant placed in every replay's slot list
        self.captures = []      # (slot, source): a Tensor (top level) or an outer slot
        self.versions = []      # (tensor, version when it appeared): to catch in-place writes
        self.reads = None       # where tensor values were first read outside ops, if ever
        self.inputs = []
        self.steps = []

    # -- slots
    def _new(self, value):
        self.values.append(value)
        return len(self.values) - 1

    def _bind(self, t, slot):
        self.slot[id(t)] = slot
        if isinstance(t, Tensor):
            self.by_data.setdefault(id(t._data), slot)

    def add_input(self, arr):
        t = _traced(arr)
        s = self._new(t)
        self._bind(t, s)
        self.inputs.append(s)
        self.versions.append((t, 0))
        return t

    def add_value(self, t):
        if type(t) is Tensor:
            t.__class__ = _Traced
        d = t._data
        if type(d) is np.ndarray:
            t._data = d.view(_TracedArray)
        s = self._new(t)
        self._bind(t, s)
        self.versions.append((t, t._version))
        return s

    def array(self, slot):
        """The trace-time value of `slot`, as a plain array."""
        v = self.values[slot]
        v = v._data if isinstance(v, Tensor) else v
        return np.asarray(v) if isinstance(v, _TracedArray) else v

    def note_read(self, what):
        if self.reads is None:
            from .ops._core import _site, site_text
            self.reads = f"{what} at {site_text(_site(3))}"
        if self.outer is not None:
            self.outer.note_read(what)

    def slot_of(self, v):
        """The slot holding `v`; tensors from outside the trace become captures."""
        if isinstance(v, Tensor):
            s = self.slot.get(id(v))
            if s is not None:
                return s
            alias = self.by_data.get(id(v._data))
            if alias is not None:
                # `make(x._data)` / `.detach()` of a traced value: the same values, with
                # the gradient stopped (as the eager detach would)
                s = self._new(v)
                self.slot[id(v)] = s
                self.steps.append(_OpStep(_Raw, (alias,), {"fn": _identity, "kw": None}, (),
                                          s, (v._data.shape,), v._data.shape))
                return s
            s = self._new(v)
            self._bind(v, s)
            if self.outer is None:
                self.captures.append((s, v))
                self.versions.append((v, v._version))
            else:
                self.captures.append((s, self.outer.slot_of(v)))
            return s
        if isinstance(v, np.ndarray) and id(v) in self.by_data:
            return self.by_data[id(v)]
        s = self._new(v)
        self.consts[s] = v
        return s

    def _param_slots(self, op, params):
        """Params that hold a traced tensor's array (e.g. an index taken from a tensor):
        they are read from their slot at every replay instead of being frozen."""
        dyn = []
        for key, value in params.items():
            items = value if isinstance(value, tuple) else (value,)
            for pos, item in enumerate(items):
                if isinstance(item, np.ndarray) and id(item) in self.by_data:
                    dyn.append((key, pos if isinstance(value, tuple) else None,
                                self.by_data[id(item)]))
        return tuple(dyn)

    # -- the hook apply() calls while tracing
    def apply(self, op, args, params):
        from .autograd.function import _CustomOp
        if issubclass(op, _CustomOp):
            raise TraceError(
                f"tg.function: a custom autograd.Function / custom_gradient ({op.__name__}) "
                "cannot be traced: its Python backward belongs to one call. Call it outside "
                "the traced function.")
        _local.trace = None
        try:
            t = apply(op, *args, **params)
        finally:
            _local.trace = self
        arg_slots = tuple(self.slot_of(a) for a in args)
        shapes = tuple(a._data.shape if isinstance(a, Tensor) else None for a in args)
        dyn = self._param_slots(op, params) if params else ()
        out = self.add_value(t)
        step = _OpStep(op, arg_slots, params or None, dyn, out, shapes, t._data.shape)
        if dyn:
            step.dyn_slot = self._new(None)
        elif not params and op.direct is not None:
            self._make_direct(step, args, t)
        self.steps.append(step)
        return t

    def _make_direct(self, step, args, t):
        """Replay `op.forward` as the NumPy call it amounts to (one Python frame less),
        after checking on this call's values that both give the same array."""
        fn, extra = step.op.direct
        raw = [np.asarray(a._data) if isinstance(a, Tensor) else a for a in args] + list(extra)
        try:
            r = np.asarray(fn(*raw))
        except Exception:
            return
        want = np.asarray(t._data)
        if r.dtype == want.dtype and r.shape == want.shape and \
                np.array_equal(r, want, equal_nan=want.dtype.kind in "fc"):
            step.direct = fn
            step.fargs = step.args + tuple(self._const(e) for e in extra)

    def _const(self, value):
        s = self._new(value)
        self.consts[s] = value
        return s

    def refuse(self, what):
        raise TraceError(f"tg.function: {what} inside a traced function is not supported; "
                         "trace the forward computation and differentiate the traced "
                         "function from outside (tg.grad(f), loss.backward(), a tape)")

    def run(self, fn, args=(), kwargs=None):
        prev = _local.trace
        _local.trace = self
        try:
            return fn(*args, **(kwargs or {}))
        finally:
            _local.trace = prev

    def check_writes(self):
        for t, ver in self.versions:
            if t._version == ver:
                continue
            if isinstance(t, _Traced):
                raise TraceError(
                    f"tg.function: a tensor of shape {t.shape} was changed in place inside "
                    "the traced function (t[...] = v, copy_, add_, ...); write it out of "
                    "place (e.g. tg.where, tg.concatenate)")
            raise TraceError(
                f"tg.function: a tensor of shape {t.shape} from outside the function was "
                "changed in place while tracing; the replay would not repeat that write. "
                "Pass the new value out as a result and assign it outside.")


# ------------------------------------------------------------------ programs

class _Program:
    """A compiled trace: slot template, forward steps and cached backward plans."""

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
        self._compile_forward(tracer)

    def _compile_forward(self, tracer):
        keep = set(self.outputs)
        for st in self.steps:
            if isinstance(st, _OpStep):
                keep.update(st.saved_slots())
                keep.update(s for _, _, s in st.dyn)
            else:
                keep.update(st.keep_slots())
        last = {}
        for k, st in enumerate(self.steps):
            for a in st.args:
                last[a] = k
        frees = [[] for _ in self.steps]
        fixed = set(self.inputs) | set(self.cap_slots) | set(self.template_slots())
        for s, k in last.items():
            if s not in keep and s not in fixed:
                frees[k].append(s)
        meta = {}          # slot -> (shape, dtype, bytes) of each step's trace-time result
        for st in self.steps:
            if isinstance(st, _OpStep):
                v = tracer.array(st.out)
                if isinstance(v, np.ndarray):
                    meta[st.out] = (v.shape, v.dtype, v.nbytes)
        # each entry: (kind, fn, getter, kw, out, free, step)
        fsteps = []
        for st, free in zip(self.steps, frees):
            free = tuple(free)
            if not isinstance(st, _OpStep):
                fsteps.append((4, None, None, None, None, free, st))
                continue
            fn = st.direct or st.op.forward
            kw = st.params
            if st.dyn:
                fsteps.append((5, fn, st.args, kw, st.out, free, st))
                continue
            fargs = st.fargs
            if len(fargs) == 1:
                kind, getter = 0, operator.itemgetter(fargs[0])
            elif not fargs:
                kind, getter = 1, (lambda vals: ())
            else:
                kind, getter = 1, operator.itemgetter(*fargs)
            if kw:
                kind += 2
            fsteps.append((kind, fn, getter, kw, st.out, free, st))
        self.fsteps = fsteps
        self.buffers = _buffer_plan(fsteps, meta)
        self.fast_forward = _codegen_forward(fsteps, self.buffers)

    def template_slots(self):
        return [s for s, v in enumerate(self.template) if v is not None]

    def forward(self, ins, caps):
        vals = self.template.copy()
        for s, a in zip(self.inputs, ins):
            vals[s] = a
        for s, a in zip(self.cap_slots, caps):
            vals[s] = a
        if self.fast_forward is not None:
            self.fast_forward(vals)
            return vals
        for kind, fn, getter, kw, out, free, st in self.fsteps:
            if kind == 0:
                vals[out] = fn(getter(vals))
            elif kind == 1:
                vals[out] = fn(*getter(vals))
            elif kind == 2:
                vals[out] = fn(getter(vals), **kw)
            elif kind == 3:
                vals[out] = fn(*getter(vals), **kw)
            elif kind == 4:
                st.run(vals)
            else:
                kw = _dynamic_params(st, vals)
                vals[st.out] = fn(*[vals[a] for a in st.args], **kw)
                vals[st.dyn_slot] = kw
            if free:
                for s in free:
                    vals[s] = None
        return vals

    # -- backward
    def plan(self, wanted):
        plan = self.plans.get(wanted)
        if plan is None:
            plan = self._make_plan(wanted)
            plan = self.plans[wanted] = (plan, _codegen_backward(plan, wanted))
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
            if not isinstance(st, _OpStep):
                plan.append((None, st, dict(zip(st.args, mask)), 0, None, (), None, (), None))
                continue
            ctx = Ctx(None, st.params, st.in_shapes, st.out_shape)
            ctx.needs_grad = mask
            saved = st.saved_slots()
            # one saved value: its slot; several: a getter returning the tuple
            getter = saved[0] if len(saved) == 1 else (
                operator.itemgetter(*saved) if saved else None)
            # (position in the rule's result, slot, shape) of each input that needs a grad
            edges = tuple((k, a, shape) for k, (a, shape, m) in
                          enumerate(zip(st.args, st.in_shapes, mask)) if m)
            plan.append((st.op.vjp, ctx, getter, len(saved), st.out, edges, st.dyn_slot,
                         saved, st.op))
        return plan

    def backward(self, vals, cots, wanted):
        """Cotangents of the outputs -> gradients of the `wanted` slots (None: no path)."""
        plan, fast = self.plan(wanted)
        gv = [None] * self.n
        for s, c in zip(self.outputs, cots):
            if c is not None:
                gv[s] = c if gv[s] is None else gv[s] + c
        with self.lock, np.errstate(all="ignore"):
            if fast is not None:
                return fast(vals, gv)
            for vjp, ctx, getter, n_saved, out, edges, dyn_slot, _, _ in plan:
                if vjp is None:
                    ctx.back(vals, gv, getter)      # a cond / while_loop step
                    continue
                g = gv[out]
                if g is None:
                    continue
                gv[out] = None
                if n_saved == 1:
                    ctx.saved = (vals[getter],)
                elif n_saved:
                    ctx.saved = getter(vals)
                else:
                    ctx.saved = ()
                if dyn_slot is not None:
                    ctx.params = vals[dyn_slot]
                gxs = vjp(ctx, g)
                ctx.saved = None
                for k, a, shape in edges:
                    gx = gxs[k]
                    if gx is None:
                        continue
                    gx = _fitted(gx, shape, ctx)
                    prev = gv[a]
                    gv[a] = gx if prev is None else prev + gx
        return [gv[s] for s in wanted]


def _fast_calls():
    """The C speedups module when in use (its ufunc_call and vjp_call), else None."""
    from .ops._core import SPEEDUPS
    return SPEEDUPS


_REUSE_BYTES = 1 << 16      # smaller results are cheaper fresh (C direct loops, no out=)


def _is_ufunc_step(kind, fn, st):
    return kind < 2 and isinstance(fn, np.ufunc) and fn.nout == 1 and fn.nin == len(st.fargs)


def _buffer_plan(fsteps, meta):
    """Which step writes into which dead buffer (`out=`), for the forward replay.

    A buffer may be reused once its value is dead, if it was made by a ufunc (so it is a
    fresh array of its own) and only ufuncs read it (none of them returns a view of it);
    the step that reuses it must be a ufunc whose result has the buffer's shape and dtype
    and at least _REUSE_BYTES. An elementwise ufunc may write over an input that dies at
    that step; any reusable ufunc may take a buffer that died earlier. Values the backward
    reads are never dead, so saved values are never overwritten. A replay only reuses
    buffers it allocated itself, so calls stay independent of each other. The generated
    code also checks at run time that the result would be C-ordered anyway (_c_order).

    Returns (out buffer slot or None, slots to pool instead of delete) per step; nothing
    is reused in a schedule that needs the general loop (control flow, traced params)."""
    if any(kind > 3 for kind, *_ in fsteps):
        return [(None, ())] * len(fsteps)
    def big(slot):
        m = meta.get(slot)
        return m is not None and m[2] >= _REUSE_BYTES

    ufunc_steps = [_is_ufunc_step(kind, fn, st) for kind, fn, _, _, _, _, st in fsteps]
    readers_ok = {}
    for k, (_, _, _, _, _, _, st) in enumerate(fsteps):
        for a in st.fargs:
            readers_ok[a] = readers_ok.get(a, True) and ufunc_steps[k]
    owned = {st.out for k, (_, _, _, _, _, _, st) in enumerate(fsteps)
             if ufunc_steps[k] and big(st.out) and readers_ok.get(st.out, True)}
    # how many later steps could still take a buffer of each (shape, dtype)
    demand = {}
    for k, (_, _, _, _, out, _, _) in enumerate(fsteps):
        if ufunc_steps[k] and big(out):
            demand[meta[out][:2]] = demand.get(meta[out][:2], 0) + 1
    pool = {}
    plan = []
    for k, (kind, fn, _, _, out, free, st) in enumerate(fsteps):
        buf = None
        if ufunc_steps[k] and big(out):
            key = meta[out][:2]
            demand[key] -= 1
            if fn.signature is None:        # elementwise: may overwrite a dying input
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


def _codegen_forward(fsteps, buffers):
    """The forward schedule as one straight-line Python function (`v7 = f3(v5, vals[2])`),
    so a replay pays a call per op and nothing else; None when some step needs the general
    loop (control flow, traced params). Values live in locals and are dropped at their
    last use (or kept as a buffer a later step writes into, see _buffer_plan); those the
    backward reads are stored into `vals` at the end."""
    if any(kind > 3 for kind, *_ in fsteps):
        return None
    env = {}
    lines = ["def _replay(vals):"]
    local = set()
    spare = set()           # dead values kept as buffers for later steps
    fast = _fast_calls()
    for k, ((kind, fn, getter, kw, out, free, st), (buf, pooled)) in enumerate(
            zip(fsteps, buffers)):
        env[f"_f{k}"] = fn
        args = ", ".join(f"v{a}" if a in local else f"vals[{a}]" for a in st.fargs)
        if kw:
            env[f"_k{k}"] = kw
            args = f"{args}, **_k{k}" if args else f"**_k{k}"
        if buf is not None:
            # only where the fresh result would be C-ordered too: a layout that differs
            # from eager's could change a later reduction's or matmul's rounding
            env["_c_order"] = _c_order
            names = [f"v{buf}"]
            if fn.signature is None:        # elementwise: its operands set the layout
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
        elif fast is not None and _is_ufunc_step(kind, fn, st) and len(st.fargs) <= 2:
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
    code = compile("\n".join(lines), "<tg.function replay>", "exec")
    exec(code, env)
    return env["_replay"]


def _codegen_backward(plan, wanted):
    """A backward plan as one straight-line function, like _codegen_forward: cotangents
    live in locals (`g7`), each rule is called directly, and a cotangent is dropped as
    soon as its rule has run. None when a step needs the general loop."""
    if any(p[0] is None or p[6] is not None for p in plan):
        return None
    env = {"_fitted": _fitted}
    slots = set(wanted)
    for vjp, ctx, getter, n_saved, out, edges, dyn_slot, saved, _ in plan:
        slots.add(out)
        slots.update(a for _, a, _ in edges)
    lines = ["def _back(vals, gv):"]
    for a in sorted(slots):
        lines.append(f"    g{a} = gv[{a}]")
    fast = _fast_calls()
    for k, (vjp, ctx, getter, n_saved, out, edges, dyn_slot, saved, op) in enumerate(plan):
        env[f"_v{k}"] = vjp
        env[f"_c{k}"] = ctx
        saved = "(" + "".join(f"vals[{a}], " for a in saved) + ")"
        lines.append(f"    if g{out} is not None:")
        if fast is not None:        # the rule in C where the op has one (see vjp_call)
            env["_vjp_call"] = fast.vjp_call
            env[f"_o{k}"] = op
            lines.append(f"        r = _vjp_call(_o{k}, _c{k}, g{out}, {saved})")
        else:
            lines += [f"        _c{k}.saved = {saved}",
                      f"        r = _v{k}(_c{k}, g{out})",
                      f"        _c{k}.saved = None"]
        lines.append(f"        g{out} = None")
        for j, (pos, a, shape) in enumerate(edges):
            env[f"_s{k}_{j}"] = shape
            lines += [f"        gx = r[{pos}]",
                      "        if gx is not None:",
                      f"            gx = _fitted(gx, _s{k}_{j}, _c{k})",
                      f"            g{a} = gx if g{a} is None else g{a} + gx"]
    lines.append("    return [" + ", ".join(f"g{a}" for a in wanted) + "]")
    code = compile("\n".join(lines), "<tg.function backward>", "exec")
    exec(code, env)
    return env["_back"]


def _dynamic_params(st, vals):
    kw = dict(st.params)
    for key, pos, slot in st.dyn:
        if pos is None:
            kw[key] = vals[slot]
        else:
            items = list(kw[key])
            items[pos] = vals[slot]
            kw[key] = tuple(items)
    return kw


def _finish(tracer, out_leaves):
    """Slots of a (sub-)function's results, and the compiled program."""
    slots = []
    for leaf in out_leaves:
        if not isinstance(leaf, Tensor):
            leaf = np.asarray(leaf)
        slots.append(tracer.slot_of(leaf))
    return slots, _Program(tracer, slots)


# ------------------------------------------------------------------ tg.function

_EAGER = object()       # marks a signature that runs eagerly (its trace read raw values)


class _CallOp(Op):
    """One call of a traced function, as one node of the eager graph."""

    args = ()
    save_all = True             # inputs and captures: version-checked, rebuilt for create_graph

    @staticmethod
    def forward(*raw, state):
        return state.forward(raw)

    @staticmethod
    def vjp(ctx, g):
        return ctx.params["state"].vjp(ctx, g)


class _Entry:
    """One trace: the program and how arguments and results map onto it."""

    def __init__(self, fn, program, leaves, spec, array_pos, out_leaves, out_spec, op,
                 cap_meta):
        self.fn = fn
        self.program = program
        self.leaves = leaves            # the static argument leaves (None for arrays)
        self.spec = spec
        self.array_pos = array_pos      # positions of the array leaves among `leaves`
        self.out_spec = out_spec
        self.op = op
        self.cap_meta = cap_meta        # (tensor, shape, dtype) of each capture
        # each result leaf: ("slot", index into program.outputs) or ("static", value)
        self.out_kind = []
        k = 0
        for leaf in out_leaves:
            if isinstance(leaf, (Tensor, np.ndarray)):
                self.out_kind.append(("slot", k))
                k += 1
            else:
                self.out_kind.append(("static", leaf))
        self.diff = []                  # program output positions that carry gradients
        self.spans = None
        self.dtype = None

    def captures_valid(self):
        for t, shape, dtype in self.cap_meta:
            if t._data.shape != shape or t._data.dtype != dtype:
                return False
        return True


class _CallState:
    """Per-call state: the replayed values the backward reads."""

    __slots__ = ("entry", "vals", "outs", "n_in")

    def __init__(self, entry, n_in):
        self.entry = entry
        self.n_in = n_in
        self.vals = None
        self.outs = None

    def forward(self, raw):
        e = self.entry
        prog = e.program
        vals = prog.forward(raw[:self.n_in], raw[self.n_in:])
        self.vals = vals
        outs = [vals[s] for s in prog.outputs]
        outs = [o if type(o) is np.ndarray else np.asarray(o) for o in outs]
        self.outs = outs
        if not e.diff:
            return np.zeros(0)
        if e.spans is None:
            return outs[e.diff[0]]
        return np.concatenate([outs[k].ravel().astype(e.dtype, copy=False) for k in e.diff])

    def vjp(self, ctx, g):
        if isinstance(g, Tensor):
            return self._vjp_eager(ctx, g)
        e = self.entry
        prog = e.program
        vals = self.vals
        if vals is None:
            # freed by an earlier backward (retain_graph): replay from the saved inputs
            raw = [np.asarray(v) for v in ctx.saved]
            vals = prog.forward(raw[:self.n_in], raw[self.n_in:])
        self.vals = None
        cots = [None] * len(prog.outputs)
        if e.spans is None:
            cots[e.diff[0]] = g
        else:
            g = np.asarray(g)
            for k in e.diff:
                start, stop = e.spans[k]
                cots[k] = g[start:stop].reshape(self.outs[k].shape)
        slots = prog.inputs + prog.cap_slots
        wanted = tuple(s for s, need in zip(slots, ctx.needs_grad) if need)
        grads = iter(prog.backward(vals, cots, wanted))
        return tuple(next(grads) if need else None for need in ctx.needs_grad)

    def _vjp_eager(self, ctx, g):
        """Differentiable vjp (create_graph, nested transforms): re-run the Python function
        eagerly on the reconnected inputs and differentiate that."""
        from .autograd.engine import run_backward
        from .autograd.function import Unpack
        e = self.entry
        ins = [v if isinstance(v, Tensor) else make(np.asarray(v)) for v in ctx.saved]
        leaves = list(e.leaves)
        for pos, t in zip(e.array_pos, ins[:self.n_in]):
            leaves[pos] = t
        args, kwargs = unflatten(e.spec, leaves)
        with _state.enable_grad():
            res = e.fn(*args, **kwargs)
        out_leaves = [leaf for leaf in flatten(res)[0] if isinstance(leaf, (Tensor, np.ndarray))]
        roots, cots = [], []
        for k in e.diff:
            o = out_leaves[k]
            if not isinstance(o, Tensor) or grad_edge(o) is None:
                continue
            if e.spans is None:
                c = g
            else:
                start, stop = e.spans[k]
                c = apply(Unpack, g, start=start, stop=stop, shape=self.outs[k].shape,
                          dtype=self.outs[k].dtype)
            roots.append(o)
            cots.append(c)
        need = [i for i, n in enumerate(ctx.needs_grad) if n]
        if not roots or not need:
            return tuple(None for _ in ctx.needs_grad)
        # retain: the gradient graph built here goes back through this re-run's nodes
        # (d(sin(x) * x)/dx reads sin(x)), so a higher derivative needs their saved values
        gs = run_backward(roots, cots, inputs=[ins[i] for i in need], create_graph=True,
                          retain_graph=True, accumulate=False, allow_unused=True,
                          who="tg.function")
        out = [None] * len(ctx.needs_grad)
        for i, gi in zip(need, gs):
            out[i] = gi
        return tuple(out)


def _leaf_key(leaf):
    if isinstance(leaf, Tensor):
        return ("tensor", leaf._data.shape, leaf._data.dtype.str)
    if isinstance(leaf, np.ndarray):
        return ("array", leaf.shape, leaf.dtype.str)
    try:
        hash(leaf)
    except TypeError:
        return ("object", type(leaf), id(leaf))
    return ("value", type(leaf), leaf)


def _spec_key(spec):
    return tuple(None if item is None else
                 (item[0], tuple(item[1]) if isinstance(item[1], list) else item[1])
                 for item in spec)


class function:
    """Trace `fn` into a static graph once per input signature and replay it.

    The signature is the shapes and dtypes of the tensor (and array) arguments and the
    values of every other argument; a new one traces again (`f.trace_count` counts).
    Replays run the recorded NumPy calls only, forward and backward, and give the same
    results as calling `fn` eagerly. Tensors the function reads from outside (e.g. model
    parameters) are captured by reference: their current values are used on each call
    and they receive gradients.

    Python code runs once per trace: its side effects and Python branches are frozen.
    Use `tg.cond` and `tg.while_loop` for control flow that depends on tensor values.
    Random draws (`rand`, `randn`, `randint`, dropout masks) are ops, so each call draws
    new samples; the stream is not eager's, since tracing draws too.

    >>> import tapegrad as tg
    >>> @tg.function
    ... def f(x):
    ...     return (tg.sin(x) * x).sum()
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> f(x).backward()
    >>> f(x * 2).item() == (tg.sin(x * 2) * (x * 2)).sum().item(), f.trace_count
    (True, 1)
    """

    def __new__(cls, fn=None, *, name=None):
        if fn is None:                  # @tg.function() and @tg.function(name=...), as in TF
            return functools.partial(cls, name=name)
        if not callable(fn):
            raise TypeError(f"function: fn must be a function, got {fn!r:.40} "
                            f"({type(fn).__name__})")
        return super().__new__(cls)

    def __init__(self, fn=None, *, name=None):
        functools.update_wrapper(self, fn)
        self.python_function = fn
        self.trace_count = 0
        # calls are bound to the signature first (keyword = positional, defaults filled
        # in), so f(x, 2), f(x, n=2) and f(x) share one trace, as with tf.function
        try:
            self._sig = inspect.signature(fn)
        except (TypeError, ValueError):
            self._sig = None
        self._npos = 0 if self._sig is None else sum(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in self._sig.parameters.values())
        self._traces = {}
        self._lock = threading.Lock()
        from .autograd.function import camel
        base = camel(name or getattr(fn, "__name__", "Function"))
        self._op = type(base, (_CallOp,), {"bw_name": base + "Backward",
                                            "__doc__": f"Calls of the traced {base}."})

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self.__call__, obj)

    def __repr__(self):
        return f"<tg.function {getattr(self, '__name__', '?')}, traced {self.trace_count}x>"

    def __call__(self, *args, **kwargs):
        if _local.trace is not None:
            # inside another trace: inline, so the outer program holds these steps
            return self.python_function(*args, **kwargs)
        if self._sig is not None and (kwargs or len(args) < self._npos):
            bound = self._sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        leaves, spec = flatten((args, kwargs))
        if (_local.fw_levels or _local.fw_default) and any(isinstance(v, Tensor) and v._fw for v in leaves):
            # forward mode carries tangents op by op: run eagerly
            return self.python_function(*args, **kwargs)
        key = (_spec_key(spec), tuple(_leaf_key(leaf) for leaf in leaves))
        entry = self._traces.get(key)
        if entry is None or entry is not _EAGER and not entry.captures_valid():
            with self._lock:
                entry = self._trace(leaves, spec)
                self._traces[key] = entry
        if entry is _EAGER:
            return self.python_function(*args, **kwargs)
        return self._call(entry, leaves)

    def _trace(self, leaves, spec):
        tracer = _Tracer(self.__name__ if hasattr(self, "__name__") else "function")
        array_pos = []
        trace_leaves = list(leaves)
        for pos, leaf in enumerate(leaves):
            if isinstance(leaf, (Tensor, np.ndarray)):
                array_pos.append(pos)
                arr = leaf._data if isinstance(leaf, Tensor) else leaf
                trace_leaves[pos] = tracer.add_input(arr)
        args, kwargs = unflatten(spec, trace_leaves)
        tapes = _local.tapes
        _local.tapes = []               # tapes see the call's one node, not the trace
        try:
            res = tracer.run(self.python_function, args, kwargs)
        finally:
            _local.tapes = tapes
        tracer.check_writes()
        self.trace_count += 1
        if tracer.reads is not None:
            import warnings
            warnings.warn(
                f"tg.function({self.__name__}): tensor values were read outside tapegrad "
                f"ops ({tracer.reads}), so a replay could not repeat that computation; "
                "this signature runs eagerly (same results, no graph-mode speed). Keep "
                "value-dependent work in tensor ops to trace it.", TraceWarning, stacklevel=4)
            return _EAGER
        out_leaves, out_spec = flatten(res)
        array_outs = [leaf for leaf in out_leaves if isinstance(leaf, (Tensor, np.ndarray))]
        slots, program = _finish(tracer, array_outs)
        cap_meta = [(t, t._data.shape, t._data.dtype) for _, t in program.captures]
        statics = [None if pos in array_pos else leaf for pos, leaf in enumerate(leaves)]
        entry = _Entry(self.python_function, program, statics, spec, array_pos,
                       out_leaves, out_spec, self._op, cap_meta)
        kinds = [tracer.array(s) for s in slots]
        entry.diff = [k for k, a in enumerate(kinds) if np.asarray(a).dtype.kind in "fc"]
        if len(entry.diff) > 1:
            entry.dtype = np.result_type(*[np.asarray(kinds[k]) for k in entry.diff])
            spans, start = {}, 0
            for k in entry.diff:
                n = np.asarray(kinds[k]).size
                spans[k] = (start, start + n)
                start += n
            entry.spans = spans
        return entry

    def _call(self, entry, leaves):
        from .autograd.function import Unpack
        inputs = [leaves[pos] for pos in entry.array_pos]
        for i, a in enumerate(inputs):
            if type(a) is np.ndarray:
                # the replay keeps its inputs for backward: an array the caller may change
                # later is copied, as apply() does for NumPy operands
                inputs[i] = _frozen(a)
        state = _CallState(entry, len(inputs))
        node_t = apply(entry.op, *inputs, *[t for t, _, _ in entry.cap_meta], state=state)
        outs = state.outs
        tracked = node_t._rg
        results = []
        for k, arr in enumerate(outs):
            if tracked and k in entry.diff:
                if entry.spans is None:
                    results.append(node_t)
                else:
                    start, stop = entry.spans[k]
                    results.append(apply(Unpack, node_t, start=start, stop=stop,
                                         shape=arr.shape, dtype=arr.dtype))
            else:
                results.append(make(arr))
        for t in results:
            _share_alias(t, inputs, entry.cap_meta)
        out_leaves = []
        for kind, v in entry.out_kind:
            out_leaves.append(results[v] if kind == "slot" else v)
        return unflatten(entry.out_spec, out_leaves)


def _share_alias(t, inputs, cap_meta):
    """A replayed result that is (a view of) an argument or a captured tensor shares its
    version counter, as the eager view would: a write into the result then invalidates
    saved copies of the input (and the reverse) instead of corrupting a backward."""
    arr = t._data
    view = arr.base is not None         # fresh results (the usual case) only compare ids
    for a in inputs:
        if isinstance(a, Tensor) and (arr is a._data or
                                      view and np.may_share_memory(arr, a._data)):
            _share_version(a, t)
            return
    for a, _, _ in cap_meta:
        if arr is a._data or view and np.may_share_memory(arr, a._data):
            _share_version(a, t)
            return


from .graph_control import cond, while_loop  # noqa: E402,F401  (they build on the tracer)
