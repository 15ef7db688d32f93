"""Content from a pull request can neither read the build machine's files nor run script.

Hostile inputs come from tests/hostile/: inputs.toml (links, FIFOs, sockets, settings) and
xss.txt (vectors from the OWASP XSS filter evasion cheat sheet).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import socket
import subprocess
import tomllib
from pathlib import Path

import pytest

from bantin.cli.main import main
from bantin.content.parse import markdown_renderer
from bantin.language.errors import BuildFailed
from bantin.project.config import parse_config

from conftest import ENGLISH, REPO, article, make_project, photo
from conftest import SITE_TOML as VIETNAMESE_SITE_TOML
from html_helpers import Page

SITE_TOML = ENGLISH + VIETNAMESE_SITE_TOML  # the assertions quote the English messages

HOSTILE = REPO / "tests" / "hostile"
CASES = tomllib.loads((HOSTILE / "inputs.toml").read_text(encoding="utf-8"))["case"]
VECTORS = [line for line in (HOSTILE / "xss.txt").read_text(encoding="utf-8").splitlines()
           if line.strip() and not line.startswith("#")]
GOOD = {"content/tin-tuc/2023/a.md": article("Bài tốt", "2023-05-01", body="Nội dung bình thường.")}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder with its digest."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_hostile(case: dict, root: Path, outside: Path) -> str:
    """Create the case's hostile input in the project; returns the site.toml text to use."""
    site_toml = SITE_TOML
    path = root / case.get("path", "")
    if case["make"] in ("link", "fifo", "socket"):
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    if case["make"] == "link":
        target = case["target"].replace("{outside}", str(outside))
        if ".git/" in target:
            (root / ".git").mkdir(exist_ok=True)
            (root / ".git" / "config").write_text("[http] extraheader = AUTHORIZATION: basic c2VjcmV0\n")
        path.unlink(missing_ok=True)
        os.symlink(target, path)
    elif case["make"] == "fifo":
        os.mkfifo(path)
    elif case["make"] == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    elif case["make"] == "file":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case["text"], encoding="utf-8")
    elif case["make"] == "site":
        site_toml = case["line"] + "\n" + SITE_TOML
    return site_toml


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_input_is_refused_with_a_clear_error_and_the_site_kept(case, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET-OUTSIDE\n")
    (outside / "secret.md").write_text(article("SECRET-OUTSIDE", "2023-01-01"))
    (outside / "provinces.toml").write_text("# SECRET-OUTSIDE\n")
    site = make_project(tmp_path / "site", GOOD)
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 0
    before = snapshot(site.out)
    (site.root / "site.toml").write_text(make_hostile(case, site.root, outside), encoding="utf-8")
    capsys.readouterr()

    status = main(["build", "--root", str(site.root), "--no-search", "-q"])

    printed = capsys.readouterr()
    assert status == 1
    assert case["error"] in printed.err, printed.err
    assert "hint: " in printed.err and case["hint"] in printed.err
    assert "Traceback" not in printed.err + printed.out
    assert snapshot(site.out) == before  # the previous site is untouched
    assert not any(p.name.startswith("_site.") for p in site.root.iterdir())  # no staging left behind
    assert "SECRET-OUTSIDE" not in printed.err


def test_trusted_sites_may_publish_html_files_from_content(project):
    site = project({**GOOD, "content/trang/a.html": "<p>trang</p>"}, SITE_TOML + '\n[markdown]\nraw_html = "trusted"\n')
    site.build(search=False)
    assert (site.out / "trang/a.html").read_text() == "<p>trang</p>"


def test_links_that_stay_inside_the_project_are_followed(project):
    site = project({**GOOD, "content/anh/a.txt": "tệp thật\n", "shared/logo.txt": "logo\n"})
    os.symlink("a.txt", site.root / "content/anh/b.txt")
    os.symlink("../../shared", site.root / "content/anh/shared")
    site.build(search=False)
    assert (site.out / "anh/b.txt").read_text() == "tệp thật\n"
    assert (site.out / "anh/shared/logo.txt").read_text() == "logo\n"


def test_a_link_cycle_inside_the_project_is_walked_once(project):
    site = project({**GOOD, "content/anh/x/a.txt": "a\n"})
    os.symlink("..", site.root / "content/anh/x/up")
    site.build(search=False)
    assert (site.out / "anh/x/a.txt").exists()


def test_check_refuses_hostile_input_without_reading_it(tmp_path, capsys):
    site = make_project(tmp_path / "site", GOOD, SITE_TOML)
    os.mkfifo(site.root / "content/tin-tuc/2023/pipe.md")  # reading it would block forever
    assert main(["check", "--root", str(site.root)]) == 1
    assert "content/tin-tuc/2023/pipe.md: cannot be read" in capsys.readouterr().err


# --- layouts run sandboxed -----------------------------------------------------------------
@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ url.__globals__ }}",
    "{% set x = site.sections.append(1) %}",
])
def test_a_layout_cannot_reach_python_internals(project, payload):
    site = project(GOOD)
    layout = site.own("layouts/base.html")
    layout.write_text(layout.read_text(encoding="utf-8") + "\n" + payload + "\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    (error,) = failed.value.errors
    assert error.path == "layouts/base.html" and error.line is not None
    assert "SecurityError" in error.message or "unsafe" in error.message, error.message


def test_a_layout_cannot_include_a_file_outside_layouts(project, tmp_path):
    site = project(GOOD)
    (tmp_path / "secret.html").write_text("SECRET-OUTSIDE")
    layout = site.own("layouts/404.html")
    # a hidden partial is not walked by the build's check of layouts/: the loader must refuse it itself
    os.symlink(tmp_path / "secret.html", site.root / "layouts/.secret.html")
    for name in ("../../secret.html", "/etc/passwd", ".secret.html"):
        layout.write_text('{% extends "base.html" %}{% block main %}{% include "' + name + '" %}{% endblock %}',
                          encoding="utf-8")
        with pytest.raises(BuildFailed) as failed:
            site.build(search=False)
        assert "SECRET-OUTSIDE" not in str(failed.value) and "root:" not in str(failed.value)
        assert not (site.out / "404.html").exists() or "SECRET-OUTSIDE" not in (site.out / "404.html").read_text()
    assert "layout '.secret.html' may not be read: it leads outside the project" in str(failed.value)


# --- the build cache ------------------------------------------------------------------------
class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def test_a_poisoned_cache_runs_no_code(project, tmp_path):
    from bantin.project import cache

    site = project(GOOD)
    site.build(search=False)
    marker = tmp_path / "pwned"
    for store in (site.root / ".bantin-cache").glob("*.pickle"):
        fingerprint, _ = pickle.loads(cache.unframe(store.read_bytes()))
        # forged whole, its digest right: the digest catches damage, the unpickler refuses code
        store.write_bytes(b"".join(cache.frame(pickle.dumps((fingerprint, _Payload(marker))))))
    (site.root / "content/tin-tuc/2023/a.md").write_text(article("Bài sửa", "2023-05-01"), encoding="utf-8")
    site.build(search=False)
    assert not marker.exists()
    assert "Bài sửa" in site.page("/tin-tuc/2023/a/")


def test_a_committed_cache_is_refused(project, capsys):
    site = project(GOOD, SITE_TOML)
    site.build(search=False)
    git = ["git", "-C", str(site.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    err = capsys.readouterr().err
    assert ".bantin-cache/ is committed to the repository" in err and "git rm -r --cached .bantin-cache" in err


# --- what editors write: raw HTML and URL fields ----------------------------------------------
def body_of(html: str) -> Page:
    """The article body of a built page, parsed."""
    start = html.index('<div class="body')
    end = html.index('<div class="share"', start)
    return Page(html[start:end])


DANGEROUS_TAGS = {"script", "style", "object", "embed", "base", "meta", "link", "form", "input", "button",
                  "svg", "math", "frame", "frameset", "applet", "textarea", "select", "template", "xml"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))
URL_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def executable_parts(page: Page, iframe_hosts: tuple[str, ...] = ("www.youtube-nocookie.com",)) -> list[str]:
    """Every element or attribute of a parsed fragment that could run script or load a page."""
    found = []
    for element in page.elements:
        tag, attrs = element["tag"], element["attrs"]
        if tag in DANGEROUS_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or (name in ("srcdoc", "formaction", "xlink:href", "action", "style") and not (
                    name == "style" and re.fullmatch(r"\s*text-align:\s*\w+;?\s*", value))):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "cite", "background", "poster", "data"):
                # what a browser's URL parser does: trim C0 controls and spaces, drop tabs and newlines
                scheme = URL_SCHEME.match(re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE)))
                allowed = {"http", "https", "mailto", "tel"} | ({"data"} if tag == "img" else set())
                if scheme and scheme.group(1).lower() not in allowed:
                    found.append(f"<{tag} {name}={value!r}>")
                if tag == "img" and scheme and scheme.group(1).lower() == "data" and \
                        not value.lower().startswith("data:image/"):
                    found.append(f"<{tag} {name}={value!r}>")
        if tag == "iframe" and attrs.get("src") and not any(
                attrs["src"].startswith(f"https://{host}/") for host in iframe_hosts):
            found.append(f"<iframe src={attrs['src']!r}>")
    return found


