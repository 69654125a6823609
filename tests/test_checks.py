"""Printed totals are compared with their rows; differences become findings, never errors."""

from __future__ import annotations

import shutil

from conftest import REPO, ROLES

from generator.checks import parse_identity, run_checks, status_of
from generator.packages import load_catalog


def test_lcpf_total_is_a_one_pound_mismatch(catalog):
    f = run_checks(catalog)
    lcpf = f[(f.resource == "lcpf-reported-totals")].iloc[0]
    assert (lcpf.computed, lcpf.reported, lcpf.status) == (16777585, 16777584, "mismatch")


def finding(f, resource, label, field):
    hit = f[(f.resource == resource) & (f.label == label) & (f.field == field)]
    assert len(hit) >= 1, (resource, label, field)
    return hit.iloc[0]


def test_known_rounding_differences_are_found(catalog):
    f = run_checks(catalog)
    pay = finding(f, "revenue", "Police Officer Pay", "variance_full_year")
    assert (pay.computed, pay.reported, pay.status) == (-23.4, -23.3, "rounding")
    assert (
        finding(
            f,
            "savings-reported-totals",
            "Total - MPS Savings 2017/18 / financial_year 2017/18 / quarter 1",
            "forecast_saving",
        ).computed
        == -66.0
    )
    assert (
        finding(
            f,
            "capital-reported-totals",
            "Total Capital Expenditure / financial_year 2017/18 / quarter 1",
            "budget_full_year",
        ).status
        == "exact"
    )
    assert finding(f, "reserves", "2015/16", "closing_balance").status == "exact"


def test_virement_totals_are_checked_per_budget_line(catalog):
    f = run_checks(catalog)
    v = f[(f.resource == "virements-reported-totals") & (f.label == "Total Virements / budget_line other_income")].iloc[
        0
    ]
    assert (round(v.computed, 1), v.reported) == (6.8, 7.0)


def test_status_and_identity_parsing():
    assert status_of(0.0, 0.1) == "exact" and status_of(0.1, 0.1) == "rounding" and status_of(0.3, 0.2) == "mismatch"
    assert parse_identity("c = a - b + d") == ("c", [(1, "a"), (-1, "b"), (1, "d")])


def test_a_changed_row_makes_a_mismatch_finding(tmp_path):
    pk = shutil.copytree(REPO / "datapackages", tmp_path / "p")
    csv = pk / "finance-2017-18" / "savings.csv"
    csv.write_text(csv.read_text().replace("-15.7,-4.7,11.0", "-25.7,-4.7,21.0"))
    f = run_checks(load_catalog(pk, roles=ROLES))
    row = f[(f.resource == "savings-reported-totals") & (f.field == "planned_saving")].iloc[0]
    assert row.status == "mismatch" and row.difference == 10.0


def test_the_two_printings_of_the_capital_programme_reconcile(catalog):
    f = run_checks(catalog)
    same = f[f.check == "same total as capital"]
    assert set(same.field) == {"budget_full_year", "actual_ytd", "forecast_full_year", "variance"}
    assert (same.status == "exact").all()
    assert same.set_index("field").loc["budget_full_year", "reported"] == 366.2
