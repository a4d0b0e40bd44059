"""Type annotations: `mypy --strict examples/` passes against the package's own
annotations (src/ with its py.typed, configured in pyproject's [tool.mypy]), and the
type-checker-only declarations of tapegrad.numpy's table-built names match the tables."""
import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "tapegrad"


def test_the_package_is_marked_typed():
    assert (PKG / "py.typed").is_file()


def _numpy_stubs_with_defaults():
    """The examples write bare `np.ndarray`, which --strict accepts from NumPy 2.2 on (its
    stubs give ndarray's type parameters defaults); the oldest supported NumPy, 2.0, which
    scripts/matrix.sh tests, would report each one."""
    import numpy as np
    if tuple(int(p) for p in np.__version__.split(".")[:2]) < (2, 2):
        pytest.skip(f"NumPy {np.__version__}'s stubs have no ndarray type defaults")


def test_mypy_strict_passes_on_the_examples():
    pytest.importorskip("mypy")
    _numpy_stubs_with_defaults()
    # a cache outside the tree: the first run took 15 s on a loaded 2-core machine, later
    # ones a few seconds
    cache = Path(tempfile.gettempdir()) / f"tapegrad-mypy-{os.getuid()}"
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
         "--config-file", str(ROOT / "pyproject.toml"), "examples/"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


def test_mypy_reports_an_error_in_a_typed_call():
    """The check above can fail: a wrong argument type against tapegrad's annotations
    is reported."""
    pytest.importorskip("mypy")
    cache = Path(tempfile.gettempdir()) / f"tapegrad-mypy-{os.getuid()}"
    with tempfile.TemporaryDirectory() as d:
        bad = Path(d) / "bad.py"
        bad.write_text("import tapegrad as tg\n\n"
                       "x: tg.Tensor = tg.zeros(2, dtype='float64')\n"
                       "n: int = x.sum()\n")
        proc = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
             "--config-file", str(ROOT / "pyproject.toml"), str(bad)],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'expression has type "Tensor", variable has type "int"' in proc.stdout


def _type_checking_names(path):
    """Names annotated (`name: type`) in the module's `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            names.update(n.target.id for n in node.body if isinstance(n, ast.AnnAssign))
    return names


def test_tnp_declares_exactly_the_names_its_tables_build():
    import tapegrad.numpy as tnp
    tables = (list(tnp.UNARY_FLOAT) + list(tnp.UNARY) + list(tnp.BINARY_FLOAT)
              + list(tnp.BINARY) + tnp.SAME_SIGNATURE + list(tnp.ADAPTED) + tnp.CONSTANT
              + tnp.ROUNDING + tnp.QUERY)
    source = (PKG / "numpy" / "__init__.py").read_text()
    static = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            static.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            static.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Assign):
            static.update(n.id for t in node.targets for n in ast.walk(t)
                          if isinstance(n, ast.Name))
    built = {n for n in tables if n not in static and n in vars(tnp)}
    assert _type_checking_names(PKG / "numpy" / "__init__.py") == built


def test_mypy_passes_on_the_package():
    """`mypy src/tapegrad` (not strict) is clean, with pyproject's per-module baseline."""
    pytest.importorskip("mypy")
    # the per-module baseline is measured against .venv's NumPy stubs; another NumPy's
    # stubs (scripts/matrix.sh's Pythons, which set TAPEGRAD_TEST_PYTHON) report others
    if os.environ.get("TAPEGRAD_TEST_PYTHON"):
        pytest.skip("the mypy baseline belongs to .venv's NumPy; this is a matrix Python")
    _numpy_stubs_with_defaults()
    cache = Path(tempfile.gettempdir()) / f"tapegrad-mypy-{os.getuid()}"
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache),
         "--config-file", str(ROOT / "pyproject.toml"), "src/tapegrad"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
