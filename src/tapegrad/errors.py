"""Exceptions and the helpers that format messages users can act on."""


class GradcheckError(AssertionError):
    """Raised by gradcheck/gradgradcheck when analytic and numeric derivatives differ.

    An AssertionError, so a failed check fails a test. The message names the input,
    the element and both values.

    >>> import tapegrad as tg
    >>> wrong = tg.custom_gradient(lambda x: (x * x, lambda g: g * x))   # should be 2x
    >>> try:
    ...     tg.gradcheck(wrong, (tg.tensor([1.0], dtype="float64", requires_grad=True),))
    ... except tg.GradcheckError as e:
    ...     print(str(e).split(":")[0])
    gradcheck
    """


class BatchEscape(RuntimeError):
    """Inside tg.vmap, a batched value was taken out of tapegrad's ops (a transform
    that rebuilds tensors from raw arrays, NumPy on .numpy(), an in-place write): vmap
    catches it and runs the function once per batch element instead, with a warning."""


class OpError(Exception):
    """TensorFlow's tf.errors.OpError, the base of the errors its ops raise.

    Args:
        *args: the message; TF's three-argument form (node_def, op, message) is taken
            too, its message kept.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(args[2:] if len(args) == 3 else args))


class InvalidArgumentError(OpError, ValueError, IndexError):
    """TensorFlow's tf.errors.InvalidArgumentError: an op got an argument it cannot use
    (an index out of range in tf.gather, a label out of range). Also a ValueError and
    an IndexError, so code catching those (as tapegrad's other functions raise them)
    catches it too.

    >>> import tapegrad as tg
    >>> try:
    ...     tg.gather(tg.constant([0.0]), [1])
    ... except tg.errors.InvalidArgumentError as e:
    ...     print(type(e).__name__)
    InvalidArgumentError
    """


class ShapeError(ValueError, TypeError, RuntimeError):
    """Shapes that do not fit an op (operands that do not broadcast, matmul's inner
    sizes). One class for every convention ported code catches it by: NumPy's
    ValueError, JAX's TypeError and PyTorch's RuntimeError.

    >>> import tapegrad as tg
    >>> try:
    ...     tg.ones(3) @ tg.ones(4)
    ... except TypeError as e:                 # as JAX code writes it
    ...     print(type(e).__name__)
    ShapeError
    """


def fmt_shape(shape) -> str:
    return str(tuple(shape))


def shapes_msg(op: str, *shapes, what="cannot be broadcast together") -> str:
    """`mul: shapes (3, 4) and (5,) cannot be broadcast together`."""
    parts = [fmt_shape(s) for s in shapes]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{op}: shapes {joined} {what}"


def raw_values(a, where: str):
    """`a` (an ndarray, or a tensor's `_data`) when it holds values. Inside tg.vmap a
    batched tensor's array is a placeholder without values (it, and any view of it, has
    `_vm`): reading it as numbers would compute on garbage, so BatchEscape sends vmap to
    one example at a time."""
    if hasattr(a, "_vm"):
        raise BatchEscape(f"vmap: {where} reads the values of a batched tensor")
    return a


# the names `from tapegrad.errors import *` gives (tests/test_all.py)
__all__ = ["GradcheckError", "BatchEscape", "OpError", "InvalidArgumentError", "ShapeError",
           "fmt_shape", "shapes_msg", "raw_values"]
