"""apply(): the only code that records nodes. It runs an op's forward on raw arrays and,
when a gradient is needed, records a Node with what the op's rules will read back.
`apply1`/`apply2` are its one- and two-input fast paths (in C when the speedups are
built); `call` is apply for rule code."""
from weakref import ref as _weakref

import numpy as np

from .. import _dtypes, _state
from .._check import _non_numeric, grad_in_list, list_grad_error
from .._dtypes import to_array
from .._graph import (_MASK2, _MASKS, Node, Version, _intern_meta, _intern_shapes,
                      _leaf_refs, record_edge)
from .._native import SPEEDUPS, _anomaly_stack, _record_site
from .._sites import _site, site_text
from .._tensor import Tensor, _carry_cut, _share_version, make, note_cut
from ._shapes import broadcast_shapes
from ._torch_dtype import TORCH_BOOL_UNARY, tiers, torch_bool_unary, torch_operands

_new = object.__new__
_F64 = np.dtype(np.float64)
_F16 = np.dtype(np.float16)
_local = _state.local

# The forward-mode driver (autograd/forward_ad.py, a layer above) hands apply its entry
# points when it is imported, before any tensor can carry a tangent (set_forward_mode).
_dual_fast = _top_level = _apply_dual = None
# tg.vmap (a front-end) hands down its op driver and the error its per-example arrays
# raise when computed with (set_vmap); `except ()` catches nothing until then.
_vmap_apply = None
_vmap_escape = ()
# shape.py hands down how a stale view is rebuilt from its up-to-date base (_writes)
_refresh = None


def apply(op, *args, **params):
    """Run `op` on tensors/arrays/scalars; record a node when grad is needed."""
    L = _local
    if L.special and L.trace is not None and not _vmapped(args):
        return L.trace.apply(op, args, params)     # tg.function is tracing
    raw = []
    rg = False
    special = False         # some input carries tangents or explain_grad notes
    plain = True
    scalar = False
    npk = False             # some input is a tapegrad.numpy integer: NumPy's promotion
    for a in args:
        if isinstance(a, Tensor):
            raw.append(a._data)
            plain = False
            if a._rg:
                rg = True
            if a._fw is not None or a._x is not None:
                special = True
                if a._x is not None:
                    if "vmap" in a._x:
                        return _vmap_apply(op, args, params)    # a tg.vmap batched value
                    if "stale" in a._x and L.grad_enabled:
                        if _refresh is not None and _refresh(args):
                            return apply(op, *args, **params)   # rebuilt from its base
                        _stale_error(op, args)
                    if "np" in a._x:
                        npk = True
        else:
            raw.append(a)
            if isinstance(a, np.floating):
                scalar = True
            elif a.__class__ is list or a.__class__ is tuple:
                _no_tensor_inside(op, a)
            elif isinstance(a, (np.matrix, np.ma.MaskedArray)):
                raw[-1] = _plain_array(op, a)
                # the rules see args too: g * matrix in a vjp was a matrix product
                args = tuple(_plain_array(op, v) if isinstance(v, np.matrix) else v
                             for v in args)
    if plain:
        raw = _plain_inputs(raw)
    elif scalar and not npk:
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
    if (len(raw) == 1 and not (npk or plain) and op.__name__ in TORCH_BOOL_UNARY
            and getattr(raw[0], "dtype", None) == np.bool_):
        return make(torch_bool_unary(op, raw[0]))
    try:
        out = op.forward(*raw, **params)
    except TypeError:
        out = _retry_as_float(op, raw, params)     # np.negative(bool) and the like
    except OverflowError:   # a Python int beyond an integer tensor's dtype (torch wraps)
        cast = None if npk or plain or op.batching != "elementwise" or len(raw) != 2 else \
            torch_operands(raw, np.dtype(bool))
        if cast is None:
            raise
        out = op.forward(*cast, **params)
    except _vmap_escape:
        # an array of a batched value given as an operand (where's condition)
        return _vmap_apply(op, args, params, True)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    elif raw and out is raw[0] and not op.view:
        out = out.copy()        # a non-view op handed back its input (same-dtype cast)
    elif plain and out.base is not None:
        # only NumPy inputs: a view result would be a tensor over the caller's array,
        # which the caller may still write (tg.transpose(W) later saved by a matmul)
        out = out.copy()
    c = out.dtype.char
    if npk:
        pass                    # NumPy computed the dtype NumPy gives: kept
    elif (len(raw) == 2 and op.batching == "elementwise" and not params and not plain
          and _two_dtypes(raw[0], raw[1])):
        out = _default_float(out, raw, None, op.forward)
    elif c == "d":
        if "dtype" not in params:
            want = _f64_result(raw)
            if want is not _F64:
                out = out.astype(want, copy=False)
    elif c == "e" and "dtype" not in params:
        out = _default_float(out, raw, None, op.forward, params)
    if rg and L.grad_enabled and op.differentiable:
        t = _record(op, args, params, out, special)
    else:
        t = make(out)
        if op.view:
            _share_version(args[0], t)
        if rg and op.differentiable:
            note_cut(t, "no_grad", args)       # for explain_grad: the path was cut here
        elif special:
            _carry_cut(t, args)
    if npk and out.dtype.kind in "biu":
        mark_numpy(t)           # an integer of an integer stays a NumPy integer
    return t


