"""Recurrent layers and nn.utils.rnn against torch.nn in float64, weights copied across:
outputs, final states and gradients w.r.t. input, initial states and every parameter."""
import doctest

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn
from tapegrad.nn.utils.rnn import PackedSequence

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(tg_cls, torch_cls, *args, **kwargs):
    tm = torch_cls(*args, **kwargs).double()
    m = tg_cls(*args, dtype=tg.float64, **kwargs)
    assert list(m.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        assert m.state_dict()[k].shape == tuple(v.shape), k
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    return m, tm


def _leaf(a):
    return tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [y for o in out for y in _flatten(o)]
    if isinstance(out, nn.utils.rnn.PackedSequence) or type(out).__name__ == "PackedSequence":
        return [out.data]
    return [out]


def _compare(m, tm, inputs, call=None):
    """Run both, compare every output, then backprop the same random weighting of all
    outputs and compare the gradients of the inputs and of every parameter."""
    call = call or (lambda mod, *xs: mod(*xs))
    ours, theirs = zip(*[_leaf(a) if a is not None else (None, None) for a in inputs])
    out, tout = _flatten(call(m, *ours)), _flatten(call(tm, *theirs))
    assert len(out) == len(tout)
    loss, tloss = 0.0, 0.0
    for o, t in zip(out, tout):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
        w = RNG.standard_normal(o.shape)
        loss = loss + (o * tg.tensor(w)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for a, ta in zip(ours, theirs):
        if a is not None:
            np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-9,
                                       atol=1e-12)
    tparams = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=name)


def _x(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("kind", ["RNN", "RNN_relu", "LSTM", "GRU"])
@pytest.mark.parametrize("layers,bidi,batch_first,bias", [
    (1, False, False, True), (2, True, True, True), (2, False, False, False)])
def test_layers_match_torch(kind, layers, bidi, batch_first, bias):
    name, extra = (kind.split("_")[0], {"nonlinearity": "relu"}) if "_" in kind \
        else (kind, {})
    m, tm = _pair(getattr(nn, name), getattr(torch.nn, name), 3, 4, num_layers=layers,
                  bias=bias, batch_first=batch_first, bidirectional=bidi, **extra)
    dirs = 2 if bidi else 1
    x = _x(2, 5, 3) if batch_first else _x(5, 2, 3)
    h0 = _x(layers * dirs, 2, 4)
    _compare(m, tm, [x])
    if name == "LSTM":
        c0 = _x(layers * dirs, 2, 4)
        _compare(m, tm, [x, h0, c0], lambda mod, x, h, c: mod(x, (h, c)))
    else:
        _compare(m, tm, [x, h0])


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched(name):
    m, tm = _pair(getattr(nn, name), getattr(torch.nn, name), 3, 4, num_layers=2,
                  bidirectional=True)
    x, h0 = _x(5, 3), _x(4, 4)
    _compare(m, tm, [x])
    if name == "LSTM":
        _compare(m, tm, [x, h0, _x(4, 4)], lambda mod, x, h, c: mod(x, (h, c)))
    else:
        _compare(m, tm, [x, h0])


def test_lstm_proj_size():
    m, tm = _pair(nn.LSTM, torch.nn.LSTM, 3, 5, num_layers=2, proj_size=2,
                  bidirectional=True)
    assert m.weight_hr_l1_reverse.shape == (2, 5)
    _compare(m, tm, [_x(4, 2, 3), _x(4, 2, 2), _x(4, 2, 5)],
             lambda mod, x, h, c: mod(x, (h, c)))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_torch(name, bias):
    m, tm = _pair(getattr(nn, name), getattr(torch.nn, name), 3, 4, bias=bias)
    _compare(m, tm, [_x(2, 3)])
    _compare(m, tm, [_x(3)])
    if name == "LSTMCell":
        _compare(m, tm, [_x(2, 3), _x(2, 4), _x(2, 4)], lambda mod, x, h, c: mod(x, (h, c)))
    else:
        _compare(m, tm, [_x(2, 3), _x(2, 4)])


def test_rnncell_relu():
    m, tm = _pair(nn.RNNCell, torch.nn.RNNCell, 3, 4, nonlinearity="relu")
    _compare(m, tm, [_x(2, 3), _x(2, 4)])


def test_dropout_between_layers():
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5, dtype=tg.float64)
    x = tg.tensor(_x(5, 2, 3))
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    m.train()
    tg.manual_seed(0)
    c, _ = m(x)
    assert not np.allclose(a.numpy(), c.numpy())
    m1 = nn.GRU(3, 4, num_layers=1, dropout=0.5, dtype=tg.float64)
    m1.load_state_dict({k: v for k, v in m.state_dict().items() if "_l0" in k})
    np.testing.assert_array_equal(m1(x)[0].numpy(), m1(x)[0].numpy())   # last layer: none


