"""NumPy functions that jax.numpy programs use and tapegrad.numpy lacked, each written
with tapegrad ops so it differentiates: 1-D convolution and correlation, covariance
and correlation matrices, piecewise-linear interpolation, polynomials, phase unwrapping,
NumPy 2's cumulative_sum/prod and matvec/vecmat/vecdot, unique (its values are gathered
from the input, so they carry gradient), delete, block, fromfunction, r_ and c_.
Functions whose results are integers, booleans or sets of values NumPy picks
(`isin`, `histogram`, window functions, ...) compute with NumPy on the values."""
from __future__ import annotations

import numpy as np

from .. import ops
from .._tensor import Tensor
from ..ops.special_signal import convolve as _full_convolve
from ._convert import as_result, asarg, floating, np_call
from ._functions import _raw
from ._shapes import concatenate, ravel
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike, Axis, DTypeLike


def _t(x):
    """An argument as a tensor (ints and bools kept: NumPy's dtype rules apply)."""
    x = asarg(x)
    return x if isinstance(x, Tensor) else as_result(np.asarray(x))


def _f(x):
    """An argument as a floating tensor (integers become float64, as in NumPy)."""
    x = floating(asarg(x))
    return x if isinstance(x, Tensor) else as_result(np.asarray(x))


def _mode_slice(n, m, mode, who):
    """The part of a full convolution of lengths n >= m that NumPy's `mode` keeps."""
    if mode == "full":
        return slice(0, n + m - 1)
    if mode == "same":
        start = (m - 1) // 2
        return slice(start, start + n)
    if mode == "valid":
        return slice(m - 1, n)
    raise ValueError(f"{who}: mode must be 'full', 'same' or 'valid', got {mode!r}")


def convolve(a: ArrayLike, v: ArrayLike, mode: str = "full") -> Tensor:
    """Discrete linear convolution of two 1-D sequences, as `np.convolve`;
    differentiable in both.

    Args:
        a: the first 1-D sequence.
        v: the second 1-D sequence.
        mode: 'full' (default, length n + m - 1), 'same' (length max(n, m)) or 'valid'.

    >>> import tapegrad.numpy as tnp
    >>> tnp.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    tensor([0.0000, 1.0000, 2.5000, 4.0000, 1.5000], dtype=float64)
    """
    a, v = _t(a), _t(v)
    a = ops.reshape(a, (1,)) if a.ndim == 0 else a        # NumPy takes numbers as 1-D
    v = ops.reshape(v, (1,)) if v.ndim == 0 else v
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"convolve: a and v must be 1-D, got shapes {a.shape} and {v.shape}")
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise ValueError("convolve: a cannot be empty" if a.shape[0] == 0
                         else "convolve: v cannot be empty")
    n, m = max(a.shape[0], v.shape[0]), min(a.shape[0], v.shape[0])
    full = _full_convolve(a, v)
    return full[_mode_slice(n, m, mode, "convolve")]


def correlate(a: ArrayLike, v: ArrayLike, mode: str = "valid") -> Tensor:
    """Cross-correlation of two 1-D sequences, as `np.correlate`
    (c[k] = sum_n a[n + k] conj(v[n])); differentiable in both.

    Args:
        a: the first 1-D sequence.
        v: the second 1-D sequence (conjugated).
        mode: 'valid' (default), 'same' or 'full', as in convolve.

    >>> import tapegrad.numpy as tnp
    >>> tnp.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    tensor([3.5000], dtype=float64)
    """
    a, v = _t(a), _t(v)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"correlate: a and v must be 1-D, got shapes {a.shape} and {v.shape}")
    vr = ops.conj(v) if v.dtype.kind == "c" else v
    return convolve(a, vr[::-1], mode)


