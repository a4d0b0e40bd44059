"""Several outputs where one feeds another: every output's seed reaches the inputs,
whatever order the outputs are given in and on every backward path."""
import itertools

import numpy as np
import pytest

import tapegrad as tg


def _chain(x):
    y = x * 1.5
    z = tg.sin(y) * 2.0
    w = z * y
    return y, z, w


def _expected(xv):
    # d/dx of y + z + w with y = 1.5x, z = 2 sin(y), w = z y
    y = 1.5 * xv
    dz_dy = 2.0 * np.cos(y)
    dw_dy = dz_dy * y + 2.0 * np.sin(y)
    return 1.5 * (1.0 + dz_dy + dw_dy)


XV = np.array([0.3, -1.2, 2.0])
ORDERS = list(itertools.permutations(range(3)))


@pytest.mark.parametrize("order", ORDERS)
def test_autograd_grad(order):
    x = tg.tensor(XV, requires_grad=True)
    outs = _chain(x)
    picked = [outs[i] for i in order]
    (g,) = tg.autograd.grad(picked, [x], [tg.ones_like(o) for o in picked])
    np.testing.assert_allclose(g.numpy(), _expected(XV), rtol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_backward(order):
    x = tg.tensor(XV, requires_grad=True)
    outs = _chain(x)
    picked = [outs[i] for i in order]
    tg.autograd.backward(picked, [tg.ones_like(o) for o in picked])
    np.testing.assert_allclose(x.grad.numpy(), _expected(XV), rtol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_vjp(order):
    def f(x):
        outs = _chain(x)
        return tuple(outs[i] for i in order)
    _, pull = tg.vjp(f, tg.tensor(XV))
    (g,) = pull(tuple(tg.ones(3, dtype=np.float64) for _ in order))
    np.testing.assert_allclose(g.numpy(), _expected(XV), rtol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_tape(order):
    x = tg.Variable(XV)
    with tg.GradientTape() as tape:
        outs = _chain(x)
    g = tape.gradient([outs[i] for i in order], x)
    np.testing.assert_allclose(g.numpy(), _expected(XV), rtol=1e-12)


def test_an_output_given_twice_counts_twice():
    x = tg.tensor(XV, requires_grad=True)
    y, z, _ = _chain(x)
    (g,) = tg.autograd.grad([y, z, y], [x], [tg.ones(3, dtype=np.float64)] * 3)
    y0 = 1.5 * XV
    np.testing.assert_allclose(g.numpy(), 1.5 * (2.0 + 2.0 * np.cos(y0)), rtol=1e-12)


def test_to_an_intermediate_input():
    # the input asked for is itself between two of the outputs
    yv = 1.5 * XV
    want = (2 * np.cos(yv) * yv + 2 * np.sin(yv)) + 2 * np.cos(yv)
    for first_w in (True, False):
        x = tg.tensor(XV, requires_grad=True)
        y = x * 1.5
        z = tg.sin(y) * 2.0
        w = z * y
        outs = [w, z] if first_w else [z, w]
        (gy,) = tg.autograd.grad(outs, [y], [tg.ones_like(o) for o in outs])
        np.testing.assert_allclose(gy.numpy(), want, rtol=1e-12)
