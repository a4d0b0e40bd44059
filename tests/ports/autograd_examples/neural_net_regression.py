"""HIPS autograd's neural_net_regression.py: a list-of-(W, b) network with a Gaussian prior through misc.flatten, adam; 50 steps.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.norm as norm
from tapegrad import grad
from tapegrad.misc import flatten
from tapegrad.misc.optimizers import adam


def init_random_params(scale, layer_sizes, rs=npr.RandomState(0)):
    return [(rs.randn(insize, outsize) * scale, rs.randn(outsize) * scale)
            for insize, outsize in zip(layer_sizes[:-1], layer_sizes[1:])]


def nn_predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = nonlinearity(outputs)
    return outputs


def log_gaussian(params, scale):
    flat_params, _ = flatten(params)
    return np.sum(norm.logpdf(flat_params, 0, scale))


def logprob(weights, inputs, targets, noise_scale=0.1):
    predictions = nn_predict(weights, inputs)
    return np.sum(norm.logpdf(predictions, targets, noise_scale))


def build_toy_dataset(n_data=80, noise_std=0.1):
    rs = npr.RandomState(0)
    inputs = np.concatenate([np.linspace(0, 3, num=n_data // 2), np.linspace(6, 8, num=n_data // 2)])
    targets = np.cos(inputs) + rs.randn(n_data) * noise_std
    inputs = (inputs - 4.0) / 2.0
    inputs = inputs[:, np.newaxis]
    targets = targets[:, np.newaxis] / 2.0
    return inputs, targets


init_scale = 0.1
weight_prior_variance = 10.0
init_params = init_random_params(init_scale, layer_sizes=[1, 4, 4, 1])
inputs, targets = build_toy_dataset()


def objective(weights, t):
    return -logprob(weights, inputs, targets) - log_gaussian(weights, weight_prior_variance)


g0 = grad(objective)(init_params, 0)
lls = []
def callback(params, t, g):
    if t % 10 == 0:
        lls.append(-objective(params, t))
    plot_inputs = np.reshape(np.linspace(-7, 7, num=30), (30, 1))
    outputs.append(nn_predict(params, plot_inputs))
outputs = []
optimized_params = adam(grad(objective), init_params, step_size=0.01, num_iters=50, callback=callback)
RESULT = {"g0": flatten(g0)[0], "lls": lls, "params": flatten(optimized_params)[0], "outputs": outputs[-1]}
