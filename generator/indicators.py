"""Stage 2: recorded crime + indicator definitions -> monthly series and quarter statistics.

Everything is driven by the indicator-definitions package: an indicator is a
set of canonical categories, so adding one is adding a row there. Windows are
calendar months: a figure whose window reaches outside the data is missing,
with the reason, never computed from the wrong months.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import areas
from .errors import DataError
from .packages import Catalog
from .periods import Quarter, month_name, shift_month, window

BOROUGHS = "X-BOROUGHS"  # the boroughs alone: the base of London's rates and of each borough's share

# How many months before the end of its period each measure reads (for "the data starts in ...").
MONTHS_NEEDED = {
    "rolling_12m": 12,
    "previous_12m": 24,
    "change_12m": 24,
    "pct_change_12m": 24,
    "quarter": 3,
    "quarter_last_year": 15,
    "change_quarter": 15,
    "pct_change_quarter": 15,
    "rate_per_1000": 12,
    "rank": 12,
    "share_of_london": 12,
    "non_borough_12m": 12,
}


@dataclass
class Indicators:
    series: pd.DataFrame  # indicator_id, area_code, month, count
    stats: pd.DataFrame  # area_code, indicator_id, period, measure, value (long)
    as_at: Quarter
    coverage: tuple[str, str]  # first and last complete month of the data
    population_years: dict[str, tuple[int, int]] = field(default_factory=dict)  # period -> (year used, year wanted)
    rank_by: str = "rate"  # "rate" with a population, else "count"
    sets: dict[str, list[str]] = field(default_factory=dict)  # each indicator's and crime type's categories
    region: str = ""  # the code of the area at the top of the hierarchy (London): every row of the file

    def __post_init__(self):
        s = self.stats  # columns as lists: iterating pandas string arrays value by value is slow
        keys = zip(s.area_code.tolist(), s.indicator_id.tolist(), s.measure.tolist(), s.period.tolist(), strict=True)
        self._index = dict(zip(keys, s.value.tolist(), strict=True))
        self._spans = series_spans(self.series)
        if self._spans is None:  # one (indicator, area) in several runs: sort, so each is one slice
            self.series = self.series.sort_values(["indicator_id", "area_code", "month"], kind="stable")
            self._spans = series_spans(self.series)

    def value(self, area: str, indicator: str, measure: str, period: str | None = None):
        v = self._index.get((area, indicator, measure, period or str(self.as_at)))
        return None if v is None or pd.isna(v) else float(v)

    def series_for(self, indicator: str, area: str) -> pd.DataFrame:
        """The monthly series of one indicator in one area (empty when the edition has none of its categories)."""
        start, stop = self._spans.get((indicator, area), (0, 0))
        return self.series.iloc[start:stop]

    def covers(self, quarter: Quarter) -> bool:
        return self.coverage[0] <= quarter.months[0] and quarter.end_month <= self.coverage[1]

    def missing(self, measure: str, period: Quarter | None = None) -> str:
        """Why a measure has no value: the data does not reach back far enough, or there is nothing to compare."""
        end = (period or self.as_at).end_month
        if shift_month(end, -MONTHS_NEEDED.get(measure, 12) + 1) < self.coverage[0]:
            return f"not available: the data starts in {month_name(self.coverage[0])}"
        return "n/a"

    def population_note(self, period: Quarter | None = None) -> str:
        """'mid-2019 population', saying so when the estimate is not the period's own year."""
        used = self.population_years.get(str(period or self.as_at))
        if not used:
            return ""
        note = f"mid-{used[0]} resident population"
        return note if used[0] == used[1] else f"{note}; the population file has no mid-{used[1]} estimate"


