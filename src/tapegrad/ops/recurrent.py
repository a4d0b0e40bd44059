"""LSTM ops: the pointwise part of one step (LSTMGates, what nn.LSTMCell runs) and a
whole layer over a sequence in one direction (LSTMSequence, what nn.LSTM runs).

Composed from sigmoid, tanh, slices and products a step is about 15 recorded ops; as one
op it is one node, and a layer call one node for all its steps. The rules below are
written with tapegrad ops, so they record for a second order like any other.
"""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._shapes import check_operand
from .activations import Sigmoid
from .linalg import MatMul
from .reduce import Sum
from .shape import Concatenate, Reshape, Stack, Transpose


def _shape(a):
    return np.shape(a._data if isinstance(a, Tensor) else a)


def _dtype(a):
    return (a._data if isinstance(a, Tensor) else a).dtype


def _fill(a, shape, dtype):
    """`a` broadcast to `shape` as a value of its own (a broadcast input made it smaller)."""
    return a if _shape(a) == shape else a + np.zeros(shape, dtype)


@register
class LSTMGates(Op):
    """The LSTM step's values stacked on a new first axis, from xp and hh (..., 4n) and
    c (..., n): rows h', c', i, f, g, o, tanh(c'), where i, f, g, o are sigmoid, sigmoid,
    tanh, sigmoid of the quarters of xp + hh, c' = f c + i g and h' = o tanh(c'). The
    gates ride along in the result so that the rules read them back (as Tanh reads its
    output) instead of computing the exponentials again."""
    args = ("xp", "hh", "c")
    saves = ("c", "out")

    @staticmethod
    def forward(xp, hh, c):
        n = c.shape[-1]
        pre = xp + hh
        s = Sigmoid.forward(pre)            # one call for i, f and o (g's quarter unused)
        shape = np.broadcast_shapes(pre.shape[:-1] + (n,), c.shape)
        out = np.empty((7,) + shape, np.result_type(s, c))
        out[2] = s[..., :n]
        out[3] = s[..., n:2 * n]
        np.tanh(pre[..., 2 * n:3 * n], out=out[4])
        out[5] = s[..., 3 * n:]
        np.multiply(out[3], c, out=out[1])
        out[1] += out[2] * out[4]
        np.tanh(out[1], out=out[6])
        np.multiply(out[5], out[6], out=out[0])
        return out

    # With G_k the cotangent of row k: d tanh(c') gets G6 + G0 o, c' gets G1 + that times
    # (1 - tanh(c')^2), and each gate its own row's G plus its share of c' (or of h' for
    # o), times its derivative: s (1 - s) for the sigmoids, 1 - g^2 for g
    @staticmethod
    def vjp(ctx, gout):
        c, out = ctx.saved
        i, f, g, o, tc = out[2], out[3], out[4], out[5], out[6]
        g0 = gout[0]
        dc = gout[1] + (gout[6] + g0 * o) * (1 - tc * tc)
        need = ctx.needs_grad
        gpre = None
        if need[0] or need[1]:
            parts = ((gout[2] + dc * g) * (i * (1 - i)), (gout[3] + dc * c) * (f * (1 - f)),
                     (gout[4] + dc * i) * (1 - g * g), (gout[5] + g0 * tc) * (o * (1 - o)))
            # a broadcast c leaves the quarters of different shapes: join equal ones
            shape = _shape(out)[1:]
            parts = [_fill(q, shape, _dtype(out)) for q in parts]
            gpre = call(Concatenate, *parts, axis=len(shape) - 1, sizes=(shape[-1],) * 4)
        return (gpre if need[0] else None, gpre if need[1] else None,
                dc * f if need[2] else None)

    @staticmethod
    def jvp(ctx, dxp, dhh, dc):
        c, out = ctx.saved
        i, f, g, o, tc = out[2], out[3], out[4], out[5], out[6]
        shape = _shape(out)[1:]
        n = shape[-1]
        dtype = _dtype(out)
        dpre = tangent_sum(dxp, dhh)
        dcn = None if dc is None else f * dc
        if dpre is None:
            di = df = dg = do = None
            dh_o = 0
        else:
            di = dpre[..., :n] * (i * (1 - i))
            df = dpre[..., n:2 * n] * (f * (1 - f))
            dg = dpre[..., 2 * n:3 * n] * (1 - g * g)
            do = dpre[..., 3 * n:] * (o * (1 - o))
            dcn = tangent_sum(dcn, df * c + di * g + i * dg)
            dh_o = do * tc
        dtc = (1 - tc * tc) * dcn
        rows = [dh_o + o * dtc, dcn, di, df, dg, do, dtc]
        rows = [_fill(r, shape, dtype) if r is not None else np.zeros(shape, dtype)
                for r in rows]
        return call(Stack, *rows, axis=0)


