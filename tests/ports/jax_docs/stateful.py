import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import random
from typing import NamedTuple

class Counter:
    def __init__(self):
        self.n = 0
    def count(self) -> int:
        self.n += 1
        return self.n
    def reset(self):
        self.n = 0
counter = Counter()
for _ in range(3):
    print(counter.count())
counter.reset()
fast_count = jax.jit(counter.count)
jit_counts = [int(fast_count()) for _ in range(3)]
print(jit_counts)

CounterState = int
class CounterV2:
    def count(self, n: CounterState):
        return n + 1, n + 1
    def reset(self):
        return 0
counter = CounterV2()
state = counter.reset()
for _ in range(3):
    value, state = counter.count(state)
    print(value)
state = counter.reset()
fast_count = jax.jit(counter.count)
for _ in range(3):
    value, state = fast_count(state)
    print(value)

class Params(NamedTuple):
    weight: jnp.ndarray
    bias: jnp.ndarray

def init(rng) -> Params:
    weights_key, bias_key = jax.random.split(rng)
    weight = jax.random.normal(weights_key, ())
    bias = jax.random.normal(bias_key, ())
    return Params(weight, bias)

def loss(params: Params, x: jnp.ndarray, y: jnp.ndarray) -> jnp.ndarray:
    pred = params.weight * x + params.bias
    return jnp.mean((pred - y) ** 2)

LEARNING_RATE = 0.005

@jax.jit
def update(params: Params, x: jnp.ndarray, y: jnp.ndarray) -> Params:
    grad = jax.grad(loss)(params, x, y)
    new_params = jax.tree.map(lambda param, g: param - g * LEARNING_RATE, params, grad)
    return new_params

rng = jax.random.key(42)
true_w, true_b = 2, -1
x_rng, noise_rng = jax.random.split(rng)
xs = jax.random.normal(x_rng, (128, 1))
noise = jax.random.normal(noise_rng, (128, 1)) * 0.5
ys = xs * true_w + true_b + noise
params = init(rng)
for _ in range(1000):
    params = update(params, xs, ys)
fitted = (params.weight, params.bias)
print(f"w: {params.weight:<.2f}, b: {params.bias:<.2f}")
print(type(params).__name__)

# keys: reuse vs split, sequential vs vectorized draws
key = random.key(42)
print(random.normal(key), random.normal(key))
for i in range(3):
    key, subkey = random.split(key)
    val = random.normal(subkey)
    print(f"draw {i}: {val}")
key = random.key(42)
subkeys = random.split(key, 3)
sequence = np.stack([random.normal(subkey) for subkey in subkeys])
at_once = random.normal(key, shape=(3,))
vmapped = jax.vmap(random.normal)(subkeys)
print("individually:", sequence)
print("all at once: ", at_once)
print(vmapped)
print(random.key_data(key))
key2 = random.PRNGKey(42)
print(key2)
print(random.normal(key2, (2,)))
uniform = random.uniform(random.key(1), (3,), minval=-1.0, maxval=1.0)
split_data = random.key_data(random.split(random.key(1)))
print(uniform, split_data)
