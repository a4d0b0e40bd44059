"""W8 (per-sample gradients, issue 17): every variant in one process, in interleaved
rounds so that the machine's other load falls on all of them alike.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        .venv/bin/python bench/w8.py [ROUNDS]

Prints the median CPU time of each variant (one thread each) and its ratio to the hand-written batched NumPy
(the floor: one batched forward, each layer's backward as batched outer products). The
"loop of tg.grad" row is the loop a user writes: tg.grad of the one-example loss, called
once per example, the gradients stacked. Libraries that are not installed are skipped.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402
from bench import workloads as W  # noqa: E402
from bench.libs import numpy as np_lib  # noqa: E402
from bench.libs import tapegrad as tg_lib  # noqa: E402


def _case(lib, variant):
    for k, v, factory in lib.cases():
        if k == "W8" and v == variant:
            return factory
    raise KeyError(variant)


def variants():
    out = [("hand-written batched NumPy (floor)", np_lib, "floor"),
           ("tg.vmap(tg.grad)", tg_lib, "vmap(grad)"),
           ("loop of tg.grad", tg_lib, "loop of tg.grad")]
    try:
        from bench.libs import torch as torch_lib
        out.append(("torch.func.vmap(grad)", torch_lib, "torch.func.vmap(grad)"))
    except ImportError:
        pass
    try:
        from bench.libs import jax as jax_lib
        out += [("JAX vmap(grad) eager", jax_lib, "eager"),
                ("JAX vmap(grad) jit", jax_lib, "jit")]
    except ImportError:
        pass
    return out


def main(rounds=5):
    d = W.data()
    steps = []
    for name, lib, variant in variants():
        try:
            lib.setup(1)
        except ImportError:
            continue
        step, result = _case(lib, variant)(d)
        step()
        steps.append((name, step, result))
    # every variant computes the same per-example gradients (checked as W8 is)
    ref = steps[0][2]()
    for name, _, result in steps[1:]:
        check = harness.compare(result(), ref, W.WORKLOADS["W8"][3])
        if not check["ok"]:
            raise SystemExit(f"W8: {name} differs from the floor ({check})")
    times = {name: [] for name, _, _ in steps}
    for _ in range(rounds):
        for name, step, _ in steps:
            # a block of steps per variant: each step allocates the ~0.4 GB of W1's
            # per-example gradients, and a variant's first step after another library's
            # pays for that library's memory state (measured: up to 8x on the floor)
            for k in range(3):
                t = time.process_time()       # CPU time: other processes' load left out
                step()
                if k:
                    times[name].append(time.process_time() - t)
    floor = statistics.median(times[steps[0][0]])
    print(f"W8: {W.WORKLOADS['W8'][0]}; median CPU time, {rounds} rounds of 2 steps each")
    for name, _, _ in steps:
        t = statistics.median(times[name])
        print(f"  {name:36s} {t * 1e3:9.2f} ms   {t / floor:6.2f} x floor")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
