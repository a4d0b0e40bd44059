"""Collectives on tensors (torch.distributed's names and semantics): in place on the
tensors given, with a Work handle when async_op=True. Each one checks first that every
rank passes the same shape and dtype (see _backend.check_same)."""
import enum
from typing import Any

import numpy as np

from .._tensor import Tensor
from . import _backend as B


class ReduceOp(enum.Enum):
    """How all_reduce, reduce and reduce_scatter combine the ranks' values.

    Members: SUM, AVG (the sum divided by the world size), MAX, MIN, PRODUCT and the
    bitwise BAND, BOR, BXOR (integer tensors), as torch.distributed.ReduceOp. The
    collectives also take the lowercase names ("sum", "avg", "mean", ...).

    >>> import tapegrad.distributed as dist
    >>> dist.ReduceOp.AVG, dist.ReduceOp(0)
    (<ReduceOp.AVG: 1>, <ReduceOp.SUM: 0>)
    """
    SUM = 0
    AVG = 1
    MAX = 2
    MIN = 3
    PRODUCT = 4
    BAND = 5
    BOR = 6
    BXOR = 7

    def mpi_op(self, MPI):
        return {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.MAX: MPI.MAX,
                ReduceOp.MIN: MPI.MIN, ReduceOp.PRODUCT: MPI.PROD, ReduceOp.BAND: MPI.BAND,
                ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}[self]


_OP_NAMES = {"sum": ReduceOp.SUM, "avg": ReduceOp.AVG, "mean": ReduceOp.AVG,
             "max": ReduceOp.MAX, "min": ReduceOp.MIN, "product": ReduceOp.PRODUCT,
             "prod": ReduceOp.PRODUCT}


def reduce_op(op, who):
    """A ReduceOp from a ReduceOp or its name ("sum", "mean", ...)."""
    if isinstance(op, ReduceOp):
        return op
    if isinstance(op, str) and op.lower() in _OP_NAMES:
        return _OP_NAMES[op.lower()]
    raise ValueError(f"{who}: op must be a ReduceOp (SUM, AVG, MAX, MIN, PRODUCT) or one of "
                     f"{sorted(_OP_NAMES)}, got {op!r}")


class Work:
    """The handle of an asynchronous collective: wait() blocks until it is done and its
    result is in the tensors (and returns True); is_completed() asks without blocking.

    Made by the collectives called with async_op=True and by isend/irecv, not by hand.

    Args:
        g: the process group (internal).
        who: the operation's name, for error messages.
        poll: a function that says whether the operation has finished.
        finish: what to run once it has (copy the result into the tensors), or None.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> t = tg.tensor([1.0, 2.0])
    >>> work = dist.all_reduce(t, async_op=True)
    >>> work.wait(), work.is_completed()
    (True, True)
    >>> dist.destroy_process_group()
    """

    def __init__(self, g: Any, who: str, poll: Any, finish: Any = None) -> None:
        self._g = g
        self._who = who
        self._poll = poll
        self._finish = finish
        self._done = False
        self.source: Any = None      # recv: the message's state (its sender)

    def is_completed(self) -> bool:
        if not self._done and self._poll():
            self._complete()
        return self._done

    def wait(self, timeout: Any = None) -> bool:
        if not self._done:
            B.wait(self._g, self._poll, self._who)
            self._complete()
        return True

    def _complete(self):
        self._done = True
        if self._finish is not None:
            self._finish()
            self._finish = None


def _requests(g, reqs):
    return lambda: g.MPI.Request.Testall(reqs)


def _tensor(t, who, name="tensor"):
    if not isinstance(t, Tensor):
        raise TypeError(f"{who}: {name} must be a tapegrad Tensor, got {type(t).__name__}")
    return t


def _rank_arg(r, g, who, name):
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or not 0 <= r < g.size:
        raise ValueError(f"{who}: {name} must be a rank in [0, {g.size - 1}], got {r!r}")
    return int(r)


def _buffer(arr):
    """A C-contiguous array MPI can write into: `arr` itself when possible."""
    if arr.flags.c_contiguous and arr.flags.writeable:
        return arr
    return np.ascontiguousarray(arr)


