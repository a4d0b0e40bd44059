"""Tensor constructors: tensor, constant, zeros, ones, ..., rand, randn.

Tensors inside the data stay in the graph: `tensor([t1, t2])`, `full(shape, t)`,
`linspace(t0, t1, n)` and `arange` with tensor bounds are built from tapegrad ops when a
tensor argument requires grad (grad mode on), carries a forward tangent, or a tape or
tg.function trace is recording, so gradients and tangents flow. Otherwise the result is
a new leaf that owns its memory.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ._check import flag
from ._dtypes import (_got, as_dtype, check_device, default_complex, default_float,
                      is_floating, scan, to_array)
from ._tensor import Tensor, make
from ._tf_convert import _tf_dtype, _tf_refused
from .ops import broadcast_to, cast, clone, reshape, stack, where
from .variable import Variable
from ._factories_base import _alloc, _dt, _in_graph, _int, _leaf, _real, _shape, _value
# the random factories (their own file); tapegrad and tg.random import them from here
from ._factories_random import rand, randint, randn  # noqa: F401
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from ._typing import ArrayLike, DTypeLike, ShapeLike


# ------------------------------------------------------------------ conversion
def tensor(data: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False,
           device: str | None = None) -> Tensor:
    """A new tensor holding a copy of `data` (never sharing memory with it).

    Python floats become float32, ints int64 (outside int64: an error), bools bool,
    complex complex64; NumPy arrays keep their dtype. A (nested) list holding tensors
    that require grad gives a result connected to them (built with `stack`); with
    `requires_grad=True` the result is a new leaf instead. `tensor(t)` of one tensor is
    a detached copy, as in PyTorch (use `t.clone().detach()`).

    Args:
        data: a number, a (nested) list or tuple, a NumPy array or a tensor.
        dtype: the dtype (a NumPy dtype, a name such as "float64", or tg.float64);
            by default chosen from data as above.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A new tensor.

    Raises:
        TypeError: data holds something that is not a number, array or tensor.
        ValueError: ragged nested lists, or a device other than the CPU.

    >>> import tapegrad as tg
    >>> tg.tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    check_device(device, "tensor")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "tensor", "requires_grad")
    if isinstance(data, Tensor):
        warnings.warn("tensor: to copy a tensor use t.clone().detach() (or "
                      "t.clone().detach().requires_grad_(True)); tg.tensor(t) gives a copy "
                      "cut from the graph, as torch.tensor does", UserWarning, stacklevel=2)
        if requires_grad:
            return _leaf(to_array(data, dtype, fn="tensor"), True)
        # the copy is an op on the values cut from the graph, so a tg.function replay
        # reads the tensor's current value
        src = data.detach() if data._x is not None and "vmap" in data._x \
            else make(data._data)
        out = clone(src)
        dt = as_dtype(dtype, "tensor")
        return out if dt is None or dt == out.dtype else cast(out, dt)
    if isinstance(data, (list, tuple)):
        dt = as_dtype(dtype, "tensor")
        scanned = scan(data, "tensor", dt is not None and dt.kind in "fc")
        if scanned[0] and not requires_grad and _needs_graph(data):
            return _joined(data, dt, "tensor")
        return _leaf(to_array(data, dt, fn="tensor", scanned=scanned), requires_grad)
    return _leaf(to_array(data, dtype, fn="tensor"), requires_grad)


def _needs_graph(data) -> bool:
    stack = [data]
    while stack:            # depth is bounded: scan() ran first
        for d in stack.pop():
            if isinstance(d, Tensor):
                if _in_graph(d):
                    return True
            elif isinstance(d, (list, tuple)):
                stack.append(d)
    return False


