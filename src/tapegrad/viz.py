"""Pictures of the recorded graph: `to_dot` (DOT text, no dependencies) and `make_dot`
(a `graphviz.Digraph`, the optional `graphviz` extra; rendering needs Graphviz's `dot`).

Grey boxes are backward nodes (`MulBackward`, ..., `AccumulateGrad` for leaves that
receive gradients) with the shape of the tensor each op produced; ellipses are tensors:
the output(s) in green, leaves in blue, named when `params` names them. Edges point the
way gradients flow, from the output to the leaves. The walk is iterative, so graphs of
any depth work; big graphs get a compact style and layout settings that keep `dot`
fast (10,000 nodes render in about a second).
"""
import itertools
from collections import deque

import numpy as np

from ._tensor import Tensor
from ._graph import AccumulateGrad, Spent, grad_edge

_OP_STYLE = {"shape": "box", "style": "filled", "fillcolor": "lightgray"}
_ACC_STYLE = {"shape": "box", "style": "filled", "fillcolor": "lightgray"}
_OUT_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "darkolivegreen1"}
_LEAF_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "lightblue"}
_LEAF_STYLE_BOX = {"shape": "box", "style": "filled", "fillcolor": "lightblue"}
_NAMED_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "orange"}
# newrank: dot's default ranking pass is quadratic in the length of a chain (10,000 ops
# took 20+ s with Graphviz 2.42); the newer one lays the same graph out in under a second
_GRAPH_ATTR = {"rankdir": "TB", "newrank": "true", "fontsize": "12", "ranksep": "0.3",
               "nodesep": "0.25"}
_NODE_ATTR = {"fontname": "Helvetica", "fontsize": "11", "height": "0.3"}
_EDGE_ATTR = {"arrowsize": "0.6"}
_COMPACT_FROM = 1000     # backward nodes; bigger graphs fold leaves into AccumulateGrad
_LIMIT_NS_FROM = 500     # backward nodes; bigger graphs cap dot's positioning rounds


