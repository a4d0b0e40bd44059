"""Backward-node names as PyTorch spells them, for ops whose class name differs from the
torch op they twin (`tg.cat(...).grad_fn.name()` reads `CatBackward`, as torch's
`CatBackward0` without the overload digit, API.md's form). `register` names a node after
its class; these few are renamed once, here, at import. (Ops made by `elementwise` keep
their class's name: tests/ops/test_op_form.py holds them to it; torch's Log1PBackward0
stays our Log1pBackward.)"""
from ._op import Op
from .elementwise import Clip
from .reduce_sums import LogSumExp
from .shape import BroadcastTo, Concatenate

TORCH_NAMES: dict[type[Op], str] = {Concatenate: "CatBackward", Clip: "ClampBackward",
               LogSumExp: "LogsumexpBackward",
               BroadcastTo: "ExpandBackward"}

for _op, _name in TORCH_NAMES.items():
    _op.bw_name = _name
