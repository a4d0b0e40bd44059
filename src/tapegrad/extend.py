"""HIPS autograd's `autograd.extend` on tapegrad: new primitives with hand-written rules.

Code that defines its own primitives ports by its import line alone
(`from autograd.extend import primitive, defvjp` -> `from tapegrad.extend import ...`):

- `primitive(f)`: `f` runs on plain NumPy values (never on tensors), and its result is
  one node of the graph. Called without tensors it is `f` itself.
- `defvjp(f, *makers, argnums=...)`: `maker(ans, *args, **kwargs)` returns the function
  `g -> gradient of that argument`; `None` for an argument with a zero gradient.
- `defjvp(f, *makers, argnums=...)`: `maker(g, ans, *args, **kwargs)` returns the output's
  tangent from that argument's tangent `g`; `"same"` applies `f` to the tangent (a
  function linear in that argument).
- `def_linear(f)`: f is linear in each argument; both directions follow.

As in autograd, the makers see plain arrays in a first-order pass; when a gradient is
itself differentiated they see tensors (connected to the graph, the output `ans` too),
so makers written with `tapegrad.numpy` give exact higher derivatives. Forward mode of a
primitive with only VJPs transposes them (they are linear in `g`), so `tg.hessian` and
`tg.jvp` work with `defvjp` alone; reverse mode of one with only JVPs transposes those.

>>> import tapegrad as tg
>>> import tapegrad.numpy as np
>>> from tapegrad.extend import primitive, defvjp
>>> @primitive
... def logsumexp(x):
...     m = np.max(x)
...     return m + np.log(np.sum(np.exp(x - m)))
>>> defvjp(logsumexp, lambda ans, x: lambda g: g * np.exp(x - ans))
>>> tg.grad(logsumexp)(np.array([0.0, 0.0]))
tensor([0.5000, 0.5000], dtype=float64)
"""
from __future__ import annotations

import functools
import itertools

import numpy as np

from . import _state
from ._tensor import Tensor, make
from .autograd import grad as _autograd_grad
from .autograd.function import Function
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["Primitive", "primitive", "notrace_primitive", "defvjp", "defvjp_argnum", "defvjp_argnums",
           "defjvp", "defjvp_argnum", "defjvp_argnums", "def_linear"]


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _sub(args, i, v):
    args = list(args)
    args[i] = v
    return tuple(args)


def _zeros_like(x):
    arr = np.asarray(_raw(x))
    dtype = arr.dtype if arr.dtype.kind in "fc" else np.float64
    return np.zeros(arr.shape, dtype)


def _sum_all(terms):
    total = None
    for t in terms:
        if t is not None:
            total = t if total is None else total + t
    return total


class _Rule(Function):
    """The node of one primitive call; the primitive rides in as the first argument."""

    @staticmethod
    def forward(prim, kwargs, *args):
        with _state.no_grad():
            ans = prim.fun(*(_raw(a) for a in args), **kwargs)
        return make(np.asarray(_raw(ans)))

    @staticmethod
    def setup_context(ctx, inputs, output):
        prim, kwargs, *args = inputs
        ctx.prim, ctx.kwargs, ctx.args = prim, kwargs, tuple(args)
        ctx.tensor_at = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx.save_for_backward(*(args[i] for i in ctx.tensor_at), output)

    @staticmethod
    def _values(ctx):
        """The arguments and the output as the rule makers see them."""
        saved = ctx.saved_tensors
        args = list(ctx.args)
        for i, v in zip(ctx.tensor_at, saved[:-1]):
            args[i] = v
        return tuple(args), saved[-1]

    @staticmethod
    def backward(ctx, g):
        prim = ctx.prim
        args, ans = _Rule._values(ctx)
        needs = ctx.needs_input_grad[2:]
        out = [None, None]
        for i in range(len(args)):
            if i not in ctx.tensor_at or not needs[i]:
                out.append(None)
            elif prim.vjp_of is not None:
                out.append(prim.vjp_of(i, ans, args, ctx.kwargs)(g))
            else:
                out.append(prim.transposed_jvp(i, g, ans, args, ctx.kwargs))
        return tuple(out)

    @staticmethod
    def jvp(ctx, _p, _k, *tangents):
        prim = ctx.prim
        args, ans = _Rule._values(ctx)
        terms = []
        for i, t in enumerate(tangents):
            if t is None or i not in ctx.tensor_at:
                continue
            if prim.jvp_of is not None:
                terms.append(prim.jvp_of(i, t, ans, args, ctx.kwargs))
            else:
                terms.append(prim.transposed_vjp(i, t, ans, args, ctx.kwargs))
        total = _sum_all(terms)
        return make(np.zeros(np.shape(_raw(ans)), np.asarray(_raw(ans)).dtype)) \
            if total is None else total


