"""Run under mpirun: rank 1 fails in the middle of training (argv[1]: kill | raise) while
the other ranks are in collectives; they must stop, naming rank 1."""
import os
import signal
import sys
import time

import numpy as np

import tapegrad as tg
import tapegrad.distributed as dist

dist.init_process_group(timeout=60)
r = dist.get_rank()
model = tg.nn.Linear(8, 4)
ddp = tg.nn.parallel.DistributedDataParallel(model)
for step in range(1000):
    if r == 1 and step == 5:
        if sys.argv[1] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError("rank 1 fails on purpose")
    x = tg.tensor(np.ones((4, 8), np.float32))
    ddp(x).sum().backward()
    time.sleep(0.01)
print(f"rank {r} finished all steps: the failure went unnoticed", flush=True)
