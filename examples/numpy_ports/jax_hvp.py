"""Hessian-vector products four ways, from the JAX autodiff cookbook: forward-over-
reverse `jvp(grad(f))`, reverse-over-forward `grad` of a `jvp`, reverse-over-reverse
`grad` of a `vdot` with the gradient, and the full `hessian` (and `jacfwd(jacrev(f))`)
times v; then a few Newton-CG steps on a Rosenbrock-type function using only HVPs.
Written for JAX; the import lines are its only changes.
"""
from typing import Any

import tapegrad.numpy as jnp
from tapegrad import grad, hessian, jacfwd, jacrev, jit, jvp


def f(x: Any) -> Any:
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2) \
        + jnp.sum(jnp.sin(x) * jnp.exp(-x ** 2))


def hvp_fwd_rev(f: Any, x: Any, v: Any) -> Any:
    return jvp(grad(f), (x,), (v,))[1]


def hvp_rev_fwd(f: Any, x: Any, v: Any) -> Any:
    return grad(lambda x: jvp(f, (x,), (v,))[1])(x)


def hvp_rev_rev(f: Any, x: Any, v: Any) -> Any:
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


def newton_cg(f: Any, x: Any, iters: Any = 3, cg_iters: Any = 10) -> Any:
    """Newton steps whose linear systems are solved by conjugate gradients on HVPs."""
    hvp = jit(lambda x, v: hvp_fwd_rev(f, x, v))
    g_fn = jit(grad(f))
    for _ in range(iters):
        g = g_fn(x)
        d = jnp.zeros_like(x)
        r = -g
        p = r
        for _ in range(cg_iters):
            hp = hvp(x, p)
            curv = jnp.vdot(p, hp)
            alpha = jnp.vdot(r, r) / curv
            d = d + alpha * p
            r_new = r - alpha * hp
            beta = jnp.vdot(r_new, r_new) / jnp.vdot(r, r)
            r, p = r_new, r_new + beta * p
        x = x + d
    return x


def main() -> Any:
    x = jnp.array([0.9, 1.1, 0.95, 1.05, 1.0])
    v = jnp.array([1.0, -0.5, 0.25, 2.0, -1.0])
    H = hessian(f)(x)
    x_star = newton_cg(f, x)
    return {"fwd_rev": hvp_fwd_rev(f, x, v), "rev_fwd": hvp_rev_fwd(f, x, v),
            "rev_rev": hvp_rev_rev(f, x, v), "hessian_v": jnp.dot(H, v),
            "jacfwd_jacrev_v": jnp.dot(jacfwd(jacrev(f))(x), v),
            "newton_x": x_star, "newton_f": f(x_star)}


if __name__ == "__main__":
    out = main()
    print("HVP:", out["fwd_rev"], "f after Newton-CG:", out["newton_f"])
