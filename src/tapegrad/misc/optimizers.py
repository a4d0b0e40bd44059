"""autograd.misc.optimizers: sgd (with momentum), rmsprop and adam, each called as
`opt(grad, x0, callback=None, num_iters=..., step_size=..., ...)` where
`grad(params, i)` returns the gradient at iteration i and `callback(params, i, g)` is
called every iteration. Params may be any structure `tapegrad.misc.flatten` takes; the
updates are tapegrad operations, so an optimizer run can itself be differentiated."""
from __future__ import annotations

import functools

from .. import numpy as tnp
from .flatten import flatten
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["sgd", "rmsprop", "adam"]


def _on_structures(optimize):
    """Run `optimize` on flat vectors, with grad, callback and the result in the
    caller's structure (autograd's unflatten_optimizer)."""
    @functools.wraps(optimize)
    def run(grad: Callable[..., Any], x0: Any, callback: Callable[..., Any] | None = None,
            *args: Any, **kwargs: Any) -> Any:
        x, unflatten = flatten(x0)

        def flat_grad(x: Any, i: int) -> Any:
            return flatten(grad(unflatten(x), i))[0]
        flat_callback = None if callback is None else (
            lambda x, i, g: callback(unflatten(x), i, unflatten(g)))
        return unflatten(optimize(flat_grad, x, flat_callback, *args, **kwargs))
    return run


@_on_structures
def sgd(grad: Callable[..., Any], x: Any, callback: Callable[..., Any] | None = None,
        num_iters: int = 200, step_size: float = 0.1, mass: float = 0.9) -> Any:
    """Stochastic gradient descent with momentum, as autograd's.

    Args:
        grad: grad(params, i), the gradient at iteration i.
        x: the initial parameters (any flattenable structure).
        callback: called as callback(params, i, g) each iteration.
        num_iters: the number of steps.
        step_size: the learning rate.
        mass: the momentum.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.misc.optimizers import sgd
    >>> sgd(lambda x, i: 2 * x, np.array([1.0]), num_iters=50, step_size=0.5)
    tensor([-0.0667], dtype=float64)
    """
    velocity = tnp.zeros(x.shape[0])
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        velocity = mass * velocity - (1.0 - mass) * g
        x = x + step_size * velocity
    return x


@_on_structures
def rmsprop(grad: Callable[..., Any], x: Any, callback: Callable[..., Any] | None = None,
            num_iters: int = 100, step_size: float = 0.1, gamma: float = 0.9,
            eps: float = 10 ** -8) -> Any:
    """Root mean squared propagation, as autograd's.

    Args:
        grad: grad(params, i), the gradient at iteration i.
        x: the initial parameters (any flattenable structure).
        callback: called as callback(params, i, g) each iteration.
        num_iters: the number of steps.
        step_size: the learning rate.
        gamma: the decay of the squared-gradient average.
        eps: added to the denominator.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.misc.optimizers import rmsprop
    >>> rmsprop(lambda x, i: 2 * x, np.array([1.0]), num_iters=30, step_size=0.05)
    tensor([0.0303], dtype=float64)
    """
    avg_sq_grad = tnp.ones(x.shape[0])
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        avg_sq_grad = avg_sq_grad * gamma + g ** 2 * (1 - gamma)
        x = x - step_size * g / (tnp.sqrt(avg_sq_grad) + eps)
    return x


@_on_structures
def adam(grad: Callable[..., Any], x: Any, callback: Callable[..., Any] | None = None,
         num_iters: int = 100, step_size: float = 0.001, b1: float = 0.9, b2: float = 0.999,
         eps: float = 10 ** -8) -> Any:
    """Adam, as autograd's (bias-corrected moment estimates).

    Args:
        grad: grad(params, i), the gradient at iteration i.
        x: the initial parameters (any flattenable structure).
        callback: called as callback(params, i, g) each iteration.
        num_iters: the number of steps.
        step_size: the learning rate.
        b1: the first moment's decay.
        b2: the second moment's decay.
        eps: added to the denominator.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.misc.optimizers import adam
    >>> adam(lambda p, i: {"w": 2 * p["w"]}, {"w": np.array([1.0])}, num_iters=100,
    ...      step_size=0.1)["w"]
    tensor([0.0029], dtype=float64)
    """
    m = tnp.zeros(x.shape[0])
    v = tnp.zeros(x.shape[0])
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g ** 2) + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        x = x - step_size * mhat / (tnp.sqrt(vhat) + eps)
    return x
