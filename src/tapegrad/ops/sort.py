"""Sorting and order statistics: sort, argsort, partition, topk, median, quantile.

None of these is an op of its own. Each finds indices on the raw values (no gradient)
and gathers the input at them with GetItem, so the gradient of every output element goes
to the one input element its index names (scatter-added, exact to any order). At ties
that is the element the index picks, as in PyTorch: a stable sort keeps equal elements
in input order; quantile's interpolation weights the two elements it reads.

PyTorch and NumPy spell some of these alike with different results. The rule here:
- `sort`: an int dimension given as `dim=` or positionally, or nothing, or
  `descending=` / `stable=` -> PyTorch's `(values, indices)`; `axis=` or a dimension of
  None (both flatten for None) or `kind=` -> NumPy's values. `sort_values` (alias
  `np_sort`) is NumPy's `np.sort`.
- `median` and `nanmedian`: an int dimension (`dim=` or positional) -> PyTorch's
  `(values, indices)` of the lower median; nothing -> PyTorch's lower median as a 0-d
  tensor (its gradient shared evenly by the elements equal to it, as torch's); `axis=`, `keepdims=` or a dimension of None -> NumPy's median (the mean of the
  two middle elements). `np_median` is NumPy's.
"""
from __future__ import annotations


import numpy as np

from .._check import describe
from .._dtypes import to_array
from .._state import is_grad_enabled
from .._results import (KthvalueResult, MedianResult, ModeResult,  # noqa: F401
                          NanmedianResult, SortResult, TopkResult)
from .._tensor import Tensor, make
from ..errors import raw_values
from ._apply import call
from ._shapes import (check_axis, check_bool, check_int, check_operand, normalize_axis,
                      vmap_fold)
from .elementwise import Where
from .reduce_extrema import Max
from .scan import take_along
from .shape import Reshape, Transpose
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis

_UNSET = object()       # "not given": None is a meaningful axis (flatten)



def _operand(x, op):
    if isinstance(x, Tensor):
        _ordered(x, op)
        return x
    # tapegrad's dtype rules: a list of Python floats is float32, as tg.tensor makes it
    return make(to_array(check_operand(op, "x", x), copy=False, fn=op))


def _ordered(x, op):
    """Complex numbers are not ordered: NumPy sorts them lexicographically, but a
    gradient through that order means nothing (PyTorch refuses to sort them at all), so
    a complex tensor that requires grad is refused while grad mode is on."""
    if x._data.dtype.kind == "c" and x.requires_grad and is_grad_enabled():
        raise TypeError(f"{op}: complex tensors that require grad are not supported (got "
                        f"{x._data.dtype}; complex numbers are not ordered). Order by a "
                        "real key instead (tg.abs(x), tg.real(x)) or detach x")


def _flat(x):
    return call(Reshape, x, shape=(-1,)) if x.ndim != 1 else x


def _order(a, axis, descending):
    """Indices that sort `a` along `axis`, stable; NaN counts as the largest value (first
    when descending), ties keep input order either way (as torch.sort(stable=True))."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    rev = np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)
    return n - 1 - rev


def _one_axis(x, axis, op, name="axis"):
    """(x, axis) with a 0-d x as one element (PyTorch sorts a scalar as itself)."""
    if x.ndim == 0:
        check_axis(op, axis, 0, name)
        return call(Reshape, x, shape=(1,)), 0
    return x, check_axis(op, axis, x.ndim, name)


def _back_to_0d(x, values, ind):
    if x.ndim == 0:
        return call(Reshape, values, shape=()), ind.reshape(())
    return values, ind


def _direction(op, direction):
    """TF's direction= ("ASCENDING" / "DESCENDING") as descending."""
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op}: direction must be 'ASCENDING' or 'DESCENDING', got "
                         f"{direction!r}")
    return direction == "DESCENDING"


