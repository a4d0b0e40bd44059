"""Batched values of tg.vmap and how each op runs on them.

A batched value is a Tensor whose `_x` holds "vmap": (level, inner), where `inner` is an
ordinary tensor with the batch axis in front. Its `_data` is a per-example placeholder
(right shape and dtype, no values) so that the user's function reads shapes as it would
for one example; computing with the placeholder raises BatchEscape. apply() hands every
op with a batched input to `batched_apply`, which runs the op once on the inner tensors
(so recording, forward mode and tg.function tracing happen there, on whole batches).
"""
import string
import sys
import warnings

import numpy as np

from .. import _random, _state, _tensor
from .. import errors as _errors
from .._graph import Node
from .._tensor import Tensor, make
from ..ops import _apply
from ..ops._apply import apply
from ..ops._op import LINEAR, Ctx, Op
from ..ops.activations import LogSoftmax, Softmax
from ..ops.linalg import Einsum, MatMul, Norm
from ..ops.reduce import LogSumExp, Max, Min, Prod, Sum, Var
from ..ops.elementwise import Where
from ..ops.shape import BroadcastTo, Concatenate, GetItem, Reshape, Stack, SumTo, Transpose
from ._errors import (_HARMLESS, BatchedWriteError, ControlFlowError,  # noqa: F401
                      DynamicShapeError, _control_flow, _out_argument, _user_line)
from ._ops import RepeatedMatMul

# what placeholders point at (zero strides: one element). Should NumPy ever read one
# anyway, floats read NaN and integers an index far out of range.
_BUF = bytearray(b"\xff" * 32)
_BUF_INT = bytearray(b"\x80" * 32)


BatchEscape = _errors.BatchEscape     # defined below the vmap layer: Tensor raises it


