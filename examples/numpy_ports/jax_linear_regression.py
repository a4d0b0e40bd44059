"""Linear regression in the style of the JAX 101 tutorials: parameters in a dict, a
mean squared error loss, `jit(grad(loss))` for the update and `jit(loss)` to monitor
it, trained by plain gradient descent. Written for JAX; `import tapegrad.numpy as jnp`
and `from tapegrad import grad, jit` are its only changes.
"""
from typing import Any

import numpy as onp

import tapegrad.numpy as jnp
from tapegrad import grad, jit


def model(params: Any, x: Any) -> Any:
    return jnp.dot(x, params["w"]) + params["b"]


def loss(params: Any, x: Any, y: Any) -> Any:
    return jnp.mean((model(params, x) - y) ** 2)


def main(steps: Any = 60, lr: Any = 0.1) -> Any:
    rng = onp.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    true_w, true_b = onp.array([1.5, -2.0, 0.5]), 0.3
    y = x @ true_w + true_b + 0.05 * rng.standard_normal(64)

    params = {"w": jnp.zeros(3), "b": jnp.array(0.0)}
    grad_fn = jit(grad(loss))
    loss_fn = jit(loss)
    history = []
    for step in range(steps):
        g = grad_fn(params, x, y)
        params = {k: params[k] - lr * g[k] for k in params}
        if step % 20 == 0:
            history.append(loss_fn(params, x, y))
    return {"w": params["w"], "b": params["b"], "history": jnp.stack(history),
            "final_loss": loss_fn(params, x, y)}


if __name__ == "__main__":
    out = main()
    print("w:", out["w"], "b:", out["b"], "loss:", out["final_loss"])
