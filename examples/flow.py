"""A small normalizing flow (RealNVP-style) on 2-D two-moons data, trained by maximum
likelihood with the change-of-variables formula.

    python examples/flow.py            # writes out/flow.png
    python examples/flow.py --quick    # fewer steps

The flow maps a data point x to z = f(x) through K layers, each an invertible 2 x 2
linear map W (its log |det W| from tg.linalg.slogdet) followed by an affine coupling:
one coordinate passes through and sets a scale and shift for the other,
y_b = x_b exp(s(x_a)) + t(x_a), log-det-Jacobian s(x_a). With z ~ N(0, I),

    log p(x) = log N(f(x); 0, I) + sum over layers of log |det J_layer|.

Adam minimizes the negative mean log-likelihood. Sampling runs the layers backwards
(tg.linalg.solve for W^-1). The data are made by hand (no scikit-learn needed): two
interleaved half circles with Gaussian noise, as sklearn.datasets.make_moons.
"""
import argparse
import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

import tapegrad as tg

HIDDEN = 32
Array = NDArray[np.float64]
Layer = dict[str, tg.Tensor]


def make_moons(n: int, noise: float = 0.08, seed: int = 0) -> Array:
    """Two interleaving half circles, standardized (as make_moons, then scaled)."""
    rng = np.random.default_rng(seed)
    k = n // 2
    t1, t2 = np.pi * rng.uniform(size=k), np.pi * rng.uniform(size=n - k)
    upper = np.stack([np.cos(t1), np.sin(t1)], 1)
    lower = np.stack([1.0 - np.cos(t2), 0.5 - np.sin(t2)], 1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    return np.asarray((x - np.array([0.5, 0.25])) / np.array([0.87, 0.5]), dtype=np.float64)


def init_flow(layers: int = 6, seed: int = 1) -> list[Layer]:
    """Per layer: W (2, 2) a random rotation, and the coupling MLP 1 -> HIDDEN -> 2."""
    rng = np.random.default_rng(seed)
    params: list[dict[str, Array]] = []
    for _ in range(layers):
        a = rng.uniform(0, 2 * np.pi)
        W = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        params.append({"W": W, "W1": rng.standard_normal((1, HIDDEN)),
                       "b1": np.zeros(HIDDEN),
                       "W2": 0.01 * rng.standard_normal((HIDDEN, 2)), "b2": np.zeros(2)})
    return [{k: tg.tensor(v, requires_grad=True) for k, v in p.items()} for p in params]


def coupling(p: Layer, xa: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
    """Scale s (bounded by tanh) and shift t of the second coordinate, from the first."""
    h = tg.tanh(xa @ p["W1"] + p["b1"])
    st = h @ p["W2"] + p["b2"]
    return tg.tanh(st[:, 0:1]), st[:, 1:2]


def forward(flow: list[Layer], x: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
    """z = f(x) and log |det df/dx| per point."""
    logdet = tg.zeros(x.shape[0], dtype=np.float64)
    for p in flow:
        x = x @ p["W"].mT
        logdet = logdet + tg.linalg.slogdet(p["W"]).logabsdet
        xa, xb = x[:, 0:1], x[:, 1:2]
        s, t = coupling(p, xa)
        x = tg.concatenate([xa, xb * tg.exp(s) + t], axis=1)
        logdet = logdet + s[:, 0]
    return x, logdet


def log_prob(flow: list[Layer], x: tg.Tensor) -> tg.Tensor:
    z, logdet = forward(flow, x)
    return -0.5 * (z * z).sum(1) - float(np.log(2 * np.pi)) + logdet


def sample(flow: list[Layer], n: int, seed: int = 2) -> Array:
    """x = f^-1(z) for z ~ N(0, I), layer by layer backwards."""
    z = tg.tensor(np.random.default_rng(seed).standard_normal((n, 2)))
    with tg.no_grad():
        for p in reversed(flow):
            za, zb = z[:, 0:1], z[:, 1:2]
            s, t = coupling(p, za)
            z = tg.concatenate([za, (zb - t) * tg.exp(-s)], axis=1)
            z = tg.linalg.solve(p["W"], z.mT).mT                 # W^-1 z per point
    return z.numpy()


def train(x: Array, steps: int = 400, lr: float = 0.01, batch: int = 256,
          seed: int = 3) -> tuple[list[Layer], list[float]]:
    flow = init_flow()
    opt = tg.optim.Adam([v for p in flow for v in p.values()], lr=lr)
    rng = np.random.default_rng(seed)
    history: list[float] = []
    for _ in range(steps):
        xb = tg.tensor(x[rng.integers(0, len(x), batch)])
        opt.zero_grad()
        nll = -log_prob(flow, xb).mean()
        nll.backward()
        opt.step()
        history.append(nll.item())
    return flow, history


def density_grid(flow: list[Layer], lim: float = 3.0, k: int = 120) -> tuple[Array, Array]:
    g = np.linspace(-lim, lim, k)
    xx, yy = np.meshgrid(g, g)
    pts = np.stack([xx.ravel(), yy.ravel()], 1)
    with tg.no_grad():
        p = np.exp(log_prob(flow, tg.tensor(pts)).numpy()).reshape(k, k)
    return g, p


def plot(x: Array, g: Array, dens: Array, samples: Array, history: list[float],
         path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 4, figsize=(15, 3.8))
    ax[0].plot(x[:, 0], x[:, 1], "k.", ms=1.5)
    ax[0].set_title("data (two moons)")
    ax[1].imshow(dens, origin="lower", extent=[g[0], g[-1], g[0], g[-1]], cmap="viridis")
    ax[1].set_title("flow density p(x)")
    ax[2].plot(samples[:, 0], samples[:, 1], "C1.", ms=1.5)
    ax[2].set_title("samples f^-1(z)")
    for a in ax[:3]:
        a.set_xlim(g[0], g[-1])
        a.set_ylim(g[0], g[-1])
        a.set_aspect("equal")
    ax[3].plot(history, lw=0.8)
    ax[3].set_xlabel("Adam step")
    ax[3].set_title("negative log-likelihood")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out", quick: bool = False) -> dict[str, Any]:
    x = make_moons(2000)
    flow, history = train(x, steps=150 if quick else 600)
    k = len(history) // 10
    print(f"negative log-likelihood per point: {np.mean(history[:k]):.3f} (first steps) -> "
          f"{np.mean(history[-k:]):.3f} (last steps)")
    g, dens = density_grid(flow)
    mass = float(dens.sum() * (g[1] - g[0]) ** 2)
    print(f"the density integrates to {mass:.3f} over [-3, 3]^2")
    samples = sample(flow, 2000)
    os.makedirs(out_dir, exist_ok=True)
    path: str | None = os.path.join(out_dir, "flow.png")
    try:
        plot(x, g, dens, samples, history, os.path.join(out_dir, "flow.png"))
        print(f"plot written to {path}")
    except ImportError:
        path = None
        print("matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"history": history, "flow": flow, "mass": mass, "samples": samples, "x": x,
            "image": path}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default="out")
    args = p.parse_args()
    main(args.out, args.quick)
