"""Borough populations for rates: the ONS estimates by borough and year, read and checked."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ..errors import DataError, raise_all
from ..inputs import regular_file
from .labels import Definitions, key
from .sources import read_text

MAX_POPULATION_BYTES = 1024 * 1024  # a borough-by-year table; the real one is under 1 KB
POPULATION_COLUMNS = {
    "area": ("borough", "boroughname", "area", "areaname", "name"),
    "population": ("population", "residents", "allages"),
    "year": ("year", "midyear"),
}


def read_table(text: str, label: str) -> pd.DataFrame:
    """A small CSV as text columns, every row as wide as the header."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        lines = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", path=label, row=reader.line_num) from None
    (_, header), *rows = lines
    ragged = [
        DataError(f"row has {len(row)} cells; the header has {len(header)}", path=label, row=line)
        for line, row in rows
        if len(row) != len(header)
    ]
    raise_all(ragged, f"{label}: {len(ragged)} problems")
    return pd.DataFrame([row for _, row in rows], columns=header)


def read_population(path: Path, defs: Definitions, year: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Resident population per borough and mid-year: (area_code, year, population), and the names not used."""
    label = str(path)
    frame = read_table(
        read_text(regular_file(path, MAX_POPULATION_BYTES, "population file").read_bytes(), label), label
    )
    cols = {
        role: next((c for c in frame.columns if key(c) in names), None) for role, names in POPULATION_COLUMNS.items()
    }
    if not cols["area"] or not cols["population"]:
        raise DataError(
            "expected a borough column and a population column (e.g. 'borough,population')", path=label, row=1
        )
    if not cols["year"] and year is None:
        raise DataError(
            "say which mid-year the population is for: add a 'year' column or pass --population-year", path=label, row=1
        )
    rows, problems, unused = [], [], []
    for i, r in enumerate(frame.to_dict("records"), start=2):
        name, pop = r[cols["area"]].strip(), r[cols["population"]].strip().replace(",", "")
        y = r[cols["year"]].strip() if cols["year"] else str(year)
        code, kind = defs.areas.get(key(name), ("", ""))
        if kind != "borough":
            unused.append(name)  # the City of London, say, which the Met does not police
            continue
        if not re.fullmatch(r"[0-9]{1,9}", pop) or int(pop) == 0:
            problems.append(
                DataError(
                    f"population {pop!r} is not a positive whole number", path=label, row=i, field=cols["population"]
                )
            )
        elif not re.fullmatch(r"(19|20)[0-9]{2}", y):
            problems.append(DataError(f"year {y!r} is not a year", path=label, row=i, field=cols["year"]))
        else:
            rows.append((code, int(y), int(pop), i))
    out = pd.DataFrame(rows, columns=["area_code", "year", "population", "row"])
    for (code, y), group in out[out.duplicated(["area_code", "year"], keep=False)].groupby(["area_code", "year"]):
        problems.append(
            DataError(
                f"{defs.boroughs[code]} has {len(group)} populations for {y}", path=label, row=int(group.row.iloc[1])
            )
        )
    for y in sorted(out.year.unique()):
        missing = [n for c, n in defs.boroughs.items() if c not in set(out[out.year == y].area_code)]
        if missing:
            problems.append(
                DataError(
                    f"no {y} population for {len(missing)} borough(s): {', '.join(missing[:5])}",
                    path=label,
                    field=cols["population"],
                )
            )
    if out.empty and not problems:
        problems.append(DataError("no borough populations found", path=label))
    raise_all(problems, f"{label}: {len(problems)} problems")
    return out.drop(columns="row").sort_values(["year", "area_code"]).reset_index(drop=True), sorted(set(unused))
