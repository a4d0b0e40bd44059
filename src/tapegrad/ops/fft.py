"""Discrete Fourier transforms: three ops and the builders tg.fft and tnp.fft share.

- `Fft`: the complex n-dimensional DFT over `axes` (forward or inverse), np.fft.fftn.
- `Rfft`: the real-input DFT along one axis, keeping the n//2 + 1 non-negative bins.
- `Irfft`: its inverse, a real signal of length n from n//2 + 1 bins.

hfft and ihfft are Irfft and Rfft with the signal reversed in time (a flip and a roll).

All three are linear, so each JVP is the op on the tangent, and each VJP is another
transform: the adjoint of a DFT is the DFT of the other direction with the same scale
(`_DUAL` swaps which direction carries 1/n). Rfft and Irfft are only R-linear (a real
signal on one side, half a spectrum on the other), so their adjoints weight the bins
that stand for two conjugate bins of the full spectrum. Gradients follow PyTorch's
convention for complex values (for a real loss, dL/dRe + i dL/dIm).

Axes are kept negative (counted from the end) in the ops' params, so a batched tangent
with extra leading axes runs through the same params. Cropping and zero-padding to
`n`/`s` are GetItem and IndexAdd, whose rules are each other's.
"""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import LINEAR, OWN, Op, register, same_params
from ._shapes import check_int, check_operand, describe
from .arrange import Flip, Roll
from .elementwise import Cast
from .shape import GetItem, IndexAdd

NORMS = ("backward", "ortho", "forward")
# the adjoint of a transform scaled by `norm` is the other direction scaled the same way
_DUAL = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def _real_dtype(v):
    dt = np.dtype(v.dtype)
    return np.empty(0, dt).real.dtype if dt.kind == "c" else dt


def _bin_weights(n, axis, value, like):
    """`value` at the bins of an n-point real transform (n//2 + 1 of them, along the
    negative `axis`) that stand for a conjugate pair, 1 at DC and, for even n, Nyquist;
    shaped to broadcast against an array with that axis."""
    w = np.full(n // 2 + 1, value, dtype=_real_dtype(like))
    w[0] = 1
    if n % 2 == 0:
        w[-1] = 1
    return w.reshape((-1,) + (1,) * (-axis - 1))


@register
class Fft(Op):
    """The complex DFT of x over `axes` (np.fft.fftn, or np.fft.ifftn when `inverse`),
    scaled as `norm` says; the result is complex."""
    batch_params = same_params
    complex = OWN               # the rules below are already PyTorch's J^H g

    @staticmethod
    def forward(x, *, axes, norm, inverse):
        if not axes:
            return x.astype(np.result_type(x.dtype, np.complex64))
        return (np.fft.ifftn if inverse else np.fft.fftn)(x, axes=axes, norm=norm)

    # y = F x with F_kt = exp(-+2 pi i kt / n) * scale: the adjoint F^H = conj(F)^T is the
    # transform of the other sign with the same scale
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(Fft, g, axes=p["axes"], norm=_DUAL[p["norm"]],
                     inverse=not p["inverse"]),)

    jvp = LINEAR


@register
class Rfft(Op):
    """The DFT of real x along `axis`, bins 0 .. n//2 (np.fft.rfft)."""
    batch_params = same_params
    complex = OWN               # the rules below are already PyTorch's J^H g

    @staticmethod
    def forward(x, *, axis, norm):
        return np.fft.rfft(x, axis=axis, norm=norm)

    # y = P F x (P keeps the first n//2 + 1 bins): gx = Re(F^H P^T g). irfft rebuilds the
    # missing bins as conjugates of bins 1 .. (n-1)//2, counting each of those twice, so
    # halving them first gives exactly Re(F^H P^T g)
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        n = ctx.in_shapes[0][p["axis"]]
        w = _bin_weights(n, p["axis"], 0.5, g)
        return (call(Irfft, g * w, n=n, axis=p["axis"], norm=_DUAL[p["norm"]]),)

    jvp = LINEAR


