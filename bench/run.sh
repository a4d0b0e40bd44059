#!/usr/bin/env bash
# Run the whole benchmark suite and write docs/benchmarks.md and bench/results/*.json.
# OpenBLAS picks its kernel from the CPU here, as users get it (the test setup may pin it).
set -euo pipefail
cd "$(dirname "$0")/.."
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python -m bench "$@"
