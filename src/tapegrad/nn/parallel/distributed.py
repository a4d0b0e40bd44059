"""DistributedDataParallel: data-parallel training over tg.distributed (MPI).

How a backward runs: each parameter has a gradient hook; when its gradient arrives, the
hook copies it (plus what no_sync() steps accumulated in .grad) into the parameter's
slot of a flat bucket. Buckets hold the parameters in reverse order (the order backward
produces them) up to bucket_cap_mb each; a full bucket starts a non-blocking MPI
Iallreduce while backward goes on computing the earlier layers. Buckets start strictly
in order, so every rank issues the same collectives in the same sequence. The hook of
the first gradient queues a callback (autograd.engine.queue_callback) that runs when
the backward ends: it starts what is left, waits for every bucket (timeout-guarded, see
tg.distributed), and writes the averaged gradients into .grad.
"""
import contextlib
import time
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from ... import _state
from ..._tensor import Tensor, make
from ...autograd.engine import queue_callback
from ...distributed import _backend as B
from ..module import Module


class _Bucket:
    __slots__ = ("buffer", "offsets", "params", "pending", "request")

    def __init__(self, params, dtype):
        self.params = params
        self.offsets = []
        n = 0
        for p in params:
            self.offsets.append(n)
            n += p._data.size
        self.buffer = np.zeros(n, dtype)
        self.pending = len(params)
        self.request = None


_FIRST_BUCKET_BYTES = 2 ** 20


def _buckets(params, cap_bytes):
    """Reverse parameter order, one dtype per bucket, at most cap_bytes each (a larger
    parameter gets a bucket of its own). As in PyTorch the first bucket is capped at 1 MB:
    the last layers' gradients come first, and a small bucket starts sending sooner."""
    out = []
    current, size, dtype = [], 0, None
    for p in reversed(params):
        nbytes = p._data.nbytes
        cap = min(cap_bytes, _FIRST_BUCKET_BYTES) if not out else cap_bytes
        if current and (p._data.dtype != dtype or size + nbytes > cap):
            out.append(_Bucket(current, dtype))
            current, size = [], 0
        current.append(p)
        size += nbytes
        dtype = p._data.dtype
    if current:
        out.append(_Bucket(current, dtype))
    return out


