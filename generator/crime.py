"""Import the Met's borough crime file (wide, one column per month) as a tidy data package.

The file's layout has changed over the years: label columns have been renamed,
categories split or renamed. Known label-column names are listed here; category
and borough names are mapped through tables in the indicator-definitions
package, so a new label is a new row there, never a silent drop.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import urllib.request
from pathlib import Path

import pandas as pd

from .errors import DataError
from .packages import Catalog

LABEL_COLUMNS = {
    "major": ("majortext", "majorcategory", "major", "group", "crimegroup", "offencegroup"),
    "minor": ("minortext", "minorcategory", "minor", "subgroup", "crimesubgroup", "offencesubgroup"),
    "area": ("boroughname", "borough", "bocu", "lookupboroughname", "area", "areaname"),
}
MONTH_RE = re.compile(r"^(\d{4})-?(\d{2})$")
MAX_BYTES = 256 * 1024 * 1024
DOWNLOAD_TIMEOUT = 120


def key(text: str) -> str:
    """Compare labels ignoring case, spaces and punctuation."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def fetch(source: str, workdir: Path) -> Path:
    """A local path as is; an http(s) URL downloaded once (the only network access in the project)."""
    if re.match(r"^https?://", source):
        target = workdir / "download.csv"
        try:
            with urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT) as resp, open(target, "wb") as out:
                ctype = resp.headers.get("Content-Type", "")
                if "html" in ctype:
                    raise DataError(f"{source} is a web page ({ctype}), not the CSV file; use the file's download link",
                                    path=source)
                total = 0
                while chunk := resp.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_BYTES:
                        raise DataError(f"download is larger than {MAX_BYTES:,} bytes", path=source)
                    out.write(chunk)
        except OSError as exc:
            raise DataError(f"could not download: {exc}", path=source) from None
        return target
    path = Path(source)
    if not path.is_file():
        raise DataError("no such file", path=source)
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"file is larger than {MAX_BYTES:,} bytes", path=source)
    return path


def read_text(path: Path, label: str) -> str:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError("file is empty", path=label)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", path=label, row=line) from None
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise DataError("this is a web page, not the CSV file", path=label)
    return text


def parse_layout(header: list[str], label: str) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Which columns hold the labels, and which hold months (as YYYY-MM)."""
    found: dict[str, int] = {}
    months: list[tuple[int, str]] = []
    unknown: list[str] = []
    for i, name in enumerate(header):
        k = key(name)
        role = next((r for r, names in LABEL_COLUMNS.items() if k in names), None)
        if role and role not in found:
            found[role] = i
            continue
        m = MONTH_RE.match(name.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            months.append((i, f"{m.group(1)}-{m.group(2)}"))
        else:
            unknown.append(name)
    missing = [r for r in LABEL_COLUMNS if r not in found]
    if missing:
        raise DataError(
            f"unknown layout: no column for {', '.join(missing)} (found: {', '.join(header[:6])}); known names are "
            + "; ".join(f"{r}: {', '.join(v)}" for r, v in LABEL_COLUMNS.items()), path=label, row=1)
    if unknown:
        raise DataError(f"column '{unknown[0]}' is neither a known label column nor a month (YYYYMM)",
                        path=label, row=1, field=unknown[0])
    if not months:
        raise DataError("no month columns (YYYYMM) found", path=label, row=1)
    if len({m for _, m in months}) != len(months):
        raise DataError("a month column appears twice", path=label, row=1)
    return found, months


def category_lookup(catalog: Catalog):
    cmap = catalog["indicator-definitions"].frames["category-map"]
    exact = {(key(r.edition_major), key(r.edition_minor)): r.category_id for r in cmap.itertuples() if r.edition_minor != "*"}
    wildcard = {key(r.edition_major): r.category_id for r in cmap.itertuples() if r.edition_minor == "*"}

    def lookup(major: str, minor: str):
        return exact.get((key(major), key(minor))) or wildcard.get(key(major))
    return lookup


def area_lookup(catalog: Catalog) -> dict[str, tuple[str, str]]:
    aliases = catalog["indicator-definitions"].frames["area-aliases"]
    return {key(r.alias): (r.area_code, r.kind) for r in aliases.itertuples()}


def tidy(text: str, label: str, catalog: Catalog) -> pd.DataFrame:
    """Wide text -> one row per area, month and canonical category, with every label checked."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    cols, months = parse_layout(header, label)
    cat_of = category_lookup(catalog)
    areas = area_lookup(catalog)
    records = []
    seen = set()
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise DataError(f"row has {len(row)} cells; the header has {len(header)}", path=label, row=line)
        major, minor, area = row[cols["major"]].strip(), row[cols["minor"]].strip(), row[cols["area"]].strip()
        category = cat_of(major, minor)
        if category is None:
            raise DataError(f"crime category '{major} / {minor}' is not mapped; add it to "
                            "datapackages/indicator-definitions/category-map.csv", path=label, row=line,
                            field=header[cols["minor"]])
        if key(area) not in areas:
            raise DataError(f"area '{area}' is not a known borough or non-borough row; add it to "
                            "datapackages/indicator-definitions/area-aliases.csv", path=label, row=line,
                            field=header[cols["area"]])
        code, kind = areas[key(area)]
        if (major, minor, code) in seen:
            raise DataError(f"'{major} / {minor}' appears twice for {area}", path=label, row=line)
        seen.add((major, minor, code))
        for i, month in months:
            cell = row[i].strip()
            if not cell.isdigit():
                raise DataError(f"count {cell!r} is not a whole number of offences (0 or more)", path=label,
                                row=line, field=header[i])
            records.append((code, kind, month, major, minor, category, int(cell)))
    if not records:
        raise DataError("no data rows", path=label)
    boroughs = catalog["boroughs"].frames["boroughs"]
    present = {code for code, *_ in records}
    absent = boroughs[~boroughs.code.isin(present)].name.tolist()
    if absent:
        raise DataError(f"no rows for {len(absent)} borough(s): {', '.join(absent[:5])}; every borough must be in the file",
                        path=label, field=header[cols["area"]])
    df = pd.DataFrame(records, columns=["area_code", "area_kind", "month", "major_category", "minor_category",
                                        "category_id", "count"])
    return df.sort_values(["area_code", "category_id", "major_category", "minor_category", "month"], kind="stable")


