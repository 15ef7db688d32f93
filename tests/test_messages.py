"""Editors hear bantin in their site's language: one gettext catalogue, complete and in step with the code."""

from __future__ import annotations

import ast
import gettext
import pickle
import re
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bantin.language.errors import BuildFailed, ContentError, format_errors
from bantin.language.messages import LOCALE_DIR, Text, catalogue

from conftest import ENGLISH, REPO, SITE_TOML, article, in_process

babel = pytest.importorskip("babel", reason="babel (the test extra) reads and extracts the catalogue")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "bantin.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"Text": None, "counted": (1, 2)}  # as in the README's pybabel extract -k Text -k counted:1,2


def code_messages() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(REPO / "bantin"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def po_catalogue():
    with PO.open("rb") as file:
        return read_po(file)


def fields(template: str) -> set[str]:
    """The replacement fields of a str.format template, with their conversions and format specs."""
    return {f"{name}!{conversion}:{spec}" for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None}


def test_every_message_in_the_code_is_translated_with_the_same_fields():
    translations = {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in po_catalogue() if m.id}
    messages = code_messages()
    assert len(messages) > 150  # the extraction found the code's messages at all
    missing = sorted(map(str, messages - set(translations)))
    assert not missing, f"not in bantin.po (docs/messages.md): {missing[:5]}"
    for message in messages:
        said = translations[message]
        said = said[0] if isinstance(said, tuple | list) else said
        english = message if isinstance(message, str) else message[0]
        assert said.strip(), f"untranslated: {english!r}"
        assert fields(said) == fields(english), (english, said)
    stale = sorted(map(str, set(translations) - messages))
    assert not stale, f"bantin.po keeps messages the code no longer has: {stale[:5]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message in po_catalogue():
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id
        else:
            assert compiled.ngettext(message.id[0], message.id[1], 2) == message.string[0], message.id


def _plain(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                                                and bool(node.value))


def test_no_message_to_an_editor_bypasses_the_catalogue():
    """Errors, hints and serve's log lines are Text; a bare string or f-string would stay English."""
    positions = {"ContentError": (3, 4), "error": (1, 2), "UsageError": (0, 1), "ImportFailed": (0,),
                 "ImageUnreadable": (0,), "log": (0,)}
    bare = []
    modules = sorted((REPO / "bantin").rglob("*.py"))
    assert len(modules) > 40  # every package's modules, not only the top level
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arguments = [node.args[i] for i in positions.get(name, ()) if i < len(node.args)]
            arguments += [k.value for k in node.keywords if name in positions and k.arg in ("hint", "message")]
            bare += [f"{path.relative_to(REPO)}:{node.lineno}" for argument in arguments if _plain(argument)]
    assert not bare, f"wrap these messages in Text(...): {bare}"


def test_a_message_keeps_its_language_across_a_worker_process():
    error = ContentError("content/a.md", 3, "province", Text("unknown province {name!r}", name="Hà Tỉnh"),
                         Text("did you mean {names}?", names="'Hà Tĩnh'"))
    crossed = pickle.loads(pickle.dumps(BuildFailed([error])))
    said = format_errors(crossed.errors, catalogue("vi"))
    assert said == ("1 lỗi:\n1. content/a.md:3: [province] không có tỉnh, thành phố 'Hà Tỉnh'\n"
                    "    gợi ý: có phải bạn muốn viết 'Hà Tĩnh'?")
    assert format_errors(crossed.errors) == ("1 error:\n1. content/a.md:3: [province] unknown province 'Hà Tỉnh'\n"
                                             "    hint: did you mean 'Hà Tĩnh'?")


def test_a_broken_translation_falls_back_to_english_rather_than_hiding_the_error():
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "{nothing_like_it}"

    assert Text("unknown topic {name!r}", name="X").said(Broken()) == "unknown topic 'X'"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`bantin ARGS` in `cwd`, in this process (conftest.in_process): what main says and returns."""
    return in_process(args, cwd)


BAD = {"content/tin-tuc/2023/a.md": article("A", "2023-02-30", province="Atlantis")}


@pytest.mark.parametrize(("site_toml", "expected"), [
    (SITE_TOML, ["2 lỗi:", "[date] ngày không có thật '2023-02-30'", "[province] không có tỉnh, thành phố 'Atlantis'",
                 "gợi ý: ghi tên tỉnh, thành phố, hoặc 'Trung ương' cho tin toàn quốc"]),
    (ENGLISH + SITE_TOML, ["2 errors:", "[date] impossible date '2023-02-30'", "[province] unknown province 'Atlantis'",
                           "hint: use a province or city name"]),
], ids=["vi", "en"])
def test_check_speaks_the_site_language(project, site_toml, expected):
    site = project(BAD, site_toml)
    result = run("check", cwd=site.root)
    assert result.returncode == 1
    for line in expected:
        assert line in result.stderr, result.stderr
    assert "content/tin-tuc/2023/a.md:3:" in result.stderr  # file and line stay as they are


def test_command_line_mistakes_are_said_in_vietnamese_without_a_traceback(project):
    site = project({"content/tin-tuc/2023/a.md": article("A", "2023-01-01")})
    cases = {
        ("build", "--jobs", "hai"): "tham số --jobs: 'hai' không phải là giá trị int hợp lệ",
        ("build", "--no-such-option"): "tham số không nhận ra: --no-such-option",
        ("new", "Tiêu đề"): "còn thiếu tham số bắt buộc: --province, --topic",
        ("serve", "--port"): "tham số --port: cần một giá trị đi sau",
        ("new", "T", "--province", "Ha Tinhh", "--topic", "Y te"): "có phải bạn muốn viết 'Hà Tĩnh'",
    }
    for args, message in cases.items():
        result = run(*args, cwd=site.root)
        assert result.returncode in (1, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    helped = run("new", "--help", cwd=site.root)
    assert helped.returncode == 0 and "tiêu đề bài viết" in helped.stdout


def test_serve_says_where_it_serves_in_the_site_language(project):
    """serve's log lines are Text too: the terminal an editor watches is in Vietnamese."""
    site = project({"content/tin-tuc/2023/a.md": article("A", "2023-01-01")})
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0", "--no-search"],
                               cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)  # a serve that never says where it is ends the read
    watchdog.start()
    try:
        line = ""
        for line in process.stdout:  # type: ignore[union-attr]
            if "http://" in line:
                break
        assert re.search(r"đang phục vụ _site/ tại http://127\.0\.0\.1:\d+/ \(Ctrl\+C để dừng\)", line), line
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=30)


