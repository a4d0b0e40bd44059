"""Every function HIPS autograd differentiates (scripts/autograd_coverage.py lists them),
called on typical float64 arguments under autograd and under tapegrad: the same values
and the same gradient wherever autograd gives one. The few that differ on purpose are
in DIFFERENT with the reason (docs/numpy.md's "Coverage of HIPS autograd" lists them
too); calls autograd itself cannot differentiate (sort of a 2-D array, cumprod,
matrix_power, ...) only compare values."""
import importlib
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

ag = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")
pytest.importorskip("scipy")

import tapegrad as tg  # noqa: E402
import tapegrad.numpy as tnp  # noqa: E402
import tapegrad.scipy as tsp  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("autograd_coverage",
                                               ROOT / "scripts" / "autograd_coverage.py")
cov = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cov)

# name -> why tapegrad's gradient differs from autograd's
DIFFERENT = {
    "autograd.numpy.diag": "autograd's gradient of the diagonal of a non-square matrix has "
                           "a square shape; tapegrad's has the input's shape",
    "autograd.scipy.special.iv": "autograd gives a zero gradient in the order v; tapegrad "
                                 "raises NotImplementedError (that derivative is not zero)",
    "autograd.scipy.special.ive": "as iv",
    "autograd.scipy.special.jn": "as iv",
    "autograd.scipy.special.yn": "as iv",
    "autograd.scipy.stats.chi2.pdf": "autograd's gradient in x is zero for a non-integer "
                                     "df; tapegrad's is the derivative (central "
                                     "differences agree)",
    "autograd.scipy.stats.chi2.logpdf": "as chi2.pdf",
}

R = np.random.default_rng(0)
A = R.uniform(0.2, 0.9, (3, 4))
B = R.uniform(0.2, 0.9, (3, 4))
V = R.uniform(0.2, 0.9, 4)
W = R.uniform(0.2, 0.9, 4)
M = R.uniform(-1, 1, (3, 3))
SPD = M @ M.T + 3 * np.eye(3)
M2 = R.uniform(-1, 1, (3, 3))
U = np.triu(M) + 3 * np.eye(3)
H = R.uniform(1.2, 1.9, (3, 4))
I3 = np.array([2, 0, 1])
# argument lists tried in order for names without an explicit call below
CANDIDATES = [(A,), (V,), (A, B), (V, W), (SPD,), (M,), (M, M2), (SPD, M2), (H,), (A, 1),
              (A, 2.5), (V, 2), (A, (4, 3)), (A, 0), (3.0, A), (A, I3), (V, 1.5, 2.5),
              (V, W, V), (V, 2.0, 3.0)]
V3 = V[:3]
# name -> (f(np_module, scipy_module, x), x): calls the candidates do not reach
CALLS = {
    "numpy.iscomplexobj": (lambda n, s, x: x * (1.0 + n.iscomplexobj(x)), A),
    "numpy.ndim": (lambda n, s, x: x * n.ndim(x), A),
    "numpy.shape": (lambda n, s, x: x * n.shape(x)[0], A),
    "numpy.result_type": (lambda n, s, x: x * np.dtype(n.result_type(x, 1)).itemsize, A),
    "numpy.roll": (lambda n, s, x: n.roll(x, 2, axis=1) * n.arange(4.0), A),
    "scipy.linalg.solve_banded": (lambda n, s, x: s.linalg.solve_banded(
        (1, 1), x + np.array([[0.0], [3.0], [0.0]]), V), A),
    "numpy.astype": (lambda n, s, x: n.sum(x.astype(np.float64)), A),
    "numpy.broadcast_to": (lambda n, s, x: n.broadcast_to(x, (3, 4)) * 2, A),
    "numpy.cross": (lambda n, s, x: n.cross(x, x[::-1] ** 2), V3),
    "numpy.dsplit": (lambda n, s, x: n.dsplit(x.reshape(1, 3, 4), 2)[1], A),
    "numpy.full": (lambda n, s, x: n.full((2, 3), x[0, 0]), A),
    "numpy.matmul": (lambda n, s, x: n.matmul(x, x.T), A),
    "numpy.moveaxis": (lambda n, s, x: n.moveaxis(x, 0, 1) ** 2, A),
    "numpy.linalg.solve": (lambda n, s, x: n.linalg.solve(x, V3), SPD),
    "numpy.select": (lambda n, s, x: n.select([x > 0.5, x <= 0.5], [x ** 2, x * 3]), A),
    "numpy.swapaxes": (lambda n, s, x: n.swapaxes(x, 0, 1) ** 2, A),
    "numpy.tensordot": (lambda n, s, x: n.tensordot(x, x, axes=([1], [1])), A),
    "numpy.outer": (lambda n, s, x: n.outer(x, x ** 2), V),
    "numpy.pad": (lambda n, s, x: n.pad(x, ((1, 2), (0, 1)), mode="constant") ** 2, A),
    "numpy.sort": (lambda n, s, x: n.sort(x) * n.arange(4.0), V),
    "numpy.partition": (lambda n, s, x: n.partition(x, 2)[2:], V),
    "numpy.diagonal": (lambda n, s, x: n.diagonal(x) ** 2, A),
    "numpy.gradient": (lambda n, s, x: n.gradient(x ** 2), V),
    "numpy.linspace": (lambda n, s, x: n.linspace(x[0], x[1], 5), V),
    "numpy.linalg.eig": (lambda n, s, x: n.real(n.linalg.eig(x)[0]), SPD),
    "numpy.linalg.eigh": (lambda n, s, x: n.linalg.eigh(x)[0], SPD),
    "numpy.linalg.svd": (lambda n, s, x: n.linalg.svd(x, full_matrices=False)[1], A),
    "scipy.linalg.solve_triangular": (lambda n, s, x: s.linalg.solve_triangular(x, V3), U),
    "scipy.linalg.solve_sylvester": (lambda n, s, x: s.linalg.solve_sylvester(x, SPD, M), U),
    "scipy.signal.convolve": (lambda n, s, x: s.signal.convolve(x, x[:2, :2] ** 2), A),
    "scipy.special.betainc": (lambda n, s, x: s.special.betainc(2.0, 3.0, x), A),
    "scipy.special.gammainc": (lambda n, s, x: s.special.gammainc(2.0, x), A),
    "scipy.special.gammaincc": (lambda n, s, x: s.special.gammaincc(2.0, x), A),
    "scipy.stats.beta.cdf": (lambda n, s, x: s.stats.beta.cdf(x, 2.0, 3.0), A),
    "scipy.stats.beta.logpdf": (lambda n, s, x: s.stats.beta.logpdf(x, 2.0, 3.0), A),
    "scipy.stats.beta.pdf": (lambda n, s, x: s.stats.beta.pdf(0.3, x, 3.0), A),
    "scipy.stats.dirichlet.logpdf": (lambda n, s, x: s.stats.dirichlet.logpdf(
        V3 / np.sum(V3), x * 3), V3),
    "scipy.stats.dirichlet.pdf": (lambda n, s, x: s.stats.dirichlet.pdf(V3 / np.sum(V3), x * 3),
                                  V3),
    "scipy.stats.multivariate_normal.logpdf": (lambda n, s, x: s.stats.multivariate_normal
                                               .logpdf(x, V3, SPD), A[:, :3]),
    "scipy.stats.multivariate_normal.pdf": (lambda n, s, x: s.stats.multivariate_normal.pdf(
        V3 * 0, V3, x), SPD),
    "scipy.integrate.odeint": (lambda n, s, x: s.integrate.odeint(
        lambda y, t, a: -a * y, V3, np.array([0.0, 0.5]), (x,)), V3),
}
for _f in ("fft", "fft2", "fftn", "ifft", "ifft2", "ifftn", "rfft", "rfft2", "rfftn"):
    CALLS[f"numpy.fft.{_f}"] = ((lambda f: lambda n, s, x: n.abs(getattr(n.fft, f)(x)))(_f), A)


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [x for e in o for x in _flat(e)]
    return [] if o is None else [o]


