"""A 1-D heat equation stepped implicitly (backward Euler), each step a tridiagonal
solve with scipy.linalg.solve_banded, and the gradient of a measurement at the end with
respect to the initial temperature and the diffusivity: the jax.numpy-style "gradient
through a solver" program, written for autograd. `import tapegrad.numpy as np` (and
tapegrad's scipy) is its only change.
"""
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad
from tapegrad.scipy.linalg import solve_banded


def heat_matrix(kappa: Any, n: Any, dt: Any, dx: Any) -> Any:
    """(I - dt kappa Laplacian) in band storage, zero-flux ends."""
    r = kappa * dt / dx ** 2
    off = -r * np.ones(n)
    diag = 1 + 2 * r * np.ones(n)
    ends = np.zeros(n)
    ends = np.concatenate([np.array([1.0]), ends[1:-1], np.array([1.0])])
    return np.stack([off, diag - r * ends, off])


def run(u0: Any, kappa: Any, steps: Any, dt: Any = 0.01) -> Any:
    n = u0.shape[0]
    ab = heat_matrix(kappa, n, dt, 1.0 / n)
    u = u0
    for _ in range(steps):
        u = solve_banded((1, 1), ab, u)
    return u


def main(n: Any = 24, steps: Any = 12) -> Any:
    x = np.linspace(0, 1, n)
    u0 = np.exp(-60 * (x - 0.3) ** 2) + 0.5 * np.exp(-80 * (x - 0.7) ** 2)
    probe = np.exp(-40 * (x - 0.5) ** 2)

    def measurement(u0: Any, kappa: Any) -> Any:
        return np.dot(probe, run(u0, kappa, steps)) / n
    du0 = grad(measurement, 0)(u0, 0.02)
    dkappa = grad(measurement, 1)(u0, 0.02)
    return {"final": run(u0, 0.02, steps), "du0": du0, "dkappa": dkappa,
            "value": measurement(u0, 0.02)}


if __name__ == "__main__":
    out = main()
    print("measurement:", out["value"], "d/dkappa:", out["dkappa"])
