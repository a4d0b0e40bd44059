"""A small MLP classifier with per-example gradients, as in the JAX autodiff cookbook:
`vmap(grad(loss), in_axes=(None, 0, 0))` gives one gradient per example, which are
clipped by their norm and averaged (the DP-SGD recipe), then a jitted SGD step. Data:
three Gaussian blobs. Written for JAX; the import lines are its only changes.
"""
from typing import Any

import numpy as onp

import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap
from tapegrad.scipy.special import logsumexp


def init_params(rng: Any, sizes: Any) -> Any:
    return [(0.3 * jnp.array(rng.standard_normal((m, n))), jnp.zeros(n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def predict(params: Any, x: Any) -> Any:
    h = x
    for w, b in params[:-1]:
        h = jnp.tanh(jnp.dot(h, w) + b)
    w, b = params[-1]
    logits = jnp.dot(h, w) + b
    return logits - logsumexp(logits, axis=-1, keepdims=True)


def loss(params: Any, x: Any, y: Any) -> Any:
    """Negative log-likelihood of one example (x: features, y: one-hot label)."""
    return -jnp.sum(predict(params, x) * y)


def clipped_mean(per_example: Any, max_norm: Any) -> Any:
    flat = [jnp.reshape(g, (g.shape[0], -1)) for layer in per_example for g in layer]
    norms = jnp.sqrt(sum(jnp.sum(f ** 2, axis=1) for f in flat))
    scale = jnp.minimum(1.0, max_norm / (norms + 1e-12))
    return [tuple(jnp.mean(g * jnp.reshape(scale, (-1,) + (1,) * (g.ndim - 1)), axis=0)
                  for g in layer) for layer in per_example]


def main(steps: Any = 15, lr: Any = 0.5) -> Any:
    rng = onp.random.default_rng(1)
    centers = onp.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    labels = onp.repeat(onp.arange(3), 20)
    x = centers[labels] + 0.7 * rng.standard_normal((60, 2))
    y = onp.eye(3)[labels]
    params = init_params(rng, [2, 8, 3])

    per_example_grads = jit(vmap(grad(loss), in_axes=(None, 0, 0)))

    @jit
    def batch_loss(params: Any, x: Any, y: Any) -> Any:
        return jnp.mean(vmap(loss, in_axes=(None, 0, 0))(params, x, y))

    first = per_example_grads(params, x, y)
    for _ in range(steps):
        g = clipped_mean(per_example_grads(params, x, y), 1.0)
        params = [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, g)]
    correct = jnp.sum(jnp.argmax(vmap(predict, in_axes=(None, 0))(params, x), axis=1) == labels)
    return {"first_w0_grads": first[0][0], "loss": batch_loss(params, x, y),
            "w_out": params[-1][0], "correct": correct}


if __name__ == "__main__":
    out = main()
    print("loss:", out["loss"], "correct:", out["correct"], "of 60")
