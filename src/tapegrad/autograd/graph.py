"""torch.autograd.graph's place: the graph's classes, which live in the bottom layer."""
from .._graph import (AccumulateGrad, Node, Spent, grad_edge, record_edge,  # noqa: F401
                      saved_index, version_error)
