"""Bad arguments to nn and optim are refused at construction, naming the class or
function and the argument; checkpoints of optimizers, schedulers and modules are checked
before anything is changed (issue 13)."""
import math

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn, optim
from tapegrad.nn import functional as F
from tapegrad.optim import lr_scheduler as S

NAN = float("nan")


def _p(n=2):
    return [tg.zeros(n, requires_grad=True)]


def _sgd():
    return optim.SGD(_p(), lr=0.1)


def _x():
    return tg.zeros(3, 4)


# (id, call, error type, phrases the message must contain)
PROBES = [
    # optimizers: NaN / inf / negative / wrong type hyperparameters
    ("SGD-lr-nan", lambda: optim.SGD(_p(), lr=NAN), ValueError, ("SGD", "lr", "nan")),
    ("SGD-lr-str", lambda: optim.SGD(_p(), lr="a"), TypeError, ("SGD", "lr", "'a'")),
    ("SGD-lr-None", lambda: optim.SGD(_p(), lr=None), TypeError, ("SGD", "lr", "None")),
    ("SGD-lr-inf", lambda: optim.SGD(_p(), lr=math.inf), ValueError, ("SGD", "lr", "inf")),
    ("SGD-momentum-nan", lambda: optim.SGD(_p(), lr=0.1, momentum=NAN), ValueError,
     ("SGD", "momentum")),
    ("SGD-dampening-neg", lambda: optim.SGD(_p(), lr=0.1, momentum=0.9, dampening=-1),
     ValueError, ("SGD", "dampening")),
    ("SGD-weight_decay-nan", lambda: optim.SGD(_p(), lr=0.1, weight_decay=NAN), ValueError,
     ("SGD", "weight_decay")),
    ("SGD-nesterov-str", lambda: optim.SGD(_p(), lr=0.1, momentum=0.9, nesterov="yes"),
     TypeError, ("SGD", "nesterov")),
    ("SGD-maximize-str", lambda: optim.SGD(_p(), lr=0.1, maximize="no"), TypeError,
     ("SGD", "maximize")),
    ("SGD-params-int", lambda: optim.SGD(5, lr=0.1), TypeError, ("SGD", "params", "5")),
    ("SGD-params-str", lambda: optim.SGD("ab", lr=0.1), TypeError, ("SGD", "params", "'ab'")),
    ("SGD-group-unknown-key", lambda: optim.SGD([{"params": _p(), "lrr": 1.0}], lr=0.1),
     ValueError, ("SGD", "lrr")),
    ("SGD-group-no-params", lambda: optim.SGD([{"lr": 1.0}], lr=0.1), ValueError,
     ("SGD", "params")),
    ("SGD-group-lr-nan", lambda: optim.SGD([{"params": _p(), "lr": NAN}], lr=0.1), ValueError,
     ("SGD", "lr")),
    ("SGD-groups-mixed", lambda: optim.SGD([{"params": _p()}] + _p(), lr=0.1), TypeError,
     ("SGD", "params")),
    ("Adam-lr-nan", lambda: optim.Adam(_p(), lr=NAN), ValueError, ("Adam", "lr")),
    ("Adam-eps-nan", lambda: optim.Adam(_p(), eps=NAN), ValueError, ("Adam", "eps")),
    ("Adam-weight_decay-nan", lambda: optim.Adam(_p(), weight_decay=NAN), ValueError,
     ("Adam", "weight_decay")),
    ("Adam-betas-float", lambda: optim.Adam(_p(), betas=0.9), TypeError, ("Adam", "betas")),
    ("Adam-betas-three", lambda: optim.Adam(_p(), betas=(0.9, 0.9, 0.9)), TypeError,
     ("Adam", "betas")),
    ("Adam-amsgrad-str", lambda: optim.Adam(_p(), amsgrad="x"), TypeError,
     ("Adam", "amsgrad")),
    ("AdamW-lr-nan", lambda: optim.AdamW(_p(), lr=NAN), ValueError, ("AdamW", "lr")),
    ("RMSprop-alpha-nan", lambda: optim.RMSprop(_p(), alpha=NAN), ValueError,
     ("RMSprop", "alpha")),
    ("RMSprop-alpha-2", lambda: optim.RMSprop(_p(), alpha=2.0), ValueError,
     ("RMSprop", "alpha")),
    ("RMSprop-eps-nan", lambda: optim.RMSprop(_p(), eps=NAN), ValueError, ("RMSprop", "eps")),
    ("RMSprop-momentum-nan", lambda: optim.RMSprop(_p(), momentum=NAN), ValueError,
     ("RMSprop", "momentum")),
    ("RMSprop-lr-str", lambda: optim.RMSprop(_p(), lr="a"), TypeError, ("RMSprop", "lr")),
    ("Adagrad-lr_decay-nan", lambda: optim.Adagrad(_p(), lr_decay=NAN), ValueError,
     ("Adagrad", "lr_decay")),
    ("Adagrad-initial_accumulator_value-nan",
     lambda: optim.Adagrad(_p(), initial_accumulator_value=NAN), ValueError,
     ("Adagrad", "initial_accumulator_value")),
    ("Adagrad-lr-inf", lambda: optim.Adagrad(_p(), lr=math.inf), ValueError,
     ("Adagrad", "lr")),
    ("step-closure-str", lambda: _sgd().step(closure="a"), TypeError, ("step", "closure")),
    ("zero_grad-set_to_none-str", lambda: _sgd().zero_grad("a"), TypeError,
     ("zero_grad", "set_to_none")),
    ("apply_gradients-grad-str",
     lambda: optim.SGD(_p(), lr=0.1).apply_gradients([("ab", tg.zeros(2, requires_grad=True))]),
     TypeError, ("apply_gradients", "gradient", "'ab'")),
    ("apply_gradients-wrong-shape",
     lambda: optim.SGD(None, lr=0.1).apply_gradients([(tg.zeros(3), tg.zeros(2))]),
     ValueError, ("apply_gradients", "(3,)", "(2,)")),
    ("apply_gradients-not-pairs", lambda: _sgd().apply_gradients("ab"), TypeError,
     ("apply_gradients", "'ab'")),
    # schedulers
    ("StepLR-step_size-float", lambda: S.StepLR(_sgd(), step_size=1.5), TypeError,
     ("StepLR", "step_size", "1.5")),
    ("StepLR-step_size-str", lambda: S.StepLR(_sgd(), step_size="a"), TypeError,
     ("StepLR", "step_size")),
    ("StepLR-gamma-nan", lambda: S.StepLR(_sgd(), 2, gamma=NAN), ValueError,
     ("StepLR", "gamma")),
    ("StepLR-gamma-neg", lambda: S.StepLR(_sgd(), 2, gamma=-1.0), ValueError,
     ("StepLR", "gamma")),
    ("StepLR-last_epoch-str", lambda: S.StepLR(_sgd(), 2, last_epoch="a"), TypeError,
     ("StepLR", "last_epoch")),
    ("StepLR-last_epoch-float", lambda: S.StepLR(_sgd(), 2, last_epoch=1.5), TypeError,
     ("StepLR", "last_epoch")),
    ("StepLR-last_epoch-below", lambda: S.StepLR(_sgd(), 2, last_epoch=-5), ValueError,
     ("StepLR", "last_epoch")),
    ("MultiStepLR-milestone-float", lambda: S.MultiStepLR(_sgd(), [1.5]), TypeError,
     ("MultiStepLR", "milestones")),
    ("MultiStepLR-milestones-int", lambda: S.MultiStepLR(_sgd(), 3), TypeError,
     ("MultiStepLR", "milestones")),
    ("MultiStepLR-gamma-nan", lambda: S.MultiStepLR(_sgd(), [1], gamma=NAN), ValueError,
     ("MultiStepLR", "gamma")),
    ("ExponentialLR-gamma-nan", lambda: S.ExponentialLR(_sgd(), NAN), ValueError,
     ("ExponentialLR", "gamma")),
    ("ExponentialLR-gamma-neg", lambda: S.ExponentialLR(_sgd(), -1.0), ValueError,
     ("ExponentialLR", "gamma")),
    ("CosineAnnealingLR-T_max-float", lambda: S.CosineAnnealingLR(_sgd(), 1.5), TypeError,
     ("CosineAnnealingLR", "T_max")),
    ("CosineAnnealingLR-eta_min-nan", lambda: S.CosineAnnealingLR(_sgd(), 5, eta_min=NAN),
     ValueError, ("CosineAnnealingLR", "eta_min")),
    ("CosineAnnealingLR-eta_min-neg", lambda: S.CosineAnnealingLR(_sgd(), 5, eta_min=-1.0),
     ValueError, ("CosineAnnealingLR", "eta_min")),
    ("LambdaLR-not-optimizer", lambda: S.LambdaLR("x", lambda e: 1.0), TypeError,
     ("LambdaLR", "optimizer", "Optimizer")),
    ("LambdaLR-not-callable", lambda: S.LambdaLR(_sgd(), 3), TypeError,
     ("LambdaLR", "lr_lambda")),
    # layers: sizes are ints, never truncated
    ("Linear-in_features-float", lambda: nn.Linear(2.5, 3), TypeError,
     ("Linear", "in_features", "2.5")),
    ("Linear-out_features-float", lambda: nn.Linear(3, 0.5), TypeError,
     ("Linear", "out_features")),
    ("Linear-in_features-neg", lambda: nn.Linear(-1, 3), ValueError,
     ("Linear", "in_features", "-1")),
    ("Linear-in_features-str", lambda: nn.Linear("a", 3), TypeError,
     ("Linear", "in_features")),
    ("Linear-in_features-bool", lambda: nn.Linear(True, 3), TypeError,
     ("Linear", "in_features")),
    ("Linear-bias-str", lambda: nn.Linear(3, 3, bias="no"), TypeError, ("Linear", "bias")),
    ("Embedding-num_embeddings-float", lambda: nn.Embedding(10.5, 3), TypeError,
     ("Embedding", "num_embeddings")),
    ("Embedding-num_embeddings-neg", lambda: nn.Embedding(-1, 3), ValueError,
     ("Embedding", "num_embeddings")),
    ("Embedding-padding_idx-float", lambda: nn.Embedding(10, 3, padding_idx=1.5), TypeError,
     ("Embedding", "padding_idx")),
    ("LayerNorm-shape-float", lambda: nn.LayerNorm(2.5), TypeError,
     ("LayerNorm", "normalized_shape")),
    ("LayerNorm-shape-zero", lambda: nn.LayerNorm(0), ValueError,
     ("LayerNorm", "normalized_shape")),
    ("LayerNorm-shape-str", lambda: nn.LayerNorm("ab"), TypeError,
     ("LayerNorm", "normalized_shape")),
    ("LayerNorm-eps-nan", lambda: nn.LayerNorm(3, eps=NAN), ValueError, ("LayerNorm", "eps")),
    ("LayerNorm-eps-neg", lambda: nn.LayerNorm(3, eps=-1.0), ValueError,
     ("LayerNorm", "eps")),
    ("BatchNorm1d-zero", lambda: nn.BatchNorm1d(0), ValueError,
     ("BatchNorm1d", "num_features")),
    ("BatchNorm1d-float", lambda: nn.BatchNorm1d(2.5), TypeError,
     ("BatchNorm1d", "num_features")),
    ("BatchNorm1d-momentum-nan", lambda: nn.BatchNorm1d(3, momentum=NAN), ValueError,
     ("BatchNorm1d", "momentum")),
    ("BatchNorm1d-momentum-str", lambda: nn.BatchNorm1d(3, momentum="a"), TypeError,
     ("BatchNorm1d", "momentum")),
    ("BatchNorm1d-eps-neg", lambda: nn.BatchNorm1d(3, eps=-1.0), ValueError,
     ("BatchNorm1d", "eps")),
    ("Dropout-p-str", lambda: nn.Dropout(p="a"), TypeError, ("Dropout", "p", "'a'")),
    ("F.dropout-p-str", lambda: F.dropout(_x(), p="a"), TypeError, ("dropout", "p", "'a'")),
    ("Flatten-start_dim-float", lambda: nn.Flatten(start_dim=1.5), TypeError,
     ("Flatten", "start_dim")),
    ("Flatten-end_dim-str", lambda: nn.Flatten(end_dim="a"), TypeError,
     ("Flatten", "end_dim")),
    ("Softmax-dim-float", lambda: nn.Softmax(dim=1.5), TypeError, ("Softmax", "dim")),
    ("F.softmax-dim-float", lambda: F.softmax(_x(), dim=1.5), TypeError, ("softmax", "dim")),
    # dim=None was a softmax over all elements; PyTorch's (deprecated) implicit dim is 1
    ("F.softmax-dim-None", lambda: F.softmax(_x(), dim=None), TypeError, ("softmax", "dim")),
    ("Softmax-dim-None", lambda: nn.Softmax(dim=None), TypeError, ("Softmax", "dim")),
    ("LogSoftmax-dim-str", lambda: nn.LogSoftmax(dim="a"), TypeError, ("LogSoftmax", "dim")),
    ("Softplus-beta-str", lambda: nn.Softplus(beta="a"), TypeError, ("Softplus", "beta")),
    ("Softplus-beta-zero", lambda: nn.Softplus(beta=0), ValueError, ("Softplus", "beta")),
    ("GELU-approximate", lambda: nn.GELU("bogus"), ValueError,
     ("GELU", "approximate", "'bogus'")),
    ("F.gelu-approximate", lambda: F.gelu(_x(), approximate="bogus"), ValueError,
     ("gelu", "approximate", "'bogus'")),
    ("LeakyReLU-slope-str", lambda: nn.LeakyReLU(negative_slope="a"), TypeError,
     ("LeakyReLU", "negative_slope")),
    ("LeakyReLU-slope-nan", lambda: nn.LeakyReLU(negative_slope=NAN), ValueError,
     ("LeakyReLU", "negative_slope")),
    ("F.leaky_relu-slope-str", lambda: F.leaky_relu(_x(), "a"), TypeError,
     ("leaky_relu", "negative_slope")),
    ("ReLU-inplace-str", lambda: nn.ReLU(inplace="yes"), TypeError, ("ReLU", "inplace")),
    ("Dropout-inplace-str", lambda: nn.Dropout(0.5, inplace="yes"), TypeError,
     ("Dropout", "inplace")),
    ("LayerNorm-elementwise_affine-str", lambda: nn.LayerNorm(3, elementwise_affine="no"),
     TypeError, ("LayerNorm", "elementwise_affine")),
    ("BatchNorm1d-affine-str", lambda: nn.BatchNorm1d(3, affine="no"), TypeError,
     ("BatchNorm1d", "affine")),
    # containers and registration
    ("Sequential-str", lambda: nn.Sequential("a"), TypeError, ("Sequential", "'a'")),
    ("ModuleList-int", lambda: nn.ModuleList(3), TypeError, ("ModuleList", "modules")),
    ("ModuleDict-list", lambda: nn.ModuleDict([1]), TypeError, ("ModuleDict", "modules")),
    ("add_module-tensor", lambda: nn.Module().add_module("a", tg.zeros(1)), TypeError,
     ("add_module", "'a'")),
    ("add_module-int-name", lambda: nn.Module().add_module(3, nn.ReLU()), TypeError,
     ("add_module", "name")),
    ("register_parameter-int-name",
     lambda: nn.Module().register_parameter(1, nn.Parameter(tg.zeros(1))), TypeError,
     ("register_parameter", "name")),
    ("register_parameter-tensor",
     lambda: nn.Module().register_parameter("a", tg.zeros(1)), TypeError,
     ("register_parameter", "'a'")),
    ("Parameter-str", lambda: nn.Parameter("a"), TypeError, ("Parameter", "data", "'a'")),
    ("Parameter-int-tensor", lambda: nn.Parameter(tg.tensor([1, 2])), RuntimeError,
     ("Parameter", "int64")),
    ("Parameter-requires_grad-str", lambda: nn.Parameter(tg.zeros(2), requires_grad="y"),
     TypeError, ("Parameter", "requires_grad")),
    ("load_state_dict-strict-str",
     lambda: nn.Linear(2, 2).load_state_dict(nn.Linear(2, 2).state_dict(), strict="no"),
     TypeError, ("load_state_dict", "strict")),
    # losses
    ("CrossEntropyLoss-label_smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=1.5),
     ValueError, ("CrossEntropyLoss", "label_smoothing")),
    ("CrossEntropyLoss-label_smoothing-nan",
     lambda: nn.CrossEntropyLoss(label_smoothing=NAN), ValueError,
     ("CrossEntropyLoss", "label_smoothing")),
    ("CrossEntropyLoss-ignore_index", lambda: nn.CrossEntropyLoss(ignore_index=1.5),
     TypeError, ("CrossEntropyLoss", "ignore_index")),
    ("CrossEntropyLoss-weight-2d", lambda: nn.CrossEntropyLoss(weight=[[1.0, 2.0]]),
     ValueError, ("CrossEntropyLoss", "weight")),
    ("CrossEntropyLoss-weight-str", lambda: nn.CrossEntropyLoss(weight="a"), TypeError,
     ("CrossEntropyLoss", "weight")),
    ("NLLLoss-ignore_index", lambda: nn.NLLLoss(ignore_index="a"), TypeError,
     ("NLLLoss", "ignore_index")),
    ("NLLLoss-weight-str", lambda: nn.NLLLoss(weight="a"), TypeError, ("NLLLoss", "weight")),
    ("BCEWithLogitsLoss-pos_weight-str", lambda: nn.BCEWithLogitsLoss(pos_weight="a"),
     TypeError, ("BCEWithLogitsLoss", "pos_weight")),
    ("BCELoss-weight-str", lambda: nn.BCELoss(weight="a"), TypeError, ("BCELoss", "weight")),
    ("BCEWithLogitsLoss-weight-str", lambda: nn.BCEWithLogitsLoss(weight=["a"]), TypeError,
     ("BCEWithLogitsLoss", "weight")),
    ("F.l1_loss-target-str", lambda: F.l1_loss(tg.zeros(4), "a"), TypeError,
     ("l1_loss", "target")),
    ("F.nll_loss-weight-2d",
     lambda: F.nll_loss(_x(), tg.tensor([1, 0, 1]), weight=tg.ones(2, 2)), ValueError,
     ("nll_loss", "weight")),
    ("F.cross_entropy-ignore_index",
     lambda: F.cross_entropy(_x(), tg.tensor([1, 0, 1]), ignore_index=1.5), TypeError,
     ("cross_entropy", "ignore_index")),
    ("F.cross_entropy-weight-2d",
     lambda: F.cross_entropy(_x(), tg.tensor([1, 0, 1]), weight=tg.ones(2, 2)), ValueError,
     ("cross_entropy", "weight")),
    ("F.cross_entropy-weight-len-probs",
     lambda: F.cross_entropy(_x(), tg.zeros(3, 4), weight=tg.ones(3)), ValueError,
     ("cross_entropy", "weight")),
    ("F.cross_entropy-float-indices",
     lambda: F.cross_entropy(_x(), tg.tensor([1.0, 0.0, 1.0])), ValueError,
     ("cross_entropy", "integers")),
    ("F.bce_with_logits-pos_weight-shape",
     lambda: F.binary_cross_entropy_with_logits(_x(), tg.zeros(3, 4), pos_weight=tg.ones(3)),
     ValueError, ("binary_cross_entropy_with_logits", "pos_weight", "(3,)")),
    ("F.bce_with_logits-weight-shape",
     lambda: F.binary_cross_entropy_with_logits(_x(), tg.zeros(3, 4), weight=tg.ones(3)),
     ValueError, ("binary_cross_entropy_with_logits", "weight", "(3,)")),
    ("F.binary_cross_entropy-weight-shape",
     lambda: F.binary_cross_entropy(tg.zeros(3, 4), tg.zeros(3, 4), weight=tg.ones(3)),
     ValueError, ("binary_cross_entropy", "weight")),
    ("F.mse_loss-target-str", lambda: F.mse_loss(tg.zeros(4), "a"), TypeError,
     ("mse_loss", "target")),
    ("F.linear-bias-shape", lambda: F.linear(_x(), tg.ones(2, 4), tg.ones(3)), ValueError,
     ("linear", "bias", "(3,)")),
    ("F.layer_norm-shape-float", lambda: F.layer_norm(_x(), 2.5), TypeError,
     ("layer_norm", "normalized_shape")),
    # calls with the wrong input
    ("Linear-call-in_features", lambda: nn.Linear(5, 3)(_x()), ValueError,
     ("Linear(in_features=5", "(3, 4)")),
    ("Linear-call-str", lambda: nn.Linear(5, 3)("a"), TypeError, ("Linear", "'a'")),
    ("LayerNorm-call-shape", lambda: nn.LayerNorm(5)(_x()), ValueError,
     ("LayerNorm((5,))", "(3, 4)")),
    # functional hyperparameters (checked only when they are not plain floats / bools)
    ("F.softplus-beta-zero", lambda: F.softplus(_x(), beta=0), ValueError,
     ("softplus", "beta")),
    ("F.layer_norm-eps-neg", lambda: F.layer_norm(_x(), 4, eps=-1.0), ValueError,
     ("layer_norm", "eps")),
    ("F.batch_norm-momentum-nan",
     lambda: F.batch_norm(_x(), tg.zeros(4), tg.ones(4), training=True, momentum=NAN),
     ValueError, ("batch_norm", "momentum")),
    ("F.batch_norm-training-str",
     lambda: F.batch_norm(_x(), tg.zeros(4), tg.ones(4), training="no"), TypeError,
     ("batch_norm", "training")),
    ("F.embedding-padding_idx-float",
     lambda: F.embedding(tg.tensor([1]), tg.ones(5, 2), padding_idx=1.5), TypeError,
     ("embedding", "padding_idx")),
    ("F.dropout-training-str", lambda: F.dropout(_x(), 0.5, training="False"), TypeError,
     ("dropout", "training")),
    ("F.mse_loss-input-str", lambda: F.mse_loss("a", tg.zeros(())), TypeError,
     ("mse_loss", "input")),
    # module methods
    ("Sequential-index-float", lambda: nn.Sequential(nn.ReLU(), nn.ReLU())[1.5], TypeError,
     ("Sequential", "index")),
    ("ModuleList-index-float", lambda: nn.ModuleList([nn.ReLU()])[1.5], TypeError,
     ("ModuleList", "index")),
    ("register_forward_hook-str", lambda: nn.ReLU().register_forward_hook("a"), TypeError,
     ("register_forward_hook", "hook")),
    ("apply-str", lambda: nn.ReLU().apply("a"), TypeError, ("apply", "fn")),
    ("get_submodule-int", lambda: nn.ReLU().get_submodule(1), TypeError,
     ("get_submodule", "target")),
    ("Module.zero_grad-str", lambda: nn.Linear(2, 2).zero_grad("a"), TypeError,
     ("zero_grad", "set_to_none")),
    ("load_state_dict-value-str",
     lambda: nn.Linear(2, 2).load_state_dict({"weight": "ab", "bias": "cd"}), RuntimeError,
     ('"weight"', "numeric")),
    ("minimize-var_list-int", lambda: _sgd().minimize(lambda: tg.zeros(()), 3), TypeError,
     ("minimize", "var_list")),
    # init
    ("init.uniform_-a-str", lambda: nn.init.uniform_(tg.zeros(2), "a"), TypeError,
     ("uniform_", "a")),
    ("init.uniform_-a-above-b", lambda: nn.init.uniform_(tg.zeros(2), 2.0, 1.0), ValueError,
     ("uniform_", "a <= b")),
    ("init.normal_-std-neg", lambda: nn.init.normal_(tg.zeros(2), std=-1.0), ValueError,
     ("normal_", "std")),
    ("init.normal_-int-tensor", lambda: nn.init.normal_(tg.tensor([0, 0])), TypeError,
     ("normal_", "floating")),
    ("init.constant_-str", lambda: nn.init.constant_(tg.zeros(2), "a"), TypeError,
     ("constant_", "val")),
    ("init.trunc_normal_-std-neg", lambda: nn.init.trunc_normal_(tg.zeros(2), std=-1.0),
     ValueError, ("trunc_normal_", "std")),
    ("init.orthogonal_-not-tensor", lambda: nn.init.orthogonal_([[0.0]]), TypeError,
     ("orthogonal_", "tg.Tensor")),
    ("init.kaiming_normal_-int-tensor",
     lambda: nn.init.kaiming_normal_(tg.tensor([[0, 0], [0, 0]])), TypeError,
     ("kaiming_normal_", "floating")),
    ("init.xavier_normal_-gain-nan", lambda: nn.init.xavier_normal_(tg.zeros(2, 2), gain=NAN),
     ValueError, ("xavier_normal_", "gain")),
    ("init.kaiming-mode", lambda: nn.init.kaiming_uniform_(tg.zeros(2, 2), mode="bogus"),
     ValueError, ("kaiming_uniform_", "mode")),
]


