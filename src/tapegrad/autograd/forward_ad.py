"""Forward mode: dual levels, make_dual, unpack_dual, and the driver that carries tangents
through ops (apply hands tensors with tangents to it). Tangent rules live with each op."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _state
from .._graph import Node, grad_edge, record_edge
from .._native import SPEEDUPS
from .._tensor import Tensor, _share_version, as_tensor, make
from ..ops import _apply
from ..ops._apply import _complex_error, _two_dtypes, apply, call
from ..ops._op import LINEAR, Ctx
from ..ops.elementwise import Cast
from ..ops.shape import BroadcastTo, GetItem, Reshape, Stack
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike

_local = _state.local
_new = object.__new__


class dual_level:
    """Context in which dual tensors carry tangents (levels nest for higher order).

    >>> import tapegrad as tg
    >>> with tg.autograd.forward_ad.dual_level():
    ...     x = tg.make_dual(tg.tensor(2.0), tg.tensor(1.0))
    ...     tg.unpack_dual(x * x)[1]
    tensor(4.)
    """

    def __init__(self, batch=None):
        self.batch = batch          # tangents carry a leading axis of this size

    def __enter__(self):
        self.level = next(_state.level_ids)
        _local.fw_levels.append(self.level)
        if self.batch is not None:
            _local.fw_batch[self.level] = int(self.batch)
        return self.level

    def __exit__(self, *exc):
        _local.fw_levels.remove(self.level)
        _local.fw_batch.pop(self.level, None)
        return False


def _current_level(level):
    if level is not None:
        return level
    if not _local.fw_levels:
        # outside any dual_level: the default level 0, which carries tangents through ops
        # but does not count as an enclosing jvp for transforms and backward
        _local.fw_default = True
        return 0
    return _local.fw_levels[-1]


def make_dual(primal: ArrayLike, tangent: ArrayLike, level: int | None = None) -> Tensor:
    """A tensor equal to `primal` that carries `tangent` through every op (one pass):
    forward mode, as torch.autograd.forward_ad.make_dual. Read the result's tangent
    with unpack_dual (a Jacobian-vector product).

    Args:
        primal: the value, a tensor, array or number.
        tangent: the direction, of primal's shape.
        level: the dual level (None: the innermost open one).

    >>> with tg.autograd.forward_ad.dual_level():
    ...     x = tg.make_dual(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]))
    ...     y = x * x
    ...     tg.unpack_dual(y)
    UnpackedDualTensor(primal=tensor([1., 4.]), tangent=tensor([2., 0.]))
    """
    # the level without switching the default one on: a call that raises changes nothing
    lv = level if level is not None else (_local.fw_levels[-1] if _local.fw_levels else 0)
    if _vmap_dual is not None:
        r = _vmap_dual[0](primal, tangent, lv)     # a tg.vmap batched value
        if r is not None:
            _current_level(level)
            return r
    for arg, v in (("primal", primal), ("tangent", tangent)):
        raw = v._data if isinstance(v, Tensor) else v
        if not isinstance(raw, (np.ndarray, np.generic, int, float)) or np.asarray(
                raw).dtype.kind not in "biufc":
            raise TypeError(f"make_dual: {arg} must be a tensor of numbers, got "
                            f"{v!r:.40} ({type(v).__name__})")
    p = as_tensor(primal)
    t = tangent if isinstance(tangent, Tensor) else make(np.asarray(tangent))
    batch = _local.fw_batch.get(lv)
    want = p.shape if batch is None else (batch,) + p.shape
    if t.shape != want:
        raise ValueError(f"make_dual: tangent shape {t.shape} does not match primal shape "
                         f"{p.shape}" + ("" if batch is None else f" with batch {batch}"))
    level = _current_level(level)
    if t._data.dtype != p._data.dtype:
        t = t.astype(p._data.dtype)
    out = make(p._data, p._rg)
    out.grad_fn = p.grad_fn
    if p.grad_fn is None and p._rg:
        out.grad_fn = grad_edge(p)
    fw = dict(p._fw) if p._fw else {}
    fw[level] = t
    out._fw = fw
    out._vc = p._vc
    return out


class UnpackedDualTensor(NamedTuple):
    """What unpack_dual returns: a (primal, tangent) pair with names, as PyTorch's."""
    primal: Any
    tangent: Any


