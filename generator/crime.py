"""Import any edition of the Met's recorded-crime file (borough or ward level) as a tidy data package.

The Met's files are wide: label columns, then one column per month. Between
editions the label columns are renamed, categories are renamed, split, cut at a
fixed width or recased. None of that is in code: column names, category labels
and area names are rows of the indicator-definitions package, matched after
normalising case, spacing and punctuation. Whatever does not match stops the
import, every problem listed at once with the row that fixes it.
"""

from __future__ import annotations

import array
import csv
import datetime
import difflib
import hashlib
import http.client
import io
import json
import re
import shutil
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import outputs
from .areas import BOROUGH, at_level
from .areas import names as area_names
from .errors import DataError, raise_all
from .formats import csv_bytes, is_formula, left_out_note, month_name
from .inputs import regular_file
from .packages import Catalog, load_catalog, read_json_object, resolve_resource_path

MONTH_RE = re.compile(r"^(\d{4})-?(\d{2})$")
COUNT_FULL = re.compile(r"[0-9]{1,9}").fullmatch  # ASCII digits only, below a billion offences in a cell
FIRST_YEAR = 2000  # months before this are not plausible for these files
MAX_COLUMNS = 1000  # checked on the header, before any row is parsed
MAX_BYTES = 64 * 1024 * 1024  # the largest real edition is under 3 MB
# The tidy package holds one row per count, about 60 bytes each, and the build reads a resource of at most 64 MB;
# the real ward file holds 466,725 counts. Checked from the header and the line count, before any row is parsed.
MAX_COUNTS = 1_000_000
MAX_LISTED = 100  # problems of one kind collected before the rest are only counted
MIN_TRUNCATION_WIDTH = 20  # labels cut at a fixed width of at least this many characters
MAX_LABEL = 120  # characters in a label or name; the longest real one has 57
CODE_RE = re.compile(r"[A-Za-z0-9]{1,20}")
INCOMPLETE_SHARE = 0.2  # a month holding under a fifth of the median month is incomplete
DOWNLOAD_READ_TIMEOUT = 30  # seconds one read may wait
DOWNLOAD_DEADLINE = 300  # seconds the whole download may take
ROLES = ("major", "minor", "borough", "ward_name", "ward_code")
REQUIRED_ROLES = ("major", "minor", "borough")
DEFINITIONS = "datapackages/indicator-definitions"