@pytest.mark.parametrize("call,exc,phrases", [p[1:] for p in PROBES],
                         ids=[p[0] for p in PROBES])
def test_bad_argument_is_refused_naming_the_function_and_argument(call, exc, phrases):
    with pytest.raises(exc) as info:
        call()
    message = str(info.value)
    missing = [p for p in phrases if p not in message]
    assert not missing, f"message {message!r} does not mention {missing}"


def test_non_integer_sizes_are_not_truncated():
    # the silent case of the issue: Linear(2.5, 3) made a layer with in_features=2
    for call in (lambda: nn.Linear(2.5, 3), lambda: nn.Embedding(10.5, 3),
                 lambda: nn.BatchNorm1d(2.5), lambda: S.StepLR(_sgd(), 1.5)):
        with pytest.raises(TypeError, match="must be an int, got"):
            call()


def test_accepted_spellings_of_valid_arguments_still_work():
    # what the checks must not refuse: NumPy scalars, 0-d tensors, lists for pairs
    p = tg.zeros(2, requires_grad=True)
    opt = optim.Adam([p], lr=tg.tensor(0.01), betas=[0.9, np.float32(0.99)])
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)
    assert opt.param_groups[0]["betas"] == (0.9, pytest.approx(0.99))
    assert nn.Linear(np.int64(3), 2).in_features == 3
    assert nn.LayerNorm([2, 3]).normalized_shape == (2, 3)
    assert nn.BatchNorm1d(3, momentum=None).momentum is None
    assert S.StepLR(optim.SGD([tg.zeros(1, requires_grad=True)], lr=1), np.int64(2)) \
        .step_size == 2