def sort(x: ArrayLike, dim: Any = _UNSET, descending: bool = False, stable: bool = False, *,
         axis: Any = _UNSET, kind: str | None = None, direction: str | None = None,
         name: str | None = None) -> SortResult:
    """Sorted along a dimension, as PyTorch or NumPy spell it.

    PyTorch (`tg.sort(x)`, `tg.sort(x, 1)`, `dim=`, `descending=`, `stable=`): a
    `(values, indices)` namedtuple, dimension -1 by default. NumPy (`axis=`, or `kind=`,
    or a dimension of None, which sorts the flattened tensor): the values only, as
    `np.sort`. The sort is
    always stable and puts NaN last (first when descending); the gradient of each value
    goes to the element its index names.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to sort along (PyTorch's form: returns values and indices).
        descending: largest first.
        stable: keep equal elements in their original order.
        axis: NumPy's form: returns the sorted values only (None: flattened).
        kind: NumPy's algorithm name.
        direction: TensorFlow's form ("ASCENDING" or "DESCENDING"): the values only,
            as tf.sort.
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        With dim (or no axis), a named tuple (values, indices); with axis or
        direction, the values.

    >>> import tapegrad as tg
    >>> tg.sort(tg.tensor([3.0, 1.0, 2.0]))
    sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
    >>> tg.sort(tg.tensor([3.0, 1.0, 2.0]), axis=0)
    tensor([1., 2., 3.])
    """
    check_bool("sort", "descending", descending)
    check_bool("sort", "stable", stable)
    if direction is not None:   # tf.sort(values, axis=-1, direction=...): the values
        if dim is not _UNSET:
            raise TypeError("sort: give dim (PyTorch) or direction (TensorFlow), not both")
        return sort_values(x, -1 if axis is _UNSET else axis,
                           descending=_direction("sort", direction))
    if dim is None:             # np.sort(a, None) positionally: the flattened values
        dim, axis = _UNSET, None
    if axis is not _UNSET or kind is not None:
        if dim is not _UNSET:
            raise TypeError("sort: give dim (values and indices, as PyTorch) or axis "
                            "(values, as NumPy), not both")
        _check_kind("sort", kind)
        return sort_values(x, -1 if axis is _UNSET else axis, descending=descending)
    x = _operand(x, "sort")
    d = -1 if dim is _UNSET else dim
    fold = vmap_fold(x)         # tg.vmap's x: one sort for the batch
    if fold is not None:
        return fold(lambda v, a: sort(v, a, descending, stable), d)
    flat, ax = _one_axis(x, d, "sort", "dim")
    ind = _order(flat._data, ax, descending)
    values, ind = _back_to_0d(x, take_along(flat, ind, ax), ind.astype(np.int64))
    return SortResult(values, make(ind))


def _check_kind(op, kind):
    if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"{op}: kind must be 'quicksort', 'mergesort', 'heapsort' or "
                         f"'stable', got {kind!r}")


def sort_values(x, axis=-1, kind=None, *, descending=False):
    """`np.sort(x, axis)`: the sorted values only (None sorts the flattened tensor).

    >>> import tapegrad as tg
    >>> tg.ops.sort_values(tg.tensor([[2.0, 1.0], [0.0, 3.0]]), axis=None)
    tensor([0., 1., 2., 3.])
    """
    _check_kind("sort", kind)
    x = _operand(x, "sort")
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: sort_values(v, a, descending=descending), axis, True)
    if axis is None:
        x, axis = _flat(x), 0
    elif x.ndim == 0:
        raise np.exceptions.AxisError(f"sort: axis {axis} is out of range for a tensor "
                                      "with 0 dimension(s)")
    ax = check_axis("sort", axis, x.ndim)
    return take_along(x, _order(x._data, ax, descending), ax)


np_sort = sort_values


