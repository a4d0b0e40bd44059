#!/usr/bin/env bash
# The op table and the engine, front-end and API tests (test.sh's matrix list; C path) on the oldest and the newest
# supported Python, each with the C speedups built for it and checked to be in use:
#   3.10 with the oldest NumPy that pyproject.toml allows (2.0), 3.13 with the newest.
# Each Python gets its own venv under the repo (.venv-py310, .venv-py313; torch is not
# installed there, its reference tests skip). Safe to run again: a venv is reinstalled
# only when pyproject.toml, setup.py, the C speedups or this script change. The Pythons
# are pyenv's (or python3.X on PATH); without one, CI fails and a local run skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

# "python version|NumPy requirement"
MATRIX=("3.10|numpy==2.0.*" "3.13|numpy>=2.0")

find_python() {
    local ver=$1 root=${PYENV_ROOT:-$HOME/.pyenv} found
    found=$(ls -d "$root"/versions/"$ver".*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ]; then
        found=$(command -v "python$ver" || true)
    fi
    echo "$found"
}

for entry in "${MATRIX[@]}"; do
    ver=${entry%%|*}
    numpy=${entry#*|}
    venv=.venv-py${ver/./}
    base=$(find_python "$ver")
    if [ -z "$base" ]; then
        if [ -n "${CI:-}" ]; then
            echo "matrix: no Python $ver found (pyenv or python$ver on PATH)" >&2
            exit 1
        fi
        echo "matrix: no Python $ver here; skipping it (CI requires it)" >&2
        continue
    fi
    echo "--- Python $ver ($base) with $numpy, in $venv"
    if [ ! -x "$venv/bin/python" ]; then
        "$base" -m venv "$venv"
    fi
    py=$venv/bin/python
    suffix=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
    so=src/tapegrad/_speedups$suffix
    stamp=$venv/.tapegrad-installed
    want=$( (echo "$numpy"; cat pyproject.toml setup.py src/tapegrad/_speedups*.[ch] \
             scripts/matrix.sh) | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -f "$so" ]; then
        # a failed (optional) build must not leave an older compiled module in place
        rm -f "$so" "$stamp"
        "$py" -m pip install -q "$numpy" "setuptools>=77"   # 77: PEP 639 license fields (pyproject.toml)
        # built against this venv's own NumPy (no isolated build env with another one)
        "$py" -m pip install -q --no-build-isolation -e ".[test,all]" "$numpy"
        echo "$want" > "$stamp"
    fi
    "$py" -m tapegrad
    "$py" -c 'import sys, tapegrad._config as c
active, why = c.speedups()
sys.exit(0 if active else "matrix: the C speedups are not in use: " + why)'
    TAPEGRAD_TEST_PYTHON=$py ./test.sh
done
