"""Recorded dependencies: a page is rendered again exactly when something it read changed.

Nobody keeps a list of what layouts show: these tests customise the layouts the way an
association would (counts of a term, another article's fields, a new partial, a layout
that stops reading something) and check that every incremental build equals a clean one.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from jinja2.runtime import Macro
from test_incremental import clean_build, random_article, random_edit, snapshot

from bantin.builder.outputs import LIST_KINDS, Output
from bantin.builder.plan import output_path

from conftest import Project, article, photo
from html_helpers import Page


def customise(root) -> None:
    """Layouts that read more than the default ones."""
    layouts = root / "layouts"
    page = Project(root).own("layouts/article.html")
    text = page.read_text(encoding="utf-8")
    text = text.replace("<h1>{{ article.title }}</h1>",
                        "<h1>{{ article.title }}</h1>\n"
                        "<p class=\"province-count\">{{ province_of(article).articles|length }}</p>\n"
                        "{% include \"partials/extra.html\" %}", 1)
    page.write_text(text, encoding="utf-8")
    (layouts / "partials").mkdir()
    (layouts / "partials" / "extra.html").write_text(
        "{% for other in related %}<p class=\"other-body\">{{ other.body_html|safe }}</p>{% endfor %}\n"
        "<p class=\"tag-counts\">{% for tag in article.tags %}{{ tag_url(tag) }} {% endfor %}</p>\n",
        encoding="utf-8")
    listing = Project(root).own("layouts/list.html")
    text = listing.read_text(encoding="utf-8")
    text = text.replace("{% for article in items %}{{ article_card(article) }}{% endfor %}",
                        "{% for article in items %}{{ article_card(article) }}"
                        "<div class=\"full\">{{ article.body_html|safe }}</div>{% endfor %}", 1)
    listing.write_text(text, encoding="utf-8")


def test_custom_layouts_that_read_more_rebuild_to_the_same_bytes_as_a_clean_build(project, tmp_path):
    rng = random.Random(11)
    site = project({f"content/tin-tuc/bai-{n}.md": random_article(rng, n) for n in range(30)})
    customise(site.root)
    site.build(search=False)
    content = site.root / "content" / "tin-tuc"
    serial = 100
    for step in range(24):
        action = ("add", "province", "edit", "tags", "rename", "delete", "date", "topic")[step % 8]
        serial = random_edit(rng, content, action, serial)
        report = site.build(search=False)
        assert snapshot(site.out) == clean_build(site.root, tmp_path, False), step
        assert report.pages < 250  # still incremental
        # the reads store, written by the change (the reads of the pages rendered, none of the pages gone), holds
        # what a clean build records of every page: a page left with old reads would be built too rarely
        assert stored_reads(site.root) == stored_reads(tmp_path / "clean"), step
    # a layout that stops reading something: every page again, and still equal
    extra = site.root / "layouts" / "partials" / "extra.html"
    extra.write_text("<p>ít hơn</p>\n", encoding="utf-8")
    site.build(search=False)
    (next(content.glob("*.md"))).write_text(random_article(rng, 999), encoding="utf-8")
    site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)
    assert stored_reads(site.root) == stored_reads(tmp_path / "clean")


def five() -> dict[str, str]:
    return {
        "content/tin-tuc/a.md": article("Bài A", "2023-01-10", province="Hà Giang", topic="Y tế", tags=["Hội thảo"],
                                        summary="Tóm tắt A.", body="Thân bài A.\n\nĐoạn hai của A."),
        "content/tin-tuc/b.md": article("Bài B", "2023-02-10", province="Sơn La", topic="Chuyển đổi số",
                                        tags=["Trí thức"], body="Thân bài B."),
        "content/tin-tuc/c.md": article("Bài C", "2023-03-10", province="Sơn La", topic="Chuyển đổi số",
                                        tags=["Trí thức"], body="Thân bài C."),
        "content/bao-cao/d.md": article("Báo cáo D", "2022-05-10", province="Đắk Lắk", topic="Chuyển đổi số",
                                        body="Thân bài D."),
    }


def test_nothing_changed_renders_nothing(project):
    site = project(five())
    site.build(search=False)
    again = site.build(search=False)
    assert (again.pages, again.written) == (0, ())


def test_editing_a_body_renders_exactly_the_pages_that_show_it(project):
    site = project(five())
    site.build(search=False)
    path = site.root / "content/tin-tuc/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Đoạn hai của A.", "Đoạn hai của A, đã sửa."),
                    encoding="utf-8")
    report = site.build(search=False)
    # A has a summary of its own, so only what shows A's body changes: its page, and the
    # Atom feeds that carry whole articles (the site's, its section's, province's, topic's).
    # Hà Giang is now part of Tuyên Quang, whose feed follows it too.
    assert set(report.written) == {
        "tin-tuc/2023/a/index.html",
        "feed.xml", "tin-tuc/feed.xml", "tinh/ha-giang/feed.xml", "tinh/tuyen-quang/feed.xml",
        "chu-de/y-te/feed.xml",
    }


def test_editing_a_title_renders_every_page_that_lists_it(project):
    site = project(five())
    site.build(search=False)
    path = site.root / "content/tin-tuc/b.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title: "Bài B"', 'title: "Bài Bê"'), encoding="utf-8")
    report = site.build(search=False)
    written = set(report.written)
    for page in ("tin-tuc/2023/b/index.html", "index.html", "tin-tuc/index.html", "tinh/son-la/index.html",
                 "chu-de/chuyen-doi-so/index.html", "the/tri-thuc/index.html", "luu-tru/2023/02/index.html",
                 "luu-tru/2023/index.html", "tin-tuc/2023/c/index.html",  # B is C's neighbour and related
                 "feed.xml"):
        assert page in written, page
    assert "the/hoi-thao/index.html" not in written and "luu-tru/2023/01/index.html" not in written
    assert "bao-cao/2022/d/index.html" in written  # B is among D's related news ("Xem thêm")


def test_a_new_article_rewrites_what_shows_it_not_the_archive(project, tmp_path):
    rng = random.Random(3)
    site = project({f"content/tin-tuc/bai-{n}.md": random_article(rng, n) for n in range(40)})
    first = site.build()
    assert first.plan is not None
    before = first.plan.site
    lists: defaultdict[tuple[str, str], list[Output]] = defaultdict(list)
    for output in first.plan.outputs:
        if output.kind in LIST_KINDS and output.page:
            lists[output.kind, output.key].append(output)
    # numbered pages below the top three of their list: a new article must leave them as they are
    deep = {o.path for pages in lists.values() for o in pages if o.page <= max(p.page for p in pages) - 3}
    assert len(deep) > 20

    newest = next(iter(before.articles.values())).date + timedelta(days=1)  # the day after the newest
    site.write({"content/tin-tuc/moi.md": article("Bài mới nhất", newest.strftime("%Y-%m-%d %H:%M"),
                                                  province="Sơn La", topic="Y tế", tags=["Trí thức"])})
    report = site.build()
    assert report.plan is not None
    after, key = report.plan.site, "content/tin-tuc/moi.md"
    written = set(report.written)
    assert not written & deep
    # article pages: the new one, the one before it in its section (its "next" link), and the ones whose
    # related news ("Xem thêm") it joined; "Tin mới" is a page of its own
    joined = {k for k, found in after.related.items() if k != key and found != before.related[k]}
    shown = {key, after.neighbours[key].previous, *joined}
    articles = {output_path(a.url) for a in after.articles.values()}
    assert written & articles == {output_path(after.articles[k].url) for k in shown}
    assert "tin-moi/index.html" in written and "index.html" in written
    # the search index: the new article's shard only (a small one: its days of the month)
    (shard,) = [s for s in report.plan.shards if key in s.keys]
    assert shard.name.startswith(f"{newest:%Y-%m}")
    assert {p.split("/")[1] for p in written if p.startswith("search-index/")} == {shard.name}
    assert len(written) < len(report.plan.outputs) // 4
    assert snapshot(site.out) == clean_build(site.root, tmp_path, True)


def test_a_replaced_photo_renders_every_page_that_shows_it_even_through_a_remembered_card(project):
    files = five()
    files["content/tin-tuc/b.md"] = article("Bài B", "2023-02-10", province="Sơn La", topic="Chuyển đổi số",
                                            tags=["Trí thức"], body="Thân bài B.", image="/anh/b.jpg")
    site = project({**files, "content/anh/b.jpg": photo(seed=1)})
    site.build(search=False)
    (site.root / "content/anh/b.jpg").write_bytes(photo(seed=2))
    report = site.build(search=False)
    written = set(report.written)
    # B's card (a macro rendered once and remembered) is on all of these lists
    for page in ("tin-tuc/2023/b/index.html", "index.html", "tin-tuc/index.html", "tinh/son-la/index.html",
                 "chu-de/chuyen-doi-so/index.html", "the/tri-thuc/index.html", "luu-tru/2023/02/index.html"):
        assert page in written, page
    assert "the/hoi-thao/index.html" not in written and "tin-tuc/2023/a/index.html" not in written
    assert snapshot(site.out) == clean_build(site.root, site.root.parent / "clean-photo", False)


def test_a_card_is_rendered_once_per_article_and_reused_on_every_list(project, monkeypatch):
    # Jinja 3.1.5+ passes calls made in a loop `_loop_vars`: the memo must still know them
    bodies: Counter[str] = Counter()
    invoke = Macro._invoke

    def counting(self: Macro, arguments: list, autoescape: bool) -> str:
        bodies[self.name] += 1
        return invoke(self, arguments, autoescape)

    monkeypatch.setattr(Macro, "_invoke", counting)
    site = project(five())
    site.build(search=False)
    shown = sum(page.count('class="card') for page in map(site.page, ("/", "/tin-tuc/", "/tinh/son-la/",
                                                                         "/chu-de/chuyen-doi-so/", "/the/tri-thuc/")))
    # five articles, each card rendered once as a list shows it and once as the home page does
    assert shown > 30 and bodies["article_card"] <= 10
    assert bodies["article_meta"] == bodies["article_card"]  # inside the card: remembered with it


def test_the_latest_news_beside_every_article_is_rendered_once_for_all_that_show_the_same(project, monkeypatch):
    bodies: Counter[str] = Counter()
    invoke = Macro._invoke
    monkeypatch.setattr(Macro, "_invoke", lambda self, arguments, autoescape: (
        bodies.update([self.name]), invoke(self, arguments, autoescape))[1])
    files = {f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-01-{n + 1:02d}", tags=[f"Thẻ {n}"])
             for n in range(12)}
    site = project(files)
    site.build(search=False)
    lists = [Page(site.page(f"/tin-tuc/2023/bai-{n}/")).find(**{"class": "latest"}) for n in range(12)]
    assert all(lists)
    # 12 pages show "Tin mới": the 7 older articles show the same 5 newest; each of the 5 newest
    # shows the others. So 6 different lists, and 12 of "Xem thêm" (one per article)
    assert bodies["headline_list"] <= 12 + 6


# --- answers asked again only where an input changed (deps._suspects) ---------------------------------
def one_section(count: int) -> dict[str, str]:
    """Articles of one section a day apart, sharing nothing but their section (their province and topic vary)."""
    provinces = ["Hà Tĩnh", "Sơn La", "Đắk Lắk", "Hà Giang"]
    topics = ["Chuyển đổi số", "Y tế", "Hoạt động Liên hiệp hội"]
    return {f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-03-{10 + n:02d}", province=provinces[n % 4],
                                                    topic=topics[n % 3]) for n in range(count)}


def neighbour_links(site: Project, n: int) -> list[str]:
    """The hrefs of the previous/next links of article n's page."""
    page = Page(site.page(f"/tin-tuc/2023/bai-{n}/"))
    return sorted(a["attrs"]["href"] for a in page.find_all("a") if a["attrs"].get("rel") in ("prev", "next"))


