"""Samplers: which indices a DataLoader reads, and in what order."""
from __future__ import annotations

import math
import os

import numpy as np

from ..._check import _got, flag, integer
from ._rng import check, rng
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any
    from ..._typing import ArrayLike
    from .dataset import Dataset


class Sampler:
    """Base class: an iterable of dataset indices (or of index lists, for batch
    samplers) with an optional `__len__`.

    Args:
        data_source: accepted for PyTorch compatibility (unused by the base).

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import SequentialSampler, Sampler
    >>> isinstance(SequentialSampler(range(3)), Sampler)
    True
    """

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1.

    Args:
        data_source: the dataset whose indices to give (anything with __len__).

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import SequentialSampler
    >>> list(SequentialSampler(range(3)))
    [0, 1, 2]
    """

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices (new each iteration), or `num_samples` draws
    with replacement. `generator` (tg.Generator or numpy Generator) makes it repeat;
    the default is the global generator, seeded by tg.manual_seed.

    Args:
        data_source: the dataset whose indices to draw.
        replacement: draw with replacement.
        num_samples: how many indices per iteration (default len(data_source)).
        generator: a tg.Generator or NumPy Generator for the draws (None: the global
            generator, seeded by tg.manual_seed).

    Raises:
        ValueError: num_samples is not a positive int.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import RandomSampler
    >>> list(RandomSampler(range(4), generator=tg.Generator().manual_seed(0)))
    [2, 0, 1, 3]
    """

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        self.data_source = data_source
        self.replacement = flag(replacement, "RandomSampler", "replacement")
        if num_samples is not None:
            num_samples = integer(num_samples, "RandomSampler", "num_samples", low=1)
        self._num_samples = num_samples
        self.generator = check(generator, "RandomSampler")
        if num_samples is None and len(data_source) == 0:
            # as torch, at construction (an empty dataset with shuffle=True)
            raise ValueError("RandomSampler: num_samples must be a positive integer, got 0 "
                             "(the dataset is empty)")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        if n == 0:
            raise ValueError(f"RandomSampler: cannot draw {self.num_samples} sample(s) from "
                             "an empty dataset")
        g = rng(self.generator, "RandomSampler")
        if self.replacement:
            yield from g.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from g.permutation(n).tolist()
        yield from g.permutation(n)[:self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (new each iteration).

    Args:
        indices: the indices to permute.
        generator: a tg.Generator or NumPy Generator for the draws (None: the global
            generator, seeded by tg.manual_seed).

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import SubsetRandomSampler
    >>> list(SubsetRandomSampler([5, 7, 9], generator=tg.Generator().manual_seed(0)))
    [9, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = check(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[int]:
        for i in rng(self.generator, "SubsetRandomSampler").permutation(len(self.indices)):
            yield self.indices[int(i)]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probabilities proportional to `weights`.

    Args:
        weights: a non-negative weight per index (need not sum to 1).
        num_samples: how many indices per iteration.
        replacement: draw with replacement (without it, num_samples <= len(weights)).
        generator: a tg.Generator or NumPy Generator for the draws (None: the global
            generator, seeded by tg.manual_seed).

    Raises:
        ValueError: negative weights, or num_samples not a positive int.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import WeightedRandomSampler
    >>> list(WeightedRandomSampler([0.0, 1.0, 3.0], 5, generator=tg.Generator().manual_seed(0)))
    [2, 2, 1, 1, 2]
    """

    def __init__(self, weights: ArrayLike, num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        w = np.asarray(getattr(weights, "_data", weights), dtype=np.float64)
        if w.ndim != 1 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"WeightedRandomSampler: weights must be a 1-D sequence of "
                             f"non-negative numbers with a positive sum, got {_got(weights)}")
        self.weights = w
        self.num_samples = integer(num_samples, "WeightedRandomSampler", "num_samples", low=1)
        self.replacement = flag(replacement, "WeightedRandomSampler", "replacement")
        if not self.replacement and self.num_samples > np.count_nonzero(w):
            raise ValueError("WeightedRandomSampler: num_samples exceeds the number of "
                             "non-zero weights when drawing without replacement")
        self.generator = check(generator, "WeightedRandomSampler")

    def __iter__(self) -> Iterator[int]:
        g = rng(self.generator, "WeightedRandomSampler")
        idx = g.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                       p=self.weights / self.weights.sum())
        return iter(idx.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of `batch_size` (the last one shorter
    unless `drop_last`).

    Args:
        sampler: a sampler (or any iterable) of indices.
        batch_size: indices per batch, a positive int.
        drop_last: drop a last batch shorter than batch_size.

    Raises:
        ValueError: batch_size is not a positive int.
        TypeError: drop_last is not a bool.

    >>> from tapegrad.utils.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Sampler | Iterable[Any] | None, batch_size: int,
                 drop_last: bool) -> None:
        self.sampler = sampler
        self.batch_size = integer(batch_size, "BatchSampler", "batch_size", low=1)
        self.drop_last = flag(drop_last, "BatchSampler", "drop_last")

    def __iter__(self) -> Iterator[list[int]]:
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def _world(num_replicas, rank):
    """num_replicas and rank, from the arguments or from the launcher's environment
    (torchrun's WORLD_SIZE/RANK, Open MPI's, MPICH's and Slurm's variables: whichever
    launcher started tg.distributed's processes)."""
    env = os.environ
    for size_key, rank_key in (("WORLD_SIZE", "RANK"),
                               ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"),
                               ("PMI_SIZE", "PMI_RANK"), ("SLURM_NTASKS", "SLURM_PROCID")):
        if size_key in env and rank_key in env:
            if num_replicas is None:
                num_replicas = int(env[size_key])
            if rank is None:
                rank = int(env[rank_key])
            break
    if num_replicas is None or rank is None:
        raise ValueError("DistributedSampler: pass num_replicas and rank (or run under a "
                         "launcher that sets WORLD_SIZE and RANK, e.g. mpirun)")
    return num_replicas, rank


class DistributedSampler(Sampler):
    """The share of the indices that process `rank` of `num_replicas` reads, as
    torch.utils.data.DistributedSampler: the (shuffled, seeded by seed + epoch) index
    list is padded by repeating its start to a multiple of num_replicas (or cut, with
    `drop_last`), and rank r takes every num_replicas-th index from position r. Call
    `set_epoch(e)` each epoch so the shuffle changes and stays the same on every rank.

    Args:
        dataset: the dataset (anything with __len__).
        num_replicas: the number of processes (default: WORLD_SIZE, set by a
            launcher).
        rank: this process's rank (default: RANK, set by a launcher).
        shuffle: shuffle the indices each epoch.
        seed: the shuffle's seed, the same on every rank.
        drop_last: cut the index list to a multiple of num_replicas instead of padding.

    Raises:
        ValueError: rank is not in [0, num_replicas), or they are not given and no
            launcher set them.

    >>> from tapegrad.utils.data import DistributedSampler
    >>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
    [1, 3, 0]
    """

    def __init__(self, dataset: Dataset, num_replicas: Any = None, rank: Any = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        num_replicas, rank = _world(num_replicas, rank)
        num_replicas = integer(num_replicas, "DistributedSampler", "num_replicas", low=1)
        rank = integer(rank, "DistributedSampler", "rank")
        if not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank}, rank should be in "
                             f"the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.shuffle = flag(shuffle, "DistributedSampler", "shuffle")
        self.seed = integer(seed, "DistributedSampler", "seed", low=0)
        self.drop_last = flag(drop_last, "DistributedSampler", "drop_last")
        n = len(dataset)
        if self.drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            g = np.random.Generator(np.random.PCG64(self.seed + self.epoch))
            indices = g.permutation(n).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int):
        """Reshuffle for this epoch (the same on every rank)."""
        self.epoch = integer(epoch, "DistributedSampler.set_epoch", "epoch", low=0)

# the names `from tapegrad.utils.data.sampler import *` gives (tests/test_all.py)
__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "DistributedSampler"]
