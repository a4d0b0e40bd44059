"""Datasets (map-style and iterable), Subset and random_split."""
from __future__ import annotations

import bisect
import math
import numbers

import numpy as np

from ..._check import _got
from ..._tensor import Tensor
from ._rng import check, rng
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any


class Dataset:
    """A map-style dataset: subclasses define `__getitem__(index)` (and usually
    `__len__`). `a + b` concatenates two datasets.

    >>> from tapegrad.utils.data import Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return i * i
    >>> list(Squares())
    [0, 1, 4, 9]
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])

    def __iter__(self) -> Iterator[Any]:
        # a Dataset with __len__ iterates by index (Python's fallback would stop only
        # at IndexError, which a user's __getitem__ may never raise); without one,
        # until IndexError as Python's own protocol
        if hasattr(self, "__len__"):
            for i in range(len(self)):
                yield self[i]
            return
        i = 0
        while True:
            try:
                item = self[i]
            except IndexError:
                return
            yield item
            i += 1


class IterableDataset(Dataset):
    """A dataset given by `__iter__` (a stream); DataLoader batches what it yields.

    >>> from tapegrad.utils.data import DataLoader, IterableDataset
    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(5))
    >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ChainDataset([self, other])


def _length(t):
    return t.shape[0] if isinstance(t, Tensor) or isinstance(t, np.ndarray) else len(t)


class TensorDataset(Dataset):
    """Samples are tuples of rows: `ds[i] == (t[i] for t in tensors)`; every tensor has
    the same first dimension.

    Args:
        *tensors: tensors with the same first dimension (the sample axis).

    Raises:
        ValueError: the tensors differ in their first dimension.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import TensorDataset
    >>> ds = TensorDataset(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([0, 1]))
    >>> len(ds), ds[1]
    (2, (tensor([3., 4.]), tensor(1)))
    """

    def __init__(self, *tensors: Any) -> None:
        for i, t in enumerate(tensors):
            if not isinstance(t, (Tensor, np.ndarray)) or np.ndim(t) == 0:
                raise TypeError(f"TensorDataset: argument {i} must be a tensor with at least "
                                f"one dimension, got {_got(t)}")
        sizes = [_length(t) for t in tensors]
        if any(s != sizes[0] for s in sizes):
            raise ValueError(f"TensorDataset: size mismatch between tensors: first "
                             f"dimensions {sizes}")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> Any:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return _length(self.tensors[0]) if self.tensors else 0


class StackDataset(Dataset):
    """Samples are tuples (or dicts) of the samples of several equally long datasets.

    Args:
        *args: datasets whose samples form each tuple.
        **kwargs: datasets whose samples form each dict, by name (use one form).

    Raises:
        ValueError: the datasets differ in length, or both forms are given.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import StackDataset
    >>> StackDataset(x=tg.tensor([1.0, 2.0]), y=tg.tensor([0, 1]))[0]
    {'x': tensor(1.), 'y': tensor(0)}
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("StackDataset: pass datasets as positional or as keyword "
                             "arguments, not both")
        self.datasets = args or kwargs
        parts = list(args) if args else list(kwargs.values())
        if not parts:
            raise ValueError("StackDataset: at least one dataset is needed")
        sizes = [len(d) for d in parts]
        if any(s != sizes[0] for s in sizes):
            raise ValueError(f"StackDataset: size mismatch between datasets: {sizes}")
        self._length = sizes[0]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset):
    """Several map-style datasets one after another.

    Args:
        datasets: the map-style datasets (anything with __len__ and __getitem__).

    Raises:
        ValueError: datasets is empty.
        TypeError: a dataset is an IterableDataset.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import ConcatDataset
    >>> ds = ConcatDataset([[1, 2], [3]])
    >>> len(ds), ds[2]
    (3, 3)
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset (use "
                                "ChainDataset)")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: Any) -> Any:
        n = len(self)
        if index < 0:
            if -index > n:
                raise ValueError(f"ConcatDataset: absolute value of index {index} should "
                                 f"not exceed dataset length {n}")
            index += n
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets one after another.

    Args:
        datasets: the iterable datasets (any iterables), read in order.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import ChainDataset
    >>> list(ChainDataset([range(2), range(3)]))
    [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order.

    Args:
        dataset: a map-style dataset.
        indices: the indices of the samples to keep, in order.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import Subset
    >>> Subset([10, 20, 30], [2, 0])[0]
    30
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split `dataset` into non-overlapping random Subsets of the given lengths. Lengths
    may be fractions summing to 1: each gets floor(fraction * n) samples and the rest
    go one each to the first subsets (round robin), as PyTorch does.

    `generator` (a tg.Generator or numpy Generator; default the global one seeded by
    tg.manual_seed) fixes the permutation.

    Args:
        dataset: a map-style dataset (with `__len__` and `__getitem__`).
        lengths: the subset sizes, non-negative ints summing to len(dataset), or
            fractions in [0, 1] summing to 1.
        generator: a tg.Generator, a numpy.random.Generator or None (the global
            generator).

    Returns:
        A list of Subset, one per length, together a permutation of the dataset.

    Raises:
        TypeError: lengths is not a list of numbers, or generator has the wrong type.
        ValueError: a fraction outside [0, 1], a negative length, or lengths that do not
            add up to len(dataset).

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import random_split
    >>> a, b = random_split(range(10), [0.7, 0.3], generator=tg.Generator().manual_seed(0))
    >>> len(a), len(b), sorted(list(a) + list(b)) == list(range(10))
    (7, 3, True)
    """
    check(generator, "random_split")
    if isinstance(lengths, (str, dict)) or not hasattr(lengths, "__iter__"):
        raise TypeError(f"random_split: lengths must be a list of ints or of fractions, "
                        f"got {_got(lengths)}")
    lengths = list(lengths)
    n = len(dataset)
    for v in lengths:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"random_split: lengths must be ints or fractions, got "
                            f"{_got(v)}")
    fractions = (math.isclose(sum(lengths), 1) and sum(lengths) <= 1
                 and not all(isinstance(v, numbers.Integral) for v in lengths))
    if fractions:
        for i, f in enumerate(lengths):
            if not 0 <= f <= 1:
                raise ValueError(f"random_split: fraction at index {i} is not between 0 "
                                 f"and 1, got {f}")
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        if not all(isinstance(v, numbers.Integral) and v >= 0 for v in lengths):
            raise ValueError(f"random_split: lengths must be non-negative ints or fractions "
                             f"summing to 1, got {lengths}")
        sizes = [int(v) for v in lengths]
    if sum(sizes) != n:
        raise ValueError(f"random_split: sum of input lengths ({sum(sizes)}) does not equal "
                         f"the length of the input dataset ({n})")
    perm = rng(generator, "random_split").permutation(n).tolist()
    out, start = [], 0
    for size in sizes:
        out.append(Subset(dataset, perm[start:start + size]))
        start += size
    return out

# the names `from tapegrad.utils.data.dataset import *` gives (tests/test_all.py)
__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]
