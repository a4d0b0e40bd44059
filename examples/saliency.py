"""Input saliency: which pixels does a digits classifier's decision depend on?

    python examples/saliency.py              # writes out/saliency.png

A small MLP learns scikit-learn's bundled 8x8 handwritten digits. For test images, the
gradient of the predicted class score with respect to the input pixels is the saliency
map (Simonyan et al., 2014): pixels where a small change moves the score most. One
backward pass gives the maps of a whole batch at once, because each image's score
depends on that image only. As a check, removing the pixels that gradient x input
ranks highest lowers the class score much more than removing as many random ink pixels.
"""
import contextlib
import os
from typing import Any

import numpy as np

import tapegrad as tg
from tapegrad import nn


def load_digits(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train/test split of the digits, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits as sk_digits
    x, y = sk_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    idx = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    tr, te = idx[:cut], idx[cut:]
    return x[tr], y[tr].astype(np.int64), x[te], y[te].astype(np.int64)


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Run small matmuls on one BLAS thread: on a busy machine a BLAS thread pool makes
    64-wide matmuls orders of magnitude slower. (threadpoolctl comes with scikit-learn.)"""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return limits


def train_classifier(x: np.ndarray, y: np.ndarray, steps: int = 150,
                     seed: int = 0) -> nn.Module:
    """A 64-64-10 MLP trained full-batch with Adam."""
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = tg.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = tg.tensor(x), tg.tensor(y)
    with one_blas_thread():
        for _ in range(steps):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            opt.step()
    model.eval()
    return model


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    with tg.no_grad():
        return float((model(tg.tensor(x)).numpy().argmax(1) == y).mean())


def saliency(model: nn.Module, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d(score of the predicted class)/d(pixels) for every image, in one backward."""
    x = tg.tensor(images, requires_grad=True)
    scores = model(x)
    pred: np.ndarray = scores.numpy().argmax(1)
    # the sum couples nothing: image i's score depends on image i's pixels only
    scores[np.arange(len(pred)), pred].sum().backward()
    assert x.grad is not None
    return x.grad.numpy(), pred


def class_score(model: nn.Module, images: np.ndarray, classes: np.ndarray) -> np.ndarray:
    with tg.no_grad():
        scores: np.ndarray = model(tg.tensor(images)).numpy()
        picked: np.ndarray = scores[np.arange(len(classes)), classes]
        return picked


def deletion_check(model: nn.Module, images: np.ndarray, grads: np.ndarray, pred: np.ndarray,
                   k: int = 8, seed: int = 0) -> tuple[float, float]:
    """Mean drop of the class score when the top-k pixels (by gradient x input) are set
    to 0, and when k random ink pixels are."""
    rng = np.random.default_rng(seed)
    base = class_score(model, images, pred)
    top = np.argsort(-(grads * images), axis=1)[:, :k]
    salient = images.copy()
    np.put_along_axis(salient, top, 0.0, axis=1)
    rand = images.copy()
    for i in range(len(images)):
        ink = np.flatnonzero(images[i] > 0)
        rand[i, rng.choice(ink, size=min(k, len(ink)), replace=False)] = 0.0
    return (float(np.mean(base - class_score(model, salient, pred))),
            float(np.mean(base - class_score(model, rand, pred))))


def plot(images: np.ndarray, maps: np.ndarray, pred: np.ndarray, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(images)
    fig, axes = plt.subplots(3, n, figsize=(1.3 * n, 4.3))
    for i in range(n):
        axes[0, i].imshow(images[i].reshape(8, 8), cmap="gray_r")
        axes[0, i].set_title(f"pred {pred[i]}", fontsize=9)
        axes[1, i].imshow(np.abs(maps[i]).reshape(8, 8), cmap="hot")
        gx = (maps[i] * images[i]).reshape(8, 8)
        lim = np.abs(gx).max() or 1.0
        axes[2, i].imshow(gx, cmap="bwr", vmin=-lim, vmax=lim)
        for ax in axes[:, i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("input", fontsize=9)
    axes[1, 0].set_ylabel("|d score / d x|", fontsize=9)
    axes[2, 0].set_ylabel("grad x input", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(out_dir: str = "out", n_show: int = 8) -> dict[str, Any]:
    x_tr, y_tr, x_te, y_te = load_digits()
    model = train_classifier(x_tr, y_tr)
    with one_blas_thread():
        acc = accuracy(model, x_te, y_te)
        grads, pred = saliency(model, x_te)
        # the batched maps equal image-by-image ones
        one, _ = saliency(model, x_te[:1])
        assert np.allclose(one[0], grads[0], atol=1e-6)
        drop_salient, drop_random = deletion_check(model, x_te, grads, pred)
    print(f"test accuracy {acc:.3f}")
    print(f"class score drop, 8 most salient pixels removed: {drop_salient:.2f}; "
          f"8 random ink pixels removed: {drop_random:.2f}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "saliency.png")
    image: str | None = path
    try:
        plot(x_te[:n_show], grads[:n_show], pred[:n_show], path)
        print(f"saliency maps written to {path}")
    except ImportError:
        image = None
        print("matplotlib is not installed: no picture (pip install 'tapegrad[plot]')")
    return {"accuracy": acc, "saliency": grads, "pred": pred, "drop_salient": drop_salient,
            "drop_random": drop_random, "image": image, "model": model, "x_test": x_te}


if __name__ == "__main__":
    main()
