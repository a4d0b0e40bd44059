"""tg.hvp takes reverse over reverse for real arrays and forward-over-reverse for the
rest: both give H @ v, for custom rules too."""
import numpy as np
import pytest

import tapegrad as tg


def _t(v):
    return tg.tensor(v, dtype=tg.float64)


def _hv(f, xs, vs):
    """H @ v from the full Hessian, as a reference."""
    if len(xs) == 1:
        return [tg.hessian(f)(xs[0]).numpy() @ vs[0].numpy()]
    H = tg.hessian(f, argnums=tuple(range(len(xs))))(*xs)
    return [sum(H[i][j].numpy() @ vs[j].numpy() for j in range(len(xs)))
            for i in range(len(xs))]


@tg.custom_jvp
def _sinx(x):
    return tg.sin(x) * x


@_sinx.defjvp
def _sinx_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _sinx(x), (tg.cos(x) * x + tg.sin(x)) * t


@tg.custom_vjp
def _exp(x):
    return tg.exp(x)


_exp.defvjp(lambda x: (tg.exp(x), tg.exp(x)), lambda r, g: (g * r,))

FUNCS = {
    "tanh": lambda x: (tg.tanh(x * 1.5) ** 2).sum(),
    "custom_jvp": lambda x: (_sinx(x) ** 2).sum(),
    "custom_vjp": lambda x: (_exp(x) * x).sum(),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_hvp_equals_the_hessian_times_v(name):
    x, v = _t([0.3, 1.2, -0.7]), _t([1.0, -2.0, 0.5])
    got = tg.hvp(FUNCS[name], x, v)
    assert got.grad_fn is None
    np.testing.assert_allclose(got.numpy(), _hv(FUNCS[name], [x], [v])[0], rtol=1e-12)


def test_both_paths_agree_and_several_primals():
    F = lambda a, b: (tg.tanh(a * b) ** 2).sum() + (a ** 3).sum()
    a, b = _t([0.5, 1.0]), _t([2.0, -1.0])
    va, vb = _t([1.0, -2.0]), _t([0.25, 3.0])
    rr = tg.hvp(F, (a, b), (va, vb))                          # reverse over reverse
    fr = tg.hvp(F, (a, b), (va, vb.numpy().astype(np.float32)))  # mixed: forward-over-reverse
    ref = _hv(F, [a, b], [va, vb])
    for got in (rr, fr):
        assert isinstance(got, tuple) and len(got) == 2
        for g, r in zip(got, ref):
            np.testing.assert_allclose(g.numpy(), r, rtol=1e-6)


def test_hvp_inside_grad_and_vmap():
    f = FUNCS["tanh"]
    x, v = _t([0.3, 1.2, -0.7]), _t([1.0, -2.0, 0.5])
    # d/dx <v, H(x) v> by finite differences
    g = tg.grad(lambda x: (tg.hvp(f, x, v) * v).sum())(x).numpy()
    eps = 1e-6
    fd = [((tg.hvp(f, x + eps * e, v) * v).sum().item()
           - (tg.hvp(f, x - eps * e, v) * v).sum().item()) / (2 * eps)
          for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
    vs = tg.tensor(np.eye(3))
    rows = tg.vmap(lambda v: tg.hvp(f, x, v))(vs).numpy()
    np.testing.assert_allclose(rows, tg.hessian(f)(x).numpy(), rtol=1e-12, atol=1e-14)
