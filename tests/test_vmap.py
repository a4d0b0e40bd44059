"""tg.vmap: every op-table row batched equals the loop over the batch; composition with
the other transforms; per-sample gradients against torch.func."""
import importlib
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tests.ops.cases import CASES

B = 2
_API = importlib.import_module("tapegrad.vmap._api")
_BATCHED = importlib.import_module("tapegrad.vmap._batched")


def _axes(case):
    """in_axes for a row: 0, 1 and None in turn over its inputs (1 needs a 1-d input),
    with at least one input mapped."""
    pattern = (0, 1, None)
    axes = []
    for k, s in enumerate(case.shapes):
        a = pattern[k % 3]
        if a == 1 and len(s) == 0:
            a = 0
        axes.append(a)
    if all(a is None for a in axes):
        axes[0] = 0
    return tuple(axes)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_row_under_vmap(case):
    axes = _axes(case)
    per = [case.sample(rng=np.random.default_rng(b)) for b in range(B)]
    args = []
    for k, a in enumerate(axes):
        if a is None:
            args.append(tg.tensor(per[0][k]))
        else:
            args.append(tg.tensor(np.stack([p[k] for p in per], axis=a)))
    want = []
    for b in range(B):
        xs = [tg.tensor(per[0 if a is None else b][k]) for k, a in enumerate(axes)]
        want.append(_leaves(case(*xs)))
    _BATCHED._warned.clear()
    _API._warned.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # every row batches through its op's rule: the loop's warning is a failure
        warnings.filterwarnings("error", message="vmap:", category=RuntimeWarning)
        if any(w.shape != v.shape for w, v in zip(want[0], want[1])):
            with pytest.raises(ValueError, match="different shape"):
                tg.vmap(case, in_axes=axes)(*args)
            return
        got = _leaves(tg.vmap(case, in_axes=axes)(*args))
    assert len(got) == len(want[0])
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, np.stack([w[k] for w in want]), rtol=1e-10,
                                   atol=1e-12)


def _leaves(out):
    outs = out if isinstance(out, (tuple, list)) else [out]
    return [np.asarray(v.numpy()) for v in outs]


def _f(x):
    return (tg.sin(x) * x).sum() + (x @ x) ** 2


def _xs(seed=0, n=3, d=4):
    return tg.tensor(np.random.default_rng(seed).normal(size=(n, d)))


def _loop(fn, xs):
    return np.stack([fn(tg.tensor(x)).numpy() for x in xs.numpy()])


def test_vmap_grad_equals_loop():
    xs = _xs()
    np.testing.assert_allclose(tg.vmap(tg.grad(_f))(xs).numpy(), _loop(tg.grad(_f), xs))


def test_vmap_value_and_grad_aux_and_unbatched_argument():
    w = tg.tensor(np.arange(4.0))
    xs = _xs(1)

    def loss(w, x):
        v = ((w * x).sum() - 1.0) ** 2
        return v, x.sum()
    (v, aux), g = tg.vmap(tg.value_and_grad(loss, has_aux=True), in_axes=(None, 0))(w, xs)
    for i, x in enumerate(xs.numpy()):
        (vi, ai), gi = tg.value_and_grad(loss, has_aux=True)(w, tg.tensor(x))
        np.testing.assert_allclose(g.numpy()[i], gi.numpy())
        np.testing.assert_allclose(v.numpy()[i], vi.numpy())
        np.testing.assert_allclose(aux.numpy()[i], ai.numpy())


def test_grad_of_vmap():
    xs = tg.tensor(_xs(2).numpy(), requires_grad=True)
    tg.vmap(_f)(xs).sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), _loop(tg.grad(_f), xs))


def test_jacfwd_and_jacrev_of_vmap():
    xs = _xs(3, 2, 3)
    g = lambda x: tg.tanh(x) * x.sum()      # noqa: E731
    want = tg.jacfwd(lambda x: tg.stack([g(r) for r in x]))(xs)
    np.testing.assert_allclose(tg.jacfwd(tg.vmap(g))(xs).numpy(), want.numpy(), atol=1e-12)
    np.testing.assert_allclose(tg.jacrev(tg.vmap(g))(xs).numpy(), want.numpy(), atol=1e-12)


