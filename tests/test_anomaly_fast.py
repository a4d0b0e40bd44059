"""detect_anomaly on the C fast path reports what the pure-Python path reports.

Each scenario below makes a NaN or inf in a backward pass under detect_anomaly. The
file runs itself in two subprocesses, with and without TAPEGRAD_PURE_PYTHON=1, and the
two reports (the AnomalyError text, the op's name, the user's line, the recorded stack)
must be equal, and say what the scenario expects.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.autograd import anomaly
from tapegrad.autograd.anomaly import AnomalyError, format_stack
from tapegrad.ops import _core

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _frames(site):
    """The recorded stack as (file name, line, function), innermost last."""
    out = []
    for s in site:
        code, line = _core.site_line(s)
        out.append([os.path.basename(code.co_filename), line, code.co_name])
    return out


def _report(run):
    """Run a scenario; return its AnomalyError text and the failing node's stack."""
    with tg.detect_anomaly():
        loss, node = run()
        try:
            loss.backward()
        except AnomalyError as e:
            return {"msg": str(e), "frames": _frames(node.site)}
    raise AssertionError("no AnomalyError")


def chain():
    x = tg.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(3):
        y = tg.sin(y * 1.5) + 0.5
    r = tg.sqrt(y - 3.0)                    # CHAIN-LINE: sqrt of negatives, nan gradient
    return r.sum(), r.grad_fn


def broadcast():
    a = tg.tensor(np.ones(4))
    b = tg.tensor(np.array([[1.0], [0.0], [2.0]]), requires_grad=True)
    z = a / b                               # BROADCAST-LINE: (4,) / (3, 1), b has a zero
    return z.sum(), z.grad_fn


class _Scaled(tg.nn.Module):
    def forward(self, x):
        return x * 2.0


def _module_hook(module, inputs, out):
    return tg.sqrt(out - 10.0)              # HOOK-LINE: recorded inside a forward hook


def forward_hook():
    model = _Scaled()
    model.register_forward_hook(_module_hook)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = model(x)                            # MODEL-LINE
    return y.sum(), y.grad_fn


def tensor_hook():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = tg.exp(x)                           # EXP-LINE: its rule meets the hook's nan
    y = h * 3.0
    h.register_hook(lambda g: g * float("nan"))
    return y.sum(), h.grad_fn


def loop():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x
    nodes = []
    for k in range(4):
        y = tg.sqrt(y * (k < 3))            # LOOP-LINE: the last pass takes sqrt(0)
        nodes.append(y.grad_fn)
    # every node made at that line records one shared stack
    assert all(n.site is nodes[0].site for n in nodes)
    return y.sum(), nodes[-1]


SCENARIOS = {"chain": chain, "broadcast": broadcast, "forward_hook": forward_hook,
             "tensor_hook": tensor_hook, "loop": loop}


def _line(marker):
    with open(__file__) as f:
        for k, text in enumerate(f, 1):
            if marker in text and "_line(" not in text:
                return k
    raise AssertionError(marker)


def _run_both():
    """Every scenario's report from a C-path process and a pure-Python process."""
    out = {}
    for mode, pure in (("c", ""), ("pure", "1")):
        env = dict(os.environ, TAPEGRAD_PURE_PYTHON=pure)
        proc = subprocess.run([sys.executable, __file__], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out[mode] = json.loads(proc.stdout)
    return out


@pytest.fixture(scope="module")
def reports():
    if _core.SPEEDUPS is None:
        pytest.skip("the C speedups are not built (or TAPEGRAD_PURE_PYTHON is set)")
    r = _run_both()
    assert r["c"]["speedups"] and not r["pure"]["speedups"]
    return r


EXPECT = {  # scenario -> (op name in the message, the user's lines on the stack)
    "chain": ("SqrtBackward returned nan", ["CHAIN-LINE"]),
    "broadcast": ("DivBackward returned inf", ["BROADCAST-LINE"]),
    "forward_hook": ("SqrtBackward returned nan", ["MODEL-LINE", "HOOK-LINE"]),
    "tensor_hook": ("ExpBackward returned nan", ["EXP-LINE"]),
    "loop": ("SqrtBackward returned inf", ["LOOP-LINE"]),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_c_and_pure_paths_give_the_same_anomaly_report(reports, name):
    c, pure = reports["c"][name], reports["pure"][name]
    assert c == pure
    what, markers = EXPECT[name]
    assert what in c["msg"]
    lines = [_line(m) for m in markers]
    mine = [fr for fr in c["frames"] if fr[0] == os.path.basename(__file__)]
    # the scenario's own lines, innermost last, below the caller (_report)
    assert [fr[1] for fr in mine[-len(lines):]] == lines
    assert mine[-len(lines) - 1][2] == "_report"
    for line in lines:
        assert f'{__file__}", line {line}' in c["msg"]
    # tapegrad's own frames (Module.__call__, apply) are not on the stack
    assert not [fr for fr in c["frames"] if fr[0] in ("module.py", "_core.py")]


def test_broadcast_report_names_the_input_and_its_shape(reports):
    msg = reports["c"]["broadcast"]["msg"]
    assert "gradient for input 1 (shape (3, 1); 4 inf of 12 elements of the rule's (3, 4) " \
        "result)" in msg


def test_c_and_python_stack_capture_agree_in_process(monkeypatch):
    if _core.SPEEDUPS is None:
        pytest.skip("the C speedups are not built (or TAPEGRAD_PURE_PYTHON is set)")
    got = []
    for impl in (_core.SPEEDUPS.anomaly_stack, _core._stack_py):
        monkeypatch.setattr(anomaly, "_anomaly_stack", impl)
        # one call instruction for both; twice, to see that equal stacks are one list
        got.append([anomaly.capture_site() for _ in range(2)])
    (c, c2), (py, py2) = got
    assert c is c2 and py is py2
    assert len(c) == len(py) > 1
    assert all(a is b for a, b in zip(c, py))   # the same interned sites
    assert _frames(c)[-1][2] in ("<listcomp>",
                                 "test_c_and_python_stack_capture_agree_in_process")


def test_deep_stacks_keep_the_innermost_frames():
    def down(k):
        if k:
            return down(k - 1)
        with tg.detect_anomaly(check_nan=False):
            return tg.sin(tg.tensor([1.0], requires_grad=True) * 2.0)
    y = down(30)
    frames = _frames(y.grad_fn.site)
    assert len(frames) == _core.STACK_MAX
    assert all(fr[2] == "down" for fr in frames)
    assert "tg.sin(" in format_stack(y.grad_fn.site).splitlines()[-1]


if __name__ == "__main__":
    result = {"speedups": _core.SPEEDUPS is not None}
    for key, fn in SCENARIOS.items():
        result[key] = _report(fn)
    print(json.dumps(result))
