"""bantin import wordpress: WordPress export files (WXR 1.1/1.2, one export or its split files)
-> articles under content/, photos from a local copy of wp-content/uploads, aliases and redirects.

Two streamed passes over the files (lxml's iterparse, each item cleared once read, so a 200 MB
export is never held whole): the first reads what every post needs to know about the others
(authors, photos, old addresses, categories and tags with their counts) and finds the errors;
the second converts each post and stages it, in worker processes. Nothing is written unless
both passes succeed (bantin/importers/html.py, Writer).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from bantin.importers.html import ImportProblem, Links, find_original, html_to_markdown, inside, page_key, plain
from bantin.importers.mapping import Mapping, Meaning, mapping_report, mapping_text, read_mapping
from bantin.importers.text import Parsed, guess_province
from bantin.importers.wpcontent import Attachment, prepare
from bantin.importers.writer import (
    IMPORT_DIR,
    Item,
    NoteSpool,
    Writer,
    article_text,
    keepable_alias,
    outcome_report,
    redirect_maps,
    resolve_required,
)
from bantin.language.errors import BuildFailed, ContentError
from bantin.language.messages import Text, catalogue, say
from bantin.language.provinces import ProvinceList
from bantin.markup.sanitize import Sanitizer
from bantin.project.config import Config

MAPPING_FILE = f"{IMPORT_DIR}/wordpress.toml"
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DRAFT_STATUSES = ("draft", "pending", "private")
IGNORED_STATUSES = ("trash", "auto-draft", "inherit")
HEADER = (  # the mapping file's comment, a paragraph each, said in the site's language
    Text("bantin import wordpress: what the export's categories and tags become."),
    Text('Each line: "name in WordPress" = "province:<province>" | "topic:<topic>" | "tag:<tag>" | '
         '"section:<folder>" | "skip", then how many posts use it. A dry run writes this file; correct it, and '
         'the next run (dry or not) reads it.'),
    Text('province and topic below serve the posts that name none; skip lists post numbers to leave out; '
         'missing_photos = "link" keeps the old address of a photo missing from --uploads instead of stopping.'),
)


@dataclass
class Channel:
    """What an export says about its site: its addresses and its authors' display names."""

    base: str = ""  # the site's address (wp:base_blog_url, or the channel's link)
    site: str = ""  # the network's address (wp:base_site_url), which may serve its files
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name


@dataclass
class Post:
    """One <item> as read: its fields as text, its categories and meta values."""

    file: str
    line: int
    number: int = 0  # the item's place in its file (1, 2, ...): what both passes know it by
    fields: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str]] = field(default_factory=list)  # (domain, name)
    meta: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """A field's text ('' if absent)."""
        return self.fields.get(name, "")

    @property
    def label(self) -> Text:
        """How messages name the item: 'post 123 "Title"'."""
        title = plain(self.get("title"))
        return Text("post {id} {title!r}", id=self.get("post_id") or "?", title=title[:60]) if title \
            else Text("post {id}", id=self.get("post_id") or "?")


class XmlProblem(Exception):
    """The export is not well-formed XML at (line, column)."""

    def __init__(self, line: int, column: int, message: str, item: str | None) -> None:
        self.line, self.column, self.message, self.item = line, column, message, item
        super().__init__(message)


def read_posts(path: Path, channel: Channel) -> Iterator[Post]:
    """Every <item> of one export file, streamed; the channel's authors and address fill `channel`."""
    current: Post | None = None
    number = 0
    try:
        context = etree.iterparse(str(path), events=("start", "end"), huge_tree=True, resolve_entities=False,
                                  no_network=True, load_dtd=False)
        for event, element in context:
            tag = element.tag if isinstance(element.tag, str) else ""
            name = tag.rpartition("}")[2]
            if event == "start":
                if name == "item":
                    number += 1
                    current = Post(str(path), element.sourceline or 0, number)
                continue
            if name == "item" and current is not None:
                yield current
                current = None
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif current is not None:
                _read_field(current, element, name, tag)
            elif name == "author" and "wordpress.org/export" in tag:
                login = _child(element, "author_login")
                channel.authors[login] = _child(element, "author_display_name") or login
                element.clear()
            elif name == "base_site_url" and current is None:
                channel.site = (element.text or "").strip()
            elif not channel.base and (name in ("base_blog_url", "base_site_url") or (
                    name == "link" and element.getparent() is not None and element.getparent().tag == "channel")):
                channel.base = (element.text or "").strip()
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 0, 0)
        raise XmlProblem(line, column, _syntax_message(path, line, column, error.msg or ""),
                         current.label if current is not None and current.get("post_id") else None) from None


