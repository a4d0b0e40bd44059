"""A multilayer perceptron on scikit-learn's digits in the jax.numpy tutorial's style:
parameters as a list of (W, b) pairs, relu by np.maximum, labels compared with an
arange to make one-hot targets, the log-probability of each example's class taken with
np.take_along_axis, a clipped SGD update written over the pytree, and an accuracy from
argmax. Runs under autograd.numpy (and so here) with `import tapegrad.numpy as np` as
the only change.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import value_and_grad
from tapegrad.scipy.special import logsumexp


def random_layer_params(m: Any, n: Any, rs: Any, scale: Any = 1e-1) -> Any:
    return scale * rs.randn(n, m), scale * rs.randn(n)


def init_network_params(sizes: Any, rs: Any) -> Any:
    return [random_layer_params(m, n, rs) for m, n in zip(sizes[:-1], sizes[1:])]


def relu(x: Any) -> Any:
    return np.maximum(0, x)


def predict(params: Any, images: Any) -> Any:
    activations = images
    for w, b in params[:-1]:
        outputs = np.dot(activations, w.T) + b
        activations = relu(outputs)
    final_w, final_b = params[-1]
    logits = np.dot(activations, final_w.T) + final_b
    return logits - logsumexp(logits, axis=1, keepdims=True)


def one_hot(x: Any, k: Any, dtype: Any = np.float64) -> Any:
    return np.array(x[:, None] == np.arange(k), dtype)


def loss(params: Any, images: Any, labels: Any) -> Any:
    logp = predict(params, images)
    picked = logp[np.arange(labels.shape[0]), labels]
    return -np.mean(picked)


def accuracy(params: Any, images: Any, targets: Any) -> Any:
    target_class = np.argmax(targets, axis=1)
    predicted_class = np.argmax(predict(params, images), axis=1)
    return np.mean(predicted_class == target_class)


def update(params: Any, grads: Any, step_size: Any) -> Any:
    return [(w - step_size * np.clip(dw, -1.0, 1.0), b - step_size * np.clip(db, -1.0, 1.0))
            for (w, b), (dw, db) in zip(params, grads)]


def main(n: Any = 60, steps: Any = 5, step_size: Any = 0.5) -> Any:
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = digits.data[:n] / 16.0
    labels = digits.target[:n]
    targets = one_hot(labels, 10)
    params = init_network_params([64, 32, 10], npr.RandomState(0))
    history = []
    for _ in range(steps):
        value, grads = value_and_grad(loss)(params, images, labels)
        params = update(params, grads, step_size)
        history.append(value)
    return {"history": np.array(history), "dW0": grads[0][0], "db1": grads[1][1],
            "accuracy": accuracy(params, images, targets),
            "centered": (labels - np.mean(labels)) / np.std(labels)}


if __name__ == "__main__":
    out = main(n=1000, steps=100)
    print("loss:", out["history"][0], "->", out["history"][-1], "accuracy:", out["accuracy"])
