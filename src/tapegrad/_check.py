"""Argument checks shared by factories, nn and optim: run once at construction, never
per step.

Each raises TypeError (wrong kind of value) or ValueError (right kind, bad value) with a
message naming the function, the argument and what it got, e.g.
`Linear: in_features must be an int, got 2.5 (float)`.
"""
import math
import numbers

import numpy as np


def describe(v):
    """How an error message shows a value: `2.5 (float)`, `None`, or the shape and dtype
    of a tensor or array (their repr can be long)."""
    if v is None:
        return "None"
    data = getattr(v, "_data", v)           # a tensor's array
    if isinstance(data, np.ndarray):
        kind = "an array" if data is v else "a tensor"
        return f"{kind} of shape {data.shape} and dtype {data.dtype}"
    text = repr(v)
    return f"{text if len(text) <= 40 else text[:37] + '...'} ({type(v).__name__})"


def _got(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def integer(value, fn, arg, low=None):
    """`value` as an int (bools and floats refused, never truncated), at least `low`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}: {arg} must be an int, got {_got(value)}")
    value = int(value)
    if low is not None and value < low:
        need = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f">= {low}")
        raise ValueError(f"{fn}: {arg} must be {need}, got {value}")
    if low is not None and value > 2 ** 62:
        # a size no array can have: NumPy would say "Maximum allowed dimension exceeded"
        raise ValueError(f"{fn}: {arg} is too large, got {value}")
    return value


def real(value, fn, arg, low=None, high=None, high_open=False, low_open=False,
         finite=True, label=None):
    """`value` as a float: a real number (not a bool, str or None), not NaN, within
    [low, high] (an end is open when `low_open` / `high_open`). `label` words the
    message ("learning rate"); it defaults to the argument's name."""
    arr = getattr(value, "_data", value)
    if isinstance(arr, np.ndarray) and arr.shape == () and arr.dtype.kind in "fiu":
        value = arr.item()          # a 0-d tensor (PyTorch takes a tensor lr)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {arg} must be a real number, got {_got(value)}")
    x = float(value)
    what = f"{fn}: invalid {label or arg + ' value'}: {value}"
    if math.isnan(x):
        raise ValueError(f"{what} ({arg} must not be NaN)")
    if finite and math.isinf(x):
        raise ValueError(f"{what} ({arg} must be finite)")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{what} ({arg} must be {'>' if low_open else '>='} {low})")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{what} ({arg} must be {'<' if high_open else '<='} {high})")
    return x


def flag(value, fn, arg):
    """`value` as a bool (strings such as "no" would read as True, so they are refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {arg} must be a bool, got {_got(value)}")
    return bool(value)


def dim(value, fn, arg, allow_none=False):
    """An axis index (any int, negative counts from the end)."""
    if value is None and allow_none:
        return None
    if value is None:
        raise TypeError(f"{fn}: {arg} must be an int, got None (pass the axis explicitly)")
    return integer(value, fn, arg)


def choice(value, options, fn, arg):
    if not isinstance(value, str) or value not in options:
        names = ", ".join(repr(o) for o in options)
        kind = ValueError if isinstance(value, str) else TypeError
        raise kind(f"{fn}: {arg} must be one of {names}, got {_got(value)}")
    return value


def grad_in_list(seq):
    """The first tensor inside nested lists/tuples `seq` that requires grad (or carries
    a tangent), or None: NumPy would read only its values, losing its gradient."""
    todo = [seq]
    while todo:
        for v in todo.pop():
            if v.__class__ is list or v.__class__ is tuple:
                todo.append(v)
            elif getattr(v, "_rg", False) or getattr(v, "_fw", None) is not None:
                return v
    return None


def list_grad_error(who, v):
    return TypeError(f"{who}: a list operand holds a tensor that requires grad (shape "
                     f"{tuple(v.shape)}); its gradient would be lost. Make the list one "
                     "tensor first (tg.stack, or tg.tensor([...]) which keeps the graph)")


def check_written(who, value, arg=None):
    """Refuse a value written into a tensor that would lose something silently: a list
    holding a tensor that requires grad, or a masked array (its mask). `arg` names the
    argument in the message."""
    if value.__class__ is list or value.__class__ is tuple:
        v = grad_in_list(value)
        if v is not None:
            raise list_grad_error(who, v)
    elif isinstance(value, np.ma.MaskedArray):
        where = f" as {arg}" if arg else ""
        raise TypeError(f"{who}: masked arrays are not supported{where} (the mask would be "
                        "lost); pass arr.filled(value) or arr.compressed()")


def _non_numeric(v):
    """The type name of a value NumPy cannot compute with (None for numbers and arrays)."""
    if isinstance(v, (np.ndarray, np.generic)):
        return None if v.dtype.kind in "biufc" else f"{v.dtype} array"
    if isinstance(v, (int, float, complex)):
        return None
    if isinstance(v, (list, tuple)):
        try:
            kind = np.asarray(v).dtype.kind
        except (ValueError, TypeError):
            kind = "O"
        if kind in "biufc":
            return None
        inner = {type(e).__name__ for e in np.ravel(np.asarray(v, dtype=object))}
        return f"{type(v).__name__} of {', '.join(sorted(inner))}"
    return type(v).__name__
