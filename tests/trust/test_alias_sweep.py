"""No write through an alias gives a silent wrong gradient (issue 13).

The sweep runs over every row of tests/ops/cases.py, the Tensor methods and front-ends
that can return their input's memory (`_probe_lib.TENSOR_METHOD_ROWS`) and ops with a
NumPy operand (`_probe_lib.NUMPY_OPERANDS`):

- a result that shares memory with an input, written in place (`r[...] =` under no_grad,
  `r.numpy()`, `np.asarray(r)`, `r.data`, `r.detach()`, `np.multiply(..., out=)`), and
- each input written the same ways after recording (also as a constant the graph saved),
  and a NumPy operand written after recording,

must raise at the write, raise at backward, or leave every gradient equal to the run
without the write. Values that leave the graph through a front door (NumPy functions on
a tensor, tensors built from tensors, `%`, in-place ops, layers, graph mode;
`_probe_lib.GRAD_ROWS`) either raise or get the finite-difference gradient. A leaf made
from the user's memory (`_probe_lib.SOURCE_ROWS`) is not changed by a later write there.
In-place ops on intermediates and views (`_probe_lib.INPLACE_ROWS`) raise or give
PyTorch's values and gradients, and views (basic indexing, reshape, transpose...) see
writes into their base and the base sees writes through them, as in NumPy and PyTorch
(`_probe_lib.VIEW_ROWS`): a copy there would lose a write silently.

After backward (with and without create_graph) no two `.grad`s share memory, nor a
`.grad` and an input or the `gradient=` passed in; a hook that edits its gradient in
place changes no other input's gradient.
"""
import functools

import pytest

from . import _probe_lib as L


# Open at the time of writing (xfail strict: they fail loudly once fixed).
OPEN_NUMPY_OPERANDS = {
}

ROWS = L.sweep_rows()
IDS = [label for label, _, _ in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_writes_through_aliases_never_give_a_silent_wrong_gradient(row):
    found = L.write_probes([row])
    assert found
    bad = [f for f in found if f.outcome in (L.SILENT, L.SETUP) and not L.is_documented(f)]
    assert not bad, "\n".join(map(repr, bad))


def _operand_params():
    out = []
    for label, _, _ in L.NUMPY_OPERANDS:
        marks = ()
        if label in OPEN_NUMPY_OPERANDS:
            marks = pytest.mark.xfail(strict=True, reason=OPEN_NUMPY_OPERANDS[label])
        out.append(pytest.param(label, marks=marks, id=label))
    return out


@functools.lru_cache(maxsize=None)
def _operand_findings():
    return {f.where: f for f in L.numpy_operand_probes()}


@pytest.mark.parametrize("label", _operand_params())
def test_writing_a_numpy_operand_after_recording_is_never_silent(label):
    f = _operand_findings()[label]
    assert f.outcome in (L.OK_WRITE, L.OK_BACKWARD, L.OK_SAME), repr(f)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_grads_never_share_memory_with_each_other_or_the_caller(row):
    found = L.grad_sharing_probes([row])
    bad = [f for f in found if f.outcome != L.OK_SAME]
    assert not bad, "\n".join(map(repr, bad))


HOOK_ROWS = [r for r in ROWS if len(r[2]) >= 2] + L.HOOK_ROWS


@pytest.mark.parametrize("row", HOOK_ROWS, ids=[r[0] for r in HOOK_ROWS])
def test_a_hook_editing_its_gradient_in_place_changes_no_sibling(row):
    found = L.hook_probes([row])
    assert found
    bad = [f for f in found if f.outcome != L.OK_SAME]
    assert not bad, "\n".join(map(repr, bad))


@pytest.mark.parametrize("label", [r[0] for r in L.GRAD_ROWS])
def test_values_never_leave_the_graph_silently(label):
    row = [r for r in L.GRAD_ROWS if r[0] == label]
    (f,) = L.graph_exit_probes(row)
    assert f.outcome in (L.OK_BACKWARD, L.OK_SAME), repr(f)


OPEN_SOURCES = {
}


def _source_params():
    out = []
    for label, _ in L.SOURCE_ROWS:
        marks = ()
        if label in OPEN_SOURCES:
            marks = pytest.mark.xfail(strict=True, reason=OPEN_SOURCES[label])
        out.append(pytest.param(label, marks=marks, id=label))
    return out


@pytest.mark.parametrize("label", _source_params())
def test_writing_the_memory_a_leaf_was_made_from_is_never_silent(label):
    (f,) = L.source_probes([r for r in L.SOURCE_ROWS if r[0] == label])
    assert f.outcome in (L.OK_WRITE, L.OK_BACKWARD, L.OK_SAME), repr(f)


# A view taken before a recorded in-place write to its base raises when used (its
# history is out of date); these rows were silent wrong gradients before.
OPEN_INPLACE = {}


def _inplace_params():
    out = []
    for label, _ in L.INPLACE_ROWS:
        marks = ()
        if label in OPEN_INPLACE:
            marks = pytest.mark.xfail(strict=True, reason=OPEN_INPLACE[label])
        out.append(pytest.param(label, marks=marks, id=label))
    return out


@pytest.mark.parametrize("label", _inplace_params())
def test_in_place_ops_give_torchs_gradient_or_raise(label):
    pytest.importorskip("torch")
    (f,) = L.inplace_probes([r for r in L.INPLACE_ROWS if r[0] == label])
    assert f.outcome != L.SILENT, repr(f)


@pytest.mark.parametrize("label", [r[0] for r in L.VIEW_ROWS])
def test_views_share_memory_with_their_base_as_in_torch(label):
    pytest.importorskip("torch")
    (f,) = L.view_probes([r for r in L.VIEW_ROWS if r[0] == label])
    assert f.outcome == L.OK_SAME, repr(f)
