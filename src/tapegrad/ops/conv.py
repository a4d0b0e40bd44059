"""Convolution: five ops closed under differentiation, and PyTorch's functional forms.

- `Im2col(x)`: the windows of x (B, C, *S) as columns, one strided view copied once;
  `Col2im(c)`: its adjoint, the columns summed back into x's shape;
- `ColConv(w, c)`: w (O, C/groups, *K) times the columns -> (B, O, *L), one matmul;
  `ColConvT(w, y)` and `ColConvW(y, c)`: its adjoints in c and in w.

A convolution is Im2col then ColConv, so the columns are saved for the weight gradient;
a transposed convolution is ColConvT then Col2im. The rules of each op are the others,
so every order records. `conv1d/2d/3d`, `conv_transpose1d/2d`, `unfold` and `fold`
check their arguments and apply these ops (unfold and fold are a grouped convolution with
one-hot kernels).
"""
from __future__ import annotations

import math

import numpy as np

from .._check import describe
from .._dtypes import default_float
from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._pool import buffer as _buffer
from ._shapes import check_operand
from .shape import Reshape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


# ------------------------------------------------------------------ geometry

def _out_size(size, ksize, stride, padding, dilation):
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1
                 for s, k, st, (lo, hi), d in zip(size, ksize, stride, padding, dilation))


# Inside the ops the batch axis moves next to the spatial axes: (C, B, *S), or batch-last
# (C, *S, B) when rows of output positions are short (a window row is then one run of
# out * B values), so that im2col and col2im copy long contiguous runs.

def _batch_last(out):
    return out[-1] < 16


def _inner(a, last):
    """(B, C, *S) viewed as (C, *S, B) or (C, B, *S)."""
    return np.moveaxis(a, 0, -1) if last else a.swapaxes(0, 1)


def _outer(a, last):
    """The inverse of _inner, C-contiguous: the ops downstream (relu's mask, the
    finiteness checks) take their fast paths on contiguous arrays."""
    return np.ascontiguousarray(np.moveaxis(a, -1, 0) if last else a.swapaxes(0, 1))


def _cols(x, ksize, out, stride, padding, dilation, groups):
    """im2col of x (B, C, *S): (groups, C/groups * prod(ksize), B * prod(out)), the
    columns in _inner's order, copied once from a strided window view."""
    b, n = x.shape[0], len(ksize)
    last = _batch_last(out)
    first = 1 if last else 2                            # the first spatial axis
    xt = _inner(x, last)
    if any(lo or hi for lo, hi in padding):
        pads = [(0, 0)] * (n + 2)
        pads[first:first + n] = padding
        xt = np.pad(xt, pads)
    else:
        xt = np.ascontiguousarray(xt)
    # the windows as one strided view (C, *K, then B and *out in xt's order) over xt's
    # buffer: what sliding_window_view, slicing and a transpose give, without their cost
    st = xt.strides
    spatial = st[first:first + n]
    batch = ((b,), (st[-1 if last else 1],))
    shape = ((xt.shape[0],) + tuple(ksize) + (tuple(out) + batch[0] if last else
                                               batch[0] + tuple(out)))
    moves = tuple(a * s for a, s in zip(spatial, stride))
    strides = ((st[0],) + tuple(a * d for a, d in zip(spatial, dilation)) +
               (moves + batch[1] if last else batch[1] + moves))
    win = np.ndarray(shape, xt.dtype, buffer=xt, strides=strides)
    cols = _buffer(win.shape, win.dtype)
    np.copyto(cols, win)
    rows = x.shape[1] // groups * math.prod(ksize)
    return cols.reshape(groups, rows, b * math.prod(out))


_BLOCK = 256


def _matmul_blocked(a, b, out):
    """a (G, M, K) @ b (G, K, N) into out (G, M, N), in blocks of _BLOCK columns: with
    small M and K, OpenBLAS runs one product over many columns 20-35% slower."""
    n = b.shape[2]
    k = n // _BLOCK
    if k < 2:
        return np.matmul(a, b, out=out)
    main = k * _BLOCK
    g, m = out.shape[:2]
    blocks = b[:, :, :main].reshape(g, b.shape[1], k, _BLOCK).transpose(0, 2, 1, 3)
    np.matmul(a[:, None], blocks,
              out=out[:, :, :main].reshape(g, m, k, _BLOCK).transpose(0, 2, 1, 3))
    if main < n:
        np.matmul(a, b[:, :, main:], out=out[:, :, main:])
    return out