def cov(m: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True, bias: bool = False,
        ddof: int | None = None, fweights: ArrayLike | None = None,
        aweights: ArrayLike | None = None, *, dtype: DTypeLike = None) -> Tensor:
    """Covariance matrix, as `np.cov` (rows are variables unless rowvar=False; frequency
    and analytic weights as NumPy); differentiable in m, y and aweights.

    Args:
        m: the variables, one per row (one per column with rowvar=False).
        y: more variables, joined to m.
        rowvar: whether rows are the variables.
        bias: normalise by N instead of N - 1.
        ddof: overrides bias's choice of N - ddof.
        fweights: integer frequency weights, one per observation.
        aweights: observation weights (differentiable).
        dtype: the computation's dtype.

    >>> import tapegrad.numpy as tnp
    >>> tnp.cov([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])
    tensor([[ 1., -1.],
            [-1.,  1.]], dtype=float64)
    """
    X = _f(m)
    if X.ndim > 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {X.shape})")
    if X.ndim < 2:
        X = ops.reshape(X, (1, -1))
    if not rowvar and X.shape[0] != 1:
        X = X.T
    if y is not None:
        Y = _f(y)
        if Y.ndim < 2:
            Y = ops.reshape(Y, (1, -1))
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = concatenate([X, Y], axis=0)
    if dtype is not None:
        X = ops.cast(X, np.dtype(dtype))
    if ddof is None:
        ddof = 0 if bias else 1
    n = X.shape[1]
    w = None
    if fweights is not None:
        fw = np.asanyarray(_raw(fweights))
        if not np.all(fw == np.around(fw)) or np.any(fw < 0):
            raise ValueError("cov: fweights must be non-negative integers")
        w = as_result(fw.astype(np.float64))
    if aweights is not None:
        aw = _f(aweights)
        if np.any(_raw(aw) < 0):
            raise ValueError("cov: aweights cannot be negative")
        w = aw if w is None else w * aw
    if w is None:
        avg = ops.mean(X, 1, True)
        fact = n - ddof
        Xc = X - avg
        c = ops.matmul(Xc, ops.conj(Xc).T if Xc.dtype.kind == "c" else Xc.T)
        return ops.squeeze(c / fact) if c.shape == (1, 1) else c / fact
    w_sum = ops.sum(w)
    avg = ops.sum(X * w, 1, True) / w_sum
    if ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * ops.sum(w * _f(aweights)) / w_sum
    Xc = X - avg
    c = ops.matmul(Xc * w, (ops.conj(Xc) if Xc.dtype.kind == "c" else Xc).T) / fact
    return ops.squeeze(c) if c.shape == (1, 1) else c


