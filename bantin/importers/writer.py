"""Writing an import: each old page as an `Item`, the import record (import/record.json), and
the `Writer`, which stages everything under .bantin-cache/ and moves it into content/ only when
the whole import succeeded. The record keeps a digest of every file written, so a second run
writes nothing new and never overwrites an article edited since."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bantin.content.authoring import short_slug
from bantin.importers.html import ImportProblem
from bantin.language.messages import Text
from bantin.project.config import Config

IMPORT_DIR = "import"  # beside site.toml: the mapping files, the record, the redirect maps
RECORD_FILE = "record.json"


@dataclass
class Item:
    """An article about to be written: where it goes, its front-matter and body, the files it uses."""

    key: str  # stable name of the source item across runs ("wordpress:<site>:<post id>", "site:<path>")
    origin: str  # where it came from, for messages ("export.xml, post 123")
    section: str
    date: datetime
    slug: str
    fields: dict[str, Any]  # front-matter in order (title, date, province, topic, ...)
    body: str
    files: dict[str, str] = field(default_factory=dict)  # site path -> local source file
    notes: list[str] = field(default_factory=list)  # guesses and reports (Text), for the editor


def front_matter(fields: dict[str, Any]) -> str:
    """'---', one 'field: value' line each (JSON strings and lists are valid YAML), '---'."""
    lines = ["---"]
    for key, value in fields.items():
        if value in ("", None, [], (), False):
            continue
        if isinstance(value, datetime):
            lines.append(f"{key}: {value.isoformat(timespec='seconds')}")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, list | tuple):
            lines.append(f"{key}: [{', '.join(json.dumps(str(v), ensure_ascii=False) for v in value)}]")
        else:
            lines.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}")
    return "\n".join([*lines, "---"]) + "\n"


def article_text(item: Item) -> str:
    """The article file: front-matter, a blank line, the body."""
    return front_matter(item.fields) + "\n" + (item.body.strip() or item.fields.get("summary", "")) + "\n"


def resolve_required(item: Item, province: str, topic: str, config: Config) -> None:
    """Province and topic into the front-matter; one that cannot be found makes a draft with a note,
    so `check` passes and nothing is guessed silently."""
    unknown = []
    if not province:
        unknown.append("province")
        province = config.strings["national"]  # the national level, in the site's language
    if not topic:
        unknown.append("topic")
        topic = config.topics[0]
    item.fields["province"], item.fields["topic"] = province, topic
    if unknown:
        item.fields["draft"] = True
        item.fields["import_unknown"] = unknown  # what the editor must set before publishing
        item.notes.append(Text("draft: no {fields} found (set {placeholder} for now; correct it and remove draft)",
                               fields=" / ".join(unknown), placeholder=", ".join(
                                   f"{name}: {item.fields[name]}" for name in unknown)))


def keepable_alias(path: str, config: Config) -> str:
    """An old address as an alias: the plain path ("/2020/01/a/"), or "" when it cannot be one (it climbs
    with '..', holds a backslash or a control character, or is a page the site makes itself: its home,
    a section, a list of a province, topic or tag, search)."""
    path = re.sub(r"/{2,}", "/", path)
    parts = [part for part in path.split("/") if part]
    if not path.startswith("/") or not parts or any(part in (".", "..") for part in parts) \
            or re.search(r"[\\\x00-\x1f\x7f]", path):
        return ""
    reserved = {*dataclasses.asdict(config.paths).values(), "admin", "assets", "pagefind"}
    if parts[0] in reserved or (parts[0] in config.sections and (len(parts) == 1 or parts[1] == config.paths.page)):
        return ""
    return path


def digest(data: bytes) -> str:
    """sha256 of bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Record:
    """import/record.json: what earlier imports wrote (item key -> path and digest; file path -> digest)."""

    articles: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Record:
        """The record of this project (empty if there is none or it cannot be read)."""
        path = root / IMPORT_DIR / RECORD_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(data.get("articles", {})), dict(data.get("files", {})))
        except (OSError, ValueError, AttributeError):
            return cls()

    def text(self) -> str:
        """The record as JSON, sorted: stable under version control."""
        return json.dumps({"version": 1, "articles": dict(sorted(self.articles.items())),
                           "files": dict(sorted(self.files.items()))}, ensure_ascii=False, indent=1) + "\n"


