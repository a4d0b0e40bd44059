"""The names ported tutorial programs needed (issue 18, tests/ports): PyTorch's
top-level spellings, Tensor methods, torch.autograd.functional, ParameterList /
ParameterDict, Sequential item assignment, optimizer implementation switches, legacy
constructors, and TensorFlow's size/rank/shape/one_hot/fill; compared with PyTorch in
float64 where it is installed."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")


def _t(a):
    return torch.tensor(np.asarray(a))


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_match_torch(name, rng):
    x = (rng.random((3, 4)) > 0.3).astype(np.float64)
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        ours = getattr(tg, name)(tg.tensor(x), **kw).numpy()
        theirs = getattr(torch, name)(_t(x), **kw).numpy()
        np.testing.assert_array_equal(ours, theirs)


def test_predicates_and_comparisons_match_torch(rng):
    a = rng.standard_normal(5)
    b = a.copy()
    b[1] += 1e-9
    b[3] = np.nan
    a[3] = np.nan
    for name in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(tg, name)(tg.tensor(a)).numpy(),
                                      getattr(torch, name)(_t(a)).numpy())
    assert tg.allclose(tg.tensor(a), tg.tensor(b), equal_nan=True) == \
        torch.allclose(_t(a), _t(b), equal_nan=True)
    np.testing.assert_array_equal(tg.isclose(tg.tensor(a), tg.tensor(b)).numpy(),
                                  torch.isclose(_t(a), _t(b)).numpy())
    # torch.equal's answer is the truth value; the result is TF's elementwise tf.equal
    assert bool(tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2]))) is True
    assert bool(tg.equal(tg.tensor([1, 2]), tg.tensor([[1, 2]]))) is False
    assert tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2, 3])) is False
    m = tg.equal(tg.tensor([1, 2]), tg.tensor([1, 3]))
    assert not m and m.tolist() == [True, False]
    for name in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or",
                 "logical_xor"):
        x, y = np.array([1, 2, 3]), np.array([2, 2, 0])
        np.testing.assert_array_equal(getattr(tg, name)(tg.tensor(x), tg.tensor(y)).numpy(),
                                      getattr(torch, name)(_t(x), _t(y)).numpy())


def test_nonzero_unique_masked_select_match_torch():
    x = np.array([[0, 3, 0], [4, 0, 5]])
    np.testing.assert_array_equal(tg.nonzero(tg.tensor(x)).numpy(),
                                  torch.nonzero(_t(x)).numpy())
    for ours, theirs in zip(tg.nonzero(tg.tensor(x), as_tuple=True),
                            torch.nonzero(_t(x), as_tuple=True)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    u = np.array([3, 1, 3, 2, 1])
    for ours, theirs in zip(tg.unique(tg.tensor(u), return_inverse=True, return_counts=True),
                            torch.unique(_t(u), return_inverse=True, return_counts=True)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    m = np.array([[True, False, True], [False, True, True]])
    xs = tg.tensor(x.astype(np.float64), requires_grad=True)
    r = tg.masked_select(xs, tg.tensor(m))
    np.testing.assert_array_equal(r.detach().numpy(),
                                  torch.masked_select(_t(x).double(), _t(m)).numpy())
    r.sum().backward()
    np.testing.assert_array_equal(xs.grad.numpy(), m.astype(np.float64))


def test_compositions_match_torch(rng):
    a, b, c = (rng.standard_normal((3, 3)) for _ in range(3))
    v = rng.standard_normal(3)
    pairs = [(tg.addmm(tg.tensor(a), tg.tensor(b), tg.tensor(c), beta=0.5, alpha=2.0),
              torch.addmm(_t(a), _t(b), _t(c), beta=0.5, alpha=2.0)),
             (tg.mv(tg.tensor(a), tg.tensor(v)), torch.mv(_t(a), _t(v))),
             (tg.lerp(tg.tensor(a), tg.tensor(b), 0.3), torch.lerp(_t(a), _t(b), 0.3)),
             (tg.rsqrt(tg.tensor(np.abs(a))), torch.rsqrt(_t(np.abs(a)))),
             (tg.addcmul(tg.tensor(a), tg.tensor(b), tg.tensor(c), value=0.5),
              torch.addcmul(_t(a), _t(b), _t(c), value=0.5)),
             (tg.addcdiv(tg.tensor(a), tg.tensor(b), tg.tensor(c), value=0.5),
              torch.addcdiv(_t(a), _t(b), _t(c), value=0.5)),
             (tg.t(tg.tensor(a)), torch.t(_t(a))),
             (tg.tensor(a).rsqrt(), _t(a).rsqrt()),
             (tg.tensor(a).reciprocal(), _t(a).reciprocal()),
             (tg.tensor(a).mv(tg.tensor(v)), _t(a).mv(_t(v)))]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, equal_nan=True)


def test_factories():
    a = np.zeros(3)
    t = tg.from_numpy(a)
    a[1] = 7
    assert t.tolist() == [0.0, 7.0, 0.0] and t.dtype == np.float64
    with pytest.raises(TypeError, match="from_numpy"):
        tg.from_numpy([1, 2])
    assert tg.as_tensor(a) .dtype == np.float64
    x = tg.ones(2, 3, dtype=tg.float64)
    assert tg.as_tensor(x) is x
    assert tg.rand_like(x).shape == (2, 3) and tg.randn_like(x).dtype == np.float64
    with pytest.raises(TypeError, match="rand_like"):
        tg.rand_like(tg.tensor([1, 2]))
    assert sorted(tg.randperm(6).tolist()) == list(range(6))
    g1, g2 = tg.Generator().manual_seed(3), tg.Generator().manual_seed(3)
    assert tg.randperm(5, generator=g1).tolist() == tg.randperm(5, generator=g2).tolist()
    np.testing.assert_array_equal(tg.rand(3, generator=tg.Generator().manual_seed(1)).numpy(),
                                  tg.rand(3, generator=tg.Generator().manual_seed(1)).numpy())
    assert tg.randint(10, (2, 2)).shape == (2, 2)
    np.testing.assert_allclose(tg.logspace(0, 2, 3).numpy(), torch.logspace(0, 2, 3).numpy())
    assert tg.empty(2, 3).shape == (2, 3) and tg.empty_like(x).dtype == np.float64
    assert tg.normal(tg.zeros(4), 1.0).shape == (4,)
    np.testing.assert_array_equal(tg.bernoulli(tg.tensor([0.0, 1.0])).numpy(), [0.0, 1.0])
    assert tg.multinomial(tg.tensor([0.0, 1.0, 0.0]), 3, replacement=True).tolist() == [1] * 3
    with pytest.raises(ValueError, match="multinomial"):
        tg.multinomial(tg.tensor([0.0, 1.0]), 2)


def test_tensor_methods():
    w = tg.zeros(1000).uniform_(-0.5, 0.5)
    assert -0.5 <= w.numpy().min() and w.numpy().max() < 0.5
    n = tg.zeros(5000, dtype=tg.float64).normal_(2.0, 0.1)
    assert abs(n.numpy().mean() - 2.0) < 0.01
    x = tg.ones(2, dtype=tg.float64)
    for ours, theirs in ((x.new_zeros(2, 3), torch.ones(2).double().new_zeros(2, 3)),
                         (x.new_ones((1, 2)), torch.ones(2).double().new_ones((1, 2))),
                         (x.new_full((2,), 4.0), torch.ones(2).double().new_full((2,), 4.0)),
                         (x.new_tensor([1, 2]), torch.ones(2).double().new_tensor([1, 2]))):
        assert ours.shape == tuple(theirs.shape) and str(theirs.dtype).endswith(
            str(ours.dtype))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    m = tg.zeros(3)
    m.masked_fill_(tg.tensor([True, False, True]), 2.0)
    assert m.tolist() == [2.0, 0.0, 2.0]
    t = tg.zeros(2, 3, 4)
    assert t.stride() == torch.zeros(2, 3, 4).stride() and t.stride(1) == 4
    assert t.is_contiguous() and t.nelement() == 24 and t.element_size() == 4
    assert not t.is_cuda and t.is_floating_point()


def test_out_argument():
    a, b = tg.ones(2, 2), tg.full((2, 2), 3.0)
    out = tg.zeros(2, 2)
    assert tg.matmul(a, b, out=out) is out and out.tolist() == [[6.0, 6.0], [6.0, 6.0]]
    assert tg.mul(a, b, out=out) is out and out.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert tg.exp(tg.zeros(2), out=tg.ones(2)).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="out has shape"):
        tg.add(a, b, out=tg.zeros(3))


def test_index_with_range_and_scatter_with_0d_index():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert x[range(3), tg.tensor([1, 0, 1])].tolist() == [2.0, 3.0, 6.0]
    assert x[range(0)].shape == (0, 2)
    z = tg.zeros(4).scatter_(0, tg.tensor(2), value=1.0)
    assert z.tolist() == torch.zeros(4).scatter_(0, torch.tensor(2), value=1.0).tolist()


@pytest.mark.parametrize("fn", ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
def test_autograd_functional_matches_torch(fn, rng):
    from tapegrad.autograd import functional as ours
    from torch.autograd import functional as theirs
    x = rng.standard_normal((2, 3))
    y = rng.standard_normal(3)

    def f(lib):
        if fn in ("hessian", "hvp", "vhp"):
            return lambda a, b: (a.exp() * b).sum() + (a ** 3).sum()
        return lambda a, b: (a.sin() * b, (a * a).sum(1))

    if fn in ("vjp",):
        vs = (rng.standard_normal((2, 3)), rng.standard_normal(2))
        args = (tuple(tg.tensor(v) for v in vs), tuple(_t(v) for v in vs))
    elif fn in ("jvp", "hvp", "vhp"):
        vs = (rng.standard_normal((2, 3)), rng.standard_normal(3))
        args = (tuple(tg.tensor(v) for v in vs), tuple(_t(v) for v in vs))
    else:
        args = ((), ())
    v1, v2 = (args[0] or None), (args[1] or None)
    r1 = getattr(ours, fn)(f("tg"), (tg.tensor(x), tg.tensor(y)), *([v1] if v1 else []))
    r2 = getattr(theirs, fn)(f("torch"), (_t(x), _t(y)), *([v2] if v2 else []))

    def flat(r):
        if isinstance(r, (tuple, list)):
            for e in r:
                yield from flat(e)
        else:
            yield r
    l1, l2 = list(flat(r1)), list(flat(r2))
    assert len(l1) == len(l2)
    for a, b in zip(l1, l2):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_parameter_containers_match_torch():
    class M(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.pl = tg.nn.ParameterList([tg.nn.Parameter(tg.ones(2, 3)), tg.zeros(1)])
            self.pd = tg.nn.ParameterDict({"b": tg.ones(1), "a": tg.zeros(2)})

    class T(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.pl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)),
                                              torch.zeros(1)])
            self.pd = torch.nn.ParameterDict({"b": torch.ones(1), "a": torch.zeros(2)})

    m, t = M(), T()
    assert list(m.state_dict()) == list(t.state_dict())
    assert isinstance(m.pl[1], tg.nn.Parameter) and len(list(m.parameters())) == 4
    m.pl.append(tg.ones(3))
    m.pd["c"] = tg.ones(1)
    assert "pl.2" in m.state_dict() and "pd.c" in m.state_dict()
    del m.pd["c"]
    assert list(m.pd.keys()) == ["a", "b"] and "c" not in m.pd
    with pytest.raises(TypeError, match="ParameterList"):
        m.pl.append(3.0)


def test_sequential_item_assignment_matches_torch():
    seqs = [lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
            for lib in (tg, torch)]
    for s, lib in zip(seqs, (tg, torch)):
        s[2] = lib.nn.Linear(3, 4)
        s.insert(1, lib.nn.Tanh())
        del s[0]
        s.append(lib.nn.Sigmoid())
    assert list(seqs[0].state_dict()) == list(seqs[1].state_dict())
    assert [type(m).__name__ for m in seqs[0]] == [type(m).__name__ for m in seqs[1]]


def test_optimizer_switches_are_kept_under_torch_keys():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam",
                 "Adadelta", "Rprop"):
        ours = getattr(tg.optim, name)([tg.nn.Parameter(tg.ones(1))], lr=0.1, foreach=False)
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], lr=0.1,
                                            foreach=False)
        switches = {"foreach", "capturable", "differentiable", "fused"}
        assert {k for k in ours.param_groups[0] if k in switches} == \
            {k for k in theirs.param_groups[0] if k in switches}, name
    with pytest.raises(TypeError, match="fused"):
        tg.optim.RMSprop([tg.nn.Parameter(tg.ones(1))], fused=True)
    with pytest.raises(NotImplementedError, match="differentiable"):
        tg.optim.SGD([tg.nn.Parameter(tg.ones(1))], lr=0.1, differentiable=True)


def test_legacy_constructors_and_defaults():
    assert tg.LongTensor([1, 2]).dtype == np.int64
    assert tg.FloatTensor(2, 3).shape == (2, 3)
    assert isinstance(tg.ones(1), tg.FloatTensor) and not isinstance(tg.ones(1), tg.LongTensor)
    assert tg.get_default_dtype() == np.float32
    tg.set_default_dtype(tg.float32)
    with pytest.raises(TypeError, match="floating"):
        tg.set_default_dtype(tg.int64)      # float64 works: tests/test_torch_semantics3.py
    tg.set_default_device("cpu")
    with pytest.raises(ValueError, match="CPU only"):
        tg.set_default_device("cuda")
    assert not tg.accelerator.is_available() and tg.accelerator.current_accelerator() is None
    with tg.inference_mode():
        assert not (tg.ones(1, requires_grad=True) * 2).requires_grad
    with tg.device("CPU:0"):
        pass
    with tg.device("/GPU:0") as d:         # TF's soft placement: no GPU, so the CPU
        assert d == "cpu"
    assert tg.device("GPU:0") == "cpu" == tg.device("/job:localhost/replica:0/device:GPU:1")
    with pytest.raises(ValueError, match="CUDA"):
        tg.device("cuda:0")
    with pytest.raises(ValueError, match="'gpu'"):
        tg.device("gpu")


def test_tensorflow_spellings():
    x = tg.zeros([3, 2, 4])
    assert tg.size(x).item() == 24 and tg.size(x).dtype == np.int32
    assert tg.rank(x).item() == 3 and tg.shape(x).tolist() == [3, 2, 4]
    np.testing.assert_array_equal(tg.one_hot([0, 2, 3], 3).numpy(),
                                  [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert tg.one_hot([1], 3, axis=0).shape == (3, 1)
    assert tg.fill([2], 3.0).dtype == np.float32 and tg.fill([2], 3).dtype == np.int32
    assert tg.executing_eagerly()
    assert tg.reshape(tg.zeros(6), [tg.reduce_prod((2, 3)), 1]).shape == (6, 1)
    with tg.name_scope("block") as scope:
        assert scope == "block/"


def test_more_layers_match_torch(rng):
    F, TF = tg.nn.functional, torch.nn.functional
    x = rng.standard_normal((2, 8, 3, 5))
    cases = [(lambda m, a: m.pixel_shuffle(a, 2), x),
             (lambda m, a: m.pixel_unshuffle(a, 2), rng.standard_normal((2, 2, 6, 4))),
             (lambda m, a: m.softmin(a, dim=1), x)]
    for fn, a in cases:
        ta = tg.tensor(a, requires_grad=True)
        pa = _t(a).requires_grad_()
        out, ref = fn(F, ta), fn(TF, pa)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
        g = rng.standard_normal(ref.shape)
        out.backward(tg.tensor(g))
        ref.backward(_t(g))
        np.testing.assert_allclose(ta.grad.numpy(), pa.grad.numpy(), rtol=1e-10)
    w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal(4)
    x1, x2 = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    np.testing.assert_allclose(
        F.bilinear(tg.tensor(x1), tg.tensor(x2), tg.tensor(w), tg.tensor(b)).numpy(),
        TF.bilinear(_t(x1), _t(x2), _t(w), _t(b)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(tg.nn.Softmax2d()(tg.tensor(x)).numpy(),
                               torch.nn.Softmax2d()(_t(x)).numpy(), rtol=1e-12)
    for ours, theirs in ((tg.nn.Bilinear(2, 3, 4), torch.nn.Bilinear(2, 3, 4)),
                         (tg.nn.PixelShuffle(2), torch.nn.PixelShuffle(2)),
                         (tg.nn.Softmin(dim=1), torch.nn.Softmin(dim=1))):
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
    with pytest.raises(ValueError, match="pixel_shuffle"):
        F.pixel_shuffle(tg.zeros(1, 3, 2, 2), 2)


def test_module_reprs_match_torch():
    specs = ["Dropout(0.2)", "ReLU(inplace=True)", "LeakyReLU(0.2, inplace=True)",
             "Softplus(beta=2.0)", "BatchNorm2d(8)", "BatchNorm1d(3, affine=False)",
             "LayerNorm(4, bias=False)", "GroupNorm(2, 8)", "MultiheadAttention(8, 2)",
             "TransformerEncoderLayer(8, 2, 16)", "Conv2d(1, 6, 5)", "LSTM(3, 4)"]
    for spec in specs:
        assert repr(eval("tg.nn." + spec)) == repr(eval("torch.nn." + spec)), spec


def test_hand_written_optimizer_state_starts_empty():
    class MySGD(tg.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        @tg.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    state = self.state[p]
                    state["step"] = state.get("step", 0) + 1
                    p.add_(p.grad, alpha=-group["lr"])

    m = tg.nn.Linear(2, 1)
    opt = MySGD(m.parameters())
    m(tg.ones(1, 2)).sum().backward()
    opt.step()
    opt.step()
    assert opt.state_dict()["state"][0] == {"step": 2}
    np.testing.assert_allclose(m.bias.grad.numpy(), [1.0])


def test_compile_backends_testing_and_autograd_gradcheck():
    lin = tg.nn.Linear(2, 2)
    assert tg.compile(lin) is lin and tg.compile()(lin) is lin
    assert not tg.backends.mps.is_available() and not tg.backends.cudnn.is_available()
    tg.use_deterministic_algorithms(True)
    assert tg.are_deterministic_algorithms_enabled()
    tg.use_deterministic_algorithms(False)
    tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.0 + 1e-6]))
    with pytest.raises(AssertionError, match="not close"):
        tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.1]))
    with pytest.raises(AssertionError, match="dtype"):
        tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.0], dtype=tg.float64))
    x = tg.tensor([0.3, -0.2], dtype=tg.float64, requires_grad=True)
    assert tg.autograd.gradcheck(tg.exp, x) and tg.autograd.gradgradcheck(tg.exp, x)


def test_full_backward_hooks_match_torch():
    def run(lib, linear):
        m = linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 10))
            m.bias.zero_()
        seen = []

        def arrays(gs):
            return [None if g is None else g.detach().numpy().tolist() for g in gs]

        def hook(mod, gin, gout):
            seen.append((arrays(gin), arrays(gout)))
            return (gin[0] * 3,) if gin[0] is not None else None

        def pre(mod, gout):
            seen.append(("pre", arrays(gout)))
            return (gout[0] * 2,)

        h1 = m.register_full_backward_hook(hook)
        h2 = m.register_full_backward_pre_hook(pre)
        x = lib.ones(1, 3, dtype=lib.float64, requires_grad=True)
        (m(x) ** 2).sum().backward()
        seen.append(x.grad.numpy().tolist())
        (m(lib.ones(1, 3, dtype=lib.float64)) ** 2).sum().backward()   # no input grad
        h1.remove()
        h2.remove()
        y = lib.ones(1, 3, dtype=lib.float64, requires_grad=True)
        m(y).sum().backward()
        seen.append(y.grad.numpy().tolist())
        return seen

    ours = run(tg, lambda i, o: tg.nn.Linear(i, o, dtype=tg.float64))
    theirs = run(torch, lambda i, o: torch.nn.Linear(i, o, dtype=torch.float64))
    assert len(ours) == len(theirs) == 6
    np.testing.assert_allclose(_flat(ours), _flat(theirs), rtol=1e-12)


def _flat(x):
    """The numbers of a nested structure in order, None as nan (labels skipped)."""
    if x is None:
        return [np.nan]
    if isinstance(x, str):
        return []
    if isinstance(x, (list, tuple)):
        return [v for e in x for v in _flat(e)]
    return [float(x)]


def test_safetensors_header_starting_like_a_pickle_loads(tmp_path):
    # a header length of 0x480 writes the bytes 80 04 first, as a pickle begins
    for n in range(1, 60):
        obj = {f"k{i:03d}" + "x" * n: tg.zeros(1) for i in range(6)}
        path = tmp_path / f"f{n}"
        tg.save(obj, path)
        if path.read_bytes()[:1] == b"\x80":
            assert sorted(tg.load(path)) == sorted(obj)
            break
    else:
        pytest.fail("no header length starting with 0x80 was produced")
    import pickle
    (tmp_path / "p").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="pickle"):
        tg.load(tmp_path / "p")


def test_train_checkpoint_round_trip(tmp_path):
    class Dense(tg.Module):
        def __init__(self):
            super().__init__()
            self.w = tg.Variable(tg.random.normal([2, 3]))
            self.layers = [tg.Variable(tg.zeros([1]))]

    a, b = Dense(), Dense()
    path = tg.train.Checkpoint(model=a).write(tmp_path / "ck")
    assert [k for k, _ in tg.train.list_variables(path)] == [
        "model/layers/0/.ATTRIBUTES/VARIABLE_VALUE", "model/w/.ATTRIBUTES/VARIABLE_VALUE"]
    tg.train.Checkpoint(model=b).read(path).assert_consumed()
    np.testing.assert_array_equal(a.w.numpy(), b.w.numpy())
    status = tg.train.Checkpoint(other=b).read(path)
    with pytest.raises(AssertionError, match="unused"):
        status.assert_consumed()
