"""Command line: build | check | serve | new | import-text | import | init | theme | deploy."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gettext
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bantin import __version__
from bantin.builder.pipeline import BuildOptions, Report, build, build_time
from bantin.cli.imports import add_import_parser, run_import
from bantin.cli.progress import ProgressBars, TransferBar
from bantin.content.authoring import new_article
from bantin.content.checks import merged_warning
from bantin.editor.serve import serve
from bantin.importers.text import ImportFailed, import_text, site_tags
from bantin.language.dates import DateInvalid, date_hint, parse_date
from bantin.language.errors import BuildFailed, ContentError, UsageError, format_errors
from bantin.language.messages import Text, catalogue, project_language, say
from bantin.language.provinces import load_provinces
from bantin.project.config import CONFIG_FILE, Config, load_config, with_base_url
from bantin.project.targets import parse_target
from bantin.starter.init import init_site
from bantin.theme import copies, files

if TYPE_CHECKING:
    from bantin.deploy.send import Summary

COMMANDS = ("build", "check", "serve", "new", "import-text", "import", "init", "theme", "deploy")


def run() -> NoReturn:
    """`bantin`, `python build.py`, `python -m bantin`: main() as a process, ending with its exit code. A build's
    process ends without the interpreter freeing what it holds one object at a time (every article and page of
    the site: 2.4 of a new article's 19.5 CPU-seconds at 100,000 articles); its files are closed by then (each
    written in a `with`, its pools shut), and what it printed is flushed first."""
    command = _with_default_command(sys.argv[1:])[0]
    code = main()
    if command == "build":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code. Messages are in the site's language."""
    argv = _with_default_command(sys.argv[1:] if argv is None else argv)
    language = _init_language(argv) or project_language(_root_argument(argv))
    tell = Teller(language)
    _stop_on_terminate()
    try:
        args = _parser(language).parse_args(argv)
        tell = dataclasses.replace(tell, quiet=getattr(args, "quiet", False))
        return _run(args, Path(getattr(args, "root", ".")).resolve(), tell)
    except UsageError as error:
        tell.error(Text("error: {problem}", problem=error.said(language)))
        return 2
    except BuildFailed as failed:
        tell.error(format_errors(failed.errors, language))
        print_warnings(failed.warnings, tell)
        return 1
    except BrokenPipeError:  # `bantin theme list | head -1`: the reader has gone, nothing more to say
        _silence_stdout()
        return 141  # as a program killed by SIGPIPE (128 + 13)
    except OSError as error:  # a folder that cannot be written, a disk that is full
        problem = error.strerror or str(error)
        tell.error(Text("error: {problem}", problem=f"{problem} ({error.filename})" if error.filename else problem))
        tell.error(Text("    hint: check that the folder exists, that you may write to it and that the disk has room"))
        return 2
    except KeyboardInterrupt:
        tell.error(Text("stopped"))
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit finds no closed pipe to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's captured stdout)
        pass


def _stop_on_terminate() -> None:
    """SIGTERM (a cancelled CI job, `kill`) stops a command as Ctrl+C does: a build drops its staging
    folder, a deploy records the files that arrived. Only in the main thread (tests call main in others)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@dataclass(frozen=True)
class Teller:
    """Prints messages in one language: results on stdout, errors and warnings on stderr."""

    language: gettext.NullTranslations
    quiet: bool = False  # -q: errors only (no warnings, no summary)

    def say(self, message: str) -> None:
        print(say(message, self.language), flush=True)

    def error(self, message: str) -> None:
        print(say(message, self.language), file=sys.stderr, flush=True)

    def warn(self, warning: ContentError) -> None:
        """A warning on stderr, unless -q asked for errors only."""
        if not self.quiet:
            self.error(Text("warning: {problem}", problem=warning.said(self.language)))

    def log(self, message: str) -> None:
        """serve's log: a failed build on stderr, the rest on stdout."""
        failed = isinstance(message, Text) and message.template.startswith("build failed")
        print(say(message, self.language), file=sys.stderr if failed else sys.stdout, flush=True)


def _root_argument(argv: list[str]) -> Path:
    """--root, read before parsing: argparse's own errors are said in the site's language too."""
    return Path(_option(argv, "--root") or ".")


