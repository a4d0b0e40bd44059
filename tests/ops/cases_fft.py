"""Rows of the FFT ops (ops/fft.py: Fft, Rfft, Irfft), as real-in, real-out compositions
(a transform, a filter, a transform back), so every real-valued check of the
table applies; the complex-input gradients are in tests/test_fft.py."""
import numpy as np

import tapegrad as tg

from ._case import OpCase

_rng = np.random.default_rng(1616)
# real filters, in the input's dtype (float32 rows stay float32)
W5 = _rng.standard_normal(3)                        # the 3 bins of a 5-point rfft
W4x3 = _rng.standard_normal((4, 3))


def _filter(x, n=5):
    return tg.fft.irfft(tg.fft.rfft(x) * W5.astype(x.dtype), n=n)


def _filter_2d(x):
    spectrum = tg.fft.rfftn(x, norm="ortho") * W4x3.astype(x.dtype)
    return tg.fft.irfftn(spectrum, s=(4, 5), norm="ortho")


def _half_spectrum(x):
    # Fft on a real input, three bins kept, back to 4 points (Irfft on complex input)
    return tg.fft.irfft(tg.fft.fft(x, dim=0)[:3], n=4, dim=0, norm="forward")


ROWS = [
    OpCase(_filter, [(2, 5)], name="fft.irfft(rfft(x)*w)",
           torch=lambda T, x: T.fft.irfft(T.fft.rfft(x) * T.from_numpy(W5).to(x.dtype), n=5)),
    OpCase(_filter_2d, [(4, 5)], name="fft.irfftn(rfftn(x)*w)",
           torch=lambda T, x: T.fft.irfftn(T.fft.rfftn(x, norm="ortho")
                                           * T.from_numpy(W4x3).to(x.dtype), s=(4, 5),
                                           norm="ortho")),
    OpCase(_half_spectrum, [(5, 2)], name="fft.irfft(fft(x)[:3])",
           torch=lambda T, x: T.fft.irfft(T.fft.fft(x, dim=0)[:3], n=4, dim=0,
                                          norm="forward")),
    OpCase(tg.fft.hfft, [(2, 4)], dict(n=7), name="fft.hfft",
           torch=lambda T, x, n: T.fft.hfft(x, n=n)),
    OpCase(tg.fft.fftshift, [(3, 4)], dict(dim=(0, 1)), name="fft.fftshift",
           torch=lambda T, x, dim: T.fft.fftshift(x, dim=dim)),
]
