"""`bantin deploy`: send what changed since the last deploy to a folder, an SFTP server or S3 storage.

The build's ledger (bantin/builder/ledger.py) knows every file of the output folder and its digest.
The target keeps a record of what bantin put there, `.bantin-deploy.json.gz` (path -> digest
and size, written last), so a fresh CI machine knows it too. A deploy reads that one file,
sends the files whose digest differs, and deletes the files of the record that the site no
longer has; it never lists the target's files and never looks at modification times.

Order, so that a deploy stopped at any point leaves a readable site: files named by their
content (assets, photos' variants, Pagefind's index) and files of content/ first, then the
search index's entry files that name them, then the pages that link to all of these; the
record once they are all there; deletions last (the record lists them until they are gone).
A failed or interrupted deploy records the files that did arrive, and the next one sends the rest.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import mimetypes
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bantin.builder import ledger
from bantin.builder.ledger import Role
from bantin.deploy.rclone import Interrupted, Remote, RemoteError, open_remote
from bantin.language.errors import ContentError, UsageError
from bantin.language.messages import Text
from bantin.project import hosts
from bantin.project.config import Config
from bantin.project.targets import FOLDER, S3, Target, site_name

MANIFEST = ".bantin-deploy.json.gz"  # the target's record of what bantin put there
FORMAT = 1
Record = dict[str, tuple[str, int]]  # site path -> (hex digest of its bytes, size)

IMMUTABLE = "public, max-age=31536000, immutable"  # a file named by its content never changes
SHORT = "public, max-age=300"  # pages, feeds and files that keep their name: readers see a change within minutes
# names with a digest in them: 'site.6f6e780698.css', 'hoi-thao.800.7cd2b3e87e.webp'
_HASHED_RE = re.compile(r"\.[0-9a-f]{10}\.[A-Za-z0-9]+$")
# Pagefind names these by their content (bantin renames filter and meta files by their new content);
# fragments keep Pagefind's name while bantin adds the fields a result shows, so they stay SHORT
_PAGEFIND_HASHED = (".pf_meta", ".pf_index", ".pf_filter")
_PAGEFIND_DATA = (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment", ".pagefind")
# What object storage is told each file is. Pagefind's data files are gzip'd by Pagefind, which
# decompresses them itself: they are sent as they are, as GitHub Pages serves them, without
# Content-Encoding (Pagefind also copes with a browser that decompressed them, since 0.5).
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".yml": "text/yaml; charset=utf-8", ".wasm": "application/wasm", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".avif": "image/avif",
    ".gif": "image/gif", ".ico": "image/x-icon", ".pdf": "application/pdf", ".woff2": "font/woff2",
    **{suffix: "application/octet-stream" for suffix in _PAGEFIND_DATA},
    # documents associations publish, which Python's own table does not know
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_BUILT_IN_TYPES = mimetypes.MimeTypes()  # Python's own table, not the machine's /etc/mime.types: the same everywhere
_UNSAFE_PATH_RE = re.compile(r"[\x00-\x1f\\]|//|^/|/$|(?:^|/)\.\.?(?:/|$)")  # '..', '/x', 'a//b', control characters
_DIGEST_RE = re.compile(r"[0-9a-f]{32}")

Progress = Callable[[int, int, int, int], None]  # (files sent, files to send, bytes sent, bytes to send)
Warn = Callable[[ContentError], None]


@dataclass(frozen=True)
class Batch:
    """Files sent together: the same step of the order and, on object storage, the same headers."""

    paths: tuple[str, ...]
    size: int
    headers: tuple[str, ...] = ()  # "Content-Type: ...", "Cache-Control: ..." (object storage only)


@dataclass(frozen=True)
class Plan:
    """What a deploy does, in order."""

    batches: tuple[Batch, ...]
    deletes: tuple[str, ...]  # files of the target's record that the site no longer has
    unchanged: int
    record: Record  # what the target holds when the deploy is done

    @property
    def sent(self) -> int:
        return sum(len(b.paths) for b in self.batches)

    @property
    def size(self) -> int:
        return sum(b.size for b in self.batches)


@dataclass(frozen=True)
class Summary:
    """What a deploy did (or, with --dry-run, would do)."""

    target: Target
    plan: Plan
    seconds: float
    dry_run: bool = False
    warnings: tuple[ContentError, ...] = field(default=())

    def said(self) -> Text:
        """The closing line."""
        size = f"{self.plan.size / 1e6:,.1f} MB"
        values = dict(target=str(self.target), deleted=len(self.plan.deletes), unchanged=self.plan.unchanged,
                      size=size, seconds=self.seconds)
        if self.dry_run:
            return Text("would deploy to {target}: {sent}, {deleted} to delete, {unchanged} unchanged ({size}); "
                        "nothing was sent (--dry-run)",
                        sent=Text.counted("{count} file to send", "{count} files to send", count=self.plan.sent),
                        **values)
        return Text("deployed to {target}: {sent}, {deleted} deleted, {unchanged} unchanged; {size} in {seconds:.1f} s",
                    sent=Text.counted("{count} file sent", "{count} files sent", count=self.plan.sent), **values)


# --- the plan: pure ------------------------------------------------------------------------
def record_of(built: ledger.Files) -> Record:
    """The build's files as the target's record keeps them: path -> (digest, size)."""
    return {path: (digest.hex(), size) for path, (_, digest, size, _) in built.items()}


def step(path: str, role: Role) -> int:
    """When a file is sent: 0 what pages show (named by content, or files of content/), 1 the search
    index's entry files that name its other files, 2 the pages."""
    if role == Role.PAGE:
        return 2
    if role == Role.SEARCH and not path.endswith(_PAGEFIND_DATA):
        return 1
    return 0


