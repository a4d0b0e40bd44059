"""Argument helpers of Tensor's methods: `t.size` (NumPy's count, PyTorch's call), dtype
and shape arguments given as PyTorch and NumPy write them."""
from __future__ import annotations

import numpy as np

from ._dtypes import as_dtype
from ._size import size_of as _size_of
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class _SizeProxy(int):
    """`t.size`: NumPy's element count, an int wherever it is used (`x / t.size`,
    `np.zeros(t.size)`); called, PyTorch's `t.size()` (the shape) and `t.size(dim)`."""

    if TYPE_CHECKING:
        _shape: tuple[int, ...]

    def __new__(cls, arr: np.ndarray) -> _SizeProxy:
        obj = super().__new__(cls, arr.size)
        obj._shape = arr.shape
        return obj

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return _size_of(self._shape)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(f"size: dim must be an int, got {dim!r}")
        if not -len(self._shape) <= dim < len(self._shape):
            raise IndexError(f"size: dim {dim} is out of range for a tensor with "
                             f"{len(self._shape)} dimension(s)")
        return self._shape[dim]


def _dtype_arg(who, dtype, alt=""):
    try:
        return as_dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected a dtype {alt}{' ' if alt else ''}(e.g. "
                        f"'float32'), got {dtype!r} ({type(dtype).__name__})") from None


def _shape_kw(kw, names, who):
    """The shape a torch keyword gives (t.view(size=...), t.permute(dims=...)): one of
    `names`, and nothing else."""
    key = next(iter(kw))
    if len(kw) != 1 or key not in names:
        raise TypeError(f"{who}: unexpected keyword argument(s) {sorted(kw)}; the shape is "
                        f"passed positionally or as {' or '.join(n + '=' for n in names)}")
    return kw[key]


def _shape_args(shape, who="reshape", what="shape"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    elif len(shape) == 1 and hasattr(shape[0], "_data"):       # a tensor of sizes
        shape = tuple(int(s) for s in shape[0].tolist())
    for s in shape:
        if type(s) is not int and (isinstance(s, bool) or not hasattr(type(s), "__index__")):
            raise TypeError(f"{who}: {what} must be ints, got {s!r} ({type(s).__name__})")
    return tuple(shape)
