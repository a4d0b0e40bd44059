"""Recurrent layers with PyTorch's names, arguments, parameter shapes and gate order:
RNNCell, LSTMCell, GRUCell and the multi-layer RNN, LSTM, GRU.

Every layer runs as one op per layer and direction: LSTMSequence (with a projection
LSTMProjSequence) in ops/recurrent.py, GRUSequence and RNNSequence in
ops/recurrent_seq.py, packed input through their lengths. Each cell step is one op too
(ops/recurrent_cell.py). Their rules are written with tapegrad ops, so every derivative
order and forward mode work without rules here.
"""
from __future__ import annotations

import math

import numpy as np

from .. import ops
from .. import _check
from ..ops._apply import apply
from ..ops.recurrent import lstm_sequence
from ..ops.recurrent_cell import GRUCellStep, LSTMCellStep, RNNCellStep
from ..ops.recurrent_seq import gru_sequence, rnn_sequence
from .._dtypes import as_dtype, check_device, default_float
from .._tensor import Tensor, make
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .rnn_utils import PackedSequence, _pack_data, pad_packed_sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import DTypeLike

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _param(shape, dtype, fn):
    return Parameter(np.zeros(shape, dtype=as_dtype(dtype, fn) or default_float()))


def _check_input_size(x, size, name):
    if x.shape[-1] != size:
        raise ValueError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                         f"{size}, got {x.shape[-1]}")


class _CellBase(Module):
    def __init__(self, mode: str, name: str | None, input_size: int, hidden_size: int, bias: bool,
                 dtype: DTypeLike, device: str | None = None) -> None:
        check_device(device, name)
        super().__init__()
        self.input_size = _check.integer(input_size, name, "input_size", low=0)
        self.hidden_size = _check.integer(hidden_size, name, "hidden_size", low=1)
        self.bias = _check.flag(bias, name, "bias")
        gates = _GATES[mode] * self.hidden_size
        self._mode = mode
        self.weight_ih = _param((gates, self.input_size), dtype, name)
        self.weight_hh = _param((gates, self.hidden_size), dtype, name)
        if self.bias:
            self.bias_ih = _param((gates,), dtype, name)
            self.bias_hh = _param((gates,), dtype, name)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _prepare(self, input, hx, name):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a tensor, got {_check._got(input)}")
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D "
                             "instead")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has inconsistent input_size: got "
                             f"{input.shape[-1]} expected {self.input_size}")
        batched = input.ndim == 2
        x = input if batched else input.reshape(1, -1)
        states = hx if isinstance(hx, tuple) else (hx,)
        out = []
        for k, s in enumerate(states):
            if s is None:
                out.append(make(np.zeros((x.shape[0], self.hidden_size), x._data.dtype)))
                continue
            if not isinstance(s, Tensor):
                raise TypeError(f"{name}: hx must be a tensor, got {_check._got(s)}")
            if s.ndim != input.ndim:
                raise ValueError(f"{name}: Expected hidden state to be {input.ndim}D for "
                                 f"{input.ndim}D input, got {s.ndim}D")
            s = s if batched else s.reshape(1, -1)
            if s.shape != (x.shape[0], self.hidden_size):
                raise ValueError(f"{name}: hidden state has shape {s.shape}, expected "
                                 f"{(x.shape[0], self.hidden_size)} (batch, hidden_size)")
            out.append(s)
        return x, out, batched

    def _cell(self, x, h, c):
        # one op per step (ops/recurrent_cell.py): a loop over time pays one node's
        # overhead per step instead of a dozen's. Shapes are checked by _prepare
        w_ih, w_hh, b_ih, b_hh = self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh
        if b_ih is None:
            b_ih = b_hh = np.zeros(w_ih.shape[0], w_ih._data.dtype)
        if self._mode == "LSTM":
            out = apply(LSTMCellStep, x, h, c, w_ih, w_hh, b_ih, b_hh)
            return out[0], out[1]
        if self._mode == "GRU":
            return apply(GRUCellStep, x, h, w_ih, w_hh, b_ih, b_hh)[0], None
        return apply(RNNCellStep, x, h, w_ih, w_hh, b_ih, b_hh,
                     relu=self._mode == "RNN_RELU"), None

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if self._mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        return s


