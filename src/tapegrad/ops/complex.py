"""Complex tensors: the parts of a complex number (real, imag, conj, angle, abs), building
one (complex, polar, view_as_complex), and which other ops accept complex values.

One convention, PyTorch's. For a real loss L of z = x + iy, z.grad is dL/dx + i dL/dy
(twice the conjugate Wirtinger derivative dL/dz*), so `z -= lr * z.grad` descends. JVPs are
the ordinary pushforward (complex-linear for holomorphic ops). An op marked HOLOMORPHIC
writes its rules as for real numbers (vjp J^T g, jvp J dx); the engine runs its vjp as
conj(vjp(conj(g))) = J^H g and takes the real part of a real input's gradient
(autograd/engine.py, _holomorphic). The parts of z are not holomorphic (they read x and
y apart), so they are marked OWN and their rules state the convention themselves (Angle
here; the others in ops/complex_parts.py, which reduce, products and linalg import):

    real:  grad = g (+0i)            jvp = Re(dz)
    imag:  grad = i g                jvp = Im(dz)
    conj:  grad = conj(g)            jvp = conj(dz)
    abs:   grad = g z/|z| (0 at 0)   jvp = Re(conj(z) dz)/|z|
    angle: grad = g i z/|z|^2        jvp = Im(conj(z) dz)/|z|^2
    complex(a, b): grads Re(g), Im(g);  jvp da + i db

Ops with op.complex None refuse to record a complex value (ops/_apply._record names
them): comparisons, max/min, sort, floor, relu ... are not defined on complex numbers.
"""
import builtins

__all__ = ["is_complex", "real", "imag", "conj", "angle", "abs", "complex", "polar",
           "view_as_real", "view_as_complex", "Angle", "Complex", "ComplexAbs", "Conj",
           "Imag", "Real"]

import numpy as np

from .._check import describe
from .._tensor import Tensor
from ._apply import apply, apply1, call
from ._op import HOLOMORPHIC, OWN, Op, register, zeros_like
from .complex_parts import (Complex, ComplexAbs, Conj, Imag, Real,  # noqa: F401 (re-exported)
                            ViewAsComplex, ViewAsReal, _nonzero)
from . import (activations, arrange, diagonals, elementwise, linalg, mathfns, reduce,
               scan, shape, solve)


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _is_complex(v):
    return np.iscomplexobj(_raw(v))


@register
class Angle(Op):
    """The argument atan2(Im z, Re z); 0 or pi for real inputs (whose gradient is 0)."""
    complex = OWN
    saves = ("x",)
    batching = "elementwise"
    forward = staticmethod(np.angle)

    # d angle = Im(conj(z) dz)/|z|^2: grad = g i z/|z|^2 (0 at z = 0)
    @staticmethod
    def vjp(ctx, g):
        x, = ctx.saved
        if not _is_complex(x):
            return (zeros_like(g),)
        r2 = call(Real, x * call(Conj, x))
        return (g * (call(Complex, zeros_like(r2), 1.0 / _nonzero(r2)) * x),)

    @staticmethod
    def jvp(ctx, dx):
        x, = ctx.saved
        if not _is_complex(x):
            return None
        r2 = call(Real, x * call(Conj, x))
        return call(Imag, call(Conj, x) * dx) / _nonzero(r2)


# Ops whose rules hold for complex values as written: holomorphic functions, and maps
# linear with real coefficients (shapes, sums, indexing). Every other op refuses complex.
for _op in (
        elementwise.Add, elementwise.Sub, elementwise.Mul, elementwise.Div,
        elementwise.Neg, elementwise.Exp, elementwise.Expm1, elementwise.Log,
        elementwise.Log1p, elementwise.Log2, elementwise.Log10, elementwise.Sqrt,
        elementwise.Square, elementwise.Reciprocal, elementwise.Sin, elementwise.Cos,
        elementwise.Tan, elementwise.Tanh, elementwise.Sinh, elementwise.Cosh,
        elementwise.Arcsinh, elementwise.Pow, elementwise.Where, elementwise.Cast,
        elementwise.Clone, mathfns.Arcsin, mathfns.Arccos, mathfns.Arctan,
        mathfns.Arccosh, mathfns.Arctanh, mathfns.Exp2, mathfns.Positive,
        activations.Sigmoid, shape.Reshape, shape.Transpose, shape.BroadcastTo,
        shape.SumTo, shape.GetItem, shape.IndexAdd, shape.IndexPut, shape.Concatenate,
        shape.Stack, reduce.Sum, reduce.Mean, reduce.Prod, scan.Cumsum, scan.Cumprod,
        linalg.MatMul, linalg.Einsum, diagonals.Tril, diagonals.Triu, diagonals.Diagonal,
        diagonals.DiagEmbed, arrange.Flip, arrange.Roll, arrange.Tile, arrange.Repeat,
        arrange.Pad, arrange.OuterTake, arrange.OuterTakeSum,
        solve.Inv, solve.Solve, solve.SolveTriangular, solve.TriMatMul, solve.Det,
        solve.MatrixExp, solve.SolveSylvester, solve.Sqrtm):
    _op.complex = HOLOMORPHIC
