"""Pytrees, as `jax.tree_util` / `jax.tree`: nested containers of tensors (or anything).

Containers are tuples, lists, namedtuples, dicts, OrderedDicts and defaultdicts (in
insertion order; JAX sorts dict keys), None (a node with no children, as JAX) and the classes
given to `register_node` or `register_dataclass`; everything else is a leaf. The
transforms (`tg.grad`, `tg.vjp`, `tg.jvp`, ...) and tapes use the same rules, so a
registered class of parameters can be differentiated as a whole.

>>> import tapegrad as tg
>>> tree = {"b": [1.0, 2.0], "a": (3.0, None)}
>>> tg.tree.leaves(tree)
[1.0, 2.0, 3.0]
>>> tg.tree.map(lambda v: v * 10, tree)
{'b': [10.0, 20.0], 'a': (30.0, None)}
"""
import builtins
import dataclasses
import functools

import numpy as np

from . import _pytree, ops
from ._tensor import Tensor, make

__all__ = ["map", "flatten", "unflatten", "leaves", "structure", "reduce", "all",
           "register_node", "register_dataclass", "ravel", "PyTreeDef", "tree_map", "tree_flatten",
           "tree_unflatten", "tree_leaves", "tree_structure", "tree_reduce", "tree_all",
           "register_pytree_node"]


class PyTreeDef:
    """The structure of a pytree without its leaves (what `flatten` returns beside them).
    Equal structures compare equal; `num_leaves` counts the leaves it holds.

    Args:
        spec: the internal flattened description of the structure; made by `flatten` and
            `structure`, not by hand.

    >>> import tapegrad as tg
    >>> treedef = tg.tree.structure({"w": 1.0, "b": [2.0, 3.0]})
    >>> treedef, treedef.num_leaves
    (PyTreeDef({'w': *, 'b': [*, *]}), 3)
    >>> treedef == tg.tree.structure({"w": 0.0, "b": [0.0, 0.0]})
    True
    >>> treedef.unflatten([4.0, 5.0, 6.0])
    {'w': 4.0, 'b': [5.0, 6.0]}
    """

    __slots__ = ("_spec",)

    def __init__(self, spec):
        self._spec = spec

    @property
    def num_leaves(self):
        return sum(1 for item in self._spec if item is None)

    @property
    def num_nodes(self):
        return len(self._spec)

    def unflatten(self, leaves):
        return unflatten(self, leaves)

    def __eq__(self, other):
        return isinstance(other, PyTreeDef) and _key(self._spec) == _key(other._spec)

    def __hash__(self):
        return hash(_key(self._spec))

    def __repr__(self):
        return f"PyTreeDef({_show(self._spec)})"


def _key(spec):
    return tuple(None if item is None else
                 (item[0], tuple(item[1]) if isinstance(item[1], list) else item[1])
                 for item in spec)


def _show(spec):
    """The structure with `*` for each leaf, e.g. {'a': *, 'b': [*, *]}."""
    return repr(_pytree.unflatten(spec, [_Star()] * sum(1 for s in spec if s is None)))


class _Star:
    def __repr__(self):
        return "*"


def flatten(tree, is_leaf=None):
    """`(leaves, treedef)`: the leaves in order and the structure that rebuilds the tree.

    Args:
        tree: a pytree (any nesting of the containers above; anything else is a leaf).
        is_leaf: optional predicate; a node for which it is true is kept as one leaf
            (not opened).

    Returns:
        A tuple (leaves, treedef): the list of leaves in order and their PyTreeDef.

    >>> import tapegrad as tg
    >>> leaves, treedef = tg.tree.flatten({"w": 1.0, "b": [2.0, 3.0]})
    >>> leaves
    [1.0, 2.0, 3.0]
    >>> tg.tree.unflatten(treedef, [4.0, 5.0, 6.0])
    {'w': 4.0, 'b': [5.0, 6.0]}
    """
    leaves, spec = _pytree.flatten(tree, is_leaf, False)
    return leaves, PyTreeDef(spec)


def unflatten(treedef, leaves):
    """The tree of structure `treedef` holding `leaves` (inverse of `flatten`). Also
    tg.tree.tree_unflatten (jax.tree_util's name).

    Args:
        treedef: a PyTreeDef from `flatten` or `structure`.
        leaves: an iterable of treedef.num_leaves values.

    Returns:
        The rebuilt tree.

    Raises:
        TypeError: treedef is not a PyTreeDef.

    >>> import tapegrad as tg
    >>> treedef = tg.tree.structure({"w": 0.0, "b": (0.0, None)})
    >>> tg.tree.unflatten(treedef, [1.0, 2.0])
    {'w': 1.0, 'b': (2.0, None)}
    """
    if not isinstance(treedef, PyTreeDef):
        raise TypeError(f"unflatten: expected a PyTreeDef (from tg.tree.flatten or "
                        f"tg.tree.structure), got {type(treedef).__name__}")
    return _pytree.unflatten(treedef._spec, list(leaves))


