"""bantin import site: a saved copy of an old website (wget --mirror, HTTrack) -> articles.

Each saved page is read (in the encoding it declares), its menus, sidebars, headers and
footers set aside, and judged: an article has a title, a date line and a body of several
paragraphs; home, list, category and menu pages are left out and counted. The body is taken
by trafilatura (a maintained main-text extractor), or by the CSS selectors an editor writes
in import/site.toml when its guess is wrong. The date line, author and "Nguồn:" lines are read
by import-text's own parser (bantin/importers/text.py), the province guessed as it guesses it.
Photos are copied from the mirror; each page's old address becomes an alias.
"""

from __future__ import annotations

import codecs
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from bantin.importers.html import (
    MAX_DEPTH,
    ImportProblem,
    Links,
    find_original,
    html_to_markdown,
    nesting_depth,
    page_key,
    plain,
)
from bantin.importers.mapping import Mapping, mapping_report, mapping_text, read_mapping
from bantin.importers.text import ImportFailed, guess_province, parse_text
from bantin.importers.writer import IMPORT_DIR, Item, NoteSpool, Writer, article_text, outcome_report, resolve_required
from bantin.language.errors import BuildFailed, ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.markup.sanitize import Sanitizer
from bantin.project.config import Config

MAPPING_FILE = f"{IMPORT_DIR}/site.toml"
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b")
# what is not the article: page furniture, by element or by class/id
_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
_FURNITURE_RE = re.compile(r"(^|[\s_-])(menu|nav|navbar|sidebar|side-bar|footer|header|breadcrumbs?|share|social|"
                           r"related|tin-lien-quan|comments?|widget|banner|advert|ads|quang-cao|tags?|pagination|"
                           r"weather|search|login|popup|modal)([\s_-]|$)", re.I)
_LEAD_RE = re.compile(r"(^|[\s_-])(sapo|lead|summary|excerpt|chapeau|intro|description|tom-tat|mota)([\s_-]|$)", re.I)
_LIST_PATH_RE = re.compile(r"(^|/)(tag|tags|category|categories|chuyen-muc|danh-muc|author|page|trang|search|"
                           r"tim-kiem|feed)(/|$)|[?&](page|paged|cat|tag|s)=", re.I)
HEADER = """\
# bantin import site: how the saved site's pages are read, and what its categories become.
# [selectors]: CSS selectors for when the guess is wrong (title, date, body, lead, author);
# [category]: "name on the old site" = "province:<province>" | "topic:<topic>" | "tag:<tag>"
#   | "section:<folder>" | "skip", then how many articles use it (from breadcrumbs and tags).
# province and topic serve the articles that name none; skip lists page paths to leave out;
# missing_photos = "link" keeps the old address of a photo missing from the mirror."""
MIN_PARAGRAPHS = 2  # a body of several paragraphs (besides the lead)


@dataclass(frozen=True)
class Mirror:
    """The saved site: its folder, the site's root inside it, and the host it was saved from."""

    folder: Path
    root: Path  # the folder holding the site's own paths (wget puts them under <host>/)
    host: str

    def url(self, page: Path) -> str:
        """The page's old absolute address."""
        relative = page.relative_to(self.root).as_posix()
        return f"https://{self.host}/{relative}"

    def locate(self, url: str) -> Path | None:
        """The saved copy of an old address's file, if the mirror holds it."""
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.removeprefix("www.") != self.host.removeprefix("www."):
            return None
        relative = posixpath.normpath(unquote(parts.path).lstrip("/"))
        if relative.startswith("..") or relative in (".", ""):
            return None
        path = self.root / relative
        return find_original(path.parent, path.name)

    def place(self, source: Path) -> str:
        """Its site path: /anh/<its path in the mirror>."""
        return "/anh/" + source.relative_to(self.root).as_posix()


def find_mirror(folder: Path) -> Mirror:
    """wget --mirror saves under <host>/; HTTrack too, beside its own index.html."""
    folder = folder.resolve()
    hosts = [child for child in sorted(folder.iterdir()) if child.is_dir() and "." in child.name
             and not child.name.startswith(".") and any(child.rglob("*.htm*"))]
    if len(hosts) == 1:
        return Mirror(folder, hosts[0], hosts[0].name)
    return Mirror(folder, folder, "old-site.invalid")


