"""The one gate to the project's input: nothing outside the project folder is ever read.

Everything under content/, layouts/ and assets/ may come from a pull request, so a file is
only read after `check_file` (or the walk of `input_files`) has seen that it is a regular
file whose real path lies inside the project and outside its hidden folders (.git holds
the CI's credentials, .bantin-cache the build's own state). Symbolic links that stay inside
are followed; links that lead out, broken links, FIFOs, sockets and devices are errors that
name the link and where it points.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from bantin.language.errors import ContentError
from bantin.language.messages import Text


@dataclass(frozen=True)
class InputFiles:
    """The regular files found under a folder, and every entry that may not be read."""

    files: list[Path]  # as found (a file reached through a link keeps the link's path), sorted
    errors: list[ContentError]


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/") if path.startswith(root + os.sep) else path


def _problem(path: str, real_root: str) -> Text | None:
    """Why this path (a file or folder, maybe a link) may not be read, or None."""
    real = os.path.realpath(path)
    if real != real_root and not real.startswith(real_root + os.sep):
        return Text("it leads outside the project")
    inside = os.path.relpath(real, real_root).split(os.sep)
    if any(part.startswith(".") for part in inside if part != "."):
        return Text("it leads into a hidden folder of the project")
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return Text("it points to nothing")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return Text("it is a {kind}, not a file", kind=_kind(mode))
    return None


def _kind(mode: int) -> Text:
    if stat.S_ISFIFO(mode):
        return Text("named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return Text("socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Text("device")
    return Text("special file")


# What a file name must not hold to be published: a deploy's record, a web server and Windows
# would each read it otherwise (a line break splits a list of names, a name ending in a dot or a
# space loses them on Windows and on some servers, bytes that are not UTF-8 have no URL).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_UTF8_RE = re.compile(r"[\udc80-\udcff]")  # os.fsdecode's stand-ins for bytes that are not UTF-8


def name_problem(name: str) -> Text | None:
    """Why a file or folder name cannot be published as it is, or None."""
    if _NOT_UTF8_RE.search(name):
        return Text("its name is not UTF-8 text (it was written on a computer set to another encoding)")
    if _CONTROL_RE.search(name):
        return Text("its name holds a control character (a line break, a tab)")
    if name.endswith((".", " ")):
        return Text("its name ends in a dot or a space, which Windows and some web servers drop")
    return None


def printable(path: str) -> str:
    """A path as a message can show it: bytes that are not UTF-8 as \\xNN, control characters escaped."""
    shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL_RE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), shown)


def _name_error(path: str, root: str, reason: str) -> ContentError:
    return ContentError(printable(_relative(path, root)), None, None, Text("cannot be published: {reason}",
                                                                          reason=reason),
                        hint=Text("rename it with letters, digits and dashes, as {example}",
                                  example="ke-hoach-2025.pdf"))


def _error(path: str, root: str, reason: str) -> ContentError:
    where = _relative(path, root)
    if os.path.islink(path):
        return ContentError(where, None, None, Text("symbolic link to {target!r}: {reason}",
                                                    target=os.readlink(path), reason=reason),
                            hint=Text("replace the link with a copy of the file inside the project, or remove it"))
    return ContentError(where, None, None, Text("cannot be read: {reason}", reason=reason),
                        hint=Text("only regular files inside the project are read; remove it"))


def problem(path: Path, root: Path) -> str | None:
    """Why `path`, a file or a folder (maybe a link), is not one of `root`'s own, or None."""
    return _problem(str(path), os.path.realpath(root))


def refusal(path: Path, root: Path) -> str | None:
    """Why `path` may not be read as a file of the project `root` ("it leads outside..."), or None."""
    reason = problem(path, root)
    if reason is None and not os.path.isfile(path):
        reason = Text("it is a folder, not a file")
    return reason


def check_file(path: Path, root: Path) -> ContentError | None:
    """None if `path` is a regular file inside the project `root` (links followed); else the error."""
    reason = refusal(path, root)
    return _error(str(path), str(root), reason) if reason else None


def input_files(folder: Path, root: Path) -> InputFiles:
    """Every regular file under `folder` (hidden entries left out), sorted; links checked.

    A missing folder has no files. Links to folders inside the project are walked once each.
    """
    root_text, real_root = str(root), os.path.realpath(root)
    files: list[str] = []
    errors: list[ContentError] = []
    if not os.path.lexists(folder):
        return InputFiles([], [])
    reason = _problem(str(folder), real_root)
    if reason is not None:
        return InputFiles([], [_error(str(folder), root_text, reason)])
    seen = {os.path.realpath(folder)}
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue  # hidden files and folders (.git, editors' swap files) are never content
                bad_name = name_problem(entry.name)
                if bad_name is not None:
                    errors.append(_name_error(entry.path, root_text, bad_name))
                    continue
                if entry.is_symlink():
                    reason = _problem(entry.path, real_root)
                    if reason is not None:
                        errors.append(_error(entry.path, root_text, reason))
                    elif os.path.isdir(entry.path):
                        real = os.path.realpath(entry.path)
                        if real not in seen:  # a link back up the tree is walked once
                            seen.add(real)
                            pending.append(entry.path)
                    else:
                        files.append(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    seen.add(os.path.realpath(entry.path))
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    files.append(entry.path)
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    errors.append(_error(entry.path, root_text, Text("it is a {kind}, not a file", kind=_kind(mode))))
    return InputFiles([Path(p) for p in sorted(files)], sorted(errors))



def write_problem(path: Path, root: Path) -> Text | None:
    """Why a new file may not be written at `path` of the project `root` (`init`, `theme copy`): a folder
    on its way that is a link leading out of the project. None: write it with `write_new`, which
    never follows a link in its place (a link, even one to nothing, counts as a file already there)."""
    existing = path.parent
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    real, real_root = os.path.realpath(existing), os.path.realpath(root)
    if real != real_root and not real.startswith(real_root + os.sep):
        return Text("a folder on its way leads outside the project")
    return None


def write_new(path: Path, data: bytes) -> None:
    """Write a new file, never through a link and never over a file (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def project_relative(path: Path, root: Path) -> str:
    """POSIX path relative to the project root (for messages and keys)."""
    text, prefix = str(path), f"{root}{os.sep}"
    if text.startswith(prefix) and f"{os.sep}..{os.sep}" not in text:  # as relative_to, at a tenth of its cost
        return text[len(prefix):].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
