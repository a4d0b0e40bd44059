"""Gaussian-process regression in jax.numpy: an RBF kernel, the log marginal
likelihood through a Cholesky factor and `jax.scipy.linalg.solve_triangular`, its
hyperparameters (log length scale, log amplitude, log noise) fitted with
`value_and_grad` and a hand-written Adam, and the posterior mean and variance.
Written for JAX; the import lines are its only changes.
"""
from typing import Any

import numpy as onp

import tapegrad.numpy as jnp
from tapegrad import jit, value_and_grad
from tapegrad.scipy.linalg import solve_triangular


def rbf(x1: Any, x2: Any, log_ell: Any, log_amp: Any) -> Any:
    d2 = (x1[:, None] - x2[None, :]) ** 2
    return jnp.exp(2.0 * log_amp) * jnp.exp(-0.5 * d2 / jnp.exp(2.0 * log_ell))


def neg_log_marginal(theta: Any, x: Any, y: Any) -> Any:
    log_ell, log_amp, log_noise = theta[0], theta[1], theta[2]
    n = x.shape[0]
    K = rbf(x, x, log_ell, log_amp) + (jnp.exp(2.0 * log_noise) + 1e-8) * jnp.eye(n)
    L = jnp.linalg.cholesky(K)
    alpha = solve_triangular(L, y, lower=True)
    return 0.5 * jnp.dot(alpha, alpha) + jnp.sum(jnp.log(jnp.diag(L))) \
        + 0.5 * n * jnp.log(2.0 * jnp.pi)


def posterior(theta: Any, x: Any, y: Any, xs: Any) -> Any:
    K = rbf(x, x, theta[0], theta[1]) + jnp.exp(2.0 * theta[2]) * jnp.eye(x.shape[0])
    L = jnp.linalg.cholesky(K)
    Ks = rbf(x, xs, theta[0], theta[1])
    alpha = solve_triangular(L.T, solve_triangular(L, y, lower=True), lower=False)
    v = solve_triangular(L, Ks, lower=True)
    mean = jnp.dot(Ks.T, alpha)
    var = jnp.exp(2.0 * theta[1]) - jnp.sum(v ** 2, axis=0)
    return mean, var


def main(steps: Any = 25, lr: Any = 0.05) -> Any:
    rng = onp.random.default_rng(2)
    x = onp.sort(rng.uniform(-3.0, 3.0, 20))
    y = onp.sin(2.0 * x) + 0.1 * rng.standard_normal(20)
    theta = jnp.array([0.0, 0.0, -1.0])
    m, v = jnp.zeros(3), jnp.zeros(3)
    step_fn = jit(value_and_grad(neg_log_marginal))
    values = []
    for t in range(1, steps + 1):
        value, g = step_fn(theta, x, y)
        values.append(value)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g ** 2
        theta = theta - lr * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    xs = jnp.linspace(-3.0, 3.0, 7)
    mean, var = posterior(theta, x, y, xs)
    return {"theta": theta, "nlml": jnp.stack(values), "mean": mean, "var": var}


if __name__ == "__main__":
    out = main()
    print("hyperparameters:", out["theta"], "posterior mean:", out["mean"])
