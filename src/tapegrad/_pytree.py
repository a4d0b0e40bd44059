"""Nested tuples, lists and dicts of tensors: flatten to leaves and rebuild."""


def flatten(tree):
    """Leaves in order and a spec that rebuilds the structure. Iterative, no recursion."""
    leaves = []
    stack = [tree]
    order = []
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
            place(next(leaves))
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
    return root[0]


def _make_seq(kind, items):
    if kind is tuple or kind is list:
        return kind(items)
    try:
        return kind(*items)           # namedtuple
    except TypeError:
        return kind(items)
