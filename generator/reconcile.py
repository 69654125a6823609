"""Printed figures beside the same figures computed from the open data, for like periods only.

A quarterly report's figures describe its own quarter (the resource's ``x-period``);
they are compared with the open data for that quarter, whatever quarter the site is built for.
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
    """The quarter a printed table describes, declared on its resource as x-period."""
    pkg = catalog.role(role)
    package = pkg.name
    period = pkg.resource(resource).get("x-period")
    if not period:
        raise DataError(
            "a table of printed quarterly figures needs 'x-period' (e.g. \"2017Q1\")",
            path=pkg.path / "datapackage.json",
            package=package,
            resource=resource,
            field="x-period",
        )
    try:
        return Quarter.parse(period)
    except DataError as exc:
        raise DataError(
            exc.message, path=pkg.path / "datapackage.json", package=package, resource=resource, field="x-period"
        ) from None


def comparison(q: Quarter) -> str:
    return f"{q.span} against {q.year_earlier().span}"


def local_priority_comparison(catalog: Catalog, ind: Indicators | None, q: Quarter) -> pd.DataFrame:
    """Each borough's local priorities: MOPAC's printed change beside the open data's, for the same quarter."""
    lp = catalog.role("boroughs").frames["local-priorities"]
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
                "published_pct": r.pct_change_q1,
                "computed_pct": computed,
                "difference": None if computed is None else round(computed - r.pct_change_q1, 1),
                "confidence": r.confidence,
                "note": m.note or "",
                "source_doc": r.source_doc,
                "source_line": r.source_line,
            }
        )
    return pd.DataFrame(rows)


def london_reconciliation(catalog: Catalog, ind: Indicators | None, q: Quarter) -> pd.DataFrame:
    """The printed London 12-month table beside the same 12 months computed from the open data."""
    table = catalog.role("performance").frames["recorded-crime-12-months"]
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
        diff = None if curr is None else (curr - r.offences_jul2016_jun2017) / r.offences_jul2016_jun2017 * 100
        rows.append(
            {
                "category_id": r.category_id,
                "crime_category": r.crime_category,
                "indicator_id": ind_id or "",
                "published_jul2015_jun2016": r.offences_jul2015_jun2016,
                "computed_jul2015_jun2016": prev,
                "published_jul2016_jun2017": r.offences_jul2016_jun2017,
                "computed_jul2016_jun2017": curr,
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
