import numpy as np
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, jvp, vjp, jacfwd, jacrev, hessian, value_and_grad
from tapegrad import random
from tapegrad import custom_jvp, custom_vjp

key = random.PRNGKey(0)

grad_tanh = grad(jnp.tanh)
print(grad_tanh(2.0))
print(grad(grad(grad(jnp.tanh)))(2.0))

def sigmoid(x):
    return 0.5 * (jnp.tanh(x / 2) + 1)

def predict(W, b, inputs):
    return sigmoid(jnp.dot(inputs, W) + b)

inputs = jnp.array([[0.52, 1.12,  0.77],
                    [0.88, -1.08, 0.15],
                    [0.52, 0.06, -1.30],
                    [0.74, -2.49, 1.39]])
targets = jnp.array([True, True, False, True])

def loss(W, b):
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))

key, W_key, b_key = random.split(key, 3)
W = random.normal(W_key, (3,))
b = random.normal(b_key, ())

W_grad = grad(loss, argnums=0)(W, b)
print(f'{W_grad=}')
W_grad = grad(loss, 0)(W, b)
b_grad = grad(loss, 1)(W, b)
print(f'{b_grad=}')
W_grad, b_grad = grad(loss, (0, 1))(W, b)

def loss2(params_dict):
    preds = predict(params_dict['W'], params_dict['b'], inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))

dict_grads = grad(loss2)({'W': W, 'b': b})
print(dict_grads)
loss_value, Wb_grad = value_and_grad(loss, (0, 1))(W, b)
print('loss value', loss_value)
print('loss value', loss(W, b))

# finite differences check
eps = 1e-4
b_grad_numerical = (loss(W, b + eps / 2.) - loss(W, b - eps / 2.)) / eps
print('b_grad_numerical', b_grad_numerical)
print('b_grad_autodiff', grad(loss, 1)(W, b))
key, subkey = random.split(key)
vec = random.normal(subkey, W.shape)
unitvec = vec / jnp.sqrt(jnp.vdot(vec, vec))
W_grad_numerical = (loss(W + eps / 2. * unitvec, b) - loss(W - eps / 2. * unitvec, b)) / eps
print('W_dirderiv_numerical', W_grad_numerical)
print('W_dirderiv_autodiff', jnp.vdot(grad(loss)(W, b), unitvec))

from tapegrad.test_util import check_grads
check_grads(loss, (W, b), order=2)

def hvp(f, x, v):
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)

J_fwd = jacfwd(predict, argnums=1)(W, b, inputs)
print("jacfwd result, with shape", J_fwd.shape)
J_rev = jacrev(predict, argnums=1)(W, b, inputs)
def hessian2(f):
    return jacfwd(jacrev(f))
H = hessian2(predict)(W, b, inputs)
print("hessian, with shape", H.shape)

f = lambda W: predict(W, b, inputs)
key, subkey = random.split(key)
v = random.normal(subkey, W.shape)
y, jvp_out = jvp(f, (W,), (v,))
y, vjp_fun = vjp(f, W)
key, subkey = random.split(key)
u = random.normal(subkey, y.shape)
vjp_out, = vjp_fun(u)

def vgrad(f, x):
    y, vjp_fn = vjp(f, x)
    return vjp_fn(jnp.ones(y.shape))[0]
vgrad_out = vgrad(lambda x: 3*x**2, jnp.ones((2, 2)))
print(vgrad_out)

def hvp2(f, x, v):
    return jvp(grad(f), (x,), (v,))[1]

def f(X):
    return jnp.sum(jnp.tanh(X)**2)

key, subkey1, subkey2 = random.split(key, 3)
X = random.normal(subkey1, (30, 40))
V = random.normal(subkey2, (30, 40))
ans1 = hvp2(f, X, V)
ans2 = jnp.tensordot(hessian(f)(X), V, 2)
assert jnp.allclose(ans1, ans2, 1e-4, 1e-4)

