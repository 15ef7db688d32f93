"""serve: the built site over HTTP on loopback, with live reload and the error overlay.

The HTTP server's threads (one per request; the event stream of each open page waits on
the LiveSite) only read the output folder; bantin/editor/rebuild.py keeps it up to date and tells
the LiveSite what changed. The live-reload script is added to HTML as it is served, never
to built files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from bantin.builder.admin import LOCAL_API_PATH
from bantin.builder.pipeline import BuildOptions
from bantin.editor.cms_backend import LocalBackend, Refused
from bantin.editor.rebuild import Changes, LiveSite, Rebuilder
from bantin.language.errors import UsageError
from bantin.language.messages import Text
from bantin.project.config import load_config

EVENTS_PATH = "/__bantin/events"
MAX_API_BODY = 64 * 2**20  # a request of the web editor: an article, or a photo in base64
mimetypes.add_type("application/octet-stream", ".pagefind")
mimetypes.add_type("application/octet-stream", ".pf_meta")
mimetypes.add_type("application/octet-stream", ".pf_index")
mimetypes.add_type("application/octet-stream", ".pf_fragment")
mimetypes.add_type("application/octet-stream", ".pf_filter")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/yaml", ".yml")  # Decap CMS reads admin/config.yml only when it is said to be YAML
mimetypes.add_type("application/atom+xml", ".xml")


def reload_script(version: int) -> str:
    """The script added to served HTML: reload when this page changed, show build errors."""
    return f"""<script>/* bantin serve: live reload (only while serving, never in built files) */
(() => {{
  const loaded = {version};
  const here = location.pathname;
  let last = loaded, events = null;
  const show = (event) => {{
    const state = JSON.parse(event.data);
    // a build missed (the page was hidden, or two came at once): which pages it changed is unknown
    const missed = state.version > last + 1;
    const mine = missed || state.pages.includes("*") || state.pages.includes(here);
    if (state.version > loaded && mine) location.reload();
    last = Math.max(last, state.version);
    let overlay = document.getElementById("bantin-error");
    if (!state.error) {{ if (overlay) overlay.remove(); return; }}
    if (!overlay) {{
      overlay = document.createElement("div");
      overlay.id = "bantin-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;padding:1.5rem;" +
        "background:rgba(20,20,30,.94);color:#fff;font:15px/1.5 system-ui,sans-serif;white-space:pre-wrap";
      document.body.append(overlay);
    }}
    overlay.textContent = state.error;
  }};
  // a browser opens six connections to a host: a hidden tab gives its own back, so a seventh tab still loads
  const listen = () => {{
    if (document.hidden) {{ if (events) events.close(); events = null; }}
    else if (!events) {{ events = new EventSource("{EVENTS_PATH}"); events.addEventListener("site", show); }}
  }};
  document.addEventListener("visibilitychange", listen);
  listen();
}})();
</script>
"""


def inject(html: bytes, version: int) -> bytes:
    script = reload_script(version).encode()
    at = html.rfind(b"</body>")
    return html[:at] + script + html[at:] if at >= 0 else html + script


def resolve(root: Path, url_path: str) -> tuple[Path | None, bool]:
    """(the file a URL path names inside root, whether it is a folder missing its '/').

    None for anything outside root: '..' (also percent-encoded), backslashes, NUL bytes and
    symbolic links that lead out. A folder means its index.html (pretty URLs).
    """
    path = unquote(url_path)
    if "\x00" in path or "\\" in path:
        return None, False
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None, False
    real_root = root.resolve()
    candidate = root.joinpath(*parts)
    folder = candidate.is_dir()
    if folder:
        candidate = candidate / "index.html"
    real = candidate.resolve()
    if not real.is_relative_to(real_root) or not real.is_file():
        return None, False
    return real, folder and not path.endswith("/")


class _Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for build messages

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events()
        else:
            self._serve(head=False)

    def do_POST(self) -> None:
        if urlsplit(self.path).path == LOCAL_API_PATH:
            self._cms()
        else:
            self._json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "only the web editor's API takes POST"})

    def do_OPTIONS(self) -> None:  # no CORS preflight is ever answered: other origins stay out
        self._json(HTTPStatus.FORBIDDEN, {"error": "cross-origin requests are refused"})

    def _cms(self) -> None:
        """The web editor's local backend (bantin/editor/cms_backend.py), for pages of this server's own origin only."""
        backend = self.server.cms
        if backend is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": "the web editor is off ([cms] enabled in site.toml), "
                                                       "or serve listens beyond this computer"})
            return
        if not self._own_origin():
            self._json(HTTPStatus.FORBIDDEN, {"error": "only pages served by this bantin serve may use its editor API"})
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "expected application/json"})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_API_BODY:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"at most {MAX_API_BODY // 2**20} MB"})
            return
        try:
            request = json.loads(self.rfile.read(length), parse_constant=_no_constant)
            answer = backend.answer(request)
        except RecursionError:  # JSON nested deeper than Python's stack (a 200,000-deep array)
            self._json(HTTPStatus.BAD_REQUEST, {"error": "a malformed request: nested too deeply"})
        except (ValueError, TypeError, OverflowError) as error:  # not JSON (or UTF-8), a parameter of a wrong kind
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"a malformed request: {error}"})
        except Refused as refused:
            self._json(refused.status, {"error": str(refused)})
        except OSError as error:
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": error.strerror or str(error)})
        else:
            self._json(HTTPStatus.OK, answer)

    def _own_origin(self) -> bool:
        """Host and Origin both name this server on loopback: no other page, no rebound DNS name."""
        port = self.server.server_address[1]
        host = self.headers.get("Host", "")
        if host not in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}:
            return False
        if self.headers.get("Origin") != f"http://{host}":
            return False
        return self.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"

    def _json(self, status: int, value: object) -> None:
        if status != HTTPStatus.OK:  # its body may be unread: the connection is not used again
            self.close_connection = True
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        url = urlsplit(self.path)
        file, needs_slash = resolve(self.server.output_dir, url.path)
        if needs_slash:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = HTTPStatus.OK
        if file is None:
            status, file = HTTPStatus.NOT_FOUND, self.server.output_dir / "404.html"
        try:
            body = file.read_bytes()
        except OSError:
            status, body, file = HTTPStatus.NOT_FOUND, b"<!doctype html><title>404</title><body>404</body>", None
        kind = mimetypes.guess_type(file.name)[0] if file else "text/html"
        kind = kind or "application/octet-stream"
        if kind == "text/html":
            body = inject(body, self.server.live.version)
        if kind.startswith("text/") or kind in ("application/atom+xml", "application/json"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the site's state now, then at every change, with a heartbeat."""
        live = self.server.live
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while True:
                with live.changed:
                    if live.closed:
                        return
                    state = {"version": live.version, "pages": list(live.pages), "error": live.error}
                    key = hash((live.version, live.error))
                    if key == seen:
                        live.changed.wait(timeout=15)
                        continue
                seen = key
                self.wfile.write(f"event: site\ndata: {json.dumps(state, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def _no_constant(name: str) -> object:
    """JSON's non-standard Infinity, -Infinity and NaN, which Python's parser would accept."""
    raise ValueError(f"{name} is not a JSON value")


class DevServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], output_dir: Path, live: LiveSite,
                 cms: LocalBackend | None = None) -> None:
        self.output_dir = output_dir
        self.live = live
        self.cms = cms  # the web editor's local backend, None when off
        super().__init__(address, _Handler)


