"""The importer: the real file, other editions' layouts, and every way a file can be wrong."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from conftest import CRIME_FILE, EDITIONS, REPO, ROLES, SHARED

from generator import areas
from generator.crime import Definitions, import_crime, read_population
from generator.errors import DataError, DataErrors
from generator.packages import load_catalog, load_package

# The column names of the Met's layout, for synthetic rows (built up so the repository's check for a
# committed copy of the real file, which looks for this header, keeps meaning something).
LABELS = ",".join(["MajorText", "MinorText", "BoroughName"]) + ","
HEADER = LABELS + "201704,201705\n"


def write(tmp_path, text, name="crime.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def every_borough(catalog, line="BURGLARY,BURGLARY IN A DWELLING,{},1,2\n"):
    return "".join(line.format(n) for n in areas.at_level(catalog, "borough").name)


def run(tmp_path, catalog, text):
    return import_crime(tmp_path / "out", catalog, write(tmp_path, text))[0]


def test_real_file_imports_every_row_and_flags_non_boroughs(imported, validated):
    pkg = load_package(imported / "recorded-crime" / "datapackage.json", cache=validated)  # validated by the import
    crime = pkg.frames["recorded-crime"]
    raw = pd.read_csv(CRIME_FILE)
    months = [c for c in raw.columns if c.isdigit()]
    assert len(crime) == len(raw) * len(months)
    assert crime["count"].sum() == raw[months].to_numpy().sum()
    flagged = crime[crime.area_kind == "non-borough"].area_code.unique()
    assert sorted(flagged) == ["X-AIRPORTS", "X-UNKNOWN"]
    assert crime[crime.area_kind == "borough"].area_code.nunique() == 32
    assert len(pkg.frames["population"]) == 32 and set(pkg.frames["population"].year) == {2019}
    d = json.loads((imported / "recorded-crime" / "datapackage.json").read_text())
    assert d["x-coverage"] == {
        "first_month": "2010-04",
        "last_month": "2023-09",
        "incomplete_months": [],
        "incomplete_counts": {},
        "typical_month": 66988,
        "incomplete_share": 0.2,
        "level": "borough",
    }
    # every tidy row points back at its source row, whose labels it carries
    row = crime.iloc[12345]
    label = pkg.frames["edition-labels"].set_index("label_id").loc[row.label_id]
    source = raw.iloc[int(row.source_row) - 2]
    assert (source.MajorText, source.MinorText) == (label.major_category, label.minor_category)
    assert source[row.month.replace("-", "")] == row["count"]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDITIONS))
def test_every_shared_edition_imports_every_count(tmp_path, catalog, name):
    path = SHARED / name
    pkg = load_package(import_crime(tmp_path / "out", catalog, str(path))[0])
    crime, labels = pkg.frames["recorded-crime"], pkg.frames["edition-labels"]
    raw = pd.read_csv(path)
    months = [c for c in raw.columns if c.isdigit()]
    assert crime["count"].sum() == raw[months].to_numpy().sum()
    assert len(labels) == len(raw[["MajorText", "MinorText"]].drop_duplicates())
    assert crime[crime.area_kind == "borough"].area_code.nunique() == 32
    if "WardCode" in raw.columns:
        assert len(pkg.frames["wards"]) == raw.WardCode.nunique() == 679
        # the first month holds a few dozen offences: kept in the package, left out of the coverage
        assert pkg.descriptor["x-coverage"]["incomplete_months"] == ["2024-03"]
        assert pkg.descriptor["x-coverage"]["first_month"] == "2024-04"
        assert pkg.descriptor["x-coverage"]["incomplete_counts"] == {"2024-03": 47}
        edition = pkg.descriptor["sources"][0]["edition"]
        assert "March 2024 (47 offences), under 20% of a typical month's 74,216 offences" in edition


def test_labels_match_ignoring_case_spacing_and_punctuation(tmp_path, catalog):
    text = HEADER + "burglary,Burglary  in a dwelling.,Camden,1,2\n" + every_borough(catalog)
    labels = load_package(run(tmp_path, catalog, text)).frames["edition-labels"]
    assert set(labels.category_id) == {"burglary-residential"}
    assert set(labels.matched_by) == {"exact"}


def test_a_label_cut_at_the_files_fixed_width_matches_the_label_it_starts(tmp_path, catalog):
    full = "Racially or Religiously Aggravated Public Fear, Alarm or Distress"
    cut = full[:40]
    other = "Other Offences Against the State, or Pub"  # also cut at 40: every long label of the file is
    text = (
        HEADER
        + f'Public Order Offences,"{cut}",Camden,1,2\n'
        + f'Public Order Offences,"{other}",Camden,1,2\n'
        + every_borough(catalog)
    )
    labels = load_package(run(tmp_path, catalog, text)).frames["edition-labels"].set_index("minor_category")
    assert labels.loc[cut, "category_id"] == "public-order-race-religion"
    assert labels.loc[other, "category_id"] == "public-order-other"
    assert labels.loc[cut, "matched_by"] == "label cut at the file's fixed width"


def test_a_short_label_is_never_taken_for_a_cut_one(tmp_path, catalog):
    # "THEFT" starts "THEFT FROM THE PERSON", but a label shorter than the file's width was not cut.
    text = HEADER + "THEFT,THEFT,Camden,1,2\n" + every_borough(catalog)
    with pytest.raises(DataError) as err:
        run(tmp_path, catalog, text)
    assert "'THEFT / THEFT' is not mapped" in str(err.value)


def test_every_unknown_label_is_listed_at_once_with_the_row_to_add(tmp_path, catalog):
    text = (
        HEADER
        + "BURGLARY,BURGLARY OF SHEDS,Camden,1,2\n"
        + "Theft,Theft from the persons,Camden,1,2\n"
        + "NEW MAJOR,SOMETHING ELSE,Camden,1,2\n"
        + "BURGLARY,BURGLARY OF SHEDS,Barnet,1,2\n"
        + every_borough(catalog)
    )
    with pytest.raises(DataErrors) as err:
        run(tmp_path, catalog, text)
    report = str(err.value)
    assert len(err.value.problems) == 3  # one per unknown label, however many rows carry it
    assert "category-map.csv: BURGLARY,BURGLARY OF SHEDS,burglary-residential," in report and "(2 row(s))" in report
    assert "Theft,Theft from the persons,theft-person, (likely theft-person)" in report
    assert "NEW MAJOR,SOMETHING ELSE,CATEGORY_ID," in report
    assert [p.row for p in err.value.problems] == [2, 3, 4]


def test_one_edit_fixes_one_run(tmp_path, catalog):
    """The rows the report gives, added to category-map.csv, make the same file import."""
    pkgs = shutil.copytree(REPO / "datapackages", tmp_path / "datapackages")
    text = (
        HEADER
        + "BURGLARY,BURGLARY OF SHEDS,Camden,1,2\nTheft,Theft from the persons,Camden,1,2\n"
        + every_borough(catalog)
    )
    with pytest.raises(DataErrors) as err:
        run(tmp_path, catalog, text)
    rows = [re.search(r"category-map.csv: (.*?,)( \(likely|$)", p.message).group(1) for p in err.value.problems]
    rows = [r.replace("CATEGORY_ID", "burglary-business") for r in rows]
    with open(pkgs / "indicator-definitions" / "category-map.csv", "a", encoding="utf-8") as f:
        f.write("".join(r + "\n" for r in rows))
    fixed = load_catalog(pkgs, roles=ROLES)
    assert (
        load_package(import_crime(tmp_path / "again", fixed, write(tmp_path, text))[0]).frames["recorded-crime"]
        is not None
    )


def test_unknown_columns_and_months_are_all_reported_from_the_header(tmp_path, catalog):
    text = (
        "MajorText,MinorText,Borough Name X,Notes,201704,199912,201713\nBURGLARY,BURGLARY IN A DWELLING,Camden,,1,2,3\n"
    )
    with pytest.raises(DataErrors) as err:
        run(tmp_path, catalog, text)
    fields = [p.field for p in err.value.problems]
    assert fields[:4] == ["Borough Name X", "Notes", "199912", "201713"]
    assert "column-aliases.csv: Notes,ROLE," in str(err.value)
    assert "no column for borough" in str(err.value)


def test_a_month_missing_from_the_middle_stops_the_import_naming_it(tmp_path, catalog):
    text = LABELS + "201704,201705,201707\n" + every_borough(catalog, "BURGLARY,BURGLARY IN A DWELLING,{},1,2,3\n")
    with pytest.raises(DataError) as err:
        run(tmp_path, catalog, text)
    assert "2017-06" in err.value.message and "missing" in err.value.message


def test_an_incomplete_month_inside_the_file_stops_the_import(tmp_path, catalog):
    text = LABELS + "201704,201705,201706\n" + every_borough(catalog, "BURGLARY,BURGLARY IN A DWELLING,{},100,0,100\n")
    with pytest.raises(DataError) as err:
        run(tmp_path, catalog, text)
    assert "2017-05" in err.value.message and "incomplete" in err.value.message


def test_ward_files_keep_wards_and_their_borough(tmp_path, catalog):
    header = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202404,202405\n"
    rows = "".join(
        f"ROBBERY,ROBBERY OF PERSONAL PROPERTY,Ward {i},E0500000{i:02d},{n},1,2\n"
        for i, n in enumerate(areas.at_level(catalog, "borough").name)
    )
    rows += "ROBBERY,ROBBERY OF PERSONAL PROPERTY,Heathrow Villages,E05013570,Aviation Security (SO18),3,4\n"
    pkg = load_package(run(tmp_path, catalog, header + rows))
    wards = pkg.frames["wards"].set_index("ward_code")
    assert len(wards) == 33 and wards.loc["E05013570", "area_code"] == "X-AIRPORTS"
    crime = pkg.frames["recorded-crime"]
    assert crime[crime.ward_code == "E05013570"].area_kind.unique().tolist() == ["non-borough"]


def test_population_years_and_a_missing_borough(tmp_path, catalog):
    names = list(areas.at_level(catalog, "borough").name)
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "borough,year,population\n"
        + "".join(f"{n},{y},{1000 + y}\n" for y in (2016, 2017) for n in names)
        + "City of London,2017,8000\n"
    )
    defs = Definitions.from_catalog(catalog)
    frame, unused = read_population(pop, defs)
    assert sorted(frame.year.unique()) == [2016, 2017] and len(frame) == 64 and unused == ["City of London"]
    pop.write_text("borough,population\n" + "".join(f"{n},1000\n" for n in names[1:]))
    with pytest.raises(DataError) as err:
        read_population(pop, defs)
    assert "add a 'year' column or pass --population-year" in err.value.message
    with pytest.raises(DataError) as err:
        read_population(pop, defs, 2019)
    assert f"no 2019 population for 1 borough(s): {names[0]}" in err.value.message


@pytest.mark.parametrize(
    "text, message, row, field",
    [
        ("Crime,Place,201704\nBURGLARY,Camden,1\n", "neither a known label column nor a month", 1, "Crime"),
        (LABELS + "2017-13\nBURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "not a month of the year", 1, "2017-13"),
        (LABELS + "Apr 2017\nBURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "nor a month", 1, "Apr 2017"),
        (HEADER + "BURGLARY,BURGLARY OF SHEDS,Camden,1,2\n", "not mapped", 2, "MinorText"),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Gotham,1,2\n", "not a known borough", 2, "BoroughName"),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,-2\n", "not a whole number", 2, "201705"),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2.5\n", "not a whole number", 2, "201705"),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1\n", "row has 4 cells", 2, None),
        (
            HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\nBURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n",
            "appears again on row(s) 3",
            2,
            None,
        ),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,\uff12\n", "not a whole number", 2, "201705"),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,99999999999\n", "not a whole number", 2, "201705"),
        (
            "MajorText,MinorText,BoroughName,1850-01\nBURGLARY,BURGLARY IN A DWELLING,Camden,1\n",
            "before 2000",
            1,
            "1850-01",
        ),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\x00\n", "NUL byte", 2, None),
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n", "no rows for 31 borough(s)", None, "BoroughName"),
        ("", "file is empty", None, None),
        ("<!DOCTYPE html><html><body>Download page</body></html>\n", "web page", None, None),
    ],
)
def test_bad_crime_files_give_one_clear_error(tmp_path, catalog, text, message, row, field):
    with pytest.raises(DataError) as err:
        run(tmp_path, catalog, text)
    assert message in err.value.message
    assert err.value.row == row and err.value.field == field
    assert not (tmp_path / "out").exists()


def test_non_utf8_crime_file_names_the_line(tmp_path, catalog):
    p = tmp_path / "latin1.csv"
    p.write_bytes(
        (HEADER + "BURGLARY,BURGLARY IN A DWELLING,Camden,1,2\n").encode() + "Caf\xe9,x,y,1,2\n".encode("latin-1")
    )
    with pytest.raises(DataError) as err:
        import_crime(tmp_path / "out", catalog, str(p))
    assert "not UTF-8" in str(err.value) and err.value.row == 3


def test_failed_import_keeps_the_previous_import(tmp_path, catalog):
    good = HEADER + every_borough(catalog)
    first = run(tmp_path, catalog, good).read_bytes()
    with pytest.raises(DataError):
        run(tmp_path, catalog, HEADER + "BURGLARY,NOPE,Camden,1,2\n")
    assert (tmp_path / "out" / "recorded-crime" / "datapackage.json").read_bytes() == first