def _joined(data, dtype, fn) -> Tensor:
    """Nested lists holding tensors, joined with stack so gradients and tangents flow;
    Python numbers and arrays in them are constants."""
    # validate and fix dtype and shape on stand-ins, so no tensor value is read (a
    # tg.function trace would have to fall back to eager)
    dt = to_array(_stand_ins(data), dtype, fn=fn).dtype
    if not is_floating(dt):
        raise TypeError(f"{fn}: the data holds tensors that require grad, but the result "
                        f"dtype would be {dt}, which cannot carry gradients; pass a "
                        f"floating dtype or detach the tensors first")

    def build(node):        # recursion depth is bounded by NumPy's 64 dimensions
        if isinstance(node, Tensor):
            return node if node._data.dtype == dt else cast(node, dt)
        if isinstance(node, (list, tuple)):
            return stack([build(d) for d in node])
        return make(np.array(node, dtype=dt))

    return build(data)


def _stand_ins(node):
    # depth is bounded by NumPy's 64 dimensions: scan() ran first
    if isinstance(node, Tensor):
        return np.zeros(node._data.shape, node._data.dtype)
    if isinstance(node, (list, tuple)):
        return [_stand_ins(d) for d in node]
    return node


def constant(value: ArrayLike, dtype: DTypeLike = None, shape: ShapeLike | None = None,
             name: str | None = None) -> Tensor:
    """TF spelling: a tensor that is not tracked unless a tape watches it.

    As in TF, a tensor passed in is returned as it is (its gradient still flows), and a
    list holding tensors is stacked (connected), as tf.constant does eagerly. `shape`
    reshapes a value of the same size or fills the shape with a single value.

    Args:
        value: a number, a (nested) list, a NumPy array or a tensor.
        dtype: the dtype; by default chosen from value as `tg.tensor` does.
        shape: a shape to reshape value to (same number of elements) or to fill with
            a single value.
        name: accepted for TF code; unused.

    Returns:
        A tensor (value itself when it is already one).

    Raises:
        ValueError: value cannot fill `shape`.
        TypeError: value is a tensor of another dtype than `dtype` (use tg.cast), or
            a Python number TF would not convert to it (1.5 to int32, 1 to bool).

    >>> tg.constant([1.0, 2.0, 3.0, 4.0], shape=(2, 2)).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> tg.constant(7, shape=(3,))
    tensor([7, 7, 7])
    """
    if isinstance(value, Variable):
        # TF: a constant snapshot of the value, not connected to the variable
        t = make(_as_is(value, dtype, "constant")._data.copy())
    elif isinstance(value, Tensor):
        t = _as_is(value, dtype, "constant")
    elif isinstance(value, (list, tuple)) and scan(value, "constant", True)[0] and \
            _needs_graph(value):
        t = _joined(value, dtype, "constant")
    else:
        t = make(to_array(value, _tf_dtype(value, dtype, "constant"), fn="constant"))
    if shape is None:
        return t
    shape = _shape((tuple(shape),) if isinstance(shape, (tuple, list)) else (shape,),
                   "constant")
    if t.shape == shape:
        return t
    if t._data.size == math.prod(shape):
        return reshape(t, shape) if t.grad_fn is not None or t._rg else \
            make(t._data.reshape(shape).copy())
    if t._data.size == 1:
        return clone(broadcast_to(reshape(t, ()), shape))
    raise ValueError(f"constant: a value of shape {t.shape} cannot fill shape {shape} "
                     f"(needs {math.prod(shape)} elements or one)")


def _as_is(t, dtype, fn):
    """A tensor given to a TF-style converter: returned unchanged (TF raises on a dtype
    mismatch rather than cast)."""
    if dtype is not None and t.dtype != as_dtype(dtype, fn):
        raise TypeError(f"{fn}: value is a tensor of dtype {t.dtype}, but dtype "
                        f"{as_dtype(dtype, fn)} was requested; use tg.cast to convert")
    return t


