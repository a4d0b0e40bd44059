"""Shape helpers for rules and public functions (not ops themselves)."""
import numpy as np


def normalize_axis(axis, ndim, op="reduce"):
    """None, int or sequence -> None or a sorted tuple of non-negative axes."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        axes = tuple(axis)
    else:
        axes = (axis,)
    out = []
    for a in axes:
        a = int(a)
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise IndexError(f"{op}: axis {a} is out of range for a tensor with {ndim} "
                             f"dimension(s)")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out)) if ndim else ()


def pick_axis(axis, dim, keepdims, keepdim):
    """Translate PyTorch's dim/keepdim aliases once, in the public function."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give either axis= or dim=, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


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
        from ..errors import shapes_msg
        raise ValueError(shapes_msg(op, *shapes)) from None


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
