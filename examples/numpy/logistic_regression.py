"""Logistic regression trained by gradient descent on a tiny data set.

A port of HIPS autograd's `examples/logistic_regression.py`; only the imports differ
from its autograd version.
"""
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad


def sigmoid(x: Any) -> Any:
    return 0.5 * (np.tanh(x / 2.0) + 1.0)


def logistic_predictions(weights: Any, inputs: Any) -> Any:
    # probability of label True for each row of inputs
    return sigmoid(np.dot(inputs, weights))


def training_loss(weights: Any, inputs: Any, targets: Any) -> Any:
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


def main(steps: int = 100, learning_rate: float = 0.01) -> dict[str, Any]:
    inputs = np.array([[0.52, 1.12, 0.77],
                       [0.88, -1.08, 0.15],
                       [0.52, 0.06, -1.30],
                       [0.74, -2.49, 1.39]])
    targets = np.array([True, True, False, True])
    weights = np.array([0.0, 0.0, 0.0])
    training_gradient = grad(training_loss)
    initial = training_loss(weights, inputs, targets)
    for _ in range(steps):
        weights = weights - training_gradient(weights, inputs, targets) * learning_rate
    return {"initial_loss": initial, "final_loss": training_loss(weights, inputs, targets),
            "weights": weights}


if __name__ == "__main__":
    res = main()
    print("initial loss:", float(res["initial_loss"]))
    print("trained loss:", float(res["final_loss"]))