def argsort(x: ArrayLike, axis: Axis = -1, kind: str | None = None, *, dim: Axis = None,
            descending: bool = False, stable: bool = False, direction: str | None = None,
            name: str | None = None) -> Tensor:
    """Indices that sort x along `axis` (int64, no gradient); NumPy's `axis=None` sorts
    the flattened tensor, PyTorch's `dim=`/`descending=` are accepted. Always stable.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to sort along (None: flattened, as NumPy).
        kind: NumPy's algorithm name; "stable" and "mergesort" keep ties in order.
        dim: PyTorch's name for axis.
        descending: largest first.
        stable: keep equal elements in their original order.
        direction: TensorFlow's "ASCENDING" or "DESCENDING" (as descending).
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        int64 indices (no gradient).

    >>> import tapegrad as tg
    >>> tg.argsort(tg.tensor([3.0, 1.0, 2.0]))
    tensor([1, 2, 0])
    """
    if isinstance(kind, bool):          # torch.argsort(x, dim, descending) positionally
        descending, kind = kind, None
    if direction is not None:
        descending = _direction("argsort", direction)
    check_bool("argsort", "descending", descending)
    check_bool("argsort", "stable", stable)
    _check_kind("argsort", kind)
    if dim is not None:
        axis = dim
    if isinstance(x, Tensor):
        _ordered(x, "argsort")
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: argsort(v, a, descending=descending), axis, True)
    # a tensor's own array (not np.asarray of it): a tg.function trace must see the read
    a = x._data if isinstance(x, Tensor) else np.asarray(check_operand("argsort", "x", x))
    if axis is None:
        a, axis = a.reshape(-1), 0
    elif a.ndim == 0:
        check_axis("argsort", axis, 0)
        return make(np.array(0, dtype=np.int64))
    ax = check_axis("argsort", axis, a.ndim)
    return make(_order(a, ax, descending).astype(np.int64))


def partition(x: ArrayLike, kth: Any, axis: Axis = -1, kind: str = "introselect") -> Tensor:
    """`np.partition`: the element at each `kth` position is where a sort would put it,
    smaller ones before and larger after (values; the gradient follows the elements).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        kth: the position (or positions) to partition at.
        axis: the axis to partition along (None: flattened).
        kind: NumPy's selection algorithm; only "introselect".

    Returns:
        The partitioned tensor.

    >>> import tapegrad as tg
    >>> tg.partition(tg.tensor([3.0, 1.0, 2.0, 0.0]), 1)[1]
    tensor(1.)
    """
    x = _operand(x, "partition")
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: partition(v, kth, a, kind), axis, True)
    if axis is None:
        x, axis = _flat(x), 0
    ax = check_axis("partition", axis, x.ndim)
    ind = np.argpartition(x._data, _kth("partition", kth), axis=ax, kind=kind)
    return take_along(x, ind, ax)


def argpartition(x: ArrayLike, kth: Any, axis: Axis = -1, kind: str = "introselect") -> Tensor:
    """`np.argpartition`: the indices that would partition x (int64, no gradient): the
    kth position holds the kth smallest, smaller ones before it, larger after.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        kth: the position (or positions) to partition at.
        axis: the axis to partition along (None: flattened).
        kind: NumPy's selection algorithm; only "introselect".

    Returns:
        int64 indices (no gradient).

    >>> import tapegrad as tg
    >>> x = tg.tensor([3.0, 1.0, 2.0, 0.0])
    >>> i = tg.argpartition(x, 1)
    >>> x[i[1]].item(), sorted(x[i[:2]].tolist())
    (1.0, [0.0, 1.0])
    """
    if isinstance(x, Tensor):
        _ordered(x, "argpartition")
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: argpartition(v, kth, a, kind), axis, True)
    a = np.asarray(x._data if isinstance(x, Tensor) else
                   check_operand("argpartition", "x", x))
    if axis is None:
        a, axis = a.reshape(-1), 0
    ax = check_axis("argpartition", axis, a.ndim)
    return make(np.argpartition(a, _kth("argpartition", kth), axis=ax,
                                kind=kind).astype(np.int64))


def _kth(op, kth):
    if isinstance(kth, Tensor):
        kth = raw_values(kth._data, op + "'s kth")
    if isinstance(kth, (list, tuple, np.ndarray)):
        a = np.asarray(kth)
        if a.dtype.kind not in "iu":
            raise TypeError(f"{op}: kth must be an int or a sequence of ints, got "
                            f"{describe(kth)}")
        return a
    return check_int(op, "kth", kth)


