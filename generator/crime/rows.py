"""A crime file's rows as tidy counts: each label matched, each count checked, every problem listed at once."""

from __future__ import annotations

import array
import csv
import datetime
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, raise_all
from ..formats import is_formula
from .labels import DEFINITIONS, ROLES, Definitions, csv_row, key
from .layout import Layout, parse_layout

COUNT_FULL = re.compile(r"[0-9]{1,9}").fullmatch  # ASCII digits only, below a billion offences in a cell
# The tidy package holds one row per count, about 60 bytes each, and the build reads a resource of at most 64 MB;
# the real ward file holds 466,725 counts. Checked from the header and the line count, before any row is parsed.
MAX_COUNTS = 1_000_000
MAX_LISTED = 100  # problems of one kind collected before the rest are only counted
MAX_LABEL = 120  # characters in a label or name; the longest real one has 57
CODE_RE = re.compile(r"[A-Za-z0-9]{1,20}")
INCOMPLETE_SHARE = 0.2  # a month holding under a fifth of the median month is incomplete


@dataclass
class Tidy:
    crime: pd.DataFrame  # one row per source row and month
    labels: pd.DataFrame  # the edition's label pairs and the category each counts towards
    wards: pd.DataFrame  # ward code, name and borough, when the file is at ward level
    complete: tuple[str, str]
    incomplete: dict[str, int]  # months left out of every figure, with their offences
    typical_month: int  # the median month's offences, against which a month is incomplete


def tidy(text: str, label: str, defs: Definitions, today: datetime.date | None = None) -> Tidy:
    """Wide text -> one row per source row and month, with every label checked and every problem reported."""
    last_month = f"{today or datetime.date.today():%Y-%m}"
    # Lines, not a StringIO: that would hold the text again at four bytes a character.
    text_lines = text.split("\n")
    reader = csv.reader((line + "\n" for line in text_lines), strict=True)
    try:
        header = next(reader)
        layout = parse_layout(header, label, defs, last_month)
        counts_in_file = (len(text_lines) - 1) * len(layout.months)
        if counts_in_file > MAX_COUNTS:
            raise DataError(
                f"the file holds about {counts_in_file:,} counts ({len(layout.months)} months by "
                f"{len(text_lines) - 1:,} lines); the limit is {MAX_COUNTS:,}. Import a 24-month edition, or a "
                "borough-level file",
                path=label,
            )
        problems: list[DataError] = []
        labels_of, lines = [], []
        cells = array.array("q")  # every count as a machine integer: 8 bytes each, not a string object
        month_header = [header[i] for i, _ in layout.months]
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(
                    DataError(
                        f"row has {len(row)} cells; the header has {len(header)}", path=label, row=reader.line_num
                    )
                )
                continue
            labels_of.append(tuple(row[layout.columns[r]].strip() if r in layout.columns else "" for r in ROLES))
            values = [row[i].strip() for i, _ in layout.months]
            if all(map(COUNT_FULL, values)):
                cells.extend(map(int, values))
            else:
                problems += count_problems(values, month_header, label, reader.line_num, len(problems))
                cells.extend([0] * len(values))
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(
            f"malformed CSV ({exc}); check the quotes on this line", path=label, row=reader.line_num
        ) from None
    if not lines:
        raise_all(problems or [DataError("no data rows", path=label)], f"{label}: {len(problems)} problems")
    rows = pd.DataFrame(labels_of, columns=list(ROLES))
    rows["source_row"] = lines
    month_cols = [m for _, m in layout.months]
    counts = pd.DataFrame(np.frombuffer(cells, dtype=np.int64).reshape(-1, len(month_cols)), columns=month_cols)
    rows["category_id"], matched, label_problems = match_categories(rows, defs, header, layout, label)
    problems += label_problems
    rows["area_code"], rows["area_kind"], area_problems = match_areas(rows, defs, header, layout, label)
    problems += area_problems
    problems += check_labels(rows, header, layout, label)
    problems += check_rows(rows, defs, header, layout, label)
    raise_all(problems, f"{label}: {len(problems)} problems, listed by row")

    complete, incomplete, typical = complete_months(counts, label)
    labels = matched.reset_index(drop=True)
    labels.insert(0, "label_id", range(1, len(labels) + 1))
    rows = rows.merge(labels[["label_id", "major", "minor"]], on=["major", "minor"], how="left")
    wide = pd.concat(
        [rows[["area_code", "area_kind", "ward_code", "label_id", "category_id", "source_row"]], counts], axis=1
    )
    crime = wide.melt(
        id_vars=["area_code", "area_kind", "ward_code", "label_id", "category_id", "source_row"],
        var_name="month",
        value_name="count",
    )
    crime = crime[["area_code", "area_kind", "ward_code", "month", "label_id", "category_id", "count", "source_row"]]
    crime = crime.sort_values(["area_code", "ward_code", "label_id", "month"], kind="stable").reset_index(drop=True)
    wards = (
        rows[rows.ward_code != ""][["ward_code", "ward_name", "area_code"]]
        .drop_duplicates()
        .sort_values("ward_code")
        .reset_index(drop=True)
    )
    labels = labels.rename(columns={"major": "major_category", "minor": "minor_category"})
    return Tidy(crime, labels, wards, complete, incomplete, typical)


