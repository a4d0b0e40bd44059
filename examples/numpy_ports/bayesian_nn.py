"""A Bayesian neural network fitted by black-box variational inference (after HIPS
autograd's bayesian_neural_net.py): the weights of a small tanh network get a diagonal
Gaussian posterior, whose mean and log standard deviation follow the gradient of a
Monte Carlo ELBO. The weights of all samples are unpacked from one flat vector per
sample, with reshape and slices. `import tapegrad.numpy as np` is the only change.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.norm as norm
from tapegrad import grad


def make_nn_funs(layer_sizes: Any, L2_reg: Any, noise_variance: Any,
                 nonlinearity: Any = np.tanh) -> Any:
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights: Any) -> Any:
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield weights[:, :m * n].reshape((num_weight_sets, m, n)), \
                weights[:, m * n:m * n + n].reshape((num_weight_sets, 1, n))
            weights = weights[:, (m + 1) * n:]

    def predictions(weights: Any, inputs: Any) -> Any:
        """weights: (num_samples, num_weights); inputs: (N, D)."""
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights: Any, inputs: Any, targets: Any) -> Any:
        log_prior = -L2_reg * np.sum(weights ** 2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


def black_box_variational_inference(logprob: Any, D: Any, num_samples: Any) -> Any:
    def unpack_params(params: Any) -> Any:
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std: Any) -> Any:
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    rs = npr.RandomState(0)

    def variational_objective(params: Any, t: Any) -> Any:
        mean, log_std = unpack_params(params)
        samples = rs.randn(num_samples, D) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples, t))
        return -lower_bound

    return variational_objective, grad(variational_objective), unpack_params


def build_toy_dataset(n_data: Any = 20, noise_std: Any = 0.1) -> Any:
    D = 1
    rs = npr.RandomState(0)
    inputs = np.concatenate([np.linspace(0, 2, num=n_data // 2),
                             np.linspace(6, 8, num=n_data // 2)])
    targets = np.cos(inputs) + rs.randn(n_data) * noise_std
    inputs = (inputs - 4.0) / 4.0
    inputs = inputs.reshape((len(inputs), D))
    targets = targets.reshape((len(targets), D))
    return inputs, targets


def main(steps: Any = 4, step_size: Any = 0.05) -> Any:
    inputs, targets = build_toy_dataset()
    num_weights, predictions, logprob = make_nn_funs([1, 8, 1], L2_reg=0.1,
                                                     noise_variance=0.01, nonlinearity=np.tanh)

    def log_posterior(weights: Any, t: Any) -> Any:
        return logprob(weights, inputs, targets)
    objective, gradient, unpack_params = black_box_variational_inference(
        log_posterior, num_weights, num_samples=5)
    rs = npr.RandomState(0)
    init_mean = rs.randn(num_weights)
    init_log_std = -5 * np.ones(num_weights)
    params = np.concatenate([init_mean, init_log_std])
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
    mean, log_std = unpack_params(params)
    plot_inputs = np.linspace(-1, 1, num=7).reshape((7, 1))
    return {"history": np.array(history), "grad": g, "mean": mean,
            "predictive": predictions(np.vstack([mean, mean + np.exp(log_std)]), plot_inputs)}


if __name__ == "__main__":
    out = main(steps=100)
    print("negative ELBO:", out["history"][0], "->", out["history"][-1])