def test_removing_or_moving_an_article_links_its_old_neighbours_to_each_other(project, tmp_path):
    # a neighbour's link changes only around the article's old place: a build that looked only at the
    # article's new place would leave bai-2 and bai-4 linking to a page that is gone, or moved away
    site = project(one_section(8))
    site.build(search=False)
    assert "/tin-tuc/2023/bai-3/" in neighbour_links(site, 2)
    (site.root / "content/tin-tuc/bai-3.md").unlink()
    report = site.build(search=False)
    assert {"tin-tuc/2023/bai-2/index.html", "tin-tuc/2023/bai-4/index.html"} <= set(report.written)
    assert neighbour_links(site, 2) == ["/tin-tuc/2023/bai-1/", "/tin-tuc/2023/bai-4/"]
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)
    path = site.root / "content/tin-tuc/bai-5.md"  # moved to the start of the section
    path.write_text(path.read_text(encoding="utf-8").replace("2023-03-15", "2023-03-01"), encoding="utf-8")
    report = site.build(search=False)
    assert {"tin-tuc/2023/bai-4/index.html", "tin-tuc/2023/bai-6/index.html",
            "tin-tuc/2023/bai-0/index.html"} <= set(report.written)
    assert neighbour_links(site, 4) == ["/tin-tuc/2023/bai-2/", "/tin-tuc/2023/bai-6/"]
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)


