"""TF's small graph-building helpers as they behave eagerly: recompute_grad, py_function,
numpy_function, switch_case, case, ensure_shape, get_static_value, and the no-ops
(no_op, group, control_dependencies, init_scope) that TF code calls."""
from __future__ import annotations

import contextlib
import functools

import numpy as np

from ._dtypes import as_dtype
from ._tensor import Tensor, as_tensor, make
from .autograd.engine import what
from .checkpoint import checkpoint
from .errors import InvalidArgumentError
from .ops import cast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def recompute_grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f` whose intermediate values are recomputed in backward instead of kept (TF's
    tf.recompute_grad; `tg.checkpoint` at each call). Same values and gradients.

    Args:
        f: the function.

    >>> import tapegrad as tg
    >>> g = tg.recompute_grad(lambda x: tg.sin(x) * x)
    >>> x = tg.constant(1.0)
    >>> with tg.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = g(x)
    >>> round(float(tape.gradient(y, x)), 4)
    1.3818
    """
    @functools.wraps(f)
    def inner(*args: Any, **kwargs: Any) -> Any:
        return checkpoint(f, *args, **kwargs)
    return inner


def _outputs(res, Tout, who, convert):
    """The results as tensors of the Tout dtypes (a list for a list Tout)."""
    if isinstance(Tout, (list, tuple)):
        res = list(res) if isinstance(res, (list, tuple)) else [res]
        if len(res) != len(Tout):
            raise ValueError(f"{who}: func returned {len(res)} values, Tout names {len(Tout)}")
        return [_one(r, t, who, convert) for r, t in zip(res, Tout)]
    if Tout is None:
        return None
    return _one(res, Tout, who, convert)


def _one(r, dtype, who, convert):
    want = as_dtype(dtype, who)
    t = r if isinstance(r, Tensor) and not convert else make(np.asarray(
        r._data if isinstance(r, Tensor) else r))
    return t if t._data.dtype == want else cast(t, want)


def py_function(func: Callable[..., Any], inp: Any, Tout: Any, name: str | None = None) -> Any:
    """`func(*inp)` run eagerly on tensors (TF's tf.py_function): its tapegrad ops are
    recorded, so gradients flow through it. Results are cast to `Tout`.

    Args:
        func: a Python function of tensors.
        inp: the list of arguments.
        Tout: a dtype (one result) or a list of dtypes.
        name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.py_function(lambda a: a * 2.0, [tg.constant(3.0)], tg.float32)
    tensor(6.)
    """
    args = [as_tensor(a) if not isinstance(a, Tensor) else a for a in inp]
    return _outputs(func(*args), Tout, "py_function", False)


def numpy_function(func: Callable[..., Any], inp: Any, Tout: Any, stateful: bool = True,
                   name: str | None = None) -> Any:
    """`func` called on NumPy arrays (TF's tf.numpy_function); its results become
    tensors of the `Tout` dtypes, with no gradient (NumPy code is not recorded).

    Args:
        func: a Python function of NumPy arrays.
        inp: the list of arguments.
        Tout: a dtype (one result) or a list of dtypes.
        stateful, name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.numpy_function(lambda a: a.sum(), [tg.constant([1.0, 2.0])], tg.float32)
    tensor(3.)
    """
    args = [np.array(a._data) if isinstance(a, Tensor) else np.asarray(a) for a in inp]
    return _outputs(func(*args), Tout, "numpy_function", True)


def switch_case(branch_index: Any, branch_fns: Any, default: Callable[[], Any] | None = None,
                name: str | None = None) -> Any:
    """`branch_fns[branch_index]()` (TF's tf.switch_case); an index out of range runs
    `default`, or the last branch when there is none.

    Args:
        branch_index: an int or integer tensor.
        branch_fns: a list of functions, a dict int -> function, or (int, function) pairs.
        default: the function for an index no branch has.
        name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.switch_case(tg.constant(1), [lambda: 10.0, lambda: 20.0])
    20.0
    """
    i = branch_index._data if isinstance(branch_index, Tensor) else branch_index
    if np.asarray(i).dtype.kind not in "iu" or np.ndim(i):
        raise TypeError(f"switch_case: branch_index must be a scalar integer, got "
                        f"{what(branch_index)}")
    i = int(i)
    fns = dict(branch_fns) if isinstance(branch_fns, dict) else (
        dict(branch_fns) if branch_fns and isinstance(branch_fns[0], tuple)
        else dict(enumerate(branch_fns)))
    if not fns:
        raise ValueError("switch_case: branch_fns is empty")
    if i in fns:
        return fns[i]()
    return default() if default is not None else fns[max(fns)]()


def case(pred_fn_pairs: Any, default: Callable[[], Any] | None = None, exclusive: bool = False,
         strict: bool = False, name: str | None = None) -> Any:
    """The function of the first true predicate (TF's tf.case), else `default`.

    Args:
        pred_fn_pairs: (boolean, function) pairs, or a dict of them.
        default: the function when no predicate is true.
        exclusive: raise if more than one predicate is true.
        strict, name: TF's, unused.

    Raises:
        InvalidArgumentError: exclusive and several predicates hold, or none holds
            and there is no default (as TF eagerly).

    >>> import tapegrad as tg
    >>> x = tg.constant(3.0)
    >>> tg.case([(x < 0.0, lambda: -1.0), (x > 2.0, lambda: 1.0)], default=lambda: 0.0)
    1.0
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    if isinstance(pred_fn_pairs, (list, tuple)) and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and callable(p[1])
            for p in pred_fn_pairs):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError(f"case: pred_fn_pairs must be a list or dict of (predicate, "
                        f"function) pairs, got {pred_fn_pairs!r:.60}")
    hits = [fn for p, fn in pairs if bool(np.asarray(p._data if isinstance(p, Tensor) else p))]
    if exclusive and len(hits) > 1:
        raise InvalidArgumentError(f"case: {len(hits)} conditions are true, exclusive=True "
                                   "allows one")
    if hits:
        return hits[0]()
    if default is None:
        raise InvalidArgumentError("case: none of the conditions is true and there is no "
                                   "default")
    return default()


def ensure_shape(x: Any, shape: Any, name: str | None = None) -> Any:
    """`x` itself if its shape fits `shape` (None entries match anything), else
    tg.errors.InvalidArgumentError (TF's tf.ensure_shape).

    Args:
        x: a tensor.
        shape: a list of ints and Nones, or a TensorShape.
        name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.ensure_shape(tg.zeros((2, 3)), [None, 3]).shape
    (2, 3)
    """
    dims = getattr(shape, "dims", shape)
    t = as_tensor(x)
    if dims is not None:
        dims = list(dims)
        if len(dims) != t.ndim or any(d is not None and int(d) != n
                                      for d, n in zip(dims, t.shape)):
            raise InvalidArgumentError(f"ensure_shape: shape of tensor {list(t.shape)} is "
                                       f"not compatible with expected shape {dims}")
    return x


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    """The value of `tensor` as a NumPy array (a copy); eagerly every value is known.

    Args:
        tensor: a tensor, array or number.
        partial: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.get_static_value(tg.constant([1, 2]))
    array([1, 2])
    """
    if isinstance(tensor, Tensor):
        return np.array(tensor._data)
    return np.asarray(tensor)


def no_op(name: str | None = None) -> None:
    """Nothing (TF's tf.no_op, eagerly).

    Args:
        name: TF's, unused.

    >>> import tapegrad as tg
    >>> tg.no_op() is None
    True
    """
    return None


def group(*inputs: Any, **kwargs: Any) -> None:
    """Nothing: eagerly every input has already run (TF's tf.group).

    Args:
        *inputs: tensors or ops.
        **kwargs: `name`, unused.

    >>> import tapegrad as tg
    >>> tg.group(tg.constant(1.0)) is None
    True
    """
    return None


def control_dependencies(control_inputs: Any) -> contextlib.AbstractContextManager[None]:
    """A context manager that does nothing: eagerly, ops run in program order.

    Args:
        control_inputs: tensors or ops (or None).

    >>> import tapegrad as tg
    >>> x = tg.constant(1.0)
    >>> with tg.control_dependencies([x]):
    ...     y = x + 1.0
    >>> y
    tensor(2.)
    """
    return contextlib.nullcontext()


def init_scope() -> contextlib.AbstractContextManager[None]:
    """A context manager that does nothing here (TF lifts code out of a tf.function
    trace with it; tapegrad creates Variables eagerly anyway).

    >>> import tapegrad as tg
    >>> with tg.init_scope():
    ...     v = tg.Variable(1.0)
    >>> v.numpy()
    array(1., dtype=float32)
    """
    return contextlib.nullcontext()


__all__ = ["recompute_grad", "py_function", "numpy_function", "switch_case", "case",
           "ensure_shape", "get_static_value", "no_op", "group", "control_dependencies",
           "init_scope"]
