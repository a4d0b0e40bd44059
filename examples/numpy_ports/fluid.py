"""Differentiating through a 2-D fluid simulation (after HIPS autograd's fluidsim.py):
semi-Lagrangian advection with bilinear interpolation on a periodic grid, a pressure
projection by Jacobi sweeps, and the gradient of how far the final smoke is from a
target with respect to the initial velocity field. Integer cell indices come from
`np.floor(...).astype(int)`, and the interpolation weights are float64 as in NumPy.
`import tapegrad.numpy as np` is the only change from the autograd program.
"""
from typing import Any

import tapegrad.numpy as np
from tapegrad import value_and_grad


def project(vx: Any, vy: Any, iters: Any = 8) -> Any:
    """Make the velocity field (nearly) divergence free."""
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    p = np.zeros(vx.shape)
    for k in range(iters):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
             + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy


def advect(f: Any, vx: Any, vy: Any) -> Any:
    """Move the field f along (vx, vy): look back along the velocity and interpolate."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix              # float64 weights from int indices
    bw = center_ys - top_ix
    left_ix = np.mod(left_ix, cols)
    right_ix = np.mod(left_ix + 1, cols)
    top_ix = np.mod(top_ix, rows)
    bot_ix = np.mod(top_ix + 1, rows)
    flat_f = (1 - rw) * ((1 - bw) * f[top_ix, left_ix] + bw * f[bot_ix, left_ix]) \
        + rw * ((1 - bw) * f[top_ix, right_ix] + bw * f[bot_ix, right_ix])
    return np.reshape(flat_f, (rows, cols))


def simulate(vx: Any, vy: Any, smoke: Any, num_time_steps: Any) -> Any:
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
        smoke = advect(smoke, vx, vy)
    return smoke


def main(rows: Any = 10, cols: Any = 10, steps: Any = 4) -> Any:
    ys, xs = np.meshgrid(np.linspace(-1, 1, rows), np.linspace(-1, 1, cols), indexing="ij")
    smoke = np.exp(-8 * (xs ** 2 + ys ** 2))
    target = np.exp(-8 * ((xs - 0.3) ** 2 + (ys + 0.2) ** 2))
    init_v = 0.6 * np.stack([np.sin(np.pi * ys), np.cos(np.pi * xs)])

    def distance_from_target(v: Any) -> Any:
        final = simulate(v[0], v[1], smoke, steps)
        return np.mean((final - target) ** 2)
    value, g = value_and_grad(distance_from_target)(init_v)
    return {"value": value, "grad": g, "final": simulate(init_v[0], init_v[1], smoke, steps)}


if __name__ == "__main__":
    out = main(rows=24, cols=24, steps=10)
    print("distance:", out["value"], "gradient norm:", np.sqrt(np.sum(out["grad"] ** 2)))
