"""The editors' loop: build, serve the site on loopback, watch the sources, rebuild, reload.

Three kinds of threads share one LiveSite: the HTTP server's (one per request; the event
stream of each open page waits on the LiveSite), the watchdog observer's (which only notes
what changed), and one builder (which debounces a burst of saves into one incremental
build). A failed build leaves the last good site in place and shows its errors on every
open page; the live-reload script is added to HTML as it is served, never to built files.
"""

from __future__ import annotations

import dataclasses
import json
import mimetypes
import os
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from bantin.config import CONFIG_FILE, Config, load_config, with_base_url
from bantin.content import ArticleInvalid, markdown_renderer, parse_article, project_relative, read_source
from bantin.errors import BuildFailed
from bantin.inputs import check_file
from bantin.model import Output
from bantin.pipeline import BuildOptions, Plan, Report, build
from bantin.render import Renderer
from bantin.write import asset_names, safe_target

EVENTS_PATH = "/__bantin/events"
DEBOUNCE_SECONDS = 0.1  # a burst of saves (an editor writing a swap file, then the file) is one rebuild
SEARCH_DELAY_SECONDS = 3.0  # the search index is brought up to date once edits pause this long
ALL_PAGES = "*"
mimetypes.add_type("application/octet-stream", ".pagefind")
mimetypes.add_type("application/octet-stream", ".pf_meta")
mimetypes.add_type("application/octet-stream", ".pf_index")
mimetypes.add_type("application/octet-stream", ".pf_fragment")
mimetypes.add_type("application/octet-stream", ".pf_filter")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/atom+xml", ".xml")


