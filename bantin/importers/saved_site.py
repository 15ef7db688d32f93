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
import copy
import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
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
    inside,
    page_key,
    plain,
)
from bantin.importers.mapping import Mapping, mapping_report, mapping_text, read_mapping
from bantin.importers.pagemeta import Declared, declared, headline, moments, trafilatura_metadata
from bantin.importers.text import ImportFailed, guess_province, parse_text
from bantin.importers.writer import (
    IMPORT_DIR,
    Item,
    NoteSpool,
    Writer,
    article_text,
    keepable_alias,
    outcome_report,
    resolve_required,
)
from bantin.language.errors import BuildFailed, ContentError
from bantin.language.messages import Text
from bantin.language.provinces import ProvinceList
from bantin.markup.sanitize import Sanitizer
from bantin.project.config import Config

MAPPING_FILE = f"{IMPORT_DIR}/site.toml"
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b")
_LIST_PATH_RE = re.compile(r"(^|/)(tag|tags|category|categories|chuyen-muc|danh-muc|author|page|trang|search|"
                           r"tim-kiem|feed)(/|$)|[?&](page|paged|cat|tag|s)=", re.I)
HEADER = (  # the mapping file's comment, a paragraph each, said in the site's language
    Text("bantin import site: how the saved site's pages are read, and what its categories become."),
    Text("[selectors]: CSS selectors for when the guess is wrong (title, date, body, lead, author)."),
    Text('[category]: "name on the old site" = "province:<province>" | "topic:<topic>" | "tag:<tag>" | '
         '"section:<folder>" | "skip", then how many articles use it (from breadcrumbs and tags).'),
    Text('province and topic serve the articles that name none; skip lists page paths to leave out; '
         'missing_photos = "link" keeps the old address of a photo missing from the mirror.'),
)
MIN_PARAGRAPHS = 2  # a body of several paragraphs (besides the lead)


@dataclass(frozen=True)
class Mirror:
    """The saved site: its folder, the site's root inside it, and the host it was saved from."""

    folder: Path
    root: Path  # the folder holding the site's own paths (wget puts them under <host>/)
    host: str
    photos: str = "anh"  # the folder of content/ photos go in: site.toml's [paths] photos

    def url(self, page: Path) -> str:
        """The page's old absolute address."""
        relative = page.relative_to(self.root).as_posix()
        return f"https://{self.host}/{relative}"

    def locate(self, url: str) -> Path | None:
        """The saved copy of an old address's file, if the mirror holds it."""
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.removeprefix("www.") != self.host.removeprefix("www."):
            return None
        names = unquote(parts.path).lstrip("/").split("/")
        if not names[-1] or any(name in ("", ".", "..") for name in names):
            return None
        found = find_original(self.root.joinpath(*names[:-1]), names[-1])
        return found if found is not None and inside(found, self.root) else None

    def place(self, source: Path) -> str:
        """Its site path: /anh/<its path in the mirror> (/photos/... on an English site)."""
        return f"/{self.photos}/" + source.relative_to(self.root).as_posix()


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


_PARSER = lxml.html.HTMLParser(huge_tree=True)  # pages of any size; depth is judged below, on elements
# a box of links to other stories inside an article, by the words it opens with
_RELATED_RE = re.compile(r"^\W*(xem thêm|tin liên quan|bài liên quan|đọc thêm|xem tiếp|tin cùng chuyên mục|có thể bạn "
                         r"quan tâm|read more|see also|related( stories| articles)?|more on this|lire aussi|voir aussi|"
                         r"à lire|leia também|lea también|mehr zum thema|lesen sie auch|siehe auch|相关阅读|相关新闻|"
                         r"関連記事)\b\W*", re.I)


def element_depth(document: etree._Element) -> int:
    """How deep the page's elements nest (text inside <script> is not elements)."""
    deepest = 0
    for element in document.iter():
        if isinstance(element.tag, str) and not len(element):
            deepest = max(deepest, sum(1 for _ in element.iterancestors()) + 1)
    return deepest


