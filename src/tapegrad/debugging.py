"""tg.debugging: TensorFlow's tf.debugging checks, as they run eagerly: a failed check
raises tg.errors.InvalidArgumentError (a value check) or ValueError / TypeError (a shape
or dtype check), a passing one returns None (`check_numerics` returns its input)."""
from __future__ import annotations

import numpy as np

from ._dtypes import as_dtype
from ._tensor import Tensor, as_tensor
from .errors import InvalidArgumentError
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _arr(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _fail(cond, x, y, message, who):
    if np.all(cond):
        return None
    bad = np.argwhere(~np.broadcast_to(cond, np.shape(cond)))
    msg = f"{message + ' ' if message else ''}{who}: Condition did not hold for elements " \
          f"{bad[:5].tolist()}; x = {np.asarray(x).ravel()[:8].tolist()}"
    if y is not None:
        msg += f", y = {np.asarray(y).ravel()[:8].tolist()}"
    raise InvalidArgumentError(msg)


def _compare(op, who):
    def check(x: Any, y: Any, message: str | None = None, summarize: Any = None,
              name: str | None = None) -> None:
        a, b = _arr(x), _arr(y)
        return _fail(op(a, b), a, b, message, who)
    check.__name__ = who
    check.__doc__ = (f"Raise tg.errors.InvalidArgumentError unless `x {who}` holds for every "
                     f"element (TF's tf.debugging.{who}).\n\n    Args:\n        x, y: "
                     "tensors, arrays or numbers (broadcast).\n        message: put "
                     "before the error text.\n        summarize, name: TF's, unused.\n")
    return check


assert_equal = _compare(np.equal, "assert_equal")
assert_none_equal = _compare(np.not_equal, "assert_none_equal")
assert_less = _compare(np.less, "assert_less")
assert_less_equal = _compare(np.less_equal, "assert_less_equal")
assert_greater = _compare(np.greater, "assert_greater")
assert_greater_equal = _compare(np.greater_equal, "assert_greater_equal")


def _sign(op, who):
    def check(x: Any, message: str | None = None, summarize: Any = None,
              name: str | None = None) -> None:
        a = _arr(x)
        return _fail(op(a, 0), a, None, message, who)
    check.__name__ = who
    check.__doc__ = (f"Raise tg.errors.InvalidArgumentError unless every element passes "
                     f"(TF's tf.debugging.{who}).\n\n    Args:\n        x: a tensor, array "
                     "or number.\n        message: put before the error text.\n        "
                     "summarize, name: TF's, unused.\n")
    return check


assert_positive = _sign(np.greater, "assert_positive")
assert_negative = _sign(np.less, "assert_negative")
assert_non_negative = _sign(np.greater_equal, "assert_non_negative")
assert_non_positive = _sign(np.less_equal, "assert_non_positive")


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None, message: str | None = None,
                summarize: Any = None, name: str | None = None) -> None:
    """Raise tg.errors.InvalidArgumentError unless |x - y| <= atol + rtol * |y| everywhere
    (TF's defaults: 10 times the dtype's machine epsilon for both).

    Args:
        x, y: tensors, arrays or numbers of a floating dtype (broadcast).
        rtol, atol: the tolerances.
        message: put before the error text.
        summarize, name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.debugging.assert_near(tg.constant([1.0, 2.0]), tg.constant([1.0, 2.0]))
    """
    a, b = _arr(x), _arr(y)
    eps = np.finfo(a.dtype if a.dtype.kind in "fc" else np.float32).eps
    rtol = 10 * eps if rtol is None else _arr(rtol)
    atol = 10 * eps if atol is None else _arr(atol)
    return _fail(np.abs(a - b) <= atol + rtol * np.abs(b), a, b, message, "assert_near")


def check_numerics(tensor: Any, message: str, name: str | None = None) -> Any:
    """`tensor` itself, after checking it has no NaN or infinity (else
    tg.errors.InvalidArgumentError naming `message`); gradients pass through.

    Args:
        tensor: a floating tensor.
        message: the text of the error.
        name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.debugging.check_numerics(tg.constant([1.0]), "x")
    tensor([1.])
    """
    a = _arr(tensor)
    if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
        what = "NaN" if np.any(np.isnan(a)) else "Inf"
        raise InvalidArgumentError(f"{message} : Tensor had {what} values")
    return tensor


def assert_all_finite(t: Any, msg: str, name: str | None = None, x: Any = None,
                      message: str | None = None) -> Any:
    """check_numerics under its other name (TF's tf.debugging.assert_all_finite).

    Args:
        t: a floating tensor.
        msg: the text of the error.
        name, x, message: TF's other spellings (x for t, message for msg).
    """
    return check_numerics(t if x is None else x, msg if message is None else message)


def assert_rank(x: Any, rank: int, message: str | None = None, name: str | None = None) -> None:
    """Raise ValueError unless `x` has `rank` dimensions.

    Args:
        x: a tensor or array.
        rank: the number of dimensions wanted.
        message: put before the error text.
        name: TF's, unused.
    """
    n = np.ndim(_arr(x))
    if n != int(_arr(rank)):
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank "
                         f"{int(_arr(rank))}.  Received rank {n}, shape {np.shape(_arr(x))}")


def assert_shapes(shapes: Any, data: Any = None, summarize: Any = None,
                  message: str | None = None, name: str | None = None) -> None:
    """Raise ValueError unless each tensor has its shape: `[(x, ("N", 3)), (y, ("N",))]`,
    where a name must stand for the same size everywhere and None, 1... are sizes.

    Args:
        shapes: (tensor, shape) pairs, or a dict tensor -> shape.
        data, summarize, name: TF's, unused.
        message: put before the error text.
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes: dict[str, int] = {}
    for x, spec in pairs:
        shape = np.shape(_arr(x))
        spec = [spec] if isinstance(spec, str) else list(spec)
        if spec and spec[0] == "...":
            spec = spec[1:]
            shape = shape[len(shape) - len(spec):] if len(shape) >= len(spec) else shape
        if len(shape) != len(spec):
            raise ValueError(f"{message + ' ' if message else ''}assert_shapes: a tensor of "
                             f"shape {shape} must have rank {len(spec)}")
        for d, (n, s) in enumerate(zip(shape, spec)):
            if s is None or s == "." or s == "":
                continue
            if isinstance(s, str):
                if sizes.setdefault(s, n) != n:
                    raise ValueError(f"{message + ' ' if message else ''}assert_shapes: "
                                     f"dimension {d} of a tensor of shape {shape} is {n}, "
                                     f"but '{s}' was {sizes[s]}")
            elif int(s) != n:
                raise ValueError(f"{message + ' ' if message else ''}assert_shapes: dimension "
                                 f"{d} of a tensor of shape {shape} must be {s}")


def assert_type(tensor: Any, tf_type: Any, message: str | None = None,
                name: str | None = None) -> None:
    """Raise TypeError unless `tensor` has dtype `tf_type`.

    Args:
        tensor: a tensor.
        tf_type: the dtype wanted.
        message: put before the error text.
        name: TF's, unused.
    """
    want = as_dtype(tf_type, "assert_type")
    got = as_tensor(tensor)._data.dtype
    if got != want:
        raise TypeError(f"{message + ' ' if message else ''}tensor must be of type {want}; "
                        f"got {got}")


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether `tensor` is a tensor of numbers (not bool).

    Args:
        tensor: any value.
    """
    return isinstance(tensor, Tensor) and tensor._data.dtype.kind in "iufc"


__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_near", "check_numerics",
           "assert_all_finite", "assert_rank", "assert_shapes", "assert_type",
           "is_numeric_tensor"]
