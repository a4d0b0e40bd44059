"""What porting autograd's examples (test_h13_npports.py) needed, checked on its own:
augmented assignment on a NumPy scalar (a 0-d result) or a jnp array makes a new value
instead of writing through every other name for it; misc.flatten.flatten_func; SciPy's
L-BFGS-B taking value_and_grad's gradient; and autograd's "don't use" list (assignment
into arrays, A.dot(B), np.sum([x, y])): each either gives the gradient of what NumPy
computes or raises, never a wrong number."""
import numpy as onp
import pytest
from scipy.optimize import least_squares, minimize

import tapegrad as tg
from tapegrad.misc.flatten import flatten_func

from ._port import run


def test_numpy_scalar_augmented_assignment_leaves_other_names_alone():
    # convnet.py's WeightsParser: `start = self.N; self.N += np.prod(shape)`
    ns, _ = run("""
import tapegrad.numpy as np
n = np.prod((2, 3))
start = n
n += np.prod((4,))
total = np.sum(np.ones(3))
kept = total
total -= 1.0
total *= 4.0
x = np.arange(3.0)
item = x[1]
item /= 2.0
""", "scalars")
    assert int(ns["start"]) == 6 and int(ns["n"]) == 10
    assert float(ns["kept"]) == 3.0 and float(ns["total"]) == 8.0
    assert float(ns["item"]) == 0.5 and ns["x"].tolist() == [0.0, 1.0, 2.0]


def test_numpy_arrays_still_update_in_place():
    ns, _ = run("""
import tapegrad.numpy as np
x = np.zeros(3)
y = x
x += 1.0
""", "arrays")
    assert ns["y"].tolist() == [1.0, 1.0, 1.0]


def test_jnp_arrays_are_immutable():
    ns, _ = run("""
import tapegrad.numpy as jnp
x = jnp.zeros(3)
y = x
x += 1.0
x *= 3.0
""", "jnp")
    assert ns["y"].tolist() == [0.0, 0.0, 0.0] and ns["x"].tolist() == [3.0, 3.0, 3.0]


def test_augmented_assignment_on_the_differentiated_input():
    # autograd's boxes rebind; a leaf that requires grad cannot change in place
    ns, _ = run("""
import tapegrad.numpy as np
from tapegrad import grad

def f(x):
    x -= np.mean(x)
    x *= 2.0
    return np.sum(x ** 3)

g = grad(f)(np.array([0.3, -0.7, 1.1]))
""", "leaf")
    # autograd 1.9.1: grad(f)(np.array([0.3, -0.7, 1.1]))
    onp.testing.assert_allclose(ns["g"].numpy(), [-12.90666667, 7.89333333, 5.01333333],
                                rtol=1e-8)


def test_pytorch_style_zero_dim_updates_stay_in_place():
    # a 0-d parameter updated under no_grad must change the parameter itself
    ns, _ = run("""
import tapegrad as torch
p = torch.tensor(2.0, requires_grad=True)
(p * p).backward()
q = p
with torch.no_grad():
    p -= 0.25 * p.grad
""", "torch0d")
    assert ns["q"] is ns["p"] and float(ns["q"]) == 1.0
    ns, _ = run("""
import tapegrad as tg
import tapegrad.numpy as np
b = tg.tensor(2.0, requires_grad=True)
(b * b).backward()
kept = b
with tg.no_grad():
    b -= 0.25 * b.grad
""", "mixed0d")
    assert ns["kept"] is ns["b"] and float(ns["b"]) == 1.0


def test_flatten_func():
    def objective(params, scale):
        return scale * (tg.numpy.sum(params["w"] ** 2) + params["b"])
    f, unflatten, x0 = flatten_func(objective, {"w": onp.array([1.0, 2.0]), "b": 0.5})
    assert x0.tolist() == [0.5, 1.0, 2.0]          # keys sorted, as autograd
    assert f(x0, 2.0).tolist() == [11.0]
    assert tg.grad(f)(x0, 2.0).tolist() == [2.0, 4.0, 8.0]
    assert unflatten(x0)["w"].tolist() == [1.0, 2.0]


