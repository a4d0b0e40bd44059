"""examples/numpy_ports: programs written for HIPS autograd (classic autograd examples
and jax.numpy-style code), each run here with `import tapegrad.numpy as np` and the
other tapegrad imports as its only change. With autograd installed, the same file with
those import lines switched back gives the same values and gradients in float64.

The jax_*.py ports are written for JAX (`import jax.numpy as jnp`, `from jax import
grad, jit, vmap`, jax.scipy) in the style of its tutorials and autodiff cookbook. JAX
runs them op by op in seconds to half a minute each, so their JAX results (x64) are
stored in np_ports_jax_reference.json (`python tests/test_np_ports.py --regenerate`
writes it with JAX) and one port is run through JAX live."""
import ast
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

DIR = Path(__file__).resolve().parent.parent / "examples" / "numpy_ports"
NAMES = sorted(p.stem for p in DIR.glob("*.py") if not p.stem.startswith("jax_"))
JAX_NAMES = sorted(p.stem for p in DIR.glob("jax_*.py"))
JAX_REFERENCE = Path(__file__).with_name("np_ports_jax_reference.json")
# the only lines that differ from the autograd program: tapegrad's module -> autograd's
SWAPS = [("tapegrad.numpy", "autograd.numpy"), ("tapegrad.scipy", "autograd.scipy"),
         ("from tapegrad import", "from autograd import")]
IMPORT = re.compile(r"^(import|from) (tapegrad|autograd)\b")
JAX_SWAPS = [("tapegrad.numpy", "jax.numpy"), ("tapegrad.scipy", "jax.scipy"),
             ("from tapegrad import", "from jax import")]
JAX_IMPORT = re.compile(r"^(import|from) (tapegrad|jax)\b")
# per-program tolerance: long unrolled loops (a fluid solver, training) sum rounding
RTOL = {"fluid": 1e-9, "char_rnn": 1e-10}


def _source(name):
    return (DIR / f"{name}.py").read_text()


def _autograd_source(source, swaps=SWAPS, pattern=IMPORT):
    out = []
    for line in source.splitlines(keepends=True):
        if pattern.match(line):
            for ours, theirs in swaps:
                line = line.replace(ours, theirs)
        out.append(line)
    return "".join(out)


def _jax_source(source):
    return _autograd_source(source, JAX_SWAPS, JAX_IMPORT)


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


# ---------------------------------------------------------------- the JAX ports
def test_there_are_four_to_eight_jax_ports():
    assert 4 <= len(JAX_NAMES) <= 8, JAX_NAMES


@pytest.mark.parametrize("name", JAX_NAMES)
def test_jax_port_only_the_import_lines_name_tapegrad(name):
    source = _source(name)
    body = source.splitlines()[ast.parse(source).body[0].end_lineno:]
    assert "import tapegrad.numpy as jnp" in body
    for line in body:
        if "tapegrad" in line or "jax" in line:
            assert JAX_IMPORT.match(line), f"{name}: {line!r} is not an import line"


def _jax_results(name):
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        out = _run(_jax_source(_source(name)), name, "jax")
        return {k: _value(v) for k, v in out.items()}


def _compare(name, ours, theirs):
    assert ours.keys() == theirs.keys()
    for key in ours:
        a, b = _value(ours[key]), np.asarray(theirs[key])
        assert a.shape == b.shape, f"{name}.{key}: shape {a.shape} != {b.shape}"
        assert np.all(np.isfinite(a)), f"{name}.{key}: not finite"
        np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-10,
                                   atol=1e-12, err_msg=f"{name}.{key}")


@pytest.mark.parametrize("name", JAX_NAMES)
def test_jax_port_matches_jax_x64(name):
    reference = json.loads(JAX_REFERENCE.read_text())[name]
    _compare(name, _run(_source(name), name, "tapegrad"), reference)


def test_jax_reference_is_what_jax_computes():
    # the cheapest port through JAX itself, against the stored reference
    name = "jax_linear_regression"
    reference = json.loads(JAX_REFERENCE.read_text())[name]
    _compare(name, _jax_results(name), reference)


if __name__ == "__main__" and "--regenerate" in sys.argv:
    JAX_REFERENCE.write_text(json.dumps(
        {name: {k: v.tolist() for k, v in _jax_results(name).items()} for name in JAX_NAMES},
        indent=0) + "\n")
