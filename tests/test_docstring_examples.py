"""Every public function carries a `>>>` example, and every example runs.

Covered namespaces: `tapegrad`, `tapegrad.linalg`, `tapegrad.tree`, `tapegrad.numpy`
(the functions tapegrad defines there, not NumPy's own re-exported ones),
`tapegrad.scipy.special` and each `tapegrad.scipy.stats.<distribution>` module.

A function object reachable under several names (aliases such as `tg.concat` and
`tg.cat`) is checked and run once. Modules already run with `doctest.testmod` by their
own area's test file are not run again here (ALREADY_DOCTESTED); their functions still
must have an example.
"""
import doctest
import importlib
import inspect

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
import tapegrad.scipy.stats as _stats
from tapegrad.numpy import _products as _tnp_functions
from tapegrad.numpy import _more as _tnp_more

NAMESPACES = ["tapegrad", "tapegrad.linalg", "tapegrad.tree", "tapegrad.numpy",
              "tapegrad.scipy.special"] + sorted(
    f"tapegrad.scipy.stats.{n}" for n, m in vars(_stats).items()
    if inspect.ismodule(m) and not n.startswith("_"))

# Modules whose examples another test file runs with doctest.testmod (a function
# belongs to the module whose globals it was defined in, as testmod decides).
ALREADY_DOCTESTED = {
    "tapegrad.ops.linalg_fns": "tests/test_linalg_ops.py",
    "tapegrad.ops.scan": "tests/test_scan_sort.py",
    "tapegrad.ops.sort": "tests/test_scan_sort.py",
    "tapegrad.ops.reduce_sums": "tests/test_scan_sort.py",
    "tapegrad.ops.reduce_extrema": "tests/test_scan_sort.py",
    "tapegrad.ops.reduce_nan": "tests/test_scan_sort.py",
    "tapegrad.ops.special": "tests/test_special.py",
    "tapegrad.special": "tests/test_special.py",
    "tapegrad.ops.indexing": "tests/test_indexing.py",
    "tapegrad.ops.diagonals": "tests/test_indexing.py",
    "tapegrad.ops.products": "tests/test_indexing.py",
    "tapegrad.ops.arrange": "tests/test_arrange.py",
    "tapegrad.ops.joinsplit": "tests/test_arrange.py",
    "tapegrad.numpy": "tests/test_numpy_front.py",
    "tapegrad.numpy._functions": "tests/test_numpy_front.py",
    "tapegrad.numpy._shapes": "tests/test_numpy_front.py",
    "tapegrad.numpy.linalg": "tests/test_numpy_front.py",
    "tapegrad.numpy.random": "tests/test_numpy_front.py",
    "tapegrad.tree": "tests/test_numpy_front.py",
    "tapegrad.custom": "tests/test_numpy_front.py",
    "tapegrad.func": "tests/test_numpy_front.py",
    "tapegrad.io": "tests/test_nn.py",
}

# Public-looking names in tapegrad.scipy's modules that are not API: helpers each module
# imports for its own use (a module with __all__, such as tapegrad.tree, is read
# through it and needs no entry).
NOT_API = {
    "f64": "tapegrad.scipy's argument helper (scipy/_args.py), imported by its modules",
    "raw": "tapegrad.scipy's argument helper (scipy/_args.py), imported by its modules",
    "outside": "tapegrad.scipy.stats's support-mask helper (stats/_common.py)",
    "standardize": "tapegrad.scipy.stats's (z, log scale) helper (stats/_common.py)",
}


def _own(f):
    """Whether `f` is a function tapegrad defines (not NumPy's, not a class)."""
    return (callable(f) and not inspect.isclass(f) and not inspect.ismodule(f)
            and (getattr(f, "__module__", None) or "").startswith("tapegrad"))


def _public():
    """{id: (function, [qualified names])} over NAMESPACES, minus NOT_API."""
    out = {}
    for ns in NAMESPACES:
        mod = importlib.import_module(ns)
        for name in getattr(mod, "__all__", None) or dir(mod):
            if name.startswith("_"):
                continue
            f = getattr(mod, name)
            if not _own(f) or (name in NOT_API and ns.startswith("tapegrad.scipy")):
                continue
            out.setdefault(id(f), (f, []))[1].append(f"{ns}.{name}")
    return out