def _option(argv: list[str], name: str) -> str | None:
    """The value of an option (`--root DIR`, `--root=DIR`), found before argparse runs."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _run(args: argparse.Namespace, root: Path, tell: Teller) -> int:
    """The command itself; main turns its errors into messages and exit statuses."""
    if args.command == "init":  # the one command that makes a site.toml rather than reading one
        return _init(args, tell)
    if not (root / CONFIG_FILE).is_file():
        raise UsageError(Text("no {file} in {folder}", file=CONFIG_FILE, folder=str(root)),
                         hint=Text("to start a new site here: {init}; for a site elsewhere, run bantin in its folder "
                                   "(the one holding {file}) or give it: {example}",
                                   init=f'bantin init {_here(root)} --title "..." --base-url https://...',
                                   file=CONFIG_FILE, example="--root path/to/site"))
    if getattr(args, "jobs", 0) < 0:
        raise UsageError(Text("--jobs {value}: expected 0 (one per core) or more", value=args.jobs))
    if not 0 <= getattr(args, "port", 0) <= 65535:
        raise UsageError(Text("--port {value}: expected 0 to 65535", value=args.port),
                         hint=Text("--port 0 picks any free port"))
    config = load_config(root)
    if args.command in ("build", "check"):
        return _build_command(config, args, tell)
    if args.command == "serve":
        options = BuildOptions(drafts=args.drafts, future=args.future, jobs=args.jobs, search=not args.no_search)
        return serve(root, options, args.host, args.port, log=tell.log)
    if args.command == "new":
        return _new(config, args, tell)
    if args.command == "theme":
        return _theme(config, args, tell)
    if args.command == "import":
        return run_import(config, args, tell.say)
    if args.command == "deploy":
        return _deploy(config, args, tell)
    return _import(config, args, tell)


def _here(root: Path) -> str:
    """The folder a command ran in, as the user would type it: '.' for the current folder."""
    try:
        return str(root.relative_to(Path.cwd())) if root != Path.cwd() else "."
    except ValueError:
        return str(root)


def _with_default_command(argv: list[str]) -> list[str]:
    """`bantin`, `bantin --drafts` mean `bantin build ...`."""
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        return ["build", *argv]
    return argv


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with its one word of its own ('usage: ') in the site's language."""

    def __init__(self, prog: str, usage: str = "usage: ", **options: Any) -> None:
        super().__init__(prog, **options)
        self.usage = usage

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, self.usage if prefix is None else prefix)


class _Commands(argparse._SubParsersAction):
    """A command's help, shown in the list of commands, is also its description, atop its own --help."""

    def add_parser(self, name: str, **options: Any) -> argparse.ArgumentParser:
        options.setdefault("description", options.get("help"))
        return super().add_parser(name, **options)


class _Parser(argparse.ArgumentParser):
    """argparse in the site's language: its headings and its own help through the catalogue, and its
    complaints as UsageErrors (exit status 2)."""

    def __init__(self, *args: Any, language: gettext.NullTranslations, **options: Any) -> None:
        self.language = language
        said = functools.partial(say, language=language)
        options.setdefault("formatter_class", functools.partial(_Formatter, usage=said(Text("usage: "))))
        super().__init__(*args, add_help=False, **options)
        self.register("action", "parsers", _Commands)
        self._positionals.title = said(Text("positional arguments"))
        self._optionals.title = said(Text("options"))
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=said(Text("show this help and exit")))

    def add_subparsers(self, **options: Any) -> argparse._SubParsersAction:
        options.setdefault("parser_class", functools.partial(_Parser, language=self.language))
        return super().add_subparsers(**options)

    def error(self, message: str) -> NoReturn:
        raise UsageError(_argparse_message(message), hint=Text("{command} --help lists what it takes",
                                                                command=self.prog))