def test_two_parameters_over_one_buffer_are_refused():
    # PyTorch steps such a buffer twice per step, silently
    t = tg.zeros(2)
    a, b = nn.Parameter(t), nn.Parameter(t)
    with pytest.raises(ValueError, match="SGD: two parameters .* share memory"):
        optim.SGD([a, b], lr=1.0)
    opt = optim.SGD([a], lr=1.0)
    with pytest.raises(ValueError, match="share memory"):
        opt.add_param_group({"params": [b]})


# ------------------------------------------------------------------ apply_gradients

def test_apply_gradients_checks_every_pair_before_updating_any():
    a = tg.Variable([1.0, 2.0])
    b = tg.Variable([1.0, 2.0])
    opt = optim.SGD(None, lr=0.5)
    with pytest.raises(ValueError, match=r"apply_gradients: gradient of shape \(3,\)"):
        opt.apply_gradients([(tg.ones(2), a), (tg.ones(3), b)])
    np.testing.assert_array_equal(np.array(a.tolist()), [1.0, 2.0])   # a not updated
    assert opt.param_groups == [] and opt.iterations == 0


def test_apply_gradients_refuses_one_variable_twice():
    # applying both would take two steps for one variable (shared layer listed twice)
    v = tg.Variable([1.0])
    with pytest.raises(ValueError, match="appears twice"):
        optim.SGD(None, lr=0.1).apply_gradients([(tg.ones(1), v), (tg.ones(1), v)])
    assert v.tolist() == [1.0]


