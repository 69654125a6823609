"""Cheap structural checks on a resource's CSV, run before any parser sees it: size, encoding, header,
strict quoting, digits 0-9, cell length and spreadsheet formulas."""

from __future__ import annotations

import collections
import csv
import io
import re
from pathlib import Path

from ..errors import MAX_REPORTED, DataError, raise_all
from ..formats import is_formula

MAX_RESOURCE_BYTES = 64 * 1024 * 1024
MAX_FIELD_CHARS = 20_000
# Cells that may start a formula (formats.is_formula). Package CSVs are published as they are, so such a cell is
# refused rather than altered.
FORMULA_CELL_RE = re.compile(r'(?:^|,)"?([=+\-@\t][^,\n"]*)', re.M)


def precheck_csv(csv_path: Path, res: dict, package: str) -> None:
    """Encoding, line endings, size, header and field length, before any parser sees the file."""
    name = res["name"]
    size = csv_path.stat().st_size
    if size == 0:
        raise DataError("file is empty; expected a header row", path=csv_path, package=package, resource=name)
    if size > MAX_RESOURCE_BYTES:
        raise DataError(
            f"file is {size:,} bytes; the limit is {MAX_RESOURCE_BYTES:,}",
            path=csv_path,
            package=package,
            resource=name,
        )
    raw = csv_path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(
            "file starts with a byte-order mark; save it as UTF-8 without BOM",
            path=csv_path,
            package=package,
            resource=name,
            row=1,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            path=csv_path,
            package=package,
            resource=name,
            row=line,
        ) from None
    if "\x00" in text:
        raise DataError(
            "file contains a NUL byte; it is not a text CSV",
            path=csv_path,
            package=package,
            resource=name,
            row=text[: text.index("\x00")].count("\n") + 1,
        )
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise DataError(
            "Windows (CRLF) or old Mac (CR) line endings; save with Unix (LF) line endings",
            path=csv_path,
            package=package,
            resource=name,
            row=line,
        )
    problems = formula_problems(text, res, csv_path, package)
    schema_fields = [f["name"] for f in res.get("schema", {}).get("fields", [])]
    limit = csv.field_size_limit(MAX_RESOURCE_BYTES)  # the file size is bounded; long cells are reported below
    try:
        check_cells(csv_path, res, package, text, schema_fields, problems)
    finally:
        csv.field_size_limit(limit)  # the csv module's limit is process-wide: other readers keep theirs
    raise_all(problems, f"{csv_path}: {len(problems)} problems")


def formula_problems(text: str, res: dict, csv_path: Path, package: str) -> list[DataError]:
    """Text cells a spreadsheet would run as formulas (numeric fields are left to the type check)."""
    fields = res.get("schema", {}).get("fields", [])
    numeric = {i for i, f in enumerate(fields) if f.get("type") in ("integer", "number")}
    problems = []
    for m in FORMULA_CELL_RE.finditer(text):
        before = text[text.rfind("\n", 0, m.start(1)) + 1 : m.start(1)]
        column = before.count(",") if '"' not in before else None  # unknown past a quoted cell: checked anyway
        if column not in numeric and is_formula(m.group(1)) and len(problems) < MAX_REPORTED:
            problems.append(
                DataError(
                    f"cell {m.group(1)[:40]!r} starts with '{m.group(1)[0]}', which a spreadsheet would run as a "
                    "formula; reword it",
                    path=csv_path,
                    package=package,
                    resource=res["name"],
                    row=text.count("\n", 0, m.start(1)) + 1,
                    field=fields[column]["name"] if column is not None and column < len(fields) else None,
                )
            )
    return problems


def check_cells(csv_path: Path, res: dict, package: str, text: str, schema_fields: list[str], problems: list) -> None:
    """The header against the schema, then the cells: strict CSV, digits 0-9 in numbers, bounded length."""
    name = res["name"]
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"malformed CSV header: {exc}", path=csv_path, package=package, resource=name, row=1) from None
    if not schema_fields:
        raise DataError("resource has no schema fields", package=package, resource=name, field="schema")
    if header != schema_fields:
        raise DataError(
            f"header does not match the schema ({header_difference(header, schema_fields)}); "
            f"expected: {listed(schema_fields, ',')}",
            path=csv_path,
            package=package,
            resource=name,
            row=1,
        )
    numeric = {i for i, f in enumerate(res["schema"]["fields"]) if f.get("type") in ("integer", "number")}
    # Cells need a look only if some could hold non-ASCII digits or be too long; the parse itself stays strict.
    # When every line holds an even number of quotes no cell spans lines, so none is longer than the longest line.
    quoted = '"' in text
    lines = text.split("\n")
    spans_lines = quoted and any(line.count('"') % 2 for line in lines)
    plain = text.isascii() and max(map(len, lines)) <= MAX_FIELD_CHARS and not spans_lines
    where = {"path": csv_path, "package": package, "resource": name}
    try:
        if plain and quoted:
            collections.deque(reader, maxlen=0)  # parsed, strictly, at the csv module's speed
        elif not plain:  # (plain, without quotes and NULs, refused above, no line can be malformed CSV)
            for row in reader:
                check_row(row, header, numeric, reader.line_num, where, problems)
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc}); check the quotes on this line", row=reader.line_num, **where) from None


def header_difference(header: list[str], schema_fields: list[str]) -> str:
    """How a CSV's header differs from its schema's fields, in words."""
    missing = [f for f in schema_fields if f not in header]
    extra = [f for f in header if f not in schema_fields]
    detail = (["missing " + listed(missing)] if missing else []) + (["unexpected " + listed(extra)] if extra else [])
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        detail.append("the file looks separated by semicolons or tabs; save it with commas")
    return "; ".join(detail or ["columns out of order"])


def check_row(row: list[str], header: list[str], numeric: set[int], line: int, where: dict, problems: list) -> None:
    """One row's cells: numbers written with digits 0-9 (collected), and no cell over the length limit (stops)."""
    for i in numeric:
        odd_digits = i < len(row) and not row[i].isascii() and any(c.isdigit() and not c.isascii() for c in row[i])
        if odd_digits and len(problems) < MAX_REPORTED:
            problems.append(
                DataError(
                    f"value {row[i][:40]!r} has digits that are not 0-9 (full-width or another script); "
                    "write numbers with 0-9",
                    row=line,
                    field=header[i],
                    **where,
                )
            )
    for i, cell in enumerate(row):
        if len(cell) > MAX_FIELD_CHARS:
            raise DataError(
                f"field is {len(cell):,} characters; the limit is {MAX_FIELD_CHARS:,}",
                row=line,
                field=header[i] if i < len(header) else None,
                **where,
            )


def listed(names: list[str], sep: str = ", ", most: int = 12) -> str:
    """Column names for a message, each cut short and the list capped, so a broken header gives a short line."""
    shown = [n if len(n) <= 40 else n[:40] + "..." for n in names[:most]]
    return sep.join(shown) + (f"{sep}... ({len(names)} in all)" if len(names) > most else "")
