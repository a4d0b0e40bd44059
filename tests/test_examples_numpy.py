"""examples/numpy: HIPS autograd's example programs ported to tapegrad.numpy. Each runs,
and with autograd installed, the same file with its two tapegrad import lines switched
to autograd's gives the same numbers (so those lines are the only difference)."""
import re
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

DIR = Path(__file__).resolve().parent.parent / "examples" / "numpy"
NAMES = sorted(p.stem for p in DIR.glob("*.py"))
IMPORTS = {"import tapegrad.numpy as np": "import autograd.numpy as np",
           "from tapegrad import grad": "from autograd import grad"}


def _run(source, name):
    ns = {"__name__": f"example_{name}"}
    exec(compile(source, str(DIR / f"{name}.py"), "exec"), ns)
    return ns["main"]()


def _values(v):
    if isinstance(v, (list, tuple)):
        return [_values(x) for x in v]
    if isinstance(v, tg.Tensor):
        return v.detach().numpy()
    return np.asarray(v)


def test_every_example_is_tested():
    assert set(NAMES) >= {"tanh", "logistic_regression", "rosenbrock", "sinusoid",
                          "fixed_points", "neural_net"}


@pytest.mark.parametrize("name", NAMES)
def test_example_imports_differ_from_autograd_only_in_the_two_lines(name):
    source = (DIR / f"{name}.py").read_text()
    imports = [line for line in source.splitlines()
               if re.match(r"(import|from) (tapegrad|autograd)", line)]
    assert sorted(imports) == sorted(IMPORTS)


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_and_matches_autograd(name):
    source = (DIR / f"{name}.py").read_text()
    ours = _run(source, name)
    if name == "fixed_points":
        assert np.isclose(float(ours["d_sqrt2"]), float(ours["exact"]), rtol=1e-12)
    if name == "rosenbrock":
        np.testing.assert_allclose(_values(ours["x"]), [1.0, 1.0], atol=1e-4)
    pytest.importorskip("autograd")
    for ours_line, theirs in IMPORTS.items():
        source = source.replace(ours_line, theirs)
    theirs = _run(source, name)
    assert ours.keys() == theirs.keys()
    for key in ours:
        np.testing.assert_allclose(np.asarray(_values(ours[key]), dtype=float),
                                   np.asarray(_values(theirs[key]), dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=f"{name}: {key}")
