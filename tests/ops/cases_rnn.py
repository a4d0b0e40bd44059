"""Rows for ops/recurrent.py, ops/recurrent_seq.py and ops/recurrent_cell.py: the LSTM
step's pointwise op, the whole-sequence ops of LSTM, GRU and the Elman RNN, and the
one-step ops of their cells."""
from tapegrad.ops.recurrent import lstm_gates, lstm_sequence
from tapegrad.ops.recurrent_cell import gru_cell, lstm_cell, rnn_cell
from tapegrad.ops.recurrent_seq import gru_sequence, rnn_sequence

from ._case import OpCase


def _torch_lstm_gates(T, xp, hh, c):
    i, f, g, o = (xp + hh).chunk(4, -1)
    i, f, g, o = T.sigmoid(i), T.sigmoid(f), T.tanh(g), T.sigmoid(o)
    c_new = f * c + i * g
    rows = (o * T.tanh(c_new), c_new, i, f, g, o, T.tanh(c_new))
    return T.stack(T.broadcast_tensors(*rows))


def _torch_lstm_sequence(T, x, w_ih, w_hh, b_ih, b_hh, h, c, w_hr=None, reverse=False,
                         lengths=None):
    # step by step with torch's own ops, the rows of each step stacked (h padded to H
    # with zeros under a projection; a step past a sequence's length keeps its state)
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    out = [None] * x.shape[0]
    H = c.shape[1]
    for t in steps:
        i, f, g, o = (x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, -1)
        i, f, g, o = T.sigmoid(i), T.sigmoid(f), T.tanh(g), T.sigmoid(o)
        c_new = f * c + i * g
        h_new = o * T.tanh(c_new)
        if w_hr is not None:
            h_new = h_new @ w_hr.T
        if lengths is not None:
            keep = T.tensor([[t >= n] for n in lengths])
            c_new, h_new = T.where(keep, c, c_new), T.where(keep, h, h_new)
        h, c = h_new, c_new
        hrow = h if w_hr is None else T.cat([h, T.zeros(h.shape[0], H - h.shape[1],
                                                        dtype=h.dtype)], 1)
        out[t] = T.stack([hrow, c])
    return T.stack(out, 1)


def _torch_rnn_sequence(T, x, w_ih, w_hh, b_ih, b_hh, h, reverse=False,
                        nonlinearity="tanh", lengths=None):
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    out = [None] * x.shape[0]
    for t in steps:
        a = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        new = T.relu(a) if nonlinearity == "relu" else T.tanh(a)
        if lengths is not None:
            new = T.where(T.tensor([[t >= n] for n in lengths]), h, new)
        h = out[t] = new
    return T.stack(out)


def _torch_gru_sequence(T, x, w_ih, w_hh, b_ih, b_hh, h, reverse=False, lengths=None):
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    out = [None] * x.shape[0]
    for t in steps:
        xr, xz, xn = (x[t] @ w_ih.T + b_ih).chunk(3, -1)
        hr, hz, hn = (h @ w_hh.T + b_hh).chunk(3, -1)
        r, z = T.sigmoid(xr + hr), T.sigmoid(xz + hz)
        n = T.tanh(xn + r * hn)
        if lengths is not None:
            # a carried step: z = 1 and h kept
            keep = T.tensor([[t >= k] for k in lengths])
            z = T.where(keep, T.ones_like(z), z)
            h = T.where(keep, h, n + z * (h - n))
        else:
            h = n + z * (h - n)
        out[t] = T.stack([h, r, z, n, hn])
    return T.stack(out, 1)


