"""JAX-style transforms over the one engine: grad, value_and_grad, vjp, jvp, jacfwd,
jacrev, hessian, hvp. They compose to any order."""
from __future__ import annotations

import functools

from ._tensor import Tensor
from .ops import sum as tsum
from ._func_core import (_args_flat, _argnum_alias, _argnums, _check_f, _grad_core, _jvp, _to_tensor, _vjp,
                         _zeros_of)
from ._pytree import unflatten
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
         holomorphic: bool = False, allow_int: bool = False, *,
         argnum: int | Sequence[int] | None = None) -> Callable[..., Any]:
    """The gradient of scalar-valued `f` with respect to argument(s) `argnums`, as
    jax.grad and torch.func.grad.

    `grad(f)` is a new function taking f's arguments and returning the gradient, with
    the structure (tensor, or pytree of tensors) of the argument it differentiates.
    Python numbers and lists compute in float64. Transforms nest: `grad(grad(f))` is the
    second derivative, and `grad` works inside `vmap`, `jvp` and a `GradientTape`.

    Args:
        f: a function returning a floating-point scalar (a 0-d or one-element tensor,
            or a Python float).
        argnums: the position of the argument to differentiate, or a tuple of positions
            (the result is then a tuple of gradients).
        has_aux: f returns a pair (scalar, aux); the function returned gives
            (gradient, aux), aux cut from the graph.
        holomorphic: f is holomorphic (complex in, complex out): return f'(z) itself, as
            JAX does, rather than PyTorch's conjugate convention for real losses.
        allow_int: accept integer and bool arguments (they get zero gradients of their
            own dtype; JAX's are float0). Without it they are a TypeError, as in JAX
            and autograd: a Python int is not promoted here.
        argnum: autograd's spelling of argnums (give one of the two).

    Returns:
        A function of f's arguments returning the gradient(s).

    Raises:
        TypeError: f is not callable, argnums is not an int or tuple of ints, or (when
            called) f does not return a floating-point scalar (0-d or one element), an
            argument to differentiate is an integer, or argnums is out of range for
            the arguments given.
        ValueError: (when called) argnums repeats a position.

    For complex inputs and a real output, the gradient follows PyTorch: dL/dx + i dL/dy
    (JAX and autograd return its conjugate). With holomorphic=True, f maps complex to
    complex and the result is the complex derivative f'(z), as in JAX.

    >>> import tapegrad as tg
    >>> tg.grad(lambda x: x ** 3)(2.0)
    tensor(12., dtype=float64)
    >>> tg.grad(tg.grad(lambda x: x ** 3))(2.0)
    tensor(12., dtype=float64)
    >>> tg.grad(lambda z: z ** 2, holomorphic=True)(tg.tensor(1 + 1j, dtype=tg.complex128))
    tensor(2.+2.j, dtype=complex128)
    """
    _check_f(f, "grad", has_aux)
    argnums = _argnum_alias(argnums, argnum, "grad")
    _argnums(argnums, 1 << 30, "grad")         # the type now; the range at call time

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        _, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "grad", holomorphic,
                               value=False, allow_int=allow_int)
        return (g, aux) if has_aux else g
    if not holomorphic:
        note_grad_transform(grad_f, f, argnums, has_aux, False)     # vmap(grad(f)): one pass
    return grad_f


