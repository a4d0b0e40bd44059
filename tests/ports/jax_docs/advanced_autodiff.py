import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, lax, random

# TD(0) with stop_gradient
value_fn = lambda theta, state: jnp.dot(theta, state)
theta = jnp.array([0.1, -0.1, 0.])
s_tm1 = jnp.array([1., 2., -1.])
r_t = jnp.array(1.)
s_t = jnp.array([2., 1., 0.])
def td_loss(theta, s_tm1, r_t, s_t):
    v_tm1 = value_fn(theta, s_tm1)
    target = r_t + value_fn(theta, s_t)
    return -0.5 * ((jax.lax.stop_gradient(target) - v_tm1) ** 2)
td_update = jax.grad(td_loss)
delta_theta = td_update(theta, s_tm1, r_t, s_t)
print(delta_theta)
# straight-through estimator
def f(x):
    return jnp.round(x)
def straight_through_f(x):
    zero = x - jax.lax.stop_gradient(x)
    return zero + jax.lax.stop_gradient(f(x))
print("f(x): ", f(3.2))
print("straight_through_f(x):", straight_through_f(3.2))
print("grad(f)(x):", jax.grad(f)(3.2))
st_grad = jax.grad(straight_through_f)(3.2)
print("grad(straight_through_f)(x):", st_grad)
# per-example gradients
perex_grads = jax.jit(jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0)))
batched_s_tm1 = jnp.stack([s_tm1, s_tm1])
batched_r_t = jnp.stack([r_t, r_t])
batched_s_t = jnp.stack([s_t, s_t])
perex = perex_grads(theta, batched_s_tm1, batched_r_t, batched_s_t)
print(perex)
dtdloss_dtheta = jax.grad(td_loss)
dtdloss_dtheta(theta, s_tm1, r_t, s_t)
inefficient_perex_grads = jax.vmap(dtdloss_dtheta, in_axes=(None, 0, 0, 0))
perex2 = inefficient_perex_grads(theta, batched_s_tm1, batched_r_t, batched_s_t)
print(perex2)
# checkpoint
def g(W, x):
    y = jnp.dot(W, x)
    return jnp.sin(y)
def f2(W1, W2, W3, x):
    x = g(W1, x)
    x = g(W2, x)
    x = g(W3, x)
    return x
W1 = jnp.ones((5, 4))
W2 = jnp.ones((6, 5))
W3 = jnp.ones((7, 6))
x = jnp.ones(4)
def f3(W1, W2, W3, x):
    x = jax.checkpoint(g)(W1, x)
    x = jax.checkpoint(g)(W2, x)
    x = jax.checkpoint(g)(W3, x)
    return x
J1 = jax.jacrev(f2)(W1, W2, W3, x)
J2 = jax.jacrev(f3)(W1, W2, W3, x)
assert all(jnp.allclose(a, b) for a, b in zip(J1, J2)) if isinstance(J1, tuple) else jnp.allclose(J1, J2)
loss = lambda *a: jnp.sum(f3(*a))
gc = jax.grad(loss, argnums=(0, 1, 2))(W1, W2, W3, x)
g0 = jax.grad(lambda *a: jnp.sum(f2(*a)), argnums=(0, 1, 2))(W1, W2, W3, x)
assert all(jnp.allclose(a, b) for a, b in zip(gc, g0))
@jax.checkpoint
def remat_fn(x):
    return jnp.sin(jnp.sin(x))
g_remat = jax.grad(lambda x: remat_fn(x) * 2)(1.0)
print(g_remat)
from functools import partial
policy_fn = jax.checkpoint(g, policy=jax.checkpoint_policies.dots_with_no_batch_dims_saveable) if hasattr(jax, "checkpoint_policies") else jax.checkpoint(g)
g_policy = jax.grad(lambda W: jnp.sum(policy_fn(W, x)))(W1)
# nn functions
nn_values = (jax.nn.relu(jnp.array([-1.0, 2.0])), jax.nn.softmax(jnp.array([1.0, 2.0])),
             jax.nn.sigmoid(0.0), jax.nn.one_hot(jnp.array([0, 2]), 3),
             jax.nn.log_softmax(jnp.array([1.0, 2.0])), jax.nn.gelu(1.0, approximate=False),
             jax.nn.logsumexp(jnp.array([1.0, 2.0])), jax.nn.swish(1.0), jax.nn.softplus(1.0))
print(nn_values)
g_gelu = jax.grad(lambda x: jnp.sum(jax.nn.gelu(x, approximate=True)))(jnp.array([0.5, -0.3]))
print(g_gelu)
jax.debug.print("x = {}", x)
partial_sum = jax.tree_util.Partial(lambda a, b: a + b, 1.0)(2.0)
selected = lax.select(jnp.array([True, False]), jnp.ones(2), jnp.zeros(2))
g_cond = jax.grad(lambda x: lax.cond(x > 0, jnp.sin, jnp.cos, x))(0.5)
(v_aux, aux), g_aux = jax.value_and_grad(lambda x: (x ** 2, {'aux': x}), has_aux=True)(3.0)
g_norm = jax.grad(lambda x: jnp.linalg.norm(x))(jnp.array([3.0, 4.0]))
print(g_cond, v_aux, g_aux, g_norm)
