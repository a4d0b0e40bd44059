#!/usr/bin/env bash
# The whole test suite (unit, property, reference-vs-PyTorch, docs and examples).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
# two test processes share two cores: one BLAS thread each avoids oversubscription
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec .venv/bin/python -m pytest -n 2 "$@"