def content_type(path: str) -> str:
    """The Content-Type object storage is told for a file."""
    suffix = PurePosixPath(path).suffix.lower()
    return TYPES.get(suffix) or _BUILT_IN_TYPES.guess_type(path, strict=False)[0] or "application/octet-stream"


def cache_control(path: str, role: Role) -> str:
    """Cache-Control: a year for files named by their content, minutes for the rest."""
    if role in (Role.ASSET, Role.PHOTO) and _HASHED_RE.search(path):
        return IMMUTABLE
    if role == Role.SEARCH and path.endswith(_PAGEFIND_HASHED):
        return IMMUTABLE
    return SHORT


def plan(site: Record, roles: Mapping[str, Role], before: Record, headers: bool, resend: bool = False) -> Plan:
    """Compare the site with the target's record: what to send, in order and in batches, and what to delete.
    `headers`: group by Content-Type and Cache-Control (object storage); `resend`: send every file."""
    groups: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for path in sorted(site):
        if not resend and before.get(path) == site[path]:
            continue
        role = roles[path]
        said = (f"Content-Type: {content_type(path)}", f"Cache-Control: {cache_control(path, role)}") if headers else ()
        groups.setdefault((step(path, role), said), []).append(path)
    batches = tuple(Batch(tuple(paths), sum(site[p][1] for p in paths), said)
                    for (_, said), paths in sorted(groups.items()))
    sent = sum(len(b.paths) for b in batches)
    return Plan(batches, tuple(sorted(before.keys() - site.keys())), len(site) - sent, dict(site))


def emptied_folders(deleted: tuple[str, ...], record: Record) -> list[str]:
    """Folders that hold nothing of the site once these files are deleted, deepest first."""
    kept = {str(parent) for path in record for parent in PurePosixPath(path).parents}
    gone = {str(parent) for path in deleted for parent in PurePosixPath(path).parents} - kept - {"."}
    return sorted(gone, key=lambda folder: (-folder.count("/"), folder))


# --- the target's record ---------------------------------------------------------------------
def encode(record: Record) -> bytes:
    """The record as the target keeps it: compressed JSON, the same bytes for the same record."""
    text = json.dumps({"format": FORMAT, "files": {path: list(value) for path, value in sorted(record.items())}},
                      separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(data: bytes) -> Record:
    """A record read from a target; ValueError when it is not one bantin wrote (its paths are checked:
    a record names the files a deploy may delete)."""
    try:
        value = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError) as error:
        raise ValueError(f"not a gzip'd JSON file: {error}") from None
    if not isinstance(value, dict) or value.get("format") != FORMAT or not isinstance(value.get("files"), dict):
        raise ValueError(f"not a bantin deploy record of format {FORMAT}")
    record: Record = {}
    unsafe, digest = _UNSAFE_PATH_RE.search, _DIGEST_RE.fullmatch
    for path, item in value["files"].items():
        if not (path and path != MANIFEST and not unsafe(path) and type(item) is list and len(item) == 2
                and type(item[0]) is str and digest(item[0]) and type(item[1]) is int and item[1] >= 0):
            raise ValueError(f"an entry is not a file of a site: {path!r}")
        record[path] = (item[0], item[1])
    return record


