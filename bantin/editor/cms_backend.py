"""Decap CMS's local backend, answered by `serve`: the small JSON protocol of decap-server's
local file system mode (POST {action, params}), read and written only inside content/.

Every path a request names is checked as the build checks its inputs: relative to the project,
under content/, no '..', no hidden folder, no link that leads elsewhere. Files are written whole
(a temporary file, then a rename), so the watching build never reads half an article. Who may
ask is serve's business (bantin/editor/serve.py): loopback only, and only pages of its own origin.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bantin.markup.sanitize import active_file
from bantin.project.inputs import name_problem, problem, refusal

MAX_DEPTH = 8  # folders below a collection's folder that a listing walks


class Refused(Exception):
    """A request the backend will not carry out; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class LocalBackend:
    """Answers one request at a time; holds nothing but where the project is."""

    root: Path  # the project folder
    raw_html: str = "safe"  # site.toml's [markdown] raw_html: which uploads would publish script

    @property
    def content(self) -> Path:
        return self.root / "content"

    def answer(self, request: Any) -> Any:
        """The JSON answer to one request, or Refused."""
        if not isinstance(request, dict) or not isinstance(request.get("action"), str):
            raise Refused(400, "expected {action, params}")
        params = request.get("params") or {}
        if not isinstance(params, dict):
            raise Refused(400, "params must be an object")
        action = request["action"]
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            folder = self._path(_text(params, "folder"), folder=True)
            depth = _depth(params.get("depth"))
            extension = str(params.get("extension") or "")
            return [self._entry(path) for path in _files(folder, extension, depth)]
        if action == "entriesByFiles":
            files = params.get("files")
            if not isinstance(files, list):
                raise Refused(400, "files must be a list")
            return [self._entry(self._path(_text(f, "path")), f.get("label")) for f in files]
        if action == "getEntry":
            return self._entry(self._path(_text(params, "path")))
        if action == "persistEntry":
            return self._persist_entry(params)
        if action == "getMedia":
            folder = self._path(_text(params, "mediaFolder"), folder=True)
            return [self._media(path) for path in _files(folder, "", 1)]
        if action == "getMediaFile":
            return self._media(self._path(_text(params, "path")))
        if action == "persistMedia":
            asset = params.get("asset")
            path = self._write_asset(asset)
            return self._media(path)
        if action in ("deleteFile", "deleteFiles"):
            paths = [_text(params, "path")] if action == "deleteFile" else params.get("paths")
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise Refused(400, "paths must be a list of strings")
            for path in [self._path(p, new=True) for p in paths]:
                path.unlink(missing_ok=True)
            return {"message": f"deleted {', '.join(paths)}"}
        if action == "getDeployPreview":
            return None
        raise Refused(422, f"unknown action {action!r}")  # the editorial workflow needs git: GitHub only

    def _path(self, text: str, folder: bool = False, new: bool = False) -> Path:
        """The file (or folder) a repository-relative path names inside content/, or Refused."""
        posix = PurePosixPath(text)
        parts = posix.parts
        if (not parts or posix.is_absolute() or "\\" in text or "\x00" in text or ".." in parts
                or any(part.startswith(".") for part in parts) or parts[0] != "content"):
            raise Refused(403, f"{text!r} is not a path inside content/")
        named = next((reason for part in parts if (reason := name_problem(part)) is not None), None)
        if named is not None:  # the build would refuse it: "x.html." is "x.html" to Windows and some servers
            raise Refused(403, f"{text!r}: {named}")
        path = self.root.joinpath(*parts)
        existing = path
        while not os.path.lexists(existing):  # a new file: its nearest existing folder decides
            existing = existing.parent
        # the build's own check, with content/ as the root: links out of it, hidden folders, pipes
        reason = problem(existing, self.content)
        if reason is None and existing == path and not (folder or new):
            reason = refusal(path, self.root)  # an entry or photo to read must be a file
        if reason is not None:
            raise Refused(403, f"{text!r}: {reason}")
        return path

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _entry(self, path: Path, label: Any = None) -> dict[str, Any]:
        file: dict[str, Any] = {"path": self._relative(path), "label": label}
        try:
            data = path.read_bytes()
        except OSError:
            return {"data": None, "file": {**file, "id": None}}
        return {"data": data.decode("utf-8", "replace"), "file": {**file, "id": hashlib.sha256(data).hexdigest()}}

    def _media(self, path: Path) -> dict[str, Any]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise Refused(404, f"{self._relative(path)}: {error.strerror}") from None
        return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode(),
                "encoding": "base64", "path": self._relative(path), "name": path.name}

    def _persist_entry(self, params: dict[str, Any]) -> dict[str, str]:
        entry = params.get("entry")
        data_files = params.get("dataFiles") or ([entry] if entry else [])
        if not isinstance(data_files, list) or not data_files:
            raise Refused(400, "nothing to save")
        writes: list[tuple[Path, bytes, Path | None]] = []
        for data_file in data_files:
            if not isinstance(data_file, dict) or not isinstance(data_file.get("raw"), str):
                raise Refused(400, "each data file needs a path and its text")
            path = self._path(_text(data_file, "path"), new=True)
            moved = data_file.get("newPath")
            target = self._path(moved, new=True) if isinstance(moved, str) and moved else None
            for checked in (path, target):
                if checked is not None and checked.suffix.lower() != ".md":
                    raise Refused(403, f"{self._relative(checked)}: an article is a .md file")
            writes.append((path, data_file["raw"].encode("utf-8"), target))
        assets = params.get("assets") or []
        if not isinstance(assets, list):
            raise Refused(400, "assets must be a list")
        checked_assets = [self._asset(asset) for asset in assets]  # every path checked before any write
        for path, data in checked_assets:
            _write(path, data)
        for path, data, target in writes:
            _write(path, data)
            if target is not None and target != path:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)  # a renamed entry: the file moves, nothing else does
        return {"message": "entry persisted"}

    def _asset(self, asset: Any) -> tuple[Path, bytes]:
        if not isinstance(asset, dict) or asset.get("encoding") != "base64":
            raise Refused(400, "an asset is {path, content, encoding: base64}")
        path = self._path(_text(asset, "path"), new=True)
        if active_file(path.name, self.raw_html):
            raise Refused(403, f"{self._relative(path)}: a page with its own script is not uploaded")
        try:
            return path, base64.b64decode(_text(asset, "content"), validate=True)
        except ValueError:
            raise Refused(400, "the asset's content is not base64") from None

    def _write_asset(self, asset: Any) -> Path:
        path, data = self._asset(asset)
        _write(path, data)
        return path


def _depth(value: Any) -> int:
    """How deep a listing walks: a whole number from 1 to MAX_DEPTH (JSON's Infinity, 1e999, "x" are refused)."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value in (
            float("inf"), float("-inf")) or int(value) != value:
        raise Refused(400, "depth must be a whole number")
    return max(1, min(int(value), MAX_DEPTH))


def _text(params: Any, key: str) -> str:
    value = params.get(key) if isinstance(params, dict) else None
    if not isinstance(value, str) or not value:
        raise Refused(400, f"{key} must be a non-empty string")
    return value


def _files(folder: Path, extension: str, depth: int) -> list[Path]:
    """Regular files under `folder`, `depth` levels deep, hidden ones and links left out, sorted."""
    found: list[Path] = []
    if depth <= 0 or not folder.is_dir() or folder.is_symlink():
        return found
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            found += _files(Path(entry.path), extension, depth - 1)
        elif entry.is_file() and entry.name.endswith(extension):
            found.append(Path(entry.path))
    return found


def _write(path: Path, data: bytes) -> None:
    """Write a file whole: a reader (the watching build) sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".bantin-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
