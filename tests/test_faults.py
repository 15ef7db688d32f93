"""An operator's bad day: two builds at once, a damaged cache, a build killed at a chosen moment, a full
disk, another file system. Whatever happens, nothing wrong is published and nothing is lost: the next
build leaves the output exactly as a clean build of the same content."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.builder.pipeline import BuildOptions, build
from bantin.language.errors import BuildFailed
from bantin.project.config import load_config
from bantin.project.lock import Busy, project_lock

from conftest import ENGLISH, REPO, SITE_TOML, Project, article, make_project, photo

PROVINCES = ("Hà Tĩnh", "Bình Dương", "Sơn La", "Đắk Lắk")


def articles(count: int, year: int = 2023) -> dict[str, str | bytes]:
    return {f"content/tin-tuc/{year}/bai-{n:03d}.md": article(
        f"Hội thảo số {n} ở {PROVINCES[n % 4]}", f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
        province=PROVINCES[n % 4], tags=["Hội thảo", "Trí thức"][: 1 + n % 2],
        body=f"Đoạn đầu của bài {n}.\n\nĐoạn thứ hai về chuyển đổi số.") for n in range(count)}


def snapshot(out: Path) -> dict[str, bytes | None]:
    """Every file of a folder with its bytes, every folder as None."""
    return {p.relative_to(out).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(out.rglob("*"))}


def clean_build(root: Path, where: Path, search: bool = True) -> dict[str, bytes | None]:
    """The output of a clean build of the same content, in a fresh copy of the project."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    Project(where).build(search=search)
    return snapshot(where / "_site")


def leftovers(site: Project) -> list[str]:
    """Staging and backup folders beside the output, and work files in the cache."""
    found = [p.name for p in site.root.iterdir() if p.name.startswith("_site.")]
    cache = site.root / ".bantin-cache"
    found += [p.name for p in cache.rglob("*") if ".tmp" in p.name or ".work" in p.name]
    return found + [p.name for p in cache.glob("journal.json")]


def run_build(root: Path, *flags: str, prelude: str = "") -> subprocess.CompletedProcess:
    """`bantin build` in a process of its own; `prelude` runs first (to kill it at a chosen moment)."""
    code = textwrap.dedent(prelude) + "\nimport sys\nfrom bantin.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", code, "build", "--root", str(root), *flags],
                          capture_output=True, text=True, timeout=300, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


# --- two builds at once ------------------------------------------------------------------------
def test_a_second_build_waits_for_the_first_or_says_which_process_holds_the_site(project, tmp_path):
    """Before: nothing refused a second build; both used .bantin-cache/search/*.work, one failed, the
    other exited 0, and two search shards indexed 68 of 86 and 9 of 14 of their articles, for good."""
    site = project(articles(120), ENGLISH + SITE_TOML)
    command = [sys.executable, str(REPO / "build.py"), "build", "--root", str(site.root), "--jobs", "1"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    lock = site.root / ".bantin-cache" / "lock"
    deadline = time.monotonic() + 60
    while not (lock.is_file() and lock.read_text().startswith(f"{first.pid} ")):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.02)
    # the first build held still while the second starts (a loaded machine took longer to start the
    # second than the first took to finish, and the second then never met the lock), then let go on
    said = f"another bantin is working on this site: bantin build (process {first.pid})"
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        told = []
        while not any(said in line for line in told):
            line = second.stderr.readline()  # type: ignore[union-attr]
            assert line, f"the second build ended without waiting: {''.join(told)}"
            told.append(line)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _, rest = second.communicate(timeout=300)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    second_err = "".join(told) + rest
    assert second.returncode in (0, 2) and "Traceback" not in second_err  # waited, or said why not (10 s)
    if second.returncode == 2:
        assert "wait until it has finished" in second_err
    assert snapshot(site.out) == clean_build(site.root, tmp_path / "clean")
    assert leftovers(site) == []


