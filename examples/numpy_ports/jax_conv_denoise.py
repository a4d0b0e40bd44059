"""Learning a smoothing filter with convolutions in jax.numpy: a 1-D kernel applied
with `jnp.convolve(mode="same")` is fitted by `grad` to map a noisy signal to the clean
one, and a 3x3 image filter written the JAX-tutorial way (shifted slices of a padded
image, summed with the kernel weights, batched with `vmap`) is fitted the same way.
Written for JAX; the import lines are its only changes.
"""
from typing import Any

import numpy as onp

import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap


def conv2d_same(img: Any, k: Any) -> Any:
    p = jnp.pad(img, 1, mode="edge")
    h, w = img.shape
    out = jnp.zeros_like(img)
    for i in range(3):
        for j in range(3):
            out = out + k[i, j] * p[i:i + h, j:j + w]
    return out


def main(steps: Any = 40) -> Any:
    rng = onp.random.default_rng(4)
    t = onp.linspace(0.0, 1.0, 64)
    clean = onp.sin(6.0 * t) + 0.5 * onp.sign(t - 0.5)
    noisy = clean + 0.3 * rng.standard_normal(64)

    def loss1d(k: Any) -> Any:
        return jnp.mean((jnp.convolve(noisy, k, mode="same") - clean) ** 2)

    k1 = jnp.zeros(7).at[3].set(1.0)
    g1 = jit(grad(loss1d))
    for _ in range(steps):
        k1 = k1 - 0.5 * g1(k1)

    yy, xx = onp.mgrid[0:12, 0:12] / 11.0
    images = onp.stack([onp.sin(3 * xx + s) * onp.cos(2 * yy) for s in (0.0, 0.7, 1.4)])
    noisy_images = images + 0.2 * rng.standard_normal(images.shape)

    def loss2d(k: Any) -> Any:
        out = vmap(conv2d_same, in_axes=(0, None))(noisy_images, k)
        return jnp.mean((out - images) ** 2)

    k2 = jnp.zeros((3, 3)).at[1, 1].set(1.0)
    g2 = jit(grad(loss2d))
    for _ in range(steps // 2):
        k2 = k2 - 0.2 * g2(k2)
    return {"kernel1d": k1, "loss1d": loss1d(k1), "kernel2d": k2, "loss2d": loss2d(k2)}


if __name__ == "__main__":
    out = main()
    print("1-D loss:", out["loss1d"], "2-D loss:", out["loss2d"])
