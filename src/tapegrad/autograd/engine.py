"""The backward engine: run_node and run_leaf, and the one loop that calls them.

run_node owns every step of running a recorded node (hooks, saved values and their
version check, the rule, release, anomaly check, fitting); run_leaf every step at a leaf
(hooks, capture, `.grad`). The loop (`_loops_py`, or its C twin
`_speedups.backward_loops`) only orders nodes, sums the gradients that meet at one, and
prunes what `inputs=` or a tape's filter leave out. run_backward is the entry point of
every front-end. No recursion."""
import gc
import itertools

from sys import getrefcount as _getrefcount

import numpy as np

from .. import _state
from .._check import describe as what
from .._native import SPEEDUPS
from .._sites import site_text
from .._tensor import Tensor, make
from ..ops._apply import call
from ..ops.complex import Conj, Real
from ..ops.elementwise import Clone
from ..ops.shape import SumTo
from .anomaly import check_grads
from .._graph import AccumulateGrad, Spent, grad_edge, saved_index, version_error
from .._graph import SliceGrads
from ._plan import _allows, _loops_py, backward_order, reaches_outer  # noqa: F401

_local = _state.local
_runs = itertools.count(1)          # numbers backward passes (for the freed-graph message)


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _as_grad(v, graph_mode):
    if graph_mode:
        return v if isinstance(v, Tensor) else make(v)
    return _raw(v)


class BackwardState:
    """What run_node and run_leaf need to know about the backward they run in.

    retain:     keep saved values after a node ran (retain_graph)
    create:     record the backward itself (create_graph): gradients are Tensors
    graph:      gradients are Tensors (create_graph, or a forward-mode level is open)
    accumulate: add gradients into `.grad` (leaves; with `capture`, only the captured)
    anomaly:    check every rule's result (detect_anomaly)
    marks:      what a ran node's `_saved` becomes: (saved nothing, freed), see Spent
    spent:      marks[1], or None under retain_graph (run_node's fast branch reads it)
    stored:     {id: array} of arrays users hold, so none is handed out twice
    capture:    {node: [k, ...]} for `inputs=`: gradients arriving there go to results[k]
    inner:      the part of `capture` that is not a leaf (None if empty)
    usual:      not graph and no inner: run_node's usual case, one test (anomaly mode
                stays on it: its check is one more test)
    results:    the captured gradients (a list), or None
    inputs:     the tensors named in `inputs=` (a captured non-leaf gets its .grad)
    connect:    None, or a list a transform passes (tg.grad, vjp, jacrev): when the graph
                also reaches leaves that are not `inputs=` (f closed over tensors that
                require grad), the backward records itself so the gradients stay
                differentiable with respect to them, and True is appended to the list

    A caller with its own loop (graph mode) makes one with `BackwardState.plain(...)`.
    """

    __slots__ = ("retain", "create", "graph", "accumulate", "anomaly", "marks", "stored",
                 "capture", "results", "inputs", "inner", "usual", "connect", "spent")

    def __init__(self, retain, create, graph, accumulate, anomaly, marks, stored,
                 capture=None, results=None, inputs=None, connect=None):
        self.retain = retain
        self.create = create
        self.graph = graph
        self.accumulate = accumulate
        self.anomaly = anomaly
        self.marks = marks
        self.stored = stored
        self.capture = capture
        self.results = results
        self.inputs = inputs
        inner = None if capture is None else {n: ks for n, ks in capture.items()
                                              if type(n) is not AccumulateGrad}
        self.inner = inner or None
        self.usual = not graph and self.inner is None
        self.connect = connect
        self.spent = None if retain else marks[1]

    def reached_outer(self, grads):
        """The planning pass found a leaf outside `inputs=` (C and Python loops call
        this before any node runs): for a transform, record the backward from here on."""
        if self.connect is None or self.create:
            return
        self.connect.append(True)
        self.create = self.graph = self.retain = True
        self.usual = False
        self.spent = None
        _local.grad_enabled = True      # the backward's mode restores it on exit
        for node, g in list(grads.items()):
            if not isinstance(g, Tensor):
                a = np.asarray(g)
                self.stored[id(a)] = a  # maybe the caller's array: never handed out
                grads[node] = make(a)

    @classmethod
    def plain(cls, retain_graph=True, accumulate=False):
        """A first-order backward that captures nothing (one per backward pass)."""
        run = next(_runs)
        return cls(retain_graph, False, False, accumulate, _local.anomaly,
                   (Spent(run, False), Spent(run, True)), {})


