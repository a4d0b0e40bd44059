"""The process group over MPI: start-up, rank and size, timeout-guarded waits, the
cross-rank agreement check, and stopping every rank when one fails.

mpi4py is an optional dependency, imported on first use (importing mpi4py.MPI starts
MPI, which tapegrad must not do on `import tapegrad`).

Failure handling, without a transport of our own:
- a rank whose program raises an uncaught exception runs `sys.excepthook`, which prints
  the traceback and a line naming the rank, then calls MPI Abort: the MPI launcher
  (mpirun, mpiexec, srun) then ends every rank with a non-zero status;
- every wait on a collective or point-to-point message is a loop over MPI Test that,
  once a second, checks whether the peers on this host are still alive (their pids were
  exchanged at init) and gives up after the group's timeout; either way it raises a
  DistBackendError naming the failed rank (or the timeout), and that uncaught error
  aborts the job as above. A launcher that already kills the job when a rank dies
  (Open MPI's default) stops it sooner.
"""
import datetime
import os
import socket
import sys
import time
from typing import Any

import numpy as np

_INSTALL = ('tapegrad.distributed needs mpi4py and an MPI library: '
            'pip install "tapegrad[distributed]"')
_NOT_INIT = ("Default process group has not been initialized, please make sure to call "
             "init_process_group.")
DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)     # PyTorch's default for MPI and Gloo
_ABORT_STAGGER_S = 3.0
_PEER_CHECK_S = 1.0

_group = None


