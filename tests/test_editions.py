"""Every real edition in the shared folder imports and builds, for its latest quarter and the default one."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import EDITIONS, POPULATION_FILE, REPO, ROLES, SHARED, config_for, run_cli

from generator.crime import import_crime
from generator.errors import DataError
from generator.periods import Quarter
from generator.site import build

pytestmark = pytest.mark.build


def text_of(page) -> str:
    raw = re.sub(r"<template.*?</template>", "", page.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


@pytest.fixture(scope="module", params=list(EDITIONS))
def edition(request, tmp_path_factory, catalog):
    path = SHARED / request.param
    tmp = tmp_path_factory.mktemp("edition")
    import_crime(tmp / "imported", catalog, str(path), population=str(POPULATION_FILE), population_year=2019)
    return request.param, tmp


def test_each_edition_builds_for_its_latest_quarter(edition):
    name, tmp = edition
    report = build(config_for(tmp / "latest", imported=tmp / "imported", as_at="latest"))
    assert str(report.as_at) == EDITIONS[name] and report.crime_included
    camden = text_of(tmp / "latest" / "site" / "boroughs" / "camden" / "index.html")
    q = report.as_at
    assert f"Open data: {q.span} against {q.year_earlier().span}" in camden
    assert f"Offences, {q.twelve_months}" in camden
    assert "mid-2019 resident population" in camden  # every rate names its population and year
    assert f"(file {name}, data " in camden  # the page names the edition it was built from


def test_each_edition_builds_at_the_default_quarter_or_refuses_it_naming_its_coverage(edition):
    name, tmp = edition
    cfg = config_for(tmp / "default", imported=tmp / "imported", as_at=Quarter.parse("2017Q1"))
    first = json.loads((tmp / "imported" / "recorded-crime" / "datapackage.json").read_text())["x-coverage"][
        "first_month"
    ]
    if first > "2016-07":  # a 12-month change to June 2017 needs July 2015 on; the ward file starts in 2024
        with pytest.raises(DataError) as err:
            build(cfg)
        assert (
            "is not covered by the recorded-crime data, which runs from April 2024 to March 2026" in err.value.message
        )
        assert not (tmp / "default" / "site").exists()
    else:
        assert build(cfg).crime_included


def test_a_build_for_another_quarter_keeps_the_printed_figures_apart(tmp_path, imported):
    report = build(config_for(tmp_path, imported=imported, as_at=Quarter.parse("2017Q2")))
    assert str(report.as_at) == "2017Q2"
    camden = text_of(tmp_path / "site" / "boroughs" / "camden" / "index.html")
    assert "Open data: July-September 2017 against July-September 2016" in camden
    assert (
        "Latest published figure (2017/18 Q1): April-June 2017 against April-June 2016, as MOPAC printed it" in camden
    )
    row = re.search(r"Local priority 2 Theft from the person (\S+) (\S+)", camden)
    assert row.group(2) == "+277%" and row.group(1) != "+272.5%"  # Q2 open data beside the printed Q1 figure
    home = text_of(tmp_path / "site" / "index.html")
    assert "As MOPAC printed it for 2017/18 Q1: recorded crime, July 2016-June 2017" in home
    assert "From MOPAC's 2017/18 Q1 quarterly report" in home
    recon = (tmp_path / "site" / "quality" / "reconciliation-local-priorities.csv").read_text()
    assert "April-June 2017 against April-June 2016" in recon and "July-September" not in recon
    camden_tfp = [line for line in recon.splitlines() if line.startswith("E09000007,2,")][0]
    assert ",277.0,272.48" in camden_tfp  # the open data for April-June 2017, as in a build for 2017Q1


def test_cli_builds_latest_and_refuses_an_uncovered_quarter(tmp_path, imported):
    base = [
        "build",
        "--imported",
        str(imported),
        "--site-dir",
        str(tmp_path / "site"),
        "--generated",
        str(tmp_path / "gen"),
    ]
    out = run_cli(*base, "--as-at", "2031Q1")
    assert out.returncode == 2 and "April 2010 to September 2023" in out.stderr and "Traceback" not in out.stderr
    out = run_cli(*base, "--as-at", "latest")
    assert out.returncode == 0 and "as at 2023/24 Q2" in out.stdout


# The Met's classification before 2019, in the layout of its older borough files: 'Borough, Major Category, Minor
# Category' and title-case labels. No such edition is in the shared folder, so the labels (as public copies of those
# files print them) are written here with made-up counts; motor vehicle interference falls to nothing from 2017, as
# it does where such a file counts it inside another category.
PRE_2019 = {
    "Burglary": ["Burglary in a Dwelling", "Burglary in Other Buildings"],
    "Criminal Damage": [
        "Criminal Damage To Dwelling",
        "Criminal Damage To Motor Vehicle",
        "Criminal Damage To Other Building",
        "Other Criminal Damage",
    ],
    "Drugs": ["Drug Trafficking", "Other Drugs", "Possession Of Drugs"],
    "Fraud or Forgery": ["Counted per Victim", "Other Fraud & Forgery"],
    "Other Notifiable Offences": ["Going Equipped", "Other Notifiable"],
    "Robbery": ["Business Property", "Personal Property"],
    "Sexual Offences": ["Other Sexual", "Rape"],
    "Theft and Handling": [
        "Handling Stolen Goods",
        "Motor Vehicle Interference & Tampering",
        "Other Theft",
        "Theft Person",
        "Theft From Motor Vehicle",
        "Theft From Shops",
        "Theft/Taking Of Motor Vehicle",
        "Theft/Taking of Pedal Cycle",
    ],
    "Violence Against the Person": [
        "Assault with Injury",
        "Common Assault",
        "Grievous Bodily Harm",
        "Harassment",
        "Murder",
        "Offensive Weapon",
        "Other violence",
    ],
}


def pre_2019_file(path, catalog):
    from generator import areas

    months = [f"{y}{m:02d}" for y in (2015, 2016, 2017, 2018) for m in range(1, 13)]
    lines = ["Borough,Major Category,Minor Category," + ",".join(months)]
    for i, borough in enumerate(areas.at_level(catalog, "borough").name):
        for major, minors in PRE_2019.items():
            for j, minor in enumerate(minors):
                counts = [
                    0 if "Interference" in minor and m >= "201701" else 10 + (i + j + k) % 7
                    for k, m in enumerate(months)
                ]
                lines.append(f'{borough},{major},"{minor}",' + ",".join(map(str, counts)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_pre_2019_layout_imports_and_builds(tmp_path, catalog):
    source = pre_2019_file(tmp_path / "pre-2019.csv", catalog)
    import_crime(tmp_path / "imported", catalog, str(source))
    report = build(config_for(tmp_path, imported=tmp_path / "imported", as_at="latest"))
    assert str(report.as_at) == "2018Q3" and report.crime_included
    labels = json.loads((tmp_path / "imported" / "recorded-crime" / "datapackage.json").read_text())
    assert labels["x-coverage"]["first_month"] == "2015-01"
    camden = text_of(tmp_path / "site" / "boroughs" / "camden" / "index.html")
    assert "Crime now" in camden and "offences recorded in Camden" in camden
    theft = text_of(tmp_path / "site" / "crimes" / "theft" / "index.html")
    assert "Camden" in theft
    # The breaks this edition shows: harassment inside violence (its labels), vehicle interference gone (its counts).
    violence = text_of(tmp_path / "site" / "crimes" / "violence-against-the-person" / "index.html")
    assert "the Met's classification before 2019" in violence
    interference = text_of(tmp_path / "site" / "crimes" / "interfering-mv" / "index.html")
    assert "records no offences of interfering with a motor vehicle from January 2017" in interference
    assert "straddles" not in interference  # the change to December 2018 compares two years after the break
    report = build(config_for(tmp_path / "q", imported=tmp_path / "imported", as_at=Quarter.parse("2017Q3")))
    interference = text_of(tmp_path / "q" / "site" / "crimes" / "interfering-mv" / "index.html")
    assert "The change on January 2016-December 2016 straddles it." in interference
    assert "†" in text_of(tmp_path / "q" / "site" / "boroughs" / "camden" / "index.html")


def test_each_edition_names_the_breaks_its_labels_show(edition):
    from generator import breaks
    from generator.packages import load_catalog

    name, tmp = edition
    found = breaks.edition_breaks(load_catalog(REPO / "datapackages", tmp / "imported", roles=ROLES))
    expected = "stalking-apart" if "Ward" in name else "stalking-inside-vwoi"
    assert set(found.category_id) == ({"stalking-harassment", "vwoi"} if "Ward" in name else {"vwoi"})
    table = load_catalog(REPO / "datapackages", roles=ROLES).role("definitions").frames["category-breaks"]
    assert table.set_index("break_id").loc[expected, "note"] in found.note.tolist()
