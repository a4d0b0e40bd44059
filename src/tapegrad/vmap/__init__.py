"""tg.vmap: vectorize a function written for one example over a batch axis; and
torch.func's functional_call / stack_module_state to map over a module's parameters."""
from ._api import vmap
from ._batched import BatchedWriteError, BatchEscape, ControlFlowError, DynamicShapeError
from ._module import functional_call, stack_module_state
from . import _compose  # noqa: F401  (vmap around make_dual, unpack_dual and vjp)
from . import _rules  # noqa: F401  (batching rules of conv, pad, gathers, recurrent ops)

__all__ = ["vmap", "functional_call", "stack_module_state", "BatchEscape",
           "BatchedWriteError", "ControlFlowError", "DynamicShapeError"]
