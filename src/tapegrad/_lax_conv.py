"""jax.lax's convolution, window reduction and top_k (re-exported by tapegrad.lax):
`conv_general_dilated` maps JAX's layouts and padding onto tg.nn.functional's
conv1d/2d/3d; `reduce_window` combines strided slices of the (padded) operand, so its
gradient and batching are those of slicing and the elementwise combination."""
from __future__ import annotations

import builtins
import operator

import numpy as np

from . import ops
from ._check import integer
from ._tensor import Tensor, make
from .nn import functional as _F
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from ._typing import ArrayLike


def _tensor(v):
    return v if isinstance(v, Tensor) else make(np.asarray(v))


# ------------------------------------------------------------------ convolution

def _conv_perms(specs, nd):
    """Axis orders (N, C, spatial...) of lhs and out and (O, I, spatial...) of rhs from
    JAX's dimension_numbers strings; spatial axes follow the rhs spec's order, as JAX."""
    if specs is None:
        sp = "DHW"[3 - nd:]
        specs = ("NC" + sp, "OI" + sp, "NC" + sp)
    if not (isinstance(specs, (tuple, list)) and len(specs) == 3 and
            all(isinstance(t, str) and len(t) == nd + 2 for t in specs)):
        raise ValueError(f"lax.conv_general_dilated: dimension_numbers must be None or three "
                         f"strings of length {nd + 2} like ('NHWC', 'HWIO', 'NHWC'), got "
                         f"{specs!r}")
    lhs, rhs, out = specs
    spatial = [c for c in rhs if c not in "OI"]

    def order(spec, a, b):
        if sorted(spec) != sorted(a + b + "".join(spatial)):
            raise ValueError(f"lax.conv_general_dilated: dimension_numbers {specs!r} do not "
                             f"name the same axes")
        return (spec.index(a), spec.index(b)) + tuple(spec.index(c) for c in spatial)
    return order(lhs, "N", "C"), order(rhs, "O", "I"), order(out, "N", "C")