def convert_to_tensor(value: ArrayLike, dtype: DTypeLike = None, dtype_hint: Any = None,
                      name: str | None = None) -> Tensor:
    """TF spelling: `value` as a Tensor (returned as is when it already is one).
    `dtype_hint` is a soft preference, as in TF: used when `value` can take it, ignored
    when it cannot (a Python float with an integer hint).

    Args:
        value: a number, a (nested) list, a NumPy array or a tensor.
        dtype: the dtype to require; a tensor of another dtype is an error.
        dtype_hint: the dtype to use when dtype is None and value converts to it.
        name: accepted for TF code; unused.

    Returns:
        A tensor (value itself when it is already one).

    Raises:
        TypeError: value is a tensor of another dtype than `dtype`, a Python number TF
            would not convert to `dtype`, or not numeric.

    >>> t = tg.tensor([1.0])
    >>> tg.convert_to_tensor(t) is t
    True
    >>> tg.convert_to_tensor([1, 2], dtype_hint="float64")
    tensor([1., 2.], dtype=float64)
    """
    if isinstance(value, Variable):
        # TF reads a snapshot: a later assign leaves it, gradients reach the variable
        return clone(_as_is(value, dtype, "convert_to_tensor"))
    if isinstance(value, Tensor):
        return _as_is(value, dtype, "convert_to_tensor")
    if dtype is None and dtype_hint is not None:
        # a soft preference (TF): dropped when value cannot take it
        dtype = None if _tf_refused(value, as_dtype(dtype_hint, "convert_to_tensor")) \
            is not None else dtype_hint
    else:
        dtype = _tf_dtype(value, dtype, "convert_to_tensor")
    if isinstance(value, (list, tuple)) and scan(value, "convert_to_tensor", True)[0] \
            and _needs_graph(value):
        return _joined(value, dtype, "convert_to_tensor")
    return make(to_array(value, dtype, fn="convert_to_tensor"))


# ------------------------------------------------------------------ filled tensors
def zeros(*dims: int | Sequence[int], dtype: DTypeLike = None, requires_grad: bool = False,
          device: str | None = None, size: Sequence[int] | None = None,
          shape: Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """A tensor of zeros; the shape as separate ints or one tuple (float32 by default).

    Args:
        *dims: the shape, as ints or one tuple or list.
        dtype: the dtype (float32 by default).
        size: the shape as a keyword (PyTorch's spelling), instead of `*dims`.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.
        shape: the shape as a keyword (TensorFlow's spelling, `tf.zeros(shape=...)`).
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        A new tensor of zeros.

    Raises:
        TypeError: a dimension that is not an int.
        ValueError: a negative dimension.

    >>> tg.zeros(2, 3).shape, tg.zeros((2,), dtype="int64")
    ((2, 3), tensor([0, 0]))
    """
    check_device(device, "zeros")
    if shape is not None:
        if size is not None:
            raise TypeError("zeros: give the shape once (shape= or size=)")
        size = shape
    if len(dims) == 2 and isinstance(dims[0], (tuple, list, Tensor)) and dtype is None:
        dims, dtype = dims[:1], dims[-1]        # TF's tf.zeros(shape, dtype)
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "zeros", "requires_grad")
    return _leaf(_alloc("zeros", _shape(dims, "zeros", size), np.zeros, _dt(dtype, "zeros")),
                 requires_grad)


def ones(*dims: int | Sequence[int], dtype: DTypeLike = None, requires_grad: bool = False,
         device: str | None = None, size: Sequence[int] | None = None,
         shape: Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """A tensor of ones; the shape as separate ints or one tuple (float32 by default).

    Args:
        *dims: the shape, as ints or one tuple or list.
        dtype: the dtype (float32 by default).
        size: the shape as a keyword (PyTorch's spelling), instead of `*dims`.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.
        shape: the shape as a keyword (TensorFlow's spelling, `tf.ones(shape=...)`).
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        A new tensor of ones.

    Raises:
        TypeError: a dimension that is not an int.
        ValueError: a negative dimension.

    >>> x = tg.ones(2, requires_grad=True)
    >>> x
    tensor([1., 1.], requires_grad=True)
    """
    check_device(device, "ones")
    if shape is not None:
        if size is not None:
            raise TypeError("ones: give the shape once (shape= or size=)")
        size = shape
    if len(dims) == 2 and isinstance(dims[0], (tuple, list, Tensor)) and dtype is None:
        dims, dtype = dims[:1], dims[-1]        # TF's tf.ones(shape, dtype)
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "ones", "requires_grad")
    return _leaf(_alloc("ones", _shape(dims, "ones", size), np.ones, _dt(dtype, "ones")),
                 requires_grad)