def test_vmap_of_jacrev_hessian_and_jvp_loop():
    xs = _xs(4, 2, 3)
    g = lambda x: (tg.exp(x) * x).sum()     # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        h = tg.vmap(tg.hessian(g))(xs)
        j = tg.vmap(lambda x: tg.jvp(g, (x,), (tg.ones_like(x),))[1])(xs)
    np.testing.assert_allclose(h.numpy(), _loop(tg.hessian(g), xs))
    want = _loop(lambda x: tg.jvp(g, (x,), (tg.ones_like(x),))[1], xs)
    np.testing.assert_allclose(j.numpy(), want)


def test_nested_vmap_and_axes():
    a = tg.tensor(np.random.default_rng(5).normal(size=(2, 3, 4)))
    b = tg.tensor(np.random.default_rng(6).normal(size=(4,)))
    out = tg.vmap(tg.vmap(lambda x, y: x * y + x.sum(), in_axes=(0, None)), in_axes=(0, None))(a, b)
    want = a.numpy() * b.numpy() + a.numpy().sum(-1, keepdims=True)
    np.testing.assert_allclose(out.numpy(), want)
    out = tg.vmap(lambda x: x.sum(0), in_axes=-1, out_axes=0)(a)
    np.testing.assert_allclose(out.numpy(), np.moveaxis(a.numpy(), -1, 0).sum(1))
    m = tg.vmap(lambda d: {"s": d["x"] * 2, "t": d["y"]}, in_axes=({"x": 1, "y": None},),
                out_axes={"s": 1, "t": None})
    r = m({"x": a, "y": b})
    np.testing.assert_allclose(r["s"].numpy(), a.numpy() * 2)
    assert r["t"] is b


def test_vmap_inside_function_and_chunks():
    xs = _xs(7, 5, 4)
    fn = tg.function(tg.vmap(_f))
    np.testing.assert_allclose(fn(xs).numpy(), tg.vmap(_f)(xs).numpy())
    np.testing.assert_allclose(tg.vmap(_f, chunk_size=2)(xs).numpy(), tg.vmap(_f)(xs).numpy())


def test_control_flow_inplace_and_randomness_errors():
    xs = _xs()
    with pytest.raises(RuntimeError, match="tg.where"):
        tg.vmap(lambda x: x if x.sum() > 0 else -x)(xs)
    with pytest.raises(RuntimeError, match="randomness"):
        tg.vmap(lambda x: x + tg.randn(4))(xs)
    same = tg.vmap(lambda x: x * 0 + tg.randn(4), randomness="same")(xs).numpy()
    assert np.all(same == same[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        diff = tg.vmap(lambda x: x * 0 + tg.randn(4), randomness="different")(xs).numpy()
    assert not np.all(diff == diff[0])
    acc = tg.zeros(4)
    with pytest.raises(RuntimeError, match="in-place"):
        tg.vmap(lambda x: acc.add_(x))(xs)
    with pytest.raises(ValueError, match="sizes"):
        tg.vmap(lambda x, y: x + y)(xs, tg.ones(2, 4))


def _no_loops(monkeypatch):
    """Fail if vmap falls back to one element (or one op) at a time."""
    api = importlib.import_module("tapegrad.vmap._api")
    batched = importlib.import_module("tapegrad.vmap._batched")

    def refuse(*a, **k):
        raise AssertionError("vmap ran a loop over the batch")
    monkeypatch.setattr(api, "_per_element", refuse)
    monkeypatch.setattr(batched, "_loop", refuse)


def test_per_sample_grads_match_torch_func(monkeypatch):
    _no_loops(monkeypatch)
    torch = pytest.importorskip("torch")
    from torch.func import grad as tgrad, vmap as tvmap
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((5, 8), (8,), (8, 3), (3,)))
    X, Y = rng.normal(size=(6, 5)), rng.normal(size=(6, 3))

    def loss(p, x, y):
        h = tg.tanh(x @ p[0] + p[1])
        return ((h @ p[2] + p[3] - y) ** 2).mean()
    ps = [tg.tensor(a) for a in (W1, b1, W2, b2)]
    got = tg.vmap(tg.grad(loss), in_axes=(None, 0, 0))(ps, tg.tensor(X), tg.tensor(Y))

    def tloss(p, x, y):
        h = torch.tanh(x @ p[0] + p[1])
        return ((h @ p[2] + p[3] - y) ** 2).mean()
    tps = [torch.tensor(a) for a in (W1, b1, W2, b2)]
    want = tvmap(tgrad(tloss), in_dims=(None, 0, 0))(tps, torch.tensor(X), torch.tensor(Y))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12, atol=1e-14)