def _torch_rnn_cell(T, x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh"):
    a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    return T.relu(a) if nonlinearity == "relu" else T.tanh(a)


def _torch_lstm_cell(T, x, h, c, w_ih, w_hh, b_ih, b_hh):
    return _torch_lstm_gates(T, x @ w_ih.T + b_ih, h @ w_hh.T + b_hh, c)


def _torch_gru_cell(T, x, h, w_ih, w_hh, b_ih, b_hh):
    xr, xz, xn = (x @ w_ih.T + b_ih).chunk(3, -1)
    hr, hz, hn = (h @ w_hh.T + b_hh).chunk(3, -1)
    r, z = T.sigmoid(xr + hr), T.sigmoid(xz + hz)
    n = T.tanh(xn + r * hn)
    return T.stack([n + z * (h - n), r, z, n, hn])


_SEQ = [(3, 2, 2), (8, 2), (8, 2), (8,), (8,), (2, 2), (2, 2)]
_PROJ = [(3, 2, 2), (12, 2), (12, 2), (12,), (12,), (2, 2), (2, 3), (2, 3)]
_RNN = [(3, 2, 2), (3, 2), (3, 3), (3,), (3,), (2, 3)]
_GRU = [(3, 2, 2), (6, 2), (6, 2), (6,), (6,), (2, 2)]

_RNN_CELL = [(2, 3), (2, 2), (2, 3), (2, 2), (2,), (2,)]
_LSTM_CELL = [(2, 3), (2, 2), (2, 2), (8, 3), (8, 2), (8,), (8,)]
_GRU_CELL = [(2, 3), (2, 2), (6, 3), (6, 2), (6,), (6,)]

ROWS = [
    OpCase(rnn_cell, _RNN_CELL, torch=_torch_rnn_cell),
    # relu: all inputs positive, so no pre-activation sits at the kink
    OpCase(rnn_cell, _RNN_CELL, {"nonlinearity": "relu"}, low=0.1, high=1.0,
           torch=_torch_rnn_cell, name="rnn_cell_relu"),
    OpCase(lstm_cell, _LSTM_CELL, torch=_torch_lstm_cell),
    OpCase(gru_cell, _GRU_CELL, torch=_torch_gru_cell),
    OpCase(lstm_gates, [(3, 8), (3, 8), (3, 2)], torch=_torch_lstm_gates),
    # a cell state shared by the batch (broadcast) and one without a batch axis
    OpCase(lstm_gates, [(2, 12), (1, 12), (1, 3)], torch=_torch_lstm_gates,
           name="lstm_gates_broadcast"),
    OpCase(lstm_gates, [(4,), (4,), (1,)], torch=_torch_lstm_gates, name="lstm_gates_1d"),
    OpCase(lstm_sequence, _SEQ, torch=_torch_lstm_sequence),
    OpCase(lstm_sequence, _SEQ, {"reverse": True}, torch=_torch_lstm_sequence,
           name="lstm_sequence_reverse"),
    # a projection (proj_size 2 of hidden 3), and packed lengths (3 and 1 steps) reversed
    OpCase(lambda x, w_ih, w_hh, b_ih, b_hh, h, c, w_hr: lstm_sequence(
        x, w_ih, w_hh, b_ih, b_hh, h, c, w_hr=w_hr), _PROJ, name="lstm_sequence_proj",
        torch=_torch_lstm_sequence),
    OpCase(lstm_sequence, _SEQ, {"reverse": True, "lengths": (3, 1)},
           torch=_torch_lstm_sequence, name="lstm_sequence_lengths_reverse"),
    OpCase(rnn_sequence, _RNN, torch=_torch_rnn_sequence),
    # relu: all inputs positive, so no pre-activation sits at the kink
    OpCase(rnn_sequence, _RNN, {"reverse": True, "nonlinearity": "relu"}, low=0.1, high=1.0,
           torch=_torch_rnn_sequence, name="rnn_sequence_relu_reverse"),
    OpCase(gru_sequence, _GRU, torch=_torch_gru_sequence),
    OpCase(gru_sequence, _GRU, {"reverse": True}, torch=_torch_gru_sequence,
           name="gru_sequence_reverse"),
    OpCase(gru_sequence, _GRU, {"lengths": (1, 3)}, torch=_torch_gru_sequence,
           name="gru_sequence_lengths"),
    OpCase(rnn_sequence, _RNN, {"reverse": True, "lengths": (2, 1)},
           torch=_torch_rnn_sequence, name="rnn_sequence_lengths_reverse"),
]
