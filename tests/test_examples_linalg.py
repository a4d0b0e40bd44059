"""examples/gp.py and examples/flow.py (issue 16): quick runs, with their results checked
against what the maths says they must be."""
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))
PNG = b"\x89PNG\r\n\x1a\n"


def _module(name):
    return runpy.run_path(str(EXAMPLES / f"{name}.py"))


def _png_or_none(path):
    if path is None:
        pytest.importorskip("matplotlib", reason="no matplotlib: the example skips the plot")
        raise AssertionError("matplotlib is installed but no plot was written")
    with open(path, "rb") as f:
        assert f.read(8) == PNG


def test_gp_likelihood_rises_and_the_fit_recovers_the_noise(tmp_path):
    gp = _module("gp")
    r = gp["main"](out_dir=str(tmp_path / "out"), quick=True)
    h = np.array(r["history"])
    assert h[-1] > h[0] + 20                        # from a poor start
    assert np.all(np.diff(h[-20:]) > -1e-3)         # settled: no longer falling back
    noise_sd = np.sqrt(np.exp(r["theta"][2]))
    assert 0.1 < noise_sd < 0.35                    # true 0.2, from 40 points
    assert r["rmse"] < 0.25
    assert np.all(r["sd"] > 0)
    _png_or_none(r["image"])


def test_gp_likelihood_gradient_matches_the_closed_form():
    # d lml / d theta_k = tr((a a^T - K^-1) dK/d theta_k) / 2, a = K^-1 y
    gp = _module("gp")
    x, y = gp["make_data"](30)
    th = np.log([0.8, 1.1, 0.05])
    t = tg.tensor(th, requires_grad=True)
    gp["log_marginal_likelihood"](t, x, y).backward()
    ell, sf2, sn2 = np.exp(th)
    d2 = (x[:, None] - x[None, :]) ** 2
    kf = sf2 * np.exp(-0.5 * d2 / ell ** 2)
    K = kf + sn2 * np.eye(len(x))
    a = np.linalg.solve(K, y)
    W = np.outer(a, a) - np.linalg.inv(K)
    want = 0.5 * np.array([np.sum(W * kf * d2) / ell ** 2, np.sum(W * kf),
                           sn2 * np.trace(W)])
    np.testing.assert_allclose(t.grad.numpy(), want, rtol=1e-9)


def test_flow_nll_drops_and_the_density_is_normalized(tmp_path):
    fl = _module("flow")
    r = fl["main"](out_dir=str(tmp_path / "out"), quick=True)
    h = np.array(r["history"])
    k = len(h) // 10
    assert h[-k:].mean() < h[:k].mean() - 0.3
    assert 0.97 < r["mass"] < 1.01                  # a density: the flow is invertible
    assert np.all(np.isfinite(r["samples"]))
    _png_or_none(r["image"])


def test_flow_log_det_is_the_log_det_of_its_jacobian():
    fl = _module("flow")
    flow = fl["init_flow"](layers=3, seed=5)
    for p in flow:                                  # couplings that do something
        p["W2"] = tg.tensor(np.random.default_rng(6).standard_normal((fl["HIDDEN"], 2)))
    x0 = np.array([0.3, -0.7])
    _, logdet = fl["forward"](flow, tg.tensor(x0[None]))
    jac = tg.jacobian(lambda v: fl["forward"](flow, v[None])[0][0])(tg.tensor(x0)).numpy()
    np.testing.assert_allclose(logdet.numpy()[0], np.linalg.slogdet(jac)[1], rtol=1e-10)
    # and sampling inverts the forward map
    z = fl["forward"](flow, tg.tensor(fl["sample"](flow, 5)))[0].numpy()
    np.testing.assert_allclose(z, np.random.default_rng(2).standard_normal((5, 2)),
                               atol=1e-10)
