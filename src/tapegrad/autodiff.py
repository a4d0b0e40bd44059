"""tg.autodiff: TensorFlow's tf.autodiff namespace (ForwardAccumulator, forward mode)."""
from __future__ import annotations

import numpy as np

from . import _state
from ._check import describe as what
from ._dtypes import is_floating
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.forward_ad import _unpack_dual, dual_level
from .tape import GradientTape, UnconnectedGradients, _check_unconnected
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Literal

_local = _state.local


class ForwardAccumulator:
    """TF's tf.autodiff.ForwardAccumulator: forward mode (Jacobian-vector products).
    Inside `with`, ops on `primals` carry their `tangents`; `acc.jvp(y)` is then the
    directional derivative of `y`. A GradientTape's gradient computed inside is
    recorded as well, so `acc.jvp(tape.gradient(y, x))` is a Hessian-vector product.

    Args:
        primals: a tensor or Variable, or a list/tuple/dict of them (the very objects
            the computation uses).
        tangents: the directions, in the same structure and shapes.

    Raises:
        ValueError: the structures or shapes differ.
        TypeError: a primal is not a floating tensor.

    >>> import tapegrad as tg
    >>> x = tg.constant([1.0, 2.0])
    >>> with tg.autodiff.ForwardAccumulator(x, tg.constant([1.0, 0.0])) as acc:
    ...     y = tg.reduce_sum(x ** 3)
    >>> acc.jvp(y)
    tensor(3.)
    """

    def __init__(self, primals: Any, tangents: Any) -> None:
        ps, spec = flatten(primals)
        ts, tspec = flatten(tangents)
        if len(ps) != len(ts) or spec != tspec:
            raise ValueError("ForwardAccumulator: primals and tangents must have the same "
                             f"structure, got {len(ps)} primals and {len(ts)} tangents")
        pairs = []
        for p, t in zip(ps, ts):
            if not isinstance(p, Tensor) or not is_floating(p._data.dtype):
                raise TypeError(f"ForwardAccumulator: primals must be floating tensors or "
                                f"Variables, got {what(p)}")
            t = t if isinstance(t, Tensor) else make(np.asarray(t, dtype=p._data.dtype))
            if t.shape != p.shape:
                raise ValueError(f"ForwardAccumulator: a tangent of shape {t.shape} for a "
                                 f"primal of shape {p.shape}")
            if t._data.dtype != p._data.dtype:
                t = make(t._data.astype(p._data.dtype))
            pairs.append((p, t))
        self._pairs = pairs
        self._level: int | None = None
        self._ctx: dual_level | None = None
        self._saved: list[tuple[Tensor, Any]] = []

    def __enter__(self) -> ForwardAccumulator:
        if self._ctx is not None:
            raise ValueError("ForwardAccumulator: already recording (it cannot be entered "
                             "again inside its own `with` block)")
        ctx = self._ctx = dual_level()
        self._level = ctx.__enter__()
        _local.accumulators = getattr(_local, "accumulators", 0) + 1
        # the primals themselves carry the tangents, as TF watches the very tensors
        self._saved = [(p, p._fw) for p, _ in self._pairs]
        for p, t in self._pairs:
            fw = dict(p._fw) if p._fw else {}
            fw[self._level] = t
            p._fw = fw
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        for p, fw in self._saved:
            p._fw = fw
        self._saved = []
        _local.accumulators -= 1
        if self._ctx is not None:
            self._ctx.__exit__(*exc)
        self._ctx = None
        return False

    def jvp(self, primals: Any, unconnected_gradients: str = UnconnectedGradients.NONE) -> Any:
        """The tangents of `primals` (a tensor or a structure of them): None, or zeros
        with `unconnected_gradients="zero"`, for one that does not depend on the
        accumulator's primals."""
        _check_unconnected(unconnected_gradients, "ForwardAccumulator.jvp")
        if self._level is None:
            raise ValueError("ForwardAccumulator.jvp: the accumulator was never entered "
                             "(use it as `with ForwardAccumulator(...) as acc:`)")
        leaves, spec = flatten(primals)
        out = []
        for y in leaves:
            t = None
            if isinstance(y, Tensor):
                for p, tan in self._pairs:
                    if p is y:
                        t = tan             # a primal's own tangent
                if t is None:
                    t = _unpack_dual(y, self._level)[1]
            if t is None and unconnected_gradients == "zero" and isinstance(y, Tensor):
                t = make(np.zeros_like(y._data))
            out.append(t)
        return unflatten(spec, out)


__all__ = ["ForwardAccumulator", "GradientTape"]
