"""Rows for the activations of ops/activations2.py and the composed functionals of
nn/_functional_act.py (issue 18), each against torch. Piecewise ones keep their samples
away from the kinks, where one-sided rules differ from finite differences."""
import tapegrad as tg

from ._case import OpCase

F = tg.nn.functional


def _tf(name):
    """torch.nn.functional's function of the same name, with the row's arguments."""
    return lambda T, *xs, **kw: getattr(T.nn.functional, name)(*xs, **kw)


def _torch_cdist(T, a, b, p):
    return T.linalg.vector_norm(a.unsqueeze(-2) - b.unsqueeze(-3), ord=p, dim=-1)


ROWS = [
    OpCase(tg.ops.silu, [(2, 3)], low=-6.0, high=6.0, torch=_tf("silu")),
    OpCase(tg.ops.selu, [(5,)], away_from=[0.0], torch=_tf("selu")),
    OpCase(tg.ops.mish, [(2, 3)], low=-5.0, high=5.0, torch=_tf("mish")),
    OpCase(tg.ops.relu6, [(7,)], low=-2.0, high=8.0, away_from=[0.0, 6.0],
           torch=_tf("relu6")),
    OpCase(tg.ops.hardswish, [(8,)], low=-5.0, high=5.0, away_from=[-3.0, 3.0],
           torch=_tf("hardswish")),
    # torch's hardsigmoid gradient is float32's 1/6 even in float64: the clamp spelling
    OpCase(tg.ops.hardsigmoid, [(8,)], low=-5.0, high=5.0, away_from=[-3.0, 3.0],
           torch=lambda T, x: T.clamp(x + 3, 0, 6) / 6),
    OpCase(tg.ops.logsigmoid, [(2, 3)], low=-8.0, high=8.0, torch=_tf("logsigmoid")),
    OpCase(tg.ops.softsign, [(5,)], away_from=[0.0], torch=_tf("softsign")),
    OpCase(tg.ops.tanhshrink, [(5,)], torch=_tf("tanhshrink")),
    OpCase(F.elu, [(6,)], dict(alpha=1.5), away_from=[0.0], torch=_tf("elu")),
    OpCase(F.celu, [(6,)], dict(alpha=0.5), away_from=[0.0], torch=_tf("celu")),
    OpCase(F.hardtanh, [(7,)], dict(min_val=-0.5, max_val=1.2), away_from=[-0.5, 1.2],
           torch=_tf("hardtanh")),
    OpCase(F.prelu, [(2, 3, 4), (3,)], away_from=[0.0], torch=_tf("prelu")),
    OpCase(F.glu, [(2, 4, 3)], dict(dim=1), torch=_tf("glu")),
    OpCase(F.normalize, [(3, 4)], dict(p=3.0, dim=0), torch=_tf("normalize")),
    OpCase(F.cosine_similarity, [(2, 4), (4,)], dict(dim=-1),
           torch=_tf("cosine_similarity")),
    OpCase(F.pairwise_distance, [(3, 4), (3, 4)], dict(keepdim=True),
           torch=_tf("pairwise_distance")),
    # torch.cdist has no second derivative nor JVP: its norm-of-differences spelling
    # (tests/test_act_norm.py compares with torch.cdist itself)
    OpCase(F.cdist, [(2, 3, 4), (2, 2, 4)], dict(p=2.0), torch=_torch_cdist),
    OpCase(F.cdist, [(3, 2), (4, 2)], dict(p=1.5), torch=_torch_cdist),
    OpCase(lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)],
           name="group_norm", torch=lambda T, x, w, b: T.nn.functional.group_norm(x, 2, w, b)),
    OpCase(lambda x, w: F.rms_norm(x, (3, 4), w, 1e-6), [(2, 3, 4), (3, 4)], name="rms_norm",
           torch=lambda T, x, w: T.nn.functional.rms_norm(x, (3, 4), w, 1e-6)),
    OpCase(F.instance_norm, [(2, 3, 4, 2)], torch=_tf("instance_norm")),
]
