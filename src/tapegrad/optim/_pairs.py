"""Shared argument check for the optimizers that take a pair of floats (betas, etas)."""
from .._check import _got, real


def pair(group, key, name, **limits):
    """group[key] as a tuple of two checked floats (one `limits` dict per element, or
    the same limits for both)."""
    value = group[key]
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{name}: {key} must be a pair of floats, got {_got(value)}")
    per = limits.pop("each", None) or (limits, limits)
    group[key] = tuple(real(v, name, f"{key}[{i}]", **lim)
                       for i, (v, lim) in enumerate(zip(value, per)))
    return group[key]
