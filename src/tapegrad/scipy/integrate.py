"""`tapegrad.scipy.integrate.odeint`: scipy.integrate.odeint, differentiable in y0, t
and args (as autograd's, by the adjoint method).

>>> import numpy as np
>>> import tapegrad as tg
>>> from tapegrad.scipy.integrate import odeint
>>> k = tg.tensor(np.array(0.5), requires_grad=True)
>>> y = odeint(lambda y, t, k: -k * y, np.array([1.0]), np.array([0.0, 2.0]), args=(k,))
>>> y[-1, 0].backward()
>>> round(k.grad.item(), 5)                   # d/dk exp(-2k) = -2 exp(-2k)
-0.73576
"""
from __future__ import annotations

import numpy as np

from .. import ops as _ops
from .._tensor import Tensor
from ._args import f64, raw
from ._ode import Odeint
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
    from .._typing import ArrayLike

_TOL = 1.49012e-8       # SciPy's default rtol and atol


def _flat_rhs(func, y_shape, arg_shapes):
    """The user's func(y, t, *args) as fn(y, t, theta) on flat vectors."""
    def fn(y, t, theta):
        args, k = [], 0
        for s in arg_shapes:
            size = int(np.prod(s))
            args.append(_ops.reshape(theta[k:k + size], s))
            k += size
        dy = func(_ops.reshape(y, y_shape), t, *args)
        if isinstance(dy, (list, tuple)):
            dy = _ops.stack([f64(v) for v in dy])
        return _ops.reshape(f64(dy), (-1,))
    return fn


def odeint(func: Callable[..., Any], y0: ArrayLike, t: ArrayLike, args: Any = (),
           rtol: float | None = None, atol: float | None = None, **options: Any) -> Any:
    """Integrate dy/dt = func(y, t, *args) from y(t[0]) = y0; returns y at every time in
    t, shape (len(t),) + y0.shape. Values come from SciPy's odeint (LSODA) when SciPy is
    installed, else from an adaptive RK4. `args` are numbers, arrays or tensors; the
    result is differentiable in y0, t and each of them.

    SciPy's other options (full_output, Dfun, ...) are not supported.

    Args:
        func: the right-hand side, func(y, t, *args) -> dy/dt of y's shape (a tensor,
            array, or a list of scalars); written with tapegrad ops so it differentiates.
        y0: the initial state (a number or an array of any shape).
        t: the 1-D increasing times at which y is returned; t[0] is y0's time.
        args: extra arguments of func (one value or a tuple).
        rtol: the relative tolerance (default 1.49012e-8, SciPy's).
        atol: the absolute tolerance (default 1.49012e-8, SciPy's).
        **options: SciPy's other options; none is supported.

    Returns:
        y at the times t, a float64 tensor of shape (len(t),) + y0.shape.

    Raises:
        TypeError: func is not callable, or an option is given.
        ValueError: t is not 1-D.

    >>> import numpy as np
    >>> from tapegrad.scipy.integrate import odeint
    >>> y = odeint(lambda y, t: -y, 1.0, np.array([0.0, 1.0]))
    >>> round(y[-1].item(), 6)                    # exp(-1)
    0.367879
    """
    if not callable(func):
        raise TypeError(f"odeint: func must be callable, got {type(func).__name__}")
    if options:
        raise TypeError(f"odeint: options {sorted(options)} are not supported")
    if not isinstance(args, tuple):
        args = (args,)
    y0, t = f64(y0), f64(t)
    if np.ndim(raw(t)) != 1:
        raise ValueError(f"odeint: t must be 1-D, got shape {np.shape(raw(t))}")
    args = [f64(a) for a in args]
    y_shape = np.shape(raw(y0))
    arg_shapes = tuple(np.shape(raw(a)) for a in args)
    flat_args = [_ops.reshape(a, (-1,)) for a in args]
    if not flat_args:
        theta = np.zeros(0)
    elif len(flat_args) == 1:
        theta = flat_args[0]
    else:
        theta = _ops.concatenate(flat_args)
    theta = theta if isinstance(theta, Tensor) else np.asarray(theta, dtype=np.float64)
    traj = _ops.apply(Odeint, _ops.reshape(y0, (-1,)), t, theta,
                      fn=_flat_rhs(func, y_shape, arg_shapes),
                      rtol=_TOL if rtol is None else float(rtol),
                      atol=_TOL if atol is None else float(atol))
    return _ops.reshape(traj, (np.shape(raw(t))[0],) + y_shape)

# the names `from tapegrad.scipy.integrate import *` gives (tests/test_all.py)
__all__ = ["odeint"]
