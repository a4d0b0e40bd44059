"""`tnp.fft`: NumPy's `np.fft` names and arguments (`n=`, `axis=`, `s=`, `axes=`, `norm=`)
over the FFT ops of ops/fft.py, returning tensors that every transform differentiates.

Integer inputs are transformed in float64, as NumPy; `norm` is "backward" (default),
"ortho" or "forward"; -1 in `s` keeps an axis's size (NumPy 2). `out=` is refused
(tensors are not written into). Repeated entries in `axes` transform that axis again,
as NumPy does.

>>> import tapegrad as tg, tapegrad.numpy as tnp
>>> x = tnp.array([1.0, 2.0, 3.0, 4.0])
>>> tg.grad(lambda x: tnp.sum(tnp.abs(tnp.fft.fft(x, norm="ortho")) ** 2))(x)
tensor([2., 4., 6., 8.], dtype=float64)
"""
import numpy as _np

from .._factories import tensor as _tensor
from ..ops import fft as _f

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
           "irfft2", "rfftn", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq",
           "fftshift", "ifftshift"]


def _start(fn, a, norm, out):
    if out is not None:
        raise TypeError(f"{fn}: out= is not supported (tensors are not written into); "
                        "use the result")
    return _f.operand(fn, a, _np.float64, "a"), _f.check_norm(fn, norm)


def _names(one):
    """What the user called the sizes and axes."""
    return ("n", "axis") if one else ("s", "axes")


def _n(fn, n):
    return None if n is None else [_f.check_size(fn, "n", n)]


def _c2c(fn, a, s, axes, norm, out, inverse, one=False):
    x, norm = _start(fn, a, norm, out)
    sizes, axes = _f.resolve(fn, x, s, axes, *_names(one), unique=False)
    return _f.c2c(x, sizes, axes, norm, inverse)


def _r2c(fn, a, s, axes, norm, out, one=False):
    x, norm = _start(fn, a, norm, out)
    sizes, axes = _f.resolve(fn, x, s, axes, *_names(one), unique=False)
    if not axes:
        raise ValueError(f"{fn}: needs at least one axis to transform")
    return _f.r2c(fn, x, sizes, axes, norm)


def _c2r(fn, a, s, axes, norm, out, one=False):
    x, norm = _start(fn, a, norm, out)
    sizes, axes = _f.resolve(fn, x, s, axes, *_names(one), unique=False, real_out=True)
    if not axes:
        raise ValueError(f"{fn}: needs at least one axis to transform")
    return _f.c2r(x, sizes, axes, norm)


