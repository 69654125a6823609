"""Stage 3: one module per page type; each writes its pages through the Renderer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .. import areas
from ..breaks import across
from ..compare import Changes, Previous
from ..config import Config
from ..errors import DataError
from ..formats import number
from ..indicators import Indicators, crime_types
from ..packages import Catalog
from ..periods import Quarter
from ..wards import Wards


@dataclass
class Model:
    """Everything the pages read: no page reaches back into files."""

    config: Config
    catalog: Catalog
    indicators: Indicators | None
    findings: pd.DataFrame
    reconciliation: pd.DataFrame
    local: pd.DataFrame
    printed: Quarter  # the quarter of the latest printed borough figures (local priorities)
    printed_london: Quarter  # the quarter of the latest printed London figures (the 12-month table)
    epoch: str = "0"  # SOURCE_DATE_EPOCH of this build
    previous: Previous | None = None  # the previous quarter as published
    changes: Changes | None = None
    wards: Wards | None = None  # ward figures, when ward data covers the reporting quarter
    wards_left_out: str = ""  # why imported ward data give no ward pages, said on the borough pages and the build
    breaks: pd.DataFrame | None = None  # category_id, note, source, month: breaks that apply to this build (breaks.py)

    @property
    def crime_included(self) -> bool:
        return self.indicators is not None

    def frame(self, role: str, resource: str) -> pd.DataFrame:
        """A resource of the package that plays this role (config `datasets`)."""
        return self.catalog.role(role).frames[resource]

    @cached_property
    def boroughs(self) -> pd.DataFrame:
        return areas.boroughs(self.catalog)

    @cached_property
    def levels(self) -> pd.DataFrame:
        """The area hierarchy's levels (areas/levels.csv), by level."""
        return self.frame("areas", "levels").set_index("level")

    def search_boost(self, level: str) -> float:
        """How much a page of this level of the area hierarchy weighs in site search (areas/levels.csv)."""
        return float(self.levels.search_boost.get(level, 1))

    @cached_property
    def folders(self) -> dict[str, str]:
        """The site folder of each level with pages of its own (areas/levels.csv): a borough's page is
        f"{folders['borough']}/{slug}/". The borough and ward levels must name one."""
        folders = self.levels.get("folder", pd.Series(dtype=str)).dropna().to_dict()
        if missing := [level for level in ("borough", "ward") if not folders.get(level)]:
            pkg = self.catalog.role("areas")
            raise DataError(
                f"the {' and '.join(missing)} level needs a folder for its pages (e.g. 'boroughs')",
                path=pkg.path / pkg.resource("levels")["path"],
                resource="levels",
                field="folder",
            )
        return folders

    def area_dir(self, level: str, slug: str) -> str:
        """The folder of an area's page and downloads: ('borough', 'camden') -> 'boroughs/camden'."""
        return f"{self.folders[level]}/{slug}"

    @property
    def priorities(self) -> pd.DataFrame:
        return self.frame("plan", "priorities").sort_values("order")

    @cached_property
    def crime_types(self) -> pd.DataFrame:
        """Every crime group and category in the imported edition, each with a page (indicators.crime_types)."""
        types = crime_types(self.frame("definitions", "categories"))
        if not self.crime_included:
            return types
        present = set(self.frame("crime", "recorded-crime").category_id.unique())
        return types[[bool(present & set(cats)) for cats in types.categories]].reset_index(drop=True)

    @cached_property
    def shapes(self) -> pd.DataFrame | None:
        """Boundaries for maps (the boundaries package), or None when the project has none."""
        return self.frame("boundaries", "areas") if self.catalog.has("boundaries") else None

    @property
    def definitions(self) -> pd.DataFrame:
        return self.frame("definitions", "indicators")

    @cached_property
    def total_indicator(self) -> str | None:
        """The indicator that counts every category in total offences (categories '*'), if one is defined."""
        d = self.definitions
        ids = d[d.categories.str.strip() == "*"].indicator_id
        return ids.iloc[0] if len(ids) else None

    @cached_property
    def notes_by_type(self) -> dict[str, list[str]]:
        """For each indicator and crime type, the notes of every break touching the categories it counts; a note of
        a break that the 12-month change to the quarter straddles says so. Worked out once a build."""
        if self.breaks is None or self.breaks.empty or not self.crime_included:
            return {}
        q = self.config.as_at
        said = [
            (
                r.category_id,
                r.note
                + (f" The change on {q.year_earlier().twelve_months} straddles it." if across(r.month, q) else ""),
            )
            for r in self.breaks.itertuples()
        ]
        return {
            key: list(dict.fromkeys(note for category, note in said if category in set(cats)))
            for key, cats in self.indicators.sets.items()
        }

    def break_notes(self, indicator_or_type: str) -> list[str]:
        """The break notes of one indicator or crime type (notes_by_type), a list of its own."""
        return list(self.notes_by_type.get(indicator_or_type, []))

    def rank_sentence(self, rank, of: int, among: str) -> str:
        """'Ranked 5th of 32 boroughs by offences per 1,000 residents (mid-2019 population), 1 the highest.'"""
        if rank is None or pd.isna(rank):
            return ""
        by_rate = self.indicators.rank_by == "rate"
        by = f"offences per 1,000 residents ({self.indicators.population_note()})" if by_rate else "offences"
        return f"Ranked {int(rank)} of {of} {among} by {by}, 1 being the highest."

    @cached_property
    def documents(self) -> dict[str, dict]:
        """Each source document's row, by doc_id (pages cite them hundreds of times)."""
        return {row["doc_id"]: row for row in self.frame("documents", "documents").to_dict("records")}

    def doc(self, doc_id: str) -> dict:
        return dict(self.documents[doc_id])

    def cite(self, doc_id: str, line=None) -> str:
        """Plain-text citation: document reference and line of its text extraction."""
        d = self.doc(doc_id)
        return f"{d['reference']}, line {int(line)}" if line is not None and not pd.isna(line) else d["reference"]

    def cite_row(self, row) -> str:
        """The citation of a row from data: its source_doc and source_line (a dict, a named tuple or a Series)."""
        get = row.get if hasattr(row, "get") else lambda k, default=None: getattr(row, k, default)
        return self.cite(get("source_doc"), get("source_line"))


def period_columns(model: Model) -> dict[str, str]:
    """The periods and population a CSV of an area's figures states on every row, so each comparison names both."""
    q, ind = model.config.as_at, model.indicators
    return {
        "twelve_months": q.twelve_months,
        "previous_twelve_months": q.year_earlier().twelve_months,
        "quarter": q.span,
        "quarter_a_year_earlier": q.year_earlier().span,
        "population": ind.population_note(),
        "rank_by": ind.rank_by,
    }


def shown(
    model: Model,
    value,
    measure: str,
    digits: int = 0,
    signed: bool = False,
    suffix: str = "",
    period: Quarter | None = None,
) -> str:
    """A figure as printed on a page, or why it is missing (the data starts too late, or nothing to compare)."""
    if value is None or pd.isna(value):
        return model.indicators.missing(measure, period)
    return number(value, digits, signed, suffix)
