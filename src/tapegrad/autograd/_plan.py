"""The backward loop's order and planning pass: which nodes run, in what order, with
which inputs needed (`inputs=`, a tape's filter). `_speedups.backward_loops` is
`_loops_py` in C; both call engine.run_node and run_leaf for every step of running a
node, and do none of those steps themselves."""
from .._graph import AccumulateGrad, grad_edge
from .._tensor import Tensor


def backward_order(roots, allowed=None):
    """Nodes so that each comes after every node that feeds it a gradient (for messages;
    the loop orders nodes itself). `allowed` as in run_backward."""
    waiting = _plan_py(roots, allowed, None)[0]
    ready = [r for r in dict.fromkeys(roots) if waiting[r] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for nxt in node.next:
            c = waiting.get(nxt) if nxt is not None else None
            if c is not None:
                waiting[nxt] = c - 1
                if c == 1:
                    ready.append(nxt)
    return order


def _loops_py(roots, grads, state, node_runner, leaf_runner, allowed, targets):
    """The backward loop: order, summing the gradients that meet at a node, pruning.
    `_speedups.backward_loops` is this function in C (the same algorithm; both call the
    runners for every node and leaf, and do none of their steps).

    roots:   the nodes gradients start from, `grads` {node: gradient} their seeds
    allowed: None, or a tape's filter: edges to nodes it does not allow are cut
    targets: None, or the nodes named by `inputs=`: only nodes that lead to one run
    """
    waiting, need, masks, outer = _plan_py(roots, allowed, targets)
    if outer:
        state.reached_outer(grads)
    ready = [r for r in dict.fromkeys(roots) if waiting[r] == 0]
    pop = grads.pop
    gget = grads.get
    while ready:
        node = ready.pop()
        g = pop(node, None)
        if type(node) is AccumulateGrad:
            if g is not None:
                leaf_runner(node, g, state)
            continue
        gxs = None
        if g is not None and (need is None or node in need):
            gxs = node_runner(node, g, state, masks.get(node) if masks else None)
        for j, nxt in enumerate(node.next):
            c = waiting.get(nxt) if nxt is not None else None
            if c is None:
                continue                # no edge, or cut by the tape's filter
            if gxs is not None:
                gx = gxs[j]
                if gx is not None:
                    prev = gget(nxt)
                    grads[nxt] = gx if prev is None else prev + gx
            waiting[nxt] = c - 1
            if c == 1:
                ready.append(nxt)


def _plan_py(roots, allowed, targets):
    """Pass 1 of the loop, depth first: how many nodes send each node a gradient (edges
    `allowed` cuts not counted); with `targets`, the nodes that lead to one (`need`,
    else None); and, for nodes some of whose edges are cut or lead to no target, the
    narrowed needs_grad mask ({node: mask}, else None); and whether a leaf that is not
    a target was reached (`outer`, see BackwardState.reached_outer)."""
    waiting = {}
    need = set() if targets is not None else None
    masks = {} if targets is not None or allowed is not None else None
    stack = []
    outer = False
    # one root at a time, each to the end: a root another root reaches is then a child
    # in that search, finished (and its `need` known) before its parent
    for r in roots:
        if r in waiting:
            continue
        waiting[r] = 0
        stack.append([r, 0])
        outer = _plan_from(stack, waiting, need, masks, allowed, targets) or outer
    return waiting, need, masks, outer


def _plan_from(stack, waiting, need, masks, allowed, targets):
    outer = False
    while stack:
        top = stack[-1]
        node, j = top
        nexts = node.next
        if j < len(nexts):
            top[1] = j + 1
            nxt = nexts[j]
            if nxt is None or (allowed is not None and not _allows(allowed, nxt)):
                continue
            c = waiting.get(nxt)
            if c is None:
                waiting[nxt] = 1
                stack.append([nxt, 0])
            else:
                waiting[nxt] = c + 1
            continue
        stack.pop()                     # done: every node below it is done (no cycles)
        if masks is None:
            continue
        live = tuple(n is not None and n in waiting and (need is None or n in need)
                     for n in nexts)
        if need is not None:
            if node in targets or True in live:
                need.add(node)
            elif type(node) is AccumulateGrad:
                outer = True            # a leaf that is not a target
        for n, ok in zip(nexts, live):
            if n is not None and not ok:
                masks[node] = live      # some edge is cut or leads to no target
                break
    return outer


def _allows(allowed, node):
    """Whether a tape's filter (its recording marks, extra nodes) keeps `node`."""
    marks, extra = allowed
    if node in extra:
        return True
    seq = getattr(node, "seq", None)
    return seq is not None and seq in marks


def reaches_outer(roots, sources):
    """Whether the graph behind `roots` reaches a leaf that requires grad other than
    `sources`: a transform's f closed over such a tensor, so what the transform returns
    must stay connected to it (a walk of the graph; the backward's own planning pass
    finds the same for gradients, see BackwardState.connect)."""
    nodes = [n for n in (grad_edge(r) for r in roots if isinstance(r, Tensor))
             if n is not None]
    if not nodes:
        return False
    return _plan_py(nodes, None, {grad_edge(s) for s in sources})[3]
