"""HIPS autograd's tutorial (docs/tutorial.md), written here in its style: the tanh
example and its higher derivatives, logistic regression, a Taylor-series sine defined
with a loop, jacobian and hessian, complex gradients, a custom primitive with defvjp,
flatten and the misc optimizers, make_vjp, the convnet's scipy.signal.convolve, odeint
with gradients through its arguments; and NumPy-only scientific programs made
differentiable by the import line: least squares with np.linalg (lstsq, the normal
equations, pinv, QR), a Kalman filter's likelihood, finite-difference heat equations
(np.roll; np.pad and np.diff; np.gradient), an HMM forward algorithm with logsumexp, a
leapfrog N-body step, and splines through np.searchsorted and np.interp.

The tutorial runs under autograd too (the import lines switched back) and gives the same
values, except the gradient of a real function of a complex input, which follows
PyTorch's convention (the conjugate of autograd's; see docs/numerics.md). autograd
cannot run the odeint program (it differentiates odeint's arguments only in its own
tuple type) nor the science program (lstsq, qr and np.pad's edge mode have no VJP
there), so those are checked against closed forms and central finite differences."""
import re

import numpy as np
import pytest

from ._port import run

TUTORIAL = r'''
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad, elementwise_grad, jacobian, hessian, holomorphic_grad, value_and_grad, make_vjp
from tapegrad.misc.optimizers import adam, sgd
from tapegrad.misc import flatten
import tapegrad.scipy.stats.norm as norm
from tapegrad.scipy.signal import convolve
from tapegrad.extend import primitive, defvjp

def tanh(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)

grad_tanh = grad(tanh)
d_tanh = grad_tanh(1.0)
fd_tanh = (tanh(1.0001) - tanh(0.9999)) / 0.0002
print(d_tanh, fd_tanh)
x = np.linspace(-7, 7, 200)
d = [tanh(x), elementwise_grad(tanh)(x), elementwise_grad(elementwise_grad(tanh))(x),
     elementwise_grad(elementwise_grad(elementwise_grad(tanh)))(x)]
derivs = d

# logistic regression
def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))

inputs = np.array([[0.52, 1.12,  0.77],
                   [0.88, -1.08, 0.15],
                   [0.52, 0.06, -1.30],
                   [0.74, -2.49, 1.39]])
targets = np.array([True, True, False, True])
training_gradient_fun = grad(training_loss)
weights = np.array([0.0, 0.0, 0.0])
initial_loss = training_loss(weights)
print("Initial loss:", initial_loss)
for i in range(100):
    weights -= training_gradient_fun(weights) * 0.01
trained_loss = training_loss(weights)
print("Trained loss:", trained_loss)

# a function defined with a loop (Taylor series)
def taylor_sine(x):
    ans = currterm = x
    i = 0
    while np.abs(currterm) > 0.001:
        currterm = -currterm * x**2 / ((2 * i + 3) * (2 * i + 2))
        ans = ans + currterm
        i += 1
    return ans
grad_sine = grad(taylor_sine)
d_sine = grad_sine(np.pi)
print("Gradient of sin(pi) is", d_sine)

# jacobian & hessian
f = lambda x: np.array([x[0] ** 2 * x[1], 5 * x[0] + np.sin(x[1])])
jac = jacobian(f)(np.array([1.0, 2.0]))
hess = hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))

# complex
def f(z):
    return np.abs(z) ** 2
grad_sq_abs = grad(f)(1.0 + 2.0j)
def g(z):
    return z ** 2
holo = holomorphic_grad(g)(1.0 + 2.0j)
d_real_exp = grad(lambda z: np.real(np.exp(1j * z)))(0.3)

# custom primitive
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
grad_of_example = grad(example_func)
npr.seed(0)
y0 = npr.randn(10)
lse_grad = grad_of_example(y0)
print("Gradient: \n", lse_grad)
from tapegrad.test_util import check_grads
check_grads(example_func, modes=['rev'])(npr.randn(10))

# flatten and optimizers
params = {'w': np.ones((2, 3)), 'b': [np.zeros(3), 1.5]}
flat, unflatten = flatten(params)
flat_size = flat.shape
print(flat_size, unflatten(flat)['b'][1])

def objective(params, t):
    return np.sum((params['w'] - 3.0) ** 2) + np.sum(params['b'][0] ** 2) + params['b'][1] ** 2
opt = adam(grad(objective), params, step_size=0.1, num_iters=200)
adam_w, adam_b1 = opt['w'], opt['b'][1]
sgd_trace = []
def cb(params, it, g):
    if it % 50 == 0:
        sgd_trace.append(objective(params, it))
opt2 = sgd(grad(objective), params, step_size=0.05, num_iters=101, callback=cb, mass=0.9)

# make_vjp
vjp_fun, ans = make_vjp(np.sin)(np.array([0.0, 1.0]))
vjp_sin = vjp_fun(np.ones(2))

# convolve as in convnet.py
def conv_layer(inputs, W):
    return convolve(inputs, W, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode='valid')
npr.seed(1)
imgs = npr.randn(2, 1, 6, 6)
W = npr.randn(1, 3, 3, 3)
conv_out = conv_layer(imgs, W)
conv_grad = grad(lambda W: np.sum(conv_layer(imgs, W) ** 2))(W)

# norm.logpdf grads
d_logpdf = grad(lambda mu: np.sum(norm.logpdf(np.array([0.1, 0.5]), mu, 2.0)))(0.3)
'''

