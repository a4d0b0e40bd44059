"""Pooling, resampling and padding in PyTorch's functional forms.

Max pooling and nearest resampling pick elements: the choice (the kink decision, first
maximum on ties, NaN wins) is made here on the raw values and the op is `PoolTake`, a
gather by flat index whose adjoint `PoolPut` scatters back. Average pooling is a
convolution with a ones kernel (ops/conv.py) times a constant divisor; adaptive average
pooling and bilinear resampling are products with fixed interpolation matrices.
`ConstantPad` pads (or crops, for negative amounts) with a value; reflect, replicate and
circular padding gather by index.
"""
from __future__ import annotations

import math

import numpy as np

from .._check import describe
from .._tensor import Tensor, make
from ._apply import apply, call
from ._op import Op, register
from .conv import _batched, _convolve, _float_dtype, _ints, _shape, _tensor, _unbatch
from .linalg import MatMul
from .shape import GetItem, Reshape, Transpose
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


# ------------------------------------------------------------------ gather by flat index

@register
class PoolTake(Op):
    """x.ravel()[index]: the result has index's shape."""

    @staticmethod
    def forward(x, *, index, unique):
        return np.take(x.reshape(-1), index)

    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(PoolPut, g, index=p["index"], unique=p["unique"],
                     shape=ctx.in_shapes[0]),)

    @staticmethod
    def jvp(ctx, dx):
        return call(PoolTake, dx, **ctx.params)


@register
class PoolPut(Op):
    """zeros(shape) with g added at the flat positions `index` (repeats accumulate)."""

    @staticmethod
    def forward(g, *, index, unique, shape):
        size = math.prod(shape)
        if unique:
            out = np.zeros(size, dtype=g.dtype)
            out[index.reshape(-1)] = g.reshape(-1)
        elif g.dtype.kind == "c":
            out = np.zeros(size, dtype=g.dtype)
            np.add.at(out, index.reshape(-1), g.reshape(-1))
        else:
            out = np.bincount(index.reshape(-1), weights=g.reshape(-1), minlength=size)
            out = out.astype(g.dtype, copy=False)
        return out.reshape(shape)

    @staticmethod
    def vjp(ctx, h):
        p = ctx.params
        return (call(PoolTake, h, index=p["index"], unique=p["unique"]),)

    @staticmethod
    def jvp(ctx, dg):
        return call(PoolPut, dg, **ctx.params)


def _take(x, spatial_index, unique):
    """x (B, C, *S) gathered at per-channel flat spatial positions (B, C, *out)."""
    shape = _shape(x)
    b, c = shape[:2]
    plane = math.prod(shape[2:])
    base = (np.arange(b * c, dtype=np.int64) * plane).reshape(
        (b, c) + (1,) * (spatial_index.ndim - 2))
    return apply(PoolTake, x, index=spatial_index + base, unique=unique)


# ------------------------------------------------------------------ max pooling

