"""Docstring coverage of the public API, and its examples run as doctests.

For every public name of the namespaces below (functions, classes, and each public
method and property of `Tensor`):
- it has a docstring;
- a function or class that takes arguments has a Google-style "Args:" section (for a
  class, in the class docstring, which documents `__init__`; mkdocstrings renders it);
- the docstring holds a `>>>` example.

A `Tensor` method that is the method form of a documented function ("Method form of
`tapegrad.sum`") keeps its arguments on that function: it needs a docstring and an
example, not a second "Args:" section. The generated `tapegrad.numpy` adapters follow
tests/test_docstring_examples.py: an adapter is judged by the op it wraps, and the
NumPy-on-values wrappers are exempt.

Names that do not meet this yet are listed in tests/docstring_gaps.txt, one per line
with what they lack. The test fails on any gap not in that file (a new public name
without documentation) and on any line of the file that no longer applies (documented
since: delete the line), so the file only shrinks; the goal is an empty file.

The examples of classes, Tensor members and the functions of namespaces that
tests/test_docstring_examples.py does not cover run here, each docstring once.
"""
import doctest
import enum
import importlib
import inspect
import types
import pathlib

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from test_docstring_examples import _adapted, _on_values

GAPS_FILE = pathlib.Path(__file__).with_name("docstring_gaps.txt")

NAMESPACES = [
    "tapegrad", "tapegrad.nn", "tapegrad.nn.functional", "tapegrad.nn.init",
    "tapegrad.nn.utils", "tapegrad.optim", "tapegrad.optim.lr_scheduler", "tapegrad.linalg",
    "tapegrad.numpy", "tapegrad.numpy.linalg", "tapegrad.numpy.random", "tapegrad.func",
    "tapegrad.utils.data", "tapegrad.tree", "tapegrad.random", "tapegrad.math",
    "tapegrad.io", "tapegrad.autograd", "tapegrad.special", "tapegrad.scipy.special",
    "tapegrad.scipy.linalg", "tapegrad.scipy.integrate", "tapegrad.scipy.signal",
    "tapegrad.scipy.stats.norm", "tapegrad.scipy.stats.t", "tapegrad.scipy.stats.chi2",
    "tapegrad.scipy.stats.beta", "tapegrad.scipy.stats.gamma",
    "tapegrad.scipy.stats.poisson", "tapegrad.scipy.stats.dirichlet",
    "tapegrad.scipy.stats.multivariate_normal", "tapegrad.viz", "tapegrad.lax",
    "tapegrad.extend", "tapegrad.test_util", "tapegrad.nn.initializers", "tapegrad.debug",
]
# added by another branch: covered once it exists
OPTIONAL = ["tapegrad.distributed", "tapegrad.fft"]

# function namespaces whose examples tests/test_docstring_examples.py already runs
RUN_ELSEWHERE = {"tapegrad", "tapegrad.linalg", "tapegrad.tree", "tapegrad.numpy",
                 "tapegrad.scipy.special"}


def _namespaces():
    out = list(NAMESPACES)
    for ns in OPTIONAL:
        try:
            importlib.import_module(ns)
        except ImportError:
            continue
        out.append(ns)
    return out


def _takes_args(obj):
    """Whether calling `obj` (a function, or a class's constructor) takes arguments."""
    if isinstance(obj, enum.EnumMeta):
        return False                    # calling an Enum looks a member up; no signature
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):       # some C-built callables have none
        return False
    return any(p.name not in ("self", "cls") for p in sig.parameters.values())


def _lacks(obj, *, method_form=False):
    """What `obj`'s docstring lacks: a subset of {"docstring", "args", "example"}."""
    # the object's own docstring: inspect.getdoc would lend a class its base's
    doc = obj.__doc__
    if doc is None and isinstance(obj, types.MemberDescriptorType):
        doc = inspect.getdoc(obj)       # a slot's docstring: the value in a __slots__ dict
    if not (doc or "").strip():
        return ["docstring"]
    out = []
    if not method_form and not isinstance(obj, property) and callable(obj) \
            and _takes_args(obj) and "Args:" not in doc:
        out.append("args")
    if ">>>" not in doc:
        out.append("example")
    return out


