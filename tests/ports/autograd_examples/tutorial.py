"""HIPS autograd's autograd's README and docs/tutorial.md: grad of tanh and its third derivative, elementwise_grad, np.where instead of branching on arrays, Python branching on scalars, primitive with defvjp and defjvp, assignment into constant arrays.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad, elementwise_grad, make_jvp, jacobian, hessian_vector_product, value_and_grad
from tapegrad.extend import primitive, defvjp, defjvp


def tanh(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


grad_tanh = grad(tanh)
readme = [grad_tanh(1.0), (tanh(1.0001) - tanh(0.9999)) / 0.0002,
          grad(grad(grad(tanh)))(1.0)]
x = np.linspace(-7, 7, 9)
ew = [elementwise_grad(tanh)(x), elementwise_grad(elementwise_grad(tanh))(x)]


# branching with np.where instead of if on arrays
def relu_or_square(x):
    return np.sum(np.where(x > 0, x ** 2, -0.5 * x))
where_g = grad(relu_or_square)(np.array([-1.0, 0.5, 2.0]))


# Python control flow on scalars
def piecewise(x):
    if x > 0:
        return x ** 3
    else:
        return np.sin(x)
branch = [grad(piecewise)(2.0), grad(piecewise)(-1.0)]


# a primitive with both a VJP and a JVP
@primitive
def logsumexp(x):
    max_x = np.max(x)
    return max_x + np.log(np.sum(np.exp(x - max_x)))

def logsumexp_vjp(ans, x):
    x_shape = x.shape
    return lambda g: np.full(x_shape, g) * np.exp(x - np.full(x_shape, ans))
defvjp(logsumexp, logsumexp_vjp)
defjvp(logsumexp, lambda g, ans, x: np.sum(g * np.exp(x - ans)))

def example_func(y):
    z = y ** 2
    lse = logsumexp(z)
    return np.sum(lse)
y0 = np.array([0.1, -0.4, 0.7, 1.2])
lse_grad = grad(example_func)(y0)
lse_jvp = make_jvp(example_func)(y0)(np.array([1.0, 2.0, 3.0, 4.0]))[1]
lse_hvp = hessian_vector_product(example_func)(y0, np.array([1.0, 0.0, -1.0, 0.5]))


@primitive
def cube(x):
    return x ** 3
defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
defjvp(cube, lambda g, ans, x: 3 * g * x ** 2)
cube_fwd = make_jvp(cube)(2.0)(1.0)
cube_jac = jacobian(lambda v: cube(v) * 2.0)(np.array([1.0, 2.0]))


# assignment into arrays that are not being differentiated is fine
def with_constant_buffer(w):
    buf = np.zeros(3)
    buf[1] = 2.0
    return np.sum(w * buf)
buf_g = grad(with_constant_buffer)(np.array([1.0, 1.0, 1.0]))

# A.dot(B) and implicit casting np.sum([x, y])
def dots(w):
    A = np.reshape(w, (2, 2))
    return np.sum(np.dot(A, A)) + np.sum(np.array([w[0], w[1]]))
dot_g = grad(dots)(np.array([1.0, 2.0, 3.0, 4.0]))

# value_and_grad and multiple argnums through tuples
def loss(params, x):
    a, b = params
    return np.sum((a * x + b) ** 2)
vg = value_and_grad(loss)((0.5, -1.0), np.array([1.0, 2.0]))

RESULT = {"readme": readme, "ew": ew, "where": where_g, "branch": branch, "lse": [lse_grad, lse_hvp],
          "lse_jvp": [lse_jvp], "cube": [cube_fwd[0], cube_fwd[1]], "cube_jac": cube_jac, "buf": buf_g,
          "dot": dot_g, "vg": [vg[0], vg[1][0], vg[1][1]]}
