"""Incremental builds: after any edit, the output equals a clean build of the same content."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from bantin.language.errors import BuildFailed

from conftest import SITE_TOML, Project, article, photo

PROVINCES = ["Hà Tĩnh", "Hà Giang", "Tuyên Quang", "Sơn La", "Đắk Lắk", "Trung ương"]
TOPICS = ["Hoạt động Liên hiệp hội", "Chuyển đổi số", "Y tế"]
TAGS = ["Trí thức", "Hội thảo", "Đổi mới", "Nông nghiệp", "Sáng tạo"]


def random_article(rng: random.Random, n: int) -> str:
    date = f"20{rng.randint(19, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    return article(f"Bài số {n} về {rng.choice(TAGS).lower()}", date,
                   province=rng.choice(PROVINCES), topic=rng.choice(TOPICS), tags=rng.sample(TAGS, rng.randint(0, 3)),
                   body=f"Đoạn {n}: {rng.choice(['trí thức trẻ', 'đổi mới sáng tạo', 'Đắk Lắk', 'hội thảo'])}.")


def snapshot(out: Path) -> dict[str, bytes | None]:
    """Every file of the output with its bytes, and every folder (None): an empty folder counts too."""
    return {p.relative_to(out).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(out.rglob("*"))}


def clean_build(root: Path, tmp: Path, search: bool) -> dict[str, bytes]:
    clean = tmp / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("_site*", ".bantin-cache"))
    Project(clean).build(search=search)
    return snapshot(clean / "_site")


ACTIONS = ("add", "edit", "newest", "photo", "rename", "delete", "tags", "rephoto", "newest", "province", "date",
           "unphoto", "title", "delete")


def random_edit(rng: random.Random, content: Path, action: str, serial: int) -> int:
    """One edit of a random article of `content` (or a new one); returns the next serial number."""
    paths = sorted(content.glob("*.md"))
    path = rng.choice(paths)
    text = path.read_text(encoding="utf-8")
    if action == "add":
        serial += 1
        (content / f"moi-{serial}.md").write_text(random_article(rng, serial), encoding="utf-8")
    elif action == "newest":  # the daily case: a new article, the newest of the site
        serial += 1
        newest = date(2025, 1, 1) + timedelta(days=serial)
        text = re.sub(r"date: \S+", f"date: {newest.isoformat()}", random_article(rng, serial), count=1)
        (content / f"tin-{serial}.md").write_text(text, encoding="utf-8")
    elif action == "edit":
        path.write_text(text.replace("Đoạn", f"Đoạn {serial} sửa"), encoding="utf-8")
    elif action == "rename":
        path.rename(content / f"doi-ten-{serial}-{path.name}")
        serial += 1
    elif action == "delete" and len(paths) > 5:
        path.unlink()
    elif action == "tags":
        path.write_text(text.replace("tags: [", f'tags: ["{rng.choice(TAGS)}", ', 1), encoding="utf-8")
    elif action == "province":
        old = next(p for p in PROVINCES if f'province: "{p}"' in text)
        path.write_text(text.replace(old, rng.choice(PROVINCES), 1), encoding="utf-8")
    elif action == "topic":
        old = next(t for t in TOPICS if f'topic: "{t}"' in text)
        path.write_text(text.replace(old, rng.choice(TOPICS), 1), encoding="utf-8")
    elif action == "date":
        path.write_text(re.sub(r"date: \d{4}", f"date: 20{rng.randint(19, 24)}", text, count=1), encoding="utf-8")
    elif action == "title":
        path.write_text(text.replace("Bài số", "Tin số", 1), encoding="utf-8")
    elif action in ("photo", "rephoto", "unphoto"):
        _photo_edit(rng, content, path, text, action, serial)
    return serial


def _photo_edit(rng: random.Random, content: Path, path: Path, text: str, action: str, serial: int) -> None:
    """A photo shown as a cover or in the body, a photo's file replaced, or an article's photos removed."""
    photos = content.parent / "anh"
    photos.mkdir(exist_ok=True)
    if action == "photo":
        name = f"anh-{rng.randint(1, 4)}.jpg"
        if not (photos / name).exists():
            (photos / name).write_bytes(photo(160, 120, seed=serial))
        if "image:" not in text and rng.random() < 0.5:
            text = text.replace("\ntopic:", f"\nimage: /anh/{name}\ntopic:", 1)
        else:
            text = text.rstrip("\n") + f"\n\n![Ảnh {serial}](/anh/{name})\n"
        path.write_text(text, encoding="utf-8")
    elif action == "rephoto" and list(photos.glob("*.jpg")):
        rng.choice(sorted(photos.glob("*.jpg"))).write_bytes(photo(160, 120, seed=serial + 1000))
    elif action == "unphoto":
        lines = [line for line in text.split("\n") if not line.startswith(("image:", "![Ảnh"))]
        path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("search", [False, True])
def test_random_edits_rebuild_to_the_same_bytes_as_a_clean_build(project, tmp_path, search):
    rng = random.Random(5 if search else 4)
    files = {f"content/tin-tuc/bai-{n}.md": random_article(rng, n) for n in range(24)}
    site = project(files, SITE_TOML + "\n[search]\nshard_years = 2\n")
    site.build(search=search)
    content = site.root / "content" / "tin-tuc"
    serial = 100
    for step in range(16 if search else 40):
        action = ACTIONS[step % len(ACTIONS)]
        serial = random_edit(rng, content, action, serial)
        report = site.build(search=search)
        assert snapshot(site.out) == clean_build(site.root, tmp_path, search), (step, action)
        assert report.pages < 200  # incremental: not every page again
    # no leftovers beside the output
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith("_site")) == ["_site"]


def test_a_build_with_nothing_changed_renders_nothing(project):
    site = project({f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}") for n in range(5)})
    first = site.build()
    assert first.pages > 40
    again = site.build()
    assert again.pages == 0 and again.search is not None and again.search.indexed == ()


def test_every_store_a_build_keeps_is_read_back_by_the_next(project):
    """A store the cache's loader refuses is silently a miss: every build would be a whole one again
    (related news' store once held a class the loader did not allow)."""
    from bantin.project import cache
    body = "![Ảnh](/anh/a.jpg)\n\n[Kế hoạch](/tai-lieu/{n}.pdf)"
    site = project({**{f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}", tags=["Hội thảo"],
                                                             body=body.format(n=n)) for n in range(3)},
                    "content/anh/a.jpg": photo(),
                    **{f"content/tai-lieu/{n}.pdf": b"%PDF-1.4 not really a pdf" for n in range(3)}})
    site.build()
    stores = sorted((site.root / ".bantin-cache").glob("*.pickle"))
    assert {"articles", "related", "output"} <= {path.stem for path in stores}
    for path in stores:
        payload = cache.unframe(path.read_bytes())  # the store's own check of its bytes
        assert payload is not None, path.name
        fingerprint, value = cache._DataUnpickler(io.BytesIO(payload)).load()  # raises on a class it refuses
        assert isinstance(fingerprint, str) and value is not None, path.name