def read_page(path: Path, mirror: Mirror, config: Config, selectors: dict[str, str]) -> Page | str:
    """An article page, or why it is not one ("home or list", "no title", "no date line", ...).

    What the page declares about itself comes first (JSON-LD, Open Graph and article:* meta,
    microdata, <time datetime>), then trafilatura's metadata, then the visible date line; the
    main text is trafilatura's extraction, with boxes of related links taken out."""
    text, encoding = decode_page(path.read_bytes())
    if not text.strip():
        return "empty"
    try:
        document = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return "empty"
    depth = element_depth(document)
    if depth > 4 * MAX_DEPTH:  # a page's own layout adds levels; no article needs this many
        raise ImportProblem(Text("the HTML is nested {depth} levels deep (at most {limit} are read)", depth=depth,
                                 limit=4 * MAX_DEPTH),
                            Text("the page holds broken markup: clean it in the old site's editor, or leave it out"))
    url = mirror.url(path)
    relative = path.relative_to(mirror.root).as_posix()
    if relative in ("index.html", "index.htm", "default.html", "default.htm") or _LIST_PATH_RE.search(relative):
        return "home or list"
    said = declared(document)
    if said.article is False:
        return "home or list"
    meta = trafilatura_metadata(document, url)
    title = _select_text(document, selectors.get("title")) or headline(
        document, said.title, meta.get("title") or "", said.site_name or meta.get("sitename") or "")
    if not title:
        return "no title"
    moment, date_from = _date(document, said, url, title, config, selectors)
    if moment is None:
        return "no date line"
    if said.article is not True and _date_lines(_content(document)) >= 3:
        return "home or list"  # teasers, each with its date (a page that declares itself an article is one)
    if selectors.get("body"):
        found = _select(document, selectors["body"])
        body_html = "".join(etree.tostring(e, encoding="unicode", method="html", with_tail=False) for e in found)
    else:
        body_html = main_text(document)
    paragraphs = _paragraphs(body_html)
    lead = _select_text(document, selectors.get("lead")) or plain(said.description or meta.get("description") or "")
    if len([p for p in paragraphs if p != lead and (len(p.split()) >= 8 or len(p) >= 40)]) < MIN_PARAGRAPHS:
        return "too little text"
    parsed = parse_text("\n".join([title, *paragraphs]), config.tz)
    author = _select_text(document, selectors.get("author")) or ", ".join(said.authors) or _author(
        meta.get("author") or "") or parsed.author
    source_lines = [p for p in paragraphs if parsed.source and parsed.source in p and len(p) < 120]
    body_html = _without(body_html, {title, lead, parsed.author if parsed.author == author else "", *source_lines})
    terms = _terms(document)
    terms += [("category", said.section)] if said.section and ("category", said.section) not in terms else []
    terms += [("tag", tag) for tag in said.tags if ("tag", tag) not in terms]
    page = Page(path, url, title, moment, body_html, lead if lead != title else "", author, parsed.source, terms,
                encoding=encoding)
    page.notes.append(Text("date: {source}", source=date_from))
    if encoding not in ("utf-8", "utf8"):
        page.notes.append(Text("read as {encoding} (the page says so)", encoding=encoding))
    return page


def _date(document: etree._Element, said: Declared, url: str, title: str, config: Config,
          selectors: dict[str, str]) -> tuple[datetime | None, str]:
    """When the article was published, and where that was read: a selector's date line, the page's
    declared moment (unless htmldate finds an earlier original date: the declared one was an update),
    the visible date line, htmldate's date from the page's markup and address (never a guess from
    free text such as a copyright year)."""
    line = _select_text(document, selectors.get("date")) or _date_line(_content(document))
    visible = parse_text(f"{line}\n{title}", config.tz).date if line else None
    if selectors.get("date") and visible is not None:
        return visible, Text("the date line the selector finds")
    day = _htmldate(document, url, extensive=said.article is True)
    if said.published is not None:
        moment = said.published if said.published.tzinfo else said.published.replace(tzinfo=config.tz)
        if not day or moment.date().isoformat() <= day:
            return moment, Text("the page declares it ({where})", where=said.published_from)
        same_day = sorted(m for m in moments(document) if m.date().isoformat() == day and m.tzinfo)
        if same_day:
            return same_day[0], Text("the earliest moment the page names, {day} (its {where} is later: an update)",
                                     day=day, where=said.published_from)
    if visible is not None:
        return visible, Text("the date line {line!r}", line=line)
    if day:
        return datetime.fromisoformat(day).replace(tzinfo=config.tz), Text("found by htmldate in the page's markup")
    return None, ""


# HTML5's own elements for what is not the page's content (by their names, never by class names)
_FURNITURE_TAGS = ("nav", "aside", "footer", "form", "script", "style", "noscript", "template", "iframe")


def _content(document: etree._Element) -> etree._Element:
    """A copy of the page without what HTML5 marks as navigation, asides, footers and forms (and a
    <header> that does not hold the title): where a date line or a list's teasers are looked for."""
    copied = copy.deepcopy(document)
    for element in list(copied.iter(*_FURNITURE_TAGS, "header")):
        if element.getparent() is not None and not (element.tag == "header" and element.xpath(".//h1")):
            element.drop_tree()
    return copied