def _two_dtypes(a, b):
    """Whether a and b are arrays of different dtypes (not `in (None, ...)`: a dtype
    equals None, which NumPy reads as float64)."""
    da, db = getattr(a, "dtype", None), getattr(b, "dtype", None)
    return da is not None and db is not None and da != db


def _no_tensor_inside(op, seq):
    v = grad_in_list(seq)
    if v is not None:
        raise list_grad_error(getattr(op, "public_name", None) or op.__name__.lower(), v)


def _plain_array(op, a):
    """An np.matrix as a plain array: its methods and operators would reach the op's
    forward and rules (matrix.sum refuses keepdims, g * matrix is a matrix product); a
    masked array is refused, since NumPy would hand back a masked result whose hidden
    values the tensor shows. (Other subclasses, such as vmap's per-example arrays, pass.)"""
    if isinstance(a, np.ma.MaskedArray):
        name = getattr(op, "public_name", None) or op.__name__.lower()
        raise TypeError(f"{name}: masked arrays are not supported as operands (the mask "
                        f"would be lost); pass arr.filled(value) or arr.compressed()")
    return np.asarray(a)


def mark_numpy(t):
    """Mark the integer or bool tensor `t` as tapegrad.numpy's: ops that meet it with a
    Python float, a float32 or true division follow NumPy's promotion (float64), not
    PyTorch's float32 default. Off the C fast path (only tensors without `_x` take it)."""
    x = t._x
    if x is None:
        t._x = {"np": True}
    else:
        x["np"] = True
    return t


def _numpy_marked(a):
    return a.__class__ is Tensor and a._x is not None and "np" in a._x


def apply1_py(op, x):
    """apply(op, x) for a single input and no params, with the common case (a plain
    Tensor, nothing tracing) inlined: the cost of elementwise ops is mostly this.
    `_speedups.apply1` does the common case in C and calls this for the rest."""
    L = _local
    if (L.special and not L.anomaly_only) or not isinstance(x, Tensor) or x._x is not None:
        return apply(op, x)
    if x._fw is not None:
        if not (x._rg and L.grad_enabled):
            t = _dual_fast(op, (x,), (x._data,), _NO_PARAMS)
            if t is not None:
                return t
        return apply(op, x)
    forward, save_idx, diff, view = op._hot[:4]
    d = x._data
    if d.dtype.kind == "b" and op.__name__ in TORCH_BOOL_UNARY:
        return make(torch_bool_unary(op, d))
    try:
        out = forward(d)
    except TypeError:
        out = _retry_as_float(op, (d,), None)
    if type(out) is not np.ndarray:
        out = np.asarray(out)               # ufuncs give scalars for 0-d inputs
    if out.dtype is _F64:
        if d.dtype.char not in "dDg":
            out = out.astype(_dtypes.DEFAULT_FLOAT, copy=False)
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
    if L.special and not L.anomaly_only:
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
    forward, save_idx, diff, view = op._hot[:4]
    try:
        out = forward(dx, dy)
    except ValueError:
        _check_broadcast(op, x, y)
        raise
    except TypeError:
        out = _retry_as_float(op, (dx, dy), None)
    except OverflowError:       # a Python int beyond an integer tensor's dtype: wrapped
        cast = torch_operands((dx, dy), np.dtype(bool))
        if cast is None:
            raise
        out = forward(*cast)
    if type(out) is not np.ndarray:
        out = np.asarray(out)               # ufuncs give scalars for 0-d inputs
    if (dx.__class__ is np.ndarray and dy.__class__ is np.ndarray and dx.dtype != dy.dtype
            and (not dx.ndim or not dy.ndim or _F16 in (dx.dtype, dy.dtype))):
        out = _default_float(out, x, y, forward)    # as _speedups_apply.c's finish
    elif out.dtype is _F64:
        want = _f64_result((dx, dy))
        if want is not _F64:
            out = out.astype(want, copy=False)
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
    if out.dtype.kind in "biu" and any(_numpy_marked(a) for a in args):
        mark_numpy(t)
    return t