def elementwise_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, *,
                     argnum: int | Sequence[int] | None = None) -> Callable[..., Any]:
    """The gradient of `sum(f(x))`: for `f` acting elementwise, each element's derivative
    (autograd's elementwise_grad; the vector-Jacobian product with ones).

    Args:
        f: a function of tensors; its output may have any shape.
        argnums: the position (or tuple of positions) of the argument(s) to
            differentiate.
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning, for each differentiated argument, a
        tensor of its shape.

    Raises:
        TypeError: f is not callable or argnums is not an int or tuple of ints.

    >>> import tapegrad as tg
    >>> tg.elementwise_grad(lambda x: x ** 2)(tg.tensor([1.0, 3.0]))
    tensor([2., 6.])
    """
    _check_f(f, "elementwise_grad")
    argnums = _argnum_alias(argnums, argnum, "elementwise_grad")
    _argnums(argnums, 1 << 30, "elementwise_grad")

    @functools.wraps(f)
    def egrad(*args, **kwargs):
        def total(*a, **k):
            out = f(*a, **k)
            return tsum(out if isinstance(out, Tensor) else _to_tensor(out))
        return _grad_core(total, args, kwargs, argnums, False, "elementwise_grad",
                          value=False)[1]
    return egrad


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False, allow_int: bool = False, *,
                   argnum: int | Sequence[int] | None = None) -> Callable[..., tuple[Any, Any]]:
    """Like grad, but returns (value, grad) (or ((value, aux), grad) with has_aux), from
    one forward pass.

    Args:
        f: a function returning a floating-point scalar.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: f returns a pair (scalar, aux).
        holomorphic: as grad.
        allow_int: as grad.
        argnum: autograd's spelling of argnums.

    Returns:
        A function of f's arguments returning (value, gradient), or
        ((value, aux), gradient) with has_aux.

    Raises:
        TypeError: as grad: f not callable, bad argnums, a non-scalar output, an integer
            argument or argnums out of range.
        ValueError: argnums repeated.

    >>> import tapegrad as tg
    >>> value, grad = tg.value_and_grad(lambda x: (x * x).sum())(tg.tensor([1.0, 2.0]))
    >>> value, grad
    (tensor(5.), tensor([2., 4.]))
    """
    _check_f(f, "value_and_grad", has_aux)
    argnums = _argnum_alias(argnums, argnum, "value_and_grad")
    _argnums(argnums, 1 << 30, "value_and_grad")

    @functools.wraps(f)
    def vg(*args, **kwargs):
        v, g, aux = _grad_core(f, args, kwargs, argnums, has_aux, "value_and_grad",
                               holomorphic, allow_int=allow_int)
        return ((v, aux), g) if has_aux else (v, g)
    if not holomorphic:
        note_grad_transform(vg, f, argnums, has_aux, True)
    return vg


def grad_and_value(func: Callable[..., Any], argnums: int | Sequence[int] = 0,
                   has_aux: bool = False) -> Callable[..., tuple[Any, Any]]:
    """torch.func.grad_and_value: value_and_grad with the pair the other way round,
    (grad, value), or (grad, (value, aux)) with has_aux.

    Args:
        func: a function returning a floating-point scalar.
        argnums: the position, or tuple of positions, of the argument(s) to
            differentiate.
        has_aux: func returns a pair (scalar, aux).

    Returns:
        A function of func's arguments returning (gradient, value).

    Raises:
        TypeError: as value_and_grad.

    >>> import tapegrad as tg
    >>> tg.func.grad_and_value(lambda x: (x * x).sum())(tg.tensor([1.0, 2.0]))
    (tensor([2., 4.]), tensor(5.))
    """
    vg = value_and_grad(func, argnums, has_aux)

    @functools.wraps(func)
    def gv(*args, **kwargs):
        v, g = vg(*args, **kwargs)
        return g, v
    return gv


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """(f(*primals), vjp_fn) where vjp_fn(cotangent) returns one gradient per primal
    (a tuple), as torch.func.vjp and jax.vjp.

    f runs once, forward; each call of vjp_fn runs one backward pass, so the
    vector-Jacobian products of several cotangents share the forward pass.

    Args:
        f: a function of the primals returning a tensor or a pytree of tensors.
        *primals: the point to differentiate at (tensors, numbers or pytrees).
        has_aux: f returns a pair (output, aux); vjp then returns
            (output, vjp_fn, aux).

    Returns:
        (output, vjp_fn), where vjp_fn takes a cotangent shaped like the output and
        returns a tuple with one gradient per primal.

    Raises:
        TypeError: f is not callable, or f's output holds something other than
            tensors.

    >>> import tapegrad as tg
    >>> out, vjp_fn = tg.vjp(lambda x: x * x, tg.tensor([1.0, 2.0]))
    >>> out, vjp_fn(tg.tensor([1.0, 10.0]))
    (tensor([1., 4.]), (tensor([ 2., 40.]),))
    """
    return _vjp(f, primals, has_aux, "vjp")


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple[Any, ...]:
    """(f(*primals), J @ tangents) in one forward pass with dual numbers, as jax.jvp
    and torch.func.jvp.

    Args:
        f: a function of the primals returning a tensor or a pytree of tensors.
        primals: a tuple of the arguments to evaluate f at.
        tangents: a tuple of directions, one per primal, each shaped like it.
        has_aux: f returns a pair (output, aux); jvp then returns
            (output, tangent_out, aux).

    Returns:
        (output, tangent_out): f's value and its directional derivative along the
        tangents, with the output's structure.

    Raises:
        TypeError: f is not callable, primals or tangents is not a tuple or list, they
            differ in structure, a primal is not floating-point, or a tangent's dtype is
            of another kind than its primal's (an integer tangent of a float primal).
        ValueError: a tangent's shape differs from its primal's.

    >>> import tapegrad as tg
    >>> tg.jvp(lambda x: x ** 2, (3.0,), (1.0,))
    (tensor(9., dtype=float64), tensor(6., dtype=float64))
    """
    return _jvp(f, primals, tangents, has_aux, "jvp")