class RNNCell(_CellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu with nonlinearity='relu').

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        bias: learn the biases b_ih and b_hh (default True).
        nonlinearity: 'tanh' (default) or 'relu'.
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).

    Weights are drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Called as
    `cell(input, hx=None)` with input (N, input_size) or (input_size,) and hx of the
    same batch shape with hidden_size features (None: zeros); returns h'.

    Raises:
        TypeError: an argument has the wrong type; when called, an input or hx that is
            not a tensor.
        ValueError: a size out of range, a device other than the CPU; when called, an
            input that is not 1-D or 2-D with input_size features, or a hidden state of
            the wrong shape.

    >>> import tapegrad as tg
    >>> cell = tg.nn.RNNCell(3, 5)
    >>> cell(tg.ones(2, 3)).shape
    (2, 5)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        _check.choice(nonlinearity, ("tanh", "relu"), "RNNCell", "nonlinearity")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", "RNNCell",
                         input_size, hidden_size, bias, dtype, device)

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        x, (h,), batched = self._prepare(input, hx, "RNNCell")
        h, _ = self._cell(x, h, None)
        return h if batched else h.reshape(-1)


class LSTMCell(_CellBase):
    """One LSTM step; gates i, f, g, o stacked in that order in weight_ih / weight_hh.
    Returns (h', c'); `hx` is a pair (h, c) or None for zeros.

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        bias: learn the biases b_ih and b_hh (default True).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).

    Weights are drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Called as
    `cell(input, hx=None)` with hx a pair (h, c) or None (zeros); returns (h', c').

    Raises:
        TypeError: an argument has the wrong type; when called, an input or hx that is
            not a tensor.
        ValueError: a size out of range, a device other than the CPU; when called, an
            input that is not 1-D or 2-D with input_size features, or a hidden state of
            the wrong shape.

    >>> import tapegrad as tg
    >>> h, c = tg.nn.LSTMCell(3, 5)(tg.ones(2, 3))
    >>> h.shape, c.shape
    ((2, 5), (2, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__("LSTM", "LSTMCell", input_size, hidden_size, bias, dtype, device)

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        if hx is None:
            hx = (None, None)
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"LSTMCell: hx must be a pair (h_0, c_0), got {_check._got(hx)}")
        x, (h, c), batched = self._prepare(input, tuple(hx), "LSTMCell")
        h, c = self._cell(x, h, c)
        return (h, c) if batched else (h.reshape(-1), c.reshape(-1))


class GRUCell(_CellBase):
    """One GRU step with PyTorch's gates r, z, n:
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        bias: learn the biases b_ih and b_hh (default True).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).

    Weights are drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Called as
    `cell(input, hx=None)` with hx h or None (zeros); returns h'.

    Raises:
        TypeError: an argument has the wrong type; when called, an input or hx that is
            not a tensor.
        ValueError: a size out of range, a device other than the CPU; when called, an
            input that is not 1-D or 2-D with input_size features, or a hidden state of
            the wrong shape.

    >>> import tapegrad as tg
    >>> tg.nn.GRUCell(3, 5)(tg.ones(3)).shape
    (5,)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__("GRU", "GRUCell", input_size, hidden_size, bias, dtype, device)

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        x, (h,), batched = self._prepare(input, hx, "GRUCell")
        h, _ = self._cell(x, h, None)
        return h if batched else h.reshape(-1)


