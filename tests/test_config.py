"""tg.show_config() and `python -m tapegrad`: the report names the versions, the BLAS,
and whether the C speedups run, with the reason when they do not."""
import importlib.metadata
import io
import os
import platform
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import _config
from tapegrad import _native

PKG_DIR = os.path.dirname(tg.__file__)
SRC_DIR = os.path.dirname(PKG_DIR)


def _report():
    buf = io.StringIO()
    tg.show_config(file=buf)
    return buf.getvalue()


def _run(*args, env_extra=None, path=SRC_DIR):
    env = {k: v for k, v in os.environ.items() if k != "TAPEGRAD_PURE_PYTHON"}
    env["PYTHONPATH"] = path
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "tapegrad", *args], env=env, cwd=path,
                          capture_output=True, text=True, timeout=120)


def _speedups_line(text):
    lines = [ln for ln in text.splitlines() if ln.startswith("C speedups: ")]
    assert len(lines) == 1, text
    return lines[0]


def test_report_names_tapegrad_python_and_numpy_versions():
    text = _report()
    assert text.startswith(f"tapegrad {tg.__version__}  ")
    assert f"Python {platform.python_version()} " in text
    assert f"NumPy {np.__version__}  " in text


def test_report_says_whether_the_c_speedups_are_the_ones_in_use():
    line = _speedups_line(_report())
    if _native.SPEEDUPS is None:
        assert line.startswith("C speedups: off: ")
    else:
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        assert line == f"C speedups: active (_speedups{suffix})"


def test_report_names_numpys_blas_and_lapack():
    deps = np.show_config(mode="dicts")["Build Dependencies"]
    text = _report()
    for key in ("blas", "lapack"):
        row = [ln for ln in text.splitlines() if ln.startswith(f"  {key.upper()}: ")]
        assert len(row) == 1, text
        if deps[key].get("found"):
            assert deps[key]["name"] in row[0] and str(deps[key]["version"]) in row[0]


def test_optional_packages_show_their_installed_version_or_a_dash():
    text = _report()
    for dist, _ in _config.OPTIONAL:
        try:
            want = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            want = "-"
        rows = [ln.split() for ln in text.splitlines() if ln.startswith(f"  {dist} ")]
        assert len(rows) == 1 and rows[0][1] == want, (dist, text)


def test_python_m_tapegrad_prints_the_report():
    r = _run()
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"tapegrad {tg.__version__}  ")
    assert f"NumPy {np.__version__}  " in r.stdout
    # the same process state as here, unless this run itself is the pure-Python pass
    if _native.SPEEDUPS is not None:
        assert _speedups_line(r.stdout).startswith("C speedups: active (")


def test_python_m_tapegrad_refuses_arguments_it_does_not_take():
    r = _run("--bogus")
    assert r.returncode != 0
    assert "python -m tapegrad: takes no arguments, got --bogus" in r.stderr


def test_pure_python_switch_is_given_as_the_reason():
    r = _run(env_extra={"TAPEGRAD_PURE_PYTHON": "1"})
    assert r.returncode == 0, r.stderr
    line = _speedups_line(r.stdout)
    assert line.startswith("C speedups: off: TAPEGRAD_PURE_PYTHON=1 is set in the environment")


def _copy_package(tmp_path):
    """tapegrad's sources without any compiled module, importable from tmp_path."""
    shutil.copytree(PKG_DIR, tmp_path / "tapegrad",
                    ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    return tmp_path / "tapegrad"


def test_a_missing_build_is_reported_as_not_built(tmp_path):
    pkg = _copy_package(tmp_path)
    (pkg / "_speedups.cpython-299-x86_64-linux-gnu.so").write_bytes(b"")   # another Python
    r = _run(path=str(tmp_path))
    assert r.returncode == 0, r.stderr
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert _speedups_line(r.stdout) == (
        f"C speedups: off: not built for this Python: no _speedups{suffix} in {pkg} "
        "(there is _speedups.cpython-299-x86_64-linux-gnu.so, for another Python); "
        "`pip install -e .` with a C compiler builds it")


def test_a_module_that_fails_to_import_is_reported_with_its_error(tmp_path):
    pkg = _copy_package(tmp_path)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    (pkg / f"_speedups{suffix}").write_bytes(b"not a shared object")
    r = _run(path=str(tmp_path))
    assert r.returncode == 0, r.stderr
    line = _speedups_line(r.stdout)
    assert line.startswith("C speedups: off: import failed: ImportError: "), line
    assert f"_speedups{suffix}" in line


def test_config_gives_the_same_facts_as_a_dict():
    c = _config.config()
    assert c["tapegrad"] == tg.__version__ and c["numpy"] == np.__version__
    assert c["python"] == platform.python_version()
    assert c["speedups_active"] is (_native.SPEEDUPS is not None)
    assert isinstance(c["speedups_detail"], str) and c["speedups_detail"]


@pytest.mark.skipif(_native.SPEEDUPS is not None, reason="the C speedups are in use here")
def test_the_reason_is_given_in_this_process_when_c_is_off():
    active, detail = _config.speedups()
    assert not active and detail


def test_numpy_below_the_floor_is_flagged(monkeypatch):
    monkeypatch.setattr(_config.np, "__version__", "1.26.4")
    line = [ln for ln in _report().splitlines() if ln.startswith("NumPy ")][0]
    assert line.startswith("NumPy 1.26.4  (") and line.endswith(
        "UNSUPPORTED: tapegrad needs NumPy 2.0 or newer (NumPy 1.x promotes dtypes "
        "differently)")
    monkeypatch.setattr(_config.np, "__version__", "2.0.2")
    assert "UNSUPPORTED" not in _report()