# --- the deploy --------------------------------------------------------------------------------
def _refuse_the_output_itself(config: Config, target: Target) -> None:
    """A folder target that is the output folder or lies inside it would send the site onto itself
    (and the next build would remove what deploy wrote there)."""
    if target.kind != FOLDER:
        return
    folder, output = Path(target.path).resolve(), config.output_dir.resolve()
    if folder == output or output in folder.parents:
        raise UsageError(Text("{target}: the deploy folder may not be the build's output folder {folder}/ or lie "
                              "inside it", target=str(target), folder=config.output_dir.name),
                         hint=Text("give the folder the web server serves, such as {example}",
                                   example=f"/var/www/{site_name(config.root.name)}"))


class BuiltElsewhere(UsageError):
    """The output was built for another address than the one the site is published at: a preview of
    `bantin serve` (http://127.0.0.1:8000/), a build with --base-url. Its links, feeds and sitemap name
    that address, so it is not sent; `made_for` is that address (None: the build recorded none)."""

    def __init__(self, config: Config, made_for: str | None) -> None:
        self.made_for = made_for
        folder, address = config.output_dir.name, config.base_url
        if made_for is None:
            message = Text("the site in {folder}/ does not say which address it was built for", folder=folder)
        elif _LOOPBACK_RE.match(made_for):
            message = Text("the site in {folder}/ is the preview bantin serve built for {made_for}, not the site "
                           "for {address}", folder=folder, made_for=made_for, address=address)
        else:
            message = Text("the site in {folder}/ was built for {made_for}, not for {address}", folder=folder,
                           made_for=made_for, address=address)
        super().__init__(message, hint=Text("build it for its address, then deploy: {command} (a deploy without "
                                            "{flag} does both)", command="bantin build && bantin deploy",
                                            flag="--dry-run"))


_LOOPBACK_RE = re.compile(r"^https?://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?/", re.IGNORECASE)


def built_for(config: Config) -> str | None:
    """The address the last build made the output folder's pages for; None when it recorded none."""
    return ledger.address(config.root, ledger.key(config.output_dir))


def deploy(config: Config, target: Target, environ: Mapping[str, str], dry_run: bool = False,
           force: bool = False, progress: Progress | None = None, warn: Warn | None = None) -> Summary:
    """Send the last build's output to the target; raise UsageError saying what went wrong.

    `force`: send every file, whatever the target's record says, into a target that may hold files
    bantin did not put there (they are left as they are)."""
    started = time.perf_counter()
    built = ledger.files(config.root, ledger.key(config.output_dir), config.output_dir)
    if built is None:
        raise UsageError(Text("there is no built site in {folder}/ to deploy", folder=config.output_dir.name),
                         hint=Text("run {command} first: deploy sends what the last build made",
                                   command="bantin build"))
    _refuse_the_output_itself(config, target)
    made_for = built_for(config)
    if made_for != config.base_url:
        raise BuiltElsewhere(config, made_for)
    site = record_of(built)
    roles = {path: role for path, (role, *_) in built.items()}
    if MANIFEST in site:
        raise UsageError(Text("the site has a file named {name}, the name of the deploy's record", name=MANIFEST),
                         hint=Text("rename it"))
    said = _check_host(config, site, force, warn)
    try:
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            remote, top = (_look_into(target) if dry_run and target.kind == FOLDER  # a folder: no rclone needed
                           else open_remote(target, environ, Path(work)))
            before = _record_on(remote, top, force)
            steps = plan(site, roles, before, headers=target.kind == S3, resend=force)
            if dry_run:
                return Summary(target, steps, time.perf_counter() - started, True, said)
            _carry_out(remote, config.output_dir, steps, before, progress)
    except KeyboardInterrupt:
        raise UsageError(Text("stopped (Ctrl+C): the site on {target} is readable, and may be part old, part new",
                              target=str(target)),
                         hint=Text("deploy again: it sends what is left")) from None
    return Summary(target, steps, time.perf_counter() - started, False, said)


