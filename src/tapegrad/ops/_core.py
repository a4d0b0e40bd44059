"""Op base class, register(), apply(): the only code that records nodes."""
import sys
from weakref import ref as _weakref

import numpy as np

from .. import _state
from .._tensor import Tensor, Version, make
from ._shapes import broadcast_shapes

_new = object.__new__
_F64 = np.dtype(np.float64)
_F16 = np.dtype(np.float16)
from ..autograd.graph import Node, grad_edge

REGISTRY = []           # every registered Op class, for the case-table completeness test
LINEAR = "linear"       # jvp marker: the op is linear in its single tensor input
_local = _state.local


class Op:
    """Base class of a differentiable operation; never instantiated.

    Subclasses give `forward` (ndarrays in, ndarray out), `vjp(ctx, g)` and
    `jvp(ctx, *tangents)`; `args` names the tensor inputs, `saves` the values the
    rules read back (`"out"` is the result). A forward that is one ufunc call is the
    ufunc itself (`forward = staticmethod(np.add)`): no Python frame per op.
    """

    args = ("x",)
    saves = ()
    view = False            # the result may share memory with input 0
    save_all = False        # variadic ops (einsum) save every input
    # How the jvp handles tangents with a leading batch axis (jacfwd/jacrev/hessian push
    # all basis vectors in one pass): "elementwise" (tangents are right-aligned to the
    # output and the rule broadcasts), "aware" (the rule reads ctx.batched itself), or
    # None (one slice at a time). LINEAR ops give `batch_params(params, ctx)` instead.
    batching = None
    batch_params = None
    differentiable = True
    # (NumPy function, extra constant arguments) that forward amounts to, or None
    direct = None
    bw_name = "OpBackward"
    _save_idx = ()

    @staticmethod
    def forward(*xs, **params):
        raise NotImplementedError

    vjp = None
    jvp = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        _set_hot(cls)


def _set_hot(cls):
    """What apply1/apply2 read per call, in one class attribute: forward, saved input
    indices (None: let _record decide), differentiable, view."""
    cls._hot = (cls.forward, None if cls.save_all else cls._save_idx, cls.differentiable,
                cls.view)


def register(cls):
    """Class decorator: fill in derived names and add the op to the registry."""
    cls.bw_name = cls.__name__ + "Backward"
    if "direct" not in cls.__dict__:
        # graph mode may replay a forward that is a ufunc as that ufunc (checked on a trace)
        cls.direct = (cls.forward, ()) if isinstance(cls.forward, np.ufunc) else None
    idx = []
    for name in cls.saves:
        idx.append(-1 if name == "out" else cls.args.index(name))
    cls._save_idx = tuple(idx)
    _set_hot(cls)
    REGISTRY.append(cls)
    return cls


class Ctx:
    """What a jvp rule reads during a forward-mode evaluation (no Node exists)."""

    __slots__ = ("saved", "params", "in_shapes", "needs_grad", "out_shape", "batched")

    def __init__(self, saved, params, in_shapes, out_shape):
        self.saved = saved
        self.params = params
        self.in_shapes = in_shapes
        self.out_shape = out_shape
        self.needs_grad = ()
        self.batched = None         # batch size of the tangents, when they carry one


def _site(depth=2):
    """(code, bytecode offset) of the first frame outside tapegrad: where the op was
    called. The line number is worked out only when a message needs it (`site_text`):
    reading `f_lineno` scans the code's line table on every call.

    No frame object is kept (that would keep the caller's locals alive)."""
    f = sys._getframe(depth)
    inside = _INSIDE
    while f is not None:
        code = f.f_code
        key = id(code)                  # code objects hash their whole contents
        lines = inside.get(key)
        if lines is None:
            lines = _site_table(code)
        if lines is not False:
            lasti = f.f_lasti
            site = lines.get(lasti)
            if site is None:
                # one shared tuple per call site: a loop's nodes do not each carry a copy
                site = lines[lasti] = (code, lasti)
            return site
        f = f.f_back
    return None


def _site_table(code):
    """The interned sites of a code object, or False for tapegrad's own code. The code
    object is kept alive by its sites, so its id is not reused while listed."""
    table = False if code.co_filename.startswith(_PKG_DIR) else {}
    _INSIDE[id(code)] = table
    if table is False:
        _INSIDE_CODES.append(code)
    return table


_INSIDE = {}            # id(code) -> {offset: site}, or False for tapegrad's own code
_INSIDE_CODES = []      # keeps those code objects (and so their ids) alive


def site_line(site):
    """(code, line) of a site from `_site` (code, offset) or an anomaly stack entry."""
    code, lasti = site
    line = None
    for start, end, ln in code.co_lines():
        if start <= lasti < end:
            line = ln
            break
    return code, line if line is not None else code.co_firstlineno


