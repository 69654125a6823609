"""Stage 2: recorded crime + indicator definitions -> monthly series and quarter statistics.

Everything is driven by the indicator-definitions package: an indicator is a
set of canonical categories, so adding one is adding a row there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Quarter
from .packages import Catalog

LONDON = "E12000007"  # ONS code for London; here: every row of the file, non-borough rows included


@dataclass
class Indicators:
    series: pd.DataFrame      # indicator_id, area_code, month, count
    stats: pd.DataFrame       # area_code, indicator_id, period, measure, value (long); as_at and the quarter before
    as_at: Quarter
    coverage: tuple[str, str]  # first and last month of the data

    def __post_init__(self):
        keys = zip(self.stats.area_code, self.stats.indicator_id, self.stats.measure, self.stats.period)
        self._index = dict(zip(keys, self.stats.value))

    def value(self, area: str, indicator: str, measure: str, period: str | None = None):
        v = self._index.get((area, indicator, measure, period or str(self.as_at)))
        return None if v is None or pd.isna(v) else float(v)


def category_sets(definitions: pd.DataFrame, categories: pd.DataFrame) -> dict[str, list[str]]:
    every = categories["category_id"].tolist()
    return {r.indicator_id: every if r.categories.strip() == "*" else r.categories.split()
            for r in definitions.itertuples()}


def monthly_series(crime: pd.DataFrame, sets: dict[str, list[str]]) -> pd.DataFrame:
    """Counts per indicator, area and month; London is the sum over every row of the file."""
    by_cat = crime.groupby(["area_code", "category_id", "month"], as_index=False)["count"].sum()
    london = by_cat.groupby(["category_id", "month"], as_index=False)["count"].sum().assign(area_code=LONDON)
    by_cat = pd.concat([by_cat, london], ignore_index=True)
    months = sorted(crime["month"].unique())
    parts = []
    for ind, cats in sets.items():
        part = by_cat[by_cat.category_id.isin(cats)].groupby(["area_code", "month"])["count"].sum()
        wide = part.unstack("month").reindex(columns=months).fillna(0).astype("int64")
        long = wide.stack().rename("count").reset_index()
        parts.append(long.assign(indicator_id=ind))
    out = pd.concat(parts, ignore_index=True)
    return out[["indicator_id", "area_code", "month", "count"]].sort_values(
        ["indicator_id", "area_code", "month"], kind="stable").reset_index(drop=True)


def pct(new, old):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, (new - old) / old * 100.0, np.nan)


def window_sum(wide: pd.DataFrame, end: str, months: int) -> pd.Series:
    cols = list(wide.columns)
    if end not in cols or cols.index(end) + 1 < months:
        return pd.Series(np.nan, index=wide.index)
    i = cols.index(end)
    return wide.iloc[:, i - months + 1: i + 1].sum(axis=1).astype(float)


def shift_month(month: str, by: int) -> str:
    y, m = map(int, month.split("-"))
    idx = y * 12 + (m - 1) + by
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def quarter_stats(series: pd.DataFrame, as_at: Quarter, population: pd.DataFrame | None,
                  borough_codes: list[str]) -> pd.DataFrame:
    end = as_at.end_month
    rows = []
    for ind, part in series.groupby("indicator_id", sort=True):
        wide = part.pivot(index="area_code", columns="month", values="count")
        r12 = window_sum(wide, end, 12)
        p12 = window_sum(wide, shift_month(end, -12), 12)
        q = window_sum(wide, end, 3)
        qly = window_sum(wide, shift_month(end, -12), 3)
        frame = pd.DataFrame({
            "rolling_12m": r12, "previous_12m": p12, "change_12m": r12 - p12, "pct_change_12m": pct(r12, p12),
            "quarter": q, "quarter_last_year": qly, "change_quarter": q - qly, "pct_change_quarter": pct(q, qly)})
        if population is not None and not population.empty:
            pop = population.set_index("area_code")["population"].astype(float)
            pop.loc[LONDON] = pop.sum()
            frame["rate_per_1000"] = r12 / pop.reindex(frame.index) * 1000
        else:
            frame["rate_per_1000"] = np.nan
        ranked_on = frame["rate_per_1000"] if frame["rate_per_1000"].notna().any() else frame["rolling_12m"]
        boroughs = ranked_on.reindex(borough_codes)
        frame["rank"] = boroughs.rank(ascending=False, method="min").reindex(frame.index)
        frame["share_of_london"] = r12 / r12.get(LONDON, np.nan) * 100
        long = frame.reset_index().melt(id_vars="area_code", var_name="measure", value_name="value")
        rows.append(long.assign(indicator_id=ind))
    out = pd.concat(rows, ignore_index=True)
    out["period"] = str(as_at)
    out = out[out.area_code.isin(borough_codes + [LONDON])]
    return out[["area_code", "indicator_id", "period", "measure", "value"]].sort_values(
        ["indicator_id", "area_code", "measure"], kind="stable").reset_index(drop=True)


def compute(catalog: Catalog, as_at: Quarter) -> Indicators | None:
    """All indicators, or None when no recorded-crime package was imported."""
    if "recorded-crime" not in catalog:
        return None
    crime = catalog["recorded-crime"].frames["recorded-crime"]
    defs = catalog["indicator-definitions"]
    sets = category_sets(defs.frames["indicators"], defs.frames["categories"])
    series = monthly_series(crime, sets)
    population = catalog["recorded-crime"].frames.get("population")
    borough_codes = catalog["boroughs"].frames["boroughs"]["code"].tolist()
    # The previous quarter too, so pages can say what changed since the last report.
    stats = pd.concat([quarter_stats(series, q, population, borough_codes) for q in (as_at, as_at.previous)],
                      ignore_index=True)
    months = sorted(crime["month"].unique())
    return Indicators(series=series, stats=stats, as_at=as_at, coverage=(months[0], months[-1]))


def local_priority_comparison(catalog: Catalog, ind: Indicators | None) -> pd.DataFrame:
    """Each borough's local priorities: MOPAC's printed Q1 % change beside the open-data figure."""
    lp = catalog["boroughs"].frames["local-priorities"]
    lpm = catalog["indicator-definitions"].frames["local-priority-map"].set_index("priority_id")
    rows = []
    for r in lp.itertuples():
        m = lpm.loc[r.priority_id]
        computed = None
        if ind is not None and bool(m.computable) and m.indicator_id:
            computed = ind.value(r.borough_code, m.indicator_id, "pct_change_quarter")
        rows.append({"borough_code": r.borough_code, "rank": r.rank, "priority_id": r.priority_id, "crime": r.crime,
                     "indicator_id": m.indicator_id or "", "computable": bool(m.computable),
                     "published_pct": r.pct_change_q1, "computed_pct": computed,
                     "difference": None if computed is None else round(computed - r.pct_change_q1, 1),
                     "confidence": r.confidence, "note": m.note or "", "source_line": r.source_line})
    return pd.DataFrame(rows)


# Open data are revised after publication (late-recorded and reclassified crimes), and MOPAC's
# figures were extracted in mid-2017; a few per cent of drift is expected, beyond that is a finding.
RECONCILE_TOLERANCE_PCT = 3.0
LOCAL_TOLERANCE_POINTS = 5.0


def london_reconciliation(catalog: Catalog, ind: Indicators | None) -> pd.DataFrame:
    """The printed London 12-month table beside the same figures computed from the open data."""
    table = catalog["london-performance-2017-18"].frames["recorded-crime-12-months"]
    defs = catalog["indicator-definitions"].frames["indicators"]
    link = {r.published_category_id: r for r in defs.itertuples() if r.published_category_id}
    rows = []
    for r in table.itertuples():
        d = link.get(r.category_id)
        ind_id = d.indicator_id if d is not None else None
        prev = curr = None
        if ind is not None and ind_id and str(ind.as_at) == "2017Q1":
            prev = ind.value(LONDON, ind_id, "previous_12m")
            curr = ind.value(LONDON, ind_id, "rolling_12m")
        diff = None if curr is None else (curr - r.offences_jul2016_jun2017) / r.offences_jul2016_jun2017 * 100
        rows.append({"category_id": r.category_id, "crime_category": r.crime_category, "indicator_id": ind_id or "",
                     "published_jul2015_jun2016": r.offences_jul2015_jun2016, "computed_jul2015_jun2016": prev,
                     "published_jul2016_jun2017": r.offences_jul2016_jun2017, "computed_jul2016_jun2017": curr,
                     "difference_pct": None if diff is None else round(diff, 2),
                     "one_to_one": bool(d.reconciles) if d is not None else False,
                     "within_tolerance": None if diff is None else abs(diff) <= RECONCILE_TOLERANCE_PCT,
                     "note": d.note if d is not None else "Not in the open data: MOPAC counts this with a flag the borough file does not carry.",
                     "source_line": r.source_line})
    return pd.DataFrame(rows)