class Primitive:
    """A function of NumPy values made one differentiable node (what `primitive`
    returns; its rules are set by `defvjp`/`defjvp`).

    Args:
        fun: the function of NumPy values.

    >>> from tapegrad.extend import Primitive
    >>> square = Primitive(lambda x: x * x)
    >>> square(3.0)
    9.0
    """

    def __init__(self, fun: Callable[..., Any]) -> None:
        self.fun = fun
        self.vjp_of: Callable[..., Any] | None = None
        self.jvp_of: Callable[..., Any] | None = None
        self.same: set[int] = set()     # arguments whose JVP is fun itself
        self.linear = False             # def_linear: every argument's
        functools.update_wrapper(self, fun)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not any(isinstance(a, Tensor) for a in args):
            return self.fun(*args, **kwargs)
        return _Rule.apply(self, kwargs, *args)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        return self if obj is None else functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<tapegrad.extend primitive {getattr(self.fun, '__name__', self.fun)!r}>"

    def _missing(self, kind, i):
        name = getattr(self.fun, "__name__", "primitive")
        return NotImplementedError(f"{kind} of {name} wrt argnum {i} not defined")

    # the missing direction, from the given one (both rules are linear in the tangent)
    def transposed_jvp(self, i, g, ans, args, kwargs):
        """The VJP for argument i from its JVP: the gradient of <g, J t> with respect to t."""
        if self.jvp_of is None or self.linear or i in self.same:
            # transposing fun by differentiating fun would never end
            raise self._missing("VJP", i)
        t = make(_zeros_like(args[i]), True)
        with _state.enable_grad():
            inner = self.jvp_of(i, t, ans, args, kwargs)
            total = ((inner if isinstance(inner, Tensor) else make(np.asarray(inner)))
                     * g).sum()
        create = isinstance(g, Tensor) and g.requires_grad
        (res,) = _autograd_grad(total, (t,), create_graph=create, allow_unused=True)
        return _zeros_like(args[i]) if res is None else res

    def transposed_vjp(self, i, t, ans, args, kwargs):
        """The JVP for argument i from its VJP: the gradient of <J^T u, t> with respect to u."""
        if self.vjp_of is None:
            raise self._missing("JVP", i)
        u = make(_zeros_like(ans), True)
        with _state.enable_grad():
            inner = self.vjp_of(i, ans, args, kwargs)(u)
            total = ((inner if isinstance(inner, Tensor) else make(np.asarray(inner)))
                     * t).sum()
        (res,) = _autograd_grad(total, (u,), create_graph=True, allow_unused=True)
        return make(_zeros_like(ans)) if res is None else res


def primitive(f_raw: Callable[..., Any]) -> Primitive:
    """Make `f_raw` (a function of NumPy arrays and numbers) one node that tapegrad
    differentiates with the rules given by `defvjp`/`defjvp` (autograd's `primitive`).

    Args:
        f_raw: the function; it receives NumPy values, never tensors.

    Returns:
        A callable: with tensor arguments it records one node, otherwise it is `f_raw`.

    Raises:
        NotImplementedError: (when differentiated) no rule for an argument.

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as np
    >>> from tapegrad.extend import primitive, defvjp
    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
    >>> tg.grad(cube)(2.0)
    tensor(12., dtype=float64)
    """
    if not callable(f_raw):
        raise TypeError(f"primitive: expected a function, got {type(f_raw).__name__}")
    if isinstance(f_raw, Primitive):
        return f_raw
    return Primitive(f_raw)


def notrace_primitive(f_raw: Callable[..., Any]) -> Callable[..., Any]:
    """A function evaluated on the NumPy values of its arguments, with no gradient: its
    result is a constant (autograd's `notrace_primitive`, for e.g. argmax or a sign).

    Args:
        f_raw: the function of NumPy values.

    Returns:
        The wrapped function.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import notrace_primitive
    >>> sign = notrace_primitive(lambda x: 1.0 if x > 0 else -1.0)
    >>> tg.grad(lambda x: sign(x) * x)(-3.0)
    tensor(-1., dtype=float64)
    """
    @functools.wraps(f_raw)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return f_raw(*(_raw(a) for a in args), **{k: _raw(v) for k, v in kwargs.items()})

    return wrapped


