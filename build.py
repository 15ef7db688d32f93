"""Thin entry point: `python build.py [build|check|new|import-text] ...`."""

import sys

from bantin.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