ODE = r'''
import tapegrad.numpy as np
from tapegrad import grad
from tapegrad.scipy.integrate import odeint

# odeint with gradient through args
def dynamics(y, t, a):
    return -a * y
def loss_ode(a):
    ts = np.linspace(0, 1.0, 5)
    ys = odeint(dynamics, np.array([1.0]), ts, tuple((a,)))
    return ys[-1, 0]
value, slope = loss_ode(0.7), grad(loss_ode)(0.7)

'''

SCIENCE = r'''
import numpy as onp
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad, value_and_grad, jacobian, hessian, elementwise_grad
from tapegrad.scipy.special import logsumexp

# 1. least-squares fit with np.linalg: gradient of the residual w.r.t. data
npr.seed(1)
t = np.linspace(0, 1, 20)
A = np.vstack([np.ones_like(t), t, t ** 2]).T
y_obs = 1.0 + 2.0 * t - 0.5 * t ** 2 + 0.01 * npr.randn(20)

def fit(y):
    coef, res, rank, sv = np.linalg.lstsq(A, y, rcond=None)
    return coef

def fit_normal(y):
    return np.linalg.solve(A.T @ A, A.T @ y)

def fit_pinv(y):
    return np.dot(np.linalg.pinv(A), y)

coef = fit(y_obs)
J1 = jacobian(fit)(y_obs)
J2 = jacobian(fit_normal)(y_obs)
J3 = jacobian(fit_pinv)(y_obs)
def sse(theta):
    r = A @ theta - y_obs
    return np.sum(r ** 2)
stationary = grad(sse)(coef)

def design_fit(tt):
    AA = np.stack([np.ones_like(tt), tt, tt ** 2], axis=1)
    q, r = np.linalg.qr(AA)
    return np.linalg.solve(r, q.T @ y_obs)
J_design = jacobian(design_fit)(t)

# 2. Kalman filter: log-likelihood of a 1-D random walk, gradient w.r.t. noise params
def kalman_loglik(params, ys):
    log_q, log_r = params
    q, r = np.exp(log_q), np.exp(log_r)
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.eye(2)
    R = np.array([[r]])
    m = np.zeros(2)
    P = np.eye(2)
    ll = 0.0
    for y in ys:
        m = F @ m
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        v = y - H @ m
        ll = ll - 0.5 * (np.log(2 * np.pi) + np.log(np.linalg.det(S)) + v @ np.linalg.solve(S, v))
        m = m + K @ v
        P = (np.eye(2) - K @ H) @ P
    return ll[0] if np.ndim(ll) else ll

ys = np.cumsum(npr.randn(25)).reshape(-1, 1)
p0 = np.array([-1.0, -0.5])
kalman_value, kalman_grad = value_and_grad(kalman_loglik)(p0, ys)

# 3. finite-difference heat equation (explicit), gradient w.r.t. the initial profile and kappa
def heat(u0, kappa, steps=50, dx=0.1, dt=0.002):
    u = u0
    for _ in range(steps):
        lap = (np.roll(u, 1) - 2 * u + np.roll(u, -1)) / dx ** 2
        u = u + dt * kappa * lap
    return u

x = np.linspace(0, 2 * np.pi, 32, endpoint=False)
u0 = np.sin(x) + 0.3 * np.cos(3 * x)
loss = lambda kappa: np.sum(heat(u0, kappa) ** 2)
heat_dkappa = grad(loss)(1.0)
heat_du0 = grad(lambda u: np.sum(heat(u, 1.0)[:5]))(u0)
def heat_pad(u0, kappa, steps=30, dx=0.1, dt=0.002):
    u = u0
    for _ in range(steps):
        up = np.pad(u, 1, mode="edge")
        u = u + dt * kappa * np.diff(up, 2) / dx ** 2
    return u
pad_dkappa = grad(lambda k: np.sum(heat_pad(u0, k) ** 2))(0.7)
def heat_grad2(u0):
    g = np.gradient(u0, 0.1)
    return np.sum(np.gradient(g, 0.1) ** 2)
grad2_du0 = grad(heat_grad2)(u0)

# 4. HMM forward algorithm with logsumexp
def hmm_loglik(log_pi, log_A, log_B, obs):
    alpha = log_pi + log_B[:, obs[0]]
    for o in obs[1:]:
        alpha = logsumexp(alpha[:, None] + log_A, axis=0) + log_B[:, o]
    return logsumexp(alpha)

def normalize_rows(W):
    return W - logsumexp(W, axis=-1, keepdims=True)

K, M = 3, 4
obs = npr.randint(0, M, size=30)
theta = (npr.randn(K), npr.randn(K, K), npr.randn(K, M))
def objective(theta):
    w_pi, w_A, w_B = theta
    return -hmm_loglik(normalize_rows(w_pi), normalize_rows(w_A), normalize_rows(w_B), obs)
hmm_value, hmm_grads = value_and_grad(objective)(theta)
# gradient of log-likelihood w.r.t. log_B gives expected counts
lp = normalize_rows(theta[0]); lA = normalize_rows(theta[1]); lB = normalize_rows(theta[2])
counts = grad(hmm_loglik, 2)(lp, lA, lB, obs)


# 5. N-body step (leapfrog), gradient of final energy w.r.t. initial positions
def accelerations(pos, masses, soft=0.1):
    d = pos[None, :, :] - pos[:, None, :]
    r2 = np.sum(d ** 2, axis=-1) + soft ** 2
    inv_r3 = r2 ** -1.5
    return np.einsum('ijk,ij,j->ik', d, inv_r3, masses)

def energy(pos, vel, masses, soft=0.1):
    kin = 0.5 * np.sum(masses[:, None] * vel ** 2)
    d = pos[None, :, :] - pos[:, None, :]
    r = np.sqrt(np.sum(d ** 2, axis=-1) + soft ** 2)
    iu = np.triu_indices(len(masses), 1)
    pot = -np.sum((masses[:, None] * masses[None, :] / r)[iu])
    return kin + pot

def simulate(pos, vel, masses, dt=0.01, steps=20):
    a = accelerations(pos, masses)
    for _ in range(steps):
        vel = vel + 0.5 * dt * a
        pos = pos + dt * vel
        a = accelerations(pos, masses)
        vel = vel + 0.5 * dt * a
    return pos, vel

pos0 = npr.randn(4, 3); vel0 = 0.1 * npr.randn(4, 3); masses = np.array([1.0, 0.5, 0.8, 1.2])
def final_energy(pos0):
    p, v = simulate(pos0, vel0, masses)
    return energy(p, v, masses)
E0, E1 = energy(pos0, vel0, masses), final_energy(pos0)
gE = grad(final_energy)(pos0)
gE0 = grad(lambda p: energy(p, vel0, masses))(pos0)

# 6. spline evaluation with searchsorted and interp
knots = np.linspace(0, 1, 8)
def lin_interp(values, xq):
    return np.interp(xq, knots, values)
def lin_interp_manual(values, xq):
    i = np.clip(np.searchsorted(knots, xq) - 1, 0, len(knots) - 2)
    w = (xq - knots[i]) / (knots[i + 1] - knots[i])
    return (1 - w) * values[i] + w * values[i + 1]
vals = np.sin(3 * knots)
xq = np.array([0.05, 0.33, 0.5, 0.77, 0.99])
interp_vals = (lin_interp(vals, xq), lin_interp_manual(vals, xq))
interp_jacs = (jacobian(lin_interp)(vals, xq), jacobian(lin_interp_manual)(vals, xq))
interp_slopes = (elementwise_grad(lin_interp, 1)(vals, xq),
                 elementwise_grad(lin_interp_manual, 1)(vals, xq))

def cubic_hermite(values, slopes, xq):
    i = np.clip(np.searchsorted(knots, xq, side='right') - 1, 0, len(knots) - 2)
    h = knots[i + 1] - knots[i]
    s = (xq - knots[i]) / h
    h00 = 2 * s ** 3 - 3 * s ** 2 + 1
    h10 = s ** 3 - 2 * s ** 2 + s
    h01 = -2 * s ** 3 + 3 * s ** 2
    h11 = s ** 3 - s ** 2
    return h00 * values[i] + h10 * h * slopes[i] + h01 * values[i + 1] + h11 * h * slopes[i + 1]
sl = 3 * np.cos(3 * knots)
hermite = cubic_hermite(vals, sl, xq)
hermite_slope = elementwise_grad(cubic_hermite, 2)(vals, sl, xq)
'''


