"""site.toml: typed, validated configuration. Unknown keys are errors."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slugify import slugify

from bantin.language.errors import BuildFailed, ContentError, UsageError, line_of_key, not_utf8
from bantin.language.messages import Text, either
from bantin.language.strings import DEFAULT_STRINGS, default_strings, primary
from bantin.language.syntax import toml_error
from bantin.markup.sanitize import DEFAULT_IFRAME_HOSTS, RAW_HTML_MODES
from bantin.project.hosts import HOSTS
from bantin.project.inputs import check_file, refusal
from bantin.project.targets import parse_target

CONFIG_FILE = "site.toml"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OFFSET_RE = re.compile(r"^([+-])(\d{2}):(\d{2})$")
HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
# an absolute http(s) URL without the characters a URL may not hold as they are (RFC 3986: spaces,
# quotes, <, >, `, {, }, |, \\, ^), and without a query or fragment: it is written into every page,
# into feeds and into script (/admin/), where such a character would end the value
BASE_URL_RE = re.compile(r"""^https?://[^/\s<>"'`{}|\\^?#\x00-\x1f\x7f]+(/[^\s<>"'`{}|\\^?#\x00-\x1f\x7f]*)?$""")


@dataclass(frozen=True)
class Paths:
    """The words of the site's addresses (Vietnamese defaults; English ones in PATHS["en"])."""

    province: str = "tinh"
    topic: str = "chu-de"
    tag: str = "the"
    archive: str = "luu-tru"
    page: str = "trang"
    search: str = "tim-kiem"
    latest: str = "tin-moi"  # "Tin mới": the newest articles, shown beside every article
    official: str = "van-ban"  # "Văn bản": the official documents articles publish, as portals list them
    official_kind: str = "loai"  # /van-ban/loai/cong-van/: the documents of one kind
    official_year: str = "nam"  # /van-ban/nam/2021/: issued in one year
    official_issuer: str = "co-quan"  # /van-ban/co-quan/ubnd-tinh-ha-giang/: by one issuer
    # folders of content/ by convention: photos (init's example, the web editor's uploads, imports), documents
    photos: str = "anh"
    documents: str = "tai-lieu"


PATHS = {"vi": Paths(), "en": Paths(province="province", topic="topic", tag="tag", archive="archive", page="page",
                                     search="search", latest="latest", official="official", official_kind="kind",
                                     official_year="year", official_issuer="issued-by", photos="photos",
                                     documents="documents")}
SECTIONS = {"vi": {"tin-tuc": "Tin tức", "bao-cao": "Báo cáo"}, "en": {"news": "News", "reports": "Reports"}}


def default_paths(language: str) -> Paths:
    """The words of the site's addresses in its language (English for a language bantin has none for)."""
    return PATHS.get(primary(language), PATHS["en"])


@dataclass(frozen=True)
class Related:
    """Weights of the related-news score; see bantin/content/related.py for the formula."""

    count: int = 5
    tag: float = 3.0
    topic: float = 2.0
    province: float = 2.0
    half_life_days: float = 365.0


@dataclass(frozen=True)
class Home:
    """How much the home page shows."""

    latest: int = 10
    per_topic: int = 4


@dataclass(frozen=True)
class Feeds:
    """The Atom feeds: how many entries, and whole articles or summaries."""

    entries: int = 20
    content: str = "full"  # "full" | "summary"


SEARCH_ENGINES = ("bantin", "pagefind")


@dataclass(frozen=True)
class Search:
    """How the search index is written and split: see docs/search.md."""

    # "bantin": the index bantin writes itself (bantin/search/engine.py); "pagefind": Pagefind run over
    # the same pages (bantin/search/index.py), kept to compare the two
    engine: str = "bantin"
    shard_years: int = 4  # years of articles per shard, aligned to the calendar (2020-2023, ...)
    shard_max: int = 4000  # a period with more articles splits into years, a year into quarters, then months
    # articles per shard of the newest quarter: a new article indexes its shard again, so it stays small
    shard_recent: int = 200
    # engine "pagefind": word positions per index chunk (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE, its default 20,000):
    # a query downloads the chunks of its words, and every shard's list of chunks; 5,000 costs a
    # first query least (bench/search.py, docs/search.md)
    chunk_size: int = 5000
    # a query searches the newest shards first, about this many articles; older ones when the reader asks
    first_articles: int = 3000
    # KB a query without a precise result may fetch by itself for looser matches; more on request
    loose_kb: int = 200