PUBLIC = _public()


# tapegrad.numpy functions made by a factory, whose docstring is generated:
# - _convert's unary/binary adapters (`__wrapped_op__`) and _more's NumPy-signature
#   adapters (ADAPTED) put NumPy's argument conventions over one tapegrad op; their
#   docstring names that op, and the op's docstring must hold the example.
# - constant_fn/query_fn run NumPy's own function on the values (comparisons, tests,
#   indices, dtype queries): no gradient and no tapegrad behaviour to show; NumPy's
#   documentation is the reference. Exempt.
_ADAPTED_OPS = {id(fn): op for op, fn in _tnp_more.ADAPTED.values()}
_ON_VALUES = {_tnp_functions.constant_fn(np.isnan, "isnan").__code__,
              _tnp_functions.query_fn(np.ndim, "ndim").__code__}


def _adapted(f):
    """The tapegrad op a generated `tapegrad.numpy` adapter wraps, else None."""
    op = getattr(f, "__wrapped_op__", None)
    if op is None and id(f) in _ADAPTED_OPS and not _has_example(f):
        op = getattr(tg, _ADAPTED_OPS[id(f)])
    return op


def _on_values(f):
    return getattr(f, "__code__", None) in _ON_VALUES


def _defining_module(f):
    """The module doctest.testmod would run `f`'s docstring under: a Python function
    belongs to its globals' module, anything else (C-built functions) to __module__."""
    if inspect.isfunction(f):
        return f.__globals__.get("__name__")
    return getattr(f, "__module__", None)


def _to_run():
    """(name, function) for each example to run here: not one another test file runs,
    and each docstring once (tapegrad.scipy.special's wrappers share their op's)."""
    seen_docs = {f.__doc__ for f, _ in PUBLIC.values()
                 if _defining_module(f) in ALREADY_DOCTESTED}
    out = []
    for f, names in sorted(PUBLIC.values(), key=lambda t: t[1][0]):
        op = _adapted(f)
        if op is not None:
            # the wrapped op's example (it may have no public name of its own)
            f, names = op, [f"{names[0]} (wraps {op.__name__})"]
        if not _has_example(f) or f.__doc__ in seen_docs:
            continue
        seen_docs.add(f.__doc__)
        out.append((names[0], f))
    return out


def _has_example(f):
    return ">>>" in (f.__doc__ or "")


def test_every_public_function_has_an_example():
    missing = []
    for f, names in PUBLIC.values():
        if _on_values(f):
            continue
        target = _adapted(f) or f
        if not _has_example(target):
            missing.append(names[0] + ("" if target is f else f" (wraps {target.__name__})"))
    assert not missing, (f"{len(missing)} public functions have no >>> example:\n"
                         + "\n".join(sorted(missing)))


def test_exceptions_are_still_real():
    # every NOT_API entry names something that exists, so the list cannot go stale
    for key in NOT_API:
        assert any(hasattr(importlib.import_module(ns), key)
                   for ns in NAMESPACES if ns.startswith("tapegrad.scipy")), key


_TO_RUN = _to_run()

_FINDER = doctest.DocTestFinder(recurse=False)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_report: list[str] = []


@pytest.mark.parametrize("name,f", _TO_RUN, ids=[n for n, _ in _TO_RUN])
def test_example_runs(name, f):
    globs = {"tg": tg, "np": np, "tnp": tnp}
    tests = _FINDER.find(f, name, globs=globs)
    assert tests and tests[0].examples, name
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    state = tg.get_rng_state()          # examples seed the global generator: restore it
    try:
        for t in tests:
            runner.run(t, out=lambda s: _report.append(s))
    finally:
        tg.set_rng_state(state)
    failed = runner.summarize(verbose=False).failed
    report, _report[:] = "".join(_report), []
    assert failed == 0, report


def test_enough_examples_run_here():
    # guards against the selection above silently emptying
    assert len(_TO_RUN) > 150


def test_exemptions_stay_few():
    # the generated NumPy-on-values wrappers are the only exempt functions; a new
    # hand-written tapegrad.numpy function must not slip into that group
    exempt = sorted(n[0] for f, n in PUBLIC.values() if _on_values(f))
    assert all(n.startswith("tapegrad.numpy.") for n in exempt), exempt
    assert len(exempt) <= 60, exempt