def _read_field(post: Post, element: etree._Element, name: str, tag: str) -> None:
    parent = element.getparent()
    parent_name = parent.tag.rpartition("}")[2] if parent is not None else ""
    if parent_name == "postmeta":
        return  # read with the postmeta element
    if name == "postmeta":
        key = _child(element, "meta_key")
        if key in ("_thumbnail_id", "_wp_attached_file", "_wp_attachment_image_alt"):
            post.meta[key] = _child(element, "meta_value")
        element.clear()
    elif name == "comment" or parent_name == "comment":
        if name == "comment":
            element.clear()
    elif name == "category" and parent_name == "item":
        post.terms.append((element.get("domain", "category"), (element.text or "").strip()))
    elif parent_name == "item":
        prefix = "excerpt_" if "excerpt" in tag else ""
        post.fields[prefix + name] = element.text or ""


def _child(element: etree._Element, name: str) -> str:
    for child in element:
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == name:
            return (child.text or "").strip()
    return ""


def _syntax_message(path: Path, line: int, column: int, message: str) -> Text:
    """libxml2's message, or a plain one for a control character (it says 'Unregistered error' in CDATA)."""
    try:
        with path.open("rb") as file:
            for number, raw in enumerate(file, start=1):
                if number == line:
                    found = _ILLEGAL_XML_RE.search(raw.decode("utf-8", "replace"))
                    if found:
                        return Text("the character U+{code:04X} is not allowed in XML",
                                    code=ord(found.group()))
                    break
    except OSError:
        pass
    return Text("not well-formed XML: {problem}", problem=re.sub(r", line \d+, column \d+$", "", message))


# -- the first pass: what posts need to know about each other ------------------------------------


@dataclass
class Planned:
    """A post to import, as the first pass placed it."""

    post_id: str
    kind: str  # "post" or "page"
    path: str  # content-relative file
    url: str  # its new site URL
    old: str  # its old permalink
    draft: bool = False  # a draft, pending or private post in WordPress
    key: str = ""  # its name in the import record (by post id, else guid, else link)
    title: str = ""  # its title (from its first words when it had none)
    notes: list[str] = field(default_factory=list)  # what the first pass decided (Text)


@dataclass
class Index:
    """What the first pass learnt from all files."""

    channel: Channel = field(default_factory=Channel)
    attachments: dict[str, Attachment] = field(default_factory=dict)  # attachment post id -> its file
    hosts: set[str] = field(default_factory=set)  # every host the export's own files are on
    planned: dict[tuple[str, int], Planned] = field(default_factory=dict)  # (file, item number) -> where it goes
    keys: set[str] = field(default_factory=set)  # the record keys given so far
    counts: Counter[str] = field(default_factory=Counter)  # what was left out, by kind and status
    terms: Counter[tuple[str, str]] = field(default_factory=Counter)  # (group, name) -> posts using it
    errors: list[ContentError] = field(default_factory=list)
    unreadable: bool = False  # a file is not well-formed XML, or cannot be read: the second pass cannot run
    left_out_pages: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)  # items with neither a type nor a date


def _group(domain: str) -> str | None:
    return {"category": "category", "post_tag": "tag"}.get(domain)


def _wanted(post: Post, mapping: Mapping) -> str | None:
    """'post', 'page', or None for what is not imported (menus, revisions, trash, attachments, other types)."""
    kind, status = post.get("post_type") or "post", post.get("status") or "publish"
    if status in IGNORED_STATUSES or kind not in ("post", "page") or post.get("post_id") in mapping.skip:
        return None
    return kind


def _kind(post: Post) -> str:
    """'post:publish', 'nav_menu_item:publish': how the report counts what it left out."""
    return f"{post.get('post_type') or 'post'}:{post.get('status') or 'publish'}"


