"""Fit the dynamics of an ODE to a trajectory: a small neural ODE.

In the spirit of HIPS autograd's `examples/ode_net.py`: the right-hand side is a
one-layer network whose weights are odeint's extra arguments, and the gradient of the
trajectory error flows through the solver by the adjoint method. A few plain gradient
steps pull the network's spiral towards the target spiral.
"""
from typing import Any

import numpy as onp
from scipy.integrate import odeint as reference_odeint

import tapegrad.numpy as np
from tapegrad import value_and_grad
from tapegrad.scipy.integrate import odeint

TRUE_A = onp.array([[-0.1, 2.0], [-2.0, -0.1]])
T = onp.linspace(0.0, 1.5, 12)
Y0 = onp.array([2.0, 0.0])


def true_dynamics(y: Any, t: Any) -> Any:
    return onp.dot(TRUE_A, y)


def net_dynamics(y: Any, t: Any, params: Any) -> Any:
    W = np.reshape(params[:4], (2, 2))
    b = params[4:6]
    return np.dot(W, np.tanh(y)) + b


TARGET = reference_odeint(true_dynamics, Y0, T)     # the trajectory to fit


def loss(params: Any) -> Any:
    predicted = odeint(net_dynamics, Y0, T, (params,))
    return np.mean((predicted - TARGET) ** 2)


def main(steps: int = 4, lr: float = 0.05) -> dict[str, Any]:
    params = onp.array([0.0, 1.0, -1.0, 0.0, 0.0, 0.0])
    losses: list[float] = []
    for _ in range(steps):
        value, grad = value_and_grad(loss)(params)
        losses.append(float(value))
        params = params - lr * onp.asarray(grad, dtype=float)
    return {"losses": losses, "params": params}


if __name__ == "__main__":
    res = main(steps=30)
    print("trajectory error by step:", onp.round(res["losses"][::5], 4))