def unpack_dual(t: Any, level: int | None = None) -> tuple[Any, Tensor | None]:
    """(primal, tangent) of a dual tensor, a named pair (`.primal`, `.tangent`); the
    tangent is None if it carries none.

    Args:
        t: a tensor (or any value: non-tensors come back with tangent None).
        level: the dual level (None: the innermost open one).

    >>> with tg.autograd.forward_ad.dual_level():
    ...     x = tg.make_dual(tg.tensor(3.0), tg.tensor(1.0))
    ...     primal, tangent = tg.unpack_dual(x ** 2)
    >>> primal.item(), tangent.item()           # 9, d(x^2)/dx = 6
    (9.0, 6.0)
    >>> tg.unpack_dual(tg.tensor(1.0))[1] is None
    True
    """
    return UnpackedDualTensor(*_unpack_dual(t, level))


def _unpack_dual(t, level):
    if not isinstance(t, Tensor):
        return t, None
    if level is None:
        level = _local.fw_levels[-1] if _local.fw_levels else 0
    if t._x is not None and _vmap_dual is not None:
        r = _vmap_dual[1](t, level)                   # a tg.vmap batched value
        if r is not None:
            return r
    if t._fw is None or level not in t._fw:
        return t, None
    return strip_level(t, level), t._fw[level]


# tg.vmap (a front-end above) hands down how make_dual/unpack_dual treat its batched
# values: the dual goes on the tensor holding the whole batch
_vmap_dual = None


def _set_vmap_dual(make, unpack):
    global _vmap_dual
    _vmap_dual = (make, unpack)


# ---------------------------------------------------------------- the driver

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
            if a._data.dtype.kind == "c" and op.complex is None:
                raise _complex_error(op, a._data.dtype)
            d = d._data
            if type(d) is np.ndarray and not d.shape:
                d = d[()]
            tans.append(d)
        else:
            tans.append(None)
    forward, save_idx, diff, view = op._hot[:4]
    out = forward(*raw, **params) if params else forward(*raw)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if (len(raw) == 2 and not params and _two_dtypes(raw[0], raw[1])
            and op.batching == "elementwise"):
        # operands of two dtypes: the result's as eager gives it (float32 * a 0-d float64
        # is float32, float16 * a 0-d float32 float16; ops/_torch_dtype.py)
        out = _apply._default_float(out, args[0], args[1], forward)
    if out.dtype.kind == "c" and op.jvp is not None and diff and op.complex is None:
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
    # a leaf's stand-in routes reverse-mode gradients into the leaf's own accumulator; an
    # open GradientTape sees the leaf used (it watches accessed Variables)
    p.grad_fn = record_edge(t) if t.grad_fn is None else t.grad_fn
    rest = {k: v for k, v in t._fw.items() if k != level}
    p._fw = rest or None
    p._vc = t._vc
    return p


def _apply_dual(op, level, args, params):
    prim = []
    tans = []
    for a in args:
        if isinstance(a, Tensor) and a._fw is not None and level in a._fw:
            if (a._data.dtype.kind == "c" and op.jvp is not None and op.differentiable
                    and op.complex is None):
                raise _complex_error(op, a._data.dtype)
            tans.append(a._fw[level])
            prim.append(strip_level(a, level))
        else:
            tans.append(None)
            prim.append(a)
    out = apply(op, *prim, **params)
    if op.jvp is None or not op.differentiable:
        return out
    if out._data.dtype.kind == "c" and op.complex is None:
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
    if getattr(op, "user_forward", False):
        saved += (out_v,)   # a custom Function's saved output, with its outer tangents
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
            dout = call(BroadcastTo, dout, shape=tshape)
        if not isinstance(dout, Tensor):
            dout = make(np.asarray(dout))
    if not isinstance(dout, Tensor):
        dout = make(dout)
    if dout._data.dtype != out._data.dtype and np.issubdtype(out._data.dtype, np.floating):
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
        if -1 in save_idx or getattr(op, "user_forward", False):
            # a custom Function may save its output in its own state
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
    return call(Reshape, d, shape=shape[:1] + (1,) * missing + shape[1:])


def _broadcast(r, shape):
    if tuple(r.shape) == tuple(shape):
        return r
    return call(BroadcastTo, r, shape=tuple(shape))


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


if SPEEDUPS is None:
    _apply.set_forward_mode(_dual_fast_py, _top_level, _apply_dual)
else:
    SPEEDUPS.init_dual(Ctx, _dual_fast_py, _dual_norm, np.shape, LINEAR)
    _apply.set_forward_mode(SPEEDUPS.dual_fast, _top_level, _apply_dual)

# the names `from tapegrad.autograd.forward_ad import *` gives (tests/test_all.py)
__all__ = ["dual_level", "make_dual", "unpack_dual", "strip_level", "UnpackedDualTensor"]