def test_a_build_refuses_while_another_process_holds_the_lock_and_names_it(project):
    site = project(articles(2), ENGLISH + SITE_TOML)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from bantin.project.lock import project_lock
        with project_lock(Path({str(site.root / '.bantin-cache')!r}), "bantin serve"):
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout.readline().strip() == "held"
        config = load_config(site.root)
        for options in (BuildOptions(jobs=1), BuildOptions(jobs=1, write=False)):  # build, and check
            started = time.monotonic()
            with pytest.raises(Busy) as busy:
                build(config, options, wait=0.5)
            assert f"another bantin is working on this site: bantin serve (process {holder.pid})" in str(busy.value)
            assert time.monotonic() - started < 10
        assert not site.out.exists()
    finally:
        holder.kill()
        holder.wait()
    # a holder that was killed lets go at once: nothing to delete by hand
    build(load_config(site.root), BuildOptions(jobs=1), wait=0.5)
    assert (site.out / "index.html").is_file()


def test_deploys_share_the_lock_builds_do_not(tmp_path):
    held = []
    with project_lock(tmp_path, "bantin deploy", shared=True):
        with project_lock(tmp_path, "bantin deploy", shared=True, wait=0.2):
            held.append("two deploys at once")
        with pytest.raises(Busy), project_lock(tmp_path, "bantin build", wait=0.2):
            held.append("a build under a deploy")
    assert held == ["two deploys at once"]


# --- a cache that cannot lie --------------------------------------------------------------------
def test_a_byte_flipped_in_the_parse_cache_is_a_miss_said_once(project, tmp_path):
    """Before: one byte flipped in a title inside the parse cache published "bình Dương…" on 29 pages."""
    site = project(articles(8), ENGLISH + SITE_TOML)
    site.build()
    store = site.root / ".bantin-cache" / "articles.pickle"
    data = store.read_bytes()
    title = "Bình Dương".encode()
    assert title in data
    store.write_bytes(data.replace(title, b"b" + title[1:], 1))
    site.write({"content/tin-tuc/2024/moi.md": article("Tin mới ở Bình Dương", "2024-03-01", province="Bình Dương")})
    report = site.build()
    said = [str(w) for w in report.warnings if "damaged" in str(w)]
    assert said == [".bantin-cache/articles.pickle: the build cache held a damaged file: it was not used, and was "
                    "made again\n    hint: if this happens again, check the disk"]
    assert not any("bình Dương".encode() in data for data in snapshot(site.out).values() if data)
    assert snapshot(site.out) == clean_build(site.root, tmp_path / "clean")
    assert not any("damaged" in str(w) for w in site.build().warnings)  # said once


@pytest.mark.parametrize("engine", ["bantin", "pagefind"])
def test_nothing_in_the_site_shares_a_file_with_the_cache_and_either_side_is_repaired(project, tmp_path, engine):
    """Before: photos' variants and search files were hard links to the cache: a change to one changed the
    other, went live at once, and no build repaired it. Either search engine's files ([search] engine)."""
    site = project({**articles(4), "content/tin-tuc/2023/anh.md": article(
        "Bài có ảnh", "2023-06-01", image="/anh/2023/hoi-thao.jpg"), "content/anh/2023/hoi-thao.jpg": photo(640, 480)},
        ENGLISH + SITE_TOML + f'\n[search]\nengine = "{engine}"\n')
    site.build()
    index = "pagefind" if engine == "pagefind" else "search-index"
    copies = [p for p in site.out.rglob("*") if p.is_file() and ("anh/" in p.as_posix() or index in p.parts)]
    assert copies and all(p.stat().st_nlink == 1 for p in copies)
    variant = next(site.out.glob("anh/2023/hoi-thao.*.webp"))
    cached = next((site.root / ".bantin-cache" / "images").rglob(variant.name.split(".", 1)[1]))  # 480.TOKEN.webp
    # the site's copy spoiled: the cache's is as it was, and the next build puts the site's right
    good = variant.read_bytes()
    variant.write_bytes(b"spoiled")
    assert cached.read_bytes() != b"spoiled"
    assert variant.relative_to(site.out).as_posix() in site.build().repaired
    assert variant.read_bytes() == good
    # the cache's file spoiled (and the site's gone, so it is copied again): found, made again, said
    cached.write_bytes(b"spoiled too")
    variant.unlink()
    if engine == "pagefind":
        shard = next((site.root / ".bantin-cache" / "search").glob("*/pagefind-entry.json"))
        shard.write_text("{}")
        (site.out / "pagefind" / shard.parent.name.rsplit("-", 1)[0] / "pagefind-entry.json").unlink()
    else:  # bantin's index: a shard's file in the cache other than its state says
        shard = next((site.root / ".bantin-cache" / "search-index").glob("*/docs.bin"))
        shard.write_bytes(b"spoiled")
        (site.out / "search-index" / shard.parent.name / "docs.bin").unlink()
    report = site.build()
    damaged = [str(w) for w in report.warnings if "damaged" in str(w)]
    assert len(damaged) == 2 and any("images" in w for w in damaged) and any("search" in w for w in damaged)
    assert variant.read_bytes() == good
    assert snapshot(site.out) == clean_build(site.root, tmp_path / "clean")


