"""A small multilayer perceptron trained with gradient descent on synthetic data.

A port of HIPS autograd's `examples/neural_net.py` (which trains on MNIST): the same
network (tanh hidden layers, log-softmax output, L2 prior) and the same parameter
layout, a list of (weights, biases) tuples that `grad` differentiates as a whole. Only
the imports differ from its autograd version.
"""
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad


def init_random_params(scale: float, layer_sizes: list[int], rs: Any) -> list[tuple[Any, Any]]:
    return [(scale * rs.randn(m, n), scale * rs.randn(n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]


def logsumexp(x: Any, axis: int) -> Any:
    m = np.max(x, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def neural_net_predict(params: list[tuple[Any, Any]], inputs: Any) -> Any:
    # log class probabilities for each row of inputs
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1)


def l2_norm(params: list[tuple[Any, Any]]) -> Any:
    return sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)


def log_posterior(params: list[tuple[Any, Any]], inputs: Any, targets: Any, l2_reg: float) -> Any:
    log_prior = -l2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik


def accuracy(params: list[tuple[Any, Any]], inputs: Any, targets: Any) -> Any:
    target_class = np.argmax(targets, axis=1)
    predicted_class = np.argmax(neural_net_predict(params, inputs), axis=1)
    return np.mean(predicted_class == target_class)


def synthetic_data(rs: Any, n: int = 200, dim: int = 10, classes: int = 3) -> tuple[Any, Any]:
    centers = 2.0 * rs.randn(classes, dim)
    labels = rs.randint(classes, size=n)
    inputs = centers[labels] + rs.randn(n, dim)
    return inputs, np.eye(classes)[labels]


def main(steps: int = 40, step_size: float = 0.002) -> dict[str, Any]:
    rs = np.random.RandomState(0)
    inputs, targets = synthetic_data(rs)
    params = init_random_params(0.1, [10, 16, 16, 3], rs)

    def objective(params: list[tuple[Any, Any]]) -> Any:
        return -log_posterior(params, inputs, targets, 1.0)

    objective_grad = grad(objective)
    start = objective(params)
    for _ in range(steps):
        g = objective_grad(params)
        params = [(W - step_size * dW, b - step_size * db)
                  for (W, b), (dW, db) in zip(params, g)]
    return {"start": start, "end": objective(params),
            "accuracy": accuracy(params, inputs, targets), "W0": params[0][0]}


if __name__ == "__main__":
    res = main()
    print(f"objective {float(res['start']):.3f} -> {float(res['end']):.3f}, "
          f"accuracy {float(res['accuracy']):.3f}")
