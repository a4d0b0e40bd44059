"""Names for TensorFlow users and ported PyTorch code: tg.random, tg.math, tg.nn's tf.nn
functions, tg.clip_by_norm, tg.Module (tf.Module), dtype aliases, tg.device, device=."""
import doctest
import importlib

import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# ------------------------------------------------------------------ tg.random
def test_random_seeding_and_shapes():
    tg.random.set_seed(7)
    a = tg.random.normal([3, 2], mean=1.0, stddev=0.5)
    tg.manual_seed(7)
    b = tg.random.normal([3, 2], mean=1.0, stddev=0.5)
    assert a.shape == (3, 2) and a.dtype == tg.float32
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    # an op seed gives a sequence that set_seed restarts; calls draw along it (as TF)
    tg.random.set_seed(7)
    c = tg.random.normal([2], seed=3, dtype=tg.float64)
    c2 = tg.random.normal([2], seed=3, dtype=tg.float64)
    tg.random.set_seed(7)
    d = tg.random.normal([2], seed=3, dtype=tg.float64)
    np.testing.assert_array_equal(c.numpy(), d.numpy())
    assert not np.array_equal(c.numpy(), c2.numpy())
    u = tg.random.uniform([2000], minval=-2.0, maxval=3.0, dtype=tg.float64)
    assert u.numpy().min() >= -2 and u.numpy().max() < 3 and abs(u.numpy().mean() - 0.5) < 0.2
    i = tg.random.uniform([50], minval=2, maxval=5, dtype=tg.int32)
    assert i.dtype == tg.int32 and set(i.tolist()) <= {2, 3, 4}
    t = tg.random.truncated_normal([1000], stddev=2.0)
    assert np.abs(t.numpy()).max() <= 4.0
    s = tg.random.shuffle(tg.arange(10).reshape(5, 2))
    assert sorted(s[:, 0].tolist()) == [0, 2, 4, 6, 8] and (s[:, 1] - s[:, 0] == 1).all()
    with pytest.raises(ValueError, match="maxval"):
        tg.random.uniform([2], dtype=tg.int64)
    with pytest.raises(TypeError, match="seed"):
        tg.random.set_seed(1.5)
    with pytest.raises(ValueError, match="shuffle"):
        tg.random.shuffle(tg.tensor(1.0))


def test_categorical():
    probs = np.array([[0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])
    tg.random.set_seed(1)
    draws = tg.random.categorical(tg.tensor(np.log(probs + 1e-300)), 20000, seed=0)
    assert draws.shape == (2, 20000) and draws.dtype == tg.int64
    np.testing.assert_allclose(np.bincount(draws.numpy()[0], minlength=3) / 20000, probs[0],
                               atol=0.02)
    assert (draws.numpy()[1] == 2).all()
    tg.random.set_seed(1)
    again = tg.random.categorical(tg.tensor(np.log(probs + 1e-300)), 20000, seed=0)
    np.testing.assert_array_equal(draws.numpy(), again.numpy())
    with pytest.raises(ValueError, match="2-D"):
        tg.random.categorical(tg.zeros(3), 1)


def test_generator_state():
    g = tg.Generator().manual_seed(1)
    state = g.get_state()
    x = g._numpy_generator.random(3)
    g.set_state(state)
    np.testing.assert_array_equal(g._numpy_generator.random(3), x)
    assert g.initial_seed() == 1
    with pytest.raises(ValueError, match="CPU"):
        tg.Generator(device="cuda")


# ------------------------------------------------------------------ tg.math
def test_math_namespace():
    x = tg.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=tg.float64)
    xn = x.numpy()
    assert tg.math.exp is tg.exp and tg.math.reduce_sum is tg.reduce_sum
    for name in ["add", "subtract", "multiply", "divide", "maximum", "minimum", "pow"]:
        assert callable(getattr(tg.math, name)) and name in dir(tg.math)
    np.testing.assert_array_equal(tg.math.argmax(x).numpy(), xn.argmax(0))
    np.testing.assert_array_equal(tg.math.argmin(x, axis=1).numpy(), xn.argmin(1))
    np.testing.assert_allclose(tg.math.reduce_std(x).numpy(), xn.std())
    np.testing.assert_allclose(tg.math.reduce_variance(x, axis=0).numpy(), xn.var(0))
    np.testing.assert_allclose(tg.math.log_sigmoid(x).numpy(),
                               TF.logsigmoid(torch.tensor(xn)).numpy())
    np.testing.assert_allclose(tg.math.squared_difference(x, 1.0).numpy(), (xn - 1) ** 2)
    assert tg.math.reduce_any(x > 2).item() and not tg.math.reduce_all(x > 0).item()
    assert tg.math.equal(x, 0.5).numpy().sum() == 1
    assert tg.math.is_nan(tg.tensor([np.nan, 1.0])).tolist() == [True, False]
    with pytest.raises(AttributeError):
        tg.math.no_such_function


