"""Rows of the ops the hostile probes added (round 3): binary cross entropy as one op
with torch's rules (ops/bce.py), inside (0, 1) where its slopes are smooth."""
from tapegrad.ops.bce import _bce

from ._case import OpCase

ROWS = [
    OpCase(_bce, [(2, 3), (2, 3)], low=[0.05, 0.0], high=[0.95, 1.0],
           torch=lambda T, p, y: T.nn.functional.binary_cross_entropy(p, y, reduction="none"),
           name="binary_cross_entropy"),
    # a target broadcast against a batch of probabilities
    OpCase(_bce, [(3, 2), (2,)], low=[0.1, 0.2], high=[0.9, 0.8],
           torch=lambda T, p, y: T.nn.functional.binary_cross_entropy(
               p, y.expand_as(p), reduction="none"),
           name="binary_cross_entropy_bcast"),
]
