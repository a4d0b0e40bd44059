"""TF's rules for converting Python numbers to a requested dtype (tg.constant,
tg.convert_to_tensor, tg.Variable): the conversions TF refuses raise TypeError here too."""
from __future__ import annotations

import numpy as np

from ._dtypes import as_dtype


def _tf_refused(value, dtype):
    """The first Python number TF will not convert to `dtype` (a float or complex into an
    integer dtype, a number into bool, a complex into a float dtype), else None. NumPy
    values are cast as NumPy does, as in TF."""
    kind = np.dtype(dtype).kind
    bad = {"i": (float, complex), "u": (float, complex), "b": (int, float, complex),
           "f": (complex,)}.get(kind)
    if bad is None:
        return None
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, bad) and not isinstance(v, (bool, np.generic)):
            return v
    return None


def _py_complex(value):
    if isinstance(value, (list, tuple)):
        return any(_py_complex(v) for v in value)
    return type(value) is complex


def _tf_dtype(value, dtype, fn):
    """`dtype` for a TF-style converter, raising TypeError as TF for a Python number it
    cannot hold."""
    if dtype is None:
        # TF makes Python complex numbers complex128 (PyTorch's tg.tensor: complex64)
        return np.dtype(np.complex128) if _py_complex(value) else None
    dt = as_dtype(dtype, fn)
    v = _tf_refused(value, dt)
    if v is not None:
        raise TypeError(f"{fn}: cannot convert the Python {type(v).__name__} {v!r:.40} to "
                        f"dtype {dt}; cast it with tg.cast or pass a NumPy array")
    return dt
