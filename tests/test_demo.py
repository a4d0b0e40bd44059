"""The demo (examples/tour.py, README's ./demo.sh) and its digits MLP."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

pytest.importorskip("sklearn")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))
import digits_mlp  # noqa: E402
import tour  # noqa: E402


@pytest.fixture(scope="module")
def digits_run():
    """The demo's digits training with its default settings, run once for this module."""
    return digits_mlp.train(progress=False)


def test_digits_mlp_reaches_95_percent_quickly(digits_run):
    assert digits_run.test_accuracy >= 0.95
    assert len(digits_run.history["loss"]) == 20
    assert digits_run.history["loss"][-1] < digits_run.history["loss"][0] / 10
    assert digits_run.seconds < 60


def test_digits_model_checkpoint_reloads_with_identical_predictions(digits_run, tmp_path):
    data = digits_mlp.load_digits()
    path = tmp_path / "digits.safetensors"
    tg.save({"model": digits_run.model.state_dict(),
             "optimizer": digits_run.optimizer.state_dict()}, path)
    fresh = digits_mlp.build_model()
    fresh.load_state_dict(tg.load(path)["model"])
    np.testing.assert_array_equal(digits_mlp.predict(fresh, data.x_test),
                                  digits_mlp.predict(digits_run.model, data.x_test))


def test_digits_training_is_reproducible():
    data = digits_mlp.load_digits()
    a = digits_mlp.train(data, epochs=1, progress=False)
    b = digits_mlp.train(data, epochs=1, progress=False)
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_quick_tour_runs_every_section_and_writes_its_files(tmp_path, capsys):
    assert tour.main(["--quick", "--no-progress", "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    for fn in tour.SECTIONS:
        assert fn.__doc__.split()[0] in text
    assert "epoch  100" in text and " w " in text and " b " in text
    png = tmp_path / "out" / "lr_curves.png"
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "plot skipped" in text
    else:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ckpt = tg.load(tmp_path / "out" / "digits_mlp.safetensors")
    assert set(ckpt) == {"model", "optimizer", "scheduler", "rng", "meta"}
    assert "identical predictions on 360 test images: True" in text


def test_tour_linear_regression_finds_w_2_and_b_1(capsys):
    t = tour.Tour(quick=False, progress=False)
    tour.linear_regression(t)
    w, b = t.results["linear"]
    assert w == pytest.approx(2.0, abs=0.05) and b == pytest.approx(1.0, abs=0.05)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("epoch")]
    assert len(lines) == 10                     # every 100 epochs out of 1000


def test_tour_script_lists_and_rejects_unknown_sections():
    script = str(EXAMPLES / "tour.py")
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent / "src"))
    out = subprocess.run([sys.executable, script, "--list"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0 and "digits" in out.stdout and "checkpoint" in out.stdout
    bad = subprocess.run([sys.executable, script, "--only", "nope"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "unknown section(s) nope" in bad.stderr


def test_tour_opens_with_both_api_styles_forward_mode_and_gradcheck(tmp_path, capsys):
    import tour
    t = tour.Tour(quick=True, out=tmp_path, progress=False)
    for section in (tour.derivatives, tour.forward_mode, tour.gradcheck):
        section(t)
    printed = capsys.readouterr().out
    assert "PyTorch style" in printed and "TF style" in printed
    assert t.results["derivatives"] == (6.0, 18.0)
    np.testing.assert_allclose(t.results["jacobian"].numpy(),
                               [[2.0, 1.0], [np.cos(1.0), 0.0], [0.0, 4.0]], rtol=1e-6)
    assert t.results["gradcheck"] is True