class PerExample(np.ndarray):
    """The placeholder `_data` of a batched value. `_vm` is (level, inner); None on a
    view or copy of one (no values at all), so hasattr(a, "_vm") finds every placeholder
    without importing this module."""

    _vm = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if out is not None and method == "__call__" and len(out) == 1 and \
                getattr(out[0], "_vm", None) is not None:
            return _inplace(ufunc, inputs, kwargs, out[0])
        if out is None and method == "__call__" and ufunc.nout == 1 and \
                "where" not in kwargs and \
                sys._getframe(1).f_globals.get("__name__") in _OPERATOR_MODULES:
            # Tensor's own operators on raw values (a & b, ~m): the result becomes a
            # tensor at once, used through ops. Raw values a library computes with
            # (np.isnan(x._data) then np.asarray, .astype) would read the placeholder's
            # garbage where they stop being placeholders: those run per example
            r = _elementwise(ufunc, inputs, kwargs)
            if r is not None:
                return r
        if out is not None and not any(isinstance(o, PerExample) for o in out):
            raise BatchedWriteError(
                f"vmap: in-place write of a batched value into a tensor that is not "
                f"batched (np.{ufunc.__name__} at {_user_line()}); each batch element "
                "would write a different value into the same memory. Compute a new "
                "tensor instead (y = x + b), which vmap batches")
        raise BatchEscape(f"vmap: np.{ufunc.__name__} on the raw values of a batched "
                          f"tensor at {_user_line()}")

    def __array_function__(self, func, types, args, kwargs):
        if func in _HARMLESS:
            return super().__array_function__(func, types, args, kwargs)
        out = _out_argument(func, args, kwargs)
        if isinstance(out, np.ndarray) and not hasattr(out, "_vm"):
            # one example at a time, each would write the same memory: the results
            # would all be the last example's (ufuncs refuse the same way)
            raise BatchedWriteError(
                f"vmap: np.{func.__name__}(..., out=) of a batched value into an array "
                f"that is not batched (at {_user_line()}); each batch element would write "
                "the same memory. Leave out `out=` and use the result")
        raise BatchEscape(f"vmap: np.{func.__name__} on the raw values of a batched tensor "
                          f"at {_user_line()}")

    def __setitem__(self, index, value):
        vm = getattr(self, "_vm", None)
        if vm is None:
            raise BatchedWriteError(f"vmap: write into the raw values of a batched tensor "
                                    f"at {_user_line()}")
        _setitem(wrap(vm[1], vm[0]), index, value)     # zero_() and the like

    def __bool__(self):
        _control_flow("bool() (an `if`, `while`, `and`/`or` or assert)")

    def __float__(self):
        _control_flow("float()")

    def __int__(self):
        _control_flow("int()")

    __index__ = __int__

    def item(self, *a):
        _control_flow(".item()")

    def tolist(self):
        _control_flow(".tolist()")

    # the ways a library reads a placeholder's garbage as numbers without a ufunc
    # (int(i) for i in v, v[()], v.copy() then np.asarray): one example at a time instead
    def __getitem__(self, index):
        r = super().__getitem__(index)
        if not isinstance(r, np.ndarray):
            raise BatchEscape(f"vmap: an element of the raw values of a batched tensor "
                              f"at {_user_line()}")
        return r

    def __iter__(self):
        raise BatchEscape(f"vmap: iteration over the raw values of a batched tensor at "
                          f"{_user_line()}")

    def _escape(self, *a, **k):
        raise BatchEscape(f"vmap: a copy of, or a NumPy method on, the raw values of a "
                          f"batched tensor at {_user_line()}")

    # copies, and the ndarray methods NumPy runs in C without asking the placeholder
    # (x._data.argmax() gave 0 for every example, .dot() NaN)
    copy = astype = tobytes = flatten = ravel = view = __copy__ = __deepcopy__ = \
        __reduce__ = __reduce_ex__ = tofile = dump = dumps = getfield = byteswap = \
        argmax = argmin = argsort = argpartition = partition = sort = searchsorted = \
        nonzero = take = repeat = compress = choose = dot = trace = put = _escape

    def fill(self, value):
        self[...] = value           # a write into the batch, as __setitem__'s

    def __repr__(self):
        return f"<per-example values of a batched tensor, shape {self.shape}>"

    def refuse_write(self):
        """t[index] = v with this batched index into a tensor that is not batched: each
        batch element would write other positions of the same memory."""
        raise BatchedWriteError(
            f"vmap: in-place write with a batched index into a tensor that is not batched "
            f"(at {_user_line()}); each batch element would write other positions of the "
            "same memory. Build a new tensor instead (tg.where(mask, v, x), x.at[i].set(v))")

    def take_into(self, x, index):
        """x[index] for an index holding this batched integer tensor: one gather for the
        whole batch (x[y] of per-example labels y, JAX's and torch.func's batched
        indexing). The batch's arange leads the index, so the integer parts must come
        first (then slices or an Ellipsis); other layouts run per example. A batched
        boolean mask is refused (DynamicShapeError), whether x is batched or not."""
        if self.dtype == bool:
            _no_batched_mask(self)
        vm = getattr(self, "_vm", None)
        if vm is None:
            raise BatchEscape(f"vmap: indexing by a batched tensor at {_user_line()}")
        level, inner = vm
        size = inner.shape[0]
        items = index if isinstance(index, tuple) else (index,)
        arrays, rest, nd = [], [], 0
        for it in items:
            if rest or isinstance(it, slice) or it is Ellipsis:
                if not (isinstance(it, slice) or it is Ellipsis):
                    raise BatchEscape(f"vmap: a batched index after a slice at "
                                      f"{_user_line()}")
                rest.append(it)
                continue
            i = info(it)
            if i is not None and i[0] == level:
                arr = i[1]._data                    # (V, ...) per-example indices
                per = arr.ndim - 1
            elif isinstance(it, (int, np.integer)) and not isinstance(it, bool):
                arr, per = int(it), 0
            else:
                arr = it._data if isinstance(it, Tensor) else np.asarray(it)
                if isinstance(arr, PerExample) or arr.dtype.kind not in "iu":
                    raise BatchEscape(f"vmap: this index under vmap at {_user_line()}")
                per = arr.ndim
            arrays.append(arr)
            nd = max(nd, per)
        ar = np.arange(size).reshape((size,) + (1,) * nd)
        out = apply(GetItem, _lifted(x, level, size), index=(ar, *arrays, *rest))
        return wrap(out, level)

    def fold(self, fn, nd=None, *others):
        """fn(x, *others) for the batched tensor x this placeholder stands for, run once
        for the whole batch, for functions that pick or compute on raw values but treat
        leading axes independently. nd: fn's input has a samples axis in front and nd
        dims with it (pooling): the mapped axis joins the samples axis, and an (nd - 1)-
        dim example is itself one sample. nd=None: fn batches over any leading axes
        (lstsq), so the mapped axis is one more; `others` are then mapped alike
        (unbatched ones broadcast), and results without the batch axis (constants) are
        broadcast."""
        vm = getattr(self, "_vm", None)
        if vm is None:
            raise BatchEscape(f"vmap: raw values of a batched tensor at {_user_line()}")
        level, inner = vm
        s = tuple(inner.shape)
        if nd is not None and len(s) == nd + 1:
            res = fn(apply(Reshape, inner, shape=(s[0] * s[1],) + s[2:]))

            def split(y):
                ys = tuple(y.shape)
                return wrap(apply(Reshape, y, shape=(s[0], ys[0] // s[0]) + ys[1:]), level)
        elif nd is None or len(s) == nd:
            res = fn(inner, *(_lifted(o, level, s[0]) for o in others))

            def split(y):
                ys = tuple(y.shape)
                if ys[:1] != s[:1]:
                    y = apply(BroadcastTo, y, shape=s[:1] + ys)
                return wrap(y, level)
        else:       # fn's own error, naming one example's shape
            return _one_example(fn, inner)
        return _split_all(res, split)

    def fold_axis(self, fn, axis, flat=False):
        """fn(v, ax) for the batch v (batch axis in front) of the tensor this placeholder
        stands for, `axis` of one example shifted past the batch axis: the functions that
        sort, pick or mask raw values along an axis (sort, topk, median, quantile, the
        nan-reductions, cummax) run once for the whole batch. axis None: every axis of
        the example (flat=False, reductions) or the example flattened (flat=True, as
        np.sort(a, None)). A 0-d example gets a unit axis, and an axis out of range
        gives fn's own error for one example."""
        vm = getattr(self, "_vm", None)
        if vm is None:
            raise BatchEscape(f"vmap: raw values of a batched tensor at {_user_line()}")
        level, inner = vm
        s = tuple(inner.shape)
        nd = len(s) - 1
        ax = axis
        one = None
        if axis is None:
            if flat:
                inner, ax = apply(Reshape, inner, shape=(s[0], -1)), 1
            else:
                ax = tuple(range(1, nd + 1))
        elif nd == 0:
            # a 0-d example: fn on one example checks the axis and gives the result's
            # shape; the batch runs as (B, 1) along axis 1
            one = fn(apply(GetItem, inner, index=(0,)), axis)
            inner, ax = apply(Reshape, inner, shape=(s[0], 1)), 1
        else:
            axes = axis if isinstance(axis, tuple) else (axis,)
            if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) and
                       -nd <= a < nd for a in axes):
                return _one_example(fn, inner, axis)    # fn's own error
            ax = tuple(int(a) % nd + 1 for a in axes)
            ax = ax if isinstance(axis, tuple) else ax[0]
        res = fn(inner, ax)
        shapes = None if one is None else [tuple(y.shape) for y in
                                           (one if isinstance(one, tuple) else (one,))]
        count = iter(range(len(shapes or ())))

        def split(y):
            if shapes is not None:
                y = apply(Reshape, y, shape=(s[0],) + shapes[next(count)])
            return wrap(y, level)
        return _split_all(res, split)


def _one_example(fn, inner, *args):
    """fn on the first example, for fn's own error about its arguments. Should fn accept
    them after all (an axis given as a tensor), its result is one example's: the batch
    runs one example at a time instead."""
    fn(apply(GetItem, inner, index=(0,)), *args)
    raise BatchEscape(f"vmap: arguments the batched path does not take at {_user_line()}")


def _split_all(res, split):
    """split() applied to fn's result, a tensor or a (named) tuple of them."""
    if isinstance(res, tuple):
        return type(res)(*(split(y) for y in res)) if hasattr(res, "_fields") else \
            tuple(split(y) for y in res)
    return split(res)


def _lifted(v, level, size):
    """v with the batch axis of `level` in front: its inner tensor when batched there,
    else broadcast."""
    i = info(v)
    if i is not None and i[0] == level:
        return i[1]
    if not isinstance(v, Tensor):
        v = make(np.asarray(v))
    s = tuple(v.shape)
    return apply(BroadcastTo, apply(Reshape, v, shape=(1,) + s), shape=(size,) + s)


# Tensor's operators, and _elementwise itself reaching an outer vmap's placeholder
_OPERATOR_MODULES = (_tensor.__name__, __name__)


def _elementwise(ufunc, inputs, kwargs):
    """A ufunc on raw values of batched tensors (x & y on boolean tensors): computed once
    on the batch's arrays, as a placeholder batched at the innermost level of its
    operands (None when an operand is a view of a placeholder, with no values)."""
    vms = [getattr(a, "_vm", None) if type(a) is PerExample else None for a in inputs]
    if any(type(a) is PerExample and v is None for a, v in zip(inputs, vms)):
        return None
    level = max(v[0] for v in vms if v is not None)
    nd = max(np.ndim(a) for a in inputs)
    args = []
    for a, v in zip(inputs, vms):
        if v is not None and v[0] == level:
            a = v[1]._data if isinstance(v[1], Tensor) else v[1]
            if a.ndim - 1 < nd:
                a = a.reshape(a.shape[:1] + (1,) * (nd - a.ndim + 1) + a.shape[1:])
        args.append(a)
    res = ufunc(*args, **kwargs)
    p = per_example(res.shape[1:], res.dtype)
    p._vm = (level, make(res))
    return p


def _inplace(ufunc, inputs, kwargs, out):
    """An in-place ufunc (x.add_(y), x *= 2) into a batched value: run once on the
    batch's arrays, so the write reaches the tensor that was mapped, as torch.func's
    does. Operands batched at another vmap give up (one example at a time)."""
    level, inner = out._vm
    target = inner._data if isinstance(inner, Tensor) else inner
    nd = target.ndim - 1
    args = []
    for a in inputs:
        i = getattr(a, "_vm", None) if type(a) is PerExample else None
        if i is None and type(a) is PerExample or i is not None and i[0] != level:
            raise BatchEscape(f"vmap: np.{ufunc.__name__} into a batched tensor at "
                              f"{_user_line()}")
        if i is not None:
            a = i[1]._data if isinstance(i[1], Tensor) else i[1]
            if a.ndim - 1 < nd:
                a = a.reshape(a.shape[:1] + (1,) * (nd - a.ndim + 1) + a.shape[1:])
        args.append(a)
    ufunc(*args, **dict(kwargs, out=(target,)))
    if isinstance(inner, Tensor):
        inner._bump_version()
    return out


_new_array = np.ndarray.__new__


def per_example(shape, dtype):
    buf = _BUF_INT if np.dtype(dtype).kind in "iu" else _BUF
    return np.ndarray.__new__(PerExample, shape, dtype, buffer=buf,
                              strides=(0,) * len(shape))


class _Connected(Op):
    """The stand-in node of a batched value whose batch is recorded: a gradient taken of
    it inside the mapped function (tg.grad or backward on one example) cannot be done
    batched here, so reaching it sends vmap to one example at a time."""

    @staticmethod
    def vjp(ctx, g):
        raise BatchEscape("vmap: a gradient of a batched value taken inside f")


# shared by every such value: no inputs, nothing saved
_CONNECTED = Node(_Connected, None, None, (), (), (), None, ((), np.dtype(np.float64)),
                  None, None)


def wrap(inner, level):
    """The batched value at `level` of `inner` (batch axis 0)."""
    d = inner._data
    shape = d.shape[1:]
    dtype = d.dtype
    p = _new_array(PerExample, shape, dtype,
                   buffer=_BUF_INT if dtype.kind in "iu" else _BUF,
                   strides=(0,) * len(shape))
    vm = p._vm = (level, inner)
    t = make(p)
    t._x = {"vmap": vm}
    if inner._rg or inner.grad_fn is not None:
        # recorded: a tg.grad of it inside f must not read as "not connected" (zeros)
        t.grad_fn = _CONNECTED
    return t


def info(a):
    """(level, inner) of a batched tensor or placeholder array, else None."""
    if isinstance(a, Tensor):
        x = a._x
        if x is not None:
            return x.get("vmap")
        a = a._data         # a tensor made over a placeholder (the result of x & y)
    if type(a) is PerExample:
        return getattr(a, "_vm", None)
    return None


def _top(args):
    level = None
    for a in args:
        i = info(a)
        if i is not None and (level is None or i[0] > level):
            level = i[0]
    return level


op_level = [None]


class PerElementDraws:
    """Stands in for the global generator while a vmap with randomness="different" runs
    batched: an op with a batched input draws for the whole batch through `real` (one
    draw per element, its rule says so); any other draw (tg.rand(shape)) raises
    BatchEscape, and that vmap runs f once per element instead."""

    def __init__(self, real, level):
        self.real, self.level = real, level

    @property
    def bit_generator(self):
        # the state read and put back (tg.checkpoint, tg.function), not a draw
        return self.real.bit_generator

    def __getattr__(self, name):
        raise DrawEscape("vmap: a random draw of no batched input under "
                         "randomness='different'")


class DrawEscape(BatchEscape):
    """A random draw vmap cannot batch under randomness="different"."""


def batched_apply(op, args, params, from_escape=False):
    """apply(op, *args, **params) where some args are batched."""
    if op is GetItem:
        _no_batched_mask(params["index"])
    infos = [info(a) for a in args]
    if from_escape and all(i is None for i in infos):
        raise                   # not a batched operand: the escape stands
    level = max(i[0] for i in infos if i is not None)
    vals, flags = [], []
    size = None
    for a, i in zip(args, infos):
        if i is not None and i[0] == level:
            vals.append(i[1])
            flags.append(True)
            size = i[1].shape[0]
        else:
            vals.append(a)
            flags.append(False)
    for v in params.values():
        if type(v) is PerExample or type(v) is tuple and \
                any(type(e) is PerExample for e in v):
            raise BatchEscape(f"vmap: {op.__name__.lower()} with a batched index or "
                              f"parameter at {_user_line()}")
    op_level[0] = level         # for rules that depend on their vmap (random draws)
    out = _run(op, vals, flags, params, size)
    return wrap(out, level)


def _no_batched_mask(index):
    """x[mask] with a mask that differs per batch element selects a different number of
    values for each: refused, as torch.func and JAX refuse it (an unbatched mask selects
    the same positions of every example and batches)."""
    for i in index if isinstance(index, tuple) else (index,):
        if type(i) is PerExample and i.dtype == bool:
            raise DynamicShapeError(
                f"vmap: boolean-mask indexing x[mask] with a batched mask at "
                f"{_user_line()}: the result's shape depends on each element's mask (a "
                "different shape for different batch elements), which vmap cannot batch. "
                "Keep the shape fixed: tg.where(mask, x, 0), or x * mask summed")


def _ndim(v, batched):
    if isinstance(v, (Tensor, np.ndarray)):
        return v.ndim - 1 if batched else v.ndim
    return np.ndim(v)


def _align(v, nd):
    """Batched v, (B,) + s, reshaped to (B,) + (1,)*k + s of nd per-example dims."""
    s = v.shape
    if len(s) - 1 >= nd:
        return v
    return apply(Reshape, v, shape=(s[0],) + (1,) * (nd - len(s) + 1) + tuple(s[1:]))


def _run(op, vals, flags, params, size):
    rule = RULES.get(op)
    if rule is None and getattr(op, "core", None) is not None:
        rule = _core_rule
    if rule is not None:
        r = rule(op, vals, flags, params, size)
        if r is not NotImplemented:
            return r
    if op.batch_params is not None and op.jvp == LINEAR and len(vals) == 1:
        ctx = Ctx(None, params, (tuple(vals[0].shape[1:]),), None)
        ctx.batched = size
        bp = op.batch_params(params, ctx)
        if bp is not None:
            x = vals[0]
            if op.batching == "elementwise" and "shape" in params:
                x = _align(x, len(params["shape"]))
            return apply(op, x, **bp)
    if op.batching == "elementwise" and not _has_axis(params):
        nd = 0
        for v, f in zip(vals, flags):
            k = _ndim(v, f)
            if k > nd:
                nd = k
        vals = [_align(v, nd) if f and v.ndim <= nd else v for v, f in zip(vals, flags)]
        return apply(op, *vals, **params)
    return _loop(op, vals, flags, params, size)


def _core_rule(op, vals, flags, params, size):
    """Ops that give `core`, the rank of each input's trailing core (the linalg ops:
    2 for a matrix), or a function of the params giving it: every axis before the
    core is a batch axis, so the vmapped axis is one more. Inputs are broadcast to one
    batch shape first, so the op needs no broadcasting of its own."""
    core = op.core(params) if callable(op.core) else op.core
    if len(core) != len(vals):
        return NotImplemented
    pe = [tuple(np.shape(v._data if isinstance(v, Tensor) else v))[1 if f else 0:]
          for v, f in zip(vals, flags)]
    if any(len(s) < k for s, k in zip(pe, core)):
        return NotImplemented
    batch = (size,) + np.broadcast_shapes(*(s[:len(s) - k] for s, k in zip(pe, core)))
    out = []
    for v, f, s, k in zip(vals, flags, pe, core):
        want = batch + s[len(s) - k:]
        if f and len(s) + 1 < len(want):
            v = apply(Reshape, v, shape=(size,) + (1,) * (len(want) - len(s) - 1) + s)
        have = tuple(np.shape(v._data if isinstance(v, Tensor) else v))
        if have != want:
            v = apply(BroadcastTo, v, shape=want) if isinstance(v, Tensor) else \
                np.broadcast_to(v, want)
        out.append(v)
    return apply(op, *out, **params)


def _has_axis(params):
    return "axis" in params or "axes" in params or "dim" in params


_warned = set()


def _loop(op, vals, flags, params, size):
    """The fallback: the op once per batch element, the results stacked."""
    if "state" in params:
        # one call's state (a tg.function call, a custom rule's node) serves one call:
        # f runs per element instead
        raise BatchEscape(f"vmap: {op.__name__} holds the state of one call")
    name = getattr(op, "public_name", None) or op.__name__
    if name not in _warned:
        _warned.add(name)
        warnings.warn(f"vmap: op {name} has no batching rule for these inputs; it runs "
                      "once per batch element (a Python loop), which is slow for large "
                      "batches",
                      RuntimeWarning, stacklevel=4)
    if size == 0:       # the op on an example of zeros gives the shape; none is kept
        sl = [make(np.zeros(tuple(v.shape[1:]), v.dtype)) if f else v
              for v, f in zip(vals, flags)]
        one = apply(op, *sl, **params)
        d = one._data if isinstance(one, Tensor) else np.asarray(one)
        return make(np.zeros((0,) + d.shape, d.dtype))
    # the real generator here means randomness="same" ("error" and "different" put
    # stand-ins in its place): an op that draws draws alike for every element
    gen = _random._gen
    state = gen.bit_generator.state if isinstance(gen, np.random.Generator) else None
    outs = []
    for b in range(size):
        if state is not None:
            gen.bit_generator.state = state
        sl = [apply(GetItem, v, index=(b,)) if f else v for v, f in zip(vals, flags)]
        outs.append(apply(op, *sl, **params))
    return apply(Stack, *outs, axis=0)


# ------------------------------------------------------------------ per-op rules

def _shift_axis(axis):
    """An axis (int or tuple) of one example as an axis of the batch (batch axis 0)."""
    if isinstance(axis, tuple):
        return tuple(_shift_axis(a) for a in axis)
    return axis + 1 if axis >= 0 else axis


_REDUCE_ALL = {Prod, Max, Min, Var, LogSumExp, Norm}


def _axis_rule(op, vals, flags, params, size):
    """Single-input ops along `axis`: the same axis counted from the end."""
    if len(vals) != 1 or "axis" not in params:
        return NotImplemented
    nd = vals[0].ndim - 1
    axis = params["axis"]
    if axis is None:
        if op not in _REDUCE_ALL:
            return NotImplemented
        axis = tuple(range(1, nd + 1))
        if not axis:
            # a 0-d example: reducing nothing is the identity (var is 0, keepdims or not)
            return NotImplemented
    else:
        axis = _shift_axis(axis)
    return apply(op, vals[0], **dict(params, axis=axis))


def _matmul_rule(op, vals, flags, params, size):
    """1-D operands made 2-D, batched ones aligned in rank, then one matmul."""
    if params:
        return NotImplemented
    a, b = vals
    fa, fb = flags
    sa = tuple(a.shape[1:] if fa else np.shape(a))
    sb = tuple(b.shape[1:] if fb else np.shape(b))
    if not sa or not sb:
        return NotImplemented
    # a batch against an unbatched matrix (x @ W, W @ v): one 2-D product, whose rules
    # (batched tangents of jacfwd/jacrev included) stay on the 2-D fast paths
    if fa and not fb and len(sb) == 2 and len(sa) <= 2:
        rows = apply(Reshape, a, shape=(-1, sa[-1])) if len(sa) == 2 else a
        out = apply(MatMul, rows, b)
        return apply(Reshape, out, shape=(size,) + sa[:-1] + sb[-1:]) if len(sa) == 2 \
            else out
    if fb and not fa and len(sb) == 1 and len(sa) <= 2:
        return apply(MatMul, b, apply(Transpose, a, axes=(1, 0)) if len(sa) == 2 else a)
    drop = []
    if len(sa) == 1:
        a = apply(Reshape, a, shape=((size,) if fa else ()) + (1, sa[0]))
        sa = (1, sa[0])
        drop.append(-2)
    if len(sb) == 1:
        b = apply(Reshape, b, shape=((size,) if fb else ()) + (sb[0], 1))
        sb = (sb[0], 1)
        drop.append(-1)
    nd = max(len(sa), len(sb))
    if fa:
        a = _align(a, nd)
    if fb:
        b = _align(b, nd)
    if fa and fb and nd == 2 and (_repeats(a) or _repeats(b)):
        out = apply(RepeatedMatMul, a, b)       # a parameter against a batch: one GEMM
    else:
        out = apply(MatMul, a, b)
    if drop:
        s = out.shape
        keep = [i for i in range(len(s)) if i - len(s) not in drop]
        out = apply(Reshape, out, shape=tuple(s[i] for i in keep))
    return out


def _repeats(v):
    if info(v) is not None:
        return False            # batched at an outer level: its placeholder tells nothing
    d = v._data if isinstance(v, Tensor) else v
    return isinstance(d, np.ndarray) and d.ndim == 3 and d.strides[0] == 0


def _full(v, f, size):
    """v with a batch axis: batched ones as they are, others broadcast."""
    if f:
        return v
    s = tuple(np.shape(v._data if isinstance(v, Tensor) else v))
    return apply(BroadcastTo, v, shape=(size,) + s)


def _join_rule(op, vals, flags, params, size):
    """concatenate / stack: every input batched, the axis past the batch axis."""
    vals = [_full(v, f, size) for v, f in zip(vals, flags)]
    return apply(op, *vals, **dict(params, axis=params["axis"] + 1))


def _sum_to_rule(op, vals, flags, params, size):
    x = vals[0]
    shape = tuple(params["shape"])
    extra = x.ndim - 1 - len(shape)
    if extra > 0:
        x = apply(Sum, x, axis=tuple(range(1, extra + 1)), keepdims=False)
    return apply(SumTo, x, **dict(params, shape=(size,) + shape))


def _einsum_rule(op, vals, flags, params, size):
    """A fresh subscript letter for the batch axis, on batched operands and the output."""
    ins, out = params["ins"], params["out"]
    used = set("".join(ins) + out)
    free = [c for c in string.ascii_letters if c not in used]
    if not free:
        return NotImplemented
    b = free[0]
    ins = tuple(b + s if f else s for s, f in zip(ins, flags))
    return apply(op, *vals, **dict(params, ins=ins, out=b + out))


RULES = {MatMul: _matmul_rule, RepeatedMatMul: _matmul_rule, Einsum: _einsum_rule,
         Concatenate: _join_rule, Stack: _join_rule, SumTo: _sum_to_rule}
for _op in (Prod, Max, Min, Var, LogSumExp, Softmax, LogSoftmax, Norm):
    RULES[_op] = _axis_rule
del _op

def _compare(x, ufunc, name, o):
    """x < o and the like where x or o is batched (None when neither is)."""
    args = (x, o)
    level = _top(args)
    if level is None:
        return None
    vals, flags = [], []
    for a in args:
        i = info(a)
        f = i is not None and i[0] == level
        vals.append(i[1] if f else a)
        flags.append(f)
    nd = max(_ndim(v, f) for v, f in zip(vals, flags))
    vals = [_align(v, nd) if f else v for v, f in zip(vals, flags)]
    a, b = vals
    if not isinstance(a, Tensor):
        a = make(np.asarray(a))
    return wrap(_tensor._compare_op(a, ufunc, name, b), level)


def _setitem(t, index, value):
    """t[index] = value where t or value is batched: written into t's inner tensor (False
    when neither is batched at all)."""
    ti, vi = info(t), info(value)
    if ti is None and vi is None:
        return False
    if vi is not None and (ti is None or ti[0] < vi[0]):
        raise BatchedWriteError(
            f"vmap: in-place write of a batched value into a tensor that is not batched "
            f"(at {_user_line()}); each batch element would write a different value into "
            "the same memory. Build a new tensor instead (tg.where, tg.stack, x + v)")
    level, inner = ti
    idx = index if isinstance(index, tuple) else (index,)
    mi = info(idx[0]._data if isinstance(idx[0], Tensor) else idx[0]) if len(idx) == 1 \
        else None
    if mi is not None and mi[0] == level and mi[1].dtype == bool and \
            tuple(mi[1].shape) == tuple(inner.shape) and np.ndim(_raw_value(value)) == 0:
        # t[mask] = v, a full mask per element and one value per element: a where, one
        # write for the batch (torch.func refuses; the result is the loop's)
        m = mi[1]
        if vi is not None and vi[0] == level:
            value = _align(vi[1], inner.ndim - 1)
        inner[...] = apply(Where, m, value, inner)
        t._bump_version()
        return True
    if any(isinstance(i, Tensor) and i.dtype.kind in "iu" and info(i) is not None
           for i in idx):
        # integer positions that differ per element: x.at[index].set(value) batches them
        # (a one-hot update), and the batch is written back
        new = info(t.at[index].set(value))
        inner[...] = new[1] if new is not None and new[0] == level else \
            apply(BroadcastTo, new[1], shape=tuple(inner.shape))
        t._bump_version()
        return True
    if vi is not None and vi[0] == level:
        region = np.broadcast_to(np.zeros((), np.int8), t.shape)[idx].ndim
        value = _align(vi[1], region)
    inner[(slice(None),) + idx] = value
    t._bump_version()
    return True


def _raw_value(v):
    """A value's per-element array (a placeholder's shape when batched)."""
    return v._data if isinstance(v, Tensor) else v


_apply.set_vmap(batched_apply, BatchEscape)
_tensor._vmap_setitem = _setitem


def _detach(t):
    """t.detach() (stop_gradient) of a batched value: the batch without its graph."""
    level, inner = t._x["vmap"]
    return wrap(inner.detach(), level)


_tensor._vmap_detach = _detach
_tensor._vmap_compare = _compare

__all__ = ["BatchEscape", "BatchedWriteError", "ControlFlowError", "DrawEscape",
           "PerElementDraws",
           "PerExample", "wrap",
           "info", "per_example", "batched_apply", "RULES"]