def _default_float(out, x, y, forward=None, params=None):
    """The float32 default for a float64 or float16 result of inputs that do not ask for
    that dtype (see _has_float64). `x` is one input or (with y None) all of them.

    NumPy computes bool, int8 and uint8 in float16; PyTorch in float32. So a float16
    result of such inputs is computed again from float32 inputs (casting the float16
    result would keep its rounding: exp(True) would be 2.7188)."""
    if _numpy_marked(x) or _numpy_marked(y):
        return out              # the C path under no_grad: NumPy's dtype is kept
    if y is None and isinstance(x, (list, tuple)):
        raw = tuple(a._data if isinstance(a, Tensor) else a for a in x)
    else:
        raw = tuple(a._data if isinstance(a, Tensor) else a for a in (x, y) if a is not None)
    if len(raw) == 2 and forward is not None:
        cast = torch_operands(raw, out.dtype)
        if cast is not None:
            out = forward(*cast, **params) if params else forward(*cast)
            return out if type(out) is np.ndarray else np.asarray(out)
    if out.dtype.char == "d":
        want = _f64_result(raw)
        return out if want is _F64 else out.astype(want, copy=False)
    if out.dtype.char != "e" or forward is None:
        return out
    for v in raw:
        if getattr(v, "dtype", None) == np.float16:
            return out
    raw = [_small_to_f32(v) for v in raw]
    out = forward(*raw, **params) if params else forward(*raw)
    return out if type(out) is np.ndarray else np.asarray(out)


def _small_to_f32(v):
    dt = getattr(v, "dtype", None)
    if dt is not None and dt.kind in "biu" and dt.itemsize == 1:
        return np.asarray(v, dtype=_dtypes.DEFAULT_FLOAT)
    return v


def _retry_as_float(op, raw, params):
    """A forward that refused a bool input (np.negative(bool) in sigmoid) runs on float32,
    as PyTorch computes float ops on bool tensors. Any other TypeError is raised again,
    naming the op and the operand it cannot take (`x + "a"`) instead of NumPy's jargon.
    A custom op's forward is user code: its own TypeError is the one to see."""
    if getattr(op, "user_forward", False):
        raise
    if not any(getattr(v, "dtype", None) == np.bool_ for v in raw):
        for i, v in enumerate(raw):
            what = _non_numeric(v)
            if what is not None:
                name = getattr(op, "public_name", None) or op.__name__.lower()
                arg = op.args[i] if i < len(op.args) else f"input {i}"
                raise TypeError(f"{name}: unsupported operand type(s) {what} "
                                f"(argument {arg})") from None
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
    """_record for one or two inputs (y None for one), no params, no tape or checkpoint. `_speedups.record_fast` is this in C, with the same signature (it
    reads `save_idx` and `view` from the caller instead of the op); keep the two in step."""
    return _record(op, (x,) if y is None else (x, y), None, out, depth=4)


_NO_PARAMS = {}          # shared, never written


def _has_tangent(args):
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None:
            return True
    return False