def _check_prim(fun, who):
    if not isinstance(fun, Primitive):
        raise TypeError(f"{who}: the function must be made with tapegrad.extend.primitive, "
                        f"got {type(fun).__name__}")


def _argnums(kwargs, who):
    unknown = set(kwargs) - {"argnums"}
    if unknown:
        raise TypeError(f"{who}: unexpected keyword argument {sorted(unknown)[0]!r}")
    return kwargs.get("argnums", itertools.count())


def defvjp_argnum(fun: Primitive, vjpmaker: Callable[..., Any]) -> None:
    """Set every VJP of `fun` with one maker: `vjpmaker(argnum, ans, args, kwargs)`
    returns `g -> gradient of argument argnum`.

    Args:
        fun: a primitive.
        vjpmaker: (argnum, ans, args, kwargs) -> g -> that argument's gradient.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import primitive, defvjp_argnum
    >>> mul = primitive(lambda x, y: x * y)
    >>> defvjp_argnum(mul, lambda i, ans, args, kw: lambda g: g * args[1 - i])
    >>> tg.grad(mul, argnums=(0, 1))(2.0, 5.0)
    (tensor(5., dtype=float64), tensor(2., dtype=float64))
    """
    _check_prim(fun, "defvjp_argnum")
    fun.vjp_of = vjpmaker


def defvjp(fun: Primitive, *vjpmakers: Callable[..., Any] | None, **kwargs: Any) -> None:
    """Set the VJPs of `fun`, one maker per argument (or per entry of `argnums=`):
    `maker(ans, *args, **kwargs)` returns `g -> gradient of that argument`; `None` gives a
    zero gradient.

    Args:
        fun: a primitive.
        vjpmakers: one maker per argument, in order.
        argnums: the arguments the makers are for (default 0, 1, ...).

    Raises:
        TypeError: fun is not a primitive, or a maker is neither callable nor None.

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as np
    >>> from tapegrad.extend import primitive, defvjp
    >>> f = primitive(lambda x, y: x * np.sin(y))
    >>> defvjp(f, lambda ans, x, y: lambda g: g * np.sin(y),
    ...        lambda ans, x, y: lambda g: g * x * np.cos(y))
    >>> tg.grad(f, argnums=1)(2.0, 0.0)
    tensor(2., dtype=float64)
    """
    _check_prim(fun, "defvjp")
    makers = {}
    for i, m in zip(_argnums(kwargs, "defvjp"), vjpmakers):
        if m is not None and not callable(m):
            raise TypeError(f"defvjp: the VJP for argnum {i} must be a function or None, "
                            f"got {type(m).__name__}")
        makers[i] = m

    def vjp_of(i, ans, args, kw):
        if i not in makers:
            raise fun._missing("VJP", i)
        m = makers[i]
        if m is None:
            return lambda g: _zeros_like(args[i])
        return m(ans, *args, **kw)

    fun.vjp_of = vjp_of


def defvjp_argnums(fun: Primitive, vjpmaker: Callable[..., Any]) -> None:
    """autograd's `defvjp_argnums`: `vjpmaker(argnums, ans, args, kwargs)` returns
    `g -> tuple of gradients, one per entry of argnums`.

    Args:
        fun: a primitive.
        vjpmaker: (argnums, ans, args, kwargs) -> g -> one gradient per argnum.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import primitive, defvjp_argnums
    >>> mul = primitive(lambda x, y: x * y)
    >>> defvjp_argnums(mul, lambda nums, ans, args, kw:
    ...                lambda g: tuple(g * args[1 - i] for i in nums))
    >>> tg.grad(mul)(2.0, 5.0)
    tensor(5., dtype=float64)
    """
    _check_prim(fun, "defvjp_argnums")
    fun.vjp_of = lambda i, ans, args, kw: (
        lambda g: vjpmaker((i,), ans, args, kw)(g)[0])


