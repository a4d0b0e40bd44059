"""Run under mpirun: every collective against its NumPy definition, the cross-rank
shape check, and the gradients of the differentiable collectives by finite differences
across ranks. Rank k's data comes from seed k, so every rank can compute the expected
values itself."""
import numpy as np

import tapegrad as tg
import tapegrad.distributed as dist
from tapegrad.distributed import ReduceOp
from tapegrad.distributed.nn import functional as dfn

dist.init_process_group()
r, n = dist.get_rank(), dist.get_world_size()
SHAPE = (3, 4)
ALL = np.stack([np.random.default_rng(k).standard_normal(SHAPE) for k in range(n)])
MINE = ALL[r]


def t(a):
    return tg.tensor(np.array(a, copy=True))


def expect_error(fn, *phrases):
    try:
        fn()
    except RuntimeError as e:
        for p in phrases:
            assert p in str(e), (p, str(e))
        return
    raise AssertionError(f"no error; expected {phrases}")


# --- collectives against NumPy
for op, ref in ((ReduceOp.SUM, ALL.sum(0)), (ReduceOp.AVG, ALL.mean(0)),
                (ReduceOp.MAX, ALL.max(0)), (ReduceOp.MIN, ALL.min(0)),
                (ReduceOp.PRODUCT, ALL.prod(0)), ("mean", ALL.mean(0))):
    x = t(MINE)
    assert dist.all_reduce(x, op=op) is None
    np.testing.assert_allclose(x.numpy(), ref, rtol=1e-13, err_msg=str(op))
