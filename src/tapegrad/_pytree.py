"""Nested tuples, lists and dicts of tensors: flatten to leaves and rebuild."""


class _Close:
    """Marks the end of a container's children on flatten's stack."""
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key


def flatten(tree):
    """Leaves in order and a spec that rebuilds the structure. Iterative, no recursion.

    A container that holds itself is refused (it would never end); one shared by two
    branches is fine (its leaves appear twice)."""
    leaves = []
    stack = [tree]
    order = []
    budget = _CHECK_AFTER
    while stack:
        node = stack.pop()
        if isinstance(node, (tuple, list)):
            order.append((type(node), len(node)))
            stack.extend(node[::-1])
        elif isinstance(node, dict):
            keys = list(node.keys())
            order.append((dict, keys))
            stack.extend([node[k] for k in reversed(keys)])
        else:
            order.append(None)
            leaves.append(node)
            continue
        budget -= 1
        if not budget:
            # a big structure (or one that holds itself): walk it again, watching for
            # a container inside itself; ordinary small trees never pay for that
            return _flatten_checked(tree)
    return leaves, order


_CHECK_AFTER = 4096         # containers walked before the cycle check starts


def _flatten_checked(tree):
    leaves = []
    stack = [tree]
    order = []
    open_ids = set()                  # containers whose children are being walked
    while stack:
        node = stack.pop()
        if node.__class__ is _Close:
            open_ids.discard(node.key)
            continue
        if isinstance(node, (tuple, list, dict)):
            key = id(node)
            if key in open_ids:
                raise ValueError(f"flatten: a {type(node).__name__} holds itself; a "
                                 f"structure of tensors must be a tree")
            open_ids.add(key)
            stack.append(_Close(key))
            if isinstance(node, dict):
                keys = list(node.keys())
                order.append((dict, keys))
                stack.extend([node[k] for k in reversed(keys)])
            else:
                order.append((type(node), len(node)))
                stack.extend(node[::-1])
        else:
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
        if kind is dict:
            keys = info
            if not keys:
                place({})
                continue
            stack.append(([None] * len(keys), 0, len(keys),
                          lambda h, keys=keys: dict(zip(keys, h))))
        else:
            n = info
            if n == 0:
                place(kind())
                continue
            stack.append(([None] * n, 0, n,
                          lambda h, kind=kind: _make_seq(kind, h)))
    if next(leaves, _MISSING) is not _MISSING:
        raise ValueError("unflatten: more leaves than the structure holds")
    return root[0]


_MISSING = object()


def _make_seq(kind, items):
    if kind is tuple or kind is list:
        return kind(items)
    try:
        return kind(*items)           # namedtuple
    except TypeError:
        return kind(items)
