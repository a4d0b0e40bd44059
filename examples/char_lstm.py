"""A character-level LSTM that learns to write like a short text bundled with the repo.

    python examples/char_lstm.py             # about 10 s on one core
    python examples/char_lstm.py --quick     # a few seconds

Embedding -> nn.LSTM -> Linear, trained with Adam on random windows of
examples/data/tape_and_gradient.txt to predict each next character (cross-entropy, the
PyTorch way: `loss.backward()`, `clip_grad_norm_`, `opt.step()`). It prints samples as
it trains, so you can watch random letters turn into words, and saves the loss curve to
out/char_lstm_loss.png.
"""
import argparse
import os
import time
from collections.abc import Callable, Container
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import tapegrad as tg
from tapegrad import nn

TEXT = Path(__file__).resolve().parent / "data" / "tape_and_gradient.txt"


class CharLSTM(nn.Module):
    def __init__(self, vocab: int, embed: int = 32, hidden: int = 128):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx: tg.Tensor, state: Any = None) -> tuple[tg.Tensor, Any]:
        out, state = self.lstm(self.embed(idx), state)
        return self.head(out), state


def load_text(path: str | Path = TEXT) -> tuple[str, list[str], NDArray[np.int64]]:
    """The text, its characters in order, and the text as indices into them."""
    text = Path(path).read_text(encoding="utf-8")
    chars = sorted(set(text))
    lookup = {ch: i for i, ch in enumerate(chars)}
    return text, chars, np.array([lookup[ch] for ch in text], dtype=np.int64)


def sample(model: CharLSTM, chars: list[str], start: str, length: int = 160,
           temperature: float = 0.7, seed: int = 0) -> str:
    """Continue `start` one character at a time, carrying the LSTM's (h, c) along."""
    rng = np.random.default_rng(seed)
    lookup = {ch: i for i, ch in enumerate(chars)}
    model.eval()
    out = list(start)
    with tg.no_grad():
        logits, state = model(tg.tensor([[lookup[ch] for ch in start]]))
        for _ in range(length):
            z = logits.numpy()[0, -1].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            k = int(rng.choice(len(chars), p=p / p.sum()))
            out.append(chars[k])
            logits, state = model(tg.tensor([[k]]), state)
    model.train()
    return "".join(out)


def train(steps: int = 200, seq_len: int = 48, batch_size: int = 32, hidden: int = 128,
          lr: float = 1e-2, seed: int = 0, samples_at: Container[int] = (),
          log: Callable[[str], object] = print
          ) -> tuple[CharLSTM, list[str], list[float], dict[int, str], float]:
    """Train; returns (model, chars, per-step losses, {step: sample}, seconds)."""
    text, chars, data = load_text()
    tg.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = CharLSTM(len(chars), hidden=hidden)
    opt = tg.optim.Adam(model.parameters(), lr=lr)
    sched = tg.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    loss_fn = nn.CrossEntropyLoss()
    losses: list[float] = []
    samples: dict[int, str] = {}
    start = time.perf_counter()
    for step in range(steps + 1):
        if step in samples_at:
            samples[step] = sample(model, chars, "The ", seed=step)
            log(f"  step {step:4d}  loss {losses[-1] if losses else float('nan'):.3f}  "
                f"| {samples[step]!r}")
        if step == steps:
            break
        # random windows; the target is the window shifted by one character
        at = rng.integers(0, len(data) - seq_len - 1, batch_size)
        windows = data[at[:, None] + np.arange(seq_len + 1)]
        x, y = tg.tensor(windows[:, :-1]), tg.tensor(windows[:, 1:])
        logits, _ = model(x)
        loss = loss_fn(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
    return model, chars, losses, samples, time.perf_counter() - start


def plot(losses: list[float], path: str) -> None:
    """The loss curve (raw and a running mean) as a PNG; ImportError without matplotlib."""
    import matplotlib
    matplotlib.use("Agg")                   # files only, no window
    import matplotlib.pyplot as plt
    k = max(1, len(losses) // 30)
    smooth = np.convolve(losses, np.ones(k) / k, mode="valid")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(losses, color="0.75", lw=0.8, label="per step")
    ax.plot(np.arange(k - 1, len(losses)), smooth, lw=2, label=f"mean of {k} steps")
    ax.axhline(np.log(len(set(TEXT.read_text(encoding="utf-8")))), ls=":", color="k",
               label="uniform guess, ln(vocab)")
    ax.set_xlabel("training step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("character-level LSTM (tapegrad)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out", quick: bool = False,
         log: Callable[[str], object] = print) -> dict[str, Any]:
    steps = 60 if quick else 200
    marks = (0, steps // 2, steps)
    model, chars, losses, samples, seconds = train(steps=steps, samples_at=marks, log=log)
    first, last = np.mean(losses[:10]), np.mean(losses[-10:])
    log(f"  loss {first:.2f} -> {last:.2f} nats/char over {steps} steps ({seconds:.1f} s)")
    os.makedirs(out_dir, exist_ok=True)
    path: str | None = os.path.join(out_dir, "char_lstm_loss.png")
    try:
        plot(losses, os.path.join(out_dir, "char_lstm_loss.png"))
        log(f"  loss curve written to {path}")
    except ImportError:
        path = None
        log("  matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"losses": losses, "samples": samples, "seconds": seconds, "image": path,
            "vocab": len(chars), "model": model}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--out", default="out", help="folder for the loss curve")
    args = parser.parse_args()
    main(args.out, args.quick)
