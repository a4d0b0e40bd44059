"""HIPS autograd's gplvm.py: a GP latent-variable model fitted by scipy's CG; make_gp_funs and make_pinwheel inlined.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import value_and_grad
from scipy.optimize import minimize
from tapegrad.numpy.linalg import solve
import tapegrad.scipy.stats.multivariate_normal as mvn
from tapegrad.scipy.stats import norm


def make_gp_funs(cov_func, num_cov_params):
    def unpack_kernel_params(params):
        mean = params[0]
        cov_params = params[2:]
        noise_scale = np.exp(params[1]) + 0.0001
        return mean, cov_params, noise_scale

    def predict(params, x, y, xstar):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_f_f = cov_func(cov_params, xstar, xstar)
        cov_y_f = cov_func(cov_params, x, xstar)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        pred_mean = mean + np.dot(solve(cov_y_y, cov_y_f).T, y - mean)
        pred_cov = cov_f_f - np.dot(solve(cov_y_y, cov_y_f).T, cov_y_f)
        return pred_mean, pred_cov

    def log_marginal_likelihood(params, x, y):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        prior_mean = mean * np.ones(len(y))
        return mvn.logpdf(y, prior_mean, cov_y_y)

    return num_cov_params + 2, predict, log_marginal_likelihood


def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))


def make_pinwheel(radial_std, tangential_std, num_classes, num_per_class, rate, rs=npr.RandomState(0)):
    rads = np.linspace(0, 2 * np.pi, num_classes, endpoint=False)
    features = rs.randn(num_classes * num_per_class, 2) * np.array([radial_std, tangential_std])
    features[:, 0] += 1
    labels = np.repeat(np.arange(num_classes), num_per_class)
    angles = rads[labels] + rate * np.exp(features[:, 0])
    rotations = np.stack([np.cos(angles), -np.sin(angles), np.sin(angles), np.cos(angles)])
    rotations = np.reshape(rotations.T, (-1, 2, 2))
    return np.einsum("ti,tij->tj", features, rotations)

data_dimension = 2
latent_dimension = 2
params_per_gp, predict, log_marginal_likelihood = make_gp_funs(rbf_covariance, num_cov_params=latent_dimension + 1)
total_gp_params = data_dimension * params_per_gp
data = make_pinwheel(radial_std=0.3, tangential_std=0.05, num_classes=3, num_per_class=6, rate=0.4)
datalen = data.shape[0]
num_latent_params = datalen * latent_dimension


def unpack_params(params):
    gp_params = np.reshape(params[:total_gp_params], (data_dimension, params_per_gp))
    latents = np.reshape(params[total_gp_params:], (datalen, latent_dimension))
    return gp_params, latents


def objective(params):
    gp_params, latents = unpack_params(params)
    gp_likelihood = sum([log_marginal_likelihood(gp_params[i], latents, data[:, i]) for i in range(data_dimension)])
    latent_prior_likelihood = np.sum(norm.logpdf(latents))
    return -gp_likelihood - latent_prior_likelihood


lls = []
def callback(params):
    lls.append(-objective(params))
rs = npr.RandomState(1)
init_params = rs.randn(total_gp_params + num_latent_params) * 0.1
v0, g0 = value_and_grad(objective)(init_params)
result = minimize(value_and_grad(objective), init_params, jac=True, method="CG", callback=callback,
                  options={"maxiter": 5})
RESULT = {"v0": v0, "g0": g0, "lls": lls, "x": result.x}