def test_divide_no_nan_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.tensor([0.0, 4.0], requires_grad=True)
    out = tg.math.divide_no_nan(x, y)
    out.sum().backward()
    assert out.tolist() == [0.0, 0.5]
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(y.grad.numpy()).all()
    assert x.grad.tolist() == [0.0, 0.25]


def test_clip_by_norm():
    t = tg.tensor([[3.0, 4.0], [0.3, 0.4]], dtype=tg.float64, requires_grad=True)
    np.testing.assert_allclose(tg.clip_by_norm(t, 1.0).detach().numpy(),
                               t.detach().numpy() / np.linalg.norm(t.detach().numpy()))
    rows = tg.clip_by_norm(t, 1.0, axes=[1]).detach().numpy()
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.3, 0.4]])
    z = tg.zeros(3, dtype=tg.float64, requires_grad=True)
    tg.clip_by_norm(z, 1.0).sum().backward()
    assert np.isfinite(z.grad.numpy()).all()
    assert tg.gradcheck(lambda a: tg.clip_by_norm(a, 1.0, axes=1), [t])
    with pytest.raises(ValueError, match="clip_norm"):
        tg.clip_by_norm(t, -1.0)


# ------------------------------------------------------------------ tg.nn (tf.nn)
@pytest.mark.parametrize("ours,theirs", [
    (tg.nn.relu6, TF.relu6), (tg.nn.elu, TF.elu),
    # tf.nn.selu's gradient at 0 is scale (TF's SeluGrad), torch's scale * alpha
    (tg.nn.selu, lambda x: torch.where(x >= 0, 1.0507009873554805 * x, TF.selu(x))),
    (tg.nn.silu, TF.silu), (tg.nn.softsign, TF.softsign),
    (lambda x: tg.nn.leaky_relu(x), lambda x: TF.leaky_relu(x, 0.2)),
    (tg.nn.gelu, TF.gelu), (lambda x: tg.nn.gelu(x, approximate=True),
                            lambda x: TF.gelu(x, approximate="tanh")),
    (tg.nn.softmax, lambda x: TF.softmax(x, -1)),
    (tg.nn.log_softmax, lambda x: TF.log_softmax(x, -1)),
    (tg.nn.sigmoid, torch.sigmoid), (tg.nn.tanh, torch.tanh), (tg.nn.relu, TF.relu),
    (tg.nn.softplus, TF.softplus),
])
def test_activations_match_torch(ours, theirs):
    x = np.array([[-7.0, -1.0, -0.2, 0.0], [0.3, 2.0, 6.5, 8.0]])
    a = tg.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    out, ref = ours(a), theirs(b)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12,
                               atol=1e-14)
    w = np.arange(8.0).reshape(2, 4)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cross_entropies_match_torch():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, 5))
    labels = np.array([0, 4, 2, 2])
    out = tg.nn.sparse_softmax_cross_entropy_with_logits(labels=tg.tensor(labels),
                                                         logits=tg.tensor(logits))
    ref = TF.cross_entropy(torch.tensor(logits), torch.tensor(labels), reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)
    probs = rng.dirichlet(np.ones(5), size=4)
    out = tg.nn.softmax_cross_entropy_with_logits(labels=tg.tensor(probs),
                                                  logits=tg.tensor(logits))
    ref = TF.cross_entropy(torch.tensor(logits), torch.tensor(probs), reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)
    z = rng.random((4, 5))
    out = tg.nn.sigmoid_cross_entropy_with_logits(labels=tg.tensor(z), logits=tg.tensor(logits))
    ref = TF.binary_cross_entropy_with_logits(torch.tensor(logits), torch.tensor(z),
                                              reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)
    out = tg.nn.weighted_cross_entropy_with_logits(tg.tensor(z), tg.tensor(logits), 3.0)
    ref = TF.binary_cross_entropy_with_logits(torch.tensor(logits), torch.tensor(z),
                                              pos_weight=torch.tensor(3.0), reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="labels"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=tg.tensor([0, 9, 0, 0]),
                                                       logits=tg.tensor(logits))


