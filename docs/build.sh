#!/usr/bin/env bash
# Build the documentation site into site/ with warnings as errors (mkdocs --strict).
#
# Python: $PYTHON if set, else the repository's .venv when it already has the docs
# tools, else a venv of its own (.venv-docs/) holding numpy and the `docs` extra of
# pyproject.toml. tapegrad is read from src/ (the C extension is optional). Safe to run
# again: an existing venv is reused and the site directory is rebuilt from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."

has_tools() {
    "$1" -c "import mkdocs, material, mkdocstrings_handlers.python, numpy, ruff" 2>/dev/null
}

if [ -n "${PYTHON:-}" ]; then
    py=$PYTHON
elif [ -x .venv/bin/python ] && has_tools .venv/bin/python; then
    py=.venv/bin/python
else
    py=.venv-docs/bin/python
    if ! has_tools "$py"; then
        [ -x "$py" ] || python3 -m venv .venv-docs
        # the package's own dependencies and its docs extra, read from pyproject.toml
        mapfile -t reqs < <("$py" - <<'PYEOF'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for req in project["dependencies"] + project["optional-dependencies"]["docs"]:
    print(req)
PYEOF
)
        "$py" -m pip install -q --upgrade pip
        "$py" -m pip install -q "${reqs[@]}"
    fi
fi

export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export NO_MKDOCS_2_WARNING=1
"$py" -m mkdocs build --strict --clean --site-dir site "$@"
echo "docs/build.sh: site built in $PWD/site (open site/index.html)"