def lstm_gates(xp, hh, c):
    """The pointwise part of an LSTM step: xp and hh the input's and the hidden state's
    contributions to the gate pre-activations (..., 4 * hidden, gates i, f, g, o as in
    PyTorch), c the cell state (..., hidden). Returns the step's values stacked on a new
    first axis: out[0] is h', out[1] is c', then the gates i, f, g, o and tanh(c').

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent.lstm_gates(tg.zeros(2, 8), tg.zeros(2, 8), tg.ones(2, 2))
    >>> out[1].tolist()     # f = 0.5, i * g = 0: c' = c / 2
    [[0.5, 0.5], [0.5, 0.5]]
    """
    xp, hh, c = (a if isinstance(a, Tensor) else check_operand("lstm_gates", name, a)
                 for a, name in ((xp, "xp"), (hh, "hh"), (c, "c")))
    shapes = [_shape(a) for a in (xp, hh, c)]
    n = shapes[2][-1] if shapes[2] else None
    if n is None or any(not s or s[-1] != 4 * n for s in shapes[:2]):
        raise ValueError(f"lstm_gates: xp and hh must end in 4 * hidden and c in hidden "
                         f"(gates i, f, g, o), got shapes {shapes[0]}, {shapes[1]} and "
                         f"{shapes[2]}")
    return apply(LSTMGates, xp, hh, c)


# ------------------------------------------------------------------ a whole LSTM layer

def _mm(a, b):
    return call(MatMul, a, b)


def _tr(a):
    return call(Transpose, a, axes=(1, 0))


def _flat(a):
    """(T, N, k) -> (T * N, k)."""
    s = _shape(a)
    return call(Reshape, a, shape=(s[0] * s[1], s[2]))


def _prev(states, first, t, reverse):
    """The state a step at time t starts from: the one of the step before it in the
    direction of travel, or the initial state for the first step."""
    k = t + 1 if reverse else t - 1
    return first if k < 0 or k >= _shape(states)[0] else states[k]


def _sigmoid_into(a, out):
    # 1 / (1 + exp(-a)) in place; exp overflows to inf for a < -88 (float32), giving
    # the exact 0 (the caller silences the warning)
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


