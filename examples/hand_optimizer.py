"""An optimizer written by hand (momentum, learning-rate decay), checked against tg.optim.

    python examples/hand_optimizer.py        # writes out/hand_optimizer.png

`MomentumSGD` below is the whole update rule in a dozen lines: a velocity per parameter
(v = momentum * v + grad, or Nesterov's look-ahead) and a learning rate that halves
every few epochs. Trained from the same start on the same minibatches, it follows
`tg.optim.SGD(momentum=...)` with `tg.optim.lr_scheduler.StepLR` step for step (float64,
agreement to rounding). Plain SGD with the same base learning rate is shown for
comparison: momentum gets much further in the same number of steps.
"""
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

import tapegrad as tg
from tapegrad import nn


class MomentumSGD:
    """SGD with heavy-ball (or Nesterov) momentum and step decay of the learning rate.

        v = momentum * v + grad                 (v = grad on the first step)
        p = p - lr * v                          (Nesterov: p - lr * (grad + momentum * v))
        lr = base_lr * gamma ** (epoch // step_size)
    """

    def __init__(self, params: Iterable[tg.Tensor], lr: float, momentum: float = 0.9,
                 nesterov: bool = False, step_size: int = 10, gamma: float = 0.5) -> None:
        self.params = list(params)
        self.base_lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.step_size = step_size
        self.gamma = gamma
        self.epoch = 0
        self.velocity: list[tg.Tensor | None] = [None] * len(self.params)

    @property
    def lr(self) -> float:
        return self.base_lr * self.gamma ** (self.epoch // self.step_size)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @tg.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            prev = self.velocity[i]
            v = g.clone() if prev is None else prev * self.momentum + g
            self.velocity[i] = v
            update = g + self.momentum * v if self.nesterov else v
            p.sub_(self.lr * update)

    def end_epoch(self) -> None:
        self.epoch += 1


def make_data(n: int = 256, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    y = np.sin(2 * x) + 0.05 * rng.normal(size=(n, 1))
    return x, y


def make_model(seed: int = 0) -> nn.Module:
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(1, 32, dtype="float64"), nn.Tanh(),
                         nn.Linear(32, 1, dtype="float64"))


def train(model: nn.Module, opt: Any, x: np.ndarray, y: np.ndarray, epochs: int, batch: int = 32,
          seed: int = 0, sched: tg.optim.lr_scheduler.LRScheduler | None = None) -> list[float]:
    """Minibatch training; returns the loss after every epoch (on all data)."""
    order = np.random.default_rng(seed)
    xt, yt = tg.tensor(x), tg.tensor(y)
    losses: list[float] = []
    for _ in range(epochs):
        perm = order.permutation(len(x))
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        if sched is not None:
            sched.step()
        else:
            opt.end_epoch()
        with tg.no_grad():
            losses.append(nn.functional.mse_loss(model(xt), yt).item())
    return losses


def compare(nesterov: bool = False, epochs: int = 30, lr: float = 0.05, momentum: float = 0.9,
            step_size: int = 10, gamma: float = 0.5
            ) -> tuple[list[float], list[float], float, tuple[float, float]]:
    """Hand-written vs library optimizer from the same start: losses and parameters."""
    x, y = make_data()
    ours, theirs = make_model(), make_model()
    theirs.load_state_dict(ours.state_dict())
    hand = MomentumSGD(ours.parameters(), lr, momentum, nesterov, step_size, gamma)
    lib = tg.optim.SGD(theirs.parameters(), lr=lr, momentum=momentum, nesterov=nesterov)
    sched = tg.optim.lr_scheduler.StepLR(lib, step_size=step_size, gamma=gamma)
    hand_losses = train(ours, hand, x, y, epochs)
    lib_losses = train(theirs, lib, x, y, epochs, sched=sched)
    diff = max(float(np.abs(a.numpy() - b.numpy()).max())
               for a, b in zip(ours.parameters(), theirs.parameters()))
    return hand_losses, lib_losses, diff, (hand.lr, sched.get_last_lr()[0])


def plot(curves: list[tuple[str, list[float], str]], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label, losses, style in curves:
        ax.plot(np.arange(1, len(losses) + 1), losses, style, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out", epochs: int = 30) -> dict[str, Any]:
    hand, lib, diff, lrs = compare(epochs=epochs)
    hand_n, lib_n, diff_n, _ = compare(nesterov=True, epochs=epochs)
    x, y = make_data()
    plain_model = make_model()
    plain = MomentumSGD(plain_model.parameters(), lr=0.05, momentum=0.0, step_size=10,
                        gamma=0.5)
    plain_losses = train(plain_model, plain, x, y, epochs)
    print(f"momentum 0.9:  hand {hand[-1]:.5f}  tg.optim {lib[-1]:.5f}  "
          f"max |param diff| {diff:.1e}  final lr {lrs[0]:.4g} / {lrs[1]:.4g}")
    print(f"nesterov:      hand {hand_n[-1]:.5f}  tg.optim {lib_n[-1]:.5f}  "
          f"max |param diff| {diff_n:.1e}")
    print(f"no momentum:   {plain_losses[-1]:.5f}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "hand_optimizer.png")
    image: str | None = path
    try:
        plot([("hand-written, momentum 0.9", hand, "-"),
              ("tg.optim.SGD + StepLR", lib, "--"),
              ("hand-written, Nesterov", hand_n, "-"),
              ("tg.optim.SGD(nesterov=True)", lib_n, "--"),
              ("no momentum", plain_losses, ":")], path)
        print(f"loss curves written to {path}")
    except ImportError:
        image = None
        print("matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"hand": hand, "lib": lib, "param_diff": diff, "lrs": lrs, "nesterov_hand": hand_n,
            "nesterov_lib": lib_n, "nesterov_diff": diff_n, "plain": plain_losses,
            "image": image}


if __name__ == "__main__":
    main()
