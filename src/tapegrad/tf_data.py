"""tg.data: the part of TensorFlow's tf.data that training loops over in-memory data use
(`Dataset.from_tensor_slices(...).shuffle(n).batch(b)`, `map`, `repeat`, `take`, ...).
Elements are tensors, tuples or dicts of tensors, as in TF; pipelines are lazy and can
be iterated again (a new shuffle order each pass, as TF's default)."""
from __future__ import annotations

import numpy as np

from . import _random
from ._tensor import Tensor, make
from .autograd.engine import what
from .random import _op_seeds, _seed
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

AUTOTUNE = -1           # tf.data.AUTOTUNE: prefetch/map sizes are accepted and ignored


def _leaf(v, fn):
    arr = v._data if isinstance(v, Tensor) else np.asarray(v)
    if arr.dtype == np.float64 and not isinstance(v, (Tensor, np.ndarray)):
        arr = arr.astype(np.float32)        # Python floats are float32 in TF
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{fn}: elements must be tensors, arrays or numbers, got {what(v)}")
    return arr


def _flat(obj):
    """(leaves, spec) of tf.nest's structure: tuples and dicts nest; a list is one value,
    as TF converts it to a tensor. Dicts keep their key order, as TF's elements do (the
    iris walkthrough stacks list(features.values()) in the CSV's column order)."""
    if isinstance(obj, tuple):
        parts = [_flat(v) for v in obj]
        return [x for p, _ in parts for x in p], ("t", type(obj), [sp for _, sp in parts])
    if isinstance(obj, dict):
        keys = list(obj)
        parts = [_flat(obj[k]) for k in keys]
        return [x for p, _ in parts for x in p], ("d", keys, [sp for _, sp in parts])
    return [obj], None


def _unflat(spec, leaves):
    it = iter(leaves)

    def build(sp):
        if sp is None:
            return next(it)
        kind, meta, subs = sp
        vals = [build(s) for s in subs]
        if kind == "d":
            return dict(zip(meta, vals))
        return meta(*vals) if hasattr(meta, "_fields") else meta(vals)
    return build(spec)


def _count(n, fn, arg, allow_all=False):
    if isinstance(n, Tensor):
        n = n._data.item()
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{fn}: {arg} must be an int, got {what(n)}")
    if n < (-1 if allow_all else 1):
        raise ValueError(f"{fn}: {arg} must be {'-1 or ' if allow_all else ''}positive, "
                         f"got {n}")
    return int(n)