@register
class LSTMSequence(Op):
    """One LSTM layer in one direction over a sequence x (T, N, I), from h0 and c0
    (N, H), with PyTorch's weights w_ih (4H, I), w_hh (4H, H) and biases b_ih, b_hh (4H,),
    gates i, f, g, o. Returns (7, T, N, H): the rows h_t, c_t, i, f, g, o, tanh(c_t) of
    every step (the gates ride along so the rules read them back instead of computing
    exponentials again). With reverse=True the steps run from T-1 down to 0.

    The forward projects all steps' inputs in one matmul and runs the recurrence in place
    in the result; the backward (BPTT) gives the weights' gradients as one matmul over all
    steps."""
    args = ("x", "w_ih", "w_hh", "b_ih", "b_hh", "h0", "c0")
    saves = ("x", "w_ih", "w_hh", "h0", "c0", "out")

    @staticmethod
    def forward(x, w_ih, w_hh, b_ih, b_hh, h0, c0, *, reverse):
        T, N, I = x.shape
        H = w_hh.shape[1]
        dtype = np.result_type(x, w_ih, w_hh, b_ih, b_hh, h0, c0)
        # gate-major (4, T, N, H): each gate of a step is one contiguous block, which
        # the ufuncs below run through about three times faster than a column slice
        w4 = w_ih.reshape(4, H, I).transpose(0, 2, 1)
        pre = np.matmul(x.reshape(T * N, I), w4).astype(dtype, copy=False)
        pre = pre.reshape(4, T, N, H)
        pre += (b_ih + b_hh).reshape(4, 1, 1, H)
        out = np.empty((7, T, N, H), dtype)
        w4 = np.ascontiguousarray(w_hh.reshape(4, H, H).transpose(0, 2, 1), dtype)
        hh = np.empty((4, N, H), dtype)
        h, c = h0, c0
        with np.errstate(over="ignore"):
            for t in (range(T - 1, -1, -1) if reverse else range(T)):
                a = pre[:, t]
                np.matmul(h, w4, out=hh)
                a += hh
                _sigmoid_into(a[:2], out[2:4, t])           # i, f
                np.tanh(a[2], out=out[4, t])                # g
                _sigmoid_into(a[3], out[5, t])              # o
                np.multiply(out[3, t], c, out=out[1, t])
                np.multiply(out[2, t], out[4, t], out=hh[0])
                out[1, t] += hh[0]
                np.tanh(out[1, t], out=out[6, t])
                np.multiply(out[5, t], out[6, t], out=out[0, t])
                h, c = out[0, t], out[1, t]
        return out

    # Back through time: at each step the cotangent of h_t (its own block plus what the
    # next step sends back through w_hh) and of c_t (plus f times the next step's) give
    # the gates' pre-activation cotangents, as in LSTMGates; all steps' together then
    # give x's and the weights' gradients in one matmul each
    @staticmethod
    def vjp(ctx, gout):
        x, w_ih, w_hh, h0, c0, out = ctx.saved
        reverse = ctx.params["reverse"]
        _, T, N, H = _shape(out)
        hs, cs = out[0], out[1]
        dh = dc = None
        dpre = [None] * T
        for t in (range(T) if reverse else range(T - 1, -1, -1)):
            i, f, g, o, tc = (out[k, t] for k in range(2, 7))
            gh = gout[0, t] if dh is None else gout[0, t] + dh
            gc = gout[1, t] + (gout[6, t] + gh * o) * (1 - tc * tc)
            if dc is not None:
                gc = gc + dc
            parts = ((gout[2, t] + gc * g) * (i * (1 - i)),
                     (gout[3, t] + gc * _prev(cs, c0, t, reverse)) * (f * (1 - f)),
                     (gout[4, t] + gc * i) * (1 - g * g),
                     (gout[5, t] + gh * tc) * (o * (1 - o)))
            dpre[t] = call(Concatenate, *parts, axis=1, sizes=(H,) * 4)
            dh = _mm(dpre[t], w_hh)
            dc = gc * f
        need = ctx.needs_grad
        d2 = _flat(call(Stack, *dpre, axis=0))
        dx = dw_ih = dw_hh = db = None
        if need[0]:
            dx = call(Reshape, _mm(d2, w_ih), shape=_shape(x))
        if need[1]:
            dw_ih = _mm(_tr(d2), _flat(x))
        if need[2]:
            h0_ = call(Reshape, h0, shape=(1, N, H))
            before = (call(Concatenate, hs[1:], h0_, axis=0, sizes=(T - 1, 1)) if reverse
                      else call(Concatenate, h0_, hs[:-1], axis=0, sizes=(1, T - 1)))
            dw_hh = _mm(_tr(d2), _flat(before))
        if need[3] or need[4]:
            db = call(Sum, d2, axis=(0,), keepdims=False)
        return (dx, dw_ih, dw_hh, db if need[3] else None, db if need[4] else None,
                dh if need[5] else None, dc if need[6] else None)

    # The tangent runs forward through time the same way: each step's pre-activation
    # tangent (the input's part for all steps at once) through the gates into c_t and h_t
    @staticmethod
    def jvp(ctx, dx, dw_ih, dw_hh, db_ih, db_hh, dh0, dc0):
        x, w_ih, w_hh, h0, c0, out = ctx.saved
        reverse = ctx.params["reverse"]
        _, T, N, H = _shape(out)
        dtype = _dtype(out)
        hs, cs = out[0], out[1]
        dxp = None
        if dx is not None:
            dxp = _mm(_flat(dx), _tr(w_ih))
        if dw_ih is not None:
            dxp = tangent_sum(dxp, _mm(_flat(x), _tr(dw_ih)))
        dxp = tangent_sum(dxp, db_ih, db_hh)
        if dxp is None:
            dxp = np.zeros((T * N, 4 * H), dtype)
        elif _shape(dxp) != (T * N, 4 * H):
            dxp = _fill(dxp, (T * N, 4 * H), dtype)
        dxp = call(Reshape, dxp, shape=(T, N, 4 * H))
        dh = np.zeros((N, H), dtype) if dh0 is None else dh0
        dc = np.zeros((N, H), dtype) if dc0 is None else dc0
        rows = [None] * T
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            i, f, g, o, tc = (out[k, t] for k in range(2, 7))
            dp = dxp[t] + _mm(dh, _tr(w_hh))
            if dw_hh is not None:
                dp = dp + _mm(_prev(hs, h0, t, reverse), _tr(dw_hh))
            di = dp[:, :H] * (i * (1 - i))
            df = dp[:, H:2 * H] * (f * (1 - f))
            dg = dp[:, 2 * H:3 * H] * (1 - g * g)
            do = dp[:, 3 * H:] * (o * (1 - o))
            dc = f * dc + df * _prev(cs, c0, t, reverse) + di * g + i * dg
            dtc = (1 - tc * tc) * dc
            dh = do * tc + o * dtc
            rows[t] = call(Stack, dh, dc, di, df, dg, do, dtc, axis=0)
        return call(Stack, *rows, axis=1)


