"""Batching rules of the ops whose per-example form vmap cannot get by broadcasting or
by shifting an axis: convolution's five ops, padding, flat-index gathers, the recurrent
ops, index_put. Each rule runs the op once on the whole batch, written with tapegrad ops
so that what it records differentiates again. A rule returns NotImplemented for the
cases it does not cover; the op then runs once per batch element (with one warning).
"""
import math
import string

import numpy as np

from .. import _random
from .._tensor import Tensor, make
from ..nn._functional_losses import _TargetWeights
from ..nn._functional_norm import ChannelDropoutMask, InstanceRunningStats
from ..nn.functional import RunningStats, _DropoutMask
from ..ops._apply import apply
from ..ops.activations import LogSoftmax, Softmax, relu, sigmoid
from ..ops.arrange import Pad
from ..ops.banded import SolveBanded
from ..ops.conv import Col2im, ColConv, ColConvT, ColConvW, Im2col, _batch_last
from ..ops.elementwise import tanh, where
from ..ops.linalg import Einsum
from ..ops.pool import ConstantPad, PoolPut, PoolTake
from ..ops.recurrent import LSTMGates, LSTMProjSequence, LSTMSequence
from ..ops.recurrent_cell import GRUCellStep, LSTMCellStep, RNNCellStep
from ..ops.recurrent_seq import GRUSequence, RNNSequence
from ..ops.scan import Cumprod, LogCumSumExp
from ..ops.reduce import Sum
from ..ops.shape import BroadcastTo, GetItem, IndexPut, Reshape, Stack, Transpose
from ..ops.special_signal import Convolve
from ._batched import (RULES, BatchedWriteError, DrawEscape, PerElementDraws, PerExample,
                       _align, _axis_rule, _full, _ndim, _user_line, op_level)


def _shape(v):
    return tuple(np.shape(v._data if isinstance(v, Tensor) else v))


def _perm(v, axes):
    return apply(Transpose, v, axes=tuple(axes))


def _reshape(v, shape):
    return apply(Reshape, v, shape=tuple(shape))


def _fold(v, size):
    """(V, N, ...) -> (V * N, ...): the vmapped axis merged into the op's own batch axis."""
    s = _shape(v)
    return _reshape(v, (size * s[1],) + s[2:])


