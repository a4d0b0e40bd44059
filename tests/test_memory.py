"""Memory: training loops do not grow, graphs are freed without the cyclic collector,
forward mode holds no graph."""
import gc
import tracemalloc
import weakref

import numpy as np

import tapegrad as tg


def _traced_now():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _mlp(rng, sizes):
    return [tg.tensor(rng.standard_normal((a, b)) / np.sqrt(a), requires_grad=True)
            for a, b in zip(sizes[:-1], sizes[1:])]


def _loss(params, x, y):
    h = x
    for w in params[:-1]:
        h = tg.relu(h @ w)
    return ((h @ params[-1] - y) ** 2).mean()


# Interpreter free lists and NumPy's internal caches of small blocks fill and drain by a
# few KiB; leaking one object per step would add over 40 KiB in 750 steps.
LEAK_LIMIT = 16 * 1024


def _train(step, steps):
    """Traced memory at the start and end of the quieter of two windows of 3/4 `steps`
    training steps each, after a quarter of them as warm-up.

    NumPy keeps freed dimension arrays in a bounded cache, which can fill by ~20 KiB in
    one window when the allocation pattern shifts; a leak grows in both windows."""
    tracemalloc.start()
    try:
        for _ in range(steps // 4):
            step()
        marks = [_traced_now()]
        for _ in range(2):
            for _ in range(steps - steps // 4):
                step()
            marks.append(_traced_now())
    finally:
        tracemalloc.stop()
    return min(zip(marks, marks[1:]), key=lambda w: w[1] - w[0])


def test_a_thousand_training_steps_do_not_grow_memory(rng):
    params = _mlp(rng, (8, 16, 16, 1))
    x, y = tg.tensor(rng.standard_normal((32, 8))), tg.tensor(rng.standard_normal((32, 1)))
    first = _loss(params, x, y).item()

    def step():
        loss = _loss(params, x, y)
        loss.backward()
        with tg.no_grad():
            for p in params:
                p.sub_(p.grad * 0.01)
                p.grad = None

    before, after = _train(step, 1000)
    assert after - before < LEAK_LIMIT, (before, after)
    assert _loss(params, x, y).item() < first


def test_a_thousand_graph_mode_steps_do_not_grow_memory(rng):
    params = _mlp(rng, (8, 16, 16, 1))
    x, y = tg.tensor(rng.standard_normal((32, 8))), tg.tensor(rng.standard_normal((32, 1)))
    loss_fn = tg.function(_loss)

    def step():
        loss = loss_fn(params, x, y)
        loss.backward()
        with tg.no_grad():
            for p in params:
                p.sub_(p.grad * 0.01)
                p.grad = None

    before, after = _train(step, 1000)
    assert after - before < LEAK_LIMIT, (before, after)
    assert loss_fn.trace_count == 1


def test_graphs_are_freed_by_reference_counting_alone(rng):
    x = tg.tensor(rng.standard_normal(4), requires_grad=True)
    gc.disable()
    try:
        y = x
        for _ in range(100):
            y = tg.sin(y) * x + 1.0
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None               # no cycle keeps the graph alive
        y = (x * 2).sum()
        y.backward()
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None
    finally:
        gc.enable()


def test_backward_leaves_no_garbage_cycles(rng):
    params = _mlp(rng, (4, 8, 1))
    x, y = tg.tensor(rng.standard_normal((5, 4))), tg.tensor(rng.standard_normal((5, 1)))
    _loss(params, x, y).backward()          # warm caches
    gc.collect()
    gc.disable()
    try:
        for _ in range(10):
            _loss(params, x, y).backward()
        assert gc.collect() == 0
    finally:
        gc.enable()


def _jvp_chain_peak(n):
    x = tg.tensor(np.linspace(0.1, 0.9, 64))
    c = tg.tensor(np.ones(64))

    def chain(x):
        y = x
        for _ in range(n):
            y = tg.sin(y * c)
        return y

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        tg.jvp(chain, (x,), (tg.ones_like(x),))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_forward_mode_memory_does_not_grow_with_chain_length():
    _jvp_chain_peak(3000)                   # fill the interpreter's free lists first
    small = _jvp_chain_peak(100)
    large = _jvp_chain_peak(3000)
    assert large < small + 4096, (small, large)


def test_reverse_mode_bytes_per_node_stay_small(rng):
    x = tg.tensor(np.float64(0.5), requires_grad=True)
    n = 20_000
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(n // 2):
            y = tg.sin(y * x)
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    y.backward()
    assert held / n < 512, held / n           # ~450 B: node, edges, versions, saved values