def _same_pads(sizes, kernel, strides, dil, lower):
    pads = []
    for n, k, st, d in zip(sizes, kernel, strides, dil):
        out = -(-n // st)
        total = builtins.max((out - 1) * st + (k - 1) * d + 1 - n, 0)
        lo = total - total // 2 if lower else total // 2
        pads.append((lo, total - lo))
    return pads


def conv_general_dilated(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int],
                         padding: Any, lhs_dilation: Sequence[int] | None = None,
                         rhs_dilation: Sequence[int] | None = None,
                         dimension_numbers: Any = None, feature_group_count: int = 1,
                         batch_group_count: int = 1, precision: Any = None,
                         preferred_element_type: Any = None) -> Tensor:
    """N-d convolution (cross-correlation, as XLA) in JAX's general form
    (jax.lax.conv_general_dilated), through tg.nn.functional.conv1d/2d/3d.

    Args:
        lhs: the input, (N, C, spatial...) or in dimension_numbers' layout.
        rhs: the kernel, (O, I / feature_group_count, spatial...) or in its layout.
        window_strides: one stride per spatial axis.
        padding: "VALID", "SAME", "SAME_LOWER", or one (low, high) pair per spatial axis
            (a negative pad crops).
        lhs_dilation: the input dilation per spatial axis (default ones): d - 1 zeros
            between neighbours, as a transposed convolution computes.
        rhs_dilation: the kernel dilation per spatial axis (default ones).
        dimension_numbers: None or three layout strings, e.g. ('NHWC', 'HWIO', 'NHWC').
        feature_group_count: the number of groups.
        batch_group_count: must be 1.
        precision: accepted for JAX's signature.
        preferred_element_type: accepted for JAX's signature.

    Returns:
        The output in the out layout of dimension_numbers (default (N, O, spatial...)).

    Raises:
        ValueError: malformed dimension_numbers, padding, strides or dilations.
        NotImplementedError: batch_group_count > 1.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> x, k = jnp.ones((1, 5, 5, 2)), jnp.ones((3, 3, 2, 4))
    >>> lax.conv_general_dilated(x, k, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO",
    ...                          "NHWC")).shape
    (1, 5, 5, 4)
    """
    x, w = _tensor(lhs), _tensor(rhs)
    nd = x.ndim - 2
    if nd not in (1, 2, 3) or w.ndim != x.ndim:
        raise ValueError(f"lax.conv_general_dilated: need 1 to 3 spatial axes with lhs and "
                         f"rhs of the same rank, got shapes {tuple(x.shape)} and "
                         f"{tuple(w.shape)}")
    if batch_group_count != 1:
        raise NotImplementedError("lax.conv_general_dilated: batch_group_count must be 1")
    lp, rp, op = _conv_perms(dimension_numbers, nd)
    x = ops.transpose(x, lp)
    w = ops.transpose(w, rp)
    strides = tuple(operator.index(v) for v in window_strides)
    dil = (1,) * nd if rhs_dilation is None else tuple(operator.index(v) for v in rhs_dilation)
    ldil = (1,) * nd if lhs_dilation is None else tuple(operator.index(v)
                                                        for v in lhs_dilation)
    if len(strides) != nd or len(dil) != nd or len(ldil) != nd:
        raise ValueError(f"lax.conv_general_dilated: need {nd} window_strides, "
                         f"lhs_dilation and rhs_dilation, got {strides}, {ldil} and {dil}")
    if any(v < 1 for v in strides + dil + ldil):
        raise ValueError(f"lax.conv_general_dilated: strides and dilations must be "
                         f"positive, got {strides}, {ldil} and {dil}")
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            pads = [(0, 0)] * nd
        elif mode in ("SAME", "SAME_LOWER"):
            pads = _same_pads(tuple(x.shape[2:]), tuple(w.shape[2:]), strides, dil,
                              mode == "SAME_LOWER")
        else:
            raise ValueError(f"lax.conv_general_dilated: padding must be 'VALID', 'SAME', "
                             f"'SAME_LOWER' or (low, high) pairs, got {padding!r}")
    else:
        pads = [tuple(operator.index(v) for v in pair) for pair in padding]
        if len(pads) != nd or any(len(p) != 2 for p in pads):
            raise ValueError(f"lax.conv_general_dilated: need {nd} (low, high) padding "
                             f"pairs, got {padding!r}")
    # string padding is computed on the undilated input, as JAX does
    x = _dilate(x, ldil)
    if any(v < 0 for p in pads for v in p):       # a negative pad crops, as in XLA
        crop = [slice(None), slice(None)]
        for (lo, hi), n in zip(pads, x.shape[2:]):
            crop.append(slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n))
        x = x[tuple(crop)]
        pads = [(builtins.max(lo, 0), builtins.max(hi, 0)) for lo, hi in pads]
    if any(lo != hi for lo, hi in pads):
        flat = [v for lo_hi in reversed(pads) for v in lo_hi]
        x = _F.pad(x, flat)
        pad_arg: Any = 0
    else:
        pad_arg = tuple(lo for lo, _ in pads)
    conv = (_F.conv1d, _F.conv2d, _F.conv3d)[nd - 1]
    y = conv(x, w, None, strides, pad_arg, dil, feature_group_count)
    inv = [0] * len(op)
    for k, p in enumerate(op):
        inv[p] = k
    return ops.transpose(y, tuple(inv))


def _dilate(x, ldil):
    """x with d - 1 zeros between neighbours along each spatial axis (lhs_dilation):
    each entry is paired with zeros, then the trailing zeros are cut."""
    for ax, d in enumerate(ldil, start=2):
        n = x.shape[ax]
        if d == 1 or n == 0:
            continue
        x = ops.expand_dims(x, ax + 1)
        pad = [0, 0] * (x.ndim - ax - 2) + [0, d - 1]
        x = _F.pad(x, pad)                  # (..., n, d, ...): entry then d - 1 zeros
        shape = tuple(x.shape)
        x = ops.reshape(x, shape[:ax] + (n * d,) + shape[ax + 2:])
        x = x[(slice(None),) * ax + (slice(0, (n - 1) * d + 1),)]
    return x


