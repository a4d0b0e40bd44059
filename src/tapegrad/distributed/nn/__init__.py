"""torch.distributed.nn: collectives that are differentiable across ranks."""
from . import functional  # noqa: F401

__all__: list[str] = []     # the collectives live in tapegrad.distributed.nn.functional