def scan(files: list[Path], config: Config, provinces: ProvinceList, mapping: Mapping, writer: Writer) -> Index:
    """The first pass: authors, attachments, term counts, errors, and where every post goes."""
    index = Index()
    for path in files:
        try:
            for post in read_posts(path, index.channel):
                _scan_post(post, path, config, provinces, mapping, writer, index)
        except XmlProblem as problem:
            index.unreadable = True
            index.errors.append(ContentError(str(path), problem.line, problem.item, problem.message,
                                             hint=_xml_hint(problem)))
        except OSError as error:
            index.unreadable = True
            index.errors.append(ContentError(str(path), None, None, Text("cannot read it: {problem}",
                                                                         problem=error.strerror or str(error))))
    return index


def _xml_hint(problem: XmlProblem) -> Text:
    if "U+" in str(problem.message):
        return Text("remove the character at line {line}, column {column} (a text editor shows it; WordPress "
                    "exports what was pasted from Word), then run again", line=problem.line, column=problem.column)
    return Text("the file is cut short or was changed by hand: export it again from WordPress "
                "(Tools > Export)")


def _scan_post(post: Post, path: Path, config: Config, provinces: ProvinceList, mapping: Mapping, writer: Writer,
               index: Index) -> None:
    kind = post.get("post_type") or "post"
    if kind == "attachment":
        url = post.get("attachment_url") or post.get("guid")
        index.attachments[post.get("post_id")] = Attachment(
            url, plain(post.get("excerpt_encoded")), plain(post.meta.get("_wp_attachment_image_alt", "")),
            post.get("post_parent"), int(post.get("menu_order") or 0) if post.get("menu_order").isdigit() else 0)
        index.hosts.add(_host(url))
        index.counts[_kind(post)] += 1
        return
    wanted = _wanted(post, mapping)
    if wanted is None:
        index.counts[_kind(post)] += 1
        return
    if not post.get("post_type") and not any(post.get(name).strip().strip("0-: ") for name in (
            "post_date_gmt", "post_date", "pubDate")):
        # neither a type nor a date: a stray fragment of an export, not a post anyone published
        index.counts["(no type, no date)"] += 1
        index.fragments.append(f"{plain(post.get('title'))!r} ({Path(post.file).name}:{post.line})")
        return
    if wanted == "page" and not mapping.pages:
        index.left_out_pages.append(f"{plain(post.get('title'))!r} (?page_id={post.get('post_id')})")
        return
    notes: list[str] = []
    key = _key(index, post)
    if key in index.keys:  # one post id twice (or no id, guid or link): never one over the other
        number = 2
        while f"{key}#{number}" in index.keys:
            number += 1
        notes.append(Text("{label} shares its id with an earlier item of the export: written as an article of its "
                          "own, never over the other", label=post.label))
        key = f"{key}#{number}"
    index.keys.add(key)
    try:
        moment = post_date(post, config)
    except ImportProblem as problem:
        index.errors.append(ContentError(str(path), post.line, post.label, problem.message, problem.hint))
        return
    title = plain(post.get("title"))
    if not title:
        title = first_words(post.get("encoded")) or say(Text("Untitled, {date}", date=f"{moment:%d/%m/%Y}"),
                                                         catalogue(config.language))
        notes.append(Text("no title: titled {title!r}, from its first words", title=title))
    for domain, name in post.terms:
        group = _group(domain)
        if group and name:
            index.terms[(group, plain(name))] += 1
    _meanings(post, config, provinces, mapping)  # guessed once, kept in the mapping
    section = mapping.pages if wanted == "page" else _section(post, config, mapping)
    slug = unquote(post.get("post_name")) or title
    place = writer.place(key, section, moment.year, slug)
    stem = place.rsplit("/", 1)[1].removesuffix(".md")
    url = f"/{section}/{moment.year}/{stem}/"
    draft = post.get("status") in DRAFT_STATUSES or bool(post.get("post_password"))
    index.planned[(post.file, post.number)] = Planned(post.get("post_id"), wanted, place, url, post.get("link"),
                                                      draft, key, title, notes)


def first_words(content: str, count: int = 10) -> str:
    """A title for an untitled post: the first words of its text (up to a sentence's end)."""
    text = plain(re.sub(r"\[/?[a-z][^\]]*\]", " ", re.sub(r"<!--.*?-->", " ", content or "", flags=re.S)))
    found = text.split()[:count]
    title = " ".join(found)
    sentence = re.match(r"^(.{12,}?[.!?])(\s|$)", title)
    if sentence:
        return sentence.group(1)
    return title + ("…" if len(text.split()) > count else "")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _quote(text: str) -> str:
    return f'"{text}"'