# what to write instead of a gradient inside tg.function, where the generic advice does
# not fit
_TRACE_ADVICE = {"vmap(grad)": "trace f alone and map its gradient outside, "
                 "tg.vmap(tg.grad(tg.function(f))), or differentiate a traced "
                 "tg.function(tg.vmap(f)) from outside"}


def run_backward(roots, grad_roots, *, retain_graph=False, create_graph=False,
                 inputs=None, accumulate=True, allow_unused=False, who="backward",
                 allowed=None, connect=None):
    """Propagate cotangents from `roots` through the recorded graph: the entry point of
    every front-end (.backward, autograd.grad, tapes, func transforms).

    With `inputs`, returns their gradients (None where unreachable) and runs only the
    nodes that lead to them; with `accumulate`, adds gradients into leaves' `.grad` (all
    leaves, or only `inputs` when given). `allowed`, a GradientTape's filter
    (its recording marks, set of extra nodes), cuts edges to other nodes. `connect`: see
    BackwardState (only with `inputs`).
    """
    if _local.trace is not None:
        _local.trace.refuse(f"{who} (computing gradients)", _TRACE_ADVICE.get(who))
    if any(type(g) is Tensor and g._x is not None and "vmap" in g._x for g in grad_roots):
        # a cotangent batched by tg.vmap (vmap of autograd.grad with grad_outputs, of a
        # tape's output_gradients): the rules run on tensors, whose ops batch (on raw
        # arrays they would read the batched value's placeholder)
        if accumulate:
            raise RuntimeError(
                f"{who}: a gradient batched by tg.vmap cannot be accumulated into .grad "
                "(each batch element would add a different value into the same tensor); "
                "use tg.autograd.grad(..., grad_outputs=v), tg.vjp or tg.grad inside the "
                "mapped function")
        create_graph = True
    graph_mode = bool(create_graph or _local.fw_levels)
    run = next(_runs)
    marks = (Spent(run, False), Spent(run, True))     # what ran nodes' `_saved` becomes
    grads = {}
    root_nodes = []
    # arrays users hold (.grad, hooks' tensors, `gradient=`), by id; kept alive here so
    # that an id is never reused by a fresh array during this backward
    stored = {}
    for i, (t, g) in enumerate(zip(roots, grad_roots)):
        node = grad_edge(t)
        if node is None:
            raise RuntimeError(
                f"{who}: output {i} does not require grad and has no grad_fn: nothing "
                "connects it to a tensor with requires_grad=True (was it computed under "
                "no_grad, or from detached/NumPy values?)")
        mine = isinstance(g, Tensor)
        g = _root_grad(t, g, i, who, graph_mode)
        if not graph_mode and g.ndim == 0:
            g = g[()]                   # 0-d: NumPy scalars are ~10x faster in the rules
        elif graph_mode and mine:
            stored[id(g._data)] = g._data   # the caller's tensor: never hand it out as is
        if allowed is not None and not _allows(allowed, node):
            continue                    # not recorded by this tape: unconnected
        prev = grads.get(node)
        grads[node] = g if prev is None else prev + g
        root_nodes.append(node)

    capture = None
    results = None
    if inputs is not None:
        capture = {}
        for k, t in enumerate(inputs):
            node = grad_edge(t)
            if node is None and t._acc is not None:
                node = t._acc()         # a leaf watched by a tape that has since closed
            if node is None:
                raise RuntimeError(f"{who}: input {k} does not require grad; set "
                                   "requires_grad=True (or watch it on a tape)")
            capture.setdefault(node, []).append(k)
        results = [None] * len(inputs)

    state = BackwardState(retain_graph, bool(create_graph), graph_mode, accumulate,
                          _local.anomaly, marks, stored, capture, results, inputs,
                          connect if capture is not None else None)
    mode = _Backward(bool(create_graph))
    mode.__enter__()
    outer, _local.callbacks = _local.callbacks, []
    try:
        # the module's run_node and run_leaf as they are now (a test may wrap them)
        _loops(root_nodes, grads, state, run_node, run_leaf, allowed, capture)
    except _Freed as e:
        order = backward_order(root_nodes, allowed)
        raise RuntimeError(_freed_message(e.node, order, run)) from None
    finally:
        mode.__exit__()
        callbacks, _local.callbacks = _local.callbacks, outer
    for fn in callbacks:                # the backward succeeded: queued work runs now
        fn()
    if results is None:
        return None
    out = []
    for k, r in enumerate(results):
        if r is None:
            if not allow_unused:
                raise RuntimeError(
                    f"{who}: input {k} was not used to compute the outputs (its gradient "
                    "is undefined); pass allow_unused=True to get None for it")
            out.append(None)
            continue
        t = inputs[k]
        r = make(_owned(r, stored)) if not isinstance(r, Tensor) else _owned_tensor(r, stored)
        if r.shape != t.shape:
            r = make(np.broadcast_to(_raw(r), t.shape).copy()) if not state.create else r
        if r._data.dtype != t._data.dtype:
            r = r.astype(t._data.dtype)
        out.append(r)
    return tuple(out)


