"""The one-op cell steps (ops/recurrent_cell.py) in a loop over time, and the plain-array
backward of GRUSequence / RNNSequence, against torch in float64 with copied weights;
second order, float32 kept, argument checks."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.ops.recurrent_cell import gru_cell, lstm_cell, rnn_cell

torch = pytest.importorskip("torch")


def _pair(name, *args, **kwargs):
    tm = getattr(torch.nn, name)(*args, **kwargs).double()
    m = getattr(tg.nn, name)(*args, dtype=tg.float64, **kwargs)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    return m, tm


def _loop(lib, cell, x, h, c, lstm):
    """h and c carried through the steps of x; the loss weights every step's h."""
    outs = []
    for t in range(x.shape[0]):
        if lstm:
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        outs.append(h)
    w = lib.tensor(np.linspace(-1, 1, outs[0].numel()).reshape(tuple(outs[0].shape)))
    return sum(((o * w) ** 2).sum() * (k + 1) for k, o in enumerate(outs))


@pytest.mark.parametrize("name,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                     ("LSTMCell", {}), ("GRUCell", {}),
                                     ("GRUCell", {"bias": False})])
def test_cell_loop_and_its_second_order_match_torch(name, kw):
    m, tm = _pair(name, 3, 4, **kw)
    rng = np.random.default_rng(1)
    x, h, c = rng.standard_normal((5, 2, 3)), rng.standard_normal((2, 4)), \
        rng.standard_normal((2, 4))
    lstm = name == "LSTMCell"
    got, want = [], []
    for lib, mod, out in ((tg, m, got), (torch, tm, want)):
        xs = [lib.tensor(a, requires_grad=True) for a in (x, h, c)]
        params = list(mod.parameters())
        loss = _loop(lib, mod, xs[0], xs[1], xs[2], lstm)
        leaves = xs[:2] + params + ([xs[2]] if lstm else [])
        first = lib.autograd.grad(loss, leaves, create_graph=True)
        # second order: the gradient of the first gradients' squared norm
        second = lib.autograd.grad(sum((g ** 2).sum() for g in first), leaves)
        out += [loss] + list(first) + list(second)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9,
                                   atol=1e-11)


@pytest.mark.parametrize("fn,gates", [(rnn_cell, 1), (lstm_cell, 4), (gru_cell, 3)])
def test_cell_ops_forward_mode_matches_reverse(fn, gates):
    rng = np.random.default_rng(2)
    shapes = [(2, 3), (2, 2)] + ([(2, 2)] if fn is lstm_cell else []) + \
        [(2 * gates, 3), (2 * gates, 2), (2 * gates,), (2 * gates,)]
    args = [rng.standard_normal(s) for s in shapes]
    f = lambda *a: fn(*a).sum() if fn is rnn_cell else fn(*a)[0].sum()  # noqa: E731
    jac = tg.jacrev(f, argnums=tuple(range(len(args))))(*[tg.tensor(a) for a in args])
    for k, a in enumerate(args):
        v = rng.standard_normal(a.shape)
        tangents = [np.zeros_like(b) for b in args]
        tangents[k] = v
        _, dt = tg.jvp(f, [tg.tensor(b) for b in args], [tg.tensor(t) for t in tangents])
        np.testing.assert_allclose(dt.numpy(), (jac[k].numpy() * v).sum(), rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("name", ["GRU", "RNN", "LSTM"])
def test_float32_layers_stay_float32(name):
    m = getattr(tg.nn, name)(3, 4, dtype=tg.float32)
    x = tg.tensor(np.ones((5, 2, 3), np.float32), requires_grad=True)
    out, _ = m(x)
    out.sum().backward()
    assert out.dtype == tg.float32 and x.grad.dtype == tg.float32
    assert all(p.grad.dtype == tg.float32 for p in m.parameters())


@pytest.mark.parametrize("name", ["GRU", "RNN"])
def test_plain_backward_gives_the_bits_of_the_recorded_rule(name):
    # .backward() runs the rule on arrays in buffers; create_graph=True records the
    # same steps with tensors: the same bits, with only h used (GRU's rows r, z, n, hn
    # get no cotangent) and packed lengths
    m = getattr(tg.nn, name)(3, 4, num_layers=2, bidirectional=True, dtype=tg.float64)
    x = np.random.default_rng(3).standard_normal((6, 3, 3))
    for lengths in (None, [6, 2, 4]):
        grads = []
        for create in (False, True):
            xt = tg.tensor(x, requires_grad=True)
            inp = xt if lengths is None else tg.nn.utils.rnn.pack_padded_sequence(
                xt, lengths, enforce_sorted=False)
            out, h = m(inp)
            out = out if lengths is None else tg.nn.utils.rnn.pad_packed_sequence(out)[0]
            loss = (out ** 2).sum() + h.sum()
            leaves = [xt] + list(m.parameters())
            grads.append([g.detach().numpy() for g in
                          tg.autograd.grad(loss, leaves, create_graph=create)])
        for a, b in zip(*grads):
            np.testing.assert_array_equal(a, b)


def test_cell_ops_check_their_arguments():
    z = np.zeros
    with pytest.raises(ValueError, match=r"gru_cell: expected x \(N, I\), h \(N, H\)"):
        gru_cell(z((2, 3)), z((2, 2)), z((4, 3)), z((6, 2)))
    with pytest.raises(ValueError, match=r"lstm_cell: c must have h's shape \(2, 2\)"):
        lstm_cell(z((2, 3)), z((2, 2)), z((2, 3)), z((8, 3)), z((8, 2)))
    with pytest.raises(ValueError, match=r"rnn_cell: b_hh must have shape \(2,\)"):
        rnn_cell(z((2, 3)), z((2, 2)), z((2, 3)), z((2, 2)), b_hh=z(3))
    with pytest.raises(ValueError, match="rnn_cell: nonlinearity must be 'tanh' or 'relu'"):
        rnn_cell(z((2, 3)), z((2, 2)), z((2, 3)), z((2, 2)), nonlinearity="gelu")
    with pytest.raises(TypeError, match="lstm_cell"):
        lstm_cell("x", z((2, 2)), z((2, 2)), z((8, 3)), z((8, 2)))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_vmapped_cell_step_equals_the_loop(name):
    # shared weights: the mapped axis folds into the step's batch (no per-example loop)
    cell = getattr(tg.nn, name)(3, 4, dtype=tg.float64)
    rng = np.random.default_rng(4)
    x, h = rng.standard_normal((5, 2, 3)), rng.standard_normal((5, 2, 4))
    if name == "LSTMCell":
        f = lambda a, b: cell(a, (b, b * 0.5))[1]  # noqa: E731
    else:
        f = lambda a, b: cell(a, b)  # noqa: E731
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="vmap: op .* has no batching rule")
        got = tg.vmap(f)(tg.tensor(x), tg.tensor(h)).numpy()
    want = np.stack([f(tg.tensor(x[k]), tg.tensor(h[k])).numpy() for k in range(5)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