@dataclass(frozen=True)
class MarkdownSettings:
    """What happens to HTML written inside articles: see bantin/markup/sanitize.py."""

    raw_html: str = "safe"  # "safe": sanitised; "trusted": kept as it is; "escape": shown as text
    iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS  # hosts whose https iframes (videos) are kept


@dataclass(frozen=True)
class Cms:
    """The web editor at /admin/ (bantin/builder/admin.py): Decap CMS, saving to GitHub, or through serve locally."""

    enabled: bool = False
    repo: str = ""  # "owner/name" on GitHub, where the editor commits
    branch: str = "main"
    auth_url: str = ""  # the OAuth proxy's address (docs/web-editor.md); GitHub Pages cannot host one
    editorial_workflow: bool = False  # a pull request for review before publishing
    script: str = ""  # Decap CMS from elsewhere (a copy on your own host); empty: the pinned CDN copy
    integrity: str = ""  # its Subresource Integrity hash, "sha384-..."


@dataclass(frozen=True)
class Deploy:
    """Where `bantin deploy` sends the site (deploy/send.py), and who serves it (its limits: project/hosts.py)."""

    target: str = ""  # a folder, sftp://user@host/path or s3://bucket/prefix; "": given on the command line
    host: str = ""  # "github-pages", "cloudflare-pages" or "netlify": their limits are checked; "": none known


# The kinds of documents (`document: kind:` in an article), as Nghị định 30/2020/NĐ-CP (Điều 7) and the
# Party's and the legal documents' rules name them; a site lists its own in [documents] kinds.
DOCUMENT_KINDS = (
    "Báo cáo", "Biên bản", "Chỉ thị", "Chương trình", "Công điện", "Công văn", "Đề án", "Điều lệ", "Dự án",
    "Giấy mời", "Hợp đồng", "Hướng dẫn", "Kế hoạch", "Kết luận", "Luật", "Nghị định", "Nghị quyết", "Pháp lệnh",
    "Phương án", "Quy chế", "Quy định", "Quyết định", "Thông báo", "Thông cáo", "Thông tri", "Thông tư", "Tờ trình",
)


# An English site's kinds (its articles' `document: kind:`), by default
ENGLISH_DOCUMENT_KINDS = ("Report", "Plan", "Decision", "Resolution", "Directive", "Conclusion", "Letter", "Notice",
                          "Guidance", "Minutes", "Budget", "Regulation", "Charter", "Invitation", "Contract")
DOCUMENT_KINDS_BY_LANGUAGE = {"vi": DOCUMENT_KINDS, "en": ENGLISH_DOCUMENT_KINDS}


@dataclass(frozen=True)
class Documents:
    """Documents articles publish or link (bantin/documents/): what is read of them, within what limits."""

    kinds: tuple[str, ...] = DOCUMENT_KINDS  # what `document: kind:` may say
    ocr: bool = False  # read scans (pages without text) with Tesseract, when it is installed
    ocr_language: str = "vie"  # Tesseract's language data: "vie", "vie+eng"
    max_pages: int = 2000  # pages of a document whose text is read (its page count is always known)
    timeout: int = 60  # seconds one document may take to read (OCR: each page)
    memory_mb: int = 1024  # memory one document may take while it is read
    thumbnail_widths: tuple[int, ...] = (180, 360)  # a PDF's first page, in the card: widths made of it


IMAGE_FORMATS = ("webp", "avif")  # besides the JPEG or PNG fallback every browser shows
MISSING_IMAGE = ("error", "warning")


