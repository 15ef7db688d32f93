"""Bad input: every error at once, each with file, line and field; nothing written."""

from __future__ import annotations

import unicodedata

import pytest

from bantin.language.errors import BuildFailed

from conftest import article


def errors_of(site) -> list:
    with pytest.raises(BuildFailed) as failed:
        site.build()
    return failed.value.errors


def test_every_error_is_reported_at_once_with_line_and_field(project):
    site = project({
        "content/tin-tuc/2023/a.md":
            "---\ntitle: \"A\"\ndate: 2025-13-01\nprovince: \"Ha Nôi\"\ntopic: \"Không có\"\n---\nx\n",
        "content/tin-tuc/2023/b.md":
            "---\ntitle: \"B\"\nprovice: \"Hà Tĩnh\"\ndate: 2023-01-01\ntopic: \"Y tế\"\n---\n",
        "content/tin-tuc/2023/c.md": "---\ntitle: [oops\n---\n",
        "content/tin-tuc/2023/d.md": "no front matter here\n",
    })
    found = {(e.path.rsplit("/", 1)[-1], e.line, e.field) for e in errors_of(site)}
    assert ("a.md", 3, "date") in found
    assert ("a.md", 5, "topic") in found
    assert ("b.md", None, "province") in found
    assert any(path == "c.md" and line is not None for path, line, _ in found)
    assert ("d.md", 1, None) in found
    assert not site.out.exists()


def test_messages_suggest_the_fix(project):
    site = project({
        "content/tin-tuc/2023/a.md": article("A", "2023-01-01", province="Ha Tinhh"),
        "content/tin-tuc/2023/b.md": "---\ntitle: B\nprovice: Hà Tĩnh\ndate: 2023-01-01\ntopic: Y tế\n---\n",
    })
    messages = {e.path.rsplit("/", 1)[-1]: e for e in errors_of(site)}
    assert "Hà Tĩnh" in messages["a.md"].hint
    assert "did you mean 'province'" in messages["b.md"].hint


def test_slugs_that_differ_only_by_tones_collide(project):
    site = project({
        "content/tin-tuc/2023/dong-du-1.md": article("Đông Du", "2023-01-01", slug="Đông Du"),
        "content/tin-tuc/2023/dong-du-2.md": article("Đồng Du", "2023-02-01", slug="Đồng Du"),
    })
    errors = errors_of(site)
    assert len(errors) == 1
    assert errors[0].field == "slug" and "/tin-tuc/2023/dong-du/" in errors[0].message
    assert "dong-du-1.md" in errors[0].message


def test_tags_that_slugify_alike_collide(project):
    site = project({
        "content/tin-tuc/2023/a.md": article("A", "2023-01-01", tags=["Đông Du"]),
        "content/tin-tuc/2023/b.md": article("B", "2023-01-02", tags=["Đồng Du"]),
        "content/tin-tuc/2023/c.md": article("C", "2023-01-03", tags=["đông du"]),  # same tag, other case
    })
    errors = errors_of(site)
    assert [(e.path.rsplit("/", 1)[-1], e.field) for e in errors] == [("b.md", "tags")]


def test_an_alias_colliding_with_a_page_is_an_error(project):
    site = project({
        "content/tin-tuc/2023/a.md": article("A", "2023-01-01"),
        "content/tin-tuc/2023/b.md": article("B", "2023-01-02", aliases='["/tin-tuc/2023/a/", "/tinh/"]'),
    })
    errors = errors_of(site)
    assert len(errors) == 2 and all(e.field == "aliases" for e in errors)


@pytest.mark.parametrize("alias", ["/../../etc/passwd", "https://evil.example/", "relative/path", "/a/../../b"])
def test_aliases_cannot_escape_the_site(project, alias):
    site = project({"content/tin-tuc/2023/a.md": article("A", "2023-01-01", aliases=f'["{alias}"]')})
    errors = errors_of(site)
    assert errors[0].field == "aliases"


def test_slug_override_cannot_escape(project):
    site = project({"content/tin-tuc/2023/a.md": article("A", "2023-01-01", slug='"../../../x"')})
    site.build()
    assert (site.out / "tin-tuc/2023/x/index.html").exists()
    assert not (site.root.parent / "x").exists()


def test_bom_crlf_and_nfd_are_accepted(project):
    text = article("Đắk Lắk: hội nghị", "2023-01-01", province="Đắk Lắk", tags=["đổi mới"])
    text = "\ufeff" + unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    site = project()
    (site.root / "content/tin-tuc/2023").mkdir(parents=True)
    (site.root / "content/tin-tuc/2023/dak-lak.md").write_bytes(text.encode("utf-8"))
    site.build()
    html = site.page("/tin-tuc/2023/dak-lak/")
    assert "Đắk Lắk: hội nghị" in html  # NFC in the output
    assert (site.out / "the/doi-moi/index.html").exists()
    assert (site.out / "tinh/dak-lak/index.html").exists()


def test_article_outside_a_section_is_an_error(project):
    site = project({"content/lac-loai.md": article("A", "2023-01-01")})
    errors = errors_of(site)
    assert errors[0].path == "content/lac-loai.md" and "section" in errors[0].message


def test_config_errors_are_listed_together(project):
    site = project(site_toml='title = ""\nbase_url = "example.org"\npage_size = 0\ntopics = []\n'
                             'timezone = "Mars/Base"\nunknown_key = 1\n')
    errors = errors_of(site)
    fields = {e.field for e in errors}
    assert {"title", "base_url", "page_size", "topics", "timezone", "unknown_key"} <= fields
    assert all(e.path == "site.toml" for e in errors)
    assert next(e for e in errors if e.field == "unknown_key").line == 6


def test_a_layout_error_in_a_parallel_render_keeps_its_file_and_line(project):
    files = {f"content/tin-tuc/2023/bai-{n:03}.md": article(f"Bài {n}", f"2023-{n % 12 + 1:02}-{n % 27 + 1:02}",
                                                           tags=[f"thẻ {n % 40}"])
             for n in range(120)}
    site = project(files)
    layout = site.own("layouts/article.html")
    lines = layout.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "<h1>" in line)
    lines.insert(at + 1, "{{ article.no_such_field }}")
    layout.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        site.build(jobs=2, search=False)  # 200 pages or more: rendered in worker processes
    (error,) = failed.value.errors
    assert (error.path, error.line) == ("layouts/article.html", at + 2)
    assert "no_such_field" in error.message


def test_errors_survive_pickling():
    import pickle

    from bantin.language.errors import ContentError

    failed = BuildFailed([ContentError("content/a.md", 3, "date", "bad date", "a hint")])
    again = pickle.loads(pickle.dumps(failed))
    assert again.errors == failed.errors and str(again) == str(failed)
