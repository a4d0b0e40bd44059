"""HIPS autograd's examples negative_binomial_maxlik.py, lstm.py,
variational_autoencoder.py and generative_adversarial_net.py, written here in their
style, run with `import tapegrad.numpy as np` (and tapegrad's numpy.random, scipy and
misc.optimizers) as the only change; with autograd installed, the same text with the
import lines switched back gives the same values in float64. scikit-learn's digits
stand in for MNIST; sizes are cut so each runs in well under a second. (rkhs.py needs
autograd.extend's VSpace/Box machinery, which tapegrad does not have.)"""
import re

import numpy as np
import pytest

from ._port import run

_SWAPS = [("tapegrad.numpy", "autograd.numpy"), ("tapegrad.scipy", "autograd.scipy"),
          ("tapegrad.misc", "autograd.misc"), ("from tapegrad import", "from autograd import")]
_IMPORT = re.compile(r"^(import|from) tapegrad\b")


def run_autograd(source, name):
    pytest.importorskip("autograd")
    lines = []
    for line in source.splitlines(keepends=True):
        if _IMPORT.match(line):
            for a, b in _SWAPS:
                line = line.replace(a, b)
        lines.append(line)
    return run("".join(lines), name, lib="autograd-as-written")


NEGBIN = r'''
import scipy.optimize
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad.scipy.special import gammaln
from tapegrad import grad

# The negative binomial's maximum-likelihood r, found by Newton's method on the
# profile likelihood's derivative: grad for fprime, grad(grad) for fprime2.


def newton(f, x0):
    return scipy.optimize.newton(f, x0, fprime=grad(f), fprime2=grad(grad(f)))


def negbin_loglike(r, p, x):
    return gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p)


def negbin_sample(r, p, size):
    # a gamma-compound Poisson
    return npr.poisson(npr.gamma(r, p / (1 - p), size=size))


def fit_maxlike(x, r_guess):
    assert np.var(x) > np.mean(x), "Likelihood-maximizing parameters don't exist!"
    loglike = lambda r, p: np.sum(negbin_loglike(r, p, x))
    p = lambda r: np.sum(x) / np.sum(r + x)
    rprime = lambda r: grad(loglike)(r, p(r))
    r = newton(rprime, r_guess)
    return r, p(r)


npr.seed(0)
data = negbin_sample(r=5, p=0.5, size=1000)
r, p = fit_maxlike(data, r_guess=1.0)
print('Fit parameters:')
print('r={r}, p={p}'.format(r=r, p=p))
print('Check that we are at a local stationary point:')
loglike = lambda r, p: np.sum(negbin_loglike(r, p, data))
grad_both = (grad(loglike, 0)(r, p), grad(loglike, 1)(r, p))
print(grad_both)
fit = (float(r), float(p))
stationary = [float(g) for g in grad_both]
'''

LSTM = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad
from tapegrad.scipy.special import logsumexp
from tapegrad.misc.optimizers import adam


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def init_lstm_params(input_size, state_size, output_size, param_scale=0.01, rs=npr.RandomState(0)):
    def rp(*shape):
        return rs.randn(*shape) * param_scale
    return {'init cells':   rp(1, state_size),
            'init hiddens': rp(1, state_size),
            'change':       rp(input_size + state_size + 1, state_size),
            'forget':       rp(input_size + state_size + 1, state_size),
            'ingate':       rp(input_size + state_size + 1, state_size),
            'outgate':      rp(input_size + state_size + 1, state_size),
            'predict':      rp(state_size + 1, output_size)}


