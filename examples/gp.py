"""Gaussian-process regression: fit the kernel's hyperparameters by gradient ascent on
the log marginal likelihood, written with tg.linalg (cholesky, cholesky_solve,
solve_triangular).

    python examples/gp.py            # writes out/gp.png
    python examples/gp.py --quick    # fewer points and steps

The model: y = f(x) + noise, f ~ GP(0, k) with the RBF kernel
k(x, x') = s^2 exp(-(x - x')^2 / (2 l^2)) and noise variance sn^2. With K the kernel
matrix of the training inputs plus sn^2 I, the log marginal likelihood is

    log p(y | l, s, sn) = -y^T K^-1 y / 2 - log det K / 2 - n log(2 pi) / 2,

computed from the Cholesky factor K = L L^T (log det K = 2 sum log L_ii). Its gradient
with respect to theta = log(l, s^2, sn^2) is one `.backward()`; Adam climbs it. The
fitted GP then predicts on a grid: mean k_*^T K^-1 y, variance k_** - |L^-1 k_*|^2.
"""
import argparse
import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

import tapegrad as tg

Array = NDArray[np.float64]


def make_data(n: int, seed: int = 0) -> tuple[Array, Array]:
    """n noisy samples of sin(2x) + x/3 on [-3, 3] (noise sd 0.2)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    return x, np.sin(2.0 * x) + x / 3.0 + 0.2 * rng.standard_normal(n)


def kernel(theta: tg.Tensor, a: Array, b: Array) -> tg.Tensor:
    """RBF kernel matrix between the points a (n,) and b (m,); theta = log(l, s^2, sn^2)."""
    p = tg.exp(theta)
    d2 = tg.tensor((a[:, None] - b[None, :]) ** 2)
    return p[1] * tg.exp(d2 * (-0.5 / (p[0] * p[0])))


def log_marginal_likelihood(theta: tg.Tensor, x: Array, y: Array) -> tg.Tensor:
    n = len(x)
    K = kernel(theta, x, x) + tg.exp(theta[2]) * tg.eye(n, dtype=np.float64)
    L = tg.linalg.cholesky(K)
    yt = tg.tensor(y[:, None])
    alpha = tg.linalg.cholesky_solve(yt, L)                     # K^-1 y
    return (-0.5 * (yt * alpha).sum() - tg.log(tg.diagonal(L)).sum()
            - 0.5 * n * float(np.log(2.0 * np.pi)))


def fit(x: Array, y: Array, steps: int = 150,
        lr: float = 0.05) -> tuple[tg.Tensor, list[float]]:
    """Adam on -log p(y); returns theta and the log-likelihood at every step."""
    theta = tg.tensor(np.log([1.5, 0.5, 0.5]), requires_grad=True)   # a poor start
    opt = tg.optim.Adam([theta], lr=lr)
    history: list[float] = []
    for _ in range(steps):
        opt.zero_grad()
        lml = log_marginal_likelihood(theta, x, y)
        (-lml).backward()
        opt.step()
        history.append(lml.item())
    return theta.detach(), history


def predict(theta: tg.Tensor, x: Array, y: Array, grid: Array) -> tuple[Array, Array]:
    """Posterior mean and standard deviation of f on `grid`."""
    with tg.no_grad():
        K = kernel(theta, x, x) + tg.exp(theta[2]) * tg.eye(len(x), dtype=np.float64)
        L = tg.linalg.cholesky(K)
        Ks = kernel(theta, x, grid)                             # (n, m)
        alpha = tg.linalg.cholesky_solve(tg.tensor(y[:, None]), L)
        mean = (Ks * alpha).sum(0)
        v = tg.linalg.solve_triangular(L, Ks, upper=False)      # L^-1 k_*
        var = tg.exp(theta[1]) - (v * v).sum(0)
    return mean.numpy(), np.sqrt(np.maximum(var.numpy(), 0.0))


def plot(x: Array, y: Array, grid: Array, mean: Array, sd: Array, history: list[float],
         path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    a.fill_between(grid, mean - 2 * sd, mean + 2 * sd, color="C0", alpha=0.25,
                   label="mean +- 2 sd")
    a.plot(grid, mean, "C0", label="posterior mean")
    a.plot(grid, np.sin(2 * grid) + grid / 3, "k--", lw=1, label="true f")
    a.plot(x, y, "k.", ms=4, label="data")
    a.legend(fontsize=8)
    a.set_title("GP regression, hyperparameters fitted")
    b.plot(history)
    b.set_xlabel("Adam step")
    b.set_ylabel("log marginal likelihood")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out", quick: bool = False) -> dict[str, Any]:
    x, y = make_data(40 if quick else 120)
    theta, history = fit(x, y, steps=60 if quick else 150)
    ell, sf2, sn2 = np.exp(theta.numpy())
    print(f"log marginal likelihood {history[0]:.2f} -> {history[-1]:.2f}; lengthscale "
          f"{ell:.3f}, signal sd {np.sqrt(sf2):.3f}, noise sd {np.sqrt(sn2):.3f} (true 0.2)")
    grid = np.linspace(-3.5, 3.5, 200)
    mean, sd = predict(theta, x, y, grid)
    inside = np.abs(grid) <= 3
    rmse = float(np.sqrt(np.mean((mean - np.sin(2 * grid) - grid / 3)[inside] ** 2)))
    print(f"posterior mean vs the true f on [-3, 3]: rmse {rmse:.3f}")
    os.makedirs(out_dir, exist_ok=True)
    path: str | None = os.path.join(out_dir, "gp.png")
    try:
        plot(x, y, grid, mean, sd, history, os.path.join(out_dir, "gp.png"))
        print(f"plot written to {path}")
    except ImportError:
        path = None
        print("matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"history": history, "theta": theta.numpy(), "rmse": rmse, "mean": mean,
            "sd": sd, "grid": grid, "x": x, "y": y, "image": path}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default="out")
    args = p.parse_args()
    main(args.out, args.quick)
