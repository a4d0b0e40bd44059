"""Bad input to the public API gets a clear error (issue 13).

Each row below is a callable of the probe table in `_probe_lib.build_specs()` and the
arguments whose hostile values (strings, None, NaN, -1, 2.5 for an int, [] and [['a']],
dicts, huge ints, complex and string arrays, wrong shapes, non-bool flags; see
`_probe_lib.KINDS`) must raise TypeError/ValueError/IndexError/RuntimeError naming the
callable and the argument or value, before any work. Values that PyTorch, NumPy or
TensorFlow accept as well are listed in `_probe_lib.LEGIT` and are not asserted on.
Combinations of arguments that are fine one by one (start after end, sizes that do not
fit, the issue's examples; `_probe_lib.EXPLICIT`) get a clear error too.
`tests/trust/probe_report.py` prints every probe, including the ones not listed here.
"""
import functools

import pytest

from . import _probe_lib as L

# callable: arguments whose every hostile value gets a clear error
CLEAR_TABLE = """
tg.amax: axis keepdims
tg.amin: axis keepdims
tg.argmax: axis keepdims
tg.argmin: axis keepdims
tg.max: axis keepdims
tg.min: axis keepdims
tg.mean: axis keepdims
tg.prod: axis keepdims
tg.sum: axis keepdims
tg.logsumexp: axis keepdims
tg.reduce_sum: axis keepdims
tg.reduce_mean: axis keepdims
tg.reduce_max: axis keepdims
tg.reduce_min: axis keepdims
tg.reduce_prod: axis keepdims
tg.reduce_logsumexp: axis keepdims
tg.std: axis keepdims unbiased
tg.var: axis keepdims unbiased
tg.sum(dim): dim keepdim
tg.mean(dim): dim keepdim
tg.max(dim): dim keepdim
tg.std(dim): dim keepdim
tg.norm: axis
tg.linalg.norm: axis
tg.arange: start end step dtype requires_grad
tg.linspace: start end dtype requires_grad
tg.cat: axis
tg.concat: axis
tg.concatenate: axis
tg.stack: axis
tg.constant: value dtype
tg.convert_to_tensor: value dtype dtype_hint
tg.tensor: data dtype requires_grad
tg.Tensor: data dtype
tg.Variable: initial_value dtype
tg.squeeze: axis
tg.swapaxes: axis1 axis2
tg.split: axis
tg.eye: dtype requires_grad
tg.zeros: dtype requires_grad
tg.ones: dtype requires_grad
tg.rand: dtype requires_grad
tg.randn: dtype requires_grad
tg.full: shape fill_value dtype requires_grad
tg.zeros_like: dtype requires_grad
tg.ones_like: dtype requires_grad
tg.full_like: x fill_value dtype requires_grad
tg.randint: low high dtype
tg.softmax: axis
tg.log_softmax: axis
tg.grad: f argnums
tg.value_and_grad: f argnums
tg.jacfwd: f argnums
tg.jacrev: f argnums
tg.hessian: f
tg.vjp: f
tg.jvp: f tangents
tg.manual_seed: seed
tg.seed: seed
tg.set_rng_state: state
tg.set_grad_enabled: mode
tg.save: metadata
Tensor.data=: value
Tensor.requires_grad=: value
Tensor.log1p: self
Tensor.float: self
Tensor.double: self
Tensor.sum: axis keepdims
Tensor.mean: axis keepdims
Tensor.max: axis keepdims
Tensor.min: axis keepdims
Tensor.prod: axis keepdims
Tensor.logsumexp: axis keepdims
Tensor.std: axis keepdims unbiased
Tensor.var: axis keepdims unbiased
Tensor.argmax: axis keepdims
Tensor.argmin: axis keepdims
Tensor.astype: dtype
Tensor.type: dtype
Tensor.softmax: axis
Tensor.log_softmax: axis
Tensor.norm: axis
Tensor.swapaxes: a b
Tensor.split: axis
Tensor.squeeze: axis
nn.Linear: bias
nn.BatchNorm1d: eps momentum affine track_running_stats
nn.Embedding: padding_idx
nn.GELU: approximate
nn.LayerNorm: eps elementwise_affine bias
nn.LeakyReLU: negative_slope inplace
nn.LogSoftmax: dim
nn.Softmax: dim
nn.Softplus: beta threshold
nn.Dropout: p inplace
nn.CrossEntropyLoss: ignore_index label_smoothing
nn.NLLLoss: ignore_index
nn.Parameter: data
nn.ModuleList: modules
nn.MSELoss.forward: target
nn.BCELoss.forward: target
nn.BCEWithLogitsLoss.forward: target
F.gelu: approximate
F.leaky_relu: negative_slope
F.softmax: dim
F.log_softmax: dim
F.dropout: p
F.mse_loss: target
F.l1_loss: target
F.cross_entropy: ignore_index label_smoothing
F.nll_loss: ignore_index
F.binary_cross_entropy: target weight
F.binary_cross_entropy_with_logits: target weight pos_weight
F.layer_norm: normalized_shape
init.constant_: val
init.eye_: tensor
init.xavier_uniform_: tensor
init.xavier_normal_: tensor gain
init.glorot_uniform_: tensor
init.glorot_normal_: tensor gain
init.kaiming_uniform_: tensor mode
init.kaiming_normal_: tensor mode
init.he_uniform_: tensor mode
init.he_normal_: tensor mode
init.normal_: tensor mean std
init.orthogonal_: tensor gain
init.trunc_normal_: tensor mean std a b
init.uniform_: tensor a b
optim.SGD: lr momentum dampening weight_decay nesterov maximize
optim.Adam: lr betas eps weight_decay amsgrad maximize
optim.AdamW: lr betas eps weight_decay amsgrad maximize
optim.RMSprop: lr alpha eps weight_decay momentum centered maximize
optim.Adagrad: lr lr_decay weight_decay initial_accumulator_value eps maximize
lr_scheduler.StepLR: step_size gamma
lr_scheduler.ExponentialLR: gamma
lr_scheduler.CosineAnnealingLR: T_max eta_min
lr_scheduler.LambdaLR: optimizer lr_lambda
lr_scheduler.MultiStepLR: milestones gamma
"""


