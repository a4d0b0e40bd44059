"""A small convolutional network on scikit-learn's 8x8 digits, NumPy only (after HIPS
autograd's convnet.py): a 'valid' convolution layer written with
scipy.signal.convolve's axes/dot_axes form, 2x2 max pooling by reshape and max, a tanh
layer, log-softmax outputs, and SGD with momentum. `import tapegrad.numpy as np` (and
tapegrad's scipy) is the only change from the autograd program.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad
from tapegrad.scipy.signal import convolve
from tapegrad.scipy.special import logsumexp


def load_digits_subset(n: Any) -> Any:
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = digits.images[:n] / 16.0
    labels = digits.target[:n]
    one_hot = np.array(labels[:, None] == np.arange(10)[None, :], dtype=float)
    return images.reshape((n, 1, 8, 8)), one_hot


def conv_layer(inputs: Any, filters: Any, biases: Any) -> Any:
    """inputs (N, C, H, W), filters (C, K, h, w) -> (N, K, H-h+1, W-w+1)."""
    conv = convolve(inputs, filters, axes=([2, 3], [2, 3]), dot_axes=([1], [0]),
                    mode="valid")
    return np.tanh(conv + biases[None, :, None, None])


def max_pool(x: Any, pool: Any = 2) -> Any:
    n, k, h, w = x.shape
    x = x.reshape((n, k, h // pool, pool, w // pool, pool))
    return np.max(np.max(x, axis=3), axis=4)


def predict(params: Any, images: Any) -> Any:
    h = max_pool(conv_layer(images, params["filters"], params["conv_b"]))
    h = h.reshape((h.shape[0], -1))
    h = np.tanh(np.dot(h, params["W1"]) + params["b1"])
    logits = np.dot(h, params["W2"]) + params["b2"]
    return logits - logsumexp(logits, axis=1, keepdims=True)


def init_params(rs: Any, k: Any = 3, hidden: Any = 16) -> Any:
    return {"filters": 0.3 * rs.randn(1, k, 3, 3), "conv_b": np.zeros(k),
            "W1": 0.3 * rs.randn(k * 3 * 3, hidden), "b1": np.zeros(hidden),
            "W2": 0.3 * rs.randn(hidden, 10), "b2": np.zeros(10)}


def main(n: Any = 40, steps: Any = 4, step_size: Any = 0.2, mass: Any = 0.9) -> Any:
    images, targets = load_digits_subset(n)
    params = init_params(npr.RandomState(0))

    def loss(params: Any) -> Any:
        return -np.sum(predict(params, images) * targets) / images.shape[0]
    velocity = {k: np.zeros(np.shape(v)) for k, v in params.items()}
    history = []
    for _ in range(steps):
        g = grad(loss)(params)
        velocity = {k: mass * velocity[k] - (1.0 - mass) * g[k] for k in params}
        params = {k: params[k] + step_size * velocity[k] for k in params}
        history.append(loss(params))
    accuracy = np.mean(np.argmax(predict(params, images), axis=1) == np.argmax(targets, axis=1))
    return {"history": np.array(history), "g_filters": g["filters"], "g_W1": g["W1"],
            "g_conv_b": g["conv_b"], "accuracy": accuracy}


if __name__ == "__main__":
    out = main(n=300, steps=100)
    print("loss:", out["history"][0], "->", out["history"][-1], "accuracy:", out["accuracy"])