def test_functional_call_and_ensembles():
    tg.manual_seed(0)
    models = [tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 2))
              for _ in range(3)]
    params, buffers = tg.func.stack_module_state(models)
    assert params["0.weight"].shape == (3, 4, 3) and params["0.weight"].requires_grad
    x = tg.tensor(np.random.default_rng(1).normal(size=(5, 3)))

    def run(p, b, x):
        return tg.func.functional_call(models[0], (p, b), (x,))
    out = tg.vmap(run, in_axes=(0, 0, None))(params, buffers, x)
    for i, m in enumerate(models):
        np.testing.assert_allclose(out.numpy()[i], m(x).numpy(), rtol=1e-6)
    # the module is unchanged afterwards
    assert models[0][0].weight is dict(models[0].named_parameters())["0.weight"]
    # ensemble gradients flow to the stacked leaves
    out.sum().backward()
    assert params["0.weight"].grad.shape == (3, 4, 3)
    # as torch.func: an unknown name is an attribute for the call unless strict=True
    tg.func.functional_call(models[0], {"nope": tg.ones(1)}, (x,))
    assert not hasattr(models[0], "nope")
    with pytest.raises(RuntimeError, match="strict=True and names unexpected.*nope"):
        tg.func.functional_call(models[0], {"nope": tg.ones(1)}, (x,), strict=True)
    with pytest.raises(RuntimeError, match="strict"):
        tg.func.functional_call(models[0], {}, (x,), strict=True)


def test_per_sample_grads_with_functional_call():
    tg.manual_seed(1)
    model = tg.nn.Sequential(tg.nn.Linear(4, 6), tg.nn.ReLU(), tg.nn.Linear(6, 1))
    params = {k: v.detach() for k, v in model.named_parameters()}
    X = tg.tensor(np.random.default_rng(2).normal(size=(5, 4)).astype(np.float32))
    Y = tg.tensor(np.random.default_rng(3).normal(size=(5, 1)).astype(np.float32))

    def loss(p, x, y):
        return ((tg.func.functional_call(model, p, (x,)) - y) ** 2).sum()
    g = tg.vmap(tg.grad(loss), in_axes=(None, 0, 0))(params, X, Y)
    for i in range(5):
        gi = tg.grad(loss)(params, X[i], Y[i])
        for k in params:
            np.testing.assert_allclose(g[k].numpy()[i], gi[k].numpy(), rtol=1e-5, atol=1e-6)


def test_grad_of_per_sample_grad_norms():
    """vmap(grad) inside grad: the per-example gradients stay differentiable (second
    order through the repeated-parameter matmul)."""
    rng = np.random.default_rng(8)
    W = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    X = tg.tensor(rng.normal(size=(4, 3)))

    def loss(w, x):
        return tg.tanh(x @ w).sum() ** 2

    def penalty(w):
        g = tg.vmap(tg.grad(loss), in_axes=(None, 0))(w, X)
        return (g ** 2).sum()

    def penalty_loop(w):
        return sum((tg.grad(loss)(w, X[i]) ** 2).sum() for i in range(4))
    np.testing.assert_allclose(tg.grad(penalty)(W).numpy(), tg.grad(penalty_loop)(W).numpy(),
                               rtol=1e-10)