def _pool_out(fn, size, ksize, stride, pad, dilation, ceil_mode):
    """Output sizes and the extra high padding ceil_mode needs (PyTorch's rule: the last
    window must start inside the input or its left padding)."""
    out, extra = [], []
    for s, k, st, p, d in zip(size, ksize, stride, pad, dilation):
        span = d * (k - 1) + 1
        num = s + 2 * p - span
        if num < 0:
            raise ValueError(f"{fn}: kernel size {tuple(ksize)} (dilation {tuple(dilation)}) "
                             f"is bigger than the padded input {tuple(size)} + padding")
        o = (-(-num // st) if ceil_mode else num // st) + 1
        if ceil_mode and (o - 1) * st >= s + p:
            o -= 1
        out.append(o)
        extra.append(max(0, (o - 1) * st + span - (s + 2 * p)))
    return tuple(out), tuple(extra)


def _pool_args(fn, n, input, kernel_size, stride, padding, dilation):
    x = _tensor(fn, "input", input)
    x, squeeze = _batched(fn, x, n)
    ksize = _ints(fn, "kernel_size", kernel_size, n, 1)
    stride = ksize if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _ints(fn, "stride", stride, n, 1)
    pad = _ints(fn, "padding", padding, n, 0)
    dilation = _ints(fn, "dilation", dilation, n, 1)
    for p, k, d in zip(pad, ksize, dilation):
        if 2 * p > d * (k - 1) + 1:
            raise ValueError(f"{fn}: padding {pad} must be at most half of the (dilated) "
                             f"kernel size {ksize}")
    return x, squeeze, ksize, stride, pad, dilation


def _max_pool(fn, n, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    fold = getattr(_raw(input), "fold", None)   # tg.vmap's input: one pass for the batch
    if fold is not None:
        return fold(lambda v: _max_pool(fn, n, v, kernel_size, stride, padding, dilation,
                                         ceil_mode, return_indices), n + 2)
    x, squeeze, ksize, stride, pad, dilation = _pool_args(fn, n, input, kernel_size, stride,
                                                          padding, dilation)
    size = _shape(x)[2:]
    out, extra = _pool_out(fn, size, ksize, stride, pad, dilation, ceil_mode)
    raw = _raw(x)          # not np.asarray: an array subclass (vmap's) must stay one
    low = -np.inf if raw.dtype.kind in "fc" else (
        False if raw.dtype.kind == "b" else np.iinfo(raw.dtype).min)
    pads = tuple((p, p + e) for p, e in zip(pad, extra))
    padded = np.pad(raw, ((0, 0), (0, 0)) + pads, constant_values=low) \
        if any(lo or hi for lo, hi in pads) else raw
    offsets = list(np.ndindex(*ksize))
    slices = [padded[(slice(None), slice(None)) + tuple(
        slice(ki * d, ki * d + (o - 1) * st + 1, st)
        for ki, d, o, st in zip(k, dilation, out, stride))] for k in offsets]
    arg = _first_max(slices, raw.dtype.kind in "fc")
    strides = [math.prod(size[i + 1:]) for i in range(n)]
    if not any(pad):
        table = np.array([sum(ki * d * st for ki, d, st in zip(k, dilation, strides))
                          for k in offsets], dtype=np.int64)
        base = 0
        for i in range(n):
            o = np.arange(out[i], dtype=np.int64).reshape((out[i],) + (1,) * (n - 1 - i))
            base = base + o * (stride[i] * strides[i])
        spatial = np.take(table, arg)           # np.take: fancy indexing by bytes is slow
        spatial += base
    else:
        ks = np.unravel_index(arg, ksize)
        spatial = 0
        for i in range(n):
            o = np.arange(out[i]).reshape((out[i],) + (1,) * (n - 1 - i))
            # a window of -inf may keep a padding position: point it at the input
            pos = np.clip(o * stride[i] - pad[i] + ks[i] * dilation[i], 0, size[i] - 1)
            spatial = spatial + pos * strides[i]
        spatial = spatial.astype(np.int64)
    # windows that do not overlap pick distinct positions (a clipped padding position may
    # repeat one: padding takes the accumulating path)
    unique = not any(pad) and all(s >= d * (k - 1) + 1
                                  for s, k, d in zip(stride, ksize, dilation))
    y = _unbatch(_take(x, spatial, unique), squeeze)
    if return_indices:
        return y, make(spatial[0] if squeeze else spatial)
    return y


def _first_max(slices, floating):
    """Per output, the index of the slice holding the window's maximum, as PyTorch's scan
    picks it: the first maximum wins a tie, and a NaN replaces anything (the last NaN)."""
    best = np.maximum(slices[0], slices[1]) if len(slices) > 1 else slices[0].copy()
    for sl in slices[2:]:
        np.maximum(best, sl, out=best)
    if floating and np.isnan(best).any():
        arg = np.zeros(best.shape, dtype=np.intp)
        best = slices[0].copy()
        for j, sl in enumerate(slices[1:], 1):
            take = (sl > best) | np.isnan(sl)
            np.copyto(best, sl, where=take)
            np.copyto(arg, j, where=take)
        return arg
    # no NaN: the index of the first slice equal to the maximum is the number of slices
    # before it that are not, counted with boolean flags (np.where is 10x slower here),
    # in bytes while they fit (an eighth of the memory traffic of intp counts)
    below = np.not_equal(slices[0], best)
    arg = below.view(np.uint8).copy() if len(slices) < 256 else below.astype(np.intp)
    flags = np.empty_like(below)
    for sl in slices[1:-1]:
        np.not_equal(sl, best, out=flags)
        below &= flags
        arg += below
    return arg


def max_pool1d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Maximum over sliding windows of input (N, C, L), as torch.nn.functional.max_pool1d;
    with return_indices also the positions of the maxima (int64).

    >>> import tapegrad as tg
    >>> tg.nn.functional.max_pool1d(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[3., 2.]]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def max_pool2d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Maximum over sliding windows of input (N, C, H, W), as
    torch.nn.functional.max_pool2d (stride defaults to kernel_size); the gradient goes to
    the first maximum of each window.

    >>> import tapegrad as tg
    >>> tg.nn.functional.max_pool2d(tg.ones((1, 1, 4, 4)), 2).shape
    (1, 1, 2, 2)
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


# ------------------------------------------------------------------ average pooling

def _divisors(size, ksize, stride, pad, out, count_include_pad):
    """Per-axis window sizes PyTorch divides by: the padded window (cut at the padded
    end) or only its input part."""
    per = []
    for s, k, st, p, o in zip(size, ksize, stride, pad, out):
        start = np.arange(o) * st - p
        end = np.minimum(start + k, s + p)
        if count_include_pad:
            per.append(end - start)
        else:
            per.append(np.minimum(end, s) - np.maximum(start, 0))
    d = per[0]
    for v in per[1:]:
        d = np.multiply.outer(d, v)
    return d


def _avg_pool(fn, n, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override=None):
    x, squeeze, ksize, stride, pad, dilation = _pool_args(fn, n, input, kernel_size, stride,
                                                          padding, 1)
    size = _shape(x)[2:]
    out, extra = _pool_out(fn, size, ksize, stride, pad, dilation, ceil_mode)
    b, c = _shape(x)[:2]
    dtype = _float_dtype(x)
    flat = apply(Reshape, x, shape=(b * c, 1) + size)
    ones = np.ones((1, 1) + ksize, dtype=dtype)
    s = _convolve(flat, ones, stride=stride,
                  padding=tuple((p, p + e) for p, e in zip(pad, extra)), dilation=dilation,
                  groups=1)
    if divisor_override is not None:
        scale = np.asarray(1.0 / divisor_override, dtype=dtype)
    else:
        scale = (1.0 / _divisors(size, ksize, stride, pad, out, count_include_pad)).astype(dtype)
    y = apply(Reshape, s * scale, shape=(b, c) + out)
    return _unbatch(y, squeeze)


def avg_pool1d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of input (N, C, L), as torch.nn.functional.avg_pool1d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.avg_pool1d(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[2., 1.]]])
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad)


