"""Rows for the differentiable collectives (tg.distributed.nn.functional) in a world of
one process (MPI started as a singleton), where each is the identity or a stack of one:
the rule machinery (second order, JVP, batching, graph mode, C vs pure) is checked here;
their values and gradients across ranks are in tests/distributed/ (under mpirun). Without
mpi4py there are no rows."""
import importlib.util

import tapegrad as tg

from ._case import OpCase


def _group():
    if not tg.distributed.is_initialized():
        tg.distributed.init_process_group()


def all_reduce_sum(x):
    _group()
    return tg.distributed.nn.functional.all_reduce(x) * x


def all_reduce_mean(x):
    _group()
    return tg.distributed.nn.functional.all_reduce(x, op="mean")


def all_reduce_max(x):
    _group()
    return tg.distributed.nn.functional.all_reduce(x, op=tg.distributed.ReduceOp.MAX)


def broadcast(x):
    _group()
    return tg.distributed.nn.functional.broadcast(x, src=0)


def reduce(x):
    _group()
    return tg.distributed.nn.functional.reduce(x, dst=0)


def all_gather(x):
    _group()
    return tg.distributed.nn.functional.all_gather(x)[0] * x


def reduce_scatter(x, y):
    _group()
    return tg.distributed.nn.functional.reduce_scatter(x, [x * y])


# torch=: what torch.distributed.nn.functional computes in a world of one (the identity,
# or a stack of one), spelled without starting a torch process group
ROWS = [
    OpCase(all_reduce_sum, [(2, 3)], torch=lambda T, x: x * x),
    OpCase(all_reduce_mean, [(3,)], torch=lambda T, x: x.clone()),
    OpCase(all_reduce_max, [(2, 2)], torch=lambda T, x: x.clone()),
    OpCase(broadcast, [(4,)], torch=lambda T, x: x.clone()),
    OpCase(reduce, [(2, 3)], torch=lambda T, x: x.clone()),
    OpCase(all_gather, [(3,)], torch=lambda T, x: T.stack([x])[0] * x),
    OpCase(reduce_scatter, [(2, 2), (2, 2)], torch=lambda T, x, y: T.stack([x * y]).sum(0)),
] if importlib.util.find_spec("mpi4py") is not None else []