def site_text(site) -> str:
    if site is None:
        return "<unknown>"
    if isinstance(site, str):
        return site
    if isinstance(site, list):                  # an anomaly-mode stack: innermost frame
        if not site:
            return "<unknown>"
        code, line = site[-1]
    else:
        code, line = site_line(site)
    return f"{code.co_filename}:{line} in {code.co_name}"


_PKG_DIR = __file__.rsplit("/ops/", 1)[0]
_MASK1 = (True,)
_MASKS = {_MASK1: _MASK1}   # interned needs-grad masks, e.g. (True, False)
_SHAPES = {}             # interned input-shape tuples of recorded nodes


def apply(op, *args, **params):
    """Run `op` on tensors/arrays/scalars; record a node when grad is needed."""
    L = _local
    if L.special and L.trace is not None:
        return L.trace.apply(op, args, params)     # tg.function is tracing
    raw = []
    rg = False
    special = False         # some input carries tangents or explain_grad notes
    plain = True
    scalar = False
    for a in args:
        if isinstance(a, Tensor):
            raw.append(a._data)
            plain = False
            if a._rg:
                rg = True
            if a._fw is not None or a._x is not None:
                special = True
                if a._x is not None and "stale" in a._x and L.grad_enabled:
                    _stale_error(op, args)
        else:
            raw.append(a)
            if isinstance(a, np.floating):
                scalar = True
    if plain:
        raw = _plain_inputs(raw)
    elif scalar:
        # a NumPy float scalar next to a tensor acts like a Python float (as in PyTorch):
        # float32 * np.float64(2) stays float32
        raw = [float(v) if isinstance(v, np.floating) else v for v in raw]
    if special and (L.fw_levels or L.fw_default) and _has_tangent(args):
        if not rg or not L.grad_enabled:
            t = _dual_fast(op, args, raw, params)
            if t is not None:
                return t
        level = _top_level(args)
        if level is not None:
            return _apply_dual(op, level, args, params)
    try:
        out = op.forward(*raw, **params)
    except TypeError:
        out = _retry_as_float(op, raw, params)     # np.negative(bool) and the like
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    elif raw and out is raw[0] and not op.view:
        out = out.copy()        # a non-view op handed back its input (same-dtype cast)
    elif plain and out.base is not None:
        # only NumPy inputs: a view result would be a tensor over the caller's array,
        # which the caller may still write (tg.transpose(W) later saved by a matmul)
        out = out.copy()
    c = out.dtype.char
    if c == "d":
        if not _has_float64(raw) and "dtype" not in params:
            out = out.astype(np.float32)
    elif c == "e" and "dtype" not in params:
        out = _default_float(out, raw, None, op.forward, params)
    if rg and L.grad_enabled and op.differentiable:
        return _record(op, args, params, out, special)
    t = make(out)
    if op.view:
        _share_version(args[0], t)
    if rg and op.differentiable:
        note_cut(t, "no_grad", args)       # for explain_grad: the path was cut here
    elif special:
        _carry_cut(t, args)
    return t


def apply1_py(op, x):
    """apply(op, x) for a single input and no params, with the common case (a plain
    Tensor, nothing tracing) inlined: the cost of elementwise ops is mostly this.
    `_speedups.apply1` does the common case in C and calls this for the rest."""
    L = _local
    if L.special or not isinstance(x, Tensor) or x._x is not None:
        return apply(op, x)
    if x._fw is not None:
        if not (x._rg and L.grad_enabled):
            t = _dual_fast(op, (x,), (x._data,), _NO_PARAMS)
            if t is not None:
                return t
        return apply(op, x)
    forward, save_idx, diff, view = op._hot
    d = x._data
    try:
        out = forward(d)
    except TypeError:
        out = _retry_as_float(op, (d,), None)
    if type(out) is not np.ndarray:
        out = np.asarray(out)               # ufuncs give scalars for 0-d inputs
    if out.dtype is _F64:
        if d.dtype.char not in "dDg":
            out = out.astype(np.float32)
    elif out.dtype is _F16 and d.dtype.char != "e":
        out = _default_float(out, x, None, forward)
    if x._rg and diff:
        if L.grad_enabled:
            if save_idx is None:
                return _record(op, (x,), None, out)
            return _record_fast(op, x, None, out, save_idx, view)
        t = make(out)
        if view:
            _share_version(x, t)
        note_cut(t, "no_grad", (x,))
        return t
    t = make(out)
    if view:
        _share_version(x, t)
    return t


