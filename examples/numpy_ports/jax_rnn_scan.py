"""A recurrent network written with `jax.lax`, as JAX tutorials write loops: the cell
runs over time with `lax.scan`, training steps run inside `lax.fori_loop` with the
parameters as its carry, gradients are clipped by `lax.cond` on their global norm, and
the learning rate comes from a `lax.while_loop` backtracking search. Data: noisy sine
waves with random phases (`random.uniform`, `random.normal`); weights from
`random.truncated_normal`. Written for JAX; the import lines are its only changes.
"""
from typing import Any

import tapegrad.numpy as jnp
from tapegrad import lax, random, value_and_grad


def init(key: Any, hidden: Any) -> Any:
    k1, k2, k3 = random.split(key, 3)
    s = 1.0 / jnp.sqrt(hidden)
    return {"wx": random.truncated_normal(k1, -2.0, 2.0, (1, hidden)) * 0.5,
            "wh": random.truncated_normal(k2, -2.0, 2.0, (hidden, hidden)) * s,
            "wo": random.truncated_normal(k3, -2.0, 2.0, (hidden, 1)) * s,
            "b": jnp.zeros(hidden)}


def run(params: Any, xs: Any) -> Any:
    """One-step-ahead predictions for xs of shape (time, batch)."""
    def cell(h: Any, x: Any) -> Any:
        h = jnp.tanh(x[:, None] @ params["wx"] + h @ params["wh"] + params["b"])
        return h, (h @ params["wo"])[:, 0]
    h0 = jnp.zeros((xs.shape[1], params["b"].shape[0]))
    _, ys = lax.scan(cell, h0, xs)
    return ys


def loss(params: Any, xs: Any) -> Any:
    ys = run(params, xs[:-1])
    return jnp.mean((ys - xs[1:]) ** 2)


def clip(grads: Any, max_norm: Any) -> Any:
    norm = jnp.sqrt(sum(jnp.sum(g ** 2) for g in grads.values()))
    return lax.cond(norm > max_norm,
                    lambda g: {k: v * (max_norm / norm) for k, v in g.items()},
                    lambda g: g, grads)


def backtrack(params: Any, grads: Any, xs: Any, value: Any) -> Any:
    """Halve the step until the loss decreases (at most 6 halvings)."""
    def worse(state: Any) -> Any:
        lr, i = state
        trial = {k: params[k] - lr * grads[k] for k in params}
        return (loss(trial, xs) > value) & (i < 6)
    lr, _ = lax.while_loop(worse, lambda s: (s[0] * 0.5, s[1] + 1),
                           (jnp.array(2.0), jnp.array(0)))
    return lr


def main(steps: Any = 8) -> Any:
    key = random.PRNGKey(3)
    k_phase, k_noise, k_init = random.split(key, 3)
    t = jnp.linspace(0.0, 4.0, 24)
    phases = random.uniform(k_phase, (6,), minval=0.0, maxval=2 * jnp.pi)
    xs = jnp.sin(t[:, None] * 2.0 + phases[None, :]) \
        + 0.05 * random.normal(k_noise, (24, 6))
    params = init(k_init, 8)

    def train_step(i: Any, carry: Any) -> Any:
        params, losses = carry
        value, grads = value_and_grad(loss)(params, xs)
        grads = clip(grads, 1.0)
        lr = backtrack(params, grads, xs, value)
        params = {k: params[k] - lr * grads[k] for k in params}
        return params, losses.at[i].set(value)

    params, losses = lax.fori_loop(0, steps, train_step, (params, jnp.zeros(steps)))
    window = lax.dynamic_slice(xs, (20, 0), (8, 2))      # clamped to the last 4 steps
    return {"losses": losses, "final": loss(params, xs), "wo": params["wo"][:, 0],
            "pred": run(params, xs)[-1], "window": window,
            "cumulative": lax.associative_scan(jnp.add, xs[:, 0])}


if __name__ == "__main__":
    out = main()
    print("losses:", out["losses"], "final:", out["final"])
