"""A running `serve` of a test project, in a thread, and a way to talk to it over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from bantin.builder.pipeline import BuildOptions
from bantin.editor.serve import EVENTS_PATH, serve

from conftest import Project


class Served:
    """A running `serve` of a project, and a way to talk to it."""

    def __init__(self, project: Project, origin: str) -> None:
        self.project = project
        self.origin = origin
        self.host, self.port = urlsplit(origin).hostname, urlsplit(origin).port

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET a raw path (sent as written: no normalising of '..' or %-escapes)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        connection.close()
        return result

    def events(self) -> Iterator[dict]:
        """The site states the server streams to open pages."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        connection.request("GET", EVENTS_PATH)
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                yield json.loads(line[6:])

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST raw bytes with exactly these headers (Host included: http.client adds none)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        result = response.status, response.read()
        connection.close()
        return result

    def write(self, relative: str, text: str) -> None:
        path = self.project.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@contextmanager
def running(site: Project, jobs: int = 1, host: str = "127.0.0.1") -> Iterator[Served]:
    """`serve` of a project in a thread, until the block ends."""
    started = threading.Event()
    stop = threading.Event()
    origins: list[str] = []
    messages: list[str] = []

    def ready(origin: str) -> None:
        origins.append(origin)
        started.set()

    thread = threading.Thread(target=serve, args=(site.root, BuildOptions(jobs=jobs, search=False), host, 0),
                              kwargs={"log": messages.append, "ready": ready, "stop": stop}, daemon=True)
    thread.start()
    assert started.wait(60), messages
    result = Served(site, origins[0].rstrip("/"))
    result.messages = messages  # type: ignore[attr-defined]
    try:
        yield result
    finally:
        stop.set()
        thread.join(timeout=10)
