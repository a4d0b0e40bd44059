"""More of HIPS autograd's example programs and its tutorial, written here in their style
and run with `import tapegrad.numpy as np` (tapegrad.numpy.random, tapegrad.scipy,
tapegrad.misc, tapegrad.extend) as the only change: black_box_svi, bayesian_neural_net,
convnet, fluidsim, wing, gmm, rnn, neural_net_regression, mixture_variational_inference,
deep_gaussian_process, gplvm, bayesian_optimization and the README/tutorial snippets.
The programs are the files in autograd_examples/ (sizes cut so each runs in about a
second; their helper modules gaussian_process.py and data.py inlined).

autograd 1.9.1 (NumPy 2.4, SciPy 1.17) ran the same files with `tapegrad` replaced by
`autograd`; what each program leaves in RESULT is stored in h13_npports_reference.json.
To regenerate it, with autograd installed next to this checkout's tapegrad:
`PYTHONPATH=src python tests/ports/test_h13_npports.py --regenerate`.

Not ported: print_trace.py and dot_graph.py build on autograd.tracer's Node and trace
(autograd's internals, not its NumPy interface); rkhs.py defines its own VSpace and Box
classes through autograd.extend.
"""
import contextlib
import io
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

try:
    from ._port import run
except ImportError:                     # run as a script, to regenerate with autograd
    run = None

DIR = Path(__file__).with_name("autograd_examples")
REFERENCE = Path(__file__).with_name("h13_npports_reference.json")
PROGRAMS = sorted(p.stem for p in DIR.glob("*.py"))
# L-BFGS-B's line search and CG's restarts amplify last-bit differences a little
RTOL = {"bayesian_optimization": 1e-7}


def values(v):
    """RESULT as nested lists of floats (tensors, arrays and numbers)."""
    if isinstance(v, dict):
        return {k: values(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [values(x) for x in v]
    if hasattr(v, "detach"):
        v = v.detach().numpy()
    return np.asarray(v, dtype=float).tolist()


def source(name, lib="tapegrad"):
    text = (DIR / f"{name}.py").read_text()
    return text if lib == "tapegrad" else text.replace("tapegrad", lib)


def run_program(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns, _ = run(source(name), name)
    return values(ns["RESULT"])


def assert_close(ours, theirs, rtol, where):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), where
        for k in theirs:
            assert_close(ours[k], theirs[k], rtol, f"{where}.{k}")
    elif isinstance(theirs, list) and theirs and isinstance(theirs[0], (list, dict)) \
            and np.ndim(np.asarray(theirs, dtype=object)) == 1:
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_close(a, b, rtol, f"{where}[{i}]")
    else:
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-12, err_msg=where)


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_autograd(name):
    reference = json.loads(REFERENCE.read_text())
    assert_close(run_program(name), reference[name], RTOL.get(name, 1e-9), name)


def test_every_program_has_a_reference():
    assert sorted(json.loads(REFERENCE.read_text())) == PROGRAMS


def _regenerate():
    import autograd  # noqa: F401  (the reference library must be importable)
    out = {}
    for name in PROGRAMS:
        ns = {"__name__": f"reference_{name}"}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            exec(compile(source(name, "autograd"), name, "exec"), ns)
        out[name] = values(ns["RESULT"])
    REFERENCE.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    _regenerate()
