"""Batching rules of the ops whose per-example form vmap cannot get by broadcasting or
by shifting an axis: convolution's five ops, padding, flat-index gathers, the recurrent
ops, index_put. Each rule runs the op once on the whole batch, written with tapegrad ops
so that what it records differentiates again. A rule returns NotImplemented for the
cases it does not cover; the op then runs once per batch element (with one warning).
"""
import math

import numpy as np

from .._tensor import Tensor
from ..ops._apply import apply
from ..ops.activations import LogSoftmax, Softmax
from ..ops.arrange import Pad
from ..ops.conv import Col2im, ColConv, ColConvT, ColConvW, Im2col, _batch_last
from ..ops.linalg import Einsum
from ..ops.pool import ConstantPad, PoolPut, PoolTake
from ..ops.recurrent import LSTMGates, LSTMSequence
from ..ops.recurrent_seq import GRUSequence, RNNSequence
from ..ops.scan import Cumprod, LogCumSumExp
from ..ops.shape import BroadcastTo, IndexPut, Reshape, Transpose
from ..ops.special_signal import Convolve
from ._batched import RULES, PerExample, _align, _axis_rule, _full, _ndim


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
