"""How the site writes numbers, months and CSV files: one format for every page, chart and download."""

from __future__ import annotations

import csv
import io
import math
import re

import numpy as np
import pandas as pd

from .periods import month_name


def number(value, digits: int = 0, signed: bool = False, suffix: str = "") -> str:
    """The one number format of the site: thousands separators, optional sign, 'n/a' for no value."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    return f"{{:{'+' if signed else ''},.{digits}f}}".format(float(value)) + suffix


def fmt_int(v) -> str:
    return number(v)


def fmt_pct(v, signed: bool = True) -> str:
    return number(v, 1, signed, "%")


def left_out_note(counts: dict[str, int], typical: int | None, share: float | None) -> str:
    """Why edge months are left out of every figure: each month, its offences and the rule, in words."""
    if not counts:
        return ""
    months = "; ".join(f"{month_name(m)} ({number(n)} offences)" for m, n in sorted(counts.items()))
    if typical and share:
        return (
            f"left out of every figure: {months}, under {share:.0%} of a typical month's {number(typical)} "
            "offences, so not yet fully recorded"
        )
    return f"left out of every figure as incomplete: {months}"


def csv_bytes(frame: pd.DataFrame, counts: tuple[str, ...] = ()) -> bytes:
    """Every CSV the site offers: UTF-8, LF line ends, the given count columns as whole numbers, other decimals to
    two places, empty cells for missing values. Written row by row (the site writes thousands of small CSVs), a
    block of rows at a time (an import writes a million rows)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(frame.columns)
    for start in range(0, len(frame), CSV_BLOCK):
        block = frame if len(frame) <= CSV_BLOCK else frame.iloc[start : start + CSV_BLOCK]
        writer.writerows(zip(*(cell_strings(block[name], name in counts) for name in frame.columns), strict=True))
    return buf.getvalue().encode("utf-8")


CSV_BLOCK = 100_000


def cell_strings(col: pd.Series, count: bool) -> list[str]:
    """One column's cells as CSV text."""
    values = col.tolist()
    numpy_kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
    if numpy_kind in ("i", "u"):  # never missing, already whole
        return [str(v) for v in values]
    if numpy_kind == "f":  # missing is NaN alone
        if count:
            return ["" if v != v else str(int(round(v))) for v in values]
        return ["" if v != v else str(round(v, 2)) for v in values]
    fmt = _count if count else _decimal if pd.api.types.is_float_dtype(col.dtype) else _plain
    return [fmt(v) for v in values]


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _count(v) -> str:
    return "" if _missing(v) else str(int(round(v)))


def _decimal(v) -> str:
    return "" if _missing(v) else str(round(v, 2))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_RE = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def is_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (OWASP's CSV injection): it starts with = + - @, a tab or a
    carriage return, and is not a plain number."""
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER_RE.fullmatch(text)


def _plain(v) -> str:
    """Text as it is; a cell a spreadsheet would run as a formula gets a leading apostrophe, the OWASP way."""
    if _missing(v):
        return ""
    text = str(v)
    return "'" + text if is_formula(text) else text
