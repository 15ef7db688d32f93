"""The known limits of static hosts, checked against a built site (`[deploy] host` in site.toml).

From the hosts' own documentation: GitHub Pages publishes sites up to 1 GB (a soft limit);
Cloudflare Pages takes 20,000 files on its free plan and 25 MiB per file; Netlify 54,000
files in one folder. The build warns as a site nears a limit, and says what to use instead;
`bantin deploy` refuses a site past a hard limit (a host would refuse it too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from bantin.language.errors import ContentError
from bantin.language.messages import Text

NEAR = 0.8  # a warning from this share of a limit on
HOSTS = ("github-pages", "cloudflare-pages", "netlify")
GB = 1_000_000_000
MIB = 1024 * 1024
ELSEWHERE = Text("a VPS ({sftp}) or object storage such as Cloudflare R2 or S3 ({s3}) has no such limit: "
                 "docs/deploying.md", sftp="bantin deploy sftp://...", s3="bantin deploy s3://...")


@dataclass(frozen=True)
class Finding:
    """The site near or past one of its host's limits."""

    message: Text
    hint: Text
    over: bool  # past the limit, not only near it
    hard: bool  # the host refuses such a site (GitHub Pages' 1 GB is soft)


def check(files: Mapping[str, int], host: str) -> list[Finding]:
    """What a site of these files (path -> size in bytes) meets of its host's limits; nothing for other hosts."""
    if host == "github-pages":
        return _github_pages(files)
    if host == "cloudflare-pages":
        return _cloudflare_pages(files)
    if host == "netlify":
        return _netlify(files)
    return []


def warnings(files: Mapping[str, int], host: str) -> list[ContentError]:
    """The findings of `check` as the build's warnings, located at site.toml's [deploy] host."""
    return [ContentError("site.toml", None, "deploy.host", f.message, f.hint) for f in check(files, host)]


def _github_pages(files: Mapping[str, int]) -> list[Finding]:
    total = sum(files.values())
    if total < NEAR * GB:
        return []
    return [Finding(Text("the site is {size} MB, {share:.0%} of the 1 GB that GitHub Pages publishes",
                         size=f"{total / 1e6:,.0f}", share=total / GB), ELSEWHERE, total > GB, False)]


def _cloudflare_pages(files: Mapping[str, int]) -> list[Finding]:
    found = []
    count = len(files)
    if count >= NEAR * 20_000:
        found.append(Finding(Text("the site has {count} files, {share:.0%} of the 20,000 that Cloudflare Pages takes "
                                  "(100,000 on a paid plan)", count=f"{count:,}", share=count / 20_000),
                             Text("serve it from Cloudflare R2 behind the same domain instead ({s3}): "
                                  "docs/deploying.md", s3="bantin deploy s3://..."), count > 20_000, True))
    large = sorted(path for path, size in files.items() if size > 25 * MIB)
    if large:
        found.append(Finding(Text("{path} is larger than the 25 MiB that Cloudflare Pages takes in one file",
                                  path=large[0]) if len(large) == 1 else
                             Text("{count} files are larger than the 25 MiB that Cloudflare Pages takes in one file, "
                                  "such as {path}", count=len(large), path=large[0]),
                             Text("link such files from elsewhere (R2, a video host), or serve the site from "
                                  "object storage: docs/deploying.md"), True, True))
    return found


def _netlify(files: Mapping[str, int]) -> list[Finding]:
    entries: dict[str, set[str]] = defaultdict(set)  # folder -> the files and folders in it
    for path in files:
        parts = PurePosixPath(path).parts
        for depth in range(len(parts)):
            entries["/".join(parts[:depth]) or "."].add(parts[depth])
    folder, count = max(((name, len(inside)) for name, inside in entries.items()),
                        key=lambda item: (item[1], item[0]), default=("", 0))
    if count < NEAR * 54_000:
        return []
    return [Finding(Text("the folder {folder}/ of the site holds {count} files and folders, {share:.0%} of the "
                         "54,000 that Netlify takes in one folder", folder=folder, count=f"{count:,}",
                         share=count / 54_000),
                    ELSEWHERE, count > 54_000, True)]
