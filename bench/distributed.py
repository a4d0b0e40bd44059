"""W10: the W2 step (MLP 784-512-512-10, batch 256, float32, SGD) data-parallel on 2 MPI
ranks with 1 BLAS thread each, against one process with 2 BLAS threads; and how much of
the gradient allreduce DistributedDataParallel hides behind backward.

    python bench/distributed.py            # runs both and prints the report
    mpirun -n 2 python bench/distributed.py --ranks   (what the first command launches)

Overlap: after the timed steps, the same buckets are allreduced alone (no backward
running) to get the communication time T; DDP records how long the end of each backward
still waited for its allreduces, W (the smaller of the two ranks' waits, since the rank
that finishes first also waits for the other's compute). Hidden share = 1 - W / T.
"""
import json
import os
import pathlib
import subprocess
import sys
import time

STEPS, WARMUP = 30, 5
HERE = pathlib.Path(__file__).resolve()


def model_and_data(tg, np, batch, rank, n):
    import bench.workloads as W
    d = W.data()
    tg.manual_seed(0)
    sizes = W.MLP_SIZES
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [tg.nn.Linear(a, b), tg.nn.ReLU()]
    model = tg.nn.Sequential(*layers[:-1])
    k = batch // n
    x = tg.tensor(d["mlp_X"][rank * k:(rank + 1) * k])
    y = tg.tensor(np.argmax(d["mlp_onehot"][rank * k:(rank + 1) * k], axis=1))
    return model, x, y


def step(tg, model, opt, x, y):
    opt.zero_grad()
    tg.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def single():
    """One process on the whole batch (OPENBLAS_NUM_THREADS set by the caller)."""
    import numpy as np

    import tapegrad as tg
    model, x, y = model_and_data(tg, np, 256, 0, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.01)
    times = []
    for i in range(WARMUP + STEPS):
        t0 = time.perf_counter()
        step(tg, model, opt, x, y)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"step_ms": 1e3 * float(np.median(times[WARMUP:]))}))


def ranks(bucket_cap_mb):
    import numpy as np

    import tapegrad as tg
    import tapegrad.distributed as dist
    dist.init_process_group()
    r, n = dist.get_rank(), dist.get_world_size()
    model, x, y = model_and_data(tg, np, 256, r, n)
    ddp = tg.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=bucket_cap_mb)
    opt = tg.optim.SGD(ddp.parameters(), lr=0.01)
    g = dist._backend.world("bench")
    times, waits = [], []
    for i in range(WARMUP + STEPS):
        dist.barrier()
        t0 = time.perf_counter()
        step(tg, ddp, opt, x, y)
        times.append(time.perf_counter() - t0)
        waits.append(ddp.last_wait_s)
    comm = []
    for i in range(WARMUP + STEPS):     # the same allreduces with nothing to overlap
        dist.barrier()
        t0 = time.perf_counter()
        reqs = [g.comm.Iallreduce(g.MPI.IN_PLACE, b.buffer, g.MPI.SUM) for b in ddp._buckets]
        dist._backend.wait_requests(g, reqs, "bench")
        comm.append(time.perf_counter() - t0)
    # the rank that finished backward first also waits for the other's compute; the
    # smaller of the ranks' waits is the communication left exposed
    waits = np.array(waits[WARMUP:])
    every = np.empty((n, len(waits)))
    dist._backend.wait_requests(g, [g.comm.Iallgather(waits, every)], "bench")
    wait_ms = 1e3 * float(np.median(every.min(axis=0)))
    comm_ms = 1e3 * float(np.median(comm[WARMUP:]))
    out = {"step_ms": 1e3 * float(np.median(times[WARMUP:])), "wait_ms": wait_ms,
           "allreduce_ms": comm_ms, "hidden": max(0.0, 1 - wait_ms / comm_ms),
           "buckets": len(ddp._buckets),
           "grad_mb": sum(b.buffer.nbytes for b in ddp._buckets) / 2 ** 20}
    if r == 0:
        print(json.dumps(out), flush=True)
    dist.destroy_process_group()


def run(cmd, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads),
               PYTHONPATH=os.pathsep.join([str(HERE.parents[1] / "src"), str(HERE.parents[1]),
                                           os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if p.returncode:
        raise SystemExit(p.stdout + p.stderr)
    return json.loads([ln for ln in p.stdout.splitlines() if ln.startswith("{")][-1])


def main():
    mpirun = pathlib.Path(sys.executable).parent / "mpirun"
    mpirun = str(mpirun) if mpirun.exists() else "mpirun"
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    one = run([sys.executable, str(HERE), "--single"], 2)
    one1 = run([sys.executable, str(HERE), "--single"], 1)
    rows = {}
    for cap in (25, 1):
        rows[cap] = run([mpirun, "-n", "2", "--oversubscribe", *root, "--bind-to", "core",
                         sys.executable, str(HERE), "--ranks", str(cap)], 1)
    print("W10: W2 step (MLP 784-512-512-10, batch 256, float32, SGD)")
    print(f"  one process, 2 BLAS threads:             {one['step_ms']:7.2f} ms")
    print(f"  one process, 1 BLAS thread:              {one1['step_ms']:7.2f} ms")
    for cap, d in rows.items():
        print(f"  2 ranks x 1 thread, bucket_cap_mb={cap:<3}:   {d['step_ms']:7.2f} ms "
              f"(speedup {one['step_ms'] / d['step_ms']:.2f}x); allreduce of "
              f"{d['grad_mb']:.2f} MB in {d['buckets']} buckets: {d['allreduce_ms']:.2f} ms "
              f"alone, {d['wait_ms']:.2f} ms waited after backward -> "
              f"{100 * d['hidden']:.0f}% hidden")


if __name__ == "__main__":
    if "--single" in sys.argv:
        single()
    elif "--ranks" in sys.argv:
        ranks(float(sys.argv[sys.argv.index("--ranks") + 1]))
    else:
        main()