def apply2_py(op, x, y):
    """apply(op, x, y) for two inputs and no params (binary elementwise ops, matmul),
    with the common case inlined as in apply1. Python numbers stay Python numbers.
    `_speedups.apply2` does the common case in C and calls this for the rest."""
    L = _local
    if L.special:
        return _apply2_general(op, x, y)
    if isinstance(x, Tensor):
        if x._x is not None:
            return _apply2_general(op, x, y)
        fw = x._fw is not None
        dx = x._data
        if isinstance(y, Tensor):
            if y._x is not None:
                return _apply2_general(op, x, y)
            if y._fw is not None:
                fw = True
            dy = y._data
            rg = x._rg or y._rg
        elif type(y) is float or type(y) is int:
            dy = y
            rg = x._rg
        else:
            return _apply2_general(op, x, y)
    elif type(x) is float or type(x) is int:
        if not isinstance(y, Tensor) or y._x is not None:
            return _apply2_general(op, x, y)
        fw = y._fw is not None
        dx = x
        dy = y._data
        rg = y._rg
    else:
        return _apply2_general(op, x, y)
    if fw:                                  # forward mode: tangents ride along
        if not (rg and L.grad_enabled):
            try:
                t = _dual_fast(op, (x, y), (dx, dy), _NO_PARAMS)
            except ValueError:
                _check_broadcast(op, x, y)
                raise
            if t is not None:
                return t
        return _apply2_general(op, x, y)
    forward, save_idx, diff, view = op._hot
    try:
        out = forward(dx, dy)
    except ValueError:
        _check_broadcast(op, x, y)
        raise
    except TypeError:
        out = _retry_as_float(op, (dx, dy), None)
    if type(out) is not np.ndarray:
        out = np.asarray(out)               # ufuncs give scalars for 0-d inputs
    if out.dtype is _F64:
        if not _has_float64((dx, dy)):
            out = out.astype(np.float32)
    elif out.dtype is _F16:
        out = _default_float(out, x, y, forward)
    if rg and diff:
        if L.grad_enabled:
            if save_idx is None:
                return _record(op, (x, y), None, out)
            return _record_fast(op, x, y, out, save_idx, view)
        t = make(out)
        note_cut(t, "no_grad", (x, y))
        return t
    return make(out)


def _finish_plain(args, out, view, cut):
    """A result that records nothing: a view shares its base's version counter, and an op
    run under no_grad on a tracked input remembers the cut (for explain_grad)."""
    t = make(out)
    if view:
        _share_version(args[0], t)
    if cut:
        note_cut(t, "no_grad", args)
    return t


def _default_float(out, x, y, forward=None, params=None):
    """The float32 default for a float64 or float16 result of inputs that do not ask for
    that dtype (see _has_float64). `x` is one input or (with y None) all of them.

    NumPy computes bool, int8 and uint8 in float16; PyTorch in float32. So a float16
    result of such inputs is computed again from float32 inputs (casting the float16
    result would keep its rounding: exp(True) would be 2.7188)."""
    if y is None and isinstance(x, (list, tuple)):
        raw = tuple(a._data if isinstance(a, Tensor) else a for a in x)
    else:
        raw = tuple(a._data if isinstance(a, Tensor) else a for a in (x, y) if a is not None)
    if out.dtype.char == "d":
        return out if _has_float64(raw) else out.astype(np.float32)
    if out.dtype.char != "e" or forward is None:
        return out
    for v in raw:
        if getattr(v, "dtype", None) == np.float16:
            return out
    raw = [_small_to_f32(v) for v in raw]
    out = forward(*raw, **params) if params else forward(*raw)
    return out if type(out) is np.ndarray else np.asarray(out)


def _non_numeric(v):
    """The type name of a value NumPy cannot compute with (None for numbers and arrays)."""
    if isinstance(v, (np.ndarray, np.generic)):
        return None if v.dtype.kind in "biufc" else f"{v.dtype} array"
    if isinstance(v, (int, float, complex)):
        return None
    if isinstance(v, (list, tuple)):
        try:
            kind = np.asarray(v).dtype.kind
        except (ValueError, TypeError):
            kind = "O"
        if kind in "biufc":
            return None
        inner = {type(e).__name__ for e in np.ravel(np.asarray(v, dtype=object))}
        return f"{type(v).__name__} of {', '.join(sorted(inner))}"
    return type(v).__name__


def _small_to_f32(v):
    dt = getattr(v, "dtype", None)
    if dt is not None and dt.kind in "biu" and dt.itemsize == 1:
        return np.asarray(v, dtype=np.float32)
    return v


