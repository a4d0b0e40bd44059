"""Run under mpirun: DistributedDataParallel on a W2-style MLP (float32) against one
process on the whole batch, with and without no_sync accumulation; then `save PATH`
(a checkpoint after half the steps) or `resume PATH` (finish from it)."""
import sys

import numpy as np

import tapegrad as tg
import tapegrad.distributed as dist
from tapegrad.nn.parallel import DistributedDataParallel as DDP

STEPS, BATCH, SIZES = 20, 24, (16, 32, 32, 10)
rng = np.random.default_rng(0)
X = rng.standard_normal((STEPS, BATCH, SIZES[0])).astype(np.float32)
Y = rng.integers(0, SIZES[-1], (STEPS, BATCH))


def mlp():
    tg.manual_seed(0)
    layers = []
    for a, b in zip(SIZES[:-1], SIZES[1:]):
        layers += [tg.nn.Linear(a, b), tg.nn.ReLU()]
    return tg.nn.Sequential(*layers[:-1])


def step_on(model, opt, x, y, micro=1):
    """One optimizer step; the batch in `micro` pieces whose gradients accumulate."""
    opt.zero_grad()
    for xs, ys in zip(np.split(x, micro), np.split(y, micro)):
        loss = tg.nn.functional.cross_entropy(model(tg.tensor(xs)), tg.tensor(ys)) / micro
        loss.backward()
    opt.step()


def reference(steps):
    model = mlp()
    opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for s in steps:
        step_on(model, opt, X[s], Y[s])
    return [p.detach().numpy() for p in model.parameters()]


def shard(s, r, n):
    k = BATCH // n
    return X[s][r * k:(r + 1) * k], Y[s][r * k:(r + 1) * k]


def ddp_steps(ddp, opt, steps, r, n, accumulate=False):
    for s in steps:
        x, y = shard(s, r, n)
        if not accumulate:
            step_on(ddp, opt, x, y)
            continue
        opt.zero_grad()                 # two micro-batches, the first without a sync
        (x1, x2), (y1, y2) = np.split(x, 2), np.split(y, 2)
        with ddp.no_sync():
            (tg.nn.functional.cross_entropy(ddp(tg.tensor(x1)), tg.tensor(y1)) / 2).backward()
        (tg.nn.functional.cross_entropy(ddp(tg.tensor(x2)), tg.tensor(y2)) / 2).backward()
        opt.step()


def close(ours, theirs, what):
    """Each parameter within float32 rounding of the one-process run (the averaging
    adds the per-rank means in another order): |a - b| <= 1e-6 |b| as norms."""
    err = max(np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(ours, theirs))
    print(what, "relative difference", err)
    assert err < 1e-6, f"{what}: relative difference {err:.2e}"


def fresh(r):
    model = mlp()
    if r:                               # DDP must copy rank 0's parameters
        with tg.no_grad():
            for p in model.parameters():
                p.add_(1.0)
    ddp = DDP(model, bucket_cap_mb=0.002)    # small buckets: several allreduces per step
    assert len(ddp._buckets) > 2
    return model, ddp, tg.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)


def main():
    dist.init_process_group()
    r, n = dist.get_rank(), dist.get_world_size()
    whole = reference(range(STEPS))
    for mode in ("plain", "accumulate"):
        model, ddp, opt = fresh(r)
        ddp_steps(ddp, opt, range(STEPS), r, n, accumulate=mode == "accumulate")
        close([p.detach().numpy() for p in model.parameters()], whole, mode)
        print(f"rank {r} of {n}: {mode} ok", flush=True)
    mode, path = sys.argv[1], sys.argv[2]
    model, ddp, opt = fresh(r)
    if mode == "save":
        ddp_steps(ddp, opt, range(STEPS // 2), r, n)
        assert all(k.startswith("module.") for k in ddp.state_dict())
        if r == 0:
            tg.save({"model": ddp.state_dict(), "opt": opt.state_dict()}, path)
        dist.barrier()
    else:
        state = tg.load(path)
        ddp.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        ddp_steps(ddp, opt, range(STEPS // 2, STEPS), r, n)
        close([p.detach().numpy() for p in model.parameters()], whole, "resumed")
    print(f"rank {r} of {n}: {mode} ok", flush=True)
    dist.destroy_process_group()


main()