x = t(MINE)
work = dist.all_reduce(x, async_op=True)
assert work.wait() is True and work.is_completed()
np.testing.assert_allclose(x.numpy(), ALL.sum(0), rtol=1e-13)
x = t(MINE.T)                                       # not contiguous: written back in place
view = x.T
dist.all_reduce(view)
np.testing.assert_allclose(x.numpy(), ALL.sum(0).T, rtol=1e-13)
ints = tg.tensor(np.arange(4) + r)
dist.all_reduce(ints)
assert ints.numpy().tolist() == [n * i + n * (n - 1) // 2 for i in range(4)]

x = t(MINE)
dist.broadcast(x, src=n - 1)
np.testing.assert_array_equal(x.numpy(), ALL[n - 1])
x = t(MINE)
dist.reduce(x, dst=1)
np.testing.assert_allclose(x.numpy(), ALL.sum(0) if r == 1 else MINE, rtol=1e-13)

outs = [tg.zeros(SHAPE, dtype=tg.float64) for _ in range(n)]
dist.all_gather(outs, t(MINE))
np.testing.assert_array_equal(np.stack([o.numpy() for o in outs]), ALL)
cat = tg.zeros((n * 3, 4), dtype=tg.float64)
dist.all_gather_into_tensor(cat, t(MINE))
np.testing.assert_array_equal(cat.numpy(), ALL.reshape(n * 3, 4))

# rank k's input list is ALL shifted by k; rank r gets sum_k list_k[r]
lists = [np.roll(ALL, k, axis=0) for k in range(n)]
out = tg.zeros(SHAPE, dtype=tg.float64)
dist.reduce_scatter(out, [t(a) for a in lists[r]])
np.testing.assert_allclose(out.numpy(), sum(lst[r] for lst in lists), rtol=1e-13)
out = tg.zeros(SHAPE, dtype=tg.float64)
dist.reduce_scatter_tensor(out, t(lists[r].reshape(n * 3, 4)), op=ReduceOp.AVG)
np.testing.assert_allclose(out.numpy(), sum(lst[r] for lst in lists) / n, rtol=1e-13)

# a ring of messages, blocking and not
right, left = (r + 1) % n, (r - 1) % n
box = tg.zeros(SHAPE, dtype=tg.float64)
if r % 2 == 0:
    dist.send(t(MINE), right, tag=3)
    assert dist.recv(box, src=left, tag=3) == left
else:
    assert dist.recv(box, tag=3) == left
    dist.send(t(MINE), right, tag=3)
np.testing.assert_array_equal(box.numpy(), ALL[left])
box = tg.zeros(SHAPE, dtype=tg.float64)
reqs = [dist.isend(t(MINE * 2), right), dist.irecv(box, left)]
for w in reqs:
    w.wait()
np.testing.assert_array_equal(box.numpy(), 2 * ALL[left])
dist.barrier()

# --- a mismatch across ranks is an error on every rank, naming the ranks and shapes
expect_error(lambda: dist.all_reduce(tg.zeros((2, r + 1))), "all_reduce", "rank 0 has shape (2, 1)",
             "rank 1 has shape (2, 2)")
expect_error(lambda: dist.broadcast(tg.zeros(2, dtype=tg.float64 if r else tg.float32), 0),
             "broadcast", "rank 0 has shape (2,) float32", "rank 1 has shape (2,) float64")
expect_error(lambda: dist.broadcast(tg.zeros(2), src=r), "broadcast", "src differs",
             "rank 1 has src=1")
expect_error(lambda: (dist.all_reduce if r else dist.barrier)(tg.zeros(2)) if r else
             dist.all_gather([tg.zeros(2)] * n, tg.zeros(2)),
             "rank 0 called all_gather", "rank 1 called all_reduce")
dist.barrier()


# --- gradients of the differentiable collectives: the global loss L = sum_r L_r, where
# L_r = <w_r, f(x_r)>; backward on every rank gives x_r.grad = dL/dx_r, compared with
# central differences that move one element of one rank's input at a time
W = np.random.default_rng(100 + r).standard_normal((n, 2, 2))


def loss(fn, xv):
    y = fn(tg.tensor(xv, requires_grad=True) if not isinstance(xv, tg.Tensor) else xv)
    w = W[:y.shape[0]] if y.ndim == 3 else W[0]
    return (y * tg.tensor(w)).sum()


def global_loss(fn, xv):
    local = np.array([float(loss(fn, xv))])
    buf = tg.tensor(local)
    dist.all_reduce(buf)
    return float(buf.numpy()[0])


def check_grad(name, fn, xv):
    x = tg.tensor(xv, requires_grad=True)
    loss(fn, x).backward()
    ours = x.grad.numpy()
    eps = 1e-6
    for p in range(n):
        for i in range(xv.size):
            step = np.zeros(xv.size)
            if r == p:
                step[i] = eps
            step = step.reshape(xv.shape)
            num = (global_loss(fn, xv + step) - global_loss(fn, xv - step)) / (2 * eps)
            if r == p:
                assert abs(num - ours.flat[i]) < 1e-6 * max(1, abs(num)), \
                    (name, p, i, num, ours.flat[i])


X = MINE[:2, :2].copy()
check_grad("all_reduce sum", lambda x: dfn.all_reduce(x) * dfn.all_reduce(x), X)
check_grad("all_reduce avg", lambda x: tg.sin(dfn.all_reduce(x, op=ReduceOp.AVG)), X)
check_grad("all_reduce max", lambda x: dfn.all_reduce(x, op=ReduceOp.MAX) ** 2, X)
check_grad("all_reduce min", lambda x: dfn.all_reduce(x * x, op="min"), X)
check_grad("broadcast", lambda x: dfn.broadcast(x * x, src=n - 1), X)
check_grad("reduce", lambda x: dfn.reduce(tg.exp(x), dst=1), X)
check_grad("all_gather", lambda x: tg.stack(dfn.all_gather(x * (r + 1))), X)
check_grad("reduce_scatter",
           lambda x: dfn.reduce_scatter(x, [x * (k + r + 1) for k in range(n)]), X)

# second order: d/dx of (d/dx sum(all_reduce(x)^3)) through the collective again
x = tg.tensor(X, requires_grad=True)
(gx,) = tg.autograd.grad(dfn.all_reduce(x).pow(3).sum(), x, create_graph=True)
gx.sum().backward()
s = ALL[:, :2, :2].sum(0)
np.testing.assert_allclose(gx.detach().numpy(), 3 * n * s ** 2, rtol=1e-12)
np.testing.assert_allclose(x.grad.numpy(), 6 * n * n * s, rtol=1e-12)

# --- DistributedDataParallel: buffers come from rank 0, models must match
DDP = tg.nn.parallel.DistributedDataParallel
bn = tg.nn.BatchNorm1d(3)
with tg.no_grad():
    bn.running_mean.fill_(float(r))
ddp = DDP(bn)
assert bn.running_mean.numpy().tolist() == [0.0] * 3
ddp(tg.tensor(np.random.default_rng(r).standard_normal((4, 3)).astype(np.float32)))
assert (bn.running_mean.numpy() != 0).all()     # each rank's own batch statistics
ddp.eval()
ddp(tg.zeros((2, 3)))                           # broadcast_buffers: rank 0's again
mine = bn.running_mean.numpy().copy()
dist.broadcast(bn.running_mean, 0)
np.testing.assert_array_equal(bn.running_mean.numpy(), mine)
expect_error(lambda: DDP(tg.nn.Linear(2, 2 + (r == 1))), "DistributedDataParallel",
             "the model differs across ranks: ranks [1]")

print(f"rank {r} of {n}: collectives ok", flush=True)
dist.destroy_process_group()
