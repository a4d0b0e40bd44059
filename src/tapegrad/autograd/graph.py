"""torch.autograd.graph's place: the graph's classes, which live in the bottom layer."""
from .._graph import (AccumulateGrad, Node, Spent, grad_edge, record_edge,  # noqa: F401
                      saved_index, version_error)

# the names `from tapegrad.autograd.graph import *` gives (tests/test_all.py)
__all__ = ["AccumulateGrad", "Node", "Spent", "grad_edge", "record_edge", "saved_index",
           "version_error"]