def test_a_changed_layout_renders_every_page_that_uses_it(project):
    site = project({f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}") for n in range(5)})
    first = site.build()
    layout = site.own("layouts/base.html")
    layout.write_text(layout.read_text(encoding="utf-8").replace("<main", "<main data-v=\"2\""), encoding="utf-8")
    again = site.build()
    assert again.pages == first.pages  # layouts are site-wide inputs: every page again
    assert 'data-v="2"' in site.page("/tinh/ha-tinh/")


def test_a_failed_incremental_build_keeps_the_previous_site(project):
    site = project({f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}") for n in range(3)})
    site.build()
    before = snapshot(site.out)
    (site.root / "content" / "tin-tuc" / "bai-1.md").write_text(article("Bài 1 sửa", "2023-01-11"), encoding="utf-8")
    (site.root / "content" / "tin-tuc" / "hong.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        site.build()
    assert snapshot(site.out) == before


def test_files_of_the_output_changed_by_hand_are_made_again_and_said(project, tmp_path):
    site = project({f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-1{n}") for n in range(3)})
    first = site.build(search=True)
    (site.out / "tinh" / "ha-tinh" / "index.html").unlink()  # gone
    home = site.out / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("Bài 1", "Bài bị sửa tay"), encoding="utf-8")
    shard = next((site.out / "search-index").rglob("docs.bin"))  # bantin's index (the default engine)
    shard.write_bytes(b"\0" * shard.stat().st_size)  # the same size, other bytes: the time tells
    again = site.build(search=True)
    assert set(again.repaired) == {"tinh/ha-tinh/index.html", "index.html", shard.relative_to(site.out).as_posix()}
    assert again.pages == 2 < first.pages  # only the two pages, not the whole site
    assert "3 files differed from what the last build wrote" in " ".join(map(str, again.warnings))
    assert snapshot(site.out) == clean_build(site.root, tmp_path, True)
    # a change that keeps the size and the time is found by --verify, which reads every byte
    stamp = home.stat()
    home.write_bytes(home.read_bytes().replace(b"Bai", b"Baj", 1) if b"Bai" in home.read_bytes()
                     else home.read_bytes().replace(b"<", b"[", 1))
    os.utime(home, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert site.build(search=True).repaired == ()
    (site.out / "stray.html").write_text("<p>not the build's</p>")
    checked = site.build(search=True, verify=True)
    assert checked.repaired == ("index.html",) and not (site.out / "stray.html").exists()
    assert snapshot(site.out) == clean_build(site.root, tmp_path, True)
