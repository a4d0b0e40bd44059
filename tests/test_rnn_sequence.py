"""nn.LSTM's whole-sequence op (ops/recurrent.py, LSTMSequence): one node per layer and
direction, values and gradients (first and second order, weights included) equal to
torch.nn.LSTM in float64, and lstm_sequence's argument checks."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn
from tapegrad.ops.recurrent import LSTMSequence, lstm_sequence
from tapegrad.ops.recurrent_seq import GRUSequence, RNNSequence, gru_sequence, rnn_sequence

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)


def _pair(**kwargs):
    tm = torch.nn.LSTM(3, 4, **kwargs).double()
    m = nn.LSTM(3, 4, dtype=tg.float64, **kwargs)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    return m, tm


def _ops(t):
    """The ops of every node behind `t`."""
    seen, todo, ops = set(), [t.grad_fn], []
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        ops.append(getattr(n, "op", None))
        todo.extend(getattr(n, "next", ()) or ())
    return ops


@pytest.mark.parametrize("layers,bidi", [(1, False), (2, True)])
def test_one_sequence_node_per_layer_and_direction(layers, bidi):
    m, _ = _pair(num_layers=layers, bidirectional=bidi)
    out, (h, c) = m(tg.tensor(RNG.standard_normal((6, 2, 3))))
    ops = _ops(out.sum() + h.sum() + c.sum())
    assert ops.count(LSTMSequence) == layers * (2 if bidi else 1)
    # nothing per time step: the node count does not grow with the sequence
    out2, _ = m(tg.tensor(RNG.standard_normal((12, 2, 3))))
    assert len(_ops(out2.sum())) == len(_ops(out.sum()))


@pytest.mark.parametrize("name,op", [("GRU", GRUSequence), ("RNN", RNNSequence)])
def test_gru_and_rnn_are_one_node_and_follow_torch_to_second_order(name, op):
    tm = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=True).double()
    m = getattr(nn, name)(3, 4, num_layers=2, bidirectional=True, dtype=tg.float64)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    x, w = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((5, 2, 8))
    v = RNG.standard_normal(m.weight_hh_l1.shape)
    out, h = m(tg.tensor(x))
    assert _ops(out.sum()).count(op) == 4
    loss = (out * tg.tensor(w)).sum() + (h * h).sum()
    (g,) = tg.autograd.grad(loss, [m.weight_hh_l1], create_graph=True)
    (hv,) = tg.autograd.grad((g * tg.tensor(v)).sum(), [m.weight_ih_l0_reverse])
    tout, th = tm(torch.tensor(x))
    tloss = (tout * torch.tensor(w)).sum() + (th * th).sum()
    (tgr,) = torch.autograd.grad(tloss, [tm.weight_hh_l1], create_graph=True)
    (thv,) = torch.autograd.grad((tgr * torch.tensor(v)).sum(), [tm.weight_ih_l0_reverse])
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.numpy(), tgr.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-8, atol=1e-11)


def test_sequence_functions_check_their_own_arguments():
    with pytest.raises(ValueError, match=r"gru_sequence: .*w_ih \(3H, I\)"):
        gru_sequence(np.zeros((2, 1, 3)), np.zeros((4, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"rnn_sequence: .*w_ih \(H, I\)"):
        rnn_sequence(np.zeros((2, 1, 3)), np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="rnn_sequence: nonlinearity must be"):
        rnn_sequence(np.zeros((2, 1, 3)), np.zeros((2, 3)), np.zeros((2, 2)),
                     nonlinearity="sigmoid")


def test_weight_hessian_vector_product_matches_torch():
    # second order through BPTT w.r.t. a weight: d/dW <grad_W L, V>
    m, tm = _pair(bidirectional=True)
    x, w = RNG.standard_normal((4, 2, 3)), RNG.standard_normal((4, 2, 8))
    v = RNG.standard_normal((16, 4))
    out, (_, c) = m(tg.tensor(x))
    loss = (out * tg.tensor(w)).sum() + (c * c).sum()
    (g,) = tg.autograd.grad(loss, [m.weight_hh_l0_reverse], create_graph=True)
    (hv,) = tg.autograd.grad((g * tg.tensor(v)).sum(), [m.weight_ih_l0_reverse])
    tout, (_, tc) = tm(torch.tensor(x))
    tloss = (tout * torch.tensor(w)).sum() + (tc * tc).sum()
    (tgr,) = torch.autograd.grad(tloss, [tm.weight_hh_l0_reverse], create_graph=True)
    (thv,) = torch.autograd.grad((tgr * torch.tensor(v)).sum(), [tm.weight_ih_l0_reverse])
    np.testing.assert_allclose(g.numpy(), tgr.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-8, atol=1e-11)


def test_forward_mode_through_the_weights_matches_torch():
    m, tm = _pair(num_layers=2)
    x, dw = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((16, 4))
    w = m.weight_hh_l1.detach()
    base = tm.weight_hh_l1.detach().clone()

    def c_n(wh):
        with torch.no_grad():
            tm.weight_hh_l1.copy_(wh)
            return tm(torch.tensor(x))[1][1][1].numpy()
    # central differences of torch's c_n of the second layer
    eps = 1e-6
    tt = (c_n(base + eps * torch.tensor(dw)) - c_n(base - eps * torch.tensor(dw))) / (2 * eps)

    def ours(wh):
        # the layer's own op sequence with the second layer's weight replaced
        h = lstm_sequence(tg.tensor(x), m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0,
                          m.bias_hh_l0)[0]
        return lstm_sequence(h, m.weight_ih_l1, wh, m.bias_ih_l1, m.bias_hh_l1)[1, -1]
    _, t = tg.func.jvp(ours, (w,), (tg.tensor(dw),))
    np.testing.assert_allclose(t.numpy(), tt, rtol=1e-6, atol=1e-9)


def test_float32_follows_torch():
    tm = torch.nn.LSTM(5, 7)
    m = nn.LSTM(5, 7)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    x = RNG.standard_normal((9, 3, 5)).astype(np.float32)
    out, (_, c) = m(tg.tensor(x))
    tout, (_, tc) = tm(torch.tensor(x))
    assert out.dtype == tg.float32 and c.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), atol=2e-6)
    np.testing.assert_allclose(c.numpy(), tc.detach().numpy(), atol=2e-6)


def test_saturated_gates_stay_finite():
    # pre-activations of +-1e4: exp overflows inside the sigmoid, the gates are 0 or 1
    x = tg.tensor(np.full((3, 1, 1), 1e4), requires_grad=True)
    w_ih = tg.tensor(np.array([[1.0], [-1.0], [1.0], [-1.0]]), requires_grad=True)
    out = lstm_sequence(x, w_ih, tg.zeros(4, 1, dtype=tg.float64))
    assert np.isfinite(out.numpy()).all()
    # i = 1, f = 0, g = 1, o = 0: c_t = 1 and h_t = 0 exactly at every step
    np.testing.assert_array_equal(out[:, :, 0, 0].numpy(), [[0, 0, 0], [1, 1, 1]])
    out[0].sum().backward()
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(w_ih.grad.numpy()).all()


def test_defaults_are_zero_biases_and_states():
    x, wi, wh = (RNG.standard_normal(s) for s in ((4, 2, 3), (8, 3), (8, 2)))
    z = np.zeros((2, 2))
    a = lstm_sequence(x, wi, wh).numpy()
    b = lstm_sequence(x, wi, wh, np.zeros(8), np.zeros(8), z, z).numpy()
    np.testing.assert_array_equal(a, b)
    # reverse runs the steps backwards: the same as reversing the input and the output
    r = lstm_sequence(x, wi, wh, reverse=True).numpy()
    np.testing.assert_allclose(r, lstm_sequence(x[::-1].copy(), wi, wh).numpy()[:, ::-1])


@pytest.mark.parametrize("args,kwargs,err,match", [
    (((4, 2), (8, 3), (8, 2)), {}, ValueError, "x \\(T, N, I\\)"),
    (((4, 2, 3), (8, 2), (8, 2)), {}, ValueError, "w_ih"),
    (((4, 2, 3), (8, 3), (6, 2)), {}, ValueError, "4H"),
    (((0, 2, 3), (8, 3), (8, 2)), {}, ValueError, "empty"),
    (((4, 2, 3), (8, 3), (8, 2)), {"h0": np.zeros((3, 2))}, ValueError, "h0 must have"),
    (((4, 2, 3), (8, 3), (8, 2)), {"b_hh": np.zeros(4)}, ValueError, "b_hh"),
    (((4, 2, 3), (8, 3), (8, 2)), {"reverse": 1}, TypeError, "reverse must be a bool"),
])
def test_lstm_sequence_errors_name_the_argument(args, kwargs, err, match):
    with pytest.raises(err, match="lstm_sequence: .*" + match):
        lstm_sequence(*(np.zeros(s) for s in args), **kwargs)
    with pytest.raises(TypeError, match="lstm_sequence"):
        lstm_sequence("x", np.zeros((8, 3)), np.zeros((8, 2)))


@pytest.mark.parametrize("kw", [{}, {"proj_size": 2}, {"packed": True}])
def test_backward_in_chunks_follows_torch_to_second_order(monkeypatch, kw):
    # chunks of one step each (the backward's buffers are per chunk): gradients and a
    # Hessian-vector product equal torch's, and the recorded rules give the same bits
    import tapegrad.ops.recurrent as rec
    monkeypatch.setattr(rec, "_CHUNK", 1)
    kw = dict(kw)
    packed = kw.pop("packed", False)
    tm = torch.nn.LSTM(3, 4, bidirectional=True, **kw).double()
    m = nn.LSTM(3, 4, bidirectional=True, dtype=tg.float64, **kw)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    x = RNG.standard_normal((5, 3, 3))
    lengths = [5, 3, 1]

    def loss(mod, lib, x):
        inp = lib.nn.utils.rnn.pack_padded_sequence(x, lengths) if packed else x
        out, (h, c) = mod(inp)
        out = out.data if packed else out
        w = lib.tensor(np.cos(np.arange(np.prod(out.shape))).reshape(tuple(out.shape)))
        return (out * w).sum() + (h * h).sum() + (c * c * c).sum()

    xg = tg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ours = tg.autograd.grad(loss(m, tg, xg), [xg, m.weight_hh_l0, m.bias_ih_l0_reverse])
    again = tg.autograd.grad(loss(m, tg, xg), [xg, m.weight_hh_l0, m.bias_ih_l0_reverse],
                             create_graph=True)
    theirs = torch.autograd.grad(loss(tm, torch, xt),
                                 [xt, tm.weight_hh_l0, tm.bias_ih_l0_reverse],
                                 create_graph=True)
    for a, b, t in zip(ours, again, theirs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=1e-9, atol=1e-12)
    v = RNG.standard_normal(tuple(m.weight_hh_l0.shape))
    (hv,) = tg.autograd.grad((again[1] * tg.tensor(v)).sum(), [m.weight_ih_l0])
    (thv,) = torch.autograd.grad((theirs[1] * torch.tensor(v)).sum(), [tm.weight_ih_l0])
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("kw", [{}, {"reverse": True, "lengths": (4, 2)}])
def test_backward_recomputes_the_gates_when_the_workspace_is_gone(kw):
    # the rule reads the gates from the workspace behind its output; an output that is
    # a copy (no workspace) gives the same gradients from gates recomputed from h
    from types import SimpleNamespace
    x, wi, wh, b = (RNG.standard_normal(s) for s in ((4, 2, 3), (8, 3), (8, 2), (8,)))
    h0, c0 = RNG.standard_normal((2, 2)), RNG.standard_normal((2, 2))
    out = LSTMSequence.forward(x, wi, wh, b, h0, c0, reverse=kw.get("reverse", False),
                               lengths=kw.get("lengths"))
    g = RNG.standard_normal(out.shape)
    params = {"reverse": kw.get("reverse", False), "lengths": kw.get("lengths")}

    def grads(saved_out):
        ctx = SimpleNamespace(saved=(x, wi, wh, b, h0, c0, saved_out), params=params,
                              needs_grad=(True,) * 6)
        return LSTMSequence.vjp(ctx, g)
    from tapegrad.ops.recurrent import _workspace_gates
    assert _workspace_gates(out) is not None and _workspace_gates(out.copy()) is None
    # a view at the start of some other array as large (a stack of results) is not one
    stacked = np.stack([out, out, out])
    assert _workspace_gates(stacked[0]) is None
    for a, c in zip(grads(out), grads(out.copy())):
        np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-12)


def test_pooled_workspace_follows_torch_step_after_step():
    # a workspace large enough to come from the reused buffers (conv's pool): two
    # training steps in a row give torch's gradients, the second reusing the first's
    tm = torch.nn.LSTM(4, 64).double()
    m = nn.LSTM(4, 64, dtype=tg.float64)
    m.load_state_dict({k: v.numpy().copy() for k, v in tm.state_dict().items()})
    for _ in range(2):
        x = RNG.standard_normal((8, 12, 4))        # a 288 KiB workspace
        out, (h, c) = m(tg.tensor(x))
        (out.sum() + (c * c).sum()).backward()
        tout, (th, tc) = tm(torch.tensor(x))
        (tout.sum() + (tc * tc).sum()).backward()
        for p, q in zip(m.parameters(), tm.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-11)
            p.grad = None
            q.grad = None
