"""The indicator engine, on hand-made numbers and against MOPAC's printed figures."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.errors import DataError
from generator.indicators import (
    BOROUGHS,
    compute,
    latest_quarter,
    monthly_series,
    population_year,
    quarter_stats,
    resolve_quarter,
    wide_counts,
)
from generator.periods import Quarter, shift_month
from generator.reconcile import (
    LOCAL_TOLERANCE_POINTS,
    RECONCILE_TOLERANCE_PCT,
    local_priority_comparison,
    london_reconciliation,
)

LONDON = "E12000007"  # the region code of the hand-made series (any code will do)
Q1 = Quarter.parse("2017Q1")


def months(first, n):
    return [shift_month(first, i) for i in range(n)]


def synthetic(first="2015-04", n=27):
    rows = []
    for i, m in enumerate(months(first, n)):  # April 2015 .. June 2017 by default
        rows.append(("E09000007", "borough", m, "burglary-residential", 10))  # Camden: flat 10 a month
        rows.append(("E09000002", "borough", m, "burglary-residential", 1 + (i >= 15)))  # B&D: 1, then 2 from July 2016
        rows.append(("X-AIRPORTS", "non-borough", m, "burglary-residential", 5))  # London's total only
    return pd.DataFrame(rows, columns=["area_code", "area_kind", "month", "category_id", "count"])


def stat(stats, area, measure):
    return stats[(stats.area_code == area) & (stats.measure == measure)].value.iloc[0]


def test_rolling_quarter_rank_share_and_rate_on_known_numbers():
    series = monthly_series(synthetic(), {"burglary": ["burglary-residential", "burglary-business"]}, LONDON)
    pop = pd.DataFrame(
        {"area_code": ["E09000007", "E09000002"], "year": [2017, 2017], "population": [200_000, 100_000]}
    )
    stats, years = quarter_stats(wide_counts(series), Q1, pop, ["E09000007", "E09000002"], LONDON)
    v = lambda area, m: stat(stats, area, m)
    assert v("E09000007", "rolling_12m") == 120 and v("E09000007", "pct_change_12m") == 0
    assert v("E09000002", "rolling_12m") == 24 and v("E09000002", "previous_12m") == 12  # doubled from July 2016
    assert v("E09000002", "quarter") == 6 and v("E09000002", "pct_change_quarter") == 100.0
    assert v("E09000007", "rate_per_1000") == pytest.approx(0.6) and v("E09000002", "rate_per_1000") == pytest.approx(
        0.24
    )
    assert v("E09000007", "rank") == 1 and v("E09000002", "rank") == 2
    assert years == (2017, 2017)


def test_london_counts_every_row_but_rates_and_shares_use_the_boroughs_alone():
    series = monthly_series(synthetic(), {"burglary": ["burglary-residential"]}, LONDON)
    pop = pd.DataFrame(
        {"area_code": ["E09000007", "E09000002"], "year": [2017, 2017], "population": [200_000, 100_000]}
    )
    stats, _ = quarter_stats(wide_counts(series), Q1, pop, ["E09000007", "E09000002"], LONDON)
    assert stat(stats, LONDON, "rolling_12m") == 120 + 24 + 60  # the airports count towards London's total
    assert stat(stats, BOROUGHS, "rolling_12m") == 120 + 24
    assert stat(stats, LONDON, "non_borough_12m") == 60
    assert stat(stats, LONDON, "rate_per_1000") == pytest.approx(144 / 300_000 * 1000)  # same base above and below
    assert stat(stats, "E09000007", "share_of_london") == pytest.approx(120 / 144 * 100)


def test_windows_are_calendar_months_and_need_the_whole_window():
    # The data starts in April 2016: a 12-month figure to June 2017 exists, its change on the year before does not.
    series = monthly_series(synthetic("2016-04", 15), {"burglary": ["burglary-residential"]}, LONDON)
    stats, _ = quarter_stats(wide_counts(series), Q1, None, ["E09000007", "E09000002"], LONDON)
    assert stat(stats, "E09000007", "rolling_12m") == 120
    assert pd.isna(stat(stats, "E09000007", "previous_12m")) and pd.isna(stat(stats, "E09000007", "pct_change_12m"))
    assert stat(stats, "E09000007", "quarter_last_year") == 30
    # A window at the very start of a file: the first quarter has no year-earlier quarter and no 12 months.
    first, _ = quarter_stats(wide_counts(series), Quarter.parse("2016Q1"), None, ["E09000007"], LONDON)
    assert pd.isna(stat(first, "E09000007", "rolling_12m")) and pd.isna(stat(first, "E09000007", "quarter_last_year"))
    assert stat(first, "E09000007", "quarter") == 30


def test_missing_figures_say_where_the_data_starts(full_catalog):
    ind = compute(full_catalog, Quarter.parse("2010Q2"))
    assert ind.value("E09000007", "tno", "rolling_12m") is None
    assert ind.missing("pct_change_12m") == "not available: the data starts in April 2010"
    assert ind.value("E09000007", "tno", "quarter") is not None


def test_population_year_is_the_june_inside_the_window_else_the_nearest():
    assert population_year("2017-06", [2016, 2017, 2018]) == (2017, 2017)  # July 2016-June 2017
    assert population_year("2018-03", [2016, 2017, 2018]) == (2017, 2017)  # April 2017-March 2018
    assert population_year("2017-06", [2019]) == (2019, 2017)
    assert population_year("2017-06", [2016, 2018]) == (2016, 2017)  # a tie goes to the earlier estimate


def test_rates_use_the_population_of_their_period():
    series = monthly_series(synthetic(), {"burglary": ["burglary-residential"]}, LONDON)
    pop = pd.DataFrame(
        {
            "area_code": ["E09000007", "E09000002"] * 2,
            "year": [2016, 2016, 2017, 2017],
            "population": [100_000, 100_000, 200_000, 100_000],
        }
    )
    stats, years = quarter_stats(wide_counts(series), Q1, pop, ["E09000007", "E09000002"], LONDON)
    assert years == (2017, 2017) and stat(stats, "E09000007", "rate_per_1000") == pytest.approx(0.6)
    stats, years = quarter_stats(wide_counts(series), Quarter.parse("2016Q3"), pop, ["E09000007", "E09000002"], LONDON)
    assert years == (2016, 2016) and stat(stats, "E09000007", "rate_per_1000") == pytest.approx(1.2)


@pytest.mark.parametrize(
    "first, last, latest",
    [
        ("2010-04", "2023-09", "2023Q2"),
        ("2010-04", "2022-01", "2021Q3"),
        ("2024-04", "2026-03", "2025Q4"),
        ("2024-04", "2024-05", None),
    ],
)
def test_latest_complete_quarter(first, last, latest):
    q = latest_quarter(first, last)
    assert (str(q) if q else None) == latest


def test_a_quarter_outside_the_data_is_refused_naming_the_coverage():
    with pytest.raises(DataError) as err:
        resolve_quarter(Quarter.parse("2030Q1"), ("2010-04", "2023-09"), Q1)
    assert "April 2010 to September 2023" in err.value.message and "2023Q2" in err.value.message
    assert str(resolve_quarter("latest", ("2010-04", "2023-09"), Q1)) == "2023Q2"
    assert resolve_quarter("latest", None, Q1) == Q1  # no recorded crime: the printed report's quarter


def test_quarter_parsing():
    q = Quarter.parse("2017Q1")
    assert q.months == ["2017-04", "2017-05", "2017-06"] and q.label == "2017/18 Q1"
    assert q.span == "April-June 2017" and q.twelve_months == "July 2016-June 2017"
    assert Quarter.parse("2017Q4").months == ["2018-01", "2018-02", "2018-03"]
    assert Quarter.parse("2017Q4").twelve_months == "April 2017-March 2018"
    assert str(Quarter.parse("2017Q1").previous) == "2016Q4"
    assert str(Quarter.containing("2024-02")) == "2023Q4" and str(Quarter.containing("2024-04")) == "2024Q1"


def test_london_figures_reconcile_with_the_published_table(full_catalog):
    ind = compute(full_catalog, Q1)
    rec = london_reconciliation(full_catalog, ind, Q1)
    one_to_one = rec[rec.one_to_one]
    assert set(one_to_one.category_id) == {
        "tno",
        "robbery",
        "burglary",
        "theft-person",
        "theft-of-mv",
        "theft-from-mv",
        "sexual-offences",
    }
    for r in one_to_one.itertuples():
        assert abs(r.difference_pct) <= RECONCILE_TOLERANCE_PCT, r
        prev = (r.computed_previous_12m - r.published_previous_12m) / r.published_previous_12m * 100
        assert abs(prev) <= RECONCILE_TOLERANCE_PCT, r
    assert rec.set_index("category_id").loc["vap", "one_to_one"] == False  # noqa: E712 (documented definition change)


def test_reconciliation_compares_the_printed_quarter_whatever_the_build_quarter(full_catalog):
    at_q1 = local_priority_comparison(full_catalog, compute(full_catalog, Q1), Q1)
    q2 = compute(full_catalog, Quarter.parse("2017Q2"), also=(Q1,))
    at_q2 = local_priority_comparison(full_catalog, q2, Q1)
    pd.testing.assert_series_equal(at_q1.computed_pct, at_q2.computed_pct)
    assert set(at_q2.period) == {"April-June 2017 against April-June 2016"}
    # ... and the Q2 figures themselves differ, so the test above can fail.
    assert q2.value("E09000007", "theft-person", "pct_change_quarter") != q2.value(
        "E09000007", "theft-person", "pct_change_quarter", "2017Q1"
    )


def test_local_priority_changes_mostly_reconcile_and_gaps_are_measured(full_catalog):
    ind = compute(full_catalog, Q1)
    local = local_priority_comparison(full_catalog, ind, Q1)
    comparable = local[local.computable]
    assert len(comparable) >= 40 and comparable.computed_pct.notna().all()
    within = (comparable.difference.abs() <= LOCAL_TOLERANCE_POINTS).mean()
    assert within >= 0.9
    assert local[~local.computable].computed_pct.isna().all()  # never substituted
