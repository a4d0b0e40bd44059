"""tg.nn: Module registration and state, layers, losses, functional, init, utils."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn
from tapegrad.nn import functional as F


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(tg.ones(4))
        self.register_buffer("count", tg.zeros(()))
        self.register_buffer("cache", tg.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc(x) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))

    def forward(self, x):
        return self.head(self.block(x))


# ------------------------------------------------------------------ Parameter

def test_parameter_is_a_leaf_tensor_that_requires_grad_and_has_no_dict():
    src = tg.tensor([1.0, 2.0])
    p = nn.Parameter(src)
    assert isinstance(p, tg.Tensor) and p.requires_grad and p.is_leaf
    assert not hasattr(p, "__dict__")
    assert np.shares_memory(p.numpy(), src.numpy())       # shares storage like PyTorch
    y = p * 3
    assert type(y) is tg.Tensor and y.grad_fn is not None
    y.sum().backward()
    (p * p).sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), [5.0, 7.0])   # accumulates as a leaf
    assert repr(p).startswith("Parameter containing:\ntensor([1., 2.]")
    assert not nn.Parameter(tg.zeros(2), requires_grad=False).requires_grad


# ------------------------------------------------------------------ Module registration

def test_named_parameters_follow_registration_order_with_dotted_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["block.scale", "block.fc.weight", "block.fc.bias", "head.1.weight",
                     "head.1.bias"]
    assert len(list(net.parameters())) == 5
    assert [n for n, _ in net.named_buffers()] == ["block.count", "block.cache"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "head",
                                                   "head.0", "head.1"]
    assert net.get_submodule("head.1") is net.head[1]


def test_shared_parameters_are_listed_once_but_kept_under_every_key():
    a = nn.Linear(2, 2)
    model = nn.Sequential(a, nn.Tanh(), a)
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_assigning_a_plain_tensor_to_a_parameter_slot_is_a_type_error():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'"):
        layer.weight = tg.zeros(2, 2)
    layer.bias = None                       # None is allowed (no bias)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    del layer.weight
    assert list(layer.parameters()) == []


def test_assigning_before_super_init_names_the_fix():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tg.zeros(1))

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_register_buffer_rejects_bad_names_and_values():
    m = nn.Module()
    with pytest.raises(KeyError, match="'.'"):
        m.register_buffer("a.b", tg.zeros(1))
    with pytest.raises(TypeError, match="buffer 'x'"):
        m.register_buffer("x", np.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("train", tg.zeros(1))


def test_train_and_eval_switch_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_clears_every_parameter_grad():
    net = Net()
    net(tg.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_forward_hooks_run_and_can_be_removed():
    layer = nn.Linear(2, 2)
    seen = []
    h = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    out = layer(tg.ones(3, 2))
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(layer.bias.numpy(), (3, 2)))
    h.remove()
    pre.remove()
    layer(tg.ones(1, 2))
    assert seen == [(3, 2)]


def test_repr_looks_like_pytorch():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 2))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=8, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.1, inplace=False)\n"
        "  (3): Linear(in_features=8, out_features=2, bias=True)\n"
        ")")


def test_to_float64_keeps_parameter_identity():
    net = Net()
    params = list(net.parameters())
    net.double()
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 for p in params)
    assert net(tg.randn(2, 3, dtype="float64")).dtype == np.float64


def test_containers_register_their_modules():
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 3)])
    md = nn.ModuleDict({"enc": nn.Linear(3, 3)})
    holder = nn.Module()
    holder.layers = ml
    holder.named = md
    assert list(holder.state_dict()) == ["layers.0.weight", "layers.0.bias",
                                         "layers.1.weight", "layers.1.bias",
                                         "named.enc.weight", "named.enc.bias"]
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert list(seq[1:].state_dict()) == ["2.weight", "2.bias"]
    with pytest.raises(IndexError, match="out of range for 3"):
        seq[3]


# ------------------------------------------------------------------ state dicts

def test_state_dict_has_params_and_persistent_buffers_sharing_memory():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["block.scale", "block.count", "block.fc.weight", "block.fc.bias",
                        "head.1.weight", "head.1.bias"]
    assert all(not v.requires_grad for v in sd.values())
    assert np.shares_memory(sd["block.fc.weight"].numpy(), net.block.fc.weight.numpy())


def test_load_state_dict_round_trips_between_models():
    a, b = Net(), Net()
    x = tg.randn(4, 3)
    assert not np.allclose(a(x).numpy(), b(x).numpy())
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_load_state_dict_names_missing_unexpected_and_misshaped_keys():
    net = Net()
    sd = dict(net.state_dict())
    del sd["head.1.bias"]
    sd["head.1.extra"] = tg.zeros(1)
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(sd)
    assert '"head.1.bias"' in str(e.value) and '"head.1.extra"' in str(e.value)
    assert "Missing key(s)" in str(e.value) and "Unexpected key(s)" in str(e.value)
    missing, unexpected = net.load_state_dict(sd, strict=False)
    assert missing == ["head.1.bias"] and unexpected == ["head.1.extra"]

    sd = dict(net.state_dict())
    before = net.block.fc.weight.numpy().copy()
    sd["block.fc.weight"] = tg.zeros(5, 5)
    sd["head.1.weight"] = tg.zeros(2, 4) + 7.0
    with pytest.raises(RuntimeError, match=r'size mismatch for "block.fc.weight".*\(5, 5\)'
                       r'.*\(4, 3\)'):
        net.load_state_dict(sd, strict=False)
    # nothing was written: the load checks every key first
    np.testing.assert_array_equal(net.block.fc.weight.numpy(), before)
    assert not (net.head[1].weight.numpy() == 7.0).all()


def test_load_state_dict_accepts_numpy_and_keeps_identity():
    layer = nn.Linear(2, 2)
    w = layer.weight
    layer.load_state_dict({"weight": np.ones((2, 2)), "bias": np.zeros(2)})
    assert layer.weight is w and w.dtype == np.float32
    np.testing.assert_array_equal(w.numpy(), np.ones((2, 2)))


# ------------------------------------------------------------------ layers

def test_linear_shapes_init_and_errors():
    tg.manual_seed(0)
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert np.abs(layer.weight.numpy()).max() <= 1 / np.sqrt(5)
    x = tg.randn(2, 7, 5)
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), x.numpy() @ layer.weight.numpy().T
                               + layer.bias.numpy(), rtol=1e-6)
    assert nn.Linear(5, 3, bias=False).bias is None
    with pytest.raises(ValueError, match=r"linear: input of shape \(2, 4\).*\(3, 5\)"):
        layer(tg.zeros(2, 4))


def test_linear_init_is_reproducible_with_manual_seed():
    tg.manual_seed(42)
    a = nn.Linear(4, 4).weight.numpy().copy()
    tg.manual_seed(42)
    b = nn.Linear(4, 4).weight.numpy().copy()
    np.testing.assert_array_equal(a, b)


def test_dropout_is_reproducible_scaled_and_off_in_eval():
    drop = nn.Dropout(0.25)
    x = tg.ones(2000)
    tg.manual_seed(3)
    a = drop(x).numpy()
    tg.manual_seed(3)
    b = drop(x).numpy()
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((a == 0).mean() - 0.25) < 0.04
    drop.eval()
    assert drop(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_gradient_uses_the_same_mask():
    x = tg.ones(50, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.numpy())


def test_layernorm_normalizes_last_dims_and_checks_shape():
    ln = nn.LayerNorm((2, 3))
    x = tg.randn(4, 2, 3) * 5 + 2
    y = ln(x).numpy()
    np.testing.assert_allclose(y.reshape(4, -1).mean(1), 0, atol=1e-5)
    np.testing.assert_allclose(y.reshape(4, -1).std(1), 1, atol=1e-3)
    with pytest.raises(ValueError, match=r"\(4, 3, 2\).*\(2, 3\)"):
        ln(tg.zeros(4, 3, 2))


def test_batchnorm_switches_between_batch_and_running_statistics():
    bn = nn.BatchNorm1d(2, momentum=0.5)
    x = tg.tensor([[1.0, 10.0], [3.0, 20.0]])
    y = bn(x).numpy()
    np.testing.assert_allclose(y, [[-1, -1], [1, 1]], atol=1e-3)
    np.testing.assert_allclose(bn.running_mean.numpy(), [1.0, 7.5])
    np.testing.assert_allclose(bn.running_var.numpy(), [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 50.0])
    assert int(bn.num_batches_tracked.item()) == 1
    bn.eval()
    y_eval = bn(x).numpy()
    expected = (x.numpy() - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + 1e-5)
    np.testing.assert_allclose(y_eval, expected, rtol=1e-5)
    assert int(bn.num_batches_tracked.item()) == 1           # eval does not update
    bn.train()
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(tg.zeros(1, 2))
    with pytest.raises(ValueError, match=r"\(N, 2\).*\(4, 3\)"):
        bn(tg.zeros(4, 3))


def test_embedding_lookup_gradient_and_errors():
    emb = nn.Embedding(5, 2)
    idx = tg.tensor([[1, 1], [4, 0]])
    out = emb(idx)
    assert out.shape == (2, 2, 2)
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[:, 0], [1, 2, 0, 0, 1])
    with pytest.raises(IndexError, match="index 5 is out of range for 5 embeddings"):
        emb(tg.tensor([5]))
    with pytest.raises(TypeError, match="integers"):
        emb(tg.tensor([1.0]))
    pad = nn.Embedding(4, 3, padding_idx=0)
    assert not pad.weight.numpy()[0].any()


def test_activation_layers_match_functions():
    x = tg.randn(3, 4)
    for layer, fn in [(nn.ReLU(), tg.relu), (nn.Tanh(), tg.tanh), (nn.Sigmoid(), tg.sigmoid),
                      (nn.Softmax(dim=1), lambda t: tg.softmax(t, 1)),
                      (nn.LogSoftmax(dim=1), lambda t: tg.log_softmax(t, 1))]:
        np.testing.assert_allclose(layer(x).numpy(), fn(x).numpy())
    assert nn.Flatten()(tg.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Identity()(x) is x


# ------------------------------------------------------------------ losses

def test_cross_entropy_of_uniform_logits_is_log_classes():
    loss = nn.CrossEntropyLoss()(tg.zeros(3, 5), tg.tensor([0, 2, 4]))
    assert loss.item() == pytest.approx(np.log(5), rel=1e-6)


def test_cross_entropy_ignore_index_and_errors():
    logits = tg.randn(3, 4)
    full = F.cross_entropy(logits[:2], tg.tensor([1, 2]))
    part = F.cross_entropy(logits, tg.tensor([1, 2, -100]))
    assert part.item() == pytest.approx(full.item(), rel=1e-6)
    with pytest.raises(IndexError, match="target 4 is out of bounds for 4 classes"):
        F.cross_entropy(logits, tg.tensor([0, 1, 4]))
    with pytest.raises(ValueError, match=r"target of shape \(2,\).*\(3, 4\)"):
        F.cross_entropy(logits, tg.tensor([0, 1]))
    with pytest.raises(ValueError, match="reduction must be"):
        F.cross_entropy(logits, tg.tensor([0, 1, 2]), reduction="avg")
    with pytest.raises(TypeError, match="integer class indices or float"):
        F.cross_entropy(logits, tg.tensor([True, False, True]))


def test_losses_refuse_silent_broadcasting():
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(4, 1\) and target shape "
                       r"\(4,\)"):
        F.mse_loss(tg.zeros(4, 1), tg.zeros(4))
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits"):
        nn.BCEWithLogitsLoss()(tg.zeros(4), tg.zeros(4, 1))


def test_bce_with_logits_is_stable_and_exact_at_zero():
    x = tg.tensor([0.0, 500.0, -500.0], requires_grad=True)
    y = tg.tensor([1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="sum")
    assert loss.item() == pytest.approx(np.log(2), rel=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.0, 0.0], atol=1e-7)


def test_losses_are_differentiable_twice_and_in_forward_mode(rng):
    x = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = tg.tensor([0, 3, 1])
    w = tg.tensor(rng.uniform(0.5, 2, 4))
    ce = lambda t: F.cross_entropy(t, y, weight=w, label_smoothing=0.1)  # noqa: E731
    assert tg.gradcheck(ce, (x,))
    assert tg.gradgradcheck(ce, (x,))
    t = tg.tensor(rng.integers(0, 2, (3, 4)).astype(np.float64))
    bce = lambda t_: F.binary_cross_entropy_with_logits(t_, t, pos_weight=w)  # noqa: E731
    assert tg.gradgradcheck(bce, (x,))
    u = tg.tensor(rng.standard_normal((3, 4)))
    _, dout = tg.jvp(ce, (x,), (u,))
    g = tg.grad(ce)(x)
    assert dout.item() == pytest.approx(float(np.vdot(g.numpy(), u.numpy())), rel=1e-9)


def test_layer_norm_and_batch_norm_pass_gradcheck(rng):
    x = tg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = tg.tensor(rng.standard_normal(3), requires_grad=True)
    b = tg.tensor(rng.standard_normal(3), requires_grad=True)
    assert tg.gradcheck(lambda t, w_, b_: F.layer_norm(t, (3,), w_, b_), (x, w, b))
    assert tg.gradcheck(lambda t: F.batch_norm(t, None, None, w, b, training=True), (x,))


# ------------------------------------------------------------------ init

def test_initialisers_fill_in_place_with_expected_statistics():
    tg.manual_seed(0)
    t = tg.zeros(200, 300)
    assert nn.init.xavier_uniform_(t) is t
    assert np.abs(t.numpy()).max() <= np.sqrt(6 / 500)
    nn.init.kaiming_normal_(t, nonlinearity="relu")
    assert t.numpy().std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    nn.init.constant_(t, 0.5)
    assert (t.numpy() == 0.5).all()
    q = nn.init.orthogonal_(tg.zeros(3, 5))
    np.testing.assert_allclose(q.numpy() @ q.numpy().T, np.eye(3), atol=1e-6)
    tn = nn.init.trunc_normal_(tg.zeros(1000), std=2.0, a=-1.0, b=1.0)
    assert np.abs(tn.numpy()).max() <= 1.0
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("leaky_relu", np.sqrt(5)) == pytest.approx(np.sqrt(1 / 3))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(tg.zeros(3))


# ------------------------------------------------------------------ utils

def test_clip_grad_norm_scales_in_place_and_returns_the_norm():
    a = nn.Parameter(tg.zeros(2))
    b = nn.Parameter(tg.zeros(1))
    a.grad, b.grad = tg.tensor([3.0, 0.0]), tg.tensor([4.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), [0.8], rtol=1e-5)
    total = nn.utils.clip_grad_norm_([a, b], max_norm=10.0)      # below the limit: as is
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0.0], rtol=1e-5)
    b.grad = tg.tensor([float("nan")])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([a, b], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_parameter_vectors():
    layer = nn.Linear(2, 2)
    layer.weight.grad = tg.tensor([[5.0, -5.0], [0.1, 0.2]])
    nn.utils.clip_grad_value_(layer.parameters(), 1.0)
    np.testing.assert_allclose(layer.weight.grad.numpy(), [[1, -1], [0.1, 0.2]], rtol=1e-6)
    vec = nn.utils.parameters_to_vector(layer.parameters())
    assert vec.shape == (6,)
    nn.utils.vector_to_parameters(vec * 0 + 1, layer.parameters())
    assert (layer.weight.numpy() == 1).all() and (layer.bias.numpy() == 1).all()
    with pytest.raises(ValueError, match="6 values"):
        nn.utils.vector_to_parameters(tg.zeros(5), layer.parameters())


def test_progress_falls_back_to_plain_lines_without_tqdm(monkeypatch, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    bar = nn.utils.progress(range(20), desc="epoch")
    for i in bar:
        bar.set_postfix(loss=1.0 / (i + 1), acc=0.5)
    err = capsys.readouterr().err
    assert "epoch: 20/20" in err and "loss=0.05" in err and "acc=0.5" in err


def test_progress_uses_tqdm_when_installed():
    tqdm = pytest.importorskip("tqdm")
    bar = nn.utils.progress(range(3), desc="x", disable=False, file=open("/dev/null", "w"))
    assert isinstance(bar, tqdm.tqdm)
    list(bar)


# ------------------------------------------------------------------ docs

@pytest.mark.parametrize("module", [
    "tapegrad.nn.module", "tapegrad.nn.parameter", "tapegrad.nn.layers",
    "tapegrad.nn.losses", "tapegrad.nn.functional", "tapegrad.nn.init", "tapegrad.nn.utils",
    "tapegrad.optim.optimizer", "tapegrad.optim.sgd", "tapegrad.optim.lr_scheduler",
    "tapegrad.io",
])
def test_docstring_examples_run(module):
    import doctest
    import importlib
    mod = importlib.import_module(module)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(mod, optionflags=flags, report=False)
    assert result.failed == 0
    assert result.attempted > 0, f"{module} has no runnable example"
