"""Special functions (ops/special.py) against SciPy over wide ranges and at the edges, the
NumPy fallbacks used without SciPy, and the errors users can act on."""
import doctest
import sys

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.ops import _special_base, special as S
from tapegrad.ops import special_numpy

sp = pytest.importorskip("scipy.special")

rng = np.random.default_rng(0)
WIDE = np.concatenate([rng.uniform(-30, 30, 300), rng.uniform(0, 3, 100),
                       10.0 ** rng.uniform(-8, 2.5, 100), -10.0 ** rng.uniform(-8, 1.5, 50) - 0.5,
                       [0.0, 1.0, 2.0, -1.0, -2.5, 1e-300, 170.0]])
UNIT = np.concatenate([rng.uniform(-1, 1, 300), 1 - 10.0 ** rng.uniform(-16, 0, 50),
                       -1 + 10.0 ** rng.uniform(-16, 0, 50), [0.0, 1.0, -1.0, 1.5, -2.0]])
PROB = np.concatenate([rng.uniform(0, 1, 300), 10.0 ** rng.uniform(-300, 0, 50),
                       [0.0, 1.0, 0.5, 1e-300]])

UNARY = [  # (ours, SciPy's, inputs)
    (S.gammaln, sp.gammaln, WIDE), (S.gamma, sp.gamma, WIDE[np.abs(WIDE) < 150]),
    (S.rgamma, sp.rgamma, WIDE), (S.gammasgn, sp.gammasgn, WIDE), (S.digamma, sp.psi, WIDE),
    (S.erfc, sp.erfc, WIDE), (S.erfcx, sp.erfcx, WIDE),
    (S.erfinv, sp.erfinv, UNIT), (S.erfcinv, sp.erfcinv, 1 - UNIT), (S.ndtr, sp.ndtr, WIDE),
    (S.ndtri, sp.ndtri, PROB), (S.log_ndtr, sp.log_ndtr, np.concatenate([WIDE, -WIDE ** 2])),
    (S.logit, sp.logit, PROB), (S.entr, sp.entr, WIDE), (S.i0, sp.i0, WIDE),
    (S.i0e, sp.i0e, WIDE), (S.i1, sp.i1, WIDE), (S.i1e, sp.i1e, WIDE), (S.j0, sp.j0, WIDE),
    (S.j1, sp.j1, WIDE), (S.y0, sp.y0, WIDE), (S.y1, sp.y1, WIDE),
]


def _same_values(got, want, rtol=1e-13):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300, equal_nan=True)


@pytest.mark.parametrize("ours, theirs, x", UNARY, ids=lambda v: getattr(v, "__name__", ""))
def test_values_equal_scipy(ours, theirs, x):
    with np.errstate(all="ignore"):
        _same_values(ours(tg.tensor(x)).numpy(), theirs(x))


def test_binary_and_ternary_values_equal_scipy():
    a = rng.uniform(0.1, 20, 200)
    b = rng.uniform(0.1, 20, 200)
    x = rng.uniform(0, 1, 200)
    z = rng.uniform(-20, 20, 200)
    _same_values(S.beta(a, b).numpy(), sp.beta(a, b))
    _same_values(S.betaln(a, b).numpy(), sp.betaln(a, b))
    _same_values(S.betainc(a, b, x).numpy(), sp.betainc(a, b, x))
    _same_values(S.gammainc(a, 30 * x).numpy(), sp.gammainc(a, 30 * x))
    _same_values(S.gammaincc(a, 30 * x).numpy(), sp.gammaincc(a, 30 * x))
    for n in range(5):
        _same_values(S.polygamma(n, z).numpy(), sp.polygamma(n, z))
    for v in (0.0, 1.0, 2.5, -1.5):
        _same_values(S.iv(v, z).numpy(), sp.iv(v, z))
        _same_values(S.ive(v, z).numpy(), sp.ive(v, z))
        _same_values(S.jv(v, z).numpy(), sp.jv(v, z))
        _same_values(S.yv(v, z).numpy(), sp.yv(v, z))
    for d in (1, 2, 4):
        _same_values(S.multigammaln(a + 2, d).numpy(), sp.multigammaln(a + 2, d), rtol=1e-12)
    y = np.array([0.0, 0.0, 2.0, np.nan, 0.5])
    w = np.array([0.0, 1.5, 0.0, 0.0, -1.0])
    with np.errstate(all="ignore"):
        _same_values(S.xlogy(w, y).numpy(), sp.xlogy(w, y))
        _same_values(S.xlog1py(w, y - 1).numpy(), sp.xlog1py(w, y - 1))


