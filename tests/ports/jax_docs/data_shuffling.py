# Shuffling and sampling a data set with explicit keys: a permutation per epoch (the
# usual JAX data loader), bootstrap resamples with random.choice, weighted sampling
# with and without replacement, random minibatch indices with randint, and per-row
# shuffles with permutation(..., independent=True).
import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import random

data = jnp.arange(20.0).reshape(10, 2)
labels = jnp.arange(10) % 3


def data_loader(key, x, y, batch_size):
    perm = random.permutation(key, x.shape[0])
    for i in range(0, x.shape[0], batch_size):
        idx = perm[i:i + batch_size]
        yield x[idx], y[idx]


key = random.PRNGKey(2024)
epoch_orders = []
for epoch in range(3):
    key, sub = random.split(key)
    order = []
    for xb, yb in data_loader(sub, data, labels, batch_size=4):
        order.extend(yb.tolist())
    epoch_orders.append(order)
    print(f"epoch {epoch}: {order}")

key, boot_key = random.split(key)
boot_keys = random.split(boot_key, 4)
bootstrap_means = jax.vmap(
    lambda k: jnp.mean(random.choice(k, data[:, 0], (10,), replace=True)))(boot_keys)
print(bootstrap_means)

weights = jnp.array([0.05, 0.05, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
key, w_key = random.split(key)
weighted_with = random.choice(w_key, 10, (12,), p=weights)
weighted_without = random.choice(w_key, 10, (5,), replace=False, p=weights)
print(weighted_with, weighted_without)

key, r_key = random.split(key)
minibatch_idx = random.randint(r_key, (3, 4), 0, data.shape[0])
print(minibatch_idx)

key, s_key = random.split(key)
rows_shuffled = random.permutation(s_key, jnp.arange(12).reshape(3, 4), axis=1,
                                   independent=True)
cols_permuted = random.permutation(s_key, data, axis=1)
print(rows_shuffled)

big_perm_head = random.permutation(random.PRNGKey(7), 5000)[:10]
print(big_perm_head)