def test_lbfgsb_takes_value_and_grad():
    def objective(x):
        return tg.numpy.sum((x - onp.array([0.3, -2.0])) ** 2)
    res = minimize(tg.value_and_grad(objective), onp.zeros(2), jac=True, method="L-BFGS-B",
                   bounds=[(0.0, 1.0), (-1.0, 1.0)])
    onp.testing.assert_allclose(res.x, [0.3, -1.0], atol=1e-6)
    cons = {"type": "ineq", "fun": lambda x: 1.0 - x[0] + x[1],
            "jac": tg.grad(lambda x: 1.0 - x[0] + x[1])}
    res = minimize(objective, onp.zeros(2), jac=tg.grad(objective), method="SLSQP",
                   constraints=[cons])
    onp.testing.assert_allclose(res.x, [-0.35, -1.35], atol=1e-5)


def test_least_squares_takes_a_jacobian():
    def residuals(x):
        return tg.numpy.array([x[0] - 1.0, 10.0 * (x[1] - x[0] ** 2)])
    res = least_squares(residuals, onp.zeros(2), jac=tg.jacobian(residuals))
    onp.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-6)


def _fd(f, x, eps=1e-6):
    g = onp.zeros_like(x)
    for i in range(x.size):
        e = onp.zeros_like(x)
        e[i] = eps
        g[i] = (float(f(x + e)) - float(f(x - e))) / (2 * eps)
    return g


ASSIGNMENTS = """
import tapegrad.numpy as np

def constant_buffer(x):
    a = np.zeros(3)
    a[0] = x[1]
    a[2] = x[0] * 3
    return np.sum(a * x)

def overwrite_result(x):
    y = x * 2
    y[0] = 0.0
    return np.sum(y ** 2)

def alias(x):
    y = np.sin(x)
    z = y
    y[1] = 0.0
    return np.sum(z * x)

def row_update(x):
    A = np.outer(x, x)
    A[0, 0] = x[2]
    return np.sum(A ** 2)

def saved_output(x):
    y = np.exp(x)
    s = np.sum(y)
    y[0] = 0.0
    return s + np.sum(y)

def through_view(x):
    y = x * 1.0
    v = y[:2]
    v[0] = 10.0
    return np.sum(y * y)

def view_augmented(x):
    y = x ** 2
    m = y[1:]
    m *= 3.0
    return np.sum(y)

def slice_augmented(x):
    y = x * 1.0
    y[1:] += x[:-1]
    return np.sum(y ** 2)

def into_input(x):
    x[0] = 5.0
    return np.sum(x)

def dot_method(x):
    A = np.reshape(np.concatenate([x, x[:1]]), (2, 2))
    return np.sum(A.dot(A)) + np.sum([x[0], x[1]])
"""


@pytest.mark.parametrize("name", ["constant_buffer", "overwrite_result", "alias", "row_update",
                                  "saved_output", "through_view", "view_augmented",
                                  "slice_augmented", "into_input", "dot_method"])
def test_assignment_is_right_or_raises(name):
    ns, _ = run(ASSIGNMENTS, "assignments")
    f, x0 = ns[name], onp.array([0.3, -0.7, 1.1])
    try:
        g = tg.grad(f)(x0.copy())
    except RuntimeError as e:
        assert "in place" in str(e)
        return
    onp.testing.assert_allclose(onp.asarray(g), _fd(f, x0), atol=1e-6)


def test_python_round_of_a_gradient():
    # autograd programs print round(grad(f)(x), 3); it raised TypeError
    g = tg.grad(lambda x: tg.numpy.sum(x ** 2))(onp.array([1.234, -0.5]))
    assert round(g, 1).tolist() == [2.5, -1.0]
    assert float(round(g[0], 2)) == 2.47 and float(round(g[0])) == 2.0
