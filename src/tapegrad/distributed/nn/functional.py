"""Differentiable collectives (torch.distributed.nn.functional): each returns a new
tensor and its gradient is the adjoint collective, run by every rank's backward:

    all_reduce(sum)  <->  all_reduce(sum)      (mean: mean)
    broadcast(src)   <->  reduce to src
    all_gather       <->  reduce_scatter

Every rank must run the backward through the same collectives in the same order (as in
PyTorch), so every rank's input must require grad when one's does.
"""
import numpy as np

from ..._tensor import Tensor
from ...ops._apply import apply, call
from ...ops._op import LINEAR, Op, register, same_params
from ...ops.shape import stack
from .. import _backend as B
from .._collectives import ReduceOp, reduce_op

_LINEAR_OPS = (ReduceOp.SUM, ReduceOp.AVG)


def _contiguous(x):
    return np.ascontiguousarray(np.asarray(x))


def _all_reduce_array(x, op, who="all_reduce"):
    g = B.world(who)
    x = _contiguous(x)
    B.check_same(g, who, x, op.value, "op")
    out = np.empty_like(x)
    B.wait_requests(g, [g.comm.Iallreduce(x, out, op.mpi_op(g.MPI))], who)
    if op is ReduceOp.AVG:
        out /= g.size
    return out


@register
class AllReduce(Op):
    """The sum (or mean) of x over all ranks, the same on every rank; elementwise."""
    batch_params = same_params

    @staticmethod
    def forward(x, *, reduce):
        return _all_reduce_array(x, reduce)

    # out_r = sum_k x_k, so dL/dx_k = sum_r g_r: the same all_reduce of the cotangents
    @staticmethod
    def vjp(ctx, g):
        return (call(AllReduce, g, reduce=ctx.params["reduce"]),)

    jvp = LINEAR


@register
class AllReduceExtreme(Op):
    """The max (or min) of x over all ranks, elementwise."""
    saves = ("x", "out")
    batching = "elementwise"    # position by position across ranks: a batch axis is one more

    @staticmethod
    def forward(x, *, reduce):
        return _all_reduce_array(x, reduce)

    # ties share the gradient equally (as tapegrad's max does): each rank holding the
    # extreme gets sum_r g_r / (number of ranks holding it)
    @staticmethod
    def vjp(ctx, g):
        return (call(AllReduce, g, reduce=ReduceOp.SUM) * _share(ctx),)

    @staticmethod
    def jvp(ctx, dx):
        return call(AllReduce, dx * _share(ctx), reduce=ReduceOp.SUM)


def _share(ctx):
    """1 / (number of ranks holding the extreme) where this rank holds it, else 0."""
    x, out = (_raw(v) for v in ctx.saved)
    hit = (x == out).astype(out.dtype)
    count = _all_reduce_array(hit, ReduceOp.SUM)
    return np.divide(hit, count, out=np.zeros_like(hit), where=count > 0)


def _raw(v):
    return v._data if isinstance(v, Tensor) else np.asarray(v)


@register
class Broadcast(Op):
    """Rank `src`'s x, on every rank."""
    batch_params = same_params

    @staticmethod
    def forward(x, *, src):
        g = B.world("broadcast")
        x = _contiguous(x)
        B.check_same(g, "broadcast", x, src, "src")
        out = x.copy()
        B.wait_requests(g, [g.comm.Ibcast(out, root=src)], "broadcast")
        return out

    # out_r = x_src for every r: x_src receives sum_r g_r, the other ranks nothing
    @staticmethod
    def vjp(ctx, g):
        return (call(Reduce, g, dst=ctx.params["src"]),)

    jvp = LINEAR


@register
class Reduce(Op):
    """The sum of x over all ranks on rank `dst`, zeros on the other ranks."""
    batch_params = same_params

    @staticmethod
    def forward(x, *, dst):
        g = B.world("reduce")
        x = _contiguous(x)
        B.check_same(g, "reduce", x, dst * 16, "dst")
        out = np.zeros_like(x)
        req = g.comm.Ireduce(x, out if g.rank == dst else None, g.MPI.SUM, root=dst)
        B.wait_requests(g, [req], "reduce")
        return out

    # every x_k reaches out_dst with weight 1: x_k receives g_dst, broadcast from dst
    @staticmethod
    def vjp(ctx, g):
        return (call(Broadcast, g, src=ctx.params["dst"]),)

    jvp = LINEAR


def _gather_batch_params(params, ctx):
    """A batched tangent carries its batch axis first: the rank axis moves one along."""
    return dict(params, axis=params["axis"] + (ctx.batched is not None))