def _own(obj):
    return (getattr(obj, "__module__", None) or "").startswith("tapegrad")


def _public_objects():
    """{qualified name: object} over the namespaces and Tensor's members; an object
    reachable under several names is kept under its first."""
    seen, out = set(), {}
    for ns in _namespaces():
        mod = importlib.import_module(ns)
        for name in getattr(mod, "__all__", None) or dir(mod):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name)
            if inspect.ismodule(obj) or not callable(obj) or not _own(obj):
                continue
            if id(obj) in seen or _on_values(obj):
                continue
            seen.add(id(obj))
            out[f"{ns}.{name}"] = _adapted(obj) or obj
    for name in dir(tg.Tensor):
        if name.startswith("_"):
            continue
        out[f"tapegrad.Tensor.{name}"] = inspect.getattr_static(tg.Tensor, name)
    return out


def _method_form(obj):
    doc = (getattr(obj, "__doc__", None) or "")
    return doc.lstrip().startswith("Method form of")


PUBLIC = _public_objects()


def _gaps():
    out = {}
    for name, obj in PUBLIC.items():
        target = obj.fget if isinstance(obj, property) else obj
        lacks = _lacks(obj if isinstance(obj, property) else target,
                       method_form=name.startswith("tapegrad.Tensor.") and _method_form(obj))
        if lacks:
            out[name] = ",".join(lacks)
    return out


def _listed():
    out = {}
    for line in GAPS_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, what = line.partition(" ")
            out[name] = what.strip()
    return out


def test_no_new_gaps():
    gaps, listed = _gaps(), _listed()
    new = sorted(f"{n} {w}" for n, w in gaps.items() if n not in listed or
                 not set(w.split(",")) <= set(listed[n].split(",")))
    assert not new, ("public names lacking a docstring, an Args: section or an example "
                     "(write them; see docs/contributing-docs.md):\n" + "\n".join(new))


def test_gap_list_only_shrinks():
    gaps, listed = _gaps(), _listed()
    stale = sorted(f"{n} {w}" for n, w in listed.items() if gaps.get(n) != w)
    assert not stale, (f"these lines of {GAPS_FILE.name} no longer describe the code "
                       "(documented since, or renamed): update or delete them:\n"
                       + "\n".join(stale))


def test_coverage_is_measured_over_enough_names():
    # guards against the walk above silently emptying
    assert len(PUBLIC) > 900
    assert sum(n.startswith("tapegrad.Tensor.") for n in PUBLIC) > 150


def _to_run():
    """(name, object) whose examples run here: each docstring once, skipping the
    functions tests/test_docstring_examples.py runs."""
    out, docs = [], set()
    for name, obj in sorted(PUBLIC.items()):
        ns = name.rsplit(".", 1)[0]
        target = obj.fget if isinstance(obj, property) else obj
        doc = getattr(obj, "__doc__", None) or ""
        if ">>>" not in doc or doc in docs:
            continue
        if ns in RUN_ELSEWHERE and not inspect.isclass(target):
            continue
        docs.add(doc)
        out.append((name, obj))
    return out


_TO_RUN = _to_run()
_FINDER = doctest.DocTestFinder(recurse=False)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name,obj", _TO_RUN, ids=[n for n, _ in _TO_RUN])
def test_example_runs(name, obj, monkeypatch):
    if name.startswith("tapegrad.distributed."):
        # the examples start and end a world of one process, which needs MPI all the
        # same; a group the op rows (tests/ops/cases_distributed.py) may have started in
        # this worker is set aside meanwhile
        if "dist.init_process_group(" in obj.__doc__:
            pytest.importorskip("mpi4py")
        monkeypatch.setattr(tg.distributed._backend, "_group", None)
    globs = {"tg": tg, "np": np, "tnp": tnp}
    test = doctest.DocTestParser().get_doctest(obj.__doc__, globs, name, None, 0)
    assert test.examples, name
    report = []
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    state = tg.get_rng_state()          # examples seed the global generator: restore it
    try:
        runner.run(test, out=report.append)
    finally:
        tg.set_rng_state(state)
    assert runner.summarize(verbose=False).failed == 0, "".join(report)
