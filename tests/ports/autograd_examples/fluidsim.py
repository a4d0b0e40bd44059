"""HIPS autograd's fluidsim/fluidsim.py: a 2-D smoke simulation (np.roll, floor/astype/mod fancy indexing, `vx -=`) optimised by scipy's CG through value_and_grad; a 12x12 grid, 6 steps, Gaussian blobs for the images.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
from scipy.optimize import minimize

import tapegrad.numpy as np
from tapegrad import value_and_grad


def project(vx, vy):
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for k in range(10):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
             + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy


def advect(f, vx, vy):
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix
    bw = center_ys - top_ix
    left_ix = np.mod(left_ix, rows)
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix])
    return np.reshape(flat_f, (rows, cols))


def simulate(vx, vy, smoke, num_time_steps, ax=None, render=False):
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
        smoke = advect(smoke, vx, vy)
    return smoke


simulation_timesteps = 6
rows, cols = 12, 12
yy, xx = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
init_smoke = np.exp(-((xx - 6.0) ** 2 + (yy - 4.0) ** 2) / 8.0)
target = np.exp(-((xx - 5.0) ** 2 + (yy - 8.0) ** 2) / 6.0)
init_dx_and_dy = np.zeros((2, rows, cols)).ravel() + 0.01


def distance_from_target_image(smoke):
    return np.mean((target - smoke) ** 2)


def convert_param_vector_to_matrices(params):
    vx = np.reshape(params[:(rows * cols)], (rows, cols))
    vy = np.reshape(params[(rows * cols):], (rows, cols))
    return vx, vy


def objective(params):
    init_vx, init_vy = convert_param_vector_to_matrices(params)
    final_smoke = simulate(init_vx, init_vy, init_smoke, simulation_timesteps)
    return distance_from_target_image(final_smoke)


objective_with_grad = value_and_grad(objective)
v0, g0 = objective_with_grad(init_dx_and_dy)
values = []
result = minimize(objective_with_grad, init_dx_and_dy, jac=True, method="CG",
                  options={"maxiter": 3}, callback=lambda p: values.append(objective(p)))
RESULT = {"v0": v0, "g0": g0, "values": values, "x": result.x}
