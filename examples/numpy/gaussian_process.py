"""Fit a Gaussian process's kernel by maximising the marginal likelihood.

A port of the idea of HIPS autograd's `examples/gaussian_process.py`; only the imports
differ from its autograd version. The log marginal likelihood of noisy samples of a
sine, under a squared-exponential kernel, is a multivariate normal log density; its
exact gradient in the four parameters (mean, log amplitude, log length scale, log
noise) drives SciPy's BFGS.
"""
from typing import Any

from scipy.optimize import minimize

import numpy as onp
import tapegrad.numpy as np
from tapegrad import value_and_grad
import tapegrad.scipy.stats.multivariate_normal as mvn


def kernel(params: Any, x: Any, xp: Any) -> Any:
    amplitude, length = np.exp(params[1]), np.exp(params[2])
    diffs = (x[:, None] - xp[None, :]) / length
    return amplitude * np.exp(-0.5 * diffs ** 2)


def log_marginal_likelihood(params: Any, x: Any, y: Any) -> Any:
    noise = np.exp(params[3]) + 1e-6
    cov = kernel(params, x, x) + noise * np.eye(len(x))
    prior_mean = params[0] * np.ones(len(x))
    return mvn.logpdf(y, prior_mean, cov)


def predict(params: Any, x: Any, y: Any, xstar: Any) -> tuple[Any, Any]:
    """The posterior mean and variance at xstar."""
    noise = np.exp(params[3]) + 1e-6
    k_ff = kernel(params, x, x) + noise * np.eye(len(x))
    k_sf = kernel(params, xstar, x)
    solved = np.linalg.solve(k_ff, np.transpose(k_sf))
    mean = params[0] + np.dot(k_sf, np.linalg.solve(k_ff, y - params[0]))
    var = np.diag(kernel(params, xstar, xstar)) - np.sum(k_sf * np.transpose(solved), axis=1)
    return mean, var


def main() -> dict[str, Any]:
    rng = onp.random.default_rng(0)
    x = onp.sort(rng.uniform(-3.0, 3.0, size=20))
    y = onp.sin(x) + 0.1 * rng.standard_normal(20)

    def objective(params: Any) -> Any:
        return -log_marginal_likelihood(params, x, y)

    start = onp.array([0.0, 0.0, 0.0, -2.0])
    f0, g0 = value_and_grad(objective)(start)

    def fun(params: Any) -> tuple[float, Any]:
        value, grad = value_and_grad(objective)(params)
        return float(value), onp.asarray(grad, dtype=float)

    result = minimize(fun, start, jac=True, method="BFGS", options={"maxiter": 15})
    mean, var = predict(result.x, x, y, onp.linspace(-3.0, 3.0, 7))
    return {"nll_start": f0, "grad_start": g0, "nll": result.fun, "params": result.x,
            "mean": mean, "var": var}


if __name__ == "__main__":
    res = main()
    print("negative log marginal likelihood:", float(res["nll_start"]), "->",
          float(res["nll"]))
    print("posterior mean on a grid:", onp.round(onp.asarray(res["mean"], dtype=float), 3))
