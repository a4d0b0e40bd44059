import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, lax, random
from functools import partial

x_np = np.linspace(0, 10, 1000)
y_np = 2 * np.sin(x_np) * np.cos(x_np)
x_jnp = jnp.linspace(0, 10, 1000)
y_jnp = 2 * jnp.sin(x_jnp) * jnp.cos(x_jnp)
print(type(x_np), isinstance(x_jnp, jax.Array))
x = jnp.arange(10)
y = x.at[0].set(10)
print(x)
print(y)
print(jnp.add(1, 1.0))
print(lax.add(jnp.float32(1), jnp.float32(1.0)))
x = jnp.array([1, 2, 1])
y = jnp.ones(10)
conv = jnp.convolve(x, y)
print(conv)
from tapegrad import lax as lx
result = lx.conv_general_dilated(
    x.reshape(1, 1, 3).astype(float),
    y.reshape(1, 1, 10),
    window_strides=(1,),
    padding=[(len(y) - 1, len(y) - 1)])
conv_lax = result[0, 0]
print(conv_lax)

def norm(X):
    X = X - X.mean(0)
    return X / X.std(0)
norm_compiled = jit(norm)
np.random.seed(1701)
X = jnp.array(np.random.rand(10000, 10))
assert np.allclose(norm(X), norm_compiled(X), atol=1E-6)
normed = norm_compiled(X)[:3]

def get_negatives(x):
    return x[x < 0]
x = jnp.array(np.random.randn(10))
negatives = get_negatives(x)
print(negatives)

@jit
def f(x, y):
    print("Running f():")
    print(f"  x = {x}")
    print(f"  y = {y}")
    result = jnp.dot(x + 1, y + 1)
    print(f"  result = {result}")
    return result
x = np.random.randn(3, 4)
y = np.random.randn(4)
f1 = f(x, y)
print(f1)
x2 = np.random.randn(3, 4)
y2 = np.random.randn(4)
f2 = f(x2, y2)
print(f2)

def f(x, neg):
    return -x if neg else x
f = jit(f, static_argnums=(1,))
print(f(1, True))

@partial(jit, static_argnums=(1,))
def f(x, neg):
    return -x if neg else x
print(f(1, True))

@jit
def f(x):
    return x.reshape(jnp.array(x.shape).prod())
x = jnp.ones((2, 3))
try:
    print(f(x))
except Exception as e:
    print(type(e).__name__)
@jit
def f(x):
    return x.reshape((np.prod(x.shape),))
print(f(x))

# jit with lax.cond and fori_loop
@jit
def g(x):
    return lax.cond(x > 0, lambda x: x * 2.0, lambda x: -x, x)
conds = (g(3.0), g(-2.0), grad(g)(3.0), grad(g)(-2.0))
print(conds)
def body(i, acc):
    return acc + i * acc * 0.1
loop = lax.fori_loop(0, 5, body, 1.0)
g_loop = grad(lambda a: lax.fori_loop(0, 5, lambda i, acc: acc * a, 1.0))(2.0)
print(loop, g_loop)
def cum(c, x):
    return c + x, c * x
scanned = lax.scan(cum, 0.0, jnp.arange(5.0))
g_scan = grad(lambda xs: lax.scan(cum, 0.0, xs)[1].sum())(jnp.arange(5.0))
print(scanned, g_scan)
