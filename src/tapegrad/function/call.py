"""`tg.function`: trace a Python function once per input signature and replay it.

A call of a traced function is one node of the eager graph (`CallOp`, named after the
function): its forward replays the program on plain arrays, its rule runs the program's
backward. So `backward`, tapes and the transforms see a traced function like any other
op. When the cotangent arrives as a Tensor (create_graph, nested transforms), the rule
re-runs the function eagerly and differentiates that, so higher derivatives stay exact.
"""
from __future__ import annotations

import functools
import inspect
import threading
import warnings
import weakref

import numpy as np

from .. import _dtypes, _random, _state
from .._dtypes import to_array
from .._graph import grad_edge
from .._pytree import flatten, unflatten
from .._tensor import Tensor, _share_version, make
from ..autograd.engine import run_backward
from ..autograd.function import Unpack, camel
from ..ops._apply import _frozen, apply
from ..ops._op import OWN, Op
from .control import _spec_key
from .trace import TraceError, Tracer, TraceWarning
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_local = _state.local

_EAGER = object()       # marks a signature that runs eagerly (its trace read raw values)
_EAGERLY = [False]      # tg.config.run_functions_eagerly: every tg.function runs its Python


def run_functions_eagerly(run_eagerly: bool) -> None:
    """TF's tf.config.run_functions_eagerly: with True, every tg.function call runs the
    Python function itself (no trace, no replay; for debugging), until set back to False.

    Args:
        run_eagerly: True to run eagerly, False for the traced replays again.

    >>> import tapegrad as tg
    >>> tg.config.run_functions_eagerly(True)
    >>> tg.config.functions_run_eagerly()
    True
    >>> tg.config.run_functions_eagerly(False)
    """
    if not isinstance(run_eagerly, (bool, np.bool_)):
        raise TypeError(f"run_functions_eagerly: run_eagerly must be True or False, got "
                        f"{run_eagerly!r:.40}")
    _EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether tg.config.run_functions_eagerly(True) is in effect (TF's name).

    Returns:
        True or False.
    """
    return _EAGERLY[0]


class CallOp(Op):
    """One call of a traced function, as one node of the eager graph."""

    args = ()
    save_all = True             # inputs and captures: version-checked, rebuilt for create_graph
    complex = OWN               # the program's own nodes follow the complex convention

    @staticmethod
    def forward(*raw, state):
        return state.forward(raw)

    @staticmethod
    def vjp(ctx, g):
        return ctx.params["state"].vjp(ctx, g)


class Entry:
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
        # the result leaves with the array ones left None (the replay fills them in, in
        # the order of program.outputs); the rest are the trace's Python values
        self.out_leaves = [None if isinstance(leaf, (Tensor, np.ndarray)) else leaf
                           for leaf in out_leaves]
        self.out_pos = [k for k, leaf in enumerate(out_leaves)
                        if isinstance(leaf, (Tensor, np.ndarray))]
        self.diff = []                  # program output positions that carry gradients
        self.spans = None
        self.dtype = None
        self.modes = (0, ())            # (mode count, (module ref, training)) at the trace

    def captures_valid(self):
        for t, shape, dtype in self.cap_meta:
            if t._data.shape != shape or t._data.dtype != dtype:
                return False
        version, flags = self.modes
        if version != _state.module_modes[0]:
            for ref, training in flags:
                m = ref()
                if m is not None and m.training != training:
                    return False
            self.modes = (_state.module_modes[0], flags)    # the same modes again
        return True


class CallState:
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


def _signed(name, specs, args):
    """The arguments checked against input_signature (TF raises TypeError), Python
    values converted to tensors of the spec's dtype."""
    if len(args) != len(specs):
        raise TypeError(f"{name}: input_signature has {len(specs)} argument(s), the call "
                        f"gave {len(args)}")
    out = []
    for i, (a, spec) in enumerate(zip(args, specs)):
        if not hasattr(spec, "is_compatible_with"):
            out.append(a)               # a nested structure of specs: not checked
            continue
        if not isinstance(a, Tensor):
            try:
                a = make(np.asarray(a, dtype=spec.dtype))
            except (TypeError, ValueError):
                raise TypeError(f"{name}: argument {i} ({a!r:.40}) cannot be converted "
                                f"to {spec}") from None
        if a.dtype != spec.dtype and a.dtype.kind in "iu" and spec.dtype.kind in "iu":
            a = a.astype(spec.dtype)    # tapegrad's integers are int64, TF's int32
        if not spec.is_compatible_with(a):
            raise TypeError(f"{name}: argument {i} (shape {tuple(a.shape)}, dtype "
                            f"{a.dtype}) does not match the input_signature {spec}")
        out.append(a)
    return tuple(out)


# argument leaves that are values, not objects a Variable could belong to
_PLAIN = (Tensor, np.ndarray, np.generic, bool, int, float, complex, str, bytes, type(None))


_EXPERIMENTAL = ("experimental_relax_shapes", "experimental_compile", "experimental_implements",
                 "experimental_autograph_options", "experimental_attributes",
                 "experimental_follow_type_hints")


def _check_experimental(kwargs):
    for k in kwargs:
        if k not in _EXPERIMENTAL:
            raise TypeError(f"function: unexpected keyword argument {k!r}")


def _numbers_as_tensors(out):
    if type(out) in (bool, int, float):
        return make(to_array(out, fn="function"))
    if not isinstance(out, (tuple, list, dict)):
        return out
    leaves, spec = flatten(out)
    if not any(type(leaf) in (bool, int, float) for leaf in leaves):
        return out
    return unflatten(spec, [make(to_array(leaf, fn="function"))
                            if type(leaf) in (bool, int, float) else leaf for leaf in leaves])


def _leaf_key(leaf):
    if isinstance(leaf, Tensor):
        return ("tensor", leaf._data.shape, leaf._data.dtype.str)
    if isinstance(leaf, np.ndarray):
        return ("array", leaf.shape, leaf.dtype.str)
    try:
        hash(leaf)
    except TypeError:
        return ("object", type(leaf), id(leaf))
    if type(leaf) in (bool, int, float):
        return ("value", "number", leaf)    # as tf.function: 2, 2.0 and True == 1 share one
    return ("value", type(leaf), leaf)


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
    new samples, the first (traced) call included; the draws the trace itself makes are
    given back to the generator, so the stream is eager's: after `tg.manual_seed(s)` a
    call gives what the eager call would.

    Args:
        fn: the function to trace. Without it (`@tg.function(name=...)`), a decorator
            is returned.
        name: a name for the traced function in error messages and graph pictures.
        input_signature: TF's: one tg.TensorSpec per positional argument; each call's
            arguments are checked against it (TypeError) and Python values converted.
        reduce_retracing: accepted for TensorFlow code (no effect).
        jit_compile: accepted for TensorFlow code (no effect).
        autograph: accepted for TensorFlow code (no effect).
        **experimental: TF's experimental_relax_shapes, experimental_compile,
            experimental_implements, experimental_autograph_options,
            experimental_attributes, experimental_follow_type_hints: accepted for
            TensorFlow code (no effect); another keyword raises TypeError.

    Returns:
        A callable with fn's signature that traces on a new input signature and
            replays otherwise; `.trace_count` counts its traces.

    Raises:
        TypeError: fn is not callable.

    >>> import tapegrad as tg
    >>> @tg.function
    ... def f(x):
    ...     return (tg.sin(x) * x).sum()
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> f(x).backward()
    >>> f(x * 2).item() == (tg.sin(x * 2) * (x * 2)).sum().item(), f.trace_count
    (True, 1)
    """

    def __new__(cls, fn: Callable[..., Any] | None = None, input_signature: Any = None,
                autograph: bool = True, jit_compile: Any = None, reduce_retracing: bool = False,
                *, name: str | None = None, **experimental: Any) -> Any:
        if fn is None:                  # @tg.function() and @tg.function(name=...), as in TF
            _check_experimental(experimental)
            return functools.partial(cls, name=name, input_signature=input_signature)
        if not callable(fn):
            raise TypeError(f"function: fn must be a function, got {fn!r:.40} "
                            f"({type(fn).__name__})")
        return super().__new__(cls)

    def __init__(self, fn: Callable[..., Any] | None = None, input_signature: Any = None,
                 autograph: bool = True, jit_compile: Any = None, reduce_retracing: bool = False,
                 *, name: str | None = None, **experimental: Any) -> None:
        _check_experimental(experimental)
        # TF's options: input_signature (tg.TensorSpec per positional argument) checks and
        # converts every call's arguments; the others concern TF's compiler and are
        # accepted for ported code
        self.input_signature = None if input_signature is None else tuple(input_signature)
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
        self._tensor_results = True     # tg.jit keeps JAX's Python-number results as given
        self._called = set()            # the owners (see __call__) called at least once
        self._lock = threading.Lock()
        base = camel(name or getattr(fn, "__name__", "Function"))
        self._op = type(base, (CallOp,), {"bw_name": base + "Backward",
                                            "__doc__": f"Calls of the traced {base}."})

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return functools.partial(self._method, obj)

    def _method(self, obj, *args, **kwargs):
        # a method: input_signature describes the arguments after self, as in TF
        out = self._run((obj,) + args, kwargs, bound=True)
        return _numbers_as_tensors(out) if self._tensor_results else out

    def __repr__(self):
        return f"<tg.function {getattr(self, '__name__', '?')}, traced {self.trace_count}x>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self._run(args, kwargs)
        # as tf.function: Python numbers among the results come back as tensors
        return _numbers_as_tensors(out) if self._tensor_results else out

    def _run(self, args, kwargs, bound=False):
        if _EAGERLY[0]:
            return self.python_function(*args, **kwargs)    # tf.config.run_functions_eagerly
        if _local.trace is not None:
            # inside another trace: inline, so the outer program holds these steps
            return self.python_function(*args, **kwargs)
        if self._sig is not None and (kwargs or len(args) < self._npos):
            bound = self._sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        if self.input_signature is not None:
            name = getattr(self, "__name__", "function")
            args = (args[:1] + _signed(name, self.input_signature, args[1:]) if bound
                    else _signed(name, self.input_signature, args))
        leaves, spec = flatten((args, kwargs))
        if (_local.fw_levels or _local.fw_default) and any(isinstance(v, Tensor) and v._fw for v in leaves):
            # forward mode carries tangents op by op: run eagerly
            return self.python_function(*args, **kwargs)
        if any(isinstance(v, Tensor) and v._x is not None and "vmap" in v._x for v in leaves):
            # tg.vmap's batched values: eagerly, each op batched (a trace would see one
            # example's placeholder)
            return self.python_function(*args, **kwargs)
        # the default float is part of the signature: a trace made under float32 would
        # replay float32 factories and int-to-float results after set_default_dtype(float64)
        leaf_keys = tuple(_leaf_key(leaf) for leaf in leaves)
        key = (_spec_key(spec), leaf_keys, _dtypes.DEFAULT_FLOAT)
        entry = self._traces.get(key)
        # TF's rule: Variables are created on the first call only (per object the call is
        # given, e.g. the Module of a method); the Python body runs on traces and eagerly
        owner = tuple(id(leaf) for leaf in leaves if not isinstance(leaf, _PLAIN))
        saved = _local.fn_call
        name = getattr(self, "__name__", "function")
        _local.fn_call = [name, owner not in self._called, 0]    # name, first?, Variables made
        try:
            if entry is None or entry is not _EAGER and not entry.captures_valid():
                with self._lock:
                    entry = self._trace(leaves, spec)
                    if entry is not _EAGER and _local.fn_call[2]:
                        # as tf.function: a first trace that made Variables is traced
                        # again, which must make none (a Variable made on every call)
                        _local.fn_call = [name, False, 0]
                        entry = self._trace(leaves, spec)      # counted, as in TF
                    self._traces[key] = entry
            if entry is _EAGER:
                out = self.python_function(*args, **kwargs)
                self._called.add(owner)
                return out
        finally:
            _local.fn_call = saved
        self._called.add(owner)
        return self._call(entry, leaves)

    def _trace(self, leaves, spec):
        tracer = Tracer(self.__name__ if hasattr(self, "__name__") else "function")
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
        # the trace's own random draws (dropout masks, rand) are put back, so the replay
        # of this first call draws what an eager call would, as every later call does
        gen = _random.generator()
        rng_state = gen.bit_generator.state
        try:
            res = tracer.run(self.python_function, args, kwargs)
            tracer.check_writes()
        except TraceError as e:
            tracer.undo_writes()        # the user's tensors as before the call
            if not getattr(e, "eager", False):
                raise
            # a GradientTape opened inside (TF's train step): this signature runs eagerly
            warnings.warn(f"tg.function({self.__name__}): {e}", TraceWarning, stacklevel=4)
            return _EAGER
        except BaseException:
            tracer.undo_writes()
            raise
        finally:
            _local.tapes = tapes
            gen.bit_generator.state = rng_state
        self.trace_count += 1
        if tracer.reads is not None:
            tracer.undo_writes()        # the eager call below makes them, once
            warnings.warn(
                f"tg.function({self.__name__}): tensor values were read outside tapegrad "
                f"ops ({tracer.reads}), so a replay could not repeat that computation; "
                "this signature runs eagerly (same results, no graph-mode speed). Keep "
                "value-dependent work in tensor ops to trace it.", TraceWarning, stacklevel=4)
            return _EAGER
        out_leaves, out_spec = flatten(res)
        array_outs = [leaf for leaf in out_leaves if isinstance(leaf, (Tensor, np.ndarray))]
        slots, program = tracer.finish(array_outs)
        cap_meta = [(t, t._data.shape, t._data.dtype) for _, t in program.captures]
        statics = [None if pos in array_pos else leaf for pos, leaf in enumerate(leaves)]
        entry = Entry(self.python_function, program, statics, spec, array_pos,
                       out_leaves, out_spec, self._op, cap_meta)
        # after the trace: a function that calls train()/eval() itself does so only then
        entry.modes = (_state.module_modes[0],
                       tuple((weakref.ref(m), m.training) for m in list(_state.modules)))
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
        inputs = [leaves[pos] for pos in entry.array_pos]
        for i, a in enumerate(inputs):
            if type(a) is np.ndarray:
                # the replay keeps its inputs for backward: an array the caller may change
                # later is copied, as apply() does for NumPy operands
                inputs[i] = _frozen(a)
        state = CallState(entry, len(inputs))
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
        out_leaves = list(entry.out_leaves)
        for pos, t in zip(entry.out_pos, results):
            out_leaves[pos] = t
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
            if a._rg:
                # a recorded write into t would change a leaf, or a base whose history
                # stays as it was (a wrong gradient): ops.shape refuses it, as for views
                t._extras()["alias_of"] = "leaf" if a.grad_fn is None else "base"
            return
    for a, _, _ in cap_meta:
        if arr is a._data or view and np.may_share_memory(arr, a._data):
            _share_version(a, t)
            return

# the names `from tapegrad.function.call import *` gives (tests/test_all.py)
__all__ = ["CallOp", "Entry", "CallState", "function", "run_functions_eagerly",
           "functions_run_eagerly"]
