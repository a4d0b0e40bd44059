"""Gradient ascent: climb an objective instead of descending a loss.

    python examples/gradient_ascent.py       # writes out/gradient_ascent.png

1. Maximum likelihood: the mean and log standard deviation of a normal distribution,
   found by ascending the log-likelihood (JAX style, `tg.value_and_grad`), agree with
   the closed-form estimates.
2. Class visualization: starting from blank images, ascend the score of each digit
   class of a trained classifier with respect to the pixels (TF style, a GradientTape
   and a Variable), with L2 and smoothness penalties and pixels kept in [0, 1]. The
   results show what the model "looks for"; each is classified as its class with high
   confidence.
"""
import os
import sys
from typing import Any

import numpy as np

import tapegrad as tg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from saliency import load_digits, one_blas_thread, train_classifier  # noqa: E402


def fit_normal(data: np.ndarray, steps: int = 200,
               lr: float = 0.5) -> tuple[float, float, list[float]]:
    """(mu, sigma) maximizing the mean log-likelihood of `data`, by gradient ascent."""
    x = tg.tensor(data)

    def log_likelihood(mu: tg.Tensor, log_sigma: tg.Tensor) -> tg.Tensor:
        z = (x - mu) / tg.exp(log_sigma)
        ll: tg.Tensor = (-0.5 * z * z - log_sigma - 0.5 * np.log(2 * np.pi)).mean()
        return ll

    mu, log_sigma = tg.tensor(0.0, dtype="float64"), tg.tensor(0.0, dtype="float64")
    step = tg.value_and_grad(log_likelihood, argnums=(0, 1))
    history: list[float] = []
    for _ in range(steps):
        ll, (g_mu, g_ls) = step(mu, log_sigma)
        history.append(ll.item())
        mu = mu + lr * g_mu                     # ascent: follow the gradient uphill
        log_sigma = log_sigma + lr * g_ls
    return mu.item(), float(np.exp(log_sigma.item())), history


def smoothness(images: tg.Tensor) -> tg.Tensor:
    """Total variation of 8x8 images: sum of squared differences of neighbouring pixels."""
    img = images.reshape(-1, 8, 8)
    down = img[:, 1:, :] - img[:, :-1, :]
    right = img[:, :, 1:] - img[:, :, :-1]
    return (down * down).sum() + (right * right).sum()


def visualize_classes(model: tg.nn.Module, steps: int = 300, lr: float = 0.1, l2: float = 0.3,
                      tv: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """One image per class that (locally) maximizes
    score_c(x) - l2 * |x|^2 - tv * total_variation(x), pixels kept in [0, 1]."""
    x = tg.Variable(np.zeros((10, 64), dtype=np.float32), name="images")
    classes = np.arange(10)
    for _ in range(steps):
        with tg.GradientTape() as tape:
            scores = model(x)
            objective = (scores[classes, classes].sum() - l2 * (x * x).sum()
                         - tv * smoothness(x))
        g = tape.gradient(objective, x)
        x.assign(np.clip(x.numpy() + lr * g.numpy(), 0.0, 1.0))   # ascend, stay in range
    with tg.no_grad():
        probs: np.ndarray = tg.softmax(model(x), axis=-1).numpy()
    return x.numpy().copy(), probs[classes, classes]


def plot(images: np.ndarray, probs: np.ndarray, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 10, figsize=(12, 1.8))
    for c, ax in enumerate(axes):
        ax.imshow(images[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{c}: p={probs[c]:.2f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out") -> dict[str, Any]:
    rng = np.random.default_rng(0)
    data = rng.normal(3.0, 2.0, size=500)
    mu, sigma, history = fit_normal(data)
    print(f"MLE by gradient ascent: mu={mu:.4f}, sigma={sigma:.4f}  "
          f"(closed form: {data.mean():.4f}, {data.std():.4f})")
    x_tr, y_tr, _, _ = load_digits()
    model = train_classifier(x_tr, y_tr)
    with one_blas_thread():
        images, probs = visualize_classes(model)
    print("class visualization, p(class) of each ascended image:",
          " ".join(f"{p:.2f}" for p in probs))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "gradient_ascent.png")
    image: str | None = path
    try:
        plot(images, probs, path)
        print(f"images written to {path}")
    except ImportError:
        image = None
        print("matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"mu": mu, "sigma": sigma, "data_mean": float(data.mean()),
            "data_std": float(data.std()), "ll_history": history, "images": images,
            "probs": probs, "image": image}


if __name__ == "__main__":
    main()
