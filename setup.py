"""Builds the optional C speedups; all metadata is in pyproject.toml. If the compiler is
missing the build skips the extension and tapegrad runs its pure-Python paths."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("tapegrad._speedups", ["src/tapegrad/_speedups.c"],
                             optional=True)])
