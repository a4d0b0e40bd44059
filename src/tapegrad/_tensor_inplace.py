"""Tensor's in-place updates (copy_, zero_, fill_, scatter_, add_, sub_, mul_, div_,
clamp_, the augmented assignments and torch's in-place elementwise forms, exp_ ...):
InplaceMethods, the base of TensorMethods (_tensor_methods.py)."""
from __future__ import annotations

import numpy as np

from . import _state
from ._check import _non_numeric, check_written
from ._flavour import rebinds
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Self

    from ._typing import ArrayLike

_local = _state.local
# the ops package, set by _tensor.use_ops as for _tensor_methods.py (an upward edge,
# looked up at call time)
ops: Any = None


def _inplace(name, compute, data, result, of=None, args=""):
    """Tensor.<name>(...): `compute(current values, ...)` written back in place; the
    docstring's example runs `tg.tensor(data).<name>(args)` and shows `result`."""

    def method(self, *a, **kw):
        self._check_inplace(name)
        src, _ = self._inplace_args(None)
        return self.copy_(compute(src, *a, **kw))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"Method form of `{of or 'tapegrad.' + name[:-1]}`, in place (torch's "
                      f"`Tensor.{name}`); returns this tensor.\n\n"
                      f"    >>> tg.tensor({data}).{name}({args})\n    tensor({result})\n    ")
    return method


