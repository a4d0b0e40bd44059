"""Train an MLP on scikit-learn's digits with data parallelism over MPI.

    mpirun -n 2 python examples/distributed_digits.py   [epochs, default 15]
    srun -n 2 python examples/distributed_digits.py         # under Slurm

Every rank builds the same model; DistributedDataParallel copies rank 0's parameters to
the others and averages the gradients after each backward; DistributedSampler gives each
rank its own share of every epoch. Rank 0 prints the test accuracy (about 97%).
(Add --allow-run-as-root to mpirun as root, and --oversubscribe for more ranks than cores.)
"""
import sys
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import tapegrad as tg
import tapegrad.distributed as dist
from tapegrad import nn
from tapegrad.nn.parallel import DistributedDataParallel as DDP
from tapegrad.utils.data import DataLoader, DistributedSampler, TensorDataset


def data() -> tuple[NDArray[np.float32], NDArray[Any], NDArray[np.float32], NDArray[Any]]:
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0,
                                                        stratify=y)
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    def prep(a: NDArray[Any]) -> NDArray[np.float32]:
        return np.asarray((a - mean) / std, dtype=np.float32)
    return prep(x_train), y_train, prep(x_test), y_test


def main(epochs: int = 15, batch_size: int = 64) -> None:
    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    x_train, y_train, x_test, y_test = data()
    train = TensorDataset(tg.tensor(x_train), tg.tensor(y_train))
    sampler = DistributedSampler(train, shuffle=True, seed=0)   # rank and size from dist
    # the global batch is batch_size: each rank takes its share of it
    loader = DataLoader(train, batch_size=batch_size // world, sampler=sampler)
    tg.manual_seed(rank)            # different on purpose: DDP starts from rank 0's values
    model = DDP(nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)))
    opt = tg.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)        # a new shuffle, the same on every rank
        for xb, yb in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
    if rank == 0:
        with tg.no_grad():
            pred = model(tg.tensor(x_test)).numpy().argmax(1)
        print(f"{world} ranks, {epochs} epochs: test accuracy {np.mean(pred == y_test):.3f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))      # optional: the number of epochs
