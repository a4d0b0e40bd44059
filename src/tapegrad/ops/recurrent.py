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
from .elementwise import Tanh
from .shape import Concatenate, Stack


def _shape(a):
    return np.shape(a._data if isinstance(a, Tensor) else a)


def _dtype(a):
    return (a._data if isinstance(a, Tensor) else a).dtype


def _fill(a, shape, dtype):
    """`a` broadcast to `shape` as a value of its own (a broadcast input made it smaller)."""
    return a if _shape(a) == shape else a + np.zeros(shape, dtype)


def _gates(xp, hh, n):
    """(i, f, g, o) from the two halves of the pre-activation, PyTorch's gate order."""
    pre = xp + hh
    s = call(Sigmoid, pre)          # one call for i, f and o (g's quarter is dropped)
    return (s[..., :n], s[..., n:2 * n], call(Tanh, pre[..., 2 * n:3 * n]),
            s[..., 3 * n:])


@register
class LSTMGates(Op):
    """(h', c') stacked on a new first axis, from xp and hh (..., 4n) and c (..., n):
    i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the quarters of xp + hh,
    c' = f c + i g, h' = o tanh(c')."""
    args = ("xp", "hh", "c")
    saves = ("xp", "hh", "c", "out")

    @staticmethod
    def forward(xp, hh, c):
        n = c.shape[-1]
        i, f, g, o = _gates(xp, hh, n)
        c_new = f * c + i * g
        return np.stack((o * np.tanh(c_new), c_new))

    # d c' = f dc + c df + i dg + g di, d h' = tanh(c') do + o (1 - tanh(c')^2) d c',
    # with ds = s (1 - s) dpre for the sigmoid gates and dg = (1 - g^2) dpre for g
    @staticmethod
    def vjp(ctx, gout):
        xp, hh, c, out = ctx.saved
        n = _shape(c)[-1]
        i, f, g, o = _gates(xp, hh, n)
        tc = call(Tanh, out[1])
        gh = gout[0]
        dc = gout[1] + gh * o * (1 - tc * tc)
        need = ctx.needs_grad
        gpre = None
        if need[0] or need[1]:
            parts = (dc * g * (i * (1 - i)), dc * c * (f * (1 - f)), dc * i * (1 - g * g),
                     gh * tc * (o * (1 - o)))
            # a broadcast input can leave the quarters of different shapes: join equals
            shape = np.broadcast_shapes(*(_shape(p) for p in parts))
            parts = [_fill(p, shape, _dtype(out)) for p in parts]
            gpre = call(Concatenate, *parts, axis=len(shape) - 1, sizes=(n,) * 4)
        return (gpre if need[0] else None, gpre if need[1] else None,
                dc * f if need[2] else None)

    @staticmethod
    def jvp(ctx, dxp, dhh, dc):
        xp, hh, c, out = ctx.saved
        n = _shape(c)[-1]
        i, f, g, o = _gates(xp, hh, n)
        tc = call(Tanh, out[1])
        dpre = tangent_sum(dxp, dhh)
        dcn = None if dc is None else f * dc
        if dpre is not None:
            di = dpre[..., :n] * (i * (1 - i))
            df = dpre[..., n:2 * n] * (f * (1 - f))
            dg = dpre[..., 2 * n:3 * n] * (1 - g * g)
            do = dpre[..., 3 * n:] * (o * (1 - o))
            dcn = tangent_sum(dcn, df * c + di * g + i * dg)
            dh = do * tc + o * (1 - tc * tc) * dcn
        else:
            dh = o * (1 - tc * tc) * dcn
        shape = _shape(out)[1:]
        return call(Stack, _fill(dh, shape, _dtype(out)), _fill(dcn, shape, _dtype(out)),
                    axis=0)


def lstm_gates(xp, hh, c):
    """The pointwise part of an LSTM step: xp and hh the input's and the hidden state's
    contributions to the gate pre-activations (..., 4 * hidden, gates i, f, g, o as in
    PyTorch), c the cell state (..., hidden). Returns (h', c') stacked: out[0] is h',
    out[1] is c'.

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
