"""tg.fft: torch.fft's names and arguments (`n=`, `s=`, `dim=`, `norm=`) over the FFT
ops of ops/fft.py. Every transform is differentiable to any order, in reverse and
forward mode and under vmap; complex gradients follow PyTorch's convention.

`norm` is "backward" (the default: no scaling forward, 1/n on the inverse), "ortho"
(1/sqrt(n) both ways) or "forward" (1/n forward). `n`/`s` crop or zero-pad the input
along the transformed axes first; -1 in `s` keeps an axis's size. Integer inputs are
transformed in the default float dtype (complex64 results), as in PyTorch.

>>> import tapegrad as tg
>>> x = tg.tensor([1.0, 2.0, 3.0, 4.0])
>>> y = tg.fft.rfft(x)
>>> y
tensor([10.+0.j, -2.+2.j, -2.+0.j], dtype=complex64)
>>> tg.fft.irfft(y, n=4)
tensor([1., 2., 3., 4.])
"""
from . import _dtypes
from ._factories import tensor
from .ops import fft as _f

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
           "irfft2", "rfftn", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift",
           "ifftshift"]


def _c2c(fn, input, s, dim, norm, inverse, one=False):
    x = _f.operand(fn, input, _dtypes.DEFAULT_FLOAT)
    norm = _f.check_norm(fn, norm)
    sizes, axes = _f.resolve(fn, x, s, dim, *_names(one))
    return _f.c2c(x, sizes, axes, norm, inverse)


def _r2c(fn, input, s, dim, norm, one=False):
    x = _f.operand(fn, input, _dtypes.DEFAULT_FLOAT)
    norm = _f.check_norm(fn, norm)
    sizes, axes = _f.resolve(fn, x, s, dim, *_names(one))
    if not axes:
        raise ValueError(f"{fn}: needs at least one dimension to transform")
    return _f.r2c(fn, x, sizes, axes, norm)


def _c2r(fn, input, s, dim, norm, one=False):
    x = _f.operand(fn, input, _dtypes.DEFAULT_FLOAT)
    norm = _f.check_norm(fn, norm)
    sizes, axes = _f.resolve(fn, x, s, dim, *_names(one), real_out=True)
    if not axes:
        raise ValueError(f"{fn}: needs at least one dimension to transform")
    return _f.c2r(x, sizes, axes, norm)


def _names(one):
    """What the user called the sizes and axes."""
    return ("n" if one else "s"), "dim"


def _n(fn, n):
    """n of a one-dimensional transform, checked under its own name."""
    return None if n is None else [_f.check_size(fn, "n", n)]


def fft(input, n=None, dim=-1, norm=None):
    """The one-dimensional DFT along `dim` (torch.fft.fft).

    Args:
        input: the signal: a tensor, array or nested list, real or complex.
        n: the number of points: the input is cropped or zero-padded to it along `dim`
            (default: its length).
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor (complex64 for float32 or integer input).

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.fft(tg.tensor([1.0, 0.0, -1.0, 0.0]))
    tensor([0.+0.j, 2.+0.j, 0.+0.j, 2.+0.j], dtype=complex64)
    """
    return _c2c("fft.fft", input, _n("fft.fft", n), [dim], norm, False, one=True)


