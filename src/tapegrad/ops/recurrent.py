"""The pointwise part of an LSTM step as one op (what nn.LSTM and nn.LSTMCell run per
step): from the gate pre-activations to the new hidden and cell state.

Composed from sigmoid, tanh, slices and products it is about 15 recorded ops per step in
each direction; as one op it is one, and its rules below are written with tapegrad ops,
so they record for a second order like any other.
"""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._shapes import check_operand
from .activations import Sigmoid
from .shape import Concatenate, Stack


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

__all__ = ["LSTMGates", "lstm_gates"]