def count_problems(values: list[str], month_header: list[str], label: str, line: int, so_far: int) -> list[DataError]:
    """A row's cells that are not counts, while fewer than MAX_LISTED problems are listed."""
    bad = [(v, month) for v, month in zip(values, month_header, strict=True) if not COUNT_FULL(v)]
    return [
        DataError(
            f"count {v!r} is not a whole number of offences (0 to 999,999,999, digits only)",
            path=label,
            row=line,
            field=month,
        )
        for v, month in bad[: max(0, MAX_LISTED - so_far)]
    ]


def match_categories(rows: pd.DataFrame, defs: Definitions, header, layout: Layout, label: str):
    pairs = rows[["major", "minor"]].drop_duplicates()
    widths = (int(rows.major.str.len().max()), int(rows.minor.str.len().max()))
    found, problems, matched = {}, [], []
    for major, minor in pairs.itertuples(index=False):
        category, how = defs.category(major, minor, widths)
        found[(major, minor)] = category
        if category is None:
            where = rows[(rows.major == major) & (rows.minor == minor)].source_row
            guess = defs.suggest_category(major, minor)
            hint = f" (likely {guess})" if guess else ""
            problems.append(
                DataError(
                    f"crime category '{major} / {minor}' is not mapped ({len(where)} row(s)); add this row to "
                    f"{DEFINITIONS}/category-map.csv: {csv_row(major, minor, guess or 'CATEGORY_ID', '')}{hint}",
                    path=label,
                    row=int(where.iloc[0]),
                    field=header[layout.columns["minor"]],
                )
            )
        else:
            matched.append({"major": major, "minor": minor, "category_id": category, "matched_by": how})
    categories = [found[p] or "" for p in zip(rows.major, rows.minor, strict=False)]
    return categories, pd.DataFrame(matched, columns=["major", "minor", "category_id", "matched_by"]), problems


def lookalike(text: str) -> str | None:
    """A letter of another script in an otherwise Latin name (the Cyrillic 'а' of 'Cаmden'), described; or None."""
    scripts = {c: unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}
    other = next((c for c, script in scripts.items() if script != "LATIN"), None)
    if other is None or "LATIN" not in scripts.values():
        return None
    return f"U+{ord(other):04X} {unicodedata.name(other, 'an unnamed letter')} at character {text.index(other) + 1}"


def match_areas(rows: pd.DataFrame, defs: Definitions, header, layout: Layout, label: str):
    problems, codes, kinds = [], [], []
    seen_unknown = set()
    for name, line in zip(rows.borough, rows.source_row, strict=False):
        code, kind = defs.areas.get(key(name), ("", ""))
        if not code and name not in seen_unknown:
            seen_unknown.add(name)
            guess = defs.suggest_area(name)
            row = csv_row(name, guess[0] if guess else "AREA_CODE")
            odd = lookalike(name)
            problems.append(
                DataError(
                    f"area '{name}' has {odd}, which looks like a Latin letter but is not one; correct the file"
                    if odd
                    else f"area '{name}' is not a known borough or non-borough area; add this row to "
                    f"datapackages/areas/area-aliases.csv: {row}",
                    path=label,
                    row=int(line),
                    field=header[layout.columns["borough"]],
                )
            )
        codes.append(code)
        kinds.append(kind)
    return codes, kinds, problems


def label_problem(text: str) -> str | None:
    """Why a label or name from the file cannot be published as it is, or None."""
    if len(text) > MAX_LABEL:
        return f"is {len(text):,} characters long; the limit is {MAX_LABEL}"
    if not text.isprintable():
        return "holds a control or invisible character"
    if is_formula(text):
        return f"starts with '{text[0]}', which a spreadsheet would run as a formula"
    return None