def test_a_tag_spelled_anew_renders_every_page_that_names_it_though_its_list_is_the_same(project, tmp_path):
    # the term's articles are the same (one slug): only its name changed (its most used spelling), which its
    # list pages show in their heading
    files = {f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2023-04-{10 + n}", tags=["Trí thức", "Hội thảo"])
             for n in range(4)}
    site = project(files)
    site.build(search=False)
    for n in range(3):
        path = site.root / f"content/tin-tuc/bai-{n}.md"
        path.write_text(path.read_text(encoding="utf-8").replace('"Trí thức"', '"TRÍ THỨC"'), encoding="utf-8")
    report = site.build(search=False)
    assert {"the/tri-thuc/index.html", "the/tri-thuc/trang/1/index.html", "the/index.html"} <= set(report.written)
    assert Page(site.page("/the/tri-thuc/")).text("h1") == "Thẻ: TRÍ THỨC"
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)


def test_a_build_that_failed_after_storing_related_news_is_followed_by_a_whole_comparison(project, tmp_path,
                                                                                           monkeypatch):
    # the related store moved on with the failed build, the ledger did not: what changed since the store's
    # state is not what changed since the ledger's, so every related list is asked again
    from bantin.builder import pipeline
    rng = random.Random(7)
    site = project({f"content/tin-tuc/bai-{n}.md": random_article(rng, n) for n in range(30)})
    site.build(search=False)
    for n in (1, 2):  # two new articles: the related store has a delta
        site.write({f"content/tin-tuc/moi-{n}.md": random_article(rng, 100 + n)})
        site.build(search=False)
    site.write({"content/tin-tuc/moi-3.md": random_article(rng, 103)})

    def fail(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "render_all", fail)
        with pytest.raises(RuntimeError):
            site.build(search=False)
    site.build(search=False)
    assert snapshot(site.out) == clean_build(site.root, tmp_path, False)


