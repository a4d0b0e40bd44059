"""jax.linear_transpose: the transpose of a linear function, as a function.

The transpose of a linear f is its vector-Jacobian product at any point, taken here at
zero, without PyTorch's conjugation (JAX transposes, it does not take adjoints: the
transpose of `v -> a v` is `c -> a c` for a complex a). Whether f is linear is checked
once, when the transpose is made: its vector-Jacobian product at zero must equal the one
at another point; JAX finds the same functions wrong when it meets an operation with
no transpose rule.
"""
from __future__ import annotations

import numpy as np

from ._func_core import _check_f, _out_flat, _vjp
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import what as _what
from .ops import cast, conj, real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_WHO = "linear_transpose"


def _aval(v):
    """(shape, dtype) of a primal leaf: a tensor, an array, a number, or anything with
    `shape` and `dtype` (JAX's ShapeDtypeStruct)."""
    if isinstance(v, Tensor):
        return tuple(v.shape), np.dtype(v.dtype)
    if isinstance(v, (bool, np.bool_)):
        return (), np.dtype(np.bool_)
    if isinstance(v, (int, float, complex, np.ndarray, np.generic)):
        return np.shape(v), np.asarray(v).dtype
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        return tuple(v.shape), np.dtype(v.dtype)
    raise TypeError(f"{_WHO}: primals must be arrays, numbers or shape-and-dtype "
                    f"structures, got {_what(v)}")


def _probe(shape, dtype, salt):
    """Deterministic values of both signs, none zero: a second point to differentiate at,
    and a cotangent to compare with."""
    n = int(np.prod(shape, dtype=np.int64))
    base = np.sin(np.arange(1, n + 1) * 1.618 + salt) + 0.25
    if dtype.kind == "c":
        base = base + 1j * np.cos(np.arange(1, n + 1) * 0.577 + salt)
    return base.reshape(shape).astype(dtype)


def _kind(dt):
    return "int" if dt.kind in "iub" else "float"


def _ct_dtype(raw):
    """The dtype of a cotangent leaf: a Python number is int64, float64 or complex128
    (JAX with 64-bit types refuses 1.0 for a float32 output too)."""
    if isinstance(raw, Tensor):
        return np.dtype(raw.dtype)
    return np.asarray(raw).dtype


def _structure(tree):
    """A pytree's structure with its leaves shown as *, as JAX's PyTreeDef prints."""
    leaves, spec = _out_flat(tree)
    return repr(unflatten(spec, ["*"] * len(leaves))).replace("'*'", "*")


