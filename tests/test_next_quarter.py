"""Next quarter's report is new rows: a second quarter of printed figures, added to copies of the packages, reaches
the pages, the reconciliation and the milestone summary with no change of code."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import config_for, copy_packages

from generator.periods import Quarter
from generator.site import build

# Test data, not MOPAC's: a made-up 2017/18 Q2 report, marked so it cannot be mistaken for a real figure.
Q2 = "2017Q2"
TNO_Q2 = (777001, 800002)  # offences over the 12 months to September 2016 and to September 2017


def add_rows(path, edit) -> None:
    """Append a copy of every row, changed by edit(row), to a package CSV."""
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + [edit(dict(r)) for r in rows])
    path.write_text(out.getvalue())


def q2_london(row: dict) -> dict:
    before, after = TNO_Q2 if row["category_id"] == "tno" else (1000, 1100)
    row |= {"report_quarter": Q2, "offences_previous_12_months": before, "offences_12_months": after}
    return row | {"change": after - before, "pct_change": round((after - before) / before * 100, 1)}


def q2_local(row: dict) -> dict:
    return row | {"report_quarter": Q2, "pct_change": "-63", "note": "test data, not MOPAC's"}


FINANCE_QUARTERLY = ["revenue", "business-groups", "savings", "capital", "capital-by-portfolio"]
NET_Q2 = ("2458.8", "-44.7")  # test data: a Q2 net forecast and variance, where the Q1 report printed 2471.3, -32.2


def q2_finance(row: dict) -> dict:
    """A copy of a quarterly finance row as if reported at Q2; the printed net lines get the test figures."""
    if "report_period" in row:
        return row | {"report_period": "2017/18 Q2"}
    row |= {"quarter": "2"}
    if row.get("line_item") in ("TOTAL NET EXPENDITURE", "OVERALL MPS & MOPAC Total"):
        row |= {"forecast_full_year": NET_Q2[0] if row["line_item"] == "TOTAL NET EXPENDITURE" else "-44.7"}
        row |= {"variance_full_year": NET_Q2[1]}
    return row


def add_finance_quarter(folder) -> None:
    for name in FINANCE_QUARTERLY:
        add_rows(folder / f"{name}.csv", q2_finance)
        add_rows(folder / f"{name}-reported-totals.csv", q2_finance)
    add_rows(folder / "reserves.csv", q2_finance)


@pytest.mark.build
def test_a_second_quarter_of_printed_figures_is_shown_and_reconciled_with_no_code_change(tmp_path, imported):
    packages = copy_packages(tmp_path / "datapackages")
    add_rows(packages / "london-performance-2017-18" / "recorded-crime-12-months.csv", q2_london)
    add_rows(packages / "boroughs" / "local-priorities.csv", q2_local)
    add_finance_quarter(packages / "finance-2017-18")
    last_quarter = config_for(tmp_path / "q1", imported=imported)  # the site as published before the new report
    build(last_quarter)
    cfg = config_for(
        tmp_path, datapackages=packages, imported=imported, as_at=Quarter.parse(Q2), previous=last_quarter.site_dir
    )
    build(cfg)
    home = (cfg.site_dir / "index.html").read_text()
    assert "As MOPAC reported it: recorded crime, October 2016-September 2017" in home
    assert "777,001" in home and "800,002" in home and "748,660" not in home  # the latest quarter's rows only
    recon = list(csv.DictReader(io.StringIO((cfg.site_dir / "quality" / "reconciliation-london.csv").read_text())))
    tno = next(r for r in recon if r["category_id"] == "tno")
    assert tno["published_12m"] == "800002" and tno["computed_12m"]  # reconciled against the open data's Q2
    camden = (cfg.site_dir / "boroughs" / "camden" / "index.html").read_text()
    # Camden's printed Q1 changes (+1%, +277%) give way to the test quarter's, compared for July-September.
    assert "-63%" in camden and "+277%" not in camden and "July-September 2017" in camden

    # The money: the Q2 rows lead, each measure is shown for both quarters, and each quarter's totals are checked
    # against that quarter's rows only.
    finance = (cfg.site_dir / "finance" / "index.html").read_text()
    assert "Finance 2017/18: the position at Quarter 2" in finance and "end of September 2017" in finance
    assert (
        "At the end of 2017/18 Q2 (September 2017), a full-year forecast underspend of £44.7m against a net budget "
        "of £2,503.5m; at the end of 2017/18 Q1 (June 2017), a full-year forecast underspend of £32.2m"
    ) in finance
    assert "Revenue position at 2017/18 Q2" in finance and finance.count("(printed total)") == 7  # one quarter's
    by_quarter = list(csv.DictReader(io.StringIO((cfg.site_dir / "finance" / "by-quarter.csv").read_text())))
    assert [(r["report_quarter"], r["net_forecast_full_year"]) for r in by_quarter] == [
        ("2017/18 Q1", "2471.3"),
        ("2017/18 Q2", NET_Q2[0]),
    ]
    assert "Revenue at the end of 2017/18 Q2: a full-year forecast underspend of £44.7m" in home
    findings = list(csv.DictReader(io.StringIO((cfg.site_dir / "quality" / "findings.csv").read_text())))
    status = {(r["label"], r["field"]): r["status"] for r in findings}
    assert (
        status[("TOTAL NET EXPENDITURE / financial_year 2017/18 / quarter 2", "forecast_full_year")] == "mismatch"
    )  # the test figure
    assert status[("TOTAL NET EXPENDITURE / financial_year 2017/18 / quarter 1", "forecast_full_year")] != "mismatch"
    assert (
        status[("all rows / financial_year 2017/18 / quarter 2", "budget_full_year")] == "exact"
    )  # capital printed twice, per quarter
    # A priority page lists every quarter MOPAC reported, newest first.
    priority = (cfg.site_dir / "priorities" / "police-service" / "index.html").read_text()
    q2, q1 = (
        priority.index("Total Notifiable Offences, 2017/18 Q2"),
        priority.index("Total Notifiable Offences, 2017/18 Q1"),
    )
    assert q2 < q1 and "800,002" in priority[q2:q1] and "790,473" in priority[q1:]
    # What changed since the previous quarter's site counts the new quarter's rows, table by table.
    changes = re.sub(r"<[^>]+>", " ", (cfg.site_dir / "changes" / "index.html").read_text())
    for table, added in (("recorded-crime-12-months", 15), ("local-priorities", 66), ("revenue", 16)):
        assert re.search(rf"{table}\s+{added}\s+0\b", changes), table