def test_other_tf_nn_functions():
    x = np.arange(12.0).reshape(3, 4) / 7
    t = tg.tensor(x)
    assert tg.nn.l2_loss(t).item() == pytest.approx((x ** 2).sum() / 2)
    mean, var = tg.nn.moments(t, axes=[0])
    np.testing.assert_allclose(mean.numpy(), x.mean(0))
    np.testing.assert_allclose(var.numpy(), x.var(0))
    np.testing.assert_allclose(tg.nn.l2_normalize(t, axis=1).numpy(),
                               x / np.linalg.norm(x, axis=1, keepdims=True))
    np.testing.assert_allclose(tg.nn.bias_add(t, tg.tensor([1.0, 2, 3, 4])).numpy(),
                               x + [1, 2, 3, 4])
    emb = tg.nn.embedding_lookup(t, tg.tensor([[2, 0]]))
    assert emb.shape == (1, 2, 4)
    d = tg.nn.dropout(tg.ones(1000, dtype=tg.float64), rate=0.25, seed=0).numpy()
    assert set(np.unique(d)) <= {0.0, 1 / 0.75} and 0.15 < (d == 0).mean() < 0.35
    bn = tg.nn.batch_normalization(t, mean, var, None, None, 1e-3)
    np.testing.assert_allclose(bn.numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3))


# ------------------------------------------------------------------ tg.Module
def test_module_tracks_variables():
    class Dense(tg.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            self.w = tg.Variable(tg.ones((n_in, n_out)), name="w")
            self.b = tg.Variable(tg.zeros(n_out), name="b")

        def __call__(self, x):
            return x @ self.w + self.b

    class Model(tg.Module):
        def __init__(self):
            super().__init__(name="model")
            self.first = Dense(3, 4)
            self.blocks = {"b": Dense(4, 4), "a": [Dense(4, 2)]}
            self.shared = self.first.w                     # counted once
            self.counter = tg.Variable(0, trainable=False)
            self.torch_style = tg.nn.Linear(2, 1)

    m = Model()
    assert m.name == "model" and Dense(1, 1).name == "dense"
    v = m.variables
    assert len(v) == 2 * 3 + 1 + 2 and len({id(x) for x in v}) == len(v)
    assert len(m.trainable_variables) == 8 and m.non_trainable_variables == (m.counter,)
    # TF's order: own attributes sorted by name, then submodules in that order
    assert v[0] is m.counter and v[1] is m.first.w
    assert len(m.submodules) == 4 and m.submodules[0] is m.blocks["a"][0]
    with tg.GradientTape() as tape:
        loss = tg.math.reduce_sum(m.torch_style(m.blocks["a"][0](
            m.blocks["b"](m.first(tg.ones((2, 3)))))))
    grads = tape.gradient(loss, m.trainable_variables)
    assert all(g is not None for g in grads)
    with m.name_scope:
        pass
    with pytest.raises(ValueError, match="name"):
        tg.Module(name="1bad")


# ------------------------------------------------------------------ dtypes, devices
def test_dtype_aliases_and_devices():
    assert (tg.float, tg.double, tg.half, tg.long, tg.int, tg.bool) == (
        tg.float32, tg.float64, tg.float16, tg.int64, tg.int32, tg.bool_)
    x = tg.ones(2, 3, dtype=tg.double, device="cpu")
    assert x.dtype == tg.float64 and x.to(tg.float).dtype == tg.float32
    assert x.to(tg.device("cpu")) is x and x.cpu() is x
    for f in (lambda d: tg.zeros(2, device=d), lambda d: tg.tensor([1.0], device=d),
              lambda d: tg.randn(2, device=d), lambda d: tg.arange(3, device=d),
              lambda d: tg.full((2,), 1.0, device=d), lambda d: tg.eye(2, device=d),
              lambda d: tg.zeros_like(x, device=d), lambda d: tg.linspace(0, 1, 3, device=d),
              lambda d: tg.randint(0, 3, (2,), device=d), lambda d: tg.rand(2, device=d)):
        assert f(tg.device("cpu")).shape[0] in (1, 2, 3)
        assert f(torch.device("cpu")) is not None
        with pytest.raises(ValueError, match="CPU"):
            f("cuda")
    with pytest.raises(ValueError, match="CPU"):
        tg.device("cuda:0")
    assert tg.device("cpu") == "cpu" and tg.device("cpu").type == "cpu"
    assert tg.cuda.is_available() is False
    dev = tg.device("cuda" if tg.cuda.is_available() else "cpu")
    assert tg.zeros(1, device=dev).device == "cpu"


@pytest.mark.parametrize("module", ["tapegrad.math", "tapegrad.random", "tapegrad.tf_module",
                                    "tapegrad.nn.tf_functions", "tapegrad.cuda",
                                    "tapegrad._dtypes"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False)
    assert result.failed == 0 and result.attempted > 0
