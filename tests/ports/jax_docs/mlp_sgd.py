# A multilayer perceptron without Flax or Optax: parameters from jax.nn.initializers,
# plain SGD written with tree.map, minibatches shuffled with random.permutation each
# epoch, and the loss logged from inside the jitted step with jax.debug.callback.
import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import random

initializers = jax.nn.initializers


def init_mlp(key, sizes):
    w_init = initializers.glorot_normal()
    b_init = initializers.normal(stddev=0.01)
    params = []
    keys = random.split(key, len(sizes) - 1)
    for k, (n_in, n_out) in zip(keys, zip(sizes[:-1], sizes[1:])):
        wk, bk = random.split(k)
        params.append({"w": w_init(wk, (n_in, n_out)), "b": b_init(bk, (n_out,))})
    return params


def forward(params, x):
    for layer in params[:-1]:
        x = jax.nn.gelu(x @ layer["w"] + layer["b"], approximate=True)
    last = params[-1]
    return x @ last["w"] + last["b"]


def loss_fn(params, x, y):
    return jnp.mean((forward(params, x) - y) ** 2)


logged = []


@jax.jit
def sgd_step(params, x, y, lr):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    jax.debug.callback(lambda v: logged.append(float(v)), loss)
    return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss


key = random.PRNGKey(0)
data_key, init_key, shuffle_key = random.split(key, 3)
xs = random.uniform(data_key, (64, 2), minval=-1.0, maxval=1.0)
ys = jnp.sin(3.0 * xs[:, :1]) * jnp.cos(2.0 * xs[:, 1:])

params = init_mlp(init_key, [2, 16, 16, 1])
initial_w0 = params[0]["w"]
initial_b2 = params[2]["b"]
print(jax.tree.map(jnp.shape, params))

batch_size = 16
epoch_losses = []
for epoch in range(5):
    shuffle_key, perm_key = random.split(shuffle_key)
    perm = random.permutation(perm_key, xs.shape[0])
    for i in range(0, xs.shape[0], batch_size):
        idx = perm[i:i + batch_size]
        params, loss = sgd_step(params, xs[idx], ys[idx], 0.1)
    epoch_losses.append(loss_fn(params, xs, ys))
    print(f"epoch {epoch}: loss {epoch_losses[-1]:.6f}")

step_losses = jnp.array(logged)
final_w2 = params[2]["w"]
predictions = forward(params, xs[:4])
print(len(logged), predictions.ravel())