def linear_transpose(fun: Callable[..., Any], *primals: Any,
                     reduce_axes: tuple[Any, ...] = ()) -> Callable[..., Any]:
    """The transpose of the linear function `fun` (jax.linear_transpose): a function
    `f_t(cotangent)` returning a tuple with, for each primal, `cotangent @ J` shaped
    like it. Only the primals' shapes and dtypes are read.

    A constant added to the result (an affine f) is ignored, as in JAX. The transpose
    does not conjugate: for complex values it is JAX's, the conjugate of PyTorch's
    vector-Jacobian product.

    Args:
        fun: a function of the primals, linear in them, returning a tensor or a pytree.
        *primals: example arguments (tensors, arrays, numbers, pytrees of them, or
            objects with `shape` and `dtype`).
        reduce_axes: JAX's former argument; only () is accepted.

    Returns:
        f_t, taking one cotangent with fun's output's structure, shapes and dtypes.

    Raises:
        TypeError: fun is not callable; inputs and outputs mix floating and integer
            dtypes; (from f_t) a cotangent of another structure, shape or dtype.
        NotImplementedError: fun is not linear (its derivative depends on the point).

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as jnp
    >>> f_t = tg.linear_transpose(lambda x: jnp.array([[1.0, 2.0], [3.0, 4.0]]) @ x,
    ...                           jnp.zeros(2))
    >>> f_t(jnp.array([1.0, 0.0]))
    (tensor([1., 2.], dtype=float64),)
    """
    _check_f(fun, _WHO)
    if reduce_axes not in ((), None, []):
        raise ValueError(f"{_WHO}: reduce_axes is not supported, got {reduce_axes!r}")
    in_leaves, in_spec = flatten(primals, None, False, False)
    in_avals = [_aval(v) for v in in_leaves]
    # integer functions are transposed through float64 and rounded back
    work = [np.dtype(np.float64) if dt.kind in "iub" else dt for _, dt in in_avals]
    zero = unflatten(in_spec, [make(np.zeros(s, w)) for (s, _), w in zip(in_avals, work)])
    with np.errstate(all="ignore"):     # 1 / x at zero: reported below as not linear
        out, vjp_zero = _vjp(fun, tuple(zero), False, _WHO)
    out_leaves, out_spec = _out_flat(out)
    out_avals = [(tuple(o.shape), np.dtype(o.dtype)) for o in out_leaves]
    if any(dt.kind in "iub" for _, dt in in_avals):
        probe_out = fun(*unflatten(in_spec, [make(np.zeros(s, dt)) for s, dt in in_avals]))
        out_avals = [(s, np.dtype(np.asarray(o.detach() if isinstance(o, Tensor) else o).dtype))
                     for (s, _), o in zip(out_avals, _out_flat(probe_out)[0])]
    kinds_in = {_kind(dt) for _, dt in in_avals}
    kinds_out = {_kind(dt) for _, dt in out_avals}
    if len(kinds_in | kinds_out) > 1:
        raise TypeError(f"{_WHO} only supports [float or complex] -> [float or complex], "
                        f"and integer -> integer functions, but got "
                        f"{[dt for _, dt in in_avals]} -> {[dt for _, dt in out_avals]}.")

    def pullback(vjp_fn, cts):
        # JAX's transpose is conj(adjoint(conj(ct))): no conjugation overall
        cts = [conj(c) if c.dtype.kind == "c" else c for c in cts]
        gs = vjp_fn(unflatten(out_spec, cts))
        return [conj(g) if g.dtype.kind == "c" else g for g in flatten(gs, None, False, False)[0]]

    # the linearity check: the same cotangent pulled back at zero and at another point
    point = unflatten(in_spec, [make(_probe(s, w, 0.3)) for (s, _), w in zip(in_avals, work)])
    _, vjp_point = _vjp(fun, tuple(point), False, _WHO)
    probe_ct = [make(_probe(s, np.dtype(o.dtype), 1.1)) for (s, _), o in zip(out_avals, out_leaves)]
    with np.errstate(all="ignore"):
        pairs = list(zip(pullback(vjp_zero, probe_ct), pullback(vjp_point, probe_ct)))
    for a, b in pairs:
        a, b = a.detach().numpy(), b.detach().numpy()
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            raise NotImplementedError(f"{_WHO}: fun is not linear in its inputs (its "
                                      f"derivative is not finite at zero)")
        tol = 1e-5 if a.dtype in (np.float32, np.complex64, np.float16) else 1e-10
        if not np.allclose(a, b, rtol=tol, atol=tol * (1 + float(np.max(np.abs(a), initial=0)))):
            raise NotImplementedError(
                f"{_WHO}: fun is not linear in its inputs (its derivative at zero differs "
                f"from its derivative at another point), so it has no transpose")

    def transposed(*cotangent):
        if len(cotangent) != 1:
            raise TypeError(f"{_WHO}: the transposed function takes one cotangent (a "
                            f"pytree like fun's output), got {len(cotangent)} arguments")
        ct_leaves, ct_spec = _out_flat(cotangent[0])
        if len(ct_leaves) != len(out_leaves) or str(ct_spec) != str(out_spec):
            raise TypeError(f"{_WHO}: cotangent tree does not match function output, "
                            f"expected {_structure(out)} but got {_structure(cotangent[0])}")
        cts = []
        for raw, (s, dt) in zip(ct_leaves, out_avals):
            got = (tuple(np.shape(raw.detach() if isinstance(raw, Tensor) else raw)),
                   _ct_dtype(raw))
            if got != (s, dt):
                raise TypeError(f"{_WHO}: cotangent type does not match function output, "
                                f"expected {[f'{d}{list(sh)}' for sh, d in out_avals]} but "
                                f"got {got[1]}{list(got[0])}")
            c = raw if isinstance(raw, Tensor) else make(np.asarray(raw, dtype=dt))
            cts.append(cast(c, np.float64) if dt.kind in "iub" else c)
        gs = pullback(vjp_zero, cts)
        res = []
        for g, (_, dt) in zip(gs, in_avals):
            if dt.kind in "iub":
                g = cast(make(np.rint(g.detach().numpy())), dt)
            elif g.dtype.kind == "c" and dt.kind != "c":
                g = real(g)
            res.append(g if g.dtype == dt else cast(g, dt))
        return tuple(unflatten(in_spec, res))
    return transposed
