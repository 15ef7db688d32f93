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
import dataclasses
import gzip
import hashlib
import json
import mimetypes
import re
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bantin.builder import ledger
from bantin.builder.ledger import Role
from bantin.deploy.rclone import FATAL, PARTIAL_RE, STALL_SECONDS, Interrupted, Remote, RemoteError, open_remote
from bantin.language.errors import ContentError, UsageError
from bantin.language.messages import Text
from bantin.project import cache, hosts, lock
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
@dataclass(frozen=True)
class Owner:
    """The site a target's record belongs to: its address (site.toml's base_url), and its title for messages."""

    url: str
    title: str = ""

    def same_site(self, other: Owner) -> bool:
        """The same address, whatever the case of its scheme and host or its last slash."""
        return _normal_url(self.url) == _normal_url(other.url)


def _normal_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


def owner_of(config: Config) -> Owner:
    """The site being deployed, as its record names it."""
    return Owner(config.base_url, config.title)


def encode(record: Record, owner: Owner | None = None, partial: tuple[str, ...] = ()) -> bytes:
    """The record as the target keeps it: compressed JSON, the same bytes for the same record. `partial`:
    temporary files an interrupted upload left behind, for the next deploy to remove."""
    value: dict[str, object] = {"format": FORMAT}
    if owner is not None:
        value["site"] = {"url": owner.url, "title": owner.title}
    value["files"] = {path: list(item) for path, item in sorted(record.items())}
    if partial:
        value["partial"] = sorted(set(partial))
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(data: bytes) -> Record:
    """A record read from a target; ValueError when it is not one bantin wrote (see read_record)."""
    return read_record(data)[0]


def read_record(data: bytes) -> tuple[Record, Owner | None, tuple[str, ...]]:
    """A record read from a target, the site it names (None in a record of an earlier bantin) and the
    temporary files of interrupted uploads; ValueError when it is not one bantin wrote (its paths are
    checked: a record names the files a deploy may delete)."""
    try:
        value = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError, RecursionError) as error:
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
    partial = value.get("partial", [])
    if not isinstance(partial, list) or not all(isinstance(path, str) and not _UNSAFE_PATH_RE.search(path)
                                                and PARTIAL_RE.search(path) for path in partial):
        raise ValueError("an entry is not a temporary file of an upload")
    site = value.get("site")
    if site is None:
        return record, None, tuple(partial)
    if not (isinstance(site, dict) and isinstance(site.get("url"), str) and isinstance(site.get("title", ""), str)):
        raise ValueError("its site is not an address and a title")
    return record, Owner(site["url"], site.get("title", "")), tuple(partial)


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
           force: bool = False, progress: Progress | None = None, warn: Warn | None = None,
           replace_other_site: bool = False, stall: float = STALL_SECONDS) -> Summary:
    """Send the last build's output to the target; raise UsageError saying what went wrong.

    `force`: send every file, whatever the target's record says, into a target that may hold files
    bantin did not put there (they are left as they are). `replace_other_site`: deploy into a target
    whose record names another site (its files are left as they are). `stall`: a transfer that moves
    nothing for so many seconds is stopped. Holds the project's lock, shared: no build changes the
    output while it is sent."""
    with lock.project_lock(config.root / cache.CACHE_DIR, "bantin deploy", shared=True):
        return _deploy(config, target, environ, dry_run, force, progress, warn, replace_other_site, stall)


def _deploy(config: Config, target: Target, environ: Mapping[str, str], dry_run: bool, force: bool,
            progress: Progress | None, warn: Warn | None, replace_other_site: bool, stall: float) -> Summary:
    started = time.perf_counter()
    built = _built(config)
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
    owner = owner_of(config)
    try:
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            remote, top = (_look_into(target) if dry_run and target.kind == FOLDER  # a folder: no rclone needed
                           else open_remote(target, environ, Path(work), stall))
            before, holder, partial = _record_on(remote, top, force)
            taking_over = _check_owner(holder, owner, remote.target, replace_other_site)
            if taking_over:
                before = {}  # nothing of the other site's is deleted: only what this site's record put there
            steps = plan(site, roles, before, headers=target.kind == S3, resend=force or taking_over)
            if dry_run:
                return Summary(target, steps, time.perf_counter() - started, True, said)
            deleted = _carry_out(remote, config.output_dir, steps, before, progress, owner,
                                 first=holder is None or taking_over, warn=warn, partial=partial)
            steps = dataclasses.replace(steps, deletes=deleted)
    except KeyboardInterrupt:
        raise UsageError(Text("stopped (Ctrl+C): the site on {target} is readable, and may be part old, part new",
                              target=str(target)),
                         hint=Text("deploy again: it sends what is left")) from None
    return Summary(target, steps, time.perf_counter() - started, False, said)


