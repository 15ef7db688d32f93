"""`python -m bantin`: the same command line as `bantin`."""

from bantin.cli import run

run()