def check_labels(rows: pd.DataFrame, header, layout: Layout, label: str) -> list[DataError]:
    """Every label and name the site will print, CSV cells included: bounded, printable, never a formula."""
    problems = []
    for role, col in layout.columns.items():
        for text, line in rows.drop_duplicates(role)[[role, "source_row"]].itertuples(index=False):
            why = label_problem(text)
            if role == "ward_code" and not why and not CODE_RE.fullmatch(text):
                why = "is not a code of 1 to 20 letters and digits"
            if why:
                shown = text if len(text) <= 60 else text[:60] + "..."
                problems.append(
                    DataError(
                        f"{role.replace('_', ' ')} {why}: '{shown}'", path=label, row=int(line), field=header[col]
                    )
                )
    return problems


def check_wards(rows: pd.DataFrame, header, layout: Layout, label: str) -> list[DataError]:
    """One area and one name for each ward code."""
    problems = []
    wards = rows[rows.ward_code != ""].drop_duplicates(["ward_code", "area_code", "ward_name"])
    for what, col in (("area_code", "borough"), ("ward_name", "ward_name")):
        for code, group in wards.drop_duplicates(["ward_code", what]).groupby("ward_code", sort=False):
            if len(group) > 1:
                places = ", ".join(f"'{v}' (row {n})" for v, n in zip(group[col], group.source_row, strict=True))
                problems.append(
                    DataError(
                        f"ward {code} is given {len(group)} {'areas' if col == 'borough' else 'names'}: {places}",
                        path=label,
                        row=int(group.source_row.iloc[1]),
                        field=header[layout.columns[col]],
                    )
                )
    return problems


def check_rows(rows: pd.DataFrame, defs: Definitions, header, layout: Layout, label: str) -> list[DataError]:
    problems = []
    if "ward_code" in layout.columns:
        problems += check_wards(rows, header, layout, label)
    if "ward_code" in layout.columns:
        for line in rows.source_row[rows.ward_code == ""]:
            problems.append(
                DataError(
                    "a ward row needs its ward code",
                    path=label,
                    row=int(line),
                    field=header[layout.columns["ward_code"]],
                )
            )
    ident = ["major", "minor", "borough", "ward_code"]
    dup = rows.duplicated(subset=ident, keep=False)
    for _, group in rows[dup].groupby(ident, sort=False):
        first, *others = group.source_row.tolist()
        where = f"{group.borough.iloc[0]}" + (f", ward {group.ward_code.iloc[0]}" if group.ward_code.iloc[0] else "")
        problems.append(
            DataError(
                f"'{group.major.iloc[0]} / {group.minor.iloc[0]}' for {where} appears again on "
                f"row(s) {', '.join(map(str, others))}",
                path=label,
                row=int(first),
            )
        )
    absent = [name for code, name in defs.boroughs.items() if code not in set(rows.area_code)]
    if absent and not problems:
        problems.append(
            DataError(
                f"no rows for {len(absent)} borough(s): {', '.join(absent[:5])}"
                f"{' ...' if len(absent) > 5 else ''}; every borough must be in the file",
                path=label,
                field=header[layout.columns["borough"]],
            )
        )
    return problems


def complete_months(counts: pd.DataFrame, label: str) -> tuple[tuple[str, str], dict[str, int], int]:
    """The run of complete months. A first or last month far below the median (a month the Met had only
    begun to record) is kept in the package but left out of every figure; one inside the file stops the import."""
    totals = counts.sum()
    low = totals < INCOMPLETE_SHARE * totals.median()
    months = list(totals.index)
    lo, hi = 0, len(months)
    while lo < hi and low.iloc[lo]:
        lo += 1
    while hi > lo and low.iloc[hi - 1]:
        hi -= 1
    if lo == hi:
        raise DataError("no complete month: every month holds far fewer offences than usual", path=label)
    inside = [m for m in months[lo:hi] if low[m]]
    if inside:
        raise DataError(
            f"month(s) {', '.join(inside)} hold under {INCOMPLETE_SHARE:.0%} of a typical month's offences; "
            "an incomplete month inside the file cannot be used",
            path=label,
            field=inside[0],
        )
    left_out = {m: int(totals[m]) for m in months[:lo] + months[hi:]}
    return (months[lo], months[hi - 1]), left_out, int(totals.median())