class Dataset:
    """A lazy sequence of elements, as tf.data.Dataset: build it with
    `Dataset.from_tensor_slices`, chain `shuffle`, `batch`, `map`, `repeat`, `take`,
    `skip`, and iterate it (each pass starts again).

    Args:
        source: a function returning a fresh iterator of elements (use the
            from_tensor_slices / from_tensors constructors rather than this).
        length: the number of elements, or -1 when infinite, -2 when unknown.

    >>> import tapegrad as tg
    >>> ds = tg.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0])).batch(2)
    >>> [x.tolist() for x, y in ds]
    [[1.0, 2.0], [3.0]]
    """

    def __init__(self, source: Callable[[], Iterator[Any]], length: int) -> None:
        self._source = source
        self._length = length

    # ---------------------------------------------------------------- constructors
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per entry along the first axis of every component of `tensors`
        (a tensor, array, list, or a tuple/dict of them; all of one length)."""
        leaves, spec = _flat(tensors)
        arrs = [_leaf(v, "Dataset.from_tensor_slices") for v in leaves]
        if not arrs or any(a.ndim == 0 for a in arrs):
            raise ValueError("Dataset.from_tensor_slices: every component needs a first "
                             "axis to slice")
        n = arrs[0].shape[0]
        if any(a.shape[0] != n for a in arrs):
            raise ValueError(f"Dataset.from_tensor_slices: components differ in length: "
                             f"{[a.shape[0] for a in arrs]}")

        def source():
            for i in range(n):
                yield _unflat(spec, [make(a[i]) for a in arrs])
        return Dataset(source, n)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """A dataset of one element: `tensors` itself."""
        leaves, spec = _flat(tensors)
        arrs = [_leaf(v, "Dataset.from_tensors") for v in leaves]

        def source():
            yield _unflat(spec, [make(a) for a in arrs])
        return Dataset(source, 1)

    @staticmethod
    def range(*args: int, **kwargs: Any) -> Dataset:
        """int64 scalars start, start + step, ... below stop (Python's range arguments)."""
        r = range(*args)

        def source():
            for v in r:
                yield make(np.asarray(v, dtype=np.int64))
        return Dataset(source, len(r))

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> Dataset:
        """Elements of several datasets side by side, as tuples (or the structure of a
        tuple/dict of datasets), stopping at the shortest (TF's Dataset.zip)."""
        structure = datasets[0] if len(datasets) == 1 and isinstance(
            datasets[0], (tuple, dict)) else datasets
        keys = list(structure) if isinstance(structure, dict) else None
        parts = [structure[k] for k in keys] if keys is not None else list(structure)
        if not parts or not all(isinstance(d, Dataset) for d in parts):
            raise TypeError("Dataset.zip: give datasets, or a tuple or dict of datasets")

        def source():
            for items in zip(*(d._source() for d in parts)):
                yield dict(zip(keys, items)) if keys is not None else tuple(items)
        lengths = [d._length for d in parts]
        finite = [n for n in lengths if n >= 0]
        length = min(finite) if finite else (-2 if -2 in lengths else -1)
        return Dataset(source, length)

    @staticmethod
    def from_generator(generator: Callable[..., Any], output_types: Any = None,
                       output_shapes: Any = None, args: Any = None,
                       output_signature: Any = None, name: str | None = None) -> Dataset:
        """Elements from calling `generator()` afresh on every pass, each converted to
        tensors (of output_signature's or output_types' dtypes when given)."""
        if not callable(generator):
            raise TypeError(f"Dataset.from_generator: generator must be callable, got "
                            f"{what(generator)}")
        sig = output_signature if output_signature is not None else output_types
        sig_leaves = _flat(sig)[0] if sig is not None else None
        call_args = tuple(args) if args is not None else ()

        def convert(item):
            leaves, spec = _flat(item)
            out = []
            for k, v in enumerate(leaves):
                dt = None
                if sig_leaves is not None and k < len(sig_leaves):
                    dt = getattr(sig_leaves[k], "dtype", sig_leaves[k])
                out.append(v if isinstance(v, Tensor) and dt is None else
                           make(np.asarray(getattr(v, "_data", v), dtype=dt)))
            return _unflat(spec, out)

        def source():
            for item in generator(*call_args):
                yield convert(item)
        return Dataset(source, -2)

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements, then `dataset`'s."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Dataset.concatenate: expected a Dataset, got {what(dataset)}")
        first, second = self._source, dataset._source

        def source():
            yield from first()
            yield from second()
        a, b = self._length, dataset._length
        length = a + b if a >= 0 and b >= 0 else (-1 if -1 in (a, b) else -2)
        return Dataset(source, length)

    # ---------------------------------------------------------------- transformations
    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name: str | None = None) -> Dataset:
        """Elements in random order, drawn from a buffer of `buffer_size` (a buffer at
        least as long as the dataset gives a uniform permutation); a new order on each
        pass unless reshuffle_each_iteration=False."""
        size = _count(buffer_size, "Dataset.shuffle", "buffer_size")
        prev = self._source
        # TF's ShuffleDataset seeds its generator from (global seed, seed) alone: a new
        # dataset with the same seed repeats the same orders (random ops' per-call
        # counter made each one differ)
        fixed = None if seed is None else np.random.Generator(np.random.PCG64(
            [_op_seeds["global"], _seed(seed, "Dataset.shuffle")]))
        state = fixed.bit_generator.state if fixed is not None else None

        def source():
            if fixed is not None:
                if not reshuffle_each_iteration:
                    fixed.bit_generator.state = state
                gen = fixed
            else:
                gen = _random.generator()
            buf: list[Any] = []
            for item in prev():
                buf.append(item)
                if len(buf) == size:
                    k = int(gen.integers(len(buf)))
                    buf[k], buf[-1] = buf[-1], buf[k]
                    yield buf.pop()
            while buf:
                k = int(gen.integers(len(buf)))
                buf[k], buf[-1] = buf[-1], buf[k]
                yield buf.pop()
        return Dataset(source, self._length)

    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Any = None, deterministic: Any = None,
              name: str | None = None) -> Dataset:
        """Consecutive elements stacked along a new first axis (the last batch may be
        smaller unless drop_remainder)."""
        b = _count(batch_size, "Dataset.batch", "batch_size")
        prev = self._source

        def stacked(items):
            specs = [_flat(it) for it in items]
            cols = []
            for k, col in enumerate(zip(*[leaves for leaves, _ in specs])):
                arrs = [_leaf(v, "Dataset.batch") for v in col]
                if len({a.shape for a in arrs}) > 1:
                    raise ValueError(
                        f"Dataset.batch: cannot batch elements of different shapes in "
                        f"component {k}: {sorted({a.shape for a in arrs})} (TF's error "
                        "too; pad them first)")
                cols.append(make(np.stack(arrs)))
            return _unflat(specs[0][1], cols)

        def source():
            items: list[Any] = []
            for item in prev():
                items.append(item)
                if len(items) == b:
                    yield stacked(items)
                    items = []
            if items and not drop_remainder:
                yield stacked(items)
        n = self._length
        if n >= 0:
            n = n // b if drop_remainder else -(-n // b)
        return Dataset(source, n)

    def unbatch(self, name: str | None = None) -> Dataset:
        """The inverse of batch: one element per entry of each element's first axis."""
        prev = self._source

        def source():
            for item in prev():
                leaves, spec = _flat(item)
                arrs = [_leaf(v, "Dataset.unbatch") for v in leaves]
                if any(a.ndim == 0 for a in arrs):
                    raise ValueError("Dataset.unbatch: cannot unbatch an element with "
                                     "scalar (0-d) components")
                if len({a.shape[0] for a in arrs}) > 1:
                    raise ValueError("Dataset.unbatch: the components of an element "
                                     "differ in their first dimension: "
                                     f"{[a.shape[0] for a in arrs]}")
                for i in range(arrs[0].shape[0]):
                    # np.array: a[i] of a 1-D array is a NumPy scalar, not an array
                    yield _unflat(spec, [make(np.array(a[i])) for a in arrs])
        return Dataset(source, -2)

    def map(self, map_func: Callable[..., Any], num_parallel_calls: Any = None,
            deterministic: Any = None, name: str | None = None) -> Dataset:
        """`map_func` applied to every element (a tuple element is passed as separate
        arguments, as TF)."""
        prev = self._source

        def source():
            for item in prev():
                yield map_func(*item) if isinstance(item, tuple) else map_func(item)
        return Dataset(source, self._length)

    def filter(self, predicate: Callable[..., Any], name: str | None = None) -> Dataset:
        """The elements for which `predicate` is true."""
        prev = self._source

        def source():
            for item in prev():
                keep = predicate(*item) if isinstance(item, tuple) else predicate(item)
                if bool(keep._data if isinstance(keep, Tensor) else keep):
                    yield item
        return Dataset(source, -2)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The dataset `count` times over (None or -1: forever)."""
        c = -1 if count is None else _count(count, "Dataset.repeat", "count", allow_all=True)
        prev = self._source

        def source():
            k = 0
            while c < 0 or k < c:
                yield from prev()
                k += 1
        n = self._length
        length = -1 if c < 0 and n != 0 else (n * c if n >= 0 else n)
        return Dataset(source, length)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first `count` elements (-1: all)."""
        c = _count(count, "Dataset.take", "count", allow_all=True)
        prev = self._source

        def source():
            if c < 0:
                yield from prev()
                return
            for k, item in enumerate(prev()):
                if k >= c:
                    return
                yield item
        n = self._length
        return Dataset(source, n if c < 0 else (c if n == -1 else min(c, n) if n >= 0 else -2))

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first `count` elements."""
        c = _count(count, "Dataset.skip", "count", allow_all=True)
        prev = self._source

        def source():
            for k, item in enumerate(prev()):
                if c < 0 or k < c:
                    continue
                yield item
        n = self._length
        return Dataset(source, 0 if c < 0 else (max(n - c, 0) if n >= 0 else n))

    def prefetch(self, buffer_size: Any, name: str | None = None) -> Dataset:
        """The same dataset (nothing runs ahead here; accepted for TF pipelines)."""
        return self

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """The same dataset (its elements are already in memory)."""
        return self

    def enumerate(self, start: int = 0, name: str | None = None) -> Dataset:
        """(index, element) pairs, the index an int64 scalar."""
        prev = self._source

        def source():
            for k, item in enumerate(prev(), start):
                yield make(np.asarray(k, dtype=np.int64)), item
        return Dataset(source, self._length)

    # ---------------------------------------------------------------- reading
    def __iter__(self) -> Iterator[Any]:
        return iter(self._source())

    def __len__(self) -> int:
        if self._length < 0:
            raise TypeError("Dataset: the length is infinite or unknown (TF raises too)")
        return self._length

    def cardinality(self) -> Tensor:
        """The number of elements as an int64 scalar: -1 infinite, -2 unknown (TF's)."""
        return make(np.asarray(self._length, dtype=np.int64))

    def as_numpy_iterator(self) -> Iterator[Any]:
        """The elements with every tensor as a NumPy array."""
        for item in self:
            leaves, spec = _flat(item)
            yield _unflat(spec, [v._data if isinstance(v, Tensor) else v for v in leaves])


__all__ = ["AUTOTUNE", "Dataset"]