def vectors_site(project, raw_html: str = "safe"):
    body = "\n\n".join(f"Vector {n}: {vector}" for n, vector in enumerate(VECTORS, start=1))
    return project(vectors_files(body), vectors_toml(raw_html))


def vectors_files(body: str) -> dict[str, str | bytes]:
    """The vectors' page, and the one photo of the site they show (so photo markup meets them too)."""
    return {"content/tin-tuc/2023/xss.md": article("Thử XSS", "2023-05-01", body=body), "content/anh/a.jpg": photo()}


def vectors_toml(raw_html: str) -> str:
    # vectors point at images that do not exist (src=x): the page is about script, not broken images
    return SITE_TOML + f'\n[markdown]\nraw_html = "{raw_html}"\n[images]\nmissing = "warning"\n'



def test_there_are_at_least_25_vectors():
    assert len(VECTORS) >= 25


def test_every_xss_vector_loses_its_executable_parts_and_keeps_its_text(project):
    site = vectors_site(project)
    site.build(search=False)
    page = body_of(site.page("/tin-tuc/2023/xss/"))
    assert executable_parts(page) == []
    text = " ".join(page.elements[0]["text"].split())
    for number in range(1, len(VECTORS) + 1):
        assert f"Vector {number}:" in text  # the text around each vector stays
    assert "click me" in text and "harmless words" in text