def _built(config: Config) -> ledger.Files:
    """The last build's files, as the output folder holds them; UsageError pointing at the build when
    there is none, or when a file differs from what it wrote (the build makes exactly those again)."""
    built, damaged = ledger.files(config.root, ledger.key(config.output_dir), config.output_dir)
    if built is None:
        raise UsageError(Text("there is no built site in {folder}/ to deploy", folder=config.output_dir.name),
                         hint=Text("run {command} first: deploy sends what the last build made",
                                   command="bantin build"))
    if damaged:
        names = sorted(damaged)
        raise UsageError(Text.counted("{count} file of {folder}/ differs from what the last build wrote: {files}",
                                      "{count} files of {folder}/ differ from what the last build wrote: {files}",
                                      count=len(names), folder=config.output_dir.name,
                                      files=", ".join(names[:5]) + (", ..." if len(names) > 5 else "")),
                         hint=Text("run {command}: it makes those files again, then deploy", command="bantin build"))
    return built


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


def _record_on(remote: Remote | _Folder, top: list[str] | None,
               force: bool) -> tuple[Record, Owner | None, tuple[str, ...]]:
    """The target's record of what bantin put there, and the site it names; empty (and None) for a new
    target. A target that holds other files is refused (unless forced): bantin would mix its files with
    files it does not know."""
    if top is not None and MANIFEST in top:
        try:
            return read_record(remote.read(MANIFEST))
        except ValueError as error:
            if force:
                return {}, None, ()
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
    return {}, None, ()


def _check_owner(holder: Owner | None, owner: Owner, target: Target, replace_other_site: bool) -> bool:
    """Whether the target holds another site's deploy (to be taken over, as asked in so many words);
    UsageError when it does and that was not asked."""
    if holder is None or holder.same_site(owner):
        return False
    if replace_other_site:
        return True
    raise UsageError(Text("{target} holds the deploy of another site, {other} ({url}); this site is {url_here}",
                          target=str(target), other=holder.title or "?", url=holder.url, url_here=owner.url),
                     hint=Text("check the target; to deploy this site there all the same, add {flag} (the other "
                               "site's files are left as they are: only what this site's deploys put there is ever "
                               "deleted)", flag="--replace-other-site"))


