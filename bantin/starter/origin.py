"""Where the running bantin came from, and the requirement that installs the very same bantin again.

pip records how it installed a distribution that did not come from a package index in
`direct_url.json` (PEP 610): a git address and the commit it checked out (`vcs_info`), a
folder (`dir_info`, editable or not), an archive such as a wheel (`archive_info`). `bantin init`
reads it to write the site's requirements.txt: the registry's pin for bantin from PyPI, the
address at its commit for bantin from git, the address of a wheel on the web; a folder or a
wheel on this computer, which no CI machine can reach, gets the registry's pin and a comment
saying why and what to write instead.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from bantin.language.messages import Text


@dataclass(frozen=True)
class Origin:
    """How this bantin was installed, and the requirement line that installs it again."""

    requirement: str  # "bantin==0.1.0", "bantin @ git+https://...@<commit>", "bantin @ https://.../x.whl"
    notes: tuple[Text, ...]  # what the line is and how to change it: comments above it in requirements.txt
    reachable: bool  # True when a CI machine can install it (PyPI, or an address on the web)


def installed(version: str, distribution: str = "bantin") -> Origin:
    """The origin of the installed distribution, as its direct_url.json says (none: from a package index)."""
    try:
        recorded = importlib.metadata.distribution(distribution).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:  # run from a source folder that was never installed
        return origin(version, json.dumps({"url": "", "dir_info": {}}))
    return origin(version, recorded)


def origin(version: str, direct_url: str | None) -> Origin:
    """The requirement for bantin `version` installed as `direct_url` (the text of direct_url.json, or None)."""
    pinned = f"bantin=={version}"
    if direct_url is None:
        return Origin(pinned, (Text("bantin {version} from PyPI: change the version to upgrade (bantin's "
                                    "CHANGELOG.md says what a site must do)", version=version),), True)
    try:
        data = json.loads(direct_url)
        url = str(data.get("url", ""))
    except (ValueError, AttributeError):
        data, url = {}, ""
    local = not url.startswith(("https://", "http://"))
    fragment = f"#subdirectory={data['subdirectory']}" if data.get("subdirectory") else ""
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        line = f"bantin @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}{fragment}"
        if local:
            return Origin(line, (Text("bantin {version} from a git repository on this computer ({url}), at its "
                                      "commit {commit}: no CI machine can reach it; write the repository's address "
                                      "on the web in its place", version=version, url=url,
                                      commit=vcs["commit_id"][:12]),), False)
        return Origin(line, (Text("bantin {version} from {url}, at its commit {commit}: to upgrade, write the "
                                  "commit or tag of a newer release (bantin's CHANGELOG.md says what a site must do)",
                                  version=version, url=url, commit=vcs["commit_id"][:12]),), True)
    archive = data.get("archive_info")
    if isinstance(archive, dict) and not local:
        return Origin(f"bantin @ {url}{_hash(archive, url)}",
                      (Text("bantin {version} from {url}: to upgrade, write the address of a newer release's wheel",
                            version=version, url=_without_fragment(url)),), True)
    where = (Text("a wheel on this computer ({path})", path=url) if isinstance(archive, dict) else
             Text("a folder on this computer ({path})", path=url or "?"))
    return Origin(pinned, (
        Text("bantin {version} was installed from {where}, which no CI machine can reach: this line takes the same "
             "version from PyPI", version=version, where=where),
        Text("where PyPI has no bantin {version}, write where you got bantin instead, for example", version=version),
        Text("  bantin @ git+https://<the repository's address>@<a tag or commit>"),
        Text("  bantin @ https://<the release's address>/bantin-{version}-py3-none-any.whl", version=version),
    ), False)


def _hash(archive: dict, url: str) -> str:
    """'#sha256=...' for an archive whose digest pip recorded (pip checks it), unless the address has one."""
    hashes = archive.get("hashes") if isinstance(archive.get("hashes"), dict) else {}
    digest = hashes.get("sha256") or (str(archive.get("hash", "")).partition("sha256=")[2] or None)
    return f"#sha256={digest}" if digest and "#" not in url else ""


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(fragment="").geturl()
