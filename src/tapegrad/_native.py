"""The optional C speedups (`_speedups*.c`), handed the bottom layer's classes, helpers and
caches, or None: not built, or TAPEGRAD_PURE_PYTHON=1 asks for the Python versions.

The layers above hand C their own helpers when they are imported: ops/_apply.py
(`init_apply`), ops/_op.py (`init_finite`, `init_programs`), autograd/forward_ad.py
(`init_dual`), autograd/anomaly.py (`init_anomaly`)."""
import os

from . import _graph
from ._graph import (_MASK1, _MASK2, _META, _SHAPES, AccumulateGrad, Node, Spent, Version,
                     _intern_meta, _intern_shapes, record_edge)
from ._sites import _INSIDE, _site_table, _stack_py
from ._tensor import Tensor, _share_version


def _speedups():
    if os.environ.get("TAPEGRAD_PURE_PYTHON"):
        return None
    try:
        from . import _speedups as mod      # optional: a build without a compiler has none
    except ImportError:
        return None
    mod.init(Tensor, Node, Version, AccumulateGrad, Spent, record_edge, _site_table,
             _intern_shapes, _intern_meta, _share_version, _INSIDE, _SHAPES, _META,
             _MASK1, _MASK2)
    return mod


SPEEDUPS = _speedups()


# detect_anomaly's creation stack of the user's frames (_sites._stack_py, or it in C)
_anomaly_stack = _stack_py if SPEEDUPS is None else SPEEDUPS.anomaly_stack
# an op's creation site seen from ops/_apply._record (None: _sites._site(3) does it)
_record_site = None if SPEEDUPS is None else SPEEDUPS.site
if SPEEDUPS is not None:
    _graph._track = SPEEDUPS.track
