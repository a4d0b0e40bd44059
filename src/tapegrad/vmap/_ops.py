"""The one op vmap adds: matmul of batched 3-D operands where one of them is an unbatched
value repeated along the batch (zero stride), as vmap(grad) makes of parameters."""
import numpy as np

from ..ops._apply import call
from ..ops._op import REGISTRY, Op, register, tangent_sum
from ..ops.shape import Transpose


def _repeated(a):
    """Whether batch axis 0 of `a` repeats one value (a broadcast view)."""
    return isinstance(a, np.ndarray) and a.ndim == 3 and a.shape[0] > 1 and \
        a.strides[0] == 0


def _mT(a):
    return call(Transpose, a, axes=(0, 2, 1))


@register
class RepeatedMatMul(Op):
    """x @ y for (B, n, k) and (B, k, m). When one operand repeats one matrix along the
    batch (a parameter seen by every example), the product is one matrix product
    instead of B of them; the cotangent of the repeated operand still has one slice
    per example (per-example gradients)."""
    args = ("x", "y")
    saves = ("x", "y")

    @staticmethod
    def forward(x, y):
        if _repeated(y) and not _repeated(x):
            b, n, k = x.shape
            return np.matmul(x.reshape(b * n, k), y[0]).reshape(b, n, y.shape[2])
        if _repeated(x) and not _repeated(y):
            return np.matmul(x[0], y)
        if x.shape[2] == 1:
            return np.multiply(x, y)        # outer products: one pass, no B tiny GEMMs
        return np.matmul(x, y)

    @staticmethod
    def vjp(ctx, g):
        x, y = ctx.saved
        need = ctx.needs_grad
        return (call(RepeatedMatMul, g, _mT(y)) if need[0] else None,
                call(RepeatedMatMul, _mT(x), g) if need[1] else None)

    @staticmethod
    def jvp(ctx, dx, dy):
        x, y = ctx.saved
        return tangent_sum(None if dx is None else call(RepeatedMatMul, dx, y),
                           None if dy is None else call(RepeatedMatMul, x, dy))


# vmap's internal op: it has no public function, so no row of the op table (whose
# completeness test reads REGISTRY); tests/test_vmap.py checks its rules
REGISTRY.remove(RepeatedMatMul)