def hvp_revfwd(f, primals, tangents):
    g = lambda primals: jvp(f, primals, tangents)[1]
    return grad(g)(primals)

def hvp_revrev(f, primals, tangents):
    x, = primals
    v, = tangents
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)

ans3 = hvp_revfwd(f, (X,), (V,))
ans4 = hvp_revrev(f, (X,), (V,))
assert jnp.allclose(ans1, ans3[0], 1e-4, 1e-4)
assert jnp.allclose(ans1, ans4, 1e-4, 1e-4)

# Jacobian-matrix and matrix-Jacobian products
key, subkey = random.split(key)
W = random.normal(subkey, (3,))
key, subkey = random.split(key)
U = random.normal(subkey, (5, 4))
f = lambda W: predict(W, b, inputs)
y = f(W)
def loop_mjp(f, x, M):
    y, vjp_fun = vjp(f, x)
    return jnp.vstack([vjp_fun(mi)[0] for mi in M])
def vmap_mjp(f, x, M):
    y, vjp_fun = vjp(f, x)
    outs, = vmap(vjp_fun)(M)
    return outs
key = random.PRNGKey(0)
num_covecs = 128
U = random.normal(key, (num_covecs,) + y.shape)
loop_vs = loop_mjp(f, W, M=U)
vmap_vs = vmap_mjp(f, W, M=U)
mjp_vs = vmap_vs
assert jnp.allclose(loop_vs, vmap_vs), 'Vmap and non-vmapped Matrix-Jacobian Products should be identical'

def loop_jmp(f, W, M):
    return jnp.vstack([jvp(f, (W,), (mi,))[1] for mi in M])
def vmap_jmp(f, W, M):
    _jvp = lambda s: jvp(f, (W,), (s,))[1]
    return vmap(_jvp)(M)
num_vecs = 128
S = random.normal(key, (num_vecs,) + W.shape)
loop_vs = loop_jmp(f, W, M=S)
vmap_vs = vmap_jmp(f, W, M=S)
jmp_vs = vmap_vs
assert jnp.allclose(loop_vs, vmap_vs, rtol=1e-2)

def our_jacrev(f):
    def jacfun(x):
        y, vjp_fun = vjp(f, x)
        J, = vmap(vjp_fun, in_axes=0)(jnp.eye(len(y)))
        return J
    return jacfun
jac_ours = our_jacrev(f)(W)
assert jnp.allclose(jac_ours, jacrev(f)(W)), 'Incorrect reverse-mode Jacobian results!'

def our_jacfwd(f):
    def jacfun(x):
        _jvp = lambda s: jvp(f, (x,), (s,))[1]
        Jt = vmap(_jvp, in_axes=1)(jnp.eye(len(x)))
        return jnp.transpose(Jt)
    return jacfun
assert jnp.allclose(our_jacfwd(f)(W), jacfwd(f)(W)), 'Incorrect forward-mode Jacobian results!'

def f(x):
    try:
        if x < 3:
            return 2 * x ** 3
        else:
            raise ValueError
    except ValueError:
        return jnp.pi * x
y, f_vjp = vjp(f, 4.)
branch_vjp = jit(f_vjp)(1.)
print(branch_vjp)

# complex numbers
def f(z):
    x, y = jnp.real(z), jnp.imag(z)
    return x**2 + y**2
z = 3. + 4j
grad_sq_abs = grad(f)(z)
def f(z):
    return jnp.sin(z)
z = 3. + 4j
holo_sin = grad(f, holomorphic=True)(z)
print(holo_sin, jnp.cos(z))
def f(z):
    return jnp.abs(z)
grad_abs = grad(f)(1j)
A = jnp.array([[5., 2.+3j, 5j], [2.-3j, 7., 1.+7j], [-5j, 1.-7j, 12.]])
def f(X):
    L = jnp.linalg.cholesky(X)
    return jnp.sum((L - jnp.sin(L))**2)
holo_chol = grad(f, holomorphic=True)(A)
print(holo_chol)