def _retry_as_float(op, raw, params):
    """A forward that refused a bool input (np.negative(bool) in sigmoid) runs on float32,
    as PyTorch computes float ops on bool tensors. Any other TypeError is raised again,
    naming the op and the operand it cannot take (`x + "a"`) instead of NumPy's jargon."""
    if not any(getattr(v, "dtype", None) == np.bool_ for v in raw):
        for v in raw:
            what = _non_numeric(v)
            if what is not None:
                raise TypeError(f"{op.__name__.lower()}: unsupported operand type(s) "
                                f"{what}") from None
        raise
    raw = [_small_to_f32(v) for v in raw]
    return op.forward(*raw, **params) if params else op.forward(*raw)


def _apply2_general(op, x, y):
    _check_broadcast(op, x, y)
    return apply(op, x, y)


def _check_broadcast(op, x, y):
    """Raise the broadcasting error that names the op and both shapes, if they clash."""
    # matmul checks its own shapes (broadcasting covers only its batch axes)
    if (isinstance(x, (Tensor, np.ndarray)) and isinstance(y, (Tensor, np.ndarray))
            and x.shape != y.shape and op.__name__ != "MatMul"):
        broadcast_shapes(op.__name__.lower(), x.shape, y.shape)


def _record_fast_py(op, x, y, out, save_idx, view):
    """_record for one or two inputs (y None for one), no params, no anomaly mode, tape
    or checkpoint. `_speedups.record_fast` is this in C, with the same signature (it
    reads `save_idx` and `view` from the caller instead of the op); keep the two in step."""
    return _record(op, (x,) if y is None else (x, y), None, out, depth=4)




def _intern_shapes(shapes):
    if len(_SHAPES) > 4096:
        _SHAPES.clear()             # many distinct shapes: keep the cache small
    return _SHAPES.setdefault(shapes, shapes)


def _intern_meta(out):
    if len(_META) > 4096:
        _META.clear()
    meta = (out.shape, out.dtype)
    return _META.setdefault(meta, meta)
_NO_PARAMS = {}          # shared, never written


def _has_tangent(args):
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None:
            return True
    return False


_capture_site = None


def _anomaly_stack():
    """detect_anomaly's forward stack (imported once: anomaly mode must stay cheap)."""
    global _capture_site
    if _capture_site is None:
        from ..autograd.anomaly import capture_site
        _capture_site = capture_site
    return _capture_site()


def _has_float64(raw):
    """Whether a float64 result is asked for by its inputs. Integers (and Python floats)
    meeting integers or float32 give float32, the tensor default, as in PyTorch; NumPy
    would widen them to float64."""
    for v in raw:
        dt = getattr(v, "dtype", None)
        if dt is not None and dt.char in "dDg":
            return True
    return False


def _plain_inputs(raw):
    """Only Python/NumPy values: Python floats follow tapegrad's float32 default unless a
    floating NumPy array sets the dtype (tg.exp(2.0) is float32, as in PyTorch)."""
    if any(isinstance(v, np.ndarray) and v.dtype.kind in "fc" for v in raw):
        return raw
    from .._dtypes import to_array
    return [to_array(v) if isinstance(v, (float, list, tuple)) and
            not isinstance(v, np.generic) else v for v in raw]


_MASK2 = ((False, False), (True, False), (False, True), (True, True))
_META = {}              # interned (shape, dtype) pairs of recorded outputs


def _record(op, args, params, out, extra=False, depth=3):
    edges = []
    shapes = []
    cuts = None
    for a in args:
        if isinstance(a, Tensor):
            e = a.grad_fn
            if e is None and a._rg:
                e = grad_edge(a)
            edges.append(e)
            shapes.append(a._data.shape)
            if e is not None and a._data.dtype.kind == "c":
                raise _complex_error(op, a._data.dtype)
            if extra and e is None and a._x is not None and "cut" in a._x:
                cuts = (cuts or []) + [a._x["cut"]]
        else:
            edges.append(None)
            shapes.append(None)
    edges = tuple(edges)
    if out.dtype.kind == "c":
        raise _complex_error(op, out.dtype)
    if len(edges) == 2:
        mask = _MASK2[(edges[0] is not None) + 2 * (edges[1] is not None)]
    else:
        mask = tuple([e is not None for e in edges])
        mask = _MASKS.setdefault(mask, mask)    # a handful of distinct masks: share them
    t = make(out, True)
    saved = None
    vers = None
    save_idx = range(len(args)) if op.save_all else op._save_idx
    leaves = None
    if save_idx:
        saved, vers, leaves = _save_values(save_idx, args, out, t)
    shapes = _intern_shapes(tuple(shapes))     # shared, like masks (less memory)
    meta = _intern_meta(out)
    L = _local
    special = L.special
    # where apply was called (`depth` frames up, skipping tapegrad's own)
    site = _anomaly_stack() if special and L.anomaly else _site(depth)
    if params:
        params = _frozen_params(params)
    node = Node(op, saved, params or None, shapes, edges, mask, vers, meta, site)
    if leaves:
        _hold(leaves, node)
    if cuts:
        node.cuts = cuts
    t.grad_fn = node
    if op.view:
        _share_version(args[0], t)
    if special and L.tapes:
        for tape in L.tapes:
            tape._on_record(node, args)
    if special and L.ckpt is not None:
        L.ckpt.append(node)
    return t