class InplaceMethods:
    """The in-place half of Tensor's methods (no slots of its own)."""

    __slots__ = ()

    if TYPE_CHECKING:
        # what Tensor, the one class deriving from these methods, provides
        _data: np.ndarray
        _rg: bool
        _fw: Any
        grad_fn: Any

        def _bump_version(self) -> None: ...

    # ---------------------------------------------------------------- in place
    def _check_inplace(self, what):
        if not self._data.flags.writeable:
            # said here so the message names the method (not the copy_ it ends in)
            raise ValueError(f"{what}: this tensor (shape {tuple(self._data.shape)}) is a "
                             "read-only view (e.g. from expand or broadcast_to, or over a "
                             "read-only NumPy array); call .clone() before writing to it")
        if self.grad_fn is None and self._rg and _local.grad_enabled:
            raise RuntimeError(
                f"{what}: a leaf tensor that requires grad cannot be changed in place while "
                "recording; wrap the update in `with tg.no_grad():` (or use Variable.assign)")


    def copy_(self, src: ArrayLike) -> Self:
        """Overwrite this tensor's values with `src` (broadcast), in place; returns it.

        Args:
            src: a tensor or array-like of a broadcast-compatible shape.

        Returns:
            This tensor. When recording, the copy is differentiable in src.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.
            ValueError: src does not broadcast to this shape.

        >>> tg.zeros(2).copy_(tg.tensor([1.0, 2.0]))
        tensor([1., 2.])
        """
        self._check_inplace("copy_")
        self._write_all(src, "copy_")
        return self

    def _write_all(self, value, who):
        """self[...] = value, with setitem's checks named `who`."""
        try:
            self.__setitem__(Ellipsis, value)
        except (TypeError, ValueError) as e:
            msg = str(e)
            if not msg.startswith("setitem:"):
                raise
            raise type(e)(who + msg[len("setitem"):]) from None

    def zero_(self) -> Self:
        """Set every element to zero in place; returns this tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.ones(2).zero_()
        tensor([0., 0.])
        """
        self._check_inplace("zero_")
        if self._rg and _local.grad_enabled:
            # recorded, so the gradient of the old values stops here (was passed on)
            self._write_all(np.zeros((), self._data.dtype), "zero_")
            return self
        _state.pre_write(self)
        with _state.no_grad():
            self._data[...] = 0
        self._bump_version()
        return self

    def fill_(self, value: ArrayLike) -> Self:
        """Set every element to `value` in place; returns this tensor.

        Args:
            value: a number (or a one-element tensor).

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.zeros(3).fill_(7.0)
        tensor([7., 7., 7.])
        """
        self._check_inplace("fill_")
        self._write_all(value, "fill_")
        return self

    # issue 15 (session 8): torch's in-place scatter
    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        """tg.scatter written into this tensor; returns it. When recording, the update is
        differentiable in src (and in this tensor's earlier values where kept).

        Args:
            dim: the dimension `index` runs along.
            index: integers with this tensor's number of dimensions.
            src: the values written (or `value`, a number).
            value: a number written instead of src.
            reduce: None, "sum"/"add", "prod"/"multiply", "mean", "amax" or "amin", as
                tg.scatter.

        Returns:
            This tensor.

        >>> tg.zeros(3).scatter_(0, tg.tensor([2, 0, 2]), tg.tensor([1.0, 2.0, 3.0]),
        ...                      reduce="add")
        tensor([2., 0., 4.])
        """
        self._check_inplace("scatter_")
        cur, _ = self._inplace_args(None)
        return self.copy_(ops.scatter(cur, dim, index, src, value=value, reduce=reduce))

    def _inplace_args(self, other):
        """(current values, other) for computing an in-place update from them.

        When the update is recorded, the op that computes it may save its inputs (mul
        saves both factors); writing the result back would then invalidate a saved
        `self`, so the op reads a copy instead (also where `other` is `self`).
        """
        if _local.grad_enabled and (self._rg or
                                    isinstance(other, InplaceMethods) and other._rg):
            src = ops.clone(self)
            if other is self:
                return src, src
            if isinstance(other, InplaceMethods) and np.may_share_memory(self._data,
                                                                         other._data):
                # a view of self (x.mul_(x.flip(0))): the op would save memory the write
                # then changes (torch's flip is a copy, so torch's version works)
                other = ops.clone(other)
            return src, other
        return self, other

    def _plain_update(self, ufunc, other, alpha=1):
        """`self = ufunc(self, alpha * other)` straight into the array when nothing records
        it (an optimizer step under no_grad): no temporary result and no extra copy."""
        if not self._data.flags.writeable:
            self._check_inplace(_UPDATE_NAMES.get(ufunc, "update"))
        if self._data.dtype.kind in "biu":
            _check_exact_update(ufunc, other, self._data, alpha)
        if _local.grad_enabled and (self._rg or
                                    isinstance(other, InplaceMethods) and other._rg):
            return False
        if self._fw is not None or isinstance(other, InplaceMethods) and other._fw is not None:
            return False
        data = self._data
        o = other._data if isinstance(other, InplaceMethods) else other
        if o.__class__ is not float and o.__class__ is not int and not (
                o.__class__ is np.ndarray and o.dtype.kind in "biuf"):
            _check_update_operand(ufunc, o, data)
        if alpha.__class__ is not int and alpha.__class__ is not float:
            _check_update_operand(ufunc, alpha, data, "alpha")
            if np.ndim(alpha) != 0:
                raise TypeError(f"{_UPDATE_NAMES.get(ufunc, 'update')}: alpha must be a "
                                f"number, got {alpha!r:.40} ({type(alpha).__name__})")
        oshape = o.shape if isinstance(o, np.ndarray) else np.shape(o)
        if not data.flags.writeable or oshape != data.shape and oshape and \
                _broadcast_shape(data.shape, oshape) != data.shape:
            return False                # let the op or copy_ give its error message
        if _local._trace is not None:
            _state.pre_write(self)
        o = o if alpha == 1 else np.multiply(o, alpha)
        if o.__class__ is int and data.dtype.kind in "iu":
            o = _wrapped(o, data.dtype)
        ufunc(data, o, out=data, casting="unsafe")
        self._bump_version()
        return True

    def add_(self, other: ArrayLike, alpha: float = 1) -> Self:
        """Add `alpha * other` to this tensor in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.
            alpha: a factor for other.

        Returns:
            This tensor (its version counter advances).

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on
                (update it under `tg.no_grad()`).

        >>> x = tg.ones(2)
        >>> x.add_(tg.tensor([1.0, 2.0]), alpha=10)
        tensor([11., 21.])
        """
        if self._plain_update(np.add, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src + (other if alpha == 1 else other * alpha))

    def sub_(self, other: ArrayLike, alpha: float = 1) -> Self:
        """Subtract `alpha * other` from this tensor in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.
            alpha: a factor for other.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.ones(2).sub_(0.5)
        tensor([0.5000, 0.5000])
        """
        if self._plain_update(np.subtract, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src - (other if alpha == 1 else other * alpha))

    def mul_(self, other: ArrayLike) -> Self:
        """Multiply this tensor by `other` in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.tensor([1.0, 2.0]).mul_(3)
        tensor([3., 6.])
        """
        if self._plain_update(np.multiply, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src * other)

    def div_(self, other: ArrayLike) -> Self:
        """Divide this tensor by `other` in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.tensor([1.0, 2.0]).div_(2)
        tensor([0.5000, 1.0000])
        """
        if self._plain_update(np.true_divide, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src / other)

    def clamp_(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Self:
        """Limit this tensor to [min, max] in place (`tapegrad.clamp`); returns it.

        Args:
            min: the lower bound, or None.
            max: the upper bound, or None.

        Returns:
            This tensor.

        >>> tg.tensor([-1.0, 0.5, 2.0]).clamp_(0.0, 1.0)
        tensor([0.0000, 0.5000, 1.0000])
        """
        self._check_inplace("clamp_")
        src, _ = self._inplace_args(None)
        return self.copy_(ops.clip(src, min, max))

    # in place, as NumPy and PyTorch do (a leaf that requires grad needs no_grad); in
    # NumPy-style code a 0-d tensor (a NumPy scalar) or a jnp array rebinds (_flavour.rebinds)
    def __iadd__(self, o: ArrayLike) -> Any:
        t: Any = self
        return t + o if rebinds(self) else self.add_(o)

    def __isub__(self, o: ArrayLike) -> Any:
        t: Any = self
        return t - o if rebinds(self) else self.sub_(o)

    def __imul__(self, o: ArrayLike) -> Any:
        t: Any = self
        return t * o if rebinds(self) else self.mul_(o)

    def __itruediv__(self, o: ArrayLike) -> Any:
        t: Any = self
        return t / o if rebinds(self) else self.div_(o)

    # torch's in-place forms of the elementwise ops: the result of the op on (a copy
    # of) this tensor, written back with copy_ (recorded, version-checked, as add_)
    exp_ = _inplace("exp_", lambda x: ops.exp(x), "[0.0, 1.0]", "[1.0000, 2.7183]")
    log_ = _inplace("log_", lambda x: ops.log(x), "[1.0, 4.0]", "[0.0000, 1.3863]")
    log1p_ = _inplace("log1p_", lambda x: ops.log1p(x), "[0.0, 1.0]", "[0.0000, 0.6931]")
    expm1_ = _inplace("expm1_", lambda x: ops.expm1(x), "[0.0, 1.0]", "[0.0000, 1.7183]")
    sqrt_ = _inplace("sqrt_", lambda x: ops.sqrt(x), "[4.0, 9.0]", "[2., 3.]")
    rsqrt_ = _inplace("rsqrt_", lambda x: 1.0 / ops.sqrt(x), "[4.0, 16.0]",
                      "[0.5000, 0.2500]", "tapegrad.rsqrt")
    neg_ = _inplace("neg_", lambda x: ops.neg(x), "[1.0, -2.0]", "[-1.,  2.]")
    abs_ = _inplace("abs_", lambda x: ops.abs(x), "[-1.0, 2.0]", "[1., 2.]")
    sign_ = _inplace("sign_", lambda x: ops.sign(x), "[-3.0, 0.0, 2.0]", "[-1.,  0.,  1.]")
    square_ = _inplace("square_", lambda x: ops.square(x), "[2.0, 3.0]", "[4., 9.]")
    reciprocal_ = _inplace("reciprocal_", lambda x: ops.reciprocal(x), "[2.0, 4.0]",
                           "[0.5000, 0.2500]")
    sigmoid_ = _inplace("sigmoid_", lambda x: ops.sigmoid(x), "[0.0]", "[0.5000]")
    tanh_ = _inplace("tanh_", lambda x: ops.tanh(x), "[0.0, 1.0]", "[0.0000, 0.7616]")
    relu_ = _inplace("relu_", lambda x: ops.relu(x), "[-1.0, 2.0]", "[0., 2.]")
    sin_ = _inplace("sin_", lambda x: ops.sin(x), "[0.0]", "[0.]")
    cos_ = _inplace("cos_", lambda x: ops.cos(x), "[0.0]", "[1.]")
    floor_ = _inplace("floor_", lambda x: ops.floor(x), "[1.5, -1.5]", "[ 1., -2.]")
    ceil_ = _inplace("ceil_", lambda x: ops.ceil(x), "[1.5, -1.5]", "[ 2., -1.]")
    round_ = _inplace("round_", lambda x: ops.round(x), "[1.4, 2.6]", "[1., 3.]")
    trunc_ = _inplace("trunc_", lambda x: ops.trunc(x), "[1.5, -1.5]", "[ 1., -1.]")
    pow_ = _inplace("pow_", lambda x, exponent: ops.pow(x, exponent), "[2.0, 3.0]",
                    "[4., 9.]", args="2")
    clamp_min_ = _inplace("clamp_min_", lambda x, min: ops.clip(x, min, None), "[-1.0, 2.0]",
                          "[0., 2.]", "tapegrad.clamp", args="0.0")
    clamp_max_ = _inplace("clamp_max_", lambda x, max: ops.clip(x, None, max), "[-1.0, 2.0]",
                          "[-1.,  0.]", "tapegrad.clamp", args="0.0")
    lerp_ = _inplace("lerp_", lambda x, end, weight: x + weight * (end - x), "[0.0, 2.0]",
                     "[1., 2.]", "tapegrad.lerp", args="tg.tensor([2.0, 2.0]), 0.5")
    addcmul_ = _inplace("addcmul_", lambda x, t1, t2, value=1: x + value * (t1 * t2),
                        "[1.0, 1.0]", "[2., 4.]", "tapegrad.addcmul",
                        args="tg.tensor([2.0, 3.0]), tg.tensor([1.0, 2.0]), value=0.5")
    addcdiv_ = _inplace("addcdiv_", lambda x, t1, t2, value=1: x + value * (t1 / t2),
                        "[1.0, 1.0]", "[5., 4.]", "tapegrad.addcdiv",
                        args="tg.tensor([2.0, 3.0]), tg.tensor([1.0, 2.0]), value=2")
    index_add_ = _inplace("index_add_", lambda x, dim, index, source, alpha=1:
                          ops.index_add(x, dim, index, source, alpha=alpha),
                          "[0.0, 0.0, 0.0]", "[1., 0., 2.]",
                          args="0, tg.tensor([0, 2]), tg.tensor([1.0, 2.0])")
    scatter_add_ = _inplace("scatter_add_", lambda x, dim, index, src:
                            ops.scatter_add(x, dim, index, src), "[0.0, 0.0, 0.0]",
                            "[3., 0., 0.]", args="0, tg.tensor([0, 0]), tg.tensor([1.0, 2.0])")
    clip_ = clamp_

    def set_(self, source=None):
        """torch's set_: this tensor takes `source`'s memory (its shape too), so a write
        through either shows in the other; no source gives an empty tensor. Not
        differentiable: refused while recording a tensor that requires grad.

        Args:
            source: a tensor of this tensor's dtype, or None.

        >>> a, b = tg.zeros(2), tg.ones(3)
        >>> a.set_(b).shape, a is not b
        ((3,), True)
        """
        t: Any = self
        if source is None:
            source = t.new_empty(0)
        elif not isinstance(source, InplaceMethods):
            raise TypeError(f"set_: source must be a Tensor, got {type(source).__name__}")
        if source._data.dtype != self._data.dtype:
            raise TypeError(f"set_: source has dtype {source._data.dtype}, this tensor "
                            f"{self._data.dtype}; cast one of them first")
        if _local.grad_enabled and (self._rg or source._rg):
            raise RuntimeError("set_: not differentiable while recording a tensor that "
                               "requires grad; call it under tg.no_grad() (or on .detach())")
        t.data = source
        return self

    def index_put(self, indices, values, accumulate=False):
        """torch's index_put: a copy with `values` written at `indices` (a tuple of
        integer or bool tensors, one per leading dimension), or added there with
        `accumulate` (repeated indices add up). Differentiable in both; with repeated
        indices and no accumulate, the value written last is the one kept and the only
        one with a gradient.

        Args:
            indices: a tuple (or list) of index tensors.
            values: the values, broadcast to the indexed places.
            accumulate: add instead of overwrite.

        >>> tg.zeros(3).index_put((tg.tensor([0, 0, 2]),), tg.tensor([1.0, 2.0, 3.0]),
        ...                       accumulate=True)
        tensor([3., 0., 3.])
        """
        return _index_put(self, indices, values, accumulate, "index_put")

    def index_put_(self, indices, values, accumulate=False):
        """In-place index_put (torch's Tensor.index_put_); returns this tensor.

        Args:
            indices: a tuple (or list) of index tensors.
            values: the values, broadcast to the indexed places.
            accumulate: add instead of overwrite.

        >>> tg.zeros(3).index_put_((tg.tensor([2]),), tg.tensor(5.0))
        tensor([0., 0., 5.])
        """
        self._check_inplace("index_put_")
        src, _ = self._inplace_args(None)
        return self.copy_(_index_put(src, indices, values, accumulate, "index_put_"))



def _index_put(x, indices, values, accumulate, who):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{who}: indices must be a tuple of index tensors, got "
                        f"{type(indices).__name__}")
    for i, ix in enumerate(indices):
        k = np.asarray(getattr(ix, "_data", ix)).dtype.kind
        if not isinstance(ix, InplaceMethods) or k not in "biu":
            raise TypeError(f"{who}: indices[{i}] must be an integer or bool tensor, got "
                            f"{_non_numeric(ix) or type(ix).__name__}"
                            + (f" of dtype {ix._data.dtype}" if isinstance(
                                ix, InplaceMethods) else ""))
    if not isinstance(accumulate, (bool, np.bool_)):
        raise TypeError(f"{who}: accumulate must be a bool, got {accumulate!r:.40}")
    where = x.at[tuple(indices)]      # type: ignore[attr-defined]
    try:
        return where.add(values) if accumulate else where.set(values)
    except IndexError as e:
        msg = str(e)
        raise IndexError(who + msg[2:] if msg.startswith("at:") else msg) from None


