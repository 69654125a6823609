"""Stage 3: one module per page type; each writes its pages through the Renderer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..changes import Changes, Previous
from ..charts import number
from ..config import Config, Quarter
from ..indicators import Indicators
from ..packages import Catalog


@dataclass
class Model:
    """Everything the pages read: no page reaches back into files."""

    config: Config
    catalog: Catalog
    indicators: Indicators | None
    findings: pd.DataFrame
    reconciliation: pd.DataFrame
    local: pd.DataFrame
    printed: Quarter  # the quarter the printed report figures describe
    epoch: str = "0"  # SOURCE_DATE_EPOCH of this build
    previous: Previous | None = None  # the previous quarter as published
    changes: Changes | None = None

    @property
    def crime_included(self) -> bool:
        return self.indicators is not None

    def frame(self, package: str, resource: str) -> pd.DataFrame:
        return self.catalog[package].frames[resource]

    @property
    def boroughs(self) -> pd.DataFrame:
        return self.frame("boroughs", "boroughs")

    @property
    def priorities(self) -> pd.DataFrame:
        return self.frame("police-and-crime-plan-2017-21", "priorities").sort_values("order")

    @property
    def definitions(self) -> pd.DataFrame:
        return self.frame("indicator-definitions", "indicators")

    def doc(self, doc_id: str) -> dict:
        docs = self.frame("source-documents", "documents").set_index("doc_id")
        return docs.loc[doc_id].to_dict() | {"doc_id": doc_id}

    def cite(self, doc_id: str, line) -> str:
        """Plain-text citation: document reference and line of its text extraction."""
        d = self.doc(doc_id)
        return f"{d['reference']}, line {int(line)}" if line is not None and not pd.isna(line) else d["reference"]


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
    if value is None:
        return model.indicators.missing(measure, period)
    return number(value, digits, signed, suffix)
