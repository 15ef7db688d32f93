"""The documentation builds strictly (no broken link or anchor, no page left out of nav), and the
README's links lead to pages that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest.importorskip("mkdocs", reason="MkDocs (the test extra) builds the documentation")

REPO = Path(__file__).resolve().parent.parent


def _mkdocs_build(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=root, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
                          timeout=120)


def _copy_docs(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_the_documentation_builds_strictly(tmp_path):
    done = _mkdocs_build(REPO, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "writing" / "index.html").is_file()
    # the editor's guide is Vietnamese and says so (docs/hooks.py); the rest stays English
    vietnamese = (tmp_path / "site" / "vi" / "loi" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="vi"', vietnamese)
    english = (tmp_path / "site" / "errors" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="en"', english)
    assert not (tmp_path / "site" / "hooks.py").exists()
    # the theme's own words on a Vietnamese page are Vietnamese too, and stay English on an English one
    seen = BeautifulSoup(vietnamese, "html.parser")
    for script in seen.find_all("script"):
        script.decompose()
    words = " ".join(seen.get_text(" ").split()) + " ".join(
        value for tag in seen.find_all(True) for name in ("title", "aria-label", "placeholder")
        if isinstance(value := tag.get(name), str))
    for english_word in ("Search docs", "Previous", "Next", "Permanent link", "Built with", "Navigation"):
        assert english_word not in words, english_word
    assert "Tìm trong hướng dẫn" in words and "Trang trước" in words
    assert "Search docs" in english and "Permanent link" in english


@pytest.mark.parametrize("change", ["broken link", "missing anchor", "page not in nav"])
def test_the_strict_build_catches_a_mistake(tmp_path, change):
    root = _copy_docs(tmp_path)
    page = root / "docs" / "writing.md"
    if change == "broken link":
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [nowhere](no-such-page.md).\n", encoding="utf-8")
    elif change == "missing anchor":
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [there](errors.md#no-such-heading).\n",
                        encoding="utf-8")
    else:
        (root / "docs" / "orphan.md").write_text("# Nobody links here\n", encoding="utf-8")
    done = _mkdocs_build(root, tmp_path / "site")
    assert done.returncode != 0, f"{change} was not caught:\n{done.stderr}"


def test_the_readme_links_lead_to_pages_that_exist():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    assert len(links) > 10
    missing = sorted({link for link in links if not (REPO / link).is_file()})
    assert not missing, f"README links to missing pages: {missing}"


# --- the editor's guide (docs/vi/, Vietnamese first, the English pages beside it) stays true ---------

VI = REPO / "docs" / "vi"
PO = REPO / "bantin" / "language" / "locale" / "vi" / "LC_MESSAGES" / "bantin.po"
GUIDE_PAIRS = {  # each Vietnamese page and the English page beside it: each names the other at its top
    "vi/index.md": "writing.md", "vi/viet-bai.md": "writing.md", "vi/phan-loai.md": "writing.md",
    "vi/anh.md": "writing.md", "vi/tai-lieu.md": "writing.md", "vi/loi.md": "errors.md",
    "vi/trinh-soan-thao.md": "web-editor.md", "vi/github.md": "publishing.md",
}

# Every message of these modules can reach an editor writing, checking or previewing an article...
EDITOR_MODULES = (
    "content/parse.py", "content/checks.py", "content/assemble.py", "content/authoring.py", "language/dates.py",
    "language/errors.py", "language/provinces.py", "language/syntax.py", "photos/processing.py",
    "builder/links.py", "builder/plan.py", "project/inputs.py", "editor/rebuild.py", "documents/catalogue.py",
    "markup/charts.py",
)
# ... but these, which only the person who runs the site meets (site.toml and the province list are TOML,
# the favicon is site.toml's); they are said on the English operator's pages
OPERATOR_ONLY = {
    "ocr = true, but Tesseract with its {language} data is not installed: scanned documents are not read",
    "install it (Debian, Ubuntu: {command}), or set ocr = false",
    "{file} cannot be read here (TOML: {problem})", "each line is 'key = value', text in double quotes: {example}",
    "{file} cannot be read: {cause} (TOML: {problem})", "{key} is set twice (lines {first} and {second})",
    "a list opened with '[' is never closed with ']'", "a heading opened with '[' is never closed with ']'",
    "site settings are written 'key = value', with '=', not ':'", "text must be in double quotes",
    "curly quotes “ ” do not enclose a value: use straight double quotes \" \"",
    "{name!r} is listed twice", "{spelling!r} would match both {first!r} and {second!r}",
    "each [[province]] needs a name", "the favicon: {problem}", "give a PNG of 180×180 pixels or more",
    "{name!r}: since must be a date such as {example}",
    "a folder on its way leads outside the project",  # theme copy, init --force: layouts.md, start.md
}
# ... and these of other modules: what check, build, new and serve say around an editor's articles
EDITOR_MESSAGES = {
    ("ok: {count} article checked, no errors ({seconds:.2f} s)",
     "ok: {count} articles checked, no errors ({seconds:.2f} s)"),
    "built {folder}/: {summary}",
    "{articles}; {pages} and {files} written in {seconds:.2f} s",
    ("{count} article", "{count} articles"), ("{count} page", "{count} pages"), ("{count} file", "{count} files"),
    ("left out: {count} draft", "left out: {count} drafts"),
    ("left out: {count} article dated in the future", "left out: {count} articles dated in the future"),
    ("{count} photo encoded", "{count} photos encoded"),
    "search: {shards}, {indexed} re-indexed in {seconds:.2f} s", ("{count} shard", "{count} shards"),
    "warning: {problem}", "warning: ... and {count} more like these", "error: {problem}", "wrote {path}",
    "--date: {problem}", "no {file} in {folder}",
    "to start a new site here: {init}; for a site elsewhere, run bantin in its folder (the one holding {file}) or "
    "give it: {example}",
    "the following arguments are required: {names}", "{command} --help lists what it takes",
    "a file a browser opens as a page with its own script would be published as it is",
    "write the page as a Markdown article, or use a photo format (JPEG, PNG, WebP) for images; {setting} allows "
    "such files", "this file would overwrite the generated page /{path}", "rename or move it",
    "the image {path} cannot be used: {problem}", ".bantin-cache/ is committed to the repository ({count} files)",
    "the cache is the build's own state and is never taken from content: {command}, then commit",
    "serving {folder}/ at {address} (Ctrl+C to stop)", "web editor: {address}admin/", "stopped",
    "fix the errors above; the site will be built as soon as they are fixed",
    "port {port} on {host} is already in use (another serve, or another program)",
    "stop the other one, or choose another port: {next}, or {any} for any free port",
}
_FIELD_RE = re.compile(r"\{[^{}]*\}")


def _catalogue() -> dict[str | tuple[str, str], str]:
    """msgid (a plural's pair) -> the Vietnamese msgstr (a plural's one form)."""
    from babel.messages.pofile import read_po
    with PO.open("rb") as file:
        return {m.id if isinstance(m.id, str) else tuple(m.id): m.string if isinstance(m.string, str) else m.string[0]
                for m in read_po(file) if m.id}


def _said(text: str) -> str:
    return " ".join(text.split())


def _lines(message: str, hint_word: str) -> list[str]:
    """The lines of a message, each on one line ('    hint: ...' lines without their label)."""
    lines = [_said(line).removeprefix(f"{hint_word}: ") for line in message.split("\n")]
    return [line for line in lines if line]


def _pattern(template: str) -> re.Pattern[str]:
    """A template's fixed words, with any text where a {field} stands (said values, paths, nested messages)."""
    parts = _FIELD_RE.split(template)
    return re.compile("(?:.+?)".join(re.escape(part) for part in parts), re.DOTALL)