def _fill_dtype(v):
    if isinstance(v, Tensor):
        return v._data.dtype
    if isinstance(v, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(v, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(v, (complex, np.complexfloating)):
        return default_complex()
    return default_float()


def _filled(fn, shape, fill_value, dtype, requires_grad):
    if requires_grad is not False:
        requires_grad = flag(requires_grad, fn, "requires_grad")
    v = fill_value
    if isinstance(v, Tensor):
        if v._data.ndim != 0:
            raise ValueError(f"{fn}: fill_value must be a number or a 0-d tensor, got a "
                             f"tensor of shape {v.shape}")
    elif isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    elif not isinstance(v, (int, float, complex, np.number, np.bool_)):
        raise TypeError(f"{fn}: fill_value must be a number or a 0-d tensor, got {_got(v)}")
    dt = as_dtype(dtype, fn) if dtype is not None else _fill_dtype(v)
    if isinstance(v, Tensor) and not requires_grad and _in_graph(v):
        # a broadcast of the fill value, copied so the result owns its memory
        if not is_floating(dt):
            raise TypeError(f"{fn}: fill_value requires grad but dtype {dt} cannot carry "
                            f"gradients; pass a floating dtype or fill_value.detach()")
        return clone(broadcast_to(v if v._data.dtype == dt else cast(v, dt), shape))
    try:
        val = _value(v)
        if isinstance(val, int):    # NumPy 2.0's np.full wraps an int that does not fit
            val = np.asarray(val, dtype=dt)
        arr = np.full(shape, val, dtype=dt)
    except (OverflowError, ValueError, TypeError) as e:
        if isinstance(e, ValueError) and "too big" in str(e):
            raise ValueError(f"{fn}: cannot make an array of shape {shape}: {e}") from None
        raise ValueError(f"{fn}: fill_value {_got(_value(v))} does not fit dtype {dt}: "
                         f"{e}") from None
    return _leaf(arr, requires_grad)


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None,
         requires_grad: bool = False, device: str | None = None) -> Tensor:
    """A tensor of `shape` filled with `fill_value`. A 0-d tensor that requires grad
    gives a result connected to it (a broadcast).

    Args:
        shape: the shape, an int or a tuple of ints.
        fill_value: a number, or a 0-d tensor.
        dtype: the dtype; by default fill_value's (float32 for a Python float, int64
            for an int).
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A tensor of `shape`.

    Raises:
        TypeError: fill_value is not a number or a 0-d tensor.
        ValueError: a negative dimension.

    >>> tg.full((2, 2), 7.0)
    tensor([[7., 7.],
            [7., 7.]])
    >>> v = tg.tensor(2.0, requires_grad=True)
    >>> tg.full((3,), v).sum().backward()
    >>> v.grad
    tensor(3.)
    """
    check_device(device, "full")
    return _filled("full", _shape((shape,), "full"), fill_value, dtype, requires_grad)


def _like(x, dtype, fn):
    """(shape, dtype) of `x`: a tensor, an ndarray, or data converted by tensor rules."""
    if isinstance(x, Tensor):
        src = x._data
    elif isinstance(x, np.ndarray):
        src = x
        if x.dtype.kind not in "biufc":
            raise TypeError(f"{fn}: x must be numeric, got an array of dtype {x.dtype}")
    else:
        src = to_array(x, fn=fn)
    return src.shape, (as_dtype(dtype, fn) if dtype is not None else src.dtype)


def zeros_like(x: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False,
               device: str | None = None) -> Tensor:
    """Zeros with the shape and (by default) the dtype of `x` (a tensor, array or list).

    Args:
        x: a tensor, an array or data `tg.tensor` accepts: the shape to copy.
        dtype: the dtype; by default x's.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A new tensor of zeros.

    >>> tg.zeros_like(tg.tensor([[1, 2]]))
    tensor([[0, 0]])
    """
    check_device(device, "zeros_like")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "zeros_like", "requires_grad")
    shape, dt = _like(x, dtype, "zeros_like")
    return _leaf(_alloc("zeros_like", shape, np.zeros, dt), requires_grad)