def lstm_predict(params, inputs):
    def update_lstm(input, hiddens, cells):
        change  = np.tanh(concat_and_multiply(params['change'], input, hiddens))
        forget  = sigmoid(concat_and_multiply(params['forget'], input, hiddens))
        ingate  = sigmoid(concat_and_multiply(params['ingate'], input, hiddens))
        outgate = sigmoid(concat_and_multiply(params['outgate'], input, hiddens))
        cells   = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
        return hiddens, cells

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params['predict'], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params['init hiddens'], num_sequences, axis=0)
    cells   = np.repeat(params['init cells'],   num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:
        hiddens, cells = update_lstm(input, hiddens, cells)
        output.append(hiddens_to_output_probs(hiddens))
    return output


def lstm_log_likelihood(params, inputs, targets):
    logprobs = lstm_predict(params, inputs)
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


def string_to_one_hot(string, maxchar):
    ascii = np.array([ord(c) for c in string]).T
    return np.array(ascii[:, None] == np.arange(maxchar)[None, :], dtype=int)


def one_hot_to_string(one_hot_matrix):
    return "".join([chr(np.argmax(c)) for c in one_hot_matrix])


def build_dataset(lines, max_length, num_char):
    padded = [line.ljust(max_length)[:max_length] for line in lines]
    seqs = np.zeros((max_length, len(padded), num_char))
    for ix, line in enumerate(padded):
        seqs[:, ix, :] = string_to_one_hot(line, num_char)
    return seqs


num_chars = 128
text = ["def sigmoid(x):", "    return 0.5 * (np.tanh(x) + 1.0)",
        "def concat(weights, *args):", "    return np.dot(cat_state, weights)"]
train_inputs = build_dataset(text, 16, num_chars)
init_params = init_lstm_params(input_size=128, output_size=128, state_size=16,
                               param_scale=0.01)


def print_training_prediction(weights):
    print("Training text                         Predicted text")
    logprobs = np.asarray(lstm_predict(weights, train_inputs))
    for t in range(logprobs.shape[1]):
        training_text  = one_hot_to_string(train_inputs[:, t, :])
        predicted_text = one_hot_to_string(logprobs[:, t, :])
        print(training_text.replace('\n', ' ') + "|" + predicted_text.replace('\n', ' '))


def training_loss(params, iter):
    return -lstm_log_likelihood(params, train_inputs, train_inputs)


losses = []


def callback(weights, iter, gradient):
    if iter % 10 == 0:
        print("Iteration", iter, "Train loss:", training_loss(weights, 0))
    losses.append(float(training_loss(weights, 0)))


training_loss_grad = grad(training_loss)
print("Training LSTM...")
trained_params = adam(training_loss_grad, init_params, step_size=0.1,
                      num_iters=15, callback=callback)
print_training_prediction(trained_params)
final_loss = float(training_loss(trained_params, 0))
param_keys = sorted(trained_params)
'''

VAE = r'''
from sklearn.datasets import load_digits
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.norm as norm
from tapegrad.scipy.special import expit as sigmoid
from tapegrad import grad
from tapegrad.misc.optimizers import adam


def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(norm.logpdf(x, mu, np.exp(log_std)), axis=-1)


def unpack_gaussian_params(params):
    D = np.shape(params)[-1] // 2
    mean, log_std = params[:, :D], params[:, D:]
    return mean, log_std


def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean


def bernoulli_log_density(targets, unnormalized_logprobs):
    # unnormalized_logprobs are in R; targets must be -1 or 1
    label_probabilities = -np.logaddexp(0, -unnormalized_logprobs * targets)
    return np.sum(label_probabilities, axis=-1)


def relu(x):
    return np.maximum(0, x)


def init_net_params(scale, layer_sizes, rs=npr.RandomState(0)):
    return [(scale * rs.randn(m, n), scale * rs.randn(n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]


def batch_normalize(activations):
    mbmean = np.mean(activations, axis=0, keepdims=True)
    return (activations - mbmean) / (np.std(activations, axis=0, keepdims=True) + 1)


def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = batch_normalize(np.dot(inputs, W) + b)
        inputs = relu(outputs)
    return outputs


def nn_predict_gaussian(params, inputs):
    return unpack_gaussian_params(neural_net_predict(params, inputs))


def generate_from_prior(gen_params, num_samples, noise_dim, rs):
    latents = rs.randn(num_samples, noise_dim)
    return sigmoid(neural_net_predict(gen_params, latents))


def p_images_given_latents(gen_params, images, latents):
    preds = neural_net_predict(gen_params, latents)
    return bernoulli_log_density(images, preds)


def vae_lower_bound(gen_params, rec_params, data, rs):
    q_means, q_log_stds = nn_predict_gaussian(rec_params, data)
    latents = sample_diag_gaussian(q_means, q_log_stds, rs)
    q_latents = diag_gaussian_log_density(latents, q_means, q_log_stds)
    p_latents = diag_gaussian_log_density(latents, 0, 0)
    likelihood = p_images_given_latents(gen_params, data, latents)
    return np.mean(p_latents + likelihood - q_latents)


latent_dim = 4
data_dim = 64
gen_layer_sizes = [latent_dim, 32, data_dim]
rec_layer_sizes = [data_dim, 32, latent_dim * 2]
param_scale = 0.01
batch_size = 50
num_epochs = 5
step_size = 0.05

digits = load_digits()
train_images = np.round(digits.data[:300] / 16.0)
init_gen_params = init_net_params(param_scale, gen_layer_sizes)
init_rec_params = init_net_params(param_scale, rec_layer_sizes)
combined_init_params = (init_gen_params, init_rec_params)
num_batches = int(np.ceil(len(train_images) / batch_size))


def batch_indices(iter):
    idx = iter % num_batches
    return slice(idx * batch_size, (idx + 1) * batch_size)


seed = npr.RandomState(0)


def objective(combined_params, iter):
    data_idx = batch_indices(iter)
    gen_params, rec_params = combined_params
    return -vae_lower_bound(gen_params, rec_params, train_images[data_idx], seed) / data_dim


objective_grad = grad(objective)
bounds = []


def print_perf(combined_params, iter, grad):
    if iter % 6 == 0:
        gen_params, rec_params = combined_params
        bound = np.mean(objective(combined_params, iter))
        print("{:15}|{:20}".format(iter // num_batches, bound))
        bounds.append(float(bound))


print("     Epoch     |    Objective       ")
optimized_params = adam(objective_grad, combined_init_params, step_size=step_size,
                        num_iters=num_epochs * num_batches, callback=print_perf)
gen_params = optimized_params[0]
fake_data = generate_from_prior(gen_params, 10, latent_dim, npr.RandomState(1))
fake_shape = np.shape(fake_data)
param_shapes = [np.shape(W) for W, b in gen_params]
'''

GAN = r'''
from sklearn.datasets import load_digits
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad
from tapegrad.misc import flatten


def relu(x):
    return np.maximum(0, x)


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def logsigmoid(x):
    return x - np.logaddexp(0, x)


def init_random_params(scale, layer_sizes, rs=npr.RandomState(0)):
    return [(scale * rs.randn(m, n), scale * rs.randn(n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]


def batch_normalize(activations):
    mbmean = np.mean(activations, axis=0, keepdims=True)
    return (activations - mbmean) / (np.std(activations, axis=0, keepdims=True) + 1)


def neural_net_predict(params, inputs):
    inpW, inpb = params[0]
    inputs = relu(np.dot(inputs, inpW) + inpb)
    for W, b in params[1:-1]:
        outputs = batch_normalize(np.dot(inputs, W) + b)
        inputs = relu(outputs)
    outW, outb = params[-1]
    outputs = np.dot(inputs, outW) + outb
    return outputs


def generate_from_noise(gen_params, num_samples, noise_dim, rs):
    noise = rs.rand(num_samples, noise_dim)
    samples = neural_net_predict(gen_params, noise)
    return sigmoid(samples)


def gan_objective(gen_params, dsc_params, real_data, num_samples, noise_dim, rs):
    fake_data = generate_from_noise(gen_params, num_samples, noise_dim, rs)
    logprobs_fake = logsigmoid(neural_net_predict(dsc_params, fake_data))
    logprobs_real = logsigmoid(neural_net_predict(dsc_params, real_data))
    return np.mean(logprobs_real) - np.mean(logprobs_fake)


def adam_minimax(grad_both, init_params_max, init_params_min, callback=None,
                 num_iters=100, step_size_max=0.001, step_size_min=0.001,
                 b1=0.9, b2=0.999, eps=10**-8):
    """Adam modified to do minimax optimization, for instance to help with
    training generative adversarial networks."""
    x_max, unflatten_max = flatten(init_params_max)
    x_min, unflatten_min = flatten(init_params_min)
    m_max = np.zeros(len(x_max))
    v_max = np.zeros(len(x_max))
    m_min = np.zeros(len(x_min))
    v_min = np.zeros(len(x_min))
    for i in range(num_iters):
        g_max_uf, g_min_uf = grad_both(unflatten_max(x_max), unflatten_min(x_min), i)
        g_max, _ = flatten(g_max_uf)
        g_min, _ = flatten(g_min_uf)
        if callback:
            callback(unflatten_max(x_max), unflatten_min(x_min), i,
                     unflatten_max(g_max), unflatten_min(g_min))
        m_max = (1 - b1) * g_max + b1 * m_max
        v_max = (1 - b2) * (g_max**2) + b2 * v_max
        mhat_max = m_max / (1 - b1**(i + 1))
        vhat_max = v_max / (1 - b2**(i + 1))
        x_max = x_max + step_size_max * mhat_max / (np.sqrt(vhat_max) + eps)
        m_min = (1 - b1) * g_min + b1 * m_min
        v_min = (1 - b2) * (g_min**2) + b2 * v_min
        mhat_min = m_min / (1 - b1**(i + 1))
        vhat_min = v_min / (1 - b2**(i + 1))
        x_min = x_min - step_size_min * mhat_min / (np.sqrt(vhat_min) + eps)
    return unflatten_max(x_max), unflatten_min(x_min)


gen_layer_sizes = [4, 32, 64]
dsc_layer_sizes = [64, 32, 1]
noise_dim = 4
gen_units_scale = 0.1
dsc_units_scale = 0.1
batch_size = 50
num_epochs = 4
step_size_max = 0.001
step_size_min = 0.001
digits = load_digits()
train_images = np.round(digits.data[:200] / 16.0)
init_gen_params = init_random_params(gen_units_scale, gen_layer_sizes)
init_dsc_params = init_random_params(dsc_units_scale, dsc_layer_sizes)
num_batches = int(np.ceil(len(train_images) / batch_size))


def batch_indices(iter):
    idx = iter % num_batches
    return slice(idx * batch_size, (idx + 1) * batch_size)


seed = npr.RandomState(0)


def objective(gen_params, dsc_params, iter):
    idx = batch_indices(iter)
    return gan_objective(gen_params, dsc_params, train_images[idx],
                         batch_size, noise_dim, seed)


both_objective_grad = grad(objective, argnum=(0, 1))
values = []


def print_perf(gen_params, dsc_params, iter, gen_gradient, dsc_gradient):
    if iter % num_batches == 0:
        ability = np.mean(objective(gen_params, dsc_params, iter))
        print("{:15}|{:20}".format(iter // num_batches, ability))
        values.append(float(ability))


print("     Epoch     |    Objective  ")
optimized_params = adam_minimax(both_objective_grad, init_gen_params, init_dsc_params,
                                step_size_max=step_size_max, step_size_min=step_size_min,
                                num_iters=num_epochs * num_batches, callback=print_perf)
fake = generate_from_noise(optimized_params[0], 5, noise_dim, npr.RandomState(1))
fake_range = (float(np.min(fake)), float(np.max(fake)))
'''


def _close(a, b, name, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                               rtol=rtol, atol=1e-12, err_msg=name)


def test_negative_binomial_maxlik():
    ns, out = run(NEGBIN, "ag_negbin")
    r, p = ns["fit"]
    assert 3.5 < r < 7 and 0.35 < p < 0.65
    assert max(abs(g) for g in ns["stationary"]) < 1e-6
    assert out.startswith("Fit parameters:\nr=")
    ag, _ = run_autograd(NEGBIN, "ag_negbin")
    _close(ns["fit"], ag["fit"], "fit")


def test_lstm():
    ns, out = run(LSTM, "ag_lstm")
    assert ns["losses"][-1] < 0.5 * ns["losses"][0]
    assert ns["param_keys"] == ['change', 'forget', 'ingate', 'init cells',
                                'init hiddens', 'outgate', 'predict']
    assert "Training text                         Predicted text" in out
    ag, _ = run_autograd(LSTM, "ag_lstm")
    _close(ns["losses"], ag["losses"], "losses", rtol=1e-8)


def test_variational_autoencoder():
    pytest.importorskip("sklearn")
    ns, out = run(VAE, "ag_vae")
    # the printed objective is a one-sample estimate: it wanders this early (autograd
    # gives the same numbers); the comparison below is the check
    assert all(0.6 < b < 0.8 for b in ns["bounds"])
    assert ns["fake_shape"] == (10, 64) and ns["param_shapes"] == [(4, 32), (32, 64)]
    ag, _ = run_autograd(VAE, "ag_vae")
    _close(ns["bounds"], ag["bounds"], "bounds", rtol=1e-8)


def test_generative_adversarial_net():
    pytest.importorskip("sklearn")
    ns, out = run(GAN, "ag_gan")
    assert len(ns["values"]) == 4
    lo, hi = ns["fake_range"]
    assert 0.0 <= lo <= hi <= 1.0
    ag, _ = run_autograd(GAN, "ag_gan")
    _close(ns["values"], ag["values"], "values", rtol=1e-8)
