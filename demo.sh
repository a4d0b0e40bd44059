#!/usr/bin/env bash
# The tour: derivatives, both API styles, forward mode, training on real data.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/python examples/tour.py "$@"