@register
class Irfft(Op):
    """The real n-point inverse DFT along `axis` of the n//2 + 1 bins of x (np.fft.irfft;
    the imaginary parts of DC and, for even n, Nyquist do not enter)."""
    batch_params = same_params
    complex = OWN               # the rules below are already PyTorch's J^H g

    @staticmethod
    def forward(x, *, n, axis, norm):
        return np.fft.irfft(x, n=n, axis=axis, norm=norm)

    # out_t = c (Re z_0 + 2 sum_k Re(z_k e^{2 pi i kt/n}) + Re z_{n/2} (-1)^t): by
    # d/dRe z_k + i d/dIm z_k the gradient is c sum_t g_t e^{-2 pi i kt/n}, the rfft of g,
    # doubled on the bins counted twice (PyTorch's fft_c2r_backward)
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        w = _bin_weights(p["n"], p["axis"], 2.0, g)
        return (call(Rfft, g, axis=p["axis"], norm=_DUAL[p["norm"]]) * w,)

    jvp = LINEAR


# ------------------------------------------------------------------ argument checks

def operand(fn, x, float_dtype, name="input"):
    """x as a Tensor or array; integers and bools become `float_dtype` (PyTorch's default
    float for tg.fft, float64 for tnp.fft). `name` is the argument's, for errors."""
    if not isinstance(x, Tensor):
        x = np.asarray(check_operand(fn, name, x))
    kind = x.dtype.kind
    if kind in "biu":
        x = apply(Cast, x, dtype=np.dtype(float_dtype), src=np.dtype(x.dtype))
    elif kind not in "fc":
        raise TypeError(f"{fn}: {name} must hold numbers, got {describe(x)}")
    return x


def check_norm(fn, norm):
    if norm is None:
        return "backward"
    if isinstance(norm, str) and norm in NORMS:
        return norm
    raise ValueError(f"{fn}: norm must be 'backward', 'ortho', 'forward' or None, "
                     f"got {norm!r}")


def check_size(fn, name, n):
    n = check_int(fn, name, n)
    if n < 1:
        raise ValueError(f"{fn}: {name} must be at least 1, got {n} (the number of "
                         "points of the transform)")
    return n


def check_axes(fn, name, axes, ndim, unique=True):
    """A list of non-negative axes of an ndim-dimensional input; `axes` an int or a
    sequence of ints."""
    many = isinstance(axes, (list, tuple))
    out = []
    for a in (axes if many else (axes,)):
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{fn}: {name} must be an int{' or ints' if many else ''}, "
                            f"got {describe(axes)}")
        a = int(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"{fn}: {name} {a} is out of range for a tensor with {ndim} dimension(s)")
        out.append(a % ndim)
    if unique and len(set(out)) != len(out):
        raise ValueError(f"{fn}: {name} {tuple(axes)} repeats an axis")
    return out


def resolve(fn, x, s, axes, s_name, axes_name, unique=True, real_out=False):
    """(sizes, axes) of an n-dimensional transform: `axes` default all axes, or the last
    len(s) when s is given; `s` defaults to the input's sizes, and -1 in s keeps one.
    With `real_out` (irfftn), the last size defaults to 2 * (bins - 1)."""
    shape = x.shape
    nd = len(shape)
    if s is not None and not isinstance(s, (list, tuple)):
        s = [s]
    if axes is None:
        if s is None:
            axes = list(range(nd))
        else:
            if len(s) > nd:
                raise ValueError(f"{fn}: {s_name} {tuple(s)} has more entries than the "
                                 f"input has dimensions ({nd})")
            axes = list(range(nd - len(s), nd))
    else:
        axes = check_axes(fn, axes_name, axes, nd, unique)
    if s is None:
        s = [-1] * len(axes)
    elif len(s) != len(axes):
        raise ValueError(f"{fn}: {s_name} {tuple(s)} and {axes_name} {tuple(axes)} must "
                         "have the same length")
    sizes = []
    for i, (n, a) in enumerate(zip(s, axes)):
        n = check_int(fn, s_name, n)
        if n == -1:
            n = shape[a]
            if real_out and i == len(axes) - 1:
                n = 2 * (n - 1)
        sizes.append(check_size(fn, s_name, n))
    return sizes, axes


def fit(x, n, axis):
    """x cropped or zero-padded to n entries along axis (the n= of every transform)."""
    shape = x.shape
    have = shape[axis]
    if n == have:
        return x
    if n < have:
        return apply(GetItem, x, index=(slice(None),) * axis + (slice(0, n),))
    # zeros with x written in: IndexAdd, whose adjoint is the crop above and which vmap
    # batches
    return apply(IndexAdd, x, shape=shape[:axis] + (n,) + shape[axis + 1:],
                 index=(slice(None),) * axis + (slice(0, have),))


# ------------------------------------------------------------------ the transforms