def test_the_check_above_does_find_script_when_html_is_trusted(project):
    site = vectors_site(project, "trusted")
    site.build(search=False)
    found = executable_parts(body_of(site.page("/tin-tuc/2023/xss/")))
    assert len(found) >= 25, found


def test_sanitising_each_vector_alone(tmp_path):
    renderer = markdown_renderer(parse_config(SITE_TOML, tmp_path))  # each vector as a block of its own
    for vector in VECTORS:
        assert executable_parts(Page(renderer.render(vector))) == [], vector


ALLOWED_HTML = """\
Trước bảng.

<table class="data">
<thead><tr><th scope="col">Tỉnh</th><th>Số hội</th></tr></thead>
<tbody><tr><td colspan="2">Hà Tĩnh</td></tr></tbody>
</table>

<figure class="wide"><img src="/anh/a.jpg" alt="Hội nghị" width="800" height="600">
<figcaption>Toàn cảnh hội nghị</figcaption></figure>

<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="560" height="315" title="Video" \
allow="encrypted-media" allowfullscreen></iframe>

<details><summary>Chi tiết</summary><p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title="Liên hiệp">LHH</abbr>.</p></details>

| Cột trái | Cột phải |
|:---------|---------:|
| a        | b        |

Chú thích[^1].

[^1]: Một chú thích.
"""


def structure(page: Page) -> list[tuple]:
    return [(e["tag"], tuple(sorted((k, v) for k, v in e["attrs"].items())), " ".join(e["text"].split()))
            for e in page.elements]