# argparse's own sentences (Python 3.11), as Text the catalogue translates
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"),
     lambda m: Text("the following arguments are required: {names}", names=m["names"])),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"),
     lambda m: Text("unrecognized arguments: {names}", names=m["names"])),
    (re.compile(r"argument (?P<name>\S+): invalid (?P<kind>\w+) value: (?P<value>.+)"),
     lambda m: Text("argument {name}: {value} is not a valid {kind}", name=m["name"], value=m["value"],
                    kind=m["kind"])),
    (re.compile(r"argument (?P<name>\S+): expected one argument"),
     lambda m: Text("argument {name}: expected a value after it", name=m["name"])),
    (re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
     lambda m: Text("argument {name}: {value} is not one of {choices}", name=m["name"], value=m["value"],
                    choices=m["choices"])),
    (re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)"),
     lambda m: Text("{name} could be any of {choices}: write it whole", name=m["name"], choices=m["choices"])),
)


def _argparse_message(message: str) -> str:
    for pattern, text in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return text(match)
    return message


def _parser(language: gettext.NullTranslations) -> argparse.ArgumentParser:
    def h(text: Text) -> str:
        return say(text, language).replace("%", "%%")  # argparse formats help with %

    parser = _Parser(prog="bantin", description=h(Text("Build a static news site from Markdown articles.")),
                     language=language)
    parser.add_argument("--version", action="version", version=f"bantin {__version__}",
                        help=h(Text("print bantin's version and exit")))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     title=h(Text("commands")))

    def common(command: argparse.ArgumentParser) -> None:
        command.add_argument("--root", default=".", help=h(Text("project folder holding site.toml (default: .)")))

    for name, help_text in (("build", Text("build the site (the default command)")),
                            ("check", Text("validate content and site.toml without writing anything")),
                            ("serve", Text("build, serve on loopback, rebuild and reload pages on every change"))):
        command = commands.add_parser(name, help=h(help_text))
        common(command)
        command.add_argument("--drafts", action="store_true", help=h(Text("include articles with draft: true")))
        command.add_argument("--future", action="store_true", help=h(Text("include articles dated in the future")))
        command.add_argument("--jobs", type=int, default=0, help=h(Text("worker processes (default: one per core)")))
        command.add_argument("--quiet", "-q", action="store_true", help=h(Text("print nothing but errors")))
        if name in ("build", "serve"):
            command.add_argument("--no-search", action="store_true",
                                 help=h(Text("skip the search index (faster while writing; search then says so)")))
        if name == "serve":
            command.add_argument("--port", type=int, default=8000,
                                 help=h(Text("port (default: 8000; 0: any free port)")))
            command.add_argument("--host", default="127.0.0.1",
                                 help=h(Text("address to listen on (default: 127.0.0.1)")))
            continue
        if name == "build":
            command.add_argument("--base-url", default=None,
                                 help=h(Text("publish under this URL instead of site.toml's base_url "
                                             "(CI passes the GitHub Pages URL)")))
            command.add_argument("--verify", action="store_true",
                                 help=h(Text("read every file of the output folder (and the cache's copies) and make "
                                             "again any that differs from what the last build wrote")))

    new = commands.add_parser("new", help=h(Text("write a new article file with its header (title, date, ...)")))
    common(new)
    new.add_argument("title", help=h(Text("the article's title")))
    new.add_argument("--province", required=True, help=h(Text("province or city, or 'National' ('Trung ương')")))
    new.add_argument("--topic", required=True, help=h(Text("one of the topics in site.toml")))
    new.add_argument("--section", default=None, help=h(Text("section folder (default: the first in site.toml)")))
    new.add_argument("--tags", default="", help=h(Text("comma-separated tags")))
    new.add_argument("--date", default=None,
                     help=h(Text("date, as 31/12/2024, 31/12/2024 08:30 or 2024-12-31 (default: now)")))
    new.add_argument("--author", default="")

    imp = commands.add_parser("import-text", help=h(Text("turn plain-text article dumps into Markdown articles")))
    common(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--province", default=None, help=h(Text("used when the province can't be found in the text")))
    imp.add_argument("--topic", default=None, help=h(Text("topic (required unless the text names one)")))
    imp.add_argument("--section", default=None, help=h(Text("section folder (default: the first in site.toml)")))
    imp.add_argument("--date", default=None, help=h(Text("used when the text has no date line")))
    imp.add_argument("--tags", default="", help=h(Text("comma-separated tags")))
    imp.add_argument("--dry-run", action="store_true",
                     help=h(Text("print what would be written and what was guessed; write nothing")))
    _init_and_theme_parsers(commands, h)
    add_import_parser(commands, h, common)
    _deploy_parser(commands, h)
    return parser


def _init_and_theme_parsers(commands: argparse._SubParsersAction, h: Callable[[Text], str]) -> None:
    """`init` (a new site) and `theme` (the packaged theme and the site's copies of its files)."""
    init = commands.add_parser("init", help=h(Text("write a new site into a folder: settings, an example article, "
                                                    "a GitHub workflow")))
    init.add_argument("folder", type=Path, help=h(Text("the new site's folder (new or empty)")))
    init.add_argument("--title", required=True, help=h(Text("the site's name, as its header shows it")))
    init.add_argument("--base-url", required=True, help=h(Text("the site's address, such as {example}",
                                                                example="https://ten-hoi.github.io/trang-tin/")))
    init.add_argument("--language", default="vi", help=h(Text("vi (the default) or en: the language of the "
                                                               "site and of its files")))
    init.add_argument("--force", action="store_true",
                      help=h(Text("write into a folder that is not empty (no file already there is replaced)")))
    theme = commands.add_parser("theme", help=h(Text("the packaged theme: list its files, copy one into the site, "
                                                      "show what changed in it")))
    actions = theme.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help=h(Text("list the theme's files and which ones the site overrides")))
    diff = actions.add_parser("diff", help=h(Text("show what changed in a theme file since the site copied it")))
    copy = actions.add_parser("copy", help=h(Text("copy a theme file into the site to change it, and record "
                                                   "where it came from")))
    for command in (listing, diff, copy):
        command.add_argument("--root", default=".", help=h(Text("project folder holding site.toml (default: .)")))
    for command in (diff, copy):
        command.add_argument("file", help=h(Text("a theme file: {example}", example="article.html, css/site.css")))
    copy.add_argument("--mark", action="store_true",
                      help=h(Text("copy nothing: record that the site's copy now follows the theme's file")))