def mpi():
    """The mpi4py.MPI module, imported on first use."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(f"{_INSTALL} ({e})") from None
    return MPI


def is_available() -> bool:
    """True when mpi4py (and so an MPI library) can be imported.

    Returns:
        Whether init_process_group can work here.

    >>> import tapegrad.distributed as dist
    >>> isinstance(dist.is_available(), bool)
    True
    """
    try:
        mpi()
    except ImportError:
        return False
    return True


class DistBackendError(RuntimeError):
    """A collective could not complete: a rank died or did not arrive in time.

    >>> import tapegrad.distributed as dist
    >>> issubclass(dist.DistBackendError, RuntimeError)
    True
    """


class _Group:
    __slots__ = ("MPI", "comm", "peers", "prev_hook", "rank", "size", "timeout")

    def __init__(self, MPI: Any, comm: Any, timeout: float, peers: Any) -> None:
        self.MPI = MPI
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.timeout = timeout
        self.peers = peers              # rank -> (hostname, pid)
        self.prev_hook: Any = None      # sys.excepthook before ours, set by init_process_group


def _seconds(timeout):
    if timeout is None:
        return DEFAULT_TIMEOUT.total_seconds()
    if isinstance(timeout, datetime.timedelta):
        s = timeout.total_seconds()
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        s = float(timeout)
    else:
        raise TypeError(f"init_process_group: timeout must be a datetime.timedelta or a "
                        f"number of seconds, got {type(timeout).__name__}")
    if not s > 0:
        raise ValueError(f"init_process_group: timeout must be positive, got {s} s")
    return s


def init_process_group(backend: str | None = "mpi", init_method: str | None = None,
                       timeout: Any = None, world_size: int = -1, rank: int = -1,
                       store: Any = None, group_name: str = "", pg_options: Any = None,
                       device_id: Any = None) -> None:
    """Join the default process group: rank and size come from MPI (run the script under
    `mpirun -n N`, `mpiexec -n N` or Slurm's `srun`). `world_size` and `rank`, when
    given, must agree with MPI's. `timeout` (timedelta or seconds, default 30 minutes)
    bounds every wait on the other ranks. Run without a launcher, the world is this one
    process (rank 0 of 1).

    Args:
        backend: "mpi" (the only backend; None means the same).
        init_method: accepted for PyTorch compatibility and ignored (MPI finds the peers).
        timeout: a datetime.timedelta or seconds; None for 30 minutes.
        world_size: the expected number of ranks, or -1 to take MPI's.
        rank: the expected rank of this process, or -1 to take MPI's.
        store: accepted for PyTorch compatibility and ignored.
        group_name: accepted for PyTorch compatibility and ignored.
        pg_options: accepted for PyTorch compatibility and ignored.
        device_id: accepted for PyTorch compatibility and ignored (CPU only).

    Raises:
        ValueError: another backend, a non-positive timeout, or a world_size or rank
            that MPI contradicts.
        RuntimeError: the default group is already initialized.
        ImportError: mpi4py is not installed (pip install 'tapegrad[distributed]').

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group(timeout=60)
    >>> dist.is_initialized(), dist.get_rank(), dist.get_world_size()
    (True, 0, 1)
    >>> dist.destroy_process_group()
    """
    global _group
    if backend is not None and str(backend).lower() != "mpi":
        raise ValueError(f"init_process_group: tapegrad supports backend='mpi' only "
                         f"(over mpi4py), got {backend!r}")
    if _group is not None:
        raise RuntimeError("init_process_group: trying to initialize the default process "
                           "group twice!")
    seconds = _seconds(timeout)
    MPI = mpi()
    comm = MPI.COMM_WORLD.Dup()         # our own context: user mpi4py traffic cannot mix in
    size, me = comm.Get_size(), comm.Get_rank()
    for name, given, actual in (("world_size", world_size, size), ("rank", rank, me)):
        if given is not None and given != -1 and given != actual:
            comm.Free()
            raise ValueError(f"init_process_group: {name}={given} but MPI says {actual} "
                             "(the launcher decides the ranks: mpirun -n N)")
    peers = comm.allgather((socket.gethostname(), os.getpid()))
    g = _Group(MPI, comm, seconds, peers)
    g.prev_hook = sys.excepthook
    sys.excepthook = _abort_hook
    _group = g


def is_initialized() -> bool:
    """Whether init_process_group has been called (and not undone by
    destroy_process_group).

    Returns:
        True inside a process group.

    >>> import tapegrad.distributed as dist
    >>> dist.is_initialized()
    False
    """
    return _group is not None


def world(who, group=None):
    """The default group, or the error PyTorch gives before init_process_group."""
    if group is not None and group is not _group:
        raise ValueError(f"{who}: only the default group (group=None) is supported")
    if _group is None:
        raise RuntimeError(f"{who}: {_NOT_INIT}")
    return _group


def get_rank(group: Any = None) -> int:
    """This process's rank in the group, 0 to world size - 1.

    Args:
        group: the process group; only the default group (None) is supported.

    Returns:
        The rank.

    Raises:
        RuntimeError: init_process_group has not been called.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_rank()
    0
    >>> dist.destroy_process_group()
    """
    return world("get_rank", group).rank


def get_world_size(group: Any = None) -> int:
    """The number of processes in the group.

    Args:
        group: the process group; only the default group (None) is supported.

    Returns:
        The world size (the N of mpirun -n N).

    Raises:
        RuntimeError: init_process_group has not been called.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_world_size()
    1
    >>> dist.destroy_process_group()
    """
    return world("get_world_size", group).size


def get_backend(group: Any = None) -> str:
    """The group's backend name.

    Args:
        group: the process group; only the default group (None) is supported.

    Returns:
        "mpi", the only backend.

    Raises:
        RuntimeError: init_process_group has not been called.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_backend()
    'mpi'
    >>> dist.destroy_process_group()
    """
    world("get_backend", group)
    return "mpi"


def destroy_process_group(group: Any = None) -> None:
    """Leave the default group (MPI itself is finalized when the program exits).

    Args:
        group: the process group; only the default group (None) is supported.

    Raises:
        RuntimeError: init_process_group has not been called.

    >>> import tapegrad.distributed as dist
    >>> dist.init_process_group()
    >>> dist.destroy_process_group()
    >>> dist.is_initialized()
    False
    """
    global _group
    g = world("destroy_process_group", group)
    if sys.excepthook is _abort_hook:
        sys.excepthook = g.prev_hook
    _group = None
    g.comm.Free()


def _abort_hook(tp, value, tb):
    g = _group
    hook = g.prev_hook if g is not None else sys.__excepthook__
    hook(tp, value, tb)
    if g is None:
        return
    sys.stderr.write(f"tapegrad.distributed: rank {g.rank} of {g.size} failed "
                     f"({tp.__name__}); calling MPI Abort to stop every rank\n")
    sys.stderr.flush()
    dead = getattr(value, "dead_ranks", ())
    if dead and g.rank != min(r for r in range(g.size) if r not in dead):
        # every survivor of a dead peer gets here at about the same time; concurrent
        # Aborts crashed Open MPI's launcher in recovery mode (then it hangs), so the
        # lowest survivor aborts first and the others only if still running after it
        time.sleep(_ABORT_STAGGER_S)
    g.comm.Abort(1)


# ------------------------------------------------------------------ waiting

def _dead_peers(g):
    """Ranks on this host whose process has exited (gone, or a zombie not yet reaped)."""
    host = g.peers[g.rank][0]
    dead = []
    for r, (h, pid) in enumerate(g.peers):
        if r == g.rank or h != host:
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
            if state in (b"Z", b"X"):
                dead.append(r)
        except FileNotFoundError:
            dead.append(r)
        except OSError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                dead.append(r)
            except OSError:
                pass
    return dead


def wait(g, poll, who):
    """Call poll() (which tests MPI requests) until it returns True; raise DistBackendError
    naming the failed rank if a peer on this host dies, or after the group's timeout."""
    if poll():
        return
    start = time.monotonic()
    check = start + _PEER_CHECK_S
    pause = 0.0
    while not poll():
        now = time.monotonic()
        if now >= check:
            dead = _dead_peers(g)
            if dead:
                who_died = ", ".join(f"rank {r} (pid {g.peers[r][1]})" for r in dead)
                err = DistBackendError(
                    f"{who}: {who_died} died while rank {g.rank} was waiting for it; "
                    "stopping")
                err.dead_ranks = tuple(dead)
                raise err
            check = now + _PEER_CHECK_S
        if now - start > g.timeout:
            raise DistBackendError(
                f"{who}: rank {g.rank} waited {g.timeout:g} s for the other ranks (timeout "
                "of init_process_group); a rank is stuck, or failed on another host")
        time.sleep(pause)
        pause = min(pause * 2 if pause else 2e-5, 1e-3)     # short first: small messages


def wait_requests(g, reqs, who):
    MPI = g.MPI
    wait(g, lambda: MPI.Request.Testall(reqs), who)


# ------------------------------------------------------------------ agreement check

_DTYPES = "?bBhHiIlLqQefdgFDG"
_WHAT = ("all_reduce", "broadcast", "all_gather", "reduce_scatter", "reduce", "barrier",
         "all_gather_into_tensor", "reduce_scatter_tensor", "DistributedDataParallel")
_NDIM = 8
_META = 4 + _NDIM                       # what, dtype, ndim, extra, dims


def _meta(who, arr, extra):
    m = np.full(_META, -1, np.int64)
    m[0] = _WHAT.index(who)
    m[1] = _DTYPES.find(np.dtype(arr.dtype).char)
    m[2] = arr.ndim
    m[3] = extra
    dims = list(arr.shape)
    if len(dims) > _NDIM:               # keep the last slot as the product of the rest
        dims = dims[:_NDIM - 1] + [int(np.prod(dims[_NDIM - 1:]))]
    m[4:4 + len(dims)] = dims
    return m


def _describe(row):
    what = _WHAT[row[0]]
    dt = np.dtype(_DTYPES[row[1]]) if row[1] >= 0 else "?"
    nd = int(row[2])
    dims = tuple(int(d) for d in row[4:4 + min(nd, _NDIM)])
    shape = dims if nd <= _NDIM else f"{nd}-d {dims}"
    return what, f"shape {shape} {dt}"


def check_same(g, who, arr, extra=0, extra_name=None):
    """Every rank must call the same collective on arrays of one shape and dtype (and the
    same `extra`, e.g. the root): gather that metadata (a few integers) first, so a
    mismatch is an error on every rank instead of corrupt data or a hang."""
    mine = _meta(who, arr, extra)
    table = np.empty((g.size, _META), np.int64)
    wait_requests(g, [g.comm.Iallgather(mine, table)], who)
    bad = np.nonzero((table != table[0]).any(axis=1))[0]
    if not len(bad):
        return
    rows = [_describe(r) for r in table]
    whats = {w for w, _ in rows}
    if len(whats) > 1:
        detail = ", ".join(f"rank {r} called {w}" for r, (w, _) in enumerate(rows))
        raise RuntimeError(f"{who}: the ranks called different collectives: {detail}")
    if (table[:, :3] == table[0, :3]).all() and (table[:, 4:] == table[0, 4:]).all():
        name = extra_name or "argument"
        detail = ", ".join(f"rank {r} has {name}={int(table[r, 3])}"
                           for r in range(g.size))
        raise RuntimeError(f"{who}: {name} differs across ranks: {detail}")
    detail = ", ".join(f"rank {r} has {d}" for r, (_, d) in enumerate(rows))
    raise RuntimeError(f"{who}: tensors differ across ranks ({detail}); every rank must "
                       "pass the same shape and dtype")