def key(text: str) -> str:
    """Compare labels ignoring case, spaces and punctuation; '&' reads as 'and' ("Theft & Handling" is "Theft and
    Handling" of another edition)."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower().replace("&", "and"))


def csv_row(*cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


@dataclass
class Definitions:
    """The indicator-definitions tables the importer matches against, keyed for normalised lookup."""

    columns: dict[str, str]
    exact: dict[tuple[str, str], str]
    wildcard: dict[str, str]
    areas: dict[str, tuple[str, str]]
    boroughs: dict[str, str]  # code -> name

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Definitions:
        f = catalog.role("definitions").frames
        cmap = f["category-map"]
        return cls(
            columns={key(r.alias): r.role for r in f["column-aliases"].itertuples()},
            exact={
                (key(r.edition_major), key(r.edition_minor)): r.category_id
                for r in cmap.itertuples()
                if r.edition_minor != "*"
            },
            wildcard={key(r.edition_major): r.category_id for r in cmap.itertuples() if r.edition_minor == "*"},
            areas={
                key(name): (code, "borough" if level == BOROUGH else "non-borough")
                for name, (code, level) in area_names(catalog).items()
            },
            boroughs=dict(zip(*at_level(catalog, BOROUGH)[["area_code", "name"]].T.to_numpy(), strict=True)),
        )

    def category(self, major: str, minor: str, widths: tuple[int, int]) -> tuple[str | None, str]:
        """The canonical category of a label pair, and how it matched."""
        km, kn = key(major), key(minor)
        cut_major = len(major) == widths[0] >= MIN_TRUNCATION_WIDTH
        cut_minor = len(minor) == widths[1] >= MIN_TRUNCATION_WIDTH
        majors = [km] + (
            [m for m in sorted({m for m, _ in self.exact} | set(self.wildcard)) if m != km and m.startswith(km)]
            if cut_major
            else []
        )
        for m in majors:
            if (m, kn) in self.exact:
                return self.exact[(m, kn)], "exact"
            if cut_minor:
                hits = {c for (m2, n2), c in self.exact.items() if m2 == m and n2.startswith(kn)}
                if len(hits) == 1:
                    return hits.pop(), "label cut at the file's fixed width"
            if m in self.wildcard:
                return self.wildcard[m], "every minor label of its major category"
        return None, ""

    def suggest_category(self, major: str, minor: str) -> str | None:
        kn = key(minor)
        same_minor = {c for (_, n), c in self.exact.items() if n == kn}
        if len(same_minor) == 1:
            return same_minor.pop()
        labels = {f"{m}|{n}": c for (m, n), c in self.exact.items()}
        close = difflib.get_close_matches(f"{key(major)}|{kn}", list(labels), n=1, cutoff=0.75)
        return labels[close[0]] if close else None

    def suggest_area(self, name: str) -> tuple[str, str] | None:
        close = difflib.get_close_matches(key(name), list(self.areas), n=1, cutoff=0.8)
        return self.areas[close[0]] if close else None


@dataclass
class Layout:
    columns: dict[str, int]  # role -> column index
    months: list[tuple[int, str]]  # (column index, YYYY-MM), in calendar order


def month_index(month: str) -> int:
    y, m = map(int, month.split("-"))
    return y * 12 + m - 1


def parse_layout(header: list[str], label: str, defs: Definitions, last_month: str) -> Layout:
    """Which columns hold which labels, and which hold months; every header problem at once. Months after
    last_month (the current month) cannot have been recorded: the first of them is named."""
    if len(header) > MAX_COLUMNS:
        raise DataError(f"the header has {len(header):,} columns; the limit is {MAX_COLUMNS:,}", path=label, row=1)
    columns: dict[str, int] = {}
    months: list[tuple[int, str]] = []
    problems: list[DataError] = []
    future: list[str] = []
    for i, name in enumerate(header):
        kind, value = header_column(name, defs, last_month)
        if kind == "role" and value in columns:
            problems.append(
                DataError(
                    f"a second {value} column (the first is '{header[columns[value]]}')", path=label, row=1, field=name
                )
            )
        if kind == "role":
            columns[value] = i
        elif kind == "future":
            future.append(name)
        elif kind == "month":
            months.append((i, value))
        else:
            problems.append(DataError(value, path=label, row=1, field=name))
    if future:
        problems.append(
            DataError(
                f"{len(future)} month column(s) after the current month ({month_name(last_month)}), the first "
                f"'{future[0]}': a file cannot hold offences not yet recorded",
                path=label,
                row=1,
                field=future[0],
            )
        )
    missing = [r for r in REQUIRED_ROLES if r not in columns]
    if missing:
        problems.append(
            DataError(
                f"no column for {', '.join(missing)} (the header starts: {', '.join(header[:6])}); "
                f"known names are in {DEFINITIONS}/column-aliases.csv",
                path=label,
                row=1,
            )
        )
    if not months and not problems:
        problems.append(DataError("no month columns (YYYYMM) found", path=label, row=1))
    seen: dict[str, str] = {}
    for i, m in months:
        if m in seen:
            problems.append(
                DataError(f"month {m} appears twice (also '{seen[m]}')", path=label, row=1, field=header[i])
            )
        seen[m] = header[i]
    raise_all(problems, f"{label}: the header has {len(problems)} problems")
    months.sort(key=lambda im: im[1])
    check_no_gaps([m for _, m in months], label)
    return Layout(columns, months)


def header_column(name: str, defs: Definitions, last_month: str) -> tuple[str, str]:
    """What one header cell is: ("role", its role), ("month", YYYY-MM), ("future", YYYY-MM) for a month not yet
    over, or ("problem", what is wrong with it)."""
    role = defs.columns.get(key(name))
    if role:
        return "role", role
    m = MONTH_RE.match(name.strip())
    if not m:
        return "problem", (
            f"column '{name}' is neither a known label column nor a month (YYYYMM); if it is a label column, add "
            f"a row to {DEFINITIONS}/column-aliases.csv: {csv_row(name, 'ROLE', '')} with ROLE one of "
            f"{', '.join(ROLES)}"
        )
    month = f"{m.group(1)}-{m.group(2)}"
    if not 1 <= int(m.group(2)) <= 12 or (int(m.group(1)) < FIRST_YEAR and month <= last_month):
        return "problem", f"month '{name}' is before {FIRST_YEAR} or not a month of the year"
    return ("future" if month > last_month else "month"), month


def check_no_gaps(months: list[str], label: str) -> None:
    """Windows are calendar months: every month between a file's first and last must be there."""
    present = {month_index(m) for m in months}
    first, last = month_index(months[0]), month_index(months[-1])
    gaps = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, last + 1) if i not in present]
    if gaps:
        raise DataError(
            f"{len(gaps)} month(s) missing between {months[0]} and {months[-1]}: "
            f"{', '.join(gaps[:12])}{' ...' if len(gaps) > 12 else ''}; windows are calendar months, so a "
            "file with a gap cannot be used",
            path=label,
            row=1,
        )


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


