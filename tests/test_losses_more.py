"""The losses of issue 18 against torch.nn in float64: values and the gradient of every
differentiable input, for each reduction; second order by gradgradcheck."""
import doctest
import importlib

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn
from tapegrad.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3))
Y = rng.standard_normal((4, 3)) * 2
P = rng.random((4, 3)) + 0.05
Q = rng.random((4, 3)) + 0.05
V = rng.random((4, 3)) + 0.1
V[0, 0] = 1e-9                      # clamped to eps: value changes, gradient passes
COUNTS = rng.integers(0, 5, size=(4, 3)).astype(float)
SIGN = np.array([1.0, -1.0, 1.0, -1.0])
A, B, C = (rng.standard_normal((5, 3)) for _ in range(3))


def _args(spec):
    """(arrays, which get gradients) for a row."""
    return [(np.array(a, dtype=np.float64), g) for a, g in spec]


# (name, tg callable, torch callable, [(array, needs grad)], reductions)
ROWS = [
    ("huber", lambda r, *a: F.huber_loss(*a, reduction=r, delta=0.8),
     lambda r, *a: TF.huber_loss(*a, reduction=r, delta=0.8), [(X, True), (Y, True)]),
    ("huber_weight", lambda r, x, y, w: F.huber_loss(x, y, reduction=r, weight=w),
     lambda r, x, y, w: TF.huber_loss(x, y, reduction=r, weight=w),
     [(X, True), (Y, True), (V, True)]),
    ("smooth_l1", lambda r, *a: F.smooth_l1_loss(*a, reduction=r, beta=0.7),
     lambda r, *a: TF.smooth_l1_loss(*a, reduction=r, beta=0.7), [(X, True), (Y, True)]),
    ("smooth_l1_beta0", lambda r, *a: F.smooth_l1_loss(*a, reduction=r, beta=0.0),
     lambda r, *a: TF.smooth_l1_loss(*a, reduction=r, beta=0.0), [(X, True), (Y, True)]),
    ("kl_div", lambda r, *a: F.kl_div(*a, reduction=r),
     lambda r, *a: TF.kl_div(*a, reduction=r), [(np.log(P), True), (Q, True)]),
    ("kl_div_zero_target", lambda r, *a: F.kl_div(*a, reduction=r),
     lambda r, *a: TF.kl_div(*a, reduction=r),
     [(np.log(P), True), (np.where(Q > 0.5, Q, 0.0), False)]),
    ("kl_div_log_target", lambda r, *a: F.kl_div(*a, reduction=r, log_target=True),
     lambda r, *a: TF.kl_div(*a, reduction=r, log_target=True),
     [(np.log(P), True), (np.log(Q), True)]),
    ("gaussian_nll", lambda r, *a: F.gaussian_nll_loss(*a, reduction=r),
     lambda r, *a: TF.gaussian_nll_loss(*a, reduction=r),
     [(X, True), (Y, True), (V, True)]),
    ("gaussian_nll_full_rowvar", lambda r, *a: F.gaussian_nll_loss(*a, full=True, reduction=r),
     lambda r, *a: TF.gaussian_nll_loss(*a, full=True, reduction=r),
     [(X, True), (Y, True), (V[:, 0], True)]),
    ("gaussian_nll_var1", lambda r, *a: F.gaussian_nll_loss(*a, eps=0.2, reduction=r),
     lambda r, *a: TF.gaussian_nll_loss(*a, eps=0.2, reduction=r),
     [(X, True), (Y, True), (V[:, :1], True)]),
    ("poisson_nll", lambda r, *a: F.poisson_nll_loss(*a, reduction=r),
     lambda r, *a: TF.poisson_nll_loss(*a, reduction=r), [(X, True), (COUNTS, True)]),
    ("poisson_nll_rate_full",
     lambda r, *a: F.poisson_nll_loss(*a, log_input=False, full=True, reduction=r),
     lambda r, *a: TF.poisson_nll_loss(*a, log_input=False, full=True, reduction=r),
     [(P, True), (COUNTS + 0.5, True)]),
    ("cosine_embedding", lambda r, *a: F.cosine_embedding_loss(*a, margin=0.1, reduction=r),
     lambda r, *a: TF.cosine_embedding_loss(*a, margin=0.1, reduction=r),
     [(X, True), (Y, True), (SIGN, False)]),
    ("cosine_embedding_1d", lambda r, *a: F.cosine_embedding_loss(*a, reduction=r),
     lambda r, *a: TF.cosine_embedding_loss(*a, reduction=r),
     [(X[0], True), (Y[0], True), (np.array(-1.0), False)]),
    ("margin_ranking", lambda r, *a: F.margin_ranking_loss(*a, margin=0.3, reduction=r),
     lambda r, *a: TF.margin_ranking_loss(*a, margin=0.3, reduction=r),
     [(X[:, 0], True), (Y[:, 0], True), (SIGN, False)]),
    ("triplet", lambda r, *a: F.triplet_margin_loss(*a, margin=2.0, reduction=r),
     lambda r, *a: TF.triplet_margin_loss(*a, margin=2.0, reduction=r),
     [(A, True), (B, True), (C, True)]),
    ("triplet_p1_swap", lambda r, *a: F.triplet_margin_loss(*a, p=1, swap=True, margin=3.0,
                                                            reduction=r),
     lambda r, *a: TF.triplet_margin_loss(*a, p=1, swap=True, margin=3.0, reduction=r),
     [(A, True), (B, True), (C, True)]),
    ("triplet_p3_1d", lambda r, *a: F.triplet_margin_loss(*a, p=3, margin=4.0, reduction=r),
     lambda r, *a: TF.triplet_margin_loss(*a, p=3, margin=4.0, reduction=r),
     [(A[0], True), (B[0], True), (C[0], True)]),
    ("soft_margin", lambda r, *a: F.soft_margin_loss(*a, reduction=r),
     lambda r, *a: TF.soft_margin_loss(*a, reduction=r), [(X, True), (np.sign(Y), False)]),
    ("hinge_embedding", lambda r, *a: F.hinge_embedding_loss(*a, margin=0.5, reduction=r),
     lambda r, *a: TF.hinge_embedding_loss(*a, margin=0.5, reduction=r),
     [(X, True), (np.where(Y > 0, 1.0, -1.0), False)]),
    ("multilabel_soft_margin", lambda r, *a: F.multilabel_soft_margin_loss(*a, reduction=r),
     lambda r, *a: TF.multilabel_soft_margin_loss(*a, reduction=r),
     [(X, True), ((Y > 0).astype(float), True)]),
    ("multilabel_soft_margin_w",
     lambda r, x, y, w: F.multilabel_soft_margin_loss(x, y, w, reduction=r),
     lambda r, x, y, w: TF.multilabel_soft_margin_loss(x, y, w, reduction=r),
     [(X, True), (P, True), (V[0], True)]),
    ("bce", lambda r, *a: F.binary_cross_entropy(*a, reduction=r),
     lambda r, *a: TF.binary_cross_entropy(*a, reduction=r),
     [(P / 1.1, True), (Q / 1.1, True)]),
]


