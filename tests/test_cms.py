"""The web editor: its generated config.yml against the site, and serve's local backend API."""

from __future__ import annotations

import base64
import json
import os
import time

import yaml

from bantin.builder.admin import DECAP_INTEGRITY, DECAP_SCRIPT, LOCAL_API_PATH
from bantin.content.parse import KNOWN_FIELDS, REQUIRED_FIELDS
from bantin.language.provinces import load_provinces
from bantin.project.config import load_config

from conftest import SITE_TOML, article, make_project
from html_helpers import Page
from serving import running

CMS_TOML = SITE_TOML + '\n[cms]\nenabled = true\nrepo = "lhh-tinh/tin-tuc"\nauth_url = "https://auth.example.org"\n'
FILES = {
    "content/tin-tuc/2023/a.md": article("Hội thảo A", "2023-05-10", tags=["Hội thảo", "Trí thức"]),
    "content/tin-tuc/2023/b.md": article("Hội thảo B", "2023-05-11", tags=["Hội thảo"]),
}


def editor_config(site) -> dict:
    return yaml.safe_load((site.out / "admin" / "config.yml").read_text(encoding="utf-8"))


def test_the_editor_offers_every_topic_and_province_and_requires_what_the_build_requires(project):
    site = project(FILES, CMS_TOML)
    site.build(search=False)
    config = load_config(site.root)
    provinces = load_provinces(None)
    editor = editor_config(site)
    assert editor["backend"] == {"name": "github", "branch": "main", "repo": "lhh-tinh/tin-tuc",
                                 "base_url": "https://auth.example.org"}
    assert editor["locale"] == "vi" and editor["slug"]["encoding"] == "ascii" and editor["slug"]["clean_accents"]
    assert [c["name"] for c in editor["collections"]] == list(config.sections)
    for collection in editor["collections"]:
        assert collection["folder"] == f"content/{collection['name']}" and collection["path"] == "{{year}}/{{slug}}"
        fields = {f["name"]: f for f in collection["fields"]}
        assert set(fields) - {"body"} <= set(KNOWN_FIELDS)  # nothing the build would call unknown
        assert {name for name, f in fields.items() if f["required"]} == set(REQUIRED_FIELDS)
        assert fields["topic"]["options"] == list(config.topics)
        options = fields["province"]["options"]
        values = [o["value"] for o in options]
        assert len(values) == len(set(values)) == len(provinces.by_slug)  # national, 34 of today, former
        current = [p.name for p in provinces.current()]
        assert values[: len(current)] == current  # today's units first
        assert len(current) == 35  # the national level and the 34 units of 1 July 2025
        for option in options:  # every value is a name the build accepts as itself
            assert provinces.match(option["value"]).name == option["value"]
        ha_giang = next(o for o in options if o["value"] == "Hà Giang")
        assert "trước 01/07/2025" in ha_giang["label"] and "Tuyên Quang" in ha_giang["label"]
        assert "Hội thảo" in fields["tags"]["hint"]  # the most used tag is suggested
        assert fields["date"]["format"] == "YYYY-MM-DDTHH:mm:ssZ"


def test_the_admin_page_pins_decap_and_stays_out_of_search_engines(project, tmp_path):
    site = project(FILES, CMS_TOML)
    site.build(search=False)
    page = Page((site.out / "admin" / "index.html").read_text(encoding="utf-8"))
    script = next(s for s in page.find_all("script") if s["attrs"].get("src"))
    assert script["attrs"]["src"] == DECAP_SCRIPT and "@3.16.3/" in DECAP_SCRIPT
    assert script["attrs"]["integrity"] == DECAP_INTEGRITY and script["attrs"]["crossorigin"] == "anonymous"
    assert page.find("meta", name="robots")["attrs"]["content"] == "noindex"
    assert "/admin/" not in (site.out / "sitemap.xml").read_text(encoding="utf-8")
    off = make_project(tmp_path / "off", FILES)
    off.build(search=False)
    assert not (off.out / "admin").exists()


