"""A small convolutional network on scikit-learn's 8x8 digits, fed by tg.utils.data.

    python examples/digits_cnn.py

Two 3x3 convolutions with max pooling, then dropout and two linear layers, trained with
Adam and a cosine learning-rate schedule on mini-batches from a shuffling DataLoader
(seeded, so runs repeat).
"""
import time

import numpy as np

import tapegrad as tg
from tapegrad import nn
from tapegrad.utils.data import DataLoader, TensorDataset

import digits_mlp


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),      # 32 x 4 x 4
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),     # 64 x 2 x 2
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 2 * 2, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )


def images(x: np.ndarray) -> np.ndarray:
    """Flat 64-pixel rows as (N, 1, 8, 8) images."""
    return x.reshape(-1, 1, 8, 8)


def train(data: digits_mlp.Digits | None = None, epochs: int = 30, batch_size: int = 64,
          lr: float = 3e-3, seed: int = 0) -> tuple[nn.Module, float, float]:
    """Train and return (model, test accuracy, seconds)."""
    data = data or digits_mlp.load_digits()
    tg.manual_seed(seed)
    model = build_model()
    opt = tg.optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(TensorDataset(tg.tensor(images(data.x_train)),
                                      tg.tensor(data.y_train)),
                        batch_size=batch_size, shuffle=True,
                        generator=tg.Generator().manual_seed(seed))
    sched = tg.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * len(loader))
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
            sched.step()
    seconds = time.perf_counter() - start
    model.eval()
    with tg.no_grad():
        pred: np.ndarray = model(tg.tensor(images(data.x_test))).numpy().argmax(1)
    return model, float((pred == data.y_test).mean()), seconds


if __name__ == "__main__":
    with digits_mlp.one_blas_thread():
        _, acc, secs = train()
    print(f"test accuracy {acc:.2%} after {secs:.1f} s of training")