class RNNBase(Module):
    """The multi-layer recurrent network behind RNN, LSTM and GRU.

    Use RNN, LSTM or GRU; this class holds their parameters (weight_ih_l{k},
    weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, with a `_reverse` suffix for the
    backward direction, as PyTorch names them) and runs the layers.

    Args:
        mode: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        num_layers: the number of stacked layers, a positive int (default 1).
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: inputs and outputs are (N, L, H) instead of (L, N, H) (default False).
        dropout: the dropout probability on the outputs of each layer but the last, in
            training, in [0, 1] (default 0).
        bidirectional: also run each layer backwards and concatenate (default False).
        proj_size: LSTM's projection size (default 0: none).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a size or dropout out of range, a proj_size for another mode than
            LSTM or not smaller than hidden_size, or a device other than the CPU.

    >>> import tapegrad as tg
    >>> net = tg.nn.RNNBase("GRU", 3, 4, num_layers=2)
    >>> [name for name, _ in net.named_parameters()][:4]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    >>> out, h = net(tg.ones(5, 2, 3))
    >>> out.shape, h.shape
    ((5, 2, 4), (2, 2, 4))
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        name = self._name()
        check_device(device, name)
        super().__init__()
        self.mode = mode
        self.input_size = _check.integer(input_size, name, "input_size", low=0)
        self.hidden_size = _check.integer(hidden_size, name, "hidden_size", low=1)
        self.num_layers = _check.integer(num_layers, name, "num_layers", low=1)
        self.bias = _check.flag(bias, name, "bias")
        self.batch_first = _check.flag(batch_first, name, "batch_first")
        self.dropout = _check.real(dropout, name, "dropout", low=0.0, high=1.0)
        self.bidirectional = _check.flag(bidirectional, name, "bidirectional")
        self.proj_size = _check.integer(proj_size, name, "proj_size", low=0)
        if self.proj_size and mode != "LSTM":
            raise ValueError(f"{name}: proj_size argument is only supported for LSTM, not "
                             f"RNN or GRU")
        if self.proj_size >= self.hidden_size:
            raise ValueError(f"{name}: proj_size has to be smaller than hidden_size, got "
                             f"proj_size={self.proj_size}, hidden_size={self.hidden_size}")
        gates = _GATES[mode] * self.hidden_size
        real_hidden = self.proj_size or self.hidden_size
        dirs = 2 if self.bidirectional else 1
        self._flat_weights_names = []
        for layer in range(self.num_layers):
            in_size = self.input_size if layer == 0 else real_hidden * dirs
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                shapes = [("weight_ih", (gates, in_size)), ("weight_hh", (gates, real_hidden))]
                if self.bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                if self.proj_size:
                    shapes.append(("weight_hr", (self.proj_size, self.hidden_size)))
                for pname, shape in shapes:
                    setattr(self, pname + sfx, _param(shape, dtype, name))
                    self._flat_weights_names.append(pname + sfx)
        self.reset_parameters()

    def _name(self):
        return type(self).__name__

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def flatten_parameters(self) -> None:
        """Kept for ported code: PyTorch packs the weights into one buffer for cuDNN, and
        on the CPU this does nothing there either; tapegrad's weights need no packing."""

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        """Per layer and direction, the list [weight_ih, weight_hh, bias_ih, bias_hh, ...]."""
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional
                                                                    else 1))
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def _layer_params(self, layer, d):
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        get = lambda n: getattr(self, n + sfx, None)  # noqa: E731
        return (get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"),
                get("weight_hr"))

    def _check_state(self, s, expected, batched, what):
        name = self._name()
        if not isinstance(s, Tensor):
            raise TypeError(f"{name}: {what} must be a tensor, got {_check._got(s)}")
        want = expected if batched else (expected[0], expected[2])
        if s.ndim != len(want):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise ValueError(f"{name}: For {kind} input, {what} should also be "
                             f"{len(want)}-D but got {s.ndim}-D tensor")
        if tuple(s.shape) != want:
            raise ValueError(f"{name}: Expected {what} size {want}, got {tuple(s.shape)}")
        return s if batched else s.reshape(want[0], 1, want[1])

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        name = self._name()
        packed = isinstance(input, PackedSequence)
        if packed:
            padded, lengths = pad_packed_sequence(input)
            x, batched, lengths = padded, True, lengths._data
        else:
            if not isinstance(input, Tensor):
                raise TypeError(f"{name}: input must be a tensor or a PackedSequence, got "
                                f"{_check._got(input)}")
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                                 "instead")
            batched = input.ndim == 3
            x = input if batched else input.reshape(input.shape[0], 1, input.shape[1])
            if batched and self.batch_first:
                x = ops.transpose(x, (1, 0, 2))
            lengths = None
        _check_input_size(x, self.input_size, name)
        steps, batch = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f"{name}: Expected sequence length to be larger than 0 in RNN")
        dirs = 2 if self.bidirectional else 1
        real_hidden = self.proj_size or self.hidden_size
        h_shape = (self.num_layers * dirs, batch, real_hidden)
        c_shape = (self.num_layers * dirs, batch, self.hidden_size)
        zeros = lambda shape: make(np.zeros(shape, x._data.dtype))  # noqa: E731
        if self.mode == "LSTM":
            if hx is None:
                h0, c0 = zeros(h_shape), zeros(c_shape)
            else:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise TypeError(f"{name}: hx must be a pair (h_0, c_0), got "
                                    f"{_check._got(hx)}")
                h0 = self._check_state(hx[0], h_shape, batched, "hx[0] (h_0)")
                c0 = self._check_state(hx[1], c_shape, batched, "hx[1] (c_0)")
            c0 = ops.unbind(c0, 0)
        else:
            if hx is None:
                h0 = zeros(h_shape)
            else:
                if isinstance(hx, (tuple, list)):
                    raise TypeError(f"{name}: hx must be a tensor (h_0), got "
                                    f"{_check._got(hx)}")
                h0 = self._check_state(hx, h_shape, batched, "hx")
            c0 = [None] * h_shape[0]
        h0 = ops.unbind(h0, 0)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                out, h, c = self._run(x, h0[k], c0[k], self._layer_params(layer, d), d,
                                     lengths)
                outs.append(out)
                h_n.append(h)
                c_n.append(c)
            x = outs[0] if dirs == 1 else ops.cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        h_n = ops.stack(h_n, 0)
        c_n = ops.stack(c_n, 0) if self.mode == "LSTM" else None
        if packed:
            # repack in the caller's sorted order, so the output pairs with the input
            out = PackedSequence(_pack_data(x, input), input.batch_sizes,
                                 input.sorted_indices, input.unsorted_indices)
        elif not batched:
            out = x.reshape(steps, x.shape[2])
            h_n = h_n.reshape(h_n.shape[0], h_n.shape[2])
            c_n = None if c_n is None else c_n.reshape(c_n.shape[0], c_n.shape[2])
        else:
            out = ops.transpose(x, (1, 0, 2)) if self.batch_first else x
        return (out, (h_n, c_n)) if self.mode == "LSTM" else (out, h_n)

    def _run(self, x, h, c, params, reverse, lengths):
        """One layer in one direction over the sequence `x` (T, N, features) as one op
        (the sequence ops of ops/recurrent.py and ops/recurrent_seq.py); packed
        sequences keep their state past their lengths, so the last step holds h_n.
        Returns (the outputs (T, N, H), h, c)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = params
        last = 0 if reverse else -1
        if self.mode == "LSTM":
            seq = lstm_sequence(x, w_ih, w_hh, b_ih, b_hh, h, c, reverse=bool(reverse),
                                w_hr=w_hr, lengths=lengths)
            if w_hr is None:
                return seq[0], seq[0, last], seq[1, last]
            P = w_hr.shape[0]
            return seq[0, :, :, :P], seq[0, last, :, :P], seq[1, last]
        if self.mode == "GRU":
            seq = gru_sequence(x, w_ih, w_hh, b_ih, b_hh, h, reverse=bool(reverse),
                               lengths=lengths)[0]
        else:
            seq = rnn_sequence(x, w_ih, w_hh, b_ih, b_hh, h, reverse=bool(reverse),
                               nonlinearity="relu" if self.mode == "RNN_RELU" else "tanh",
                               lengths=lengths)
        return seq, seq[last], None

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


def _no_proj(name, kwargs):
    """PyTorch names proj_size in the error for RNN and GRU rather than a bare TypeError."""
    if "proj_size" in kwargs:
        raise ValueError(f"{name}: proj_size argument is only supported for LSTM, not RNN or "
                         "GRU")
    if kwargs:
        raise TypeError(f"{name}: got an unexpected keyword argument {next(iter(kwargs))!r}")


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu), stacked
    `num_layers` deep, optionally bidirectional. Returns (output, h_n).

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        num_layers: the number of stacked layers, a positive int (default 1).
        nonlinearity: 'tanh' (default) or 'relu'.
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: inputs and outputs are (N, L, H) instead of (L, N, H) (default False).
        dropout: the dropout probability on the outputs of each layer but the last, in
            training, in [0, 1] (default 0).
        bidirectional: also run each layer backwards and concatenate (default False).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).
        **kwargs: none is accepted (proj_size raises ValueError: LSTM only).

    Called as `net(input, hx=None)` with input (L, N, input_size), (N, L, input_size)
    with batch_first, (L, input_size) unbatched, or a PackedSequence; hx is
    (num_layers * num_directions, N, hidden_size) or None (zeros).

    Raises:
        TypeError: an argument has the wrong type (or an unknown keyword); when called, an
            input or hidden state that is not a tensor.
        ValueError: a size or dropout out of range, a proj_size, or a device other than
            the CPU; when called, an input that is not 2-D or 3-D with input_size
            features, or a hidden state of the wrong shape.

    >>> import tapegrad as tg
    >>> out, h = tg.nn.RNN(3, 5, num_layers=2)(tg.ones(4, 2, 3))
    >>> out.shape, h.shape
    ((4, 2, 5), (2, 2, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: str | None = None,
                 dtype: DTypeLike = None, **kwargs: Any) -> None:
        _no_proj("RNN", kwargs)
        _check.choice(nonlinearity, ("tanh", "relu"), "RNN", "nonlinearity")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order), optional projection
    of h to `proj_size`. Returns (output, (h_n, c_n)).

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        num_layers: the number of stacked layers, a positive int (default 1).
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: inputs and outputs are (N, L, H) instead of (L, N, H) (default False).
        dropout: the dropout probability on the outputs of each layer but the last, in
            training, in [0, 1] (default 0).
        bidirectional: also run each layer backwards and concatenate (default False).
        proj_size: if > 0, project each h_t to proj_size features (weight_hr_l{k});
            must be smaller than hidden_size (default 0: no projection).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).

    Called as `net(input, hx=None)` with input (L, N, input_size), (N, L, input_size)
    with batch_first, (L, input_size) unbatched, or a PackedSequence; hx is a pair
    (h_0, c_0) of (num_layers * num_directions, N, H) tensors (H = proj_size for h_0
    when projecting, else hidden_size) or None (zeros).

    Raises:
        TypeError: an argument has the wrong type; when called, an input or hidden
            state that is not a tensor, or an hx that is not a pair.
        ValueError: a size or dropout out of range, proj_size >= hidden_size, or a
            device other than the CPU; when called, an input that is not 2-D or 3-D
            with input_size features, or a hidden state of the wrong shape.

    >>> import tapegrad as tg
    >>> lstm = tg.nn.LSTM(3, 5, batch_first=True, bidirectional=True)
    >>> out, (h, c) = lstm(tg.ones(2, 4, 3))
    >>> out.shape, h.shape, c.shape
    ((2, 4, 10), (2, 2, 5), (2, 2, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


class GRU(RNNBase):
    """Gated recurrent unit with PyTorch's gates r, z, n. Returns (output, h_n).

    Args:
        input_size: the number of input features, an int >= 0.
        hidden_size: the number of hidden features, a positive int.
        num_layers: the number of stacked layers, a positive int (default 1).
        bias: learn the biases b_ih and b_hh (default True).
        batch_first: inputs and outputs are (N, L, H) instead of (L, N, H) (default False).
        dropout: the dropout probability on the outputs of each layer but the last, in
            training, in [0, 1] (default 0).
        bidirectional: also run each layer backwards and concatenate (default False).
        device: None or "cpu".
        dtype: the dtype of the weights (default: the default float).
        **kwargs: none is accepted (proj_size raises ValueError: LSTM only).

    Called as `net(input, hx=None)` with input (L, N, input_size), (N, L, input_size)
    with batch_first, (L, input_size) unbatched, or a PackedSequence; hx is
    (num_layers * num_directions, N, hidden_size) or None (zeros).

    Raises:
        TypeError: an argument has the wrong type (or an unknown keyword); when called, an
            input or hidden state that is not a tensor.
        ValueError: a size or dropout out of range, a proj_size, or a device other than
            the CPU; when called, an input that is not 2-D or 3-D with input_size
            features, or a hidden state of the wrong shape.

    >>> import tapegrad as tg
    >>> out, h = tg.nn.GRU(3, 5)(tg.ones(4, 3))
    >>> out.shape, h.shape
    ((4, 5), (1, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: str | None = None, dtype: DTypeLike = None, **kwargs: Any) -> None:
        _no_proj("GRU", kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)

# the names `from tapegrad.nn.rnn import *` gives (tests/test_all.py)
__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU"]