# --- killed at a chosen moment -----------------------------------------------------------------
KILL_AFTER_MOVES = """
    import os, pathlib, signal
    real, moves = pathlib.Path.rename, []
    def rename(self, target):
        result = real(self, target)
        if ".staging-" in str(self) and ".previous-" not in str(target):  # a new file moved into the site
            moves.append(self)
            if len(moves) == {count}:
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    pathlib.Path.rename = rename
"""
KILL_IN_SWAP = """
    import os, pathlib, signal
    real = pathlib.Path.rename
    def rename(self, target):
        result = real(self, target)
        if ".previous-" in str(target):  # the old site moved aside, the new one not yet in its place
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    pathlib.Path.rename = rename
"""
KILL_IN_COMMIT = """
    import os, signal
    from bantin.project import cache
    real = cache.save
    def save(root, name, *args):
        if name == "output":  # the files are in place, the record of what the output holds is not
            os.kill(os.getpid(), signal.SIGKILL)
        return real(root, name, *args)
    cache.save = save
"""


KILL_IN_LEDGER_PARTS = """
    import os, signal
    from bantin.project import cache
    real = cache.save
    def save(root, name, *args):
        if name.startswith("output.sources"):  # the ledger's files and answers stored, its sources and head not
            os.kill(os.getpid(), signal.SIGKILL)
        return real(root, name, *args)
    cache.save = save
"""


@pytest.mark.parametrize("moment", ["moving files in", "writing the ledger's parts", "committing"])
def test_a_build_killed_while_it_moves_files_in_is_rolled_back_by_the_next(project, tmp_path, moment):
    """Before: a build killed while moving files in, then the new article deleted: its page stayed, and the
    home page and feed still listed it after two more builds; _site.staging*/previous-PID stayed."""
    site = project(articles(12), ENGLISH + SITE_TOML)
    site.build()
    site.write({"content/tin-tuc/2024/moi.md": article("Bài mới sẽ bị xóa", "2024-02-01", province="Sơn La")})
    preludes = {"moving files in": KILL_AFTER_MOVES.format(count=3), "writing the ledger's parts": KILL_IN_LEDGER_PARTS}
    killed = run_build(site.root, prelude=preludes.get(moment, KILL_IN_COMMIT))
    assert killed.returncode == -signal.SIGKILL
    assert (site.root / ".bantin-cache" / "journal.json").is_file()  # the intent was recorded first
    (site.root / "content/tin-tuc/2024/moi.md").unlink()
    again = run_build(site.root)
    assert again.returncode == 0, again.stderr
    assert "a build was stopped while it moved its files in: its changes were rolled back" in again.stderr
    run_build(site.root)
    assert snapshot(site.out) == clean_build(site.root, tmp_path / "clean")
    assert "Bài mới sẽ bị xóa".encode() not in (site.out / "feed.xml").read_bytes()
    assert leftovers(site) == []