def _complex_error(op, dtype):
    """Complex gradients are not done consistently yet (abs and mul/exp follow different
    conventions), so recording a complex value is refused rather than wrong."""
    name = getattr(op, "__name__", str(op)).lower()
    return TypeError(f"{name}: complex autodiff is not supported yet (got {dtype} input); "
                     "keep the real and imaginary parts as two float tensors, or compute "
                     "without grad")


def _save_values(save_idx, args, out, t):
    """(saved values, version pairs) of a node whose output tensor is `t`.

    Arrays are saved, not Tensors: intermediate Tensors die with the user's references,
    and graph-mode backward rebuilds connected Tensors from `node.next` (_unpack). A 0-d
    value is kept as a NumPy scalar: a quarter of the memory of a 0-d array, and what the
    first-order rules compute with anyway. `vers` is flat: (counter, version at save) per
    saved value, counter None for constants (saved_index finds the input from the op)."""
    saved = []
    vers = []
    leaves = None
    for i in save_idx:
        if i < 0:
            saved.append(out if out.shape else out[()])
            vc = t._vc = Version()
            vers += (vc, 0)
        else:
            a = args[i]
            if isinstance(a, Tensor):
                d = a._data
                saved.append(d if d.shape else d[()])
                vc = a._vc
                if vc is None:
                    vc = a._vc = Version()
                vers += (vc, vc.v)
                if a.grad_fn is None or vc.x is not None:   # a leaf, or memory views share
                    if leaves is None:
                        leaves = [vc]
                    else:
                        leaves.append(vc)
            else:
                saved.append(a if type(a) is float or type(a) is int else _frozen(a))
                vers += (None, 0)
    return tuple(saved), tuple(vers), leaves


def _hold(vcs, node):
    """The node saved these leaves' arrays (parameters, constants, or memory that views
    share, as a weight's transpose): while some node holds them, .numpy() of the tensor
    or of a detached alias hands them out read-only. One node
    is remembered per leaf, replaced once it has let go, so a leaf used by every op of a
    chain costs a check, not a new reference per op."""
    r = None
    for vc in vcs:
        x = vc.x
        h = x[1] if x is not None else None
        if h is not None:
            n = h()
            if n is not None and type(n._saved) is tuple:
                continue                # still held by a live node
        if r is None:
            r = _weakref(node)
        if x is None:
            vc.x = [None, r]
        else:
            x[1] = r


def _frozen(a):
    """A NumPy operand (or list) as the graph keeps it: a copy, unless it cannot change
    (read-only with no base that could be written through). The caller still owns `a`;
    `c[:] = 0` after `y = x * c` must not change y's gradient."""
    if isinstance(a, np.ndarray):
        if a.flags.writeable or a.base is not None:
            return a.copy()
        return a
    if type(a) is list:
        # as the forward saw it (NumPy converts a list operand): the rules get an array
        try:
            return np.array(a)
        except ValueError:          # ragged: keep the structure, freeze what is inside
            return [_frozen(v) for v in a]
    return a


_ARRAYS = frozenset((np.ndarray, list))


def _frozen_params(params):
    """params with NumPy arrays (index arrays, bounds) copied, as _frozen does, so the
    caller may change them later; the same dict when there are none (the usual case:
    axes, shapes, flags)."""
    copy = None
    for k, v in params.items():
        if type(v) is tuple:
            if _ARRAYS.isdisjoint(map(type, v)):    # axes, shapes, plain indices
                continue
            f = tuple(_frozen(e) for e in v)
        elif type(v) is np.ndarray or type(v) is list:
            f = _frozen(v)
        else:
            continue
        if copy is None:
            copy = dict(params)
        copy[k] = f
    return params if copy is None else copy


def note_cut(t, kind, sources):
    """Remember on `t` that the gradient path from `sources` was cut here, and where.

    Only weak references to the graph are kept, so this never keeps a graph alive. Ops
    that backward rules run are not noted: they compute gradients."""
    if kind == "no_grad" and _local.in_backward:
        return
    refs = []
    for a in sources:
        if isinstance(a, Tensor) and a._rg:
            # a leaf's accumulator may not exist yet: refer to the leaf itself
            fn = a.grad_fn
            refs.append(_weakref(a if fn is None else fn))
            if fn is not None:
                refs.extend(_leaf_refs(fn))
    if refs:
        x = t._x if t._x is not None else {}
        x["cut"] = (kind, _site(3), tuple(refs))
        t._x = x


