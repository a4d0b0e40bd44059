#!/usr/bin/env bash
# A release as a packager and a user meet it, checked end to end (./test.sh runs this):
#  1. `python -m build` makes the sdist, then the wheel from the unpacked sdist (so the
#     sdist holds everything a build needs); the wheel must hold the compiled C speedups;
#  2. the sdist is installed into a fresh venv (no system site-packages, no .venv
#     packages), where the C speedups must be built and in use;
#  3. tests the sdist ships run from the unpacked sdist against that installed tapegrad
#     (never src/): C against Python rules, the engine, every docs page's code, the
#     README and the packaging checks.
# The venv and the files live in a temporary folder, removed at the end. Safe to run
# again; it changes nothing in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${TAPEGRAD_TEST_PYTHON:-.venv/bin/python}        # has `build` (the extra test)
start=$SECONDS
# in RAM when there is room (2 GB free in /dev/shm) and TMPDIR does not say otherwise: the
# fresh venv's 20,000 files take a minute to remove from a busy disk
tmp=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -gt 2000000 ]; then
    tmp=/dev/shm
fi
work=$(mktemp -d "$tmp/tapegrad-release.XXXXXX")
trap 'rm -rf "$work"' EXIT

# pip from .venv if it has one, else the one scripts/setup.sh used (22.3+: --python)
if "$py" -c 'import pip' 2>/dev/null; then
    pip=("$py" -m pip)
else
    pip=("${PYTHON:-python3}" -m pip)
fi

echo "--- release check: python -m build (sdist, then the wheel from it)"
# with .venv's setuptools and NumPy (scripts/setup.sh installed pyproject's build
# requirements): two isolated build envs would each install NumPy (40 s on a busy
# machine); step 2's install of the sdist builds it in an isolated env all the same
isolation=()
if "$py" -c 'import setuptools, numpy' 2>/dev/null; then
    isolation=(--no-isolation)
fi
"$py" -m build "${isolation[@]}" --outdir "$work/dist" . >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log"; exit 1; }
sdist=$(ls "$work"/dist/tapegrad-*.tar.gz)
wheel=$(ls "$work"/dist/tapegrad-*.whl)
echo "$(basename "$sdist") $(basename "$wheel")"
"$py" - "$sdist" "$wheel" <<'EOF'
import sys, tarfile, zipfile
sdist, wheel = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
so = [n for n in names if n.startswith("tapegrad/_speedups") and n.endswith((".so", ".pyd"))]
if not so:
    sys.exit(f"release check: the wheel has no compiled C speedups: {wheel}")
if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
    sys.exit("release check: the wheel carries no LICENSE")
with tarfile.open(sdist) as tar:
    inside = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
need = ["LICENSE", "CHANGELOG.md", "tests/conftest.py", "tests/ops/cases.py", "docs/index.md",
        "examples/tour.py", "src/tapegrad/_version.py", "src/tapegrad/_speedups.h"]
# every C file setup.py compiles (one module from several files)
need += [f"src/tapegrad/_speedups{part}.c" for part in ("", "_ufunc", "_record", "_apply",
                                                        "_sites", "_dual", "_rule", "_backward")]
missing = [n for n in need if n not in inside]
if missing:
    sys.exit(f"release check: the sdist leaves out {missing}")
EOF

echo "--- release check: the sdist installed in a fresh venv ($((SECONDS - start)) s so far)"
"$py" -m venv --without-pip "$work/venv"
vpy=$work/venv/bin/python
# the test oracles but PyTorch (its tests skip: ./test.sh ran them), and the optional
# packages the docs' code uses
"${pip[@]}" --python "$vpy" install -q --no-compile "$sdist[test,all]" \
    >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log"; exit 1; }
tar -xzf "$sdist" -C "$work"
src=$(ls -d "$work"/tapegrad-*/)
cd "$src"
# from the unpacked sdist's folder (as pytest runs), tapegrad is the installed one
"$vpy" - "$work/venv" <<'EOF'
import sys, pathlib
import tapegrad, tapegrad._config as c
where = pathlib.Path(tapegrad.__file__).resolve()
if pathlib.Path(sys.argv[1]).resolve() not in where.parents:
    sys.exit(f"release check: tapegrad imported from {where}, not from the fresh venv")
active, why = c.speedups()
if not active:
    sys.exit(f"release check: the installed C speedups are not in use: {why}")
print(f"tapegrad {tapegrad.__version__} from {where.parent}, C speedups in use")
EOF

echo "--- release check: the sdist's tests against the installed package ($((SECONDS - start)) s so far)"
# OPENBLAS_NUM_THREADS: two test processes on two cores (as test.sh)
# (the op table's full run, tests/ops/test_rules.py, takes a minute alone, and the layout
# checks read the source only: ./test.sh has run both on the source tree)
OPENBLAS_NUM_THREADS=1 PYTHONPATH="" "$vpy" -m pytest -n 2 -q -p no:cacheprovider \
    -p no:warnings tests/ops/test_op_form.py tests/test_engine.py \
    tests/test_tensor_semantics.py tests/test_docs.py tests/test_readme.py \
    tests/test_packaging.py
echo "release check passed in $((SECONDS - start)) s"