def fft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional DFT along `axis` (np.fft.fft).

    >>> tnp.fft.fft(tnp.array([1.0, 0.0, -1.0, 0.0])).real.tolist()
    [0.0, 2.0, 0.0, 2.0]
    """
    name = "numpy.fft.fft"
    return _c2c(name, a, _n(name, n), [axis], norm, out, False, one=True)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional inverse DFT along `axis` (np.fft.ifft).

    >>> tnp.fft.ifft(tnp.array([2.0, 0.0])).real.tolist()
    [1.0, 1.0]
    """
    name = "numpy.fft.ifft"
    return _c2c(name, a, _n(name, n), [axis], norm, out, True, one=True)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The DFT over two axes, the last two by default (np.fft.fft2).

    >>> tnp.fft.fft2(tnp.ones((2, 2))).real.tolist()
    [[4.0, 0.0], [0.0, 0.0]]
    """
    return _c2c("numpy.fft.fft2", a, s, axes, norm, out, False)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The inverse DFT over two axes (np.fft.ifft2).

    >>> tnp.fft.ifft2(tnp.ones((2, 2))).real.tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    return _c2c("numpy.fft.ifft2", a, s, axes, norm, out, True)


def fftn(a, s=None, axes=None, norm=None, out=None):
    """The DFT over `axes` (all, or the last len(s) when only `s` is given), np.fft.fftn.

    >>> tnp.fft.fftn(tnp.ones((2, 2, 2))).real.sum().item()
    8.0
    """
    return _c2c("numpy.fft.fftn", a, s, axes, norm, out, False)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """The inverse DFT over `axes` (np.fft.ifftn).

    >>> tnp.fft.ifftn(tnp.ones((2, 2))).real.tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    return _c2c("numpy.fft.ifftn", a, s, axes, norm, out, True)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """The DFT of a real signal, bins 0 .. n//2 (np.fft.rfft).

    >>> tnp.fft.rfft(tnp.array([1.0, 1.0, 1.0])).real.tolist()
    [3.0, 0.0]
    """
    name = "numpy.fft.rfft"
    return _r2c(name, a, _n(name, n), [axis], norm, out, one=True)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """The real n-point signal (default 2 * (bins - 1)) whose rfft is `a` (np.fft.irfft).

    >>> tnp.fft.irfft(tnp.array([2.0, 0.0, 0.0])).tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    name = "numpy.fft.irfft"
    return _c2r(name, a, _n(name, n), [axis], norm, out, one=True)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """rfft over the last of `axes`, then the DFT over the other (np.fft.rfft2).

    >>> tnp.fft.rfft2(tnp.ones((2, 4))).shape
    (2, 3)
    """
    return _r2c("numpy.fft.rfft2", a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The inverse of rfft2 (np.fft.irfft2).

    >>> tnp.fft.irfft2(tnp.fft.rfft2(tnp.ones((2, 4)))).shape
    (2, 4)
    """
    return _c2r("numpy.fft.irfft2", a, s, axes, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """rfft over the last of `axes`, then the DFT over the others (np.fft.rfftn).

    >>> tnp.fft.rfftn(tnp.ones((2, 3, 4))).shape
    (2, 3, 3)
    """
    return _r2c("numpy.fft.rfftn", a, s, axes, norm, out)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """The inverse of rfftn; the last size defaults to 2 * (bins - 1) (np.fft.irfftn).

    >>> tnp.fft.irfftn(tnp.fft.rfftn(tnp.ones((2, 3, 4)))).shape
    (2, 3, 4)
    """
    return _c2r("numpy.fft.irfftn", a, s, axes, norm, out)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The real spectrum of a signal with Hermitian symmetry given by its first half `a`
    (np.fft.hfft; n defaults to 2 * (len - 1)).

    >>> tnp.fft.hfft(tnp.array([1.0, 2.0, 3.0])).tolist()
    [8.0, -2.0, 0.0, -2.0]
    """
    name = "numpy.fft.hfft"
    x, norm = _start(name, a, norm, out)
    sizes, axes = _f.resolve(name, x, _n(name, n), [axis], "n", "axis", real_out=True)
    return _f.hfft(x, sizes[0], axes[0], norm)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of hfft: half the Hermitian spectrum of a real signal (np.fft.ihfft).

    >>> tnp.fft.ihfft(tnp.array([8.0, -2.0, 0.0, -2.0])).real.tolist()
    [1.0, 2.0, 3.0]
    """
    name = "numpy.fft.ihfft"
    x, norm = _start(name, a, norm, out)
    sizes, axes = _f.resolve(name, x, _n(name, n), [axis], "n", "axis")
    return _f.ihfft(name, x, sizes[0], axes[0], norm)


def fftshift(x, axes=None):
    """Roll the zero frequency to the centre of `axes` (all by default), np.fft.fftshift.

    >>> tnp.fft.fftshift(tnp.fft.fftfreq(4)).tolist()
    [-0.5, -0.25, 0.0, 0.25]
    """
    return _f.shift("numpy.fft.fftshift", x, axes, "axes", False)


def ifftshift(x, axes=None):
    """The inverse of fftshift (np.fft.ifftshift).

    >>> tnp.fft.ifftshift(tnp.fft.fftshift(tnp.arange(5))).tolist()
    [0, 1, 2, 3, 4]
    """
    return _f.shift("numpy.fft.ifftshift", x, axes, "axes", True)


def fftfreq(n, d=1.0, device=None):
    """The sample frequencies of an n-point DFT with spacing d, float64 constants
    (np.fft.fftfreq).

    >>> tnp.fft.fftfreq(4, d=0.5).tolist()
    [0.0, 0.5, -1.0, -0.5]
    """
    return _tensor(_f.freq("numpy.fft.fftfreq", n, d, False), device=device)


def rfftfreq(n, d=1.0, device=None):
    """The non-negative sample frequencies of an n-point rfft (np.fft.rfftfreq).

    >>> tnp.fft.rfftfreq(5).tolist()
    [0.0, 0.2, 0.4]
    """
    return _tensor(_f.freq("numpy.fft.rfftfreq", n, d, True), device=device)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    hint = (f"; for values without a gradient call np.fft.{name} on x.detach().numpy()"
            if hasattr(_np.fft, name) else "")
    raise AttributeError(f"module 'tapegrad.numpy.fft' has no attribute {name!r}{hint}")