def test_allowed_html_survives_safe_mode_unchanged(project, tmp_path):
    pages = {}
    for mode in ("trusted", "safe"):
        site = make_project(tmp_path / mode, {"content/tin-tuc/2023/ok.md": article("OK", "2023-05-01",
                                                                                  body=ALLOWED_HTML),
                                              "content/anh/a.jpg": photo(800, 600)},
                            SITE_TOML + f'\n[markdown]\nraw_html = "{mode}"\n')
        site.build(search=False)
        pages[mode] = body_of(site.page("/tin-tuc/2023/ok/"))
    assert structure(pages["safe"]) == structure(pages["trusted"])
    tags = {e["tag"] for e in pages["safe"].elements}
    assert {"table", "figure", "figcaption", "iframe", "details", "summary", "sub", "sup", "abbr"} <= tags
    iframe = pages["safe"].find("iframe")
    assert iframe["attrs"]["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert pages["safe"].find("td", style="text-align: right;")  # Markdown table alignment kept


def test_iframes_only_from_the_allowed_hosts(project):
    body = ('<iframe src="https://evil.example/embed"></iframe>\n\n'
            '<iframe src="https://vimeo.com/1"></iframe>\n\n'
            '<iframe src="http://www.youtube-nocookie.com/embed/x"></iframe>')
    toml = SITE_TOML + '\n[markdown]\niframe_hosts = ["player.vimeo.com", "vimeo.com"]\n'
    site = project({"content/tin-tuc/2023/v.md": article("V", "2023-05-01", body=body)}, toml)
    site.build(search=False)
    sources = [e["attrs"].get("src") for e in body_of(site.page("/tin-tuc/2023/v/")).find_all("iframe")]
    assert sources == [None, "https://vimeo.com/1", None]


def test_escape_mode_shows_html_as_text(project):
    body = 'Chữ <b>đậm</b> và <script>alert(1)</script> và [x](javascript:alert(3)).'
    site = project({"content/tin-tuc/2023/e.md": article("E", "2023-05-01", body=body)},
                   SITE_TOML + '\n[markdown]\nraw_html = "escape"\n')
    site.build(search=False)
    html = site.page("/tin-tuc/2023/e/")
    page = body_of(html)
    assert "<b>đậm</b>" in " ".join(page.elements[0]["text"].split())  # shown, not applied
    assert not page.find_all("b") and not page.find_all("script")
    assert executable_parts(page) == []


def test_an_unknown_raw_html_mode_is_a_config_error(project, capsys):
    site = project(GOOD, SITE_TOML + '\n[markdown]\nraw_html = "unsafe"\n')
    assert main(["check", "--root", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "[markdown.raw_html] expected one of 'safe', 'trusted', 'escape', got 'unsafe'" in err


@pytest.mark.parametrize(("field", "value", "message"), [
    ("image", "javascript:alert(1)", "'javascript:alert(1)' is not an address on the web or a path in the site"),
    ("image", "data:image/svg+xml;base64,PHN2Zz4=", "is not an address on the web or a path in the site"),
    ("image", "//evil.example/a.jpg", "is not an address on the web or a path in the site"),
    ("image", "anh/a.jpg", "is not an address on the web or a path in the site"),
    ("source", "{name: x, url: 'javascript:alert(1)'}", "'javascript:alert(1)' is not an http(s) URL"),
    ("source", "{name: x, url: ' JaVaScRiPt:alert(1)'}", "is not an http(s) URL"),
    ("aliases", '["javascript:alert(1)"]', "'javascript:alert(1)' is not a site path"),
    ("aliases", '["//evil.example/"]', "is not a site path"),
])
def test_url_fields_accept_only_http_urls_and_site_paths(project, field, value, message):
    site = project({"content/tin-tuc/2023/u.md": article("U", "2023-05-01", **{field: value})})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    (error,) = failed.value.errors
    assert (error.path, error.line, error.field) == ("content/tin-tuc/2023/u.md", 6, field)
    assert message in error.message and error.hint


def test_http_urls_and_site_paths_are_accepted(project):
    site = project({"content/tin-tuc/2023/u.md": article(
        "U", "2023-05-01", image="/anh/a.jpg", source="{name: VUSTA, url: 'https://vusta.vn/'}",
        aliases='["/tin/cu/"]'), "content/anh/a.jpg": photo()})
    site.build(search=False)
    page = Page(site.page("/tin-tuc/2023/u/"))
    assert page.find("figure", cls="cover")
    assert "https://vusta.vn/" in page.links()


def test_the_cache_unpickler_reads_every_store_a_build_writes(project):
    """A class missing from the allow-list would make every build silently cold."""
    from bantin.project import cache

    site = project(GOOD)
    site.build()
    stores = sorted((site.root / ".bantin-cache").glob("*.pickle"))
    assert {s.stem for s in stores} >= {"articles", "related", "output"}
    for store in stores:
        fingerprint = pickle.loads(cache.unframe(store.read_bytes()))[0]
        assert cache.load(site.root, store.stem, fingerprint) is not None, store.name


# --- names and values a site's record cannot hold ---------------------------------------------
@pytest.mark.parametrize("name, said", [
    ("bao-cao\nmoi.pdf", "its name holds a control character"),
    ("bao-cao\tmoi.pdf", "its name holds a control character"),
    (os.fsdecode(b"b\xe1o-c\xe1o.pdf"), "its name is not UTF-8 text"),  # Latin-1 bytes, from an old computer
    ("bao-cao.pdf.", "its name ends in a dot or a space"),
    ("bao-cao.pdf ", "its name ends in a dot or a space"),
])
def test_a_file_name_a_deploy_or_a_server_would_mangle_is_an_error_naming_it(tmp_path, capsys, name, said):
    """Before: a name with a line break broke every later deploy (--force too), bytes that are not UTF-8
    crashed every deploy with a traceback."""
    site = make_project(tmp_path / "site", GOOD, SITE_TOML)
    folder = site.root / "content" / "tai-lieu"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(b"%PDF-1.4")
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    err = capsys.readouterr().err
    assert said in err and "content/tai-lieu/b" in err and "rename it" in err and "Traceback" not in err
    assert "\n" not in err.split("1. ", 1)[1].split(": cannot be published")[0]  # the name shown on one line
    # a folder of such a name too: its files are never read
    (folder / name).unlink()
    (folder / name).mkdir()
    (folder / name / "x.pdf").write_bytes(b"%PDF-1.4")
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    assert said in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0000-01-01", "9999-12-31T23:59:59-12:00", "31/12/9999", "1899-12-31"])
def test_a_date_out_of_range_is_an_error_with_the_usual_hint(tmp_path, capsys, value):
    """Before: 0000-01-01 and 9999-12-31T23:59:59-12:00 printed tracebacks."""
    site = make_project(tmp_path / "site", {"content/tin-tuc/2023/a.md": article("Bài", value)}, SITE_TOML)
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    err = capsys.readouterr().err
    assert "content/tin-tuc/2023/a.md:3: [date]" in err and "is not one bantin takes (1900 to 2100)" in err
    assert "hint: write the date as 2024-12-31" in err and "Traceback" not in err
    (site.root / "content/tin-tuc/2023/a.md").write_text(
        article("Bài", "2023-05-01", updated=value), encoding="utf-8")
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    assert "[updated]" in capsys.readouterr().err


def test_an_alias_over_the_site_s_own_files_is_the_alias_error(tmp_path, capsys):
    """Before: aliases: ["/feed.xml"] said "File exists (…/_site.staging-2205/feed.xml)"."""
    site = make_project(tmp_path / "site", {
        "content/tin-tuc/2023/a.md": article("Bài", "2023-05-01", aliases='["/feed.xml"]'),
        "content/tai-lieu/quy-che.pdf": "%PDF-1.4"}, SITE_TOML)
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    err = capsys.readouterr().err
    assert "[aliases] alias /feed.xml/ collides with the site's own file /feed.xml" in err
    assert "hint: remove the alias or choose another old URL" in err and "File exists" not in err
    for alias, taken in (("/tai-lieu/quy-che.pdf", "/tai-lieu/quy-che.pdf"), ("/assets/cu/", "/assets/"),
                         ("/pagefind/cu/", "/pagefind/"), ("/tai-lieu/quy-che.pdf/cu/", "/tai-lieu/quy-che.pdf")):
        (site.root / "content/tin-tuc/2023/a.md").write_text(article("Bài", "2023-05-01", aliases=f'["{alias}"]'),
                                                          encoding="utf-8")
        assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
        assert f"collides with the site's own file {taken}" in capsys.readouterr().err, alias


# --- nothing outside its place ------------------------------------------------------------------
def test_theme_lock_names_no_file_outside_the_theme(tmp_path, capsys):
    """Before: a recorded sha256 of ../../../../etc/passwd made `theme diff` print /etc/passwd, and the
    build's warnings told whether a file such as /etc/shadow existed."""
    site = make_project(tmp_path / "site", GOOD, SITE_TOML)
    outside = tmp_path / "secret.html"
    outside.write_text("SECRET-OUTSIDE\n")
    said = []
    for name in (f"../{outside.name}", f"../nothing-{outside.name}", f"layouts/../../{outside.name}",
                 f"layouts/../../nothing-{outside.name}"):
        (site.root / "theme.lock").write_text(
            f'["{name}"]\nbantin = "0.0.1"\nsha256 = "' + "0" * 64 + '"\n'
            f'["layouts/article.html"]\nbantin = "0.0.1"\nsha256 = "../../../../../{outside}"\n', encoding="utf-8")
        assert main(["build", "--root", str(site.root), "--no-search"]) == 0
        err = capsys.readouterr().err
        assert "SECRET-OUTSIDE" not in err and "is not a file of the theme with its digest: it is ignored" in err
        said.append(err.replace("nothing-", ""))
        assert main(["theme", "diff", "article.html", "--root", str(site.root)]) == 0
        assert "SECRET-OUTSIDE" not in capsys.readouterr().out
    assert said[0] == said[1] and said[2] == said[3]  # the same words whether the file outside exists or not


def test_theme_copy_and_init_never_write_through_a_link_out_of_the_site(tmp_path, capsys):
    """Before: `theme copy` followed a layouts/ link out of the project; `init --force` wrote through
    dangling links."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = make_project(tmp_path / "site", GOOD, SITE_TOML)
    os.symlink(elsewhere, site.root / "layouts")
    assert main(["theme", "copy", "article.html", "--root", str(site.root)]) == 2
    err = capsys.readouterr().err
    assert "layouts/article.html may not be written: a folder on its way leads outside the project" in err
    assert list(elsewhere.iterdir()) == []
    target = tmp_path / "new-site"
    target.mkdir()
    os.symlink(elsewhere / "stolen.toml", target / "site.toml")  # a link to nothing
    os.symlink(elsewhere, target / "assets")
    assert main(["init", str(target), "--title", "Hội", "--base-url", "https://hoi.example.org/",
                 "--language", "en", "--force"]) == 2
    assert "may not be written: a folder on its way leads outside the project" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []
    (target / "assets").unlink()
    assert main(["init", str(target), "--title", "Hội", "--base-url", "https://hoi.example.org/",
                 "--language", "en", "--force"]) == 0
    assert "kept site.toml" in capsys.readouterr().out
    assert list(elsewhere.iterdir()) == [] and (target / "site.toml").is_symlink()


def test_a_base_url_that_would_end_a_script_is_refused_and_admin_escapes_what_it_writes(project, capsys):
    """Before: --base-url 'http://x/</script><script>alert(1)</script>/' was accepted and landed unescaped
    in /admin/."""
    site = project(GOOD, SITE_TOML + "\n[cms]\nenabled = true\n")
    hostile = "http://x/</script><script>alert(1)</script>/"
    assert main(["build", "--root", str(site.root), "--no-search", "-q", "--base-url", hostile]) == 2
    err = capsys.readouterr().err
    assert "--base-url" in err and "is not an absolute http(s) URL" in err and not (site.out / "admin").exists()
    assert "hint:" in err and "<script>" not in err.split("hint:")[1]  # the hint's example is not the value
    (site.root / "site.toml").write_text(SITE_TOML.replace('base_url = "https://example.org/"',
                                                           f'base_url = "{hostile}"'), encoding="utf-8")
    assert main(["build", "--root", str(site.root), "--no-search", "-q"]) == 1
    assert "[base_url] must be an absolute http(s) URL" in capsys.readouterr().err
    # what a URL may hold reaches /admin/'s script escaped for it
    odd = "https://example.org/a&b+c@d/"
    (site.root / "site.toml").write_text(SITE_TOML + "\n[cms]\nenabled = true\n", encoding="utf-8")
    assert main(["build", "--root", str(site.root), "--no-search", "-q", "--base-url", odd]) == 0
    admin = (site.out / "admin" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", admin, re.DOTALL)
    assert any("registerPreviewStyle" in script for script in scripts)
    assert all("<" not in script and "&b" not in script for script in scripts)
    assert "a\\u0026b+c@d" in admin
