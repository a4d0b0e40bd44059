"""tg.TensorArray: TensorFlow's tf.TensorArray as its eager form is, a list of tensors of
one dtype that `stack`, `gather` and `concat` join with recorded (differentiable) ops."""
from __future__ import annotations

import numpy as np

from ._dtypes import as_dtype
from ._tensor import Tensor, as_tensor, make
from .autograd.engine import what
from .ops import cast, concatenate, stack
from .tf_module import TensorShape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class TensorArray:
    """A growable array of tensors (TF's tf.TensorArray, eager). `ta = ta.write(i, x)`
    in a loop, then `ta.stack()`; gradients flow from the stacked result to what was
    written, under tapes and tg.function.

    Args:
        dtype: the dtype of the elements (values are converted to it; a tensor of
            another dtype is an error, as in TF).
        size: the initial number of elements.
        dynamic_size: whether writes past the end grow the array (TF's default:
            False, so such a write raises).
        clear_after_read, tensor_array_name, handle, flow, infer_shape,
        colocate_with_first_write_call, name: TF's settings, accepted and unused.
        element_shape: the shape of every element (checked on write; used to stack
            an empty array or fill elements never written with zeros).

    >>> import tapegrad as tg
    >>> ta = tg.TensorArray(tg.float32, size=3)
    >>> for i in range(3):
    ...     ta = ta.write(i, tg.constant([1.0, 2.0]) * float(i))
    >>> ta.stack()
    tensor([[0., 0.],
            [1., 2.],
            [2., 4.]])
    """

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: Any = None,
                 clear_after_read: Any = None, tensor_array_name: Any = None, handle: Any = None,
                 flow: Any = None, infer_shape: bool = True, element_shape: Any = None,
                 colocate_with_first_write_call: bool = True, name: str | None = None) -> None:
        self.dtype = as_dtype(dtype, "TensorArray")
        n = 0 if size is None else int(size._data if isinstance(size, Tensor) else size)
        if n < 0:
            raise ValueError(f"TensorArray: size must be >= 0, got {n}")
        self._items: list[Tensor | None] = [None] * n
        self._dynamic = bool(dynamic_size)
        self._shape: tuple[int | None, ...] | None = None if element_shape is None else tuple(
            None if d is None else int(d) for d in getattr(element_shape, "dims", element_shape))
        self._infer = infer_shape

    @property
    def element_shape(self) -> Any:
        return TensorShape(self._shape)

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic

    def size(self, name: str | None = None) -> Tensor:
        """The number of elements, an int32 tensor."""
        return make(np.asarray(len(self._items), np.int32))

    def _index(self, index, who):
        i = index._data if isinstance(index, Tensor) else index
        try:
            i = int(i)
        except (TypeError, ValueError):
            raise TypeError(f"TensorArray.{who}: index must be an integer, got "
                            f"{what(index)}") from None
        if i < 0:
            raise IndexError(f"TensorArray.{who}: index {i} is negative")
        return i

    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """Put `value` at `index`; returns the array (write it back: `ta = ta.write(...)`)."""
        i = self._index(index, "write")
        v = value if isinstance(value, Tensor) else as_tensor(np.asarray(value))
        if isinstance(value, Tensor) and v._data.dtype != self.dtype:
            raise TypeError(f"TensorArray.write: the array holds {self.dtype}, the value is "
                            f"a tensor of {v._data.dtype}; cast it first")
        if v._data.dtype != self.dtype:
            v = cast(v, self.dtype)
        if self._shape is not None and (len(self._shape) != v.ndim or any(
                d is not None and d != n for d, n in zip(self._shape, v.shape))):
            raise ValueError(f"TensorArray.write: a value of shape {v.shape} does not fit "
                             f"element_shape {list(self._shape)}")
        if i >= len(self._items):
            if not self._dynamic:
                raise IndexError(f"TensorArray.write: index {i} is past the size "
                                 f"{len(self._items)} (make it with dynamic_size=True)")
            self._items.extend([None] * (i + 1 - len(self._items)))
        shape = self._shape
        if shape is None:
            if self._infer:
                self._shape = v.shape
        elif self._infer and None not in shape and tuple(shape) != v.shape:
            raise ValueError(f"TensorArray.write: a value of shape {v.shape}, the others "
                             f"have shape {tuple(shape)}")
        self._items[i] = v
        return self

    def _item(self, i, who):
        if i >= len(self._items):
            raise IndexError(f"TensorArray.{who}: index {i} is past the size {len(self._items)}")
        v = self._items[i]
        if v is None:
            if self._shape is None or None in self._shape:
                raise ValueError(f"TensorArray.{who}: element {i} was never written and "
                                 "the element shape is unknown")
            v = make(np.zeros(self._shape, self.dtype))
        return v

    def read(self, index: Any, name: str | None = None) -> Tensor:
        """The element at `index`."""
        return self._item(self._index(index, "read"), "read")

    def stack(self, name: str | None = None) -> Tensor:
        """All elements stacked on a new first axis (zeros for unwritten ones)."""
        if not self._items:
            if self._shape is None or None in self._shape:
                return make(np.zeros((0,), self.dtype))
            return make(np.zeros((0,) + tuple(self._shape), self.dtype))
        return stack([self._item(i, "stack") for i in range(len(self._items))])

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        """The elements at `indices`, stacked."""
        idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices).ravel()
        return stack([self._item(int(i), "gather") for i in idx])

    def concat(self, name: str | None = None) -> Tensor:
        """All elements joined along their first axis."""
        return concatenate([self._item(i, "concat") for i in range(len(self._items))], 0)

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """Write the slices of `value` along its first axis as elements 0, 1, ..."""
        v = as_tensor(value)
        if v.shape[0] > len(self._items) and not self._dynamic:
            raise ValueError(f"TensorArray.unstack: cannot unstack {v.shape[0]} tensors "
                             f"into a TensorArray of static size {len(self._items)}")
        for i in range(v.shape[0]):
            self.write(i, v[i])
        return self

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """Write `value[k]` at `indices[k]`."""
        v = as_tensor(value)
        idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices).ravel()
        for k, i in enumerate(idx):
            self.write(int(i), v[k])
        return self

    def close(self, name: str | None = None) -> None:
        """Accepted for TF code; nothing to release."""

    def __repr__(self) -> str:
        return f"<tg.TensorArray size={len(self._items)} dtype={self.dtype}>"


__all__ = ["TensorArray"]
