"""Periods, in one place: calendar months as YYYY-MM, their arithmetic and names, and financial-year quarters."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from .errors import DataError

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # quarters any of these files could hold


def month_index(month: str) -> int:
    """'2017-06' -> a count of months, so months can be subtracted and compared as numbers."""
    y, m = map(int, month.split("-"))
    return y * 12 + m - 1


def month_at(index: int) -> str:
    """The month a month_index() names."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift_month(month: str, by: int) -> str:
    return month_at(month_index(month) + by)


def window(end: str, months: int) -> list[str]:
    """The given number of months to ``end``, oldest first."""
    return [shift_month(end, -i) for i in range(months - 1, -1, -1)]


def month_name(month: str) -> str:
    """'2017-06' -> 'June 2017'."""
    y, m = map(int, month.split("-"))
    return datetime.date(y, m, 1).strftime("%B %Y")


def month_range(first: str, last: str) -> str:
    return f"{month_name(first)} to {month_name(last)}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: 2017Q1 is April-June 2017 (2017/18 Q1)."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        m = QUARTER_RE.match(str(text).strip())
        if not m:
            raise DataError(f"reporting quarter '{text}' is not of the form YYYYQn (e.g. 2017Q1 for April-June 2017)")
        if not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
            raise DataError(f"reporting quarter '{text}' is outside the years {FIRST_YEAR}-{LAST_YEAR}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def containing(cls, month: str) -> Quarter:
        """The quarter a month (YYYY-MM) falls in: January-March belong to the financial year before."""
        y, m = map(int, month.split("-"))
        return cls(y, (m - 4) // 3 + 1) if m >= 4 else cls(y - 1, 4)

    @cached_property  # read for every series of every page: worked out once per quarter
    def months(self) -> list[str]:
        """The three months of the quarter as YYYY-MM."""
        first = f"{self.year:04d}-{4 + 3 * (self.q - 1):02d}"
        return [shift_month(first, i) for i in range(3)]

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.q - 1) if self.q > 1 else Quarter(self.year - 1, 4)

    @cached_property
    def end_month(self) -> str:
        return self.months[-1]

    @cached_property
    def span(self) -> str:
        """'April-June 2017': the calendar months, for every comparison to name its periods."""
        return f"{month_name(self.months[0]).split()[0]}-{month_name(self.months[-1])}"

    @cached_property
    def twelve_months(self) -> str:
        """'July 2016-June 2017': the 12 months to the end of the quarter."""
        return f"{month_name(shift_month(self.end_month, -11))}-{month_name(self.end_month)}"

    def year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.q)

    @property
    def financial_year(self) -> str:
        """'2017/18': April 2017 to March 2018."""
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.q}"

    @property
    def slug(self) -> str:
        return f"{self.financial_year.replace('/', '-')}-q{self.q}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"
