"""Tracing: the values a traced function computes on, and the tracer that records them.

While `tg.function` traces, `apply()` hands every op to `Tracer.apply` (the one hook
graph mode has into the rest of tapegrad): the op runs on this call's arrays as usual
and becomes a step of the program. The tensors the function sees are `Traced`: real
values, but no Python value may be taken from them (it would be frozen into the graph),
and their arrays are `TracedArray`s, which note any NumPy computation done on them
outside an op (a replay could not repeat it: the signature then runs eagerly).
"""
import numpy as np

from .. import _state
from .._sites import _site, site_text
from .._tensor import Tensor, make
from ..autograd import explain
from ..autograd.anomaly import capture_site
from ..autograd.function import _CustomOp
from ..ops._apply import apply, complex_mark
from ..ops._op import Op
from ..ops._torch_dtype import torch_operands
from .program import OpStep, Program

_local = _state.local


class TraceError(TypeError):
    """Raised when a traced function does something a static graph cannot hold."""


class TraceWarning(UserWarning):
    """A traced function read tensor values outside tapegrad ops and runs eagerly."""


class _EagerOnly(TraceError):
    """Raised while tg.function traces at a step a replay could not repeat (a
    GradientTape opened, a Variable assigned): tg.function then runs that signature
    eagerly, from the start, so nothing the trace began happens twice."""

    eager = True


def tracing() -> bool:
    """Whether a tg.function trace is running on this thread (tf.executing_eagerly)."""
    return _state.local.trace is not None


def run_eagerly(what):
    """Called before a step a trace cannot hold (GradientTape.__enter__, Variable's
    assign): inside a trace, switch the function to eager before the step happens."""
    if _state.local.trace is not None:
        raise _EagerOnly(f"{what} inside the traced function; it runs eagerly (same "
                         "results, no graph-mode speed)")


# ------------------------------------------------------------------ traced values

class Raw(Op):
    """A NumPy function without a gradient (comparisons, argmax, ...) inside a trace."""

    args = ()
    differentiable = False
    bw_name = "RawBackward"

    @staticmethod
    def forward(*xs, fn, kw):
        return fn(*xs, **kw) if kw else fn(*xs)


def _raw_op(fn, *args, **kw):
    return apply(Raw, *args, fn=fn, kw=kw or None)


def _identity(x):
    return x


def _foreign(a):
    """An operand whose dtype eager sets by tapegrad's rules where the replay hands it to
    the op's forward as NumPy would take it: a list, a NumPy scalar or array, or an
    integer or bool tensor (int * 0.5 is float32 to eager, float64 to NumPy)."""
    if isinstance(a, Tensor):
        return a._data.dtype.kind not in "fc"
    return a is not None and type(a) not in (bool, int, float, str)


def _match_eager_dtype(step, args, params, t):
    """The replay of `step` casts to the dtype eager gave, when its forward on the
    foreign operands would give another (a list of floats is float32 to eager, float64
    to NumPy; a NumPy float scalar counts as a Python float)."""
    raw = [np.asarray(a._data) if isinstance(a, Tensor) else a for a in args]
    want = t._data.dtype
    if params and any(isinstance(v, Tensor) for v in params.values()):
        return                  # a tensor among the params: the forward would read it
    prev, _local.trace = _local.trace, None
    try:
        got = np.asarray(step.op.forward(*raw, **(params or {}))).dtype
    except Exception:
        return
    finally:
        _local.trace = prev
    if got != want:
        fwd = step.op.forward

        def cast(*a, **kw):
            return np.asarray(fwd(*a, **kw)).astype(want, copy=False)
        step.fn = cast


def _argmax(x, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims).astype(np.int64)


def _argmin(x, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims).astype(np.int64)


def _binop(fn, reflected=False):
    if reflected:
        return lambda self, o: _raw_op(fn, o, self)
    if fn in _COMPARISONS:
        return lambda self, o: _raw_op(fn if _np_marked(self, o) else _COMPARISONS[fn], self, o)
    return lambda self, o: _raw_op(fn, self, o)


def _torch_compare(fn):
    """A comparison as eager's Tensor makes it: in PyTorch's common dtype (_compare_op)."""
    def compare(a, b):
        return fn(*(torch_operands((a, b), _BOOL) or (a, b)))
    compare.__name__ = fn.__name__
    return compare