def decode_page(data: bytes) -> tuple[str, str]:
    """(text, encoding): a byte-order mark, else the charset the page declares, else UTF-8.

    Raises ImportProblem for a page that is not what it says, or says nothing and is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    declared = _CHARSET_RE.search(data[:4096])
    name = declared.group(1).decode("ascii", "replace").lower() if declared else "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise ImportProblem(Text("the page is in the encoding {name!r}, which bantin cannot read", name=name),
                            Text("convert it to UTF-8 (iconv -f <encoding> -t UTF-8), or leave it out")) from None
    try:
        return data.decode(name), name
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        if declared:
            problem = Text("line {line}: the page says it is {name} but is not", line=line, name=name)
        else:
            problem = Text("line {line}: the page is not UTF-8 and does not say its encoding (a legacy "
                           "encoding such as Windows-1258, TCVN3 or VNI?)", line=line)
        raise ImportProblem(problem, Text("convert it to UTF-8, e.g. iconv -f WINDOWS-1258 -t UTF-8, or add its "
                                          "<meta charset>; or leave it out with skip in {file}",
                                          file=MAPPING_FILE)) from None


@dataclass
class Page:
    """An article page as read: its metadata, and the main text's HTML."""

    path: Path
    url: str
    title: str
    date: Any  # aware datetime
    body_html: str
    summary: str = ""
    author: str = ""
    source: str = ""
    terms: list[tuple[str, str]] = field(default_factory=list)  # (group, name): breadcrumb categories, tags
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def read_page(path: Path, mirror: Mirror, config: Config, selectors: dict[str, str]) -> Page | str:
    """An article page, or why it is not one ("home", "list", "no title", ...)."""
    text, encoding = decode_page(path.read_bytes())
    if not text.strip():
        return "empty"
    depth = nesting_depth(text, raw=True)
    if depth > 4 * MAX_DEPTH:  # a page's own layout adds levels; lxml stops reading at 255
        raise ImportProblem(Text("the HTML is nested {depth} levels deep (at most {limit} are read)", depth=depth,
                                 limit=4 * MAX_DEPTH),
                            Text("the page holds broken markup: clean it in the old site's editor, or leave it out"))
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return "empty"
    url = mirror.url(path)
    relative = path.relative_to(mirror.root).as_posix()
    if relative in ("index.html", "index.htm", "default.html", "default.htm") or _LIST_PATH_RE.search(relative):
        return "home or list"
    terms = _terms(document)
    for element in document.iter(*_FURNITURE_TAGS):
        if element.getparent() is not None and not _keep(element):
            element.drop_tree()
    for element in list(document.iter()):
        if isinstance(element.tag, str) and element.getparent() is not None and element.tag not in ("html", "body") \
                and _FURNITURE_RE.search(f"{element.get('class', '')} {element.get('id', '')}") \
                and not element.xpath(".//h1"):
            element.drop_tree()
    title = _select_text(document, selectors.get("title")) or _title(document)
    if not title:
        return "no title"
    date_line = _select_text(document, selectors.get("date")) or _date_line(document)
    if not date_line:
        return "no date line"
    if _date_lines(document) >= 3:
        return "home or list"  # teasers, each with its date
    lead = _select_text(document, selectors.get("lead")) or _lead(document, title)
    if selectors.get("body"):
        found = _select(document, selectors["body"])
        container = found[0] if found else None
    else:
        container = _main_container(document, url)
    if container is None:
        return "too little text"
    blocks = _leaf_blocks(container)
    paragraphs = [text for text in (plain(b.text_content()) for b in blocks) if text and text not in (title, date_line)]
    parsed = parse_text("\n".join([date_line, title, *paragraphs]), config.tz)
    if parsed.date is None:
        return "no date line"
    if len([p for p in parsed.paragraphs if p != lead and len(p.split()) >= 8]) < MIN_PARAGRAPHS:
        return "too little text"
    author = _select_text(document, selectors.get("author")) or parsed.author
    # what parse_text kept is the body: the title, date, lead, author, source and navigation are not
    kept = set(parsed.paragraphs) - {author, lead, title}
    body_html = "\n".join(etree.tostring(b, encoding="unicode", method="html", with_tail=False) for b in blocks
                          if plain(b.text_content()) in kept or b.tag in ("table", "figure")
                          or (b.xpath(".//img") and len(plain(b.text_content()).split()) < 40))
    page = Page(path, url, title, parsed.date, body_html, lead, author, parsed.source, terms, encoding=encoding)
    if encoding not in ("utf-8", "utf8"):
        page.notes.append(Text("read as {encoding} (the page says so)", encoding=encoding))
    return page


