"""The web editor at /admin/: Decap CMS, its config.yml generated from site.toml and the province list.

Decap is loaded from a pinned jsDelivr URL with Subresource Integrity (docs/web-editor.md,
says why rather than shipping its 5.2 MB with every site). The form's fields follow the build's
own validation (bantin/content/parse.py): what an editor saves passes `bantin check`.
"""

from __future__ import annotations

import html
import json
from typing import Any

import yaml

from bantin.content.model import Site
from bantin.content.parse import REQUIRED_FIELDS
from bantin.language.messages import Text, catalogue, say
from bantin.language.provinces import ProvinceList
from bantin.project.config import Config

DECAP_VERSION = "3.16.3"
DECAP_SCRIPT = f"https://cdn.jsdelivr.net/npm/decap-cms@{DECAP_VERSION}/dist/decap-cms.js"
# the digest of decap-cms@3.16.3/dist/decap-cms.js as npm publishes it (tests/test_cms_browser.py checks it)
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
LOCAL_API_PATH = "/__bantin/cms"  # serve answers Decap's local-backend protocol here (bantin/editor/cms_backend.py)
SUGGESTED_TAGS = 30
DATE_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"  # ISO 8601 with the offset: what bantin reads (Day.js tokens)


def editor_config(config: Config, provinces: ProvinceList, site: Site) -> dict[str, Any]:
    """Decap's config.yml as data: one collection per section, a widget per front-matter field."""
    said = catalogue(config.language)

    def t(text: Text) -> str:
        return say(text, said)

    cms = config.cms
    backend: dict[str, Any] = {"name": "github", "branch": cms.branch}
    if cms.repo:
        backend["repo"] = cms.repo
    if cms.auth_url:
        backend["base_url"] = cms.auth_url
    tags = sorted(site.tags.values(), key=lambda term: (-len(term.articles), term.name))[:SUGGESTED_TAGS]
    fields = _fields(config, provinces, [term.name for term in tags], t)
    return {
        "backend": backend,
        **({"publish_mode": "editorial_workflow"} if cms.editorial_workflow else {}),
        "locale": "vi" if config.language.lower().startswith("vi") else "en",
        "site_url": config.base_url,
        "display_url": config.base_url,
        "media_folder": f"content/{config.paths.photos}",  # uploads: content/anh/<year>/, at /anh/<year>/
        "public_folder": f"/{config.paths.photos}",
        # file names as bantin makes URLs: ASCII, accents dropped (đ -> d), words joined by '-'
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [{
            "name": section,
            "label": title,
            "folder": f"content/{section}",
            "create": True,
            "path": "{{year}}/{{slug}}",  # content/<section>/<year>/<slug>.md, as `bantin new` writes
            "slug": "{{slug}}",
            "extension": "md",
            "format": "yaml-frontmatter",
            "media_folder": f"/content/{config.paths.photos}/{{{{year}}}}",
            "public_folder": f"/{config.paths.photos}/{{{{year}}}}",
            "preview_path": f"{section}/{{{{year}}}}/{{{{slug}}}}/",
            "sortable_fields": ["date", "title", "province"],
            "summary": "{{title}} – {{province}}, {{date | date('DD/MM/YYYY')}}",
            "fields": fields,
        } for section, title in config.sections.items()],
    }