def test_init_range_and_defaults():
    m = nn.LSTM(3, 16)
    bound = 1 / 4
    for p in m.parameters():
        assert np.abs(p.numpy()).max() <= bound
        assert p.numpy().std() > 0.05
    assert m.weight_ih_l0.shape == (64, 3) and m.bias_hh_l0.shape == (64,)
    assert m.weight_ih_l0.dtype == tg.float32
    assert (m.batch_first, m.bidirectional, m.num_layers, m.dropout) == (False, False, 1, 0)
    assert nn.GRU(2, 3, bias=False).state_dict().keys() == {"weight_ih_l0", "weight_hh_l0"}
    before = [p.numpy().copy() for p in m.parameters()]
    m.flatten_parameters()                      # tutorials call it; weights stay as they are
    assert all(np.array_equal(a, p.numpy()) for a, p in zip(before, m.parameters()))
    assert [w.shape for w in m.all_weights[0]] == [(64, 3), (64, 16), (64,), (64,)]


def test_errors_name_function_and_argument():
    with pytest.raises(ValueError, match=r"LSTM: input.size\(-1\) must be equal to input_size"
                                         r". Expected 3, got 4"):
        nn.LSTM(3, 4)(tg.ones(5, 2, 4))
    with pytest.raises(ValueError, match="GRU: Expected input to be 2D or 3D, got 4D"):
        nn.GRU(3, 4)(tg.ones(1, 5, 2, 3))
    with pytest.raises(ValueError, match=r"RNN: Expected hx size \(1, 2, 4\), got \(1, 3, 4\)"):
        nn.RNN(3, 4)(tg.ones(5, 2, 3), tg.zeros(1, 3, 4))
    with pytest.raises(ValueError, match="RNN: For batched 3-D input, hx should also be 3-D"):
        nn.RNN(3, 4)(tg.ones(5, 2, 3), tg.zeros(2, 4))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a pair \(h_0, c_0\)"):
        nn.LSTM(3, 4)(tg.ones(5, 2, 3), tg.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r"LSTM: Expected hx\[1\] \(c_0\) size"):
        nn.LSTM(3, 4)(tg.ones(5, 2, 3), (tg.zeros(1, 2, 4), tg.zeros(1, 2, 3)))
    with pytest.raises(ValueError, match="GRUCell: input has inconsistent input_size: got 2"):
        nn.GRUCell(3, 4)(tg.ones(2, 2))
    with pytest.raises(ValueError, match="RNN: proj_size argument is only supported for LSTM"):
        nn.RNN(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="LSTM: proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="RNN: nonlinearity must be one of 'tanh', 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="GRU: invalid dropout value"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(TypeError, match="LSTM: num_layers must be an int"):
        nn.LSTM(3, 4, num_layers=1.0)
    with pytest.raises(TypeError, match="RNN: input must be a tensor or a PackedSequence"):
        nn.RNN(3, 4)(np.ones((5, 2, 3)))


# ---- nn.utils.rnn -----------------------------------------------------------------------

R = nn.utils.rnn
TR = torch.nn.utils.rnn


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    arrays = [_x(3, 2), _x(1, 2), _x(4, 2)]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = R.pad_sequence(ours, batch_first=batch_first, padding_value=-1.5, padding_side=side)
    tout = TR.pad_sequence(theirs, batch_first=batch_first, padding_value=-1.5,
                           padding_side=side)
    np.testing.assert_array_equal(out.numpy(), tout.detach().numpy())
    w = _x(*out.shape)
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for a, t in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce", [([4, 3, 1], True), ([2, 4, 1], False)])
def test_pack_and_pad_roundtrip(batch_first, lengths, enforce):
    a = _x(3, 4, 2) if batch_first else _x(4, 3, 2)
    x, tx = _leaf(a)
    p = R.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce)
    tp = TR.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first,
                                 enforce_sorted=enforce)
    np.testing.assert_array_equal(p.data.numpy(), tp.data.detach().numpy())
    np.testing.assert_array_equal(p.batch_sizes.numpy(), tp.batch_sizes.numpy())
    if enforce:
        assert p.sorted_indices is None
    else:
        np.testing.assert_array_equal(p.sorted_indices.numpy(), tp.sorted_indices.numpy())
        np.testing.assert_array_equal(p.unsorted_indices.numpy(),
                                      tp.unsorted_indices.numpy())
    out, lens = R.pad_packed_sequence(p, batch_first=batch_first, padding_value=7.0,
                                      total_length=5)
    tout, tlens = TR.pad_packed_sequence(tp, batch_first=batch_first, padding_value=7.0,
                                         total_length=5)
    np.testing.assert_array_equal(out.numpy(), tout.detach().numpy())
    np.testing.assert_array_equal(lens.numpy(), tlens.numpy())
    w = _x(*out.shape)
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_pack_sequence_and_unpack():
    seqs = [_x(2, 3), _x(4, 3), _x(1, 3)]
    p = R.pack_sequence([tg.tensor(s) for s in seqs], enforce_sorted=False)
    tp = TR.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(p.data.numpy(), tp.data.numpy())
    back = R.unpack_sequence(p)
    for b, s in zip(back, seqs):
        np.testing.assert_array_equal(b.numpy(), s)
    assert isinstance(p, PackedSequence)          # imported by torch's module path


