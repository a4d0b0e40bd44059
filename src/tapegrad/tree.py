"""Pytrees, as `jax.tree_util` / `jax.tree`: nested containers of tensors (or anything).

Containers are tuples, lists, namedtuples, dicts (their keys sorted, as JAX),
OrderedDicts (in their order), defaultdicts, None (a node with no children, as JAX) and
the classes given to `register_node` or `register_dataclass`; everything else is a leaf.
The transforms (`tg.grad`, `tg.vjp`, `tg.jvp`, ...) and tapes take apart the same
containers, so a registered class of parameters can be differentiated as a whole (they
keep a dict's insertion order, so a gradient dict reads in its parameters' order).

>>> import tapegrad as tg
>>> tree = {"b": [1.0, 2.0], "a": (3.0, None)}
>>> tg.tree.leaves(tree)
[3.0, 1.0, 2.0]
>>> tg.tree.map(lambda v: v * 10, tree)
{'a': (30.0, None), 'b': [10.0, 20.0]}
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
           "register_pytree_node", "flatten_with_path", "leaves_with_path", "map_with_path",
           "keystr", "transpose", "DictKey", "SequenceKey", "GetAttrKey", "FlattenedIndexKey",
           "register_pytree_node_class", "tree_flatten_with_path", "tree_leaves_with_path",
           "tree_map_with_path", "tree_transpose", "Partial"]


class PyTreeDef:
    """The structure of a pytree without its leaves (what `flatten` returns beside them).
    Equal structures compare equal; `num_leaves` counts the leaves it holds.

    Args:
        spec: the internal flattened description of the structure; made by `flatten` and
            `structure`, not by hand.

    >>> import tapegrad as tg
    >>> treedef = tg.tree.structure({"w": 1.0, "b": [2.0, 3.0]})
    >>> treedef, treedef.num_leaves
    (PyTreeDef({'b': [*, *], 'w': *}), 3)
    >>> treedef == tg.tree.structure({"b": [0.0, 0.0], "w": 0.0})
    True
    >>> treedef.unflatten([4.0, 5.0, 6.0])
    {'b': [4.0, 5.0], 'w': 6.0}
    >>> treedef.flatten_up_to({"b": [(1, 2), 3], "w": None})
    [(1, 2), 3, None]
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

    def flatten_up_to(self, tree):
        """The subtrees of `tree` at this structure's leaves (`tree` must have this
        structure as a prefix), as JAX's PyTreeDef.flatten_up_to."""
        return _flatten_up_to(self._spec, tree, 1, "flatten_up_to")

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
    >>> leaves                      # the keys sorted, as JAX
    [2.0, 3.0, 1.0]
    >>> tg.tree.unflatten(treedef, [4.0, 5.0, 6.0])
    {'b': [4.0, 5.0], 'w': 6.0}
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
    {'b': (1.0, None), 'w': 2.0}
    """
    if not isinstance(treedef, PyTreeDef):
        raise TypeError(f"unflatten: expected a PyTreeDef (from tg.tree.flatten or "
                        f"tg.tree.structure), got {type(treedef).__name__}")
    return _pytree.unflatten(treedef._spec, list(leaves))


def leaves(tree, is_leaf=None):
    """The leaves of `tree`, in flatten's order (a dict's in sorted key order; None is an
    empty node, not a leaf). Also tg.tree.tree_leaves.

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        The list of leaves.

    >>> import tapegrad as tg
    >>> tg.tree.leaves({"b": [1.0, 2.0], "a": (3.0, None)})
    [3.0, 1.0, 2.0]
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
    PyTreeDef({'a': (*, None), 'b': [*, *]})
    """
    return PyTreeDef(_pytree.flatten(tree, is_leaf, False)[1])


def map(f, tree, *rest, is_leaf=None):
    """`f` applied leaf by leaf: `f(leaf, *leaves of rest at the same place)`, returning
    a tree of the same structure. As in JAX, each tree in `rest` has `tree`'s structure
    or `tree` as a prefix: where `tree` has a leaf, f gets the whole subtree of `rest`
    there. None in `tree` is an empty node, so `rest` must hold None at that place too.

    Args:
        f: a function of 1 + len(rest) leaves.
        tree: the pytree whose structure the result takes.
        *rest: more pytrees of that structure (or with it as a prefix), whose leaves (or
            subtrees) are passed alongside.
        is_leaf: optional predicate; a node of `tree` for which it is true is passed to
            f whole.

    Returns:
        A pytree of tree's structure holding f's results.

    Raises:
        TypeError: f is not callable.
        ValueError: a tree in rest does not have tree's structure as a prefix.

    >>> import tapegrad as tg
    >>> tg.tree.map(lambda a, b: a + b, [1.0, (2.0,)], [10.0, (20.0,)])
    [11.0, (22.0,)]
    >>> tg.tree.map(lambda a, b: (a, b), [1, 2], [(3, 4), 5])
    [(1, (3, 4)), (2, 5)]
    """
    if not callable(f):
        raise TypeError(f"map: f must be callable, got {type(f).__name__}")
    ls, spec = _pytree.flatten(tree, is_leaf, False)
    others = [_flatten_up_to(spec, r, k + 1) for k, r in enumerate(rest)]
    return _pytree.unflatten(spec, [f(*xs) for xs in zip(ls, *others)])


def _flatten_up_to(spec, tree, which, who="map"):
    """The subtrees of `tree` at the leaves of structure `spec` (spec a prefix of it)."""
    leaves_r, spec_r = _pytree.flatten(tree, None, False)
    if _key(spec_r) == _key(spec):
        return leaves_r                 # the common case: the same structure
    out, stack = [], [tree]
    for item in spec:
        node = stack.pop()
        if item is None:
            out.append(node)
            continue
        desc = []
        if not _pytree._open(node, desc, stack, False) or _key(desc) != _key([item]):
            raise ValueError(f"{who}: tree {which} has structure {_show(spec_r)}, which "
                             f"does not have the first tree's structure {_show(spec)} as "
                             f"a prefix")
    return out


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
    _ATTR_KEYS[nodetype] = data
    return nodetype


_ATTR_KEYS: dict[type, tuple[str, ...]] = {}    # dataclass -> data fields, for key paths


def register_pytree_node_class(cls):
    """Class decorator: `cls` is a container through its own `tree_flatten(self) ->
    (children, aux_data)` and classmethod `tree_unflatten(aux_data, children)`, as
    jax.tree_util.register_pytree_node_class.

    Args:
        cls: the class to register.

    Returns:
        cls itself.

    Raises:
        ValueError: cls is already a pytree node.

    >>> import tapegrad as tg
    >>> @tg.tree.register_pytree_node_class
    ... class Box:
    ...     def __init__(self, v):
    ...         self.v = v
    ...     def tree_flatten(self):
    ...         return (self.v,), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children):
    ...         return cls(*children)
    >>> tg.tree.map(lambda x: x + 1, Box(1.0)).v
    2.0
    """
    _pytree.register(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


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
    >>> unravel(np.arange(6.0))["b"]        # "b" first: the keys sorted, as JAX
    tensor([0., 1.], dtype=float64)
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


@dataclasses.dataclass(frozen=True)
class DictKey:
    """A step of a key path into a dict: its key (jax.tree_util.DictKey).

    Args:
        key: the dict key.

    >>> import tapegrad as tg
    >>> str(tg.tree.DictKey("w"))
    "['w']"
    """
    key: object

    def __str__(self):
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """A step of a key path into a tuple or list: the index (jax.tree_util.SequenceKey).

    Args:
        idx: the position.

    >>> import tapegrad as tg
    >>> str(tg.tree.SequenceKey(1))
    '[1]'
    """
    idx: int

    def __str__(self):
        return f"[{self.idx}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """A step of a key path into a namedtuple or registered dataclass: the attribute
    name (jax.tree_util.GetAttrKey).

    Args:
        name: the attribute (field) name.

    >>> import tapegrad as tg
    >>> str(tg.tree.GetAttrKey("x"))
    '.x'
    """
    name: str

    def __str__(self):
        return f".{self.name}"


@dataclasses.dataclass(frozen=True)
class FlattenedIndexKey:
    """A step of a key path into a class given to register_node: the child's position
    (jax.tree_util.FlattenedIndexKey).

    Args:
        key: the child's position among the children flatten_fn gives.

    >>> import tapegrad as tg
    >>> str(tg.tree.FlattenedIndexKey(0))
    '[<flat index 0>]'
    """
    key: int

    def __str__(self):
        return f"[<flat index {self.key}>]"


def _keyed_children(node, is_leaf):
    """[(key, child)] of a container in flatten's order, or None for a leaf."""
    if is_leaf is not None and is_leaf(node):
        return None
    cls = node.__class__
    if cls is tuple or cls is list:
        return [(SequenceKey(i), v) for i, v in enumerate(node)]
    if isinstance(node, dict):
        keys = list(node) if isinstance(node, _pytree.OrderedDict) else \
            _pytree._sorted_keys(list(node))
        return [(DictKey(k), node[k]) for k in keys]
    if node is None:
        return []
    if cls in _pytree.REGISTRY:
        children = list(_pytree.REGISTRY[cls].flatten(node)[0])
        names = _ATTR_KEYS.get(cls)
        return [(GetAttrKey(names[i]) if names else FlattenedIndexKey(i), v)
                for i, v in enumerate(children)]
    if isinstance(node, (tuple, list)):
        fields = getattr(cls, "_fields", None)
        return [(GetAttrKey(fields[i]) if fields else SequenceKey(i), v)
                for i, v in enumerate(node)]
    return None