def _f64_result(raw):
    """The dtype PyTorch gives where NumPy computed float64 from the inputs `raw`.

    PyTorch promotes in three tiers: dimensioned tensors, then 0-d tensors, then Python
    numbers; a later tier counts only when its category (bool < int < float < complex)
    is higher. So a float32 tensor times a 0-d float64 stays float32, an int tensor times
    a Python float (or sqrt of an int) gives the default float, and an int tensor times a
    0-d float64 gives float64. NumPy would widen all of these to float64."""
    t = tiers(raw, f64_exit=True)
    if isinstance(t, np.dtype):
        return t            # the common case: a float64 operand
    best, scalar = t
    if best is None or scalar > best[0] or best[1].kind not in "fc":
        return _dtypes.DEFAULT_FLOAT
    dt = best[1]
    if dt.kind == "c":
        dt = np.dtype(dt.char.lower())       # a real result of complex inputs
    return _F64 if dt == _F64 else dt


def _plain_inputs(raw):
    """Only Python/NumPy values: Python floats follow tapegrad's float32 default unless a
    floating NumPy array sets the dtype (tg.exp(2.0) is float32, as in PyTorch)."""
    if any(isinstance(v, np.ndarray) and v.dtype.kind in "fc" for v in raw):
        return raw
    return [to_array(v) if isinstance(v, (float, list, tuple)) and
            not isinstance(v, np.generic) else v for v in raw]


def _record(op, args, params, out, extra=False, depth=3):
    edges = []
    shapes = []
    cuts = None
    cdtype = out.dtype if out.dtype.kind == "c" else None
    for a in args:
        if isinstance(a, Tensor):
            e = a.grad_fn
            if e is None and a._rg:
                e = record_edge(a)
            edges.append(e)
            shapes.append(a._data.shape)
            if a._data.dtype.kind == "c":
                cdtype = a._data.dtype
            if extra and e is None and a._x is not None and "cut" in a._x:
                cuts = (cuts or []) + [a._x["cut"]]
        else:
            edges.append(None)
            shapes.append(None)
            if getattr(a, "dtype", None) is not None and a.dtype.kind == "c" or (
                    type(a) is complex):
                cdtype = np.result_type(a)
    edges = tuple(edges)
    if cdtype is not None and op.complex is None:
        raise _complex_error(op, cdtype)
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
        saved, vers, leaves = _save_values(save_idx, args, out, t,
                                           None if op.save_all else op._save_need, mask)
    shapes = _intern_shapes(tuple(shapes))     # shared, like masks (less memory)
    meta = _intern_meta(out)
    L = _local
    special = L.special
    # where apply was called (`depth` frames up, skipping tapegrad's own)
    if special and L._anomaly:
        site = _anomaly_stack()
    elif _record_site is not None and depth == 3:
        site = _record_site()           # the same walk in C, from apply's caller out
    else:
        site = _site(depth)
    if params:
        params = _frozen_params(params)
    # a recording mark only while a tape records (None otherwise, and in a
    # checkpoint's recomputation): GradientTape's filter needs no other
    node = Node(op, saved, params or None, shapes, edges, mask, vers, meta, site,
                L.tape_mark)
    if leaves:
        _hold(leaves, node)
    if cuts:
        node.cuts = cuts
    if cdtype is not None and op.complex == "holomorphic":
        node._set("complex", complex_mark(op, args, out))
    t.grad_fn = node
    if op.view:
        _share_version(args[0], t)
    if special and L.ckpt is not None:
        L.ckpt.append(node)
    if special and saved is not None and L.saved_hooks is not None:
        L.saved_hooks(node, args, t)    # saved_tensors_hooks: pack the values just saved
    return t


def complex_mark(op, args, out):
    """What a node of a HOLOMORPHIC op that meets complex values keeps in `_x["complex"]`
    (None for any other node): the positions of its real tensor inputs. The engine
    conjugates around the rule and takes the real part of those inputs' gradients
    (autograd/engine.py, _holomorphic). Graph mode keeps it on its steps."""
    if op.complex != "holomorphic":
        return None
    if out.dtype.kind != "c" and not any(
            isinstance(a, Tensor) and a._data.dtype.kind == "c" for a in args):
        return None
    return tuple(j for j, a in enumerate(args)
                 if isinstance(a, Tensor) and a._data.dtype.kind != "c")