def _reductions(name):
    return ["mean", "sum", "none"] + (["batchmean"] if name.startswith("kl_div") else [])


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_matches_torch_with_gradients(row):
    name, ours, theirs, spec = row
    for reduction in _reductions(name):
        tg_in = [tg.tensor(a, requires_grad=g) for a, g in spec]
        t_in = [torch.tensor(a, requires_grad=g) for a, g in spec]
        out = ours(reduction, *tg_in)
        ref = theirs(reduction, *t_in)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12,
                                   atol=1e-14, err_msg=f"{name} {reduction}")
        cot = rng.standard_normal(ref.shape)
        (out * tg.tensor(cot)).sum().backward()
        (ref * torch.tensor(cot)).sum().backward()
        for i, (a, b) in enumerate(zip(tg_in, t_in)):
            if spec[i][1]:
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10,
                                           atol=1e-12, err_msg=f"{name} {reduction} arg {i}")


SECOND = ["huber", "smooth_l1", "kl_div", "kl_div_log_target", "gaussian_nll",
          "poisson_nll", "cosine_embedding", "triplet"]


@pytest.mark.parametrize("name", SECOND)
def test_second_order(name):
    row = next(r for r in ROWS if r[0] == name)
    spec = row[2 + 1]
    spec = row[3]
    # keep away from kinks (|d| == delta, margin hinge) where second derivatives jump
    args = [tg.tensor(a, requires_grad=g) for a, g in spec]
    if name.startswith("gaussian"):
        args[2] = tg.tensor(V + 0.5, requires_grad=True)
    idx = [i for i, (_, g) in enumerate(spec) if g]

    def f(*xs):
        full = list(args)
        for i, x in zip(idx, xs):
            full[i] = x
        return row[1]("sum", *full)

    assert tg.gradgradcheck(f, [args[i] for i in idx])