def _telling(template: str) -> bool:
    """Whether a template says something of its own: not '{first}; {second}', '{a} or {b}' or '    {guess}',
    which would match any quote."""
    words = re.findall(r"[^\W\d_]+", _FIELD_RE.sub(" ", template))
    return len(words) >= 2 or (len(words) == 1 and len(_FIELD_RE.findall(template)) < 2)


def _quotes(page: Path, hint_word: str) -> list[str]:
    """What a page of errors quotes of bantin: in each list item that starts with a code span, the code
    spans before its ' — ' (the messages) and those after '<hint word>: ' (the hints); and the lines of
    its ```text blocks (real output), without number, file, line and field."""
    text = page.read_text(encoding="utf-8")
    quotes = []
    for block in re.findall(r"^```text\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            line = re.sub(rf"^\s*(?:\d+\. )?(?:{hint_word}: |cảnh báo: |lỗi: |warning: |error: )?", "", line)
            where = r"(?:\(command line\)|\(dòng lệnh\)|[^\s:]*[/.][^\s:]*)"  # a file, or `new`'s options
            line = re.sub(rf"^{where}(?::\d+)?: (?:\[[^\]]+\] )?", "", line)
            quotes.append(_said(line))
    items = re.findall(r"^- (`.*?)(?=\n\n|\n- |\n#|\Z)", text, re.MULTILINE | re.DOTALL)
    assert len(items) > 10, f"{page.name}: no messages found where they are quoted"
    for item in map(_said, items):
        head = item.split(" — ", 1)[0]
        hints = set(re.findall(rf"{hint_word}: `([^`]+)`", item))
        quotes += hints
        quotes += [span for span in re.findall(r"`([^`]+)`", re.sub(rf"{hint_word}: `[^`]+`", "", head))]
    said_with = r"^(?:lỗi|error): "  # "error: {problem}": the problem is a message too
    quotes += [re.sub(said_with, "", quote) for quote in quotes if re.match(said_with, quote)]
    return [quote for quote in quotes if quote]


def _editor_messages() -> set[str | tuple[str, str]]:
    from babel.messages.extract import extract_from_dir
    found = extract_from_dir(str(REPO / "bantin"), method_map=[("**.py", "python")],
                             keywords={"Text": None, "counted": (1, 2)})
    messages = set(EDITOR_MESSAGES)
    for path, _, message, _, _ in found:
        key = message if isinstance(message, str) else tuple(message)
        if path.replace("\\", "/").endswith(EDITOR_MODULES) and key not in OPERATOR_ONLY:
            messages.add(key)
    return messages


def _forms(message: str | tuple[str, str], catalogue: dict, language: str) -> list[str]:
    """How a message is said: the Vietnamese msgstr, or the English msgid (a plural's two forms)."""
    if language == "vi":
        return [catalogue[message]]
    return [message] if isinstance(message, str) else list(message)


@pytest.mark.parametrize("page, language", [("vi/loi.md", "vi"), ("errors.md", "en")])
def test_every_message_the_error_page_quotes_is_one_bantin_says(page, language):
    """A quote that is no message of the catalogue (mistyped, invented, or a message the code no longer
    has) fails; {fields} stand for any text, so nested messages and example values pass."""
    pytest.importorskip("babel", reason="babel (the test extra) reads the catalogue")
    catalogue = _catalogue()
    hint_word = "gợi ý" if language == "vi" else "hint"
    templates = [_pattern(shape) for message in catalogue for form in _forms(message, catalogue, language)
                 for shape in dict.fromkeys([_said(form), *_lines(form, hint_word)]) if _telling(shape)]
    quotes = _quotes(REPO / "docs" / page, hint_word)
    assert len(quotes) > 80
    unknown = [quote for quote in quotes if not any(t.fullmatch(quote) for t in templates)]
    assert not unknown, f"{page} quotes what bantin never says (see bantin.po): {unknown}"


@pytest.mark.parametrize("page, language", [("vi/loi.md", "vi"), ("errors.md", "en")])
def test_the_error_page_quotes_every_message_an_editor_can_meet(page, language):
    """A new message in the code that parses, checks or previews articles needs its place in the guide
    (or in OPERATOR_ONLY above, said on the operator's pages). A message found inside another (a reason
    inside its sentence) counts."""
    pytest.importorskip("babel", reason="babel (the test extra) extracts the code's messages")
    catalogue = _catalogue()
    hint_word = "gợi ý" if language == "vi" else "hint"
    quotes = _quotes(REPO / "docs" / page, hint_word)
    messages = _editor_messages()
    assert len(messages) > 100
    missing = []
    for message in sorted(messages, key=str):
        assert message in catalogue, f"not in bantin.po: {message!r}"
        if not any(all(any(_pattern(line).search(quote) for quote in quotes) for line in _lines(form, hint_word))
                   for form in _forms(message, catalogue, language)):
            missing.append(message if isinstance(message, str) else message[0])
    assert not missing, f"{page} does not quote these messages (quote each as bantin says it): {missing}"


def test_the_field_table_names_every_field_of_an_article():
    """In Vietnamese and in English, with the required ones marked so."""
    from bantin.content.parse import KNOWN_FIELDS, REQUIRED_FIELDS
    for page in (VI / "viet-bai.md", REPO / "docs" / "writing.md"):
        rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \|", page.read_text(encoding="utf-8"), re.MULTILINE)
        named = {field: required.strip() for cell, required in rows for field in re.findall(r"`(\w+)`", cell)}
        missing = [field for field in KNOWN_FIELDS if field not in named]
        assert not missing, f"{page.name}: the field table leaves out {missing}"
        required = {field for field, said in named.items() if said in ("có", "yes")}
        assert required & set(KNOWN_FIELDS) == set(REQUIRED_FIELDS), page.name


def test_each_page_of_the_guide_names_the_page_beside_it_in_the_other_language():
    """'English: ...' at the top of each Vietnamese page, 'Tiếng Việt: ...' at the top of each English one."""
    for vietnamese, english in GUIDE_PAIRS.items():
        top = "\n".join((REPO / "docs" / vietnamese).read_text(encoding="utf-8").splitlines()[:5])
        assert re.search(rf"^English: .*\]\(\.\./{re.escape(english)}[#)]", top, re.MULTILINE), vietnamese
    for english in set(GUIDE_PAIRS.values()):
        top = "\n".join((REPO / "docs" / english).read_text(encoding="utf-8").splitlines()[:5])
        assert re.search(r"^Tiếng Việt: .*\]\(vi/[\w-]+\.md[#)]", top, re.MULTILINE), english


def test_the_vietnamese_guide_comes_first_in_the_navigation():
    import yaml
    nav = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert list(nav[0]) == ["Biên tập viên"], nav[0]
    pages = {page if isinstance(page, str) else next(iter(page.values())) for page in nav[0]["Biên tập viên"]}
    assert pages == {path.relative_to(REPO / "docs").as_posix() for path in VI.glob("*.md")}
