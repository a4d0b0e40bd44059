"""HIPS autograd's `autograd.test_util` on tapegrad: `check_grads` and its parts.

`from autograd.test_util import check_grads` ports as `from tapegrad.test_util import
check_grads`: `check_grads(f, modes=["fwd", "rev"], order=2)(*args)` compares
forward-mode and reverse-mode derivatives of `f` with central differences along random
directions, and (order 2 and up) does the same for the derivative functions themselves.
Values are compared in float64.

>>> import tapegrad.numpy as np
>>> from tapegrad.test_util import check_grads
>>> check_grads(lambda x: np.sin(x) * x, modes=["rev"], order=2)(np.array([0.3, 1.2]))
"""
from __future__ import annotations

import numpy as np

from ._pytree import flatten, unflatten
from ._tensor import Tensor
from .func import jvp as _jvp
from .func import vjp as _vjp
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = ["check_grads", "check_jvp", "check_vjp", "EPS", "RTOL", "TOL"]

EPS, RTOL, TOL = 1e-6, 1e-6, 1e-6


def _leaves(x):
    leaves, spec = flatten(x)
    arrs = [np.asarray(v._data if isinstance(v, Tensor) else v, dtype=np.float64)
            for v in leaves]
    return arrs, spec


def _pack(arrs, spec):
    return unflatten(spec, [a if a.ndim else a[()] for a in arrs])


def _dot(a, b):
    return sum(float(np.vdot(np.asarray(u), np.asarray(v))) for u, v in zip(a, b))


def _randn(arrs, rng):
    return [rng.standard_normal(a.shape) for a in arrs]


def _close(a, b, what, name):
    if not (abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL):
        raise AssertionError(f"check_grads: {what} of {name} is {a!r}, but central "
                             f"differences give {b!r}")


def _numeric_jvp(f, x_arrs, spec, v):
    plus = _leaves(f(_pack([a + EPS / 2 * d for a, d in zip(x_arrs, v)], spec)))[0]
    minus = _leaves(f(_pack([a - EPS / 2 * d for a, d in zip(x_arrs, v)], spec)))[0]
    return [(p - m) / EPS for p, m in zip(plus, minus)]


def _name(f):
    return getattr(f, "__name__", type(f).__name__)


def check_jvp(f: Callable[..., Any], x: Any, rng: Any = None) -> None:
    """Compare the forward-mode derivative of `f` at `x` along a random direction with
    central differences (autograd's `check_jvp`; `f` takes one argument, a pytree).
    Args:
        f: the function of one argument (a pytree).
        x: the point.
        rng: a NumPy Generator for the directions (None: a fixed seed).


    Raises:
        AssertionError: they differ.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.test_util import check_jvp
    >>> check_jvp(np.tanh, np.array([0.1, 2.0]))
    """
    rng = np.random.default_rng(0) if rng is None else rng
    arrs, spec = _leaves(x)
    v = _randn(arrs, rng)
    _, t = _jvp(f, (_pack(arrs, spec),), (_pack(v, spec),))
    analytic = _leaves(t)[0]
    numeric = _numeric_jvp(f, arrs, spec, v)
    u = _randn(numeric, rng)
    _close(_dot(u, analytic), _dot(u, numeric), "the JVP", _name(f))


def check_vjp(f: Callable[..., Any], x: Any, rng: Any = None) -> None:
    """Compare the reverse-mode derivative of `f` at `x` (a VJP with a random cotangent)
    with central differences along a random direction (autograd's `check_vjp`).
    Args:
        f: the function of one argument (a pytree).
        x: the point.
        rng: a NumPy Generator for the cotangent and direction (None: a fixed seed).


    Raises:
        AssertionError: they differ.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.test_util import check_vjp
    >>> check_vjp(np.tanh, np.array([0.1, 2.0]))
    """
    rng = np.random.default_rng(1) if rng is None else rng
    arrs, spec = _leaves(x)
    out, pullback = _vjp(f, _pack(arrs, spec))
    out_arrs, out_spec = _leaves(out)
    u = _randn(out_arrs, rng)
    (g,) = pullback(_pack(u, out_spec))
    v = _randn(arrs, rng)
    numeric = _numeric_jvp(f, arrs, spec, v)
    _close(_dot(v, _leaves(g)[0]), _dot(u, numeric), "the VJP", _name(f))


def _check(f, x, modes, order, rng):
    if "fwd" in modes:
        check_jvp(f, x, rng)
        if order > 1:
            def jvp_f(x, v):
                return _jvp(f, (x,), (v,))[1]
            jvp_f.__name__ = f"jvp_{_name(f)}"
            arrs, spec = _leaves(x)
            v = _pack(_randn(arrs, rng), spec)
            _check(lambda xv: jvp_f(*xv), (x, v), modes, order - 1, rng)
    if "rev" in modes:
        check_vjp(f, x, rng)
        if order > 1:
            out_arrs, out_spec = _leaves(f(x))
            u = _pack(_randn(out_arrs, rng), out_spec)

            def vjp_f(xu):
                x, u = xu
                return _vjp(f, x)[1](u)[0]
            vjp_f.__name__ = f"vjp_{_name(f)}"
            _check(vjp_f, (x, u), modes, order - 1, rng)


def check_grads(f: Callable[..., Any], argnum: int | Sequence[int] = 0,
                modes: Sequence[str] = ("fwd", "rev"), order: int = 2) -> Callable[..., None]:
    """autograd's `check_grads`: returns a function of f's arguments that checks the
    derivatives of `f` with respect to argument(s) `argnum` in the given modes, up to
    `order`, against central differences. It returns None or raises AssertionError.

    Args:
        f: the function.
        argnum: which argument (or tuple of arguments) to differentiate.
        modes: any of "fwd" and "rev".
        order: how many times to differentiate (1 checks first derivatives).

    Raises:
        ValueError: a mode other than "fwd" and "rev", or an order below 1.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.test_util import check_grads
    >>> check_grads(lambda x, y: np.sum(x * np.exp(y)), argnum=(0, 1))(
    ...     np.array([1.0, 2.0]), np.array([0.5, -0.5]))
    """
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    bad = [m for m in modes if m not in ("fwd", "rev")]
    if bad:
        raise ValueError(f"check_grads: modes must be 'fwd' and/or 'rev', got {bad[0]!r}")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be an int >= 1, got {order!r}")

    def checker(*args: Any, **kwargs: Any) -> None:
        nums = (argnum,) if isinstance(argnum, int) else tuple(argnum)

        def g(x):
            full = list(args)
            for i, v in zip(nums, x if not isinstance(argnum, int) else (x,)):
                full[i] = v
            return f(*full, **kwargs)
        g.__name__ = _name(f)
        x = args[argnum] if isinstance(argnum, int) else tuple(args[i] for i in nums)
        _check(g, x, modes, order, np.random.default_rng(0))

    return checker
