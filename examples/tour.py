"""A tour of tapegrad, from derivatives to training on real data (README's ./demo.sh).

It starts with the derivatives of the classic tutorials in PyTorch style and TensorFlow
style (one engine under both), forward mode and a Jacobian, and gradcheck; then trains.

    python examples/tour.py                 # everything (about half a minute)
    python examples/tour.py --quick         # a short version (used by the tests)
    python examples/tour.py --only digits   # some sections: see --list

Each section is one function below; main() runs them in order. Plots and checkpoints go
to --out (default ./out/, created if missing).
"""
import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import tapegrad as tg
from tapegrad import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import char_lstm  # noqa: E402
import digits_cnn  # noqa: E402
import digits_mlp  # noqa: E402
import flow as flow_example  # noqa: E402
import gp as gp_example  # noqa: E402


@dataclass
class Tour:
    """What every section gets: options and results shared between sections."""
    quick: bool = False
    out: Path = Path("out")
    progress: bool = True
    results: dict[str, Any] = field(default_factory=dict)

    def epochs(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def output(self, name: str) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        return self.out / name

    def digits(self) -> digits_mlp.Digits | None:
        """The digits data, loaded once (None when scikit-learn is missing)."""
        if "digits_data" not in self.results:
            try:
                self.results["digits_data"] = digits_mlp.load_digits()
            except ImportError:
                self.results["digits_data"] = None
        data: digits_mlp.Digits | None = self.results["digits_data"]
        return data


def _needs_sklearn() -> None:
    print("  skipped: this section needs scikit-learn (pip install scikit-learn)")


# ------------------------------------------------------------------ sections

def derivatives(tour: Tour) -> None:
    """The tutorial derivatives, in PyTorch style and TensorFlow style (one engine)."""
    # PyTorch: requires_grad, backward(), .grad
    x = tg.tensor(3.0, requires_grad=True)
    y = x ** 2
    y.backward()
    assert x.grad is not None
    print(f"  PyTorch style: y = x**2 at x = 3 -> dy/dx = {x.grad.item():g}")
    # TensorFlow: a tape records while open; watch makes a constant differentiable
    c = tg.constant(3.0)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(c)
        y = c * c
        z = y * y
    print(f"  TF style, persistent tape: dz/dx = {tape.gradient(z, c).item():g}, "
          f"dz/dy = {tape.gradient(z, y).item():g}, dy/dx = {tape.gradient(y, c).item():g}")
    # higher order: nested tapes, create_graph, and grad of grad all agree
    with tg.GradientTape() as outer:
        outer.watch(c)
        with tg.GradientTape() as inner:
            inner.watch(c)
            y = c ** 3
        dy = inner.gradient(y, c)
    d2y = outer.gradient(dy, c)
    (g1,) = tg.autograd.grad(x ** 3, x, create_graph=True)
    (g2,) = tg.autograd.grad(g1, x)
    g3 = tg.grad(tg.grad(lambda t: t ** 3))(3.0)
    print(f"  d2/dx2 x**3 at 3: nested tapes {d2y.item():g}, create_graph {g2.item():g}, "
          f"grad(grad) {g3.item():g}")
    # several variables at once, and Python control flow recorded as it ran
    w = tg.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
    b = tg.Variable([0.5, -0.5], name="b")
    inp = tg.constant([[1.0, -1.0]])
    with tg.GradientTape() as tape:
        out = inp @ w + b
        loss = tg.reduce_sum(out ** 2) if out.sum().item() < 10 else tg.reduce_sum(out)
    grads = tape.gradient(loss, {"w": w, "b": b})
    print(f"  several variables: dloss/db = {grads['b'].numpy().tolist()}")
    tour.results["derivatives"] = (x.grad.item(), d2y.item())


def forward_mode(tour: Tour) -> None:
    """Forward mode with dual numbers: jvp, a forward-mode Jacobian, and a Hessian."""
    f = lambda v: tg.stack([v[0] * v[1], tg.sin(v[0]), v[1] ** 2])      # noqa: E731
    x = tg.tensor([1.0, 2.0])
    out, tangent = tg.jvp(f, (x,), (tg.tensor([1.0, 0.0]),))
    print(f"  jvp along e0: f(x) = {np.round(out.numpy().astype(float), 4).tolist()}, "
          f"J e0 = {np.round(tangent.numpy().astype(float), 4).tolist()}")
    jac = tg.jacfwd(f)(x)                  # all basis vectors in one batched pass
    print("  jacfwd (forward mode), shape", jac.shape)
    print("   ", np.array2string(jac.numpy(), precision=4).replace("\n", "\n    "))
    same = np.allclose(jac.numpy(), tg.jacrev(f)(x).numpy())
    print(f"  jacrev (reverse mode) agrees: {same}")
    h = tg.hessian(lambda v: tg.sum(v ** 3) + v[0] * v[1])(x)
    print(f"  hessian of sum(x**3) + x0*x1 at (1, 2): {h.numpy().tolist()}")
    tour.results["jacobian"] = jac


def gradcheck(tour: Tour) -> None:
    """gradcheck: analytic derivatives against central finite differences (float64)."""
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    v = tg.tensor(rng.standard_normal(4), requires_grad=True)
    layer = lambda w, v: tg.sum(tg.softplus(w @ v) * tg.tanh(v[:3]))   # noqa: E731
    first = tg.gradcheck(layer, (w, v))
    second = tg.gradgradcheck(layer, (w, v))
    print(f"  first derivatives match: {first}; second derivatives match: {second}")
    tour.results["gradcheck"] = first and second


def linear_regression(tour: Tour) -> None:
    """Linear regression by gradient descent: learn y = 2x + 1 (PyTorch style)."""
    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 100, dtype=np.float32)[:, None]
    y = (2 * x + 1 + rng.normal(0, 0.1, x.shape)).astype(np.float32)
    xt, yt = tg.tensor(x), tg.tensor(y)
    tg.manual_seed(0)
    model = nn.Linear(1, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    epochs = tour.epochs(1000, 300)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        opt.step()
        if epoch % 100 == 0:
            print(f"  epoch {epoch:4d}  loss {loss.item():.5f}  "
                  f"w {model.weight.item():.4f}  b {model.bias.item():.4f}")
    print(f"  the data was made with w = 2, b = 1 plus noise; {epochs} steps in "
          f"{time.perf_counter() - start:.2f} s")
    tour.results["linear"] = (model.weight.item(), model.bias.item())


def logistic_regression(tour: Tour) -> None:
    """Logistic regression on the breast-cancer data (TF style: Variables, a tape and
    apply_gradients)."""
    try:
        from sklearn.datasets import load_breast_cancer
        from sklearn.model_selection import train_test_split
    except ImportError:
        return _needs_sklearn()
    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=0,
                                              stratify=y)
    mean, std = x_tr.mean(0), x_tr.std(0)
    x_tr, x_te = [tg.constant(((a - mean) / std).astype(np.float32)) for a in (x_tr, x_te)]
    y_tr = tg.constant(y_tr[:, None].astype(np.float32))
    w = tg.Variable(tg.zeros(x.shape[1], 1), name="w")
    b = tg.Variable(tg.zeros(1), name="b")
    opt = tg.optim.SGD(None, lr=0.5)            # TF style: variables arrive with the grads
    loss_fn = nn.BCEWithLogitsLoss()
    epochs = tour.epochs(300, 100)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        with tg.GradientTape() as tape:
            loss = loss_fn(x_tr @ w + b, y_tr)
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        if epoch % 50 == 0:
            print(f"  epoch {epoch:4d}  loss {loss.item():.4f}")
    with tg.no_grad():
        pred = ((x_te @ w + b).numpy()[:, 0] > 0).astype(int)
    acc = float((pred == y_te).mean())
    print(f"  test accuracy {acc:.1%} on {len(y_te)} held-out patients ({epochs} steps in "
          f"{time.perf_counter() - start:.2f} s)")
    tour.results["logistic_accuracy"] = acc