def defjvp_argnum(fun: Primitive, jvpmaker: Callable[..., Any]) -> None:
    """Set every JVP of `fun` with one maker: `jvpmaker(argnum, g, ans, args, kwargs)`
    returns the output's tangent from argument argnum's tangent g.

    Args:
        fun: a primitive.
        jvpmaker: (argnum, g, ans, args, kwargs) -> the output's tangent.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import primitive, defjvp_argnum
    >>> mul = primitive(lambda x, y: x * y)
    >>> defjvp_argnum(mul, lambda i, g, ans, args, kw: g * args[1 - i])
    >>> tg.jvp(mul, (2.0, 5.0), (1.0, 0.0))[1]
    tensor(5., dtype=float64)
    """
    _check_prim(fun, "defjvp_argnum")
    fun.same = set()
    fun.linear = False
    fun.jvp_of = jvpmaker


def defjvp(fun: Primitive, *jvpfuns: Callable[..., Any] | str | None, **kwargs: Any) -> None:
    """Set the JVPs of `fun`, one per argument (or per entry of `argnums=`):
    `jvp(g, ans, *args, **kwargs)` returns the output's tangent from that argument's
    tangent `g`; `"same"` applies fun itself to the tangent (fun linear in that
    argument); `None` gives no contribution.

    Args:
        fun: a primitive.
        jvpfuns: one rule per argument, in order.
        argnums: the arguments the rules are for (default 0, 1, ...).

    Raises:
        TypeError: fun is not a primitive, or a rule is not callable, "same" or None.

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as np
    >>> from tapegrad.extend import primitive, defjvp
    >>> f = primitive(lambda x: np.sin(x))
    >>> defjvp(f, lambda g, ans, x: g * np.cos(x))
    >>> tg.jvp(f, (0.0,), (2.0,))[1]
    tensor(2., dtype=float64)
    """
    _check_prim(fun, "defjvp")
    rules = {}
    fun.same = set()
    fun.linear = False
    for i, r in zip(_argnums(kwargs, "defjvp"), jvpfuns):
        if isinstance(r, str) and r == "same":
            fun.same.add(i)
            r = functools.partial(_same, fun, i)
        elif r is not None and not callable(r):
            raise TypeError(f"defjvp: the JVP for argnum {i} must be a function, 'same' or "
                            f"None, got {r!r:.40}")
        rules[i] = r

    def jvp_of(i, g, ans, args, kw):
        if i not in rules:
            raise fun._missing("JVP", i)
        r = rules[i]
        if r is None:
            return None
        return r(g, ans, *args, **kw)

    fun.jvp_of = jvp_of


def defjvp_argnums(fun: Primitive, jvpmaker: Callable[..., Any]) -> None:
    """autograd's `defjvp_argnums`: `jvpmaker(argnums, gs, ans, args, kwargs)` returns
    the output's tangent from the tangents `gs` of the arguments in argnums.

    Args:
        fun: a primitive.
        jvpmaker: (argnums, gs, ans, args, kwargs) -> the output's tangent.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import primitive, defjvp_argnums
    >>> mul = primitive(lambda x, y: x * y)
    >>> defjvp_argnums(mul, lambda nums, gs, ans, args, kw:
    ...                sum(g * args[1 - i] for i, g in zip(nums, gs)))
    >>> tg.jvp(mul, (2.0, 5.0), (1.0, 1.0))[1]
    tensor(7., dtype=float64)
    """
    _check_prim(fun, "defjvp_argnums")
    fun.same = set()
    fun.linear = False
    fun.jvp_of = lambda i, g, ans, args, kw: jvpmaker((i,), (g,), ans, args, kw)


def _same(fun, i, g, ans, *args, **kwargs):
    return fun(*_sub(args, i, g), **kwargs)


def def_linear(fun: Primitive) -> None:
    """Declare `fun` linear in each argument: its JVP applies it to the tangent (as
    autograd's `def_linear`, forward mode only; give `defvjp` for reverse mode).

    Args:
        fun: a primitive.

    >>> import tapegrad as tg
    >>> from tapegrad.extend import primitive, def_linear
    >>> double = primitive(lambda x: 2.0 * x)
    >>> def_linear(double)
    >>> tg.jvp(double, (3.0,), (1.0,))[1]
    tensor(2., dtype=float64)
    """
    _check_prim(fun, "def_linear")
    fun.linear = True
    fun.jvp_of = lambda i, g, ans, args, kw: fun(*_sub(args, i, g), **kw)
