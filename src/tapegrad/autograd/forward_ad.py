"""Forward mode: dual levels, make_dual, unpack_dual. Tangent rules live with each op."""
import numpy as np

from .. import _state
from .._tensor import Tensor, make

_local = _state.local


class dual_level:
    """Context in which dual tensors carry tangents (levels nest for higher order).

    >>> import tapegrad as tg
    >>> with tg.autograd.forward_ad.dual_level():
    ...     x = tg.make_dual(tg.tensor(2.0), tg.tensor(1.0))
    ...     tg.unpack_dual(x * x)[1]
    tensor(4.)
    """

    def __init__(self, batch=None):
        self.batch = batch          # tangents carry a leading axis of this size

    def __enter__(self):
        self.level = next(_state.level_ids)
        _local.fw_levels.append(self.level)
        if self.batch is not None:
            _local.fw_batch[self.level] = int(self.batch)
        return self.level

    def __exit__(self, *exc):
        _local.fw_levels.remove(self.level)
        _local.fw_batch.pop(self.level, None)
        return False


def _current_level(level):
    if level is not None:
        return level
    if not _local.fw_levels:
        # outside any dual_level: the default level 0, which carries tangents through ops
        # but does not count as an enclosing jvp for transforms and backward
        _local.fw_default = True
        return 0
    return _local.fw_levels[-1]


def make_dual(primal, tangent, level=None):
    """A tensor equal to `primal` that carries `tangent` through every op (one pass)."""
    from .._tensor import as_tensor
    level = _current_level(level)
    for arg, v in (("primal", primal), ("tangent", tangent)):
        raw = v._data if isinstance(v, Tensor) else v
        if not isinstance(raw, (np.ndarray, np.generic, int, float)) or np.asarray(
                raw).dtype.kind not in "biufc":
            raise TypeError(f"make_dual: {arg} must be a tensor of numbers, got "
                            f"{v!r:.40} ({type(v).__name__})")
    p = as_tensor(primal)
    t = tangent if isinstance(tangent, Tensor) else make(np.asarray(tangent))
    batch = _local.fw_batch.get(level)
    want = p.shape if batch is None else (batch,) + p.shape
    if t.shape != want:
        raise ValueError(f"make_dual: tangent shape {t.shape} does not match primal shape "
                         f"{p.shape}" + ("" if batch is None else f" with batch {batch}"))
    if t._data.dtype != p._data.dtype:
        t = t.astype(p._data.dtype)
    out = make(p._data, p._rg)
    out.grad_fn = p.grad_fn
    if p.grad_fn is None and p._rg:
        from .._graph import grad_edge
        out.grad_fn = grad_edge(p)
    fw = dict(p._fw) if p._fw else {}
    fw[level] = t
    out._fw = fw
    out._vc = p._vc
    return out


def unpack_dual(t, level=None):
    """(primal, tangent) of a dual tensor; the tangent is None if it carries none."""
    from ..ops._core import strip_level
    if not isinstance(t, Tensor):
        return t, None
    if level is None:
        level = _local.fw_levels[-1] if _local.fw_levels else 0
    if t._fw is None or level not in t._fw:
        return t, None
    return strip_level(t, level), t._fw[level]