def queue_callback(fn):
    """Run `fn()` once the backward now running has finished, after every gradient has
    reached its leaf (PyTorch's Variable._execution_engine.queue_callback). Call it from a
    hook; DistributedDataParallel waits for its gradient allreduces there."""
    if _local.callbacks is None:
        raise RuntimeError("queue_callback: no backward is running; call it from a hook "
                           "during backward")
    _local.callbacks.append(fn)


def _root_grad(t, g, i, who, graph_mode):
    cplx = t._data.dtype.kind == "c"
    if g is None:
        if cplx:                        # a complex value is not a loss (as in PyTorch)
            raise RuntimeError(
                f"{who}: output {i} has dtype {t._data.dtype}: grad can be implicitly "
                "created only for real scalar outputs; pass `gradient=` (a complex "
                "cotangent) or reduce it to a real loss first, e.g. y.abs().sum()")
        if t._data.size != 1:
            raise RuntimeError(
                f"{who}: a gradient is needed for output {i} of shape {t.shape}: grad can "
                "be implicitly created only for scalar outputs; pass `gradient=` (e.g. "
                "tg.ones_like(y)) or reduce it first, e.g. y.sum().backward()")
        g = np.ones_like(t._data)
    else:
        gr = _raw(g)
        if not isinstance(gr, (np.ndarray, np.generic, float, int, complex)) or (
                np.asarray(gr).dtype.kind not in ("biufc" if cplx else "biuf")):
            kind = "a tensor or array" if cplx else "a real tensor or array"
            raise TypeError(f"{who}: the gradient for output {i} must be {kind}, got "
                            f"{what(g)}")
        if np.shape(gr) != t.shape:
            raise RuntimeError(f"{who}: gradient for output {i} has shape {np.shape(gr)} "
                               f"but the output has shape {t.shape}")
        if not isinstance(g, Tensor) or not graph_mode:
            g = np.array(gr, dtype=t._data.dtype if t._data.dtype.kind in "fc" else None)
    return _as_grad(g, graph_mode)


