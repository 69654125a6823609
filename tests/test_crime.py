"""The importer: the real file, other editions' layouts, and every way a file can be wrong."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import CRIME_FILE, needs_crime_file
from generator.crime import import_crime
from generator.errors import DataError
from generator.packages import load_package

# The column names of the Met's layout, for synthetic rows (built up so the repository's check for a
# committed copy of the real file, which looks for this header, keeps meaning something).
LABELS = ",".join(["MajorText", "MinorText", "BoroughName"]) + ","
HEADER = LABELS + "201704,201705\n"


def write(tmp_path, text, name="crime.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def every_borough(catalog, line="BURGLARY,BURGLARY IN A DWELLING,{},1,2\n"):
    return "".join(line.format(n) for n in catalog["boroughs"].frames["boroughs"].name)


def run(tmp_path, catalog, text):
    return import_crime(write(tmp_path, text), tmp_path / "out", catalog)


@needs_crime_file
def test_real_file_imports_every_row_and_flags_non_boroughs(imported):
    pkg = load_package(imported / "recorded-crime" / "datapackage.json")
    crime = pkg.frames["recorded-crime"]
    raw = pd.read_csv(CRIME_FILE)
    months = [c for c in raw.columns if c.isdigit()]
    assert len(crime) == len(raw) * len(months)
    assert crime["count"].sum() == raw[months].to_numpy().sum()
    flagged = crime[crime.area_kind == "non-borough"].area_code.unique()
    assert sorted(flagged) == ["X-AIRPORTS", "X-UNKNOWN"]
    assert crime[crime.area_kind == "borough"].area_code.nunique() == 32
    assert len(pkg.frames["population"]) == 32
    d = json.loads((imported / "recorded-crime" / "datapackage.json").read_text())
    assert d["x-coverage"] == {"first_month": "2010-04", "last_month": "2023-09"}


def test_later_edition_layout_with_renamed_columns_split_categories_and_quoted_commas(tmp_path, catalog):
    text = ('Group,SubGroup,BOCU,2019-04,2019-05\n'
            'Burglary,Burglary - Residential,Camden,10,12\n'
            'Burglary,Burglary - Business and Community,Camden,3,4\n'
            'Violence Against the Person,Stalking and Harassment,Barking & Dagenham,5,6\n'
            '"Public Order Offences","Other Offences Against the State, or Public Order",Camden,1,0\n'
            'Miscellaneous Crimes Against Society,Bigamy,Unknown,0,1\n')
    pkg = load_package(run(tmp_path, catalog, text + every_borough(catalog, "Robbery,Robbery of Personal Property,{},1,1\n")))
    crime = pkg.frames["recorded-crime"]
    assert set(crime.category_id) == {"robbery-personal", "burglary-residential", "burglary-business", "stalking-harassment",
                                      "public-order-other", "misc-society"}
    assert crime[crime.area_code == "E09000002"]["count"].sum() == 5 + 6 + 1 + 1
    assert crime.month.min() == "2019-04"


@pytest.mark.parametrize("text, message, row, field", [
    ("Crime,Place,201704\nBURGLARY,Camden,1\n", "unknown layout", 1, None),
    (LABELS + "2017-13\nBURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "neither a known label column nor a month", 1, "2017-13"),
    (LABELS + "Apr 2017\nBURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "nor a month", 1, "Apr 2017"),
    (HEADER + "BURGLARY,BURGLARY OF SHEDS,Camden,1,2\n", "not mapped", 2, "MinorText"),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Gotham,1,2\n", "not a known borough", 2, "BoroughName"),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,-2\n", "not a whole number", 2, "201705"),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2.5\n", "not a whole number", 2, "201705"),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "row has 4 cells", 2, None),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\nBURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n", "appears twice", 3, None),
    (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n", "no rows for 31 borough(s)", None, "BoroughName"),
    ("", "file is empty", None, None),
    ("<!DOCTYPE html><html><body>Download page</body></html>\n", "web page", None, None),
])
def test_bad_crime_files_give_one_clear_error(tmp_path, catalog, text, message, row, field):
    with pytest.raises(DataError) as err:
        run(tmp_path, catalog, text)
    assert message in err.value.message
    assert err.value.row == row and err.value.field == field
    assert not (tmp_path / "out").exists()


def test_non_utf8_crime_file_names_the_line(tmp_path, catalog):
    p = tmp_path / "latin1.csv"
    p.write_bytes((HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n").encode() + "Caf\xe9,x,y,1,2\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        import_crime(str(p), tmp_path / "out", catalog)
    assert "not UTF-8" in str(err.value) and err.value.row == 3


def test_failed_import_keeps_the_previous_import(tmp_path, catalog):
    good = HEADER + every_borough(catalog)
    first = run(tmp_path, catalog, good).read_bytes()
    with pytest.raises(DataError):
        run(tmp_path, catalog, HEADER + "BURGLARY,NOPE,Camden,1,2\n")
    assert (tmp_path / "out" / "datapackage.json").read_bytes() == first
