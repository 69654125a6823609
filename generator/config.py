"""Project settings from pyproject.toml [tool.transparency]; the CLI may override them."""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DataError

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    """A financial-year quarter: 2017Q1 is April-June 2017 (2017/18 Q1)."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        m = QUARTER_RE.match(str(text).strip())
        if not m:
            raise DataError(f"reporting quarter '{text}' is not of the form YYYYQn (e.g. 2017Q1 for April-June 2017)")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def containing(cls, month: str) -> Quarter:
        """The quarter a month (YYYY-MM) falls in: January-March belong to the financial year before."""
        y, m = map(int, month.split("-"))
        return cls(y, (m - 4) // 3 + 1) if m >= 4 else cls(y - 1, 4)

    @property
    def months(self) -> list[str]:
        """The three months of the quarter as YYYY-MM."""
        first = 4 + 3 * (self.q - 1)
        out = []
        for i in range(3):
            m = first + i
            y = self.year + (m - 1) // 12
            out.append(f"{y:04d}-{(m - 1) % 12 + 1:02d}")
        return out

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.q - 1) if self.q > 1 else Quarter(self.year - 1, 4)

    @property
    def end_month(self) -> str:
        return self.months[-1]

    @property
    def span(self) -> str:
        """'April-June 2017': the calendar months, for every comparison to name its periods."""
        first, last = (datetime.date(int(m[:4]), int(m[5:]), 1) for m in (self.months[0], self.months[-1]))
        return f"{first:%B}-{last:%B %Y}"

    @property
    def twelve_months(self) -> str:
        """'July 2016-June 2017': the 12 months to the end of the quarter."""
        last = datetime.date(self.year + (self.q == 4), (self.q * 3 + 3 - 1) % 12 + 1, 1)
        first = datetime.date(last.year - (last.month < 12), last.month % 12 + 1, 1)
        return f"{first:%B %Y}-{last:%B %Y}"

    def year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.q)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.q}"

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.q}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"


def parse_as_at(text: str) -> Quarter | str:
    return "latest" if str(text).strip().lower() == "latest" else Quarter.parse(text)


@dataclass(frozen=True)
class Config:
    root: Path
    as_at: Quarter | str  # a quarter, or "latest": the latest complete quarter of the imported data
    datapackages: Path
    imported: Path
    site_dir: Path
    generated: Path
    validated: Path | None = None  # packages frictionless has passed, by content hash
    crime_source_page: str = ""
    crime_source: str = ""  # URL, file or snapshot folder import-crime reads when given none
    previous: Path | None = None  # the previous quarter's built site, for "What changed"

    def with_overrides(self, **kw) -> Config:
        kw = {k: v for k, v in kw.items() if v is not None}
        return replace(self, **kw)


def load_config(root: Path | str = ".") -> Config:
    root = Path(root).resolve()
    settings: dict = {}
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        settings = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("transparency", {})
    return Config(
        root=root,
        as_at=parse_as_at(settings.get("as_at", "2017Q1")),
        datapackages=root / settings.get("datapackages", "datapackages"),
        imported=root / settings.get("imported", "build/imported"),
        site_dir=root / settings.get("site_dir", "site"),
        generated=root / settings.get("generated", "build/generated"),
        validated=root / settings.get("validated", "build/validated"),
        crime_source_page=settings.get("crime_source_page", ""),
        crime_source=settings.get("crime_source", ""),
    )
