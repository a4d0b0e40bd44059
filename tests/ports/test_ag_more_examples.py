"""More of HIPS autograd's example programs, written here in their style: hmm_em.py
(EM for a hidden Markov model, the E step as the gradient of the log partition
function), ica.py (independent component analysis with Student-t likelihoods, fitted by
scipy.optimize.minimize with jac=True), natural_gradient_black_box_svi.py (black-box VI
preconditioned by the Fisher diagonal, misc.optimizers.sgd) and define_gradient.py (a
primitive with defvjp, checked by check_grads) and fixed_points.py (autograd.misc's
fixed_point, differentiated twice through the implicit function theorem). Each runs with the tapegrad import lines
and, with autograd installed, the same text switched back gives the same values."""
import re
import warnings

import numpy as np
import pytest

from ._port import run

HMM_EM = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import value_and_grad as vgrad
from tapegrad.scipy.special import logsumexp
from functools import partial

def EM(init_params, data, callback=None):
    def EM_update(params):
        natural_params = list(map(np.log, params))
        loglike, E_stats = vgrad(log_partition_function)(natural_params, data)
        if callback:
            callback(loglike, params)
        return list(map(normalize, E_stats))

    def fixed_point(f, x0, max_iter=6):
        x1 = f(x0)
        for _ in range(max_iter):
            x0, x1 = x1, f(x1)
        return x1
    return fixed_point(EM_update, init_params)

def normalize(a):
    def replace_zeros(a):
        return np.where(a > 0.0, a, 1.0)
    return a / replace_zeros(a.sum(-1, keepdims=True))

def log_partition_function(natural_params, data):
    if isinstance(data, list):
        return sum(map(partial(log_partition_function, natural_params), data))
    log_pi, log_A, log_B = natural_params
    log_alpha = log_pi
    for y in data:
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, y]
    return logsumexp(log_alpha)

def initialize_hmm_parameters(num_states, num_outputs):
    init_pi = normalize(npr.rand(num_states))
    init_A = normalize(npr.rand(num_states, num_states))
    init_B = normalize(npr.rand(num_states, num_outputs))
    return init_pi, init_A, init_B

text = "the quick brown fox jumps over the lazy dog and then the dog sleeps"
chars = sorted(set(text))
data = [np.array([chars.index(c) for c in word]) for word in text.split()]
npr.seed(0)
init_params = initialize_hmm_parameters(3, len(chars))
lls = []
def callback(loglike, params):
    lls.append(float(loglike))
params = EM(init_params, data, callback)
print(lls[0], lls[-1])
final_pi = params[0]
'''

ICA = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.t as t
from tapegrad import value_and_grad
from scipy.optimize import minimize

def make_ica_funs(observed_dimension, latent_dimension):
    def sample(weights, n_samples, noise_std, rs):
        latents = rs.randn(latent_dimension, n_samples)
        latents = np.array(sorted(latents.T, key=lambda a_entry: a_entry[0])).T
        noise = rs.randn(n_samples, observed_dimension) * noise_std
        observed = predict(weights, latents) + noise
        return latents, observed

    def predict(weights, latents):
        return np.dot(weights, latents).T

    def logprob(weights, latents, noise_std, observed):
        preds = predict(weights, latents)
        log_lik = np.sum(t.logpdf(preds, 2.4, observed, noise_std))
        return log_lik

    num_weights = observed_dimension * latent_dimension

    def unpack_weights(weights):
        return np.reshape(weights, (observed_dimension, latent_dimension))

    return num_weights, sample, logprob, unpack_weights

observed_dimension = 4
latent_dimension = 2
noise_var = 0.1
n_samples = 40
num_weights, sample, logprob, unpack_weights = make_ica_funs(observed_dimension, latent_dimension)
num_latent_params = latent_dimension * n_samples
total_num_params = num_weights + num_latent_params

def unpack_params(params):
    weights = unpack_weights(params[:num_weights])
    latents = np.reshape(params[num_weights:], (latent_dimension, n_samples))
    return weights, latents

def objective(params):
    weight_matrix, latents = unpack_params(params)
    return -logprob(weight_matrix, latents, noise_var, observed_data) / n_samples

rs = npr.RandomState(0)
true_weights = np.zeros((observed_dimension, latent_dimension))
for i in range(latent_dimension):
    true_weights[i * 2:(i + 1) * 2, i] = 1.0
true_latents, observed_data = sample(true_weights, n_samples, noise_var, rs)
init_params = 0.1 * rs.randn(total_num_params)
v0, g0 = value_and_grad(objective)(init_params)
result = minimize(value_and_grad(objective), init_params, jac=True, method='CG', options={'maxiter': 30})
final_value = result.fun
print(v0, final_value)
'''

NATURAL_GRADIENT = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.norm as norm
from tapegrad import grad
from tapegrad.misc.optimizers import adam, sgd

