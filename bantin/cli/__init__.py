"""The command line: every command, its help and its messages in the site's language, and the
progress shown on a terminal.

May import: every package."""

from bantin.cli.main import main, run

__all__ = ["main", "run"]
