"""Benchmark suite: W1-W5 for tapegrad and the libraries it is compared against.

Run everything with ``bench/run.sh`` (or ``python -m bench``); see ``python -m bench -h``.
Each library runs in its own process; results land in ``bench/results/*.json`` and the
ratio tables in ``docs/benchmarks.md``.
"""