def _check_host(config: Config, site: Record, force: bool, warn: Warn | None) -> tuple[ContentError, ...]:
    """The site against its host's limits (`[deploy] host`): past a hard one it is not sent, unless forced."""
    sizes = {path: size for path, (_, size) in site.items()}
    for finding in hosts.check(sizes, config.deploy.host):
        if finding.over and finding.hard and not force:
            raise UsageError(finding.message, hint=Text("{hint}; {flag} sends it all the same",
                                                        hint=finding.hint, flag="--force"))
    said = tuple(hosts.warnings(sizes, config.deploy.host))
    for warning in said:
        if warn is not None:
            warn(warning)
    return said


@dataclass(frozen=True)
class _Folder:
    """A folder target read as it is, for a dry run: what a deploy would find there, without rclone."""

    target: Target

    def read(self, name: str) -> bytes:
        return (Path(self.target.path) / name).read_bytes()


def _look_into(target: Target) -> tuple[_Folder, list[str] | None]:
    """The folder and the names at its top, as Remote.listing gives them (None: no folder yet)."""
    try:
        return _Folder(target), sorted(entry.name for entry in Path(target.path).iterdir())
    except FileNotFoundError:
        return _Folder(target), None


def _record_on(remote: Remote | _Folder, top: list[str] | None, force: bool) -> Record:
    """The target's record of what bantin put there; empty for a new target. A target that holds
    other files is refused (unless forced): bantin would mix its files with files it does not know."""
    if top is not None and MANIFEST in top:
        try:
            return decode(remote.read(MANIFEST))
        except ValueError as error:
            if force:
                return {}
            raise UsageError(Text("{file} on {target} is not a record bantin can read: {problem}", file=MANIFEST,
                                  target=str(remote.target), problem=str(error)),
                             hint=Text("{flag} sends every file again and writes a new record",
                                       flag="--force")) from None
    if top and not force:
        shown = ", ".join(top[:3]) + (", ..." if len(top) > 3 else "")
        raise UsageError(Text("{target} holds files bantin did not put there ({names}), and no record of a deploy",
                              target=str(remote.target), names=shown),
                         hint=Text("deploy into an empty folder or prefix, or add {flag} to send the site into this "
                                   "one (files already there are replaced by the site's files of the same name; the "
                                   "others are left as they are)", flag="--force"))
    return {}


def _carry_out(remote: Remote, folder: Path, steps: Plan, before: Record, progress: Progress | None) -> None:
    """Send, record, delete, record: in this order, so that a target is never worse than half-updated."""
    there = dict(before)  # what the target holds, as far as a deploy knows
    total, total_bytes, done, done_bytes = steps.sent, steps.size, 0, 0
    if progress is not None:
        progress(0, total, 0, total_bytes)
    for batch in steps.batches:
        def moved(sent_bytes: int, sent_files: int, before_files: int = done, before_bytes: int = done_bytes) -> None:
            if progress is not None:
                progress(before_files + sent_files, total, before_bytes + sent_bytes, total_bytes)

        try:
            remote.send(folder, list(batch.paths), batch.headers, moved)
        except (RemoteError, Interrupted) as failure:
            there.update({path: steps.record[path] for path in failure.arrived if path in steps.record})
            _record_quietly(remote, there)  # the next deploy sends only what did not arrive
            if isinstance(failure, Interrupted):
                raise KeyboardInterrupt from None
            raise
        there.update({path: steps.record[path] for path in batch.paths})
        done, done_bytes = done + len(batch.paths), done_bytes + batch.size
        moved(0, 0, done, done_bytes)
    if steps.deletes:
        remote.write(MANIFEST, encode(there), _RECORD_HEADERS)  # lists what is yet to go, until it has gone
        remote.delete(list(steps.deletes))
        for name in emptied_folders(steps.deletes, steps.record):
            _remove_folder(remote, name)
    if steps.record != before:
        remote.write(MANIFEST, encode(steps.record), _RECORD_HEADERS)


_RECORD_HEADERS = ("Content-Type: application/gzip", "Cache-Control: no-store")


def _record_quietly(remote: Remote, there: Record) -> None:
    """Record what did arrive after a failure; if that fails too, the old record stands (and is true)."""
    with contextlib.suppress(UsageError, KeyboardInterrupt, OSError):
        remote.write(MANIFEST, encode(there), _RECORD_HEADERS)


def _remove_folder(remote: Remote, name: str) -> None:
    """Remove a folder the site no longer has, if it is empty (object storage has no folders)."""
    if remote.target.kind == S3:
        return
    if remote.target.kind == FOLDER:
        with contextlib.suppress(OSError):
            (Path(remote.target.path) / name).rmdir()
        return
    remote.remove_folder(name)