# var of complex values is real (mean |z - mean|^2); its rules state the convention
reduce.Var.complex = OWN


# ------------------------------------------------------------------ public functions

def _tensor_arg(who, x, name="x"):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, builtins.complex, np.number, np.ndarray, list, tuple)) and not (
            isinstance(x, (bool, np.bool_))):
        try:
            a = np.asarray(x)
        except (TypeError, ValueError):
            a = None
        if a is not None and a.dtype.kind in "iufc":
            return x
    raise TypeError(f"{who}: {name} must be a tensor, a numeric array or a number, got "
                    f"{describe(x)}")


def is_complex(x) -> bool:
    """Whether x has a complex dtype (complex64 or complex128).

    Args:
        x: a tensor (or array-like).

    Returns:
        True for complex64 and complex128.

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> tg.is_complex(tg.tensor([1 + 2j])), tg.is_complex(tg.tensor([1.0]))
    (True, False)
    """
    return bool(np.iscomplexobj(_raw(_tensor_arg("is_complex", x))))


def real(x):
    """The real part. A real tensor is its own real part (returned as is, as in PyTorch).

    Args:
        x: a tensor (or array-like), complex or real.

    Returns:
        A real tensor of x's shape (x itself when x is a real tensor).

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> z = tg.tensor([1 + 2j, 3 - 1j], dtype=tg.complex128, requires_grad=True)
    >>> tg.real(z).sum().backward()
    >>> z.grad
    tensor([1.+0.j, 1.+0.j], dtype=complex128)
    """
    x = _tensor_arg("real", x)
    if not _is_complex(x):
        return x if isinstance(x, Tensor) else apply(elementwise.Clone, np.asarray(x))
    return apply1(Real, x)


def imag(x):
    """The imaginary part; zeros for a real tensor (as NumPy, with no gradient path).

    Args:
        x: a tensor (or array-like), complex or real.

    Returns:
        A real tensor of x's shape.

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> z = tg.tensor([1 + 2j], dtype=tg.complex128, requires_grad=True)
    >>> tg.imag(z).sum().backward()
    >>> z.grad
    tensor([0.+1.j], dtype=complex128)
    """
    x = _tensor_arg("imag", x)
    if not _is_complex(x):
        return apply(elementwise.Clone, np.zeros_like(_raw(x)))
    return apply1(Imag, x)


def conj(x):
    """The complex conjugate; a real tensor is its own (returned as is). NumPy: conjugate.

    Args:
        x: a tensor (or array-like), complex or real.

    Returns:
        A tensor of x's shape and dtype (x itself when x is a real tensor).

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> tg.conj(tg.tensor([1 + 2j]))
    tensor([1.-2.j], dtype=complex64)
    """
    x = _tensor_arg("conj", x)
    if not _is_complex(x):
        return x if isinstance(x, Tensor) else apply(elementwise.Clone, np.asarray(x))
    return apply1(Conj, x)


def angle(x):
    """The argument (phase) atan2(Im x, Re x), in radians; its gradient is g i z/|z|^2
    (0 at 0, and 0 for real inputs, as PyTorch).

    Args:
        x: a tensor (or array-like), complex or real.

    Returns:
        A real tensor of x's shape, in (-pi, pi].

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> tg.angle(tg.tensor([1j, -1.0 + 0j], dtype=tg.complex128))
    tensor([1.5708, 3.1416], dtype=float64)
    """
    x = _tensor_arg("angle", x)
    if not _is_complex(x) and np.asarray(_raw(x)).dtype.kind == "f":
        x = x + 0.0         # -0.0 + 0.0 is +0.0: angle(-0.0) is 0 as torch (NumPy: pi)
    return apply1(Angle, x)


def abs(x):
    """|x| elementwise. For complex x the result is real and the gradient is g z/|z|
    (0 at z = 0); for real x, the gradient is g sign(x) (0 at 0).

    Args:
        x: a tensor (or array-like), complex or real.

    Returns:
        A tensor of x's shape; real for complex x.

    Raises:
        TypeError: x is not a tensor or array-like of numbers.

    >>> import tapegrad as tg
    >>> z = tg.tensor([3 + 4j], dtype=tg.complex128, requires_grad=True)
    >>> tg.abs(z).sum().backward()
    >>> z.grad
    tensor([0.6+0.8j], dtype=complex128)
    """
    if not isinstance(x, Tensor):
        x = _tensor_arg("abs", x)
    if _is_complex(x):
        return apply1(ComplexAbs, x)
    return elementwise.abs(x)