def lstm_sequence(x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, c0=None, *, reverse=False):
    """One LSTM layer in one direction over a whole sequence, as one recorded op.

    x is (T, N, input_size); w_ih (4H, input_size) and w_hh (4H, H) are PyTorch's
    weight_ih_l0 and weight_hh_l0 (gates i, f, g, o), b_ih and b_hh their biases (4H,)
    or None; h0 and c0 (N, H) the initial states, None for zeros. With reverse=True the
    steps run from the last to the first (the backward direction of a bidirectional
    layer). Returns (7, T, N, H): the rows h_t, c_t, the gates i, f, g, o and tanh(c_t)
    of every step, so out[0] is the layer's output and out[0, -1], out[1, -1] are h_n
    and c_n (out[0, 0], out[1, 0] with reverse=True).

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent.lstm_sequence(tg.zeros(5, 2, 3), tg.zeros(8, 3),
    ...                                      tg.zeros(8, 2), c0=tg.ones(2, 2))
    >>> out.shape, out[1, -1].tolist()    # f = 0.5 each step: c_5 = 1 / 32
    ((7, 5, 2, 2), [[0.03125, 0.03125], [0.03125, 0.03125]])
    """
    args = _sequence_args("lstm_sequence", 4, x, w_ih, w_hh, b_ih, b_hh, (h0, c0), reverse)
    return apply(LSTMSequence, *args, reverse=bool(reverse))


def _sequence_args(fn, gates, x, w_ih, w_hh, b_ih, b_hh, states, reverse):
    """The checked tensor arguments of a whole-sequence op (lstm_sequence and those of
    ops/recurrent_seq.py): x (T, N, I), w_ih (gates H, I), w_hh (gates H, H), the two
    biases (gates H,) and the initial `states` (N, H), a None bias or state as zeros."""
    x, w_ih, w_hh = (a if isinstance(a, Tensor) else check_operand(fn, name, a)
                     for a, name in ((x, "x"), (w_ih, "w_ih"), (w_hh, "w_hh")))
    sx, si, sh = _shape(x), _shape(w_ih), _shape(w_hh)
    if len(sx) != 3 or len(sh) != 2 or sh[0] != gates * sh[1] or sh[1] == 0 or \
            si != (sh[0], sx[2]):
        g = f"{gates}H" if gates > 1 else "H"
        raise ValueError(f"{fn}: expected x (T, N, I), w_ih ({g}, I) and w_hh ({g}, H) "
                         f"with H > 0, got shapes {sx}, {si} and {sh}")
    if sx[0] == 0:
        raise ValueError(f"{fn}: the sequence is empty (x has shape {sx})")
    if not isinstance(reverse, (bool, np.bool_)):
        raise TypeError(f"{fn}: reverse must be a bool, got {type(reverse).__name__}")
    N, H = sx[1], sh[1]
    dtype = np.result_type(_dtype(x), _dtype(w_ih), _dtype(w_hh))
    args = [x, w_ih, w_hh]
    names = ("h0", "c0")
    for a, name, shape in ((b_ih, "b_ih", (gates * H,)), (b_hh, "b_hh", (gates * H,)),
                           *((s, names[k], (N, H)) for k, s in enumerate(states))):
        if a is None:
            a = np.zeros(shape, dtype)
        elif not isinstance(a, Tensor):
            a = check_operand(fn, name, a)
        if _shape(a) != shape:
            raise ValueError(f"{fn}: {name} must have shape {shape}, got {_shape(a)}")
        args.append(a)
    return args


__all__ = ["LSTMGates", "lstm_gates", "LSTMSequence", "lstm_sequence"]
