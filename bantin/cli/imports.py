"""`bantin import wordpress ...` and `bantin import site ...`: their arguments and their run."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from bantin.language.errors import UsageError
from bantin.language.messages import Text
from bantin.language.provinces import load_provinces
from bantin.project.config import Config


def add_import_parser(commands: argparse._SubParsersAction, h: Callable[[Text], str],
                      common: Callable[[argparse.ArgumentParser], None]) -> None:
    """The `import` command and its two kinds of archive."""
    parser = commands.add_parser("import", help=h(Text("bring an old site's archive: a WordPress export or a saved "
                                                       "copy of the site")))
    kinds = parser.add_subparsers(dest="archive", required=True)
    wordpress = kinds.add_parser("wordpress", help=h(Text("import WordPress export files (Tools > Export)")))
    common(wordpress)
    wordpress.add_argument("exports", nargs="+", type=Path, help=h(Text("the export's XML files (all parts of a "
                                                                       "split export)")))
    wordpress.add_argument("--uploads", type=Path, default=None,
                           help=h(Text("a local copy of the old site's wp-content/uploads (photos)")))
    mirror = kinds.add_parser("site", help=h(Text("import a saved copy of an old site (wget --mirror, HTTrack)")))
    common(mirror)
    mirror.add_argument("mirror", type=Path, help=h(Text("the folder holding the saved pages")))
    for command in (wordpress, mirror):
        command.add_argument("--dry-run", action="store_true",
                             help=h(Text("print the report and write only the mapping file under import/")))
        command.add_argument("--jobs", type=int, default=0, help=h(Text("worker processes (default: one per core)")))


def run_import(config: Config, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    """Run an import and print its report; errors reach main as BuildFailed (nothing written)."""
    try:  # the importers' libraries are an extra: a site brings its archive once
        import bs4  # noqa: F401
        import lxml  # noqa: F401
        import markdownify  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError as missing:
        raise UsageError(Text("bantin import needs libraries that are not installed ({name})", name=missing.name),
                         hint=Text("install them with: {command}", command="pip install 'bantin[import]'")) from None
    provinces = load_provinces(config.provinces_file)
    if args.archive == "wordpress":
        from bantin.importers.wordpress import import_wordpress, report

        for export in args.exports:
            if not export.is_file():
                raise UsageError(Text("no file {path}", path=str(export)),
                                 hint=Text("give the export's XML files (WordPress: Tools > Export)"))
        if args.uploads is not None and not args.uploads.is_dir():
            raise UsageError(Text("--uploads {path}: no such folder", path=str(args.uploads)),
                             hint=Text("the copy of wp-content/uploads, holding folders by year"))
        result = import_wordpress(list(args.exports), args.uploads, config, provinces, dry_run=args.dry_run,
                                  workers=args.jobs)
    else:
        from bantin.importers.saved_site import import_site, report  # type: ignore[assignment]

        if not args.mirror.is_dir():
            raise UsageError(Text("no folder {path}", path=str(args.mirror)),
                             hint=Text("the folder wget --mirror or HTTrack saved the site into"))
        result = import_site(args.mirror, config, provinces, dry_run=args.dry_run, workers=args.jobs)
    for line in report(result, args.dry_run):  # type: ignore[arg-type]
        say(line)
    return 0
