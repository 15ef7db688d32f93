"""The build's state in .bantin-cache/ is read whole but written by the change: a day's build writes the
entries it changed (a store's delta), not the record of the whole archive (its base)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from bantin.content.bodies import Bodies
from bantin.project import cache

from conftest import ENGLISH, SITE_TOML, Project, article


def articles(count: int) -> dict[str, str | bytes]:
    return {f"content/tin-tuc/2023/bai-{n:02d}.md": article(
        f"Hội thảo số {n}", f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
        province=("Hà Tĩnh", "Sơn La")[n % 2], tags=["Hội thảo", "Trí thức"][: 1 + n % 2],
        body=f"Đoạn đầu của bài {n}.") for n in range(count)}


def identities(folder: Path) -> dict[str, tuple[int, int, int] | None]:
    """Each store file of the cache, and what tells one written from the next."""
    return {path.name: cache.identity(path) for path in sorted(folder.glob("*.pickle"))}


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_new_article_writes_each_stores_delta_and_leaves_its_base(project, tmp_path):
    site = project(articles(12), ENGLISH + SITE_TOML)
    earlier = time.time() - 60  # written a while ago: their times are recorded by the first build, as in a real site
    for path in (site.root / "content").rglob("*.md"):
        os.utime(path, (earlier, earlier))
    site.build(search=False)
    stores = site.root / ".bantin-cache"
    bases = {name: found for name, found in identities(stores).items() if ".delta." not in name}
    assert {"articles.pickle", "related.pickle", "output.pickle", "output.files.pickle", "output.answers.pickle",
            "output-files.pickle"} <= bases.keys()

    site.write({"content/tin-tuc/2024/moi.md": article("Bài mới ở Sơn La", "2024-02-01", province="Sơn La",
                                                       tags=["Hội thảo"])})
    site.build(search=False)
    after = identities(stores)
    kept = ("articles.pickle", "related.pickle", "output.files.pickle", "output.answers.pickle",
            "output.sources.pickle", "output-files.pickle")
    assert {name: after[name] for name in kept} == {name: bases[name] for name in kept}  # the bases untouched
    assert {"articles.delta.pickle", "related.delta.pickle", "output.files.delta.pickle",
            "output.sources.delta.pickle", "output-files.delta.pickle"} <= after.keys()
    assert after["output.pickle"] != bases["output.pickle"]  # the head: the build's commit
    delta = stores / "articles.delta.pickle"
    assert delta.stat().st_size < (stores / "articles.pickle").stat().st_size  # one article, not twelve

    time.sleep(2.1)  # the files of the last build now older than the two seconds a time cannot tell apart
    site.build(search=False)  # their times recorded
    settled = identities(stores)
    site.build(search=False)  # nothing changed: nothing written
    assert identities(stores) == settled
    shutil.copytree(site.root, tmp_path / "clean", ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    clean = Project(tmp_path / "clean")
    clean.build(search=False)
    assert snapshot(site.out) == snapshot(clean.out)


def test_a_store_of_entries_reads_back_what_was_saved_and_compacts_as_its_delta_grows(tmp_path):
    (tmp_path / cache.CACHE_DIR).mkdir()
    stored = cache.load_entries(tmp_path, "things", "v1")
    assert stored.values == {} and not stored.token
    values = {f"k{n}": ("value", n) for n in range(200)}
    stored = cache.save_entries(stored, values)
    base = cache.store_path(tmp_path, "things")
    delta = cache.store_path(tmp_path, "things" + cache.DELTA)
    assert base.exists() and not delta.exists()

    changed = {**values, "k1": ("changed", 1), "new": ("added", 0)}
    del changed["k2"]
    stored = cache.save_entries(stored, changed)
    assert delta.exists()
    read = cache.load_entries(tmp_path, "things", "v1")
    assert read.values == changed and read.token == stored.token
    assert cache.load_entries(tmp_path, "things", "v2").values == {}  # other settings: nothing is trusted

    many = {key: ("rewritten", n) for n, key in enumerate(changed)}  # past 64 + 1/8 of the base
    written = base.stat().st_mtime_ns
    stored = cache.save_entries(read, many)
    assert not delta.exists() and base.stat().st_mtime_ns != written
    assert cache.load_entries(tmp_path, "things", "v1").values == many


def test_a_delta_left_from_another_base_is_not_applied(tmp_path):
    (tmp_path / cache.CACHE_DIR).mkdir()
    first = cache.save_entries(cache.load_entries(tmp_path, "things", "v1"), {f"k{n}": n for n in range(10)})
    cache.save_entries(first, {**first.values, "k0": "old delta"})
    delta = cache.store_path(tmp_path, "things" + cache.DELTA)
    old_delta = delta.read_bytes()
    cache.save(tmp_path, "things", "v1", ("another base", {"k0": "new base"}))  # a base written since
    delta.write_bytes(old_delta)
    assert cache.load_entries(tmp_path, "things", "v1").values == {"k0": "new base"}


def test_a_damaged_delta_makes_its_whole_store_a_miss_said_once(project):
    site = project(articles(6), ENGLISH + SITE_TOML)
    site.build(search=False)
    site.write({"content/tin-tuc/2024/moi.md": article("Tin mới ở Sơn La", "2024-03-01", province="Sơn La")})
    site.build(search=False)
    delta = site.root / ".bantin-cache" / "articles.delta.pickle"
    data = bytearray(delta.read_bytes())
    data[len(data) // 2] ^= 0x20
    delta.write_bytes(bytes(data))
    site.write({"content/tin-tuc/2024/khac.md": article("Tin khác", "2024-03-02")})
    report = site.build(search=False)
    said = [str(w) for w in report.warnings if "damaged" in str(w)]
    assert said == [".bantin-cache/articles.delta.pickle: the build cache held a damaged file: it was not used, "
                    "and was made again\n    hint: if this happens again, check the disk"]
    assert "Tin mới ở Sơn La" in site.page("/")
    assert not any("damaged" in str(w) for w in site.build(search=False).warnings)


def test_an_article_is_read_again_when_its_size_time_or_inode_changed(project):
    """A source whose size, time and inode are those of its last reading is not read again; any change of
    them, or a change in the same two seconds as the reading (the times cannot tell), is read."""
    site = project(articles(4), ENGLISH + SITE_TOML)
    path = site.root / "content/tin-tuc/2023/bai-00.md"
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    site.build(search=False)
    assert "Hội thảo số 0" in site.page("/")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Hội thảo số 0", "Hội nghị số 0"), encoding="utf-8")  # the same size
    os.utime(path, ns=(hour_ago + 10**9, hour_ago + 10**9))
    site.build(search=False)
    assert "Hội nghị số 0" in site.page("/")
    path.write_text(text.replace("Hội thảo số 0", "Tọa đàm số 0"), encoding="utf-8")  # just now: racy
    site.build(search=False)
    path.write_text(text.replace("Hội thảo số 0", "Hội luận số 0"), encoding="utf-8")  # the same second
    site.build(search=False)
    assert "Hội luận số 0" in site.page("/")


def test_a_source_whose_size_time_and_inode_are_unchanged_is_not_read_again(project):
    """What makes a day's build at 100,000 articles skip reading 100,000 files: the stamp alone decides. A file
    rewritten in place with the same size and its old time put back is taken as unchanged, as git's index
    takes it (a file the editor saves gets a new time; only a tool that puts the time back is not seen)."""
    site = project(articles(3), ENGLISH + SITE_TOML)
    path = site.root / "content/tin-tuc/2023/bai-01.md"
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    site.build(search=False)
    inode = path.stat().st_ino
    with path.open("r+b") as file:  # the same inode, the same size
        data = file.read()
        file.seek(0)
        file.write(data.replace("Hội thảo số 1".encode(), "Hội nghị số 1".encode()))
    os.utime(path, ns=(hour_ago, hour_ago))
    assert path.stat().st_ino == inode
    site.build(search=False)
    assert "Hội thảo số 1" in site.page("/") and "Hội nghị số 1" not in site.page("/")
    os.utime(path, ns=(hour_ago + 10**9, hour_ago + 10**9))  # its time moved on: read, and seen
    site.build(search=False)
    assert "Hội nghị số 1" in site.page("/")


def test_article_bodies_are_kept_on_disk_and_read_where_a_page_shows_them(project):
    """The parse cache holds each article without its body; the bodies are in bodies.sqlite, one row per
    (article, body), the one before an edit kept until the next build (the search index takes its words out)."""
    key = "content/tin-tuc/2023/bai-03.md"

    def third(second: str) -> dict[str, str | bytes]:
        return {key: article("Hội thảo số 3", "2023-04-04T08:00:00+07:00", province="Sơn La",
                             body=f"Đoạn đầu của bài 3.\n\n{second}")}

    site = project({**articles(4), **third("Đoạn chỉ có trong thân bài.")}, ENGLISH + SITE_TOML)
    site.build(search=False)
    stores = site.root / ".bantin-cache"
    assert "Đoạn chỉ có trong thân bài.".encode() not in (stores / "articles.pickle").read_bytes()
    assert {key for key, _ in Bodies(site.root).held()} == {f"content/tin-tuc/2023/bai-{n:02d}.md" for n in range(4)}
    page = site.out / "tin-tuc/2023/bai-03/index.html"
    assert "Đoạn chỉ có trong thân bài." in page.read_text(encoding="utf-8")

    site.write(third("Đoạn đã sửa."))
    site.build(search=False)
    assert "Đoạn đã sửa." in page.read_text(encoding="utf-8")
    assert len([row for row in Bodies(site.root).held() if row[0] == key]) == 2  # the new body, and the one before
    site.build(search=False)
    assert len([row for row in Bodies(site.root).held() if row[0] == key]) == 1


def test_a_body_store_lost_or_damaged_is_made_again_and_said_once(project):
    site = project(articles(4), ENGLISH + SITE_TOML)
    site.build(search=False)
    built = snapshot(site.out)
    store = site.root / ".bantin-cache" / "bodies.sqlite"
    store.unlink()  # lost: every article is parsed again, nothing to say
    report = site.build(search=False)
    assert snapshot(site.out) == built and not report.warnings
    assert len(Bodies(site.root).held()) == 4

    store.write_bytes(b"not a database" * 100)  # damaged
    report = site.build(search=False)
    assert snapshot(site.out) == built
    said = [str(w.path) for w in report.warnings]
    assert said == [".bantin-cache/bodies.sqlite"], said
    assert len(Bodies(site.root).held()) == 4
    assert not site.build(search=False).warnings


def test_a_body_that_is_not_the_one_its_digest_names_is_never_shown(project):
    """A row changed behind bantin's back is read as missing: the store is made again, and said."""
    site = project(articles(3), ENGLISH + SITE_TOML)
    site.build(search=False)
    built = snapshot(site.out)
    with sqlite3.connect(site.root / ".bantin-cache" / "bodies.sqlite") as db:
        db.execute("UPDATE body SET html = '<p>tampered</p>'")
    key = "content/tin-tuc/2023/bai-01.md"
    digest = next(found for stored, found in Bodies(site.root).held() if stored == key)
    assert Bodies(site.root).find(key, digest) is None
    (site.out / "tin-tuc/2023/bai-01/index.html").unlink()  # made again, from the body its source gives
    report = site.build(search=False)
    assert snapshot(site.out) == built
    assert [str(w.path) for w in report.warnings if "cache" in str(w.message)] == [".bantin-cache/bodies.sqlite"]
    assert Bodies(site.root).find(key, digest) is not None


