"""Builds the optional C speedups; all metadata is in pyproject.toml. The extension uses
NumPy's C API (NumPy is a build requirement). If the compiler or the headers are missing,
the build skips the extension and tapegrad runs its pure-Python paths."""
from setuptools import Extension, setup

try:
    import numpy
    include = [numpy.get_include()]
except ImportError:     # the build of the extension fails and is skipped (optional)
    include = []

# one extension module from several C files (their shared header: _speedups.h)
SOURCES = ["src/tapegrad/_speedups.c"] + [
    f"src/tapegrad/_speedups_{part}.c"
    for part in ("ufunc", "record", "apply", "sites", "dual", "rule", "backward")]

setup(ext_modules=[Extension("tapegrad._speedups", SOURCES,
                             depends=["src/tapegrad/_speedups.h"],
                             include_dirs=include, optional=True,
                             extra_compile_args=[
                                 # a missing declaration must fail the build, not the import
                                 "-Werror=implicit-function-declaration",
                                 # the files share functions; the module exports its init only
                                 "-fvisibility=hidden", "-flto"],
                             extra_link_args=["-flto"])])
