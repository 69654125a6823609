"""Project settings from pyproject.toml [tool.transparency]; the CLI may override them."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DataError, printable
from .periods import LAST_YEAR, Quarter

MAX_EPOCH = 4_102_444_800  # 2100-01-01: a date the site states is within the quarters it can report


def parse_as_at(text: str) -> Quarter | str:
    return "latest" if str(text).strip().lower() == "latest" else Quarter.parse(text)


@dataclass(frozen=True)
class Setting:
    """One setting: its default, what it means, how a value is read, and whether `build` takes it as an option."""

    name: str
    default: object
    help: str
    kind: str = "str"  # str | path (relative to the project) | quarter | table | workers | epoch | url
    option: bool = True


# Every setting of the project, declared once: pyproject.toml [tool.transparency] sets them for the project,
# `transparency build --NAME` for one build, and the help text below is what both show.
SETTINGS = (
    Setting(
        "as_at",
        "2017Q1",
        "reporting quarter, e.g. 2017Q1 for April-June 2017, or 'latest' for the latest "
        "complete quarter in the imported data",
        "quarter",
    ),
    Setting("datapackages", "datapackages", "folder of curated data packages", "path"),
    Setting("imported", "build/imported", "folder of imported packages (recorded crime)", "path"),
    Setting("site_dir", "site", "where the built site goes", "path"),
    Setting("generated", "build/generated", "where the generated pages are kept, for `mkdocs serve`", "path"),
    Setting("validated", "build/validated", "packages frictionless has already passed, by content hash", "path"),
    Setting("template_cache", "build/templates", "page and theme templates already compiled, by source hash", "path"),
    Setting(
        "workers",
        "auto",
        "processes that render pages side by side: a number, or 'auto' for one per core",
        "workers",
    ),
    Setting(
        "site_url",
        "",
        "public address of the site (http or https), for citations, dataset metadata, canonical links and the "
        "sitemap; without one, citations give each page's path and there are no canonical links or sitemap",
        "url",
    ),
    Setting(
        "feedback_url",
        "",
        "where visitors report a problem with a page (an https or mailto address); every page's footer links to it",
    ),
    Setting(
        "source_date_epoch",
        "",
        "the date the site states, as seconds since 1970 (default: "
        "$SOURCE_DATE_EPOCH, else the end of the reporting quarter), so the same inputs give the same site",
        "epoch",
    ),
    Setting(
        "crime_source",
        "datapackages/snapshots/mps-borough-crime-historical-2023",
        "what import-crime reads when given no file: a URL, a file or a snapshot package folder",
        option=False,
    ),
    Setting(
        "crime_source_page",
        "https://data.london.gov.uk/dataset/recorded_crime_summary",
        "where the Met publishes its crime files",
        option=False,
    ),
    Setting(
        "site",
        {
            "name": "London Policing Transparency",
            "feed_id": "urn:london-policing-transparency",
            "force": "Metropolitan Police Service",
            "data_from": "the Mayor's Office for Policing and Crime, the Metropolitan Police and the London Datastore",
            "licence": "Open Government Licence v3.0",
            "licence_id": "OGL-UK-3.0",
            "licence_url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        },
        "who the site is and whose data it shows: its name, the id of its feed, the force whose crime files it "
        "imports, whose information it contains, and the licence of that data (a second force changes this table)",
        "table",
        option=False,
    ),
    Setting(
        "datasets",
        {
            "plan": "police-and-crime-plan-2017-21",
            "finance": "finance-2017-18",
            "milestones": "met-business-plan-2017-18",
            "performance": "london-performance-2017-18",
            "areas": "areas",
            "boroughs": "boroughs",
            "definitions": "indicator-definitions",
            "documents": "source-documents",
            "crime": "recorded-crime",
            "wards": "recorded-crime-wards",
            "boundaries": "boundaries",
        },
        "which package plays each role the pages read (a new year's finance package is a new name here)",
        "table",
        option=False,
    ),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}  # for a caller with no project config (a test, say)


@dataclass(frozen=True)
class Config:
    root: Path
    as_at: Quarter | str  # a quarter, or "latest": the latest complete quarter of the imported data
    datapackages: Path
    imported: Path
    site_dir: Path
    generated: Path
    validated: Path
    template_cache: Path
    workers: str  # 'auto' or a whole number (site.page_workers)
    site_url: str
    feedback_url: str
    source_date_epoch: str
    crime_source: str
    crime_source_page: str
    site: dict[str, str]
    datasets: dict[str, str]
    previous: Path | None = None  # the previous quarter's built site, for "What changed"
    archive: bool = False  # built for the archive of quarters: Material's quarter selector reads mike's versions

    def with_overrides(self, **kw) -> Config:
        kw = {k: v for k, v in kw.items() if v is not None}
        return replace(self, **kw)


# Settings of a kind read as text, each with the test its value must pass and what it should be.
TEXT_CHECKS = {
    "workers": (lambda t: t == "auto" or (t.isdigit() and int(t) >= 1), "a whole number of at least 1, or 'auto'"),
    "epoch": (
        lambda t: not t or (t.isascii() and t.isdigit() and int(t) <= MAX_EPOCH),
        f"whole seconds since 1970, before the year {LAST_YEAR}",
    ),
    "url": (
        lambda t: not t or re.fullmatch(r"https?://[^\s<>\"'`\\]+", t, re.I) is not None,
        "an http or https address without spaces or quotes",
    ),
}


def read_setting(setting: Setting, value, root: Path):
    if setting.kind == "path":
        return (root / str(value)).resolve()
    if setting.kind == "quarter":
        return parse_as_at(value)
    if setting.kind in TEXT_CHECKS:
        fits, expected = TEXT_CHECKS[setting.kind]
        text = str(value).strip()
        text = text.lower() if setting.kind == "workers" else text
        if not fits(text):
            raise DataError(f"must be {expected}; got {printable(value)!r}", field=setting.name)
        return text
    if setting.kind == "table":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise DataError(
                f"[tool.transparency.{setting.name}] must map names to strings",
                path=root / "pyproject.toml",
                field=setting.name,
            )
        return {**setting.default, **value}
    return str(value)


def load_config(root: Path | str = ".", **overrides) -> Config:
    """The project's settings: defaults, then pyproject.toml [tool.transparency], then the given overrides."""
    root = Path(root).resolve()
    settings: dict = {}
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        settings = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("transparency", {})
    unknown = sorted(set(settings) - {s.name for s in SETTINGS})
    if unknown:
        raise DataError(
            f"unknown setting(s) {', '.join(unknown)} in [tool.transparency]; known: "
            + ", ".join(s.name for s in SETTINGS),
            path=pyproject,
        )
    values = {}
    for s in SETTINGS:
        raw = overrides.get(s.name)
        values[s.name] = read_setting(s, raw if raw is not None else settings.get(s.name, s.default), root)
    if not values["source_date_epoch"]:
        epoch = next(s for s in SETTINGS if s.name == "source_date_epoch")
        values["source_date_epoch"] = read_setting(epoch, os.environ.get("SOURCE_DATE_EPOCH", ""), root)
    return Config(root=root, **values)
