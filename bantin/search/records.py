"""What the search index holds of a page: one plain record per result.

bantin's own index (engine.py) is made of records, never of rendered HTML: an article is one record
(its title, lead and body); a document's page can be another (a report's text, page by page), and
the index treats it the same way. A record says what is searched (its text parts), what filters
find it, and what its result shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.content.model import Article, Site
from bantin.language.dates import date_in
from bantin.language.provinces import ProvinceList
from bantin.markup.markdown import plain_text

# the filters a record may have, as search.js names them (data-filter-key of the search page's selects)
FILTERS = ("province", "topic", "section", "year", "tag")


@dataclass(frozen=True)
class Record:
    """One search result as the index holds it."""

    key: str  # the article's key (a document's page: its key and "#page=N")
    url: str  # site path of the result, "/tin-tuc/2023/hoi-thao/" (the browser adds the base path)
    title: str
    # the text searched, part by part (a pair of words never spans two parts): the page's own text (title,
    # lead, body), then what else finds it (the name of its province, which its result shows)
    parts: tuple[str, ...]
    shown_parts: int  # how many of `parts` are the page's own text, shown in excerpts
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, values) for each of FILTERS it has
    shown: tuple[tuple[str, str], ...]  # fields its result shows: date, province, image, image_alt

    def text(self) -> str:
        """The page's text as a result's excerpt is cut from: its parts, each ended as a sentence."""
        return " ".join(part if part[-1:] in ".!?…:;" else f"{part}." for part in self.parts[:self.shown_parts]
                        if part)


def article_record(article: Article, site: Site, provinces: ProvinceList, thumbnail: str, language: str) -> Record:
    """An article as a search result: its title, lead and body text, and what else finds it (finding_parts:
    its document's facts; its province's name, so a reader who types "Đắk Lắk" finds what is filed under it);
    filed under its province (and the one it is part of today), topic, section, year and tags; its date (as
    the site's `language` prints it, as its pages do), province and cover (`thumbnail`, a site path) shown."""
    province = site.provinces[article.province]
    today = provinces.by_slug[article.province].part_of
    province_names = (province.name,) if today == province.slug else (province.name, site.provinces[today].name)
    filters = (("province", province_names), ("topic", (article.topic,)),
               ("section", (site.sections[article.section].name,)), ("year", (str(article.year),)),
               ("tag", article.tags))
    shown = [("date", date_in(language, article.date)), ("province", province.name)]
    if article.image:
        shown += [("image", thumbnail or article.image), ("image_alt", article.image_alt)]
    own = article_parts(article)
    return Record(article.key, article.url, article.title, (*own, *finding_parts(article, province.name)), len(own),
                  tuple((kind, values) for kind, values in filters if values), tuple(shown))


def article_parts(article: Article) -> tuple[str, ...]:
    """The text of an article that is searched: its title, lead and body, as plain text."""
    return article.title, article.lead, plain_text(article.body_html)


def finding_parts(article: Article, province_name: str) -> tuple[str, ...]:
    """What else finds an article, searched but not shown: the facts of the official document it publishes
    (its number, "135/UBND-KTTH", kind, issuer and summary, however a layout shows them), its province's name."""
    document = article.document
    facts = (document.number, document.kind, document.issuer, document.summary) if document else ()
    return (*(fact for fact in facts if fact), province_name)