def _leaf_refs(node, max_nodes=64, max_leaves=16):
    """Weak refs to (some of) the leaves near `node`: they outlive a dropped graph. The
    walk is kept short because it runs for every no_grad op on a tracked intermediate."""
    from ..autograd.graph import AccumulateGrad
    seen = {node}
    stack = [node]
    out = []
    while stack and len(seen) < max_nodes and len(out) < max_leaves:
        n = stack.pop()
        if type(n) is AccumulateGrad:
            out.append(_weakref(n.variable))
            continue
        for nxt in n.next:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return out


def _carry_cut(t, args):
    for a in args:
        if isinstance(a, Tensor) and a._x is not None and "cut" in a._x:
            x = t._x if t._x is not None else {}
            x["cut"] = a._x["cut"]
            t._x = x
            return


def _share_version(base, t):
    """t is a view of base: one version counter, and base's counter remembers t so that
    a recorded in-place change of the memory can mark t's history out of date."""
    if isinstance(base, Tensor):
        vc = base._vc
        if vc is None:
            vc = base._vc = Version()
        t._vc = vc
        if _local.in_backward:
            return          # a rule's own view: no recorded write reaches its base
        x = vc.x
        views = x[0] if x is not None else None
        if views is None:
            if x is None:
                vc.x = [[_weakref(t)], None]
            else:
                x[0] = [_weakref(t)]
        else:
            views.append(_weakref(t))
            if len(views) >= 64 and len(views) & (len(views) - 1) == 0:
                # a long-lived base (a parameter viewed every step): drop dead views
                views[:] = [r for r in views if r() is not None]


def mark_stale_views(t, site):
    """A recorded in-place change just gave `t` a new history: views of its memory taken
    before keep the old one, so their gradient would be wrong. Mark them; using one in
    an op while grad mode is on raises (see _check_stale)."""
    vc = t._vc
    x = vc.x if vc is not None else None
    views = x[0] if x is not None else None
    if not views:
        return
    for r in views:
        v = r()
        if v is not None and v is not t:
            x = v._x if v._x is not None else {}
            x["stale"] = site
            v._x = x
    vc.x[0] = None


def _stale_error(op, args):
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a._x is not None and "stale" in a._x:
            raise RuntimeError(
                f"{op.__name__.lower()}: input {i} (shape {a.shape}) is a view of a tensor "
                f"that was changed in place by a recorded operation at "
                f"{site_text(a._x['stale'])} after the view was taken; the view's recorded "
                "history is out of date, so its gradient would be wrong. Take the view "
                "again after the in-place change (or .clone() it before the change)")


def call(op, *args, **params):
    """apply() for rule code: plain ndarrays in give a plain ndarray out."""
    for a in args:
        if isinstance(a, Tensor):
            return apply(op, *args, **params)
    return op.forward(*args, **params)


def tangent_sum(*ts):
    """Sum of tangents where None stands for zero."""
    acc = None
    for t in ts:
        if t is None:
            continue
        acc = t if acc is None else acc + t
    return acc


# ---------------------------------------------------------------- forward mode

def _dual_fast_py(op, args, raw, params):
    """First-order forward mode: one dual level, nothing recording. Primal and tangent are
    computed on plain arrays (0-d ones as NumPy scalars) and one Tensor is built per output
    value; None when the general path is needed. Written flat: this is the whole cost of
    a jvp op. `_speedups.dual_fast` is this function in C for rules without params."""
    L = _local
    if L.fw_batch:
        return None
    levels = L.fw_levels
    if L.fw_default:
        if levels:
            return None
        level = 0
    elif len(levels) == 1:
        level = levels[0]
    else:
        return None
    tans = []
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None:
            fw = a._fw
            d = fw.get(level)
            if d is None or len(fw) != 1 or d._fw is not None or d._rg:
                return None
            if a._data.dtype.kind == "c":
                raise _complex_error(op, a._data.dtype)
            d = d._data
            if type(d) is np.ndarray and not d.shape:
                d = d[()]
            tans.append(d)
        else:
            tans.append(None)
    forward, save_idx, diff, view = op._hot
    out = forward(*raw, **params) if params else forward(*raw)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if out.dtype.kind == "c" and op.jvp is not None and diff:
        raise _complex_error(op, out.dtype)
    t = make(out)
    if view:
        _share_version(args[0], t)
    jvp = op.jvp
    if jvp is None or not diff:
        return t
    if jvp is LINEAR:
        dx = tans[0]
        dout = None if dx is None else call(op, dx, **params)
    else:
        saved = []
        for i in (range(len(raw)) if save_idx is None else save_idx):
            v = out if i < 0 else raw[i]
            if type(v) is np.ndarray and not v.shape:
                v = v[()]
            saved.append(v)
        shapes = []
        for v in raw:
            shapes.append(v.shape if type(v) is np.ndarray else np.shape(v))
        ctx = _new(Ctx)
        ctx.saved = tuple(saved)
        ctx.params = params or None
        ctx.in_shapes = tuple(shapes)
        ctx.out_shape = out.shape
        ctx.needs_grad = ()
        ctx.batched = None
        dout = jvp(ctx, *tans)
    dout = _dual_norm(out, dout)
    t._fw = {level: make(dout)}
    return t


