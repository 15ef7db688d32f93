"""Command line: build | check | new | import-text."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

from bantin.authoring import new_article
from bantin.config import CONFIG_FILE, Config, load_config, with_base_url
from bantin.content import parse_date
from bantin.errors import BuildFailed, ContentError, UsageError
from bantin.importer import ImportFailed, import_text
from bantin.pipeline import BuildOptions, build, build_time
from bantin.provinces import load_provinces
from bantin.serve import main_log, serve

COMMANDS = ("build", "check", "serve", "new", "import-text")
_VN_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\S.*))?$")


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = _parser().parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
    root = Path(args.root).resolve()
    try:
        return _run(args, root)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        print(failed, file=sys.stderr)
        return 1
    except OSError as error:  # a folder that cannot be written, a disk that is full
        where = f" ({error.filename})" if error.filename else ""
        print(f"error: {error.strerror or error}{where}\n    hint: check that the folder exists, that you may "
              "write to it and that the disk has room", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace, root: Path) -> int:
    """The command itself; main turns its errors into messages and exit statuses."""
    if not (root / CONFIG_FILE).is_file():
        raise UsageError(f"no {CONFIG_FILE} in {root}", hint="run bantin in the project folder (the one holding "
                         f"{CONFIG_FILE}), or give it: --root path/to/project")
    if getattr(args, "jobs", 0) < 0:
        raise UsageError(f"--jobs {args.jobs}: expected 0 (one per core) or more")
    if not 0 <= getattr(args, "port", 0) <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535", hint="--port 0 picks any free port")
    config = load_config(root)
    if args.command in ("build", "check"):
        return _build(config, args)
    if args.command == "serve":
        options = BuildOptions(drafts=args.drafts, future=args.future, jobs=args.jobs, search=not args.no_search)
        return serve(root, options, args.host, args.port, log=main_log)
    if args.command == "new":
        return _new(config, args)
    return _import(config, args)


def _with_default_command(argv: list[str]) -> list[str]:
    """`bantin`, `bantin --drafts` mean `bantin build ...`."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        return ["build", *argv]
    return argv


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bantin", description="Build a static news site from Markdown articles.")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(command: argparse.ArgumentParser) -> None:
        command.add_argument("--root", default=".", help="project folder holding site.toml (default: .)")

    for name, help_text in (("build", "build the site (the default command)"),
                            ("check", "validate content and site.toml without writing anything"),
                            ("serve", "build, serve on loopback, rebuild and reload pages on every change")):
        command = commands.add_parser(name, help=help_text)
        common(command)
        command.add_argument("--drafts", action="store_true", help="include articles with draft: true")
        command.add_argument("--future", action="store_true", help="include articles dated in the future")
        command.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
        command.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
        if name in ("build", "serve"):
            command.add_argument("--no-search", action="store_true",
                                 help="skip the search index (faster while writing; search then says so)")
        if name == "serve":
            command.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free port)")
            command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
            continue
        if name == "build":
            command.add_argument("--base-url", default=None,
                                 help="publish under this URL instead of site.toml's base_url "
                                      "(CI passes the GitHub Pages URL)")

    new = commands.add_parser("new", help="write a new article file with its front-matter")
    common(new)
    new.add_argument("title", help="the article's title")
    new.add_argument("--province", required=True, help="province or city, or 'Trung ương'")
    new.add_argument("--topic", required=True, help="one of the topics in site.toml")
    new.add_argument("--section", default=None, help="section folder (default: the first in site.toml)")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--date", default=None, help="ISO date-time (default: now)")
    new.add_argument("--author", default="")

    imp = commands.add_parser("import-text", help="turn plain-text article dumps into Markdown articles")
    common(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--province", default=None, help="used when the province can't be found in the text")
    imp.add_argument("--topic", default=None, help="topic (required unless the text names one)")
    imp.add_argument("--section", default=None, help="section folder (default: the first in site.toml)")
    imp.add_argument("--date", default=None, help="used when the text has no date line")
    imp.add_argument("--tags", default="", help="comma-separated tags")
    imp.add_argument("--dry-run", action="store_true", help="print what would be written and what was guessed; "
                     "write nothing")
    return parser


def _build(config: Config, args: argparse.Namespace) -> int:
    options = BuildOptions(drafts=args.drafts, future=args.future, jobs=args.jobs,
                           write=args.command == "build", search=not getattr(args, "no_search", False))
    if getattr(args, "base_url", None):
        config = with_base_url(config, args.base_url)
    progress = _progress_bar if sys.stderr.isatty() and not args.quiet else None
    report = build(config, options, progress)
    if progress:
        sys.stderr.write("\r\033[K")
    print_warnings(report.warnings)
    if not args.quiet:
        if args.command == "check":
            print(f"ok: {report.articles} articles checked, no errors ({report.seconds:.2f} s)")
        else:
            print(f"built {config.output_dir.name}/: {report.summary()}")
    return 0


def print_warnings(warnings: tuple[ContentError, ...], shown: int = 20) -> None:
    """Warnings on stderr: the first few in full, then how many more (a corpus can have thousands)."""
    for warning in warnings[:shown]:
        print(f"warning: {warning}", file=sys.stderr)
    if len(warnings) > shown:
        print(f"warning: ... and {len(warnings) - shown} more like these", file=sys.stderr)


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rrendering [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def _new(config: Config, args: argparse.Namespace) -> int:
    provinces = load_provinces(config.provinces_file)
    moment = command_line_date(args.date, config) if args.date else build_time(BuildOptions())
    path = new_article(config, provinces, title=args.title, province=args.province, topic=args.topic,
                       section=args.section, tags=[t.strip() for t in args.tags.split(",") if t.strip()],
                       moment=moment, author=args.author)
    print(f"wrote {path.relative_to(config.root).as_posix()}")
    return 0


def command_line_date(text: str, config: Config) -> datetime:
    """--date as ISO 8601 (2023-06-02, 2023-06-02 08:30) or as Vietnamese write it (02/06/2023, 02/06/2023 08:30)."""
    match = _VN_DATE_RE.match(text.strip())
    if match:
        day, month, year, rest = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}" + (f" {rest}" if rest else "")
    try:
        return parse_date(text, config.tz)
    except ValueError as error:
        raise UsageError(f"--date: {error}", hint="write the day as 2023-06-02 or 02/06/2023 (day/month/year), "
                         "with a time if you like: 2023-06-02 08:30") from None


def _import(config: Config, args: argparse.Namespace) -> int:
    provinces = load_provinces(config.provinces_file)
    failures = 0
    for file in args.files:
        try:
            imported = import_text(file, config, provinces, province=args.province, topic=args.topic,
                                   section=args.section, date=args.date,
                                   tags=[t.strip() for t in args.tags.split(",") if t.strip()], dry_run=args.dry_run)
        except ImportFailed as failed:
            print(f"{file}: {failed}", file=sys.stderr)
            failures += 1
            continue
        target = imported.path.relative_to(config.root).as_posix()
        print(f"{file} -> {target}" + (" (not written: --dry-run)" if args.dry_run else ""))
        for guess in imported.guesses:  # what the editor should check
            print(f"    guessed {guess}")
        if args.dry_run:
            print("    " + imported.text.split("\n---\n", 1)[0].replace("\n", "\n    ") + "\n    ---")
    return 1 if failures else 0