def _key(index: Index, post: Post) -> str:
    """The item's name in the import record: the site's address and the post number (else its guid,
    else its old address, else its place in the file)."""
    host = urlsplit(index.channel.base).netloc or "wordpress"
    if post.get("post_id").strip():
        return f"wordpress:{host}:{post.get('post_id').strip()}"
    for name in ("guid", "link"):
        if post.get(name).strip():
            return f"wordpress:{host}:{name}:{post.get(name).strip()}"
    return f"wordpress:{host}:item:{Path(post.file).name}:{post.number}"


def post_date(post: Post, config: Config) -> datetime:
    """post_date_gmt in the site's time zone; a draft's (0000-00-00) is post_date, the site's local time."""
    gmt = post.get("post_date_gmt").strip()
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.fromisoformat(gmt).replace(tzinfo=UTC).astimezone(config.tz)
        except ValueError:
            pass
    local = post.get("post_date").strip()
    if local and not local.startswith("0000"):
        try:
            return datetime.fromisoformat(local).replace(tzinfo=config.tz)
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(post.get("pubDate")).astimezone(config.tz)
    except (TypeError, ValueError):
        raise ImportProblem(Text("the post has no date (post_date_gmt, post_date and pubDate are empty)"),
                            Text("give it a date in WordPress and export again")) from None


def _meanings(post: Post, config: Config, provinces: ProvinceList, mapping: Mapping) -> list[Meaning]:
    found = []
    for domain, name in post.terms:
        group = _group(domain)
        if group and name:
            found.append(mapping.meaning(group, plain(name), config, provinces))
    return found


def _section(post: Post, config: Config, mapping: Mapping) -> str:
    for domain, name in post.terms:
        meaning = mapping.terms.get((_group(domain) or "", plain(name)))
        if meaning is not None and meaning.kind == "section":
            return meaning.value
    return next(iter(config.sections))


# -- the second pass: each post converted and staged ---------------------------------------------


@dataclass(frozen=True)
class Uploads:
    """A local copy of wp-content/uploads: where an old photo's address finds its file."""

    folder: Path | None
    photos: str = "anh"  # the folder of content/ photos go in: site.toml's [paths] photos

    def locate(self, url: str) -> Path | None:
        """The original of an uploaded file (for a resized copy, the original if it is there), whatever
        host served it: the site itself (/wp-content/uploads/...), WordPress.com (<blog>.files.wordpress.com
        /2020/01/a.jpg), a network site (/files/..., /wp-content/blogs.dir/2/files/...), Jetpack's CDN
        (i0.wp.com/<host>/...). Never a file outside the folder, nor through a symlink."""
        if self.folder is None:
            return None
        parts = urlsplit(url)
        path = unquote(parts.path)
        if re.fullmatch(r"i[0-3]\.wp\.com", parts.hostname or ""):
            path = "/" + path.lstrip("/").split("/", 1)[-1]
        candidates = []
        for marker in ("/wp-content/uploads/", "/files/"):
            if marker in path:
                candidates.append(path.split(marker, 1)[1])
        candidates.append(path.lstrip("/"))
        for relative in candidates:
            names = relative.split("/")
            if not relative or any(name in ("", ".", "..") for name in names):
                continue
            found = find_original(self.folder.joinpath(*names[:-1]), names[-1])
            if found is not None and inside(found, self.folder):
                return found
        return None

    def place(self, source: Path) -> str:
        """Its site path: /anh/<the path under uploads> (/photos/... on an English site)."""
        assert self.folder is not None
        return f"/{self.photos}/" + source.relative_to(self.folder).as_posix()


@dataclass(frozen=True)
class Job:
    """What a worker needs to convert one post."""

    key: str
    origin: str
    fields: dict[str, str]
    thumbnail: str  # the featured image's URL ("" if none)


@dataclass
class Done:
    """A converted post, or the problem that stopped it."""

    key: str
    body: str = ""
    excerpt: str = ""
    files: dict[str, str] = field(default_factory=dict)
    image: str = ""
    missing: list[str] = field(default_factory=list)
    shortcodes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Text: what the conversion changed or left out
    problem: tuple[str, str | None] | None = None


_WORKER: dict[str, Any] = {}