def corrcoef(x: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True, *,
             dtype: DTypeLike = None) -> Tensor:
    """Pearson correlation coefficients, as `np.corrcoef`; differentiable. (NumPy then
    clips rounding overshoots to [-1, 1]; a clip would zero the gradient there, so the
    values may differ from NumPy's in the last bit.)

    Args:
        x: the variables, one per row (one per column with rowvar=False).
        y: more variables, joined to x.
        rowvar: whether rows are the variables.
        dtype: the computation's dtype.

    >>> import tapegrad.numpy as tnp
    >>> tnp.corrcoef([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]])
    tensor([[ 1.0000, -0.9820],
            [-0.9820,  1.0000]], dtype=float64)
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = ops.sqrt(ops.diagonal(c, 0, -2, -1))
    return c / d[:, None] / d[None, :]


def interp(x: ArrayLike, xp: ArrayLike, fp: ArrayLike, left: ArrayLike | None = None,
           right: ArrayLike | None = None, period: float | None = None) -> Tensor:
    """Piecewise-linear interpolation, as `np.interp`: differentiable in x, xp and fp
    (the segment a point falls in is a decision, not differentiated).

    Args:
        x: where to evaluate.
        xp: increasing sample points (1-D).
        fp: the values at xp (1-D, same length).
        left: the value for x < xp[0] (default fp[0]).
        right: the value for x > xp[-1] (default fp[-1]).
        period: the period of periodic sample points (left and right are then ignored).

    >>> import tapegrad.numpy as tnp
    >>> tnp.interp([0.5, 1.5, 9.0], [0.0, 1.0, 2.0], [0.0, 10.0, 0.0])
    tensor([5., 5., 0.], dtype=float64)
    """
    x, xp, fp = _f(x), _f(xp), _f(fp)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("interp: xp and fp must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError(f"interp: fp and xp are not of the same length ({fp.shape[0]} "
                         f"and {xp.shape[0]})")
    if xp.shape[0] == 0:
        raise ValueError("interp: array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("interp: period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = ops.remainder(x, period)
        xp = ops.remainder(xp, period)
        order = np.argsort(_raw(xp), kind="stable")
        xp, fp = xp[order], fp[order]
        xp = concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = concatenate([fp[-1:], fp, fp[0:1]])
    n = xp.shape[0]
    if n == 1:
        y = fp[0] + 0.0 * x
    else:
        i = np.searchsorted(_raw(xp), _raw(x), side="right") - 1
        i = np.clip(i, 0, n - 2)
        x0, x1, f0, f1 = xp[i], xp[i + 1], fp[i], fp[i + 1]
        slope_t = (x - x0) / (x1 - x0)
        y = f0 + slope_t * (f1 - f0)
        # a point on a sample gives that sample (no 0/0 where samples repeat)
        y = ops.where(_raw(x) == _raw(x1), f1, y)
    lo = fp[0] if left is None else left
    hi = fp[-1] if right is None else right
    xr = _raw(x)
    y = ops.where(xr < _raw(xp)[0], lo, y)
    return ops.where(xr > _raw(xp)[-1], hi, y)


def polyval(p: ArrayLike, x: ArrayLike) -> Tensor:
    """p[0] x^(N-1) + ... + p[N-1] by Horner's rule, as `np.polyval`; differentiable in
    the coefficients and x.

    Args:
        p: the coefficients, highest power first.
        x: where to evaluate.

    >>> import tapegrad.numpy as tnp
    >>> tnp.polyval([1.0, 0.0, -1.0], tnp.array([2.0, 3.0]))
    tensor([3., 8.], dtype=float64)
    """
    p, x = _t(p), _t(x)
    y = 0.0 * x if x.dtype.kind in "fc" else ops.cast(x * 0, np.result_type(_raw(p), _raw(x)))
    for k in range(p.shape[0]):
        y = y * x + p[k]
    return y


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix (columns x^(N-1), ..., x, 1, or increasing), as
    `np.vander`; differentiable in x.

    Args:
        x: a 1-D sequence.
        N: the number of columns (default len(x)).
        increasing: powers increasing from the left instead of decreasing.

    >>> import tapegrad.numpy as tnp
    >>> tnp.vander([1.0, 2.0, 3.0], 3)
    tensor([[1., 1., 1.],
            [4., 2., 1.],
            [9., 3., 1.]], dtype=float64)
    """
    x = _t(x)
    if x.ndim != 1:
        raise ValueError("vander: x must be a one-dimensional array or sequence")
    N = x.shape[0] if N is None else N
    cols = [x ** k if k else ops.cast(x * 0 + 1, x.dtype) for k in range(N)]
    if not increasing:
        cols = cols[::-1]
    if not cols:
        return as_result(np.zeros((x.shape[0], 0), dtype=x.dtype))
    return ops.stack(cols, 1)


