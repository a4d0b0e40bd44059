#!/usr/bin/env bash
# Create .venv and install tapegrad with everything the demo and tests use.
# Safe to run again: it reinstalls only when pyproject.toml, setup.py or the C speedups
# changed (the editable install compiles src/tapegrad/_speedups.c in place).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.tapegrad-installed
want=$(sha256sum pyproject.toml setup.py src/tapegrad/_speedups.c scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # a failed (optional) build must not leave an older compiled module in place; only
    # this Python's: scripts/matrix.sh keeps those of other Pythons beside it
    rm -f "src/tapegrad/_speedups$(.venv/bin/python -c \
        'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
    # torch is pinned: 2.13.0 is the CPU wheel on local disk (an unpinned torch is GBs)
    .venv/bin/python -m pip install -q -e ".[test,all,reference,distributed]"
    echo "$want" > "$stamp"
fi
# Graphviz's `dot` renders the graph pictures (tests render real PNG/SVG)
if ! command -v dot >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        (apt-get install -y -q graphviz >/dev/null 2>&1 ||
         (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q graphviz >/dev/null 2>&1)) ||
            echo "setup: could not install graphviz; rendering tests will be skipped" >&2
    fi
fi