def series_spans(series: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]] | None:
    """Where each (indicator, area) runs in the series, as row positions; None unless each is one run."""
    ids, codes = series.indicator_id.to_numpy(), series.area_code.to_numpy()
    first = np.ones(len(series), dtype=bool)
    first[1:] = (ids[1:] != ids[:-1]) | (codes[1:] != codes[:-1])
    starts = np.flatnonzero(first)
    stops = np.append(starts[1:], len(series))
    keys = zip(ids[starts].tolist(), codes[starts].tolist(), strict=True)
    spans = dict(zip(keys, zip(starts.tolist(), stops.tolist(), strict=True), strict=True))
    return spans if len(spans) == len(starts) else None


def category_sets(definitions: pd.DataFrame, categories: pd.DataFrame) -> dict[str, list[str]]:
    """Each indicator's categories; * is every category counted in total notifiable offences."""
    every = categories.loc[categories["in_total_offences"].astype(bool), "category_id"].tolist()
    return {
        r.indicator_id: every if r.categories.strip() == "*" else r.categories.split() for r in definitions.itertuples()
    }


def crime_types(categories: pd.DataFrame) -> pd.DataFrame:
    """Every crime group (a major category) and every category in it, as crime types with their own page.

    A group of one category is that category: it gets the group's page alone."""
    rows = []
    for major, group in categories.groupby("major", sort=True):
        slug = slugify(major)
        rows.append(
            {
                "type_id": f"crime:{slug}",
                "slug": slug,
                "title": major,
                "kind": "group",
                "group": slug,
                "categories": group.category_id.tolist(),
                "in_total": bool(group.in_total_offences.all()),
            }
        )
        if len(group) > 1:
            for c in group.sort_values("title").itertuples():
                rows.append(
                    {
                        "type_id": f"crime:{c.category_id}",
                        "slug": c.category_id,
                        "title": c.title,
                        "kind": "category",
                        "group": slug,
                        "categories": [c.category_id],
                        "in_total": bool(c.in_total_offences),
                    }
                )
    return pd.DataFrame(rows)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def peer_code(group: str) -> str:
    return f"X-PEER-{group}"


def monthly_series(
    crime: pd.DataFrame, sets: dict[str, list[str]], region: str, peers: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """Counts per indicator, area and month; the region (London) is every row of the file, BOROUGHS the boroughs
    alone, and each peer group (X-PEER-...) the sum of its boroughs.

    An indicator has a series in an area when the file has a row of one of its categories there (its months
    without a row count 0). Computed as arrays: offences by area, category and month, the aggregate areas as
    sums of their members, and every indicator at once through a membership matrix over categories."""
    area_ids, areas = pd.factorize(crime["area_code"], sort=True)
    cat_ids, cats = pd.factorize(crime["category_id"], sort=True)
    month_ids, months = pd.factorize(crime["month"], sort=True)
    shape = (len(areas), len(cats), len(months))
    weights = crime["count"].fillna(0).to_numpy(dtype="float64")  # sums of counts: exact in float64
    cube = np.bincount(np.ravel_multi_index((area_ids, cat_ids, month_ids), shape), weights, math.prod(shape))
    cube = cube.reshape(shape)
    present = np.bincount(np.ravel_multi_index((area_ids, cat_ids), shape[:2]), minlength=shape[0] * shape[1])
    present = present.reshape(shape[:2]) > 0
    codes = areas.tolist()
    boroughs = set(crime.loc[crime.area_kind == "borough", "area_code"].tolist())
    groups = {region: codes, BOROUGHS: [a for a in codes if a in boroughs]}
    groups |= {peer_code(g): [a for a in codes if a in set(members)] for g, members in (peers or {}).items()}
    rows = [[codes.index(a) for a in members] for members in groups.values()]
    cube = np.concatenate([cube, *(cube[r].sum(axis=0, keepdims=True) for r in rows)])
    present = np.concatenate([present, *(present[r].any(axis=0, keepdims=True) for r in rows)])
    codes += list(groups)
    order = sorted(range(len(codes)), key=codes.__getitem__)
    position = {c: i for i, c in enumerate(cats.tolist())}
    ids = sorted(sets)
    member = np.zeros((len(ids), len(cats)))
    for i, indicator in enumerate(ids):
        member[i, [position[c] for c in sets[indicator] if c in position]] = 1
    counts = np.tensordot(member, cube[order], axes=([1], [1]))  # indicator, area, month
    has = (member @ present[order].T.astype("float64")) > 0
    ii, aa = np.nonzero(has)
    n = len(months)
    return pd.DataFrame(
        {
            "indicator_id": np.repeat(np.array(ids, dtype=object)[ii], n),
            "area_code": np.repeat(np.array(codes, dtype=object)[order][aa], n),
            "month": np.tile(np.asarray(months, dtype=object), len(ii)),
            "count": counts[ii, aa].reshape(-1).round().astype("int64"),
        }
    )


def pct(new, old):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, (new - old) / old * 100.0, np.nan)


