"""Graph pictures: to_dot (text) and make_dot (graphviz), rendered with the real `dot`."""
import json
import re
import shutil
import sys
import time

import numpy as np
import pytest

import tapegrad as tg

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz `dot` is not installed (scripts/setup.sh "
                                      "installs Debian's graphviz package)")


def parse_dot(text):
    """{id: label} and [(tail, head)] from our DOT text."""
    nodes = dict(re.findall(r'^\t(n\d+) \[label="((?:[^"\\]|\\.)*)"', text, re.M))
    edges = re.findall(r"^\t(n\d+) -> (n\d+)", text, re.M)
    return nodes, edges


def rendered(dot_graph):
    """{name: label}, [(tail name, head name)] of the layout `dot` computed."""
    data = json.loads(dot_graph.pipe(format="json"))
    objs = data["objects"]
    names = [o["name"] for o in objs]
    nodes = {o["name"]: o["label"] for o in objs}
    edges = [(names[e["tail"]], names[e["head"]]) for e in data.get("edges", [])]
    return nodes, edges


def by_label(nodes, label):
    return [k for k, v in nodes.items() if v == label]


def tutorial_graph():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (x * x).mean()
    return x, z


def check_tutorial_graph(nodes, edges):
    (out,) = by_label(nodes, "output\\n()")
    (mean,) = by_label(nodes, "MeanBackward\\n()")
    (mul,) = by_label(nodes, "MulBackward\\n(3,)")
    (acc,) = by_label(nodes, "AccumulateGrad")
    (leaf,) = by_label(nodes, "x\\n(3,)")
    assert len(nodes) == 5
    # gradients flow from the output to the leaf; x is used twice by mul
    assert sorted(edges) == sorted([(out, mean), (mean, mul), (mul, acc), (mul, acc),
                                    (acc, leaf)])


def test_to_dot_tutorial_graph():
    x, z = tutorial_graph()
    text = tg.viz.to_dot(z, params={"x": x})
    assert text.startswith("digraph tapegrad {") and text.rstrip().endswith("}")
    check_tutorial_graph(*parse_dot(text))


def test_to_dot_is_deterministic_and_leaves_show_shapes_without_names():
    x, z = tutorial_graph()
    assert tg.viz.to_dot(z) == tg.viz.to_dot(z)
    nodes, _ = parse_dot(tg.viz.to_dot(z))
    assert "(3,)" in nodes.values()


@needs_dot
def test_make_dot_renders_tutorial_graph_with_graphviz(tmp_path):
    graphviz = pytest.importorskip("graphviz")
    x, z = tutorial_graph()
    g = tg.viz.make_dot(z, params={"x": x})
    assert isinstance(g, graphviz.Digraph)
    check_tutorial_graph(*rendered(g))
    png = g.render(tmp_path / "mean", format="png", cleanup=True)
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    svg = g.pipe(format="svg").decode()
    assert "<svg" in svg and "MeanBackward" in svg and "AccumulateGrad" in svg


def mlp_and_loss():
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.ReLU(), tg.nn.Linear(8, 3))
    x = tg.randn(5, 4)
    y = tg.tensor([0, 2, 1, 1, 0])
    loss = tg.nn.functional.cross_entropy(model(x), y)
    return model, loss


def check_mlp_graph(nodes, edges, params):
    children = {}
    parents = {}
    for a, b in edges:
        children.setdefault(a, []).append(b)
        parents.setdefault(b, []).append(a)
    # every parameter: a named, shaped leaf fed by its own AccumulateGrad
    for name, p in params.items():
        (leaf,) = by_label(nodes, f"{name}\\n{tg.viz._shape_text(p.shape)}")
        (acc,) = parents[leaf]
        assert nodes[acc] == "AccumulateGrad"
    assert len(by_label(nodes, "AccumulateGrad")) == 4      # the input x needs no grad
    ops = [v.split("\\n")[0] for v in nodes.values()]
    assert ops.count("MatMulBackward") == 2 and "ReluBackward" in ops
    assert "LogSoftmaxBackward" in ops
    (relu,) = [k for k, v in nodes.items() if v.startswith("ReluBackward")]
    assert nodes[relu] == "ReluBackward\\n(5, 8)"
    # everything hangs off the one output, walking in the direction gradients flow
    (out,) = by_label(nodes, "output\\n()")
    seen, stack = {out}, [out]
    while stack:
        for c in children.get(stack.pop(), []):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    assert seen == set(nodes)


def test_to_dot_two_layer_mlp():
    model, loss = mlp_and_loss()
    params = dict(model.named_parameters())
    check_mlp_graph(*parse_dot(tg.viz.to_dot(loss, params=params)), params)


