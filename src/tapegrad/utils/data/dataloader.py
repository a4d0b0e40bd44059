"""DataLoader and the default collate function."""
from __future__ import annotations

import collections.abc
import numbers

import numpy as np

from ..._check import _got, flag, integer
from ..._dtypes import float64
from ..._factories import tensor
from ..._tensor import Tensor
from ...ops import stack
from ._rng import check
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import Any
    from .dataset import Dataset


def _stack_error(batch, what):
    shapes = sorted({tuple(np.shape(getattr(b, "_data", b))) for b in batch})
    return RuntimeError(f"default_collate: {what} in a batch must have equal shapes to be "
                        f"stacked, got shapes {shapes} (pad them, or pass a collate_fn)")


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, as PyTorch's default_collate: tensors and
    NumPy arrays are stacked along a new first axis; Python floats become a float64
    tensor, ints an int64 one, bools a bool one; strings stay a list; dicts, tuples,
    lists and namedtuples are collated position by position (a tuple of fields gives a
    list, a namedtuple the same namedtuple).

    Args:
        batch: a non-empty list (sequence) of samples of one kind.

    Returns:
        The batch: a tensor, a list of strings, or a dict/list/namedtuple of collated
        fields.

    Raises:
        TypeError: batch is not a sequence, mixes tensors with other types, or holds a
            type it cannot collate.
        ValueError: batch is empty.
        RuntimeError: tensors or arrays of different shapes (they cannot be stacked), or
            sequences of different lengths.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import default_collate
    >>> out = default_collate([(tg.tensor([1.0, 2.0]), 0), (tg.tensor([3.0, 4.0]), 1)])
    >>> out
    [tensor([[1., 2.],
            [3., 4.]]), tensor([0, 1])]
    """
    if not isinstance(batch, collections.abc.Sequence) or isinstance(batch, str):
        raise TypeError(f"default_collate: batch must be a list of samples, got "
                        f"{_got(batch)}")
    if not batch:
        raise ValueError("default_collate: got an empty batch")
    elem = batch[0]
    if isinstance(elem, Tensor):
        if any(not isinstance(b, Tensor) for b in batch):
            raise TypeError("default_collate: a batch mixes tensors with other types")
        if any(b.shape != elem.shape for b in batch):
            raise _stack_error(batch, "tensors")
        return stack(batch)
    if isinstance(elem, np.ndarray) and elem.dtype.kind not in "OUS":
        if any(np.shape(b) != elem.shape for b in batch):
            raise _stack_error(batch, "arrays")
        return tensor(np.stack(batch))
    if isinstance(elem, np.generic) and elem.dtype.kind in "biufc":
        return tensor(np.array(batch))
    if isinstance(elem, (bool, np.bool_)):
        return tensor(list(batch))
    if isinstance(elem, numbers.Integral):
        return tensor(list(batch))
    if isinstance(elem, float):
        return tensor(list(batch), dtype=float64)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        n = len(elem)
        if any(len(b) != n for b in batch):
            raise RuntimeError("default_collate: each element in list of batch should be "
                               "of equal size")
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, NumPy arrays, numbers, "
                    f"dicts or lists; found {type(elem).__name__}")


def default_convert(data: Any) -> Any:
    """What DataLoader applies to each sample when batch_size=None: NumPy arrays become
    tensors, containers are converted inside, anything else is left alone.

    Args:
        data: one sample: an array, a NumPy scalar, a dict, list, tuple or namedtuple of
            them, or anything else (returned as is).

    Returns:
        The sample with arrays and NumPy numbers turned into tensors (a plain tuple
        becomes a list, as PyTorch).

    >>> import numpy as np
    >>> from tapegrad.utils.data import default_convert
    >>> default_convert({"x": np.array([1.0, 2.0]), "label": "a"})
    {'x': tensor([1., 2.], dtype=float64), 'label': 'a'}
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OUS":
        return tensor(data)
    if isinstance(data, np.generic) and data.dtype.kind in "biufc":
        return tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data


def get_worker_info() -> None:
    """None: samples are always loaded in the calling process (an IterableDataset that
    splits its stream by worker sees a single, main-process reader).

    >>> from tapegrad.utils.data import get_worker_info
    >>> get_worker_info() is None
    True
    """
    return None