def _with_paths(tree, is_leaf):
    out, stack = [], [((), tree)]
    while stack:
        path, node = stack.pop()
        kids = _keyed_children(node, is_leaf)
        if kids is None:
            out.append((path, node))
        else:
            stack.extend((path + (k,), v) for k, v in reversed(kids))
    return out


def flatten_with_path(tree, is_leaf=None):
    """`([(key_path, leaf), ...], treedef)`: flatten, with each leaf's path from the root,
    a tuple of DictKey / SequenceKey / GetAttrKey / FlattenedIndexKey (as
    jax.tree_util.tree_flatten_with_path; `keystr` renders one).

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        A tuple (pairs, treedef).

    >>> import tapegrad as tg
    >>> pairs, _ = tg.tree.flatten_with_path({"w": [1.0, 2.0]})
    >>> [(tg.tree.keystr(p), v) for p, v in pairs]
    [("['w'][0]", 1.0), ("['w'][1]", 2.0)]
    """
    return _with_paths(tree, is_leaf), structure(tree, is_leaf)


def leaves_with_path(tree, is_leaf=None):
    """The `(key_path, leaf)` pairs of `tree` in flatten's order
    (jax.tree_util.tree_leaves_with_path).

    Args:
        tree: a pytree.
        is_leaf: optional predicate; a node for which it is true is kept as one leaf.

    Returns:
        A list of (key_path, leaf) pairs.

    >>> import tapegrad as tg
    >>> [tg.tree.keystr(p) for p, _ in tg.tree.leaves_with_path([{"x": 1}, 2])]
    ["[0]['x']", '[1]']
    """
    return _with_paths(tree, is_leaf)


