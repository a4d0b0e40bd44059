"""torch.autograd.graph's place: the graph's classes, which live in the bottom layer, and
the saved-tensor hooks (autograd/_saved_hooks.py)."""
from .._graph import (AccumulateGrad, Node, Spent, grad_edge, record_edge,  # noqa: F401
                      saved_index, version_error)
from ._saved_hooks import (disable_saved_tensors_hooks, save_on_cpu,  # noqa: F401
                           saved_tensors_hooks)

# the names `from tapegrad.autograd.graph import *` gives (tests/test_all.py)
__all__ = ["AccumulateGrad", "Node", "Spent", "grad_edge", "record_edge", "saved_index",
           "version_error", "disable_saved_tensors_hooks", "save_on_cpu",
           "saved_tensors_hooks"]
