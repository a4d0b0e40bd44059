"""Shape helpers for rules and public functions (not ops themselves)."""
import numpy as np

from .._check import describe
from ..errors import ShapeError, shapes_msg


def check_operand(op, name, x):
    """A non-Tensor operand of a public op: numbers, bools and numeric arrays (or lists of
    them) pass unchanged; None, strings, dicts and string/object arrays raise TypeError
    naming `op`. Callers test `isinstance(x, Tensor)` first, so tensors pay nothing."""
    if isinstance(x, (int, float, complex, np.number, np.bool_)):
        if type(x) is int and not -2 ** 63 <= x < 2 ** 63:
            # NumPy would make an object array and fail inside its ufunc loop
            raise ValueError(f"{op}: {name} is the integer {x}, which does not fit in "
                             "int64; pass a float")
        return x
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
    elif isinstance(x, (list, tuple)):
        try:
            kind = np.asarray(x).dtype.kind
        except (ValueError, TypeError):
            kind = "O"
    else:
        kind = None
    if kind is not None and kind in "biufc":
        return x
    raise TypeError(f"{op}: {name} must be a tensor, a numeric array or a number, got "
                    f"{describe(x)}")


def check_int(op, name, v):
    """v as an int; bools, floats, strings and arrays raise TypeError naming `op`."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, np.integer):
        return int(v)
    raise TypeError(f"{op}: {name} must be an int, got {describe(v)}")


def check_number(op, name, v):
    """v as a float; bools, strings, None and arrays raise TypeError naming `op`."""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    raise TypeError(f"{op}: {name} must be a number, got {describe(v)}")


def check_bool(op, name, v):
    if v is True or v is False:
        return v
    if isinstance(v, np.bool_):
        return bool(v)
    raise TypeError(f"{op}: {name} must be True or False, got {describe(v)}")


def check_axis(op, axis, ndim, name="axis"):
    """One axis in [-ndim, ndim) as a non-negative int (a 0-d tensor takes -1 and 0)."""
    if not (isinstance(axis, int) and not isinstance(axis, bool)):
        if not isinstance(axis, np.integer):
            raise TypeError(f"{op}: {name} must be an int, got {describe(axis)}")
        axis = int(axis)
    n = ndim if ndim else 1
    if not -n <= axis < n:
        raise np.exceptions.AxisError(
            f"{op}: {name} {axis} is out of range for a tensor with {ndim} dimension(s)")
    return axis % n if ndim else 0


def normalize_axis(axis, ndim, op="reduce", name="axis"):
    """None, int or sequence of ints -> None or a sorted tuple of non-negative axes.

    Bad entries raise before any work: a non-int TypeError, out of range AxisError
    (a ValueError and an IndexError, as NumPy), a repeated axis ValueError."""
    if axis is None:
        return None
    data = getattr(axis, "_data", axis)         # TF passes axes as integer tensors too
    if isinstance(data, np.ndarray) and data.dtype.kind in "iu" and data.ndim <= 1:
        axis = data.tolist()
    if isinstance(axis, (list, tuple)):
        axes = axis
    else:
        axes = (axis,)
    out = []
    for a in axes:
        if not (isinstance(a, int) and not isinstance(a, bool)):
            if not isinstance(a, np.integer):
                raise TypeError(f"{op}: {name} must be an int or a tuple of ints, got "
                                f"{describe(axis)}")
            a = int(a)
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise np.exceptions.AxisError(
                f"{op}: {name} {a} is out of range for a tensor with {ndim} dimension(s)")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {name}={axis!r}")
    return tuple(sorted(out)) if ndim else ()


def pick_axis(axis, dim, keepdims, keepdim, op="reduce"):
    """Translate PyTorch's dim/keepdim aliases once, in the public function."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: give either axis= or dim=, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    if keepdims is not True and keepdims is not False:
        keepdims = check_bool(op, "keepdims", keepdims)
    return axis, keepdims


def reduced_shape(shape, axis, keepdims):
    if axis is None:
        axis = tuple(range(len(shape)))
    if keepdims:
        return tuple(1 if i in axis else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axis)


def keepdims_shape(shape, axis):
    """Shape of a reduction result with the reduced axes kept as size 1."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else s for i, s in enumerate(shape))


def broadcast_shapes(op, *shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(shapes_msg(op, *shapes)) from None


def sum_to_axes(shape, target):
    """Axes of `shape` to sum (keeping dims) so the result reshapes to `target`."""
    key = (shape, target)
    plan = _SUM_AXES.get(key)
    if plan is None:
        lead = len(shape) - len(target)
        axes = list(range(lead))
        for i, t in enumerate(target):
            if t == 1 and shape[lead + i] != 1:
                axes.append(lead + i)
        plan = lead, tuple(axes)
        if len(_SUM_AXES) > 4096:
            _SUM_AXES.clear()
        _SUM_AXES[key] = plan
    return plan


_SUM_AXES = {}      # (shape, target) -> (lead, axes): a backward meets the same few pairs


def vmap_fold(x):
    """For tg.vmap's batched x: fold_axis(fn, axis, flat=False), which runs fn(batch,
    shifted axis) once for the whole batch (functions that sort or mask raw values
    along an axis guard with it); None otherwise."""
    return getattr(getattr(x, "_data", None), "fold_axis", None)
