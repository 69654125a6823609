"""Every crime, every place: crime pages, every crime type on borough pages, ward pages, citations."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import config_for, copy_packages, run_cli

from generator.pages import registry  # noqa: F401  (the page types under test)
from generator.site import build


def text(path) -> str:
    raw = re.sub(r"<template.*?</template>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))


def test_a_page_per_crime_group_and_category_with_every_borough(built_site, catalog):
    site = built_site[0]
    categories = catalog["indicator-definitions"].frames["categories"]
    pages = sorted(p.parent.name for p in (site / "crimes").glob("*/index.html"))
    assert "burglary" in pages and "burglary-residential" in pages and "shoplifting" in pages
    assert "possession-of-weapons" in pages  # a group of one category: one page, the group's
    for slug in ("burglary", "shoplifting"):
        table = pd.read_csv(site / "crimes" / slug / "boroughs.csv")
        assert len(table) == 32 and table["rank"].notna().all()
        assert set(table["rank"]) == set(range(1, 33)) or table["rank"].max() <= 32
        assert {"twelve_months", "population", "rate_per_1000"} <= set(table.columns)
    # every canonical category present in the 2023 edition has a page or is its group's page
    assert len(pages) >= len(categories) - 3


def test_a_journalist_reaches_a_borough_crime_figure_in_two_clicks_with_its_csv(built_site):
    site = built_site[0]
    home = (site / "index.html").read_text()
    assert 'href="crimes/burglary/"' in home  # click 1: from the home map's list of crimes
    crime = text(site / "crimes" / "burglary" / "index.html")
    camden = pd.read_csv(site / "crimes" / "burglary" / "boroughs.csv").set_index("borough").loc["Camden"]
    assert f"Camden {int(camden.rolling_12m):,}" in crime  # click 2 lands on Camden's figure, beside its CSV
    borough = (site / "boroughs" / "camden" / "index.html").read_text()
    assert 'href="../../crimes/burglary/"' in borough and 'href="crime-types.csv"' in borough


def test_borough_pages_show_every_crime_type_beside_the_peer_group_and_london(built_site):
    site = built_site[0]
    types = pd.read_csv(site / "boroughs" / "camden" / "crime-types.csv")
    assert {"group", "category"} == set(types.kind)
    assert types.peer_group.iloc[0] == "Inner London"
    assert types.peer_group_rate_per_1000.notna().all() and types.london_rate_per_1000.notna().all()
    assert "Every crime type" in text(site / "boroughs" / "camden" / "index.html")


def test_every_chart_has_a_citation_a_permalink_and_metadata_beside_its_csv(built_site):
    site = built_site[0]
    metas = list(site.rglob("*.metadata.json"))
    assert len(metas) > 100
    for path in metas:
        meta = json.loads(path.read_text())
        assert {"title", "source", "period", "unit", "licence", "citation", "permalink", "csv"} <= set(meta)
        chart_id = path.name.removesuffix(".metadata.json")
        assert (path.parent / f"{chart_id}.csv").is_file()
        assert meta["permalink"].endswith(f"#figure-{chart_id}") and meta["permalink"] in meta["citation"]
        assert meta["citation"].count("Open Government Licence") == 1 and "Accessed 20" in meta["citation"]
        assert meta["bibtex"].startswith("@misc{") and meta["bibtex"].count("{") == meta["bibtex"].count("}")
        assert meta["ris"].startswith("TY  - DATA") and meta["ris"].endswith("ER  - ")
        assert list(pd.read_csv(path.parent / f"{chart_id}.csv").columns) == meta["columns"]
        html = (path.parent / "index.html").read_text()
        assert f'id="figure-{chart_id}"' in html and "Cite this chart" in html


def test_glossary_explains_the_terms_and_every_crime_group(built_site):
    page = text(built_site[0] / "glossary" / "index.html")
    for term in ("Notifiable offence", "Rate per 1,000 residents", "Rolling 12 months", "LCPF", "BCU", "Peer group"):
        assert term in page
    assert "Violence against the person" in page and "Stalking and harassment" in page


def test_ward_pages_from_the_real_ward_file(ward_site):
    site, report, _ = ward_site
    pages = list((site / "wards").glob("*/index.html"))
    assert len(pages) == 679
    biggest = max(p.stat().st_size for p in pages)
    assert biggest <= 60_000, biggest
    heathrow = text(site / "wards" / "heathrow-villages" / "index.html")
    assert "places this ward in no borough" in heathrow  # a ward outside the boroughs, handled explicitly
    groups = pd.read_csv(site / "wards" / "heathrow-villages" / "crime-groups.csv")
    assert groups.type_id.iloc[0] == "total" and groups.rank_in_area.notna().all()
    borough = (site / "boroughs" / "camden" / "index.html").read_text()
    camden_wards = pd.read_csv(site / "boroughs" / "camden" / "wards.csv")
    assert len(camden_wards) >= 15 and sorted(camden_wards.rank_in_area)[0] == 1
    some = camden_wards.ward_name.iloc[0]
    assert some in borough
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert any(d["title"] == f"{some}, Camden" for d in index["docs"])  # search finds a ward, named with its borough
    titles = [d["title"] for d in index["docs"] if "#" not in d["location"]]
    assert len(titles) == len(set(titles)), "every page has a title of its own (20 ward names are shared)"


def test_the_navigation_lists_sections_never_every_ward(ward_site):
    nav = (ward_site[0].parent / "build" / "generated" / ".nav.json").read_text()
    assert '"wards/index.md"' in nav and len(re.findall(r'"wards/[^"]+\.md"', nav)) == 1
    # ... so a page does not grow with the number of wards: a borough page's navigation is the same size with them
    assert (ward_site[0] / "crimes" / "index.html").stat().st_size < 60_000


def test_every_ward_is_ranked_by_every_crime_group_in_its_borough_and_london(ward_site):
    site = ward_site[0]
    westminster = pd.read_csv(site / "boroughs" / "westminster" / "wards-by-crime.csv")
    robbery = westminster[westminster.crime_group == "Robbery"].set_index("ward_name")
    assert robbery.loc["West End", "rolling_12m"] == 1293  # April 2025-March 2026, recomputed from the file
    assert robbery.loc["West End", "rank_in_area"] == 1 and robbery.loc["West End", "rank_in_london"] == 1
    assert set(westminster.wards_in_area) == {18} and len(robbery) == 18  # every ward, none left out
    london = pd.read_csv(site / "crimes" / "robbery" / "wards.csv")
    assert len(london) == 679 and london.ward_name.iloc[0] == "West End"
    assert list(london.rank_in_london) == sorted(london.rank_in_london)
    # ranks count every ward, zero counts included: each group lists every ward once, ranks from 1
    camden = pd.read_csv(site / "boroughs" / "camden" / "wards-by-crime.csv")
    per_group = camden.groupby("crime_group")
    assert (per_group.ward_code.nunique() == camden.wards_in_area.iloc[0]).all()
    assert (per_group.rank_in_area.min() == 1).all() and (camden.rolling_12m == 0).any()
    page = text(site / "crimes" / "robbery" / "index.html")
    assert "Wards with the most robbery" in page and "West End" in page
    ward = text(site / "wards" / "west-end" / "index.html")
    assert "Rank among London's wards" in ward and "Ranked 1 of 18 wards in Westminster" in ward


def test_tied_ranks_are_marked(ward_site):
    site = ward_site[0]
    ranks = pd.read_csv(site / "crimes" / "possession-of-weapons" / "wards.csv")
    tied = ranks[ranks.duplicated("rank_in_london", keep=False)]
    assert not tied.empty
    page = (site / "crimes" / "possession-of-weapons" / "index.html").read_text()
    shared = int(tied.rank_in_london.iloc[0])
    if shared <= 20:
        assert f"<td>={shared}</td>" in page


def test_the_boundaries_package_is_made_again_byte_for_byte_from_the_ons_files(tmp_path):
    from conftest import REPO, SHARED

    from generator import boundaries

    boundaries.make(SHARED.parent / "boundaries", tmp_path / "boundaries")
    for name in ("areas.csv", "datapackage.json"):
        assert (tmp_path / "boundaries" / name).read_bytes() == (
            REPO / "datapackages" / "boundaries" / name
        ).read_bytes()
    areas = pd.read_csv(tmp_path / "boundaries" / "areas.csv")
    assert (areas.level == "ward").sum() == 679 and (areas.level == "borough").sum() == 33
    heathrow = areas.set_index("area_code").loc["E05013570"]
    assert heathrow.parent_code == "E09000017"  # in Hillingdon by geometry, though the Met's file places it nowhere


def test_maps_are_svg_in_the_page_with_a_named_link_for_every_area(ward_site):
    site = ward_site[0]
    crime = (site / "crimes" / "robbery" / "index.html").read_text()
    svg = re.search(r'<svg class="area-map-svg".*?</svg>', crime, re.S).group(0)
    links = re.findall(r'<a xlink:href="[^"]+" role="link" aria-label="([^"]+)"', svg)
    assert len(links) == 32 and any(label.startswith("Westminster: ") for label in links)
    assert "Key: Robbery: offences per 1,000 residents" in crime
    camden = (site / "boroughs" / "camden" / "index.html").read_text()
    ward_links = re.findall(
        r'<a xlink:href="\.\./\.\./wards/[^"]+" role="link" aria-label="', camden.split('class="area-map-svg"')[1]
    )
    assert len(ward_links) == len(pd.read_csv(site / "boroughs" / "camden" / "wards.csv"))
    heathrow = (site / "wards" / "heathrow-villages" / "index.html").read_text()
    assert "Where Heathrow Villages lies in Hillingdon" in heathrow
    assert "<script" not in svg and "http" not in svg  # nothing fetched, nothing run


def set_folders(packages, **folders) -> None:
    """Give levels in a copy of areas/levels.csv other folders, e.g. borough="districts"."""
    path = packages / "areas" / "levels.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["folder"] = [folders.get(level, f) for level, f in zip(frame.level, frame.folder, strict=True)]
    frame.to_csv(path, index=False)


@pytest.mark.build
def test_a_levels_folder_in_levels_csv_moves_its_pages_links_and_downloads(tmp_path, imported):
    packages = copy_packages(tmp_path / "datapackages")
    set_folders(packages, borough="districts", ward="neighbourhoods")
    cfg = config_for(tmp_path, datapackages=packages, imported=imported)
    build(cfg)
    site = cfg.site_dir
    assert (site / "districts" / "camden" / "index.html").exists() and (site / "districts" / "index.html").exists()
    assert (site / "districts" / "camden" / "trends.csv").exists() and not (site / "boroughs").exists()
    assert 'href="districts/camden/"' in (site / "index.html").read_text()  # the tile map
    burglary = (site / "crimes" / "burglary" / "index.html").read_text()
    assert 'href="../../districts/camden/"' in burglary and 'href="../../boroughs/' not in burglary
    compare = (site / "compare" / "index.html").read_text()
    assert 'data-folder-b="districts" data-folder-w="neighbourhoods"' in compare  # where its script reads CSVs


@pytest.mark.parametrize(
    ("folders", "said"),
    [
        ({"borough": ""}, "the borough level needs a folder for its pages"),
        ({"borough": "priorities"}, "two page types write priorities/index.md"),
    ],
)
def test_a_missing_or_clashing_folder_stops_the_build_plainly(tmp_path, folders, said):
    packages = copy_packages(tmp_path / "datapackages")
    set_folders(packages, **folders)
    out = run_cli("build", "--builtin-only", "--datapackages", str(packages), "--site-dir", str(tmp_path / "site"))
    assert out.returncode == 2 and said in out.stderr and "folder" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "site").exists()
