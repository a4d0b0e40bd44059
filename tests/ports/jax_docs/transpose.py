# jax.linear_transpose, as its documentation and the autodiff cookbook use it: the
# transpose of a linear map from shapes alone, reverse mode rebuilt from linearize
# plus transpose, and eval_shape to see what a function returns.
import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import random

f = lambda x, y: 0.5 * x - 0.5 * y
scalar = jax.ShapeDtypeStruct(shape=(), dtype=np.dtype(np.float64))
f_transpose = jax.linear_transpose(f, scalar, scalar)
doc_example = f_transpose(1.0)
print(doc_example)

key = random.PRNGKey(1)
A = random.normal(key, (3, 4))
matvec_t = jax.linear_transpose(lambda v: A @ v, jnp.zeros(4))
ct = jnp.array([1.0, -2.0, 0.5])
matvec_transposed = matvec_t(ct)[0]
print(np.allclose(matvec_transposed, A.T @ ct))


def smooth(x):
    kernel = jnp.array([0.25, 0.5, 0.25])
    return jnp.convolve(x, kernel, mode="same")


smooth_t = jax.linear_transpose(smooth, jnp.zeros(6))
impulse_response = smooth_t(jnp.eye(6)[2])[0]
print(impulse_response)


def model(w):
    return jnp.tanh(A @ w) ** 2


w = jnp.array([0.1, -0.2, 0.3, 0.4])
y, model_jvp = jax.linearize(model, w)
model_vjp_from_transpose = jax.linear_transpose(model_jvp, w)
cot = jnp.array([1.0, 0.5, -1.0])
vjp_by_transpose = model_vjp_from_transpose(cot)[0]
vjp_direct = jax.vjp(model, w)[1](cot)[0]
print(vjp_by_transpose)


def split_sum(tree):
    return {"total": tree["a"].sum() + 2.0 * tree["b"], "scaled": 3.0 * tree["a"]}


tree_t = jax.linear_transpose(split_sum, {"a": jnp.zeros(3), "b": 0.0})
tree_transposed = tree_t({"total": 1.0, "scaled": jnp.array([1.0, 2.0, 3.0])})[0]
print(tree_transposed)

shapes = jax.eval_shape(lambda x: {"y": model(x), "g": jax.grad(lambda v: model(v).sum())(x)}, w)
print(shapes)
shape_list = [list(shapes["y"].shape), list(shapes["g"].shape)]
