"""Real target servers on loopback, for tests/test_deploy.py and bench/deploy.py: `rclone serve sftp`
with key login (keys made by ssh-keygen, the host's key in a known_hosts of a home of its own) and
`rclone serve s3` with an access key. Never mocks: bantin deploy talks to them as to a VPS or R2."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bantin.deploy.rclone import binary
from bantin.language.errors import UsageError

try:
    RCLONE = binary()
except UsageError:
    RCLONE = ""
SSH_KEYGEN = shutil.which("ssh-keygen")
ACCESS_KEY, SECRET_KEY = "BANTINTESTKEY", "s3cr3t-bantin-test-value-0123456789"


@dataclass
class Server:
    """A target server on loopback: what it serves, and the environment a deploy to it runs with."""

    url: str  # the target without its last folder: url + "/name"
    served: Path  # the folder holding what it serves (url's root)
    env: dict[str, str]
    port: int = 0
    host_key: str = ""  # sftp: "ssh-ed25519 AAAA..."
    keys: Path | None = None  # sftp: the folder of the keys: client, host, authorized_keys


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(args: list[str], port: int, log: Path) -> subprocess.Popen:
    """Start `rclone serve ...` and wait until it accepts connections."""
    process = subprocess.Popen([RCLONE, "serve", *args, "--addr", f"127.0.0.1:{port}", "--config", ""],
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"rclone serve did not start: {log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def keygen(path: Path) -> str:
    """An ed25519 key pair without a passphrase; returns the public key line."""
    subprocess.run([str(SSH_KEYGEN), "-q", "-t", "ed25519", "-N", "", "-C", "bantin-test", "-f", str(path)],
                   check=True)
    return path.with_suffix(".pub").read_text()


def ssh_home(folder: Path, key: Path | None, known_hosts: str) -> Path:
    """A home folder with ~/.ssh/id_ed25519 and ~/.ssh/known_hosts, as a deploy machine has them."""
    (folder / ".ssh").mkdir(parents=True)
    if key is not None:
        shutil.copyfile(key, folder / ".ssh" / "id_ed25519")
        os.chmod(folder / ".ssh" / "id_ed25519", 0o600)
    (folder / ".ssh" / "known_hosts").write_text(known_hosts)
    return folder


def sftp_server(work: Path, env: dict[str, str]) -> tuple[Server, subprocess.Popen]:
    """An SFTP server serving work/served, a login `bantin` with a key, and a home that knows both."""
    keys = work / "keys"
    keys.mkdir()
    client = keygen(keys / "client")
    host = keygen(keys / "host")
    (keys / "authorized_keys").write_text(client)
    served = work / "served"
    served.mkdir()
    port = free_port()
    process = serve(["sftp", str(served), "--authorized-keys", str(keys / "authorized_keys"), "--key",
                     str(keys / "host")], port, work / "server.log")
    host_key = " ".join(host.split()[:2])
    home = ssh_home(work / "home", keys / "client", f"[127.0.0.1]:{port} {host_key}\n")
    return Server(f"sftp://bantin@127.0.0.1:{port}/~", served, {**env, "HOME": str(home)}, port, host_key,
                  keys), process


def s3_server(work: Path, env: dict[str, str]) -> tuple[Server, subprocess.Popen]:
    """An S3-compatible server serving work/served, with the bucket tin-tuc and one access key."""
    served = work / "served"
    (served / "tin-tuc").mkdir(parents=True)  # the bucket
    port = free_port()
    process = serve(["s3", str(served), "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}"], port, work / "server.log")
    env = {**env, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "HOME": str(work)}
    return Server("s3://tin-tuc", served / "tin-tuc", env, port), process
