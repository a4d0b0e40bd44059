"""tapegrad's version: the one place it is written. pyproject.toml reads it at build time
(setuptools' dynamic version) and tapegrad/__init__.py re-exports it as __version__."""
__version__ = "0.1.0"
