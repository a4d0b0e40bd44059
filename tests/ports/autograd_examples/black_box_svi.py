"""HIPS autograd's black_box_svi.py: black-box variational inference of a 2-D posterior with adam; 200 samples, 30 steps.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
import tapegrad.scipy.stats.multivariate_normal as mvn
import tapegrad.scipy.stats.norm as norm
from tapegrad import grad
from tapegrad.misc.optimizers import adam


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
def log_posterior(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    prior = norm.logpdf(log_sigma, 0, 1.35)
    likelihood = norm.logpdf(mu, 0, np.exp(log_sigma))
    return prior + likelihood

objective, gradient, unpack_params = black_box_variational_inference(log_posterior, D, num_samples=200)
bounds = []
def callback(params, t, g):
    bounds.append(-objective(params, t))
    if t % 10 == 0:
        mean, log_std = unpack_params(params)
        variational_contour = lambda x: mvn.pdf(x, mean, np.diag(np.exp(2 * log_std)))
        x = np.linspace(-2, 2, num=5)
        y = np.linspace(-4, 2, num=5)
        X, Y = np.meshgrid(x, y)
        zs = variational_contour(np.concatenate([np.atleast_2d(X.ravel()), np.atleast_2d(Y.ravel())]).T)
        contours.append(zs.reshape(X.shape))
contours = []
init_mean = -1 * np.ones(D)
init_log_std = -5 * np.ones(D)
init_var_params = np.concatenate([init_mean, init_log_std])
variational_params = adam(gradient, init_var_params, step_size=0.1, num_iters=30, callback=callback)
RESULT = {"bounds": bounds, "params": variational_params, "contour": contours[-1]}
