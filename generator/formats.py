"""How the site writes numbers, months and CSV files: one format for every page, chart and download."""

from __future__ import annotations

import datetime
import io

import pandas as pd


def number(value, digits: int = 0, signed: bool = False, suffix: str = "") -> str:
    """The one number format of the site: thousands separators, optional sign, 'n/a' for no value."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    return f"{{:{'+' if signed else ''},.{digits}f}}".format(float(value)) + suffix


def fmt_int(v) -> str:
    return number(v)


def fmt_pct(v, signed: bool = True) -> str:
    return number(v, 1, signed, "%")


def month_name(month: str) -> str:
    """'2017-06' -> 'June 2017'."""
    y, m = map(int, month.split("-"))
    return datetime.date(y, m, 1).strftime("%B %Y")


def month_range(first: str, last: str) -> str:
    return f"{month_name(first)} to {month_name(last)}"


def csv_bytes(frame: pd.DataFrame, counts: tuple[str, ...] = ()) -> bytes:
    """Every CSV the site offers: UTF-8, LF line ends, the given count columns as whole numbers, other decimals to
    two places."""
    frame = frame.round(2)
    for col in counts:
        frame[col] = frame[col].round().astype("Int64")
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")
