"""Issue 18's activation and normalisation modules and small functionals against torch.nn
in float64, weights copied across: outputs, input and parameter gradients, running
statistics in train and eval, state-dict keys; argument errors name the function."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(ours, theirs):
    """Copy theirs' parameters and buffers into ours (float64), by state-dict key."""
    sd = theirs.state_dict()
    assert sorted(ours.state_dict()) == sorted(sd)
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in sd.items()})


def _run(ours, theirs, x, rng, rtol=1e-9):
    """Forward and backward through both with one upstream gradient; returns both
    outputs and both input gradients and compares the parameters' gradients."""
    a = tg.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    ya, yb = ours(a), theirs(b)
    w = rng.standard_normal(yb.shape)
    (ya * tg.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=1e-12)
    pa = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(pa[name].grad.numpy(), p.grad.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=name)


ACTIVATIONS = [
    ("SiLU", (), {}), ("ELU", (0.7,), {}), ("SELU", (), {}), ("CELU", (2.0,), {}),
    ("Mish", (), {}), ("ReLU6", (), {}), ("Hardtanh", (-0.5, 2.0), {}),
    ("Hardswish", (), {}), ("Hardsigmoid", (), {}), ("GLU", (1,), {}),
    ("LogSigmoid", (), {}), ("Softsign", (), {}), ("Tanhshrink", (), {}),
    ("PReLU", (), {}), ("PReLU", (4,), {"init": 0.1}),
]
FLOAT32_SIXTH = {"Hardsigmoid"}     # torch's gradient is float32's 1/6, in float64 too


@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS,
                         ids=[f"{n}{a}" for n, a, _ in ACTIVATIONS])
def test_activation_modules_match_torch(name, args, kwargs):
    rng = np.random.default_rng(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(tg.nn, name)(*args, **kwargs, **(
        {"dtype": "float64"} if name == "PReLU" else {}))
    _pair(ours, theirs)
    x = rng.uniform(-7, 7, size=(3, 4, 5))
    x[0, 0, :3] = [0.0, 3.0, -3.0]          # kinks: the one-sided rules agree with torch
    _run(ours, theirs, x, rng, 1e-7 if name in FLOAT32_SIXTH else 1e-9)


def test_prelu_weight_shape_and_init():
    m = tg.nn.PReLU(3)
    assert m.weight.shape == (3,) and np.all(m.weight.numpy() == 0.25)
    assert list(m.state_dict()) == ["weight"]
    with pytest.raises(ValueError, match="prelu: weight has 3 values"):
        m(tg.ones((2, 4)))


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm2d_train_then_eval_matches_torch(momentum, affine):
    rng = np.random.default_rng(1)
    theirs = torch.nn.BatchNorm2d(3, momentum=momentum, affine=affine).double()
    ours = tg.nn.BatchNorm2d(3, momentum=momentum, affine=affine, dtype="float64")
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.uniform_(-1, 1)
    _pair(ours, theirs)
    for _ in range(3):
        _run(ours, theirs, rng.standard_normal((4, 3, 5, 2)) * 2 + 1, rng)
        for k, v in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-12,
                                       err_msg=k)
    ours.eval()
    theirs.eval()
    _run(ours, theirs, rng.standard_normal((2, 3, 4, 4)), rng)


def test_batchnorm2d_without_running_stats_uses_the_batch_in_eval():
    rng = np.random.default_rng(2)
    theirs = torch.nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    ours = tg.nn.BatchNorm2d(2, track_running_stats=False, dtype="float64").eval()
    _pair(ours, theirs)
    _run(ours, theirs, rng.standard_normal((3, 2, 2, 3)), rng)


def test_batchnorm2d_rejects_other_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input of shape \(N, C, H, W\)"):
        tg.nn.BatchNorm2d(3)(tg.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="BatchNorm2d: num_features"):
        tg.nn.BatchNorm2d(0)
    with pytest.raises(ValueError, match="BatchNorm2d: invalid momentum"):
        tg.nn.BatchNorm2d(2, momentum=2.0)


@pytest.mark.parametrize("affine,track", [(False, False), (True, True)])
def test_instancenorm2d_matches_torch(affine, track):
    rng = np.random.default_rng(3)
    theirs = torch.nn.InstanceNorm2d(3, affine=affine, track_running_stats=track).double()
    ours = tg.nn.InstanceNorm2d(3, affine=affine, track_running_stats=track,
                               dtype="float64")
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.uniform_(-1, 1)
    _pair(ours, theirs)
    for _ in range(2):
        _run(ours, theirs, rng.standard_normal((2, 3, 4, 3)) + 0.5, rng)
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-12,
                                   err_msg=k)
    ours.eval()
    theirs.eval()
    _run(ours, theirs, rng.standard_normal((3, 4, 4)), rng)       # unbatched