def window_sum(wide: pd.DataFrame, end: str, months: int) -> pd.Series:
    """The sum over the calendar months ending at end; missing when any of them is not in the data."""
    wanted = window(end, months)
    if not set(wanted) <= set(wide.columns):
        return pd.Series(np.nan, index=wide.index)
    return wide[wanted].sum(axis=1).astype(float)


def population_year(end: str, available: list[int]) -> tuple[int, int]:
    """The mid-year estimate for a 12-month window: the year whose 30 June falls inside it, else the nearest."""
    wanted = next(int(m[:4]) for m in window(end, 12) if m.endswith("-06"))
    used = min(available, key=lambda y: (abs(y - wanted), y))
    return used, wanted


def wide_counts(series: pd.DataFrame) -> pd.DataFrame:
    """The monthly series as one row per (indicator, area) and one column per month, for quarter_stats."""
    return series.pivot(index=["indicator_id", "area_code"], columns="month", values="count")


def quarter_stats(
    wide: pd.DataFrame,
    quarter: Quarter,
    population: pd.DataFrame | None,
    borough_codes: list[str],
    region: str,
    peers: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, tuple[int, int] | None]:
    end = quarter.end_month
    pop, years = None, None
    if population is not None and not population.empty:
        years = population_year(end, sorted(population.year.unique()))
        pop = population[population.year == years[0]].set_index("area_code")["population"].astype(float)
        pop.loc[BOROUGHS] = pop.reindex(borough_codes).sum()
        pop.loc[region] = pop.loc[BOROUGHS]  # London's rate: borough offences over borough residents
        for g, members in (peers or {}).items():
            pop.loc[peer_code(g)] = pop.reindex(members).sum()
    r12 = window_sum(wide, end, 12)
    p12 = window_sum(wide, shift_month(end, -12), 12)
    q = window_sum(wide, end, 3)
    qly = window_sum(wide, shift_month(end, -12), 3)
    area = wide.index.get_level_values("area_code")
    base = r12.xs(BOROUGHS, level="area_code").reindex(wide.index.get_level_values("indicator_id")).to_numpy()
    frame = pd.DataFrame(
        {
            "rolling_12m": r12,
            "previous_12m": p12,
            "change_12m": r12 - p12,
            "pct_change_12m": pct(r12, p12),
            "quarter": q,
            "quarter_last_year": qly,
            "change_quarter": q - qly,
            "pct_change_quarter": pct(q, qly),
        }
    )
    on_base = r12.where(area != region, base)
    frame["rate_per_1000"] = on_base / pop.reindex(area).to_numpy() * 1000 if pop is not None else np.nan
    ranked_on = frame["rate_per_1000"] if pop is not None else frame["rolling_12m"]
    is_borough = area.isin(borough_codes)
    frame["rank"] = ranked_on.where(is_borough).groupby(level="indicator_id").rank(ascending=False, method="min")
    frame["share_of_london"] = (r12 / base * 100).where(is_borough)
    frame["non_borough_12m"] = (r12 - base).where(area == region)
    out = frame.reset_index().melt(id_vars=["indicator_id", "area_code"], var_name="measure", value_name="value")
    out["period"] = str(quarter)
    out = out[out.area_code.isin(borough_codes + [region, BOROUGHS] + [peer_code(g) for g in peers or {}])]
    return out[["area_code", "indicator_id", "period", "measure", "value"]].sort_values(
        ["indicator_id", "area_code", "measure"], kind="stable"
    ).reset_index(drop=True), years