_IMPORT = re.compile(r"^(import|from) tapegrad\b")


def _autograd_source(source):
    return "".join(line.replace("tapegrad", "autograd") if _IMPORT.match(line) else line
                   for line in source.splitlines(keepends=True))


def _np(v):
    if isinstance(v, (list, tuple)):
        return [_np(x) for x in v]
    if isinstance(v, dict):
        return {k: _np(x) for k, x in v.items()}
    return np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)


TUTORIAL_KEYS = ["d_tanh", "fd_tanh", "derivs", "initial_loss", "trained_loss", "d_sine",
                 "jac", "hess", "holo", "d_real_exp", "lse_grad", "flat", "adam_w",
                 "adam_b1", "sgd_trace", "vjp_sin", "conv_out", "conv_grad", "d_logpdf"]


def test_tutorial_matches_autograd():
    ours, _ = run(TUTORIAL, "ag_tutorial")
    np.testing.assert_allclose(float(ours["d_tanh"]), 1 - np.tanh(1.0) ** 2, rtol=1e-12)
    assert float(ours["trained_loss"]) < 0.5 * float(ours["initial_loss"])
    np.testing.assert_allclose(float(ours["d_sine"]), -1.0, atol=2e-4)
    # |z|^2 at 1+2j: PyTorch's convention gives 2z (autograd: its conjugate)
    assert complex(ours["grad_sq_abs"]) == 2 + 4j
    pytest.importorskip("autograd")
    theirs, _ = run(_autograd_source(TUTORIAL), "ag_tutorial", lib="autograd")
    assert complex(theirs["grad_sq_abs"]) == 2 - 4j
    for key in TUTORIAL_KEYS:
        np.testing.assert_allclose(np.asarray(_np(ours[key]), dtype=complex),
                                   np.asarray(_np(theirs[key]), dtype=complex),
                                   rtol=1e-10, atol=1e-12, err_msg=key)