def _keep(element: etree._Element) -> bool:
    """A <header> that holds the article's title belongs to the article."""
    return element.tag == "header" and bool(element.xpath(".//h1"))


def _select(document: etree._Element, selector: str) -> list[etree._Element]:
    """The elements a selector of import/site.toml finds; a selector that is not CSS is said so."""
    from cssselect import SelectorError

    try:
        return document.cssselect(selector)
    except SelectorError as error:
        raise ImportProblem(Text("the selector {selector!r} of {file} is not CSS: {problem}", selector=selector,
                                 file=MAPPING_FILE, problem=str(error)),
                            Text("for example {example}", example='body = "div.news-content"')) from None


def _select_text(document: etree._Element, selector: str | None) -> str:
    if not selector:
        return ""
    found = _select(document, selector)
    return plain(found[0].text_content()) if found else ""


def _title(document: etree._Element) -> str:
    headings = [plain(h.text_content()) for h in document.iter("h1")]
    headings = [h for h in headings if len(h.split()) >= 3]
    if len(headings) == 1:
        return headings[0]
    meta = document.xpath("//meta[@property='og:title']/@content")
    return plain(meta[0]) if meta else ""


def _date_line(document: etree._Element) -> str:
    """The first short text holding a day (dd/mm/yyyy), outside links: the page's date line."""
    for element in document.iter():
        if not isinstance(element.tag, str) or element.tag == "a" or any(
                a.tag == "a" for a in element.iterancestors()):
            continue
        for text in (element.text, element.tail):
            line = plain(text or "")
            if line and len(line) < 60 and _DATE_RE.search(line):
                return line
    return ""


def _date_lines(document: etree._Element) -> int:
    """How many short texts hold a date: a list of teasers has one per item."""
    return sum(1 for text in document.itertext() if len(text.strip()) < 60 and _DATE_RE.search(text))


def _lead(document: etree._Element, title: str) -> str:
    for element in document.iter():
        if isinstance(element.tag, str) and _LEAD_RE.search(f"{element.get('class', '')} {element.get('id', '')}"):
            text = plain(element.text_content())
            if text and text != title and len(text.split()) >= 8:
                return text
    return ""


def _terms(document: etree._Element) -> list[tuple[str, str]]:
    """The page's categories (breadcrumbs past the home link, article:section) and tags."""
    terms = []
    for crumbs in document.xpath("//*[contains(@class, 'breadcrumb')]"):
        names = [plain(a.text_content()) for a in crumbs.iter("a")][1:]
        terms += [("category", name) for name in names if name]
        break
    terms += [("category", plain(v)) for v in document.xpath("//meta[@property='article:section']/@content")]
    terms += [("tag", plain(v)) for v in document.xpath("//meta[@property='article:tag']/@content")]
    terms += [("tag", plain(a.text_content())) for a in document.xpath("//a[@rel='tag']")]
    return list(dict.fromkeys(t for t in terms if t[1]))


_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "figure", "blockquote", "pre", "dl"})


def _main_container(document: etree._Element, url: str) -> etree._Element | None:
    """The element holding the article's text: where the paragraphs trafilatura picks as main text sit
    in the page (their closest common ancestor), so the photos, captions and links between them come along."""
    import trafilatura

    extracted = trafilatura.extract(etree.tostring(document, encoding="unicode", method="html"), url=url,
                                    output_format="txt", include_tables=False, include_comments=False) or ""
    wanted = {plain(line) for line in extracted.split("\n") if len(line.split()) >= 8}
    found = [element for element in document.iter("p", "div", "td", "li", "span")
             if not len(element.xpath("./p|./div")) and plain(element.text_content()) in wanted]
    if not found:
        return None
    chains = [list(element.iterancestors()) for element in found]
    common = [a for a in chains[0] if all(a in chain for chain in chains[1:])] if len(found) > 1 else [found[0]]
    return found[0] if len(found) == 1 else common[0]


