"""NumPy's products (dot, matmul, outer, einsum) and queries (shape, allclose, ...) over
tapegrad ops, with NumPy's signatures; the rest of the adapters are in _functions.py."""
from __future__ import annotations

import builtins

import numpy as np

from .._tensor import Tensor
from ._npint import make  # integers made here follow NumPy's promotion
from .. import ops
from ._convert import as_result, asarg, no_out, np_call
from ._functions import _raw
from ._shapes import ravel
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


# ------------------------------------------------------------------ products

def dot(a: ArrayLike, b: ArrayLike, out: None = None, *, precision: Any = None,
        preferred_element_type: Any = None) -> Tensor:
    """NumPy's dot: a sum product over the last axis of `a` and the second-to-last of
    `b` (scalars multiply, 1-D and 2-D as matmul).

    Args:
        a: a tensor, array, list or number.
        b: a tensor, array, list or number.
        out: must be None (tensors are not written into).
        precision: jax.numpy's (accepted: float64 is computed exactly as NumPy).
        preferred_element_type: jax.numpy's result dtype (None: NumPy's).

    >>> import tapegrad.numpy as tnp
    >>> tnp.dot([1.0, 2.0], [3.0, 4.0]).item()
    11.0
    >>> tnp.dot([[1, 0], [0, 2]], [[1], [1]]).tolist()
    [[1], [2]]
    """
    no_out("dot", out)
    if preferred_element_type is not None:
        return ops.cast(dot(a, b), np.dtype(preferred_element_type))
    a, b = asarg(a), asarg(b)
    if np.ndim(_raw(a)) == 0 or np.ndim(_raw(b)) == 0:
        return as_result(a * b) if isinstance(a, Tensor) or isinstance(b, Tensor) \
            else make(np.asarray(a * b))
    if np.ndim(_raw(b)) > 2:
        # contract a's last axis with b's second-to-last; the rest lay out as NumPy's
        return _dot_nd(a, b)
    return ops.matmul(a, b)


def _dot_nd(a, b):
    na, nb = np.ndim(_raw(a)), np.ndim(_raw(b))
    letters = "abcdefghijklmnopqrstuvwxyz"
    sa = letters[:na - 1] + "z"
    sb = letters[na - 1:na - 1 + nb - 2] + "z" + letters[na - 1 + nb - 2]
    return ops.einsum(f"{sa},{sb}->{sa[:-1]}{sb[:-2]}{sb[-1]}", a, b)


def matmul(x1: ArrayLike, x2: ArrayLike, out: None = None, *, precision: Any = None,
           preferred_element_type: Any = None) -> Tensor:
    """Matrix product with NumPy's broadcasting of leading axes (the @ operator); 1-D
    operands are vectors.

    Args:
        x1: a tensor, array or list with at least 1 dimension.
        x2: a tensor, array or list with at least 1 dimension.
        out: must be None (tensors are not written into).
        precision: jax.numpy's (accepted).
        preferred_element_type: jax.numpy's result dtype (None: NumPy's).

    >>> import tapegrad.numpy as tnp
    >>> tnp.matmul([[1.0, 2.0]], [[3.0], [4.0]]).tolist()
    [[11.0]]
    """
    no_out("matmul", out)
    r = ops.matmul(asarg(x1), asarg(x2))
    return r if preferred_element_type is None else ops.cast(r, np.dtype(preferred_element_type))


def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Tensor:
    """Outer product of the flattened inputs.

    Args:
        a: a tensor, array, list or number (flattened).
        b: a tensor, array, list or number (flattened).
        out: must be None (tensors are not written into).

    >>> import tapegrad.numpy as tnp
    >>> tnp.outer([1, 2], [1, 10]).tolist()
    [[1, 10], [2, 20]]
    """
    no_out("outer", out)
    return ops.outer(ravel(a), ravel(b))


def einsum(subscripts: str, *operands: Any, out: None = None, optimize: Any = False,
           **kwargs: Any) -> Tensor:
    """Einstein summation over tensors, arrays and lists (NumPy's `optimize=` is
    accepted and ignored; `out=` is refused).

    Args:
        subscripts: the subscripts, e.g. "ij,jk->ik".
        *operands: the tensors, arrays or lists, one per input subscript.
        out: must be None (tensors are not written into).
        optimize: accepted and ignored.
        **kwargs: NumPy's dtype= (the result is cast to it), casting= and order=, and
            JAX's precision= and preferred_element_type= (a dtype, as dtype=); others
            raise TypeError.

    >>> import tapegrad.numpy as tnp
    >>> tnp.einsum("ij,j->i", [[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]).tolist()
    [3.0, 7.0]
    >>> tnp.einsum(tnp.eye(2), [0, 1], [1, 0]).shape     # NumPy's sublist form
    (2, 2)
    """
    no_out("einsum", out)
    if not isinstance(subscripts, str):     # NumPy's sublist form: op, [0, 1], op, [1], [0]
        subscripts, operands = _sublists(subscripts, operands)
    unknown = sorted(set(kwargs) - _EINSUM_KWARGS)
    if unknown:             # a misspelt keyword must not be dropped silently
        raise TypeError(f"einsum: unexpected keyword argument(s) {unknown}; it takes "
                        f"out, optimize, {', '.join(sorted(_EINSUM_KWARGS))}")
    result = ops.einsum(subscripts, *[asarg(o) for o in operands])
    dtype = kwargs.get("dtype", kwargs.get("preferred_element_type"))
    if dtype is float:          # NumPy's float is float64, not tg's float32
        dtype = np.float64
    return result if dtype is None else ops.cast(result, dtype)


