"""tapegrad.scipy.special and .misc: SciPy's signatures and float64 conventions."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.scipy import misc, special

sp = pytest.importorskip("scipy.special")

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4)) * 10
B = rng.uniform(-1.0, 1.0, (3, 4))


def test_every_name_of_the_issue_is_there():
    names = """gammaln gamma digamma psi polygamma multigammaln beta betaln betainc gammainc
    gammaincc erf erfc erfinv erfcinv expit logit xlogy xlog1py entr logsumexp i0 i1 ive
    j0 j1 y0 y1 ndtr ndtri log_ndtr""".split()
    assert [n for n in names if not callable(getattr(special, n, None))] == []


def test_python_numbers_compute_in_float64():
    out = special.gammaln(3.7)
    assert out.dtype == np.float64 and out.item() == sp.gammaln(3.7)
    assert special.xlogy(2, 3).dtype == np.float64
    assert special.gammainc(2, [0.5, 1.0]).dtype == np.float64
    # a float32 tensor stays float32
    assert special.erfc(tg.tensor([0.5])).dtype == np.float32


def test_polygamma_takes_an_order_array_of_one_value():
    x = np.array([0.5, 2.0])
    np.testing.assert_allclose(special.polygamma(np.array([2, 2]), x).numpy(),
                               sp.polygamma(2, x))
    np.testing.assert_allclose(special.polygamma(1.0, x).numpy(), sp.polygamma(1, x))
    with pytest.raises(TypeError, match="polygamma: n must be a whole number"):
        special.polygamma(np.array([1, 2]), x)


@pytest.mark.parametrize("kw", [{}, {"axis": 1}, {"axis": 0, "keepdims": True},
                                {"axis": (0, 1)}, {"b": B}, {"axis": 1, "b": B},
                                {"axis": 0, "b": np.abs(B), "keepdims": True}])
def test_logsumexp_equals_scipy(kw):
    with np.errstate(invalid="ignore"):
        want = sp.logsumexp(A, **kw)
        got = special.logsumexp(A, **kw).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-13, equal_nan=True)
    assert np.shape(got) == np.shape(want)


def test_logsumexp_return_sign_and_gradients():
    out, sign = special.logsumexp(A, axis=1, b=B, return_sign=True)
    want, wsign = sp.logsumexp(A, axis=1, b=B, return_sign=True)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-13)
    np.testing.assert_array_equal(sign.numpy(), wsign)
    a = tg.tensor(A / 10, requires_grad=True)
    b = tg.tensor(np.abs(B) + 0.1, requires_grad=True)
    assert tg.gradcheck(lambda a, b: special.logsumexp(a, axis=0, b=b), [a, b])
    assert tg.gradgradcheck(lambda a, b: special.logsumexp(a, axis=0, b=b), [a, b])
    assert tg.gradcheck(lambda a: special.logsumexp(a, axis=1, b=B, return_sign=True)[0], [a])


def test_logsumexp_of_huge_values_and_misc_alias():
    x = np.array([1000.0, 1000.0])
    assert np.isclose(special.logsumexp(x).item(), 1000.0 + np.log(2.0))
    assert np.isclose(special.logsumexp(x, b=[1.0, 2.0]).item(), 1000.0 + np.log(3.0))
    assert misc.logsumexp is special.logsumexp


def test_softmax_and_log_softmax_default_to_all_elements():
    np.testing.assert_allclose(special.softmax(A).numpy(), sp.softmax(A))
    np.testing.assert_allclose(special.log_softmax(A, axis=1).numpy(), sp.log_softmax(A, axis=1))


def test_gradient_through_the_namespace():
    x = tg.tensor(3.0, dtype="float64", requires_grad=True)
    special.gammaln(x).backward()
    np.testing.assert_allclose(x.grad.item(), sp.psi(3.0))
    g = tg.grad(lambda a: special.multigammaln(a, 3))(4.0)
    np.testing.assert_allclose(g.item(), sum(sp.psi(4.0 - j / 2) for j in range(3)))