def _fields(config: Config, provinces: ProvinceList, tags: list[str], t: Any) -> list[dict[str, Any]]:
    national = [p for p in provinces.by_slug.values() if p.national]
    current = [p for p in provinces.current() if not p.national]
    former = [p for p in provinces.by_slug.values() if not p.is_current]
    province_options = (
        [{"label": t(Text("{name} (national news)", name=config.strings["national"])),
          "value": config.strings["national"] if provinces.match(config.strings["national"]) == p else p.name}
         for p in national]
        + [{"label": p.name, "value": p.name} for p in current]
        + [{"label": t(Text("{name} (before {date}, now part of {current})", name=p.name,
                            date=f"{provinces.merger_date:%d/%m/%Y}", current=provinces.by_slug[p.part_of].name)),
            "value": p.name} for p in former])
    fields = [
        {"label": t(Text("Title")), "name": "title", "widget": "string"},
        {"label": t(Text("Date")), "name": "date", "widget": "datetime", "format": DATE_FORMAT,
         "date_format": "DD/MM/YYYY", "time_format": "HH:mm", "default": "{{now}}",
         # Decap's picker works in the computer's own time zone; the offset is saved with the time
         "hint": t(Text("your computer's time; the site shows it in its time zone ({zone})",
                        zone=config.timezone_name))},
        {"label": t(Text("Province or city")), "name": "province", "widget": "select", "options": province_options,
         "hint": t(Text("type a few letters, with or without accents"))},
        {"label": t(Text("Topic")), "name": "topic", "widget": "select", "options": list(config.topics)},
        {"label": t(Text("Tags")), "name": "tags", "widget": "list", "default": [],
         "hint": t(Text("separated by commas; often used: {tags}", tags=", ".join(tags))) if tags else ""},
        {"label": t(Text("Summary")), "name": "summary", "widget": "text",
         "hint": t(Text("one or two sentences shown under the title and in lists"))},
        {"label": t(Text("Author")), "name": "author", "widget": "string"},
        {"label": t(Text("Source")), "name": "source", "widget": "string",
         "hint": t(Text("a name, or an address starting with https://"))},
        {"label": t(Text("Photo")), "name": "image", "widget": "image", "choose_url": False},
        {"label": t(Text("Photo description")), "name": "image_alt", "widget": "string",
         "hint": t(Text("what the photo shows, for readers who cannot see it"))},
        {"label": t(Text("Draft (not published yet)")), "name": "draft", "widget": "boolean", "default": False},
        {"label": t(Text("Body")), "name": "body", "widget": "markdown"},
    ]
    for field in fields:  # Decap requires every field unless told; the build requires these
        field["required"] = field["name"] in REQUIRED_FIELDS
        if not field.get("hint"):
            field.pop("hint", None)
    return fields


class _PlainDumper(yaml.SafeDumper):
    """YAML without anchors: every collection's fields written out, as a person would read them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def config_yml(data: dict[str, Any]) -> bytes:
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=120).encode("utf-8")


# A date written by hand as Vietnamese write it (31/12/2024, 31/12/2024 08:30), which the build
# reads (bantin/language/dates.py), shows in the form's date picker too: Decap's own datetime widget is
# given the same moment in ISO. The file keeps what it holds until a date is picked (then ISO
# with the computer's offset, as for a new article).
DAY_FIRST_DATES = """(() => {
  const picker = CMS.getWidget("datetime");
  const dayFirst = /^\\s*(\\d{1,2})[\\/.-](\\d{1,2})[\\/.-](\\d{4})(?:[\\s,]+(\\d{1,2})(?:[:hH](\\d{2}))?[hH]?)?\\s*$/;
  const two = (n) => String(n).padStart(2, "0");
  const iso = (value) => {
    const m = typeof value === "string" ? dayFirst.exec(value) : null;
    return m ? `${m[3]}-${two(m[2])}-${two(m[1])}T${two(m[4] || 0)}:${m[5] || "00"}:00` : value;
  };
  if (picker && window.createClass && window.h) {
    CMS.registerWidget("datetime", createClass({
      render() { return h(picker.control, Object.assign({}, this.props, {value: iso(this.props.value)})); },
    }), picker.preview);
  }
})();
"""


def script_json(value: Any) -> str:
    """A value as JSON that can stand inside <script>: no '</script>', '<!--' or line separators end it."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def admin_page(config: Config, stylesheets: list[str]) -> bytes:
    """/admin/index.html: loads Decap, styles previews like the site, finds serve's local backend."""
    cms = config.cms
    script, integrity = (cms.script, cms.integrity) if cms.script else (DECAP_SCRIPT, DECAP_INTEGRITY)
    title = say(Text("Write and edit articles – {site}", site=config.title), catalogue(config.language))
    styles = "".join(f"CMS.registerPreviewStyle({script_json(url)});\n" for url in stylesheets)
    return f"""<!doctype html>
<html lang="{html.escape(config.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(title)}</title>
<link href="{html.escape(config.base_path)}admin/config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="{html.escape(script)}" integrity="{html.escape(integrity)}" crossorigin="anonymous"></script>
<script>
{styles}{DAY_FIRST_DATES}// on the editor's own computer `bantin serve` answers Decap's local backend on the page's own
// origin; Decap looks for it only when the page is on localhost or 127.0.0.1, never once published
CMS.init({{config: {{local_backend: {{url: location.origin + {script_json(LOCAL_API_PATH)}}}}}}});
</script>
</body>
</html>
""".encode()
