"""torch.distributed.nn: collectives that are differentiable across ranks."""
from . import functional  # noqa: F401
