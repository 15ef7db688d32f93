"""Where `bantin deploy` sends a site: a folder, an SFTP server or an S3-compatible bucket.

A target is written as the command line and `[deploy] target` in site.toml take it:

    /var/www/lhh  or  ../public        a folder on this machine
    sftp://deploy@example.org/var/www/lhh   sftp://deploy@example.org:2222/~/www   (~: the home folder)
    s3://bucket/prefix                 Amazon S3, Cloudflare R2, MinIO, ... (endpoint and keys from the environment)

Parsing is pure: no file is read and no host is asked.
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from slugify import slugify

from bantin.language.errors import UsageError
from bantin.language.messages import Text

FOLDER, SFTP, S3 = "folder", "sftp", "s3"
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def examples(name: str) -> str:
    """Targets to show in a hint, named after the site's folder ('/var/www/lhh-hatinh', ...)."""
    return f"/var/www/{name}, sftp://deploy@example.org/var/www/{name}, s3://bucket/{name}"


@dataclass(frozen=True)
class Target:
    """One place to deploy to; `str(target)` names it to an editor (it never holds a secret)."""

    kind: str  # FOLDER, SFTP or S3
    path: str  # FOLDER: absolute path; SFTP: the remote folder ("/var/www" absolute, "www" in the home
    #            folder); S3: the prefix inside the bucket, without slashes at either end ("" for the whole bucket)
    host: str = ""  # SFTP: host name or address; S3: the bucket
    user: str = ""  # SFTP: the login
    port: int = 22  # SFTP

    def __str__(self) -> str:
        if self.kind == FOLDER:
            return self.path
        if self.kind == S3:
            return f"s3://{self.host}/{self.path}".rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port != 22 else ""
        path = self.path if self.path.startswith("/") else "/~/" + self.path if self.path else "/~"
        return f"sftp://{self.user}@{host}{port}{path}"


def parse_target(text: str, base: Path, site: str = "") -> Target:
    """A target from its text; a relative folder is taken from `base`. Raises UsageError saying what is wrong,
    its hints naming the site (`site`: its folder's name; default the name of `base`)."""
    text = text.strip()
    site = site_name(site or base.name)
    if not text:
        raise UsageError(Text("no deploy target given"),
                         hint=Text("give one on the command line or as {setting} in site.toml, such as {examples}",
                                   setting="[deploy] target", examples=examples(site)))
    scheme = _SCHEME_RE.match(text)
    if scheme is None:
        return Target(FOLDER, str((base / Path(text).expanduser()).resolve()))
    kind = scheme.group(1).lower()
    if kind == SFTP:
        return _sftp(text, site)
    if kind == S3:
        return _s3(text, site)
    raise UsageError(Text("{target!r}: bantin deploys to a folder, sftp:// or s3://", target=text),
                     hint=Text("for example {examples}", examples=examples(site)))


def site_name(folder: str) -> str:
    """A folder's name as a path part of an example: 'Trang tin Hà Tĩnh' -> 'trang-tin-ha-tinh'; 'site' when
    it has none."""
    return slugify(folder) or "site"


def _sftp(text: str, site: str) -> Target:
    parts = urlsplit(text)
    try:
        login = f"{parts.username or 'deploy'}@{parts.hostname or 'example.org'}"
    except ValueError:
        login = "deploy@example.org"
    example = Text("for example {example}", example=f"sftp://{login}/var/www/{site}")
    if parts.password is not None:
        raise UsageError(Text("{target!r} holds a password", target=_without_password(text)),
                         hint=Text("log in with an SSH key instead (docs/deploying.md): a password in a command or "
                                   "in site.toml is seen by everyone who can read them"))
    try:
        port = parts.port or 22
    except ValueError:
        raise UsageError(Text("{target!r}: the port is not a number from 1 to 65535", target=text),
                         hint=example) from None
    if not parts.hostname:
        raise UsageError(Text("{target!r} names no host", target=text), hint=example)
    if parts.query or parts.fragment:
        raise UsageError(Text("{target!r}: an SFTP target has no '?' or '#' part", target=text), hint=example)
    path = unquote(parts.path)
    if path in ("", "/"):
        raise UsageError(Text("{target!r} names no folder on the server", target=text),
                         hint=Text("give the folder the web server serves, such as {example}; {home} is the "
                                   "home folder", example=f"sftp://{login}/var/www/{site}",
                                   home=f"sftp://{login}/~/www"))
    if path == "/~" or path.startswith("/~/"):
        path = path[3:]
    if ".." in PurePosixPath(path).parts:
        raise UsageError(Text("{target!r}: the folder may not contain '..'", target=text), hint=example)
    user = unquote(parts.username) if parts.username else getpass.getuser()  # as ssh does
    return Target(SFTP, path.rstrip("/"), parts.hostname, user, port)


def _s3(text: str, site: str) -> Target:
    rest = text.split("://", 1)[1]
    bucket, _, prefix = rest.partition("/")
    example = Text("for example {example}", example=f"s3://bucket/{site}")
    if not _BUCKET_RE.match(bucket):
        raise UsageError(Text("{target!r}: {bucket!r} is not a bucket name", target=text, bucket=bucket),
                         hint=Text("a bucket name has 3 to 63 lower-case letters, digits, '.' or '-'; {example}",
                                   example=example))
    prefix = prefix.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise UsageError(Text("{target!r}: the prefix may not contain empty parts, '.' or '..'", target=text),
                         hint=example)
    return Target(S3, prefix, bucket)


def _without_password(text: str) -> str:
    """The target as typed, its password replaced: never printed, not even in an error."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", text)
