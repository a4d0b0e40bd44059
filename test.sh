#!/usr/bin/env bash
# The whole test suite (unit, property, reference-vs-PyTorch, docs and examples).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 "$@"