def test_the_deploys_file_list_is_written_by_the_change_without_being_read(project, monkeypatch):
    # the build makes the file list's state of the ledger's (not read); what it writes must be what a
    # deploy reads back: every file of the output as the ledger has it, after each build
    from bantin.builder import ledger
    site = project(articles(12), ENGLISH + SITE_TOML)
    site.build(search=False)
    key = ledger.key(site.out)
    read: list[str] = []
    load_entries = cache.load_entries
    monkeypatch.setattr(cache, "load_entries", lambda root, name, *rest: read.append(name) or load_entries(
        root, name, *rest))
    for n in range(4):
        site.write({f"content/tin-tuc/2024/moi-{n}.md": article(f"Bài mới {n}", f"2024-02-0{n + 1}",
                                                                  province="Sơn La", tags=["Hội thảo"])})
        if n == 2:  # an old article gone: its page is removed from the list too
            (site.root / "content/tin-tuc/2023/bai-03.md").unlink()
        read.clear()
        site.build(search=False)
        assert ledger.FILES not in read, n
        recorded = ledger.load(site.root, key)
        assert recorded is not None
        found, damaged = ledger.files(site.root, key, site.out)
        assert found == ledger.files_of(recorded) and not damaged, n
        assert "tin-tuc/2024/moi-0/index.html" in found
        assert ("tin-tuc/2023/bai-03/index.html" in found) == (n < 2)
    # its file replaced behind the ledger's back (another file, another identity): read, and written whole again
    store = cache.store_path(site.root, ledger.FILES + cache.DELTA)
    store.write_bytes(store.read_bytes())
    site.write({"content/tin-tuc/2024/moi-9.md": article("Bài mới 9", "2024-03-01")})
    read.clear()
    site.build(search=False)
    assert ledger.FILES in read
    recorded = ledger.load(site.root, key)
    assert recorded is not None and ledger.files(site.root, key, site.out)[0] == ledger.files_of(recorded)