def serve(root: Path, options: BuildOptions, host: str, port: int, log: Callable[[str], None] = print,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None) -> int:
    """Build, serve and rebuild until interrupted (or until `stop` is set, for tests)."""
    live = LiveSite()
    config = load_config(root)
    try:
        loopback = host in ("127.0.0.1", "localhost", "::1")
        cms = LocalBackend(root, config.markdown.raw_html) if config.cms.enabled and loopback else None
        server = DevServer((host, port), config.output_dir, live, cms)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(Text("port {port} on {host} is already in use (another serve, or another program)",
                                  port=port, host=host),
                             hint=Text("stop the other one, or choose another port: {next}, or {any} for any free port",
                                       next=f"--port {port + 1}", any="--port 0")) from None
        raise UsageError(Text("cannot listen on {host}:{port}: {problem}", host=host, port=port,
                              problem=error.strerror or str(error)),
                         hint=Text("serve listens on this computer only: {option}",
                                   option="--host 127.0.0.1")) from None
    origin = f"http://{host}:{server.server_address[1]}/"
    builder = Rebuilder(root, options, origin, live, log)
    if builder.first_build() is None and not config.output_dir.is_dir():
        log(Text("fix the errors above; the site will be built as soon as they are fixed"))
    observer = Observer()
    watches: dict[Path, ObservedWatch] = {}

    def watch(folder: Path) -> None:
        """Watch a source folder, again if it was removed and made again (its old watch ended with it)."""
        old = watches.pop(folder, None)
        if old is not None:
            with contextlib.suppress(KeyError, OSError):
                observer.unschedule(old)
        with contextlib.suppress(OSError):
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)
        builder.notify({folder})  # what was written into it before the watch began

    handler = Changes(config, builder.notify, watch)
    observer.schedule(handler, str(config.root), recursive=False)
    for folder in (config.content_dir, config.layouts_dir, config.assets_dir):
        if folder.is_dir():
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    threads = [threading.Thread(target=builder.run_builds, daemon=True, name="bantin-builder"),
               threading.Thread(target=builder.run_previews, daemon=True, name="bantin-previewer"),
               threading.Thread(target=server.serve_forever, daemon=True, name="bantin-http")]
    for thread in threads:
        thread.start()
    log(Text("serving {folder}/ at {address} (Ctrl+C to stop)", folder=config.output_dir.name, address=origin))
    if cms is not None:
        log(Text("web editor: {address}admin/", address=origin))
    if ready:
        ready(origin)
    try:
        if stop is not None:
            stop.wait()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        log(Text("stopped"))
    finally:
        observer.stop()
        builder.stop()
        live.close()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)
    return 0
