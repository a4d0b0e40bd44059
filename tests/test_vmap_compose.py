"""vmap composed with forward and reverse mode in one pass (issue 17): vmap(jacrev),
vmap(jacfwd), vmap(hessian), vmap(jvp), vmap(vjp), jacfwd(vmap), vmap(vmap) run each op
once on the whole batch (no per-element fallback, no warning) and equal the loop."""
import importlib
import warnings

import numpy as np
import pytest

import tapegrad as tg

RNG = np.random.default_rng(17)
W = tg.tensor(RNG.normal(size=(3, 4)))
P = [tg.tensor(RNG.normal(size=s)) for s in ((4, 5), (5,), (5, 2))]

# per-example functions of x (4,), one op family each
FNS = {
    "elementwise": lambda x: tg.tanh(x) * x.sum(),
    "matmul": lambda x: tg.sin(W @ x) * (x @ x),
    "reductions": lambda x: tg.stack([tg.logsumexp(x, 0), x.max(), x.var(), x.prod()])
    + tg.softmax(x, 0)[:4],
    "indexing": lambda x: x[1:] * x[0] + x[[0, 2, 2]] ** 2,
    "mlp": lambda x: tg.tanh(tg.tanh(x @ P[0] + P[1]) @ P[2]),
}


def _scalar(name):
    fn = FNS[name]
    return lambda x: (fn(x) ** 2).sum()


@pytest.fixture
def strict(monkeypatch):
    """Fail on any fallback: the per-element loop, an op's loop, or any warning."""
    api = importlib.import_module("tapegrad.vmap._api")
    batched = importlib.import_module("tapegrad.vmap._batched")

    def refuse(*a, **k):
        raise AssertionError("vmap ran a loop over the batch")
    monkeypatch.setattr(api, "_per_element", refuse)
    monkeypatch.setattr(batched, "_loop", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _xs(n=3, seed=0, shape=(4,)):
    return tg.tensor(np.random.default_rng(seed).normal(size=(n,) + shape))


def _loop(fn, xs):
    return np.stack([fn(tg.tensor(x)).numpy() for x in xs.numpy()])


def _close(got, want):
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", FNS)
@pytest.mark.parametrize("transform", ["jacrev", "jacfwd"])
def test_vmap_of_jacobian_is_one_pass_and_equals_loop(strict, name, transform):
    jac = getattr(tg, transform)(FNS[name])
    xs = _xs()
    _close(tg.vmap(jac)(xs), _loop(jac, xs))


@pytest.mark.parametrize("name", FNS)
def test_vmap_of_hessian_is_one_pass_and_equals_loop(strict, name):
    h = tg.hessian(_scalar(name))
    xs = _xs(seed=1)
    _close(tg.vmap(h)(xs), _loop(h, xs))


@pytest.mark.parametrize("name", ["elementwise", "mlp"])
def test_jacobians_of_vmap_and_nested_vmap(strict, name):
    fn = FNS[name]
    xs = _xs(seed=2)
    want = tg.jacfwd(lambda x: tg.stack([fn(r) for r in x]))(xs).numpy()
    _close(tg.jacfwd(tg.vmap(fn))(xs), want)
    _close(tg.jacrev(tg.vmap(fn))(xs), want)
    X = _xs(6, seed=3).reshape(2, 3, 4)
    want = np.stack([_loop(fn, X[i]) for i in range(2)])
    _close(tg.vmap(tg.vmap(fn))(X), want)
    jac = tg.jacrev(fn)
    want = np.stack([_loop(jac, X[i]) for i in range(2)])
    _close(tg.vmap(tg.vmap(jac))(X), want)
    _close(tg.vmap(tg.vmap(tg.jacfwd(fn)), in_axes=1)(X.transpose(0, 1)), want)


def test_vmap_of_jvp_and_vjp_with_batched_and_shared_vectors(strict):
    fn = FNS["matmul"]
    xs, vs = _xs(seed=4), _xs(seed=5)
    v = tg.tensor(RNG.normal(size=4))
    got = tg.vmap(lambda x, v: tg.jvp(fn, (x,), (v,))[1], in_axes=(0, None))(xs, v)
    _close(got, _loop(lambda x: tg.jvp(fn, (x,), (v,))[1], xs))
    got = tg.vmap(lambda x, v: tg.jvp(fn, (x,), (v,))[1])(xs, vs)
    want = np.stack([tg.jvp(fn, (x,), (u,))[1].numpy() for x, u in zip(xs, vs)])
    _close(got, want)
    ct = tg.tensor(RNG.normal(size=3))
    got = tg.vmap(lambda x: tg.vjp(fn, x)[1](ct)[0])(xs)
    _close(got, _loop(lambda x: tg.vjp(fn, x)[1](ct)[0], xs))
    cts = _xs(seed=6, shape=(3,))
    got = tg.vmap(lambda x, c: tg.vjp(fn, x)[1](c)[0])(xs, cts)
    want = np.stack([tg.vjp(fn, x)[1](c)[0].numpy() for x, c in zip(xs, cts)])
    _close(got, want)


def test_per_example_jacobian_and_hessian_of_shared_parameters(strict):
    """The differentiated argument is not batched (in_axes None): each example still gets
    its own Jacobian with respect to it."""
    def net(w, x):
        return tg.tanh(w @ x)
    xs = _xs(seed=7)
    got = tg.vmap(tg.jacrev(net), in_axes=(None, 0))(W, xs)
    _close(got, np.stack([tg.jacrev(net)(W, x).numpy() for x in xs]))
    got = tg.vmap(tg.jacfwd(net), in_axes=(None, 0))(W, xs)
    _close(got, np.stack([tg.jacfwd(net)(W, x).numpy() for x in xs]))
    loss = lambda w, x: (net(w, x) ** 2).sum()      # noqa: E731
    got = tg.vmap(tg.hessian(loss), in_axes=(None, 0))(W, xs)
    _close(got, np.stack([tg.hessian(loss)(W, x).numpy() for x in xs]))


def test_results_are_plain_tensors_and_grad_flows_through(strict):
    xs = _xs(seed=8)
    h = tg.vmap(tg.hessian(_scalar("mlp")))(xs)
    assert not h.requires_grad and type(h._data) is np.ndarray
    # reverse mode through vmap(jacrev): d/dxs of sum(J**2) equals the loop's
    jac = tg.jacrev(FNS["elementwise"])
    XS = tg.tensor(xs.numpy(), requires_grad=True)
    (tg.vmap(jac)(XS) ** 2).sum().backward()
    want = tg.grad(lambda X: sum((jac(X[i]) ** 2).sum() for i in range(3)))(xs)
    _close(XS.grad, want.numpy())


def test_jacrev_with_aux_and_two_argnums_and_chunks(strict):
    def net(w, x):
        return tg.tanh(w @ x), x.sum()
    xs = _xs(5, seed=9)
    jac = tg.jacrev(net, argnums=(0, 1), has_aux=True)
    (jw, jx), aux = tg.vmap(jac, in_axes=(None, 0))(W, xs)
    for i in range(5):
        (wi, xi), ai = jac(W, xs[i])
        _close(jw[i], wi.numpy())
        _close(jx[i], xi.numpy())
        _close(aux[i], ai.numpy())
    got = tg.vmap(tg.jacfwd(lambda x: tg.sin(x) * 2), chunk_size=2)(xs)
    _close(got, np.stack([np.diag(2 * np.cos(x)) for x in xs.numpy()]))
