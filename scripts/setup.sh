#!/usr/bin/env bash
# scripts/setup.sh [demo|test]: create .venv and install tapegrad (editable: the install
# compiles the C speedups, src/tapegrad/_speedups*.c, in place) with what one stage needs.
#   demo  what ./demo.sh uses: the extra `demo` (scikit-learn for the tour's data sets,
#         tqdm); no PyTorch, no matplotlib: about 240 MB.
#   test  what ./test.sh uses: adds the test oracles (extras test, all, reference: PyTorch's
#         CPU wheel, sympy, ...) and Graphviz's `dot`.
# One venv, upgraded in stages: test's packages include demo's, so after ./test.sh the
# demo installs nothing. Safe to run again: a stage reinstalls only when pyproject.toml,
# setup.py, the C speedups or this script changed (a hash in .venv/.tapegrad-<stage>).
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${1:-test}
case $stage in
    demo) extras=demo ;;
    test) extras=demo,test,all,reference,distributed ;;
    *) echo "usage: scripts/setup.sh [demo|test]" >&2; exit 2 ;;
esac
PY=${PYTHON:-python3}
want=$(cat pyproject.toml setup.py src/tapegrad/_speedups*.[ch] scripts/setup.sh | sha256sum |
       cut -d' ' -f1)
fresh() { [ -f ".venv/.tapegrad-$1" ] && [ "$(cat ".venv/.tapegrad-$1")" = "$want" ]; }

if ! fresh test && ! { [ "$stage" = demo ] && fresh demo; }; then
    # pip 22.3+ installs into another environment (--python), so .venv needs no pip of its
    # own (17 MB, and 3 s to create)
    if [ ! -x .venv/bin/python ]; then
        if "$PY" -c 'import sys, pip
sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (22, 3))' 2>/dev/null; then
            "$PY" -m venv --without-pip .venv
        else
            "$PY" -m venv .venv
            .venv/bin/python -m pip install -q --upgrade pip
        fi
    fi
    if .venv/bin/python -c 'import pip' 2>/dev/null; then
        pip=(.venv/bin/python -m pip)
    else
        pip=("$PY" -m pip --python .venv/bin/python)
    fi
    # a failed (optional) build must not leave an older compiled module in place; only
    # this Python's: scripts/matrix.sh keeps those of other Pythons beside it
    rm -f "src/tapegrad/_speedups$(.venv/bin/python -c \
        'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
    # the build requirements (pyproject.toml's) go into .venv and the C speedups build
    # there: an isolated build env would install NumPy a second time (7 s). tomllib: 3.11+
    isolation=()
    if build=$(.venv/bin/python -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' \
               2>/dev/null); then
        mapfile -t build <<< "$build"
        "${pip[@]}" install -q --no-compile "${build[@]}"
        isolation=(--no-build-isolation)
    fi
    if [ "$stage" = demo ]; then
        # no .pyc at install: half the time and 90 MB less; Python writes the ones the
        # demo imports when it first runs
        "${pip[@]}" install -q --no-compile "${isolation[@]}" -e ".[$extras]"
    else
        # torch is pinned: 2.13.0 is the CPU wheel on local disk (an unpinned torch is GBs)
        "${pip[@]}" install -q "${isolation[@]}" -e ".[$extras]"
        # the demo stage's packages came without .pyc, and test processes import them
        # often; a file some package ships that is not Python 3 source is no failure
        .venv/bin/python -m compileall -q -j 0 .venv/lib >/dev/null || true
    fi
    echo "$want" > ".venv/.tapegrad-$stage"
fi

# Graphviz's `dot` renders the graph pictures (tests render real PNG/SVG); the demo draws
# none
if [ "$stage" = test ] && ! command -v dot >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        (apt-get install -y -q graphviz >/dev/null 2>&1 ||
         (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q graphviz >/dev/null 2>&1)) ||
            echo "setup: could not install graphviz; rendering tests will be skipped" >&2
    fi
fi