class DataLoader:
    """Iterate a dataset in batches, as torch.utils.data.DataLoader.

    Args:
        dataset: a map-style dataset (`__getitem__`, `__len__`: a Dataset, a list, ...)
            or an IterableDataset.
        batch_size: samples per batch (None: yield samples one by one, unbatched).
        shuffle: a new random order each epoch (a RandomSampler).
        sampler: the indices to read, in order (excludes shuffle).
        batch_sampler: yields lists of indices (excludes batch_size, shuffle, sampler,
            drop_last).
        collate_fn: merges a list of samples (default `default_collate`).
        drop_last: drop the last batch when shorter than batch_size.
        generator: a tg.Generator (or numpy Generator) for the shuffle; the default is
            the global generator seeded by tg.manual_seed.
        num_workers: accepted for ported code; loading runs in this process.
        pin_memory: accepted for ported code (there is no device memory).
        timeout: accepted for ported code.
        worker_init_fn: accepted for ported code (there are no workers).
        multiprocessing_context: accepted for ported code.
        prefetch_factor: accepted for ported code.
        persistent_workers: accepted for ported code.

    >>> import tapegrad as tg
    >>> from tapegrad.utils.data import DataLoader
    >>> g = tg.Generator().manual_seed(0)
    >>> [b.tolist() for b in DataLoader(list(range(5)), batch_size=2, shuffle=True,
    ...                                 generator=g, drop_last=True)]
    [[2, 4], [3, 0]]
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable[Any] | None = None,
                 batch_sampler: Sampler | Iterable[Any] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        name = "DataLoader"
        if not (hasattr(dataset, "__getitem__") or hasattr(dataset, "__iter__")):
            raise TypeError(f"{name}: dataset must be indexable or iterable, got "
                            f"{_got(dataset)}")
        if batch_size is not None:
            batch_size = integer(batch_size, name, "batch_size", low=1)
        shuffle = False if shuffle is None else flag(shuffle, name, "shuffle")
        drop_last = flag(drop_last, name, "drop_last")
        self.num_workers = integer(num_workers, name, "num_workers", low=0)
        # torch's checks of the worker options (accepted silently before)
        if self.num_workers == 0 and prefetch_factor is not None:
            raise ValueError(f"{name}: prefetch_factor option could only be specified with "
                             "num_workers > 0 (multiprocessing); otherwise leave it None")
        if persistent_workers and self.num_workers == 0:
            raise ValueError(f"{name}: persistent_workers option needs num_workers > 0")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise TypeError(f"{name}: timeout must be a number, got {_got(timeout)}")
        if timeout < 0:
            raise ValueError(f"{name}: timeout option should be non-negative, got {timeout}")
        check(generator, name)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"{name}: collate_fn must be callable, got {_got(collate_fn)}")
        for arg, s in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if s is not None and not hasattr(s, "__iter__"):
                raise TypeError(f"{name}: {arg} must be an iterable of indices, got "
                                f"{_got(s)}")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle or sampler is not None or batch_sampler is not None:
                raise ValueError(f"{name} with IterableDataset: expected unspecified "
                                 "shuffle, sampler and batch_sampler options")
        if sampler is not None and shuffle:
            raise ValueError(f"{name}: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(f"{name}: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(f"{name}: batch_size=None option disables auto-batching and "
                             "is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        if collate_fn is None:
            auto = batch_sampler is not None or (self._iterable and batch_size is not None)
            collate_fn = default_collate if auto else default_convert
        self.collate_fn = collate_fn

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is not None:
            if self.collate_fn is default_collate and type(self.dataset) is TensorDataset:
                return self._iter_rows()
            return (self.collate_fn([self.dataset[i] for i in batch])
                    for batch in self.batch_sampler)
        return (self.collate_fn(self.dataset[i]) for i in self.sampler)

    def _iter_rows(self):
        # a TensorDataset batch is its tensors indexed by the batch's indices: one
        # gather per tensor gives what stacking the rows one by one would
        for batch in self.batch_sampler:
            idx = np.asarray(batch, dtype=np.int64)
            yield [t[idx] if isinstance(t, Tensor) else tensor(t[idx])
                   for t in self.dataset.tensors]

    def _iter_stream(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)


__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info",
           "Sampler"]
