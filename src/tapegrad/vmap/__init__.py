"""tg.vmap: vectorize a function written for one example over a batch axis."""
from ._api import vmap
from ._batched import BatchedWriteError, BatchEscape, ControlFlowError

__all__ = ["vmap", "BatchEscape", "BatchedWriteError", "ControlFlowError"]
