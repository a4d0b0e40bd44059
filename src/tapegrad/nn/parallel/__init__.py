"""torch.nn.parallel: DistributedDataParallel over tg.distributed."""
from .distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DistributedDataParallel"]
