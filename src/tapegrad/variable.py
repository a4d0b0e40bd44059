"""tg.Variable: TensorFlow's tf.Variable, a mutable leaf that tapes watch when it is used."""
from __future__ import annotations

import enum
import inspect
import itertools
from sys import getrefcount

import numpy as np

from . import _state
from ._dtypes import is_floating, to_array
from ._tensor import Tensor
from ._tf_convert import _tf_dtype
from .autograd.engine import what
from .ops import clone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._typing import ArrayLike, DTypeLike

_local = _state.local


class VariableSynchronization(enum.Enum):
    """TF's tf.VariableSynchronization: when a distributed variable is synchronized. One
    process here, so every value behaves as AUTO; accepted so TF code runs unchanged.

    >>> import tapegrad as tg
    >>> tg.Variable(1.0, synchronization=tg.VariableSynchronization.AUTO).synchronization
    <VariableSynchronization.AUTO: 0>
    """
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """TF's tf.VariableAggregation: how replicas' updates of a variable combine. One
    process here, so it is only recorded; accepted so TF code runs unchanged.

    >>> import tapegrad as tg
    >>> tg.Variable(1.0, aggregation=tg.VariableAggregation.MEAN).aggregation
    <VariableAggregation.MEAN: 2>
    """
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


def _shape_spec(shape, arr):
    """`shape=` of tf.Variable: None keeps the initial value's shape fixed; a list or tuple
    whose None entries are dimensions an assign may change (TF's partially known shape)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list") and getattr(shape, "rank", 0) is None:
        return ...                      # TensorShape(None): any shape at all
    try:
        spec = tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        raise TypeError(f"Variable: shape must be a list or tuple of ints and None, got "
                        f"{what(shape)}") from None
    if len(spec) != arr.ndim or any(d is not None and d != n for d, n in zip(spec, arr.shape)):
        raise ValueError(f"Variable: the initial value's shape {arr.shape} is not "
                         f"compatible with shape={list(spec)}")
    return spec if None in spec else None


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
        constraint: a function an optimizer may apply after updating (TF keeps it as
            `.constraint`; assign does not apply it).
        shape: None (the initial value's shape, fixed) or a shape whose None entries
            an assign may change, e.g. [None].
        synchronization, aggregation: TF's distribution settings, recorded only.

    Raises:
        TypeError: initial_value is not numeric, or trainable is not a bool.
        ValueError: initial_value does not fit `shape`.

    >>> import tapegrad as tg
    >>> v = tg.Variable(3.0)
    >>> with tg.GradientTape() as tape:
    ...     y = v * v
    >>> tape.gradient(y, v)
    tensor(6.)
    >>> v.assign_sub(1.0)
    <tg.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>
    """

    __slots__ = ("_trainable", "name", "_uid", "constraint", "_spec", "synchronization",
                 "aggregation")
    _uids = itertools.count()       # creation order: TF lists watched variables in it

    def __init__(self, initial_value: ArrayLike, trainable: bool = True, dtype: DTypeLike = None,
                 name: str | None = None, *, constraint: Any = None, shape: Any = None,
                 synchronization: VariableSynchronization = VariableSynchronization.AUTO,
                 aggregation: VariableAggregation = VariableAggregation.NONE) -> None:
        if not isinstance(trainable, (bool, np.bool_)):
            raise TypeError(f"Variable: trainable must be True or False, got {what(trainable)}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable: name must be a string, got {what(name)}")
        if constraint is not None and not callable(constraint):
            raise TypeError(f"Variable: constraint must be a function, got {what(constraint)}")
        fn_call = _local.fn_call
        if fn_call is not None:
            if not fn_call[1]:
                raise ValueError(f"Variable: tg.function({fn_call[0]}) creates a Variable on "
                                 "a call after its first; as with tf.function, create it on "
                                 "the first call only (e.g. `if self.v is None:`) or outside")
            fn_call[2] += 1
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
        self.constraint = constraint
        self._spec = _shape_spec(shape, self._data)
        self.synchronization = VariableSynchronization(synchronization)
        self.aggregation = VariableAggregation(aggregation)

    @property
    def trainable(self) -> bool:
        return self._trainable

    def _write(self, value, who):
        _state.pre_write(self, who)     # in tg.function: the write is made once, eagerly
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
        mine = self._data.dtype
        if isinstance(value, Tensor) and arr.dtype != mine and (
                arr.dtype.kind != mine.kind or mine.kind in "fc"):
            # TF converts arrays and numbers, but a tensor must already have the dtype
            raise ValueError(f"{who}: a tensor of dtype {arr.dtype} cannot be written into "
                             f"a {mine} variable; cast it first (tg.cast)")
        self._castable(arr, who)
        spec = self._spec
        if spec is not None and arr.shape != self._data.shape and (spec is ... or (
                arr.ndim == len(spec) and all(d is None or d == n
                                              for d, n in zip(spec, arr.shape)))):
            return arr                  # a shape the `shape=` argument leaves open
        try:
            np.broadcast_to(arr, self._data.shape)
        except ValueError:
            raise ValueError(f"{who}: value of shape {arr.shape} does not match the "
                             f"variable's shape {self._data.shape}") from None
        if arr.shape != self._data.shape and arr.size != 1:
            raise ValueError(f"{who}: value of shape {arr.shape} does not match the "
                             f"variable's shape {self._data.shape}")
        return arr

    def _store(self, ufunc, arr):
        """Write the new value (in place when nothing else holds the buffer) and count the
        change: a value an op saved is then stale, and its backward raises (API.md), where
        TF would use the old value."""
        if arr.shape != self._data.shape and arr.size != 1:
            # a new shape that shape= left open: a new buffer, the same counter
            self._data = np.array(arr, dtype=self._data.dtype)
            self._bump_version()
            return
        if getrefcount(self._data) > 2:
            # views (reshape, transpose, np.asarray) hold this buffer: TF's reads are
            # snapshots, so they keep the old value and the write goes to a new buffer
            self._data = self._data.copy()
        if ufunc is None:
            np.copyto(self._data, arr, casting="same_kind")
        else:
            ufunc(self._data, arr, out=self._data, casting="same_kind")
        self._bump_version()

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
        self._store(None, arr)
        return self if read_value else None     # TF returns nothing for read_value=False

    def assign_add(self, delta: ArrayLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Variable | None:
        """In-place `self += delta`, not recorded."""
        if read_value is not True and read_value is not False:
            raise TypeError(f"Variable.assign_add: read_value must be True or False, got "
                            f"{read_value!r:.40} ({type(read_value).__name__})")
        arr = self._write(delta, "Variable.assign_add")
        self._accessed()
        self._store(np.add, arr)
        return self if read_value else None     # TF returns nothing for read_value=False

    def assign_sub(self, delta: ArrayLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Variable | None:
        """In-place `self -= delta`, not recorded."""
        if read_value is not True and read_value is not False:
            raise TypeError(f"Variable.assign_sub: read_value must be True or False, got "
                            f"{read_value!r:.40} ({type(read_value).__name__})")
        arr = self._write(delta, "Variable.assign_sub")
        self._accessed()
        self._store(np.subtract, arr)
        return self if read_value else None     # TF returns nothing for read_value=False

    def __getitem__(self, index: Any) -> Tensor:
        out = Tensor.__getitem__(self, index)
        if type(out) is Tensor:
            # TF's `v[1:3].assign(x)`: the slice read remembers where it came from
            out.__class__ = _SliceOfVariable
            out._extras()["variable_slice"] = (self, index)
        return out

    def _part_value(self, value, who):
        """`value` as an array this variable's dtype can take (a part's new values)."""
        _state.pre_write(self, who)
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"{who}: value must be a tensor, an array or numbers, got "
                            f"{what(value)}")
        self._castable(arr, who)
        return arr

    def _castable(self, arr, who):
        if not np.can_cast(arr.dtype, self._data.dtype, casting="same_kind"):
            raise TypeError(f"{who}: a value of dtype {arr.dtype} cannot be written into a "
                            f"{self._data.dtype} variable without losing information; cast "
                            "it first")

    def _write_part(self, write):
        """Run `write(buffer)`, an in-place change of a part, as _store does a whole one."""
        self._accessed()
        if getrefcount(self._data) > 2:
            self._data = self._data.copy()      # as _store: views keep the old value
        write(self._data)
        self._bump_version()
        return self

    def _assign_slice(self, index, value):
        who = "Variable[...].assign"
        arr = self._part_value(value, who)
        if isinstance(index, tuple):
            index = tuple(i._data if isinstance(i, Tensor) else i for i in index)
        elif isinstance(index, Tensor):
            index = index._data
        part = self._data[index].shape
        try:
            np.broadcast_to(arr, part)
        except ValueError:
            raise ValueError(f"{who}: value of shape {arr.shape} does not match the "
                             f"slice's shape {part}") from None
        return self._write_part(lambda buf: buf.__setitem__(index, arr))

    def _scatter_nd(self, indices, updates, ufunc, who):
        idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu" or idx.ndim < 1 or idx.shape[-1] > self._data.ndim:
            raise ValueError(f"{who}: indices must be integers whose last axis (at most "
                             f"{self._data.ndim} long) indexes the variable, got shape "
                             f"{idx.shape} and dtype {idx.dtype}")
        arr = self._part_value(updates, who)
        k = idx.shape[-1]
        want = idx.shape[:-1] + self._data.shape[k:]
        if arr.shape != want and arr.size != 1:
            raise ValueError(f"{who}: updates of shape {arr.shape}, expected {want} "
                             f"(indices {idx.shape}, variable {self._data.shape})")
        for j in range(k):
            n = self._data.shape[j]
            if idx.size and (idx[..., j].min() < 0 or idx[..., j].max() >= n):
                raise IndexError(f"{who}: an index on axis {j} is out of range [0, {n})")
        pos = tuple(idx[..., j] for j in range(k))
        if ufunc is None:
            return self._write_part(lambda buf: buf.__setitem__(pos, arr))
        return self._write_part(lambda buf: ufunc.at(buf, pos, arr.astype(buf.dtype)))

    def scatter_nd_update(self, indices: Any, updates: Any, name: str | None = None) -> Variable:
        """Write `updates` at `indices` (TF's: each row of indices names an element or
        a slice), in place; not recorded."""
        return self._scatter_nd(indices, updates, None, "Variable.scatter_nd_update")

    def scatter_nd_add(self, indices: Any, updates: Any, name: str | None = None) -> Variable:
        """Add `updates` at `indices` (repeated indices add up), in place."""
        return self._scatter_nd(indices, updates, np.add, "Variable.scatter_nd_add")

    def scatter_nd_sub(self, indices: Any, updates: Any, name: str | None = None) -> Variable:
        """Subtract `updates` at `indices`, in place."""
        return self._scatter_nd(indices, updates, np.subtract, "Variable.scatter_nd_sub")

    def scatter_nd_max(self, indices: Any, updates: Any, name: str | None = None) -> Variable:
        """The elementwise maximum with `updates` at `indices`, in place."""
        return self._scatter_nd(indices, updates, np.maximum, "Variable.scatter_nd_max")

    def scatter_nd_min(self, indices: Any, updates: Any, name: str | None = None) -> Variable:
        """The elementwise minimum with `updates` at `indices`, in place."""
        return self._scatter_nd(indices, updates, np.minimum, "Variable.scatter_nd_min")

    def ref(self) -> Reference:
        """A hashable stand-in for this variable (TF's Variable.ref()), e.g. a dict key;
        `.deref()` gives the variable back. Two refs of one variable are equal."""
        return Reference(self)

    def value(self) -> Tensor:
        """A snapshot of the current value, as read_value (TF: a later assign does not
        change it; gradients still flow to the variable)."""
        return clone(self)

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """A copy of the current value: as in TF, a later assign does not change it
        (a Tensor's numpy() shares its buffer, as PyTorch's)."""
        return np.array(Tensor.numpy(self, force=force))

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


class _SliceOfVariable(Tensor):
    """What indexing a Variable returns: a Tensor (a snapshot of the part) that also has
    TF's `assign`, writing that part of the variable (`v[0:2].assign([1.0, 2.0])`)."""

    __slots__ = ()

    def assign(self, value: ArrayLike, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Variable | None:
        """Write `value` into the part of the variable this slice was read from."""
        var, index = self._extras()["variable_slice"]
        var._assign_slice(index, value)
        return var if read_value else None


class Reference:
    """What Variable.ref() returns (TF's Reference): hashed and compared by the identity
    of the variable, so it can key a dict; `deref()` returns the variable.

    Args:
        obj: the variable.

    >>> import tapegrad as tg
    >>> v = tg.Variable(1.0)
    >>> {v.ref(): "w"}[v.ref()], v.ref().deref() is v
    ('w', True)
    """

    __slots__ = ("_obj",)

    def __init__(self, obj: Variable) -> None:
        self._obj = obj

    def deref(self) -> Variable:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"


# introspection shows API.md's four parameters, which it pins; TF's extra keywords are
# keyword-only and documented in the class docstring
setattr(Variable, "__signature__", inspect.Signature(
    list(inspect.signature(Variable.__init__).parameters.values())[1:5]))

# the names `from tapegrad.variable import *` gives (tests/test_all.py)
__all__ = ["Variable", "VariableSynchronization", "VariableAggregation", "Reference"]