def ediff1d(ary: ArrayLike, to_end: ArrayLike | None = None,
            to_begin: ArrayLike | None = None) -> Tensor:
    """Differences of the flattened array, with `to_begin`/`to_end` around them, as
    `np.ediff1d`.

    Args:
        ary: an array (flattened).
        to_end: values appended after the differences.
        to_begin: values put before them.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ediff1d([1.0, 4.0, 9.0], to_begin=0.0)
    tensor([0., 3., 5.], dtype=float64)
    """
    a = ravel(_t(ary))
    parts = [] if to_begin is None else [ravel(_t(to_begin))]
    parts.append(a[1:] - a[:-1])
    if to_end is not None:
        parts.append(ravel(_t(to_end)))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def _cumulative(name, op):
    def f(x: ArrayLike, /, *, axis: int | None = None, dtype: DTypeLike = None,
          out: None = None, include_initial: bool = False) -> Tensor:
        x = _t(x)
        if out is not None:
            raise TypeError(f"{name}: out= is not supported; use the returned tensor")
        if axis is None:
            if x.ndim > 1:
                raise ValueError(f"{name}: axis must be given for arrays of more than one "
                                 "dimension")
            axis = 0
        if dtype is not None:
            x = ops.cast(x, np.dtype(dtype))
        r = op(x, axis)
        if include_initial:
            shape = list(r.shape)
            shape[axis] = 1
            first = np.zeros(shape, r.dtype) if name == "cumulative_sum" else \
                np.ones(shape, r.dtype)
            r = concatenate([as_result(first), r], axis=axis)
        return r
    f.__name__ = f.__qualname__ = name
    what, empty, shown = (("sum", "0", "[0.0, 1.0, 3.0, 6.0]") if name == "cumulative_sum"
                          else ("product", "1", "[1.0, 1.0, 2.0, 6.0]"))
    f.__doc__ = (f"NumPy 2's `np.{name}`: the running {what} along `axis`; "
                 f"differentiable.\n\n"
                 f"Args:\n"
                 f"    x: the array.\n"
                 f"    axis: the axis (may be omitted for 1-D x).\n"
                 f"    dtype: the result's dtype.\n"
                 f"    out: not supported (must be None).\n"
                 f"    include_initial: start with the empty {what} ({empty}).\n\n"
                 f">>> import tapegrad.numpy as tnp\n"
                 f">>> tnp.{name}(tnp.array([1.0, 2.0, 3.0]), include_initial=True).tolist()\n"
                 f"{shown}\n")
    return f


cumulative_sum = _cumulative("cumulative_sum", ops.cumsum)
cumulative_prod = _cumulative("cumulative_prod", ops.cumprod)


def unwrap(p: ArrayLike, discont: float | None = None, axis: int = -1, *,
           period: float = 2 * np.pi) -> Tensor:
    """Phases with jumps larger than `discont` (default period/2) replaced by their
    `period` complement, as `np.unwrap`; the corrections are constants, so the gradient
    is the identity.

    Args:
        p: the phases.
        discont: the smallest jump that is unwrapped (default period/2).
        axis: the axis along which to unwrap.
        period: the period of the phases.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unwrap([0.0, 3.0, 6.5])
    tensor([0.0000, 3.0000, 0.2168], dtype=float64)
    """
    p = _f(p)
    discont = period / 2 if discont is None else discont
    pr = _raw(p)
    dd = np.diff(pr, axis=axis)
    half = period / 2
    ddmod = np.mod(dd + half, period) - half
    ddmod = np.where((ddmod == -half) & (dd > 0), half, ddmod)
    correct = np.where(np.abs(dd) < discont, 0.0, ddmod - dd)
    shape = list(pr.shape)
    shape[axis] = 1
    total = np.concatenate([np.zeros(shape, pr.dtype), np.cumsum(correct, axis=axis)],
                           axis=axis)
    return p + total.astype(pr.dtype)


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Tensor:
    """sum(conj(x1) * x2) along `axis`, as NumPy 2's `np.vecdot`.

    Args:
        x1: the first vectors (conjugated).
        x2: the second vectors.
        axis: the axis holding the vectors.

    >>> import tapegrad.numpy as tnp
    >>> tnp.vecdot([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0])
    tensor([3., 7.], dtype=float64)
    """
    a, b = _t(x1), _t(x2)
    if a.dtype.kind == "c":
        a = ops.conj(a)
    return ops.sum(a * b, axis)