def _htmldate(document: etree._Element, url: str, extensive: bool) -> str:
    """htmldate's original publication day (YYYY-MM-DD), or "": from markup and address only, unless
    the page declares itself an article (then also from its text: a date only in <title>, a year-less
    date line); an about page's copyright year is never its date."""
    from htmldate import find_date

    try:
        return find_date(copy.deepcopy(document), url=url, extensive_search=extensive, original_date=True,
                         outputformat="%Y-%m-%d") or ""
    except (ValueError, TypeError):
        return ""


def _author(name: str) -> str:
    """trafilatura's author without its repeats ("A; A")."""
    names: list[str] = []
    for one in (n.strip() for n in name.split(";")):
        if one and one.lower() not in (n.lower() for n in names):
            names.append(one)
    return ", ".join(names)


def main_text(document: etree._Element) -> str:
    """The article's text as trafilatura extracts it (as HTML: paragraphs, headings, lists, tables,
    photos, links, emphasis), precise first and fuller when that finds too little; boxes of related
    links dropped, photo captions joined to their photos."""
    import trafilatura

    # no url: trafilatura would resolve "../" links itself (wrongly, at times); html_to_markdown does it
    options: dict[str, Any] = dict(output_format="html", include_images=True, include_links=True,
                                   include_formatting=True, include_tables=True, include_comments=False,
                                   deduplicate=False)
    extracted = trafilatura.extract(copy.deepcopy(document), favor_precision=True, **options) or ""
    if len([p for p in _paragraphs(_body_of(extracted)) if len(p) >= 40]) < MIN_PARAGRAPHS:
        extracted = trafilatura.extract(copy.deepcopy(document), favor_recall=True, **options) or extracted
    return _tidy(_body_of(extracted))


def _body_of(extracted: str) -> str:
    if not extracted.strip():
        return ""
    root = lxml.html.document_fromstring(extracted)
    body = root.find("body")
    holder = body if body is not None else root
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in holder)


def _tidy(body_html: str) -> str:
    """Related-link boxes out (the text after them stays); a caption line after a photo becomes its title."""
    if not body_html.strip():
        return ""
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for element in list(root):
        if element.getparent() is None:
            continue
        text = plain(element.text_content())
        if not _RELATED_RE.match(text):
            continue
        links = sum(len(plain(a.text_content())) for a in element.iter("a"))
        rest = len(_RELATED_RE.sub("", text))
        if links >= 0.5 * rest or element.tag in ("h2", "h3", "h4", "h5", "h6") or rest < 3:
            following = element.getnext()
            element.drop_tree()
            if rest < 3 and following is not None and following.tag in ("ul", "ol") and len(
                    list(following.iter("a"))):
                following.drop_tree()  # the heading's list of stories
    for image in list(root.iter("img")):
        after = image.getnext() if image.getparent() is root else None
        alt = plain(image.get("alt", ""))
        if after is not None and after.tag == "p" and alt and plain(after.text_content()) in (alt, alt.rstrip(".")):
            image.set("title", plain(after.text_content()))
            after.drop_tree()
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


def _without(body_html: str, texts: set[str]) -> str:
    """The body without the blocks that say what the front matter says (title, lead, author line)."""
    texts = {t for t in texts if t}
    if not body_html.strip() or not texts:
        return body_html
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for element in list(root):
        if element.tag in ("p", "h1", "h2", "div") and plain(element.text_content()) in texts and not element.xpath(
                ".//img"):
            element.drop_tree()
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


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
    mirror = dataclasses.replace(find_mirror(folder), photos=config.paths.photos)
    writer = Writer(config, dry_run)
    result = Result(writer, mapping)
    pages: list[Page] = []
    for path in sorted(mirror.root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.suffix.lower() not in PAGE_SUFFIXES \
                or not inside(path, mirror.root):
            continue  # a symlinked page is never opened: it may lead anywhere on the machine
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
        writer.finish(MAPPING_FILE, mapping_text(mapping, HEADER, {"category": Text("the old site's categories"),
                                                                   "tag": Text("the old site's tags")},
                                                 config.language))
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
                                              "the old addresses: missing_photos = \"link\" in {file} "
                                              "(a new file if there is none)",
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
        alias = keepable_alias(unquote(old[:-len("index.html")] if old.endswith("/index.html") else old), config)
        aliases = [alias] if alias and page_key(alias) != page_key(new_url) else []
        item.fields = {"title": page.title, "date": page.date, "province": "", "topic": "",
                       "tags": list(dict.fromkeys(m.value for m in meanings if m.kind == "tag")),
                       "summary": page.summary, "author": page.author, "source": page.source, "aliases": aliases}
        resolve_required(item, province, topics[0] if topics else mapping.topic, config)
        if page.summary:
            item.notes.append(Text("summary: the page's description (its lead)"))
        if page.author:
            item.notes.append(Text("author {name}", name=page.author))
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