def _rows():
    rows = []
    for line in CLEAR_TABLE.strip().splitlines():
        label, args = line.split(": ", 1)
        rows.extend((label, arg) for arg in args.split())
    return rows


@functools.lru_cache(maxsize=None)
def _specs():
    return {spec.label: spec for spec in L.build_specs()}


@functools.lru_cache(maxsize=None)
def _findings(label):
    spec = _specs()[label]
    out = {}
    for name, hostile, call in L.probes(spec):
        before = L.tg.is_grad_enabled()
        try:
            out.setdefault(name, []).append(L.classify(spec, name, hostile, call))
        finally:
            L.tg.set_grad_enabled(before)
    return out


@pytest.mark.parametrize("label,arg", _rows(), ids=[f"{c}-{a}" for c, a in _rows()])
def test_hostile_argument_gets_a_clear_error(label, arg):
    fn, args, kwargs = _specs()[label].make()
    fn(*args, **kwargs)                                 # the valid call itself works
    findings = _findings(label).get(arg)
    assert findings, f"{label}: no probes for {arg!r}"
    bad = [f for f in findings if f.outcome != L.CLEAR and not L.legit_reason(f)]
    assert not bad, "\n".join(map(repr, bad))


def test_every_probe_table_row_names_a_probed_argument():
    known = {(label, name) for label in _specs()
             for name in {n for n, _, _ in L.probes(_specs()[label])}}
    missing = [row for row in _rows() if row not in known]
    assert not missing, missing



# open at the time of writing (strict xfail: they fail loudly once fixed)
OPEN_COMBINATIONS = {
}


def _combination_params():
    out = []
    for label, *_ in L.EXPLICIT:
        marks = ()
        if label in OPEN_COMBINATIONS:
            marks = pytest.mark.xfail(strict=True, reason=OPEN_COMBINATIONS[label])
        out.append(pytest.param(label, marks=marks, id=label))
    return out


@pytest.mark.parametrize("label", _combination_params())
def test_bad_argument_combinations_get_a_clear_error(label):
    (f,) = L.explicit_probes([r for r in L.EXPLICIT if r[0] == label])
    assert f.outcome == L.CLEAR or L.legit_reason(f), repr(f)
