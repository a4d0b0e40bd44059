"""The Lorenz system integrated with a hand-written RK4 in jax.numpy, the trajectory
kept with `.at[i].set`, and the sensitivity of a time-averaged observable to the
parameters (sigma, rho, beta) and to the initial state by `grad` and `jacfwd`; a short
fit of rho to an observed trajectory by gradient descent on the log-parameter. Written
for JAX; the import lines are its only changes.
"""
from typing import Any

import tapegrad.numpy as jnp
from tapegrad import grad, jacfwd, value_and_grad


def lorenz(state: Any, params: Any) -> Any:
    x, y, z = state[0], state[1], state[2]
    sigma, rho, beta = params[0], params[1], params[2]
    return jnp.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def rk4(state: Any, params: Any, dt: Any) -> Any:
    k1 = lorenz(state, params)
    k2 = lorenz(state + 0.5 * dt * k1, params)
    k3 = lorenz(state + 0.5 * dt * k2, params)
    k4 = lorenz(state + dt * k3, params)
    return state + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def trajectory(state0: Any, params: Any, steps: Any, dt: Any = 0.01) -> Any:
    traj = jnp.zeros((steps + 1, 3))
    traj = traj.at[0].set(state0)
    state = state0
    for i in range(steps):
        state = rk4(state, params, dt)
        traj = traj.at[i + 1].set(state)
    return traj


def mean_z(params: Any, state0: Any, steps: Any) -> Any:
    return jnp.mean(trajectory(state0, params, steps)[:, 2])


def main(steps: Any = 60) -> Any:
    params = jnp.array([10.0, 28.0, 8.0 / 3.0])
    state0 = jnp.array([1.0, 1.0, 1.0])
    observed = trajectory(state0, params, steps)

    def misfit(log_rho: Any) -> Any:
        p = jnp.array([10.0, 1.0, 8.0 / 3.0]) * jnp.array([1.0, 0.0, 1.0]) \
            + jnp.exp(log_rho) * jnp.array([0.0, 1.0, 0.0])
        return jnp.mean((trajectory(state0, p, steps) - observed) ** 2)

    log_rho = jnp.log(26.0)
    losses = []
    for _ in range(3):
        value, g = value_and_grad(misfit)(log_rho)
        losses.append(value)
        log_rho = log_rho - 1e-3 * g
    return {"dparams": grad(mean_z)(params, state0, steps),
            "dstate0": jacfwd(lambda s: trajectory(s, params, 20)[-1])(state0),
            "losses": jnp.stack(losses), "rho": jnp.exp(log_rho)}


if __name__ == "__main__":
    out = main()
    print("d mean(z) / d (sigma, rho, beta):", out["dparams"], "rho fit:", out["rho"])
