"""tg.Variable: TensorFlow's tf.Variable, a mutable leaf that tapes watch when it is used."""
from __future__ import annotations

import itertools

import numpy as np

from . import _state
from ._dtypes import is_floating, to_array
from ._tensor import Tensor
from ._tf_convert import _tf_dtype
from .autograd.engine import what
from .ops import clone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._typing import ArrayLike, DTypeLike

_local = _state.local


class Variable(Tensor):
    """A mutable leaf (TF's tf.Variable): trainable ones are watched by tapes when used.

    A Variable is a Tensor whose value is changed in place with `assign`,
    `assign_add` and `assign_sub` (not recorded), so optimizers and tapes keep seeing
    the same object.

    Args:
        initial_value: a number, array-like or tensor (copied).
        trainable: a tape watches this variable automatically when an op uses it.
        dtype: the dtype; by default as `tg.tensor` chooses (float32 for Python floats).
        name: a name shown in the repr (default "Variable:<n>").

    Raises:
        TypeError: initial_value is not numeric, or trainable is not a bool.

    >>> import tapegrad as tg
    >>> v = tg.Variable(3.0)
    >>> with tg.GradientTape() as tape:
    ...     y = v * v
    >>> tape.gradient(y, v)
    tensor(6.)
    >>> v.assign_sub(1.0)
    <tg.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>
    """

    __slots__ = ("_trainable", "name", "_uid")
    _uids = itertools.count()       # creation order: TF lists watched variables in it

    def __init__(self, initial_value: ArrayLike, trainable: bool = True, dtype: DTypeLike = None,
                 name: str | None = None) -> None:
        if not isinstance(trainable, (bool, np.bool_)):
            raise TypeError(f"Variable: trainable must be True or False, got {what(trainable)}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable: name must be a string, got {what(name)}")
        if callable(initial_value) and not isinstance(initial_value, Tensor):
            initial_value = initial_value()
        if isinstance(initial_value, Tensor):
            initial_value = initial_value._data
        Tensor.__init__(self, to_array(initial_value, _tf_dtype(initial_value, dtype, "Variable"),
                                       fn="Variable"))
        self._init_vc()
        self._trainable = bool(trainable)
        self._rg = self._trainable and is_floating(self._data.dtype)
        self.name = (name or "Variable") + ":0"
        self._uid = next(Variable._uids)

    @property
    def trainable(self) -> bool:
        return self._trainable

    def _write(self, value, who):
        arr = None
        if isinstance(value, Tensor):
            arr = value._data
        elif isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
            try:
                arr = np.asarray(value)
            except ValueError:          # a ragged list
                arr = None
        if arr is None or arr.dtype.kind not in "biufc":
            raise TypeError(f"{who}: value must be a tensor, an array or numbers, got "
                            f"{what(value)}")
        if not np.can_cast(arr.dtype, self._data.dtype, casting="same_kind"):
            raise TypeError(f"{who}: a value of dtype {arr.dtype} cannot be written into a "
                            f"{self._data.dtype} variable without losing information; cast "
                            "it first")
        try:
            np.broadcast_to(arr, self._data.shape)
        except ValueError:
            raise ValueError(f"{who}: value of shape {arr.shape} does not match the "
                             f"variable's shape {self._data.shape}") from None
        if arr.shape != self._data.shape and arr.size != 1:
            raise ValueError(f"{who}: value of shape {arr.shape} does not match the "
                             f"variable's shape {self._data.shape}")
        return arr

    def _accessed(self):
        """An assignment under a recording tape is a use: TF's tapes watch the variable."""
        log = _local.tape_log
        if log is not None:
            log.append(self)

    def assign(self, value: ArrayLike, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Variable | None:
        """Overwrite the value in place (not recorded; saved copies become stale)."""
        if read_value is not True and read_value is not False:
            raise TypeError(f"Variable.assign: read_value must be True or False, got "
                            f"{read_value!r:.40} ({type(read_value).__name__})")
        arr = self._write(value, "Variable.assign")
        self._accessed()
        _state.pre_write(self)
        np.copyto(self._data, arr, casting="same_kind")
        self._bump_version()
        return self if read_value else None     # TF returns nothing for read_value=False

    def assign_add(self, delta: ArrayLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Variable | None:
        """In-place `self += delta`, not recorded."""
        if read_value is not True and read_value is not False:
            raise TypeError(f"Variable.assign_add: read_value must be True or False, got "
                            f"{read_value!r:.40} ({type(read_value).__name__})")
        arr = self._write(delta, "Variable.assign_add")
        self._accessed()
        _state.pre_write(self)
        np.add(self._data, arr, out=self._data, casting="same_kind")
        self._bump_version()
        return self if read_value else None     # TF returns nothing for read_value=False

    def assign_sub(self, delta: ArrayLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Variable | None:
        """In-place `self -= delta`, not recorded."""
        if read_value is not True and read_value is not False:
            raise TypeError(f"Variable.assign_sub: read_value must be True or False, got "
                            f"{read_value!r:.40} ({type(read_value).__name__})")
        arr = self._write(delta, "Variable.assign_sub")
        self._accessed()
        _state.pre_write(self)
        np.subtract(self._data, arr, out=self._data, casting="same_kind")
        self._bump_version()
        return self if read_value else None     # TF returns nothing for read_value=False

    def value(self) -> Tensor:
        return self

    def read_value(self) -> Tensor:
        """A snapshot of the current value (gradients still flow to the variable)."""
        return clone(self)

    def __repr__(self) -> str:
        arr = np.array2string(self._data, separator=", ")
        if self._data.ndim == 0:
            arr = repr(self._data.item())
        else:
            arr = f"array({arr}, dtype={self._data.dtype})"
        return (f"<tg.Variable '{self.name}' shape={self._data.shape} "
                f"dtype={self._data.dtype}, numpy={arr}>")

    __str__ = __repr__


# the names `from tapegrad.variable import *` gives (tests/test_all.py)
__all__ = ["Variable"]
