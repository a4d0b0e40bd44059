"""detect_anomaly: creation tracebacks and NaN/inf checks on gradients."""
import traceback

import numpy as np

from .. import _state
from .._tensor import Tensor

_local = _state.local


class detect_anomaly:
    """Within this block, a NaN or inf produced by a backward rule raises an error that
    names the op and shows where that op ran in forward."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _local.anomaly
        _local.anomaly = self.check_nan
        return self

    def __exit__(self, *exc):
        _local.anomaly = self.prev
        return False


def capture_site():
    stack = traceback.extract_stack()[:-3]
    keep = [f for f in stack if "/tapegrad/" not in f.filename.replace("\\", "/")]
    return "".join(traceback.format_list(keep[-8:]))


def check_grads(node, gxs):
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        arr = gx._data if isinstance(gx, Tensor) else np.asarray(gx)
        if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
            bad = "nan" if np.isnan(arr).any() else "inf"
            where = node.site or "(op created before anomaly mode was on)"
            raise RuntimeError(
                f"{node.op.bw_name} returned {bad} values in its gradient for input {i} "
                f"(shape {arr.shape}).\nThe forward op was created at:\n{where}")