def _run_hooks(hooks, g, graph_mode, stored):
    """Run tensor hooks on `g`. Each hook gets its own copy, which it may edit in place
    (as PyTorch allows) without touching a sibling's gradient, since `add` and friends hand
    one array to several inputs; the copy, or what the hook returns, goes on from there.
    The hook may keep either, so `stored` marks it as not the engine's to hand out."""
    for fn in list(hooks):
        if not callable(fn):
            raise TypeError(f"register_hook: the hook must be callable, got "
                            f"{type(fn).__name__}")
        mine = call(Clone, g) if graph_mode else make(np.array(g))
        r = fn(mine)
        if r is None:
            r = mine
        elif r is not mine:
            _check_hook_result(fn, r, mine)
        g = _as_grad(r, graph_mode)
        stored[id(_raw(g))] = _raw(g)
    return g


def _run_post_hooks(hooks, gxs, g, graph_mode):
    """PyTorch's node hooks, fn(grad_inputs, grad_outputs) after the rule: a returned
    tuple replaces the gradients sent to the inputs."""
    def wrap(v):
        return v if v is None or isinstance(v, Tensor) else make(np.array(v))
    gins = tuple(wrap(v) for v in gxs)
    gouts = (wrap(g),)
    for fn in list(hooks):
        r = fn(gins, gouts)
        if r is None:
            continue
        if not isinstance(r, (tuple, list)) or len(r) != len(gins):
            raise TypeError(f"register_hook: node hook {getattr(fn, '__name__', fn)!r} "
                            f"must return None or a tuple of {len(gins)} gradients (one per "
                            f"input), got {r!r:.60}")
        gins = tuple(wrap(v) for v in r)
    return tuple(v if v is None or graph_mode else v._data for v in gins)


def _check_hook_result(fn, r, g):
    name = getattr(fn, "__name__", repr(fn))
    if not isinstance(r, (Tensor, np.ndarray)):
        raise TypeError(f"register_hook: hook {name!r} returned {type(r).__name__}; a hook "
                        "returns None or a tensor (the new gradient)")
    if r.shape != g.shape:
        raise RuntimeError(
            f"register_hook: hook {name!r} returned a gradient of shape {tuple(r.shape)} "
            f"for a tensor of shape {tuple(g.shape)}; a hook may change the gradient's "
            "values but not its shape")
    if r.dtype != g.dtype:              # RuntimeError, as PyTorch's "changed the type"
        raise RuntimeError(
            f"register_hook: hook {name!r} returned a gradient of dtype {r.dtype} for a "
            f"gradient of dtype {g.dtype}; a hook may change the gradient's values but not "
            "its dtype")


def _owned(arr, stored):
    """`arr` itself if nobody else holds it, else a copy (grads must not alias)."""
    if not isinstance(arr, np.ndarray):
        arr = np.array(arr)             # a NumPy or Python scalar from a 0-d rule
    elif arr.base is not None or not arr.flags.writeable or id(arr) in stored:
        arr = arr.copy()
    stored[id(arr)] = arr
    return arr


def _base_refs(arr):
    base = arr.base
    if type(base) is not np.ndarray:
        return -1               # a buffer (a tg.vmap placeholder's) or an array subclass
    return _getrefcount(base) if base.base is None else -1


def _private_view(arr):
    """A view whose base nothing else refers to (a rule's reshape of its own fresh
    result): handing it out cannot alias anyone. Compared with the count for a view
    known to be the only reference (measured once: interpreters count stack references
    differently)."""
    return _base_refs(arr) == _PRIVATE_REFS


def _calibrate():
    v = np.empty(2)[:]
    return _base_refs(v)


_PRIVATE_REFS = _calibrate()


def _owned_tensor(t, stored):
    """`_owned` for a recorded gradient (create_graph): a copy that stays in the graph."""
    arr = t._data
    if t._x is not None and "vmap" in t._x:
        return call(Clone, t)           # a vmap placeholder: its values live elsewhere
    if (arr.base is not None and not _private_view(arr) or not arr.flags.writeable
            or id(arr) in stored):
        t = call(Clone, t)
    stored[id(t._data)] = t._data
    return t


