"""What `tg.detect_anomaly()` costs over plain eager mode (target: at most 1.5x).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/anomaly_overhead.py

Two workloads: the W3 chain of scalar ops (where per-op overhead is everything) and a
small MLP step. Each is timed in CPU time, best of several repeats, eager and under
detect_anomaly in alternation, so a load spike from another process hits both alike.
"""
import time

import numpy as np

import tapegrad as tg


def chain(n=400):
    x = tg.tensor(np.float64(0.5), requires_grad=True)
    y = x
    for _ in range(n // 2):
        y = tg.sin(y * 1.0001)
    y.backward()


def mlp_step(rng=np.random.default_rng(0)):
    w1 = tg.tensor(rng.standard_normal((64, 32)).astype(np.float32), requires_grad=True)
    w2 = tg.tensor(rng.standard_normal((32, 10)).astype(np.float32), requires_grad=True)
    x = tg.tensor(rng.standard_normal((16, 64)).astype(np.float32))
    for _ in range(20):
        h = tg.tanh(x @ w1)
        loss = -tg.mean(tg.log_softmax(h @ w2, axis=-1)[:, 0])
        loss.backward()


def best_ratio(fn, repeats=15, inner=5):
    eager, anomaly = [], []
    for _ in range(repeats):
        for sink, mode in ((eager, False), (anomaly, True)):
            t = time.process_time()
            if mode:
                with tg.detect_anomaly():
                    for _ in range(inner):
                        fn()
            else:
                for _ in range(inner):
                    fn()
            sink.append((time.process_time() - t) / inner)
    e, a = min(eager), min(anomaly)
    return e, a, a / e


def main():
    from tapegrad.ops._core import SPEEDUPS
    print("C speedups" if SPEEDUPS is not None else "pure Python (the 1.5 target is for C)")
    print("workload        eager ms   anomaly ms   ratio   (target <= 1.5)")
    for name, fn in (("W3 chain (400)", chain), ("MLP 20 steps", mlp_step)):
        e, a, r = best_ratio(fn)
        print(f"{name:15s} {e * 1e3:9.2f} {a * 1e3:12.2f} {r:7.2f}")


if __name__ == "__main__":
    main()
