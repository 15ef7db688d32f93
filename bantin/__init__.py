"""bantin: a static-site generator for association news and reports."""

__version__ = "0.1.0"  # the one place it is written: pyproject.toml reads it, a release tag v0.1.0 must equal it
