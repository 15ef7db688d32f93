"""A day's build, alternating between versions: one new article dated today, then each version's build.

    python3 bench/new_article.py RUNS NAME=TREE:PROJECT[:SCRIPT] ... [-- BUILD FLAGS]

For each NAME in turn (the order reversed every other round), a new article is added to its PROJECT
(a copy of its newest article under a new title, dated an hour ago), then `python TREE/build.py build -q
FLAGS` (or SCRIPT, with TREE on PYTHONPATH) runs in PROJECT; a first round is not counted. Each project
must have been built once by its own TREE (a cold build: bantin's code is part of every cache key).
Printed for each run and as medians: CPU seconds of the build and every process it waited for, wall
seconds, the peak memory of its largest process and of all its processes together (bench/run.py's
TreeMemory), the load average when it started; and each version's CPU and wall time over the first
NAME's, pair by pair. Used for docs/benchmarks.md's new-article figures at 100,000 articles.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import TreeMemory

Result = tuple[float, float, int, int, float]  # cpu, wall, peak MB (largest), peak MB (all), load


def new_article(project: Path) -> None:
    """A copy of an article of the project's newest year under a new title, dated an hour ago (+07:00)."""
    counter = project / ".new-articles"
    n = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(n))
    folder = max((project / "content" / "tin-tuc").iterdir())
    source = min(path for path in folder.glob("*.md") if not path.name.startswith(("tin-moi-so-", "bai-moi-so-")))
    when = (datetime.now(timezone(timedelta(hours=7))) - timedelta(hours=1)).replace(microsecond=0)
    lines = []
    for line in source.read_text(encoding="utf-8").split("\n"):
        if line.startswith("title: "):
            line = f'title: "Tin mới số {n}"'
        elif line.startswith("date: "):
            line = f"date: {when.isoformat()}"
        lines.append(line)
    (folder / f"tin-moi-so-{n}.md").write_text("\n".join(lines), encoding="utf-8")


def one(tree: str, project: Path, flags: list[str], script: str = "") -> Result:
    """A new article, then one build: its figures."""
    new_article(project)
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, script or f"{tree}/build.py", "build", "-q", *flags], cwd=project,
                             env={**os.environ, "PYTHONPATH": tree}, stdout=subprocess.DEVNULL)
    memory = TreeMemory(child.pid)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    memory.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build of {tree} in {project} failed")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, wall, usage.ru_maxrss // 1024, memory.peak // 1024, load


def main() -> int:
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    runs, sides, flags = int(args[0]), [arg.split("=", 1) for arg in args[1:split]], args[split + 1:]
    results: dict[str, list[Result]] = {name: [] for name, _ in sides}
    for round_ in range(runs + 1):
        for name, where in (sides if round_ % 2 == 0 else sides[::-1]):
            tree, project, *script = where.split(":")
            got = one(tree, Path(project), flags, *script)
            print(f"{'warm-up' if round_ == 0 else f'run {round_}'} {name}: cpu {got[0]:.2f} s, wall {got[1]:.2f} s, "
                  f"peak {got[2]} MB (all processes {got[3]} MB), load {got[4]:.1f}", flush=True)
            if round_:
                results[name].append(got)
    first = sides[0][0]
    for name, got in results.items():
        print(f"{name}: median cpu {statistics.median(g[0] for g in got):.2f} s, wall "
              f"{statistics.median(g[1] for g in got):.2f} s, peak {statistics.median(g[2] for g in got):.0f} MB "
              f"(all {statistics.median(g[3] for g in got):.0f} MB), load {min(g[4] for g in got):.1f}-"
              f"{max(g[4] for g in got):.1f}")
        if name != first:
            cpu = [b[0] / a[0] for a, b in zip(results[first], got, strict=True)]
            wall = [b[1] / a[1] for a, b in zip(results[first], got, strict=True)]
            print(f"  {name} / {first}: cpu {statistics.median(cpu):.2f} ({min(cpu):.2f}-{max(cpu):.2f}), wall "
                  f"{statistics.median(wall):.2f} ({min(wall):.2f}-{max(wall):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
