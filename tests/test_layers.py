"""The package's layout, as STYLE.md section 1 draws it, read from the source (ast, nothing
is imported): imports point down, there is no import cycle, and nothing is imported
inside a function except an optional dependency.

Layers, bottom to top: the bottom (Tensor, Node and saved values, call sites, dtypes,
state), `ops`, the engine and forward mode (`autograd`), the front-ends (everything
else). The upward edges that must exist (Tensor's operators call `ops`, Tensor.backward
calls the engine, apply calls the forward-mode driver) are handed down at import time
(`_tensor.use_ops`, `_tensor.use_backward`, `ops._apply.set_forward_mode`), not imported.
"""
import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "src" / "tapegrad"

BOTTOM = {"_tensor", "_tensor_methods", "_tensor_inplace", "_tensor_op_methods", "_printing",
          "_graph", "_sites", "_native", "_dtypes", "_state",
          "_random", "_check", "_config", "_pytree", "errors", "_speedups",
          "_tensor_docs", "_tensor_op_docs", "_tensor_op_docs_nz", "_results",
          "_tensor_port_methods", "_size", "_flavour", "_tensor_args"}
OPS, ENGINE, FRONT = 1, 2, 3
LAYER_NAMES = {0: "the bottom layer", OPS: "ops", ENGINE: "autograd", FRONT: "the front-ends",
               4: "the package's __init__"}
# package modules that may be imported inside a function: optional ones (the C speedups
# are not built everywhere)
OPTIONAL = {"tapegrad._speedups"}


def _modules():
    mods = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = p
    for p in PKG.glob("_speedups*"):
        if p.suffix in (".c", ".so", ".pyd"):
            mods["tapegrad._speedups"] = p
    return mods


MODS = _modules()


def layer(mod):
    parts = mod.split(".")
    if len(parts) == 1:
        return 4
    if parts[1] == "ops":
        return OPS
    if parts[1] == "autograd":
        return ENGINE
    return 0 if len(parts) == 2 and parts[1] in BOTTOM else FRONT


def _targets(mod, node):
    """The package modules an import statement in `mod` names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODS]
    base = mod.split(".")
    if node.level:
        is_pkg = MODS[mod].name == "__init__.py"
        base = base[:len(base) - node.level + is_pkg]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    out = []
    for a in node.names:
        full = f"{target}.{a.name}"
        out.append(full if full in MODS else target)
    return [t for t in out if t in MODS]


def _imports():
    """(module-level edges {module: {imported}}, [(module, line, imported) inside functions])"""
    edges = {m: set() for m in MODS}
    inner = []
    for mod, path in MODS.items():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        top = {id(n) for n in tree.body}
        skip = set()
        # imports under `if`/`try` at module level are module-level too, but not those
        # under `if TYPE_CHECKING:`, which only a type checker runs
        for n in tree.body:
            if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING":
                top.update(id(c) for c in ast.walk(n))
                skip.update(id(c) for c in ast.walk(n))
            elif isinstance(n, (ast.If, ast.Try)):
                top.update(id(c) for c in ast.walk(n))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in skip:
                continue
            targets = [t for t in _targets(mod, node) if t != mod]
            if id(node) in top:
                edges[mod].update(targets)
            else:
                inner += [(mod, node.lineno, t) for t in targets]
    return edges, inner


EDGES, INNER = _imports()


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_the_layers_are_where_style_md_puts_them():
    for name in ("_tensor", "_graph", "_sites", "ops._op", "ops._apply",
                 "autograd.engine", "autograd.forward_ad", "func", "tape"):
        assert f"tapegrad.{name}" in MODS, name
    assert layer("tapegrad._graph") == 0 and layer("tapegrad.ops._apply") == OPS
    assert layer("tapegrad.autograd.forward_ad") == ENGINE and layer("tapegrad.tape") == FRONT


def test_no_import_cycle():
    assert _cycles(EDGES) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("below", [0, OPS, ENGINE], ids=["bottom", "ops", "autograd"])
def test_imports_point_down(below):
    upward = sorted((m, t) for m, ts in EDGES.items() if layer(m) == below
                    for t in ts if layer(t) > below)
    assert upward == [], f"{LAYER_NAMES[below]} imports from a layer above it"


def test_no_import_inside_a_function_but_optional_ones():
    found = [(m, line, t) for m, line, t in INNER if t not in OPTIONAL]
    assert found == []


def test_the_checks_see_imports_inside_functions():
    """The walk finds a function-level import: _native's optional import of the C module."""
    assert ("tapegrad._native", "tapegrad._speedups") in {(m, t) for m, _, t in INNER}


def test_no_source_file_is_over_about_800_lines():
    # STYLE.md: split files by family, each under ~800 lines (C files too)
    long = {str(p.relative_to(PKG)): n for p in sorted(PKG.rglob("*"))
            if p.suffix in (".py", ".c", ".h")
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 810}
    assert not long, f"over 810 lines: {long}"