def _leaf_blocks(container: etree._Element) -> list[etree._Element]:
    """The container's paragraphs, headings, lists, tables and figures, in order, inside any wrapping divs."""
    if container.tag in _BLOCKS or container.tag in ("td", "li", "span"):
        return [container]
    blocks: list[etree._Element] = []
    for child in container:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _BLOCKS or child.tag == "img":
            blocks.append(child)
        elif child.tag in ("div", "section", "article", "main", "header", "center", "font", "span", "a", "strong"):
            inner = _leaf_blocks(child)
            if inner and any(b is not child for b in inner):
                blocks += inner
            elif plain(child.text_content()) or child.xpath(".//img"):
                blocks.append(child)
    return blocks


def _paragraphs(body_html: str) -> list[str]:
    if not body_html.strip():
        return []
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return [text for text in (plain(block.text_content()) for block in _leaf_blocks(root)) if text]


@dataclass
class Result:
    """What `import site` did or would do, for the report."""

    writer: Writer
    mapping: Mapping
    left_out: Counter[str] = field(default_factory=Counter)
    left_out_examples: dict[str, list[str]] = field(default_factory=dict)
    notes: NoteSpool = field(default_factory=NoteSpool)  # (origin, path, notes) of each article
    articles: int = 0
    drafts: int = 0
    aliases: int = 0


