"""tg.utils.data: datasets, samplers, collate and DataLoader, against torch.utils.data
where the result is deterministic (order, batching, padding, lengths)."""
import collections
import doctest
import importlib

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset,
                                 DistributedSampler, IterableDataset, RandomSampler,
                                 SequentialSampler, StackDataset, Subset, TensorDataset,
                                 WeightedRandomSampler, default_collate, random_split)

torch = pytest.importorskip("torch")
tud = torch.utils.data


def _plain(x):
    """Nested batches as plain Python (tensors of either library as lists)."""
    if isinstance(x, (tg.Tensor, torch.Tensor)):
        return ("T", str(x.dtype).replace("torch.", ""), x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [type(x).__name__ if hasattr(x, "_fields") else "seq"] + [_plain(v) for v in x]
    return x


class Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full(2, float(i)), "y": i, "name": f"s{i}", "w": 0.5 * i}


class TSquares(tud.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full(2, float(i)), "y": i, "name": f"s{i}", "w": 0.5 * i}


@pytest.mark.parametrize("kw", [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                dict(batch_size=None), dict(batch_size=10)])
def test_batches_match_torch(kw):
    ours = [_plain(b) for b in DataLoader(Squares(), **kw)]
    theirs = [_plain(b) for b in tud.DataLoader(TSquares(), **kw)]
    assert ours == theirs
    assert len(DataLoader(Squares(), **kw)) == len(tud.DataLoader(TSquares(), **kw))


def test_tensor_dataset_and_collate_match_torch():
    x = np.arange(12.0).reshape(6, 2)
    y = np.arange(6)
    ours = DataLoader(TensorDataset(tg.tensor(x), tg.tensor(y)), batch_size=4)
    theirs = tud.DataLoader(tud.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=4)
    assert [_plain(b) for b in ours] == [_plain(b) for b in theirs]
    Point = collections.namedtuple("Point", "a b")
    samples = [(Point(1, 2.0), [True, np.int32(3)]), (Point(3, 4.0), [False, np.int32(5)])]
    assert _plain(default_collate(samples)) == _plain(tud.default_collate(samples))
    with pytest.raises(RuntimeError, match="equal"):
        default_collate([tg.zeros(2), tg.zeros(3)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])


def test_tensor_dataset_fast_path_equals_collating_rows():
    x = tg.tensor(np.arange(30.0).reshape(10, 3), requires_grad=True)
    y = tg.tensor(np.arange(10))
    ds = TensorDataset(x, y, np.arange(10.0))

    def batches(collate):
        g = tg.Generator().manual_seed(2)
        return list(DataLoader(ds, batch_size=4, shuffle=True, generator=g,
                               collate_fn=collate))

    fast, slow = batches(None), batches(lambda s: default_collate(s))
    for a, b in zip(fast, slow):
        assert isinstance(a, list) and len(a) == 3
        for u, v in zip(a, b):
            assert u.dtype == v.dtype and u.tolist() == v.tolist()
    # batches stay connected to a tensor that requires grad
    sum(b[0].sum() for b in fast).backward()
    assert x.grad.tolist() == np.ones((10, 3)).tolist()


def test_sampler_batch_sampler_collate_fn():
    ds = list(range(10))
    sampler = [9, 0, 5]
    assert [b.tolist() for b in DataLoader(ds, batch_size=2, sampler=sampler)] == [[9, 0], [5]]
    bs = [[1, 2, 3], [7]]
    assert [b.tolist() for b in DataLoader(ds, batch_sampler=bs)] == [[1, 2, 3], [7]]
    out = list(DataLoader(ds, batch_size=4, collate_fn=lambda b: sum(b)))
    assert out == [6, 22, 17]
    assert list(BatchSampler(SequentialSampler(ds), 4, True)) == \
        list(tud.BatchSampler(tud.SequentialSampler(ds), 4, True))
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, sampler=sampler, shuffle=True)
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, batch_sampler=bs, batch_size=3)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(ds, shuffle=True, generator=3)


def test_shuffle_is_seeded():
    ds = list(range(20))

    def epoch(gen):
        return [b.tolist() for b in DataLoader(ds, batch_size=6, shuffle=True, generator=gen)]

    a = epoch(tg.Generator().manual_seed(3))
    b = epoch(tg.Generator().manual_seed(3))
    c = epoch(np.random.default_rng(3))
    assert a == b and a == c
    assert sorted(sum(a, [])) == ds and sum(a, []) != ds
    # one generator over two epochs: two different orders
    g = tg.Generator().manual_seed(3)
    loader = DataLoader(ds, batch_size=20, shuffle=True, generator=g)
    e1, e2 = [next(iter(loader)).tolist() for _ in range(2)]
    assert e1 != e2
    # without a generator, tg.manual_seed fixes the order
    tg.manual_seed(5)
    d1 = epoch(None)
    tg.manual_seed(5)
    assert epoch(None) == d1