def _complex_error(op, dtype):
    """An op whose rules do not handle complex values (op.complex is None: not defined on
    complex numbers, like maximum or floor, or not holomorphic) refuses to record one
    rather than give a wrong gradient."""
    name = getattr(op, "public_name", None) or _snake(getattr(op, "__name__", str(op)))
    return TypeError(f"{name}: complex tensors are not supported (got {dtype}): the op is "
                     "not defined on complex numbers (they are not ordered) or has no "
                     "complex rule. Differentiate through the real and imaginary parts "
                     "(tg.real, tg.imag) or tg.abs instead, or compute without grad")


def _snake(name):
    """An op class's public name: LeakyRelu -> leaky_relu."""
    return "".join("_" + c.lower() if c.isupper() and i else c.lower()
                   for i, c in enumerate(name))


def _save_values(save_idx, args, out, t, need=None, mask=None):
    """(saved values, version pairs) of a node whose output tensor is `t`.

    Arrays are saved, not Tensors: intermediate Tensors die with the user's references,
    and graph-mode backward rebuilds connected Tensors from `node.next` (_unpack). A 0-d
    value is kept as a NumPy scalar: a quarter of the memory of a 0-d array, and what the
    first-order rules compute with anyway. `vers` is flat: (counter, version at save) per
    saved value, counter None for constants (saved_index finds the input from the op)."""
    saved = []
    vers = []
    leaves = None
    for k, i in enumerate(save_idx):
        if need is not None and not any(m for j, m in enumerate(mask) if need[k] >> j & 1):
            saved.append(None)          # only inputs without a gradient read it
            vers += (None, 0)
        elif i < 0:
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


def _stale_error(op, args):
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a._x is not None and "stale" in a._x:
            raise RuntimeError(
                f"{op.__name__.lower()}: input {i} (shape {a.shape}) is a view of a tensor "
                f"(or the base of a view) that was changed in place by a recorded "
                f"operation at {site_text(a._x['stale'])}; the view's recorded history is "
                "out of date (or the base's, after a write through its view), so its "
                "gradient would be wrong. Take the view again after the in-place change, "
                "use the tensor that was written, or .clone() before the change")


def call(op, *args, **params):
    """apply() for rule code: plain ndarrays in give a plain ndarray out."""
    for a in args:
        if isinstance(a, Tensor):
            return apply(op, *args, **params)
    return op.forward(*args, **params)


def _vmapped(args):
    for a in args:
        if isinstance(a, Tensor) and a._x is not None and "vmap" in a._x:
            return True
    return False


def set_refresh(refresh):
    """Called by ops/shape.py: how a stale view is rebuilt from its up-to-date base."""
    global _refresh
    _refresh = refresh


def set_vmap(vmap_apply, escape):
    """Called by tapegrad/vmap: the driver of ops on batched values (their `_x` holds
    "vmap"), and the exception their per-example arrays raise when computed with."""
    global _vmap_apply, _vmap_escape
    _vmap_apply, _vmap_escape = vmap_apply, escape


def set_forward_mode(dual_fast, top_level, apply_dual):
    """Called by autograd/forward_ad.py: first-order forward mode on raw values (None when
    the general path is needed), the innermost level among inputs' tangents, and the
    general driver, which calls apply again on the primals."""
    global _dual_fast, _top_level, _apply_dual
    _dual_fast, _top_level, _apply_dual = dual_fast, top_level, apply_dual


if SPEEDUPS is None:
    _record_fast, apply1, apply2 = _record_fast_py, apply1_py, apply2_py
else:
    SPEEDUPS.init_apply(_local, _F64, np.ndarray, np.asarray, apply1_py, apply2_py, _record,
                        _finish_plain, _default_float, _check_broadcast, _leaf_refs)
    _record_fast, apply1, apply2 = SPEEDUPS.record_fast, SPEEDUPS.apply1, SPEEDUPS.apply2