def test_utils_rnn_errors():
    with pytest.raises(ValueError, match="pack_padded_sequence: lengths must be sorted in "
                                         "decreasing order"):
        R.pack_padded_sequence(tg.ones(4, 2, 1), [2, 3])
    with pytest.raises(ValueError, match="pack_padded_sequence: expected 2 lengths"):
        R.pack_padded_sequence(tg.ones(4, 2, 1), [2, 3, 1])
    with pytest.raises(ValueError, match="pad_sequence: sequences\\[1\\] has trailing shape"):
        R.pad_sequence([tg.ones(2, 3), tg.ones(2, 2)])
    with pytest.raises(ValueError, match="pad_sequence: padding_side must be one of"):
        R.pad_sequence([tg.ones(2)], padding_side="middle")
    with pytest.raises(TypeError, match="pad_packed_sequence: sequence must be a "
                                        "PackedSequence"):
        R.pad_packed_sequence(tg.ones(2, 2))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("enforce", [True, False])
def test_layers_take_packed_sequences(name, enforce):
    m, tm = _pair(getattr(nn, name), getattr(torch.nn, name), 2, 3, num_layers=2,
                  bidirectional=True)
    lengths = [5, 3, 2] if enforce else [3, 5, 2]

    def call(mod, x, h):
        lib = R if mod is m else TR
        p = lib.pack_padded_sequence(x, lengths, enforce_sorted=enforce)
        if name == "LSTM":
            out, (hn, cn) = mod(p, (h, h * 0.5))
            states = [hn, cn]
        else:
            out, hn = mod(p, h)
            states = [hn]
        padded, _ = lib.pad_packed_sequence(out)
        return [out.data, padded] + states

    _compare(m, tm, [_x(5, 3, 2), _x(4, 3, 3)], call)


@pytest.mark.parametrize("module", [nn.rnn, nn.rnn_utils])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 3 and result.failed == 0


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_forward_mode_and_second_order(name):
    # JVP of the output and a Hessian-vector product (forward over reverse) w.r.t. input
    m, tm = _pair(getattr(nn, name), getattr(torch.nn, name), 2, 3, bidirectional=True)
    x, v, w = _x(3, 2, 2), _x(3, 2, 2), _x(3, 2, 6)
    out = lambda a: m(a)[0]                                         # noqa: E731
    tout = lambda a: tm(a)[0]                                       # noqa: E731
    _, tangent = tg.func.jvp(out, (tg.tensor(x),), (tg.tensor(v),))
    _, ttangent = torch.func.jvp(tout, (torch.tensor(x),), (torch.tensor(v),))
    np.testing.assert_allclose(tangent.numpy(), ttangent.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = tg.func.grad(lambda a: (out(a) * tg.tensor(w)).sum())
    _, hv = tg.func.jvp(g, (tg.tensor(x),), (tg.tensor(v),))
    tx = torch.tensor(x, requires_grad=True)
    (tg_,) = torch.autograd.grad((tout(tx) * torch.tensor(w)).sum(), tx, create_graph=True)
    (thv,) = torch.autograd.grad((tg_ * torch.tensor(v)).sum(), tx)
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-8, atol=1e-11)