def _carry_out(remote: Remote, folder: Path, steps: Plan, before: Record, progress: Progress | None,
               owner: Owner | None = None, first: bool = False, warn: Warn | None = None,
               partial: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Send, record, delete, record: in this order, so that a target is never worse than half-updated.
    A target without this site's record gets one first (naming the site, no files yet), and a long
    transfer records what arrived as it goes: a deploy killed at any moment (SIGKILL: no time to say
    what arrived) leaves a record the next one trusts. Returns the files deleted: only files the record
    lists and the target holds as recorded (a forged record's files are left, with a warning). The
    temporary files an interrupted upload left (`partial`, from the record) are removed first."""
    there = dict(before)  # what the target holds, as far as a deploy knows
    if first and not before:
        remote.write(MANIFEST, encode({}, owner), _RECORD_HEADERS)
    if partial:
        with contextlib.suppress(RemoteError):
            remote.delete(list(partial))
    checked: dict[str, tuple[str, ...]] = {}
    checking = threading.Thread(target=lambda: checked.update(ok=_as_recorded(remote, folder, steps.deletes, before)),
                                name="bantin-deploy-check", daemon=True)
    if steps.deletes:
        checking.start()  # while the files are sent: the files to delete are none of them
    total, total_bytes, done, done_bytes = steps.sent, steps.size, 0, 0
    if progress is not None:
        progress(0, total, 0, total_bytes)
    for batch in steps.batches:
        def moved(sent_bytes: int, sent_files: int, before_files: int = done, before_bytes: int = done_bytes) -> None:
            if progress is not None:
                progress(before_files + sent_files, total, before_bytes + sent_bytes, total_bytes)

        def checkpoint(arrived: tuple[str, ...]) -> None:
            _record_quietly(remote, {**there, **{p: steps.record[p] for p in arrived if p in steps.record}}, owner)

        try:
            remote.send(folder, list(batch.paths), batch.headers, moved, checkpoint)
        except (RemoteError, Interrupted) as failure:
            there.update({path: steps.record[path] for path in failure.arrived if path in steps.record})
            # the next deploy sends only what did not arrive, and removes what the failed uploads left
            _record_quietly(remote, there, owner, tuple(remote.leftovers))
            if isinstance(failure, Interrupted):
                raise KeyboardInterrupt from None
            raise _stopped(failure, remote.target) from None
        there.update({path: steps.record[path] for path in batch.paths})
        done, done_bytes = done + len(batch.paths), done_bytes + batch.size
        moved(0, 0, done, done_bytes)
    deleted: tuple[str, ...] = ()
    if steps.deletes:
        checking.join()
        deleted = checked.get("ok", ())
        for path in sorted(set(steps.deletes) - set(deleted)):
            there.pop(path, None)  # not the file bantin put there: left, and no longer recorded
        left = len(steps.deletes) - len(deleted)
        if left and warn is not None:
            warn(ContentError(str(remote.target), None, None, Text.counted(
                "{count} file the record lists is not the one bantin put there: it was left as it is ({files})",
                "{count} files the record lists are not the ones bantin put there: they were left as they are "
                "({files})", count=left, files=", ".join(sorted(set(steps.deletes) - set(deleted))[:5]))))
        if deleted:
            remote.write(MANIFEST, encode(there, owner), _RECORD_HEADERS)  # lists what is yet to go, until gone
            remote.delete(list(deleted))
            for name in emptied_folders(deleted, steps.record):
                _remove_folder(remote, name)
    if steps.record != before or deleted != steps.deletes or first or partial:
        remote.write(MANIFEST, encode(steps.record, owner), _RECORD_HEADERS)
    return deleted


def _stopped(failure: RemoteError, target: Target) -> RemoteError:
    """A transfer that failed part-way, said with the target it was going to."""
    if failure.kind not in FATAL:
        return failure
    hint = failure.hint
    if failure.kind not in ("stalled", "disk-full"):  # their hints say it already
        hint = Text("{hint}; then deploy again: the files that arrived are not sent twice", hint=hint or "")
    return RemoteError(failure.kind, Text("the deploy to {target} stopped part-way: {problem}", target=str(target),
                                          problem=failure.message), hint, failure.arrived)


def _as_recorded(remote: Remote, folder: Path, paths: tuple[str, ...], record: Record) -> tuple[str, ...]:
    """The files of `paths` that the target holds as the record says: of the recorded size (and, in a
    folder, of the recorded digest). A record is a file on the target, which anyone who can write
    there can forge: a deploy deletes only what bantin put there."""
    if not paths:
        return ()
    if remote.target.kind == FOLDER:
        root = Path(remote.target.path)
        found = []
        for path in paths:
            try:
                data = (root / path).read_bytes() if not (root / path).is_symlink() else None
            except OSError:
                continue
            if data is not None and (hashlib.blake2b(data, digest_size=16).hexdigest(), len(data)) == record[path]:
                found.append(path)
        return tuple(found)
    try:
        sizes = remote.sizes(list(paths))
    except RemoteError:
        return ()
    return tuple(path for path in paths if sizes.get(path) == record[path][1])


_RECORD_HEADERS = ("Content-Type: application/gzip", "Cache-Control: no-store")


def _record_quietly(remote: Remote, there: Record, owner: Owner | None = None,
                    partial: tuple[str, ...] = ()) -> None:
    """Record what did arrive after a failure; if that fails too, the old record stands (and is true)."""
    with contextlib.suppress(UsageError, KeyboardInterrupt, OSError):
        remote.write(MANIFEST, encode(there, owner, partial), _RECORD_HEADERS)


def _remove_folder(remote: Remote, name: str) -> None:
    """Remove a folder the site no longer has, if it is empty (object storage has no folders)."""
    if remote.target.kind == S3:
        return
    if remote.target.kind == FOLDER:
        with contextlib.suppress(OSError):
            (Path(remote.target.path) / name).rmdir()
        return
    remote.remove_folder(name)