def test_related_news_takes_an_unchanged_articles_terms_from_its_store_only_under_the_same_parser(project, tmp_path):
    # an article's terms for related news are kept with its source's digest and not made again while both are
    # the same; but its time follows the site's time zone too (a date without one): a changed zone is a new store
    from html_helpers import Page
    toml = 'timezone = "+07:00"\n' + ENGLISH + SITE_TOML.replace("count = 2", "count = 1")
    site = project({"content/tin-tuc/2023/x.md": article("Bài X", "2023-03-10", tags=["Hội thảo"]),
                    "content/tin-tuc/2023/a.md": article("Bài A", "2023-03-09T20:00:00+07:00", tags=["Hội thảo"]),
                    "content/tin-tuc/2023/b.md": article("Bài B", "2023-03-10T20:00:00+07:00", tags=["Hội thảo"])},
                   toml)
    site.build(search=False)
    related = lambda: Page(site.page("/tin-tuc/2023/x/")).links_in("section", "related")  # noqa: E731
    assert related() == ["/tin-tuc/2023/a/"]  # 4 hours before midnight at +07:00, B 20 hours after it
    site.write({"site.toml": toml.replace("+07:00", "-05:00", 1)})  # X's midnight 12 hours later: B is nearer
    site.build(search=False)
    assert related() == ["/tin-tuc/2023/b/"]
    shutil.copytree(site.root, tmp_path / "clean", ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    clean = Project(tmp_path / "clean")
    clean.build(search=False)
    assert snapshot(site.out) == snapshot(clean.out)


def test_the_deploys_file_list_follows_a_files_time_alone_and_is_written_whole_when_its_delta_grows(project):
    # the file list is written by the change of the ledger's records and times, none of its entries compared:
    # a file whose time alone changed (touched, its bytes the same) is one of them; a site whose every page
    # changed writes the list whole again, made of the ledger
    from bantin.builder import ledger
    site = project(articles(12), ENGLISH + SITE_TOML)
    site.build(search=False)
    key = ledger.key(site.out)
    site.write({"content/tin-tuc/2024/moi.md": article("Bài mới", "2024-02-01", province="Sơn La")})
    site.build(search=False)
    page = site.out / "tin-tuc/2023/bai-01/index.html"
    later = time.time_ns() + 5 * 10**9
    os.utime(page, ns=(later, later))
    site.build(search=False)
    found, damaged = ledger.files(site.root, key, site.out)
    recorded = ledger.load(site.root, key)
    assert recorded is not None and found == ledger.files_of(recorded) and not damaged
    assert found is not None and found["tin-tuc/2023/bai-01/index.html"][3] == later
    delta = cache.store_path(site.root, ledger.FILES + cache.DELTA)
    assert delta.exists()
    site.write({"site.toml": (ENGLISH + SITE_TOML).replace("Liên hiệp hội thử nghiệm", "Liên hiệp hội mới")})
    site.build(search=False)  # every page again: past an eighth of the list and 64 more
    recorded = ledger.load(site.root, key)
    assert not delta.exists() and recorded is not None
    assert ledger.files(site.root, key, site.out) == (ledger.files_of(recorded), frozenset())


def test_the_reads_store_damaged_or_of_another_state_builds_the_site_whole(project, tmp_path, monkeypatch):
    # what each page read is kept in SQLite, which checks none of its rows: a byte changed in it is found by the
    # check the ledger's head keeps (said, and the site built whole); a store saved by a build killed before its
    # head (another state) is quietly not used; either way the site is the one a clean build makes
    from bantin.builder import ledger, reads
    site = project(articles(6), ENGLISH + SITE_TOML)
    site.build(search=False)
    store = reads.store_path(site.root)
    data = bytearray(store.read_bytes())
    at = data.index(b"tin-tuc/2023/bai-01/index.html")
    data[at + 8] ^= 0x01  # another page's name: bai-01 would not be found as a reader of anything
    store.write_bytes(bytes(data))
    site.write({"content/tin-tuc/2023/bai-01.md": article("Tin sửa ở Sơn La", "2023-01-01", province="Sơn La")})
    report = site.build(search=False)
    said = [str(w.path) for w in report.warnings if "damaged" in str(w.message)]
    assert said == [".bantin-cache/output-reads.sqlite"]
    clean = tmp_path / "clean"
    shutil.copytree(site.root, clean, ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    assert report.pages == Project(clean).build(search=False).pages  # whole
    assert snapshot(site.out) == snapshot(clean / "_site")
    assert not site.build(search=False).warnings

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    site.write({"content/tin-tuc/2024/moi.md": article("Tin mới", "2024-03-01", province="Sơn La")})
    with monkeypatch.context() as patched:  # the reads saved, the head not: the build is killed between them
        save = cache.save
        patched.setattr(cache, "save", lambda root, name, *rest: killed() if name == ledger.STORE else save(
            root, name, *rest))
        with pytest.raises(KeyboardInterrupt):
            site.build(search=False)
    report = site.build(search=False)
    assert not report.warnings
    shutil.rmtree(clean)
    shutil.copytree(site.root, clean, ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    assert report.pages == Project(clean).build(search=False).pages  # whole
    assert snapshot(site.out) == snapshot(clean / "_site")
