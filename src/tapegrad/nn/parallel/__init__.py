"""torch.nn.parallel: DistributedDataParallel over tg.distributed."""
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