def _accumulate(t, g, create_graph, stored):
    dtype = t._data.dtype
    if create_graph:
        g = g if isinstance(g, Tensor) else make(g)
        if g._data.dtype != dtype:
            g = g.astype(dtype)
        if g._data.shape != t.shape:
            g = g.reshape(t.shape)
        t._grad = _owned_tensor(g, stored) if t._grad is None else t._grad + g
        return
    arr = np.asarray(_raw(g))
    if arr.dtype != dtype:
        arr = arr.astype(dtype)
    if arr.shape != t.shape:
        arr = np.broadcast_to(arr, t.shape)
    old = t._grad
    if old is None:
        t._grad = make(_owned(arr, stored))
    elif t.grad_fn is None and old._fw is None and old._data.flags.writeable:
        # a leaf's .grad is added to in place, as PyTorch does outside create_graph: a
        # reference to it (g = x.grad, a .grad shared by assignment) sees the sum
        _state.pre_write(old)
        np.add(old._data, arr, out=old._data)
        old._bump_version()
    else:
        t._grad = make(np.asarray(old._data + arr))
        stored[id(t._grad._data)] = t._grad._data


class _Backward:
    """The state rules run in during a backward: recording on only for create_graph; NumPy
    warnings off (inf/NaN at masked positions is expected, see ops.elementwise.scale);
    and no cyclic collection, since the graph holds no reference cycles and a collection
    would only walk it (that walk makes per-node cost grow with N)."""

    __slots__ = ("grad", "prev", "prev_in", "err", "gc")

    def __init__(self, grad):
        self.grad = grad

    def __enter__(self):
        self.prev = _local.grad_enabled
        _local.grad_enabled = self.grad
        self.prev_in = _local.in_backward
        _local.in_backward = True
        self.err = np.errstate(all="ignore")
        self.err.__enter__()
        self.gc = gc.isenabled()
        if self.gc:
            gc.disable()

    def __exit__(self, *exc):
        _local.grad_enabled = self.prev
        _local.in_backward = self.prev_in
        self.err.__exit__(None, None, None)
        if self.gc:
            gc.enable()


def run_node(node, g, state, mask=None):
    """Run one recorded node in a backward: every step between a gradient arriving at
    `node` and the gradients it sends to its inputs. The only caller of `op.vjp` there.

    Steps: the node's hooks and retain_grad (and capture, for `inputs=`); its saved
    values, unpacked after the in-place (version) check, recomputed if tg.checkpoint
    dropped them, or the freed-graph error; the rule `node.op.vjp(node, g)` with
    `ctx.needs_grad` = `mask` (None: the node's own); the saved values released unless
    state.retain; the anomaly check; the count check; each gradient fitted to its input's
    shape.

    Returns one entry per input (node.next): its gradient, or None. An entry whose input
    has no edge (node.next[j] is None) is to be ignored. Summing the gradients that meet
    at a node and the order of nodes are the caller's (the loop's) job. `state` is a
    BackwardState.
    """
    if type(g) is SliceGrads:
        g = g.dense()                   # pieces of slices, summed by the loop: write once
    x = node._x
    if x is None and mask is None and state.usual:
        # the hot path of every first-order backward: the general steps below cut to what
        # such a node needs (no hooks, mask or capture; saved values a tuple or nothing);
        # the op table's "run_node general steps" path holds the two to the same bits
        kept = node._saved
        if type(kept) is tuple:
            vers = node.vers
            if vers:                    # (counter, version at save) pairs
                vc = vers[0]
                if vc is not None and vc.v != vers[1]:
                    _check_versions(node, vers)     # raises
                if len(vers) > 2:
                    vc = vers[2]
                    if vc is not None and vc.v != vers[3] or len(vers) > 4:
                        _check_versions(node, vers)
            node.saved = kept
            ran = state.spent
        elif kept is None:
            node.saved = ()
            ran = state.marks[0]
        else:
            return _run_general(node, g, state, None, x)
        try:
            gxs = node.op.vjp(node, g)
        finally:
            node.saved = None
        if state.spent is not None:
            node._saved = ran
        if state.anomaly:
            check_grads(node, gxs)
        if _shapes_match(gxs, node.in_shapes):
            return gxs
        if len(gxs) != len(node.next):
            _count_error(node, gxs)
        return _fit_all(node, gxs, None, False)
    return _run_general(node, g, state, mask, x)