def conv(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: Any,
         precision: Any = None, preferred_element_type: Any = None) -> Tensor:
    """conv_general_dilated with the default layouts (N, C, spatial...) and
    (O, I, spatial...) (jax.lax.conv).

    Args:
        lhs: the input (N, C, spatial...).
        rhs: the kernel (O, I, spatial...).
        window_strides: one stride per spatial axis.
        padding: "VALID", "SAME" or (low, high) pairs.
        precision: accepted for JAX's signature.
        preferred_element_type: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.conv(jnp.ones((1, 1, 4)), jnp.ones((1, 1, 2)), (1,), "VALID").tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding)


def reduce_window(operand: ArrayLike, init_value: Any, computation: Callable[[Any, Any], Any],
                  window_dimensions: Sequence[int], window_strides: Sequence[int],
                  padding: Any, base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> Tensor:
    """Reduce every window of `operand` with `computation` (jax.lax.reduce_window): max or
    average pooling as JAX programs write it, e.g.
    `reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")`.

    Args:
        operand: the array.
        init_value: the reduction's identity (also the padding value).
        computation: addition, maximum, minimum or multiplication (lax.add, lax.max,
            jnp.maximum, ...; recognised by its value on (2, 3)).
        window_dimensions: the window size per axis.
        window_strides: the step per axis.
        padding: "VALID", "SAME" or one (low, high) pair per axis.
        base_dilation: must be None or ones.
        window_dilation: the spacing of a window's entries per axis (default ones).

    Returns:
        The reduced windows; differentiable in operand (the gradient of a max goes to
        its window's maximum).

    Raises:
        ValueError: an unknown computation, or sizes that do not match operand's rank.
        NotImplementedError: base_dilation other than ones.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> x = jnp.arange(16.0).reshape(1, 4, 4, 1)
    >>> lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")[0, :, :, 0]
    tensor([[ 5.,  7.],
            [13., 15.]], dtype=float64)
    """
    x = _tensor(operand)
    nd = x.ndim
    try:
        key = float(np.asarray(_tensor(computation(np.float64(2.0), np.float64(3.0)))._data))
    except (TypeError, ValueError):
        key = None
    # the computation recognised by its value on (2, 3): 5 add, 3 max, 2 min, 6 multiply
    monoids: dict[float, Any] = {5.0: ops.add, 3.0: ops.maximum, 2.0: ops.minimum,
                                 6.0: ops.multiply}
    combine = monoids.get(key) if key is not None else None
    if combine is None:
        raise ValueError("lax.reduce_window: computation must be addition, maximum, minimum "
                         f"or multiplication, got {computation!r}")
    win = tuple(operator.index(v) for v in window_dimensions)
    strides = tuple(operator.index(v) for v in window_strides)
    wdil = (1,) * nd if window_dilation is None else tuple(operator.index(v)
                                                           for v in window_dilation)
    if base_dilation is not None and any(int(v) != 1 for v in base_dilation):
        raise NotImplementedError("lax.reduce_window: base_dilation is not supported")
    if not len(win) == len(strides) == len(wdil) == nd:
        raise ValueError(f"lax.reduce_window: need one window size, stride and dilation "
                         f"per axis of the operand's {nd}, got {win}, {strides}, {wdil}")
    if isinstance(padding, str):
        if padding.upper() == "VALID":
            pads = [(0, 0)] * nd
        elif padding.upper() == "SAME":
            pads = _same_pads(tuple(x.shape), win, strides, wdil, False)
        else:
            raise ValueError(f"lax.reduce_window: padding must be 'VALID', 'SAME' or pairs, "
                             f"got {padding!r}")
    else:
        pads = [tuple(operator.index(v) for v in pair) for pair in padding]
    if any(lo or hi for lo, hi in pads):
        fill = float(np.asarray(_tensor(init_value)._data))
        x = _F.pad(x, [v for pair in reversed(pads) for v in pair], value=fill)
    full = tuple(x.shape)
    out = [(n - ((k - 1) * d + 1)) // st + 1 for n, k, st, d in zip(full, win, strides, wdil)]
    acc: Any = None
    for offset in np.ndindex(*win):
        idx = tuple(slice(o * d, o * d + (m - 1) * st + 1, st)
                    for o, d, m, st in zip(offset, wdil, out, strides))
        part = x[idx]
        acc = part if acc is None else combine(acc, part)
    return combine(acc, _tensor(init_value))


def top_k(operand: ArrayLike, k: int) -> tuple[Tensor, Tensor]:
    """The k largest entries along the last axis and their indices (jax.lax.top_k).

    Args:
        operand: the array.
        k: how many entries to keep.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> v, i = lax.top_k(jnp.array([1.0, 3.0, 2.0]), 2)
    >>> v.tolist(), i.tolist()
    ([3.0, 2.0], [1, 2])
    """
    r = ops.topk(_tensor(operand), integer(k, "lax.top_k", "k", low=0))
    return r[0], r[1]