def _writer(t, buf, post=None):
    """What finishes an in-place collective on `t`: copy back, then bump the version."""
    def finish():
        if post is not None:
            post(buf)
        if buf is not t._data:
            t._data[...] = buf
        t._bump_version()
    return finish


def _average(g, op, who, dtype):
    if op is not ReduceOp.AVG:
        return None
    if not np.issubdtype(dtype, np.inexact):
        raise TypeError(f"{who}: ReduceOp.AVG needs a floating tensor, got {dtype}")
    return lambda buf: np.divide(buf, g.size, out=buf, casting="unsafe")


def _run(g, who, reqs, finish, async_op):
    work = Work(g, who, _requests(g, reqs), finish)
    if async_op:
        return work
    work.wait()
    return None


def all_reduce(tensor: Tensor, op: Any = ReduceOp.SUM, group: Any = None,
               async_op: bool = False) -> Work | None:
    """Reduce `tensor` over all ranks, in place: every rank ends with the result.

    Args:
        tensor: the tensor to reduce, overwritten with the result on every rank.
        op: a ReduceOp or its name ("sum", "avg", "max", ...); default SUM.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> t = tg.tensor([1.0, 2.0])
    >>> dist.all_reduce(t)              # with one rank the sum is the tensor itself
    >>> t
    tensor([1., 2.])
    >>> dist.destroy_process_group()
    """
    who = "all_reduce"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    op = reduce_op(op, who)
    post = _average(g, op, who, t._data.dtype)
    B.check_same(g, who, t._data, op.value, "op")
    t._check_inplace(who)
    buf = _buffer(t._data)
    req = g.comm.Iallreduce(g.MPI.IN_PLACE, buf, op.mpi_op(g.MPI))
    return _run(g, who, [req], _writer(t, buf, post), async_op)


def reduce(tensor: Tensor, dst: int, op: Any = ReduceOp.SUM, group: Any = None,
           async_op: bool = False) -> Work | None:
    """Reduce `tensor` over all ranks into rank `dst`'s tensor (others unchanged).

    Args:
        tensor: each rank's contribution; rank dst's is overwritten with the result.
        dst: the rank that receives the result.
        op: a ReduceOp or its name ("sum", "avg", "max", ...); default SUM.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> t = tg.tensor([3.0, 4.0])
    >>> dist.reduce(t, dst=0, op="max")
    >>> t
    tensor([3., 4.])
    >>> dist.destroy_process_group()
    """
    who = "reduce"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    dst = _rank_arg(dst, g, who, "dst")
    op = reduce_op(op, who)
    post = _average(g, op, who, t._data.dtype)
    B.check_same(g, who, t._data, dst * 16 + op.value, "(dst, op)")
    t._check_inplace(who)
    buf = _buffer(t._data)
    if g.rank == dst:
        req = g.comm.Ireduce(g.MPI.IN_PLACE, buf, op.mpi_op(g.MPI), root=dst)
        finish = _writer(t, buf, post)
    else:
        req = g.comm.Ireduce(buf, None, op.mpi_op(g.MPI), root=dst)
        finish = None
    return _run(g, who, [req], finish, async_op)


def broadcast(tensor: Tensor, src: int, group: Any = None,
              async_op: bool = False) -> Work | None:
    """Copy rank `src`'s tensor into `tensor` on every rank.

    Args:
        tensor: the data on rank src; overwritten with it on the other ranks.
        src: the rank whose tensor is copied.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> t = tg.tensor([5.0])
    >>> dist.broadcast(t, src=0)
    >>> t
    tensor([5.])
    >>> dist.destroy_process_group()
    """
    who = "broadcast"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    src = _rank_arg(src, g, who, "src")
    B.check_same(g, who, t._data, src, "src")
    if g.rank != src:
        t._check_inplace(who)
    buf = _buffer(t._data)
    req = g.comm.Ibcast(buf, root=src)
    return _run(g, who, [req], _writer(t, buf) if g.rank != src else None, async_op)