def _deploy_parser(commands: argparse._SubParsersAction, h: Callable[[Text], str]) -> None:
    """`deploy`: what changed since the last deploy, to a folder, an SFTP server or S3-compatible storage."""
    deploy = commands.add_parser("deploy", help=h(Text("send what the last build changed to a folder, an SFTP server "
                                                        "or S3-compatible storage")))
    deploy.add_argument("--root", default=".", help=h(Text("project folder holding site.toml (default: .)")))
    deploy.add_argument("target", nargs="?", default=None,
                        help=h(Text("a folder, {sftp} or {s3} (default: {setting} in site.toml)",
                                    sftp="sftp://user@host/path", s3="s3://bucket/prefix", setting="[deploy] target")))
    deploy.add_argument("--dry-run", action="store_true",
                        help=h(Text("list what would be sent and deleted; send nothing")))
    deploy.add_argument("--force", action="store_true",
                        help=h(Text("send every file, whatever the target's record says, even into a folder that holds "
                                    "files bantin did not put there (they are left as they are)")))
    deploy.add_argument("--base-url", default=None,
                        help=h(Text("the address the site is published at, when not site.toml's base_url (a test "
                                    "server): the build must have been made for it")))
    deploy.add_argument("--replace-other-site", action="store_true",
                        help=h(Text("deploy into a target whose record names another site (its files are left as "
                                    "they are)")))
    deploy.add_argument("--quiet", "-q", action="store_true", help=h(Text("print nothing but errors")))