def leaves(tree, is_leaf=None):
    """The leaves of `tree`, in flatten's order (dicts in insertion order; None is an
    empty node, not a leaf). Also tg.tree.tree_leaves.

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        The list of leaves.

    >>> import tapegrad as tg
    >>> tg.tree.leaves({"b": [1.0, 2.0], "a": (3.0, None)})
    [1.0, 2.0, 3.0]
    """
    return _pytree.flatten(tree, is_leaf, False)[0]


def structure(tree, is_leaf=None):
    """The PyTreeDef of `tree`: its structure with the leaves left out (they show as
    `*`). Also tg.tree.tree_structure.

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        Its PyTreeDef.

    >>> import tapegrad as tg
    >>> tg.tree.structure({"b": [1.0, 2.0], "a": (3.0, None)})
    PyTreeDef({'b': [*, *], 'a': (*, None)})
    """
    return PyTreeDef(_pytree.flatten(tree, is_leaf, False)[1])


def map(f, tree, *rest, is_leaf=None):
    """`f` applied leaf by leaf: `f(leaf, *leaves of rest at the same place)`, returning
    a tree of the same structure. Each tree in `rest` must have `tree`'s structure.

    Args:
        f: a function of 1 + len(rest) leaves.
        tree: the pytree whose structure the result takes.
        *rest: more pytrees of the same structure, whose leaves are passed alongside.
        is_leaf: optional predicate; a node for which it is true is passed to f whole.

    Returns:
        A pytree of tree's structure holding f's results.

    Raises:
        TypeError: f is not callable.
        ValueError: a tree in rest has another structure.

    >>> import tapegrad as tg
    >>> tg.tree.map(lambda a, b: a + b, [1.0, (2.0,)], [10.0, (20.0,)])
    [11.0, (22.0,)]
    """
    if not callable(f):
        raise TypeError(f"map: f must be callable, got {type(f).__name__}")
    ls, spec = _pytree.flatten(tree, is_leaf, False)
    others = []
    for k, r in enumerate(rest):
        rl, rspec = _pytree.flatten(r, is_leaf, False)
        if _key(rspec) != _key(spec):
            raise ValueError(f"map: tree {k + 1} has structure {_show(rspec)}, but the "
                             f"first tree has {_show(spec)}")
        others.append(rl)
    return _pytree.unflatten(spec, [f(*xs) for xs in zip(ls, *others)])


def reduce(function, tree, initializer=_pytree._MISSING, is_leaf=None):
    """`functools.reduce(function, leaves(tree)[, initializer])`. Also
    tg.tree.tree_reduce.

    Args:
        function: a function of two arguments.
        tree: a pytree.
        initializer: optional start value (required when the tree has no leaves).
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        The reduced value.

    Raises:
        TypeError: the tree has no leaves and no initializer is given
            (functools.reduce's error).

    >>> import tapegrad as tg
    >>> tg.tree.reduce(lambda a, b: a + b, {"x": 1.0, "y": [2.0, 3.0]})
    6.0
    >>> tg.tree.reduce(max, [], 0.0)
    0.0
    """
    ls = leaves(tree, is_leaf)
    if initializer is _pytree._MISSING:
        return functools.reduce(function, ls)
    return functools.reduce(function, ls, initializer)


def all(tree, is_leaf=None):
    """Whether every leaf is truthy (True for a tree with no leaves). Also
    tg.tree.tree_all.

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        A bool.

    >>> import tapegrad as tg
    >>> tg.tree.all({"x": True, "y": [1, 0]}), tg.tree.all([])
    (False, True)
    """
    return builtins.all(bool(v) for v in leaves(tree, is_leaf))


