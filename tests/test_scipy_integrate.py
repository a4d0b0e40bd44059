"""tapegrad.scipy.integrate.odeint: values against SciPy, gradients (adjoint) and
tangents against finite differences and closed forms, the NumPy fallback solver."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.scipy import _ode
from tapegrad.scipy.integrate import odeint

si = pytest.importorskip("scipy.integrate")

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 3))
Y0 = rng.standard_normal(3)
T = np.array([0.0, 0.4, 1.1, 1.5])
W = rng.standard_normal((4, 3))
TIGHT = dict(rtol=1e-12, atol=1e-12)


def field(y, t, a, b):
    return tg.tanh(a @ y) + b * t


def loss(y0, t, a, b, **kw):
    return (odeint(field, y0, t, args=(a, b), **kw) * W).sum()


def test_values_equal_scipy_odeint():
    b = rng.standard_normal(3)
    want = si.odeint(lambda y, t: np.tanh(A @ y) + b * t, Y0, T)
    got = odeint(field, Y0, T, args=(A, b)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_adjoint_gradients_match_finite_differences():
    b = rng.standard_normal(3)
    xs = [Y0, T, A, b]
    ts = [tg.tensor(x, requires_grad=True) for x in xs]
    loss(*ts, **TIGHT).backward()
    eps = 1e-5
    for k, x in enumerate(xs):
        fd = np.empty(x.size)
        for j in range(x.size):
            e = np.zeros(x.size)
            e[j] = eps
            up = [v + e.reshape(x.shape) if i == k else v for i, v in enumerate(xs)]
            down = [v - e.reshape(x.shape) if i == k else v for i, v in enumerate(xs)]
            fd[j] = (loss(*up, **TIGHT).item() - loss(*down, **TIGHT).item()) / (2 * eps)
        np.testing.assert_allclose(ts[k].grad.numpy().ravel(), fd, rtol=1e-6, atol=1e-8)


# autograd's adjoint differentiates the field in its (here empty) args too, and warns so
@pytest.mark.filterwarnings("ignore:Output seems independent of input")
def test_gradient_matches_the_closed_form_and_autograd():
    # dy/dt = -k y: y(t) = y0 exp(-k (t - t0))
    k = tg.tensor(np.array(0.7), requires_grad=True)
    y0 = tg.tensor(np.array([1.5, -0.5]), requires_grad=True)
    t = tg.tensor(np.array([0.2, 1.0, 2.0]), requires_grad=True)
    out = odeint(lambda y, s, k: -k * y, y0, t, args=(k,), **TIGHT)
    out.sum().backward()
    dt = t.numpy() - t.numpy()[0]
    e = np.exp(-0.7 * dt)
    np.testing.assert_allclose(y0.grad.numpy(), np.full(2, e.sum()), rtol=1e-9)
    np.testing.assert_allclose(k.grad.item(), (-dt * e).sum() * 1.0, rtol=1e-8)
    slope = -0.7 * e * 1.0
    np.testing.assert_allclose(t.grad.numpy(), [-slope[1:].sum(), slope[1], slope[2]], rtol=1e-8)
    autograd = pytest.importorskip("autograd")
    from autograd.scipy.integrate import odeint as aodeint
    ga = autograd.grad(lambda y: aodeint(lambda y, s: -0.7 * y, y, t.numpy(), ()).sum())(
        np.array([1.5, -0.5]))
    np.testing.assert_allclose(y0.grad.numpy(), ga, rtol=1e-6)


def test_forward_mode_and_second_order():
    b = rng.standard_normal(3)
    us = [rng.standard_normal(np.shape(x)) for x in (Y0, T, A)]

    def f(y0, t, a):
        return odeint(field, y0, t, args=(a, b), **TIGHT)

    _, dout = tg.jvp(f, (tg.tensor(Y0), tg.tensor(T), tg.tensor(A)),
                     tuple(tg.tensor(u) for u in us))
    eps = 1e-5
    fd = (f(Y0 + eps * us[0], T + eps * us[1], A + eps * us[2]).numpy()
          - f(Y0 - eps * us[0], T - eps * us[1], A - eps * us[2]).numpy()) / (2 * eps)
    np.testing.assert_allclose(dout.numpy(), fd, rtol=1e-6, atol=1e-8)
    y = tg.tensor(np.array([0.5, 0.2]), requires_grad=True)
    assert tg.gradgradcheck(lambda y: odeint(lambda y, s: -y * y * s, y, np.array([0.0, 0.6]),
                                             **TIGHT), [y], atol=1e-6)


def test_shapes_lists_and_number_args():
    y0 = np.ones((2, 2))
    out = odeint(lambda y, t, c: c * y, y0, np.linspace(0, 1, 5), args=(0.5,))
    assert out.shape == (5, 2, 2)
    np.testing.assert_allclose(out.numpy()[-1], np.exp(0.5) * y0, rtol=1e-6)
    # a system returned as a list, as SciPy's examples write it
    osc = odeint(lambda y, t: [y[1], -y[0]], np.array([1.0, 0.0]), np.array([0.0, np.pi / 2]))
    np.testing.assert_allclose(osc.numpy()[-1], [0.0, -1.0], atol=1e-6)
    with pytest.raises(TypeError, match="odeint: func must be callable"):
        odeint(None, y0, [0.0, 1.0])
    with pytest.raises(TypeError, match="not supported"):
        odeint(lambda y, t: y, y0, [0.0, 1.0], full_output=True)


def test_without_scipy_the_rk4_fallback_agrees(monkeypatch):
    b = rng.standard_normal(3)
    want = odeint(field, Y0, T, args=(A, b), **TIGHT).numpy()
    monkeypatch.setattr(_ode, "_integrate", False)
    got = odeint(field, Y0, T, args=(A, b), rtol=1e-10, atol=1e-10).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-9)
    k = tg.tensor(np.array(0.7), requires_grad=True)
    odeint(lambda y, s, k: -k * y, np.array([1.0]), np.array([0.0, 1.0]), args=(k,),
           rtol=1e-10, atol=1e-10)[-1, 0].backward()
    np.testing.assert_allclose(k.grad.item(), -np.exp(-0.7), rtol=1e-7)
