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
tg.abs: x
tg.cos: x
tg.erf: x
tg.exp: x
tg.log: x
tg.log1p: x
tg.neg: x
tg.negative: x
tg.relu: x
tg.sigmoid: x
tg.sign: x
tg.sin: x
tg.sqrt: x
tg.square: x
tg.tan: x
tg.tanh: x
tg.clone: x
tg.stop_gradient: t
tg.add: x y
tg.sub: x y
tg.subtract: x y
tg.mul: x y
tg.multiply: x y
tg.div: x y
tg.divide: x y
tg.pow: x y
tg.maximum: x y
tg.minimum: x y
tg.amax: x axis keepdims
tg.amin: x axis keepdims
tg.argmax: x axis keepdims
tg.argmin: x axis keepdims
tg.max: x axis keepdims
tg.min: x axis keepdims
tg.mean: x axis keepdims
tg.prod: x axis keepdims
tg.sum: x axis keepdims
tg.logsumexp: x axis keepdims
tg.reduce_sum: x axis keepdims
tg.reduce_mean: input_tensor axis keepdims
tg.reduce_max: input_tensor axis keepdims
tg.reduce_min: input_tensor axis keepdims
tg.reduce_prod: x axis keepdims
tg.reduce_logsumexp: x axis keepdims
tg.std: x axis keepdims unbiased
tg.var: x axis keepdims unbiased
tg.sum(dim): dim keepdim
tg.mean(dim): dim keepdim
tg.max(dim): dim keepdim
tg.std(dim): dim keepdim
tg.matmul: x y
tg.dot: x y
tg.outer: x y
tg.norm: x axis keepdims
tg.linalg.norm: x axis keepdims
tg.arange: start end step dtype requires_grad
tg.linspace: start end steps dtype requires_grad
tg.broadcast_to: x shape
tg.cast: x dtype
tg.cat: tensors axis
tg.concat: tensors axis
tg.concatenate: tensors axis
tg.stack: tensors axis
tg.clamp: x min max clip_value_min clip_value_max
tg.clip: x min max clip_value_min clip_value_max
tg.clip_by_value: t clip_value_min clip_value_max
tg.clip_by_global_norm: t_list clip_norm
tg.cond: pred true_fn false_fn
tg.constant: value dtype shape
tg.convert_to_tensor: value dtype dtype_hint
tg.tensor: data dtype requires_grad
tg.Tensor: data dtype requires_grad
tg.Variable: initial_value trainable dtype
tg.einsum: subscripts
tg.expand_dims: x axis
tg.unsqueeze: x dim
tg.squeeze: x axis
tg.swapaxes: x axis1 axis2
tg.transpose: x axes
tg.flatten: x start_dim end_dim
tg.reshape: x shape
tg.split: x split_size_or_sections axis
tg.eye: n m dtype requires_grad
tg.zeros: shape dtype requires_grad
tg.ones: shape dtype requires_grad
tg.rand: shape dtype requires_grad
tg.randn: shape dtype requires_grad
tg.full: shape fill_value dtype requires_grad
tg.zeros_like: x dtype requires_grad
tg.ones_like: x dtype requires_grad
tg.full_like: x fill_value dtype requires_grad
tg.randint: low high size dtype
tg.gelu: x approximate
tg.leaky_relu: x negative_slope alpha
tg.softplus: x beta threshold
tg.softmax: x axis
tg.log_softmax: x axis
tg.where: cond x y
tg.while_loop: cond body maximum_iterations
tg.function: f
tg.grad: f argnums has_aux
tg.value_and_grad: f argnums has_aux
tg.jacfwd: f argnums has_aux
tg.jacrev: f argnums has_aux
tg.hessian: f argnums
tg.vjp: f has_aux
tg.jvp: f tangents has_aux
tg.hvp: f tangents
tg.make_dual: primal tangent
tg.manual_seed: seed
tg.seed: seed
tg.set_rng_state: state
tg.set_grad_enabled: mode
tg.detect_anomaly: check_nan
tg.GradientTape: persistent watch_accessed_variables
tg.gradcheck: f eps atol rtol check_forward_ad raise_exception nondet_tol
tg.gradgradcheck: grad_outputs eps atol rtol
tg.save: path metadata
tg.load: path
tg.viz.to_dot: compact
tg.viz.make_dot: compact
returns:Function.backward: ret
returns:custom_gradient: ret
returns:LambdaLR: ret
Tensor.data=: value
Tensor.requires_grad=: value
x + other: other
other + x: other
x - other: other
other - x: other
x * other: other
other * x: other
x / other: other
other / x: other
x ** other: other
other ** x: other
x @ other: other
other @ x: other
x % other: other
other % x: other
x // other: other
other // x: other
x[index]: index
x[index] = 1: index
x[0] = value: value
Tensor.abs: self
Tensor.cos: self
Tensor.exp: self
Tensor.log: self
Tensor.log1p: self
Tensor.relu: self
Tensor.sigmoid: self
Tensor.sign: self
Tensor.sin: self
Tensor.sqrt: self
Tensor.square: self
Tensor.tan: self
Tensor.tanh: self
Tensor.float: self
Tensor.double: self
Tensor.clone: self
Tensor.sum: axis keepdims dtype
Tensor.mean: axis keepdims dtype
Tensor.max: axis keepdims
Tensor.min: axis keepdims
Tensor.prod: axis keepdims dtype
Tensor.logsumexp: axis keepdims
Tensor.std: axis keepdims unbiased dtype
Tensor.var: axis keepdims unbiased dtype
Tensor.argmax: axis keepdims
Tensor.argmin: axis keepdims
Tensor.add_: other alpha
Tensor.sub_: other alpha
Tensor.mul_: other
Tensor.div_: other
Tensor.copy_: src
Tensor.fill_: value
Tensor.clamp_: min max
Tensor.astype: dtype
Tensor.type: dtype
Tensor.broadcast_to: shape
Tensor.expand: shape
Tensor.reshape: shape
Tensor.view: shape
Tensor.clamp: min max
Tensor.clip: min max
Tensor.matmul: other
Tensor.maximum: other
Tensor.minimum: other
Tensor.pow: exponent
Tensor.expand_dims: axis
Tensor.unsqueeze: dim
Tensor.flatten: start_dim end_dim
Tensor.softmax: axis
Tensor.log_softmax: axis
Tensor.norm: axis keepdims
Tensor.permute: axes
Tensor.transpose: axes
Tensor.swapaxes: axis0 axis1
Tensor.split: split_size_or_sections axis
Tensor.register_hook: fn
Tensor.requires_grad_: requires_grad
Tensor.squeeze: axis
Tensor.to: dtype
Tensor.dot: tensor
Tensor.backward: gradient retain_graph create_graph inputs
Tensor.backward(nonscalar): gradient retain_graph create_graph inputs
autograd.grad: outputs grad_outputs retain_graph create_graph allow_unused
autograd.backward: tensors grad_tensors retain_graph create_graph inputs
tape.gradient: target output_gradients
tape.jacobian: target sources unconnected_gradients
nn.Linear: in_features out_features bias dtype
nn.BatchNorm1d: num_features eps momentum affine track_running_stats dtype
nn.Embedding: num_embeddings embedding_dim padding_idx dtype
nn.Flatten: start_dim end_dim
nn.GELU: approximate
nn.LayerNorm: normalized_shape eps elementwise_affine bias dtype
nn.LeakyReLU: negative_slope inplace
nn.LogSoftmax: dim
nn.Softmax: dim
nn.Softplus: beta threshold
nn.Dropout: p inplace
nn.CrossEntropyLoss: weight ignore_index label_smoothing
nn.NLLLoss: ignore_index
nn.BCELoss: weight
nn.BCEWithLogitsLoss: weight pos_weight
nn.Parameter: data requires_grad
nn.Sequential: modules
nn.ModuleList: modules
nn.Linear.forward: input
nn.BatchNorm1d.forward: input
nn.LayerNorm.forward: input
nn.MSELoss.forward: input target
nn.CrossEntropyLoss.forward: input
nn.NLLLoss.forward: input
nn.BCELoss.forward: input target
nn.BCEWithLogitsLoss.forward: input target
F.relu: input inplace
F.sigmoid: input
F.tanh: input
F.gelu: input approximate
F.leaky_relu: input negative_slope inplace
F.softplus: input beta threshold
F.softmax: input dim
F.log_softmax: input dim
F.dropout: input p training inplace
F.linear: input weight bias
F.mse_loss: input target
F.l1_loss: input target
F.cross_entropy: input ignore_index label_smoothing
F.nll_loss: input ignore_index
F.binary_cross_entropy: input target weight
F.binary_cross_entropy_with_logits: input target weight pos_weight
F.embedding: weight padding_idx
F.layer_norm: input normalized_shape weight bias eps
F.batch_norm: input running_mean running_var weight bias training momentum eps
init.constant_: val
init.eye_: tensor
init.xavier_uniform_: tensor gain
init.xavier_normal_: tensor gain
init.glorot_uniform_: tensor gain
init.glorot_normal_: tensor gain
init.kaiming_uniform_: tensor a mode nonlinearity
init.kaiming_normal_: tensor a mode nonlinearity
init.he_uniform_: tensor a mode nonlinearity
init.he_normal_: tensor a mode nonlinearity
init.normal_: tensor mean std
init.orthogonal_: tensor gain
init.trunc_normal_: tensor mean std a b
init.uniform_: tensor a b
utils.clip_grad_norm_: parameters max_norm norm_type error_if_nonfinite
utils.clip_grad_value_: parameters clip_value
utils.parameters_to_vector: parameters
utils.vector_to_parameters: vec parameters
Module.load_state_dict: strict assign
Module.zero_grad: set_to_none
Module.requires_grad_: requires_grad
Module.apply: fn
Module.add_module: name module
Module.register_buffer: name tensor persistent
Module.get_submodule: target
Optimizer.zero_grad: set_to_none
Optimizer.step: closure
Scheduler.load_state_dict: state_dict
Variable.assign: value read_value
Variable.assign_add: delta read_value
Variable.assign_sub: delta read_value
optim.SGD: params lr momentum dampening weight_decay nesterov maximize
optim.Adam: params lr betas eps weight_decay amsgrad maximize
optim.AdamW: params lr betas eps weight_decay amsgrad maximize
optim.RMSprop: params lr alpha eps weight_decay momentum centered maximize
optim.Adagrad: params lr lr_decay weight_decay initial_accumulator_value eps maximize
lr_scheduler.StepLR: step_size gamma last_epoch
lr_scheduler.ExponentialLR: gamma last_epoch
lr_scheduler.CosineAnnealingLR: T_max eta_min last_epoch
lr_scheduler.LambdaLR: optimizer lr_lambda last_epoch
lr_scheduler.MultiStepLR: milestones gamma last_epoch
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