def _deploy(config: Config, args: argparse.Namespace, tell: Teller) -> int:
    from bantin.deploy.send import BuiltElsewhere, deploy  # rclone's side of bantin: only this command needs it

    if args.base_url:
        config = with_base_url(config, args.base_url)
    target = parse_target(args.target or config.deploy.target, Path.cwd() if args.target else config.root,
                          config.root.name)

    def send() -> Summary:
        options = dict(dry_run=args.dry_run, force=args.force, warn=tell.warn,
                       replace_other_site=args.replace_other_site)
        if sys.stderr.isatty() and not args.quiet and not args.dry_run:
            with TransferBar(tell.language) as bar:
                return deploy(config, target, os.environ, progress=bar, **options)  # type: ignore[arg-type]
        return deploy(config, target, os.environ, **options)  # type: ignore[arg-type]

    try:
        summary = send()
    except BuiltElsewhere as elsewhere:  # a preview of serve, a test with --base-url: built again for the address
        if args.dry_run:  # writes nothing, so builds nothing
            raise
        if not args.quiet:
            tell.say(Text("{folder}/ was built for {made_for}: building the site for {address} before it is sent",
                          folder=config.output_dir.name, made_for=elsewhere.made_for or "?",
                          address=config.base_url))
        _build(config, BuildOptions(), tell, args.quiet)
        summary = send()
    if args.dry_run:
        for batch in summary.plan.batches:
            for path in batch.paths:
                print(f"+ {path}", flush=False)
        for path in summary.plan.deletes:
            print(f"- {path}", flush=False)
    if not args.quiet:
        tell.say(summary.said())
    return 0


def _build_command(config: Config, args: argparse.Namespace, tell: Teller) -> int:
    options = BuildOptions(drafts=args.drafts, future=args.future, jobs=args.jobs,
                           write=args.command == "build", search=not getattr(args, "no_search", False),
                           verify=getattr(args, "verify", False))
    if getattr(args, "base_url", None):
        config = with_base_url(config, args.base_url)
    report = _build(config, options, tell, args.quiet)
    if not args.quiet:
        if args.command == "check":
            tell.say(Text.counted("ok: {count} article checked, no errors ({seconds:.2f} s)",
                                  "ok: {count} articles checked, no errors ({seconds:.2f} s)", count=report.articles,
                                  seconds=report.seconds))
        else:
            tell.say(Text("built {folder}/: {summary}", folder=config.output_dir.name, summary=report.summary()))
    return 0


def _build(config: Config, options: BuildOptions, tell: Teller, quiet: bool) -> Report:
    """Build (or check), with progress bars on a terminal, and print the warnings; says whom it waits for
    when another bantin holds the project's lock."""
    def waiting(holder: Text) -> None:
        if not quiet:
            tell.error(Text("waiting: {holder}", holder=holder))

    if sys.stderr.isatty() and not quiet:
        with ProgressBars(tell.language) as bars:
            report = build(config, options, bars, waiting=waiting)
    else:
        report = build(config, options, waiting=waiting)
    print_warnings(report.warnings, tell)
    return report


def print_warnings(warnings: tuple[ContentError, ...], tell: Teller, shown: int = 20) -> None:
    """Warnings on stderr: the first few in full, then how many more (a corpus can have thousands);
    nothing with -q."""
    for warning in warnings[:shown]:
        tell.warn(warning)
    if len(warnings) > shown and not tell.quiet:
        tell.error(Text("warning: ... and {count} more like these", count=len(warnings) - shown))


def _new(config: Config, args: argparse.Namespace, tell: Teller) -> int:
    provinces = load_provinces(config.provinces_file)
    moment = command_line_date(args.date, config) if args.date else build_time(BuildOptions())
    path = new_article(config, provinces, title=args.title, province=args.province, topic=args.topic,
                       section=args.section, tags=[t.strip() for t in args.tags.split(",") if t.strip()],
                       moment=moment, author=args.author)
    written = path.relative_to(config.root).as_posix()
    tell.say(Text("wrote {path}", path=written))
    former = provinces.match(args.province)
    today = former and provinces.merged_away(former.slug, moment.astimezone(config.tz).date())
    if former and today:  # written as asked; said now rather than at the next check
        tell.warn(merged_warning(written, None, provinces, former.slug, today.slug))
    return 0


def command_line_date(text: str, config: Config) -> datetime:
    """--date as the front matter takes it (bantin/language/dates.py): 2023-06-02, 02/06/2023, 02/06/2023 08:30, ..."""
    try:
        return parse_date(text, config.tz)
    except DateInvalid as invalid:
        raise UsageError(Text("--date: {problem}", problem=invalid.problem),
                         hint=date_hint(invalid, "--date")) from None


