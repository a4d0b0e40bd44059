"""examples/char_lstm.py: the character-level LSTM learns (its loss falls well below a
uniform guess) and writes its loss curve."""
import runpy
import sys
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))


def test_char_lstm_loss_falls_and_the_curve_is_saved(tmp_path):
    module = runpy.run_path(str(EXAMPLES / "char_lstm.py"))
    lines = []
    r = module["main"](out_dir=str(tmp_path / "out"), quick=True, log=lines.append)
    losses = np.array(r["losses"])
    uniform = np.log(r["vocab"])
    assert np.isfinite(losses).all()
    assert losses[:3].mean() > 0.9 * uniform           # starts near a uniform guess
    assert losses[-10:].mean() < 0.6 * uniform          # and learns the letters' statistics
    assert set(r["samples"]) == {0, len(losses) // 2, len(losses)}
    assert all(s.startswith("The ") and len(s) == 164 for s in r["samples"].values())
    # the last sample uses the text's most common word more often than the first
    first, last = r["samples"][0], r["samples"][len(losses)]
    assert last.count("the") > first.count("the")
    assert any("loss curve written" in ln or "matplotlib" in ln for ln in lines)
    if r["image"] is not None:
        assert Path(r["image"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