def _dual_norm(out, dout):
    """A jvp rule's result as an ndarray tangent of `out`'s shape and dtype (None: zero)."""
    if dout is None:
        return np.zeros(out.shape, dtype=out.dtype)
    if type(dout) is not np.ndarray:
        dout = dout._data if isinstance(dout, Tensor) else np.asarray(dout)
    if dout.shape != out.shape:
        dout = np.broadcast_to(dout, out.shape)
    if dout.dtype != out.dtype and out.dtype.kind == "f":
        dout = dout.astype(out.dtype)
    return dout


def _top_level(args):
    active = _state.dual_levels()
    best = None
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None:
            for lv in a._fw:
                if lv in active and (best is None or active.index(lv) > active.index(best)):
                    best = lv
    return best


def strip_level(t, level):
    """A tensor equal to `t` for reverse mode and other levels, without `level`'s tangent."""
    p = make(t._data, t._rg)
    # a leaf's stand-in routes reverse-mode gradients into the leaf's own accumulator
    p.grad_fn = grad_edge(t)
    rest = {k: v for k, v in t._fw.items() if k != level}
    p._fw = rest or None
    p._vc = t._vc
    return p


def _apply_dual(op, level, args, params):
    prim = []
    tans = []
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None and level in a._fw:
            if a._data.dtype.kind == "c" and op.jvp is not None and op.differentiable:
                raise _complex_error(op, a._data.dtype)
            tans.append(a._fw[level])
            prim.append(strip_level(a, level))
        else:
            tans.append(None)
            prim.append(a)
    out = apply(op, *prim, **params)
    if op.jvp is None or not op.differentiable:
        return out
    if out._data.dtype.kind == "c":
        raise _complex_error(op, out._data.dtype)
    fast = not _needs_graph(prim, tans)
    if fast:
        saved_src = [p._data if isinstance(p, Tensor) else p for p in prim]
        out_v = out._data
        tans = [None if d is None else d._data for d in tans]
    else:
        saved_src = prim
        out_v = out
    save_idx = range(len(prim)) if op.save_all else op._save_idx
    saved = tuple(out_v if i < 0 else saved_src[i] for i in save_idx)
    shapes = tuple(p._data.shape if isinstance(p, Tensor) else np.shape(p) for p in prim)
    ctx = Ctx(saved, params or None, shapes, out._data.shape)
    batch = _local.fw_batch.get(level) if _local.fw_batch else None
    tshape = out._data.shape if batch is None else (batch,) + out._data.shape
    if batch is not None:
        dout = _batched_jvp(op, ctx, tans, params or {}, batch)
    elif op.jvp == LINEAR:
        dx = tans[0]
        dout = None if dx is None else call(op, dx, **params)
    else:
        dout = op.jvp(ctx, *tans)
    if dout is None:
        dout = np.zeros(tshape, dtype=out._data.dtype)
    else:
        dshape = dout.shape
        if dshape != tshape:
            from .shape import BroadcastTo
            dout = call(BroadcastTo, dout, shape=tshape)
        if not isinstance(dout, Tensor):
            dout = make(np.asarray(dout))
    if not isinstance(dout, Tensor):
        dout = make(dout)
    if dout._data.dtype != out._data.dtype and np.issubdtype(out._data.dtype, np.floating):
        from .elementwise import Cast
        dout = apply(Cast, dout, dtype=out._data.dtype)
    fwd = dict(out._fw) if out._fw else {}
    fwd[level] = dout
    out._fw = fwd
    node = out.grad_fn
    if type(node) is Node and node._saved:
        # backward rules must see the duals (forward-over-reverse), not the stripped copies
        save_idx = range(len(args)) if op.save_all else op._save_idx
        node._saved = tuple(v if i < 0 or not isinstance(args[i], Tensor) else args[i]
                            for i, v in zip(save_idx, node._saved))
        node._set("dual", True)         # saved values are Tensors now: unpack them
        if -1 in save_idx:
            node.out_fw = fwd
    return out


