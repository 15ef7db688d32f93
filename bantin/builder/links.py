"""Links of article bodies to this site: each must lead to a page the build writes or a file under content/.

A link an editor writes as a site path ("/tin-tuc/2023/hoi-thao/", "/anh/2025/ke-hoach.pdf",
"../khac/") is answered by a planned page (an article, a list page and its later pages, an
alias, a feed, the sitemap, the search page...) or by a file under content/; `?query` and
`#fragment` do not matter, nor does the trailing slash of a page. Nothing else answers
it, so a link to a missing file or a mistyped address is an error, as a missing photo is.
A link to an article left out of this build (a draft, or dated in the future) is a warning.
Photos (`images`) are checked by bantin/photos/processing.py.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from bantin.builder.outputs import Output
from bantin.content.model import Article
from bantin.language.errors import ContentError
from bantin.language.messages import Text


@dataclass(frozen=True)
class LinkCheck:
    """What is wrong with the links: errors, and warnings about links to articles left out."""

    errors: list[ContentError]
    warnings: list[ContentError]


def check_links(linking: Iterable, outputs: list[Output], static: Iterable[str], left_out: list[Article],
                unparsed: Iterable[str], base_path: str) -> LinkCheck:
    """Check the `links` of every article (or References of one that failed to parse) against the planned
    `outputs` and the `static` files (paths under content/). `unparsed`: the file names (without .md) of
    articles that failed to parse, whose pages a link may name (their own errors are reported already)."""
    pages = {"/" + o.path for o in outputs}
    files = {"/" + path for path in static}
    waiting = {article.url: article for article in left_out}
    stems = set(unparsed)
    by_slug: dict[str, str] = {}  # an article's last URL part -> its URL, for "did you mean"
    for output in outputs:
        if output.path.endswith("/index.html") and output.path.count("/") == 3:  # /<section>/<year>/<slug>/
            by_slug.setdefault(output.path.rsplit("/", 2)[-2], "/" + output.path.removesuffix("index.html"))
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    for article in linking:
        for path, line, field in article.links:
            if _answered(path, pages, files):
                continue
            page = path if path.endswith("/") else path + "/"
            if page in waiting:
                warnings.append(_left_out(article.key, line, field, path, waiting[page]))
                continue
            if posixpath.basename(path.rstrip("/")) in stems:
                continue  # the article it names failed to parse: that is the error to fix
            errors.append(ContentError(article.key, line, field,
                                       Text("the link {path} leads nowhere: no page or file of the site has this "
                                            "address", path=path),
                                       hint=_hint(path, pages, files, by_slug, base_path)))
    return LinkCheck(errors, warnings)


def _answered(path: str, pages: set[str], files: set[str]) -> bool:
    if path in files or path in pages or path == "/":
        return True
    return path.rstrip("/") + "/index.html" in pages


def _hint(path: str, pages: set[str], files: set[str], by_slug: dict[str, str], base_path: str) -> Text:
    """What to write instead: the path without the base URL's folder, the article of that name, or what to do."""
    if base_path != "/" and path.startswith(base_path):
        inside = "/" + path[len(base_path):]
        if _answered(inside, pages, files):
            return Text("write the path from the site's root, without {folder}: {path}",
                        folder=base_path.rstrip("/"), path=inside)
    name = posixpath.basename(path.rstrip("/"))
    if name in by_slug:
        return Text("did you mean {path}?", path=by_slug[name])
    if "." in name:
        return Text("put the file at {file}, or correct the link", file=f"content{path}")
    return Text("correct the link: open the page on the site and copy its address, from the first / after the "
                "domain")


def _left_out(key: str, line: int, field: str, path: str, target: Article) -> ContentError:
    reason = Text("a draft") if target.draft else Text("dated in the future")
    return ContentError(key, line, field,
                        Text("the link {path} leads to {other}, which is left out of the site ({reason}): the link "
                             "is broken until it is published", path=path, other=target.key, reason=reason),
                        hint=Text("publish that article first, or remove the link for now"))