_UPDATE_NAMES = {np.add: "add_", np.subtract: "sub_", np.multiply: "mul_",
                 np.true_divide: "div_"}


def _check_update_operand(ufunc, o, data, arg="other"):
    """An in-place update's operand (or alpha) must be real: a string gives NumPy's ufunc
    wording, and a complex one would lose its imaginary part in the unsafe cast."""
    who = _UPDATE_NAMES.get(ufunc, "update")
    check_written(who, o, arg)
    what = _non_numeric(o)
    if what is not None:
        raise TypeError(f"{who}: unsupported {arg} type(s) {what}")
    if np.iscomplexobj(o) and not np.iscomplexobj(data):
        raise TypeError(f"{who}: a complex {arg} cannot update a real tensor of dtype "
                        f"{data.dtype} in place")


def _broadcast_shape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


def _wrapped(v, dtype):
    """A Python int as the integer `dtype` holds it, wrapped around (PyTorch's cast)."""
    info = np.iinfo(dtype)
    return v if info.min <= v <= info.max else np.array(v).astype(dtype)


def _check_exact_update(ufunc, o, data, alpha=1):
    """An int or bool tensor updated in place stays exact: a float operand, a float
    alpha, or div_ would be truncated by the cast back, which NumPy and PyTorch refuse."""
    who = _UPDATE_NAMES.get(ufunc, "update")
    o = getattr(o, "_data", o)
    if not isinstance(o, (bool, int, float, complex)):
        try:
            o = np.empty((0,), np.result_type(o))
        except TypeError:
            return                  # not numeric: _check_update_operand names it
    try:
        if isinstance(alpha, (float, complex, np.inexact)):
            o = np.multiply(o, alpha)
        res = ufunc(np.empty((0,), data.dtype), o).dtype
    except TypeError:
        return
    except OverflowError:           # 300 into uint8 wraps, as PyTorch (and as u8 + 300)
        if not (isinstance(o, int) and data.dtype.kind in "iu"):
            raise
        return
    if not np.can_cast(res, data.dtype, "same_kind"):
        raise TypeError(f"{who}: the result (dtype {res}) cannot be written back into a "
                        f"tensor of dtype {data.dtype} without truncating it; use "
                        f"{who[:-1]}() (out of place) or convert the tensor first, e.g. "
                        f"t = t.astype('float32')")