def _per_sample(cols, b):
    """Columns (G, R, B * L) in the (C, B, *S) order as B strided (G, R, L) matrices."""
    g, r = cols.shape[:2]
    return cols.reshape(g, r, b, -1).transpose(2, 0, 1, 3)


def _y_rows(y, groups):
    """y (B, O, *L) as (groups, O/groups, B * prod(L)) in _inner's order."""
    o = y.shape[1]
    return _inner(y, _batch_last(y.shape[2:])).reshape(groups, o // groups,
                                                       y.shape[0] * math.prod(y.shape[2:]))


def _shape(v):
    return np.shape(_raw(v))


def _samples(c, out):
    return c.shape[2] // max(math.prod(out), 1)


# A convolution is Im2col (the windows of x as columns, linear in x) then ColConv (one
# product of the weights with the columns). ColConv saves the columns, so the weight
# gradient is one product with them and nothing is unfolded twice. Im2col/Col2im are each
# other's adjoints, and so are ColConv/ColConvT/ColConvW in their two inputs: every order
# of derivative records with these five ops.

@register
class Im2col(Op):
    """x (B, C, *S) -> columns (groups, C/groups * prod(ksize), B * prod(out)): column
    (b, l) holds the window of output position l of sample b; padding is a (low, high)
    pair per spatial axis; the column order is internal (batch first or last)."""

    @staticmethod
    def forward(x, *, ksize, out, stride, padding, dilation, groups):
        return _cols(x, ksize, out, stride, padding, dilation, groups)

    @staticmethod
    def vjp(ctx, g):
        return (call(Col2im, g, size=ctx.in_shapes[0][2:], **ctx.params),)

    @staticmethod
    def jvp(ctx, dx):
        return call(Im2col, dx, **ctx.params)


@register
class Col2im(Op):
    """The adjoint of Im2col: columns back to (B, C, *size), overlapping windows summed
    (col2im)."""
    args = ("c",)

    @staticmethod
    def forward(c, *, size, ksize, out, stride, padding, dilation, groups):
        b = _samples(c, out)
        ch = c.shape[0] * c.shape[1] // math.prod(ksize)
        last = _batch_last(out)
        cols = c.reshape((ch,) + tuple(ksize) + (tuple(out) + (b,) if last else
                                                 (b,) + tuple(out)))
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, padding))
        xp = _buffer((ch,) + (padded + (b,) if last else (b,) + padded), c.dtype)
        xp.fill(0)
        head = (slice(None),) * (1 if last else 2)
        # each kernel offset adds its slice of the columns into the padded input
        for k in np.ndindex(*ksize):
            index = head + tuple(slice(ki * d, ki * d + (oi - 1) * s + 1, s)
                                 for ki, d, oi, s in zip(k, dilation, out, stride))
            xp[index] += cols[(slice(None),) + k]
        crop = head + tuple(slice(lo, lo + s) for s, (lo, _) in zip(size, padding))
        return _outer(xp[crop], last)

    @staticmethod
    def vjp(ctx, g):
        p = dict(ctx.params)
        del p["size"]
        return (call(Im2col, g, **p),)

    @staticmethod
    def jvp(ctx, dc):
        return call(Col2im, dc, **ctx.params)