def matvec(x1: ArrayLike, x2: ArrayLike, /) -> Tensor:
    """Matrix-vector products over the last axes, as NumPy 2.2's `np.matvec`.

    Args:
        x1: matrices (..., m, n).
        x2: vectors (..., n).

    >>> import tapegrad.numpy as tnp
    >>> tnp.matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0])
    tensor([3., 7.], dtype=float64)
    """
    a, b = _t(x1), _t(x2)
    return ops.matmul(a, b[..., None])[..., 0]


def vecmat(x1: ArrayLike, x2: ArrayLike, /) -> Tensor:
    """Vector-matrix products conj(x1) @ x2 over the last axes, as NumPy 2.2's
    `np.vecmat`.

    Args:
        x1: vectors (..., m), conjugated.
        x2: matrices (..., m, n).

    >>> import tapegrad.numpy as tnp
    >>> tnp.vecmat([1.0, 1.0], [[1.0, 2.0], [3.0, 4.0]])
    tensor([4., 6.], dtype=float64)
    """
    a, b = _t(x1), _t(x2)
    if a.dtype.kind == "c":
        a = ops.conj(a)
    return ops.matmul(a[..., None, :], b)[..., 0, :]


_np_unique: Any = np.unique        # its overloads cannot take flags known only at run time


