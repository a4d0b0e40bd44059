"""Datasets, samplers and DataLoader (torch.utils.data's names, arguments and defaults).

>>> import tapegrad as tg
>>> from tapegrad.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(tg.arange(6.0).reshape(3, 2), tg.tensor([0, 1, 0]))
>>> [(x.shape, y.tolist()) for x, y in DataLoader(ds, batch_size=2)]
[((2, 2), [0, 1]), ((1, 2), [0])]
"""
from .dataloader import (DataLoader, default_collate, default_convert,  # noqa: F401
                         get_worker_info)
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset,  # noqa: F401
                      StackDataset, Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, DistributedSampler, RandomSampler,  # noqa: F401
                      Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)

# the names `from tapegrad.utils.data import *` gives (tests/test_all.py)
__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info", "ChainDataset",
           "ConcatDataset", "Dataset", "IterableDataset", "StackDataset", "Subset",
           "TensorDataset", "random_split", "BatchSampler", "DistributedSampler", "RandomSampler",
           "Sampler", "SequentialSampler", "SubsetRandomSampler", "WeightedRandomSampler"]
