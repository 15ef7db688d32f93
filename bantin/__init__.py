"""bantin: a static-site generator for association news and reports."""

__version__ = "0.1.0"
