"""JAX-style transforms: grad, value_and_grad, vjp, jvp, jacfwd, jacrev, hessian, hvp."""
import gc
import tracemalloc

import numpy as np
import pytest

import tapegrad as tg


def f_scalar(x):
    return tg.sum(tg.sin(x) * x ** 2)


def test_grad_of_python_float_and_array_inputs():
    assert tg.grad(lambda x: x ** 2)(3.0).item() == pytest.approx(6.0)
    g = tg.grad(f_scalar)(np.array([0.5, 1.0]))
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(g.numpy(), np.cos(x) * x ** 2 + 2 * x * np.sin(x))
    assert isinstance(g, tg.Tensor) and g.dtype == np.float64


def test_grad_composes_to_third_order():
    f = lambda x: x ** 4 + tg.sin(x)                        # noqa: E731
    x = 0.7
    d1 = tg.grad(f)(x).item()
    d2 = tg.grad(tg.grad(f))(x).item()
    d3 = tg.grad(tg.grad(tg.grad(f)))(x).item()
    assert d1 == pytest.approx(4 * x ** 3 + np.cos(x), rel=1e-6)
    assert d2 == pytest.approx(12 * x ** 2 - np.sin(x), rel=1e-5)
    assert d3 == pytest.approx(24 * x - np.cos(x), rel=1e-5)


def test_grad_argnums_and_has_aux():
    def f(x, y):
        return tg.sum(x * y ** 2), {"note": 1}

    x, y = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    (gx, gy), aux = tg.grad(f, argnums=(0, 1), has_aux=True)(x, y)
    np.testing.assert_allclose(gx.numpy(), [9.0, 16.0])
    np.testing.assert_allclose(gy.numpy(), [6.0, 16.0])
    assert aux == {"note": 1}
    gy_only, _ = tg.grad(f, argnums=1, has_aux=True)(x, y)
    np.testing.assert_allclose(gy_only.numpy(), gy.numpy())
    (val, aux), g = tg.value_and_grad(f, has_aux=True)(x, y)
    assert val.item() == pytest.approx(9 + 32)
    np.testing.assert_allclose(g.numpy(), gx.numpy())


def test_grad_over_pytrees():
    params = {"w": tg.tensor([[1.0, 2.0]]), "b": (tg.tensor([0.5]),)}

    def loss(p, x):
        return tg.sum((x @ p["w"].T + p["b"][0]) ** 2)

    g = tg.grad(loss)(params, tg.tensor([[1.0, 1.0]]))
    assert set(g) == {"w", "b"} and isinstance(g["b"], tuple)
    np.testing.assert_allclose(g["b"][0].numpy(), [7.0])
    np.testing.assert_allclose(g["w"].numpy(), [[7.0, 7.0]])


def test_grad_errors_are_clear():
    with pytest.raises(TypeError, match=r"scalar.*\(2,\)"):
        tg.grad(lambda x: x * 2)(tg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="argnums 2 is out of range"):
        tg.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_value_and_grad():
    v, g = tg.value_and_grad(lambda x: x ** 3)(2.0)
    assert v.item() == 8.0 and g.item() == 12.0
    assert g.grad_fn is None and v.grad_fn is None


def test_vjp_matches_jacobian_transpose():
    a = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    f = lambda x: tg.tanh(tg.tensor(a) @ x)                 # noqa: E731
    x = np.array([0.3, -0.2])
    out, pull = tg.vjp(f, x)
    v = np.array([1.0, -2.0, 0.5])
    (gx,) = pull(v)
    d = 1 - np.tanh(a @ x) ** 2
    np.testing.assert_allclose(out.numpy(), np.tanh(a @ x))
    np.testing.assert_allclose(gx.numpy(), a.T @ (v * d))
    (gx2,) = pull(2 * v)                                    # callable more than once
    np.testing.assert_allclose(gx2.numpy(), 2 * gx.numpy())


def test_jvp_is_forward_mode():
    out, t = tg.jvp(lambda x, y: x * tg.exp(y), (2.0, 0.0), (1.0, 1.0))
    assert out.item() == 2.0 and t.item() == pytest.approx(3.0)


