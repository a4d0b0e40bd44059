"""Builds the optional C speedups; all metadata is in pyproject.toml. The extension uses
NumPy's C API (NumPy is a build requirement). If the compiler or the headers are missing,
the build skips the extension and tapegrad runs its pure-Python paths."""
from setuptools import Extension, setup

try:
    import numpy
    include = [numpy.get_include()]
except ImportError:     # the build of the extension fails and is skipped (optional)
    include = []

setup(ext_modules=[Extension("tapegrad._speedups", ["src/tapegrad/_speedups.c"],
                             include_dirs=include, optional=True,
                             # a missing declaration must fail the build, not the import
                             extra_compile_args=["-Werror=implicit-function-declaration"])])