@dataclass(frozen=True)
class Images:
    """The photo pipeline (bantin/photos/processing.py): sizes, formats and quality of what readers download."""

    widths: tuple[int, ...] = (480, 800, 1200, 1600)  # widths made of every photo (never enlarged)
    formats: tuple[str, ...] = ("webp",)  # modern formats offered before the JPEG/PNG fallback
    quality: int = 80  # 1-100, for every lossy format
    thumbnail_ratio: tuple[int, int] = (3, 2)  # list thumbnails are cropped to this width:height
    thumbnail_widths: tuple[int, ...] = (360, 720)
    sizes: str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"  # how wide a body photo shows
    missing: str = "error"  # a reference to a photo that does not exist: "error" or "warning"
    warn_megapixels: int = 30  # an original larger than this is a warning (still processed)
    warn_megabytes: int = 20


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know about the site, validated."""

    root: Path  # the project folder that holds site.toml
    title: str
    base_url: str  # absolute, ends with "/"
    description: str = ""
    language: str = "vi"
    timezone_name: str = "+07:00"
    tz: tzinfo = field(default=timezone(timedelta(hours=7)))
    sections: dict[str, str] = field(default_factory=dict)  # slug -> title, in menu order
    topics: tuple[str, ...] = ()
    provinces_file: Path | None = None  # None: the list shipped with bantin
    page_size: int = 20
    latest_count: int = 5  # length of the "Tin mới" block
    output_dir: Path = Path("_site")
    content_dir: Path = Path("content")
    layouts_dir: Path = Path("layouts")
    assets_dir: Path = Path("assets")
    paths: Paths = field(default_factory=Paths)
    related: Related = field(default_factory=Related)
    home: Home = field(default_factory=Home)
    feeds: Feeds = field(default_factory=Feeds)
    search: Search = field(default_factory=Search)
    markdown: MarkdownSettings = field(default_factory=MarkdownSettings)
    images: Images = field(default_factory=Images)
    cms: Cms = field(default_factory=Cms)
    documents: Documents = field(default_factory=Documents)
    # out of the config's repr, and so of every page's fingerprint: where a site goes changes none of its bytes
    deploy: Deploy = field(default_factory=Deploy, repr=False, compare=False)
    image: str = ""  # share image for pages without a cover: a file in assets/, or a URL
    logo: str = ""  # the association's logo, a file in assets/: in the header and in JSON-LD
    favicon: str = ""  # a square picture in assets/ (PNG, 180 px or more): the browser tab's icon, /favicon.ico
    strings: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STRINGS))

    @property
    def base_path(self) -> str:
        """The path part of base_url, "/" or e.g. "/lhh/": prefix of every internal link."""
        rest = self.base_url.split("://", 1)[-1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"

    @functools.cached_property
    def topic_by_slug(self) -> dict[str, str]:
        """Topic name by its slug, to match a topic however it is accented or cased."""
        return {slug_of(topic): topic for topic in self.topics}


def topic_hint(config: Config, name: str) -> Text:
    """What to say about a name that matches no topic: the closest topics, or all of them."""
    import difflib

    close = difflib.get_close_matches(name, config.topics, n=2, cutoff=0.4)
    if close:
        return Text("did you mean {names}?", names=either([repr(c) for c in close]))
    return Text("topics in site.toml: {names}", names=", ".join(config.topics))


@functools.lru_cache(maxsize=65536)
def slug_of(text: str) -> str:
    """python-slugify, remembered: a build slugifies the same tags and topics thousands of times."""
    return slugify(text)


_TOP_KEYS = {
    "title", "base_url", "description", "language", "timezone", "sections", "topics",
    "provinces", "page_size", "latest_count", "output_dir", "paths", "related", "home",
    "strings", "feeds", "image", "search", "markdown", "images", "logo", "favicon", "cms", "deploy",
    "documents",
}


def with_base_url(config: Config, base_url: str) -> Config:
    """The config published under another URL (from the command line), checked like site.toml's."""
    if not BASE_URL_RE.match(base_url):
        raise UsageError(Text("--base-url {value!r} is not an absolute http(s) URL", value=base_url),
                         hint=Text("write the whole address, with https:// and the site's folder if it has one: "
                                   "{example}", example=f"https://{_example_host(base_url)}/"))
    return dataclasses.replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")


def _example_host(value: str) -> str:
    """What a mistyped address probably meant, without its scheme ('lhh.github.io/tin', 'ftp://x' -> 'x')."""
    rest = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*:/+", "", value.strip()).strip("/")
    return rest if rest and BASE_URL_RE.match(f"https://{rest}/") else "lhh.example.org"