def test_jacfwd_jacrev_agree_and_have_output_by_input_shape():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    f = lambda x: tg.tanh(tg.tensor(a) @ x) * tg.sum(x)     # noqa: E731
    x = rng.standard_normal(4)
    jf = tg.jacfwd(f)(x)
    jr = tg.jacrev(f)(x)
    assert jf.shape == (3, 4) and jr.shape == (3, 4)
    np.testing.assert_allclose(jf.numpy(), jr.numpy(), rtol=1e-10)
    np.testing.assert_allclose(tg.jacobian(f)(x).numpy(), jr.numpy())
    eps = 1e-6
    fd = np.stack([(f(x + eps * e).numpy() - f(x - eps * e).numpy()) / (2 * eps)
                   for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(jf.numpy(), fd, rtol=1e-6, atol=1e-8)


def test_hessian_and_hvp():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 3))
    f = lambda x: tg.sum(tg.tanh(tg.tensor(a) @ x)) ** 2    # noqa: E731
    x = rng.standard_normal(3)
    h = tg.hessian(f)(x).numpy()
    assert h.shape == (3, 3)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)
    eps = 1e-5
    fd = np.stack([(tg.grad(f)(x + eps * e).numpy() - tg.grad(f)(x - eps * e).numpy())
                   / (2 * eps) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-7)
    v = rng.standard_normal(3)
    np.testing.assert_allclose(tg.hvp(f, (x,), (v,)).numpy(), h @ v, rtol=1e-10)
    jj = tg.jacfwd(tg.jacrev(f))(x)
    np.testing.assert_allclose(jj.numpy(), h, rtol=1e-10)
    rr = tg.jacrev(tg.jacrev(f))(x)
    np.testing.assert_allclose(rr.numpy(), h, rtol=1e-10)
    ff = tg.jacfwd(tg.jacfwd(f))(x)                         # forward-over-forward
    np.testing.assert_allclose(ff.numpy(), h, rtol=1e-8)


def test_make_dual_and_unpack_dual():
    with tg.autograd.forward_ad.dual_level():
        x = tg.make_dual(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]))
        y = x * x + tg.sin(x)
        p, t = tg.unpack_dual(y)
    np.testing.assert_allclose(p.numpy(), np.array([1.0, 4.0]) + np.sin([1.0, 2.0]),
                               rtol=1e-6)
    np.testing.assert_allclose(t.numpy(), [2.0 + np.cos(1.0), 0.0], rtol=1e-6)


def test_forward_mode_builds_no_reverse_graph():
    x = tg.tensor(np.linspace(0.1, 1.0, 8))
    with tg.autograd.forward_ad.dual_level():
        d = tg.make_dual(x, tg.ones_like(x))
        y = tg.exp(tg.sin(d) * 2.0)
        assert y.grad_fn is None and not y.requires_grad
        assert tg.unpack_dual(y)[1].grad_fn is None


def _jvp_chain_peak(n):
    def chain(x):
        for _ in range(n):
            x = tg.sin(x) * 1.0001
        return x

    x = np.linspace(0.0, 1.0, 1000)
    gc.collect()
    tracemalloc.start()
    tg.jvp(chain, (x,), (np.ones_like(x),))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_forward_mode_memory_is_independent_of_chain_length():
    short = _jvp_chain_peak(20)
    long = _jvp_chain_peak(400)
    # a kept graph would hold ~400 saved 8 KB arrays (> 3 MB); forward mode keeps none
    assert long < short + 200_000, (short, long)


def test_transforms_compose_with_backward_and_tapes():
    x = tg.tensor(1.5, requires_grad=True)
    g = tg.grad(lambda t: t ** 3)(x)                        # 3 x^2, still connected
    g.backward()
    assert x.grad.item() == pytest.approx(6 * 1.5)
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        dv = tg.grad(lambda t: t ** 3)(v)
    assert tape.gradient(dv, v).item() == pytest.approx(12.0)