def _start_worker(links: Links, iframe_hosts: tuple[str, ...], attachments: dict[str, Attachment]) -> None:
    _WORKER["links"], _WORKER["sanitizer"] = links, Sanitizer("safe", iframe_hosts)
    _WORKER["attachments"] = attachments


def convert_post(job: Job) -> Done:
    """One post's content -> Markdown (classic posts get WordPress's paragraphs first), its excerpt and image."""
    links: Links = _WORKER["links"]
    sanitizer: Sanitizer = _WORKER["sanitizer"]
    done = Done(job.key)
    try:
        prepared = prepare(job.fields.get("encoded", ""), job.fields.get("post_id", ""), _WORKER["attachments"],
                           sanitizer.iframe_hosts)
        converted = html_to_markdown(prepared.html, links, sanitizer, job.fields.get("link", ""))
        done.body, done.files, done.missing = converted.markdown, converted.files, converted.missing
        done.shortcodes = prepared.shortcodes
        done.notes = prepared.notes + converted.notes
        done.excerpt = plain(re.sub(r"\[/?[a-z][^\]]*\]", " ", job.fields.get("excerpt_encoded", "")))
        if job.thumbnail:
            source = links.locate(job.thumbnail)
            if source is None:
                done.missing.append(job.thumbnail)
            else:
                done.image = links.place(source)
                done.files[done.image] = str(source)
    except ImportProblem as problem:
        done.problem = (problem.message, problem.hint)
    except RecursionError:
        done.problem = (Text("the HTML is nested too deeply to read"), None)
    except (ValueError, TypeError, AttributeError, LookupError) as error:  # a converter's surprise, named
        done.problem = (Text("cannot convert it: {problem}", problem=f"{type(error).__name__}: {error}"), None)
    return done


def convert_all(jobs: Iterator[Job], workers: int, links: Links, iframe_hosts: tuple[str, ...],
                attachments: dict[str, Attachment]) -> Iterator[Done]:
    """Converted posts in order; with workers > 1 in a pool, a bounded number in flight (memory stays flat)."""
    if workers <= 1:
        _start_worker(links, iframe_hosts, attachments)
        for job in jobs:
            yield convert_post(job)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(links, iframe_hosts,
                                                                           attachments)) as pool:
        pending: list[Future[list[Done]]] = []
        batch: list[Job] = []
        for job in jobs:
            batch.append(job)
            if len(batch) == 32:
                pending.append(pool.submit(_convert_batch, batch))
                batch = []
                if len(pending) >= 4 * workers:
                    yield from pending.pop(0).result()
        if batch:
            pending.append(pool.submit(_convert_batch, batch))
        for future in pending:
            yield from future.result()


def _convert_batch(batch: list[Job]) -> list[Done]:
    return [convert_post(job) for job in batch]


@dataclass
class Result:
    """What `import wordpress` did or would do, for the report."""

    writer: Writer
    mapping: Mapping
    index: Index
    notes: NoteSpool = field(default_factory=NoteSpool)  # (origin, path, notes) of each article
    shortcodes: Counter[str] = field(default_factory=Counter)
    drafts: int = 0
    redirects: int = 0
    aliases: int = 0
    articles: int = 0


