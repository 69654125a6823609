"""Which columns of a crime file hold labels and which hold months: every header problem at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DataError, raise_all
from ..periods import month_at, month_index, month_name
from .labels import DEFINITIONS, REQUIRED_ROLES, ROLES, Definitions, csv_row, key

MONTH_RE = re.compile(r"^(\d{4})-?(\d{2})$")
FIRST_YEAR = 2000  # months before this are not plausible for these files
MAX_COLUMNS = 1000  # checked on the header, before any row is parsed


@dataclass
class Layout:
    columns: dict[str, int]  # role -> column index
    months: list[tuple[int, str]]  # (column index, YYYY-MM), in calendar order


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
    gaps = [month_at(i) for i in range(first, last + 1) if i not in present]
    if gaps:
        raise DataError(
            f"{len(gaps)} month(s) missing between {months[0]} and {months[-1]}: "
            f"{', '.join(gaps[:12])}{' ...' if len(gaps) > 12 else ''}; windows are calendar months, so a "
            "file with a gap cannot be used",
            path=label,
            row=1,
        )