@register
class ColConv(Op):
    """w (O, C/groups, *K) times columns c (groups, C/groups * prod(K), B * prod(out)):
    the convolution (B, O, *out)."""
    args = ("w", "c")
    saves = ("w", "c")

    @staticmethod
    def forward(w, c, *, out):
        groups, b, o = c.shape[0], _samples(c, out), w.shape[0]
        wm = w.reshape(groups, o // groups, -1)
        if _batch_last(out):
            y = _matmul_blocked(wm, c, np.empty((groups, o // groups, c.shape[2]),
                                                np.result_type(w, c)))   # (G, O/G, L*B)
            return _outer(y.reshape((o,) + tuple(out) + (b,)), True)
        # one GEMM per sample, straight into (B, G, O/G, L): OpenBLAS runs these two to
        # three times faster than one GEMM over B*L columns, and no transpose follows
        y = np.matmul(wm, _per_sample(c, b))
        return y.reshape((b, o) + tuple(out))

    @staticmethod
    def vjp(ctx, g):
        w, c = ctx.saved
        gw = gc = None
        if ctx.needs_grad[0]:
            gw = call(ColConvW, g, c, ksize=ctx.in_shapes[0][2:])
        if ctx.needs_grad[1]:
            gc = call(ColConvT, w, g, groups=ctx.in_shapes[1][0])
        return gw, gc

    @staticmethod
    def jvp(ctx, dw, dc):
        w, c = ctx.saved
        p = ctx.params
        return tangent_sum(None if dw is None else call(ColConv, dw, c, **p),
                           None if dc is None else call(ColConv, w, dc, **p))


@register
class ColConvT(Op):
    """The adjoint of ColConv in its columns: w (O, C/groups, *K) and y (B, O, *L) give
    columns (groups, C/groups * prod(K), B * prod(L))."""
    args = ("w", "y")
    saves = ("w", "y")

    @staticmethod
    def forward(w, y, *, groups):
        b, o = y.shape[:2]
        wm = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)      # (G, Cg*K, O/G)
        cols = _buffer((groups, wm.shape[1], b * math.prod(y.shape[2:])),
                       np.result_type(w, y))
        if _batch_last(y.shape[2:]):
            _matmul_blocked(wm, _y_rows(y, groups), cols)
        else:
            np.matmul(wm, y.reshape(b, groups, o // groups, -1), out=_per_sample(cols, b))
        return cols

    @staticmethod
    def vjp(ctx, k):
        w, y = ctx.saved
        gw = gy = None
        if ctx.needs_grad[0]:
            gw = call(ColConvW, y, k, ksize=ctx.in_shapes[0][2:])
        if ctx.needs_grad[1]:
            gy = call(ColConv, w, k, out=ctx.in_shapes[1][2:])
        return gw, gy

    @staticmethod
    def jvp(ctx, dw, dy):
        w, y = ctx.saved
        p = ctx.params
        return tangent_sum(None if dw is None else call(ColConvT, dw, y, **p),
                           None if dy is None else call(ColConvT, w, dy, **p))


@register
class ColConvW(Op):
    """The adjoint of ColConv in its weights: y (B, O, *L) and columns c give the
    w-shaped (O, C/groups, *ksize) sum over the batch of y times the columns."""
    args = ("y", "c")
    saves = ("y", "c")

    @staticmethod
    def forward(y, c, *, ksize):
        groups, rows = c.shape[:2]
        b, o = y.shape[:2]
        if _batch_last(y.shape[2:]):
            # (G, Cg*K, O/G): OpenBLAS is faster with the long axis inside
            wm = np.matmul(c, _y_rows(y, groups).transpose(0, 2, 1))
        else:
            # per sample (as in ColConv), y read in place; the B partial sums added
            ym = y.reshape(b, groups, o // groups, -1).transpose(0, 1, 3, 2)
            wm = np.matmul(_per_sample(c, b), ym).sum(axis=0)
        return wm.transpose(0, 2, 1).reshape((o, rows // math.prod(ksize)) + tuple(ksize))

    @staticmethod
    def vjp(ctx, h):
        y, c = ctx.saved
        gy = gc = None
        if ctx.needs_grad[0]:
            gy = call(ColConv, h, c, out=ctx.in_shapes[0][2:])
        if ctx.needs_grad[1]:
            gc = call(ColConvT, h, y, groups=ctx.in_shapes[1][0])
        return gy, gc

    @staticmethod
    def jvp(ctx, dy, dc):
        y, c = ctx.saved
        p = ctx.params
        return tangent_sum(None if dy is None else call(ColConvW, dy, c, **p),
                           None if dc is None else call(ColConvW, y, dc, **p))


def _convolve(x, w, *, stride, padding, dilation, groups):
    """The convolution of x (B, C, *S) with w (O, C/groups, *K), arguments checked by the
    caller (padding as (low, high) pairs): Im2col then ColConv."""
    ksize = _shape(w)[2:]
    out = _out_size(_shape(x)[2:], ksize, stride, padding, dilation)
    c = apply(Im2col, x, ksize=ksize, out=out, stride=stride, padding=padding,
              dilation=dilation, groups=groups)
    return apply(ColConv, w, c, out=out)


def _convolve_transpose(y, w, *, size, stride, padding, dilation, groups):
    """The adjoint of _convolve in x: y (B, O, *L) to (B, C, *size)."""
    c = apply(ColConvT, w, y, groups=groups)
    return apply(Col2im, c, size=size, ksize=_shape(w)[2:], out=_shape(y)[2:], stride=stride,
                 padding=padding, dilation=dilation, groups=groups)


# ------------------------------------------------------------------ argument checks

def _tensor(fn, name, v):
    if isinstance(v, Tensor):
        return v
    check_operand(fn, name, v)
    if not isinstance(v, np.ndarray):
        raise TypeError(f"{fn}: {name} must be a tensor, got {describe(v)}")
    return v


def _ints(fn, name, v, n, low):
    """An int or a sequence of n ints, each at least `low`, as an n-tuple."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (int(v),) * n
    elif isinstance(v, (tuple, list)) and len(v) == n and all(
            isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in v):
        v = tuple(int(e) for e in v)
    else:
        raise TypeError(f"{fn}: {name} must be an int or a tuple of {n} ints, got "
                        f"{describe(v)}")
    if any(e < low for e in v):
        what = "positive" if low == 1 else "non-negative"
        raise ValueError(f"{fn}: {name} must be {what}, got {v if n > 1 else v[0]}")
    return v


def _batched(fn, x, n):
    """x with a batch axis (PyTorch takes an unbatched (C, *S) input too)."""
    nd = len(_shape(x))
    if nd == n + 2:
        return x, False
    if nd == n + 1:
        return apply(Reshape, x, shape=(1,) + _shape(x)), True
    raise ValueError(f"{fn}: input must be {n + 1}-D (unbatched) or {n + 2}-D (batched), got "
                     f"shape {_shape(x)}")


def _unbatch(y, squeeze):
    return apply(Reshape, y, shape=_shape(y)[1:]) if squeeze else y


def _add_bias(fn, y, bias, channels, n):
    if bias is None:
        return y
    bias = _tensor(fn, "bias", bias)
    if _shape(bias) != (channels,):
        raise ValueError(f"{fn}: bias must have shape ({channels},) (one per output channel), "
                         f"got shape {_shape(bias)}")
    return y + apply(Reshape, bias, shape=(channels,) + (1,) * n)


def _padding(fn, padding, n, ksize, dilation, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{fn}: padding='same' is not supported for strided "
                                 f"convolutions (stride={stride})")
            total = [d * (k - 1) for k, d in zip(ksize, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise ValueError(f"{fn}: padding must be 'valid', 'same', an int or a tuple of "
                         f"{n} ints, got {padding!r}")
    return tuple((p, p) for p in _ints(fn, "padding", padding, n, 0))


def _check_fits(fn, size, ksize, padding, dilation):
    for s, k, (lo, hi), d in zip(size, ksize, padding, dilation):
        if s + lo + hi < d * (k - 1) + 1:
            raise ValueError(f"{fn}: kernel size {tuple(ksize)} (dilation {tuple(dilation)}) "
                             f"is bigger than the padded input {tuple(size)} + padding")


def _conv(fn, n, input, weight, bias, stride, padding, dilation, groups):
    x = _tensor(fn, "input", input)
    w = _tensor(fn, "weight", weight)
    groups = _ints(fn, "groups", groups, 1, 1)[0]
    if len(_shape(w)) != n + 2:
        raise ValueError(f"{fn}: weight must be {n + 2}-D (out_channels, in_channels/groups, "
                         f"*kernel_size), got shape {_shape(w)}")
    x, squeeze = _batched(fn, x, n)
    o, cg = _shape(w)[:2]
    c = _shape(x)[1]
    if not o or not cg or 0 in _shape(w)[2:]:
        raise ValueError(f"{fn}: weight must not have a zero-sized dimension, got shape "
                         f"{_shape(w)}")
    if o % groups:
        raise ValueError(f"{fn}: out_channels (weight.shape[0] = {o}) must be divisible by "
                         f"groups={groups}")
    if c != cg * groups:
        raise ValueError(f"{fn}: expected input with {cg * groups} channels "
                         f"(weight.shape[1] = {cg} times groups = {groups}), got input of "
                         f"shape {_shape(x)} with {c} channels")
    stride = _ints(fn, "stride", stride, n, 1)
    dilation = _ints(fn, "dilation", dilation, n, 1)
    ksize = _shape(w)[2:]
    pads = _padding(fn, padding, n, ksize, dilation, stride)
    _check_fits(fn, _shape(x)[2:], ksize, pads, dilation)
    y = _convolve(x, w, stride=stride, padding=pads, dilation=dilation, groups=groups)
    return _unbatch(_add_bias(fn, y, bias, o, n), squeeze)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of input (N, C, L) with weight
    (out_channels, C/groups, k), as torch.nn.functional.conv1d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.conv1d(tg.ones((1, 1, 5)), tg.ones((1, 1, 3))).shape
    (1, 1, 3)
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of input (N, C, H, W) with weight
    (out_channels, C/groups, kh, kw), as torch.nn.functional.conv2d. padding is an int,
    a pair, 'valid' or 'same'.

    >>> import tapegrad as tg
    >>> x = tg.ones((2, 3, 8, 8))
    >>> tg.nn.functional.conv2d(x, tg.ones((4, 3, 3, 3)), padding="same").shape
    (2, 4, 8, 8)
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """3-D convolution of input (N, C, D, H, W) with weight (out_channels, C/groups, kd, kh,
    kw), as torch.nn.functional.conv3d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.conv3d(tg.ones((1, 2, 4, 4, 4)), tg.ones((3, 2, 2, 2, 2))).shape
    (1, 3, 3, 3, 3)
    """
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(fn, n, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    x = _tensor(fn, "input", input)
    w = _tensor(fn, "weight", weight)
    groups = _ints(fn, "groups", groups, 1, 1)[0]
    if len(_shape(w)) != n + 2:
        raise ValueError(f"{fn}: weight must be {n + 2}-D (in_channels, out_channels/groups, "
                         f"*kernel_size), got shape {_shape(w)}")
    x, squeeze = _batched(fn, x, n)
    cin, cg = _shape(w)[:2]
    if not cin or not cg or 0 in _shape(w)[2:]:
        raise ValueError(f"{fn}: weight must not have a zero-sized dimension, got shape "
                         f"{_shape(w)}")
    if cin % groups:
        raise ValueError(f"{fn}: in_channels (weight.shape[0] = {cin}) must be divisible by "
                         f"groups={groups}")
    if _shape(x)[1] != cin:
        raise ValueError(f"{fn}: expected input with {cin} channels (weight.shape[0]), got "
                         f"input of shape {_shape(x)} with {_shape(x)[1]} channels")
    stride = _ints(fn, "stride", stride, n, 1)
    dilation = _ints(fn, "dilation", dilation, n, 1)
    if isinstance(padding, str):
        raise ValueError(f"{fn}: padding must be an int or a tuple of {n} ints, got "
                         f"{padding!r} (string padding is for conv{n}d)")
    pad = _ints(fn, "padding", padding, n, 0)
    extra = _ints(fn, "output_padding", output_padding, n, 0)
    for e, s, d in zip(extra, stride, dilation):
        if e >= s and e >= d:
            raise ValueError(f"{fn}: output_padding {extra} must be smaller than either "
                             f"stride {stride} or dilation {dilation}")
    ksize = _shape(w)[2:]
    size = tuple((i - 1) * s - 2 * p + d * (k - 1) + e + 1 for i, s, p, d, k, e in
                 zip(_shape(x)[2:], stride, pad, dilation, ksize, extra))
    if any(s <= 0 for s in size):
        raise ValueError(f"{fn}: the output size {size} is not positive (input "
                         f"{_shape(x)}, padding {pad}, kernel {ksize})")
    y = _convolve_transpose(x, w, size=size, stride=stride,
                            padding=tuple((p, p) for p in pad), dilation=dilation,
                            groups=groups)
    return _unbatch(_add_bias(fn, y, bias, cg * groups, n), squeeze)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] | None = 1,
                     padding: int | tuple[int, ...] | str = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """Transposed 1-D convolution (the gradient of conv1d in its input) of input (N, Cin, L)
    with weight (Cin, out_channels/groups, k), as torch.nn.functional.conv_transpose1d.

    >>> import tapegrad as tg
    >>> tg.nn.functional.conv_transpose1d(tg.ones((1, 2, 4)), tg.ones((2, 3, 3))).shape
    (1, 3, 6)
    """
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] | None = 1,
                     padding: int | tuple[int, ...] | str = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """Transposed 2-D convolution of input (N, Cin, H, W) with weight (Cin,
    out_channels/groups, kh, kw), as torch.nn.functional.conv_transpose2d.

    >>> import tapegrad as tg
    >>> x = tg.ones((1, 2, 4, 4))
    >>> tg.nn.functional.conv_transpose2d(x, tg.ones((2, 3, 3, 3)), stride=2).shape
    (1, 3, 9, 9)
    """
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


# ------------------------------------------------------------------ unfold / fold

def _one_hot_kernels(c, ksize, dtype):
    """(c * prod(ksize), 1, *ksize): output channel c * K + j picks kernel offset j."""
    k = math.prod(ksize)
    eye = np.eye(k, dtype=dtype).reshape((k, 1) + tuple(ksize))
    return np.tile(eye, (c,) + (1,) * (len(ksize) + 1))


def _float_dtype(x):
    dt = np.result_type(_raw(x))
    return dt if dt.kind in "fc" else default_float()


def unfold(input: Tensor, kernel_size: int | tuple[int, ...], dilation: int | tuple[int, ...] = 1,
           padding: int | tuple[int, ...] | str = 0,
           stride: int | tuple[int, ...] | None = 1) -> Tensor:
    """Sliding blocks of input (N, C, H, W) as columns (N, C * kh * kw, L) (im2col), as
    torch.nn.functional.unfold.

    >>> import tapegrad as tg
    >>> tg.nn.functional.unfold(tg.ones((1, 2, 4, 4)), 2).shape
    (1, 8, 9)
    """
    fn = "unfold"
    x = _tensor(fn, "input", input)
    x, squeeze = _batched(fn, x, 2)
    ksize = _ints(fn, "kernel_size", kernel_size, 2, 1)
    dilation = _ints(fn, "dilation", dilation, 2, 1)
    pads = tuple((p, p) for p in _ints(fn, "padding", padding, 2, 0))
    stride = _ints(fn, "stride", stride, 2, 1)
    _check_fits(fn, _shape(x)[2:], ksize, pads, dilation)
    b, c = _shape(x)[:2]
    if not c:
        raise ValueError(f"unfold: input must have at least one channel, got shape "
                         f"{_shape(x)}")
    w = _one_hot_kernels(c, ksize, _float_dtype(x))
    y = _convolve(x, w, stride=stride, padding=pads, dilation=dilation, groups=c)
    n_blocks = math.prod(_shape(y)[2:])
    y = apply(Reshape, y, shape=(b, c * math.prod(ksize), n_blocks))
    return _unbatch(y, squeeze)


def fold(input: Tensor, output_size: Any, kernel_size: int | tuple[int, ...],
         dilation: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
         stride: int | tuple[int, ...] | None = 1) -> Tensor:
    """Sums columns (N, C * kh * kw, L) back into an image (N, C, *output_size): the adjoint
    of unfold (col2im), as torch.nn.functional.fold.

    >>> import tapegrad as tg
    >>> tg.nn.functional.fold(tg.ones((1, 4, 9)), (4, 4), 2)[0, 0, 1]
    tensor([2., 4., 4., 2.])
    """
    fn = "fold"
    x = _tensor(fn, "input", input)
    nd = len(_shape(x))
    if nd not in (2, 3):
        raise ValueError(f"fold: input must be 2-D (unbatched) or 3-D (batched), got shape "
                         f"{_shape(x)}")
    squeeze = nd == 2
    if squeeze:
        x = apply(Reshape, x, shape=(1,) + _shape(x))
    size = _ints(fn, "output_size", output_size, 2, 1)
    ksize = _ints(fn, "kernel_size", kernel_size, 2, 1)
    dilation = _ints(fn, "dilation", dilation, 2, 1)
    pads = tuple((p, p) for p in _ints(fn, "padding", padding, 2, 0))
    stride = _ints(fn, "stride", stride, 2, 1)
    b, ck, n_blocks = _shape(x)
    k = math.prod(ksize)
    if ck % k:
        raise ValueError(f"fold: input.shape[1] = {ck} must be divisible by the kernel "
                         f"size product {k} (kernel_size={ksize})")
    _check_fits(fn, size, ksize, pads, dilation)
    out = _out_size(size, ksize, stride, pads, dilation)
    if math.prod(out) != n_blocks:
        raise ValueError(f"fold: input.shape[2] = {n_blocks} must be the number of blocks "
                         f"{math.prod(out)} ({out[0]} x {out[1]}) of output_size={size}")
    c = ck // k
    if not c:
        raise ValueError(f"fold: input must have at least one channel, got shape {_shape(x)}")
    y = apply(Reshape, x, shape=(b, ck) + out)
    w = _one_hot_kernels(c, ksize, _float_dtype(x))
    r = _convolve_transpose(y, w, size=size, stride=stride, padding=pads,
                            dilation=dilation, groups=c)
    return _unbatch(r, squeeze)

# the names `from tapegrad.ops.conv import *` gives (tests/test_all.py)
__all__ = ["Col2im", "ColConv", "ColConvT", "ColConvW", "Im2col", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "fold", "unfold"]
