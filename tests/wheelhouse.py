"""bantin's dependencies as wheels, for the test that follows the README's "Start your own site" in a
fresh venv without the system's packages: downloaded once, before the tests (`.ci/run` runs this
file), so that the tests themselves never reach the network.

    python3 tests/wheelhouse.py     # fills ~/.cache/bantin-tests/wheelhouse-<tag>/
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _wanted() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [*project["project"]["dependencies"], *project["build-system"]["requires"]]


def folder() -> Path:
    """Where the wheels of this Python and these requirements are kept."""
    wanted = _wanted()
    tag = hashlib.sha256(f"{sys.version_info[:2]}{sorted(wanted)}".encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "bantin-tests" / f"wheelhouse-{tag}"


def ready() -> Path | None:
    """The folder, when a download into it finished; else None."""
    found = folder()
    return found if (found / "complete").exists() else None


def main() -> int:
    target = folder()
    if ready():
        print(f"wheelhouse ready: {target}")
        return 0
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", str(target),
                           *_wanted()], check=False)
    if done.returncode != 0:
        print(f"could not download bantin's dependencies into {target}", file=sys.stderr)
        return done.returncode
    (target / "complete").write_text("", encoding="utf-8")
    print(f"wheelhouse ready: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