def _import(config: Config, args: argparse.Namespace, tell: Teller) -> int:
    provinces = load_provinces(config.provinces_file)
    existing = site_tags(config)  # the site's own tags, proposed where the title or the lead names them
    failures = 0
    for file in args.files:
        try:
            imported = import_text(file, config, provinces, province=args.province, topic=args.topic,
                                   section=args.section, date=args.date,
                                   tags=[t.strip() for t in args.tags.split(",") if t.strip()], dry_run=args.dry_run,
                                   existing_tags=existing)
        except ImportFailed as failed:
            tell.error(f"{file}: {say(failed.args[0], tell.language)}")
            failures += 1
            continue
        target = imported.path.relative_to(config.root).as_posix()
        tell.say(Text("{file} -> {target} (not written: --dry-run)", file=str(file), target=target) if args.dry_run
                 else f"{file} -> {target}")
        for guess in imported.guesses:  # what the editor should check, and how sure each guess is
            tell.say(Text("    {guess}", guess=guess))
        if args.dry_run:
            tell.say("    " + imported.text.split("\n---\n", 1)[0].replace("\n", "\n    ") + "\n    ---")
    return 1 if failures else 0


def _init_language(argv: list[str]) -> gettext.NullTranslations | None:
    """`init` speaks the language it is asked to write the site in (no site.toml yet)."""
    return catalogue(_option(argv, "--language") or "vi") if argv and argv[0] == "init" else None


def _init(args: argparse.Namespace, tell: Teller) -> int:
    folder = Path(args.folder)
    now = build_time(BuildOptions()).astimezone(timezone(timedelta(hours=7)))  # a new site's time zone
    started = init_site(folder, args.title, args.base_url, args.language, now, force=args.force)
    tell.say(Text.counted("wrote a new site in {folder}: {count} file", "wrote a new site in {folder}: {count} files",
                          count=len(started.written), folder=str(folder)))
    for name in started.kept:
        tell.say(Text("    kept {file}: it was there already", file=name))
    tell.say(Text("next: {serve} shows it at {address} while you edit; replace the example article and the "
                  "pictures in {images}; push the folder to a GitHub repository and choose Settings, Pages, "
                  "Source: GitHub Actions", serve=f"cd {folder} && bantin serve", address="http://127.0.0.1:8000/",
                  images="assets/img/"))
    return 0


def _theme(config: Config, args: argparse.Namespace, tell: Teller) -> int:
    if args.action == "list":
        own, record = files.overrides(config), copies.read_record(config.root)
        for kind, folder in (("layouts", files.THEME_LAYOUTS), ("assets", files.THEME_ASSETS)):
            for name in files.theme_files(folder):
                relative = f"{kind}/{name}"
                if relative in record and relative in own:
                    tell.say(Text("{file}  (copied into the site, from bantin {version})", file=relative,
                                  version=record[relative].version))
                elif relative in own:
                    tell.say(Text("{file}  (the site's own file takes its place)", file=relative))
                else:
                    tell.say(relative)
        return 0
    found = copies.theme_file(args.file)
    if found is None:
        raise UsageError(Text("the theme has no file {name!r}", name=args.file),
                         hint=Text("{command} lists the theme's files", command="bantin theme list"))
    relative = found[0]
    if args.action == "diff":
        change = copies.theme_diff(config.root, args.file)
        if change:
            print(change, end="", flush=True)
        else:
            tell.say(Text("the theme's {file} is the same as the version the site follows", file=relative))
        return 0
    if args.mark and not (config.root / relative).is_file():
        raise UsageError(Text("the site has no {file} to mark", file=relative),
                         hint=Text("{command} copies it first", command=f"bantin theme copy {args.file}"))
    try:
        copies.theme_copy(config.root, args.file, mark_only=args.mark, language=config.language)
    except FileExistsError:
        raise UsageError(Text("{file} is there already: it is not replaced", file=relative),
                         hint=Text("{diff} shows what changed in the theme's file; {mark} records that your copy "
                                   "now follows it", diff=f"bantin theme diff {args.file}",
                                   mark=f"bantin theme copy {args.file} --mark")) from None
    tell.say(Text("recorded {file} as following the theme of bantin {version} in {record}", file=relative,
                  version=__version__, record=copies.RECORD_FILE) if args.mark else
             Text("copied the theme's {file} into the site; its origin is recorded in {record}", file=relative,
                  record=copies.RECORD_FILE))
    return 0