def ones_like(x: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False,
              device: str | None = None) -> Tensor:
    """Ones with the shape and (by default) the dtype of `x` (a tensor, array or list).

    Args:
        x: a tensor, an array or data `tg.tensor` accepts: the shape to copy.
        dtype: the dtype; by default x's.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A new tensor of ones.

    >>> tg.ones_like(tg.tensor([1.5, 2.5]), dtype="float64")
    tensor([1., 1.], dtype=float64)
    """
    check_device(device, "ones_like")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "ones_like", "requires_grad")
    shape, dt = _like(x, dtype, "ones_like")
    return _leaf(_alloc("ones_like", shape, np.ones, dt), requires_grad)


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None,
              requires_grad: bool = False, device: str | None = None) -> Tensor:
    """Like `full` with the shape and (by default) the dtype of `x`.

    Args:
        x: a tensor, an array or data `tg.tensor` accepts: the shape to copy.
        fill_value: a number, or a 0-d tensor.
        dtype: the dtype; by default x's.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A tensor of x's shape.

    >>> tg.full_like(tg.tensor([1.0, 2.0]), 0.5)
    tensor([0.5000, 0.5000])
    """
    check_device(device, "full_like")
    shape, dt = _like(x, dtype, "full_like")
    return _filled("full_like", shape, fill_value, dt, requires_grad)