def register_node(nodetype, flatten_fn, unflatten_fn):
    """Make `nodetype` a container: `flatten_fn(x) -> (children, aux_data)` and
    `unflatten_fn(aux_data, children) -> x` (aux_data hashable). JAX:
    `register_pytree_node`.

    Args:
        nodetype: the class to register.
        flatten_fn: x -> (children, aux_data), children an iterable of subtrees.
        unflatten_fn: (aux_data, children) -> a new x.

    Returns:
        None.

    Raises:
        TypeError: nodetype is not a class, or a function is not callable.
        ValueError: nodetype is already a pytree node (a built-in container or registered
            before).

    >>> import tapegrad as tg
    >>> class Pair:
    ...     def __init__(self, a, b):
    ...         self.a, self.b = a, b
    >>> tg.tree.register_node(Pair, lambda p: ((p.a, p.b), None),
    ...                       lambda aux, ch: Pair(*ch))
    >>> tg.tree.leaves(Pair(1.0, [2.0]))
    [1.0, 2.0]
    """
    _pytree.register(nodetype, flatten_fn, unflatten_fn)


def register_dataclass(nodetype, data_fields=None, meta_fields=None):
    """Make a dataclass a container of its `data_fields` (all fields by default);
    `meta_fields` are kept as static data. Usable as a class decorator.

    Args:
        nodetype: a dataclass (the class, not an instance).
        data_fields: the names of the fields that are children (default: every field not
            in meta_fields).
        meta_fields: the names of the fields kept as static data (default: none).

    Returns:
        nodetype itself (so it works as a decorator).

    Raises:
        TypeError: nodetype is not a dataclass.
        ValueError: nodetype is already a pytree node.

    >>> import dataclasses
    >>> import tapegrad as tg
    >>> @tg.tree.register_dataclass
    ... @dataclasses.dataclass
    ... class Params:
    ...     w: float
    ...     b: float
    >>> tg.tree.leaves(Params(1.0, 2.0))
    [1.0, 2.0]
    """
    if not dataclasses.is_dataclass(nodetype) or not isinstance(nodetype, type):
        raise TypeError(f"register_dataclass: expected a dataclass, got {nodetype!r:.60}")
    fields = [f.name for f in dataclasses.fields(nodetype)]
    meta = tuple(meta_fields or ())
    data = tuple(data_fields) if data_fields is not None else \
        tuple(f for f in fields if f not in meta)

    def flat(x):
        return [getattr(x, n) for n in data], tuple(getattr(x, n) for n in meta)

    def unflat(aux, children):
        obj = object.__new__(nodetype)          # frozen dataclasses too
        for n, v in zip(data, children):
            object.__setattr__(obj, n, v)
        for n, v in zip(meta, aux):
            object.__setattr__(obj, n, v)
        return obj

    _pytree.register(nodetype, flat, unflat)
    return nodetype


def ravel(tree):
    """`(flat, unravel)`: the leaves of `tree` concatenated into one 1-D tensor, and the
    function that cuts such a vector back into the tree (JAX's
    `jax.flatten_util.ravel_pytree`, autograd's `misc.flatten`). Differentiable both ways,
    so an optimizer that wants one vector (SciPy's `minimize`) can drive a tree of
    parameters.

    Args:
        tree: a pytree whose leaves are tensors, arrays or numbers.

    Returns:
        A tuple (flat, unravel): the 1-D tensor of all leaves (in the promoted dtype), and
        a function taking such a vector back to a tree with the original shapes and
        dtypes (it raises ValueError for a vector of another shape).

    >>> import numpy as np
    >>> import tapegrad as tg
    >>> flat, unravel = tg.tree.ravel({"w": np.ones((2, 2)), "b": np.zeros(2)})
    >>> flat.shape
    (6,)
    >>> unravel(np.arange(6.0))["b"]
    tensor([4., 5.], dtype=float64)
    """
    ls, spec = _pytree.flatten(tree, None, False)
    ts = [v if isinstance(v, Tensor) else make(np.asarray(v)) for v in ls]
    shapes = [t.shape for t in ts]
    dtypes = [t.dtype for t in ts]
    sizes = [int(np.prod(s)) for s in shapes]
    flat = ops.concatenate([ops.reshape(t, (-1,)) for t in ts]) if ts else \
        make(np.zeros(0))

    def unravel(vec):
        vec = vec if isinstance(vec, Tensor) else make(np.asarray(vec))
        if vec.shape != (sum(sizes),):
            raise ValueError(f"unravel: expected a vector of shape ({sum(sizes)},), got "
                             f"{vec.shape}")
        parts, start = [], 0
        for shape, dt, n in zip(shapes, dtypes, sizes):
            piece = ops.reshape(vec[start:start + n], shape)
            parts.append(piece if piece.dtype == dt else ops.cast(piece, dt))
            start += n
        return _pytree.unflatten(spec, parts)

    return flat, unravel


# jax.tree_util's spellings
tree_map, tree_flatten, tree_unflatten, tree_leaves = map, flatten, unflatten, leaves
tree_structure, tree_reduce, tree_all = structure, reduce, all
register_pytree_node = register_node