def all_gather(tensor_list: list[Tensor], tensor: Tensor, group: Any = None,
               async_op: bool = False) -> Work | None:
    """tensor_list[r] <- rank r's `tensor`, on every rank.

    Args:
        tensor_list: world_size tensors of tensor's shape and dtype, overwritten.
        tensor: this rank's contribution.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> out = [tg.zeros(2)]
    >>> dist.all_gather(out, tg.tensor([1.0, 2.0]))
    >>> out
    [tensor([1., 2.])]
    >>> dist.destroy_process_group()
    """
    who = "all_gather"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    outs = _tensor_list(tensor_list, g, who, "tensor_list", t)
    B.check_same(g, who, t._data)
    table = np.empty((g.size,) + t.shape, t._data.dtype)
    req = g.comm.Iallgather(np.ascontiguousarray(t._data), table)

    def finish():
        for out, row in zip(outs, table):
            out._data[...] = row
            out._bump_version()
    return _run(g, who, [req], finish, async_op)


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group: Any = None,
                           async_op: bool = False) -> Work | None:
    """The ranks' input tensors concatenated along dim 0 (or stacked, when
    output_tensor has shape (world_size, *input.shape)) into output_tensor.

    Args:
        output_tensor: overwritten with the gathered values, in rank order.
        input_tensor: this rank's contribution.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> out = tg.zeros(2)
    >>> dist.all_gather_into_tensor(out, tg.tensor([1.0, 2.0]))
    >>> out
    tensor([1., 2.])
    >>> dist.destroy_process_group()
    """
    who = "all_gather_into_tensor"
    g = B.world(who, group)
    t = _tensor(input_tensor, who, "input_tensor")
    out = _tensor(output_tensor, who, "output_tensor")
    n = g.size
    cat = (t.shape[0] * n,) + t.shape[1:] if t.ndim else None
    if out.shape not in ((n,) + t.shape, cat) or out._data.dtype != t._data.dtype:
        raise ValueError(f"{who}: output_tensor must have shape {cat} or {(n,) + t.shape} "
                         f"and dtype {t._data.dtype}, got {out.shape} {out._data.dtype}")
    B.check_same(g, who, t._data)
    out._check_inplace(who)
    buf = _buffer(out._data)
    req = g.comm.Iallgather(np.ascontiguousarray(t._data), buf)
    return _run(g, who, [req], _writer(out, buf), async_op)


def reduce_scatter(output: Tensor, input_list: list[Tensor], op: Any = ReduceOp.SUM,
                   group: Any = None, async_op: bool = False) -> Work | None:
    """output <- the reduction over ranks of their input_list[rank].

    Args:
        output: overwritten with this rank's share of the result.
        input_list: world_size tensors of output's shape and dtype; entry r goes to rank r.
        op: a ReduceOp or its name ("sum", "avg", "max", ...); default SUM.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> out = tg.zeros(2)
    >>> dist.reduce_scatter(out, [tg.tensor([1.0, 2.0])])
    >>> out
    tensor([1., 2.])
    >>> dist.destroy_process_group()
    """
    who = "reduce_scatter"
    g = B.world(who, group)
    out = _tensor(output, who, "output")
    ins = _tensor_list(input_list, g, who, "input_list", out)
    stacked = np.stack([x._data for x in ins])
    return _reduce_scatter(g, who, out, stacked, op, async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op: Any = ReduceOp.SUM,
                          group: Any = None, async_op: bool = False) -> Work | None:
    """reduce_scatter with the inputs as one tensor: rank r gets the reduction of block r
    of dim 0 of every rank's `input`.

    Args:
        output: overwritten with this rank's block of the result.
        input: world_size blocks of output's shape, along dim 0.
        op: a ReduceOp or its name ("sum", "avg", "max", ...); default SUM.
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting for the result.

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: the ranks passed different shapes or dtypes, or a bad argument.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> out = tg.zeros(2)
    >>> dist.reduce_scatter_tensor(out, tg.tensor([3.0, 4.0]))
    >>> out
    tensor([3., 4.])
    >>> dist.destroy_process_group()
    """
    who = "reduce_scatter_tensor"
    g = B.world(who, group)
    out = _tensor(output, who, "output")
    x = _tensor(input, who, "input")
    n = g.size
    if x._data.size != out._data.size * n or x._data.dtype != out._data.dtype:
        raise ValueError(f"{who}: input must hold world_size={n} blocks of the output's "
                         f"shape {out.shape} and dtype {out._data.dtype}, got {x.shape} "
                         f"{x._data.dtype}")
    return _reduce_scatter(g, who, out, x._data.reshape((n,) + out.shape), op, async_op)


