"""HIPS autograd's gmm.py: a Gaussian mixture fitted by Newton-CG with hessian_vector_product and misc.flatten's flatten_func; data.py's make_pinwheel inlined.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad, hessian_vector_product
from scipy.optimize import minimize
from tapegrad.scipy.special import logsumexp
import tapegrad.scipy.stats.multivariate_normal as mvn
from tapegrad.misc.flatten import flatten_func


def make_pinwheel(radial_std, tangential_std, num_classes, num_per_class, rate, rs=npr.RandomState(0)):
    rads = np.linspace(0, 2 * np.pi, num_classes, endpoint=False)
    features = rs.randn(num_classes * num_per_class, 2) * np.array([radial_std, tangential_std])
    features[:, 0] += 1
    labels = np.repeat(np.arange(num_classes), num_per_class)
    angles = rads[labels] + rate * np.exp(features[:, 0])
    rotations = np.stack([np.cos(angles), -np.sin(angles), np.sin(angles), np.cos(angles)])
    rotations = np.reshape(rotations.T, (-1, 2, 2))
    return np.einsum("ti,tij->tj", features, rotations)


def init_gmm_params(num_components, D, scale, rs=npr.RandomState(0)):
    return {"log proportions": rs.randn(num_components) * scale,
            "means": rs.randn(num_components, D) * scale,
            "lower triangles": np.zeros((num_components, D, D)) + np.eye(D)}


def log_normalize(x):
    return x - logsumexp(x)


def unpack_gmm_params(params):
    normalized_log_proportions = log_normalize(params["log proportions"])
    return normalized_log_proportions, params["means"], params["lower triangles"]


def gmm_log_likelihood(params, data):
    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        cluster_lls.append(log_proportion + mvn.logpdf(data, mean, cov))
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))


init_params = init_gmm_params(num_components=3, D=2, scale=0.1)
data = make_pinwheel(radial_std=0.3, tangential_std=0.05, num_classes=3, num_per_class=10, rate=0.4)


def objective(params):
    return -gmm_log_likelihood(params, data)


flattened_obj, unflatten, flattened_init_params = flatten_func(objective, init_params)
lls = []
def callback(flattened_params):
    params = unflatten(flattened_params)
    lls.append(-objective(params))
g0 = grad(flattened_obj)(flattened_init_params)
hv0 = hessian_vector_product(flattened_obj)(flattened_init_params, np.ones(len(flattened_init_params)))
result = minimize(flattened_obj, flattened_init_params, jac=grad(flattened_obj),
                  hessp=hessian_vector_product(flattened_obj), method="Newton-CG",
                  callback=callback, options={"maxiter": 4})
RESULT = {"data": data, "g0": g0, "hv0": hv0, "lls": lls, "x": result.x}
