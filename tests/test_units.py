"""Fast unit tests of the small modules: zips, formats, tilemap, compare, config, generated and lock."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from generator import compare, generated, lock, tilemap, zips
from generator.config import load_config
from generator.errors import DataError, EnvironmentProblem
from generator.formats import csv_bytes, is_formula
from generator.periods import Quarter


def test_a_zip_is_byte_identical_each_time_and_reads_back_with_utf8_names():
    members = {"b.csv": zips.member(b"a,b\n1,2\n" * 100), "Café.txt": zips.member("é".encode())}
    first, second = zips.archive(members), zips.archive(dict(reversed(members.items())))
    assert first == second  # members in name order, a fixed date: the same data gives the same bytes
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.testzip() is None
        assert z.namelist() == ["Café.txt", "b.csv"]
        assert z.read("b.csv") == b"a,b\n1,2\n" * 100 and z.read("Café.txt") == "é".encode()


def test_csv_cells_round_decimals_keep_counts_whole_and_neutralise_formulas():
    frame = pd.DataFrame({"area": ["=HYPERLINK(1)", "-5", "Camden"], "rate": [1.234, None, 2.0], "n": [1.0, 2.0, 3.0]})
    text = csv_bytes(frame, counts=("n",)).decode()
    assert text.splitlines() == ["area,rate,n", "'=HYPERLINK(1),1.23,1", "-5,,2", "Camden,2.0,3"]
    assert is_formula("=1+1") and is_formula("@SUM(A1)") and not is_formula("-5") and not is_formula("Camden")


def test_change_bands_and_quintiles_state_their_numbers_and_follow_the_scheme_in_the_middle():
    layer = tilemap.change_layer("c", "Change", {"A": -20.0, "B": 0.0, "C": 7.5, "D": None})
    assert layer["values"]["A"] == ("-20.0%", "#2166ac", "#ffffff")
    assert layer["values"]["B"][1:] == ("var(--tile-neutral)", "var(--tile-neutral-text)")  # the page's grey
    assert layer["values"]["D"][1] == tilemap.NO_DATA[0]
    q = tilemap.quintile_layer("r", "Rate", {f"X{i}": float(i) for i in range(10)} | {"Y": None})
    assert [text for _, text in q["legend"]] == [
        "0.0 to 1.0",
        "2.0 to 3.0",
        "4.0 to 5.0",
        "6.0 to 7.0",
        "8.0 to 9.0",
        "no data",
    ]
    assert q["values"]["Y"][0] == "n/a"


def test_what_changed_names_fields_rows_and_values_between_quarters():
    old = {"name": "t", "schema": {"fields": [{"name": "k"}, {"name": "v", "type": "integer"}, {"name": "gone"}]}}
    new = {"name": "t", "schema": {"fields": [{"name": "k"}, {"name": "v", "type": "number"}, {"name": "new"}]}}
    assert sorted(c["change"] for c in compare.field_changes("p", new, old)) == [
        "field gone removed",
        "field new added",
        "field v type integer -> number",
    ]
    before = pd.DataFrame({"k": ["a", "b"], "v": ["1", "2"]})
    after = pd.DataFrame({"k": ["b", "c"], "v": ["3", "4"]})
    added, removed, revised = compare.row_changes("p", "t", before, after, ["k"], ["v"])
    assert (added, removed) == (1, 1)
    assert revised == [{"package": "p", "resource": "t", "key": "b", "field": "v", "old_value": "2", "new_value": "3"}]


def test_the_feed_carries_the_sites_name_and_id_newest_first():
    entries = [
        {"id": "x:1", "title": "Q1", "updated": "2025-01-01T00:00:00Z", "link": "/a", "summary": "s"},
        {"id": "x:2", "title": "Q2", "updated": "2025-04-01T00:00:00Z", "link": "/b", "summary": "t"},
    ]
    feed = ElementTree.fromstring(compare.atom_feed(entries, "https://e.org/", "2025-04-01T00:00:00Z", "Site", "x"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.find("a:title", ns).text == "Site: quarterly releases" and feed.find("a:id", ns).text == "x:releases"
    assert [e.find("a:id", ns).text for e in feed.findall("a:entry", ns)] == ["x:2", "x:1"]


def test_quarters_count_financial_years_and_settings_are_checked(tmp_path):
    q = Quarter.parse("2024Q4")
    assert (q.label, q.months[0], q.end_month, str(q.previous)) == ("2024/25 Q4", "2025-01", "2025-03", "2024Q3")
    assert q.year_earlier().twelve_months == "April 2023-March 2024"
    (tmp_path / "pyproject.toml").write_text('[tool.transparency]\nsite = { name = "Elsewhere" }\n')
    cfg = load_config(tmp_path)
    assert cfg.site["name"] == "Elsewhere" and cfg.site["licence"] == "Open Government Licence v3.0"  # merged
    (tmp_path / "pyproject.toml").write_text("[tool.transparency]\nsite_dir2 = 'x'\n")
    with pytest.raises(DataError, match="unknown setting"):
        load_config(tmp_path)
    with pytest.raises(DataError):
        load_config(tmp_path.parent, as_at="1999Q1")  # before the years the files can hold


def test_generated_pages_files_and_blocks_read_back_as_written(tmp_path):
    site = generated.Site(pages={"a/b.md": "# B\n"}, files={"a/b.csv": b"x\n"}, nav=[{"A": "a/b.md"}])
    site.blocks["a/b.md"] = {"html-1": "<p>1</p>"}
    generated.write(site, tmp_path)
    back = generated.read(tmp_path)
    assert (back.pages, back.files, back.nav, back.blocks) == (site.pages, site.files, site.nav, site.blocks)
    generated.link_files(["a/b.csv"], tmp_path, tmp_path / "out")
    assert (tmp_path / "out" / "a" / "b.csv").read_bytes() == b"x\n"


def test_a_second_build_stops_at_once_naming_the_first(tmp_path: Path):
    with lock.exclusive(tmp_path, "build"):
        with pytest.raises(EnvironmentProblem, match=r"another build, publish or import is running \(build, pid"):
            with lock.exclusive(tmp_path, "import-crime"):
                pass
    with lock.exclusive(tmp_path, "build"):  # released when the first finished
        pass


def test_the_milestone_summary_covers_every_update_however_many():
    from generator.pages.milestones import STATUSES, listed, status_summary

    assert [listed(["a"]), listed(["a", "b"]), listed(["a", "b", "c"])] == ["a", "a and b", "a, b and c"]

    # Test data, not MOPAC's: three updates where the real package has two.
    # Listed out of date order, as a hand-edited reports.csv may be; the summary leads with the latest.
    reports = pd.DataFrame(
        {
            "quarter": ["2017/18 Q4", "2017/18 Q1", "2018/19 Q2"],
            "period_end": ["2018-03-31", "2017-06-30", "2018-09-30"],
        },
        index=["b", "a", "c"],
    )
    counts = {k: [n + 1, 0, 0, n] for n, k in enumerate(["a", "b", "c"])}
    assert len(STATUSES) == 4
    assert status_summary(counts, reports) == (
        "Of 5 milestones in the 2018/19 Q2 update, 3 are stated as delivered and 2 have no stated status; "
        "of 3 milestones in the 2017/18 Q4 update, 2 are stated as delivered and 1 have no stated status; "
        "of 1 milestones in the 2017/18 Q1 update, 1 are stated as delivered and 0 have no stated status."
    )
    assert status_summary({}, reports.iloc[0:0]) == "No update reports any milestone."


def test_finance_rows_are_read_by_quarter_and_the_latest_quarter_leads():
    from generator import finance

    rows = pd.DataFrame(
        {
            "financial_year": ["2017/18", "2017/18", "2016/17"],
            "quarter": [2, 1, 4],
            "line_item": ["TOTAL NET EXPENDITURE"] * 3,
            "value": [3.0, 2.0, 1.0],
        }
    )
    assert [str(q) for q in finance.quarters(rows)] == ["2016Q4", "2017Q1", "2017Q2"]  # financial years in order
    assert finance.latest(rows).value.tolist() == [3.0]
    reserves = pd.DataFrame({"report_period": ["2017/18 Q1", "2017/18 Q2"], "closing_balance": [1.0, 2.0]})
    assert finance.latest(reserves).closing_balance.tolist() == [2.0]
