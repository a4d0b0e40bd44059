"""HIPS autograd's bayesian_optimization.py: expected improvement (norm.cdf, norm.pdf) maximised by scipy's L-BFGS-B with bounds through value_and_grad; 4 rounds.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import value_and_grad
from scipy.optimize import minimize
from tapegrad.scipy.stats import norm
from tapegrad.numpy.linalg import solve
import tapegrad.scipy.stats.multivariate_normal as mvn


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


def probability_of_improvement(mean, std, max_so_far):
    return norm.cdf(max_so_far, mean, std)


def expected_new_max(mean, std, max_so_far):
    return max_so_far - (mean - max_so_far) * norm.cdf(mean, max_so_far, std) \
        + std * norm.pdf(mean, max_so_far, std)


def init_covariance_params(num_params):
    return np.zeros(num_params)


def defaultmax(x, default=-np.inf):
    if x.size == 0:
        return default
    return np.max(x)


def bayesian_optimize(func, domain_min, domain_max, num_iters=20, callback=None):
    D = len(domain_min)
    num_params, predict, log_marginal_likelihood = make_gp_funs(rbf_covariance, num_cov_params=D + 1)
    model_params = init_covariance_params(num_params)

    def optimize_gp_params(init_params, X, y):
        log_hyperprior = lambda params: np.sum(norm.logpdf(params, 0., 100.))
        objective = lambda params: -log_marginal_likelihood(params, X, y) - log_hyperprior(params)
        return minimize(value_and_grad(objective), init_params, jac=True, method='CG', options={'maxiter': 5}).x

    def choose_next_point(domain_min, domain_max, acquisition_function, num_tries=3, rs=npr.RandomState(0)):
        init_points = rs.rand(num_tries, D) * (domain_max - domain_min) + domain_min
        grad_obj = value_and_grad(lambda x: -acquisition_function(x))

        def optimize_point(init_point):
            result = minimize(grad_obj, x0=init_point, jac=True, method='L-BFGS-B',
                              options={'maxiter': 10}, bounds=list(zip(domain_min, domain_max)))
            return result.x, acquisition_function(result.x)
        optimzed_points, optimized_values = list(zip(*list(map(optimize_point, init_points))))
        best_ix = np.argmax(optimized_values)
        return np.atleast_2d(optimzed_points[best_ix])

    X = np.zeros((0, D))
    y = np.zeros((0))
    X = np.concatenate((X, np.reshape((domain_max - domain_min) / 2.0, (D, 1))))
    y = np.concatenate((y, np.reshape(np.array(func(X)), (1,))))
    for i in range(num_iters):
        if i > 1:
            model_params = optimize_gp_params(model_params, X, y)

        def predict_func(xstar):
            mean, cov = predict(model_params, X, y, xstar)
            return mean, np.sqrt(np.diag(cov))

        def acquisition_function(xstar):
            xstar = np.atleast_2d(xstar)
            mean, std = predict_func(xstar)
            return expected_new_max(mean, std, defaultmax(y))
        next_point = choose_next_point(domain_min, domain_max, acquisition_function)
        new_value = func(next_point)
        X = np.concatenate((X, next_point))
        y = np.concatenate((y, np.reshape(np.array(new_value), (1,))))
        if callback:
            callback(X, y, predict_func, acquisition_function, next_point, new_value)
    best_ix = np.argmax(y)
    return X[best_ix, :], y[best_ix]


def example_function(x):
    return np.sum(x * np.sin(10.0 * x) + x) - 1


domain_min = np.array([0.0])
domain_max = np.array([1.1])
curves = []
def callback(X, y, predict_func, acquisition_function, next_point, new_value):
    plot_xs = np.reshape(np.linspace(domain_min, domain_max, 9), (9, 1))
    pred_mean, pred_std = predict_func(plot_xs)
    curves.append([pred_mean, pred_std, acquisition_function(plot_xs)])
best_x, best_y = bayesian_optimize(example_function, domain_min, domain_max, num_iters=4, callback=callback)
RESULT = {"best": [best_x[0], best_y], "curves": curves}