def _sublists(first, rest):
    """einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) as a subscript string and
    the operands; the integers 0-51 name the axes (Ellipsis stands for "...")."""
    args = (first,) + tuple(rest)
    ops_, subs = list(args[0::2]), list(args[1::2])
    out = None
    if len(ops_) > len(subs):       # an odd count: the last item is the output sublist
        out = ops_.pop()

    def letters(sub):
        text = ""
        for k in sub:
            if k is Ellipsis:
                text += "..."
            elif isinstance(k, (int, np.integer)) and 0 <= k < 52:
                text += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[int(k)]
            else:
                raise ValueError(f"einsum: sublist entries must be ints in [0, 52) or "
                                 f"Ellipsis, got {k!r}")
        return text

    spec = ",".join(letters(s) for s in subs)
    if out is not None:
        spec += "->" + letters(out)
    return spec, ops_


_EINSUM_KWARGS = frozenset(("dtype", "casting", "order", "precision",
                            "preferred_element_type"))


# ------------------------------------------------------------------ queries

def shape(a: ArrayLike) -> tuple[int, ...]:
    """The shape of `a` (a tensor, array, list or number) as a tuple.

    Args:
        a: a tensor, array, list or number.

    >>> import tapegrad.numpy as tnp
    >>> tnp.shape([[1, 2, 3]]), tnp.shape(tnp.zeros(2))
    ((1, 3), (2,))
    """
    return np.shape(_raw(a))


def ndim(a: ArrayLike) -> int:
    """The number of axes of `a`.

    Args:
        a: a tensor, array, list or number.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ndim([[1.0]]), tnp.ndim(3.0)
    (2, 0)
    """
    return np.ndim(_raw(a))


def size(a: ArrayLike, axis: Axis = None) -> int:
    """The number of elements (NumPy's meaning; a tensor's `.size` is PyTorch's).

    Args:
        a: a tensor, array, list or number.
        axis: count only along this axis (None: all elements).

    >>> import tapegrad.numpy as tnp
    >>> tnp.size([[1, 2], [3, 4]]), tnp.size([[1, 2, 3]], 1)
    (4, 3)
    """
    return np.size(_raw(a), axis)


def allclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether all elements of a and b are equal within atol + rtol * |b| (a Python
    bool, on the values).

    Args:
        a: a tensor, array, list or number.
        b: a tensor, array, list or number, broadcast against a.
        rtol: the relative tolerance.
        atol: the absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    >>> import tapegrad.numpy as tnp
    >>> tnp.allclose([1.0, 2.0], [1.0 + 1e-9, 2.0]), tnp.allclose([1.0], [1.1])
    (True, False)
    """
    return builtins.bool(np.allclose(_raw(asarg(a)), _raw(asarg(b)), rtol, atol, equal_nan))


def array_equal(a1: ArrayLike, a2: ArrayLike, equal_nan: bool = False) -> bool:
    """Whether a1 and a2 have the same shape and elements (a Python bool).

    Args:
        a1: a tensor, array, list or number.
        a2: a tensor, array, list or number.
        equal_nan: count NaN as equal to NaN.

    >>> import tapegrad.numpy as tnp
    >>> tnp.array_equal([1, 2], [1, 2]), tnp.array_equal([1, 2], [1, 2, 3])
    (True, False)
    """
    return builtins.bool(np.array_equal(_raw(asarg(a1)), _raw(asarg(a2)), equal_nan))


def isclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise |a - b| <= atol + rtol * |b| (a bool tensor, no gradient).

    Args:
        a: a tensor, array, list or number.
        b: a tensor, array, list or number, broadcast against a.
        rtol: the relative tolerance.
        atol: the absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    >>> import tapegrad.numpy as tnp
    >>> tnp.isclose([1.0, 2.0], [1.0 + 1e-9, 2.1]).tolist()
    [True, False]
    """
    return make(np.asarray(np.isclose(_raw(asarg(a)), _raw(asarg(b)), rtol, atol, equal_nan)))


def constant_fn(npfn, name):
    """NumPy's `name` on the values: the result (bool or integer: a comparison, a test,
    an index) carries no gradient, so nothing is cut."""
    def f(*args: Any, **kwargs: Any) -> Tensor:
        return as_result(np_call(npfn, [_raw(asarg(a)) for a in args],
                                 {k: _raw(v) for k, v in kwargs.items()}))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"NumPy's `np.{name}` on the values, as a tensor without gradient (its "
                 f"result is boolean or integer). Example: `tnp.{name}(x, ...)`.")
    return f


def query_fn(npfn, name):
    """NumPy's `name` on the values, returning what NumPy returns (dtypes, flags)."""
    def f(*args: Any, **kwargs: Any) -> Any:
        return npfn(*[_raw(a) for a in args], **kwargs)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"NumPy's `np.{name}`, reading tensors' values (no gradient involved)."
    return f