def _np_marked(*args):
    return any(isinstance(a, Tensor) and a._x is not None and "np" in a._x for a in args)


_BOOL = np.dtype(bool)
_COMPARISONS = {f: _torch_compare(f) for f in (np.less, np.less_equal, np.greater,
                                                np.greater_equal, np.equal, np.not_equal)}


def _torch_step(step, args, params, t):
    """The replay of a two-operand elementwise step computes as eager does where PyTorch's
    dtype rules differ from NumPy's (ops/_torch_dtype.py: a 0-d or float16 operand of
    another dtype, a Python int wrapped into a small integer dtype, a float64 result the
    float32 default decides): True when it was set so."""
    if params or len(args) != 2 or step.op.batching != "elementwise" or _np_marked(*args) \
            or not any(isinstance(a, Tensor) for a in args):
        return False
    raw = [np.asarray(a._data) if isinstance(a, Tensor) else a for a in args]
    want, fwd = t._data.dtype, step.op.forward
    prev, _local.trace = _local.trace, None
    try:
        got = np.asarray(fwd(*raw))
        if got.dtype == want and torch_operands(raw, got.dtype) is None:
            return False
    except OverflowError:
        pass
    except Exception:
        return False
    finally:
        _local.trace = prev

    def replay(a, b):
        try:
            out = np.asarray(fwd(a, b))
            cast = torch_operands((a, b), out.dtype)
        except OverflowError:
            cast = torch_operands((a, b), _BOOL)
        if cast is not None:
            out = np.asarray(fwd(*cast))
        return out if out.dtype == want else out.astype(want)
    step.fn = replay
    return True


_SLOTS = tuple(s for s in Tensor.__slots__ if s != "__weakref__")


class Traced(Tensor):
    """A tensor inside a trace: real data (the trace runs on the first call's values),
    but no Python value may be taken from it, since that value would be frozen."""

    __slots__ = ()
    __hash__ = Tensor.__hash__

    @classmethod
    def of(cls, t):
        """The traced twin of tensor `t`: the same data, node and version counter."""
        new = object.__new__(cls)
        for name in _SLOTS:
            object.__setattr__(new, name, getattr(t, name))
        d = new._data
        if type(d) is np.ndarray:
            new._data = d.view(TracedArray)
        return new

    @classmethod
    def wrap(cls, arr):
        return cls.of(make(np.asarray(arr)))

    def _refuse(self, what):
        raise TraceError(
            f"tg.function: {what} of a traced tensor (shape {self.shape}) would freeze this "
            "call's value into the graph. Use tg.cond / tg.while_loop for data-dependent "
            "control flow, keep the computation in tensor ops, or call the function "
            "without tg.function.")

    def __bool__(self):
        # TF's autograph turns `if t:` / `while t:` into graph control flow; a trace of
        # NumPy calls cannot hold a branch, so this signature runs eagerly (same results)
        raise _EagerOnly(f"a Python branch on a tensor's value (bool() of shape {self.shape}) "
                         "inside the traced function; it runs eagerly (same results, no "
                         "graph-mode speed; tg.cond / tg.while_loop keep it in the graph)")

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


class TracedArray(np.ndarray):
    """The array of a traced tensor. Inside an op's forward it behaves as a plain array;
    anywhere else (library or user code computing on `t._data` with NumPy) the read is
    noted, because the replay could not repeat it: the trace then falls back to eager."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _note_read(f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"))
        inputs = tuple(np.asarray(x) if isinstance(x, TracedArray) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(x) if isinstance(x, TracedArray) else x
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


def plain(v):
    """The value of a slot as a plain array (or the constant it holds)."""
    v = v._data if isinstance(v, Tensor) else v
    return np.asarray(v) if isinstance(v, TracedArray) else v


def call_site():
    """Where the user's code called the op being traced: the whole stack under
    detect_anomaly (as eager nodes keep), else the call's line."""
    return capture_site() if _local.anomaly else _site(2)


# ------------------------------------------------------------------ direct calls

# ------------------------------------------------------------------ the tracer