def test_groupnorm_matches_torch():
    rng = np.random.default_rng(4)
    theirs = torch.nn.GroupNorm(2, 6).double()
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-1, 1)
    ours = tg.nn.GroupNorm(2, 6, dtype="float64")
    _pair(ours, theirs)
    _run(ours, theirs, rng.standard_normal((2, 6, 3, 2)), rng)
    with pytest.raises(ValueError, match="GroupNorm: num_channels"):
        tg.nn.GroupNorm(4, 6)


@pytest.mark.parametrize("shape,eps", [((4,), None), ((3, 4), 1e-3)])
def test_rmsnorm_matches_torch(shape, eps):
    rng = np.random.default_rng(5)
    theirs = torch.nn.RMSNorm(shape, eps=eps).double()
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
    ours = tg.nn.RMSNorm(shape, eps=eps, dtype="float64")
    _pair(ours, theirs)
    _run(ours, theirs, rng.standard_normal((2, 3, 4)) * 1e-3, rng)


def test_rmsnorm_without_affine_has_no_parameters():
    m = tg.nn.RMSNorm(4, elementwise_affine=False)
    assert m.weight is None and list(m.state_dict()) == []


def test_dropout2d_zeroes_whole_channels_and_repeats_with_the_seed():
    x = tg.ones((8, 16, 3, 3))
    m = tg.nn.Dropout2d(0.5)
    tg.manual_seed(7)
    y = m(x).numpy()
    tg.manual_seed(7)
    assert np.array_equal(y, m(x).numpy())
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0 < (per_channel == 0).all(-1).sum() < 128
    m.eval()
    assert m(x) is x
    with pytest.raises(ValueError, match="dropout2d: expected a 3-D"):
        F.dropout2d(tg.ones((2, 3)))


def test_one_hot_as_torch():
    t = np.array([[0, 3], [1, 1]])
    ours = F.one_hot(tg.tensor(t))
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours.numpy(), TF.one_hot(torch.tensor(t)).numpy())
    assert F.one_hot(tg.tensor(t), num_classes=6).shape == (2, 2, 6)
    with pytest.raises(TypeError, match="one_hot: tensor must hold integer"):
        F.one_hot(tg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="one_hot: class value 3"):
        F.one_hot(tg.tensor(t), num_classes=3)
    with pytest.raises(ValueError, match="one_hot: class values must be non-negative"):
        F.one_hot(tg.tensor([-1, 0]))


def test_cdist_matches_torch_cdist():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    for p in (1.0, 2.0, 3.0):
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        xa, xb = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
        ours, theirs = F.cdist(xa, xb, p), torch.cdist(ta, tb, p)
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(xa.grad.numpy(), ta.grad.numpy(), rtol=1e-9)
        np.testing.assert_allclose(xb.grad.numpy(), tb.grad.numpy(), rtol=1e-9)


def test_normalize_and_cosine_similarity_at_zero_follow_eps():
    z = np.zeros((2, 3))
    np.testing.assert_array_equal(F.normalize(tg.tensor(z)).numpy(),
                                  TF.normalize(torch.tensor(z)).numpy())
    np.testing.assert_array_equal(F.cosine_similarity(tg.tensor(z), tg.tensor(z)).numpy(),
                                  TF.cosine_similarity(torch.tensor(z), torch.tensor(z))
                                  .numpy())


def test_functional_errors_name_function_and_argument():
    x = tg.ones((2, 4))
    with pytest.raises(ValueError, match="glu: halving dim 0 needs an even size"):
        F.glu(tg.ones((3, 4)), dim=0)
    with pytest.raises(ValueError, match="hardtanh: min_val"):
        F.hardtanh(x, 2.0, 1.0)
    with pytest.raises(ValueError, match="celu: alpha must be nonzero"):
        F.celu(x, 0.0)
    with pytest.raises(ValueError, match="group_norm: input of shape"):
        F.group_norm(tg.ones((2, 3, 4)), 2)
    with pytest.raises(ValueError, match="rms_norm: input of shape"):
        F.rms_norm(x, (3,))
    with pytest.raises(ValueError, match="cdist: x1"):
        F.cdist(tg.ones((2, 3)), tg.ones((2, 4)))
    with pytest.raises(TypeError, match="silu: input must be a real tensor"):
        F.silu("a")
    with pytest.raises(ValueError, match="instance_norm: running_mean and running_var"):
        F.instance_norm(tg.ones((1, 2, 3)), use_input_stats=False)


