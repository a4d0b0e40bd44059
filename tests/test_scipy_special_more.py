"""scipy.special names beyond autograd's (rel_entr, kl_div, log_expit, factorial, poch,
exp1, expi, zeta): values against SciPy at and around the edges of their domains,
gradients against central differences, and vmap against a loop."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.scipy import special as sp

ss = pytest.importorskip("scipy.special")

X = np.array([0.5, 0.0, -1.0, 2.0, 0.0, 1.0, 3.0])
Y = np.array([0.25, 2.0, 1.0, 0.0, 0.0, 3.0, -0.5])


@pytest.mark.parametrize("name", ["rel_entr", "kl_div"])
def test_entropies_match_scipy_on_and_off_the_domain(name):
    np.testing.assert_array_equal(getattr(sp, name)(X, Y).numpy(), getattr(ss, name)(X, Y))


@pytest.mark.parametrize("name, args", [
    ("log_expit", (np.array([-800.0, -30.0, -1.0, 0.0, 2.0, 40.0, 800.0]),)),
    ("factorial", (np.array([-2.0, 0.0, 1.0, 3.0, 4.5, 10.0]),)),
    ("poch", (np.array([3.0, 0.0, 0.5, -1.5, 200.0, 2.5]),
              np.array([2.0, 2.0, 1.5, 2.0, 3.0, -1.0]))),
    ("exp1", (np.array([0.01, 0.5, 1.0, 5.0, 30.0]),)),
    ("expi", (np.array([-3.0, -0.5, 0.5, 1.0, 5.0]),)),
    ("zeta", (np.array([2.0, 3.5, 1.5, 4.0]), np.array([1.0, 2.5, 0.3, 10.0]))),
])
def test_values_match_scipy(name, args):
    np.testing.assert_allclose(getattr(sp, name)(*args).numpy(), getattr(ss, name)(*args),
                               rtol=1e-12, atol=0)


def test_riemann_zeta_and_exact_factorial():
    assert sp.zeta(2.0).item() == pytest.approx(np.pi ** 2 / 6, rel=1e-14)
    assert sp.factorial(20, exact=True) == 2432902008176640000
    with pytest.raises(TypeError, match="factorial: exact=True"):
        sp.factorial(tg.tensor(3.0, requires_grad=True), exact=True)


@pytest.mark.parametrize("f, inputs", [
    (sp.rel_entr, ([0.5, 2.0, 1.3], [0.25, 3.0, 0.7])),
    (sp.kl_div, ([0.5, 2.0, 1.3], [0.25, 3.0, 0.7])),
    (sp.log_expit, ([-3.0, 0.2, 4.0],)),
    (sp.factorial, ([0.5, 2.0, 4.2],)),
    (sp.poch, ([0.5, 2.0, 4.2], [1.5, 0.3, 2.0])),
    (sp.exp1, ([0.3, 1.0, 2.5],)),
    (sp.expi, ([-1.0, 0.4, 2.5],)),
    (lambda q: sp.zeta(2.5, q), ([0.4, 1.0, 2.5],)),
])
def test_first_and_second_derivatives_match_differences(f, inputs):
    ts = tuple(tg.tensor(np.array(v), requires_grad=True) for v in inputs)
    assert tg.gradcheck(f, ts)
    assert tg.gradgradcheck(f, ts)


def test_zeta_refuses_a_gradient_in_its_order():
    with pytest.raises(NotImplementedError, match="zeta: the gradient with respect to x"):
        sp.zeta(tg.tensor(2.5, dtype="float64", requires_grad=True), 1.0)


def test_vmap_matches_the_loop():
    xs, ys = tg.tensor(X), tg.tensor(Y)
    for f in (sp.rel_entr, sp.kl_div, sp.poch):
        want = np.stack([f(X[i], Y[i]).numpy() for i in range(len(X))])
        np.testing.assert_array_equal(tg.vmap(f)(xs, ys).numpy(), want)
    g = tg.vmap(tg.grad(lambda q: sp.zeta(2.5, q)))(tg.tensor([0.4, 1.0, 2.5], dtype="float64"))
    np.testing.assert_allclose(g.numpy(), -2.5 * ss.zeta(3.5, np.array([0.4, 1.0, 2.5])),
                               rtol=1e-12)