def _shape_text(shape):
    if shape is None:
        return "?"
    shape = tuple(int(s) for s in shape)
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _esc(text):
    """Escape user text for a quoted DOT string (our own `\\n` line breaks stay)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _param_text(value):
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        text = repr(value)
    elif isinstance(value, (tuple, list)) and all(
            v is None or isinstance(v, (bool, int, float, str, slice, np.integer))
            for v in value):
        text = repr(tuple(value))
    elif isinstance(value, np.ndarray):
        text = f"array{_shape_text(value.shape)}"
    elif isinstance(value, np.dtype):
        text = str(value)
    else:
        return None
    return text if len(text) <= 40 else text[:37] + "..."


def _names(params):
    if params is None:
        return {}
    items = params.items() if hasattr(params, "items") else params
    names = {}
    for pair in items:
        try:
            name, t = pair
        except (TypeError, ValueError):
            raise TypeError("viz: params must map names to tensors (a dict, or pairs such "
                            "as model.named_parameters())") from None
        if not isinstance(t, Tensor):
            raise TypeError(f"viz: params[{name!r}] is a {type(t).__name__}, not a tensor")
        names[id(t)] = str(name)
    return names


def _roots(t):
    if isinstance(t, Tensor):
        return [t]
    if isinstance(t, dict):
        return list(t.values())
    if isinstance(t, (tuple, list)):
        return list(t)
    raise TypeError(f"viz: expected a tensor or a tuple/list/dict of tensors, got "
                    f"{type(t).__name__}")


def _check_flags(show_attrs, show_saved, compact):
    for name, v in (("show_attrs", show_attrs), ("show_saved", show_saved),
                    ("compact", compact)):
        if not (v is None and name == "compact") and not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"viz: {name} must be True or False, got {v!r:.40} "
                            f"({type(v).__name__})")


def _graph(t, params=None, show_attrs=False, show_saved=False, compact=None):
    """The picture as plain data: nodes [(id, label, style)], edges [(a, b, style)],
    extra graph attributes."""
    _check_flags(show_attrs, show_saved, compact)
    names = _names(params)
    roots = _roots(t)
    for k, out in enumerate(roots):
        if not isinstance(out, Tensor):
            raise TypeError(f"viz: output {k} is a {type(out).__name__}, not a tensor")
    # one pass to find the backward nodes, so the size can choose the style
    order = []
    ids = {}
    queue = deque()
    for out in roots:
        fn = grad_edge(out)
        if fn is not None and fn not in ids:
            ids[fn] = None
            queue.append(fn)
    while queue:
        fn = queue.popleft()
        order.append(fn)
        for nxt in fn.next:
            if nxt is not None and nxt not in ids:
                ids[nxt] = None
                queue.append(nxt)
    if compact is None:
        compact = len(order) > _COMPACT_FROM
    extra = {}
    if len(order) > _LIMIT_NS_FROM:
        # dot's x-positioning (network simplex) is quadratic on big graphs; a few
        # rounds give a clean layout of a graph this size in well under a second
        extra["nslimit"] = "0.01"

    nodes = []
    edges = []
    counter = itertools.count()
    out_ids = [f"n{next(counter)}" for _ in roots]
    for fn in order:
        ids[fn] = f"n{next(counter)}"
    for k, out in enumerate(roots):
        name = names.get(id(out), "output" if len(roots) == 1 else f"output {k}")
        nodes.append((out_ids[k], f"{_esc(name)}\\n{_shape_text(out.shape)}", _OUT_STYLE))
        fn = grad_edge(out)
        if fn is not None:
            edges.append((out_ids[k], ids[fn], None))

    # named non-leaf tensors hang off the node that produced them
    if params is not None:
        for pair in (params.items() if hasattr(params, "items") else params):
            name, p = pair
            fn = p.grad_fn
            if fn is not None and fn in ids and type(fn) is not AccumulateGrad and \
                    not any(p is r for r in roots):
                tid = f"n{next(counter)}"
                nodes.append((tid, f"{_esc(name)}\\n{_shape_text(p.shape)}", _NAMED_STYLE))
                edges.append((tid, ids[fn], {"style": "dashed"}))

    for fn in order:
        fid = ids[fn]
        if type(fn) is AccumulateGrad:
            var = fn.variable
            name = names.get(id(var))
            text = (f"{_esc(name)} " if name else "") + _shape_text(var.shape)
            if compact:
                nodes.append((fid, f"AccumulateGrad\\n{text}", _LEAF_STYLE_BOX))
                continue
            nodes.append((fid, "AccumulateGrad", _ACC_STYLE))
            tid = f"n{next(counter)}"
            nodes.append((tid, text.replace(" (", "\\n(", 1) if name else text, _LEAF_STYLE))
            edges.append((fid, tid, None))
            continue
        label = [_esc(fn.name()), _shape_text(fn.out_shape)]
        if show_attrs and fn.params:
            for key, value in fn.params.items():
                text = _param_text(value)
                if text is not None:
                    label.append(_esc(f"{key}={text}"))
        if show_saved:
            label.extend(_saved_lines(fn))
        nodes.append((fid, "\\n".join(label), _OP_STYLE))
        seen = set()
        for nxt in fn.next:
            if nxt is None or (compact and nxt in seen):
                continue
            seen.add(nxt)
            edges.append((fid, ids[nxt], None))
    return nodes, edges, extra


def _saved_lines(fn):
    saved = fn._saved
    if type(saved) is Spent:
        return ["saved: freed"] if saved.freed else []
    if not saved:
        return []
    op = fn.op
    names = op.saves if not op.save_all else tuple(f"in{i}" for i in range(len(saved)))
    lines = []
    for name, v in zip(names, saved):
        shape = v.shape if isinstance(v, (Tensor, np.ndarray, np.generic)) else None
        if shape is not None:
            lines.append(_esc(f"saved {name}: {_shape_text(shape)}"))
    return lines


def _attr_text(attrs):
    return ", ".join(f'{k}="{v}"' for k, v in attrs.items())


def to_dot(t, params=None, show_attrs=False, show_saved=False, compact=None) -> str:
    """DOT text of the backward graph behind `t` (a tensor, or a list/tuple/dict of them).

    Args:
        params: names for tensors, e.g. `dict(model.named_parameters())` or
            `{"x": x}`; named leaves and intermediates are labelled with their names.
        show_attrs: add each op's non-tensor arguments (axis, shape, ...) to its box.
        show_saved: add the shapes of the values each op saved for backward.
        compact: fold each leaf into its AccumulateGrad box and draw repeated edges
            once; by default on for graphs of more than 1000 nodes.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> print(tg.viz.to_dot((x * x).mean(), params={"x": x}))  # doctest: +ELLIPSIS
    digraph tapegrad {
    ...
    	n0 [label="output\\n()", ...]
    	n0 -> n1
    	n1 [label="MeanBackward\\n()", ...]
    	n1 -> n2
    	n2 [label="MulBackward\\n(3,)", ...]
    	n2 -> n3
    	n2 -> n3
    	n3 [label="AccumulateGrad", ...]
    	n3 -> n4
    	n4 [label="x\\n(3,)", ...]
    }
    """
    nodes, edges, extra = _graph(t, params, show_attrs, show_saved, compact)
    lines = ["digraph tapegrad {",
             f"\tgraph [{_attr_text({**_GRAPH_ATTR, **extra})}]",
             f"\tnode [{_attr_text(_NODE_ATTR)}]",
             f"\tedge [{_attr_text(_EDGE_ATTR)}]"]
    out_edges = {}
    for a, b, style in edges:
        out_edges.setdefault(a, []).append((b, style))
    for nid, label, style in nodes:
        lines.append(f'\t{nid} [label="{label}", {_attr_text(style)}]')
        for b, estyle in out_edges.get(nid, ()):
            lines.append(f"\t{nid} -> {b}" + (f" [{_attr_text(estyle)}]" if estyle else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def make_dot(t, params=None, show_attrs=False, show_saved=False, compact=None):
    """The backward graph behind `t` as a `graphviz.Digraph` (needs the `graphviz` extra).

    Render it with `.render("graph", format="png")` or `.pipe(format="svg")` (this needs
    the Graphviz `dot` program); in Jupyter it displays itself. Arguments as `to_dot`.

    Args:
        t: the output tensor, or a list, tuple or dict of tensors.
        params: names for tensors, e.g. `dict(model.named_parameters())` or `{"x": x}`.
        show_attrs: add each op's non-tensor arguments to its box.
        show_saved: add the shapes of the values each op saved for backward.
        compact: fold each leaf into its AccumulateGrad box and draw repeated edges once
            (default: on for graphs of more than 1000 nodes).

    Returns:
        A graphviz.Digraph.

    Raises:
        ImportError: the `graphviz` Python package is not installed.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> try:
    ...     dot = tg.viz.make_dot((x * x).sum(), params={"x": x})
    ... except ImportError:                 # without the `viz` extra
    ...     dot = None
    >>> dot is None or "MulBackward" in dot.source
    True
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError("viz.make_dot needs the `graphviz` Python package: pip install "
                          "'tapegrad[viz]' (rendering also needs the Graphviz `dot` "
                          "program, e.g. apt-get install graphviz); tg.viz.to_dot gives "
                          "the DOT text without it") from None
    nodes, edges, extra = _graph(t, params, show_attrs, show_saved, compact)
    dot = graphviz.Digraph(name="tapegrad", graph_attr={**_GRAPH_ATTR, **extra},
                           node_attr=dict(_NODE_ATTR), edge_attr=dict(_EDGE_ATTR))
    for nid, label, style in nodes:
        dot.node(nid, label, **style)
    for a, b, style in edges:
        dot.edge(a, b, **(style or {}))
    return dot

# the names `from tapegrad.viz import *` gives (tests/test_all.py)
__all__ = ["to_dot", "make_dot"]