def topk(x: ArrayLike, k: int, dim: Axis = -1, largest: bool = True, sorted: bool = True, *,
         axis: Axis = None) -> TopkResult:
    """The k largest (or, with `largest=False`, smallest) elements along `dim`: a
    `(values, indices)` namedtuple as `torch.topk`. The result is always sorted; among
    equal elements the earlier one comes first; the gradient goes to the picked elements.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        k: how many elements.
        dim: the dimension to search.
        largest: the largest (True) or the smallest (False) elements.
        sorted: return them in order.
        axis: NumPy's name for dim.

    Returns:
        A named tuple (values, indices).

    Raises:
        ValueError: k is larger than x.shape[dim].

    >>> import tapegrad as tg
    >>> tg.topk(tg.tensor([1.0, 4.0, 2.0, 3.0]), 2)
    topk(values=tensor([4., 3.]), indices=tensor([1, 3]))
    """
    x = _operand(x, "topk")
    k = check_int("topk", "k", k)
    check_bool("topk", "largest", largest)
    check_bool("topk", "sorted", sorted)
    if axis is not None:
        dim = axis
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: topk(v, k, a, largest, sorted), dim)
    flat, ax = _one_axis(x, dim, "topk", "dim")
    n = flat.shape[ax]
    if not 0 <= k <= n:
        raise ValueError(f"topk: k must be between 0 and the size of dimension {ax} "
                         f"({n}), got {k}")
    ind = _order(flat._data, ax, largest)
    ind = ind[(slice(None),) * ax + (slice(0, k),)]
    values, ind = _back_to_0d(x, take_along(flat, ind, ax), ind.astype(np.int64))
    return TopkResult(values, make(ind))


def kthvalue(x: ArrayLike, k: int, dim: Axis = -1, keepdim: bool = False) -> KthvalueResult:
    """The k-th smallest element (k counts from 1) along `dim`: `(values, indices)` as
    `torch.kthvalue`; the gradient goes to that element.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        k: which smallest element, counting from 1.
        dim: the dimension to search.
        keepdim: keep the reduced dimension with length 1.

    Returns:
        A named tuple (values, indices).

    Raises:
        ValueError: k is outside 1..x.shape[dim].

    >>> import tapegrad as tg
    >>> tg.kthvalue(tg.tensor([3.0, 1.0, 2.0]), 2)
    kthvalue(values=tensor(2.), indices=tensor(2))
    """
    x = _operand(x, "kthvalue")
    k = check_int("kthvalue", "k", k)
    check_bool("kthvalue", "keepdim", keepdim)
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: kthvalue(v, k, a, keepdim), dim)
    flat, ax = _one_axis(x, dim, "kthvalue", "dim")
    n = flat.shape[ax]
    if not 1 <= k <= n:
        raise ValueError(f"kthvalue: k must be between 1 and the size of dimension {ax} "
                         f"({n}), got {k}")
    ind = _order(flat._data, ax, False)[(slice(None),) * ax + (slice(k - 1, k),)]
    values = take_along(flat, ind, ax)
    if not keepdim:
        ind = np.squeeze(ind, ax)
        values = call(Reshape, values, shape=ind.shape)
    values, ind = _back_to_0d(x, values, ind.astype(np.int64))
    return KthvalueResult(values, make(ind))