def test_modules_and_legacy_flags():
    x, y = tg.tensor(X), tg.tensor(Y)
    assert nn.HuberLoss(delta=0.8)(x, y).item() == pytest.approx(
        torch.nn.HuberLoss(delta=0.8)(torch.tensor(X), torch.tensor(Y)).item(), rel=1e-12)
    loss = nn.SmoothL1Loss(size_average=False)
    assert loss.reduction == "sum"
    assert nn.KLDivLoss(reduce=False).reduction == "none"
    assert nn.KLDivLoss(reduction="batchmean")(tg.log(tg.tensor(P)), tg.tensor(Q)).item() == \
        pytest.approx(TF.kl_div(torch.log(torch.tensor(P)), torch.tensor(Q),
                                reduction="batchmean").item(), rel=1e-12)
    g = nn.GaussianNLLLoss(full=True)(x, y, tg.tensor(V))
    assert g.item() == pytest.approx(torch.nn.GaussianNLLLoss(full=True)(
        torch.tensor(X), torch.tensor(Y), torch.tensor(V)).item(), rel=1e-12)
    assert F.gaussian_nll_loss(x, y, 0.5).item() == pytest.approx(
        TF.gaussian_nll_loss(torch.tensor(X), torch.tensor(Y), 0.5).item(), rel=1e-12)
    assert nn.PoissonNLLLoss()(x, tg.tensor(COUNTS)).shape == ()
    m = nn.TripletMarginLoss(margin=2.0, p=1.0, swap=True)
    assert m(tg.tensor(A), tg.tensor(B), tg.tensor(C)).item() == pytest.approx(
        torch.nn.TripletMarginLoss(margin=2.0, p=1.0, swap=True)(
            torch.tensor(A), torch.tensor(B), torch.tensor(C)).item(), rel=1e-12)
    assert nn.MarginRankingLoss(0.3)(x[:, 0], y[:, 0], tg.tensor(SIGN)).shape == ()
    assert nn.CosineEmbeddingLoss(reduction="none")(x, y, tg.tensor(SIGN)).shape == (4,)
    assert nn.SoftMarginLoss()(x, tg.tensor(np.sign(Y))).shape == ()
    assert nn.HingeEmbeddingLoss(2.0, reduction="sum")(x, tg.tensor(SIGN[:, None] * np.ones(
        (4, 3)))).item() == pytest.approx(TF.hinge_embedding_loss(
            torch.tensor(X), torch.tensor(SIGN[:, None] * np.ones((4, 3))), 2.0,
            reduction="sum").item(), rel=1e-12)
    m = nn.MultiLabelSoftMarginLoss(weight=tg.tensor(V[0]), reduction="none")
    assert m(x, tg.tensor(P)).shape == (4,) and "weight" in m.state_dict()


def test_bad_arguments():
    x = tg.tensor(X)
    with pytest.raises(ValueError, match="reduction"):
        F.huber_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        F.smooth_l1_loss(x, x, reduction="batchmean")
    with pytest.raises(ValueError, match="shape"):
        F.huber_loss(x, x[0])
    with pytest.raises(ValueError, match="delta"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="var"):
        F.gaussian_nll_loss(x, x, tg.ones(2))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(x, x, -tg.ones(4, 3))
    with pytest.raises(ValueError, match="target"):
        F.cosine_embedding_loss(x, x, tg.ones(3))
    with pytest.raises(ValueError, match="dimension"):
        F.margin_ranking_loss(x, x, tg.ones(4))
    with pytest.raises(TypeError, match="input"):
        F.kl_div("a", x)
    with pytest.raises(TypeError, match="log_target"):
        F.kl_div(x, x, log_target="yes")


@pytest.mark.parametrize("module", ["tapegrad.nn._losses_more", "tapegrad.nn.losses"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False)
    assert result.failed == 0 and result.attempted > 0
