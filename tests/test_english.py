"""An English site is English: every word a reader sees on its pages, the addresses of its pages, and
what bantin writes into it (the sample article of `new`, theme.lock, requirements.txt)."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bantin.cli.main import main
from bantin.language.dates import WEEKDAYS
from bantin.language.provinces import load_provinces
from bantin.language.strings import DEFAULT_STRINGS, SEARCH_WORDS
from bantin.project.config import Paths

from html_helpers import Page

ASCII = re.compile(r"^[\x00-\x7f]*$")


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))


# Vietnamese interface words: every word with a Vietnamese letter of the pages' Vietnamese strings, of the
# Vietnamese dates and of the national level's name; less the words of province names, which an English page
# shows as they are (Hà Tĩnh, Quảng Nam). ASCII words ("Tin", "Trang") are not told from English ones by
# themselves: each Vietnamese string keeps at least one word with a tone mark, and is caught by it.
PROPER = {word.lower() for province in load_provinces(None).by_slug.values() if not province.national
          for word in words(province.name)}
VIETNAMESE = {word.lower() for text in [*DEFAULT_STRINGS.values(), *WEEKDAYS, "Trung ương", "Tháng", "Năm"]
              for word in words(text) if not ASCII.match(word)} - PROPER
# The Vietnamese words of addresses: the pages' folders, the search page's parameters, the national level
VIETNAMESE_URL = {*(getattr(Paths(), name) for name in Paths.__dataclass_fields__), *SEARCH_WORDS["vi"].values(),
                  "trung-uong"}


class Said(HTMLParser):
    """What a reader can see or hear of a page (its text and attributes, its JSON-LD) and its addresses."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.said: list[str] = []
        self.addresses: list[str] = []
        self._script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag in ("script", "style") and dict(attrs).get("type") != "application/ld+json"
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "srcset", "action", "data-latest", "data-base"):
                self.addresses.append(value)
            elif name in ("name", "value"):  # a form's parameters and their values are in the address too
                self.addresses.append(value)
                self.said.append(value)
            else:
                self.said.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if not self._script:
            self.said.append(data)


def vietnamese_in(text: str, addresses: list[str]) -> tuple[set[str], set[str]]:
    """(Vietnamese interface words, Vietnamese words of addresses) found."""
    said = {word for word in words(text) if word.lower() in VIETNAMESE}
    parts = {part for address in addresses for part in re.split(r"[/?&=#.,\s]", address) if part in VIETNAMESE_URL}
    return said, parts


ARTICLE = """---
title: "Workshop on digital farming in Hà Tĩnh"
date: 2026-12-07T08:30:00+07:00
province: "Hà Tĩnh"
topic: "Activities"
tags: ["agriculture", "workshop"]
---

The provincial union of science associations held a workshop on digital farming this morning.

Engineers and farmers compared soil sensors and irrigation schedules.
"""


@pytest.fixture(scope="module")
def english_site(tmp_path_factory) -> Path:
    """`bantin init --language en`, `bantin new`, an article written in English, `bantin build` (with search)."""
    folder = tmp_path_factory.mktemp("english") / "site"
    assert main(["init", str(folder), "--title", "Union of Science and Technology Associations of Hà Tĩnh",
                 "--base-url", "https://example.org/news/", "--language", "en"]) == 0
    assert main(["new", "Seminar on clean water", "--province", "national", "--topic", "Announcements",
                 "--date", "2026-12-05 09:00", "--root", str(folder)]) == 0
    written = folder / "content/news/2026/seminar-on-clean-water.md"
    text = written.read_text(encoding="utf-8")
    assert "The lead: who did what, where and when." in text and "The article's text." in text  # `new`'s, in English
    assert main(["check", "--root", str(folder)]) == 1  # ... which is never published as it is
    written.write_text(text.split("---\n\n")[0] + "---\n\nExperts discussed clean water for schools.\n",
                       encoding="utf-8")
    (folder / "content/news/2026/workshop.md").write_text(ARTICLE, encoding="utf-8")
    assert main(["theme", "copy", "list.html", "--root", str(folder)]) == 0
    assert main(["build", "--root", str(folder), "-q"]) == 0
    return folder


def test_an_english_site_has_no_vietnamese_interface_word_on_any_page(english_site):
    assert {"thêm", "tháng", "ương", "chủ", "bài", "thứ", "mới"} <= VIETNAMESE  # the list is what it says
    assert "hà" not in VIETNAMESE and "tĩnh" not in VIETNAMESE  # a province's name is a name
    out = english_site / "_site"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 40
    found = {}
    for path in pages:
        page = Said(path.read_text(encoding="utf-8"))
        said, parts = vietnamese_in(" ".join(page.said), page.addresses)
        if said or parts:
            found[path.relative_to(out).as_posix()] = (sorted(said), sorted(parts))
    for path in [*out.glob("*.xml"), out / "robots.txt"]:  # the feeds, the sitemap
        text = path.read_text(encoding="utf-8")
        said, parts = vietnamese_in(re.sub(r"<[^>]+>", " ", text), re.findall(r"https?://[^\s<\"]+", text))
        if said or parts:
            found[path.relative_to(out).as_posix()] = (sorted(said), sorted(parts))
    assert found == {}
    # the English words that took their places
    home = Page((out / "index.html").read_text(encoding="utf-8"))
    assert home.find("html")["attrs"]["lang"] == "en"
    assert home.find("meta", property="og:locale")["attrs"]["content"] == "en_US"
    article = Page((out / "news/2026/workshop/index.html").read_text(encoding="utf-8"))
    assert article.text("time") == "Monday, 7 December 2026, 08:30 (GMT+7)"
    assert article.find("div", "latest-slot")["attrs"]["data-latest"] == "/news/latest/"
    assert (out / "latest/index.html").is_file() and (out / "photos").is_dir() and (out / "province").is_dir()
    national = Page((out / "province/national/index.html").read_text(encoding="utf-8"))
    assert national.text("h1") == "National" and national.text("p", "count").startswith("2 articles ·")
    one = Page((out / "province/ha-tinh/index.html").read_text(encoding="utf-8"))
    assert one.text("p", "count").startswith("1 article ·")
    assert Page((out / "news/index.html").read_text(encoding="utf-8")).text("p", "count").startswith("3 articles")
    assert "Year 2026 (3) December (3)" in Page((out / "archive/index.html").read_text(encoding="utf-8")).text(
        "ul", "archive")
    assert Page((out / "archive/2026/12/index.html").read_text(encoding="utf-8")).text("h1") == "December 2026"
    search = Page((out / "search/index.html").read_text(encoding="utf-8"))
    assert search.find("select", "", **{"data-sort": ""})["attrs"]["name"] == "sort"
    assert search.find("option", **{"data-order": "newest"})["attrs"]["value"] == "newest"
    strings = json.loads(search.find("div", "search-page")["attrs"]["data-strings"])
    assert (strings["found"], strings["found_one"]) == ("{count} results for “{query}”", "{count} result for “{query}”")


def test_the_files_bantin_writes_into_an_english_site_are_english(english_site):
    lock = (english_site / "theme.lock").read_text(encoding="utf-8")
    assert lock.startswith("# The theme files this site copied") and tomllib.loads(lock)["layouts/list.html"]
    requirements = (english_site / "requirements.txt").read_text(encoding="utf-8")
    assert requirements.startswith("# The bantin this site is built with")
    comments = " ".join(line for line in [lock, requirements, (english_site / "site.toml").read_text("utf-8")])
    said, _ = vietnamese_in(comments, [])
    assert said == set()