class DistributedDataParallel(Module):
    """Wrap `module` for data-parallel training (torch.nn.parallel.
    DistributedDataParallel): every rank runs the same model on its share of the batch,
    and after each backward every parameter's .grad is the average over the ranks.

    At construction rank 0's parameters and buffers are copied to every rank; with
    `broadcast_buffers` (default) the buffers (BatchNorm statistics) are copied again from
    rank 0 before each forward. `no_sync()` skips the averaging for gradient
    accumulation; the next synchronised backward averages the accumulated gradients.
    The wrapped model is `.module`; state_dict keys carry the "module." prefix.
    Every rank must run forward and backward the same number of times.
    """

    def __init__(self, module: Module, device_ids: Any = None, output_device: Any = None,
                 dim: int = 0, broadcast_buffers: bool = True, process_group: Any = None,
                 bucket_cap_mb: float = 25, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False) -> None:
        super().__init__()
        who = "DistributedDataParallel"
        if not isinstance(module, Module):
            raise TypeError(f"{who}: module must be a tg.nn.Module, got "
                            f"{type(module).__name__}")
        if not isinstance(bucket_cap_mb, (int, float)) or not bucket_cap_mb > 0:
            raise ValueError(f"{who}: bucket_cap_mb must be a positive number, got "
                             f"{bucket_cap_mb!r}")
        g = B.world(who, process_group)
        self.module = module
        self.broadcast_buffers = bool(broadcast_buffers)
        self.bucket_cap_mb = bucket_cap_mb
        self.require_backward_grad_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        self._g = g
        self._check_models(g, module)
        with _state.no_grad():
            self._broadcast([p for p in module.parameters()] + list(module.buffers()))
        self._params = params
        self._buckets = _buckets(params, bucket_cap_mb * 2 ** 20)
        self._slot = {}                 # id(param) -> (bucket index, offset)
        for b, bucket in enumerate(self._buckets):
            for p, off in zip(bucket.params, bucket.offsets):
                self._slot[id(p)] = (b, off)
        self._ready: set[int] = set()
        self._next = 0                  # the next bucket to start
        self._syncing = False
        self._sync_now = True
        # seconds the end of the last backward waited for allreduces (bench/distributed.py)
        self.last_wait_s = 0.0
        self._hooks = [p.register_hook(self._hook_for(p)) for p in params]

    @staticmethod
    def _check_models(g, module):
        """The same parameter and buffer shapes on every rank (a checksum, compared)."""
        shapes = [(n, tuple(t.shape), str(t._data.dtype))
                  for n, t in list(module.named_parameters()) + list(module.named_buffers())]
        mine = np.array([len(shapes), zlib.crc32(repr(shapes).encode())], np.int64)
        B.check_same(g, "DistributedDataParallel", mine)
        table = np.empty((g.size, 2), np.int64)
        B.wait_requests(g, [g.comm.Iallgather(mine, table)], "DistributedDataParallel")
        bad = [r for r in range(g.size) if (table[r] != table[0]).any()]
        if bad:
            raise RuntimeError(
                f"DistributedDataParallel: the model differs across ranks: ranks {bad} have "
                f"other parameter/buffer names or shapes than rank 0 (rank {g.rank} has "
                f"{len(shapes)} tensors)")

    def _broadcast(self, tensors):
        """Rank 0's values into `tensors`, one Ibcast per dtype."""
        g = self._g
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t._data.dtype, []).append(t)
        reqs, flats = [], []
        for ts in by_dtype.values():
            flat = np.concatenate([t._data.ravel() for t in ts]) if ts else np.zeros(0)
            flats.append((ts, flat))
            reqs.append(g.comm.Ibcast(flat, root=0))
        B.wait_requests(g, reqs, "DistributedDataParallel (broadcast from rank 0)")
        if g.rank == 0:
            return
        for ts, flat in flats:
            off = 0
            for t in ts:
                n = t._data.size
                t._data[...] = flat[off:off + n].reshape(t.shape)
                t._bump_version()
                off += n

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if self.broadcast_buffers:
            buffers = list(self.module.buffers())
            if buffers and self._g.size > 1:
                with _state.no_grad():
                    self._broadcast(buffers)
        self._sync_now = self.require_backward_grad_sync
        return self.module(*args, **kwargs)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Backward passes inside accumulate gradients locally, without communication."""
        before = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = before

    # ------------------------------------------------------------------ backward

    def _hook_for(self, p):
        key = id(p)

        def hook(grad):
            if self._sync_now:
                self._arrived(p, key, grad)
        return hook

    def _arrived(self, p, key, grad):
        if not self._syncing:
            self._syncing = True
            self._ready = set()
            self._next = 0
            queue_callback(self._finish)
        if key in self._ready:
            raise RuntimeError("DistributedDataParallel: a parameter received its gradient "
                               "twice in one backward (backward through the same graph "
                               "twice, or a parameter shared outside the module?)")
        self._ready.add(key)
        b, off = self._slot[key]
        bucket = self._buckets[b]
        g = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
        view = bucket.buffer[off:off + p._data.size]
        view[...] = np.broadcast_to(g, p.shape).ravel()
        if p.grad is not None:          # what no_sync() steps accumulated
            view += p.grad._data.ravel()
        bucket.pending -= 1
        self._start_ready()
        self._progress()

    def _start_ready(self):
        g = self._g
        while self._next < len(self._buckets) and self._buckets[self._next].pending == 0:
            bucket = self._buckets[self._next]
            bucket.request = g.comm.Iallreduce(g.MPI.IN_PLACE, bucket.buffer, g.MPI.SUM)
            self._next += 1

    def _progress(self):
        """Let MPI move the started allreduces on (they advance inside MPI calls)."""
        reqs = [b.request for b in self._buckets[:self._next] if b.request is not None]
        if reqs:
            self._g.MPI.Request.Testall(reqs)

    def _finish(self):
        self._syncing = False
        # parameters the forward did not use contribute their .grad (or zeros), so that
        # every rank still runs the same allreduces
        for bucket in self._buckets:
            if bucket.pending:
                for p, off in zip(bucket.params, bucket.offsets):
                    if id(p) not in self._ready:
                        view = bucket.buffer[off:off + p._data.size]
                        view[...] = 0 if p.grad is None else p.grad._data.ravel()
                bucket.pending = 0
        self._start_ready()
        t0 = time.perf_counter()
        reqs = [b.request for b in self._buckets]
        B.wait_requests(self._g, reqs, "DistributedDataParallel (gradient allreduce)")
        self.last_wait_s = time.perf_counter() - t0
        scale = 1.0 / self._g.size
        for bucket in self._buckets:
            bucket.request = None
            bucket.pending = len(bucket.params)
            bucket.buffer *= scale
            for p, off in zip(bucket.params, bucket.offsets):
                p._grad = make(bucket.buffer[off:off + p._data.size].reshape(p.shape).copy())


__all__ = ["DistributedDataParallel"]
