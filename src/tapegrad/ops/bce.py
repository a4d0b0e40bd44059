"""Binary cross entropy of probabilities as one elementwise op, with PyTorch's rules.

Written as a composite (`-(y max(log p, -100) + (1 - y) max(log(1 - p), -100))`) its
gradient at a saturated probability (p exactly 0 or 1, as float32's sigmoid gives from
|x| > 17) was 0 where the clamp holds and 1/(1 - p) on the other side; torch's is
(p - y) / max(p (1 - p), eps): a strong pull for a confidently wrong prediction, 0 for a
right one. The target's derivative is -logit(p), unclamped, as torch's.
"""
import numpy as np

__all__ = ["BinaryCrossEntropy"]

from ._op import elementwise

# torch's EPSILON, a float32 1e-12 (the bits matter: 1 / EPS is the saturated slope)
_EPS = float(np.float32(1e-12))


def _bce_forward(p, y):
    # torch's CPU kernel: log1p for the complement, each log clamped at -100
    with np.errstate(divide="ignore"):
        return (y - 1) * np.maximum(np.log1p(-p), -100.0) - y * np.maximum(np.log(p), -100.0)


BinaryCrossEntropy, _bce = elementwise(
    _bce_forward,
    d=(lambda p, y, out: (p - y) / np.maximum((1 - p) * p, _EPS),
       lambda p, y, out: -np.log(p / (1 - p))),
    name="binary_cross_entropy",
    doc="""The unreduced binary cross entropy of probabilities p against targets y
    (nn.functional.binary_cross_entropy reduces and weights it).

    >>> import tapegrad as tg
    >>> from tapegrad.ops.bce import BinaryCrossEntropy
    >>> from tapegrad.ops._apply import apply
    >>> round(apply(BinaryCrossEntropy, tg.tensor([0.5]), tg.tensor([1.0])).item(), 4)
    0.6931
    """)
