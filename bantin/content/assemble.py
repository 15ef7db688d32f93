"""Assembling the site: order, taxonomies, archives, related news and neighbours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bantin.content.model import Article, Neighbours, Site, Term
from bantin.content.related import Answer, Document, Mapper, related_update, search
from bantin.documents import numbers
from bantin.language.errors import ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.language.strings import DEFAULT_STRINGS, default_strings, primary
from bantin.project.config import Config, slug_of


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """Newest first; the source path breaks ties so the order never depends on the disk."""
    return sorted(articles, key=lambda a: (-a.date.timestamp(), a.key))


RelatedMemo = tuple[dict[str, Document], Answer]  # a previous build's documents and answer


def assemble(articles: Iterable[Article], config: Config, provinces: ProvinceList,
             with_related: bool = True, previous: RelatedMemo | None = None, mapper: Mapper = map,
             known: dict[str, Document] | None = None) -> tuple[Site, list[ContentError], RelatedMemo | None]:
    """Build the Site from parsed articles; report URL and tag collisions.

    `check` passes with_related=False: related news cannot fail, so it need not be computed.
    `previous` (a memo returned by an earlier call, same settings) lets related news be
    recomputed only where an edit reaches; the new memo is returned for the next build.
    `mapper` runs the related-news searches of a cold build (a parallel map, from the pipeline).
    `known`: what related news knows of some articles, made before from the same sources under the same
    settings (the pipeline's related store): taken as it is, not made again.
    """
    ordered = newest_first(articles)
    errors = _url_collisions(ordered)
    tag_slugs, tag_errors = _tag_slugs(ordered)
    errors += tag_errors
    by_key = {a.key: a for a in ordered}
    paths = config.paths
    # each list in one pass over the articles, not a pass per province, topic or section (63 x 100,000)
    by_section, by_province, by_topic = _grouped(ordered)
    sections = {slug: Term("section", title, slug, f"/{slug}/", tuple(by_section.get(slug, ())))
                for slug, title in config.sections.items()}
    rank = {a.key: n for n, a in enumerate(ordered)}
    province_terms = {}
    for province in provinces.by_slug.values():
        keys = tuple(sorted((key for member in dict.fromkeys(provinces.members(province.slug))
                             for key in by_province.get(member, ())), key=rank.__getitem__)) \
            if province.former else tuple(by_province.get(province.slug, ()))
        name, word = province.name, province.slug
        if province.national:  # in the site's words ("National"), at an address in its language (/national/)
            said = config.strings["national"]
            name = said if said != DEFAULT_STRINGS["national"] else name  # a list's own national name stays
            word = slug_of(default_strings(config.language)["national"]) if primary(config.language) != "vi" \
                else word
        province_terms[province.slug] = Term("province", name, province.slug, f"/{paths.province}/{word}/", keys)
    topic_slugs = {topic: slug_of(topic) for topic in config.topics}
    topics = {
        topic_slugs[topic]: Term("topic", topic, topic_slugs[topic], f"/{paths.topic}/{topic_slugs[topic]}/",
                                 tuple(by_topic.get(topic, ())))
        for topic in config.topics
    }
    tags = _tag_terms(ordered, tag_slugs, paths.tag)
    months, years = _archives(ordered, paths.archive)
    held, number_errors = _numbers(ordered)
    errors += number_errors
    memo = None
    if with_related:
        documents = related_documents(ordered, tag_slugs, provinces, config, known)
        memo = ({d.key: d for d in documents}, _related(documents, config, previous, mapper))
    site = Site(
        articles=by_key,
        sections=sections,
        provinces=province_terms,
        topics=topics,
        tags=tags,
        months=months,
        years=years,
        related=_with_fallback(memo[1].lists, ordered, config.related.count) if memo else {},
        neighbours=_neighbours(ordered),
        tag_slugs=tag_slugs,
        topic_slugs=topic_slugs,
        document_lists=_document_lists(ordered, config),
        numbers=held,
        cited_by=_cited_by(ordered, held),
    )
    return site, errors, memo


def _grouped(ordered: list[Article]) -> tuple[dict[str, list[str]], ...]:
    """The keys of the articles of each section, province (as written) and topic, in the order given."""
    by_section: dict[str, list[str]] = defaultdict(list)
    by_province: dict[str, list[str]] = defaultdict(list)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for article in ordered:
        by_section[article.section].append(article.key)
        by_province[article.province].append(article.key)
        by_topic[article.topic].append(article.key)
    return by_section, by_province, by_topic


def _related(documents: list[Document], config: Config, previous: RelatedMemo | None, mapper: Mapper) -> Answer:
    count, half_life = config.related.count, config.related.half_life_days
    if previous is None:
        return search(documents, count, half_life, mapper=mapper)
    return related_update(documents, previous[0], previous[1], count, half_life, mapper=mapper)


def related_documents(articles: Iterable[Article], tag_slugs: dict[str, str], provinces: ProvinceList,
                      config: Config, known: dict[str, Document] | None = None) -> list[Document]:
    """What related news knows of each article: its time and weighted terms (those `known` as they are)."""
    known = known or {}
    return [known.get(a.key) or _document(a, tag_slugs, provinces, config) for a in articles]


def _document(article: Article, tag_slugs: dict[str, str], provinces: ProvinceList,
              config: Config) -> Document:
    weights = config.related
    region = provinces.by_slug[article.province].part_of
    terms = [(f"tag:{tag_slugs[tag]}", weights.tag) for tag in article.tags]
    terms.append((f"topic:{article.topic}", weights.topic))
    terms.append((f"province:{region}", weights.province))
    return Document(article.key, article.date.timestamp(), tuple(terms))


# --- "Văn bản": the official documents articles publish -------------------------------------------
DOCUMENT_LISTS = ("documents", "document-kind", "document-year", "document-issuer")  # Term.kind of each


def _document_lists(ordered: list[Article], config: Config) -> dict[str, dict[str, Term]]:
    """The documents' lists, as the portals filter them: all, by kind, by year issued, by issuer;
    each newest issued first (the article's own date breaks ties)."""
    paths = config.paths
    published = sorted((a for a in ordered if a.document is not None),
                       key=lambda a: (-a.document.issued.timestamp(), -a.date.timestamp(), a.key))  # type: ignore[union-attr]
    root = f"/{paths.official}/"
    kinds: dict[str, list[str]] = defaultdict(list)
    years: dict[str, list[str]] = defaultdict(list)
    issuers: dict[str, list[str]] = defaultdict(list)
    issuer_names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article in published:
        document = article.document
        assert document is not None
        kinds[document.kind].append(article.key)
        years[f"{document.issued:%Y}"].append(article.key)
        slug = slug_of(document.issuer)
        if slug:
            issuers[slug].append(article.key)
            issuer_names[slug][document.issuer] += 1
    by_kind = {slug_of(kind): Term("document-kind", kind, slug_of(kind),
                                   f"{root}{paths.official_kind}/{slug_of(kind)}/", tuple(kinds[kind]))
               for kind in config.documents.kinds if kinds.get(kind)}
    by_year = {year: Term("document-year", year, year, f"{root}{paths.official_year}/{year}/", tuple(keys))
               for year, keys in sorted(years.items(), reverse=True)}
    by_issuer = {slug: Term("document-issuer", min(issuer_names[slug].items(), key=lambda item: (-item[1], item[0]))[0],
                            slug, f"{root}{paths.official_issuer}/{slug}/", tuple(issuers[slug]))
                 for slug in sorted(issuers)}
    everything = {"": Term("documents", config.strings["documents"], "", root, tuple(a.key for a in published))}
    return {"documents": everything if published else {}, "document-kind": by_kind, "document-year": by_year,
            "document-issuer": by_issuer}


def _numbers(ordered: list[Article]) -> tuple[dict[str, str], list[ContentError]]:
    """Each document number's article; a number two articles publish is an error on the second (by path)."""
    held: dict[str, str] = {}
    errors = []
    for article in sorted(ordered, key=lambda a: a.key):
        if article.document is None or not article.document.number:
            continue
        other = held.setdefault(numbers.key(article.document.number), article.key)
        if other != article.key:
            errors.append(ContentError(
                article.key, None, "document.number",
                Text("the document {number} is already published by {other}", number=article.document.number,
                     other=other),
                hint=Text("one article publishes a document; link to it from the others (its number in the text "
                          "becomes a link by itself)")))
    return held, errors


def _cited_by(ordered: list[Article], held: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """For each article that publishes a document, the articles whose text names its number, newest first."""
    citing: dict[str, list[str]] = defaultdict(list)
    for article in ordered:
        for cited in article.citations:
            target = held.get(cited)
            if target is not None and target != article.key:
                citing[target].append(article.key)
    return {key: tuple(dict.fromkeys(keys)) for key, keys in citing.items()}


def _url_collisions(ordered: list[Article]) -> list[ContentError]:
    """Two articles with one URL (e.g. slugs differing only by tones) are an error, never an overwrite."""
    first: dict[str, Article] = {}
    errors = []
    for article in sorted(ordered, key=lambda a: a.key):
        other = first.setdefault(article.url, article)
        if other is not article:
            errors.append(ContentError(
                article.key, None, "slug",
                Text("the address {url} is already used by {other}", url=article.url, other=other.key),
                hint=Text("titles or file names that differ only by tones give the same address: write slug: (the "
                          "last part of the address) differently in one of them"),
            ))
    return errors


def _tag_slugs(ordered: list[Article]) -> tuple[dict[str, str], list[ContentError]]:
    """Slug of every tag spelling; different tags that slugify alike are an error."""
    spellings: dict[str, dict[str, str]] = defaultdict(dict)  # slug -> casefolded tag -> first file
    slugs: dict[str, str] = {}
    errors = []
    for article in sorted(ordered, key=lambda a: a.key):
        for tag in article.tags:
            slug = slug_of(tag)
            if not slug:
                errors.append(ContentError(article.key, None, "tags",
                                           Text("tag {tag!r} has no letters or digits", tag=tag)))
                continue
            slugs[tag] = slug
            seen = spellings[slug]
            folded = tag.casefold()
            if folded not in seen:
                if seen:
                    other_tag, other_file = next(iter(seen.items()))
                    errors.append(ContentError(
                        article.key, None, "tags",
                        Text("tag {tag!r} and tag {other!r} (in {file}) would have the same address ({slug!r})",
                             tag=tag, other=other_tag, file=other_file, slug=slug),
                        hint=Text("spell the tag the same way in both files, or choose distinct words"),
                    ))
                seen[folded] = article.key
    return slugs, errors


def _tag_terms(ordered: list[Article], tag_slugs: dict[str, str], word: str) -> dict[str, Term]:
    """One term per tag slug, named by its most used spelling."""
    keys: dict[str, list[str]] = defaultdict(list)
    names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article in ordered:
        for tag in article.tags:
            slug = tag_slugs.get(tag)
            if slug:
                keys[slug].append(article.key)
                names[slug][tag] += 1
    terms = {}
    for slug in sorted(keys):
        name = min(names[slug].items(), key=lambda item: (-item[1], item[0]))[0]
        terms[slug] = Term("tag", name, slug, f"/{word}/{slug}/", tuple(keys[slug]))
    return terms


def _archives(ordered: list[Article], word: str) -> tuple[dict[str, Term], dict[str, Term]]:
    """Month and year terms, newest first."""
    months: dict[str, list[str]] = defaultdict(list)
    years: dict[str, list[str]] = defaultdict(list)
    named: dict[tuple[int, int], tuple[str, str]] = {}  # (year, month) -> its keys, formatted once (strftime is slow)
    for article in ordered:
        date = article.date
        month = named.get((date.year, date.month))
        if month is None:
            month = named[date.year, date.month] = (f"{date:%Y/%m}", f"{date:%Y}")
        months[month[0]].append(article.key)
        years[month[1]].append(article.key)
    month_terms = {
        key: Term("month", key, key, f"/{word}/{key}/", tuple(months[key])) for key in sorted(months, reverse=True)
    }
    year_terms = {
        key: Term("year", key, key, f"/{word}/{key}/", tuple(years[key])) for key in sorted(years, reverse=True)
    }
    return month_terms, year_terms


def _with_fallback(found: dict[str, tuple[str, ...]], ordered: list[Article],
                   count: int) -> dict[str, tuple[str, ...]]:
    """Related news under every article: one that shares nothing with the others (no tag, topic
    or province) gets the articles of its own section nearest to it in time, then of the site.
    The block's heading ("Xem thêm", see more) claims no kinship, so nothing false is said; and a
    new article enters such a list only when it is among the nearest, not every such list."""
    by_section: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        by_section[article.section].append(article)
    place = {a.key: i for group in by_section.values() for i, a in enumerate(group)}
    result = dict(found)
    for index, article in enumerate(ordered):
        if found.get(article.key):
            continue
        section = by_section[article.section]
        candidates = [*_nearest(section, place[article.key], count), *_nearest(ordered, index, count)]
        result[article.key] = tuple(dict.fromkeys(candidates))[:count]
    return result


def _nearest(group: list[Article], at: int, count: int) -> list[str]:
    """The keys of the `count` articles of `group` (in date order) nearest in time to group[at], nearest first."""
    article = group[at]
    others = [other for other in group[max(0, at - count): at + count + 1] if other is not article]
    others.sort(key=lambda other: (abs((other.date - article.date).total_seconds()), other.key))
    return [other.key for other in others[:count]]


def _neighbours(ordered: list[Article]) -> dict[str, Neighbours]:
    """Previous (older) and next (newer) article within each section."""
    by_section: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        by_section[article.section].append(article)
    result = {}
    for section_articles in by_section.values():
        for index, article in enumerate(section_articles):
            newer = section_articles[index - 1].key if index > 0 else None
            older = section_articles[index + 1].key if index + 1 < len(section_articles) else None
            result[article.key] = Neighbours(previous=older, next=newer)
    return result