def complex(real, imag):
    """The complex tensor real + i imag (both real, of one floating dtype, broadcast
    together); gradients are the real and imaginary parts of the complex gradient.

    Args:
        real: the real parts, a floating-point tensor (or a Python float).
        imag: the imaginary parts, of real's dtype.

    Returns:
        A complex tensor (complex64 from float32, complex128 from float64) of the
        broadcast shape.

    Raises:
        TypeError: real or imag is not floating-point, or their dtypes differ.

    >>> import tapegrad as tg
    >>> tg.complex(tg.tensor([1.0, 2.0]), tg.tensor([0.5, -1.0]))
    tensor([1.+0.5j, 2.-1.j ], dtype=complex64)
    """
    dts = []
    for name, v in (("real", real), ("imag", imag)):
        a = _raw(_tensor_arg("complex", v, name))
        if type(a) is float:
            continue                    # a Python float takes the other's precision
        dt = np.asarray(a).dtype
        if dt.kind != "f":
            raise TypeError(f"complex: {name} must be a floating-point tensor, got "
                            f"{describe(v)}; cast it first (x.astype('float64'))")
        dts.append(dt)
    if len(dts) == 2 and dts[0] != dts[1]:
        raise TypeError(f"complex: real and imag must have the same dtype, got {dts[0]} "
                        f"and {dts[1]}")
    return apply(Complex, real, imag)


def polar(abs, angle):
    """The complex tensor abs * (cos(angle) + i sin(angle)) (PyTorch's polar).

    Args:
        abs: the moduli, a floating-point tensor.
        angle: the phases in radians, of abs's dtype.

    Returns:
        A complex tensor of the broadcast shape.

    Raises:
        TypeError: abs or angle is not floating-point, or their dtypes differ.

    >>> import tapegrad as tg
    >>> tg.polar(tg.tensor([2.0], dtype=tg.float64), tg.tensor([0.0], dtype=tg.float64))
    tensor([2.+0.j], dtype=complex128)
    """
    return complex(abs * elementwise.cos(angle), abs * elementwise.sin(angle))


def view_as_real(x):
    """A real view of shape x.shape + (2,) holding the real and imaginary parts
    (PyTorch's view_as_real): it shares x's memory, so a write through either shows in
    the other, and gradients flow back to x.

    Args:
        x: a complex tensor.

    Returns:
        A real tensor of shape x.shape + (2,), of x's precision.

    Raises:
        TypeError: x is not complex.

    >>> import tapegrad as tg
    >>> tg.view_as_real(tg.tensor([1 + 2j]))
    tensor([[1., 2.]])
    """
    x = _tensor_arg("view_as_real", x)
    if not _is_complex(x):
        raise TypeError(f"view_as_real: x must be complex, got dtype "
                        f"{np.asarray(_raw(x)).dtype}")
    return apply1(ViewAsReal, x)


def view_as_complex(x):
    """A complex view x[..., 0] + i x[..., 1] of a real x whose last axis has size 2
    (PyTorch's view_as_complex): it shares x's memory, so a write through either shows
    in the other, and gradients flow back to x.

    Args:
        x: a float32 or float64 tensor whose last axis has size 2 and stride 1 (other
            strides even), as torch asks; x.contiguous() makes any such x fit.

    Returns:
        A complex tensor of shape x.shape[:-1] (complex64 from float32, complex128
        from float64).

    Raises:
        TypeError: x is not float32 or float64.
        ValueError: x's last axis is not of size 2, or x's memory layout cannot be
            viewed as complex numbers.

    >>> import tapegrad as tg
    >>> tg.view_as_complex(tg.tensor([[1.0, 2.0]]))
    tensor([1.+2.j], dtype=complex64)
    """
    x = _tensor_arg("view_as_complex", x)
    a = np.asarray(_raw(x))
    if a.dtype.char not in "fd":
        raise TypeError(f"view_as_complex: x must be a float32 or float64 tensor, got "
                        f"dtype {a.dtype}")
    if not a.shape or a.shape[-1] != 2:
        raise ValueError(f"view_as_complex: x must have a last axis of size 2, got shape "
                         f"{a.shape}")
    step = a.itemsize
    vmapped = isinstance(x, Tensor) and x._x is not None and "vmap" in x._x
    if not vmapped and (a.strides[-1] != step or any(s % (2 * step) for s in a.strides[:-1])):
        raise ValueError(f"view_as_complex: x's last axis must have stride 1 and its other "
                         f"strides must be even (as torch), got strides "
                         f"{tuple(s // step for s in a.strides)}; call x.contiguous() first")
    return apply1(ViewAsComplex, x)


__all__ = ["Real", "Imag", "Conj", "ComplexAbs", "Angle", "Complex", "is_complex", "real",
           "imag", "conj", "angle", "abs", "complex", "polar", "view_as_real", "view_as_complex"]