def test_random_sampler_replacement_and_weighted():
    g = tg.Generator().manual_seed(0)
    draws = list(RandomSampler(range(4), replacement=True, num_samples=50, generator=g))
    assert len(draws) == 50 and set(draws) <= {0, 1, 2, 3}
    many = list(RandomSampler(range(3), num_samples=7, generator=g))
    assert sorted(many[:3]) == [0, 1, 2] and sorted(many[3:6]) == [0, 1, 2]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0], 5, generator=g))
    assert w == [1] * 5


@pytest.mark.parametrize("n,reps,drop", [(10, 3, False), (10, 3, True), (4, 4, False),
                                         (2, 5, False), (12, 4, True)])
def test_distributed_sampler_matches_torch_unshuffled(n, reps, drop):
    for rank in range(reps):
        ours = DistributedSampler(range(n), reps, rank, shuffle=False, drop_last=drop)
        theirs = tud.DistributedSampler(range(n), reps, rank, shuffle=False, drop_last=drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_distributed_sampler_shuffle_partitions():
    n, reps = 11, 3
    samplers = [DistributedSampler(range(n), reps, r, seed=4) for r in range(reps)]
    parts = [list(s) for s in samplers]
    assert sorted(sum(parts, []))[:n + 1][:n] == sorted(sum(parts, []))[:n]
    assert set(sum(parts, [])) == set(range(n)) and sum(map(len, parts)) == 12
    assert [list(s) for s in samplers] == parts            # same epoch, same order
    for s in samplers:
        s.set_epoch(1)
    assert [list(s) for s in samplers] != parts
    with pytest.raises(ValueError, match="rank"):
        DistributedSampler(range(4), num_replicas=2, rank=2)


def test_distributed_sampler_from_environment(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    assert list(DistributedSampler(range(4), shuffle=False)) == [1, 3]
    monkeypatch.delenv("WORLD_SIZE")
    monkeypatch.delenv("RANK")
    for k in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(ValueError, match="num_replicas"):
        DistributedSampler(range(4))


def test_random_split_and_subset():
    g = tg.Generator().manual_seed(1)
    parts = random_split(range(10), [3, 7], generator=g)
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    # fractions: the remainder goes round robin, as in PyTorch
    ours = [len(p) for p in random_split(range(11), [0.3, 0.3, 0.4])]
    theirs = [len(p) for p in tud.random_split(range(11), [0.3, 0.3, 0.4])]
    assert ours == theirs
    with pytest.raises(ValueError, match="sum of input lengths"):
        random_split(range(10), [3, 3])
    sub = Subset(list("abcdef"), [5, 0, 2])
    assert list(sub) == ["f", "a", "c"] and len(sub) == 3


def test_other_datasets():
    cat = ConcatDataset([list(range(3)), list(range(10, 12))])
    assert [cat[i] for i in range(len(cat))] == [0, 1, 2, 10, 11] and cat[-1] == 11
    st = StackDataset(a=[1, 2], b=[3, 4])
    assert st[1] == {"a": 2, "b": 4}

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(5))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert tg.utils.data.get_worker_info() is None
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(), shuffle=True)
    with pytest.raises(ValueError, match="size mismatch"):
        TensorDataset(tg.zeros(3), tg.zeros(4))


def test_train_loop_runs():
    tg.manual_seed(0)
    x = tg.randn(64, 3)
    y = x @ tg.tensor([[1.0], [-2.0], [0.5]])
    model = tg.nn.Linear(3, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True,
                        generator=tg.Generator().manual_seed(0))
    assert len(loader) == 4
    for _ in range(30):
        for xb, yb in loader:
            assert xb.shape == (16, 3) and yb.shape == (16, 1)
            opt.zero_grad()
            loss = tg.nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
    assert loss.item() < 1e-3


@pytest.mark.parametrize("module", ["tapegrad.utils.data", "tapegrad.utils.data.dataset",
                                    "tapegrad.utils.data.sampler",
                                    "tapegrad.utils.data.dataloader", "tapegrad.random"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False)
    assert result.failed == 0 and result.attempted > 0
