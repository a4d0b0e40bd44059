"""Black-box stochastic variational inference (after HIPS autograd's black_box_svi.py).

A diagonal Gaussian q(z) = N(mean, exp(log_std)^2) is fitted to an unnormalised 2-D
density by gradient ascent on a Monte Carlo estimate of the evidence lower bound, with
the reparameterisation trick: z = mean + exp(log_std) * eps, eps ~ N(0, I). The program
is plain autograd code; `import tapegrad.numpy as np` is its only change.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.norm as norm
from tapegrad import grad


def log_density(z: Any) -> Any:
    """A banana-shaped target: N(z0; 0, 1.35) times N(z1; 0, exp(z0))."""
    mu, log_sigma = z[:, 0], z[:, 1]
    sigma_density = norm.logpdf(log_sigma, 0, 1.35)
    mu_density = norm.logpdf(mu, 0, np.exp(log_sigma))
    return sigma_density + mu_density


def gaussian_entropy(log_std: Any) -> Any:
    return 0.5 * log_std.shape[0] * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)


def unpack(params: Any, D: Any) -> Any:
    return params[:D], params[D:]


def make_objective(num_samples: Any, D: Any, rs: Any) -> Any:
    def objective(params: Any, t: Any) -> Any:
        mean, log_std = unpack(params, D)
        samples = rs.randn(num_samples, D) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(log_density(samples))
        return -lower_bound
    return objective


def main(steps: Any = 25, num_samples: Any = 40, step_size: Any = 0.05) -> Any:
    D = 2
    rs = npr.RandomState(0)
    objective = make_objective(num_samples, D, rs)
    gradient = grad(objective)
    params = np.concatenate([-1.0 * np.ones(D), -5 * np.ones(D)])
    m, v = np.zeros(len(params)), np.zeros(len(params))
    history = []
    for t in range(steps):
        g = gradient(params, t)
        # Adam, written out
        m = (1 - 0.9) * g + 0.9 * m
        v = (1 - 0.999) * (g ** 2) + 0.999 * v
        mhat = m / (1 - 0.9 ** (t + 1))
        vhat = v / (1 - 0.999 ** (t + 1))
        params = params - step_size * mhat / (np.sqrt(vhat) + 10 ** -8)
        history.append(objective(params, t))
    return {"params": params, "history": np.array(history), "last_grad": g}


if __name__ == "__main__":
    out = main(steps=200)
    print("mean, log_std:", out["params"])
    print("negative ELBO:", out["history"][-1])