@needs_dot
def test_make_dot_renders_two_layer_mlp(tmp_path):
    pytest.importorskip("graphviz")
    model, loss = mlp_and_loss()
    params = dict(model.named_parameters())
    g = tg.viz.make_dot(loss, params=model.named_parameters())   # pairs work too
    check_mlp_graph(*rendered(g), params)
    path = g.render(tmp_path / "mlp", format="png", cleanup=True)
    assert path.endswith(".png")


def test_deep_graph_walk_is_iterative_and_fast():
    x = tg.tensor(np.ones(4), requires_grad=True)
    y = x
    for i in range(10_000):
        y = y * 1.0001 if i % 2 else y + 1.0
    start = time.perf_counter()
    text = tg.viz.to_dot(y.sum())
    took = time.perf_counter() - start
    nodes, edges = parse_dot(text)
    # output, sum, 10,000 ops, and the leaf folded into its AccumulateGrad (compact)
    assert len(nodes) == 10_003 and len(edges) == 10_002
    assert took < 5.0
    assert sys.getrecursionlimit() < 10_000       # a recursive walk could not have done it


@needs_dot
def test_deep_graph_renders_in_seconds():
    pytest.importorskip("graphviz")
    x = tg.tensor(np.ones(4), requires_grad=True)
    y = x
    for i in range(10_000):
        y = y * 1.0001 if i % 2 else y + 1.0
    start = time.perf_counter()
    svg = tg.viz.make_dot(y.sum()).pipe(format="svg").decode()
    took = time.perf_counter() - start
    assert svg.count("<g id=\"node") == 10_003
    assert took < 20.0, f"rendering 10,000 nodes took {took:.1f}s"


def test_compact_style_folds_leaves_and_repeated_edges():
    x, z = tutorial_graph()
    nodes, edges = parse_dot(tg.viz.to_dot(z, params={"x": x}, compact=True))
    assert "AccumulateGrad\\nx (3,)" in nodes.values()
    assert len(nodes) == 4 and len(edges) == 3
    big = x
    for _ in range(1200):
        big = big * 1.0
    text = tg.viz.to_dot(big.sum())
    assert "AccumulateGrad\\n(3,)" in text and 'nslimit="0.01"' in text


def test_attributes_saved_values_and_named_intermediates():
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    h = tg.exp(x)
    s = h.sum(axis=1, keepdims=True)
    text = tg.viz.to_dot(s, params={"x": x, "hidden": h}, show_attrs=True, show_saved=True)
    nodes, edges = parse_dot(text)
    (sum_node,) = [k for k, v in nodes.items() if v.startswith("SumBackward")]
    assert "axis=(1,)" in nodes[sum_node] or "axis=1" in nodes[sum_node]
    assert "keepdims=True" in nodes[sum_node]
    (exp_node,) = [k for k, v in nodes.items() if v.startswith("ExpBackward")]
    assert "saved out: (2, 3)" in nodes[exp_node]
    (hidden,) = by_label(nodes, "hidden\\n(2, 3)")
    assert (hidden, exp_node) in edges
    assert re.search(rf"\t{hidden} -> {exp_node} \[style=\"dashed\"\]", text)


def test_several_outputs_custom_functions_and_untracked_tensors():
    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t ** 3

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return 3 * t * t * g

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    a = Cube.apply(x)
    b = tg.sin(x)
    nodes, edges = parse_dot(tg.viz.to_dot([a, b]))
    labels = set(nodes.values())
    assert {"output 0\\n(2,)", "output 1\\n(2,)", "CubeBackward\\n(2,)",
            "SinBackward\\n(2,)"} <= labels
    assert len(by_label(nodes, "AccumulateGrad")) == 1          # one leaf, shared
    nodes, edges = parse_dot(tg.viz.to_dot(tg.tensor([1.0])))
    assert list(nodes.values()) == ["output\\n(1,)"] and edges == []


def test_names_are_escaped():
    x = tg.tensor([1.0], requires_grad=True)
    text = tg.viz.to_dot(x * 2, params={'we"ird\\name': x})
    assert 'label="we\\"ird\\\\name\\n(1,)"' in text


def test_bad_arguments_are_explained():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="params must map names to tensors"):
        tg.viz.to_dot(x * 2, params=[x])
    with pytest.raises(TypeError, match=r"params\['w'\] is a list"):
        tg.viz.to_dot(x * 2, params={"w": [1.0]})
    with pytest.raises(TypeError, match="expected a tensor"):
        tg.viz.to_dot(3.0)


def test_make_dot_without_graphviz_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ImportError, match=r"tapegrad\[viz\].*to_dot"):
        tg.viz.make_dot(x * 2)