def _run_general(node, g, state, mask, x):
    """run_node's steps for any node (the fast path above covers the usual one)."""
    # the usual node: nothing attached to it (hooks, duals, complex values) in a plain
    # pass (first order, no captured non-leaf; anomaly mode too); the other steps are
    # skipped by this one test
    usual = x is None and state.usual
    if usual:
        cplx = None
        kept = node._saved
        plain = type(kept) is tuple
    else:
        inner = state.inner
        if x is not None or inner is not None and node in inner:
            g = _node_extras(node, x, g, state)
            if mask is not None and True not in mask:
                return (None,) * len(node.next)     # a target with nothing needed below
        cplx = x.get("complex") if x is not None else None
        if cplx is not None:
            g = _conj(g)                # J^H g = conj(J^T conj(g)), see _holomorphic
        kept = node._saved
        plain = (type(kept) is tuple and not state.graph
                 and (x is None or not x.get("dual")))
    if plain:
        saved = kept
        if node.vers:
            _check_versions(node, node.vers)    # raises if a saved value changed
    elif kept is None and (usual or not state.graph):
        saved = ()
    else:
        saved = _unpack(node, state.graph)  # freed, checkpointed, duals, or graph mode
    node.saved = saved
    if mask is None:
        try:
            gxs = node.op.vjp(node, g)
        finally:
            node.saved = None
    else:
        own = node.needs_grad
        node.needs_grad = mask
        try:
            gxs = node.op.vjp(node, g)
        finally:
            node.saved = None
            node.needs_grad = own
    if not state.retain and type(kept) is not Spent:
        node._saved = state.marks[kept is not None]
    if not usual and cplx is not None:
        gxs = _holomorphic(gxs, cplx)
    if x is not None and "post_hooks" in x:
        gxs = _run_post_hooks(x["post_hooks"], gxs, g, state.graph)
    if state.anomaly:
        check_grads(node, gxs)
    n = len(gxs)
    if n != len(node.next):
        _count_error(node, gxs)
    if mask is not None or not usual and state.graph:
        return _fit_all(node, gxs, mask, state.graph)
    # usually every gradient has its input's shape: gxs goes on as it is (unrolled for
    # one and two inputs: this is the hot path of every backward)
    shapes = node.in_shapes
    try:
        if n == 1:
            gx = gxs[0]
            if gx is not None and gx.shape != shapes[0]:
                return _fit_all(node, gxs, mask, False)
        elif n == 2:
            gx, gy = gxs
            if (gx is not None and gx.shape != shapes[0]
                    or gy is not None and gy.shape != shapes[1]):
                return _fit_all(node, gxs, mask, False)
        else:
            for gx, shape in zip(gxs, shapes):
                if gx is not None and gx.shape != shape:
                    return _fit_all(node, gxs, mask, False)
    except AttributeError:              # a Python scalar
        return _fit_all(node, gxs, mask, False)
    return gxs


def _conj(v):
    """The complex conjugate of a cotangent (recorded when it is a Tensor)."""
    if isinstance(v, Tensor):
        return call(Conj, v) if v._data.dtype.kind == "c" else v
    if isinstance(v, SliceGrads):       # a lazy gradient of pieces (Stack, GetItem ...)
        if v.dtype.kind == "c":
            v.parts = [(i, np.conj(p)) for i, p in v.parts]
        return v
    return np.conj(v) if np.iscomplexobj(v) else v


def _holomorphic(gxs, real_inputs):
    """PyTorch's convention for a node of a holomorphic op that met complex values
    (recorded by ops/_apply._record): the rule computed J^T conj(g) (it is written as
    for real numbers), so its conjugate is J^H g, the conjugate Wirtinger gradient.
    Inputs in `real_inputs` are real: their gradient is its real part, as in PyTorch."""
    out = []
    for j, gx in enumerate(gxs):
        if gx is not None:
            gx = _conj(gx)
            if j in real_inputs and np.iscomplexobj(_raw(gx)):
                gx = call(Real, gx) if isinstance(gx, Tensor) else np.real(np.asarray(gx)).copy()
        out.append(gx)
    return tuple(out)