def _unfold(v, size):
    s = _shape(v)
    return _reshape(v, (size, s[0] // size) + s[1:])


# ------------------------------------------------------------------ convolution
# Columns (G, R, N * L) hold sample n's output position l at n * L + l, or at l * N + n
# when the rows are short (conv._batch_last(out)). A vmapped batch of V examples keeps
# its columns as (V, G, R, N * L), each example in its own order; the ops run on the
# folded layout (G, R, V * N * L) (V * N samples), and these two convert.

def _cols_split(c, size, out):
    """Folded columns (G, R, V*N*L) -> per example (V, G, R, N*L)."""
    g, r, m = _shape(c)
    L = math.prod(out)
    n = m // (size * max(L, 1))
    if _batch_last(out):
        v = _perm(_reshape(c, (g, r, L, size, n)), (3, 0, 1, 2, 4))
    else:
        v = _perm(_reshape(c, (g, r, size, n * L)), (2, 0, 1, 3))
    return _reshape(v, (size, g, r, n * L))


def _cols_fold(c, out):
    """Per-example columns (V, G, R, N*L) -> folded (G, R, V*N*L)."""
    size, g, r, m = _shape(c)
    L = math.prod(out)
    n = m // max(L, 1)
    if _batch_last(out):
        v = _perm(_reshape(c, (size, g, r, L, n)), (1, 2, 3, 0, 4))
    else:
        v = _perm(c, (1, 2, 0, 3))
    return _reshape(v, (g, r, size * n * L))


def _y_rows(y, groups):
    """Per-example outputs (V, N, O, *L) -> (V, G, O/G, N*L) in the columns' order."""
    s = _shape(y)
    size, n, o, out = s[0], s[1], s[2], s[3:]
    L = math.prod(out)
    v = _reshape(y, (size, n, groups, o // groups, L))
    if _batch_last(out):
        v = _perm(v, (0, 2, 3, 4, 1))
    else:
        v = _perm(v, (0, 2, 3, 1, 4))
    return _reshape(v, (size, groups, o // groups, n * L))


def _y_unrows(m, out):
    """The inverse of _y_rows: (V, G, O/G, N*L) -> (V, N, O, *out)."""
    size, g, og, nl = _shape(m)
    L = math.prod(out)
    n = nl // max(L, 1)
    if _batch_last(out):
        v = _perm(_reshape(m, (size, g, og, L, n)), (0, 4, 1, 2, 3))
    else:
        v = _perm(_reshape(m, (size, g, og, n, L)), (0, 3, 1, 2, 4))
    return _reshape(v, (size, n, g * og) + tuple(out))


def _im2col_rule(op, vals, flags, params, size):
    c = apply(Im2col, _fold(vals[0], size), **params)
    return _cols_split(c, size, params["out"])


def _col2im_rule(op, vals, flags, params, size):
    x = apply(Col2im, _cols_fold(vals[0], params["out"]), **params)
    return _unfold(x, size)


def _wmat(w, size, groups):
    """Weights (V, O, C/G, *K) (broadcast when unbatched) as (V, G, O/G, C/G * prod K)."""
    s = _shape(w)[1:]
    return _reshape(w, (size, groups, s[0] // groups, -1))


def _colconv_rule(op, vals, flags, params, size):
    (w, c), (fw, fc) = vals, flags
    out = params["out"]
    if not fw:      # shared weights: one convolution of all V * N samples
        return _unfold(apply(ColConv, w, _cols_fold(c, out), out=out), size)
    c = _full(c, fc, size)
    y = apply(Einsum, _wmat(w, size, _shape(c)[1]), c, ins=("vgok", "vgkm"), out="vgom")
    return _y_unrows(y, out)


def _colconvt_rule(op, vals, flags, params, size):
    (w, y), (fw, fy) = vals, flags
    groups = params["groups"]
    if not fw:      # shared weights: the columns of all V * N samples at once
        cols = apply(ColConvT, w, _fold(y, size), groups=groups)
        return _cols_split(cols, size, _shape(y)[3:])
    rows = _y_rows(_full(y, fy, size), groups)
    return apply(Einsum, _wmat(w, size, groups), rows, ins=("vgok", "vgom"), out="vgkm")


def _colconvw_rule(op, vals, flags, params, size):
    (y, c), (fy, fc) = vals, flags
    y, c = _full(y, fy, size), _full(c, fc, size)
    groups, rows = _shape(c)[1:3]
    o, k = _shape(y)[2], params["ksize"]
    wm = apply(Einsum, _y_rows(y, groups), c, ins=("vgom", "vgkm"), out="vgok")
    return _reshape(wm, (size, o, rows // math.prod(k)) + tuple(k))


RULES.update({Im2col: _im2col_rule, Col2im: _col2im_rule, ColConv: _colconv_rule,
              ColConvT: _colconvt_rule, ColConvW: _colconvw_rule})


# ------------------------------------------------------------------ axis ops

def _softmax_rule(op, vals, flags, params, size):
    """axis=None (all of one example's axes; none for a 0-d example, where softmax is
    1 and log_softmax 0) becomes the axes after the batch axis."""
    if params["axis"] is not None:
        return _axis_rule(op, vals, flags, params, size)
    nd = _shape(vals[0])[1:]
    return apply(op, vals[0], axis=tuple(range(1, len(nd) + 1)))


for _op in (Cumprod, LogCumSumExp):
    RULES[_op] = _axis_rule
RULES[Softmax] = RULES[LogSoftmax] = _softmax_rule


def _pad_rule(op, vals, flags, params, size):
    vs = params["values"]
    fill = vs[0][0] if vs else 0.0
    return apply(Pad, vals[0], pad_width=((0, 0),) + tuple(params["pad_width"]),
                 values=((fill, fill),) + tuple(vs) if vs else ())


def _constant_pad_rule(op, vals, flags, params, size):
    return apply(ConstantPad, vals[0], pads=((0, 0),) + tuple(params["pads"]),
                 value=params["value"])


RULES.update({Pad: _pad_rule, ConstantPad: _constant_pad_rule})


# ------------------------------------------------------------------ flat-index gathers

def _offsets(index, size, plane):
    """A flat index into one example, as flat indices into each of `size` examples of
    `plane` elements: (size,) + index.shape."""
    if type(index) is PerExample:
        return None
    index = np.asarray(index)
    base = (np.arange(size, dtype=index.dtype if index.dtype.kind in "iu" else np.int64)
            * plane).reshape((size,) + (1,) * index.ndim)
    return index[None] + base


def _pool_take_rule(op, vals, flags, params, size):
    x = vals[0]
    index = _offsets(params["index"], size, math.prod(_shape(x)[1:]))
    if index is None:
        return NotImplemented
    return apply(PoolTake, x, index=index, unique=params["unique"])


def _pool_put_rule(op, vals, flags, params, size):
    shape = tuple(params["shape"])
    index = _offsets(params["index"], size, math.prod(shape))
    if index is None:
        return NotImplemented
    return apply(PoolPut, vals[0], index=index, unique=params["unique"],
                 shape=(size,) + shape)


RULES.update({PoolTake: _pool_take_rule, PoolPut: _pool_put_rule})


def _index_put_rule(op, vals, flags, params, size):
    """x[index] = v for every example: the index gets a leading full slice, when that
    keeps the written region's axes after the batch axis (advanced indices split by a
    slice would move them in front)."""
    (x, v), (fx, fv) = vals, flags
    index = params["index"]
    index = index if isinstance(index, tuple) else (index,)
    if any(type(i) is PerExample for i in index):
        return NotImplemented
    x = _full(x, fx, size)
    xs = _shape(x)
    probe = np.broadcast_to(np.zeros((), np.int8), xs[1:])
    region = probe[index].shape
    if np.broadcast_to(np.zeros((), np.int8), xs)[(slice(None),) + index].shape != \
            (size,) + region:
        return NotImplemented
    if fv:
        v = _align(v, len(region))
    return apply(IndexPut, x, v, index=(slice(None),) + index)


RULES[IndexPut] = _index_put_rule


# ------------------------------------------------------------------ recurrent ops

def _lstm_gates_rule(op, vals, flags, params, size):
    """Elementwise but for the new axis of 7 rows in front of the result: inputs aligned
    as an elementwise op's, the rows' axis then moved past the batch axis."""
    nd = max(_ndim(v, f) for v, f in zip(vals, flags))
    vals = [_align(v, nd) if f else v for v, f in zip(vals, flags)]
    out = apply(LSTMGates, *vals)
    k = len(_shape(out))
    return _perm(out, (1, 0) + tuple(range(2, k)))


RULES[LSTMGates] = _lstm_gates_rule


def _sequence_parts(op):
    """(positions of the weights, positions of the initial states) among op's inputs."""
    if op is LSTMProjSequence:          # x, w_ih, w_hh, b, h0, c0, w_hr
        return (1, 2, 3, 6), (4, 5)
    if op is LSTMSequence:              # x, w_ih, w_hh, b, h0, c0
        return (1, 2, 3), (4, 5)
    return (1, 2, 3, 4), (5,)           # x, w_ih, w_hh, b_ih, b_hh, h0


def _sequence_rule(op, vals, flags, params, size):
    """x (T, N, I) and the initial states (N, H) batched, the weights shared: the
    vmapped axis folds into N, one run over V * N sequences (lengths repeat per
    example)."""
    weights, states = _sequence_parts(op)
    if any(flags[k] for k in weights):
        return _unrolled(op, vals, flags, params, size)
    x = _full(vals[0], flags[0], size)
    t, n, i = _shape(x)[1:]
    xf = _reshape(_perm(x, (1, 0, 2, 3)), (t, size * n, i))
    args = list(vals)
    args[0] = xf
    for k in states:
        args[k] = _fold(_full(vals[k], flags[k], size), size)
    if params.get("lengths") is not None:
        params = dict(params, lengths=tuple(np.tile(np.asarray(params["lengths"]), size)))
    out = apply(op, *args, **params)
    s = _shape(out)
    if op is RNNSequence:               # (T, V*N, H)
        return _perm(_reshape(out, (s[0], size, n, s[2])), (1, 0, 2, 3))
    rows = _reshape(out, (s[0], s[1], size, n, s[3]))     # (rows, T, V, N, H)
    return _perm(rows, (2, 0, 1, 3, 4))


for _op in (LSTMSequence, LSTMProjSequence, GRUSequence, RNNSequence):
    RULES[_op] = _sequence_rule


def _cell_rule(op, vals, flags, params, size):
    """The cell step ops (ops/recurrent_cell.py) with x, h (and c) batched and the
    weights shared: the vmapped axis folds into N, one step for V * N rows. Per-example
    weights (vmap(grad) of a cell, an ensemble): _cell_composed."""
    states = (0, 1, 2) if op is LSTMCellStep else (0, 1)
    if any(f for k, f in enumerate(flags) if k not in states):
        return _cell_composed(op, vals, flags, params, size)
    args = list(vals)
    for k in states:
        args[k] = _fold(_full(vals[k], flags[k], size), size)
    n = _shape(args[0])[0] // size
    out = apply(op, *args, **params)
    s = _shape(out)
    if op is RNNCellStep:                               # (V*N, H)
        return _reshape(out, (size, n, s[-1]))
    return _perm(_reshape(out, (s[0], size, n, s[2])), (1, 0, 2, 3))   # rows, V, N, H


def _cell_composed(op, vals, flags, params, size):
    """A cell step with per-example weights: each product one einsum for the batch, the
    gate math from batched ops, rows as the op's own result."""
    vals = [_full(v, f, size) for v, f in zip(vals, flags)]
    if op is LSTMCellStep:
        x, h, c, w_ih, w_hh, b_ih, b_hh = vals
    else:
        x, h, w_ih, w_hh, b_ih, b_hh = vals
    g = _shape(w_ih)[1]
    xp = _bmm(x, w_ih) + _reshape(b_ih, (size, 1, g))
    hh = _bmm(h, w_hh) + _reshape(b_hh, (size, 1, g))
    if op is LSTMCellStep:
        return _perm(apply(LSTMGates, xp, hh, c), (1, 0, 2, 3))      # (V, 7, N, H)
    if op is GRUCellStep:
        hd = g // 3
        r = sigmoid(_third(xp, 0, hd) + _third(hh, 0, hd))
        z = sigmoid(_third(xp, 1, hd) + _third(hh, 1, hd))
        hn = _third(hh, 2, hd)
        n = tanh(_third(xp, 2, hd) + r * hn)
        return apply(Stack, n + z * (h - n), r, z, n, hn, axis=1)  # (V, 5, N, H)
    return relu(xp + hh) if params["relu"] else tanh(xp + hh)


for _op in (RNNCellStep, LSTMCellStep, GRUCellStep):
    RULES[_op] = _cell_rule


def _bmm(a, w):
    """a (V, N, K) times each example's w (V, G, K) transposed: (V, N, G)."""
    return apply(Einsum, a, w, ins=("vnk", "vgk"), out="vng")


def _third(v, k, h):
    return apply(GetItem, v, index=(Ellipsis, slice(k * h, (k + 1) * h)))


def _unrolled(op, vals, flags, params, size):
    """Per-example weights (vmap(grad) of a recurrent model, or an ensemble): the
    recurrence unrolled over time, each step one product per weight for the whole
    batch (an einsum over the examples), rows as the op's own result. With lengths, a
    step past a sequence's length keeps its state (a where on the static mask: no
    gradient through the step, as the op's own rules); an LSTM projection is one more
    product per step, h padded with zeros to the row's width as the op returns it."""
    vals = [_full(v, f, size) for v, f in zip(vals, flags)]
    w_hr = None
    if op is LSTMProjSequence:
        x, w_ih, w_hh, b_ih, h, c, w_hr = vals
        b_hh = None
    elif op is LSTMSequence:
        x, w_ih, w_hh, b_ih, h, c = vals            # one bias: b_ih + b_hh
        b_hh = None
    else:
        x, w_ih, w_hh, b_ih, b_hh, h = vals
        c = None
    t_len, n = _shape(x)[1:3]
    gh = _shape(w_ih)[1]
    bias = (size, 1, gh)
    lengths = params.get("lengths")
    carried = None if lengths is None else \
        (np.arange(t_len)[:, None] >= np.asarray(lengths)[None, :])[:, None, :, None]
    xp = apply(Einsum, x, w_ih, ins=("vtni", "vgi"), out="vtng") + \
        _reshape(b_ih, (size, 1, 1, gh))
    steps = range(t_len - 1, -1, -1) if params["reverse"] else range(t_len)
    rows = [None] * t_len
    for t in steps:
        xt = apply(GetItem, xp, index=(slice(None), t))
        hh = _bmm(h, w_hh)
        if b_hh is not None:
            hh = hh + _reshape(b_hh, bias)
        keep = None if carried is None or not carried[t].any() else carried[t]
        if c is not None:
            step = apply(LSTMGates, xt, hh, c)              # (7, V, N, H)
            hn, cn = step[0], step[1]
            if w_hr is not None:
                hn = _bmm(hn, w_hr)                         # (V, N, P)
            if keep is not None:
                hn, cn = where(keep, h, hn), where(keep, c, cn)
            h, c = hn, cn
            hrow = h
            if w_hr is not None:
                hrow = apply(ConstantPad, h, pads=((0, 0), (0, 0),
                                                   (0, _shape(c)[2] - _shape(h)[2])),
                             value=0.0)
            step = apply(Stack, hrow, c, axis=0)            # (2, V, N, H): h and c
        elif op is GRUSequence:
            hd = gh // 3
            r = sigmoid(_third(xt, 0, hd) + _third(hh, 0, hd))
            z = sigmoid(_third(xt, 1, hd) + _third(hh, 1, hd))
            hn = _third(hh, 2, hd)
            new = tanh(_third(xt, 2, hd) + r * hn)
            hnew = new + z * (h - new)
            if keep is not None:        # the op's carried step: z = 1, h handed on
                z, hnew = where(keep, 1.0, z), where(keep, h, hnew)
            h = hnew
            step = apply(Stack, h, r, z, new, hn, axis=0)   # (5, V, N, H)
        else:
            pre = xt + hh
            hnew = relu(pre) if params["relu"] else tanh(pre)
            h = hnew if keep is None else where(keep, h, hnew)
            step = h
        rows[t] = step
    if op is RNNSequence:
        return apply(Stack, *rows, axis=1)                  # (V, T, N, H)
    out = apply(Stack, *rows, axis=1)                       # (rows, T, V, N, H)
    return _perm(out, (2, 0, 1, 3, 4))


# ------------------------------------------------------------------ scipy.signal

def _convolve_rule(op, vals, flags, params, size):
    """One operand batched: a full convolution along the batch axis with a length-1
    kernel is the identity there, so the shared operand just gets a leading 1. Both
    batched: _convolve_pairs."""
    (x, y), (fx, fy) = vals, flags
    if fx and fy:
        return _convolve_pairs(x, y, size)
    if fx:
        return apply(Convolve, x, _reshape(y, (1,) + _shape(y)))
    return apply(Convolve, _reshape(x, (1,) + _shape(x)), y)


def _convolve_pairs(x, y, size):
    """Each example's x (V, *a) convolved with its own y (V, *b), as a correlation of
    the longer one, zero-padded, with the shorter one flipped: the windows of the
    padded operand are gathered (static indices), one einsum sums over the shorter
    one's axes. Work V * prod(out) * prod(shorter), the direct method's."""
    a, b = _shape(x)[1:], _shape(y)[1:]
    if math.prod(b) > math.prod(a):
        x, y, a, b = y, x, b, a             # convolution commutes
    nd = len(a)
    if nd == 0:
        return x * y
    out = tuple(p + q - 1 for p, q in zip(a, b))
    xp = apply(ConstantPad, x, pads=((0, 0),) + tuple((q - 1, q - 1) for q in b), value=0)
    flip = apply(GetItem, y, index=(slice(None),) + (slice(None, None, -1),) * nd)
    index = []
    for k in range(nd):
        # window position o, offset j along axis k: o + j, laid out as (o_k, j_k) at
        # axes 2k, 2k+1 of the gathered block
        pos = np.arange(out[k])[:, None] + np.arange(b[k])[None, :]
        index.append(pos.reshape((1,) * (2 * k) + pos.shape + (1,) * (2 * (nd - k - 1))))
    win = apply(GetItem, xp, index=(slice(None),) + tuple(index))
    letters = string.ascii_letters[:2 * nd]
    return apply(Einsum, win, flip, ins=("V" + letters, "V" + letters[1::2]),
                 out="V" + letters[0::2])


RULES[Convolve] = _convolve_rule
del _op


# ------------------------------------------------------------------ banded solves

def _solve_banded_rule(op, vals, flags, params, size):
    """Shared ab: the batch's right-hand sides as columns of one solve. Per-example ab:
    one banded system of order V * n, block diagonal, whose band array is the examples'
    side by side with their unread corners zeroed (they would couple neighbouring
    blocks): the same band widths, so the same O(n (l + u)^2) work per example."""
    (ab, b), (fab, fb) = vals, flags
    l, u = params["l"], params["u"]
    if not fab:
        bs = _shape(b)
        cols = _perm(b, (1, 0) + tuple(range(2, len(bs))))      # (n, V[, k])
        x = apply(op, ab, _reshape(cols, (bs[1], -1)), l=l, u=u)
        return _perm(_reshape(x, _shape(cols)), (1, 0) + tuple(range(2, len(bs))))
    b = _full(b, fb, size)
    m, n = _shape(ab)[1:]
    r, j = np.arange(m)[:, None], np.arange(n)[None, :]
    read = (r + j - u >= 0) & (r + j - u < n)                   # A[r + j - u, j]
    side = _reshape(_perm(where(read, ab, 0.0), (1, 0, 2)), (m, size * n))
    bs = _shape(b)
    x = apply(op, side, _reshape(b, (size * n,) + bs[2:]), l=l, u=u)
    return _reshape(x, bs)


RULES[SolveBanded] = _solve_banded_rule


# ------------------------------------------------------------------ cross entropy's targets

def _target_weights_rule(op, vals, flags, params, size):
    """Integer targets -> class coefficients: one per row, so the examples' rows are
    folded into one set. The 'mean' denominator (sum over valid rows of the target's
    weight, NaN when 0) is each example's unsmoothed coefficients summed."""
    if len(vals) > 2 and flags[2]:
        return NotImplemented           # per-example class weights
    t = _full(vals[0], flags[0], size)
    rows = _full(vals[1], flags[1], size)
    m, c = _shape(rows)[1:]
    smooth = params["label_smoothing"] if params["part"] == "coef" else 0.0
    coef = apply(op, _reshape(t, (size * m,)), _reshape(rows, (size * m, c)), *vals[2:],
                 **dict(params, part="coef", label_smoothing=smooth))
    coef = _reshape(coef, (size, m, params["n_classes"]))
    if params["part"] == "coef":
        return coef
    total = apply(Sum, coef, axis=(1, 2), keepdims=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / (total != 0)


RULES[_TargetWeights] = _target_weights_rule


# ------------------------------------------------------------------ randomness and effects

def _dropout_mask_rule(op, vals, flags, params, size):
    """randomness="different": one mask per element, drawn for the whole batch at once;
    "same": one mask for one example, shared by the batch ("error" refuses the draw)."""
    gen = _random._gen
    if isinstance(gen, PerElementDraws):
        if gen.level != op_level[0]:
            raise DrawEscape("vmap: dropout batched at a vmap whose randomness is not "
                             "'different', inside one that is")
        _random._gen = gen.real
        try:
            return apply(op, vals[0], **params)
        finally:
            _random._gen = gen
    s = _shape(vals[0])[1:]
    dtype = (vals[0]._data if isinstance(vals[0], Tensor) else np.asarray(vals[0])).dtype
    mask = apply(op, make(np.zeros(s, dtype)), **params)
    ms = _shape(mask)               # dropout2d's mask: one value per channel
    return apply(BroadcastTo, _reshape(mask, (1,) + ms), shape=(size,) + ms)


RULES[_DropoutMask] = RULES[ChannelDropoutMask] = _dropout_mask_rule


def _running_stats_rule(op, vals, flags, params, size):
    raise BatchedWriteError(
        f"vmap: {op.effect} (a norm layer in training mode) writes one value per batch "
        f"element into statistics that are not batched, at {_user_line()}. Call "
        "model.eval() for the mapped function, build the layer with "
        "track_running_stats=False, or map over per-element statistics (the buffers of "
        "tg.func.stack_module_state, in_axes 0)")


RULES[RunningStats] = RULES[InstanceRunningStats] = _running_stats_rule
