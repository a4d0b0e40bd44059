"""A mixture of Gaussians fitted by gradient ascent on the log likelihood (after HIPS
autograd's gmm.py). Parameters are a dict; each component's covariance is L L^T from an
unconstrained lower-triangular factor. `import tapegrad.numpy as np` is the only change
from the autograd program.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.multivariate_normal as mvn
from tapegrad import grad
from tapegrad.scipy.special import logsumexp


def init_gmm_params(num_components: Any, D: Any, scale: Any, rs: Any = npr.RandomState(0)) -> Any:
    return {"log_proportions": rs.randn(num_components) * scale,
            "means": rs.randn(num_components, D) * scale,
            "lower_tris": np.zeros((num_components, D, D)) + np.eye(D)}


def log_normalize(x: Any) -> Any:
    return x - logsumexp(x)


def unpack_gmm_params(params: Any) -> Any:
    normalized_log_proportions = log_normalize(params["log_proportions"])
    return normalized_log_proportions, params["means"], params["lower_tris"]


def gmm_log_likelihood(params: Any, data: Any) -> Any:
    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        cluster_lls.append(log_proportion + mvn.logpdf(data, mean, cov))
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))


def make_pinwheel(radial_std: Any, tangential_std: Any, num_classes: Any, num_per_class: Any,
                  rate: Any, rs: Any = npr.RandomState(0)) -> Any:
    rads = np.linspace(0, 2 * np.pi, num_classes, endpoint=False)
    features = rs.randn(num_classes * num_per_class, 2) * np.array([radial_std, tangential_std])
    features[:, 0] += 1
    labels = np.repeat(np.arange(num_classes), num_per_class)
    angles = rads[labels] + rate * np.exp(features[:, 0])
    rotations = np.stack([np.cos(angles), -np.sin(angles), np.sin(angles), np.cos(angles)])
    rotations = np.reshape(rotations.T, (-1, 2, 2))
    return 2 * npr.permutation(np.einsum("ti,tij->tj", features, rotations))


def main(steps: Any = 15, step_size: Any = 0.002) -> Any:
    npr.seed(1)
    data = make_pinwheel(0.3, 0.05, 3, 20, 0.4, rs=npr.RandomState(1))
    params = init_gmm_params(3, 2, 0.1, rs=npr.RandomState(2))

    def objective(params: Any) -> Any:
        return -gmm_log_likelihood(params, data)
    gradient = grad(objective)
    history = []
    for _ in range(steps):
        g = gradient(params)
        params = {k: params[k] - step_size * g[k] for k in params}
        history.append(objective(params))
    return {"history": np.array(history), "data": data, "g_means": g["means"],
            "g_tris": g["lower_tris"], "g_props": g["log_proportions"],
            "means": params["means"]}


if __name__ == "__main__":
    out = main(steps=200)
    print("negative log likelihood:", out["history"][0], "->", out["history"][-1])