def test_a_script_of_your_own_needs_https_and_its_integrity(project, capsys):
    from bantin.cli.main import main

    site = project(FILES, CMS_TOML + 'script = "http://example.org/decap.js"\n')
    assert main(["check", "--root", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "[cms.script] 'http://example.org/decap.js' không phải địa chỉ https" in err
    assert "[cms.integrity]" in err


def own_headers(served) -> dict[str, str]:
    """What a page of the running serve sends with its requests."""
    host = f"127.0.0.1:{served.port}"
    return {"Host": host, "Origin": f"http://{host}", "Content-Type": "application/json"}


def api(served, action: str, params: dict | None = None, **headers: str) -> tuple[int, object]:
    sent = {**own_headers(served), **headers}
    sent = {name: value for name, value in sent.items() if value}
    status, body = served.post(LOCAL_API_PATH, json.dumps({"action": action, "params": params or {}}).encode(), sent)
    return status, json.loads(body) if body else None


def test_serve_answers_the_local_backend_only_to_its_own_pages(project):
    site = project(FILES, CMS_TOML)
    with running(site) as served:
        status, info = api(served, "info")
        assert status == 200 and info["type"] == "local_fs" and info["publish_modes"] == ["simple"]
        # another web page the editor has open, a page with no Origin, a DNS name rebound to 127.0.0.1
        assert api(served, "info", Origin="https://evil.example")[0] == 403
        assert api(served, "info", Origin="")[0] == 403
        assert api(served, "info", Host="evil.example", Origin="http://evil.example")[0] == 403
        assert api(served, "info", **{"Sec-Fetch-Site": "cross-site"})[0] == 403
        # a form post (text/plain needs no CORS preflight) and the preflight itself
        assert api(served, "info", **{"Content-Type": "text/plain"})[0] == 415
        assert served.post(LOCAL_API_PATH, b"", {"Host": f"127.0.0.1:{served.port}"})[0] in (403, 415)


def test_the_local_backend_reads_and_writes_only_inside_content(project, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("SECRET", encoding="utf-8")
    site = project(FILES, CMS_TOML)
    os.symlink(outside, site.root / "content" / "tin-tuc" / "link.md")
    layout = site.own("layouts/base.html").read_bytes()
    with running(site) as served:
        status, entry = api(served, "getEntry", {"path": "content/tin-tuc/2023/a.md"})
        assert status == 200 and entry["data"].startswith("---") and len(entry["file"]["id"]) == 64
        status, listed = api(served, "entriesByFolder", {"folder": "content/tin-tuc", "extension": "md", "depth": 2})
        assert sorted(e["file"]["path"] for e in listed) == ["content/tin-tuc/2023/a.md", "content/tin-tuc/2023/b.md"]
        for path in ("site.toml", "content/../site.toml", "/etc/passwd", "content/.git/config",
                     "content/tin-tuc/link.md", "content\\..\\site.toml", "layouts/base.html"):
            status, answer = api(served, "getEntry", {"path": path})
            assert status == 403 and "SECRET" not in json.dumps(answer), path
        raw = article("Bài mới", "2024-01-02")
        assert api(served, "persistEntry", {"entry": {"path": "layouts/base.html", "raw": "x"}, "assets": []})[0] == 403
        assert api(served, "persistEntry", {"entry": {"path": "content/tin-tuc/x.html", "raw": raw},
                                            "assets": []})[0] == 403
        svg = {"path": "content/anh/x.svg", "content": base64.b64encode(b"<svg/>").decode(), "encoding": "base64"}
        assert api(served, "persistMedia", {"asset": svg})[0] == 403
        assert api(served, "unpublishedEntries")[0] == 422
        assert api(served, "entriesByFolder", {"folder": "content", "depth": "hai"})[0] == 400
        assert (site.root / "layouts" / "base.html").read_bytes() == layout
        assert not (site.root / "content" / "anh" / "x.svg").exists()


def test_the_local_backend_refuses_names_a_server_mangles_and_requests_it_cannot_read(project):
    """Before: an upload named x.html. was published (a web server serves it as x.html, script and all);
    depth: Infinity and a 200,000-deep JSON answered with tracebacks."""
    site = project(FILES, CMS_TOML)
    with running(site) as served:
        for name in ("x.html.", "x.svg ", "x.html. . ", "anh\tmoi.jpg", "anh\nmoi.jpg"):
            asset = {"path": f"content/anh/{name}", "content": base64.b64encode(b"<script>1</script>").decode(),
                     "encoding": "base64"}
            status, answer = api(served, "persistMedia", {"asset": asset})
            assert status == 403, (name, answer)
        assert not (site.root / "content" / "anh").exists()
        for depth in ("Infinity", "-Infinity", "NaN", "1e999", "2.5", "true"):
            body = b'{"action": "entriesByFolder", "params": {"folder": "content", "depth": ' + depth.encode() + b"}}"
            status, answer = served.post(LOCAL_API_PATH, body, own_headers(served))
            assert status == 400 and b"Traceback" not in answer, depth
        deep = b'{"action": "info", "params": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
        status, answer = served.post(LOCAL_API_PATH, deep, own_headers(served))
        assert status == 400 and b"nested too deeply" in answer
        assert api(served, "info")[0] == 200  # and serve goes on
        assert api(served, "entriesByFolder", {"folder": "content/tin-tuc", "extension": "md", "depth": 3})[0] == 200


def test_an_article_saved_through_the_api_passes_check_and_shows_on_the_running_site(project):
    site = project(FILES, CMS_TOML)
    with running(site) as served:
        raw = article("Đại hội Liên hiệp hội", "2024-03-05T08:30:00+07:00", province="Đắk Lắk", tags=["Đại hội"])
        status, _ = api(served, "persistEntry", {
            "entry": {"slug": "dai-hoi-lien-hiep-hoi", "path": "content/tin-tuc/2024/dai-hoi-lien-hiep-hoi.md",
                      "raw": raw}, "assets": [], "options": {"commitMessage": "x", "useWorkflow": False}})
        assert status == 200
        assert (site.root / "content/tin-tuc/2024/dai-hoi-lien-hiep-hoi.md").read_text(encoding="utf-8") == raw
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _, body = served.get("/tin-tuc/2024/dai-hoi-lien-hiep-hoi/")
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200 and "Đại hội Liên hiệp hội".encode() in body
    report = site.build(search=False)
    assert report.articles == 3


def test_the_editor_api_is_off_when_serve_listens_beyond_this_computer(project):
    site = project(FILES, CMS_TOML)
    with running(site, host="0.0.0.0") as served:
        status, answer = api(served, "info")
        assert status == 404 and "serve" in answer["error"]


def test_an_incremental_build_brings_the_suggested_tags_up_to_date(project, tmp_path):
    site = project(FILES, CMS_TOML)
    site.build(search=False)
    for n in range(3):  # "Đại hội" becomes the most used tag
        (site.root / f"content/tin-tuc/2024/d{n}.md").parent.mkdir(parents=True, exist_ok=True)
        (site.root / f"content/tin-tuc/2024/d{n}.md").write_text(
            article(f"Đại hội {n}", f"2024-01-0{n + 1}", tags=["Đại hội"]), encoding="utf-8")
    site.build(search=False)
    hint = next(f for f in editor_config(site)["collections"][0]["fields"] if f["name"] == "tags")["hint"]
    assert hint.endswith("thẻ hay dùng: Đại hội, Hội thảo, Trí thức")
    clean = make_project(tmp_path / "clean", {p.relative_to(site.root).as_posix(): p.read_text(encoding="utf-8")
                                              for p in (site.root / "content").rglob("*.md")}, CMS_TOML)
    clean.build(search=False)
    assert (clean.out / "admin/config.yml").read_bytes() == (site.out / "admin/config.yml").read_bytes()
