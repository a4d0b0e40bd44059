"""examples/numpy_ports: programs written for HIPS autograd (classic autograd examples
and jax.numpy-style code), each run here with `import tapegrad.numpy as np` and the
other tapegrad imports as its only change. With autograd installed, the same file with
those import lines switched back gives the same values and gradients in float64."""
import ast
import re
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

DIR = Path(__file__).resolve().parent.parent / "examples" / "numpy_ports"
NAMES = sorted(p.stem for p in DIR.glob("*.py"))
# the only lines that differ from the autograd program: tapegrad's module -> autograd's
SWAPS = [("tapegrad.numpy", "autograd.numpy"), ("tapegrad.scipy", "autograd.scipy"),
         ("from tapegrad import", "from autograd import")]
IMPORT = re.compile(r"^(import|from) (tapegrad|autograd)\b")
# per-program tolerance: long unrolled loops (a fluid solver, training) sum rounding
RTOL = {"fluid": 1e-9, "char_rnn": 1e-10}


def _source(name):
    return (DIR / f"{name}.py").read_text()


def _autograd_source(source):
    out = []
    for line in source.splitlines(keepends=True):
        if IMPORT.match(line):
            for ours, theirs in SWAPS:
                line = line.replace(ours, theirs)
        out.append(line)
    return "".join(out)


def _run(source, name, tag):
    ns = {"__name__": f"port_{tag}_{name}"}
    exec(compile(source, str(DIR / f"{name}.py"), "exec"), ns)
    return ns["main"]()


def _value(v):
    if isinstance(v, tg.Tensor):
        return v.detach().numpy()
    if isinstance(v, (list, tuple)):
        return np.array([_value(x) for x in v])
    return np.asarray(getattr(v, "_value", v))


def test_there_are_six_to_eight_ports():
    assert 6 <= len(NAMES) <= 8, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_only_the_import_lines_name_tapegrad(name):
    source = _source(name)
    body = source.splitlines()[ast.parse(source).body[0].end_lineno:]    # past the docstring
    assert "import tapegrad.numpy as np" in body
    for line in body:
        if "tapegrad" in line or "autograd" in line:
            assert IMPORT.match(line), f"{name}: {line!r} is not an import line"


@pytest.mark.parametrize("name", NAMES)
def test_port_matches_autograd_in_float64(name):
    if name.startswith("digits"):
        pytest.importorskip("sklearn")          # scikit-learn ships the digits
    ours = _run(_source(name), name, "tapegrad")
    pytest.importorskip("autograd")
    theirs = _run(_autograd_source(_source(name)), name, "autograd")
    assert ours.keys() == theirs.keys()
    for key in ours:
        a, b = _value(ours[key]), _value(theirs[key])
        assert a.shape == b.shape, f"{name}.{key}: shape {a.shape} != {b.shape}"
        if b.dtype.kind == "f":
            assert a.dtype == b.dtype, f"{name}.{key}: dtype {a.dtype} != {b.dtype}"
            assert np.all(np.isfinite(a)), f"{name}.{key}: not finite (a diverging run)"
        np.testing.assert_allclose(a.astype(float), b.astype(float),
                                   rtol=RTOL.get(name, 1e-11), atol=1e-12,
                                   err_msg=f"{name}.{key}")