def test_float32_stays_float32_and_ints_compute_as_floats():
    x = tg.tensor(np.array([0.5, 2.0], dtype=np.float32), requires_grad=True)
    for f in (S.lgamma, S.digamma, S.erfc, S.i0, S.log_ndtr, lambda t: S.polygamma(2, t),
              lambda t: S.gammainc(2.0, t), lambda t: S.xlogy(t, t)):
        out = f(x)
        assert out.dtype == np.float32
        g, = tg.autograd.grad(out.sum(), x)
        assert g.dtype == np.float32
    np.testing.assert_allclose(S.lgamma(np.arange(1, 5)).numpy(), np.log([1, 1, 2, 6]),
                               atol=1e-6)


def _grad(f, x):
    t = tg.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    g, = tg.autograd.grad(f(t).sum(), t)
    return g.numpy()


def test_derivatives_are_the_textbook_ones():
    x = np.array([0.3, 1.7, 6.0])
    np.testing.assert_allclose(_grad(S.lgamma, x), sp.psi(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(S.digamma, x), sp.polygamma(1, x), rtol=1e-12)
    np.testing.assert_allclose(_grad(lambda t: S.polygamma(3, t), x), sp.polygamma(4, x),
                               rtol=1e-12)
    np.testing.assert_allclose(_grad(S.i0, x), sp.i1(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(S.j0, x), -sp.j1(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(S.y0, x), -sp.y1(x), rtol=1e-12)
    np.testing.assert_allclose(_grad(lambda t: S.ive(1.5, t), x),
                               sp.ivp(1.5, x) * np.exp(-x) - sp.ive(1.5, x), rtol=1e-11)
    np.testing.assert_allclose(_grad(lambda t: S.jv(2.5, t), x), sp.jvp(2.5, x), rtol=1e-11)
    np.testing.assert_allclose(_grad(lambda t: S.yv(0.5, t), x), sp.yvp(0.5, x), rtol=1e-11)


def test_i1_gradient_is_finite_at_zero():
    np.testing.assert_allclose(_grad(S.i1, [0.0]), [0.5])
    np.testing.assert_allclose(_grad(S.j1, [0.0]), [0.5])
    np.testing.assert_allclose(_grad(S.i1e, [0.0]), [0.5])


def test_log_ndtr_and_its_gradient_are_finite_far_in_the_tail():
    x = np.array([-40.0, -1e3, -1e5])
    out = S.log_ndtr(tg.tensor(x)).numpy()
    _same_values(out, sp.log_ndtr(x), rtol=1e-14)
    g = _grad(S.log_ndtr, x)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, -x * (1 + 1 / x ** 2), rtol=1e-5)   # phi / Phi ~ -x


def test_xlogy_is_zero_at_x_zero_with_pytorchs_gradients():
    torch = pytest.importorskip("torch")
    x = np.array([0.0, 0.0, 1.5, 2.0])
    y = np.array([0.0, 2.0, 0.5, 0.0])
    tx = tg.tensor(x, requires_grad=True)
    ty = tg.tensor(y, requires_grad=True)
    out = S.xlogy(tx, ty)
    gx, gy = tg.autograd.grad(out.sum(), (tx, ty))
    px = torch.tensor(x, requires_grad=True)
    py = torch.tensor(y, requires_grad=True)
    pout = torch.xlogy(px, py)
    pgx, pgy = torch.autograd.grad(pout.sum(), (px, py))
    np.testing.assert_array_equal(out.numpy(), pout.detach().numpy())
    np.testing.assert_array_equal(gx.numpy(), pgx.numpy())
    np.testing.assert_array_equal(gy.numpy(), pgy.numpy())     # NaN at (0, 0) in both
    # a zero cotangent stays zero where log y = -inf
    gx, = tg.autograd.grad(S.xlogy(tx, ty), tx, grad_outputs=tg.tensor(np.array([1.0, 1, 1, 0])))
    np.testing.assert_array_equal(gx.numpy(), [0.0, np.log(2.0), np.log(0.5), 0.0])


def test_gradients_in_parameters_raise_clearly():
    a = tg.tensor(np.array([1.5]), requires_grad=True)
    x = tg.tensor(np.array([0.5]), requires_grad=True)
    with pytest.raises(NotImplementedError, match="gammainc: .*with respect to a"):
        S.gammainc(a, x)
    with pytest.raises(NotImplementedError, match="betainc: .*with respect to b"):
        S.betainc(2.0, a, x)
    with pytest.raises(NotImplementedError, match="jv: .*with respect to v"):
        S.jv(a, x)
    # constants in any form are fine
    assert S.gammainc(a.detach(), x).requires_grad
    assert tg.gradcheck(lambda t: S.gammainc(np.array([0.5, 4.0]), t),
                        [tg.tensor(np.array([0.7, 3.0]), requires_grad=True)])


def test_bad_arguments_name_the_function():
    with pytest.raises(TypeError, match="polygamma: n must be an int"):
        S.polygamma(1.5, tg.tensor([1.0]))
    with pytest.raises(ValueError, match="polygamma: n must be >= 0"):
        S.polygamma(-1, tg.tensor([1.0]))
    with pytest.raises(ValueError, match="multigammaln: a must be greater than"):
        S.multigammaln(tg.tensor([0.4]), 3)
    with pytest.raises(TypeError, match="lgamma"):
        S.lgamma("x")


def test_logit_eps_clips_as_pytorch():
    torch = pytest.importorskip("torch")
    x = np.array([0.0, 0.3, 1.0])
    np.testing.assert_allclose(S.logit(tg.tensor(x), eps=1e-6).numpy(),
                               torch.logit(torch.tensor(x), eps=1e-6).numpy())


def test_edges_empty_and_zero_d():
    assert S.lgamma(tg.tensor(np.zeros((0, 3)))).shape == (0, 3)
    assert S.polygamma(1, tg.tensor(np.zeros(0))).shape == (0,)
    out = S.digamma(tg.tensor(np.float64(2.5)))
    assert out.shape == () and np.isclose(out.item(), sp.psi(2.5))


def test_tensor_methods_and_tg_special():
    x = tg.tensor(np.array([0.25, 0.75]))
    np.testing.assert_allclose(x.lgamma().numpy(), sp.gammaln(x.numpy()))
    np.testing.assert_allclose(x.polygamma(2).numpy(), sp.polygamma(2, x.numpy()))
    np.testing.assert_allclose(x.logit().numpy(), sp.logit(x.numpy()))
    np.testing.assert_allclose(x.xlogy(x).numpy(), sp.xlogy(x.numpy(), x.numpy()))
    np.testing.assert_allclose(tg.special.bessel_j0(x).numpy(), sp.j0(x.numpy()))
    np.testing.assert_allclose(tg.special.expit(x).numpy(), sp.expit(x.numpy()))
    np.testing.assert_allclose((x + 2).mvlgamma(3).numpy(), sp.multigammaln(x.numpy() + 2, 3))
    np.testing.assert_allclose(tg.mvlgamma(x + 2, 2).numpy(), sp.multigammaln(x.numpy() + 2, 2))


def test_docstring_examples_run():
    import tapegrad.special as tgs
    for mod in (S, tgs):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0


# ------------------------------------------------------------------ without SciPy

@pytest.fixture
def no_scipy(monkeypatch):
    """As if SciPy were not installed: its import fails and the cached module is gone."""
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    # the lookup lives in ops/_special_base.py, which special.py and special_bessel.py share
    monkeypatch.setattr(_special_base, "_scipy_special", None)


FALLBACKS = [(S.gammaln, sp.gammaln, WIDE), (S.gamma, sp.gamma, WIDE[np.abs(WIDE) < 150]),
             (S.digamma, sp.psi, WIDE), (S.erfc, sp.erfc, WIDE), (S.ndtr, sp.ndtr, WIDE),
             (S.rgamma, sp.rgamma, WIDE[np.abs(WIDE) < 150]), (S.gammasgn, sp.gammasgn, WIDE),
             (S.log_ndtr, sp.log_ndtr, np.concatenate([WIDE, -WIDE ** 2])),
             (S.erfinv, sp.erfinv, UNIT), (S.erfcinv, sp.erfcinv, 1 - UNIT),
             (S.ndtri, sp.ndtri, PROB), (S.logit, sp.logit, PROB), (S.entr, sp.entr, WIDE),
             (S.expit, sp.expit, WIDE)]


@pytest.mark.parametrize("ours, theirs, x", FALLBACKS, ids=lambda v: getattr(v, "__name__", ""))
def test_numpy_fallbacks_match_scipy(no_scipy, ours, theirs, x):
    with np.errstate(all="ignore"):
        got = ours(tg.tensor(x)).numpy()
    want = theirs(x)
    finite = np.isfinite(want) & (np.abs(want) > 1e-12)
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    # near a root (lgamma at 1 and 2) absolute error is what a sum of logs can keep
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-11, atol=1e-13)


def test_fallback_polygamma_and_betaln(no_scipy):
    x = rng.uniform(-4.5, 20, 200)
    for n in range(4):
        np.testing.assert_allclose(S.polygamma(n, x).numpy(), sp.polygamma(n, x), rtol=1e-11)
    a, b = rng.uniform(0.1, 20, (2, 50))
    np.testing.assert_allclose(S.betaln(a, b).numpy(), sp.betaln(a, b), rtol=1e-11, atol=1e-12)


def test_fallback_gradients_to_second_order(no_scipy):
    x = tg.tensor(np.array([0.4, 1.3, 3.5]), requires_grad=True)
    for f in (S.lgamma, S.digamma, S.erfc, S.ndtr, S.log_ndtr):
        assert tg.gradcheck(f, [x]) and tg.gradgradcheck(f, [x])
    p = tg.tensor(np.array([0.1, 0.45, 0.8]), requires_grad=True)
    for f in (S.erfinv, S.logit, S.ndtri):
        assert tg.gradcheck(f, [p]) and tg.gradgradcheck(f, [p])


def test_without_scipy_the_others_name_the_fix(no_scipy):
    for f in (S.i0, S.j1, S.erfcx, lambda t: S.gammainc(1.0, t), lambda t: S.jv(1.0, t)):
        with pytest.raises(ImportError, match=r"needs SciPy.*pip install scipy"):
            f(tg.tensor([0.5]))


def test_numpy_fallback_module_edges():
    with np.errstate(all="ignore"):
        assert special_numpy.digamma(np.array([0.0]))[0] == -np.inf
        assert np.isnan(special_numpy.digamma(np.array([-2.0]))[0])
        np.testing.assert_array_equal(special_numpy.erfinv(np.array([1.0, -1.0, 2.0])),
                                      [np.inf, -np.inf, np.nan])
        assert np.isnan(special_numpy.polygamma(np.array([1.5]), np.array([2.0]))[0])


def test_a_process_without_scipy_imports_and_runs_the_fallbacks():
    """SciPy blocked before tapegrad is imported: nothing imports it eagerly, the NumPy
    paths of special functions, stats, convolve and odeint run, the others say why not."""
    import subprocess
    code = """
import sys
sys.modules["scipy"] = None
import numpy as np
import tapegrad as tg
import tapegrad.scipy.stats.norm as norm
from tapegrad.scipy import integrate, signal, special
x = tg.tensor(np.array([0.5, 2.0]), requires_grad=True)
(special.gammaln(x) + norm.logcdf(x) + special.erfinv(x / 3)).sum().backward()
print(np.round(x.grad.numpy(), 6).tolist())
print(signal.convolve([1.0, 2.0], [1.0, 1.0]).numpy().tolist())
y = integrate.odeint(lambda y, t: -y, np.array([1.0]), np.array([0.0, 1.0]))
print(round(float(y.numpy()[-1, 0]), 6))
try:
    special.i0(x)
except ImportError as e:
    print("ImportError", "pip install scipy" in str(e))
print("scipy" in sys.modules and sys.modules["scipy"] is not None)
"""
    env_path = str(__import__("pathlib").Path(tg.__file__).parent.parent)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": env_path, "PATH": ""}, timeout=120)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    want = sp.psi([0.5, 2.0]) + np.exp(-0.5 * np.array([0.25, 4.0]) - sp.log_ndtr([0.5, 2.0])) \
        / np.sqrt(2 * np.pi) + np.sqrt(np.pi) / 2 * np.exp(sp.erfinv([0.5 / 3, 2.0 / 3]) ** 2) / 3
    np.testing.assert_allclose(eval(lines[0]), want, atol=2e-6)
    assert lines[1:] == ["[1.0, 3.0, 2.0]", str(round(float(np.exp(-1.0)), 6)),
                         "ImportError True", "False"]


def test_scipy_ufunc_table_names_scipys_ufuncs_and_matching_ops():
    x = np.array([0.3, 0.7])
    for name, fn in S.SCIPY_UFUNCS.items():
        uf = getattr(sp, name)
        assert isinstance(uf, np.ufunc), name
        with_order = name in ("iv", "ive", "jv", "jn", "yv", "yn", "gammainc", "gammaincc",
                              "betainc")
        args = [1.0] * (uf.nin - 1) + [x] if with_order else [x] * uf.nin
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(fn(*args).numpy(), uf(*args), rtol=1e-13, err_msg=name)