def load_config(root: Path) -> Config:
    """Read and validate `root/site.toml`."""
    path = root / CONFIG_FILE
    problem = check_file(path, root) if os.path.lexists(path) else None
    if problem is not None:
        raise BuildFailed([problem])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BuildFailed([not_utf8(CONFIG_FILE)]) from None
    except FileNotFoundError:
        raise BuildFailed([ContentError(
            CONFIG_FILE, None, None, Text("no site.toml in the project folder"),
            hint=Text("run bantin from the folder that holds site.toml (looked in {root})", root=str(root)),
        )]) from None
    return parse_config(text, root)


def parse_config(text: str, root: Path) -> Config:
    """Parse site.toml text into a Config, reporting every error at once."""
    try:
        data = tomllib.loads(text.replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as exc:
        explained = toml_error(text.replace("\r\n", "\n"), exc, CONFIG_FILE)
        raise BuildFailed([ContentError(CONFIG_FILE, explained.line, explained.field, explained.message,
                                        explained.hint)]) from None
    return _Validator(text, root).config(data)


class _Validator:
    """Checks one parsed site.toml; collects errors instead of stopping at the first."""

    def __init__(self, text: str, root: Path) -> None:
        self.text = text
        self.root = root
        self.errors: list[ContentError] = []

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        name = key.rsplit(".", 1)[-1]
        self.errors.append(ContentError(CONFIG_FILE, line_of_key(self.text, name), key, message, hint))

    def take(self, data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any,
             prefix: str = "") -> Any:
        value = data.get(key, default)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a page size of `true` is still a mistake
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.error(prefix + key, Text("expected {kind}, got {value!r}", kind=_kind_name(kind), value=value))
            return default
        return value

    def unknown(self, data: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
        import difflib

        for key in sorted(set(data) - allowed):
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = (Text("did you mean '{key}'?", key=prefix + close[0]) if close
                    else Text("allowed: {keys}", keys=", ".join(sorted(allowed))))
            self.error(prefix + key, Text("unknown setting"), hint)

    def positive(self, key: str, value: int | float) -> None:
        if value <= 0:
            self.error(key, Text("must be greater than 0, got {value}", value=value))

    def config(self, data: dict[str, Any]) -> Config:
        self.unknown(data, _TOP_KEYS)
        title = self.take(data, "title", str, "")
        if not title.strip():
            self.error("title", Text("the site needs a title"))
        base_url = self.take(data, "base_url", str, "http://localhost:8000/")
        if not BASE_URL_RE.match(base_url):
            self.error("base_url", Text("must be an absolute http(s) URL, got {value!r}", value=base_url),
                       Text("for example {example}", example='base_url = "https://lhh.example.org/"'))
        if not base_url.endswith("/"):
            base_url += "/"
        tz_name = self.take(data, "timezone", str, "+07:00")
        tz = self.timezone(tz_name)
        language = self.take(data, "language", str, "vi")
        sections = self.sections(data.get("sections", SECTIONS.get(primary(language), SECTIONS["en"])))
        topics = self.topics(data.get("topics", []))
        provinces = self.take(data, "provinces", str, "")
        provinces_file = None
        if provinces:
            provinces_file = self.root / provinces
            problem = refusal(provinces_file, self.root) if os.path.lexists(provinces_file) else None
            if not os.path.lexists(provinces_file):
                self.error("provinces", Text("province list {name!r} not found", name=provinces))
            elif problem is not None:
                self.error("provinces", Text("province list {name!r} may not be read: {problem}", name=provinces,
                                             problem=problem),
                           Text("copy the list into the project folder and name it relative to site.toml"))
        page_size = self.take(data, "page_size", int, 20)
        self.positive("page_size", page_size)
        latest_count = self.take(data, "latest_count", int, 5)
        self.positive("latest_count", latest_count)
        output_dir = self.output_dir(self.take(data, "output_dir", str, "_site"))
        config = Config(
            root=self.root,
            title=title,
            base_url=base_url,
            description=self.take(data, "description", str, ""),
            language=language,
            timezone_name=tz_name,
            tz=tz,
            sections=sections,
            topics=topics,
            provinces_file=provinces_file,
            page_size=page_size,
            latest_count=latest_count,
            output_dir=output_dir,
            content_dir=self.root / "content",
            layouts_dir=self.root / "layouts",
            assets_dir=self.root / "assets",
            paths=self.paths(self.take(data, "paths", dict, {}), default_paths(language)),
            related=self.related(self.take(data, "related", dict, {})),
            home=self.home(self.take(data, "home", dict, {})),
            feeds=self.feeds(self.take(data, "feeds", dict, {})),
            search=self.search(self.take(data, "search", dict, {})),
            markdown=self.markdown(self.take(data, "markdown", dict, {})),
            images=self.images(self.take(data, "images", dict, {})),
            cms=self.cms(self.take(data, "cms", dict, {})),
            documents=self.documents(self.take(data, "documents", dict, {}), language),
            deploy=self.deploy(self.take(data, "deploy", dict, {})),
            image=self.image(self.take(data, "image", str, "")),
            logo=self.asset_file("logo", self.take(data, "logo", str, ""), Text("logo")),
            favicon=self.asset_file("favicon", self.take(data, "favicon", str, ""), Text("favicon")),
            strings=self.strings(self.take(data, "strings", dict, {}), default_strings(language)),
        )
        paths = config.paths  # the words of the site's own lists, at the top of its addresses
        for slug in config.sections:
            if slug in (paths.province, paths.topic, paths.tag, paths.archive, paths.search, paths.latest,
                        paths.official):
                self.error(f"sections.{slug}", Text("the section's folder {slug!r} is also the address of a list of "
                                                    "the site ([paths])", slug=slug),
                           Text("rename the section's folder, or change the word in [paths]"))
        if self.errors:
            raise BuildFailed(self.errors)
        return config

    def timezone(self, name: str) -> tzinfo:
        match = OFFSET_RE.match(name)
        if match:
            sign = -1 if match.group(1) == "-" else 1
            hours, minutes = int(match.group(2)), int(match.group(3))
            if hours < 24 and minutes < 60:
                return timezone(sign * timedelta(hours=hours, minutes=minutes))
        else:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        self.error("timezone", Text("unknown timezone {name!r}", name=name),
                   Text("use an offset such as {offset} or an IANA name such as {iana}", offset='"+07:00"',
                        iana='"Asia/Ho_Chi_Minh"'))
        return timezone(timedelta(hours=7))

    def sections(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            self.error("sections", Text("expected a table of folder = title"),
                       Text("for example {example}", example='[sections]\ntin-tuc = "Tin tức"'))
            return {}
        sections: dict[str, str] = {}
        for slug, title in value.items():
            if not SLUG_RE.match(slug):
                self.error(f"sections.{slug}", Text("a section's folder must be named in small letters without "
                                                    "accents, words joined by '-'"))
            elif not isinstance(title, str) or not title.strip():
                self.error(f"sections.{slug}", Text("the section needs a title"))
            else:
                sections[slug] = title
        return sections

    def topics(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(t, str) and t.strip() for t in value):
            self.error("topics", Text("expected a non-empty list of topic names"))
            return ()
        seen: dict[str, str] = {}
        for topic in value:
            slug = slugify(topic)
            if slug in seen:
                self.error("topics", Text("topics {first!r} and {second!r} would have the same address ({slug!r})",
                                          first=seen[slug], second=topic, slug=slug))
            seen[slug] = topic
        return tuple(value)

    def output_dir(self, value: str) -> Path:
        path = (self.root / value).resolve()
        root = self.root.resolve()
        hint = Text("use a folder of its own inside the project, such as {example}", example='"_site"')
        # A build replaces the output folder whole, so a site.toml from a pull request must
        # not be able to point it at the build machine's files or at the project's own.
        if not path.is_relative_to(root):
            self.error("output_dir", Text("{value!r} is outside the project folder", value=value), hint)
            return path
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            self.error("output_dir", Text("{value!r} is a hidden folder (such as .git)", value=value), hint)
            return path
        if path.exists() and not path.is_dir():
            self.error("output_dir", Text("{value!r} is a file, not a folder", value=value), hint)
            return path
        guarded = [root, root / "content", root / "layouts", root / "assets"]
        for guarded_path in guarded:
            if path == guarded_path or guarded_path.is_relative_to(path):
                self.error("output_dir", Text("{value!r} would overwrite {folder}", value=value,
                                              folder=guarded_path.name or str(guarded_path)), hint)
                break
        return path

    def paths(self, data: dict[str, Any], defaults: Paths) -> Paths:
        self.unknown(data, set(defaults.__dataclass_fields__), "paths.")
        values = {}
        for name in defaults.__dataclass_fields__:
            value = self.take(data, name, str, getattr(defaults, name), "paths.")
            if not SLUG_RE.match(value):
                self.error(f"paths.{name}", Text("{value!r} cannot be part of an address: small letters without "
                                                 "accents, words joined by '-'", value=value))
                value = getattr(defaults, name)
            values[name] = value
        words = list(values.values())
        if len(set(words)) != len(words):
            self.error("paths", Text("two index kinds share a URL word"))
        return Paths(**values)

    def related(self, data: dict[str, Any]) -> Related:
        defaults = Related()
        self.unknown(data, set(defaults.__dataclass_fields__), "related.")
        count = self.take(data, "count", int, defaults.count, "related.")
        if count < 0:
            self.error("related.count", Text("must be 0 or more"))
        weights = {
            name: float(self.take(data, name, (int, float), getattr(defaults, name), "related."))
            for name in ("tag", "topic", "province", "half_life_days")
        }
        for name, value in weights.items():
            if value < 0:
                self.error(f"related.{name}", Text("must not be negative"))
        if weights["half_life_days"] == 0:
            self.error("related.half_life_days", Text("must be greater than 0"))
        return Related(count=count, **weights)

    def home(self, data: dict[str, Any]) -> Home:
        defaults = Home()
        self.unknown(data, set(defaults.__dataclass_fields__), "home.")
        latest = self.take(data, "latest", int, defaults.latest, "home.")
        per_topic = self.take(data, "per_topic", int, defaults.per_topic, "home.")
        self.positive("home.latest", latest)
        return Home(latest=latest, per_topic=max(per_topic, 0))

    def feeds(self, data: dict[str, Any]) -> Feeds:
        defaults = Feeds()
        self.unknown(data, set(defaults.__dataclass_fields__), "feeds.")
        entries = self.take(data, "entries", int, defaults.entries, "feeds.")
        self.positive("feeds.entries", entries)
        content = self.take(data, "content", str, defaults.content, "feeds.")
        if content not in ("full", "summary"):
            self.error("feeds.content", Text("expected {choices}, got {value!r}", choices='"full" or "summary"',
                                             value=content))
        return Feeds(entries=entries, content=content)

    def search(self, data: dict[str, Any]) -> Search:
        defaults = Search()
        self.unknown(data, set(defaults.__dataclass_fields__), "search.")
        engine = self.take(data, "engine", str, defaults.engine, "search.")
        if engine not in SEARCH_ENGINES:
            self.error("search.engine", Text("expected {choices}, got {value!r}",
                                             choices=" or ".join(f'"{name}"' for name in SEARCH_ENGINES),
                                             value=engine))
            engine = defaults.engine
        values = {name: self.take(data, name, int, getattr(defaults, name), "search.")
                  for name in defaults.__dataclass_fields__ if name != "engine"}
        for name, value in values.items():
            self.positive(f"search.{name}", value)
        return Search(engine=engine, **values)

    def markdown(self, data: dict[str, Any]) -> MarkdownSettings:
        defaults = MarkdownSettings()
        self.unknown(data, set(defaults.__dataclass_fields__), "markdown.")
        mode = self.take(data, "raw_html", str, defaults.raw_html, "markdown.")
        if mode not in RAW_HTML_MODES:
            modes = Text("one of {names}", names=", ".join(map(repr, RAW_HTML_MODES)))
            self.error("markdown.raw_html", Text("expected {choices}, got {value!r}", choices=modes, value=mode),
                       Text('"safe" keeps tables, figures and videos and removes script; "escape" shows HTML as text'))
            mode = defaults.raw_html
        hosts = self.take(data, "iframe_hosts", list, list(defaults.iframe_hosts), "markdown.")
        if not all(isinstance(h, str) and HOST_RE.match(h) for h in hosts):
            self.error("markdown.iframe_hosts", Text("expected a list of host names"),
                       Text("for example {example}", example='iframe_hosts = ["www.youtube-nocookie.com"]'))
            hosts = list(defaults.iframe_hosts)
        return MarkdownSettings(raw_html=mode, iframe_hosts=tuple(h.lower() for h in hosts))

    def images(self, data: dict[str, Any]) -> Images:
        defaults, prefix = Images(), "images."
        self.unknown(data, set(defaults.__dataclass_fields__), prefix)

        def widths(name: str) -> tuple[int, ...]:
            value = self.take(data, name, list, list(getattr(defaults, name)), prefix)
            if not value or not all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8192
                                    for w in value):
                self.error(prefix + name, Text("expected a list of widths in pixels (16 to 8192), got {value!r}",
                                               value=value),
                           Text("for example {example}", example=f"{name} = {list(getattr(defaults, name))}"))
                return getattr(defaults, name)
            return tuple(sorted(set(value)))

        formats = self.take(data, "formats", list, list(defaults.formats), prefix)
        if not all(f in IMAGE_FORMATS for f in formats):
            self.error(prefix + "formats", Text("expected a list of {choices}, got {value!r}",
                                                choices=" and ".join(map(repr, IMAGE_FORMATS)), value=formats),
                       Text("JPEG or PNG is always made as the fallback; {example}", example='formats = ["webp"]'))
            formats = list(defaults.formats)
        quality = self.take(data, "quality", int, defaults.quality, prefix)
        if not 1 <= quality <= 100:
            self.error(prefix + "quality", Text("expected 1 to 100, got {value}", value=quality),
                       Text("80 suits photos"))
            quality = defaults.quality
        ratio_text = self.take(data, "thumbnail_ratio", str, "3:2", prefix)
        match = re.fullmatch(r"\s*(\d{1,3})\s*:\s*(\d{1,3})\s*", ratio_text)
        ratio = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not all(ratio):
            self.error(prefix + "thumbnail_ratio", Text("expected width:height such as {example}, got {value!r}",
                                                        example='"3:2"', value=ratio_text))
            ratio = defaults.thumbnail_ratio
        missing = self.take(data, "missing", str, defaults.missing, prefix)
        if missing not in MISSING_IMAGE:
            self.error(prefix + "missing", Text("expected {choices}, got {value!r}", choices='"error" or "warning"',
                                                value=missing))
            missing = defaults.missing
        limits = {name: self.take(data, name, int, getattr(defaults, name), prefix)
                  for name in ("warn_megapixels", "warn_megabytes")}
        for name, value in limits.items():
            self.positive(prefix + name, value)
        return Images(widths=widths("widths"), formats=tuple(dict.fromkeys(formats)), quality=quality,
                      thumbnail_ratio=ratio, thumbnail_widths=widths("thumbnail_widths"),
                      sizes=self.take(data, "sizes", str, defaults.sizes, prefix), missing=missing, **limits)

    def cms(self, data: dict[str, Any]) -> Cms:
        defaults, prefix = Cms(), "cms."
        self.unknown(data, set(defaults.__dataclass_fields__), prefix)
        values = {name: self.take(data, name, type(getattr(defaults, name)), getattr(defaults, name), prefix)
                  for name in defaults.__dataclass_fields__}
        if values["repo"] and not re.fullmatch(r"[\w.-]+/[\w.-]+", values["repo"]):
            self.error(prefix + "repo", Text("expected owner/name of a GitHub repository, got {value!r}",
                                             value=values["repo"]),
                       Text("for example {example}", example='repo = "lhh-tinh/tin-tuc"'))
        for name in ("auth_url", "script"):
            if values[name] and not re.fullmatch(r"https://[^\s/]+(/\S*)?", values[name]):
                self.error(prefix + name, Text("{value!r} is not an https URL", value=values[name]))
        if values["script"] and not re.fullmatch(r"sha(256|384|512)-[A-Za-z0-9+/=]+", values["integrity"]):
            self.error(prefix + "integrity", Text("a script of your own needs its integrity hash"),
                       Text("for example {example}", example='integrity = "sha384-..."'))
        return Cms(**values)

    def documents(self, data: dict[str, Any], language: str) -> Documents:
        defaults = Documents(kinds=DOCUMENT_KINDS_BY_LANGUAGE.get(primary(language), ENGLISH_DOCUMENT_KINDS),
                             ocr_language="vie" if primary(language) == "vi" else "eng")
        prefix = "documents."
        self.unknown(data, set(defaults.__dataclass_fields__), prefix)
        kinds = self.take(data, "kinds", list, list(defaults.kinds), prefix)
        if not kinds or not all(isinstance(k, str) and k.strip() for k in kinds):
            self.error(prefix + "kinds", Text("expected a non-empty list of kinds of documents"),
                       Text("for example {example}", example='kinds = ["Báo cáo", "Công văn", "Quyết định"]'))
            kinds = list(defaults.kinds)
        seen: dict[str, str] = {}
        for kind in kinds:
            other = seen.setdefault(slugify(kind), kind)
            if other != kind:
                self.error(prefix + "kinds", Text("kinds {first!r} and {second!r} would have the same address "
                                                  "({slug!r})", first=other, second=kind, slug=slugify(kind)))
        ocr = self.take(data, "ocr", bool, defaults.ocr, prefix)
        language = self.take(data, "ocr_language", str, defaults.ocr_language, prefix)
        if not re.fullmatch(r"[A-Za-z_]+(\+[A-Za-z_]+)*", language):
            self.error(prefix + "ocr_language", Text("expected Tesseract's name of a language, got {value!r}",
                                                     value=language), Text("for example {example}", example='"vie"'))
            language = defaults.ocr_language
        limits = {name: self.take(data, name, int, getattr(defaults, name), prefix)
                  for name in ("max_pages", "timeout", "memory_mb")}
        for name, value in limits.items():
            self.positive(prefix + name, value)
        widths = self.take(data, "thumbnail_widths", list, list(defaults.thumbnail_widths), prefix)
        if not widths or not all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 2000 for w in widths):
            self.error(prefix + "thumbnail_widths", Text("expected a list of widths in pixels (16 to 2000), got "
                                                         "{value!r}", value=widths))
            widths = list(defaults.thumbnail_widths)
        return Documents(kinds=tuple(unicodedata.normalize("NFC", k.strip()) for k in kinds), ocr=ocr,
                         ocr_language=language, thumbnail_widths=tuple(sorted(set(widths))), **limits)

    def deploy(self, data: dict[str, Any]) -> Deploy:
        defaults, prefix = Deploy(), "deploy."
        self.unknown(data, set(defaults.__dataclass_fields__), prefix)
        target = self.take(data, "target", str, defaults.target, prefix)
        if target:
            try:
                parse_target(target, self.root)
            except UsageError as error:
                self.error(prefix + "target", error.message, error.hint)
        host = self.take(data, "host", str, defaults.host, prefix)
        if host and host not in HOSTS:
            self.error(prefix + "host", Text("unknown host {value!r}", value=host),
                       Text("bantin knows the limits of {names}; leave it out for a server or storage of your own",
                            names=either([repr(name) for name in HOSTS])))
            host = defaults.host
        return Deploy(target=target, host=host)

    def image(self, value: str) -> str:
        if "://" in value or value.startswith("//"):
            if not re.match(r"^https?://[^\s/]+/?\S*$", value):
                self.error("image", Text("share image {value!r} is not an http(s) URL", value=value))
            return value
        return self.asset_file("image", value, Text("share image"))

    def asset_file(self, key: str, value: str, what: Text) -> str:
        """A file of assets/ named in site.toml (the share image, the logo, the favicon)."""
        if not value:
            return value
        path = self.root / "assets" / value
        if not os.path.lexists(path):
            problem: str | None = Text("{what} {value!r} not found in assets/", what=what, value=value)
        else:
            reason = refusal(path, self.root)
            problem = Text("{what} {value!r} may not be read: {reason}", what=what, value=value,
                           reason=reason) if reason else None
        if problem is not None:
            self.error(key, problem, Text("give a path inside assets/, such as {example}",
                                          example=f'"img/{key}.png"'))
        return value

    def strings(self, data: dict[str, Any], defaults: dict[str, str]) -> dict[str, str]:
        self.unknown(data, set(DEFAULT_STRINGS), "strings.")
        merged = dict(defaults)
        for key, value in data.items():
            if key in DEFAULT_STRINGS:
                if isinstance(value, str):
                    merged[key] = value
                else:
                    self.error(f"strings.{key}", Text("expected a string"))
        return merged


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: Text("a string"), int: Text("an integer"), float: Text("a number"), dict: Text("a table"),
             list: Text("a list"), bool: Text("true or false")}
    return either([names.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,))])