def mode(x: ArrayLike, dim: Axis = -1, keepdim: bool = False) -> ModeResult:
    """The most frequent value along `dim` (the smallest one on a tie in count):
    `(values, indices)` as `torch.mode`, the index that of its last occurrence; the
    gradient goes to that element.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to search (default -1).
        keepdim: keep the reduced dimension with length 1.

    Returns:
        A named tuple (values, indices).

    >>> import tapegrad as tg
    >>> tg.mode(tg.tensor([3.0, 1.0, 3.0, 1.0, 2.0]))
    mode(values=tensor(1.), indices=tensor(3))
    """
    x = _operand(x, "mode")
    check_bool("mode", "keepdim", keepdim)
    fold = vmap_fold(x)
    if fold is not None:
        return fold(lambda v, a: mode(v, a, keepdim), dim)
    flat, ax = _one_axis(x, dim, "mode", "dim")
    a = np.moveaxis(flat._data, ax, -1)
    n = a.shape[-1]
    if n == 0:
        raise ValueError(f"mode: dimension {ax} is empty, it has no most frequent value")
    s = np.sort(a, axis=-1)
    # the length of the run of equal values each sorted element sits in
    pos = np.broadcast_to(np.arange(n), s.shape)
    start = np.ones(s.shape, dtype=bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.maximum.accumulate(np.where(start, pos, 0), axis=-1)
    end = np.ones(s.shape, dtype=bool)
    end[..., :-1] = start[..., 1:]
    last = np.flip(np.minimum.accumulate(np.flip(np.where(end, pos, n - 1), -1), axis=-1), -1)
    best = np.argmax(last - first, axis=-1)[..., None]       # the first longest run
    value = np.take_along_axis(s, best, axis=-1)
    hits = np.flip(a == value, -1)
    ind = (n - 1 - np.argmax(hits, axis=-1))[..., None]      # its last occurrence
    ind = np.moveaxis(ind, -1, ax).astype(np.int64)
    values = take_along(flat, ind, ax)
    if not keepdim:
        ind = np.squeeze(ind, ax)
        values = call(Reshape, values, shape=ind.shape)
    values, ind = _back_to_0d(x, values, ind)
    return ModeResult(values, make(ind))


# ------------------------------------------------------------------ median, quantile

def median(x: ArrayLike, dim: Any = _UNSET, keepdim: bool = False, *, axis: Any = _UNSET,
           keepdims: bool = False) -> Any:
    """The median, as PyTorch or NumPy define it.

    Given a dimension (`dim=` or positionally): `(values, indices)` of the lower median
    along it, as `torch.median(x, dim)`. Nothing: the lower median of all elements as a
    0-d tensor, as `torch.median(x)`. `axis=`, `keepdims=` or None: NumPy's
    median, the mean of the two middle elements for an even count (`np_median`). A NaN
    in a slice makes its median NaN. The gradient goes to the element(s) read.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: PyTorch's form: the lower median along dim, with indices.
        keepdim: keep the reduced dimension with length 1.
        axis: NumPy's form: the mean of the two middle values, values only.
        keepdims: NumPy's name for keepdim.

    Returns:
        A 0-d tensor (no dimension given), a named tuple (values, indices) with dim,
            or the medians with axis.

    >>> import tapegrad as tg
    >>> x = tg.tensor([4.0, 1.0, 3.0, 2.0])
    >>> tg.median(x), tg.median(x, axis=0)
    (tensor(2.), tensor(2.5000))
    """
    return _median(x, dim, keepdim, axis, keepdims, "median", False)


def nanmedian(x: ArrayLike, dim: Any = _UNSET, keepdim: bool = False, *, axis: Any = _UNSET,
              keepdims: bool = False) -> Any:
    """The median of the non-NaN elements, by `median`'s rule: PyTorch's lower median
    (`torch.nanmedian`) given a dimension or nothing, NumPy's `np.nanmedian` with `axis=`.
    A slice with nothing but NaN gives NaN.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: PyTorch's form, as median.
        keepdim: keep the reduced dimension with length 1.
        axis: NumPy's form, as median.
        keepdims: NumPy's name for keepdim.

    Returns:
        As median, ignoring NaN.

    >>> import tapegrad as tg
    >>> x = tg.tensor([4.0, float("nan"), 1.0, 3.0, 2.0])
    >>> tg.nanmedian(x), tg.nanmedian(x, axis=0)
    (tensor(2.), tensor(2.5000))
    """
    return _median(x, dim, keepdim, axis, keepdims, "nanmedian", True)


def _median(x, dim, keepdim, axis, keepdims, op, skip_nan):
    if dim is None:             # np.median(a, None) positionally: NumPy's, over all
        dim, axis = _UNSET, None
    if axis is not _UNSET or keepdims is not False:
        if dim is not _UNSET:
            raise TypeError(f"{op}: give dim (values and indices, as PyTorch) or axis "
                            "(values, as NumPy), not both")
        if keepdim is not False:
            raise TypeError(f"{op}: keepdim goes with dim; use keepdims= with axis=")
        return _quantile(x, 0.5, None if axis is _UNSET else axis, keepdims, "_median", op,
                         skip_nan)
    x = _operand(x, op)
    check_bool(op, "keepdim", keepdim)
    fold = vmap_fold(x)
    if dim is _UNSET:
        if keepdim:
            raise TypeError(f"{op}: keepdim needs a dim")
        if fold is not None:    # tg.vmap's x: each example's median, one row each
            return fold(lambda v, a: _row_medians(v, op, skip_nan), None, True)
        return call(Reshape, _row_medians(call(Reshape, x, shape=(1, -1)), op, skip_nan),
                    shape=())
    if fold is not None:
        return fold(lambda v, a: _median(v, a, keepdim, _UNSET, False, op, skip_nan), dim)
    flat, ax = _one_axis(x, dim, op, "dim")
    _nonempty(flat, ax, op)
    ind = _lower_median(flat._data, ax, skip_nan)
    values = take_along(flat, ind, ax)
    if not keepdim:
        ind = np.squeeze(ind, ax)
        values = call(Reshape, values, shape=ind.shape)
    values, ind = _back_to_0d(x, values, ind.astype(np.int64))
    return (NanmedianResult if skip_nan else MedianResult)(values, make(ind))


def _row_medians(rows, op, skip_nan):
    """torch.median(x) of each row of `rows` (R, n): the lower median, its gradient
    shared evenly among the elements equal to it (as max does), not given to the one
    the index names; a row whose median is NaN gives it to that NaN."""
    fold = getattr(rows._data, "fold", None)    # rows batched by an outer tg.vmap
    if fold is not None:
        return fold(lambda v: _row_medians(v, op, skip_nan), 2)
    _nonempty(rows, 1, op)
    a = rows._data
    ind = _lower_median(a, 1, skip_nan)
    picked = call(Reshape, take_along(rows, ind, 1), shape=(a.shape[0],))
    if a.dtype.kind != "f":
        return picked
    m = np.take_along_axis(a, ind, axis=1)
    tied = call(Max, call(Where, a == m, rows, -np.inf), axis=(1,), keepdims=False)
    nan = np.isnan(m[:, 0])
    return call(Where, nan, picked, tied) if nan.any() else tied


def _nonempty(x, ax, op):
    if x.shape[ax] == 0:
        raise ValueError(f"{op}: cannot take the {op} of an empty dimension (shape "
                         f"{x.shape})")


def _lower_median(a, ax, skip_nan):
    """Index of the lower median along `ax`, with the axis kept. A NaN in the slice
    makes it the first NaN; with `skip_nan`, the median of the others (a NaN when there
    are none)."""
    order = np.argsort(a, axis=ax, kind="stable")       # NaN last
    n = a.shape[ax]
    nans = np.isnan(a).sum(axis=ax, keepdims=True) if a.dtype.kind in "fc" else \
        np.zeros(a.shape[:ax] + (1,) + a.shape[ax + 1:], dtype=np.intp)
    if skip_nan:
        m = n - nans
        rank = np.where(m == 0, 0, (m - 1) // 2)
    else:
        rank = np.where(nans > 0, n - nans, (n - 1) // 2)
    return np.take_along_axis(order, rank, axis=ax)


def np_median(x, axis=None, keepdims=False):
    """`np.median`: the middle element, or the mean of the two middle ones.

    >>> import tapegrad as tg
    >>> tg.ops.np_median(tg.tensor([[1.0, 4.0], [2.0, 3.0]]), axis=1)
    tensor([2.5000, 2.5000])
    """
    return _quantile(x, 0.5, axis, keepdims, "_median", "median")


_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(x: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, *,
             dim: Axis = None, keepdim: bool | None = None, method: str = "linear",
             interpolation: str | None = None) -> Tensor:
    """The q-th quantile(s) along `axis` (None = all), NumPy's and PyTorch's default
    'linear' method (also 'lower', 'higher', 'nearest', 'midpoint'; PyTorch's name for
    the argument is `interpolation`). An array q puts its axis first. Differentiable in x
    (the two elements read share the gradient by their weights), not in q.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        q: the quantile(s), in [0, 1] (a number or a 1-D tensor).
        axis: the axis to reduce (None: all).
        keepdims: keep the reduced axis with length 1.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.
        method: "linear", "lower", "higher", "nearest" or "midpoint".
        interpolation: PyTorch's name for method.

    Returns:
        The quantiles; a leading axis of len(q) when q is 1-D.

    Raises:
        ValueError: q outside [0, 1] or an unknown method.

    >>> import tapegrad as tg
    >>> tg.quantile(tg.tensor([1.0, 2.0, 3.0, 4.0]), 0.25)
    tensor(1.7500)
    """
    if dim is not None:
        if axis is not None:
            raise TypeError("quantile: give either axis= or dim=, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    if interpolation is not None:
        method = interpolation
    return _quantile(x, q, axis, keepdims, method, "quantile")


def nanquantile(x: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, *,
                dim: Axis = None, keepdim: bool | None = None, method: str = "linear",
                interpolation: str | None = None) -> Tensor:
    """`quantile` of the non-NaN elements (`np.nanquantile`, `torch.nanquantile`); a slice
    with nothing but NaN gives NaN. NaN positions get zero gradient.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        q: the quantile(s), in [0, 1] (a number or a 1-D tensor).
        axis: the axis to reduce (None: all).
        keepdims: keep the reduced axis with length 1.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.
        method: "linear", "lower", "higher", "nearest" or "midpoint".
        interpolation: PyTorch's name for method.

    Returns:
        The quantiles of the non-NaN elements.

    Raises:
        ValueError: q outside [0, 1] or an unknown method.

    >>> import tapegrad as tg
    >>> tg.nanquantile(tg.tensor([1.0, float("nan"), 3.0]), 0.5)
    tensor(2.)
    """
    if dim is not None:
        if axis is not None:
            raise TypeError("nanquantile: give either axis= or dim=, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    if interpolation is not None:
        method = interpolation
    return _quantile(x, q, axis, keepdims, method, "nanquantile", True)


def percentile(x: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, *,
               method: str = "linear") -> Tensor:
    """`np.percentile`: `quantile` with q in percent (0 to 100).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        q: the percentile(s), in [0, 100].
        axis: the axis to reduce (None: all).
        keepdims: keep the reduced axis with length 1.
        method: as quantile.

    Returns:
        The percentiles.

    Raises:
        ValueError: q outside [0, 100] or an unknown method.

    >>> import tapegrad as tg
    >>> tg.percentile(tg.tensor([1.0, 2.0, 3.0, 4.0]), 50)
    tensor(2.5000)
    """
    qa = np.asarray(raw_values(q._data, "percentile's q") if isinstance(q, Tensor) else
                    check_operand("percentile", "q", q),
                    dtype=np.float64)
    if np.any(~((qa >= 0) & (qa <= 100))):
        raise ValueError(f"percentile: q must be in [0, 100], got {q!r}")
    return _quantile(x, qa / 100, axis, keepdims, method, "percentile")


def _quantile(x, q, axis, keepdims, method, op, skip_nan=False):
    x = _operand(x, op)
    check_bool(op, "keepdims", keepdims)
    if method not in _METHODS and method != "_median":
        raise ValueError(f"{op}: method must be one of {', '.join(_METHODS)}, got "
                         f"{method!r}")
    qa = np.asarray(raw_values(q._data, op + "'s q") if isinstance(q, Tensor) else
                    check_operand(op, "q", q),
                    dtype=np.float64)
    if qa.ndim > 1:
        raise ValueError(f"{op}: q must be a number or a 1-D sequence, got shape "
                         f"{qa.shape}")
    if np.any(~((qa >= 0) & (qa <= 1))):
        raise ValueError(f"{op}: q must be in [0, 1], got {q!r}")
    fold = vmap_fold(x)
    if fold is not None:        # tg.vmap's x: the batch axis goes after q's
        return fold(lambda v, a: _batch_second(
            _quantile(v, qa, a, keepdims, method, op, skip_nan), qa.ndim), axis)
    nd = x.ndim
    axes = normalize_axis(axis, nd, op)
    reduced = tuple(range(nd)) if axes is None else axes
    keep = tuple(a for a in range(nd) if a not in reduced)
    # the reduced axes last, merged into one
    moved = call(Transpose, x, axes=keep + reduced) if nd else x
    lead = tuple(x.shape[a] for a in keep)
    n = int(np.prod([x.shape[a] for a in reduced]))
    if n == 0:
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape "
                         f"{x.shape})")
    flat = call(Reshape, moved, shape=lead + (n,))
    a = flat._data
    order = np.argsort(a, axis=-1, kind="stable")       # NaN last
    nan = np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, dtype=bool)
    # m: how many elements count in each slice (the non-NaN ones for the nan* forms)
    m = n - nan.sum(axis=-1, keepdims=True) if skip_nan else np.full(lead + (1,), n)
    pos = qa.reshape(-1) * (m - 1)                              # lead + (nq,)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, m - 1)
    w = pos - lo
    if method == "lower":
        hi, w = lo, np.zeros_like(w)
    elif method == "higher":
        lo, w = np.ceil(pos).astype(np.intp), np.zeros_like(w)
        hi = lo
    elif method == "nearest":
        lo = hi = np.around(pos).astype(np.intp)
        w = np.zeros_like(w)
    elif method == "midpoint":
        w = np.where(pos == lo, 0.0, 0.5)
    elif method == "_median":           # np.median: the middle one, or the two's mean
        hi = np.where(pos == lo, lo, hi)
    # a slice whose result is NaN (a NaN in it; for nan* forms, nothing but NaN) reads
    # its last sorted element, a NaN, as NumPy's result is
    bad = nan.any(axis=-1, keepdims=True) if not skip_nan else (m == 0)
    lo_r = np.where(bad, n - 1, lo)
    hi_r = np.where(bad, n - 1, hi)
    low = take_along(flat, np.take_along_axis(order, lo_r, axis=-1), len(lead))
    high = take_along(flat, np.take_along_axis(order, hi_r, axis=-1), len(lead))
    wt = w.astype(a.dtype) if a.dtype.kind == "f" else w
    diff = high - low
    # NumPy's lerp: from the nearer end, so w = 0 or 1 gives that element exactly
    out = call(Where, w >= 0.5, high - diff * (1 - wt), low + diff * wt)
    if method not in ("linear", "midpoint"):     # those lerp, as NumPy (inf - inf: NaN)
        # one element read: itself, never inf - inf (lower, nearest, ... of [-inf, -inf]);
        # np.median's is not a lerp: [0, inf] has median inf, [-1, 0, inf] has 0
        out = call(Where, hi_r != lo_r, (low + high) * 0.5 if method == "_median" else out,
                   low)
    nq = qa.size
    if keepdims:
        kshape = tuple(1 if i in reduced else s for i, s in enumerate(x.shape))
    else:
        kshape = lead
    k = len(lead)
    out = call(Transpose, out, axes=(k,) + tuple(range(k)))  # q's axis first
    if qa.ndim == 0:
        return call(Reshape, out, shape=kshape)
    return call(Reshape, out, shape=(nq,) + kshape)

def _batch_second(out, q_axes):
    """A batched quantile with q's axis in front: the batch axis back in front."""
    if not q_axes:
        return out
    return call(Transpose, out, axes=(1, 0) + tuple(range(2, out.ndim)))


# the names `from tapegrad.ops.sort import *` gives (tests/test_all.py)
__all__ = ["SortResult", "TopkResult", "KthvalueResult", "MedianResult", "NanmedianResult", "sort",
           "sort_values", "np_sort", "argsort", "partition", "argpartition", "topk", "kthvalue",
           "median", "nanmedian", "np_median", "quantile", "nanquantile", "percentile", "mode",
           "ModeResult"]