def import_site(folder: Path, config: Config, provinces: ProvinceList, *, dry_run: bool, workers: int = 0) -> Result:
    """Import the article pages of a saved site (a dry run only reports, and writes the mapping file).

    Raises BuildFailed with every error found; then nothing is written."""
    mapping, errors = read_mapping(config.root / MAPPING_FILE, config, provinces, MAPPING_FILE)
    mapping.extra.setdefault("missing_photos", "error")
    selectors = dict(mapping.extra.get("selectors", {}))
    mapping.extra["selectors"] = {key: selectors.get(key, "") for key in ("title", "date", "body", "lead", "author")}
    if errors:
        raise BuildFailed(errors)
    mirror = find_mirror(folder)
    writer = Writer(config, dry_run)
    result = Result(writer, mapping)
    pages: list[Page] = []
    for path in sorted(mirror.root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in PAGE_SUFFIXES:
            continue
        relative = path.relative_to(mirror.root).as_posix()
        if relative in mapping.skip or any(part.startswith(".") for part in path.relative_to(mirror.root).parts):
            continue
        try:
            page = read_page(path, mirror, config, selectors)
        except ImportProblem as problem:
            errors.append(ContentError(str(path), None, relative, problem.message, problem.hint))
            continue
        except RecursionError:
            errors.append(ContentError(str(path), None, relative, Text("the HTML is nested too deeply to read")))
            continue
        except (ImportFailed, OSError, ValueError, TypeError, AttributeError, LookupError) as error:
            errors.append(ContentError(str(path), None, relative, Text("cannot read it: {problem}",
                                                                       problem=str(error))))
            continue
        if isinstance(page, str):
            result.left_out[page] += 1
            result.left_out_examples.setdefault(page, []).append(relative)
            continue
        pages.append(page)
    if errors:
        raise BuildFailed(errors)
    _import_pages(pages, mirror, config, provinces, mapping, result)
    try:
        writer.finish(MAPPING_FILE, mapping_text(mapping, HEADER, {"category": "the old site's categories",
                                                                   "tag": "the old site's tags"}))
    finally:
        writer.discard()
    return result


def _import_pages(pages: list[Page], mirror: Mirror, config: Config, provinces: ProvinceList, mapping: Mapping,
                  result: Result) -> None:
    writer = result.writer
    planned: dict[str, tuple[str, str]] = {}  # page url -> (path, new url)
    section = next(iter(config.sections))
    for page in pages:
        for group, name in page.terms:
            mapping.counts[(group, name)] = mapping.counts.get((group, name), 0) + 1
            mapping.meaning(group, name, config, provinces)
        sections = [mapping.terms[t].value for t in page.terms if mapping.terms[t].kind == "section"]
        where = sections[0] if sections else section
        path = writer.place(f"site:{mirror.host}:{page.path.relative_to(mirror.root).as_posix()}", where,
                            page.date.year, page.title)
        planned[page.url] = (path, f"/{where}/{page.date.year}/{path.rsplit('/', 1)[1].removesuffix('.md')}/")
    links = Links(frozenset({mirror.host.removeprefix("www.")}),
                  {page_key(url): new for url, (_, new) in planned.items()}, mirror.locate, mirror.place)
    sanitizer = Sanitizer("safe", config.markdown.iframe_hosts)
    errors: list[ContentError] = []
    keep_links = mapping.extra.get("missing_photos") == "link"
    for page in pages:
        relative = page.path.relative_to(mirror.root).as_posix()
        try:
            converted = html_to_markdown(page.body_html, links, sanitizer, page.url)
        except ImportProblem as problem:
            errors.append(ContentError(str(page.path), None, relative, problem.message, problem.hint))
            continue
        if converted.missing and not keep_links:
            errors += [ContentError(str(page.path), None, relative, Text("photo {url} is not in the mirror", url=url),
                                    hint=Text("save the photos with the pages (wget --page-requisites), or keep "
                                              "the old addresses: missing_photos = \"link\" in {file}",
                                              file=MAPPING_FILE)) for url in converted.missing]
            continue
        path, new_url = planned[page.url]
        item = Item(f"site:{mirror.host}:{relative}", relative, path.split("/")[1], page.date, "", {},
                    converted.markdown, converted.files, list(page.notes))
        meanings = [mapping.terms[t] for t in page.terms]
        provinces_named = [m.value for m in meanings if m.kind == "province"]
        topics = [m.value for m in meanings if m.kind == "topic"]
        province = provinces_named[0] if provinces_named else ""
        if not province:
            guessed = guess_province(_parsed(page), provinces)
            if guessed is not None:
                province = guessed[0]
                item.notes.append(Text("guessed province {name}: {why}", name=guessed[0], why=guessed[1]))
            else:
                province = mapping.province
        old = urlsplit(page.url).path
        alias = old[:-len("index.html")] if old.endswith("/index.html") else old
        aliases = [unquote(alias)] if page_key(alias) != page_key(new_url) else []
        item.fields = {"title": page.title, "date": page.date, "province": "", "topic": "",
                       "tags": list(dict.fromkeys(m.value for m in meanings if m.kind == "tag")),
                       "summary": page.summary, "author": page.author, "source": page.source, "aliases": aliases}
        resolve_required(item, province, topics[0] if topics else mapping.topic, config)
        if page.summary:
            item.notes.append(Text("summary: the lead paragraph"))
        if page.author:
            item.notes.append(Text("author {name}: the short last line", name=page.author))
        for url in converted.missing:
            item.notes.append(Text("photo {url} kept at its old address (not in the mirror)", url=url))
        if errors:
            continue
        try:
            for site_path, source in item.files.items():
                writer.file(site_path, Path(source))
        except ImportProblem as problem:
            errors.append(ContentError(str(page.path), None, relative, problem.message, problem.hint))
            continue
        writer.article(item.key, path, article_text(item))
        result.articles += 1
        result.drafts += bool(item.fields.get("draft"))
        result.aliases += len(aliases)
        result.notes.add(relative, path, item.notes)
    if errors:
        raise BuildFailed(errors)


def _parsed(page: Page):  # type: ignore[no-untyped-def]
    from bantin.importers.text import Parsed

    return Parsed(page.title, page.date, _paragraphs(page.body_html), page.author, page.source)


def report(result: Result, dry_run: bool) -> Any:
    """What the editor reads after an import: the mapping, each article and its guesses, what was left out."""
    yield from mapping_report(result.mapping, {"category": Text("category"), "tag": Text("tag")})
    for origin, path, notes in result.notes:
        yield Text("{origin} -> {path}", origin=origin, path=path)
        for note in notes:
            yield Text("    {note}", note=note)
    reasons = {"home or list": Text("home, list or category pages"), "no title": Text("pages without a title"),
               "no date line": Text("pages without a date line"), "too little text": Text("pages with too little text"),
               "empty": Text("empty pages")}
    for reason, count in result.left_out.most_common():
        examples = result.left_out_examples.get(reason, [])[:3]
        yield Text("left out {count} {what}: {examples}", count=count, what=reasons.get(reason, reason),
                   examples=", ".join(examples) + (" ..." if count > 3 else ""))
    yield from outcome_report(result.writer, dry_run, MAPPING_FILE)
    yield Text("{articles} articles ({drafts} drafts), {aliases} old addresses kept as aliases",
               articles=result.articles, drafts=result.drafts, aliases=result.aliases)