def avg_pool2d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over sliding windows of input (N, C, H, W), as torch.nn.functional.avg_pool2d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.avg_pool2d(tg.ones((1, 1, 4, 4)), 2, padding=1).shape
    (1, 1, 3, 3)
    """
    if divisor_override is not None:
        divisor_override = _ints("avg_pool2d", "divisor_override", divisor_override, 1, 1)[0]
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


# ------------------------------------------------------------------ adaptive pooling

def _adaptive_size(fn, output_size, size):
    n = len(size)
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * n
    if not isinstance(output_size, (tuple, list)) or len(output_size) != n:
        raise TypeError(f"{fn}: output_size must be an int or a tuple of {n} ints (None "
                        f"keeps an axis), got {describe(output_size)}")
    sizes = tuple(s if o is None else o for o, s in zip(output_size, size))
    return _ints(fn, "output_size", sizes, n, 1)


def _bins(o, s):
    start = (np.arange(o) * s) // o
    end = -((-(np.arange(o) + 1) * s) // o)
    return start, end


def _mean_matrix(o, s, dtype):
    start, end = _bins(o, s)
    j = np.arange(s)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _along_last(x, m, axis, n):
    """Apply the (o, s) matrix m along spatial axis `axis` of x (B, C, *S)."""
    nd = 2 + n
    last = nd - 1
    if axis != last:
        perm = list(range(nd))
        perm[axis], perm[last] = last, axis
        x = apply(Transpose, x, axes=tuple(perm))
    y = apply(MatMul, x, np.ascontiguousarray(m.T))
    if axis != last:
        y = apply(Transpose, y, axes=tuple(perm))
    return y


def _adaptive_avg(fn, n, input, output_size):
    x = _tensor(fn, "input", input)
    x, squeeze = _batched(fn, x, n)
    size = _shape(x)[2:]
    out = _adaptive_size(fn, output_size, size)
    dtype = _float_dtype(x)
    for i in range(n):
        if out[i] != size[i] or i == n - 1:
            x = _along_last(x, _mean_matrix(out[i], size[i], dtype), 2 + i, n)
    return _unbatch(x, squeeze)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over output_size bins of input (N, C, L) (bin i spans floor(i L / o) to
    ceil((i + 1) L / o)), as torch.nn.functional.adaptive_avg_pool1d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.adaptive_avg_pool1d(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[2., 1.]]])
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an output_size grid of bins of input (N, C, H, W), as
    torch.nn.functional.adaptive_avg_pool2d (None in output_size keeps that axis).

    >>> import tapegrad as tg
    >>> tg.nn.functional.adaptive_avg_pool2d(tg.ones((2, 3, 7, 5)), (2, 3)).shape
    (2, 3, 2, 3)
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over an output_size grid of bins of input (N, C, H, W), as
    torch.nn.functional.adaptive_max_pool2d; with return_indices also the flat positions.

    >>> import tapegrad as tg
    >>> tg.nn.functional.adaptive_max_pool2d(tg.ones((1, 2, 5, 5)), 2).shape
    (1, 2, 2, 2)
    """
    fn = "adaptive_max_pool2d"
    fold = getattr(_raw(input), "fold", None)   # tg.vmap's input: one pass for the batch
    if fold is not None:
        return fold(lambda v: adaptive_max_pool2d(v, output_size, return_indices), 4)
    x = _tensor(fn, "input", input)
    x, squeeze = _batched(fn, x, 2)
    raw = _raw(x)          # not np.asarray: an array subclass (vmap's) must stay one
    b, c, h, w = raw.shape
    oh, ow = _adaptive_size(fn, output_size, (h, w))
    hs, he = _bins(oh, h)
    ws, we = _bins(ow, w)
    spatial = np.empty((b, c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            block = raw[:, :, hs[i]:he[i], ws[j]:we[j]]
            bw = we[j] - ws[j]
            k = np.argmax(block.reshape(b, c, -1), axis=-1)
            spatial[:, :, i, j] = (hs[i] + k // bw) * w + ws[j] + k % bw
    y = _unbatch(_take(x, spatial, False), squeeze)
    if return_indices:
        return y, make(spatial[0] if squeeze else spatial)
    return y


# ------------------------------------------------------------------ interpolate

def _src_scale(o, s, scale, align_corners):
    if align_corners:
        return (s - 1) / (o - 1) if o > 1 else 0.0
    return 1.0 / scale if scale is not None else s / o


def _linear_matrix(o, s, scale, align_corners, dtype):
    r = _src_scale(o, s, scale, align_corners)
    i = np.arange(o, dtype=np.float64)
    src = i * r if align_corners else np.maximum((i + 0.5) * r - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), s - 1)
    i1 = np.minimum(i0 + 1, s - 1)
    lam = src - i0
    m = np.zeros((o, s))
    np.add.at(m, (np.arange(o), i0), 1.0 - lam)
    np.add.at(m, (np.arange(o), i1), lam)
    return m.astype(dtype)


def _cubic_matrix(o, s, scale, align_corners, dtype):
    """PyTorch's bicubic weights (cubic convolution, A = -0.75) over the 4 neighbours,
    the indices clamped at the borders; the source coordinate is not clamped at 0."""
    r = _src_scale(o, s, scale, align_corners)
    i = np.arange(o, dtype=np.float64)
    src = i * r if align_corners else (i + 0.5) * r - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    a = -0.75

    def near(x):        # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):         # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    m = np.zeros((o, s))
    for k, w in zip(range(-1, 3), (far(t + 1), near(t), near(1 - t), far(2 - t))):
        np.add.at(m, (np.arange(o), np.clip(i0 + k, 0, s - 1)), w)
    return m.astype(dtype)


_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
_LINEAR = ("linear", "bilinear", "trilinear")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize input (N, C, *S) to `size` or S * scale_factor, as
    torch.nn.functional.interpolate; modes 'nearest', 'nearest-exact', 'area' (adaptive
    average pooling), 'linear'/'bilinear'/'trilinear' and 'bicubic' (with align_corners).

    >>> import tapegrad as tg
    >>> tg.nn.functional.interpolate(tg.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    fn = "interpolate"
    x = _tensor(fn, "input", input)
    nd = len(_shape(x))
    if nd < 3 or nd > 5:
        raise ValueError(f"interpolate: input must be 3-D, 4-D or 5-D (N, C, *spatial), got "
                         f"shape {_shape(x)}")
    n = nd - 2
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {', '.join(map(repr, _MODES))}, "
                         f"got {mode!r}")
    if mode in _LINEAR and mode != _LINEAR[n - 1]:
        raise ValueError(f"interpolate: mode={mode!r} needs a {_LINEAR.index(mode) + 3}-D "
                         f"input, got shape {_shape(x)}")
    if mode == "bicubic" and n != 2:
        raise ValueError(f"interpolate: mode='bicubic' needs a 4-D input, got shape "
                         f"{_shape(x)}")
    if mode not in _LINEAR + ("bicubic",) and align_corners is not None:
        raise ValueError("interpolate: align_corners can only be set with the linear and "
                         "bicubic modes")
    if antialias:
        raise ValueError("interpolate: antialias=True is not supported")
    spatial = _shape(x)[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        out = _ints(fn, "size", size, n, 1)
        scales = (None,) * n
    else:
        sf = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * n
        if len(sf) != n or not all(isinstance(v, (int, float, np.integer, np.floating))
                                   and not isinstance(v, bool) and v > 0 for v in sf):
            raise ValueError(f"interpolate: scale_factor must be a positive number or {n} of "
                             f"them, got {scale_factor!r}")
        out = tuple(int(math.floor(s * float(f))) for s, f in zip(spatial, sf))
        scales = (None,) * n if recompute_scale_factor else tuple(float(f) for f in sf)
    if mode == "area":
        return _adaptive_avg(fn, n, x, out)
    if mode in ("nearest", "nearest-exact"):
        shift = np.float32(0.5 if mode == "nearest-exact" else 0.0)
        pos, unique = [], True
        for i in range(n):
            r = _src_scale(out[i], spatial[i], scales[i], False)
            at = np.arange(out[i], dtype=np.float32) + shift
            src = np.minimum(np.floor(at * np.float32(r))
                             .astype(np.int64),
                             spatial[i] - 1)
            unique = unique and bool(np.all(np.diff(src) > 0))
            pos.append(src.reshape((out[i],) + (1,) * (n - 1 - i)))
        idx = np.ravel_multi_index(tuple(np.broadcast_arrays(*pos)), spatial)
        b, c = _shape(x)[:2]
        idx = np.broadcast_to(idx, (b, c) + out).astype(np.int64)
        return _take(x, idx, unique)
    dtype = _float_dtype(x)
    ac = bool(align_corners)
    matrix = _cubic_matrix if mode == "bicubic" else _linear_matrix
    for i in range(n):
        m = matrix(out[i], spatial[i], scales[i], ac, dtype)
        x = _along_last(x, m, 2 + i, n)
    return x


# ------------------------------------------------------------------ pad

@register
class ConstantPad(Op):
    """x padded by (low, high) per axis with `value`; a negative amount crops."""

    @staticmethod
    def forward(x, *, pads, value):
        crop = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(pads, x.shape))
        x = x[crop]
        return np.pad(x, tuple((max(lo, 0), max(hi, 0)) for lo, hi in pads),
                      constant_values=value)

    # the adjoint of padding is cropping the same amounts (and of cropping, zero padding)
    @staticmethod
    def vjp(ctx, g):
        return (call(ConstantPad, g, pads=tuple((-lo, -hi) for lo, hi in ctx.params["pads"]),
                     value=0),)

    @staticmethod
    def jvp(ctx, dx):
        return call(ConstantPad, dx, pads=ctx.params["pads"], value=0)


def _pad_index(mode, lo, hi, s):
    i = np.arange(-lo, s + hi)
    if mode == "reflect":
        period = 2 * (s - 1)
        i = np.abs(i) % period if period else np.zeros_like(i)
        return np.where(i >= s, period - i, i)
    if mode == "replicate":
        return np.clip(i, 0, s - 1)
    return i % s                                    # circular


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pads the last len(pad) // 2 axes of input: pad = (last_low, last_high,
    second_last_low, ...), as torch.nn.functional.pad; mode 'constant' (value, negative
    amounts crop), 'reflect', 'replicate' or 'circular'.

    >>> import tapegrad as tg
    >>> tg.nn.functional.pad(tg.tensor([1.0, 2.0, 3.0]), (1, 2), mode="reflect")
    tensor([2., 1., 2., 3., 2., 1.])
    """
    fn = "pad"
    x = _tensor(fn, "input", input)
    shape = _shape(x)
    if not isinstance(pad, (tuple, list)) or len(pad) % 2 or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad: pad must be a tuple of an even number of ints, got "
                        f"{describe(pad)}")
    k = len(pad) // 2
    if k > len(shape):
        raise ValueError(f"pad: pad of length {len(pad)} pads {k} axes but input has shape "
                         f"{shape}")
    modes = ("constant", "reflect", "replicate", "circular")
    if mode not in modes:
        raise ValueError(f"pad: mode must be one of {', '.join(map(repr, modes))}, got "
                         f"{mode!r}")
    pairs = [(0, 0)] * len(shape)
    for j in range(k):
        pairs[len(shape) - 1 - j] = (int(pad[2 * j]), int(pad[2 * j + 1]))
    for (lo, hi), s in zip(pairs, shape):
        if s + lo + hi < 0 or (mode != "constant" and (lo < 0 or hi < 0)):
            raise ValueError(f"pad: padding {tuple(pad)} is invalid for input of shape "
                             f"{shape} in mode {mode!r}")
    if mode == "constant":
        v = 0.0 if value is None else value
        return apply(ConstantPad, x, pads=tuple(pairs), value=v)
    if value not in (None, 0):
        raise ValueError(f"pad: value is only used in mode 'constant', got value={value!r} "
                         f"with mode {mode!r}")
    for axis, ((lo, hi), s) in enumerate(zip(pairs, shape)):
        if not (lo or hi):
            continue
        if mode == "reflect" and (lo >= s or hi >= s):
            raise ValueError(f"pad: reflect padding ({lo}, {hi}) must be smaller than the "
                             f"size {s} of axis {axis}")
        if mode == "circular" and (lo > s or hi > s):
            raise ValueError(f"pad: circular padding ({lo}, {hi}) must be at most the size "
                             f"{s} of axis {axis}")
        index = (slice(None),) * axis + (_pad_index(mode, lo, hi, s),)
        x = apply(GetItem, x, index=index)
    return x

# the names `from tapegrad.ops.pool import *` gives (tests/test_all.py)
__all__ = ["PoolTake", "PoolPut", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "interpolate",
           "ConstantPad", "pad"]