# ---- session 11 (ports): the in-place twins of Tensor methods that ported programs
# call (hand-written optimizers: exp_avg_sq.mul_(b2).addcmul_(g, g, value=1 - b2);
# custom Functions: grad_input.index_add_(0, idx, g)). Each computes the out-of-place
# method on the current values and copies the result back, so recording, version
# counting and the leaf check are copy_'s.
_INPLACE_TWINS = {
    # name: (input of the example, arguments of the example)
    "exp": ("[0.0, 1.0]", ""), "log": ("[1.0, 2.0]", ""), "sqrt": ("[0.25, 4.0]", ""),
    "rsqrt": ("[0.25, 4.0]", ""), "abs": ("[-1.5, 2.0]", ""), "neg": ("[-1.5, 2.0]", ""),
    "sigmoid": ("[-1.0, 2.0]", ""), "tanh": ("[-1.0, 2.0]", ""), "relu": ("[-1.0, 2.0]", ""),
    "floor": ("[-1.5, 2.5]", ""), "ceil": ("[-1.5, 2.5]", ""), "round": ("[-1.5, 2.5]", ""),
    "trunc": ("[-1.5, 2.5]", ""), "sign": ("[-1.5, 0.0]", ""),
    "reciprocal": ("[0.5, 4.0]", ""), "square": ("[-1.5, 2.0]", ""),
    "sin": ("[0.0, 1.0]", ""), "cos": ("[0.0, 1.0]", ""), "erf": ("[0.0, 1.0]", ""),
    "pow": ("[2.0, 3.0]", "2"), "clip": ("[-1.5, 2.0]", "-1.0, 1.0"),
    "lerp": ("[0.0, 1.0]", "tg.tensor([1.0, 3.0]), 0.5"),
    "index_add": ("[0.0, 0.0, 0.0]", "0, tg.tensor([2, 0]), tg.tensor([1.0, 5.0])"),
    "scatter_add": ("[0.0, 0.0, 0.0]", "0, tg.tensor([2, 2]), tg.tensor([1.0, 5.0])"),
    "fmod": ("[-3.0, 5.0]", "2.0"), "remainder": ("[-3.0, 5.0]", "2.0"),
    "copysign": ("[1.0, 2.0]", "-1.0"), "nan_to_num": ("[1.0, float('nan')]", ""),
    "tril": ("[[1.0, 2.0], [3.0, 4.0]]", ""), "triu": ("[[1.0, 2.0], [3.0, 4.0]]", ""),
}


