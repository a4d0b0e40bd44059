"""`tg.show_config()` and `python -m tapegrad`: what this tapegrad runs on.

Reads the environment only; importing this module changes nothing. The optional
packages are looked up by their installed metadata, not imported (torch alone takes
seconds to import)."""
from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import io
import os
import platform
import shutil
import sys
import sysconfig

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

_PKG = __name__.rpartition(".")[0]                  # "tapegrad"
_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_C = _PKG + "._speedups"

# (distribution name, what tapegrad uses it for)
OPTIONAL = (
    ("scipy", "expm, sqrtm, Sylvester solves, special functions, vectorized erf (extra scipy)"),
    ("graphviz", "tg.viz.make_dot (extra viz)"),
    ("tqdm", "progress bars (extra progress; else plain lines)"),
    ("matplotlib", "the examples' plots (extra plot)"),
    ("safetensors", "interop tests of tg.save/tg.load (extra test; not needed by them)"),
    ("scikit-learn", "the examples' data sets (extras demo, examples)"),
    ("threadpoolctl", "the loaded BLAS and its threads, in this report"),
    ("torch", "reference tests and benchmarks (extra reference)"),
)


def speedups():
    """(active, detail): whether the C speedups run and, if not, why not."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    mod = sys.modules.get(_C)
    if mod is not None:     # _native imported it, so uses it: a failed import leaves none
        return True, os.path.basename(getattr(mod, "__file__", "") or "built in")
    spec = _find()
    env = os.environ.get("TAPEGRAD_PURE_PYTHON")
    if env:     # any non-empty value switches them off, as _native reads it
        built = (f"; the module for this Python is built ({os.path.basename(spec.origin)})"
                 if spec is not None else "")
        return False, f"TAPEGRAD_PURE_PYTHON={env} is set in the environment{built}"
    if spec is None:
        others = sorted(f for f in os.listdir(_PKG_DIR)
                        if f.startswith("_speedups") and f.endswith((".so", ".pyd")))
        seen = f" (there is {', '.join(others)}, for another Python)" if others else ""
        return False, (f"not built for this Python: no _speedups{suffix} in {_PKG_DIR}"
                       f"{seen}; `pip install -e .` with a C compiler builds it")
    return False, "import failed: " + _import_error()


def _find():
    try:
        return importlib.util.find_spec(_C)
    except ImportError:
        return None


def _import_error():
    """Why the built module does not import: the error, and the first line NumPy printed
    (a module built against another NumPy prints its reason to stderr)."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            importlib.import_module(_C)
    except Exception as e:
        why = f"{type(e).__name__}: {e}"
    else:
        return "it imports now, so it was built after tapegrad was imported; restart Python"
    printed = next((ln.strip() for ln in err.getvalue().splitlines() if ln.strip()), "")
    return f"{why} ({printed})" if printed else why


def _blas():
    """[(label, text)] for NumPy's BLAS and LAPACK as built, and as loaded when
    threadpoolctl can tell."""
    rows = []
    try:
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
    except TypeError:       # NumPy before 1.25 (unsupported) has no mode=
        deps = {}
    for key in ("blas", "lapack"):
        d = deps.get(key) or {}
        if not d.get("found", False):
            rows.append((key.upper(), "not found" if d else "unknown"))
            continue
        text = " ".join(str(d[k]) for k in ("name", "version") if d.get(k))
        cfg = d.get("openblas configuration")
        rows.append((key.upper(), f"{text} (built as: {' '.join(cfg.split())})" if cfg
                     else text))
    if importlib.util.find_spec("threadpoolctl") is not None:
        import threadpoolctl    # optional: the library actually loaded, and its threads
        for i in threadpoolctl.threadpool_info():
            if i.get("user_api") == "blas":
                arch = f", {i['architecture']}" if i.get("architecture") else ""
                rows.append(("BLAS loaded", f"{i.get('internal_api')} {i.get('version')}, "
                             f"{i.get('num_threads')} thread(s){arch}"))
    return rows


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def config():
    """The report as a dict of plain values (what show_config prints)."""
    active, detail = speedups()
    version = getattr(sys.modules.get(_PKG), "__version__", None) or _version(_PKG)
    threads = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                          "MKL_NUM_THREADS") if k in os.environ}
    return {
        "tapegrad": version,
        "tapegrad_path": _PKG_DIR,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "speedups_active": active,
        "speedups_detail": detail,
        "numpy": np.__version__,
        "numpy_path": os.path.dirname(np.__file__),
        "numpy_supported": int(np.__version__.split(".")[0]) >= 2,
        "blas": _blas(),
        "threads_env": threads,
        "optional": [(dist, _version(dist), use) for dist, use in OPTIONAL],
        "dot": shutil.which("dot"),
    }


def show_config(file: TextIO | None = None) -> None:
    """Print the tapegrad version, the Python, whether the C speedups are active (and
    why not), NumPy and its BLAS, and which optional packages are installed (to `file`,
    default standard output). Paste it into bug reports.

    Args:
        file: a text stream to write to (None: standard output).

    >>> tg.show_config()                    # doctest: +ELLIPSIS
    tapegrad ...
    Python ...
    NumPy ...
    """
    c = config()
    out = [f"tapegrad {c['tapegrad']}  ({c['tapegrad_path']})",
           f"Python {c['python']} ({c['implementation']}, {c['executable']})",
           f"platform: {c['platform']}",
           "C speedups: " + (f"active ({c['speedups_detail']})" if c["speedups_active"]
                             else f"off: {c['speedups_detail']}"),
           f"NumPy {c['numpy']}  ({c['numpy_path']})"
           + ("" if c["numpy_supported"] else
              "  UNSUPPORTED: tapegrad needs NumPy 2.0 or newer (NumPy 1.x promotes dtypes "
              "differently)")]
    out += [f"  {label}: {text}" for label, text in c["blas"]]
    if c["threads_env"]:
        out.append("  threads: " + ", ".join(f"{k}={v}" for k, v in c["threads_env"].items()))
    out.append("optional packages:")
    width = max(len(d) for d, _, _ in c["optional"])
    for dist, ver, use in c["optional"]:
        out.append(f"  {dist:<{width}}  {ver or '-':<12} {use}")
    out.append(f"  Graphviz dot program: {c['dot'] or 'not found'} (renders tg.viz pictures)")
    print("\n".join(out), file=file if file is not None else sys.stdout)