def _batched_jvp(op, ctx, tans, params, batch):
    """The jvp for tangents of shape (batch,) + input shape, in one call where the op
    allows it, else one batch slice at a time."""
    if all(d is None for d in tans):
        return None
    ctx.batched = batch
    nd = len(ctx.out_shape)
    if op.jvp == LINEAR:
        bp = op.batch_params(params, ctx) if op.batch_params is not None else None
        if bp is not None:
            d = _align(tans[0], nd) if op.batching == "elementwise" else tans[0]
            return call(op, d, **bp)
    elif op.batching == "elementwise":
        return op.jvp(ctx, *[None if d is None else _align(d, nd) for d in tans])
    elif op.batching == "aware":
        r = op.jvp(ctx, *tans)
        if r is not NotImplemented:
            return r
    from .shape import GetItem, Stack
    ctx.batched = None
    outs = []
    for b in range(batch):
        sl = [None if d is None else call(GetItem, d, index=(b,)) for d in tans]
        r = call(op, sl[0], **params) if op.jvp == LINEAR else op.jvp(ctx, *sl)
        outs.append(np.zeros(ctx.out_shape) if r is None else r)
    outs = [_broadcast(r, ctx.out_shape) for r in outs]
    return call(Stack, *outs, axis=0)


def _align(d, nd):
    """Right-align a batched tangent (B,) + s with an output of `nd` dimensions."""
    shape = d.shape
    missing = nd - (len(shape) - 1)
    if missing <= 0:
        return d
    from .shape import Reshape
    return call(Reshape, d, shape=shape[:1] + (1,) * missing + shape[1:])


def _broadcast(r, shape):
    if tuple(r.shape) == tuple(shape):
        return r
    from .shape import BroadcastTo
    return call(BroadcastTo, r, shape=tuple(shape))


def same_params(params, ctx):
    """batch_params of LINEAR ops whose params do not mention axes or shapes."""
    return params


def tangent_axis(ctx, axis=None):
    """The reduction axis of ctx.params (or `axis`) for a tangent, shifted past the batch
    axis when the tangent is batched."""
    axis = ctx.params["axis"] if axis is None else axis
    if ctx.batched is None:
        return axis
    if axis is None:
        return tuple(range(1, len(ctx.in_shapes[0]) + 1))
    if isinstance(axis, tuple):
        return tuple(a + 1 for a in axis)
    return axis + 1


def tangent_zeros(ctx, shape, dtype=np.float64):
    """A zero tangent for an input of `shape` (with the batch axis when batched)."""
    if ctx.batched is not None:
        shape = (ctx.batched,) + tuple(shape)
    return np.zeros(shape, dtype=dtype)


def _needs_graph(prim, tans):
    """Whether rule code must run on Tensors (recording or other levels active)."""
    recording = _local.grad_enabled
    for v in (*prim, *tans):
        if isinstance(v, Tensor):
            if v._fw is not None:
                return True
            if recording and v._rg:
                return True
    return False


def _speedups():
    """The C versions of the hot loops, set up, or None (not built, or
    TAPEGRAD_PURE_PYTHON=1 asks for the Python ones)."""
    import os
    if os.environ.get("TAPEGRAD_PURE_PYTHON"):
        return None
    try:
        from .. import _speedups as mod
    except ImportError:
        return None
    from ..autograd.graph import AccumulateGrad, Spent
    mod.init(Tensor, Node, Version, AccumulateGrad, Spent, grad_edge, _site_table,
             _intern_shapes, _intern_meta, _share_version, _INSIDE, _SHAPES, _META,
             _MASK1, _MASK2)
    return mod


SPEEDUPS = _speedups()
if SPEEDUPS is None:
    _record_fast, apply1, apply2 = _record_fast_py, apply1_py, apply2_py
    _dual_fast = _dual_fast_py
else:
    SPEEDUPS.init_dual(Ctx, _dual_fast_py, _dual_norm, np.shape, LINEAR)
    from ..autograd import graph as _graph
    _graph._track = SPEEDUPS.track
    _dual_fast = SPEEDUPS.dual_fast
    SPEEDUPS.init_apply(_local, _F64, np.ndarray, np.asarray, apply1_py, apply2_py, _record,
                        _finish_plain, _default_float, _check_broadcast, _leaf_refs)
    _record_fast, apply1, apply2 = SPEEDUPS.record_fast, SPEEDUPS.apply1, SPEEDUPS.apply2