def unique(ar: ArrayLike, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *,
           equal_nan: bool = True, sorted: bool = True, size: int | None = None,
           fill_value: ArrayLike | None = None) -> Any:
    """The sorted unique elements (or rows along `axis`), as `np.unique`; the values are
    gathered from `ar` at their first occurrences, so they carry its gradient.

    Args:
        ar: the array (flattened unless axis is given).
        return_index: also return the indices of the first occurrences.
        return_inverse: also return the indices that rebuild ar.
        return_counts: also return how often each value occurs.
        axis: unique slices along this axis instead of elements.
        equal_nan: collapse NaNs into one.
        sorted: NumPy 2.3's flag (the result is sorted either way).
        size: jax.numpy's: the unique values cut or padded to this many (padding:
            fill_value, by default the smallest value; counts pad with 0).
        fill_value: the padding value.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique([3.0, 1.0, 3.0])
    tensor([1., 3.], dtype=float64)
    >>> tnp.unique([3, 1, 3], return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    a = _t(ar)
    res = _np_unique(_raw(a), return_index=True, return_inverse=return_inverse,
                    return_counts=return_counts, axis=axis, equal_nan=equal_nan)
    idx = res[1]
    rest = list(res[2:])
    pad: int | None = None
    if size is not None:
        size, n = int(size), len(idx)
        if axis is not None:
            raise ValueError("unique: size= is supported with axis=None only")
        if n:
            pad = size - n if n < size and fill_value is not None else None
            idx = np.concatenate([idx[:size], np.full(max(size - n, 0), idx[0])])
        if return_counts:
            c = rest[-1][:size]
            rest[-1] = np.concatenate([c, np.zeros(size - len(c), dtype=c.dtype)])
    values = ops.take(ravel(a), idx) if axis is None else ops.take(a, idx, axis)
    if pad:
        fill = ops.cast(ops.broadcast_to(_t(fill_value), (pad,)), values.dtype)
        values = concatenate([values[:values.shape[0] - pad], fill])
    extra = [as_result(idx)] if return_index else []
    extra += [as_result(r) for r in rest]
    return (values, *extra) if extra else values


def delete(arr: ArrayLike, obj: Any, axis: int | None = None) -> Tensor:
    """`arr` without the entries (or slices along `axis`) that `obj` picks, as
    `np.delete`; differentiable (the rest is gathered).

    Args:
        arr: the array.
        obj: an index, slice or indices to remove.
        axis: the axis (None: the flattened array).

    >>> import tapegrad.numpy as tnp
    >>> tnp.delete([1.0, 2.0, 3.0, 4.0], [0, 2])
    tensor([2., 4.], dtype=float64)
    """
    a = _t(arr)
    if axis is None:
        a, axis = ravel(a), 0
    n = a.shape[axis]
    keep = np.delete(np.arange(n), _raw(obj) if isinstance(obj, Tensor) else obj)
    return ops.take(a, keep, axis)


def block(arrays: Any) -> Tensor:
    """An array assembled from nested lists of blocks, as `np.block` (the innermost
    lists join along the last axis, the next along the one before, ...).

    Args:
        arrays: nested lists of arrays; the innermost join along the last axis.

    >>> import tapegrad.numpy as tnp
    >>> tnp.block([[tnp.eye(2), tnp.zeros((2, 1))]])
    tensor([[1., 0., 0.],
            [0., 1., 0.]], dtype=float64)
    """
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) and x else (1 if isinstance(x, list)
                                                                   else 0)
    d = depth(arrays)
    if d == 0:
        return _t(arrays)
    leaves = []

    def collect(x):
        if isinstance(x, list):
            for e in x:
                collect(e)
        else:
            leaves.append(_t(x))
    collect(arrays)
    nd = max(d, max(v.ndim for v in leaves))

    def build(x, level):
        if not isinstance(x, list):
            t = _t(x)
            return ops.reshape(t, (1,) * (nd - t.ndim) + t.shape) if t.ndim < nd else t
        if not x:
            raise ValueError("block: lists cannot be empty")
        return concatenate([build(e, level + 1) for e in x], axis=-(d - level))
    return build(arrays, 0)


def fromfunction(function: Any, shape: Any, *, dtype: DTypeLike = float,
                 **kwargs: Any) -> Any:
    """`function` called with one coordinate array per axis, as `np.fromfunction`.

    Args:
        function: called with one coordinate tensor per axis.
        shape: the shape of the coordinate grids.
        dtype: the coordinates' dtype (default float).
        **kwargs: passed on to function.

    >>> import tapegrad.numpy as tnp
    >>> tnp.fromfunction(lambda i, j: i + 0.5 * j, (2, 2))
    tensor([[0.0000, 0.5000],
            [1.0000, 1.5000]], dtype=float64)
    """
    coords = np.indices(shape, dtype=np.dtype(dtype))
    return function(*[as_result(c) for c in coords], **kwargs)


class _Concatenator:
    """`np.r_` / `np.c_` for tensors: slices become ranges (NumPy's), everything else is
    joined with tnp.concatenate (so tensors keep their gradient)."""

    def __init__(self, columns):
        self.columns = columns

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        parts = []
        for item in key:
            if isinstance(item, str):
                raise ValueError(f"{'c_' if self.columns else 'r_'}: string directives "
                                 f"({item!r}) are not supported; use tnp.concatenate")
            if isinstance(item, slice):
                t = as_result(np.r_[item])
            else:
                t = _t(item)
                if t.ndim == 0:
                    t = ops.reshape(t, (1,))
            if self.columns and t.ndim == 1:
                t = t[:, None]
            parts.append(t)
        return concatenate(parts, axis=-1 if self.columns else 0)

    def __len__(self):
        return 0


r_ = _Concatenator(False)
c_ = _Concatenator(True)
s_ = np.s_
index_exp = np.index_exp
mgrid = np.mgrid
ogrid = np.ogrid


def i0(x: ArrayLike) -> Tensor:
    """The modified Bessel function of the first kind, order 0, as `np.i0`
    (differentiable: tapegrad.scipy.special's).

    Args:
        x: the argument (integers compute in float64).

    >>> import tapegrad.numpy as tnp
    >>> tnp.i0([0.0, 1.0])
    tensor([1.0000, 1.2661], dtype=float64)
    """
    return ops.i0(_f(x))


# integer, boolean and set-valued results: NumPy on the values (nothing to differentiate);
# name -> (its Args lines, an example, the example's output)
CONSTANT = {
    'isin': (
        ['element: the values tested.',
         'test_elements: the values looked for.',
         "**kwargs: NumPy's (assume_unique, invert, kind)."],
        'tnp.isin([1, 2, 3], [2, 3])', 'tensor([False,  True,  True])'),
    'intersect1d': (
        ['ar1: the first array.',
         'ar2: the second array.',
         "**kwargs: NumPy's (assume_unique, return_indices)."],
        'tnp.intersect1d([1, 2, 3], [2, 3, 4])', 'tensor([2, 3])'),
    'union1d': (
        ['ar1: the first array.',
         'ar2: the second array.'],
        'tnp.union1d([1, 2], [2, 5])', 'tensor([1, 2, 5])'),
    'setdiff1d': (
        ['ar1: the array.',
         'ar2: the values removed.',
         "**kwargs: NumPy's (assume_unique)."],
        'tnp.setdiff1d([1, 2, 3], [2])', 'tensor([1, 3])'),
    'histogram': (
        ['a: the data.',
         "**kwargs: NumPy's (bins, range, density, weights)."],
        'tnp.histogram([0.1, 0.2, 0.9], bins=2)[0]', 'tensor([2, 1])'),
    'gcd': (
        ['x1: integers.',
         'x2: integers.'],
        'tnp.gcd(12, 18)', 'tensor(6)'),
    'lcm': (
        ['x1: integers.',
         'x2: integers.'],
        'tnp.lcm(4, 6)', 'tensor(12)'),
    'nanargmax': (
        ['a: the array.',
         "**kwargs: NumPy's (axis, keepdims)."],
        "tnp.nanargmax([1.0, float('nan'), 3.0])", 'tensor(2)'),
    'nanargmin': (
        ['a: the array.',
         "**kwargs: NumPy's (axis, keepdims)."],
        "tnp.nanargmin([1.0, float('nan'), 0.5])", 'tensor(2)'),
    'triu_indices_from': (
        ['arr: a square array.',
         'k: the diagonal offset.'],
        'tnp.triu_indices_from(tnp.ones((2, 2)))', '(tensor([0, 0, 1]), tensor([0, 1, 1]))'),
    'tril_indices_from': (
        ['arr: a square array.',
         'k: the diagonal offset.'],
        'tnp.tril_indices_from(tnp.ones((2, 2)))', '(tensor([0, 1, 1]), tensor([0, 0, 1]))'),
    'hanning': (
        ['M: the number of points.'],
        'tnp.hanning(3)', 'tensor([0., 1., 0.], dtype=float64)'),
    'hamming': (
        ['M: the number of points.'],
        'tnp.hamming(3)', 'tensor([0.0800, 1.0000, 0.0800], dtype=float64)'),
}


def _numpy_valued(name, args, example, shown):
    npfn = getattr(np, name)

    def f(*a: Any, **kw: Any) -> Any:
        return as_result(np_call(npfn, [_raw(asarg(v)) for v in a],
                                 {k: _raw(v) for k, v in kw.items()}))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"NumPy's `np.{name}` on the values, as tensors without gradient (the "
                 f"result is integer, boolean or a set of the input's values).\n\nArgs:\n"
                 + "".join(f"    {line}\n" for line in args)
                 + f"\n>>> import tapegrad.numpy as tnp\n>>> {example}\n{shown}\n")
    return f


CONSTANT_FNS = {n: _numpy_valued(n, *v) for n, v in CONSTANT.items() if hasattr(np, n)}


def diagflat(v: ArrayLike, k: int = 0) -> Tensor:
    """A 2-D array with the flattened input on diagonal k, as `np.diagflat`.

    Args:
        v: the values (flattened).
        k: the diagonal (0 the main one, > 0 above).

    >>> import tapegrad.numpy as tnp
    >>> tnp.diagflat([[1.0, 2.0]])
    tensor([[1., 0.],
            [0., 2.]], dtype=float64)
    """
    return ops.diag(ravel(_t(v)), k)


NAMES = ["convolve", "correlate", "cov", "corrcoef", "interp", "polyval", "vander",
         "ediff1d", "cumulative_sum", "cumulative_prod", "unwrap", "vecdot", "matvec",
         "vecmat", "unique", "delete", "block", "fromfunction", "r_", "c_", "s_",
         "index_exp", "mgrid", "ogrid", "i0", "diagflat"]