def _became_view(t, vc):
    """Whether `t` joined a base's version counter after it was recorded (a view taken
    while tracing, e.g. w[1:3] of a captured w changed in place before the call): its
    count is the base's then, and a write through it moves the base's counter, which the
    base's own entry checks."""
    now = t._vc
    if now is None or now is vc or now.x is None:
        return False
    views = now.x[0]
    # views[0] is the base itself (listed so a write through a view can mark it)
    return bool(views) and any(r() is t for r in views[1:])


class Tracer:
    """Records the steps of one (sub-)program while its Python function runs."""

    def __init__(self, who, outer=None):
        self.who = who
        self.outer = outer
        self.slot = {}          # id(tensor) -> slot
        self.by_data = {}       # id(ndarray of a traced value) -> slot
        self.values = []        # slot -> the trace-time Tensor or constant (keeps ids alive)
        self.consts = {}        # slot -> constant placed in every replay's slot list
        self.captures = []      # (slot, source): a Tensor (top level) or an outer slot
        self.undo = {}          # id -> (tensor, values, version) before its first write
        self.versions = []      # (tensor, its counter, version when it appeared): to catch
                                # in-place writes
        self.reads = None       # where tensor values were first read outside ops, if ever
        self.inputs = []
        self.input_arrays = []
        self.steps = []

    # -- slots
    def new_slot(self, value=None):
        self.values.append(value)
        return len(self.values) - 1

    def bind(self, t, slot):
        self.slot[id(t)] = slot
        if isinstance(t, Tensor):
            self.by_data.setdefault(id(t._data), slot)

    def add_input(self, arr):
        t = Traced.wrap(arr)
        self.input_arrays.append(t._data)     # the caller's memory (before_write)
        s = self.new_slot(t)
        self.bind(t, s)
        self.inputs.append(s)
        self.watch(t, 0)
        return t

    def add_value(self, t):
        """A new traced value made from tensor `t`, in a new slot: (value, slot)."""
        if not isinstance(t, Traced):
            t = Traced.of(t)
        s = self.new_slot(t)
        self.bind(t, s)
        self.watch(t, t._version)
        return t, s

    def array(self, slot):
        """The trace-time value of `slot`, as a plain array."""
        return plain(self.values[slot])

    def note_read(self, what):
        if self.reads is None:
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
                s = self.new_slot(v)
                self.slot[id(v)] = s
                shape = v._data.shape
                self.steps.append(OpStep(Raw, (alias,), {"fn": _identity, "kw": None}, (),
                                         s, (shape,), (shape, v._data.dtype), None))
                return s
            s = self.new_slot(v)
            self.bind(v, s)
            if self.outer is None:
                self.captures.append((s, v))
                self.watch(v, v._version)
            else:
                self.captures.append((s, self.outer.slot_of(v)))
            return s
        if isinstance(v, np.ndarray) and id(v) in self.by_data:
            return self.by_data[id(v)]
        s = self.new_slot(v)
        self.consts[s] = v
        return s

    def _param_slots(self, params):
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
        if issubclass(op, _CustomOp):
            raise TraceError(
                f"tg.function: a custom autograd.Function / custom_gradient ({op.__name__}) "
                "cannot be traced: its Python backward belongs to one call. Call it outside "
                "the traced function.")
        effect = getattr(op, "effect", None)
        if effect is not None:
            # an op that changes state outside its result (batch_norm's running
            # statistics): a replay cannot repeat it, so the signature runs eagerly, and
            # it is not run here either (the eager call will, once)
            self.note_read(effect)
            return Traced.wrap(np.zeros(0))
        site = call_site()
        _local.trace = None
        try:
            t = apply(op, *args, **params)
        finally:
            _local.trace = self
        arg_slots = tuple(self.slot_of(a) for a in args)
        shapes = tuple(a._data.shape if isinstance(a, Tensor) else None for a in args)
        dyn = self._param_slots(params) if params else ()
        t, out = self.add_value(t)
        d = t._data
        step = OpStep(op, arg_slots, params or None, dyn, out, shapes, (d.shape, d.dtype),
                      site)
        step.cplx = complex_mark(op, args, d)     # the engine's complex convention
        if dyn:
            step.dyn_slot = self.new_slot()
        elif not params and op.direct is not None:
            self._make_direct(step, args, t)
        if not dyn and step.fn is op.forward and _torch_step(step, args, params, t):
            pass
        elif not dyn and step.fn is op.forward and (
                any(_foreign(a) for a in args) or not any(isinstance(a, Tensor) for a in args)):
            # (only Python numbers: eager gives the default float, NumPy float64)
            _match_eager_dtype(step, args, params, t)
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
            step.fn = fn
            step.fargs = step.args + tuple(self._const(e) for e in extra)

    def _const(self, value):
        s = self.new_slot(value)
        self.consts[s] = value
        return s

    @staticmethod
    def holds(v):
        """Whether `v` is one of the trace's values (an input or a traced op's result)."""
        return isinstance(v, Traced)

    def refuse(self, what, advice=None):
        raise TraceError(f"tg.function: {what} inside a traced function is not supported; "
                         + (advice or "trace the forward computation and differentiate "
                            "the traced function from outside (tg.grad(f), "
                            "loss.backward(), a tape)"))

    def run(self, fn, args=(), kwargs=None):
        """fn(*args, **kwargs) with this tracer recording."""
        prev = _local.trace
        exits = explain.recent_exits() if self.outer is None else None
        _local.trace = self
        try:
            return fn(*args, **(kwargs or {}))
        finally:
            _local.trace = prev
            if exits is not None:
                self._note_exits(exits)

    def _note_exits(self, before):
        """A value taken into Python from a tensor that requires grad (`w.numpy()`, a
        parameter an optimizer changes) would be frozen into the trace: noted as a read.
        explain_grad keeps such conversions; the new ones are those after `before`."""
        after = explain.recent_exits()
        seen = {id(e) for e in before}
        new = [e for e in after if id(e) not in seen]
        if new:
            how, site, _ = new[0]
            if self.reads is None:
                self.reads = f"{how} of a tensor that requires grad at {site_text(site)}"

    def before_write(self, t, what=None):
        """Keep the values of a tensor from outside before the traced function writes it
        (an in-place op, Variable.assign): a replay would not repeat the write, so this
        signature runs eagerly and the trace's write is put back first."""
        if id(t) in self.undo:
            return
        if isinstance(t, Traced):
            # an input (or a view of one) shares the caller's memory: the write is
            # refused (check_writes), and undo_writes must put the caller's values back
            # (else tg.jit's eager rerun applied it twice)
            if any(np.shares_memory(t._data, a) for a in self.input_arrays):
                self.undo[id(t)] = (t, t._data.copy(), None)
            return
        vc = t._vc
        self.undo[id(t)] = (t, t._data.copy(), None if vc is None else vc.v)
        self.note_read(what or "an in-place write to a tensor from outside the function")
        if self.outer is not None:
            self.outer.before_write(t, what)

    def undo_writes(self):
        """Put back what the traced function wrote to tensors from outside (the trace is
        dropped: an eager call makes those writes, once)."""
        for t, values, version in reversed(list(self.undo.values())):
            if t._data.shape == values.shape and t._data.flags.writeable:
                np.copyto(t._data, values)
            else:
                t._data = values
            if version is not None and t._vc is not None:
                t._vc.v = version
        self.undo = {}

    def watch(self, t, version):
        self.versions.append((t, t._vc, version))

    def check_writes(self):
        for t, vc, ver in self.versions:
            if t._version == ver or _became_view(t, vc):
                continue
            if isinstance(t, Traced):
                raise TraceError(
                    f"tg.function: a tensor of shape {t.shape} was changed in place inside "
                    "the traced function (t[...] = v, copy_, add_, ...); write it out of "
                    "place (e.g. tg.where, tg.concatenate)")
            raise TraceError(
                f"tg.function: a tensor of shape {t.shape} from outside the function was "
                "changed in place while tracing; the replay would not repeat that write. "
                "Pass the new value out as a result and assign it outside.")

    def finish(self, out_leaves):
        """Slots of a (sub-)function's results, and the compiled program."""
        slots = []
        for leaf in out_leaves:
            if not isinstance(leaf, Tensor):
                leaf = np.asarray(leaf)
            slots.append(self.slot_of(leaf))
        return slots, Program(self, slots)

# the names `from tapegrad.function.trace import *` gives (tests/test_all.py)
__all__ = ["TraceError", "TraceWarning", "Raw", "Traced", "TracedArray", "plain", "call_site",
           "Tracer", "tracing", "run_eagerly"]
