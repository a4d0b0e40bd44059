"""N-d convolution (scipy.signal.convolve) as one bilinear op, `Convolve`: the full
convolution of two arrays of the same number of dimensions. The 'valid' and 'same'
modes, and autograd's axes/dot_axes form, are slices and reshapes around it."""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._shapes import check_operand
from .special import scipy_special

_signal = None      # scipy.signal once looked up; False when SciPy is missing


def _scipy_signal():
    global _signal
    if _signal is None:
        _signal = False
        if scipy_special():
            try:
                import scipy.signal as module
            except ImportError:
                module = False
            _signal = module
    return _signal


def _full_numpy(x, y):
    """Full N-d convolution by shifted multiply-adds over the smaller input's elements."""
    if x.size < y.size:
        x, y = y, x
    shape = tuple(a + b - 1 for a, b in zip(x.shape, y.shape))
    out = np.zeros(shape, dtype=np.result_type(x, y))
    for idx in np.ndindex(*y.shape):
        where = tuple(slice(i, i + n) for i, n in zip(idx, x.shape))
        out[where] += y[idx] * x
    return out


def _full(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype == bool and y.dtype == bool:
        # an or of ands, as np.convolve gives for bools (SciPy's N-d path takes none)
        return _full(x.astype(np.int64), y.astype(np.int64)) != 0
    if x.size == 0 or y.size == 0:
        shape = tuple(max(a + b - 1, 0) for a, b in zip(x.shape, y.shape))
        return np.zeros(shape, dtype=np.result_type(x, y, np.float32))
    sig = _scipy_signal()
    if sig:
        return np.asarray(sig.convolve(x, y, mode="full"))
    return _full_numpy(x, y)


def _flip(v):
    return v[(slice(None, None, -1),) * np.ndim(v._data if isinstance(v, Tensor) else v)]


def _valid_part(v, x_shape, y_shape):
    """The len(x) entries of a full convolution with y that see all of y, per axis."""
    return v[tuple(slice(m - 1, m - 1 + n) for n, m in zip(x_shape, y_shape))]


@register
class Convolve(Op):
    """Full N-d convolution of x and y (same ndim): out[i] = sum_k x[i - k] y[k]."""
    args = ("x", "y")
    saves = ("x", "y")

    forward = staticmethod(_full)

    # d out = dx * y + x * dy; the adjoint of convolving with y is correlating with y:
    # the valid part of a full convolution with y flipped
    @staticmethod
    def vjp(ctx, g):
        x, y = ctx.saved
        xs, ys = ctx.in_shapes
        gx = _valid_part(call(Convolve, g, _flip(y)), xs, ys) if ctx.needs_grad[0] else None
        gy = _valid_part(call(Convolve, g, _flip(x)), ys, xs) if ctx.needs_grad[1] else None
        return gx, gy

    @staticmethod
    def jvp(ctx, dx, dy):
        x, y = ctx.saved
        return tangent_sum(None if dx is None else call(Convolve, dx, y),
                           None if dy is None else call(Convolve, x, dy))


def _shape(v):
    return v._data.shape if isinstance(v, Tensor) else np.shape(v)


def convolve(in1, in2, mode="full"):
    """N-d convolution of in1 and in2 (same number of dimensions), as
    scipy.signal.convolve: mode 'full' (every overlap), 'valid' (no zero padding; one
    input at least as large as the other in every dimension) or 'same' (in1's size,
    centred). Differentiable in both.

    >>> import tapegrad as tg
    >>> tg.ops.special_signal.convolve(tg.tensor([1.0, 2.0, 3.0]), tg.tensor([0.0, 1.0]))
    tensor([0., 1., 2., 3.])
    """
    if not isinstance(in1, Tensor):
        in1 = check_operand("convolve", "in1", in1)
    if not isinstance(in2, Tensor):
        in2 = check_operand("convolve", "in2", in2)
    s1, s2 = _shape(in1), _shape(in2)
    if len(s1) != len(s2):
        raise ValueError(f"convolve: in1 and in2 should have the same dimensionality, got "
                         f"shapes {s1} and {s2}")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"convolve: mode must be 'full', 'valid' or 'same', got {mode!r}")
    if mode == "valid" and not (all(a >= b for a, b in zip(s1, s2)) or
                                all(a <= b for a, b in zip(s1, s2))):
        raise ValueError(f"convolve: for 'valid' mode one input must be at least as large "
                         f"as the other in every dimension, got shapes {s1} and {s2}")
    out = apply(Convolve, in1, in2)
    if mode == "full":
        return out
    if mode == "valid":
        keep = tuple(slice(min(a, b) - 1, max(a, b)) for a, b in zip(s1, s2))
    else:
        keep = tuple(slice((b - 1) // 2, (b - 1) // 2 + a) for a, b in zip(s1, s2))
    return out[keep]

# the names `from tapegrad.ops.special_signal import *` gives (tests/test_all.py)
__all__ = ["Convolve", "convolve"]
