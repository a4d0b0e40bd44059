"""autograd.misc.fixed_points: a fixed point x* = f(a)(x*) found by iteration, whose
gradient with respect to `a` comes from the implicit function theorem (a second fixed
point iteration on the adjoint) instead of differentiating every iteration."""
from __future__ import annotations

import functools

from .. import numpy as tnp
from ..func import vjp
from ..custom import custom_vjp
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def fixed_point(f: Callable[[Any], Callable[[Any], Any]], a: Any, x0: Any,
                distance: Callable[[Any, Any], Any], tol: float) -> Any:
    """Iterate x <- f(a)(x) from x0 until distance(x, x_prev) <= tol (autograd's
    fixed_point); differentiable in `a`, to any order, by the implicit function theorem.

    Args:
        f: a -> (x -> new x), the iteration map for parameters a.
        a: the parameters (a tensor, array, number or pytree of them).
        x0: the starting point (its gradient is zero: the fixed point does not depend
            on it).
        distance: (x, x_prev) -> a scalar; the loop stops when it is <= tol.
        tol: the tolerance.

    Returns:
        The fixed point x*.

    Raises:
        TypeError: f or distance is not callable.

    >>> import tapegrad as tg
    >>> from tapegrad.misc.fixed_points import fixed_point
    >>> sqrt = lambda a: fixed_point(lambda a: lambda x: 0.5 * (x + a / x), a, 1.0,
    ...                              lambda x, y: abs(x - y), 1e-10)
    >>> round(float(sqrt(2.0)), 6), round(float(tg.grad(sqrt)(2.0)), 6)
    (1.414214, 0.353553)
    """
    for name, fn in (("f", f), ("distance", distance)):
        if not callable(fn):
            raise TypeError(f"fixed_point: {name} must be callable, got {type(fn).__name__}")
    return _fixed_point(f, distance, tol, a, x0)


@functools.partial(custom_vjp, nondiff_argnums=(0, 1, 2))
def _fixed_point(f, distance, tol, a, x0):
    step = f(a)
    x, x_prev = step(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = step(x), x
    return x


def _fwd(f, distance, tol, a, x0):
    ans = _fixed_point(f, distance, tol, a, x0)
    return ans, (a, ans, x0)


def _bwd(f, distance, tol, res, g):
    # the adjoint u = g + (d f(a)(x) / dx at x*)^T u, by the same iteration; written with
    # differentiable ops, so a grad of this gradient differentiates it too
    a, ans, x0 = res
    _, vjp_x = vjp(f(a), ans)
    u, u_prev = g, tnp.zeros_like(ans)
    while distance(u, u_prev) > tol:
        u, u_prev = g + vjp_x(u)[0], u
    _, vjp_a = vjp(lambda p: f(p)(ans), a)
    return vjp_a(u)[0], tnp.zeros_like(x0)


_fixed_point.defvjp(_fwd, _bwd)

__all__ = ["fixed_point"]