# ------------------------------------------------------------------ optimizer checkpoints

def _trained_adam():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype="float64", requires_grad=True)
    b = tg.tensor([0.5, -0.5], dtype="float64", requires_grad=True)
    opt = optim.Adam([w, b], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        ((w * w).sum() + (b * b).sum()).backward()
        opt.step()
    return opt


def _snapshot(opt):
    sd = opt.state_dict()
    groups = [dict(g) for g in sd["param_groups"]]
    state = {i: {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in s.items()}
             for i, s in sd["state"].items()}
    return groups, state


def _garble(kind, sd):
    if kind == "state-key-missing":
        del sd["state"][0]["exp_avg"]
    elif kind == "state-key-unknown":
        sd["state"][0]["momentum"] = sd["state"][0]["exp_avg"]
    elif kind == "state-not-dict":
        sd["state"][1] = 3.0
    elif kind == "step-negative":
        sd["state"][0]["step"] = -1
    elif kind == "step-str":
        sd["state"][0]["step"] = "x"
    elif kind == "state-array-str":
        sd["state"][0]["exp_avg_sq"] = np.array([["a", "b"], ["c", "d"]])
    elif kind == "group-key-unknown":
        sd["param_groups"][0]["lrr"] = 0.1
    elif kind == "group-lr-nan":
        sd["param_groups"][0]["lr"] = NAN
    elif kind == "group-betas-bad":
        sd["param_groups"][0]["betas"] = (1.5, 0.9)
    elif kind == "group-index-str":
        sd["param_groups"][0]["params"] = ["a", 1]
    return sd


GARBLES = ["state-key-missing", "state-key-unknown", "state-not-dict", "step-negative",
           "step-str", "state-array-str", "group-key-unknown", "group-lr-nan",
           "group-betas-bad", "group-index-str"]


@pytest.mark.parametrize("kind", GARBLES)
def test_optimizer_load_state_dict_refuses_a_garbled_state_and_changes_nothing(kind):
    opt = _trained_adam()
    before = _snapshot(opt)
    bad = _garble(kind, _trained_adam().state_dict())
    with pytest.raises(ValueError, match="Adam.load_state_dict"):
        opt.load_state_dict(bad)
    assert _snapshot(opt) == before


def test_optimizer_load_state_dict_copies_the_arrays_in():
    # a guard on documented behaviour (it held before issue 13 too)
    opt = _trained_adam()
    sd = _trained_adam().state_dict()
    opt.load_state_dict(sd)
    before = _snapshot(opt)
    for s in sd["state"].values():
        s["exp_avg"]._data[...] = 1e6              # writing into the source afterwards
    assert _snapshot(opt) == before


# ------------------------------------------------------------------ scheduler checkpoints

@pytest.mark.parametrize("key,value", [("last_epoch", "a"), ("step_size", 1.5),
                                       ("gamma", NAN), ("base_lrs", [0.1, 0.2]),
                                       ("bogus", 1)])
def test_scheduler_load_state_dict_refuses_garbage_and_changes_nothing(key, value):
    sched = S.StepLR(_sgd(), step_size=2, gamma=0.5)
    sched.step()
    before = sched.state_dict()
    bad = dict(before, **{key: value})
    with pytest.raises(ValueError, match="StepLR.load_state_dict"):
        sched.load_state_dict(bad)
    assert sched.state_dict() == before


def test_step_refuses_a_nan_lr_set_by_hand_before_changing_a_parameter():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.ones(2)
    opt.param_groups[0]["lr"] = NAN
    with pytest.raises(ValueError, match="SGD.step: invalid learning rate: nan"):
        opt.step()
    assert p.tolist() == [1.0, 2.0]


def test_a_schedule_giving_a_nan_lr_raises_before_any_group_changes():
    opt = optim.SGD([{"params": _p()}, {"params": _p()}], lr=0.1)
    sched = S.LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0 if e < 1 else NAN])
    with pytest.raises(ValueError, match="LambdaLR.step.*group 1"):
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.1]