def linearize(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """(f(*primals), f_jvp) where f_jvp(*tangents) is the Jacobian-vector product at
    primals, as jax.linearize: the derivative as a function, evaluated for as many
    tangents as wanted.

    f runs once here for its value; each call of f_jvp is one forward-mode pass (JAX
    reuses a linearized trace instead; the results are the same).

    Args:
        f: a function of the primals returning a tensor or a pytree of tensors.
        *primals: the point (tensors, arrays, numbers or pytrees), one per argument.

    Returns:
        (output, f_jvp): f's value, and a function taking one tangent per primal (each
        shaped like it) and returning the tangent of the output, with its structure.

    Raises:
        TypeError: f is not callable, or (from f_jvp) tangents that do not match the
            primals in number, structure or dtype kind.

    >>> import tapegrad as tg
    >>> y, f_jvp = tg.linearize(lambda x: x ** 3, 2.0)
    >>> y, f_jvp(1.0), f_jvp(0.5)
    (tensor(8., dtype=float64), tensor(12., dtype=float64), tensor(6., dtype=float64))
    """
    _check_f(f, "linearize")
    out = _jvp(f, primals, tuple(_zero_like(p) for p in primals), False, "linearize")[0]

    def f_jvp(*tangents):
        if len(tangents) != len(primals):
            raise TypeError(f"linearize: f_jvp takes {len(primals)} tangent(s), one per "
                            f"primal, got {len(tangents)}")
        return _jvp(f, primals, tangents, False, "linearize")[1]
    return out, f_jvp


def _zero_like(tree):
    leaves, spec = _args_flat(tree)
    return unflatten(spec, [_zeros_of(v) for v in leaves])


from ._linear_transpose import linear_transpose  # noqa: E402,F401

# the Jacobian and Hessian transforms (their own file)
from ._func_jac import hessian, hvp, jacfwd, jacobian, jacrev  # noqa: E402

# tg.func.vmap and torch.func's module helpers live in tapegrad/vmap (issue 17)
from .vmap import functional_call, stack_module_state, vmap  # noqa: E402,F401
from .vmap._api import note_grad_transform  # noqa: E402

# the names `from tapegrad.func import *` gives (tests/test_all.py)
__all__ = ["grad", "elementwise_grad", "value_and_grad", "grad_and_value", "vjp", "jvp", "linearize", "linear_transpose", "jacfwd",
           "jacrev", "jacobian", "hessian", "hvp"]
