"""Minimise the Rosenbrock function with SciPy's BFGS, given its exact gradient.

A port of HIPS autograd's `examples/rosenbrock.py`; only the imports differ from its
autograd version. SciPy computes with the gradient tensor as with an array.
"""
from typing import Any

from scipy.optimize import minimize

import tapegrad.numpy as np
from tapegrad import grad


def rosenbrock(x: Any) -> Any:
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2


def main() -> dict[str, Any]:
    start = np.array([-2.0, 1.0])
    result = minimize(rosenbrock, start, jac=grad(rosenbrock), method="BFGS")
    return {"x": result.x, "fun": result.fun, "nit": result.nit,
            "grad_at_start": grad(rosenbrock)(start)}


if __name__ == "__main__":
    res = main()
    print("minimum at", res["x"], "after", res["nit"], "iterations")