def _inplace_twin(name):
    def method(self, *args, **kwargs):
        self._check_inplace(name + "_")
        cur, _ = self._inplace_args(None)
        return self.copy_(getattr(cur, name)(*args, **kwargs))
    x, a = _INPLACE_TWINS[name]
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = (
        f"Method form of `Tensor.{name}`, in place: this tensor becomes "
        f"`self.{name}(...)` (recorded when grad is on); returns this tensor.\n\n"
        f"    >>> x = tg.tensor({x})\n"
        f"    >>> expected = x.{name}({a})\n"
        f"    >>> x.{name}_({a}) is x, bool(tg.equal(x, expected))\n"
        f"    (True, True)\n")
    return method


def _addc(name, op):
    def method(self, tensor1, tensor2, *, value=1):
        self._check_inplace(name)
        cur, _ = self._inplace_args(None)
        return self.copy_(cur + value * op(tensor1, tensor2))
    method.__name__ = method.__qualname__ = name
    sym = "*" if name == "addcmul_" else "/"
    method.__doc__ = (
        f"self += value * tensor1 {sym} tensor2, in place (PyTorch's {name}); returns "
        "this tensor.\n\n    Args:\n        tensor1: the first operand.\n"
        "        tensor2: the second operand.\n        value: the factor.\n\n"
        "    >>> x = tg.tensor([1.0, 2.0])\n"
        f"    >>> x.{name}(tg.tensor([2.0, 4.0]), tg.tensor([2.0, 2.0]), value=0.5)\n"
        f"    tensor([{'3., 6.' if sym == '*' else '1.5000, 3.0000'}])\n")
    return method


for _n in _INPLACE_TWINS:
    setattr(InplaceMethods, _n + "_", _inplace_twin(_n))
setattr(InplaceMethods, "addcmul_", _addc("addcmul_", lambda a, b: a * b))
setattr(InplaceMethods, "addcdiv_", _addc("addcdiv_", lambda a, b: a / b))
del _n