class NoteSpool:
    """Each article's notes, kept on disk until the report is printed: memory stays flat however many."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open for the whole import; deleted when closed)
        self.count = 0

    def add(self, origin: str, path: str, notes: list[str]) -> None:
        """Keep one article's notes (Text, said in the site's language when printed)."""
        pickle.dump((origin, path, notes), self._file)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[str, str, list[str]]]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # what add() wrote in this process, never outside data


@dataclass
class Outcome:
    """What a run did (or a dry run would do)."""

    new: list[str] = field(default_factory=list)  # content-relative paths
    updated: list[str] = field(default_factory=list)  # written by an earlier import, unchanged since: rewritten
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # edited since the import: left as they are
    files: int = 0  # photos and files copied


class Writer:
    """Stages an import in .bantin-cache/ and moves it into the project only when all of it succeeded."""

    def __init__(self, config: Config, dry_run: bool) -> None:
        self.config, self.dry_run = config, dry_run
        self.root = config.root
        self.record = Record.load(self.root)
        self.outcome = Outcome()
        self.claimed: dict[str, str] = {}  # content-relative path -> item key
        self.articles: list[tuple[str, str, Path]] = []  # (item key, target, staged file)
        self.copies: dict[str, Path] = {}  # content-relative target -> source file
        self.extra: dict[str, str] = {}  # project-relative path -> text (mapping file, redirect maps)
        self._stage: Path | None = None

    def place(self, key: str, section: str, year: int, slug: str) -> str:
        """The content-relative path of an item: where an earlier run put it, else a free name."""
        known = self.record.articles.get(key)
        if known and known["path"] not in self.claimed:
            self.claimed[known["path"]] = key
            return known["path"]
        slug = short_slug(slug) if slug else "bai-viet"
        for number in range(1, 10_000):
            name = slug if number == 1 else f"{slug}-{number}"
            path = f"content/{section}/{year}/{name}.md"
            if path not in self.claimed and not self._belongs_elsewhere(path, key):
                self.claimed[path] = key
                return path
        raise ImportProblem(Text("no free file name for {slug}", slug=slug))

    def _belongs_elsewhere(self, path: str, key: str) -> bool:
        """A file already there that no earlier import of this item wrote: someone else's article."""
        if not (self.root / path).exists():
            return False
        return not any(entry["path"] == path and k == key for k, entry in self._by_path(path))

    def _by_path(self, path: str) -> list[tuple[str, dict[str, str]]]:
        if not hasattr(self, "_paths"):
            self._paths: dict[str, list[tuple[str, dict[str, str]]]] = {}
            for k, entry in self.record.articles.items():
                self._paths.setdefault(entry["path"], []).append((k, entry))
        return self._paths.get(path, [])

    def article(self, key: str, path: str, text: str) -> None:
        """Stage one article (or count it as unchanged, or keep the editor's version)."""
        data = text.encode("utf-8")
        target = self.root / path
        known = self.record.articles.get(key)
        if target.exists():
            current = digest(target.read_bytes())
            if known is None or known.get("path") != path or current != known.get("digest"):
                self.outcome.kept.append(path)  # edited since (or not ours): never overwritten
                return
            if current == digest(data):
                self.outcome.unchanged += 1
                return
            self.outcome.updated.append(path)
        else:
            self.outcome.new.append(path)
        self.record.articles[key] = {"path": path, "digest": digest(data)}
        if not self.dry_run:
            staged = self._staging() / f"{len(self.articles)}.md"
            staged.write_bytes(data)
            self.articles.append((key, path, staged))

    def file(self, site_path: str, source: Path) -> None:
        """Copy a photo or file of the old site to content/<site path> (once, and never over another file)."""
        target = "content" + site_path
        if target in self.copies:
            return
        existing = self.root / target
        if existing.exists():
            if existing.stat().st_size == source.stat().st_size and \
                    digest(existing.read_bytes()) == digest(source.read_bytes()):
                return
            if self.record.files.get(target) != digest(existing.read_bytes()):
                raise ImportProblem(Text("{path} exists and is another file; not overwritten", path=target),
                                    Text("move it away, or rename the photo in the old site's copy"))
        self.copies[target] = source
        self.outcome.files += 1

    def text_file(self, relative: str, text: str) -> None:
        """A file of the import itself (mapping file, redirect map), written with the rest."""
        self.extra[relative] = text

    def _staging(self) -> Path:
        if self._stage is None:
            cache = self.root / ".bantin-cache"
            cache.mkdir(exist_ok=True)
            self._stage = Path(tempfile.mkdtemp(prefix="import-", dir=cache))
        return self._stage

    def commit(self) -> None:
        """Move everything staged into place; if a step fails, put back what was moved and re-raise."""
        if self.dry_run:
            return
        done: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
        backups = self._staging() / "backup"
        backups.mkdir(exist_ok=True)
        try:
            for target, source in self.copies.items():
                self._put(self.root / target, lambda tmp, s=source: shutil.copyfile(s, tmp), backups, done)
                self.record.files[target] = digest((self.root / target).read_bytes())
            for _, path, staged in self.articles:
                self._put(self.root / path, lambda tmp, s=staged: shutil.copyfile(s, tmp), backups, done)
            for relative, text in self.extra.items():
                self._put(self.root / relative, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"),
                          backups, done)
            self._put(self.root / IMPORT_DIR / RECORD_FILE,
                      lambda tmp: Path(tmp).write_text(self.record.text(), encoding="utf-8"), backups, done)
        except BaseException:
            for target, backup in reversed(done):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            raise
        finally:
            self.discard()

    @staticmethod
    def _put(target: Path, make: Callable[[str], Any], backups: Path,
             done: list[tuple[Path, Path | None]]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.importing")
        make(str(temporary))
        if target.is_file() and target.stat().st_size == temporary.stat().st_size and \
                target.read_bytes() == temporary.read_bytes():
            temporary.unlink()  # the same bytes: a second run writes nothing
            return
        backup = None
        if target.exists():
            backup = backups / f"{len(done)}"
            os.replace(target, backup)
        done.append((target, backup))
        os.replace(temporary, target)

    def finish(self, mapping_file: str, mapping_text: str) -> None:
        """Write the import: its mapping file with the rest, or, in a dry run, the mapping file alone
        (so the editor can correct it before the real run)."""
        self.text_file(mapping_file, mapping_text)
        if self.dry_run:
            write_mapping_only(self.root / mapping_file, mapping_text)
        else:
            self.commit()

    def discard(self) -> None:
        """Remove the staging folder (nothing of it was moved, or all of it was)."""
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None


def redirect_maps(redirects: list[tuple[str, str]], base_path: str) -> dict[str, str]:
    """Old addresses with a query ('?p=123') that no static page can answer: an nginx map and a
    Netlify _redirects file, for hosts that redirect them."""
    prefix = base_path.rstrip("/")
    nginx = ["# Old WordPress addresses (?p=123, ?page_id=45) -> their new pages, written by bantin import.",
             "# In nginx's http block: include this file; in the site's server block:",
             "#     if ($bantin_old_page) { return 301 $bantin_old_page; }",
             "map $request_uri $bantin_old_page {", "    default \"\";"]
    netlify = ["# Old WordPress addresses (?p=123) -> their new pages, written by bantin import.",
               "# Netlify reads this file from the published folder: copy it to content/_redirects."]
    for query, url in sorted(redirects):
        name, _, value = query.lstrip("?").partition("=")
        nginx.append(f"    ~^/(index\\.php)?\\?(.*&)?{name}={value}(&|$) {prefix}{url};")
        netlify.append(f"/ {name}={value} {prefix}{url} 301")
    nginx.append("}")
    return {f"{IMPORT_DIR}/redirects.nginx.conf": "\n".join(nginx) + "\n",
            f"{IMPORT_DIR}/_redirects": "\n".join(netlify) + "\n"}


def write_mapping_only(path: Path, text: str) -> None:
    """A dry run writes the mapping file and nothing else (so the editor can correct it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def outcome_report(writer: Writer, dry_run: bool, mapping_file: str) -> Iterator[str]:
    """New, updated, unchanged and kept articles; files copied."""
    outcome = writer.outcome
    for path in outcome.kept:
        yield Text("kept {path}: edited since the last import (or not written by it); not overwritten", path=path)
    yield (Text("would write {new} new and {updated} updated articles and copy {files} files; {unchanged} "
                "unchanged, {kept} kept (--dry-run: nothing written but {file})", new=len(outcome.new),
                updated=len(outcome.updated), files=outcome.files, unchanged=outcome.unchanged,
                kept=len(outcome.kept), file=mapping_file)
           if dry_run else
           Text("wrote {new} new and {updated} updated articles and copied {files} files; {unchanged} unchanged, "
                "{kept} kept", new=len(outcome.new), updated=len(outcome.updated), files=outcome.files,
                unchanged=outcome.unchanged, kept=len(outcome.kept)))