def digits(tour: Tour) -> None:
    """An MLP on handwritten digits (scikit-learn's bundled 8x8 images), with Adam, a
    cosine schedule, dropout and a progress bar."""
    data = tour.digits()
    if data is None:
        return _needs_sklearn()
    model = digits_mlp.build_model()
    print(f"  {len(data.y_train)} training / {len(data.y_test)} test images")
    print("  " + repr(model).replace("\n", "\n  "))
    result = digits_mlp.train(data, epochs=tour.epochs(20, 3), progress=tour.progress,
                              model=model)
    steps = len(result.history["loss"]) * -(-len(data.y_train) // 64)
    print(f"  test accuracy {result.test_accuracy:.2%}  ({steps} steps in "
          f"{result.seconds:.1f} s, {1e3 * result.seconds / steps:.1f} ms per step)")
    tour.results["digits"] = result


def digits_cnn_section(tour: Tour) -> None:
    """A convolutional network on the same digits as 1x8x8 images (Conv2d, MaxPool2d,
    a DataLoader, Adam with a cosine schedule)."""
    data = tour.digits()
    if data is None:
        return _needs_sklearn()
    model, acc, seconds = digits_cnn.train(data, epochs=tour.epochs(30, 2))
    print("  " + repr(model).replace("\n", "\n  "))
    print(f"  test accuracy {acc:.2%}  ({seconds:.1f} s of training)")
    tour.results["digits_cnn"] = acc


digits_cnn_section.__name__ = "digits_cnn"


def char_lstm_section(tour: Tour) -> None:
    """A character-level LSTM (Embedding, nn.LSTM, Linear) learns to write like a short
    text; samples as it trains, and the loss curve as a PNG."""
    r = char_lstm.main(str(tour.out), quick=tour.quick, log=print)
    tour.results["char_lstm"] = r["losses"][-1]


char_lstm_section.__name__ = "char_lstm"


def numpy_program(tour: Tour) -> None:
    """A NumPy program differentiated as it is: `import tapegrad.numpy as np` in place of
    NumPy, checked against finite differences."""
    import tapegrad.numpy as tnp

    def heat(np: Any, u: Any, steps: int = 50, alpha: float = 0.2) -> Any:
        # plain NumPy code: an explicit 2-D heat equation on a periodic grid
        for _ in range(steps):
            lap = (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0)
                   + np.roll(u, 1, axis=1) + np.roll(u, -1, axis=1) - 4.0 * u)
            u = u + alpha * lap
        return np.sum(u * u)

    u0 = np.random.default_rng(0).standard_normal((16, 16))
    g = tg.grad(lambda u: heat(tnp, u))(u0).numpy()
    e = np.zeros_like(u0)
    e[3, 5] = 1e-6
    fd = (heat(np, u0 + e) - heat(np, u0 - e)) / 2e-6
    print(f"  d energy / d u0[3, 5]: tapegrad.numpy {g[3, 5]:.8f}, finite differences "
          f"{fd:.8f}")
    print(f"  the same function on NumPy arrays gives {heat(np, u0):.6f}, on tapegrad.numpy "
          f"{float(heat(tnp, u0)):.6f}")
    tour.results["numpy_program"] = (float(g[3, 5]), float(fd))