def map_with_path(f, tree, *rest, is_leaf=None):
    """As `map`, with each leaf's key path first: `f(path, leaf, *others)`
    (jax.tree_util.tree_map_with_path).

    Args:
        f: a function of a key path and 1 + len(rest) leaves.
        tree: the pytree whose structure the result takes.
        *rest: more pytrees with tree's structure as a prefix.
        is_leaf: optional predicate; a node for which it is true is passed to f whole.

    Returns:
        A pytree of tree's structure holding f's results.

    Raises:
        TypeError: f is not callable.
        ValueError: a tree in rest does not have tree's structure as a prefix.

    >>> import tapegrad as tg
    >>> tg.tree.map_with_path(lambda p, v: tg.tree.keystr(p), {"a": [0], "b": 0})
    {'a': ["['a'][0]"], 'b': "['b']"}
    """
    if not callable(f):
        raise TypeError(f"map_with_path: f must be callable, got {type(f).__name__}")
    pairs = _with_paths(tree, is_leaf)
    spec = _pytree.flatten(tree, is_leaf, False)[1]
    others = [_flatten_up_to(spec, r, k + 1) for k, r in enumerate(rest)]
    return _pytree.unflatten(spec, [f(p, v, *xs) for (p, v), *xs in
                                    zip(pairs, *others)] if others else
                             [f(p, v) for p, v in pairs])