def _reduce_scatter(g, who, out, stacked, op, async_op):
    op = reduce_op(op, who)
    post = _average(g, op, who, out._data.dtype)
    B.check_same(g, who, stacked, op.value, "op")
    out._check_inplace(who)
    buf = _buffer(out._data)
    req = g.comm.Ireduce_scatter_block(np.ascontiguousarray(stacked), buf,
                                       op.mpi_op(g.MPI))
    return _run(g, who, [req], _writer(out, buf, post), async_op)


def _tensor_list(ts, g, who, name, like):
    if not isinstance(ts, (list, tuple)) or len(ts) != g.size:
        raise ValueError(f"{who}: {name} must be a list of world_size={g.size} tensors, got "
                         f"{type(ts).__name__}"
                         + (f" of length {len(ts)}" if isinstance(ts, (list, tuple)) else ""))
    for i, x in enumerate(ts):
        _tensor(x, who, f"{name}[{i}]")
        if x.shape != like.shape or x._data.dtype != like._data.dtype:
            raise ValueError(f"{who}: {name}[{i}] has shape {x.shape} {x._data.dtype}, "
                             f"expected {like.shape} {like._data.dtype}")
    return ts


def barrier(group: Any = None, async_op: bool = False,
            device_ids: Any = None) -> Work | None:
    """Wait until every rank has reached the barrier.

    Args:
        group: the process group; only the default group (None) is supported.
        async_op: return a Work handle at once instead of waiting.
        device_ids: accepted for PyTorch compatibility and ignored (CPU only).

    Returns:
        A Work handle when async_op is True, else None (the result is in place).

    Raises:
        RuntimeError: init_process_group has not been called.
        DistBackendError: a rank died or did not arrive within the group's timeout.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> dist.barrier()
    >>> dist.destroy_process_group()
    """
    g = B.world("barrier", group)
    return _run(g, "barrier", [g.comm.Ibarrier()], None, async_op)


# ------------------------------------------------------------------ point to point
# A message is a header (dtype, ndim, shape) and then the data, so that recv can say what
# was sent instead of reading a truncated or padded buffer.

def _tags(tag, who):
    if isinstance(tag, bool) or not isinstance(tag, (int, np.integer)) or tag < 0:
        raise ValueError(f"{who}: tag must be a non-negative integer, got {tag!r}")
    return 2 * int(tag), 2 * int(tag) + 1


def isend(tensor: Tensor, dst: int, group: Any = None, tag: int = 0) -> Work:
    """Send `tensor` to rank `dst` without blocking; returns a Work.

    Args:
        tensor: the data to send (do not modify it until the Work is done).
        dst: the receiving rank.
        group: the process group; only the default group (None) is supported.
        tag: a non-negative integer that matches the message with a recv of that tag.

    Returns:
        A Work; its wait() returns once the data has left this rank's buffer.

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: dst is not a rank of the group, or tag is negative.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> work = dist.isend(tg.tensor([1.0, 2.0]), dst=0)    # to itself
    >>> got = tg.zeros(2)
    >>> dist.recv(got, src=0)
    0
    >>> work.wait(), got
    (True, tensor([1., 2.]))
    >>> dist.destroy_process_group()
    """
    who = "send"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    dst = _rank_arg(dst, g, who, "dst")
    htag, dtag = _tags(tag, who)
    data = np.ascontiguousarray(t._data)
    head = B._meta("barrier", data, g.rank)
    reqs = [g.comm.Isend(head, dest=dst, tag=htag), g.comm.Isend(data, dest=dst, tag=dtag)]
    return Work(g, f"send to rank {dst}", _requests(g, reqs))


def send(tensor: Tensor, dst: int, group: Any = None, tag: int = 0) -> None:
    """Send `tensor` to rank `dst` (returns when the data has left this rank's buffer).

    Args:
        tensor: the data to send.
        dst: the receiving rank.
        group: the process group; only the default group (None) is supported.
        tag: a non-negative integer that matches the message with a recv of that tag.

    Raises:
        RuntimeError: init_process_group has not been called.
        ValueError: dst is not a rank of the group, or tag is negative.
        DistBackendError: the receiver died or did not take the message in time.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> work = dist.irecv(tg.zeros(1), src=0)
    >>> dist.send(tg.tensor([7.0]), dst=0)         # to itself: the irecv takes it
    >>> work.wait()
    True
    >>> dist.destroy_process_group()
    """
    isend(tensor, dst, group, tag).wait()


