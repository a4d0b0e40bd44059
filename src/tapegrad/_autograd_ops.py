"""HIPS autograd's remaining differential operators, so `from autograd import ...`
ports by its import line: make_vjp, make_jvp, make_hvp, make_ggnvp, deriv,
holomorphic_grad, grad_named, grad_and_aux, hessian_tensor_product (and its alias
hessian_vector_product), tensor_jacobian_product (vector_jacobian_product) and
multigrad_dict, with autograd's calling conventions (argnum picks the argument; the
returned functions take the other arguments as they are), written over tg.grad, tg.vjp,
tg.jvp and tg.jacobian."""
from __future__ import annotations

import collections
import functools
import inspect

from . import numpy as tnp
from .func import grad, jacobian, jvp, vjp
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["make_vjp", "make_jvp", "make_hvp", "make_ggnvp", "deriv", "holomorphic_grad",
           "grad_named", "grad_and_aux", "hessian_tensor_product", "hessian_vector_product",
           "tensor_jacobian_product", "vector_jacobian_product", "multigrad_dict"]


def _callable(fun, who):
    if not callable(fun):
        raise TypeError(f"{who}: fun must be callable, got {fun!r:.40} "
                        f"({type(fun).__name__})")


def _nary(unary):
    """autograd's unary_to_nary: op(fun, argnum=0)(*args) applies `unary` to fun as a
    function of args[argnum] (a tuple of arguments when argnum is a tuple)."""
    @functools.wraps(unary)
    def op(fun: Callable[..., Any], argnum: Any = 0, *nary_args: Any, **nary_kw: Any) -> Any:
        _callable(fun, unary.__name__)
        @functools.wraps(fun)
        def call(*args: Any, **kwargs: Any) -> Any:
            if isinstance(argnum, int):
                def unary_f(x):
                    new = list(args)
                    new[argnum] = x
                    return fun(*new, **kwargs)
                x = args[argnum]
            else:
                def unary_f(x):
                    new = list(args)
                    for i, v in zip(argnum, x):
                        new[i] = v
                    return fun(*new, **kwargs)
                x = tuple(args[i] for i in argnum)
            return unary(unary_f, x, *nary_args, **nary_kw)
        return call
    return op


def _make_vjp(fun, x):
    ans, pullback = vjp(fun, x)
    return (lambda g: pullback(g)[0]), ans


@_nary
def make_vjp(fun: Callable[..., Any], x: Any) -> Any:
    """(vjp, value): `vjp(g)` is g's vector-Jacobian product at x, as autograd's.

    Args:
        fun: the function.
        x: the point (argnum picks it from the arguments).

    >>> import tapegrad.numpy as np
    >>> from tapegrad import make_vjp
    >>> pullback, value = make_vjp(np.sin)(np.array([0.0, 1.0]))
    >>> pullback(np.ones(2))
    tensor([1.0000, 0.5403], dtype=float64)
    """
    return _make_vjp(fun, x)


@_nary
def make_jvp(fun: Callable[..., Any], x: Any) -> Any:
    """A function of a tangent g returning (value, Jacobian-vector product), as
    autograd's make_jvp.

    Args:
        fun: the function.
        x: the point.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import make_jvp
    >>> make_jvp(np.sin)(np.array([0.0]))(np.array([2.0]))[1]
    tensor([2.], dtype=float64)
    """
    return lambda g: jvp(fun, (x,), (g,))


@_nary
def deriv(fun: Callable[..., Any], x: Any) -> Any:
    """The derivative along a tangent of ones (elementwise derivatives of an
    elementwise function), as autograd's deriv.

    Args:
        fun: the function.
        x: the point.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import deriv
    >>> deriv(np.tanh)(np.array([0.0, 1.0]))
    tensor([1.0000, 0.4200], dtype=float64)
    """
    return jvp(fun, (x,), (tnp.ones_like(x),))[1]


@_nary
def holomorphic_grad(fun: Callable[..., Any], x: Any) -> Any:
    """The complex derivative of a holomorphic scalar function, as autograd's.

    Args:
        fun: a holomorphic function returning a complex scalar.
        x: the complex point.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import holomorphic_grad
    >>> holomorphic_grad(lambda z: z ** 2)(np.array(1.0 + 2.0j))
    tensor(2.+4.j, dtype=complex128)
    """
    return grad(fun, holomorphic=True)(x)


def grad_named(fun: Callable[..., Any], argname: str) -> Callable[..., Any]:
    """The gradient with respect to the argument called `argname`, as autograd's.

    Args:
        fun: the function (no *args/**kwargs for that argument).
        argname: the argument's name.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import grad_named
    >>> grad_named(lambda a, b: np.sum(a * b), "b")(np.array([3.0]), np.array([1.0]))
    tensor([3.], dtype=float64)
    """
    _callable(fun, "grad_named")
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))