def stored_reads(root) -> dict[str, set[tuple[bytes, bytes, str]]]:
    """What the ledger's reads store holds: page -> the queries it read (as stored: digest, head's digest, rest)."""
    import sqlite3
    with sqlite3.connect(root / ".bantin-cache" / "output-reads.sqlite") as db:
        found: dict[str, set[tuple[bytes, bytes, str]]] = defaultdict(set)
        for path, *query in db.execute(
                "SELECT page.path, query.digest, query.head, rest.text FROM read JOIN page ON page.id = read.page "
                "JOIN query ON query.id = read.query JOIN rest ON rest.id = query.rest"):
            found[path].add(tuple(query))
    return dict(found)


def test_pages_are_found_by_what_they_read_in_the_store_not_in_memory(project, monkeypatch):
    # the ledger as loaded holds no page's reads: a title edited is found in the store, by the article's key,
    # and exactly the pages that show it are rendered again
    from bantin.builder import ledger, reads
    site = project({f"content/tin-tuc/bai-{n}.md": article(f"Bài {n}", f"2024-01-{n + 1:02d}",
                                                           tags=["Hội thảo"] if n % 2 else ["Tập huấn"])
                    for n in range(8)})
    site.build(search=False)
    recorded = ledger.load(site.root, ledger.key(site.out))
    assert recorded is not None and recorded.reads is not None
    assert not any(entry.deps for entry in recorded.files.values())
    showing = recorded.reads.pages_reading([])
    assert showing == set()
    asked: list[list[tuple[str, ...]]] = []
    prefixes = reads.Reads.reading_prefixes
    monkeypatch.setattr(reads.Reads, "reading_prefixes",
                        lambda self, heads: asked.append(list(heads)) or prefixes(self, asked[-1]))
    found = prefixes(recorded.reads, [("article", "content/tin-tuc/bai-3.md")])
    readers = {path for path, query in found if len(query) == 2 or "title" in query[2]}
    assert {"tin-tuc/2024/bai-3/index.html", "the/hoi-thao/trang/1/index.html", "feed.xml"} <= readers
    assert "the/tap-huan/trang/1/index.html" not in {path for path, _ in found}  # bai-2, bai-4, ...: not bai-3
    source = site.root / "content/tin-tuc/bai-3.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Bài 3", "Bài ba"), encoding="utf-8")
    report = site.build(search=False)
    assert asked == [[("article", "content/tin-tuc/bai-3.md")]]
    assert readers <= set(report.written) <= {path for path, _ in found} | {"sitemap.xml"}