class TestAgainstTorchFunc:
    torch = pytest.importorskip("torch")

    def setup_method(self):
        rng = np.random.default_rng(7)
        self.a = rng.standard_normal((4, 3))
        self.x = rng.standard_normal(3)
        self.v = rng.standard_normal(3)

    def tg_f(self, x):
        return tg.log_softmax(tg.tensor(self.a) @ tg.tanh(x), axis=-1) * tg.sum(x * x)

    def th_f(self, x):
        t = self.torch
        return t.log_softmax(t.tensor(self.a) @ t.tanh(x), dim=-1) * t.sum(x * x)

    def test_jvp(self):
        tf = self.torch.func
        xt, vt = self.torch.tensor(self.x), self.torch.tensor(self.v)
        o, t = tg.jvp(self.tg_f, (self.x,), (self.v,))
        oo, tt = tf.jvp(self.th_f, (xt,), (vt,))
        np.testing.assert_allclose(o.numpy(), oo.numpy(), rtol=1e-10)
        np.testing.assert_allclose(t.numpy(), tt.numpy(), rtol=1e-10)

    def test_jacfwd_jacrev(self):
        tf = self.torch.func
        xt = self.torch.tensor(self.x)
        np.testing.assert_allclose(tg.jacfwd(self.tg_f)(self.x).numpy(),
                                   tf.jacfwd(self.th_f)(xt).numpy(), rtol=1e-9)
        np.testing.assert_allclose(tg.jacrev(self.tg_f)(self.x).numpy(),
                                   tf.jacrev(self.th_f)(xt).numpy(), rtol=1e-9)

    def test_hessian_and_hvp(self):
        tf = self.torch.func
        xt, vt = self.torch.tensor(self.x), self.torch.tensor(self.v)
        g = lambda x: tg.sum(self.tg_f(x) ** 2)             # noqa: E731
        h = lambda x: self.torch.sum(self.th_f(x) ** 2)     # noqa: E731
        expected = tf.hessian(h)(xt).numpy()
        np.testing.assert_allclose(tg.hessian(g)(self.x).numpy(), expected, rtol=1e-9)
        np.testing.assert_allclose(tg.hvp(g, (self.x,), (self.v,)).numpy(),
                                   expected @ self.v, rtol=1e-9)

    def test_vjp(self):
        tf = self.torch.func
        xt = self.torch.tensor(self.x)
        ct = np.arange(4.0)
        _, pull = tg.vjp(self.tg_f, self.x)
        _, tpull = tf.vjp(self.th_f, xt)
        np.testing.assert_allclose(pull(ct)[0].numpy(),
                                   tpull(self.torch.tensor(ct))[0].numpy(), rtol=1e-10)


def test_jacobians_over_pytrees_nest_output_outside_argument():
    def f(p):
        return {"y": p["a"] * p["b"][0], "s": tg.sum(p["a"] ** 2)}

    p = {"a": np.array([1.0, 2.0]), "b": (np.array([3.0, 4.0]),)}
    for jac in (tg.jacfwd, tg.jacrev):
        j = jac(f)(p)
        assert set(j) == {"y", "s"}
        assert j["y"]["a"].shape == (2, 2) and j["y"]["b"][0].shape == (2, 2)
        assert j["s"]["a"].shape == (2,)
        np.testing.assert_allclose(j["y"]["a"].numpy(), np.diag([3.0, 4.0]))
        np.testing.assert_allclose(j["y"]["b"][0].numpy(), np.diag([1.0, 2.0]))
        np.testing.assert_allclose(j["s"]["a"].numpy(), [2.0, 4.0])
    h = tg.hessian(lambda p: tg.sum(p["a"] ** 3) * tg.sum(p["b"][0]))(p)
    np.testing.assert_allclose(h["a"]["a"].numpy(), np.diag(6 * p["a"] * 7.0))
    np.testing.assert_allclose(h["a"]["b"][0].numpy(), np.outer(3 * p["a"] ** 2, [1, 1]))


def test_jacobian_argnums_tuple():
    f = lambda x, y: x * y                                   # noqa: E731
    jx, jy = tg.jacrev(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(jx.numpy(), np.diag([3.0, 4.0]))
    np.testing.assert_allclose(jy.numpy(), np.diag([1.0, 2.0]))
    fx, fy = tg.jacfwd(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(fx.numpy(), jx.numpy())
    np.testing.assert_allclose(fy.numpy(), jy.numpy())


def test_has_aux_values_come_back_detached():
    def f(x):
        y = x * x
        return tg.sum(y), {"y": y}

    g, aux = tg.grad(f, has_aux=True)(np.array([1.0, 2.0]))
    assert aux["y"].grad_fn is None and not aux["y"].requires_grad
    np.testing.assert_allclose(aux["y"].numpy(), [1.0, 4.0])
