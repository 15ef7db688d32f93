"""`bantin init`: a new site of an association's own, and `bantin theme` for its copies of theme files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from bantin import __version__
from bantin.builder.pipeline import BuildOptions, build
from bantin.cli.main import main
from bantin.language.messages import catalogue, say
from bantin.project.config import load_config
from bantin.starter.init import STARTER_DIR, WORKFLOW_NAMES, requirements
from bantin.starter.origin import installed, origin
from bantin.theme.copies import RECORD_FILE, theme_diff
from bantin.theme.files import THEME_DIR, file_digest

from conftest import REPO
from html_helpers import Page
from test_workflows import PINNED, WORKFLOWS, actionlint

TITLE = "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hà Tĩnh"
URL = "https://lhh-hatinh.github.io/trang-tin/"


def init(tmp_path: Path, *more: str, folder: str = "site") -> tuple[int, Path]:
    return main(["init", str(tmp_path / folder), "--title", TITLE, "--base-url", URL, *more]), tmp_path / folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_writes_a_site_of_its_own_that_checks_and_builds(tmp_path, capsys):
    status, site = init(tmp_path)
    assert status == 0
    assert "đã viết trang mới vào" in capsys.readouterr().out
    year = next((site / "content/tin-tuc").iterdir()).name
    assert sorted(files_of(site)) == sorted([
        ".github/workflows/site.yml", ".gitignore", "assets/README.md", "assets/img/logo.png", "assets/img/share.png",
        f"content/anh/{year}/anh-mau.jpg", f"content/tin-tuc/{year}/chao-mung.md", "layouts/README.md",
        "requirements.txt", "site.toml"])
    settings = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))
    assert (settings["title"], settings["base_url"], settings["language"]) == (TITLE, URL, "vi")
    assert settings["sections"] == {"tin-tuc": "Tin tức"} and settings["cms"]["enabled"] is False
    assert "#   bao-cao" in (site / "site.toml").read_text(encoding="utf-8")  # what to adapt, commented
    assert (site / "requirements.txt").read_text().splitlines()[-1] == f"bantin=={__version__}"
    report = build(load_config(site), BuildOptions(jobs=1, search=False))
    assert report.articles == 1 and report.warnings == ()
    home = Page((site / "_site/index.html").read_text(encoding="utf-8"))
    assert home.links_in("nav", "site-nav").count("/trang-tin/tin-tuc/") == 1
    assert len(home.links_in("nav", "site-nav")) == 6  # home, its one section, provinces, topics, tags, archive
    assert not (site / "_site/admin").exists()
    logo = home.find("a", "brand")
    assert TITLE in logo["text"]
    # its own identity: none of the example site's pictures or words
    for name in ("logo.png", "share.png"):
        assert (site / "assets/img" / name).read_bytes() != (REPO / "assets/img" / name).read_bytes()
    published = b"".join(p.read_bytes() for p in (site / "_site").rglob("*.html"))
    assert "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam".encode() not in published


def test_init_in_english_writes_an_english_site(tmp_path, capsys):
    status, site = init(tmp_path, "--language", "en")
    assert status == 0 and "wrote a new site in" in capsys.readouterr().out
    report = build(load_config(site), BuildOptions(jobs=1, search=False))
    assert report.articles == 1
    year = next((site / "content/news").iterdir()).name
    page = Page((site / f"_site/news/{year}/welcome/index.html").read_text(encoding="utf-8"))
    assert page.text("nav", "breadcrumb") == "Home › News"
    assert "/trang-tin/topic/" in page.links() and (site / "_site/search/index.html").is_file()


def test_the_identity_pictures_are_the_title_s_own(tmp_path):
    init(tmp_path, folder="a")
    main(["init", str(tmp_path / "b"), "--title", "Hội Tin học Đắk Lắk", "--base-url", URL])
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    for name in ("assets/img/logo.png", "assets/img/share.png"):
        assert a[name] != b[name]
    again = tmp_path / "again"
    main(["init", str(again), "--title", TITLE, "--base-url", URL])
    assert files_of(again)["assets/img/logo.png"] == a["assets/img/logo.png"]  # the same title, the same picture


@pytest.mark.parametrize(("case", "said"), [
    ("not empty", "không trống"),
    ("a file", "là một tệp, không phải thư mục"),
    ("bad url", "không phải là địa chỉ http(s) đầy đủ"),
    ("language", "unknown language 'fr'"),  # asked for a language bantin does not speak: said in English
])
def test_init_refuses_what_it_cannot_do_and_writes_nothing(tmp_path, capsys, case, said):
    folder = tmp_path / "site"
    args = ["init", str(folder), "--title", TITLE, "--base-url", URL]
    if case == "not empty":
        folder.mkdir()
        (folder / "ghi-chu.txt").write_text("của tôi")
    elif case == "a file":
        folder.write_text("một tệp")
    elif case == "bad url":
        args[-1] = "lhh-hatinh.github.io"
    else:
        args += ["--language", "fr"]
    before = files_of(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and "\n    " in err and "Traceback" not in err  # a sentence and a hint
    assert files_of(tmp_path) == before and [p.name for p in tmp_path.iterdir()] == ([] if case in (
        "bad url", "language") else ["site"])


def test_init_with_force_writes_into_a_folder_and_keeps_what_is_there(tmp_path, capsys):
    folder = tmp_path / "site"
    (folder / ".git").mkdir(parents=True)
    assert main(["init", str(folder), "--title", TITLE, "--base-url", URL]) == 0  # a fresh clone is empty enough
    (folder / "site.toml").write_text('title = "Của tôi"\n', encoding="utf-8")
    (folder / "requirements.txt").unlink()
    assert main(["init", str(folder), "--title", TITLE, "--base-url", URL, "--force"]) == 0
    assert (folder / "site.toml").read_text(encoding="utf-8") == 'title = "Của tôi"\n'
    assert (folder / "requirements.txt").is_file()
    assert "site.toml" in capsys.readouterr().out


def test_the_new_site_s_workflow_checks_builds_and_deploys_from_main_only(tmp_path):
    _, site = init(tmp_path)
    path = site / ".github/workflows/site.yml"
    assert actionlint(path) == []
    text = path.read_text(encoding="utf-8")
    uses = [line for line in text.splitlines() if line.strip().removeprefix("- ").startswith("uses:")]
    assert uses and all(PINNED.match(line) for line in uses)
    workflow = yaml.load(text, Loader=yaml.BaseLoader)
    assert workflow["on"]["push"]["branches"] == ["main"] and "pull_request" in workflow["on"]
    assert "pull_request_target" not in workflow["on"] and workflow["permissions"] == {"contents": "read"}
    build = workflow["jobs"]["build"]
    # a private repository's Pages settings need pages: read; nothing may write
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    steps = build["steps"]
    runs = [s.get("run", "") for s in steps]
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    install = "uv pip install -r requirements.txt"
    uv = steps[names.index("astral-sh/setup-uv")]["with"]
    assert uv["activate-environment"] == "true" and uv["cache-dependency-glob"] == "requirements.txt"
    assert uv["save-cache"] == "${{ github.ref == 'refs/heads/main' }}"  # a pull request's uv cache is never main's
    assert names.index("astral-sh/setup-uv") < runs.index(install) < names.index("actions/cache/restore") \
        < runs.index("bantin check") < runs.index('bantin build ${BASE_URL:+--base-url "$BASE_URL"}')
    assert names.index("rm -rf .bantin-cache _site") < names.index("actions/cache/restore")
    assert "pytest" not in text and "npm" not in text  # the tool's tests are the tool's CI, not the site's
    only_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    # GitHub Pages, or bantin deploy when site.toml names a [deploy] target
    pages, bantin = f"{only_main} && steps.where.outputs.pages == 'true'", f"{only_main} && " \
                    "steps.where.outputs.pages == 'false'"
    assert steps[names.index("actions/cache/save")]["if"] == only_main
    assert steps[names.index("actions/upload-pages-artifact")]["if"] == pages
    address = next(step for step in steps if step.get("id") == "pages")  # the Pages address, from its settings
    assert address["if"] == pages and 'gh api "repos/${GITHUB_REPOSITORY}/pages"' in address["run"]
    assert address["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert "Settings -> Pages" in address["run"]  # Pages not on yet: said how
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == f"{only_main} && needs.build.outputs.pages == 'true'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    where = next(step for step in steps if step.get("id") == "where")
    for toml, pages_said in (('title = "T"\n', "true"), ('[deploy]\ntarget = "s3://tin-tuc"\n', "false")):
        (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
        (tmp_path / "out").write_text("", encoding="utf-8")
        subprocess.run([sys.executable, "-c", where["run"]], cwd=tmp_path, check=True,
                       env={**os.environ, "GITHUB_OUTPUT": str(tmp_path / "out")})
        assert (tmp_path / "out").read_text(encoding="utf-8") == f"pages={pages_said}\n"
    # the cache holds the output too: a runner builds only what changed (docs/deploying.md)
    for action in ("actions/cache/restore", "actions/cache/save"):
        assert steps[names.index(action)]["with"]["path"].split() == [".bantin-cache", "_site"], action
    # or bantin deploy, to the repository variable's target, with the secrets in that step only
    (sending,) = [step for step in steps if "bantin deploy" in step.get("run", "")]
    assert sending["if"] == bantin and sending["run"].strip().endswith("bantin deploy")
    rclone = next(step for step in steps if "bantin[deploy]" in step.get("run", ""))
    assert rclone["if"] == bantin and steps.index(rclone) < steps.index(sending)
    assert steps.index(sending) > names.index("actions/cache/save")
    assert set(sending["env"]) == {"SSH_PRIVATE_KEY", "SSH_KNOWN_HOSTS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                   "AWS_ENDPOINT_URL"}
    assert all(v == f"${{{{ secrets.{k} }}}}" for k, v in sending["env"].items())
    assert text.count("secrets.") == 5
    checkout = steps[names.index("actions/checkout")]
    assert checkout["with"]["persist-credentials"] == "false"
    # the daily run keeps itself on (GitHub's 60 days): a job of its own, with no checkout, that may only do that
    keepalive = workflow["jobs"]["keepalive"]
    assert keepalive["if"] == "github.event_name == 'schedule'" and keepalive["permissions"] == {"actions": "write"}
    assert [step.get("uses") for step in keepalive["steps"]] == [None]
    (run,) = [step["run"] for step in keepalive["steps"]]
    script = run.replace("gh api", "echo")  # what it asks GitHub, as the runner's variables make it
    said = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True, env={
        "GITHUB_WORKFLOW_REF": "hoi/trang-tin/.github/workflows/site.yml@refs/heads/main",
        "GITHUB_REPOSITORY": "hoi/trang-tin"}).stdout
    assert said == "-X PUT repos/hoi/trang-tin/actions/workflows/site.yml/enable\n"


def test_the_workflow_s_steps_are_named_in_the_site_s_language(tmp_path):
    """An editor opening a failed run reads its steps in the site's language; the workflow stays valid."""
    template = yaml.load((STARTER_DIR / "site.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    english = [template["name"], *(step["name"] for job in template["jobs"].values() for step in job["steps"]
                                   if "name" in step)]
    assert sorted(english) == sorted(name.template for name in WORKFLOW_NAMES)  # every name has its message
    for language in ("vi", "en"):
        _, site = init(tmp_path, "--language", language, folder=language)
        path = site / ".github/workflows/site.yml"
        assert actionlint(path) == []
        workflow = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        names = [workflow["name"], *(step["name"] for job in workflow["jobs"].values() for step in job["steps"]
                                     if "name" in step)]
        assert names == [say(next(n for n in WORKFLOW_NAMES if n.template == name), catalogue(language))
                         for name in english]
        # the rest is the template's, line for line (the environment's name github-pages included)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [line for line in lines if "name:" not in line] == [
            line for line in (STARTER_DIR / "site.yml").read_text(encoding="utf-8").splitlines() if "name:" not in line]
        assert "      name: github-pages" in lines
    assert names == english  # English: the template as it is
    vietnamese = (tmp_path / "vi/.github/workflows/site.yml").read_text(encoding="utf-8")
    assert '- name: "Kiểm tra nội dung"' in vietnamese and "Check the content" not in vietnamese


