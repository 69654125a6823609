"""The import: a crime file read, checked and written as a tidy data package, all or nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from .. import areas, outputs
from ..config import DEFAULTS
from ..errors import DataError
from ..formats import csv_bytes, left_out_note
from ..packages import Catalog, load_catalog
from ..periods import month_name
from .labels import Definitions
from .population import read_population
from .rows import INCOMPLETE_SHARE, tidy
from .sources import fetch, read_text, recorded_url, snapshot_source

SCHEMAS = Path(__file__).parent / "schemas"  # the Table Schemas of the tidy package, one JSON file a resource


def table_schema(resource: str) -> dict:
    return json.loads((SCHEMAS / f"{resource}.json").read_text(encoding="utf-8"))


def import_crime(
    imported: Path,
    catalog: Catalog,
    source: str,
    *,
    wards: str | None = None,
    population: str | None = None,
    population_year: int | None = None,
    cache: Path | None = None,
    site: dict | None = None,
) -> list[Path]:
    """Import the crime file (and a ward file beside it) into a new imported folder, load it exactly as the build
    will, then swap the folder in whole: crime, wards and population change together or not at all. ``site`` (the
    config's) gives the data's licence; the title names the region the areas package puts at the top."""
    imported = Path(imported)
    outputs.check_replaceable(imported)
    imported.parent.mkdir(parents=True, exist_ok=True)
    for stale in imported.parent.glob(".import-*"):  # left by an import that was killed
        shutil.rmtree(stale, ignore_errors=True)
    defs = Definitions.from_catalog(catalog)
    names = [catalog.name_of("crime")] + ([catalog.name_of("wards")] if wards else [])
    site = site or DEFAULTS["site"]
    about = {
        "region": areas.region(catalog)["name"],
        "licence": {"name": site["licence_id"], "path": site["licence_url"], "title": site["licence"]},
    }
    with tempfile.TemporaryDirectory(dir=imported.parent, prefix=".import-") as tmp:
        tmp = Path(tmp)
        stage = tmp / "imported"
        stage.mkdir()
        write_package(
            stage / names[0], source, defs, tmp, about, population=population, population_year=population_year
        )
        if wards:
            write_package(stage / names[1], wards, defs, tmp, about, level="ward")
        # Everything the build reads, checked now: a refused import leaves the working one as it was.
        try:
            load_catalog(stage, cache=cache, roles=catalog.roles, beside=catalog)
        except DataError as exc:  # blame the file given, not the package made from it in a temporary folder
            raise DataError(
                f"the package made from this file would not load as the build reads it, so nothing was changed: {exc}",
                path=source,
            ) from None
        outputs.exchange(stage, imported)
    return [imported / name / "datapackage.json" for name in names]


def write_package(
    out_dir: Path,
    source: str,
    defs: Definitions,
    workdir: Path,
    about: dict,
    *,
    level: str | None = None,
    population: str | None = None,
    population_year: int | None = None,
) -> None:
    """One tidy recorded-crime package in out_dir (a new folder). ``level`` ("ward"), when given, is the level the
    file must be at; ``about`` holds the region its title names and the data's licence."""
    snap = snapshot_source(source)
    path = Path(snap[0]) if snap else fetch(source, workdir)
    raw = path.read_bytes()
    t = tidy(read_text(raw, source), source, defs)
    found = "ward" if not t.wards.empty else "borough"
    if level and found != level:
        raise DataError(f"this is a {found}-level file; a {level}-level file is needed here", path=source)
    level = found
    provenance = snap[1] if snap else file_provenance(source, raw, t, level)
    out_dir.mkdir()
    resources = [
        resource(
            out_dir,
            "recorded-crime",
            t.crime,
            f"Recorded crime by {level} and month",
            "Offences per source row (area, category label) and month, tidied from the Met's wide file. Non-borough "
            "areas are kept and flagged; they count towards London's total but never towards a borough.",
        ),
        resource(
            out_dir,
            "edition-labels",
            t.labels,
            "Category labels in this edition",
            "Every (major, minor) label pair of the imported file and the canonical category it counts towards.",
        ),
    ]
    if level == "ward":
        resources.append(
            resource(
                out_dir,
                "wards",
                t.wards,
                "Wards in this edition",
                "Every ward of the file, with the borough it lies in.",
            )
        )
    sources = [provenance]
    if population:
        pop_resource, pop_source = population_resource(out_dir, Path(population), defs, population_year)
        resources.append(pop_resource)
        sources.append(pop_source)
    descriptor = {
        "name": out_dir.name,
        "title": f"Recorded crime in {about['region']} by {level} and month",
        "description": f"Imported from the Met's {level}-level crime file ({provenance['edition']}): "
        f"{len(t.crime):,} rows.",
        "profile": "tabular-data-package",
        "licenses": [about["licence"]],
        "sources": sources,
        "x-coverage": {
            "first_month": t.complete[0],
            "last_month": t.complete[1],
            "incomplete_months": list(t.incomplete),
            "incomplete_counts": t.incomplete,
            "typical_month": t.typical_month,
            "incomplete_share": INCOMPLETE_SHARE,
            "level": level,
        },
        "resources": resources,
    }
    (out_dir / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def file_provenance(source: str, raw: bytes, t, level: str) -> dict:
    """Where an imported file came from: its address (or name), the months it holds and those left out, its hash."""
    return {
        "title": f"MPS {level.title()} Level Crime, London Datastore",
        "path": recorded_url(source) if "://" in source else Path(source).name,
        "edition": f"file {Path(source).name}, data {month_name(t.complete[0])} to {month_name(t.complete[1])}"
        + (f"; {left_out_note(t.incomplete, t.typical_month, INCOMPLETE_SHARE)}" if t.incomplete else ""),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }


def resource(out_dir: Path, name: str, frame, title: str, description: str) -> dict:
    """A resource of the package: its CSV written, its Table Schema from schemas/."""
    (out_dir / f"{name}.csv").write_bytes(csv_bytes(frame))
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": table_schema(name),
    }


def population_resource(out_dir: Path, population: Path, defs: Definitions, year: int | None) -> tuple[dict, dict]:
    """The borough populations as a resource, and their file as a source."""
    pop, unused = read_population(population, defs, year)
    years = sorted(pop.year.unique())
    not_used = f" Areas in the file that are not boroughs the Met polices were not used: {', '.join(unused)}."
    description = (
        f"Mid-year resident population estimates ({', '.join(map(str, years))}), for rates per 1,000 residents."
        + (not_used if unused else "")
    )
    source = {
        "title": "Resident population by borough (ONS mid-year estimates)",
        "path": population.name,
        "years": [int(y) for y in years],
        "sha256": hashlib.sha256(population.read_bytes()).hexdigest(),
    }
    return resource(out_dir, "population", pop, "Resident population by borough", description), source
