import numpy as np
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, jvp, vjp, custom_jvp, custom_vjp
from tapegrad import lax
from tapegrad.test_util import check_grads

def log1pexp(x):
    return jnp.log(1. + jnp.exp(x))
print(log1pexp(3.))
print(jit(log1pexp)(3.))
print(jit(grad(log1pexp))(3.))
print(vmap(jit(grad(log1pexp)))(jnp.arange(3.)))
g_naive_100 = grad(log1pexp)(100.)
print(g_naive_100)

@custom_jvp
def log1pexp(x):
    return jnp.log(1. + jnp.exp(x))

@log1pexp.defjvp
def log1pexp_jvp(primals, tangents):
    x, = primals
    x_dot, = tangents
    ans = log1pexp(x)
    ans_dot = (1 - 1/(1 + jnp.exp(x))) * x_dot
    return ans, ans_dot

g_custom_100 = grad(log1pexp)(100.)
print(g_custom_100)
print(jit(log1pexp)(3.))
print(jit(grad(log1pexp))(3.))
print(vmap(jit(grad(log1pexp)))(jnp.arange(3.)))

@custom_jvp
def log1pexp(x):
    return jnp.log(1. + jnp.exp(x))
log1pexp.defjvps(lambda t, ans, x: (1 - 1/(1 + jnp.exp(x))) * t)
g_defjvps_100 = grad(log1pexp)(100.)
print(g_defjvps_100)

def f(x):
    return x / (1 + jnp.sqrt(x))
g_sqrt_naive = grad(f)(0.)
print(g_sqrt_naive)

@custom_jvp
def f(x):
    return x / (1 + jnp.sqrt(x))

@f.defjvp
def f_jvp(primals, tangents):
    x, = primals
    x_dot, = tangents
    ans = f(x)
    ans_dot = ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1)**2)) * x_dot
    return ans, ans_dot
g_sqrt_custom = grad(f)(0.)
print(g_sqrt_custom)

@custom_jvp
def f(x):
    return x / (1 + jnp.sqrt(x))
f.defjvps(lambda t, ans, x: ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1)**2)) * t)
g_sqrt_defjvps = grad(f)(0.)
print(g_sqrt_defjvps)

# gradient clipping
@custom_vjp
def clip_gradient(lo, hi, x):
    return x

def clip_gradient_fwd(lo, hi, x):
    return x, (lo, hi)

def clip_gradient_bwd(res, g):
    lo, hi = res
    return (None, None, jnp.clip(g, lo, hi))

clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)

t = jnp.linspace(0, 10, 1000)
y1 = jnp.sin(t)
y2 = vmap(grad(jnp.sin))(t)
def clip_sin(x):
    x = clip_gradient(-0.75, 0.75, x)
    return jnp.sin(x)
y3 = vmap(grad(clip_sin))(t)
print(float(jnp.max(y3)), float(jnp.min(y3)))
assert jnp.allclose(y3, jnp.clip(jnp.cos(t), -0.75, 0.75))

# fixed point iteration
def fixed_point(f, a, x_guess):
    def cond_fun(carry):
        x_prev, x = carry
        return jnp.abs(x_prev - x) > 1e-6
    def body_fun(carry):
        _, x = carry
        return x, f(a, x)
    _, x_star = lax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
    return x_star

def newton_sqrt(a):
    update = lambda a, x: 0.5 * (x + a / x)
    return fixed_point(update, a, a)
print(newton_sqrt(2.))
sqrt_batch = jit(vmap(newton_sqrt))(jnp.array([1., 2., 3., 4.]))
print(sqrt_batch)

from functools import partial

@partial(custom_vjp, nondiff_argnums=(0,))
def fixed_point(f, a, x_guess):
    def cond_fun(carry):
        x_prev, x = carry
        return jnp.abs(x_prev - x) > 1e-6
    def body_fun(carry):
        _, x = carry
        return x, f(a, x)
    _, x_star = lax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
    return x_star

def fixed_point_fwd(f, a, x_init):
    x_star = fixed_point(f, a, x_init)
    return x_star, (a, x_star)

def fixed_point_rev(f, res, x_star_bar):
    a, x_star = res
    _, vjp_a = vjp(lambda a: f(a, x_star), a)
    a_bar, = vjp_a(fixed_point(partial(rev_iter, f),
                               (a, x_star, x_star_bar),
                               x_star_bar))
    return a_bar, jnp.zeros_like(x_star)

