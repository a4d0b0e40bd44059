"""PyTorch's global defaults (device, dtype) and legacy tensor constructors
(torch.FloatTensor, LongTensor, ...) for ported programs."""
from __future__ import annotations

import builtins

import numpy as np

from . import _dtypes
from ._dtypes import as_dtype, check_device
from ._dtypes import device as _device
from ._factories import tensor
from ._tensor import Tensor, make

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def set_default_device(device: Any) -> None:
    """As torch.set_default_device: tapegrad runs on the CPU, so "cpu" (or a
    tg.device("cpu"), or None) is accepted and anything else is refused.

    Args:
        device: "cpu", tg.device("cpu") or None.

    Raises:
        ValueError: a device other than the CPU (e.g. "cuda").

    >>> tg.set_default_device("cpu")
    """
    check_device(device, "set_default_device")


def get_default_device() -> Any:
    """The device new tensors are made on: always the CPU.

    >>> tg.get_default_device()
    device(type='cpu')
    """
    return _device("cpu")


def get_default_dtype() -> np.dtype:
    """The dtype Python floats, float factories and new layers' parameters get:
    float32 unless `tg.set_default_dtype` changed it (as in PyTorch).

    >>> tg.get_default_dtype()
    dtype('float32')
    """
    return _dtypes.DEFAULT_FLOAT


def set_default_dtype(d: Any) -> None:
    """As torch.set_default_dtype: the float dtype that Python floats (`tg.tensor(1.5)`),
    float factories (`zeros`, `rand`, `randn`, `linspace`, `arange` of floats, ...),
    integer inputs of float ops and new layers' parameters get from now on. float16,
    float32 (the default) or float64; Python complex numbers follow (complex128 with
    float64). Process-wide, as PyTorch's; existing tensors keep their dtype, and
    `tapegrad.numpy` keeps NumPy's float64 whatever it is.

    Args:
        d: a floating dtype (tg.float64, "float64", np.float64, torch.float64).

    Raises:
        TypeError: a dtype that is not floating point (int64, complex64, bool).

    >>> tg.set_default_dtype(tg.float64)
    >>> tg.tensor([1.5]).dtype, tg.zeros(2).dtype, tg.nn.Linear(2, 1).weight.dtype
    (dtype('float64'), dtype('float64'), dtype('float64'))
    >>> tg.set_default_dtype(tg.float32)
    """
    dt = as_dtype(d, "set_default_dtype")
    if dt is None or dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported as "
                        f"the default type, got {d!r}")
    _dtypes.set_default_float(dt)


# ------------------------------------------------------------------ legacy constructors
class _LegacyMeta(type):
    """torch.FloatTensor and friends: called with data they copy it in their dtype,
    called with ints they make a tensor of that shape (zero-filled here); isinstance
    checks the dtype, as PyTorch's does on the CPU."""

    _dtype: np.dtype

    def __call__(cls, *args: Any) -> Tensor:
        if not args:
            return make(np.zeros(0, cls._dtype))
        if builtins.all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                        for a in args):
            return make(np.zeros(tuple(int(a) for a in args), cls._dtype))
        if len(args) != 1:
            raise TypeError(f"{cls.__name__}: expected a shape as ints or one sequence of "
                            f"data, got {len(args)} arguments")
        data = args[0]
        return tensor(data._data if isinstance(data, Tensor) else data, dtype=cls._dtype)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls._dtype


def _legacy(name, dt, example):
    doc = (f"The legacy constructor `torch.{name}`: `{name}(data)` copies data as "
           f"{np.dtype(dt).name}, `{name}(*sizes)` makes a zero-filled tensor of that "
           f"shape; `isinstance(t, tg.{name})` tests the dtype.\n\n"
           f"    Args:\n        *args: data, or the sizes as ints.\n\n"
           f"    >>> tg.{name}({example[0]})\n    {example[1]}\n    ")
    return _LegacyMeta(name, (), {"_dtype": np.dtype(dt), "__doc__": doc,
                                  "__module__": "tapegrad"})


FloatTensor = _legacy("FloatTensor", np.float32, ("[1, 2]", "tensor([1., 2.])"))
DoubleTensor = _legacy("DoubleTensor", np.float64,
                       ("[1, 2]", "tensor([1., 2.], dtype=float64)"))
LongTensor = _legacy("LongTensor", np.int64, ("[1, 2]", "tensor([1, 2])"))
IntTensor = _legacy("IntTensor", np.int32, ("[1, 2]", "tensor([1, 2], dtype=int32)"))
BoolTensor = _legacy("BoolTensor", np.bool_, ("[True, False]", "tensor([ True, False])"))
ByteTensor = _legacy("ByteTensor", np.uint8, ("[1, 2]", "tensor([1, 2], dtype=uint8)"))
