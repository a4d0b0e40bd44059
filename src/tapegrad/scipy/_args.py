"""Arguments as NumPy and SciPy see them."""
import numpy as np

from .._tensor import Tensor


def f64(x):
    """A tensor as is; anything else as an array, where Python floats, integers and
    bools are float64 (NumPy's default) rather than tapegrad's float32."""
    if isinstance(x, Tensor):
        return x
    try:
        a = np.asarray(x)
    except (TypeError, ValueError):
        return x                    # the op names what it cannot take
    if a.dtype.kind in "biu":
        return a.astype(np.float64)
    return a if a.dtype.kind in "fc" else x


def raw(x):
    """The values of a tensor or array (for masks and checks, never differentiated)."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def every_value(x):
    """The values of x for a check (check_finite): those of every batch element when
    tg.vmap batches x (a batched tensor's own values are placeholders)."""
    while isinstance(x, Tensor) and x._x is not None and "vmap" in x._x:
        x = x._x["vmap"][1]
    return raw(x)