def test_odeint_gradient_through_its_arguments():
    ns, _ = run(ODE, "ag_ode")
    np.testing.assert_allclose(float(ns["value"]), np.exp(-0.7), rtol=1e-6)
    np.testing.assert_allclose(float(ns["slope"]), -np.exp(-0.7), rtol=1e-5)


def _fd(f, x, eps=1e-6):
    """Central differences of a scalar f at array x."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        out[i] = (float(f(x + e)) - float(f(x - e))) / (2 * eps)
    return out


def test_science_programs():
    ns, _ = run(SCIENCE, "science")
    # least squares: lstsq, the normal equations and pinv agree; the fit is stationary
    np.testing.assert_allclose(_np(ns["J1"]), _np(ns["J2"]), atol=1e-10)
    np.testing.assert_allclose(_np(ns["J3"]), _np(ns["J2"]), atol=1e-10)
    np.testing.assert_allclose(_np(ns["stationary"]), 0.0, atol=1e-10)
    t = _np(ns["t"])
    fd = np.stack([_fd(lambda tt: ns["design_fit"](tt)[k], t) for k in range(3)])
    np.testing.assert_allclose(_np(ns["J_design"]), fd, rtol=1e-5, atol=1e-5)
    # Kalman filter
    ys = _np(ns["ys"])
    np.testing.assert_allclose(_np(ns["kalman_grad"]),
                               _fd(lambda p: ns["kalman_loglik"](p, ys), [-1.0, -0.5]),
                               rtol=1e-6)
    # heat equations
    u0 = _np(ns["u0"])
    np.testing.assert_allclose(float(ns["heat_dkappa"]), _fd(ns["loss"], 1.0), rtol=1e-6)
    np.testing.assert_allclose(_np(ns["heat_du0"]),
                               _fd(lambda u: np.sum(_np(ns["heat"](u, 1.0))[:5]), u0),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(float(ns["pad_dkappa"]),
                               _fd(lambda k: np.sum(_np(ns["heat_pad"](u0, k)) ** 2), 0.7),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(ns["grad2_du0"]), _fd(ns["heat_grad2"], u0), rtol=1e-5)
    # HMM: the gradient of the log likelihood in log B counts the observations
    assert abs(float(np.sum(_np(ns["counts"]))) - 30) < 1e-9
    w_pi, w_A, w_B = (_np(v) for v in ns["theta"])
    np.testing.assert_allclose(
        _np(ns["hmm_grads"][1]),
        _fd(lambda a: ns["objective"]((w_pi, a, w_B)), w_A), rtol=1e-5, atol=1e-8)
    # N-body: leapfrog keeps the energy, and its gradient, close
    assert abs(float(ns["E1"]) - float(ns["E0"])) < 1e-2
    np.testing.assert_allclose(_np(ns["gE"]), _fd(ns["final_energy"], _np(ns["pos0"])),
                               rtol=1e-5, atol=1e-7)
    # splines: interp equals the searchsorted version, values and derivatives
    a, b = _np(ns["interp_vals"])
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(*_np(ns["interp_jacs"]), atol=1e-12)
    np.testing.assert_allclose(*_np(ns["interp_slopes"]), rtol=1e-12)
    xq = _np(ns["xq"])
    np.testing.assert_allclose(_np(ns["hermite"]), np.sin(3 * xq), atol=2e-3)
    np.testing.assert_allclose(_np(ns["hermite_slope"]), 3 * np.cos(3 * xq), atol=2e-2)