def test_a_schedule_returning_a_0d_tensor_sets_a_float_lr():
    opt = optim.SGD(_p(), lr=1.0)
    S.LambdaLR(opt, lambda e: tg.tensor(0.5))
    assert type(opt.param_groups[0]["lr"]) is float and opt.param_groups[0]["lr"] == 0.5


# ------------------------------------------------------------------ module state dicts

def test_module_load_state_dict_copies_so_the_source_can_be_reused():
    # a guard on documented behaviour (it held before issue 13 too)
    src = nn.Linear(2, 2)
    dst = nn.Linear(2, 2)
    sd = src.state_dict()
    dst.load_state_dict(sd)
    expected = dst.weight.tolist()
    sd["weight"]._data[...] = 123.0                # the source's arrays are its own
    assert dst.weight.tolist() == expected
    dst.load_state_dict({k: v.numpy().copy() for k, v in src.state_dict().items()},
                        assign=True)
    arr = src.weight._data
    arr[...] = -1.0
    assert dst.weight.tolist() != src.weight.tolist()


def test_module_load_state_dict_is_all_or_nothing():
    # a guard on documented behaviour (it held before issue 13 too)
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 3))
    before = {k: v.tolist() for k, v in m.state_dict().items()}
    sd = {k: np.full(v.shape, 7.0, dtype=np.float32) for k, v in m.state_dict().items()}
    sd["1.weight"] = np.zeros((2, 2), dtype=np.float32)       # wrong shape
    sd["2.bias"] = np.zeros(3, dtype=np.float32)              # unexpected
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(sd)
    assert '"1.weight"' in str(info.value) and '"2.bias"' in str(info.value)
    assert {k: v.tolist() for k, v in m.state_dict().items()} == before


def test_module_load_state_dict_refuses_two_values_for_one_shared_tensor():
    shared = nn.Linear(2, 2)
    m = nn.Sequential(shared, nn.Tanh(), shared)
    sd = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    sd["2.weight"] = sd["0.weight"] + 1.0          # which one would win?
    before = shared.weight.tolist()
    with pytest.raises(RuntimeError, match='"2.weight" and "0.weight" are one shared'):
        m.load_state_dict(sd)
    assert shared.weight.tolist() == before


# ------------------------------------------------------------------ PyTorch parity

def test_torch_refuses_the_same_activation_and_dropout_arguments():
    torch = pytest.importorskip("torch")
    for make_torch, make_tg in [
            (lambda: torch.nn.GELU("bogus")(torch.ones(2)), lambda: nn.GELU("bogus")),
            (lambda: torch.nn.Dropout(p=1.5), lambda: nn.Dropout(p=1.5)),
            (lambda: torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1,
                                     nesterov=True),
             lambda: optim.SGD(_p(), lr=0.1, nesterov=True))]:
        with pytest.raises((ValueError, RuntimeError)):
            make_torch()
        with pytest.raises(ValueError):
            make_tg()