def read_population(path: Path, catalog: Catalog) -> pd.DataFrame:
    """Resident population per borough (columns: borough, population)."""
    text = read_text(path, str(path))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cols = {key(c): c for c in frame.columns}
    if "borough" not in cols or "population" not in cols:
        raise DataError("expected columns 'borough' and 'population'", path=path, row=1)
    areas = area_lookup(catalog)
    rows = []
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        name, pop = getattr(r, cols["borough"]).strip(), getattr(r, cols["population"]).strip().replace(",", "")
        if key(name) not in areas:
            continue  # e.g. the City of London, which the Met does not police
        if not pop.isdigit() or int(pop) == 0:
            raise DataError(f"population {pop!r} is not a positive whole number", path=path, row=i, field="population")
        rows.append((areas[key(name)][0], int(pop)))
    return pd.DataFrame(rows, columns=["area_code", "population"]).sort_values("area_code")


CRIME_SCHEMA = {"fields": [
    {"name": "area_code", "type": "string", "description": "Borough GSS code, or X-AIRPORTS / X-UNKNOWN for the file's non-borough rows.", "constraints": {"required": True}},
    {"name": "area_kind", "type": "string", "constraints": {"required": True, "enum": ["borough", "non-borough"]}},
    {"name": "month", "type": "string", "description": "YYYY-MM", "constraints": {"required": True, "pattern": r"^\d{4}-\d{2}$"}},
    {"name": "major_category", "type": "string", "description": "Major category as printed in the file."},
    {"name": "minor_category", "type": "string", "description": "Minor category as printed in the file."},
    {"name": "category_id", "type": "string", "description": "Canonical category (indicator-definitions/categories).", "constraints": {"required": True}},
    {"name": "count", "type": "integer", "unit": "offences", "constraints": {"required": True, "minimum": 0}}],
    "primaryKey": ["area_code", "month", "major_category", "minor_category"]}
POP_SCHEMA = {"fields": [
    {"name": "area_code", "type": "string", "constraints": {"required": True}},
    {"name": "population", "type": "integer", "unit": "residents", "constraints": {"required": True, "minimum": 1}}],
    "primaryKey": ["area_code"]}


def import_crime(source: str, out_dir: Path, catalog: Catalog, population: str | None = None) -> Path:
    """Write the tidy recorded-crime package to out_dir (replacing it only when the import succeeded)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=".import-") as tmp:
        tmp = Path(tmp)
        path = fetch(source, tmp)
        raw = path.read_bytes()
        frame = tidy(read_text(path, source), source, catalog)
        stage = tmp / "package"
        stage.mkdir()
        frame.to_csv(stage / "recorded-crime.csv", index=False, lineterminator="\n")
        resources = [{"name": "recorded-crime", "path": "recorded-crime.csv", "title": "Recorded crime by borough and month",
                      "description": "Offences per area, month and category, tidied from the Met's wide file. Non-borough rows are kept and flagged.",
                      "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource", "schema": CRIME_SCHEMA}]
        sources = [{"title": "MPS Borough Level Crime (Historical), London Datastore", "path": source if "://" in source else Path(source).name,
                    "sha256": hashlib.sha256(raw).hexdigest()}]
        if population:
            pop = read_population(Path(population), catalog)
            pop.to_csv(stage / "population.csv", index=False, lineterminator="\n")
            resources.append({"name": "population", "path": "population.csv", "title": "Resident population by borough",
                              "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource", "schema": POP_SCHEMA})
            sources.append({"title": "Borough resident population", "path": Path(population).name})
        months = sorted(frame["month"].unique())
        descriptor = {"name": "recorded-crime", "title": "Recorded crime in London by borough and month",
                      "description": f"Imported from the Met's borough crime file: {months[0]} to {months[-1]}, {len(frame):,} rows.",
                      "profile": "tabular-data-package",
                      "licenses": [{"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "title": "Open Government Licence v3.0"}],
                      "sources": sources, "x-coverage": {"first_month": months[0], "last_month": months[-1]},
                      "resources": resources}
        (stage / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
        target = out_dir
        if target.exists():
            old = tmp / "old"
            target.rename(old)
        stage.rename(target)
    return target / "datapackage.json"
