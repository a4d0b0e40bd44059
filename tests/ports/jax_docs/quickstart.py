import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, jacfwd, jacrev
from tapegrad import random
from tapegrad import device_put

key = random.key(1701)
x = random.normal(key, (10,))
print(x)
print(jax.devices())

size = 300
x = random.normal(key, (size, size), dtype=jnp.float32)
gram = jnp.dot(x, x.T).block_until_ready()
x_np = np.random.default_rng(0).normal(size=(size, size)).astype(np.float32)
x_dev = device_put(x_np)
gram_np = jnp.dot(x_dev, x_dev.T).block_until_ready()


def selu(x, alpha=1.67, lmbda=1.05):
    return lmbda * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)


x = jnp.arange(5.0)
print(selu(x))
print(jax.make_jaxpr(selu)(x))
selu_jit = jax.jit(selu)
_ = selu_jit(x)                     # compiles on first call
selu_values = selu_jit(x).block_until_ready()


def sum_logistic(x):
    return jnp.sum(1.0 / (1.0 + jnp.exp(-x)))


x_small = jnp.arange(3.)
derivative_fn = grad(sum_logistic)
derivative = derivative_fn(x_small)
print(derivative)


def first_finite_differences(f, x, eps=1E-3):
    return jnp.array([(f(x + eps * v) - f(x - eps * v)) / (2 * eps)
                      for v in jnp.eye(len(x))])


finite_differences = first_finite_differences(sum_logistic, x_small)
print(finite_differences)
third = grad(jit(grad(jit(grad(sum_logistic)))))(1.0)
print(third)


def hessian(fun):
    return jit(jacfwd(jacrev(fun)))


hess = hessian(sum_logistic)(x_small)
print(hess)

key1, key2 = random.split(key)
mat = random.normal(key1, (150, 100))
batched_x = random.normal(key2, (10, 100))


def apply_matrix(x):
    return jnp.dot(mat, x)


def naively_batched_apply_matrix(v_batched):
    return jnp.stack([apply_matrix(v) for v in v_batched])


@jit
def batched_apply_matrix(batched_x):
    return jnp.dot(batched_x, mat.T)


np.testing.assert_allclose(naively_batched_apply_matrix(batched_x),
                           batched_apply_matrix(batched_x), atol=1E-4, rtol=1E-4)


@jit
def vmap_batched_apply_matrix(batched_x):
    return vmap(apply_matrix)(batched_x)


batched = vmap_batched_apply_matrix(batched_x)
np.testing.assert_allclose(naively_batched_apply_matrix(batched_x), batched,
                           atol=1E-4, rtol=1E-4)
# per-example gradients: vmap of grad
per_example = vmap(grad(lambda w, x: jnp.sum(jnp.tanh(jnp.dot(mat, x) * w))),
                   in_axes=(None, 0))(0.3, batched_x)
print(per_example)