def black_box_variational_inference(logprob, D, num_samples):
    def unpack_params(params):
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    rs = npr.RandomState(0)
    def variational_objective(params, t):
        mean, log_std = unpack_params(params)
        samples = rs.randn(num_samples, D) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples, t))
        return -lower_bound

    gradient = grad(variational_objective)
    return variational_objective, gradient, unpack_params

D = 2
def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = norm.logpdf(log_sigma, 0, 1.35)
    mu_density = norm.logpdf(mu, -0.5, np.exp(log_sigma))
    sigma_density2 = norm.logpdf(log_sigma, 0.1, 1.35)
    mu_density2 = norm.logpdf(mu, 0.5, np.exp(log_sigma))
    return np.logaddexp(sigma_density + mu_density, sigma_density2 + mu_density2)

objective, gradient, unpack_params = black_box_variational_inference(log_density, D, num_samples=200)

def fisher_diag(lam):
    mu, log_sigma = unpack_params(lam)
    return np.concatenate([np.exp(-2. * log_sigma), np.ones(len(log_sigma)) * 2])

def natural_gradient(lam, i):
    return (1. / fisher_diag(lam)) * gradient(lam, i)

init_mean = -1 * np.ones(D)
init_log_std = -5 * np.ones(D)
init_var_params = np.concatenate([init_mean, init_log_std])
trace = []
def callback(params, t, g):
    trace.append(float(-objective(params, t)))
variational_params = sgd(natural_gradient, init_var_params, step_size=.1, num_iters=60, callback=callback, mass=0.001)
print(trace[0], trace[-1])
'''

DEFINE_GRADIENT = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad
from tapegrad.extend import primitive, defvjp
from tapegrad.test_util import check_grads

@primitive
def logsumexp(x):
    max_x = np.max(x)
    return max_x + np.log(np.sum(np.exp(x - max_x)))

def logsumexp_vjp(ans, x):
    x_shape = x.shape
    return lambda g: np.full(x_shape, g) * np.exp(x - np.full(x_shape, ans))

defvjp(logsumexp, logsumexp_vjp)

def example_func(y):
    z = y**2
    lse = logsumexp(z)
    return np.sum(lse)

npr.seed(3)
y0 = npr.randn(10)
grad_of_example = grad(example_func)
g = grad_of_example(y0)
print("Gradient: \n", g)
check_grads(example_func, modes=['rev'])(npr.randn(10))
'''

FIXED_POINTS = r'''
import tapegrad.numpy as np
from tapegrad import grad
from tapegrad.misc.fixed_points import fixed_point


def newton_sqrt_iter(a):
    return lambda x: 0.5 * (x + a / x)


def grad_descent_sqrt_iter(a):
    return lambda x: x - 0.05 * (x**2 - a)


def sqrt(a, guess=10.):
    return fixed_point(newton_sqrt_iter, a, guess, distance, 1e-4)


def slow_sqrt(a, guess=1.):
    return fixed_point(grad_descent_sqrt_iter, a, guess, distance, 1e-9)


def distance(x, y):
    return np.abs(x - y)


print(np.sqrt(2.))
print(sqrt(2.))
print()
print(grad(np.sqrt)(2.))
print(grad(sqrt)(2.))
print()
print(grad(grad(np.sqrt))(2.))
print(grad(grad(sqrt))(2.))
values = [sqrt(2.), slow_sqrt(2.), grad(sqrt)(2.), grad(slow_sqrt)(2.), grad(grad(sqrt))(2.)]
'''

_IMPORT = re.compile(r"^(import|from) tapegrad\b")


def _autograd_source(source):
    return "".join(line.replace("tapegrad", "autograd") if _IMPORT.match(line) else line
                   for line in source.splitlines(keepends=True))


def _np(v):
    if isinstance(v, (list, tuple)):
        return [_np(x) for x in v]
    return np.asarray(v.detach().numpy() if hasattr(v, "detach") else v, dtype=float)


CASES = {"hmm_em": (HMM_EM, ["lls", "final_pi"]),
         "ica": (ICA, ["v0", "g0", "final_value"]),
         "natural_gradient": (NATURAL_GRADIENT, ["trace", "variational_params"]),
         "define_gradient": (DEFINE_GRADIENT, ["g"]),
         "fixed_points": (FIXED_POINTS, ["values"])}


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_matches_autograd(name):
    source, keys = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, _ = run(source, name)
        if name == "hmm_em":
            assert ours["lls"][-1] > ours["lls"][0]      # EM raises the likelihood
        if name == "fixed_points":
            np.testing.assert_allclose(_np(ours["values"]),
                                       [2 ** 0.5, 2 ** 0.5, 0.5 / 2 ** 0.5, 0.5 / 2 ** 0.5,
                                        -0.25 * 2 ** -1.5], rtol=1e-4)
        if name == "natural_gradient":
            assert ours["trace"][-1] > ours["trace"][0]
        pytest.importorskip("autograd")
        theirs, _ = run(_autograd_source(source), name, lib="autograd")
    for key in keys:
        np.testing.assert_allclose(_np(ours[key]), _np(theirs[key]), rtol=1e-8, atol=1e-10,
                                   err_msg=f"{name}: {key}")