def _fit_all(node, gxs, mask, graph):
    """run_node's last step when some gradient needs work: dropped where the mask says
    no gradient, a Tensor in graph mode, summed down to its input's shape."""
    out = []
    for j, (nxt, gx, shape) in enumerate(zip(node.next, gxs, node.in_shapes)):
        if nxt is None or gx is None or (mask is not None and not mask[j]):
            out.append(None)
            continue
        if graph and not isinstance(gx, Tensor):
            gx = make(np.asarray(gx))
        out.append(_fitted(gx, shape, node))
    return tuple(out)


def run_leaf(node, g, state):
    """A gradient arriving at a leaf (its AccumulateGrad `node`): the leaf's hooks, then
    capture for `inputs=` and `.grad` accumulation, as `state` asks."""
    if type(g) is SliceGrads:
        g = g.dense()
    t = node.variable
    x = t._x
    hooks = x.get("hooks") if x else None
    if hooks:
        g = _run_hooks(hooks, g, state.graph, state.stored)
    capture = state.capture
    if capture is not None:
        ks = capture.get(node)
        if ks is None:
            return
        for k in ks:
            state.results[k] = g
    if state.accumulate:
        _accumulate(t, g, state.create, state.stored)
        post = x.get("post_acc_hooks") if x else None
        if post:
            for fn in list(post):
                fn(t)


def _node_extras(node, x, g, state):
    """run_node's first step: a node's hooks, capture, and .grad for retain_grad or a
    non-leaf named in `inputs=` (as in PyTorch). Returns the gradient."""
    hooks = x.get("hooks") if x else None
    if hooks:
        g = _run_hooks(hooks, g, state.graph, state.stored)
    capture = state.capture
    ks = capture.get(node) if capture is not None else None
    if ks is not None:
        for k in ks:
            state.results[k] = g
    if not state.accumulate:
        return g
    if ks is not None:
        for k in ks:
            _accumulate(state.inputs[k], g, state.create, state.stored)
        return g
    ref = x.get("retain") if x else None
    if ref is not None:
        t = ref()
        if t is not None:
            _accumulate(t, g, state.create, state.stored)
    return g


def _count_error(node, gxs):
    raise RuntimeError(f"{node.op.bw_name}: its rule returned {len(gxs)} gradients for "
                       f"{len(node.next)} inputs")