def test_a_text_file_that_is_not_utf8_is_named_not_a_traceback(project):
    """site.toml, a province list and a layout saved in another encoding (Windows-1258, say)."""
    site = project({"content/tin-tuc/2023/a.md": article("A", "2023-01-01")})
    good = (site.root / "site.toml").read_bytes()
    cases = {
        "site.toml": lambda: (site.root / "site.toml").write_bytes(b'title = "Li\xean hi\xeap"\n'),
        "tinh.toml": lambda: ((site.root / "tinh.toml").write_bytes(b'x = "\xff"\n'),
                              (site.root / "site.toml").write_bytes(b'provinces = "tinh.toml"\n' + good)),
        "layouts/404.html": lambda: site.own("layouts/404.html").write_bytes(b"\xff\xfe<p>404</p>"),
    }
    for name, spoil in cases.items():
        (site.root / "site.toml").write_bytes(good)
        spoil()
        result = run("build", "--no-search", "-q", cwd=site.root)
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert f"{name}" in result.stderr and "tệp không phải văn bản UTF-8" in result.stderr, (name, result.stderr)


def test_the_build_summary_counts_in_the_site_s_language():
    """One article is 'article', not 'articles', in English; Vietnamese has one form for every count."""
    from bantin.builder.pipeline import Report
    from bantin.search.shards import IndexReport

    one = Report(1, 1, 1, 1, 0, 0.5, IndexReport(1, ("a",), 0.25))
    two = Report(2, 3, 0, 2, 0, 0.5, IndexReport(2, (), 0.25))
    assert one.summary().said(catalogue("en")) == ("1 article; 1 page and 1 file written in 0.50 s; left out: 1 draft; "
                                                   "search: 1 shard, 1 re-indexed in 0.25 s")
    assert two.summary().said(catalogue("en")) == ("2 articles; 3 pages and 0 files written in 0.50 s; "
                                                   "left out: 2 drafts; search: 2 shards, 0 re-indexed in 0.25 s")
    assert one.summary().said(catalogue("vi")).startswith("1 bài; đã ghi 1 trang và 1 tệp trong 0,50 giây")
    assert "tìm kiếm: 2 phần chỉ mục, 0 phần lập lại trong 0,25 giây" in two.summary().said(catalogue("vi"))
