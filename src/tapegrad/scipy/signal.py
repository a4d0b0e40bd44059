"""`tapegrad.scipy.signal`: convolve, differentiable in both inputs.

Two signatures share the name: SciPy's `convolve(in1, in2, mode='full', method='auto')`
and autograd's `convolve(A, B, axes=None, dot_axes=[(), ()], mode='full')`, which
convolves along the paired `axes`, sums over the paired `dot_axes`, and orders the
result as A's other axes, then B's other axes, then the convolved ones (a convnet layer
is `convolve(x, w, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode='valid')`).
"""
from __future__ import annotations

import numpy as np

from .. import ops as _ops
from ..ops.special_signal import Convolve, convolve as _convolve
from ._args import f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis


def convolve(in1: ArrayLike, in2: ArrayLike, mode: str = "full", method: str = "auto", *,
             axes: Axis | tuple[Sequence[int], Sequence[int]] = None,
             dot_axes: Any = ((), ())) -> Tensor:
    """N-d convolution, as scipy.signal.convolve (or autograd's, with `axes`).

    The two signatures are told apart by `mode`: a non-string third argument is
    autograd's `axes` (see the module docstring). Python floats and lists compute in
    float64, as SciPy does.

    Args:
        in1: the first input (a tensor or array-like).
        in2: the second input, with as many dimensions as in1 unless `axes` is given.
        mode: "full" (every overlap), "valid" (full overlaps only) or "same" (in1's
            size, centred).
        method: SciPy's choice of algorithm ("auto", "direct" or "fft"); accepted for
            compatibility, the result is the same.
        axes: autograd's pair of axis lists to convolve along, one list per input.
        dot_axes: autograd's pair of axis lists summed over (a dot product).

    Returns:
        The convolution, a tensor.

    Raises:
        ValueError: an unknown `method` or `mode`, or `axes`/`dot_axes` that do not
            pair up.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy import signal
    >>> signal.convolve(tg.tensor([1.0, 2.0, 3.0]), [1.0, 1.0], mode="valid")
    tensor([3., 5.], dtype=float64)
    """
    if not isinstance(mode, str):          # autograd's positional axes (and dot_axes)
        axes, mode = mode, "full"
        if not isinstance(method, str):
            dot_axes = method
    if method not in ("auto", "direct", "fft") and isinstance(method, str):
        raise ValueError(f"convolve: method must be 'auto', 'direct' or 'fft', got {method!r}")
    a, b = f64(in1), f64(in2)
    if axes is None and not (list(dot_axes[0]) or list(dot_axes[1])):
        return _convolve(a, b, mode)
    return _tensor_convolve(a, b, axes, dot_axes, mode)


def _tensor_convolve(a, b, axes, dot_axes, mode):
    na, nb = np.ndim(raw(a)), np.ndim(raw(b))
    if axes is None:
        axes = (list(range(na)), list(range(nb)))
    conv_a, conv_b = [x % na for x in axes[0]], [x % nb for x in axes[1]]
    dot_a, dot_b = [x % na for x in dot_axes[0]], [x % nb for x in dot_axes[1]]
    if len(conv_a) != len(conv_b) or len(dot_a) != len(dot_b):
        raise ValueError(f"convolve: axes {axes} and dot_axes {dot_axes} must pair axes of "
                         "A with as many axes of B")
    sa, sb = np.shape(raw(a)), np.shape(raw(b))
    for i, j in zip(dot_a, dot_b):
        if sa[i] != sb[j]:
            raise ValueError(f"convolve: dot axes {i} of A and {j} of B differ in length: "
                             f"{sa[i]} and {sb[j]}")
    rest_a = [i for i in range(na) if i not in conv_a and i not in dot_a]
    rest_b = [j for j in range(nb) if j not in conv_b and j not in dot_b]
    # both as (A's rest, B's rest, dot, conv) with 1s where the other's axes go: a full
    # convolution over every axis is then an outer product over the rest, and (with B
    # flipped along the dot axes) its middle entry on each dot axis is the dot product
    a2 = _ops.transpose(a, tuple(rest_a + dot_a + conv_a))
    a2 = _ops.reshape(a2, tuple(sa[i] for i in rest_a) + (1,) * len(rest_b) +
                      tuple(sa[i] for i in dot_a + conv_a))
    b2 = _ops.transpose(b, tuple(rest_b + dot_b + conv_b))
    if dot_b:
        lead = len(rest_b)
        b2 = b2[(slice(None),) * lead + (slice(None, None, -1),) * len(dot_b)]
    b2 = _ops.reshape(b2, (1,) * len(rest_a) + tuple(sb[j] for j in rest_b + dot_b + conv_b))
    full = _ops.apply(Convolve, a2, b2)
    nr = len(rest_a) + len(rest_b)
    pick = (slice(None),) * nr + tuple(sa[i] - 1 for i in dot_a)
    ca, cb = [sa[i] for i in conv_a], [sb[j] for j in conv_b]
    if mode == "full":
        keep = ()
    elif mode == "valid":
        if not (all(x >= y for x, y in zip(ca, cb)) or all(x <= y for x, y in zip(ca, cb))):
            raise ValueError("convolve: for 'valid' mode one array must be at least as large "
                             "as the other along every convolved axis")
        keep = tuple(slice(min(x, y) - 1, max(x, y)) for x, y in zip(ca, cb))
    elif mode == "same":
        keep = tuple(slice((y - 1) // 2, (y - 1) // 2 + x) for x, y in zip(ca, cb))
    else:
        raise ValueError(f"convolve: mode must be 'full', 'valid' or 'same', got {mode!r}")
    return full[pick + keep]

# the names `from tapegrad.scipy.signal import *` gives (tests/test_all.py)
__all__ = ["convolve"]
