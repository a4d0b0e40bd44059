"""The MLP of JAX's "Training a simple neural network" tutorial, with JAX's explicit
random keys: parameters initialised from `random.split` keys, a vmap-ed `predict` whose
dropout masks come from one key per example (`random.bernoulli` under vmap), a
`jit`-ed SGD step with `fold_in(key, step)`, and minibatches cut by
`lax.dynamic_slice_in_dim`. Data: three Gaussian blobs drawn with `random.normal` and
labels with `random.categorical`. Written for JAX; the import lines are its only
changes.
"""
from typing import Any

import tapegrad.numpy as jnp
from tapegrad import grad, jit, lax, nn, random, vmap
from tapegrad.scipy.special import logsumexp


def random_layer_params(m: Any, n: Any, key: Any, scale: Any = 0.3) -> Any:
    w_key, b_key = random.split(key)
    return scale * random.normal(w_key, (n, m)), scale * random.normal(b_key, (n,))


def init_network_params(sizes: Any, key: Any) -> Any:
    keys = random.split(key, len(sizes))
    return [random_layer_params(m, n, k) for m, n, k in zip(sizes[:-1], sizes[1:], keys)]


def predict(params: Any, x: Any, key: Any, keep: Any) -> Any:
    activations = x
    for w, b in params[:-1]:
        h = nn.relu(jnp.dot(w, activations) + b)
        mask = random.bernoulli(key, keep, h.shape)
        activations = jnp.where(mask, h / keep, 0.0)
        key = random.fold_in(key, 1)
    final_w, final_b = params[-1]
    logits = jnp.dot(final_w, activations) + final_b
    return logits - logsumexp(logits)


batched_predict = vmap(predict, in_axes=(None, 0, 0, None))


def loss(params: Any, x: Any, y: Any, key: Any, keep: Any) -> Any:
    keys = random.split(key, x.shape[0])
    return -jnp.mean(jnp.sum(batched_predict(params, x, keys, keep) * y, axis=1))


@jit
def update(params: Any, x: Any, y: Any, key: Any) -> Any:
    grads = grad(loss)(params, x, y, key, 0.9)
    return [(w - 0.5 * dw, b - 0.5 * db) for (w, b), (dw, db) in zip(params, grads)]


def make_data(key: Any, n: Any) -> Any:
    k_label, k_noise = random.split(key)
    labels = random.categorical(k_label, jnp.zeros(3), shape=(n,))
    centers = jnp.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    x = centers[labels] + 0.6 * random.normal(k_noise, (n, 2))
    return x, nn.one_hot(labels, 3), labels


def main(steps: Any = 12, batch: Any = 16) -> Any:
    key = random.PRNGKey(0)
    key, k_data, k_init = random.split(key, 3)
    x, y, labels = make_data(k_data, 64)
    params = init_network_params([2, 16, 3], k_init)
    losses = []
    for step in range(steps):
        start = (step * batch) % x.shape[0]
        xb = lax.dynamic_slice_in_dim(x, start, batch)
        yb = lax.dynamic_slice_in_dim(y, start, batch)
        k_step = random.fold_in(key, step)
        losses.append(loss(params, xb, yb, k_step, 0.9))
        params = update(params, xb, yb, k_step)
    ones = random.split(key, x.shape[0])
    logp = batched_predict(params, x, ones, 1.0)
    accuracy = jnp.mean(jnp.argmax(logp, axis=1) == labels)
    return {"losses": jnp.stack(losses), "w0": params[0][0], "b1": params[1][1],
            "logp": logp[:5], "accuracy": accuracy}


if __name__ == "__main__":
    out = main()
    print("losses:", out["losses"], "accuracy:", out["accuracy"])
