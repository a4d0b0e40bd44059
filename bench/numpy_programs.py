"""W9: NumPy programs written for HIPS autograd, run unchanged through each library's
NumPy module. Each program takes that module as `np` (and `logsumexp` from its SciPy
counterpart), so the same lines run on autograd.numpy, tapegrad.numpy and jax.numpy."""

HEAT_N = 64
HEAT_STEPS = 200
HEAT_ALPHA = 0.2                    # below 0.25: the explicit scheme is stable
NET_SIZES = (784, 200, 100, 10)     # autograd's examples/neural_net.py
NET_BATCH = 256
NET_L2 = 1.0
NET_LR = 1e-3


def heat_loss(np, u):
    """The explicit 2-D heat equation on a periodic grid, stepped HEAT_STEPS times from
    the initial field u; the loss is the energy of the final field."""
    for _ in range(HEAT_STEPS):
        lap = (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0)
               + np.roll(u, 1, axis=1) + np.roll(u, -1, axis=1) - 4.0 * u)
        u = u + HEAT_ALPHA * lap
    return np.sum(u * u)


def net_predict(np, logsumexp, params, inputs):
    """Log class probabilities of a tanh MLP (autograd's neural_net_predict)."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)


def net_objective(np, logsumexp, params, inputs, targets):
    """Minus the log posterior: an L2 prior on every weight plus the log likelihood."""
    log_prior = -NET_L2 * sum(np.sum(W * W) + np.sum(b * b) for W, b in params)
    log_lik = np.sum(net_predict(np, logsumexp, params, inputs) * targets)
    return -(log_prior + log_lik)


def net_step(params, grads):
    """One SGD step, the same plain Python over every library's arrays."""
    return [(W - NET_LR * gW, b - NET_LR * gb) for (W, b), (gW, gb) in zip(params, grads)]


def net_results(params):
    return {f"p{i}": p for i, p in enumerate(x for layer in params for x in layer)}
