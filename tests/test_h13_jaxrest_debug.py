"""tg.debug.print / tg.debug.callback (jax.debug's) eagerly, under jit, vmap and grad.

The expected lines are what JAX 0.10.2 prints for the same programs (64-bit types on),
run with `import jax, jax.numpy as jnp` in place of tapegrad (/tmp/jaxrest/dbg_jax.py);
JAX passes jax.Array values to a callback where tapegrad passes NumPy arrays.
"""
import warnings

import numpy as np
import pytest

import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad.function.trace import TraceWarning


def f(x):
    jax.debug.print("x = {}", x)
    y = jnp.sin(x)
    jax.debug.print("y = {y}", y=y)
    return y * 2


def lines(capsys):
    return capsys.readouterr().out.splitlines()


def test_eager_and_every_jit_call_print_their_values(capsys):
    f(jnp.array([1.0, 2.0]))
    assert lines(capsys) == ["x = [1. 2.]", "y = [0.84147098 0.90929743]"]
    jf = jax.jit(f)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the trace is kept: no eager fallback
        jf(jnp.array([1.0, 2.0]))
        assert lines(capsys) == ["x = [1. 2.]", "y = [0.84147098 0.90929743]"]
        jf(jnp.array([3.0, 4.0]))
    assert lines(capsys) == ["x = [3. 4.]", "y = [ 0.14112001 -0.7568025 ]"]


def test_vmap_prints_each_element_in_order(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a rule of its own, not the loop fallback
        out = jax.vmap(f)(jnp.array([[1.0, 2.0], [3.0, 4.0]]))
    assert out.shape == (2, 2)
    assert lines(capsys) == ["x = [1. 2.]", "x = [3. 4.]", "y = [0.84147098 0.90929743]",
                             "y = [ 0.14112001 -0.7568025 ]"]
    jax.vmap(jax.jit(f))(jnp.array([[5.0], [6.0]]))
    assert lines(capsys)[:2] == ["x = [5.]", "x = [6.]"]


def test_grad_and_constants_and_formats(capsys):
    g = jax.grad(lambda x: f(x).sum())(jnp.array([1.0, 2.0]))
    np.testing.assert_allclose(g.numpy(), 2 * np.cos([1.0, 2.0]))
    assert lines(capsys) == ["x = [1. 2.]", "y = [0.84147098 0.90929743]"]
    jax.debug.print("fmt {x:.2f} {}", 3.14159, x=jnp.array(2.0))
    assert lines(capsys) == ["fmt 2.00 3.14159"]
    k = jax.jit(lambda x: (jax.debug.print("hello"), x + 1)[1])
    k(jnp.array(1.0))
    k(jnp.array(2.0))
    assert lines(capsys) == ["hello", "hello"]


def test_callback_gets_values_each_call():
    seen = []

    def h(x):
        jax.debug.callback(lambda a, b=None: seen.append((a.tolist(), float(b))), x,
                           b=x.sum())
        return x

    h(jnp.array([1.0, 2.0]))
    jax.jit(h)(jnp.array([1.0, 2.0]))
    jax.vmap(h)(jnp.array([[1.0, 2.0], [3.0, 4.0]]))
    assert seen == [([1.0, 2.0], 3.0), ([1.0, 2.0], 3.0), ([1.0, 2.0], 3.0),
                    ([3.0, 4.0], 7.0)]
    assert jax.debug.callback(lambda a: None, 1) is None
    with pytest.raises(TypeError, match="debug.callback: callback must be callable"):
        jax.debug.callback(3, 1)
    with pytest.raises(TypeError, match="debug.print: fmt must be a format string"):
        jax.debug.print(3)


def test_python_print_inside_jit_runs_the_function_eagerly(capsys):
    # JAX prints the tracer once; tapegrad reads the value while tracing, warns and runs
    # that signature eagerly from then on: the first call prints twice (trace and run)
    def g(x):
        print("python print", x)
        return x * 2

    jg = jax.jit(g)
    with pytest.warns(TraceWarning, match="values were read outside tapegrad ops"):
        jg(jnp.array([1.0]))
    jg(jnp.array([2.0]))
    assert lines(capsys) == ["python print tensor([1.], dtype=float64)"] * 2 + \
        ["python print tensor([2.], dtype=float64)"]
