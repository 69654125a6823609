"""transparency: validate the data packages, import recorded crime, build the site."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
from pathlib import Path

from . import outputs
from .config import SETTINGS, load_config
from .errors import EXIT_BAD_DATA, EXIT_ENVIRONMENT, EXIT_INTERNAL, DataError, EnvironmentProblem
from .lock import exclusive

# Which settings each command takes as options (all come from the one declaration in config.SETTINGS).
COMMAND_SETTINGS = {
    "build": [s.name for s in SETTINGS if s.option],
    "publish": ["as_at", "site_url", "datapackages", "imported"],
    "validate": ["datapackages", "imported"],
    "import-crime": ["datapackages", "imported"],
}


def add_settings(p: argparse.ArgumentParser, command: str) -> None:
    for s in SETTINGS:
        if s.name in COMMAND_SETTINGS[command]:
            default = "" if s.kind == "table" else f" (default: {s.default or 'none'}; pyproject.toml sets it)"
            p.add_argument(
                "--" + s.name.replace("_", "-"), type=Path if s.kind == "path" else str, help=s.help + default
            )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="transparency", description=__doc__)
    p.add_argument("--project", default=".", help="project folder holding pyproject.toml and mkdocs.yml (default: .)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser(
        "build",
        help="validate every package, compute indicators, write pages and build the site",
        description="Validate every package under datapackages/ (and any imported recorded crime), compute "
        "indicators, write the pages and build the site with MkDocs into a temporary folder that replaces "
        "site/ only when everything succeeded.",
    )
    add_settings(b, "build")
    b.add_argument(
        "--previous",
        type=Path,
        help="the previous quarter's built site (a folder with data/all.zip and "
        "feed.xml), for the What changed page and the feed",
    )
    b.add_argument(
        "--builtin-only",
        action="store_true",
        help="build from the repository's packages alone, ignoring any imported recorded crime",
    )
    b.add_argument("--verbose", action="store_true", help="show MkDocs' own log")

    pub = sub.add_parser(
        "publish",
        help="build the quarter and add it to the archive of quarters (mike, gh-pages)",
        description="Build the reporting quarter against the previous published quarter (for What changed and the "
        "feed), then deploy it with mike as its own version (/2017-18-q1/ and so on) on a git branch, move the "
        "'latest' alias to it and make the site root redirect there.",
    )
    add_settings(pub, "publish")
    pub.add_argument("--branch", default="gh-pages", help="branch holding the published versions (default: gh-pages)")
    pub.add_argument("--push", action="store_true", help="push the branch to origin afterwards")
    pub.add_argument(
        "--allow-branch",
        action="store_true",
        help="publish onto main or master even so (never onto the branch checked out)",
    )

    v = sub.add_parser(
        "validate",
        help="validate every package and print the arithmetic findings",
        description="Validate every package (frictionless, foreign keys, cross-package references) and list printed "
        "totals that differ from their rows.",
    )
    add_settings(v, "validate")

    i = sub.add_parser(
        "import-crime",
        help="import any edition of the Met's borough or ward crime file as a data package",
        description="Read an edition of the Met's 'MPS Borough Level Crime' or 'MPS Ward Level Crime' CSV (a URL, a "
        "file or a snapshot package), check its layout, map its columns, categories and areas, and write a tidy "
        "package to build/imported/. The files are published on the London Datastore: see crime_source_page.",
    )
    i.add_argument(
        "source",
        nargs="?",
        help="URL or path of the CSV file, or a snapshot package folder (default: "
        "crime_source in pyproject.toml, the committed snapshot)",
    )
    i.add_argument(
        "--population",
        help="CSV of resident population per borough: columns borough, population and "
        "year (the mid-year of each estimate); several years may be given",
    )
    i.add_argument(
        "--wards",
        help="an edition of the Met's ward-level file (URL or path), for ward pages beside a "
        "borough-level file; a ward-level file given as SOURCE makes ward pages by itself",
    )
    i.add_argument(
        "--population-year", type=int, help="the mid-year of the estimates, for a population file with no year column"
    )
    add_settings(i, "import-crime")
    return p


def run(args) -> int:
    overrides = {}
    for name in COMMAND_SETTINGS[args.command]:
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value.resolve() if isinstance(value, Path) else value
    config = load_config(args.project, **overrides)
    if getattr(args, "previous", None):
        config = config.with_overrides(previous=args.previous.resolve())
    if args.command in ("build", "publish", "import-crime"):
        outputs.check(config)  # before the lock: a careless folder flag is refused before anything is written
        # One at a time: a second build would see the first's staging folders, or read an import half replaced.
        with exclusive(config.root / "build", f"transparency {args.command}"):
            return write(args, config)
    return validate(config)


def validate(config) -> int:
    from .checks import run_checks
    from .packages import load_catalog

    catalog = load_catalog(config.datapackages, config.imported, cache=config.validated, roles=config.datasets)
    findings = run_checks(catalog)
    print(f"{len(catalog)} packages valid.")
    for r in findings[findings.status != "exact"].itertuples():
        print(
            f"  {r.status}: {r.package}/{r.resource} '{r.label}' {r.field}: printed {r.reported:,.12g}, "
            f"rows give {r.computed:,.12g} (tolerance {r.tolerance:g})"
        )
    return 0


def write(args, config) -> int:
    if args.command == "publish":
        from .publish import publish

        report = publish(config, branch=args.branch, push=args.push, allow_branch=args.allow_branch)
        print(f"Published {report.as_at.label} as /{report.as_at.slug}/ on {args.branch} ({report.pages} pages).")
        for note in report.notes:
            print(f"Note: {note}")
        return 0
    if args.command == "import-crime":
        from .crime import import_crime
        from .packages import load_catalog

        source = args.source or (str(config.root / config.crime_source) if config.crime_source else "")
        if not source:
            raise DataError(
                "no crime file given: pass its URL or path, or set crime_source in pyproject.toml; "
                f"the files are published at {config.crime_source_page}"
            )
        catalog = load_catalog(config.datapackages, cache=config.validated, roles=config.datasets)
        for path in import_crime(
            config.imported,
            catalog,
            source,
            wards=args.wards,
            population=args.population,
            population_year=args.population_year,
            cache=config.validated,
            site=config.site,
        ):
            print(f"Imported {path.parent.name} to {path.parent}")
        return 0
    if args.command == "build":
        from .site import build, clean_stale

        if args.builtin_only:
            config = config.with_overrides(imported=config.root / "build" / "no-imported-packages")
        clean_stale(config)
        report = build(config, verbose=args.verbose)
        print(
            f"Built {report.pages} pages and {report.files} downloads into {config.site_dir} "
            f"(as at {report.as_at.label}; recorded crime {'included' if report.crime_included else 'not included'})."
        )
        print("Stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
        for note in report.notes:
            print(f"Note: {note}")
        return 0
    return EXIT_INTERNAL


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_DATA
    except BrokenPipeError:  # output piped into a pager or head that closed early
        return 0
    except EnvironmentProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except OSError as exc:  # a full or read-only disk, a permission: the machine's problem, not the data's
        # A full disk fails whichever write came next; the file named would be a bystander (a copy's source, say).
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        where = f" ({exc.filename})" if exc.filename and not full else ""
        print(
            f"error: the machine refused a file operation{where}: {exc.strerror or exc}; the published site was "
            "not changed",
            file=sys.stderr,
        )
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("interrupted; the published site was not changed", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:  # an internal fault, not bad data: keep the traceback for whoever fixes it
        if os.environ.get("TRANSPARENCY_DEBUG"):
            raise
        print("internal error (a bug, not bad data); the published site was not changed:", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
