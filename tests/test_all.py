"""Every public module of tapegrad defines `__all__`, and it is the module's public names.

For each module whose dotted path has no component starting with "_":
- `__all__` exists, has no duplicates and no private names, and `from m import *`
  gives exactly its names (so each one exists);
- a package (an `__init__.py`, or a module that only gathers names from elsewhere, such
  as tapegrad.linalg) lists every public attribute except submodules and the entries of
  PRIVATE;
- a module that defines things lists every public name it defines at top level (def,
  class, assignment), except PRIVATE's. Names it imports for its own use (np, apply,
  Tensor) are its home module's exports and need no entry.

When this fails for tapegrad itself, a name was imported in src/tapegrad/__init__.py
but not added to `__all__` at the top of that file: add it there (or, with a reason,
to PRIVATE below).
"""
import ast
import importlib
import inspect
import pkgutil

import pytest

import tapegrad as tg

# Public-looking attributes deliberately left out of a module's __all__, with the reason.
PRIVATE = {
    "tapegrad": {
        "bool": "dtype alias spelled like a builtin: a star import must not shadow bool()",
        "int": "dtype alias spelled like a builtin: a star import must not shadow int()",
        "float": "dtype alias spelled like a builtin: a star import must not shadow float()",
        "range": "TF's tf.range, spelled like a builtin: a star import must not shadow range()",
        "print": "TF's tf.print, spelled like a builtin: a star import must not shadow print()",
        "all": "torch.all, spelled like a builtin: a star import must not shadow all()",
        "any": "torch.any, spelled like a builtin: a star import must not shadow any()",
        "compile": "torch.compile, spelled like a builtin: a star import must not shadow "
                   "compile()",
    },
    "tapegrad.autograd": {
        "Tensor": "imported for isinstance checks; tapegrad.Tensor is its home",
        "run_backward": "the engine entry point backward() and grad() call",
        "what": "error-message helper (autograd/engine.py)",
    },
    "tapegrad.numpy": {
        n: "dispatch table tapegrad.numpy builds its adapters from (numpy/_convert.py)"
        for n in ("ADAPTED", "UNARY_FLOAT", "UNARY", "BINARY_FLOAT", "BINARY",
                  "SAME_SIGNATURE", "CONSTANT", "ROUNDING", "QUERY")
    },
    "tapegrad.ops.solve": {
        n: "matrix helper that ops/linalg_fns.py and ops/decomp.py import (not API)"
        for n in ("break_ties", "column", "diag_embed", "diag_part", "dtype_of", "ein",
                  "lift", "linalg_error", "mT", "mm", "row", "scalar_to_matrix",
                  "solve_tri", "sym", "tie_tol", "tri_mask")
    },
}

# Modules with no __all__, and why.
EXEMPT = {
    "tapegrad.numpy.fft": "forwards every name to tapegrad.fft through a module "
                          "__getattr__; it has no names of its own to list",
}

# Modules that gather names defined elsewhere, though they are not packages.
GATHERING = {"tapegrad.linalg", "tapegrad.special", "tapegrad.optim.lr_scheduler",
             "tapegrad.autograd.graph", "tapegrad.scipy.misc"}


def _public_modules():
    names = ["tapegrad"] + [m.name for m in pkgutil.walk_packages(tg.__path__, "tapegrad.")]
    return [n for n in names if not any(p.startswith("_") for p in n.split("."))]


MODULES = _public_modules()


def _defined_names(module):
    """Public names bound at the module's top level by def, class or assignment."""
    tree = ast.parse(inspect.getsource(module))
    out = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for e in (t.elts if isinstance(t, ast.Tuple) else [t]):
                    if isinstance(e, ast.Name):
                        out.add(e.id)
    return {n for n in out if not n.startswith("_") and n != "__all__"}


# typing machinery every annotated module binds (`from __future__ import annotations`,
# `from typing import TYPE_CHECKING`): not API
TYPING = {"annotations", "TYPE_CHECKING"}


def _expected(name, module):
    if hasattr(module, "__path__") or name in GATHERING:
        return {n for n, v in vars(module).items()
                if not n.startswith("_") and not inspect.ismodule(v) and n not in TYPING}
    return _defined_names(module)


def test_the_walk_finds_the_namespaces():
    for ns in ("tapegrad.nn", "tapegrad.nn.functional", "tapegrad.optim.lr_scheduler",
               "tapegrad.utils.data", "tapegrad.scipy.stats.norm", "tapegrad.viz"):
        assert ns in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_module_defines_all(name):
    if name in EXEMPT:
        pytest.skip(EXEMPT[name])
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    names = list(module.__all__)
    assert len(names) == len(set(names)), f"{name}.__all__ repeats a name"
    assert not [n for n in names if n.startswith("_")], f"{name}.__all__ lists private names"
    ns = {}
    exec(f"from {name} import *", ns)
    ns.pop("__builtins__", None)
    assert set(ns) == set(names), f"{name}: star import differs from __all__"


@pytest.mark.parametrize("name", [n for n in MODULES if n not in EXEMPT])
def test_all_lists_every_public_name(name):
    module = importlib.import_module(name)
    private = PRIVATE.get(name, {})
    listed = set(getattr(module, "__all__", ()))
    missing = sorted(_expected(name, module) - listed - set(private))
    where = ("at the top of src/tapegrad/__init__.py" if name == "tapegrad"
             else f"in {module.__file__}")
    assert not missing, (f"{name} has public names missing from its __all__: {missing}. "
                         f"Add them to __all__ {where}, or to PRIVATE in "
                         f"tests/test_all.py with a reason.")


def test_private_entries_are_real_and_unlisted():
    # an entry for a name that went away, or that __all__ lists after all, is stale
    for name, entries in PRIVATE.items():
        module = importlib.import_module(name)
        for n in entries:
            assert hasattr(module, n), f"PRIVATE[{name!r}][{n!r}]: no such attribute"
            assert n not in module.__all__, f"{name}.{n} is in __all__ and in PRIVATE"


def test_viz_exports_no_helpers():
    # the example: tg.viz used to export np, deque and itertools
    from tapegrad import viz
    assert not {"np", "deque", "itertools"} & set(viz.__all__)
