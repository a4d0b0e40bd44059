"""`tnp.fft`: NumPy's `np.fft` names over tensors, forwarded to `tapegrad.fft`.

tapegrad has no FFT ops yet; once a `tapegrad.fft` module is imported by the package,
every name it has appears here without editing this file. Until then each name raises
an AttributeError that says so.
"""
import sys as _sys

import numpy as _np


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    tg_fft = _sys.modules.get("tapegrad.fft")       # the package imports it once it exists
    fn = getattr(tg_fft, name, None) if tg_fft is not None else None
    if fn is not None:
        return fn
    have = "tapegrad.fft does not implement it" if tg_fft is not None else \
        "tapegrad has no FFT ops yet (tapegrad.fft is planned)"
    hint = (f"; for values without a gradient call np.fft.{name} on x.detach().numpy()"
            if hasattr(_np.fft, name) else "")
    raise AttributeError(f"module 'tapegrad.numpy.fft' has no attribute {name!r}: "
                         f"{have}{hint}")
