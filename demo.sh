#!/usr/bin/env bash
# The tour: derivatives, both API styles, forward mode, training on real data.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh demo      # tapegrad, scikit-learn and tqdm: no PyTorch
# small matrices: one BLAS thread is faster than two fighting over a shared machine
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec .venv/bin/python examples/tour.py "$@"
