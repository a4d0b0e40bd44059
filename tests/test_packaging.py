"""What a user installing tapegrad, or a packager building it, relies on: one version, the
metadata and the extras, the README's opening, the setup stages, and reprs as PyTorch's."""
import ast
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

if sys.version_info >= (3, 11):
    import tomllib
else:                                   # pragma: no cover - Python 3.10 has no tomllib
    tomllib = None

ROOT = Path(__file__).resolve().parent.parent
needs_tomllib = pytest.mark.skipif(tomllib is None, reason="tomllib is Python 3.11+")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _imported_top_modules(paths):
    """Top-level module names imported anywhere in `paths`, by an import statement or
    pytest.importorskip (read with ast: nothing is imported)."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) ==
                  "importorskip" and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value.split(".")[0])
    return names


# ------------------------------------------------------------------ version and metadata

def test_the_version_is_written_once_and_everything_reads_it():
    text = (ROOT / "src" / "tapegrad" / "_version.py").read_text()
    written = re.findall(r'^__version__ = "([^"]+)"$', text, flags=re.M)
    assert written == [tg.__version__]
    assert tg.show_config.__module__ == "tapegrad._config"
    assert tg._config.config()["tapegrad"] == tg.__version__
    for path in (ROOT / "src" / "tapegrad").rglob("*.py"):
        if path.name != "_version.py":
            assert not re.search(r"^__version__\s*=", path.read_text(), flags=re.M), path
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", tg.__version__)


@needs_tomllib
def test_metadata_names_the_license_and_reads_the_version_from_the_package():
    project = _pyproject()["project"]
    assert project["license"] == "BSD-3-Clause" and project["license-files"] == ["LICENSE"]
    assert "Copyright (c) 2026, The tapegrad developers" in (ROOT / "LICENSE").read_text()
    assert "BSD 3-Clause License" in (ROOT / "LICENSE").read_text()
    assert "version" not in project and project["dynamic"] == ["version"]
    dynamic = _pyproject()["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "tapegrad._version.__version__"}
    assert project["authors"] and project["keywords"] and project["readme"] == "README.md"
    # the Python versions the classifiers name are the ones requires-python admits and
    # cibuildwheel builds
    pythons = sorted(c.rsplit(" ", 1)[1] for c in project["classifiers"]
                     if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert pythons == ["3.10", "3.11", "3.12", "3.13"]
    assert project["requires-python"] == ">=3.10"
    cibw = _pyproject()["tool"]["cibuildwheel"]
    assert cibw["build"].split() == [f"cp{v.replace('.', '')}-*" for v in pythons]
    assert set(cibw["archs"]) == {"x86_64", "aarch64"}
    # an SPDX license expression and a License classifier may not both be given
    assert not any(c.startswith("License ::") for c in project["classifiers"])


@needs_tomllib
def test_extras_are_what_the_code_imports():
    extras = _pyproject()["project"]["optional-dependencies"]
    assert "io" not in extras
    src = _imported_top_modules((ROOT / "src").rglob("*.py"))
    assert "safetensors" not in src, "safetensors is imported: give it back an extra"
    # every optional package the library imports has an extra of its own
    for module, extra in (("graphviz", "viz"), ("tqdm", "progress"), ("scipy", "scipy")):
        assert module in src and extras[extra] == [module]
    tests = _imported_top_modules((ROOT / "tests").rglob("*.py"))
    docs_text = (ROOT / "docs" / "tutorial" / "01-what-is-autodiff.md").read_text()
    assert "import sympy" in docs_text and "sympy" in extras["test"]
    for oracle in ("hypothesis", "scipy", "safetensors", "pytest"):
        assert oracle in tests and oracle in extras["test"], oracle
    assert "torch" in tests and any(r.startswith("torch==") for r in extras["reference"])
    # the demo's extra holds what examples/tour.py and the modules it loads import, minus
    # matplotlib (its one plot is skipped with a hint when it is missing)
    examples = _imported_top_modules([ROOT / "examples" / n for n in
                                      ("tour.py", "digits_mlp.py", "digits_cnn.py")])
    assert "sklearn" in examples and "matplotlib" in examples
    assert extras["demo"] == ["scikit-learn", "tqdm"]
    assert "torch" not in examples and "jax" not in examples
    assert {"mkdocs"} <= {re.split(r"[\[<>=]", r)[0] for r in extras["docs"]}


# ------------------------------------------------------------------ README and setup

def test_readme_opens_with_what_tapegrad_is_then_the_commands_then_pip():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[0] == "# tapegrad"
    text = "\n".join(lines)
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert blocks[0].splitlines()[0].startswith("./demo.sh")
    assert blocks[0].splitlines()[1].startswith("./test.sh")
    assert "pip install tapegrad" in blocks[1]
    # no section heading comes before the commands: they are the first thing one reads
    assert text.index("```bash") < text.index("\n## ")
    extras = set(re.findall(r'pip install "tapegrad\[([a-z]+)\]"', text))
    if tomllib is not None:
        assert extras and extras <= set(_pyproject()["project"]["optional-dependencies"])


def test_demo_and_test_set_up_their_own_stage():
    demo = (ROOT / "demo.sh").read_text()
    test = (ROOT / "test.sh").read_text()
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert re.search(r"^scripts/setup\.sh demo\b", demo, flags=re.M)
    assert re.search(r"^\s*scripts/setup\.sh test\b", test, flags=re.M)
    assert "reference" not in re.search(r"demo\) extras=(\S+)", setup).group(1)
    assert "scripts/check_release.sh" in test


def test_the_sdist_manifest_ships_what_the_tests_read():
    manifest = (ROOT / "MANIFEST.in").read_text()
    lines = manifest.splitlines()
    for line in ("graft tests", "graft docs", "graft examples"):
        assert line in lines
    included = {n for ln in lines if ln.startswith("include ") for n in ln.split()[1:]}
    assert {"LICENSE", "CHANGELOG.md", "README.md"} <= included


# ------------------------------------------------------------------ printing as PyTorch

@pytest.mark.parametrize("shape, text", [
    ((0,), "tensor([])"),
    ((0, 3), "tensor([], size=(0, 3))"),
    ((2, 0), "tensor([], size=(2, 0))"),
    ((3, 0, 2), "tensor([], size=(3, 0, 2))"),
])
def test_an_empty_tensor_prints_its_shape(shape, text):
    assert repr(tg.zeros(*shape)) == text
    assert repr(tg.zeros(*shape, dtype=tg.float64)) == text[:-1] + ", dtype=float64)"
    # "[]" cannot tell an integer tensor: its dtype is printed too, unlike a filled one's
    assert repr(tg.zeros(*shape, dtype=tg.int64)) == text[:-1] + ", dtype=int64)"
    assert repr(tg.ones(2, dtype=tg.int64)) == "tensor([1, 1])"
    x = tg.zeros(*shape, requires_grad=True)
    assert repr(x) == text[:-1] + ", requires_grad=True)"
    assert repr(x * 2) == text[:-1] + ", grad_fn=<MulBackward>)"
    assert str(tg.tensor([])) == "tensor([])"


@pytest.fixture
def print_options():
    from tapegrad import _printing
    saved = dict(_printing._PRINT)
    yield
    _printing._PRINT.update(saved)


def test_printing_matches_torch_for_empty_tensors_and_print_options(print_options):
    torch = pytest.importorskip("torch")

    def same(make):
        ours = repr(make(tg))
        theirs = repr(make(torch)).replace("torch.", "").replace("Backward0", "Backward")
        assert ours == theirs

    for shape in ((0,), (0, 3), (4, 0, 1)):
        for dtype in ("float32", "float64", "int64", "bool"):
            same(lambda m: m.zeros(*shape, dtype=getattr(m, dtype)))
    same(lambda m: m.zeros(0, 2, requires_grad=True) * 3)
    def huge(m):
        return m.tensor(5e200, dtype=m.float64)

    values = [lambda m: m.arange(12.0).reshape(3, 4) / 7, lambda m: m.tensor([1.0, 1e9]),
              lambda m: m.tensor([1.5, 1e-5]), lambda m: m.tensor([-2.5, float("nan")]),
              huge]
    # (PyTorch also moves a suffix such as dtype= to a line of its own past linewidth;
    # tapegrad does not yet, so linewidth is compared on float32 values only)
    settings = [{}, {"precision": 2}, {"sci_mode": True}, {"profile": "short"},
                {"sci_mode": False, "precision": 6}]
    try:
        for options in settings:
            tg.set_printoptions(**options)
            torch.set_printoptions(**options)
            for make in values:
                if not (make is huge and options.get("sci_mode") is False):  # 201 digits
                    same(make)
            tg.set_printoptions(profile="default", sci_mode=None)
            torch.set_printoptions(profile="default", sci_mode=None)
        tg.set_printoptions(linewidth=30)
        torch.set_printoptions(linewidth=30)
        same(lambda m: m.arange(12.0) / 7)
    finally:
        torch.set_printoptions(profile="default", sci_mode=None)


def test_set_printoptions_checks_its_arguments(print_options):
    with pytest.raises(TypeError, match="set_printoptions: linewidth"):
        tg.set_printoptions(linewidth=-1)
    with pytest.raises(TypeError, match="set_printoptions: sci_mode"):
        tg.set_printoptions(sci_mode="yes")
    with pytest.raises(TypeError, match="set_printoptions: threshold"):
        tg.set_printoptions(threshold="10")
    tg.set_printoptions(precision=1)
    assert repr(tg.tensor(np.array([0.26, 1.0], np.float32))) == "tensor([0.3, 1.0])"