def coverage(catalog: Catalog) -> tuple[str, str] | None:
    """First and last complete month of the imported recorded crime, or None when none was imported."""
    if not catalog.has("crime"):
        return None
    return descriptor_coverage(catalog.role("crime").descriptor, catalog.role("crime").path)


def descriptor_coverage(descriptor: dict, where) -> tuple[str, str]:
    cov = descriptor.get("x-coverage")
    if not isinstance(cov, dict) or not all(isinstance(cov.get(k), str) for k in ("first_month", "last_month")):
        raise DataError(
            "the recorded-crime package needs 'x-coverage' with first_month and last_month (YYYY-MM); "
            "import the file again with transparency import-crime",
            path=where,
            field="x-coverage",
        )
    return cov["first_month"], cov["last_month"]


def latest_quarter(first: str, last: str) -> Quarter | None:
    """The latest financial-year quarter whose three months all lie within first..last."""
    q = Quarter.containing(last)
    if q.end_month != last:
        q = q.previous
    return q if q.months[0] >= first else None


def resolve_quarter(spec: str | Quarter, cov: tuple[str, str] | None, fallback: Quarter) -> Quarter:
    """'latest' or a quarter, checked against the data's coverage: a quarter outside it is refused, naming the
    coverage. With no recorded crime, 'latest' is the fallback (the quarter of the printed report)."""
    if cov is None:
        return fallback if spec == "latest" else spec
    latest = latest_quarter(*cov)
    span = f"{month_name(cov[0])} to {month_name(cov[1])}"
    if latest is None:
        raise DataError(f"the recorded-crime data ({span}) holds no complete quarter")
    if spec == "latest":
        return latest
    if not (cov[0] <= spec.months[0] and spec.end_month <= cov[1]):
        raise DataError(
            f"reporting quarter {spec} ({spec.label}, {spec.span}) is not covered by the recorded-crime "
            f"data, which runs from {span}; the latest complete quarter is {latest} ({latest.label})",
            field="as_at",
        )
    return spec


def compute(catalog: Catalog, as_at: Quarter, also: tuple[Quarter, ...] = ()) -> Indicators | None:
    """All indicators for the reporting quarter, the one before, and any other quarters asked for (the
    quarters printed reports describe), or None when no recorded-crime package was imported."""
    cov = coverage(catalog)
    if cov is None:
        return None
    crime = catalog.role("crime").frames["recorded-crime"]
    crime = crime[(crime.month >= cov[0]) & (crime.month <= cov[1])]  # incomplete edge months stay out
    defs = catalog.role("definitions")
    sets = category_sets(defs.frames["indicators"], defs.frames["categories"])
    types = crime_types(defs.frames["categories"])
    sets.update(zip(types.type_id, types.categories, strict=True))
    b = areas.boroughs(catalog)
    peers = {g: m.area_code.tolist() for g, m in b[b.peer_group != ""].groupby("peer_group")}
    region = areas.region(catalog).area_code
    series = monthly_series(crime, sets, region, peers)
    population = catalog.role("crime").frames.get("population")
    borough_codes = areas.borough_codes(catalog)
    parts, years = [], {}
    wide = wide_counts(series)  # every indicator at once: rows (indicator, area), columns months
    for q in dict.fromkeys((as_at, as_at.previous) + also):
        stats, used = quarter_stats(wide, q, population, borough_codes, region, peers)
        parts.append(stats)
        if used:
            years[str(q)] = used
    return Indicators(
        series=series,
        stats=pd.concat(parts, ignore_index=True),
        as_at=as_at,
        coverage=cov,
        population_years=years,
        rank_by="rate" if population is not None else "count",
        sets=sets,
        region=region,
    )
