"""Differentiate through a fixed-point iteration: Newton's square root.

A port of HIPS autograd's `examples/fixed_points.py`; only the imports differ from
its autograd version. The iteration x <- (x + a / x) / 2 converges to sqrt(a), and its
unrolled derivative converges to 1 / (2 sqrt(a)).
"""
from collections.abc import Callable
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad


def newton_sqrt_iter(a: Any) -> Callable[[Any], Any]:
    return lambda x: 0.5 * (x + a / x)


def fixed_point(f: Callable[[Any], Any], x0: Any, tol: float = 1e-12,
                max_iter: int = 100) -> Any:
    x, x_prev = f(x0), x0
    for _ in range(max_iter):
        if np.abs(x - x_prev) < tol:
            break
        x, x_prev = f(x), x
    return x


def sqrt(a: Any, guess: float = 10.0) -> Any:
    return fixed_point(newton_sqrt_iter(a), guess)


def main() -> dict[str, Any]:
    return {"sqrt2": sqrt(2.0), "d_sqrt2": grad(sqrt)(2.0),
            "exact": 0.5 / np.sqrt(2.0)}


if __name__ == "__main__":
    res = main()
    print("sqrt(2) =", float(res["sqrt2"]), " d/da =", float(res["d_sqrt2"]),
          " exact:", float(res["exact"]))
