"""The parts of a complex number as ops: Real, Imag, Conj, Complex(x, y) and |z|
(ComplexAbs). They sit apart from ops/complex.py (which imports most op modules) so
reductions, products and norms use them in their complex rules without an import cycle.
Each states PyTorch's convention in its own rules (marked OWN; see ops/complex.py)."""
import numpy as np

__all__ = ["Real", "Imag", "Conj", "ComplexAbs", "Complex", "ViewAsReal", "ViewAsComplex"]

from .._tensor import Tensor
from ._apply import call
from ._op import LINEAR, OWN, Op, register, same_params, zeros_like
from .elementwise import Where


def _nonzero(r):
    """r with its zeros replaced by ones: the denominator of z/|z| and z/|z|^2, whose
    numerator is zero there too, so the gradient at z = 0 is 0 (as PyTorch)."""
    # a recorded comparison for a Tensor: under vmap, r's raw values are the batch's
    zero = r == 0 if isinstance(r, Tensor) else np.asarray(r) == 0
    return call(Where, zero, 1.0, r)


@register
class Real(Op):
    """Re(z), a real tensor of z's precision: a view into z, as torch's z.real (a write
    through it changes z; a recorded one is refused like any view's)."""
    complex = OWN
    batch_params = same_params
    view = True
    forward = staticmethod(np.real)

    # Re is real-linear: a real g goes back as g + 0i
    @staticmethod
    def vjp(ctx, g):
        return (call(Complex, g, zeros_like(g)),)

    jvp = LINEAR


@register
class Imag(Op):
    """Im(z), a real tensor of z's precision: a view into z, as torch's z.imag."""
    complex = OWN
    batch_params = same_params
    view = True
    forward = staticmethod(np.imag)

    # dL/dy = g lands in the imaginary part: grad = 0 + i g
    @staticmethod
    def vjp(ctx, g):
        return (call(Complex, zeros_like(g), g),)

    jvp = LINEAR


@register
class Conj(Op):
    """The complex conjugate x - iy."""
    complex = OWN
    batch_params = same_params
    forward = staticmethod(np.conjugate)

    # conj is real-linear and its own adjoint
    @staticmethod
    def vjp(ctx, g):
        return (call(Conj, g),)

    jvp = LINEAR


@register
class ComplexAbs(Op):
    """|z| of a complex z (real result); real inputs use elementwise's Abs."""
    complex = OWN
    saves = ("x", "out")
    batching = "elementwise"
    forward = staticmethod(np.absolute)

    # d|z| = Re(conj(sgn z) dz), sgn z = z/|z| (0 at z = 0): grad = g sgn z
    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved
        return (g * (x / _nonzero(out)),)

    @staticmethod
    def jvp(ctx, dx):
        x, out = ctx.saved
        return call(Real, call(Conj, x / _nonzero(out)) * dx)


@register
class Complex(Op):
    """x + iy from real x and y, with broadcasting."""
    complex = OWN
    args = ("x", "y")
    batching = "elementwise"

    @staticmethod
    def forward(x, y):
        # parts written separately: x + 1j * y would turn y = inf into nan + inf i
        dtype = np.result_type(x, y, np.complex64)
        out = np.empty(np.broadcast_shapes(np.shape(x), np.shape(y)), dtype)
        out.real = x
        out.imag = y
        return out

    @staticmethod
    def vjp(ctx, g):
        gx = call(Real, g) if ctx.needs_grad[0] else None
        gy = call(Imag, g) if ctx.needs_grad[1] else None
        return gx, gy

    @staticmethod
    def jvp(ctx, dx, dy):
        return call(Complex, 0.0 if dx is None else dx, 0.0 if dy is None else dy)


def _as_real_pairs(z):
    # a new trailing axis of size 1 lets the dtype change for any strides
    return np.asarray(z)[..., None].view(np.asarray(z).real.dtype)


def _as_complex(x):
    x = np.asarray(x)
    step = x.itemsize
    if x.strides[-1] != step or any(s % (2 * step) for s in x.strides[:-1]):
        x = np.ascontiguousarray(x)     # rule code only; the public function refuses
    return x.view(np.result_type(x.dtype, np.complex64))[..., 0]


@register
class ViewAsReal(Op):
    """The real pairs (..., 2) of a complex z: a view into z, as torch.view_as_real."""
    complex = OWN
    batch_params = same_params
    view = True
    forward = staticmethod(_as_real_pairs)

    @staticmethod
    def vjp(ctx, g):
        return (call(ViewAsComplex, g),)

    jvp = LINEAR


@register
class ViewAsComplex(Op):
    """x[..., 0] + i x[..., 1] of real pairs: a view into x, as torch.view_as_complex."""
    complex = OWN
    batch_params = same_params
    view = True
    forward = staticmethod(_as_complex)

    @staticmethod
    def vjp(ctx, g):
        return (call(ViewAsReal, g),)

    jvp = LINEAR
