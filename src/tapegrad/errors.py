"""Exceptions and the helpers that format messages users can act on."""


class GradcheckError(AssertionError):
    """Raised by gradcheck/gradgradcheck when analytic and numeric derivatives differ."""


def fmt_shape(shape) -> str:
    return str(tuple(shape))


def shapes_msg(op: str, *shapes, what="cannot be broadcast together") -> str:
    """`mul: shapes (3, 4) and (5,) cannot be broadcast together`."""
    parts = [fmt_shape(s) for s in shapes]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{op}: shapes {joined} {what}"

# the names `from tapegrad.errors import *` gives (tests/test_all.py)
__all__ = ["GradcheckError", "fmt_shape", "shapes_msg"]