# ------------------------------------------------------------------ ranges
def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike = None,
           requires_grad: bool = False, device: str | None = None) -> Tensor:
    """Like PyTorch: int arguments give int64, any float gives float32.

    With 0-d tensor arguments that require grad, the result `start + i * step` is
    differentiable in `start` and `step` (the length is piecewise constant, so the
    gradient with respect to `end` is zero).

    Args:
        start: the first value; with `end` omitted, the end (and start is 0).
        end: the bound, not included.
        step: the spacing, nonzero (may be negative).
        dtype: the dtype; by default int64 for ints, float32 if any value is a float.
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A 1-d tensor of ceil((end - start) / step) values.

    Raises:
        ValueError: step is zero, or a bound is not finite.
        TypeError: start or step require grad but the dtype is an integer one.

    >>> tg.arange(4), tg.arange(1, 2, 0.25)
    (tensor([0, 1, 2, 3]), tensor([1.0000, 1.2500, 1.5000, 1.7500]))
    >>> s = tg.tensor(1.0, requires_grad=True)
    >>> tg.arange(s, 4.0).sum().backward()           # 1, 2, 3 all move with start
    >>> s.grad
    tensor(3.)
    """
    check_device(device, "arange")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "arange", "requires_grad")
    if end is None:
        start, end = 0, start
    start = _real(start, "arange", "start")
    end = _real(end, "arange", "end")
    step = _real(step, "arange", "step")
    s0, e0, st = (float(_value(v)) for v in (start, end, step))
    for name, v in (("start", s0), ("end", e0), ("step", st)):
        if not math.isfinite(v):
            raise ValueError(f"arange: {name} must be finite, got {v}")
    if st == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None:
        kinds = [v._data.dtype.kind if isinstance(v, Tensor) else
                 ("f" if isinstance(v, (float, np.floating)) else "i")
                 for v in (start, end, step)]
        dt = default_float() if "f" in kinds else np.dtype(np.int64)
    else:
        dt = as_dtype(dtype, "arange")
    try:
        raw = np.arange(*(_value(v) for v in (start, end, step)))
    except (ValueError, MemoryError) as e:
        raise ValueError(f"arange: cannot make a range from {s0} to {e0} by {st}: {e}") \
            from None
    ts = [v for v in (start, step) if isinstance(v, Tensor) and _in_graph(v)]
    if ts and not requires_grad:
        if not is_floating(dt):
            raise TypeError(f"arange: start/step require grad but dtype {dt} cannot carry "
                            f"gradients; pass a floating dtype or detach them")
        i = make(np.arange(raw.shape[0], dtype=dt))
        s = start if isinstance(start, Tensor) else make(np.array(start, dtype=dt))
        d = step if isinstance(step, Tensor) else make(np.array(step, dtype=dt))
        s = s if s._data.dtype == dt else cast(s, dt)
        d = d if d._data.dtype == dt else cast(d, dt)
        return s + i * d
    return _leaf(raw.astype(dt), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: DTypeLike = None,
             requires_grad: bool = False, device: str | None = None) -> Tensor:
    """`steps` evenly spaced values from start to end. 0-d tensor bounds that require
    grad give a result differentiable in both (PyTorch's formula: each half counts from
    its nearer end, so both ends are exact).

    Args:
        start: the first value (a number or a 0-d tensor).
        end: the last value, included.
        steps: how many values, a non-negative int.
        dtype: the dtype (float32 by default).
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A 1-d tensor of `steps` values.

    Raises:
        TypeError: steps is not an int, or bounds that require grad with an integer
            dtype.
        ValueError: steps is negative.

    >>> tg.linspace(0.0, 1.0, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    >>> a = tg.tensor(0.0, requires_grad=True)
    >>> tg.linspace(a, 1.0, 5).sum().backward()      # weights 1, 3/4, 1/2, 1/4, 0
    >>> a.grad
    tensor(2.5000)
    """
    check_device(device, "linspace")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "linspace", "requires_grad")
    start = _real(start, "linspace", "start")
    end = _real(end, "linspace", "end")
    n = _int(steps, "linspace", "steps")
    dt = _dt(dtype, "linspace")
    if (isinstance(start, Tensor) and _in_graph(start) or
            isinstance(end, Tensor) and _in_graph(end)) and not requires_grad and n > 0:
        if not is_floating(dt):
            raise TypeError(f"linspace: start/end require grad but dtype {dt} cannot "
                            f"carry gradients; pass a floating dtype or detach them")
        a, b = (v if isinstance(v, Tensor) else make(np.array(v, dtype=dt))
                for v in (start, end))
        a = a if a._data.dtype == dt else cast(a, dt)
        b = b if b._data.dtype == dt else cast(b, dt)
        if n == 1:
            return reshape(a, (1,))
        i = np.arange(n, dtype=dt)
        step = (b - a) / (n - 1)
        return where(i < n // 2, a + step * make(i), b - step * make((n - 1) - i))
    return _leaf(_alloc("linspace", n, lambda k: np.linspace(_value(start), _value(end),
                                                         k).astype(dt)), requires_grad)


def eye(n: int, m: int | None = None, dtype: DTypeLike = None, requires_grad: bool = False,
        device: str | None = None) -> Tensor:
    """The n x m identity (m = n by default): ones on the diagonal.

    Args:
        n: the number of rows.
        m: the number of columns (n by default).
        dtype: the dtype (float32 by default).
        requires_grad: make the result a leaf that records operations for gradients.
        device: only "cpu" (or None); accepted for ported code.

    Returns:
        A new 2-d tensor.

    Raises:
        TypeError: n or m is not an int.
        ValueError: n or m is negative.

    >>> tg.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    check_device(device, "eye")
    if requires_grad is not False:
        requires_grad = flag(requires_grad, "eye", "requires_grad")
    n = _int(n, "eye", "n")
    m = None if m is None else _int(m, "eye", "m")
    return _leaf(_alloc("eye", n, np.eye, m, dtype=_dt(dtype, "eye")), requires_grad)


def is_tensor(x: object) -> bool:
    """Whether `x` is a tapegrad Tensor (torch.is_tensor, tf.is_tensor).

    Args:
        x: any object.

    Returns:
        True for a Tensor (Variables and Parameters included), False otherwise.

    >>> tg.is_tensor(tg.tensor(1.0)), tg.is_tensor(np.ones(2))
    (True, False)
    """
    return isinstance(x, Tensor)