def _as_complex(x):
    """A real x cast to complex first (NumPy converts it anyway): the cast's rule, not
    the transform's, takes the real part of the gradient for the real input."""
    if x.dtype.kind == "c":
        return x
    return apply(Cast, x, dtype=np.result_type(x.dtype, np.complex64), src=x.dtype)


def c2c(x, sizes, axes, norm, inverse):
    """fftn/ifftn of x over `axes` (non-negative) after fitting to `sizes`. Repeated axes
    (NumPy allows them) transform again, one axis at a time in NumPy's order."""
    x = _as_complex(x)
    nd = len(x.shape)
    if len(set(axes)) != len(axes):
        for n, a in reversed(list(zip(sizes, axes))):
            x = apply(Fft, fit(x, n, a), axes=(a - nd,), norm=norm, inverse=inverse)
        return x
    for n, a in zip(sizes, axes):
        x = fit(x, n, a)
    return apply(Fft, x, axes=tuple(a - nd for a in axes), norm=norm, inverse=inverse)


def r2c(fn, x, sizes, axes, norm):
    """rfftn: rfft along the last of `axes`, then the complex DFT over the others."""
    if x.dtype.kind == "c":
        raise TypeError(f"{fn}: the input must be real, got a {x.dtype} tensor (use fft for "
                        "complex input)")
    nd = len(x.shape)
    x = apply(Rfft, fit(x, sizes[-1], axes[-1]), axis=axes[-1] - nd, norm=norm)
    if len(axes) > 1:
        x = c2c(x, sizes[:-1], axes[:-1], norm, False)
    return x


def c2r(x, sizes, axes, norm):
    """irfftn: the inverse complex DFT over all but the last of `axes`, then irfft of
    sizes[-1] points along the last."""
    x = _as_complex(x)
    nd = len(x.shape)
    if len(axes) > 1:
        x = c2c(x, sizes[:-1], axes[:-1], norm, True)
    n, a = sizes[-1], axes[-1]
    return apply(Irfft, fit(x, n // 2 + 1, a), n=n, axis=a - nd, norm=norm)


def _reverse(x, axis):
    """x[-t mod n] along axis: for a real signal, the transform is conjugated."""
    return apply(Roll, apply(Flip, x, axis=(axis,)), shift=(1,), axis=(axis,))


def hfft(x, n, axis, norm):
    """np.fft.hfft: the real n-point signal whose spectrum is Hermitian with first half
    x, i.e. irfft(conj(x)) with the other scaling, computed as irfft(x) reversed in time
    (conjugating a real signal's spectrum reverses the signal)."""
    return _reverse(c2r(x, [n], [axis], _DUAL[norm]), axis)


def ihfft(fn, x, n, axis, norm):
    """np.fft.ihfft: conj(rfft(x)) with the other scaling, as the rfft of x reversed."""
    if x.dtype.kind == "c":
        raise TypeError(f"{fn}: the input must be real, got a {x.dtype} tensor")
    return r2c(fn, _reverse(fit(x, n, axis), axis), [n], [axis], _DUAL[norm])


def shift(fn, x, axes, name, inverse):
    """fftshift (zero frequency to the centre) or ifftshift (back): a roll by n//2."""
    if not isinstance(x, Tensor):
        x = np.asarray(check_operand(fn, "x", x))
    shape = x.shape
    axes = list(range(len(shape))) if axes is None else check_axes(fn, name, axes,
                                                                   len(shape), False)
    if not axes:        # nothing to roll: a copy (Roll would hand back x's own array)
        return apply(IndexAdd, x, shape=shape, index=(slice(None),) * len(shape))
    shifts = tuple(-(shape[a] // 2) if inverse else shape[a] // 2 for a in axes)
    return apply(Roll, x, shift=shifts, axis=tuple(axes))


def freq(fn, n, d, real):
    """The sample frequencies of an n-point transform with spacing d, as an ndarray in
    float64 (fftfreq; rfftfreq when `real`)."""
    n = check_size(fn, "n", n)
    if isinstance(d, Tensor):
        d = d.item()
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, float, np.integer,
                                                             np.floating)):
        raise TypeError(f"{fn}: d must be a number, got {describe(d)}")
    return (np.fft.rfftfreq if real else np.fft.fftfreq)(n, d=float(d))


__all__ = ["Fft", "Irfft", "NORMS", "Rfft", "c2c", "c2r", "check_axes", "check_norm", "check_size",
           "fit", "freq", "hfft", "ihfft", "operand", "r2c", "resolve", "shift"]