def test_the_workflows_actions_run_on_node_24():
    """Every action of the workflows, at its pinned commit, as its action.yml said when it was pinned:
    the versions named in the comments are the Node 24 majors (or composite and Docker actions)."""
    node24 = {"actions/checkout": 7, "actions/setup-python": 7, "actions/cache": 5, "actions/deploy-pages": 5,
              "actions/upload-pages-artifact": 5, "astral-sh/setup-uv": 10, "pypa/gh-action-pypi-publish": 1,
              "actions/upload-artifact": 7, "actions/download-artifact": 8}
    files = [*WORKFLOWS, STARTER_DIR / "site.yml"]
    for line in (line for path in files for line in path.read_text(encoding="utf-8").splitlines()):
        found = re.search(r"uses: ([\w.-]+/[\w.-]+)[\w./-]*@[0-9a-f]{40} # v(\d+)\.", line)
        if found:
            assert found[1] in node24, f"{found[1]}: is it on Node 24? add it here once checked"
            assert int(found[2]) >= node24[found[1]], line


# --- the site's copies of theme files -----------------------------------------------------
def test_theme_copy_records_the_file_and_a_changed_theme_file_is_said_once(tmp_path, capsys):
    _, site = init(tmp_path, "--language", "en")
    capsys.readouterr()
    assert main(["theme", "copy", "article.html", "--root", str(site)]) == 0
    copied = site / "layouts/article.html"
    assert copied.read_bytes() == (THEME_DIR / "layouts/article.html").read_bytes()
    record = tomllib.loads((site / RECORD_FILE).read_text(encoding="utf-8"))
    assert record == {"layouts/article.html": {"bantin": __version__,
                                               "sha256": file_digest(THEME_DIR / "layouts/article.html")}}
    assert main(["build", "--root", str(site), "--no-search", "-q"]) == 0
    assert capsys.readouterr().err == ""  # the copy follows the theme as it is
    # a site whose copy was made from an older theme (its record names another file)
    (site / RECORD_FILE).write_text('["layouts/article.html"]\nbantin = "0.0.9"\nsha256 = "' + "0" * 64 + '"\n'
                                    '["layouts/gone.html"]\nbantin = "0.0.9"\nsha256 = "' + "1" * 64 + '"\n',
                                    encoding="utf-8")
    (site / "layouts/gone.html").write_text("<p>gone</p>", encoding="utf-8")
    assert main(["build", "--root", str(site), "--no-search"]) == 0  # the build goes on (warnings: not with -q)
    warned = capsys.readouterr().err
    assert warned.count("layouts/article.html") == 1 and "has changed since this copy" in warned
    assert "bantin theme diff article.html" in warned
    assert warned.count("layouts/gone.html") == 1 and "no longer has gone.html" in warned
    # the copy, edited by the site: without the old theme file, diff compares the site's copy with the theme's
    copied.write_text(copied.read_text(encoding="utf-8").replace("<h1>", '<h1 class="own">'), encoding="utf-8")
    assert main(["theme", "diff", "article.html", "--root", str(site)]) == 0
    diff = capsys.readouterr().out
    assert diff.startswith("--- site: layouts/article.html\n+++ theme") and '-    <h1 class="own">' in diff
    # with the file the site copied kept by bantin, it shows the theme's own change
    history = tmp_path / "history"
    history.mkdir()
    old = (THEME_DIR / "layouts/article.html").read_text(encoding="utf-8").replace("<h1>", "<h1 class=old>")
    (history / ("2" * 64)).write_text(old, encoding="utf-8")
    (site / RECORD_FILE).write_text('["layouts/article.html"]\nbantin = "0.0.9"\nsha256 = "' + "2" * 64 + '"\n',
                                    encoding="utf-8")
    change = theme_diff(site, "article.html", history)
    assert change.startswith("--- theme 0.0.9: layouts/article.html\n")
    assert "-    <h1 class=old>" in change and "+    <h1>" in change and "own" not in change
    # merged by hand: --mark records the theme's file of now, and the warning goes
    assert main(["theme", "copy", "article.html", "--mark", "--root", str(site)]) == 0
    capsys.readouterr()
    assert main(["build", "--root", str(site), "--no-search", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_theme_copy_never_replaces_a_site_file_and_names_unknown_files(tmp_path, capsys):
    _, site = init(tmp_path, "--language", "en")
    (site / "layouts/list.html").write_text("mine", encoding="utf-8")
    assert main(["theme", "copy", "list.html", "--root", str(site)]) == 2
    assert "is there already" in capsys.readouterr().err
    assert (site / "layouts/list.html").read_text(encoding="utf-8") == "mine"
    assert main(["theme", "copy", "nope.html", "--root", str(site)]) == 2
    assert "bantin theme list" in capsys.readouterr().err
    assert main(["theme", "copy", "css/site.css", "--root", str(site)]) == 0
    assert (site / "assets/css/site.css").read_bytes() == (THEME_DIR / "assets/css/site.css").read_bytes()
    assert main(["theme", "list", "--root", str(site)]) == 0
    listed = capsys.readouterr().out
    assert "layouts/list.html  (the site's own file takes its place)" in listed
    assert "assets/css/site.css  (copied into the site, from bantin" in listed


# --- requirements.txt: the very bantin that ran init ----------------------------------------
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(("direct_url", "line", "reachable"), [
    (None, "bantin==1.2.3", True),  # from a package index: pip writes no direct_url.json
    (json.dumps({"url": "https://git.example.org/hoi/bantin.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT,
                                                                            "requested_revision": "v1.2.3"}}),
     f"bantin @ git+https://git.example.org/hoi/bantin.git@{COMMIT}", True),
    (json.dumps({"url": "https://git.example.org/tools.git", "subdirectory": "bantin",
                 "vcs_info": {"vcs": "git", "commit_id": COMMIT}}),
     f"bantin @ git+https://git.example.org/tools.git@{COMMIT}#subdirectory=bantin", True),
    (json.dumps({"url": "file:///home/tt/bantin", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}),
     f"bantin @ git+file:///home/tt/bantin@{COMMIT}", False),  # this computer's: said in a comment
    (json.dumps({"url": "https://example.org/releases/download/v1.2.3/bantin-1.2.3-py3-none-any.whl",
                 "archive_info": {"hashes": {"sha256": "ab" * 32}, "hash": "sha256=" + "ab" * 32}}),
     "bantin @ https://example.org/releases/download/v1.2.3/bantin-1.2.3-py3-none-any.whl#sha256=" + "ab" * 32, True),
    (json.dumps({"url": "file:///tmp/bantin-1.2.3-py3-none-any.whl", "archive_info": {}}), "bantin==1.2.3", False),
    (json.dumps({"url": "file:///home/tt/bantin", "dir_info": {"editable": True}}), "bantin==1.2.3", False),
    (json.dumps({"url": "file:///home/tt/bantin", "dir_info": {}}), "bantin==1.2.3", False),
    ("not json", "bantin==1.2.3", False),
])
def test_the_requirement_installs_the_bantin_that_ran_init(direct_url, line, reachable):
    found = origin("1.2.3", direct_url)
    assert (found.requirement, found.reachable) == (line, reachable)
    text = requirements(found, "vi")
    assert text.splitlines()[-1] == line and all(row.startswith("# ") for row in text.splitlines()[:-1])
    if not reachable and line.startswith("bantin=="):  # why, and what to write instead
        assert "không máy CI nào tới được" in text and "bantin @ git+https://<địa chỉ của kho mã>" in text
        assert "bantin-1.2.3-py3-none-any.whl" in text
    assert requirements(found, "en").startswith("# The bantin this site is built with")


def test_init_writes_the_requirement_of_the_installed_bantin(tmp_path):
    status, site = init(tmp_path)
    assert status == 0
    assert (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == \
        installed(__version__).requirement


def test_a_site_that_cannot_be_written_is_said_and_nothing_is_left(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("a file where a folder should be")
    assert main(["init", str(taken / "site"), "--title", TITLE, "--base-url", URL]) == 2
    said = capsys.readouterr().err
    assert "không ghi được" in said and "gợi ý:" in said and "không có gì được ghi" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    # into a folder with --force: a file in the way of .github/ stops it before anything is written
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / ".github").write_text("not a folder")
    assert main(["init", str(folder), "--title", TITLE, "--base-url", URL, "--force"]) == 2
    assert "không ghi được" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == [".github"]
