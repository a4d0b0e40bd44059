"""Backward-node names as PyTorch spells them, for ops whose class name differs from the
torch op they twin (`tg.cat(...).grad_fn.name()` reads `CatBackward`, as torch's
`CatBackward0` without the overload digit, API.md's form). `register` names a node after
its class; these few are renamed once, here, at import. (Ops made by `elementwise` keep
their class's name: tests/ops/test_op_form.py holds them to it; torch's Log1PBackward0
stays our Log1pBackward.)"""
from ._op import Op
from .cholesky import Cholesky
from .elementwise import Cast, Clip
from .mathfns import Arctan2
from .reduce_sums import LogSumExp
from .shape import BroadcastTo, Concatenate
from .solve import Det, Inv

TORCH_NAMES: dict[type[Op], str] = {Concatenate: "CatBackward", Clip: "ClampBackward",
               LogSumExp: "LogsumexpBackward",
               BroadcastTo: "ExpandBackward", Arctan2: "Atan2Backward",
               Cast: "ToCopyBackward", Inv: "LinalgInvExBackward",
               Det: "LinalgDetBackward", Cholesky: "LinalgCholeskyExBackward"}

for _op, _name in TORCH_NAMES.items():
    _op.bw_name = _name
