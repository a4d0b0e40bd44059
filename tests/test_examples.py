"""The runnable examples: each runs in a few seconds and its results are checked."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))       # the examples import digits_mlp beside them
PNG = b"\x89PNG\r\n\x1a\n"


def run_example(name, tmp_path, **kwargs):
    module = runpy.run_path(str(EXAMPLES / f"{name}.py"))
    return module["main"](out_dir=str(tmp_path / "out"), **kwargs)


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == PNG


def test_gradcheck_layer_passes_the_right_backward_and_catches_the_slip(tmp_path):
    r = run_example("gradcheck_layer", tmp_path)
    assert r["passed"] is True and r["second_order"] is True
    assert "gradient mismatch for input 0" in r["caught"] and "`x`" in r["caught"]
    assert "analytic" in r["caught"] and "numeric" in r["caught"]
    assert r["out_diff"] < 1e-12 and r["grad_diff"] < 1e-12
    assert "gradcheck of the buggy backward" in Path(r["report"]).read_text()


def test_gradcheck_layer_runs_as_a_script_and_writes_to_out(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / "gradcheck_layer.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "error"})
    assert proc.returncode == 0, proc.stderr
    assert "hand-written backward and jvp: True" in proc.stdout
    assert (tmp_path / "out" / "gradcheck_layer.txt").exists()


def test_saliency_maps_are_gradients_of_the_class_score(tmp_path):
    pytest.importorskip("sklearn")
    r = run_example("saliency", tmp_path)
    assert r["accuracy"] > 0.93
    sal, x_test = r["saliency"], r["x_test"]
    assert sal.shape == x_test.shape == (len(x_test), 64) and np.isfinite(sal).all()
    # removing the most salient pixels hurts the score much more than random ink pixels
    assert r["drop_salient"] > 2 * r["drop_random"] > 0
    # one map against central differences of the class score (the net is piecewise
    # linear, so a small step gives the slope)
    model, img, c = r["model"], x_test[3].astype(np.float64), r["pred"][3]

    def score(v):
        with tg.no_grad():
            return float(model(tg.tensor(v[None].astype(np.float32))).numpy()[0, c])

    eps = 1e-2
    numeric = np.array([(score(img + eps * e) - score(img - eps * e)) / (2 * eps)
                        for e in np.eye(64)])
    np.testing.assert_allclose(sal[3], numeric, atol=2e-2 * np.abs(numeric).max())
    if r["image"] is not None:
        assert is_png(r["image"])


def test_gradient_ascent_finds_the_mle_and_class_images(tmp_path):
    pytest.importorskip("sklearn")
    r = run_example("gradient_ascent", tmp_path)
    assert abs(r["mu"] - r["data_mean"]) < 1e-3
    assert abs(r["sigma"] - r["data_std"]) < 1e-3
    ll = np.array(r["ll_history"])
    assert ll[-1] > ll[0] and np.all(np.diff(ll) > -1e-9)      # ascent never goes down
    assert r["images"].shape == (10, 64)
    assert r["images"].min() >= 0 and r["images"].max() <= 1
    assert np.all(r["probs"] > 0.9)
    if r["image"] is not None:
        assert is_png(r["image"])


def test_hand_written_optimizer_matches_tg_optim(tmp_path):
    r = run_example("hand_optimizer", tmp_path)
    assert r["param_diff"] < 1e-10 and r["nesterov_diff"] < 1e-10
    np.testing.assert_allclose(r["hand"], r["lib"], rtol=1e-10)
    np.testing.assert_allclose(r["nesterov_hand"], r["nesterov_lib"], rtol=1e-10)
    assert r["lrs"][0] == pytest.approx(0.05 * 0.5 ** 3)
    assert r["lrs"][1] == pytest.approx(r["lrs"][0])
    # momentum gets far further than plain SGD in the same steps
    assert r["hand"][-1] < r["plain"][-1] / 5
    if r["image"] is not None:
        assert is_png(r["image"])


def test_digits_cnn_reaches_98_percent_in_under_30_seconds():
    pytest.importorskip("sklearn")
    import digits_cnn
    import digits_mlp
    with digits_mlp.one_blas_thread():
        _, acc, seconds = digits_cnn.train()
    assert acc >= 0.98
    assert seconds < 30