def _check_versions(node, vers):
    """Raise if a value `node` saved was changed in place since (see Tensor._bump_version)."""
    for k in range(0, len(vers), 2):            # (counter, version at save) pairs
        vc = vers[k]
        if vc is not None and vc.v != vers[k + 1]:
            raise version_error(node, saved_index(node, k // 2), vers[k + 1], vc)


def _unpack(node, graph_mode):
    saved = node._saved
    if saved is None:
        return ()
    if type(saved) is Spent:
        if saved.freed:
            raise _Freed(node)
        return ()
    if type(saved) is not tuple:
        saved = saved.fill(node)        # dropped by tg.checkpoint: recompute them now
    vers = node.vers
    if vers:
        _check_versions(node, vers)
    out = []
    if graph_mode:
        op = node.op
        idx = range(len(saved)) if op.save_all else op._save_idx
        nxt = node.next
        for i, v in zip(idx, saved):
            if i < 0:
                t = make(np.asarray(v), True)   # the output, rebuilt without a cycle
                t.grad_fn = node
                t._fw = node.out_fw
                out.append(t)
            elif isinstance(v, (np.ndarray, np.generic)) and nxt[i] is not None:
                t = make(np.asarray(v), True)   # a saved input, reconnected to its source
                t.grad_fn = nxt[i]
                out.append(t)
            else:
                out.append(v)           # constants, and the duals forward mode stored
    else:
        for v in saved:
            if isinstance(v, Tensor):
                v = v._data
            if type(v) is np.ndarray and not v.shape:
                v = v[()]               # 0-d: NumPy scalars are ~10x faster in the rules
            out.append(v)
    return tuple(out)


class _Freed(Exception):
    def __init__(self, node):
        super().__init__(node)
        self.node = node


def _freed_message(node, order, run):
    """Say which tensor carried an already-used graph into this backward, or that the
    same graph was simply backpropagated twice."""
    msg = (f"{node.op.bw_name}: trying to backward through the graph a second time: the "
           "values it saved were freed by an earlier backward (retain_graph=False).")

    def is_old(n):                  # freed by an earlier backward
        return type(n) is not AccumulateGrad and 0 < n.ran < run

    carried = user = None
    for c in order:                 # the first edge from this backward's graph into an old one
        if c is node:
            break
        if type(c) is AccumulateGrad or is_old(c):
            continue
        carried = next((n for n in c.next if n is not None and (n is node or is_old(n))),
                       None)
        if carried is not None:
            user = c
            break
    if carried is None:
        return msg + ("\nbackward() was already called through this graph: pass "
                      "retain_graph=True to the first call if you need to go through it "
                      "again (or use a persistent GradientTape).")
    if carried.site is not None:
        made = site_text(carried.site)
        msg += (f"\nThe tensor computed at {made} (by {carried.op.__name__.lower()}) belongs "
                "to that earlier graph")
        if user.site is not None:
            msg += (f" and was used again at {site_text(user.site)} (by "
                    f"{user.op.__name__.lower()})")
        msg += (". A value carried over from an earlier iteration is the usual cause: "
                f"call .detach() on it at {made} (e.g. `h = h.detach()`).")
    msg += ("\nIf you really need to go through the old graph again, pass retain_graph=True "
            "to the earlier backward (or use a persistent GradientTape).")
    return msg


def _fitted_py(gx, shape, node):
    """gx summed down to its input's shape when the rule left it broadcast."""
    try:
        gshape = gx.shape
    except AttributeError:              # a Python scalar
        gshape = ()
    return gx if gshape == shape else _reduce_to(gx, shape, node)


def _reduce_to(gx, shape, node):
    """gx summed down to `shape`; an error naming the rule unless gx broadcasts to it."""
    gshape = gx.shape if isinstance(gx, Tensor) else np.shape(gx)
    key = (gshape, shape)
    if key not in _SUMMABLE:
        try:
            ok = np.broadcast_shapes(gshape, shape) == tuple(gshape)
        except ValueError:
            ok = False
        if not ok:
            who = getattr(getattr(node, "op", None), "bw_name", "a backward rule")
            raise RuntimeError(f"{who}: its rule returned a gradient of shape "
                               f"{tuple(gshape)} for an input of shape {shape}")
        if len(_SUMMABLE) > 4096:
            _SUMMABLE.clear()
        _SUMMABLE.add(key)
    return call(SumTo, gx, shape=shape)


_SUMMABLE = set()       # (gradient shape, input shape) pairs already checked



def _shapes_match_py(gxs, shapes):
    """Whether run_node's gradients fit as they are: one per input, each None or an
    array of its input's shape (a scalar or a Tensor takes the general step)."""
    if len(gxs) != len(shapes):
        return False
    for gx, shape in zip(gxs, shapes):
        if gx is not None and (type(gx) is not np.ndarray or gx.shape != shape):
            return False
    return True


_fast = SPEEDUPS
_loops = _loops_py if _fast is None else _fast.backward_loops
_shapes_match = _shapes_match_py if _fast is None else _fast.shapes_match
_fitted = _fitted_py

# the names `from tapegrad.autograd.engine import *` gives (tests/test_all.py)
__all__ = ["backward_order", "BackwardState", "reaches_outer", "run_backward", "run_node",
           "run_leaf", "queue_callback"]