@register
class AllGather(Op):
    """Every rank's x stacked along a new axis `axis` (rank order), on every rank."""
    batch_params = _gather_batch_params

    @staticmethod
    def forward(x, *, axis):
        g = B.world("all_gather")
        x = _contiguous(x)
        B.check_same(g, "all_gather", x, axis, "axis")
        table = np.empty((g.size,) + x.shape, x.dtype)
        B.wait_requests(g, [g.comm.Iallgather(x, table)], "all_gather")
        return np.moveaxis(table, 0, axis).copy() if axis else table

    # rank k's x appears as slice k on every rank: it receives sum_r g_r[k], which is
    # a reduce_scatter of the cotangents
    @staticmethod
    def vjp(ctx, g):
        return (call(ReduceScatter, g, axis=ctx.params["axis"]),)

    jvp = LINEAR


@register
class ReduceScatter(Op):
    """Slice `rank` along `axis` of x, summed over all ranks (x has world_size slices)."""
    batch_params = _gather_batch_params

    @staticmethod
    def forward(x, *, axis):
        g = B.world("reduce_scatter")
        x = np.asarray(x)
        if x.ndim <= axis or x.shape[axis] != g.size:
            raise ValueError(f"reduce_scatter: axis {axis} of the input must have "
                             f"world_size={g.size} entries, got shape {x.shape}")
        blocks = np.ascontiguousarray(np.moveaxis(x, axis, 0))
        B.check_same(g, "reduce_scatter", blocks, axis, "axis")
        out = np.empty(blocks.shape[1:], x.dtype)
        req = g.comm.Ireduce_scatter_block(blocks, out, g.MPI.SUM)
        B.wait_requests(g, [req], "reduce_scatter")
        return out

    # out_r = sum_k x_k[r]: x_k[r] receives g_r, so x_k is the gather of every g_r
    @staticmethod
    def vjp(ctx, g):
        return (call(AllGather, g, axis=ctx.params["axis"]),)

    jvp = LINEAR


def _tensor_arg(x, who, name="tensor"):
    if not isinstance(x, (Tensor, np.ndarray)):
        raise TypeError(f"{who}: {name} must be a Tensor, got {type(x).__name__}")
    return x


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """A new tensor: `tensor` reduced over all ranks (SUM, AVG, MAX or MIN), with the
    gradient flowing back to every rank's input."""
    B.world("all_reduce", group)
    x = _tensor_arg(tensor, "all_reduce")
    op = reduce_op(op, "all_reduce")
    if op in _LINEAR_OPS:
        return apply(AllReduce, x, reduce=op)
    if op in (ReduceOp.MAX, ReduceOp.MIN):
        return apply(AllReduceExtreme, x, reduce=op)
    raise ValueError(f"all_reduce: the differentiable all_reduce takes SUM, AVG, MAX or "
                     f"MIN, got {op.name} (use tg.distributed.all_reduce for the others)")


def broadcast(tensor, src, group=None):
    """A new tensor holding rank `src`'s `tensor`; its gradient is summed back to src."""
    g = B.world("broadcast", group)
    x = _tensor_arg(tensor, "broadcast")
    return apply(Broadcast, x, src=_src(src, g, "broadcast", "src"))


def reduce(tensor, dst, op=ReduceOp.SUM, group=None):
    """A new tensor: the sum over ranks on rank `dst`, zeros elsewhere."""
    g = B.world("reduce", group)
    x = _tensor_arg(tensor, "reduce")
    if reduce_op(op, "reduce") is not ReduceOp.SUM:
        raise ValueError(f"reduce: the differentiable reduce takes ReduceOp.SUM, got {op}")
    return apply(Reduce, x, dst=_src(dst, g, "reduce", "dst"))


def all_gather(tensor, group=None):
    """A tuple of world_size tensors, entry r being rank r's `tensor`."""
    g = B.world("all_gather", group)
    out = apply(AllGather, _tensor_arg(tensor, "all_gather"), axis=0)
    return tuple(out[r] for r in range(g.size))


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None):
    """A new tensor shaped like `output`: the sum over ranks of input_list[rank]."""
    g = B.world("reduce_scatter", group)
    if reduce_op(op, "reduce_scatter") is not ReduceOp.SUM:
        raise ValueError(f"reduce_scatter: the differentiable reduce_scatter takes "
                         f"ReduceOp.SUM, got {op}")
    if not isinstance(input_list, (list, tuple)) or len(input_list) != g.size:
        raise ValueError(f"reduce_scatter: input_list must hold world_size={g.size} "
                         f"tensors, got {input_list!r:.60}")
    shape = tuple(output.shape)
    for i, x in enumerate(input_list):
        _tensor_arg(x, "reduce_scatter", f"input_list[{i}]")
        if tuple(x.shape) != shape:
            raise ValueError(f"reduce_scatter: input_list[{i}] has shape {tuple(x.shape)}, "
                             f"output has {shape}")
    return apply(ReduceScatter, stack(list(input_list)), axis=0)


def _src(r, g, who, name):
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or not 0 <= r < g.size:
        raise ValueError(f"{who}: {name} must be a rank in [0, {g.size - 1}], got {r!r}")
    return int(r)

__all__ = ["AllGather", "AllReduce", "AllReduceExtreme", "Broadcast", "Reduce", "ReduceScatter",
           "all_gather", "all_reduce", "broadcast", "reduce", "reduce_scatter"]
