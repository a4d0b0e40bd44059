"""tg.distributed: several processes over MPI, with torch.distributed's names.

Run a script under an MPI launcher (`mpirun -n 2 python train.py`, `srun python
train.py`), call `init_process_group()` once, then use the collectives below on tensors
or `tg.nn.parallel.DistributedDataParallel` on a model. mpi4py is imported on first use:
without it, init_process_group raises an ImportError that says
`pip install "tapegrad[distributed]"`.
"""
from . import nn
from ._backend import (
    DistBackendError,
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
)
from ._collectives import (
    ReduceOp,
    Work,
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    barrier,
    broadcast,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    send,
)


def is_mpi_available() -> bool:
    """True when the MPI backend can be used (mpi4py imports).

    Returns:
        The same as is_available().

    >>> import tapegrad.distributed as dist
    >>> dist.is_mpi_available() == dist.is_available()
    True
    """
    return is_available()


__all__ = ["DistBackendError", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
           "all_reduce", "barrier", "broadcast", "destroy_process_group", "get_backend",
           "get_rank", "get_world_size", "init_process_group", "irecv", "is_available",
           "is_initialized", "is_mpi_available", "isend", "nn", "recv", "reduce",
           "reduce_scatter", "reduce_scatter_tensor", "send"]
