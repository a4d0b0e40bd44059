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
           "from tapegrad import grad": "from autograd import grad",
           "from tapegrad import value_and_grad": "from autograd import value_and_grad",
           "import tapegrad.scipy.stats.multivariate_normal as mvn":
               "import autograd.scipy.stats.multivariate_normal as mvn"}
# autograd differentiates odeint's extra arguments only when they come in its own
# container type (autograd.builtins.tuple), so this port has no autograd twin to run
TAPEGRAD_ONLY = {"ode_net"}


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
                          "fixed_points", "neural_net", "gaussian_process", "ode_net"}


@pytest.mark.parametrize("name", sorted(set(NAMES) - TAPEGRAD_ONLY))
def test_example_imports_differ_from_autograd_only_in_the_import_lines(name):
    source = (DIR / f"{name}.py").read_text()
    imports = [line for line in source.splitlines()
               if re.match(r"(import|from) (tapegrad|autograd)", line)]
    assert "import tapegrad.numpy as np" in imports
    assert set(imports) <= set(IMPORTS)


def test_neural_ode_gradient_is_exact_and_training_lowers_the_error():
    ns = {"__name__": "example_ode_net"}
    exec(compile((DIR / "ode_net.py").read_text(), str(DIR / "ode_net.py"), "exec"), ns)
    res = ns["main"](steps=4)
    assert res["losses"][-1] < 0.8 * res["losses"][0]
    p = np.array([0.3, 1.0, -1.2, 0.1, 0.05, -0.02])
    value, grad = tg.value_and_grad(ns["loss"])(p)
    for i in (0, 4):
        e = np.zeros(6)
        e[i] = 1e-6
        fd = (float(ns["loss"](p + e)) - float(ns["loss"](p - e))) / 2e-6
        assert abs(float(grad[i]) - fd) <= 1e-5 * max(1.0, abs(fd))


@pytest.mark.parametrize("name", sorted(set(NAMES) - TAPEGRAD_ONLY))
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
