"""Nested containers of tensors: flatten to leaves and rebuild (the one implementation
behind the transforms and the public `tg.tree`).

Containers: tuples, lists, namedtuples, dicts, OrderedDicts and defaultdicts, and classes
given to `register`. Everything else is a leaf. `none_is_leaf` chooses between two
flavours. The transforms' (True): None is a leaf (so `f` returning None by a missing
`return` is an error that says so) and dicts keep their insertion order (as Python and
torch.utils._pytree: a gradient dict comes back in the parameters' order). `tg.tree`'s
(False), as jax.tree_util: None is a container with no children and dict keys are
sorted (an OrderedDict keeps its order).
"""
from collections import OrderedDict, defaultdict


class _Close:
    """Marks the end of a container's children on flatten's stack."""
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key


class Node:
    """A registered container class: how to take it apart and put it back together."""
    __slots__ = ("cls", "flatten", "unflatten")

    def __init__(self, cls, flatten, unflatten):
        self.cls = cls
        self.flatten = flatten
        self.unflatten = unflatten

    def __repr__(self):
        return f"Node({self.cls.__name__})"


REGISTRY = {}           # class -> Node
_NONE = type(None)


def register(cls, flatten_fn, unflatten_fn):
    """Make instances of `cls` containers: `flatten_fn(x) -> (children, aux)` and
    `unflatten_fn(aux, children) -> x` (aux must be hashable and comparable)."""
    if not isinstance(cls, type):
        raise TypeError(f"register_node: expected a class, got {type(cls).__name__}")
    if cls in REGISTRY or cls in (tuple, list, dict, OrderedDict, defaultdict, _NONE):
        raise ValueError(f"register_node: {cls.__name__} is already a pytree node")
    if not callable(flatten_fn) or not callable(unflatten_fn):
        raise TypeError("register_node: flatten_fn and unflatten_fn must be callable")
    REGISTRY[cls] = Node(cls, flatten_fn, unflatten_fn)


def _sorted_keys(keys):
    try:
        return sorted(keys)
    except TypeError:
        raise ValueError(f"tg.tree: the keys of a dict must be sortable (as in "
                         f"jax.tree_util), got {keys!r:.80}") from None


def _open(node, order, stack, none_is_leaf, sort_keys=None):
    """Describe container `node` in `order` and push its children; False for a leaf."""
    cls = node.__class__
    if cls is tuple or cls is list:
        order.append((cls, len(node)))
        stack.extend(node[::-1])
    elif cls is dict or isinstance(node, dict):
        keys = list(node.keys())
        if (not none_is_leaf if sort_keys is None else sort_keys) and \
                not isinstance(node, OrderedDict):
            keys = _sorted_keys(keys)       # tg.tree sorts as jax.tree_util
        if cls is defaultdict:
            order.append((defaultdict, (node.default_factory, tuple(keys))))
        else:
            order.append((cls, keys))
        stack.extend([node[k] for k in reversed(keys)])
    elif node is None and not none_is_leaf:
        order.append((_NONE, 0))
    elif cls in REGISTRY:
        reg = REGISTRY[cls]
        children, aux = reg.flatten(node)
        children = list(children)
        order.append((reg, (aux, len(children))))
        stack.extend(children[::-1])
    elif isinstance(node, (tuple, list)):
        order.append((cls, len(node)))
        stack.extend(node[::-1])
    else:
        return False
    return True


def flatten(tree, is_leaf=None, none_is_leaf=True, sort_keys=None):
    """Leaves in order and a spec that rebuilds the structure. Iterative, no recursion.

    A container that holds itself is refused (it would never end); one shared by two
    branches is fine (its leaves appear twice). `is_leaf(x)` true makes x a leaf.
    `sort_keys` defaults to `not none_is_leaf` (tg.tree's flavour); the transforms take
    their arguments with None as an empty node and dicts unsorted."""
    leaves = []
    stack = [tree]
    order = []
    budget = _CHECK_AFTER
    while stack:
        node = stack.pop()
        if (is_leaf is not None and is_leaf(node)) or not _open(node, order, stack,
                                                                none_is_leaf, sort_keys):
            order.append(None)
            leaves.append(node)
            continue
        budget -= 1
        if not budget:
            # a big structure (or one that holds itself): walk it again, watching for
            # a container inside itself; ordinary small trees never pay for that
            return _flatten_checked(tree, is_leaf, none_is_leaf, sort_keys)
    return leaves, order


_CHECK_AFTER = 4096         # containers walked before the cycle check starts


def _flatten_checked(tree, is_leaf, none_is_leaf, sort_keys):
    leaves = []
    stack = [tree]
    order = []
    open_ids = set()                  # containers whose children are being walked
    while stack:
        node = stack.pop()
        if node.__class__ is _Close:
            open_ids.discard(node.key)
            continue
        if is_leaf is not None and is_leaf(node):
            order.append(None)
            leaves.append(node)
            continue
        key = id(node)
        if key in open_ids:
            raise ValueError(f"flatten: a {type(node).__name__} holds itself; a "
                             f"structure of tensors must be a tree")
        stack.append(_Close(key))
        if _open(node, order, stack, none_is_leaf, sort_keys):
            if node is not None:
                open_ids.add(key)
        else:
            stack.pop()
            order.append(None)
            leaves.append(node)
    return leaves, order


def unflatten(spec, leaves):
    """Inverse of flatten."""
    leaves = iter(leaves)
    # rebuild from the pre-order description with an explicit stack of open containers
    root = [None]
    stack = [(root, 0, 1, None)]      # (container list, next slot, size, finisher)

    def place(value):
        while True:
            holder, idx, size, finish = stack[-1]
            holder[idx] = value
            idx += 1
            if idx < size:
                stack[-1] = (holder, idx, size, finish)
                return
            stack.pop()
            if finish is None:
                return
            value = finish(holder)

    for item in spec:
        if item is None:
            leaf = next(leaves, _MISSING)
            if leaf is _MISSING:
                raise ValueError("unflatten: fewer leaves than the structure holds")
            place(leaf)
            continue
        kind, info = item
        if kind.__class__ is Node:
            aux, n = info
            finish = (lambda h, reg=kind, aux=aux: reg.unflatten(aux, h))
        elif kind is defaultdict:
            factory, keys = info
            n = len(keys)
            finish = (lambda h, f=factory, keys=keys: defaultdict(f, zip(keys, h)))
        elif kind is dict or issubclass(kind, dict):
            keys = info
            n = len(keys)
            finish = (lambda h, kind=kind, keys=keys: kind(zip(keys, h)))
        elif kind is _NONE:
            place(None)
            continue
        else:
            n = info
            finish = (lambda h, kind=kind: _make_seq(kind, h))
        if n == 0:
            place(finish([]))
            continue
        stack.append(([None] * n, 0, n, finish))
    if next(leaves, _MISSING) is not _MISSING:
        raise ValueError("unflatten: more leaves than the structure holds")
    return root[0]


_MISSING = object()


def _make_seq(kind, items):
    if kind is tuple or kind is list:
        return kind(items)
    if hasattr(kind, "_fields"):
        return kind(*items)           # namedtuple
    return kind(items)