def test_repeated_matmul_forms():
    import importlib
    ops = importlib.import_module("tapegrad.vmap._ops")
    rng = np.random.default_rng(9)
    a = rng.normal(size=(4, 2, 3))
    w = np.broadcast_to(rng.normal(size=(3, 5)), (4, 3, 5))
    col = rng.normal(size=(4, 3, 1))
    row = rng.normal(size=(4, 1, 5))
    for x, y in ((a, w), (np.broadcast_to(a[0], a.shape), rng.normal(size=(4, 3, 5))),
                 (col, row), (a, rng.normal(size=(4, 3, 5)))):
        np.testing.assert_allclose(ops.RepeatedMatMul.forward(x, y), np.matmul(x, y))
    x = tg.tensor(a, requires_grad=True)
    y = tg.tensor(rng.normal(size=(4, 3, 5)), requires_grad=True)
    assert tg.gradcheck(lambda x, y: tg.ops.apply(ops.RepeatedMatMul, x, y), (x, y))
    assert tg.gradgradcheck(lambda x, y: tg.ops.apply(ops.RepeatedMatMul, x, y), (x, y))


def test_per_sample_grads_of_a_small_cnn_match_torch_func(monkeypatch):
    _no_loops(monkeypatch)
    torch = pytest.importorskip("torch")
    from torch.func import grad as tgrad, vmap as tvmap
    rng = np.random.default_rng(10)
    K, b, V = rng.normal(size=(4, 2, 3)), rng.normal(size=4), rng.normal(size=(4, 3))
    X, Y = rng.normal(size=(5, 2, 8)), rng.normal(size=(5, 3))

    def loss(p, x, y):              # conv1d (valid, 4 filters of width 3), relu, mean, dense
        K, b, V = p
        patches = tg.stack([x[:, i:i + 3] for i in range(6)])           # (6, 2, 3)
        h = tg.relu(tg.einsum("lck,ock->ol", patches, K) + b.reshape(4, 1))
        return ((h.mean(1) @ V - y) ** 2).sum()
    got = tg.vmap(tg.grad(loss), in_axes=(None, 0, 0))(
        [tg.tensor(a) for a in (K, b, V)], tg.tensor(X), tg.tensor(Y))

    def tloss(p, x, y):
        K, b, V = p
        h = torch.relu(torch.nn.functional.conv1d(x[None], K, b)[0])
        return ((h.mean(1) @ V - y) ** 2).sum()
    want = tvmap(tgrad(tloss), in_dims=(None, 0, 0))(
        [torch.tensor(a) for a in (K, b, V)], torch.tensor(X), torch.tensor(Y))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12, atol=1e-13)


def test_nested_vmap_of_grad_and_grad_inside_the_mapped_function():
    X = _xs(11, 6, 4).reshape(2, 3, 4)
    w = tg.tensor(np.random.default_rng(12).normal(size=4))
    h = lambda w, r: tg.tanh(r @ w) ** 2          # noqa: E731
    f = lambda r: (r ** 3).sum() * r[0]           # noqa: E731
    want_f = np.stack([[tg.grad(f)(X[i, j]).numpy() for j in range(3)] for i in range(2)])
    want_h = np.stack([[tg.grad(h)(w, X[i, j]).numpy() for j in range(3)] for i in range(2)])
    np.testing.assert_allclose(tg.vmap(tg.vmap(tg.grad(f)))(X).numpy(), want_f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        inner = tg.vmap(tg.grad(h), in_axes=(None, 0))
        np.testing.assert_allclose(tg.vmap(inner, in_axes=(None, 0))(w, X).numpy(), want_h)
        # tg.grad called inside f, with respect to an unbatched value: never zeros
        got = tg.vmap(lambda r: tg.grad(lambda v: h(v, r))(w))(X[0])
        np.testing.assert_allclose(got.numpy(), want_h[0])
    # second order through the nested one-pass path
    XX = tg.tensor(X.numpy(), requires_grad=True)
    tot = lambda X: (tg.vmap(tg.vmap(tg.grad(f)))(X) ** 2).sum()       # noqa: E731
    loop = lambda X: sum((tg.grad(f)(X[i, j]) ** 2).sum()             # noqa: E731
                         for i in range(2) for j in range(3))
    np.testing.assert_allclose(tg.grad(tot)(XX).numpy(), tg.grad(loop)(XX).numpy())
