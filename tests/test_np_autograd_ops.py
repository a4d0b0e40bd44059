"""autograd's differential operators under tapegrad's names (tapegrad/_autograd_ops.py):
the same values as autograd's own in float64, for the calling conventions autograd
programs use (argnum, extra arguments, the (function, value) pairs)."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

ag = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

R = np.random.default_rng(5)
X = R.uniform(0.3, 1.2, 3)
V = R.standard_normal(3)
M = R.standard_normal((3, 3))


def f(np_):
    def fun(x, scale):
        return np_.sum(np_.sin(x) * np_.dot(M, x) ** 2) * scale
    return fun


def vec(np_):
    return lambda x: np_.tanh(np_.dot(M, x))


def _same(a, b):
    np.testing.assert_allclose(np.asarray(a.numpy() if isinstance(a, tg.Tensor) else a),
                               np.asarray(b), rtol=1e-11, atol=1e-13)


def test_make_vjp_make_jvp_deriv():
    pull, val = tg.make_vjp(vec(tnp))(X)
    apull, aval = ag.make_vjp(vec(anp))(X)
    _same(val, aval)
    _same(pull(V), apull(V))
    ans, tangent = tg.make_jvp(vec(tnp))(X)(V)
    aans, atangent = ag.make_jvp(vec(anp))(X)(V)
    _same(ans, aans)
    _same(tangent, atangent)
    _same(tg.deriv(tnp.tanh)(X), ag.deriv(anp.tanh)(X))


def test_hessian_products_and_hvp():
    _same(tg.hessian_vector_product(f(tnp))(X, 2.0, V),
          ag.hessian_vector_product(f(anp))(X, 2.0, V))
    _same(tg.hessian_tensor_product(f(tnp), 1)(X, 2.0, 1.5),
          ag.hessian_tensor_product(f(anp), 1)(X, 2.0, 1.5))
    hvp, g = tg.make_hvp(f(tnp))(X, 2.0)
    ahvp, ag_ = ag.make_hvp(f(anp))(X, 2.0)
    _same(g, ag_)
    _same(hvp(V), ahvp(V))
    _same(tg.vector_jacobian_product(vec(tnp))(X, V), ag.vector_jacobian_product(vec(anp))(X, V))
    _same(tg.make_ggnvp(vec(tnp))(X)(V), ag.make_ggnvp(vec(anp))(X)(V))


def test_named_aux_dict_and_holomorphic():
    _same(tg.grad_named(f(tnp), "scale")(X, 2.0), ag.grad_named(f(anp), "scale")(X, 2.0))
    g, aux = tg.grad_and_aux(lambda x: (f(tnp)(x, 1.0), {"n": 3.0}))(X)
    ag_, aaux = ag.grad_and_aux(lambda x: (f(anp)(x, 1.0), {"n": 3.0}))(X)
    _same(g, ag_)
    assert aux == aaux
    d = tg.multigrad_dict(f(tnp))(X, 2.0)
    assert list(d) == ["x", "scale"]
    _same(d["x"], ag.grad(f(anp))(X, 2.0))
    _same(d["scale"], ag.grad(f(anp), 1)(X, 2.0))
    z = np.array(0.3 + 0.7j)
    _same(tg.holomorphic_grad(lambda w: w ** 3 + tnp.exp(w))(tnp.asarray(z)),
          ag.holomorphic_grad(lambda w: w ** 3 + anp.exp(w))(z))
