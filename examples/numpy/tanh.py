"""Derivatives of tanh to the fourth order, by differentiating the derivative.

A port of HIPS autograd's `examples/tanh.py`: the program is NumPy code, and
`import tapegrad.numpy as np` / `from tapegrad import grad` are the only lines that
differ from its autograd version.
"""
from collections.abc import Callable
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad


def tanh(x: Any) -> Any:
    # written with exp, so every order below is automatic differentiation, not a table
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


def elementwise_grad(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """d f / d x for each element of x, for f that acts elementwise."""
    return grad(lambda x: np.sum(f(x)))


def main() -> dict[str, Any]:
    x = np.linspace(-3.0, 3.0, 9)
    derivatives: list[Callable[[Any], Any]] = [tanh]
    for _ in range(4):
        derivatives.append(elementwise_grad(derivatives[-1]))
    return {f"d{k}": np.asarray(f(x)) for k, f in enumerate(derivatives)}


if __name__ == "__main__":
    for name, values in main().items():
        print(name, values)