def irecv(tensor: Tensor, src: int | None = None, group: Any = None,
          tag: int = 0) -> Work:
    """Receive into `tensor` from rank `src` (any rank when None) without blocking;
    returns a Work. A message of another shape or dtype raises when waited for.

    Args:
        tensor: overwritten with the message once the Work is done.
        src: the sending rank, or None for any rank.
        group: the process group; only the default group (None) is supported.
        tag: the tag the sender used.

    Returns:
        A Work; its wait() returns once the data is in `tensor`.

    Raises:
        RuntimeError: init_process_group has not been called; at wait(), the message's
            shape or dtype differs from tensor's.
        ValueError: src is not a rank of the group, or tag is negative.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> got = tg.zeros(2)
    >>> work = dist.irecv(got, src=0)
    >>> dist.send(tg.tensor([1.0, 2.0]), dst=0)
    >>> work.wait(), got
    (True, tensor([1., 2.]))
    >>> dist.destroy_process_group()
    """
    who = "recv"
    g = B.world(who, group)
    t = _tensor(tensor, who)
    MPI = g.MPI
    source = MPI.ANY_SOURCE if src is None else _rank_arg(src, g, who, "src")
    htag, dtag = _tags(tag, who)
    t._check_inplace(who)
    head = np.empty(B._META, np.int64)
    state = {"head": g.comm.Irecv(head, source=source, tag=htag), "data": None}
    mine = B._meta("barrier", t._data, 0)

    def poll():
        if state["data"] is None:
            if not state["head"].Test():
                return False
            sender = int(head[3])
            state["sender"] = sender
            if (head[1:3] == mine[1:3]).all() and (head[4:] == mine[4:]).all():
                state["buf"] = _buffer(t._data)
            else:                       # take the message anyway, then refuse it
                state["buf"] = None
                state["bad"] = np.empty(_shape_of(head), np.dtype(B._DTYPES[head[1]]))
            target = state["buf"] if state["buf"] is not None else state["bad"]
            state["data"] = g.comm.Irecv(target, source=sender, tag=dtag)
        return state["data"].Test()

    def finish():
        if state["buf"] is None:
            _, theirs = B._describe(head)
            _, ours = B._describe(mine)
            raise RuntimeError(f"recv: rank {state['sender']} sent {theirs} but rank "
                               f"{g.rank} receives into {ours}")
        if state["buf"] is not t._data:
            t._data[...] = state["buf"]
        t._bump_version()

    work = Work(g, "recv" if src is None else f"recv from rank {src}", poll, finish)
    work.source = state
    return work


def _shape_of(head):
    nd = int(head[2])
    if nd > B._NDIM:                    # the header only keeps the size of such a message
        return (int(np.prod(head[4:4 + B._NDIM])),)
    return tuple(int(d) for d in head[4:4 + nd])


def recv(tensor: Tensor, src: int | None = None, group: Any = None, tag: int = 0) -> int:
    """Receive into `tensor` from rank `src` (any rank when None); returns the sender.

    Args:
        tensor: overwritten with the message.
        src: the sending rank, or None for any rank.
        group: the process group; only the default group (None) is supported.
        tag: the tag the sender used.

    Returns:
        The rank that sent the message.

    Raises:
        RuntimeError: init_process_group has not been called, or the message's shape
            or dtype differs from tensor's.
        ValueError: src is not a rank of the group, or tag is negative.
        DistBackendError: the sender died or did not send in time.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()       # run alone: a world of one rank
    >>> work = dist.isend(tg.tensor([4.0]), dst=0)
    >>> got = tg.zeros(1)
    >>> dist.recv(got), got              # from any rank
    (0, tensor([4.]))
    >>> work.wait()
    True
    >>> dist.destroy_process_group()
    """
    work = irecv(tensor, src, group, tag)
    work.wait()
    return work.source["sender"]


__all__ = ["ReduceOp", "Work", "all_gather", "all_gather_into_tensor", "all_reduce",
           "barrier", "broadcast", "irecv", "isend", "recv", "reduce", "reduce_scatter",
           "reduce_scatter_tensor", "send"]
