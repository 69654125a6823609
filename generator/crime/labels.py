"""How a crime file's labels are read: the names of columns, categories and areas, matched as rows of the
indicator-definitions package after normalising case, spacing and punctuation."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass

from ..areas import BOROUGH, at_level
from ..areas import names as area_names
from ..packages import Catalog

ROLES = ("major", "minor", "borough", "ward_name", "ward_code")  # the label columns a crime file may have
REQUIRED_ROLES = ("major", "minor", "borough")  # and those it must
DEFINITIONS = "datapackages/indicator-definitions"  # where the rows that match labels live, named in messages
MIN_TRUNCATION_WIDTH = 20  # labels cut at a fixed width of at least this many characters


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
