"""Rows for ops/recurrent.py: the LSTM step's pointwise op."""
from tapegrad.ops.recurrent import lstm_gates

from ._case import OpCase


def _torch_lstm_gates(T, xp, hh, c):
    i, f, g, o = (xp + hh).chunk(4, -1)
    i, f, g, o = T.sigmoid(i), T.sigmoid(f), T.tanh(g), T.sigmoid(o)
    c_new = f * c + i * g
    rows = (o * T.tanh(c_new), c_new, i, f, g, o, T.tanh(c_new))
    return T.stack(T.broadcast_tensors(*rows))


ROWS = [
    OpCase(lstm_gates, [(3, 8), (3, 8), (3, 2)], torch=_torch_lstm_gates),
    # a cell state shared by the batch (broadcast) and one without a batch axis
    OpCase(lstm_gates, [(2, 12), (1, 12), (1, 3)], torch=_torch_lstm_gates,
           name="lstm_gates_broadcast"),
    OpCase(lstm_gates, [(4,), (4,), (1,)], torch=_torch_lstm_gates, name="lstm_gates_1d"),
]
