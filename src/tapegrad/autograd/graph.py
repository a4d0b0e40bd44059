"""torch.autograd.graph's place: the graph's classes, which live in the bottom layer, and
the saved-tensor hooks (autograd/_saved_hooks.py)."""
import numpy as _np

from .._graph import (AccumulateGrad, Node, Spent, grad_edge, record_edge,  # noqa: F401
                      saved_index, version_error)
from ._saved_hooks import (disable_saved_tensors_hooks, save_on_cpu,  # noqa: F401
                           saved_tensors_hooks)
from .._tensor import make as _make

# PyTorch's names for a node's saved values (`y.grad_fn._saved_self`): inputs by
# position, the output, and the op's parameters under torch's spelling
_SAVED_INPUTS = {"self": 0, "input": 0, "other": 1, "exponent": 1, "result": -1}
_SAVED_PARAMS = {"dim": "axis", "keepdim": "keepdims"}


def _saved_attribute(node, name):
    """`node._saved_<name>`: what the op saved for backward, as PyTorch's nodes show it
    (a tensor for an array, the value itself otherwise)."""
    if not name.startswith("_saved_"):
        raise AttributeError(f"{type(node).__name__!r} object has no attribute {name!r}")
    key = name[len("_saved_"):]
    saved = node._saved
    if type(saved) is Spent and saved.freed:
        raise RuntimeError(f"{node.name()}.{name}: trying to access saved tensors after "
                           "they have already been freed by a backward; pass "
                           "retain_graph=True to that backward to keep them")
    if key in _SAVED_INPUTS and isinstance(saved, tuple):
        want = _SAVED_INPUTS[key]
        for k, value in enumerate(saved):
            if saved_index(node, k) == want:
                return _make(value) if isinstance(value, _np.ndarray) else value
    params = node.params or {}
    if _SAVED_PARAMS.get(key, key) in params:
        return params[_SAVED_PARAMS.get(key, key)]
    raise AttributeError(f"{node.name()} saved no {key!r} (it has {_saved_names(node)})")


def _saved_names(node):
    saved = node._saved if isinstance(node._saved, tuple) else ()
    have = {saved_index(node, k) for k in range(len(saved))}
    names = [n for n, i in _SAVED_INPUTS.items() if i in have and n not in ("input",)]
    names += [k for k in (node.params or {})]
    return ", ".join(f"_saved_{n}" for n in names) or "nothing"


# one property per name (a __getattr__ on Node would slow every attribute read of every
# node in every backward: it replaces the type's fast attribute lookup)
_SAVED_NAMES = tuple(_SAVED_INPUTS) + tuple(_SAVED_PARAMS) + (
    "axis", "keepdims", "alpha", "beta", "p", "value", "min", "max", "shape", "size",
    "sizes", "stride", "padding", "dilation", "groups", "eps", "momentum", "threshold",
    "lambd", "negative_slope", "reduction", "weight", "bias", "index", "indices", "mask",
    "ord", "dtype", "approximate", "start", "end", "step", "repeats", "dims", "diagonal",
    "offset", "dim1", "dim2", "k", "largest", "sorted", "descending", "correction",
    "unbiased", "scale", "rounding_mode", "mode", "perm", "axes")


def _saved_property(name):
    return property(lambda node: _saved_attribute(node, name),
                    doc=f"PyTorch's `{name}`: the value the op saved for backward.")


for _name in _SAVED_NAMES:
    setattr(Node, "_saved_" + _name, _saved_property("_saved_" + _name))

# the names `from tapegrad.autograd.graph import *` gives (tests/test_all.py)
__all__ = ["AccumulateGrad", "Node", "Spent", "grad_edge", "record_edge", "saved_index",
           "version_error", "disable_saved_tensors_hooks", "save_on_cpu",
           "saved_tensors_hooks"]