@_nary
def grad_and_aux(fun: Callable[..., Any], x: Any) -> Any:
    """(gradient of the first output, the second output) of a function returning two
    values, as autograd's.

    Args:
        fun: returns (scalar, aux).
        x: the point.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import grad_and_aux
    >>> grad_and_aux(lambda x: (np.sum(x ** 2), "aux"))(np.array([1.0, 2.0]))
    (tensor([2., 4.], dtype=float64), 'aux')
    """
    return grad(lambda v: tuple(fun(v)), has_aux=True)(x)


@_nary
def make_hvp(fun: Callable[..., Any], x: Any) -> Any:
    """(hvp, gradient): `hvp(v)` is the Hessian-vector product at x, as autograd's.

    Args:
        fun: a scalar function.
        x: the point.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import make_hvp
    >>> hvp, g = make_hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    >>> hvp(np.array([1.0, 0.0]))
    tensor([6., 0.], dtype=float64)
    """
    return _make_vjp(grad(fun), x)


def hessian_tensor_product(fun: Callable[..., Any], argnum: int = 0) -> Callable[..., Any]:
    """A function of (*args, tensor) giving the Hessian (in argument argnum) times
    tensor, as autograd's; also hessian_vector_product.

    Args:
        fun: a scalar function.
        argnum: the argument differentiated.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import hessian_vector_product
    >>> hessian_vector_product(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]), np.ones(2))
    tensor([ 6., 12.], dtype=float64)
    """
    _callable(fun, "hessian_tensor_product")
    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return tnp.tensordot(fun_grad(*args, **kwargs), vector, tnp.ndim(vector))
    return grad(vector_dot_grad, argnum)


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun: Callable[..., Any], argnum: int = 0) -> Callable[..., Any]:
    """A function of (*args, tensor) giving tensor times the Jacobian (in argument
    argnum), as autograd's; also vector_jacobian_product.

    Args:
        fun: the function.
        argnum: the argument differentiated.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import vector_jacobian_product
    >>> vector_jacobian_product(np.sin)(np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    tensor([1.0000, 1.0806], dtype=float64)
    """
    _callable(fun, "tensor_jacobian_product")
    def vector_dot_fun(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return tnp.tensordot(vector, fun(*args, **kwargs), axes=tnp.ndim(vector))
    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


def _half_square(x):
    return 0.5 * tnp.sum(x ** 2, axis=-1)


def make_ggnvp(f: Callable[..., Any], g: Callable[..., Any] = _half_square,
               f_argnum: int = 0) -> Callable[..., Any]:
    """A builder of Gauss-Newton-vector products J^T H_g J v for the composition
    g(f(x)), as autograd's: `make_ggnvp(f, g)(x)` returns `ggnvp(v)`.

    Args:
        f: the inner function.
        g: the outer scalar function (default half the squared norm over the last
            axis, as autograd).
        f_argnum: the argument of f differentiated.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import make_ggnvp
    >>> make_ggnvp(lambda x: 2.0 * x)(np.array([1.0, 3.0]))(np.array([1.0, 0.0]))
    tensor([4., 0.], dtype=float64)
    """
    _callable(f, "make_ggnvp")
    def build(f_of_x: Callable[..., Any], x: Any) -> Any:
        f_vjp, f_x = _make_vjp(f_of_x, x)
        g_hvp, _ = _make_vjp(grad(g), f_x)

        def ggnvp(v: Any) -> Any:
            return f_vjp(g_hvp(jvp(f_of_x, (x,), (v,))[1]))
        return ggnvp
    return _nary(build)(f, f_argnum)


def multigrad_dict(fun: Callable[..., Any]) -> Callable[..., Any]:
    """Gradients with respect to every argument, as an OrderedDict by argument name
    (autograd's multigrad_dict).

    Args:
        fun: a scalar function of named arguments.

    >>> import tapegrad.numpy as np
    >>> from tapegrad import multigrad_dict
    >>> g = multigrad_dict(lambda a, b: np.sum(a * b))(np.array([2.0]), np.array([5.0]))
    >>> g["a"], g["b"]
    (tensor([5.], dtype=float64), tensor([2.], dtype=float64))
    """
    _callable(fun, "multigrad_dict")
    sig = inspect.signature(fun)

    def gradfun(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        names = list(bound.arguments)

        def of_dict(d):
            b = sig.bind_partial()
            b.arguments.update(d)
            return fun(*b.args, **b.kwargs)
        g = grad(of_dict)(dict(bound.arguments))
        return collections.OrderedDict((n, g[n]) for n in names)
    return gradfun
