"""Thin entry point: `python build.py [build|check|new|import-text] ...`."""

from bantin.cli.main import run

if __name__ == "__main__":
    run()
