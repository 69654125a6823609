"""The indicator engine, on hand-made numbers and against MOPAC's printed figures."""
from __future__ import annotations

import pandas as pd
import pytest

from generator.config import Quarter
from generator.indicators import (LOCAL_TOLERANCE_POINTS, LONDON, RECONCILE_TOLERANCE_PCT, compute,
                                  local_priority_comparison, london_reconciliation, monthly_series, quarter_stats,
                                  shift_month)


def months(first, n):
    return [shift_month(first, i) for i in range(n)]


def synthetic():
    ms = months("2015-04", 27)  # April 2015 .. June 2017
    rows = []
    for i, m in enumerate(ms):
        rows.append(("E09000007", m, "burglary-residential", 10))          # Camden: flat 10 a month
        rows.append(("E09000002", m, "burglary-residential", 1 + (i >= 15)))  # B&D: 1, then 2 from July 2016
        rows.append(("X-AIRPORTS", m, "burglary-residential", 5))            # counts for London only
    return pd.DataFrame(rows, columns=["area_code", "month", "category_id", "count"])


def test_rolling_quarter_rank_share_and_rate_on_known_numbers():
    series = monthly_series(synthetic(), {"burglary": ["burglary-residential", "burglary-business"]})
    pop = pd.DataFrame({"area_code": ["E09000007", "E09000002"], "population": [200_000, 100_000]})
    stats = quarter_stats(series, Quarter.parse("2017Q1"), pop, ["E09000007", "E09000002"])
    v = lambda area, m: stats[(stats.area_code == area) & (stats.measure == m)].value.iloc[0]
    assert v("E09000007", "rolling_12m") == 120 and v("E09000007", "pct_change_12m") == 0
    assert v("E09000002", "rolling_12m") == 24 and v("E09000002", "previous_12m") == 12  # doubled from July 2016
    assert v("E09000002", "quarter") == 6 and v("E09000002", "pct_change_quarter") == 100.0
    assert v(LONDON, "rolling_12m") == 120 + 24 + 60
    assert v("E09000007", "rate_per_1000") == pytest.approx(0.6) and v("E09000002", "rate_per_1000") == pytest.approx(0.24)
    assert v("E09000007", "rank") == 1 and v("E09000002", "rank") == 2
    assert v("E09000007", "share_of_london") == pytest.approx(120 / 204 * 100)


def test_quarter_outside_the_data_gives_no_figures_not_wrong_ones():
    series = monthly_series(synthetic(), {"burglary": ["burglary-residential"]})
    stats = quarter_stats(series, Quarter.parse("2019Q2"), None, ["E09000007"])
    assert stats[stats.measure == "rolling_12m"].value.isna().all()


def test_quarter_parsing():
    q = Quarter.parse("2017Q1")
    assert q.months == ["2017-04", "2017-05", "2017-06"] and q.label == "2017/18 Q1"
    assert Quarter.parse("2017Q4").months == ["2018-01", "2018-02", "2018-03"]
    assert str(Quarter.parse("2017Q1").previous) == "2016Q4"


def test_london_figures_reconcile_with_the_published_table(full_catalog):
    ind = compute(full_catalog, Quarter.parse("2017Q1"))
    rec = london_reconciliation(full_catalog, ind)
    one_to_one = rec[rec.one_to_one]
    assert set(one_to_one.category_id) == {"tno", "robbery", "burglary", "theft-person", "theft-of-mv", "theft-from-mv", "sexual-offences"}
    for r in one_to_one.itertuples():
        assert abs(r.difference_pct) <= RECONCILE_TOLERANCE_PCT, r
        prev = (r.computed_jul2015_jun2016 - r.published_jul2015_jun2016) / r.published_jul2015_jun2016 * 100
        assert abs(prev) <= RECONCILE_TOLERANCE_PCT, r
    assert rec.set_index("category_id").loc["vap", "one_to_one"] == False  # noqa: E712 (documented definition change)


def test_local_priority_changes_mostly_reconcile_and_gaps_are_measured(full_catalog):
    ind = compute(full_catalog, Quarter.parse("2017Q1"))
    local = local_priority_comparison(full_catalog, ind)
    comparable = local[local.computable]
    assert len(comparable) >= 40 and comparable.computed_pct.notna().all()
    within = (comparable.difference.abs() <= LOCAL_TOLERANCE_POINTS).mean()
    assert within >= 0.9
    assert local[~local.computable].computed_pct.isna().all()  # never substituted
