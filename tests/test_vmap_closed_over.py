"""tg.grad and tg.value_and_grad called inside a vmapped function, with respect to a
closed-over (unbatched) value or a batched one: per-example results in one pass, with
no per-element fallback (its warning is an error here), equal to a Python loop."""
import warnings

import numpy as np
import pytest

import tapegrad as tg


@pytest.fixture(autouse=True)
def _no_fallback():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return tg.tensor(rng.normal(size=3)), tg.tensor(rng.normal(size=(5, 3)))


def _loss(w, x):
    return (tg.tanh(w * x) ** 2).sum() + (w * w).sum() * 0.5


def _loop(fn, xs):
    return np.stack([fn(xs[i]).numpy() for i in range(xs.shape[0])])


def test_grad_of_a_closed_over_value_is_per_example():
    w, xs = _data()
    fn = lambda x: tg.grad(lambda w: _loss(w, x))(w)     # noqa: E731
    got = tg.vmap(fn)(xs)
    np.testing.assert_allclose(got.numpy(), _loop(fn, xs), rtol=1e-12)


def test_grad_of_the_batched_argument_with_a_traced_closure():
    w, xs = _data(1)
    w.requires_grad_()
    fn = lambda x: tg.grad(lambda x: _loss(w, x))(x)     # noqa: E731
    got = tg.vmap(fn)(xs)
    np.testing.assert_allclose(got.numpy(), _loop(fn, xs), rtol=1e-12)
    # the per-example gradients stay differentiable with respect to the closed-over w
    (gw,) = tg.autograd.grad(got.sum(), w)
    w2 = w.detach().requires_grad_()
    ref = sum(tg.grad(lambda x: _loss(w2, x))(xs[i]).sum() for i in range(5))
    (rw,) = tg.autograd.grad(ref, w2)
    np.testing.assert_allclose(gw.numpy(), rw.numpy(), rtol=1e-12)


def test_value_and_grad_with_aux_and_two_argnums():
    w, xs = _data(2)
    b = tg.tensor(0.3, dtype=np.float64)

    def fn(x):
        f = lambda w, b: (_loss(w, x) + b * b, w.sum())   # noqa: E731
        return tg.value_and_grad(f, argnums=(0, 1), has_aux=True)(w, b)

    (v, aux), (gw, gb) = tg.vmap(fn)(xs)
    for i in range(5):
        (rv, raux), (rw, rb) = fn(xs[i])
        np.testing.assert_allclose(v.numpy()[i], rv.numpy(), rtol=1e-12)
        np.testing.assert_allclose(aux.numpy()[i], raux.numpy(), rtol=1e-12)
        np.testing.assert_allclose(gw.numpy()[i], rw.numpy(), rtol=1e-12)
        np.testing.assert_allclose(gb.numpy()[i], rb.numpy(), rtol=1e-12)


def test_second_order_inside_vmap():
    w, xs = _data(3)
    fn = lambda x: tg.grad(lambda w: tg.grad(lambda w: _loss(w, x))(w).sum())(w)  # noqa
    got = tg.vmap(fn)(xs)
    np.testing.assert_allclose(got.numpy(), _loop(fn, xs), rtol=1e-10)


def test_nested_vmaps_over_a_closed_over_value():
    w, xs = _data(4)
    ys = tg.tensor(np.random.default_rng(5).normal(size=(2, 5, 3)))
    fn = lambda x: tg.grad(lambda w: _loss(w, x))(w)     # noqa: E731
    got = tg.vmap(tg.vmap(fn))(ys)
    ref = np.stack([_loop(fn, ys[j]) for j in range(2)])
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)


def test_matches_torch_func():
    torch = pytest.importorskip("torch")
    w, xs = _data(6)
    fn = lambda x: tg.grad(lambda w: _loss(w, x))(w)     # noqa: E731
    got = tg.vmap(fn)(xs)

    def tloss(w, x):
        return (torch.tanh(w * x) ** 2).sum() + (w * w).sum() * 0.5

    tw, txs = torch.tensor(w.numpy()), torch.tensor(xs.numpy())
    ref = torch.func.vmap(lambda x: torch.func.grad(lambda w: tloss(w, x))(tw))(txs)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)


def test_a_non_scalar_output_still_names_grad():
    w, xs = _data(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TypeError, match="grad: f must return a scalar"):
            tg.vmap(lambda x: tg.grad(lambda w: w * x)(w))(xs)