def test_activation_dtypes_follow_the_input():
    x32 = tg.tensor(np.linspace(-4, 4, 9, dtype=np.float32))
    for fn in (F.silu, F.selu, F.mish, F.relu6, F.hardswish, F.hardsigmoid, F.logsigmoid,
               F.softsign, F.tanhshrink, F.elu, F.hardtanh):
        assert fn(x32).dtype == np.float32, fn.__name__
    assert F.silu(tg.tensor([1, 2])).dtype == np.float32


@pytest.fixture
def print_options():
    from tapegrad import _printing
    saved = dict(_printing._PRINT)
    yield
    _printing._PRINT.update(saved)


def test_set_printoptions_as_torch(print_options):
    x = tg.tensor([1.23456, 2.5])
    before = repr(x)
    tg.set_printoptions()                   # nothing given: nothing changes
    assert repr(x) == before == "tensor([1.2346, 2.5000])"
    tg.set_printoptions(precision=2)
    assert repr(x) == "tensor([1.23, 2.50])"
    tg.set_printoptions(sci_mode=True)
    assert repr(x) == "tensor([1.23e+00, 2.50e+00])"
    tg.set_printoptions(profile="default", sci_mode=None)
    assert repr(x) == before
    tg.set_printoptions(threshold=4, edgeitems=2)
    assert repr(tg.arange(10.0)) == "tensor([0., 1., ..., 8., 9.])"
    tg.set_printoptions(profile="full")
    assert "..." not in repr(tg.arange(2000.0))
    with pytest.raises(ValueError, match="set_printoptions: profile"):
        tg.set_printoptions(profile="long")
    with pytest.raises(TypeError, match="set_printoptions: precision"):
        tg.set_printoptions(precision=1.5)


def test_type_as():
    x, i = tg.tensor([1.5], dtype="float64", requires_grad=True), tg.tensor([1, 2])
    assert i.type_as(x).dtype == np.float64 and x.type_as(x) is x
    y = x.type_as(tg.tensor([0.0]))
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [1.0]
    with pytest.raises(TypeError, match="type_as: other must be a tensor"):
        x.type_as(np.float32)


BAGS = [(np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4])),   # an empty bag
        (np.array([[1, 2, 0], [4, 0, 3]]), None)]


@pytest.mark.parametrize("mode,weighted", [("sum", False), ("sum", True), ("mean", False),
                                           ("max", False)])
@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("bags", [0, 1])
def test_embedding_bag_matches_torch(mode, weighted, padding_idx, bags):
    rng = np.random.default_rng(8)
    idx, off = BAGS[bags]
    w0, p0 = rng.standard_normal((10, 3)), rng.standard_normal(idx.shape)
    w, tw = tg.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    p, tp = tg.tensor(p0, requires_grad=True), torch.tensor(p0, requires_grad=True)
    kw = dict(mode=mode, padding_idx=padding_idx)
    ours = F.embedding_bag(tg.tensor(idx), w, None if off is None else tg.tensor(off),
                           per_sample_weights=p if weighted else None, **kw)
    theirs = TF.embedding_bag(torch.tensor(idx), tw, None if off is None else
                              torch.tensor(off), per_sample_weights=tp if weighted else None,
                              **kw)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    g = rng.standard_normal(ours.shape)
    (ours * tg.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-15)
    if weighted:
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_embedding_bag_module_and_errors():
    theirs = torch.nn.EmbeddingBag(6, 2, mode="sum", include_last_offset=True,
                                   padding_idx=0).double()
    ours = tg.nn.EmbeddingBag(6, 2, mode="sum", include_last_offset=True, padding_idx=0,
                              dtype="float64")
    assert np.all(ours.weight.numpy()[0] == 0)
    _pair(ours, theirs)
    idx, off = np.array([0, 1, 5, 2]), np.array([0, 1, 4])
    np.testing.assert_allclose(ours(tg.tensor(idx), tg.tensor(off)).numpy(),
                               theirs(torch.tensor(idx), torch.tensor(off)).detach().numpy())
    with pytest.raises(ValueError, match="embedding_bag: with include_last_offset"):
        ours(tg.tensor(idx), tg.tensor([0, 1]))
    with pytest.raises(ValueError, match="embedding_bag: a 1-D input needs offsets"):
        F.embedding_bag(tg.tensor(idx), ours.weight)
    with pytest.raises(ValueError, match="embedding_bag: per_sample_weights needs mode='sum'"):
        F.embedding_bag(tg.tensor([[1, 2]]), ours.weight, per_sample_weights=tg.ones((1, 2)))
    with pytest.raises(IndexError, match="embedding_bag: index 7"):
        F.embedding_bag(tg.tensor([[7]]), ours.weight)
    with pytest.raises(ValueError, match="EmbeddingBag: mode must be one of"):
        tg.nn.EmbeddingBag(3, 2, mode="median")