def recorded_url(url: str) -> str:
    """A download address as provenance: characters a URL may not hold as they are (quotes, angle brackets,
    spaces) percent-encoded, so the address is inert wherever it is written and still leads to the same file."""
    return urllib.parse.quote(url, safe=":/?#[]@!$&()*+,;=%-._~")


def fetch(source: str, workdir: Path) -> Path:
    """A local path as is; an http(s) URL downloaded once (the only network access in the project)."""
    if re.match(r"^https?://", source, re.I):
        return download(source, workdir / "download.csv")
    if "://" in source:
        raise DataError("only http and https addresses can be imported", path=source)
    return regular_file(source, MAX_BYTES, "crime file")


def download(url: str, target: Path) -> Path:
    """Download with a deadline for the whole body, a size cap, and the body checked against Content-Length."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_READ_TIMEOUT) as resp, open(target, "wb") as out:
            ctype = resp.headers.get("Content-Type", "")
            if "html" in ctype:
                raise DataError(
                    f"this is a web page ({ctype}), not the CSV file; use the file's download link", path=url
                )
            expected = resp.headers.get("Content-Length")
            total = 0
            while chunk := resp.read1(1 << 16):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise DataError(f"download is larger than {MAX_BYTES:,} bytes", path=url)
                if time.monotonic() - start > DOWNLOAD_DEADLINE:
                    raise DataError(f"download took longer than {DOWNLOAD_DEADLINE} s; try again later", path=url)
                out.write(chunk)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, malformed, cut off mid-transfer
        raise DataError(f"could not download: {exc!r}", path=url) from None
    if expected is not None and expected.isdigit() and int(expected) != total:
        raise DataError(f"download is truncated: {total:,} bytes received, {int(expected):,} announced", path=url)
    return target


def read_text(raw: bytes, label: str) -> str:
    if not raw.strip():
        raise DataError("file is empty", path=label)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError("file contains a NUL byte; it is not a text CSV", path=label, row=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", path=label, row=line
        ) from None
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise DataError("this is a web page, not the CSV file", path=label)
    return text


MAX_POPULATION_BYTES = 1024 * 1024  # a borough-by-year table; the real one is under 1 KB


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


POPULATION_COLUMNS = {
    "area": ("borough", "boroughname", "area", "areaname", "name"),
    "population": ("population", "residents", "allages"),
    "year": ("year", "midyear"),
}


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


def schema(fields: list[tuple], primary_key: list[str]) -> dict:
    out = []
    for name, kind, description, *cons in fields:
        f = {"name": name, "type": kind, "description": description}
        if cons:
            f["constraints"] = cons[0]
        out.append(f)
    return {"fields": out, "primaryKey": primary_key}


REQUIRED = {"required": True}
CRIME_SCHEMA = schema(
    [
        (
            "area_code",
            "string",
            "Borough GSS code, or a code for the file's non-borough areas (airports, unknown).",
            REQUIRED,
        ),
        ("area_kind", "string", "borough or non-borough.", {"required": True, "enum": ["borough", "non-borough"]}),
        ("ward_code", "string", "Ward GSS code (E05) for a ward-level file; empty for a borough-level file."),
        ("month", "string", "YYYY-MM", {"required": True, "pattern": r"^\d{4}-\d{2}$"}),
        ("label_id", "integer", "The edition's category labels (resource edition-labels).", REQUIRED),
        ("category_id", "string", "Canonical category (indicator-definitions/categories).", REQUIRED),
        ("count", "integer", "Offences recorded.", {"required": True, "minimum": 0}),
        ("source_row", "integer", "Line of the source file this count comes from.", REQUIRED),
    ],
    ["area_code", "ward_code", "label_id", "month"],
)
LABELS_SCHEMA = schema(
    [
        ("label_id", "integer", "", REQUIRED),
        ("major_category", "string", "Major category exactly as printed in the file.", REQUIRED),
        ("minor_category", "string", "Minor category exactly as printed in the file.", REQUIRED),
        ("category_id", "string", "Canonical category it counts towards.", REQUIRED),
        ("matched_by", "string", "How the label matched a row of indicator-definitions/category-map.", REQUIRED),
    ],
    ["label_id"],
)
WARDS_SCHEMA = schema(
    [
        ("ward_code", "string", "Ward GSS code as printed in the file.", REQUIRED),
        ("ward_name", "string", "Ward name as printed in the file."),
        ("area_code", "string", "Borough (or non-borough area) the file places the ward in.", REQUIRED),
    ],
    ["ward_code"],
)
POP_SCHEMA = schema(
    [
        ("area_code", "string", "Borough GSS code.", REQUIRED),
        ("year", "integer", "Mid-year of the estimate (30 June).", REQUIRED),
        ("population", "integer", "Resident population.", {"required": True, "minimum": 1}),
    ],
    ["area_code", "year"],
)
LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}


def snapshot_source(source: str) -> tuple[str, dict] | None:
    """A committed snapshot package (its folder or datapackage.json): the file it holds, checked, and its provenance."""
    path = Path(source)
    descriptor_path = path / "datapackage.json" if path.is_dir() else path
    if descriptor_path.name != "datapackage.json" or not descriptor_path.is_file():
        return None
    d = read_json_object(descriptor_path)
    res = (d.get("resources") or [None])[0] if isinstance(d.get("resources"), list) else None
    src = (d.get("sources") or [None])[0] if isinstance(d.get("sources"), list) else None
    if not (isinstance(res, dict) and isinstance(src, dict) and isinstance(src.get("title"), str)):
        raise DataError(
            "a snapshot needs its file as resources[0].path and its source as sources[0].title",
            path=descriptor_path,
            field="resources",
        )
    data = regular_file(resolve_resource_path(descriptor_path.parent, res, descriptor_path), MAX_BYTES, "crime file")
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    if digest != res.get("hash", "").removeprefix("sha256:"):
        raise DataError(
            f"the snapshot's sha256 is {digest}, not the {res.get('hash')} its descriptor records: the file "
            "was changed after it was taken",
            path=data,
        )
    return str(data), {
        "title": src["title"],
        "path": src.get("path", ""),
        "edition": d.get("x-edition", ""),
        "retrieved": d.get("x-retrieved", ""),
        "sha256": digest,
        "snapshot": descriptor_path.parent.name,
    }


def import_crime(
    imported: Path,
    catalog: Catalog,
    source: str,
    *,
    wards: str | None = None,
    population: str | None = None,
    population_year: int | None = None,
    cache: Path | None = None,
) -> list[Path]:
    """Import the crime file (and a ward file beside it) into a new imported folder, load it exactly as the build
    will, then swap the folder in whole: crime, wards and population change together or not at all."""
    imported = Path(imported)
    outputs.check_replaceable(imported)
    imported.parent.mkdir(parents=True, exist_ok=True)
    for stale in imported.parent.glob(".import-*"):  # left by an import that was killed
        shutil.rmtree(stale, ignore_errors=True)
    defs = Definitions.from_catalog(catalog)
    names = [catalog.name_of("crime")] + ([catalog.name_of("wards")] if wards else [])
    with tempfile.TemporaryDirectory(dir=imported.parent, prefix=".import-") as tmp:
        tmp = Path(tmp)
        stage = tmp / "imported"
        stage.mkdir()
        write_package(stage / names[0], source, defs, tmp, population=population, population_year=population_year)
        if wards:
            write_package(stage / names[1], wards, defs, tmp, level="ward")
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
    *,
    level: str | None = None,
    population: str | None = None,
    population_year: int | None = None,
) -> None:
    """One tidy recorded-crime package in out_dir (a new folder). ``level`` ("ward"), when given, is the level the
    file must be at."""
    snap = snapshot_source(source)
    path = Path(snap[0]) if snap else fetch(source, workdir)
    raw = path.read_bytes()
    t = tidy(read_text(raw, source), source, defs)
    found = "ward" if not t.wards.empty else "borough"
    if level and found != level:
        raise DataError(f"this is a {found}-level file; a {level}-level file is needed here", path=source)
    level = found
    provenance = (
        snap[1]
        if snap
        else {
            "title": f"MPS {level.title()} Level Crime, London Datastore",
            "path": recorded_url(source) if "://" in source else Path(source).name,
            "edition": f"file {Path(source).name}, data {month_name(t.complete[0])} to {month_name(t.complete[1])}"
            + (f"; {left_out_note(t.incomplete, t.typical_month, INCOMPLETE_SHARE)}" if t.incomplete else ""),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
    )
    out_dir.mkdir()
    resources = []

    def add(name, frame, title, description, table_schema):
        (out_dir / f"{name}.csv").write_bytes(csv_bytes(frame))
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": table_schema,
            }
        )

    add(
        "recorded-crime",
        t.crime,
        f"Recorded crime by {level} and month",
        "Offences per source row (area, category label) and month, tidied from the Met's wide file. Non-borough "
        "areas are kept and flagged; they count towards London's total but never towards a borough.",
        CRIME_SCHEMA,
    )
    add(
        "edition-labels",
        t.labels,
        "Category labels in this edition",
        "Every (major, minor) label pair of the imported file and the canonical category it counts towards.",
        LABELS_SCHEMA,
    )
    if level == "ward":
        add(
            "wards",
            t.wards,
            "Wards in this edition",
            "Every ward of the file, with the borough it lies in.",
            WARDS_SCHEMA,
        )
    sources = [provenance]
    if population:
        pop, unused = read_population(Path(population), defs, population_year)
        years = sorted(pop.year.unique())
        add(
            "population",
            pop,
            "Resident population by borough",
            f"Mid-year resident population estimates ({', '.join(map(str, years))}), for rates per 1,000 residents."
            + (
                f" Areas in the file that are not boroughs the Met polices were not used: {', '.join(unused)}."
                if unused
                else ""
            ),
            POP_SCHEMA,
        )
        sources.append(
            {
                "title": "Resident population by borough (ONS mid-year estimates)",
                "path": Path(population).name,
                "years": [int(y) for y in years],
                "sha256": hashlib.sha256(Path(population).read_bytes()).hexdigest(),
            }
        )
    descriptor = {
        "name": out_dir.name,
        "title": "Recorded crime in London by borough and month",
        "description": f"Imported from the Met's {level}-level crime file ({provenance['edition']}): "
        f"{len(t.crime):,} rows.",
        "profile": "tabular-data-package",
        "licenses": [LICENCE],
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