def learning_rates(tour: Tour) -> None:
    """Loss curves of the digits MLP under plain SGD for learning rates 0.001, 0.01 and
    0.1, saved as a PNG."""
    data = tour.digits()
    if data is None:
        return _needs_sklearn()
    curves: dict[float, list[float]] = {}
    for lr in (0.001, 0.01, 0.1):
        result = digits_mlp.train(data, epochs=tour.epochs(10, 2), lr=lr, optimizer="sgd",
                                  schedule=False, progress=tour.progress,
                                  desc=f"sgd lr={lr}")
        curves[lr] = result.history["loss"]
        print(f"  lr={lr:<6} final loss {curves[lr][-1]:.4f}  "
              f"test accuracy {result.test_accuracy:.1%}")
    tour.results["lr_curves"] = curves
    try:
        import matplotlib
        matplotlib.use("Agg")               # files only, no window
        import matplotlib.pyplot as plt
    except ImportError:
        print("  plot skipped: needs matplotlib (pip install matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for lr, losses in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, marker="o", label=f"lr = {lr}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross entropy)")
    ax.set_title("Digits MLP, plain SGD: effect of the learning rate")
    ax.legend()
    fig.tight_layout()
    path = tour.output("lr_curves.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"  saved {path}")
    tour.results["lr_plot"] = path


def checkpoint(tour: Tour) -> None:
    """Save the trained digits model (with optimizer, schedule and random state) to one
    safetensors file, reload it into a fresh model and compare predictions."""
    data = tour.digits()
    if data is None:
        return _needs_sklearn()
    result = tour.results.get("digits")
    if result is None:
        result = digits_mlp.train(data, epochs=tour.epochs(5, 2), progress=tour.progress)
    path = tour.output("digits_mlp.safetensors")
    assert result.scheduler is not None
    tg.save({"model": result.model.state_dict(), "optimizer": result.optimizer.state_dict(),
             "scheduler": result.scheduler.state_dict(), "rng": tg.get_rng_state(),
             "meta": {"test_accuracy": result.test_accuracy,
                      "epochs": len(result.history["loss"])}}, path)
    print(f"  saved {path} ({path.stat().st_size / 1024:.0f} KiB; tensors + JSON metadata, "
          "no pickle)")
    ckpt = tg.load(path)
    fresh = digits_mlp.build_model()
    fresh.load_state_dict(ckpt["model"])
    before = digits_mlp.predict(result.model, data.x_test)
    after = digits_mlp.predict(fresh, data.x_test)
    same = bool(np.array_equal(before, after))
    print(f"  reloaded into a fresh model: identical predictions on {len(data.y_test)} test "
          f"images: {same}; accuracy {digits_mlp.accuracy(fresh, data.x_test, data.y_test):.2%}")
    if not same:
        raise RuntimeError("checkpoint: the reloaded model predicts differently")
    tour.results["checkpoint"] = path


# ------------------------------------------------------------------ linear algebra (issue 16)

def gp_regression(tour: Tour) -> None:
    """Gaussian-process regression: hyperparameters by ascent of the marginal likelihood."""
    r = gp_example.main(out_dir=str(tour.out), quick=tour.quick)
    tour.results["gp"] = r


def normalizing_flow(tour: Tour) -> None:
    """A normalizing flow on two moons, trained through slogdet and log-det-Jacobians."""
    r = flow_example.main(out_dir=str(tour.out), quick=tour.quick)
    tour.results["flow"] = r


SECTIONS = [derivatives, forward_mode, gradcheck, numpy_program, linear_regression,
            logistic_regression, digits, digits_cnn_section, char_lstm_section, learning_rates,
            checkpoint, gp_regression, normalizing_flow]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (for tests)")
    parser.add_argument("--out", default="out", help="folder for plots and checkpoints")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--only", default="", help="comma-separated section names")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    args = parser.parse_args(argv)
    if args.list:
        for fn in SECTIONS:
            print(f"{fn.__name__:22s} {(fn.__doc__ or '').split(chr(10))[0]}")
        return 0
    chosen = SECTIONS
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        known = {fn.__name__: fn for fn in SECTIONS}
        unknown = [n for n in names if n not in known]
        if unknown:
            parser.error(f"unknown section(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(known)}")
        chosen = [known[n] for n in names]
    tour = Tour(quick=args.quick, out=Path(args.out), progress=not args.no_progress)
    start = time.perf_counter()
    with digits_mlp.one_blas_thread():
        for i, section in enumerate(chosen, 1):
            title = " ".join((section.__doc__ or "").split())
            print(f"\n== {i}. {title}")
            t0 = time.perf_counter()
            section(tour)
            print(f"  [{time.perf_counter() - t0:.1f} s]")
    print(f"\nDone in {time.perf_counter() - start:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