def rev_iter(f, packed, u):
    a, x_star, x_star_bar = packed
    _, vjp_x = vjp(lambda x: f(a, x), x_star)
    return x_star_bar + vjp_x(u)[0]

fixed_point.defvjp(fixed_point_fwd, fixed_point_rev)
print(newton_sqrt(2.))
g_newton_sqrt = grad(newton_sqrt)(2.)
print(g_newton_sqrt)
g_exact_sqrt = grad(grad(jnp.sqrt))(2.)
print(g_exact_sqrt)

# custom_jvp with nondiff_argnums
@partial(custom_jvp, nondiff_argnums=(0,))
def app(f, x):
    return f(x)
@app.defjvp
def app_jvp(f, primals, tangents):
    x, = primals
    x_dot, = tangents
    return f(x), 2. * x_dot
print(app(lambda x: x ** 3, 3.))
g_app = grad(app, 1)(lambda x: x ** 3, 3.)
print(g_app)

@partial(custom_jvp, nondiff_argnums=(0, 2))
def app2(f, x, g):
    return f(g((x)))
@app2.defjvp
def app2_jvp(f, g, primals, tangents):
    x, = primals
    x_dot, = tangents
    return f(g(x)), 3. * x_dot
print(app2(lambda x: x ** 3, 3., lambda y: 5 * y))
g_app2 = grad(app2, 1)(lambda x: x ** 3, 3., lambda y: 5 * y)
print(g_app2)

# custom_vjp with nondiff_argnums
@partial(custom_vjp, nondiff_argnums=(0,))
def app(f, x):
    return f(x)
def app_fwd(f, x):
    return f(x), x
def app_bwd(f, x, g):
    return (5 * g,)
app.defvjp(app_fwd, app_bwd)
print(app(lambda x: x ** 2, 4.))
g_app_vjp = grad(app, 1)(lambda x: x ** 2, 4.)
print(g_app_vjp)

# check_grads and has_aux
@custom_jvp
def f(x):
    return jnp.sin(x)
@f.defjvp
def f_jvp(primals, tangents):
    x, = primals
    t, = tangents
    return f(x), jnp.cos(x) * t
check_grads(f, (3.,), order=2, modes=['fwd', 'rev'])

@custom_vjp
def f(x, y):
    return jnp.sin(x) * y
def f_fwd(x, y):
    return f(x, y), (jnp.cos(x), jnp.sin(x), y)
def f_bwd(res, g):
    cos_x, sin_x, y = res
    return (cos_x * g * y, sin_x * g)
f.defvjp(f_fwd, f_bwd)
g_sin_y = grad(f)(2., 3.)
print(g_sin_y)
g_both = grad(f, argnums=(0, 1))(2., 3.)
print(g_both)

# python control flow inside custom_jvp
@custom_jvp
def f(x):
    if x > 0:
        return jnp.sin(x)
    else:
        return jnp.cos(x)
@f.defjvp
def f_jvp(primals, tangents):
    x, = primals
    x_dot, = tangents
    ans = f(x)
    if x > 0:
        return ans, 2 * x_dot
    else:
        return ans, 3 * x_dot
g_branches = (grad(f)(1.), grad(f)(-1.))
print(g_branches)

# debugging with custom_vjp: print in bwd
@custom_vjp
def debug(x):
    return x
def debug_fwd(x):
    return x, x
def debug_bwd(x, g):
    print("x was", x, "g is", g)
    return (g,)
debug.defvjp(debug_fwd, debug_bwd)
def foo(x):
    y = x ** 2
    y = debug(y)
    return jnp.sin(y)
g_foo = grad(foo)(3.)
print(g_foo)

# pytree inputs to custom_vjp
from collections import namedtuple
Point = namedtuple("Point", ["x", "y"])
@custom_vjp
def f(pt):
    x, y = pt.x, pt.y
    return {'a': x ** 2, 'b': (jnp.sin(x), jnp.cos(y))}
def f_fwd(pt):
    return f(pt), pt
def f_bwd(pt, g):
    a_bar, (b0_bar, b1_bar) = g['a'], g['b']
    x_bar = 2 * pt.x * a_bar + jnp.cos(pt.x) * b0_bar
    y_bar = -jnp.sin(pt.y) * b1_bar
    return (Point(x_bar, y_bar),)
f.defvjp(f_fwd, f_bwd)
def fun(pt):
    dct = f(pt)
    return dct['a'] + dct['b'][0]
pt = Point(1., 2.)
print(f(pt))
g_point = grad(fun)(pt)
print(g_point)
