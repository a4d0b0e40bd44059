"""More of NumPy's functions over tensors: NumPy 2 spellings, calculus on samples
(gradient, trapezoid), and small shape helpers, each a few tapegrad ops."""
import numpy as np

from .. import ops
from ._convert import asarg, floating
from ._functions import (_axis, _raw, _tensor_arg, _with_dtype, asarray, linspace,
                         transpose)


def astype(x, dtype, /, *, copy=True):
    """`x` cast to `dtype` (NumPy 2's function form of ndarray.astype)."""
    return ops.cast(_tensor_arg(x), np.dtype(dtype))


def real_if_close(a, tol=100):
    """Real input is returned as it is (complex tensors are a later issue)."""
    return asarray(a)


def rollaxis(a, axis, start=0):
    """Axis `axis` moved to position `start` (NumPy's older moveaxis)."""
    a = _tensor_arg(a)
    n = a.ndim
    axis = axis % n
    start = start + n if start < 0 else start
    if start > axis:
        start -= 1
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return ops.transpose(a, tuple(order))


def permute_dims(a, axes=None):
    """NumPy 2's name for transpose."""
    return transpose(a, axes)


def matrix_transpose(x, /):
    """The last two axes swapped."""
    return ops.swapaxes(_tensor_arg(x), -1, -2)


def broadcast_arrays(*args):
    """The arguments broadcast against each other (differentiable views)."""
    arrs = [_tensor_arg(a) for a in args]
    shape = np.broadcast_shapes(*[a.shape for a in arrs])
    return tuple(a if a.shape == shape else ops.broadcast_to(a, shape) for a in arrs)


def ptp(a, axis=None, keepdims=False):
    """Peak to peak: max - min over `axis`."""
    a = asarg(a)
    return ops.amax(a, _axis(axis), keepdims) - ops.amin(a, _axis(axis), keepdims)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """`base ** linspace(start, stop, ...)`; tensor end points differentiate."""
    r = base ** linspace(start, stop, num, endpoint, dtype=dtype, axis=axis)
    return r if dtype is None else _with_dtype(r, dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of `y` by the trapezoidal rule (over sample points `x`, or spacing
    `dx`); differentiable in `y` and `x`."""
    y = floating(_tensor_arg(y))
    n = y.ndim
    axis = axis % n
    hi = (slice(None),) * axis + (slice(1, None),)
    lo = (slice(None),) * axis + (slice(None, -1),)
    if x is None:
        d = dx
    else:
        x = asarg(x)
        xt = _tensor_arg(x)
        if xt.ndim == 1:
            d = xt[1:] - xt[:-1]
            if n > 1:
                d = ops.reshape(d, (-1,) + (1,) * (n - 1 - axis))
        else:
            d = xt[hi] - xt[lo]
    return ops.sum(d * (y[hi] + y[lo]) / 2.0, axis)


trapz = trapezoid


def gradient(f, *varargs, axis=None, edge_order=1):
    """NumPy's gradient with unit or scalar spacing: central differences inside, one-sided
    at the edges (edge_order=1). Linear in `f`, so it differentiates exactly."""
    if edge_order != 1:
        raise ValueError("gradient: only edge_order=1 is supported")
    f = floating(_tensor_arg(f))
    n = f.ndim
    axes = list(range(n)) if axis is None else \
        [a % n for a in (axis if isinstance(axis, (tuple, list)) else (axis,))]
    if len(varargs) > 1 and len(varargs) != len(axes):
        raise TypeError("gradient: give one spacing, or one per axis")
    spacing = list(varargs) * len(axes) if len(varargs) == 1 else \
        (list(varargs) if varargs else [1.0] * len(axes))
    out = []
    for ax, h in zip(axes, spacing):
        if np.ndim(_raw(h)) != 0:
            raise TypeError("gradient: only scalar spacings are supported")
        if f.shape[ax] < 2:
            raise ValueError("gradient: each differentiated axis needs at least 2 points")

        def sl(s, ax=ax):
            return (slice(None),) * ax + (s,)
        first = f[sl(slice(1, 2))] - f[sl(slice(0, 1))]
        last = f[sl(slice(-1, None))] - f[sl(slice(-2, -1))]
        parts = [first]
        if f.shape[ax] > 2:
            parts.append((f[sl(slice(2, None))] - f[sl(slice(None, -2))]) / 2.0)
        parts.append(last)
        out.append(ops.concatenate(parts, ax) / h)
    return out[0] if len(out) == 1 else tuple(out)