def import_wordpress(files: list[Path], uploads: Path | None, config: Config, provinces: ProvinceList, *,
                     dry_run: bool, workers: int = 0) -> Result:
    """Import the export files into content/ (a dry run only reports, and writes the mapping file).

    Raises BuildFailed with every error found; then nothing is written."""
    mapping, errors = read_mapping(config.root / MAPPING_FILE, config, provinces, MAPPING_FILE)
    mapping.extra.setdefault("missing_photos", "error")
    if errors:
        raise BuildFailed(errors)
    writer = Writer(config, dry_run)
    index = scan(files, config, provinces, mapping, writer)
    if index.unreadable:
        raise BuildFailed(index.errors)  # a file that cannot be read: its posts cannot be converted
    base = index.channel.base
    # the site's own hosts, and every host its attachments are on (<blog>.files.wordpress.com, a CDN)
    hosts = ({_host(base), _host(index.channel.site)} | index.hosts) - {""}
    pages: dict[str, str] = {}
    for planned in index.planned.values():
        if planned.old:
            pages.setdefault(page_key(planned.old), planned.url)
        if not planned.draft and planned.post_id:  # a draft never had a public address to redirect
            pages.setdefault(f"?{'page_id' if planned.kind == 'page' else 'p'}={planned.post_id}", planned.url)
            pages.setdefault(f"?p={planned.post_id}", planned.url)
    uploads_copy = Uploads(uploads.resolve() if uploads else None, config.paths.photos)
    links = Links(frozenset(hosts), pages, uploads_copy.locate, uploads_copy.place)
    result = Result(writer, mapping, index)
    try:
        _convert(files, config, provinces, mapping, index, links, result, workers or (os.cpu_count() or 1))
        for (group, name), count in index.terms.items():
            mapping.counts[(group, name)] = count
            mapping.meaning(group, name, config, provinces)
        redirects = sorted({(query, url) for query, url in pages.items() if query.startswith("?")})
        result.redirects = len(redirects)
        for relative, text in redirect_maps(redirects, config.base_path).items():
            writer.text_file(relative, text)
        writer.finish(MAPPING_FILE, mapping_text(mapping, HEADER, {
            "category": Text("WordPress categories"), "tag": Text("WordPress tags")}, config.language))
    finally:
        writer.discard()
    return result


def _convert(files: list[Path], config: Config, provinces: ProvinceList, mapping: Mapping, index: Index,
             links: Links, result: Result, workers: int) -> None:
    """The second pass: every planned post converted and staged; every problem of every post gathered
    (with the first pass's), then raised at once."""
    errors: list[ContentError] = list(index.errors)
    posts: dict[str, tuple[Post, Planned]] = {}  # the posts in flight, by key (bounded by convert_all)
    keep_links = mapping.extra.get("missing_photos") == "link"

    def jobs() -> Iterator[Job]:
        channel = Channel()
        for path in files:
            for post in read_posts(path, channel):
                planned = index.planned.get((post.file, post.number))
                if planned is None:
                    continue
                posts[planned.key] = (post, planned)
                thumbnail = index.attachments.get(post.meta.get("_thumbnail_id", ""))
                yield Job(planned.key, str(post.label), {k: post.get(k) for k in ("encoded", "excerpt_encoded", "link",
                                                                                  "post_id")},
                          thumbnail.url if thumbnail else "")

    for done in convert_all(jobs(), workers, links, config.markdown.iframe_hosts, index.attachments):
        post, planned = posts.pop(done.key)
        if done.problem is not None:
            errors.append(ContentError(post.file, post.line, post.label, done.problem[0], done.problem[1]))
            continue
        if done.missing and not keep_links:
            for url in done.missing:
                errors.append(ContentError(
                    post.file, post.line, post.label,
                    Text("file {url} is not in --uploads", url=url),
                    hint=Text("copy wp-content/uploads from the old site and pass it as --uploads DIR, or keep the "
                              "old addresses: missing_photos = \"link\" in {file} (a new file if there is none)",
                              file=MAPPING_FILE)))
            continue
        item = _item(post, planned, done, index, config, provinces, mapping)
        for url in done.missing:
            item.notes.append(Text("file {url} kept at its old address (not in --uploads)", url=url))
        for name in done.shortcodes:
            result.shortcodes[name] += 1
        if done.shortcodes:
            item.notes.append(Text("shortcodes kept as text: {names}", names=", ".join(f"[{n}]" for n in
                                                                                     done.shortcodes)))
        try:
            for site_path, source in item.files.items():
                result.writer.file(site_path, Path(source))
        except ImportProblem as problem:
            errors.append(ContentError(post.file, post.line, post.label, problem.message, problem.hint))
            continue
        if errors:
            continue  # the import will not be written: only look for more errors
        result.writer.article(done.key, planned.path, article_text(item))
        result.articles += 1
        result.drafts += bool(item.fields.get("draft"))
        result.aliases += len(item.fields.get("aliases", ()))
        if item.notes:
            result.notes.add(item.origin, planned.path, item.notes)
    if errors:
        raise BuildFailed(errors)


