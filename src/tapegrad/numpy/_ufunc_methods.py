"""NumPy's ufunc methods on tapegrad.numpy's two-argument functions: `tnp.add.at`,
`tnp.add.reduce`, `tnp.multiply.outer`, `tnp.maximum.accumulate`, ... written with the
functions themselves (and the reductions they stand for), so they differentiate."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._convert import asarg

# ufunc name -> (its reduction, its accumulation) in tapegrad.numpy (None: a loop)
REDUCTIONS = {
    "add": ("sum", "cumsum"), "multiply": ("prod", "cumprod"),
    "maximum": ("amax", None), "minimum": ("amin", None), "fmax": ("nanmax", None),
    "fmin": ("nanmin", None), "logical_and": ("all", None), "logical_or": ("any", None),
    "subtract": (None, None), "divide": (None, None), "true_divide": (None, None),
    "power": (None, None), "logaddexp": (None, None), "hypot": (None, None),
    "arctan2": (None, None), "logical_xor": (None, None), "bitwise_and": (None, None),
    "bitwise_or": (None, None), "bitwise_xor": (None, None), "floor_divide": (None, None),
    "remainder": (None, None), "mod": (None, None), "fmod": (None, None),
    "logaddexp2": (None, None), "copysign": (None, None),
}
# ufunc name -> the x.at[...] update it makes, for ufunc.at
AT = {"add": "add", "subtract": "subtract", "multiply": "multiply", "divide": "divide",
      "true_divide": "divide", "maximum": "max", "minimum": "min", "power": "power"}


def attach(g):
    """Give each two-argument function of namespace `g` NumPy's ufunc methods."""
    for name, (red, acc) in REDUCTIONS.items():
        f = g.get(name)
        if f is None or hasattr(f, "reduce"):
            continue
        f.outer = _outer(f, name)
        f.reduce = _reduce(f, name, g.get(red) if red else None)
        f.accumulate = _accumulate(f, name, g.get(acc) if acc else None, g)
        if name in AT:
            f.at = _at(name, AT[name], g)


def _outer(f, name):
    def outer(a, b, /, **kwargs):
        a, b = _arg(a, g_asarray), _arg(b, g_asarray)
        return f(a.reshape(a.shape + (1,) * b.ndim), b, **kwargs)
    outer.__name__ = outer.__qualname__ = f"{name}.outer"
    outer.__doc__ = f"NumPy's `np.{name}.outer(a, b)`: {name} of every pair (a's axes first)."
    return outer


def _reduce(f, name, reduction):
    def reduce(array, axis=0, dtype=None, out=None, keepdims=False, **kwargs):
        if out is not None:
            raise TypeError(f"{name}.reduce: out= is not supported; use the returned tensor")
        a = _arg(array, g_asarray)
        if reduction is not None:
            if dtype is not None:
                kwargs["dtype"] = dtype
            return reduction(a, axis=axis, keepdims=keepdims, **kwargs)
        if kwargs:
            raise TypeError(f"{name}.reduce: {sorted(kwargs)} not supported (only axis, "
                            "dtype and keepdims)")
        if axis is None:
            a, axis = a.reshape(-1), 0
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{name}.reduce: axis must be an int or None, got {axis!r} "
                            f"({name} is not reorderable)")
        moved = g_moveaxis(a, int(axis), 0)
        if moved.shape[0] == 0:
            raise ValueError(f"{name}.reduce: zero-size array along axis {axis} and {name} "
                             "has no identity")
        r = moved[0]
        for i in range(1, moved.shape[0]):
            r = f(r, moved[i])
        if dtype is not None:
            r = r.astype(dtype)
        return g_expand_dims(r, int(axis) % a.ndim) if keepdims else r
    reduce.__name__ = reduce.__qualname__ = f"{name}.reduce"
    reduce.__doc__ = f"NumPy's `np.{name}.reduce(array, axis=0)`: {name} folded along axis."
    return reduce


def _accumulate(f, name, accumulation, g):
    def accumulate(array, axis=0, dtype=None, out=None):
        if out is not None:
            raise TypeError(f"{name}.accumulate: out= is not supported; use the returned "
                            "tensor")
        a = _arg(array, g_asarray)
        if a.ndim == 0:
            raise ValueError(f"{name}.accumulate: array must have at least one dimension")
        if accumulation is not None:
            return accumulation(a, axis=axis, dtype=dtype)
        moved = g_moveaxis(a, int(axis), 0)
        rows = [moved[i] for i in range(moved.shape[0])]
        for i in range(1, len(rows)):
            rows[i] = f(rows[i - 1], rows[i])
        r = g["stack"](rows) if rows else moved
        if dtype is not None:
            r = r.astype(dtype)
        return g_moveaxis(r, 0, int(axis))
    accumulate.__name__ = accumulate.__qualname__ = f"{name}.accumulate"
    accumulate.__doc__ = (f"NumPy's `np.{name}.accumulate(array, axis=0)`: the running "
                          f"{name} along axis.")
    return accumulate


def _at(name, how, g):
    ufunc = getattr(np, name)

    def at(a, indices, b=None, /):
        if b is None:
            raise TypeError(f"{name}.at: needs the values b (np.{name}.at(a, indices, b))")
        if not isinstance(a, Tensor):
            if isinstance(b, Tensor) or not isinstance(a, np.ndarray):
                raise TypeError(
                    f"{name}.at: a must be a tensor (tnp.zeros, tnp.array, ...) to take "
                    f"tensor values, got {type(a).__name__}")
            ufunc.at(a, indices, b)         # NumPy's arrays and values: NumPy's own
            return None
        if isinstance(indices, list):
            indices = np.asarray(indices)
        # unbuffered: repeated indices each apply (x.at[i].add accumulates them); on a
        # copy, as the update may save its input and a is written next
        a[...] = getattr(a.copy().at[indices], how)(b)
        return None
    at.__name__ = at.__qualname__ = f"{name}.at"
    at.__doc__ = (f"NumPy's `np.{name}.at(a, indices, b)`: a[indices] = {name}(a[indices], "
                  f"b) in place, repeated indices applied once each; differentiable in a "
                  f"and b.")
    return at


def _arg(x, asarray):
    return x if x.__class__ is Tensor else asarray(asarg(x))


# tapegrad.numpy's functions, set by the package when it is built
g_asarray = g_moveaxis = g_expand_dims = None


def use(g):
    global g_asarray, g_moveaxis, g_expand_dims
    g_asarray, g_moveaxis, g_expand_dims = g["asarray"], g["moveaxis"], g["expand_dims"]
    attach(g)