def is_editor_noise(name: str) -> bool:
    """Temporary files of editors: vim (.swp, 4913, x~), emacs (.#x, #x#), and other hidden files."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part"))
            or name == "4913")


class LiveSite:
    """What the open pages need to know: the site's version, and the errors of the last build."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.version = 0
        self.pages: tuple[str, ...] = ()  # URL paths the last version changed, or ("*",)
        self.error: str | None = None
        self.closed = False

    def publish(self, pages: tuple[str, ...] = (), error: str | None = None) -> None:
        with self.changed:
            if error is None:
                self.version += 1
                self.pages = pages
            self.error = error
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def reload_script(version: int) -> str:
    """The script added to served HTML: reload when this page changed, show build errors."""
    return f"""<script>/* bantin serve: live reload (only while serving, never in built files) */
(() => {{
  const loaded = {version};
  const events = new EventSource("{EVENTS_PATH}");
  const here = location.pathname;
  events.addEventListener("site", (event) => {{
    const state = JSON.parse(event.data);
    if (state.version > loaded && (state.pages.includes("*") || state.pages.includes(here))) location.reload();
    let overlay = document.getElementById("bantin-error");
    if (!state.error) {{ if (overlay) overlay.remove(); return; }}
    if (!overlay) {{
      overlay = document.createElement("div");
      overlay.id = "bantin-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;padding:1.5rem;" +
        "background:rgba(20,20,30,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.append(overlay);
    }}
    overlay.textContent = "bantin: the last build failed; below is the last good version of the page." +
      "\\n\\n" + state.error;
  }});
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


class DevServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], output_dir: Path, live: LiveSite) -> None:
        self.output_dir = output_dir
        self.live = live
        super().__init__(address, _Handler)


class _Changes(FileSystemEventHandler):
    """Notes which source files changed; the builder thread does the work."""

    def __init__(self, config: Config, notify: Callable[[set[Path]], None]) -> None:
        self.config = config
        self.notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder "changes" whenever a file in it does: the file's own event says what
        paths = {Path(os.fsdecode(event.src_path))}
        if getattr(event, "dest_path", ""):
            paths.add(Path(os.fsdecode(event.dest_path)))
        wanted = {path for path in paths if self._watched(path)}
        if wanted:
            self.notify(wanted)

    def _watched(self, path: Path) -> bool:
        if is_editor_noise(path.name):
            return False
        if path.parent == self.config.root:
            return path.name == CONFIG_FILE
        return any(path.is_relative_to(folder) for folder in
                   (self.config.content_dir, self.config.layouts_dir, self.config.assets_dir))


class Builder:
    """Rebuilds after changes, one build at a time; a quick preview first for one edited article."""

    def __init__(self, root: Path, options: BuildOptions, base_url: str, live: LiveSite,
                 log: Callable[[str], None]) -> None:
        self.root = root
        self.options = options
        self.base_url = base_url
        self.live = live
        self.log = log
        self.wake = threading.Condition()
        self.pending: set[Path] = set()
        self.last_change = 0.0
        self.search_due: float | None = None
        self.plan: Plan | None = None
        self.config: Config | None = None
        self.stopped = False

    def config_now(self) -> Config:
        return with_base_url(load_config(self.root), self.base_url)

    def first_build(self) -> Report | None:
        return self._build(search=self.options.search, changed=None)

    def notify(self, paths: set[Path]) -> None:
        with self.wake:
            self.pending |= paths
            self.last_change = time.monotonic()
            self.wake.notify_all()

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wake.notify_all()

    def run(self) -> None:
        while True:
            with self.wake:
                while not self.stopped and not self.pending and not self._search_is_due():
                    timeout = None if self.search_due is None else max(0.0, self.search_due - time.monotonic())
                    self.wake.wait(timeout)
                if self.stopped:
                    return
                if self.pending:  # wait for the burst of saves to end
                    while time.monotonic() - self.last_change < DEBOUNCE_SECONDS:
                        self.wake.wait(DEBOUNCE_SECONDS)
                    changed, self.pending = self.pending, set()
                else:
                    changed = set()
            if changed:
                self._preview(changed)
                self._build(search=False, changed=changed)
                if self.options.search:
                    self.search_due = time.monotonic() + SEARCH_DELAY_SECONDS
            else:
                self.search_due = None
                self._build(search=True, changed=set())

    def _search_is_due(self) -> bool:
        return self.search_due is not None and time.monotonic() >= self.search_due

    def _build(self, search: bool, changed: set[Path] | None) -> Report | None:
        started = time.perf_counter()
        try:
            config = self.config_now()
            report = build(config, dataclasses.replace(self.options, search=search))
        except BuildFailed as failed:
            self.log(f"build failed, still serving the last good site:\n{failed}")
            self.live.publish(error=str(failed))
            return None
        self.config, self.plan = config, report.plan
        site_wide = changed is None or any(not path.is_relative_to(config.content_dir) for path in changed)
        if site_wide or len(report.written) > 2000:
            pages: tuple[str, ...] = (ALL_PAGES,)  # layouts, assets, site.toml: every page may look different
        else:
            pages = tuple("/" + path.removesuffix("index.html") for path in report.written)
        if pages or self.live.error is not None:
            self.live.publish(pages)
        what = f"{len(report.written)} pages" + (
            f", search: {len(report.search.indexed)} shards re-indexed" if report.search else "")
        if changed is None or report.written or (report.search and report.search.indexed):
            self.log(f"{time.strftime('%H:%M:%S')} built: {what} in {time.perf_counter() - started:.2f} s")
        return report

    def _preview(self, changed: set[Path]) -> None:
        """One article edited: write its own page at once, before the full incremental build.

        The page is rendered with the last built site around it (related news, lists); the
        build that follows brings every page, this one included, up to date.
        """
        config, plan = self.config, self.plan
        if plan is None or config is None or self.live.error is not None or len(changed) != 1:
            return
        (path,) = changed
        if path.suffix != ".md" or not path.is_relative_to(config.content_dir) \
                or check_file(path, config.root) is not None:
            return  # not an article, or one that may not be read: the build reports it
        key = project_relative(path, config.root)
        old = plan.site.articles.get(key)
        if old is None:
            return
        try:
            article = parse_article(read_source(path, config), config, plan.provinces,
                                    markdown_renderer(config))
        except ArticleInvalid:
            return  # the build reports it
        if article.url != old.url:
            return
        site = dataclasses.replace(plan.site, articles={**plan.site.articles, key: article})
        output = next(o for o in plan.outputs if o.kind == "article" and o.key == key)
        try:
            assets = asset_names(config.assets_dir, config.root)
            data = Renderer(site, config, plan.provinces, assets, plan.outputs).render(
                Output(output.path, "article", key))
        except BuildFailed:
            return
        target = safe_target(config.output_dir, output.path)
        temporary = target.with_name(f".{target.name}.preview")
        temporary.write_bytes(data)
        temporary.replace(target)
        self.live.publish(("/" + output.path.removesuffix("index.html"),))


def serve(root: Path, options: BuildOptions, host: str, port: int, log: Callable[[str], None] = print,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None) -> int:
    """Build, serve and rebuild until interrupted (or until `stop` is set, for tests)."""
    live = LiveSite()
    config = load_config(root)
    server = DevServer((host, port), config.output_dir, live)
    origin = f"http://{host}:{server.server_address[1]}/"
    builder = Builder(root, options, origin, live, log)
    if builder.first_build() is None and not config.output_dir.is_dir():
        log("fix the errors above; the site will be built as soon as they are fixed")
    observer = Observer()
    handler = _Changes(config, builder.notify)
    observer.schedule(handler, str(config.root), recursive=False)
    for folder in (config.content_dir, config.layouts_dir, config.assets_dir):
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    threads = [threading.Thread(target=builder.run, daemon=True, name="bantin-builder"),
               threading.Thread(target=server.serve_forever, daemon=True, name="bantin-http")]
    for thread in threads:
        thread.start()
    log(f"serving {config.output_dir.name}/ at {origin} (Ctrl+C to stop)")
    if ready:
        ready(origin)
    try:
        if stop is not None:
            stop.wait()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        log("stopped")
    finally:
        observer.stop()
        builder.stop()
        live.close()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)
    return 0


def main_log(message: str) -> None:
    print(message, file=sys.stderr if message.startswith("build failed") else sys.stdout, flush=True)
