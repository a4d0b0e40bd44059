"""HIPS autograd's fluidsim/wing.py: lift over drag of an occlusion in a 2-D flow (slice assignment into constant arrays, np.roll), scipy's CG; a 16x20 grid, 4 steps.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
from tapegrad import value_and_grad
from scipy.optimize import minimize

rows, cols = 16, 20


def occlude(f, occlusion):
    return f * (1 - occlusion)


def project(vx, vy, occlusion):
    p = np.zeros(vx.shape)
    div = -0.5 * (np.roll(vx, -1, axis=1) - np.roll(vx, 1, axis=1)
                  + np.roll(vy, -1, axis=0) - np.roll(vy, 1, axis=0))
    div = make_continuous(div, occlusion)
    for k in range(8):
        p = (div + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)
             + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)) / 4.0
        p = make_continuous(p, occlusion)
    vx = vx - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    vy = vy - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))
    vx = occlude(vx, occlusion)
    vy = occlude(vy, occlusion)
    return vx, vy


def advect(f, vx, vy):
    rows, cols = f.shape
    cell_xs, cell_ys = np.meshgrid(np.arange(cols), np.arange(rows))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()
    left_ix = np.floor(center_ys).astype(int)
    top_ix = np.floor(center_xs).astype(int)
    rw = center_ys - left_ix
    bw = center_xs - top_ix
    left_ix = np.mod(left_ix, rows)
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix])
    return np.reshape(flat_f, (rows, cols))


def make_continuous(f, occlusion):
    non_occluded = 1 - occlusion
    num = (np.roll(f, 1, axis=0) * np.roll(non_occluded, 1, axis=0)
           + np.roll(f, -1, axis=0) * np.roll(non_occluded, -1, axis=0)
           + np.roll(f, 1, axis=1) * np.roll(non_occluded, 1, axis=1)
           + np.roll(f, -1, axis=1) * np.roll(non_occluded, -1, axis=1))
    den = (np.roll(non_occluded, 1, axis=0) + np.roll(non_occluded, -1, axis=0)
           + np.roll(non_occluded, 1, axis=1) + np.roll(non_occluded, -1, axis=1))
    return f * non_occluded + (1 - non_occluded) * num / (den + 0.001)


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def simulate(vx, vy, num_time_steps, occlusion, ax=None, render=False):
    occlusion = sigmoid(occlusion)
    mask = np.zeros((rows, cols))
    mask[4:12, 4:12] = 1.0
    occlusion = occlusion * mask
    red_smoke = np.zeros((rows, cols))
    red_smoke[rows // 4: rows // 2] = 1
    blue_smoke = np.zeros((rows, cols))
    blue_smoke[rows // 2: 3 * rows // 4] = 1
    vx, vy = project(vx, vy, occlusion)
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated, occlusion)
        red_smoke = advect(red_smoke, vx, vy)
        red_smoke = occlude(red_smoke, occlusion)
        blue_smoke = advect(blue_smoke, vx, vy)
        blue_smoke = occlude(blue_smoke, occlusion)
    smokes.append(red_smoke + 2 * blue_smoke)
    return vx, vy


smokes = []
simulation_timesteps = 4
init_vx = np.ones((rows, cols))
init_vy = np.zeros((rows, cols))
init_occlusion = -np.ones((rows, cols))
init_occlusion[6:10, 6:10] = 0.0
init_occlusion = init_occlusion.ravel()


def drag(vx):
    return np.mean(init_vx - vx)


def lift(vy):
    return np.mean(vy - init_vy)


def objective(params):
    cur_occlusion = np.reshape(params, (rows, cols))
    final_vx, final_vy = simulate(init_vx, init_vy, simulation_timesteps, cur_occlusion)
    return -lift(final_vy) / drag(final_vx)


objective_with_grad = value_and_grad(objective)
v0, g0 = objective_with_grad(init_occlusion)
result = minimize(objective_with_grad, init_occlusion, jac=True, method="CG", options={"maxiter": 2})
final = objective(result.x)
RESULT = {"v0": v0, "g0": g0, "fun": result.fun, "x": result.x, "final": final, "smoke": smokes[-1]}