def ifft(input, n=None, dim=-1, norm=None):
    """The one-dimensional inverse DFT along `dim` (torch.fft.ifft).

    Args:
        input: the signal: a tensor, array or nested list, real or complex.
        n: the number of points: the input is cropped or zero-padded to it along `dim`
            (default: its length).
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor.

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.ifft(tg.fft.fft(tg.tensor([1.0, 2.0]))).real
    tensor([1., 2.])
    """
    return _c2c("fft.ifft", input, _n("fft.ifft", n), [dim], norm, True, one=True)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    """The DFT over the last two dimensions, or `dim` (torch.fft.fft2).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default the last two.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.fft2(tg.ones((2, 2)))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]], dtype=complex64)
    """
    return _c2c("fft.fft2", input, s, dim, norm, False)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse DFT over the last two dimensions, or `dim` (torch.fft.ifft2).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default the last two.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.ifft2(tg.ones((2, 2))).real
    tensor([[1., 0.],
            [0., 0.]])
    """
    return _c2c("fft.ifft2", input, s, dim, norm, True)


def fftn(input, s=None, dim=None, norm=None):
    """The DFT over `dim` (all dimensions, or the last len(s) when only `s` is given),
    torch.fft.fftn.

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default all of them (the last len(s) when only s is given).
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.fftn(tg.ones((2, 2, 2))).real.sum()
    tensor(8.)
    """
    return _c2c("fft.fftn", input, s, dim, norm, False)


def ifftn(input, s=None, dim=None, norm=None):
    """The inverse DFT over `dim` (torch.fft.ifftn).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default all of them (the last len(s) when only s is given).
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.ifftn(tg.ones((2, 2))).real
    tensor([[1., 0.],
            [0., 0.]])
    """
    return _c2c("fft.ifftn", input, s, dim, norm, True)


def rfft(input, n=None, dim=-1, norm=None):
    """The DFT of a real signal along `dim`, bins 0 .. n//2 (torch.fft.rfft).

    Args:
        input: the real signal: a tensor, array or nested list.
        n: the number of points: the input is cropped or zero-padded to it along `dim`
            (default: its length).
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor with n // 2 + 1 bins along `dim`.

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.rfft(tg.tensor([1.0, 1.0, 1.0]))
    tensor([3.+0.j, 0.+0.j], dtype=complex64)
    """
    return _r2c("fft.rfft", input, _n("fft.rfft", n), [dim], norm, one=True)


def irfft(input, n=None, dim=-1, norm=None):
    """The real signal of n points (default 2 * (bins - 1)) whose rfft is `input`
    (torch.fft.irfft).

    Args:
        input: the half spectrum (bins 0 .. n//2), complex or real.
        n: the length of the real output (default 2 * (bins - 1)); the
            input is cropped or zero-padded to n // 2 + 1 bins.
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A real tensor of n points along `dim`.

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.irfft(tg.tensor([2.0, 0.0, 0.0]))
    tensor([0.5000, 0.5000, 0.5000, 0.5000])
    """
    return _c2r("fft.irfft", input, _n("fft.irfft", n), [dim], norm, one=True)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """rfft over the last of `dim`, then the DFT over the other (torch.fft.rfft2).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default the last two.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor; the last transformed dimension holds size // 2 + 1 bins.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.rfft2(tg.ones((2, 4))).shape
    (2, 3)
    """
    return _r2c("fft.rfft2", input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of rfft2 (torch.fft.irfft2).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default the last two.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A real tensor; the last transformed size defaults to 2 * (bins - 1).

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.irfft2(tg.fft.rfft2(tg.ones((2, 4)))).shape
    (2, 4)
    """
    return _c2r("fft.irfft2", input, s, dim, norm)


def rfftn(input, s=None, dim=None, norm=None):
    """rfft over the last of `dim`, then the DFT over the others (torch.fft.rfftn).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default all of them.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor; the last transformed dimension holds size // 2 + 1 bins.

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.rfftn(tg.ones((2, 3, 4))).shape
    (2, 3, 3)
    """
    return _r2c("fft.rfftn", input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    """The inverse of rfftn; the last size defaults to 2 * (bins - 1) (torch.fft.irfftn).

    Args:
        input: the signal: a tensor, array or nested list.
        s: the sizes to crop or zero-pad to along `dim` (-1 keeps a size); default
            the input's.
        dim: the dimensions to transform; default all of them.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A real tensor; the last transformed size defaults to 2 * (bins - 1).

    Raises:
        ValueError: norm is not one of the three, s and dim differ in length, or a
            size is below 1.
        AxisError: a dimension is out of range.

    >>> tg.fft.irfftn(tg.fft.rfftn(tg.ones((2, 3, 4)))).shape
    (2, 3, 4)
    """
    return _c2r("fft.irfftn", input, s, dim, norm)


def fftshift(input, dim=None):
    """Roll the zero frequency to the centre of `dim` (all dimensions by default),
    torch.fft.fftshift.

    Args:
        input: the tensor to roll.
        dim: a dimension or tuple of dimensions; default all.

    Returns:
        A tensor of input's shape.

    Raises:
        AxisError: a dimension is out of range.

    >>> tg.fft.fftshift(tg.fft.fftfreq(4))
    tensor([-0.5000, -0.2500,  0.0000,  0.2500])
    """
    return _f.shift("fft.fftshift", input, dim, "dim", False)


def ifftshift(input, dim=None):
    """The inverse of fftshift (torch.fft.ifftshift).

    Args:
        input: the tensor to roll.
        dim: a dimension or tuple of dimensions; default all.

    Returns:
        A tensor of input's shape.

    Raises:
        AxisError: a dimension is out of range.

    >>> tg.fft.ifftshift(tg.fft.fftshift(tg.arange(5)))
    tensor([0, 1, 2, 3, 4])
    """
    return _f.shift("fft.ifftshift", input, dim, "dim", True)


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point DFT with sample spacing d, a constant
    (torch.fft.fftfreq; float32 by default).

    Args:
        n: the number of points of the transform.
        d: the sample spacing.
        dtype: the result's dtype (default float32).
        device: "cpu" (kept for ported code).
        requires_grad: whether the result records operations.

    Returns:
        A one-dimensional tensor of n frequencies.

    Raises:
        TypeError: n is not an int.
        ValueError: n is below 1.

    >>> tg.fft.fftfreq(4, d=0.5)
    tensor([ 0.0000,  0.5000, -1.0000, -0.5000])
    """
    f = _f.freq("fft.fftfreq", n, d, False)
    return tensor(f, dtype=dtype or _dtypes.DEFAULT_FLOAT, requires_grad=requires_grad,
                  device=device)


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of an n-point rfft (torch.fft.rfftfreq).

    Args:
        n: the number of points of the transform.
        d: the sample spacing.
        dtype: the result's dtype (default float32).
        device: "cpu" (kept for ported code).
        requires_grad: whether the result records operations.

    Returns:
        A one-dimensional tensor of n // 2 + 1 frequencies.

    Raises:
        TypeError: n is not an int.
        ValueError: n is below 1.

    >>> tg.fft.rfftfreq(5)
    tensor([0.0000, 0.2000, 0.4000])
    """
    f = _f.freq("fft.rfftfreq", n, d, True)
    return tensor(f, dtype=dtype or _dtypes.DEFAULT_FLOAT, requires_grad=requires_grad,
                  device=device)


def hfft(input, n=None, dim=-1, norm=None):
    """The real spectrum of a Hermitian-symmetric signal given by its first half
    (torch.fft.hfft; n defaults to 2 * (len - 1)).

    Args:
        input: the first half of a Hermitian-symmetric signal.
        n: the length of the real output (default 2 * (len - 1)).
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A real tensor of n points along `dim`.

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.hfft(tg.tensor([1.0, 2.0, 3.0]))
    tensor([ 8., -2.,  0., -2.])
    """
    x = _f.operand("fft.hfft", input, _dtypes.DEFAULT_FLOAT)
    norm = _f.check_norm("fft.hfft", norm)
    sizes, axes = _f.resolve("fft.hfft", x, _n("fft.hfft", n), [dim], "n", "dim",
                             real_out=True)
    return _f.hfft(x, sizes[0], axes[0], norm)


def ihfft(input, n=None, dim=-1, norm=None):
    """The inverse of hfft: half the Hermitian spectrum of a real signal
    (torch.fft.ihfft).

    Args:
        input: the real signal.
        n: the number of points: the input is cropped or zero-padded to it along `dim`
            (default: its length).
        dim: the dimension to transform.
        norm: "backward" (the default), "ortho" or "forward"; see the module docstring.

    Returns:
        A complex tensor with n // 2 + 1 bins along `dim`.

    Raises:
        ValueError: norm is not one of the three, or n is below 1.
        AxisError: dim is out of range.

    >>> tg.fft.ihfft(tg.tensor([8.0, -2.0, 0.0, -2.0])).real
    tensor([1., 2., 3.])
    """
    x = _f.operand("fft.ihfft", input, _dtypes.DEFAULT_FLOAT)
    norm = _f.check_norm("fft.ihfft", norm)
    sizes, axes = _f.resolve("fft.ihfft", x, _n("fft.ihfft", n), [dim], "n", "dim")
    return _f.ihfft("fft.ihfft", x, sizes[0], axes[0], norm)