def _arr(v):
    return np.asarray(v.numpy() if isinstance(v, tg.Tensor) else v)


def _autograd_obj(name):
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    return None


def _calls(name):
    """(autograd's f(x), tapegrad's f(x), x) pairs for `name`."""
    short = name.replace("autograd.", "")
    if short in CALLS:
        f, x = CALLS[short]
        return [(lambda z: f(anp, ag.scipy, z), lambda z: f(tnp, tsp, z), x)]
    fa, ft = _autograd_obj(name), cov.counterpart(name)
    out = []
    for args in CANDIDATES:
        k = next((i for i, a in enumerate(args) if isinstance(a, np.ndarray)
                  and a.dtype.kind == "f"), None)
        if k is None:
            continue

        def bind(f, args=args, k=k):
            return lambda z: f(*args[:k], z, *args[k + 1:])
        out.append((bind(fa), bind(ft), args[k]))
    return out


def _compare(name):
    for fa, ft, x in _calls(name):
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                va = [np.asarray(v) for v in _flat(fa(x))]
        except Exception:
            continue
        if not va or not all(v.dtype.kind == "f" and np.isfinite(v).all() for v in va):
            continue
        vt = [_arr(v) for v in _flat(ft(x))]
        assert len(vt) == len(va), f"{name}: {len(vt)} results, autograd {len(va)}"
        for a, t in zip(va, vt):
            np.testing.assert_allclose(t, a, rtol=1e-6, atol=1e-9, err_msg=name)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ga = ag.grad(lambda z: sum(anp.sum(v) for v in _flat(fa(z))))(x)
        except Exception:
            return "values"             # autograd has no gradient for this call
        try:
            gt = _arr(tg.grad(lambda z: sum(tnp.sum(v) for v in _flat(ft(z))))(tg.tensor(x)))
        except NotImplementedError:
            return "differs"
        if gt.shape != np.shape(ga) or not np.allclose(gt, ga, rtol=1e-5, atol=1e-8):
            return "differs"
        return "same"
    return "no call"


NAMES = cov.differentiated()


def test_every_name_is_called():
    assert len(NAMES) > 200
    assert all(cov.counterpart(n) is not None for n in NAMES)


@pytest.mark.parametrize("chunk", range(4))
def test_values_and_gradients_match_autograd(chunk):
    bad = {}
    for name in NAMES[chunk::4]:
        got = _compare(name)
        if got == "no call" or (got == "differs") != (name in DIFFERENT):
            bad[name] = got
    assert not bad, f"unexpected results (add a call, fix, or list in DIFFERENT): {bad}"


def test_differences_are_documented():
    doc = (ROOT / "docs" / "numpy.md").read_text()
    for name in DIFFERENT:
        assert f"`{name.replace('autograd.', '')}`" in doc, name
