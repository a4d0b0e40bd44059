"""`tg.jit`: JAX's spelling, so `from jax import grad, jit, vmap` ports by its import line.

JAX's jit changes speed, never results. tg.function is tapegrad's graph mode, but it
refuses some things JAX programs routinely jit (computing gradients inside the traced
function, as in `jit(grad(loss))`). So `jit` traces with tg.function and, when the trace
refuses (TraceError), runs the function eagerly from then on: same values, same
gradients, only the graph-mode speed is lost.
"""
from __future__ import annotations

import functools

from .function import function
from .function.trace import TraceError
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


_NO_FUN: Any = object()


def jit(fun: Callable[..., Any] = _NO_FUN, *, static_argnums: Any = None,
        static_argnames: Any = None, donate_argnums: Any = None, donate_argnames: Any = None,
        **options: Any) -> Any:
    """JAX's `jax.jit`: `fun` traced by `tg.function` (falling back to eager calls when
    tracing is refused, e.g. `jit(grad(f))`), with JAX's arguments accepted.

    Non-tensor arguments are part of tg.function's trace key already, so
    `static_argnums`/`static_argnames` need no handling; donation and JAX's other
    compiler options (`inline`, `device`, `backend`, `keep_unused`, ...) have no meaning
    here and are accepted and ignored.

    Args:
        fun: the function; left out (`@jit(static_argnums=1)`), a decorator is returned.
        static_argnums: JAX's static positional arguments (accepted; see above).
        static_argnames: JAX's static keyword arguments (accepted).
        donate_argnums: accepted, ignored (buffers are not donated).
        donate_argnames: accepted, ignored.
        **options: JAX's other jit options, accepted and ignored.

    Returns:
        A callable with fun's signature and results.

    Raises:
        TypeError: fun is not callable (None included, as JAX).

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as jnp
    >>> def loss(w):
    ...     return jnp.sum(jnp.tanh(w) ** 2)
    >>> tg.jit(tg.grad(loss))(jnp.array([0.5, -1.0]))
    tensor([ 0.7269, -0.6397], dtype=float64)
    """
    if fun is _NO_FUN:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames,
                                 donate_argnums=donate_argnums,
                                 donate_argnames=donate_argnames, **options)
    if not callable(fun):
        raise TypeError(f"jit: fun must be callable, got {fun!r:.40} ({type(fun).__name__})")
    traced = function(fun)
    traced._tensor_results = False
    eager = False

    @functools.wraps(fun)
    def jitted(*args: Any, **kwargs: Any) -> Any:
        nonlocal eager
        if not eager:
            try:
                return traced(*args, **kwargs)
            except TraceError:
                eager = True            # e.g. gradients inside: same results eagerly
        return fun(*args, **kwargs)

    return jitted
