"""Next quarter's report is new rows: a second quarter of printed figures, added to copies of the packages, reaches
the pages, the reconciliation and the milestone summary with no change of code."""

from __future__ import annotations

import csv
import io

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


@pytest.mark.build
def test_a_second_quarter_of_printed_figures_is_shown_and_reconciled_with_no_code_change(tmp_path, imported):
    packages = copy_packages(tmp_path / "datapackages")
    add_rows(packages / "london-performance-2017-18" / "recorded-crime-12-months.csv", q2_london)
    add_rows(packages / "boroughs" / "local-priorities.csv", q2_local)
    cfg = config_for(tmp_path, datapackages=packages, imported=imported, as_at=Quarter.parse(Q2))
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
