"""Printed figures beside the same figures computed from the open data, for like periods only.

Each row of a printed table carries the quarter of the report it was printed in (``report_quarter``), so the
next quarter's report is new rows. The latest quarter's rows are compared with the open data for that quarter,
whatever quarter the site is built for.
"""

from __future__ import annotations

import pandas as pd

from .errors import DataError
from .indicators import Indicators
from .packages import Catalog
from .periods import Quarter

# Open data are revised after publication (late-recorded and reclassified crimes), and MOPAC's
# figures were extracted in mid-2017; a few per cent of drift is expected, beyond that is a finding.
RECONCILE_TOLERANCE_PCT = 3.0
LOCAL_TOLERANCE_POINTS = 5.0


def printed_quarter(catalog: Catalog, role: str, resource: str) -> Quarter:
    """The latest quarter a printed table holds rows for (its ``report_quarter`` column)."""
    pkg = catalog.role(role)
    frame = pkg.frames[resource]
    where = {"path": pkg.path / "datapackage.json", "package": pkg.name, "resource": resource}
    if "report_quarter" not in frame.columns or frame.empty:
        raise DataError(
            "a table of printed quarterly figures needs rows with 'report_quarter' (e.g. \"2017Q1\")",
            field="report_quarter",
            **where,
        )
    try:
        return max(Quarter.parse(q) for q in frame.report_quarter.unique())
    except DataError as exc:
        raise DataError(exc.message, field="report_quarter", **where) from None


def rows_of(frame: pd.DataFrame, q: Quarter) -> pd.DataFrame:
    """The rows a report printed for quarter q."""
    return frame[frame.report_quarter == str(q)]


def comparison(q: Quarter) -> str:
    return f"{q.span} against {q.year_earlier().span}"


def local_priority_comparison(catalog: Catalog, ind: Indicators | None, q: Quarter) -> pd.DataFrame:
    """Each borough's local priorities: MOPAC's printed change beside the open data's, for the same quarter."""
    lp = rows_of(catalog.role("boroughs").frames["local-priorities"], q)
    lpm = catalog.role("definitions").frames["local-priority-map"].set_index("priority_id")
    covered = ind is not None and ind.covers(q)
    rows = []
    for r in lp.itertuples():
        m = lpm.loc[r.priority_id]
        computed = None
        if covered and bool(m.computable) and m.indicator_id:
            computed = ind.value(r.borough_code, m.indicator_id, "pct_change_quarter", str(q))
        rows.append(
            {
                "borough_code": r.borough_code,
                "rank": r.rank,
                "priority_id": r.priority_id,
                "crime": r.crime,
                "indicator_id": m.indicator_id or "",
                "computable": bool(m.computable),
                "period": comparison(q),
                "published_pct": r.pct_change,
                "computed_pct": computed,
                "difference": None if computed is None else round(computed - r.pct_change, 1),
                "confidence": r.confidence,
                "note": m.note or "",
                "source_doc": r.source_doc,
                "source_line": r.source_line,
            }
        )
    return pd.DataFrame(rows)


def london_reconciliation(catalog: Catalog, ind: Indicators | None, q: Quarter) -> pd.DataFrame:
    """The printed London 12-month table beside the same 12 months computed from the open data."""
    table = rows_of(catalog.role("performance").frames["recorded-crime-12-months"], q)
    defs = catalog.role("definitions").frames["indicators"]
    link = {r.published_category_id: r for r in defs.itertuples() if r.published_category_id}
    rows = []
    for r in table.itertuples():
        d = link.get(r.category_id)
        ind_id = d.indicator_id if d is not None else None
        prev = curr = None
        if ind is not None and ind_id:
            prev = ind.value(ind.region, ind_id, "previous_12m", str(q))
            curr = ind.value(ind.region, ind_id, "rolling_12m", str(q))
        diff = None if curr is None else (curr - r.offences_12_months) / r.offences_12_months * 100
        rows.append(
            {
                "category_id": r.category_id,
                "crime_category": r.crime_category,
                "indicator_id": ind_id or "",
                "published_previous_12m": r.offences_previous_12_months,
                "computed_previous_12m": prev,
                "published_12m": r.offences_12_months,
                "computed_12m": curr,
                "difference_pct": None if diff is None else round(diff, 2),
                "one_to_one": bool(d.reconciles) if d is not None else False,
                "within_tolerance": None if diff is None else abs(diff) <= RECONCILE_TOLERANCE_PCT,
                "note": d.note
                if d is not None
                else "Not in the open data: MOPAC counts this with a flag the borough file does not carry.",
                "source_doc": r.source_doc,
                "source_line": r.source_line,
            }
        )
    return pd.DataFrame(rows)
