"""A per-thread pool of large work arrays, shared by the op families that need one
(conv.py, recurrent.py)."""
import math
import sys
import threading

import numpy as np

# Work arrays of megabytes that live for one step (convolution's columns until the
# backward pass has used them, the LSTM's workspace). Allocating them afresh each call
# made the allocator hand the memory back and fault it in again: thousands of page
# faults, a third of the time of a small CNN's training step. So each thread keeps the buffers it handed out and reuses one when no array views
# it any more (its reference count says so).
_pool = threading.local()
_POOL_MIN = 1 << 18                 # smaller arrays come from np.empty
_POOL_BYTES = 1 << 26               # at most this much held per thread


def buffer(shape, dtype):
    """An uninitialised array like np.empty(shape, dtype), from the thread's pool."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < _POOL_MIN or nbytes > _POOL_BYTES:
        return np.empty(shape, dtype)
    bufs = getattr(_pool, "bufs", None)
    if bufs is None:
        bufs = _pool.bufs = []
    pick = None
    for i in range(len(bufs)):
        # 2 references: the list and getrefcount's argument; every view adds one
        size = bufs[i].nbytes
        if (nbytes <= size <= 2 * nbytes and sys.getrefcount(bufs[i]) == 2
                and (pick is None or size < bufs[pick].nbytes)):
            pick = i
    if pick is None:
        held = sum(b.nbytes for b in bufs)
        for i in range(len(bufs) - 1, -1, -1):
            if held + nbytes <= _POOL_BYTES:
                break
            if sys.getrefcount(bufs[i]) == 2:       # the list and the argument
                held -= bufs.pop(i).nbytes
        buf = np.empty(nbytes, np.uint8)
        if held + nbytes <= _POOL_BYTES:
            bufs.append(buf)
    else:
        buf = bufs[pick]
    return buf[:nbytes].view(dtype).reshape(shape)


__all__ = ["buffer"]