def test_a_cold_build_killed_between_its_two_renames_is_rolled_back(project, tmp_path):
    site = project(articles(6), ENGLISH + SITE_TOML)
    site.build()
    before = snapshot(site.out)
    (site.root / ".bantin-cache" / "output.pickle").unlink()  # the next build is a whole new site
    site.write({"content/tin-tuc/2024/moi.md": article("Bài mới", "2024-02-01")})
    assert run_build(site.root, prelude=KILL_IN_SWAP).returncode == -signal.SIGKILL
    assert not site.out.exists()  # the moment: no site at all in its place
    assert run_build(site.root, "--no-search", prelude="import sys; sys.argv.remove('--no-search'); "
                     "from bantin.builder import recovery\n"
                     "from bantin.project.config import load_config\n"
                     "print(recovery.recover(load_config(__import__('pathlib').Path(sys.argv[3]))))\n"
                     "sys.exit(0)\n").stdout.strip() == "rolled back"
    assert snapshot(site.out) == before  # the old site back in its place
    assert run_build(site.root).returncode == 0
    assert snapshot(site.out) == clean_build(site.root, tmp_path / "clean") and leftovers(site) == []


def test_what_killed_builds_left_behind_is_removed(project):
    """Before: _site.staging*/previous-PID folders (up to 22 MB) and .tmp-PID folders were never removed."""
    site = project(articles(3), ENGLISH + SITE_TOML)
    site.build()
    for name in ("_site.staging-99999/tin-tuc/x.html", "_site.previous-99998/index.html",
                 ".bantin-cache/images/abcdef0123.tmp-99999/800.webp", ".bantin-cache/search/2023-x.work-99999/p",
                 ".bantin-cache/.articles.pickle.99999.tmp"):
        site.write({name: "left by a killed build"})
    site.build()
    assert leftovers(site) == []