def keystr(keys, *, simple=False, separator=""):
    """A key path as text: `"['w'][0].x"` (jax.tree_util.keystr); with simple=True the
    bare keys joined by `separator` (`"w/0/x"` for separator="/").

    Args:
        keys: a key path (a tuple of key entries).
        simple: give the bare keys rather than their indexing form.
        separator: the text between entries.

    Returns:
        A str.

    >>> import tapegrad as tg
    >>> path = (tg.tree.DictKey("w"), tg.tree.SequenceKey(0))
    >>> tg.tree.keystr(path), tg.tree.keystr(path, simple=True, separator="/")
    ("['w'][0]", 'w/0')
    """
    if not simple:
        return separator.join(str(k) for k in keys)
    return separator.join(str(next(iter(dataclasses.asdict(k).values()))
                              if dataclasses.is_dataclass(k) else k) for k in keys)


def transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """A tree of outer structure holding trees of inner structure, turned into a tree of
    inner structure holding trees of outer structure (jax.tree_util.tree_transpose).

    Args:
        outer_treedef: the PyTreeDef of the outer level.
        inner_treedef: the PyTreeDef of the inner level, or None to take it from the
            first inner tree.
        pytree_to_transpose: the tree to transpose.

    Returns:
        The transposed tree.

    Raises:
        ValueError: the tree does not have the outer and inner structures.

    >>> import tapegrad as tg
    >>> outer, inner = tg.tree.structure([0, 0]), tg.tree.structure({"a": 0, "b": 0})
    >>> tg.tree.transpose(outer, inner, [{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    {'a': [1, 3], 'b': [2, 4]}
    """
    for t in (outer_treedef, inner_treedef):
        if t is not None and not isinstance(t, PyTreeDef):
            raise TypeError(f"transpose: expected PyTreeDefs, got {type(t).__name__}")
    subs = _flatten_up_to(outer_treedef._spec, pytree_to_transpose, 1, "transpose")
    if inner_treedef is None:
        if not subs:
            raise ValueError("transpose: give inner_treedef for an outer tree without "
                             "leaves")
        inner_treedef = structure(subs[0])
    cols = [_flatten_up_to(inner_treedef._spec, sub, k + 1, "transpose")
            for k, sub in enumerate(subs)]
    n = inner_treedef.num_leaves
    return unflatten(inner_treedef, [unflatten(outer_treedef, [c[i] for c in cols])
                                     for i in range(n)])


class Partial(functools.partial):
    """jax.tree_util.Partial: a functools.partial that is a pytree, its arguments the
    leaves (so it passes through grad, jit and vmap as an argument) and the function
    the static part.

    Args:
        func: the function.
        *args: positional arguments bound first.
        **kwargs: keyword arguments bound.

    >>> import tapegrad as tg
    >>> add = tg.tree.Partial(lambda a, b: a + b, 1.0)
    >>> add(2.0), tg.tree.leaves(add)
    (3.0, [1.0])
    """


_pytree.register(Partial, lambda p: ((p.args, p.keywords), p.func),
                 lambda func, ch: Partial(func, *ch[0], **ch[1]))

# jax.tree_util's spellings
tree_map, tree_flatten, tree_unflatten, tree_leaves = map, flatten, unflatten, leaves
tree_structure, tree_reduce, tree_all = structure, reduce, all
register_pytree_node = register_node
tree_flatten_with_path, tree_leaves_with_path = flatten_with_path, leaves_with_path
tree_map_with_path, tree_transpose = map_with_path, transpose