def _item(post: Post, planned: Planned, done: Done, index: Index, config: Config, provinces: ProvinceList,
          mapping: Mapping) -> Item:
    """The article's front-matter: title, date, province, topic, tags, summary, author, image, draft, aliases."""
    title = planned.title
    moment = post_date(post, config)
    origin = Text("{file}: {label}", file=Path(post.file).name, label=post.label)
    item = Item(done.key, origin, planned.path.split("/")[1], moment, "", {}, done.body,
                dict(done.files), [*planned.notes, *done.notes])
    gmt = post.get("post_date_gmt").strip()
    if not gmt or gmt.startswith("0000"):
        item.notes.append(Text("date {date}: post_date, read in the site's time zone (post_date_gmt is empty)",
                               date=f"{moment:%d/%m/%Y %H:%M}"))
    meanings = _meanings(post, config, provinces, mapping)
    found = {kind: [m.value for m in meanings if m.kind == kind] for kind in ("province", "topic", "tag")}
    province = found["province"][0] if found["province"] else ""
    if len(set(found["province"])) > 1:
        item.notes.append(Text("province {name}: the first of {names}", name=province,
                               names=", ".join(dict.fromkeys(found["province"]))))
    if not province:
        paragraphs = [line for line in done.body.split("\n\n") if line and not line.startswith("![")]
        guessed = guess_province(Parsed(title, None, paragraphs, "", ""), provinces)
        if guessed is not None:
            province = guessed[0]
            item.notes.append(Text("guessed province {name}: {why}", name=guessed[0], why=guessed[1]))
        elif mapping.province:
            province = mapping.province
    topic = found["topic"][0] if found["topic"] else mapping.topic
    tags = list(dict.fromkeys(t for t in found["tag"] if t))
    status = post.get("status") or "publish"
    old_path = unquote(urlsplit(post.get("link")).path)
    aliases = []
    if old_path and not urlsplit(post.get("link")).query and page_key(old_path) != page_key(planned.url) \
            and page_key(old_path) != "/":
        if keepable_alias(old_path, config):
            aliases.append(keepable_alias(old_path, config))
        else:
            item.notes.append(Text("old address {path} not kept as an alias: it is not a plain path, or the site "
                                   "makes a page there itself", path=old_path))
    author = post.get("creator")
    item.fields = {"title": title, "date": moment, "province": "", "topic": "", "tags": tags,
                   "summary": done.excerpt, "author": index.channel.authors.get(author, author), "image": done.image,
                   "draft": status in DRAFT_STATUSES or bool(post.get("post_password")), "aliases": aliases}
    resolve_required(item, province, topic, config)
    if status in DRAFT_STATUSES or post.get("post_password"):
        item.notes.append(Text("draft: it was {status} in WordPress", status=status if not post.get(
            "post_password") else "password-protected"))
    return item


def report(result: Result, dry_run: bool) -> Iterator[str]:
    """What the editor reads after an import, in order: the mapping, each article's notes, the totals."""
    yield from mapping_report(result.mapping, {"category": Text("category"), "tag": Text("tag")})
    for origin, path, notes in result.notes:
        yield Text("{origin} -> {path}", origin=origin, path=path)
        for note in notes:
            yield "    " + note if not isinstance(note, Text) else Text("    {note}", note=note)
    index, writer = result.index, result.writer
    if index.left_out_pages:
        yield Text.counted("left out {count} page (not news; pages = \"<section>\" in {file} imports them): {names}",
                           "left out {count} pages (not news; pages = \"<section>\" in {file} imports them): {names}",
                           count=len(index.left_out_pages), file=MAPPING_FILE,
                           names=", ".join(index.left_out_pages[:10]) + (" ..." if len(index.left_out_pages) > 10
                                                                          else ""))
    for kind, count in sorted(index.counts.items()):
        yield Text("left out: {count} × {kind}", count=count, kind=kind)
    if index.fragments:
        yield Text("left out, with neither a type nor a date: {items}", items=", ".join(index.fragments))
    for name, count in result.shortcodes.most_common():
        yield Text("shortcode [{name}] kept as text in {count} articles", name=name, count=count)
    yield from outcome_report(writer, dry_run, MAPPING_FILE)
    yield Text("{count} old addresses like ?p=123 cannot be redirected by a static site: {nginx} (nginx) and "
               "{netlify} (Netlify) redirect them", count=result.redirects,
               nginx=f"{IMPORT_DIR}/redirects.nginx.conf", netlify=f"{IMPORT_DIR}/_redirects")
    yield Text("{articles} articles ({drafts} drafts), {aliases} old addresses kept as aliases",
               articles=result.articles, drafts=result.drafts, aliases=result.aliases)