# --- a full disk --------------------------------------------------------------------------------
@contextlib.contextmanager
def small_disk(folder: Path, size: str = "20m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at folder (root only; CI machines that forbid mounting skip)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"a small disk needs `mount -t tmpfs` (root, a machine that allows it): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def entries(cache: Path) -> list[str]:
    """What the cache's folders hold: photos' variants and search bundles, and anything else in them."""
    return sorted(p.relative_to(cache).as_posix() for folder in ("images", "search")
                  for p in (cache / folder).rglob("*"))


def fill(disk: Path, leave: int) -> Path:
    """A file that leaves `leave` bytes free on the disk."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("ab") as file:
        file.truncate(filler.stat().st_size + max(0, free - leave))
        file.flush()
    data = filler.read_bytes()  # tmpfs counts pages written, not a file's length: write them
    filler.write_bytes(data)
    return filler


def test_a_full_disk_names_the_file_says_the_room_needed_and_leaves_the_cache_no_larger(tmp_path):
    """Before: "No space left on device" named no file, Pagefind's failure was blamed on "pagefind-bin
    1.5.2", and each failed build grew the cache, so builds on that disk kept failing."""
    with small_disk(tmp_path / "disk") as disk:
        site = make_project(disk / "site", {**articles(20), "content/anh/2023/a.jpg": photo(900, 600),
                                            "content/tin-tuc/2023/anh.md": article(
                                                "Bài có ảnh", "2023-06-01", image="/anh/2023/a.jpg")},
                            ENGLISH + SITE_TOML)
        assert run_build(site.root).returncode == 0
        before = snapshot(site.out)
        site.write({"content/tin-tuc/2024/moi.md": article("Bài mới", "2024-03-01"),
                    "content/anh/2024/b.jpg": photo(1600, 1200, seed=3),
                    "content/tin-tuc/2024/anh-moi.md": article("Ảnh mới", "2024-03-02", image="/anh/2024/b.jpg")})
        cache = site.root / ".bantin-cache"
        found = entries(cache)
        for leave in (16_000, 200_000, 600_000):
            filler = fill(disk, leave)
            sizes = []
            for _ in range(2):  # failing again, on the same disk
                failed = run_build(site.root)
                assert failed.returncode == 2, (leave, failed.stderr)
                said = failed.stderr
                assert "error: the disk is full: " in said and " could not be written (" in said, said
                named = said.split("the disk is full: ", 1)[1].split(" could not be written", 1)[0]
                assert named.startswith(("_site", ".bantin-cache", str(site.root))), said
                assert "hint: the build needs about " in said and " MB free there" in said
                assert "pagefind-bin" not in said and "Traceback" not in said
                assert snapshot(site.out) == before  # the old site intact
                assert entries(cache) == found, leave  # no variant, bundle or work folder added
                assert not [p for p in site.root.iterdir() if p.name.startswith("_site.")]
                sizes.append(size_of(cache))
            assert sizes[1] <= sizes[0], leave  # a failure adds nothing to what the last one left
            filler.unlink()
        assert run_build(site.root).returncode == 0  # room again: the build goes through
        assert "Bài mới".encode() in (site.out / "index.html").read_bytes()


# --- the same bytes on any file system ------------------------------------------------------------
def tmpfs_folder(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(subprocess.run(["mktemp", "-d", "-p", str(shm)], capture_output=True, text=True,
                                     check=True).stdout.strip())
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        with small_disk(tmp_path / "tmpfs", "200m") as folder:
            yield folder


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    yield from tmpfs_folder(tmp_path)


def test_the_same_content_builds_the_same_bytes_on_tmpfs_and_on_disk(tmp_path, tmpfs):
    """Before: built on tmpfs and on ext4, 80 files differed, all under pagefind/: Pagefind numbered pages
    in the order the file system listed them."""
    from documents_helpers import write_pdf

    files: dict[str, object] = {**articles(60), **articles(20, 2024)}
    for n in range(4):  # documents: records of their own, in a shard beside their articles'
        files[f"content/tai-lieu/bao-cao-{n}.pdf"] = write_pdf(tmp_path / f"{n}.pdf", [[f"Báo cáo số {n}"],
                                                                                       [f"Trang hai {n}"]]).read_bytes()
    files["content/tin-tuc/2024/tai-lieu.md"] = article("Các báo cáo", "2024-06-01", body=" ".join(
        f"[Báo cáo {n}](/tai-lieu/bao-cao-{n}.pdf)" for n in range(3)))
    files["content/tin-tuc/2024/mot-bao-cao.md"] = article("Một báo cáo", "2024-06-02",
                                                           body="[Báo cáo 3](/tai-lieu/bao-cao-3.pdf)")
    on_disk = make_project(tmp_path / "disk", files, ENGLISH + SITE_TOML)
    in_memory = make_project(tmpfs / "site", dict(reversed(files.items())), ENGLISH + SITE_TOML)
    on_disk.build()
    in_memory.build()
    disk, memory = snapshot(on_disk.out), snapshot(in_memory.out)
    assert sorted(disk) == sorted(memory)
    assert [path for path in disk if disk[path] != memory[path]] == []
    assert any(path.startswith("pagefind/") for path in disk)
    assert any(path.startswith("pagefind/") and "/tl-" in path for path in disk)  # the documents' shard


def test_a_layout_outside_is_refused_in_the_same_words_whether_it_exists_or_not(project, tmp_path):
    site = project(articles(1), ENGLISH + SITE_TOML)
    (tmp_path / "there.html").write_text("SECRET-OUTSIDE")
    layout = site.own("layouts/404.html")
    said = []
    for name in ("there.html", "nowhere.html"):
        os.symlink(tmp_path / name, site.root / "layouts" / "partial.html")
        layout.write_text('{% extends "base.html" %}{% block main %}{% include "partial.html" %}{% endblock %}',
                          encoding="utf-8")
        with pytest.raises(BuildFailed) as failed:
            site.build(search=False)
        said.append(str(failed.value).replace(str(tmp_path / name), "X"))
        (site.root / "layouts" / "partial.html").unlink()
    assert said[0] == said[1] and "it leads outside the project" in said[0]
