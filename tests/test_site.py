"""End to end: a whole site from the repo's packages plus a small synthetic crime file, in tmp_path."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import REPO, ROLES, config_for, tree_digest

from generator import areas
from generator.crime import import_crime
from generator.errors import DataError
from generator.packages import load_catalog
from generator.site import build

PAYLOAD_RE = re.compile(
    r'<template class="chart-figure-json" data-for="([^"]+)" data-search-exclude>(.*?)</template>', re.S
)


def small_crime_file(path: Path) -> Path:
    """Every borough, two categories, April 2015 to June 2017: numbers chosen to check by hand."""
    months = pd.period_range("2015-04", "2017-06", freq="M").strftime("%Y%m").tolist()
    rows = []
    a = pd.read_csv(REPO / "datapackages" / "areas" / "areas.csv")
    names = a[a.level == "borough"].name
    for borough, base in [("Camden", 20), ("Barnet", 10), ("Westminster", 30)] + [
        (n, 2) for n in names if n not in ("Camden", "Barnet", "Westminster")
    ]:
        rows.append(
            ["BURGLARY", "BURGLARY IN A DWELLING", borough] + [base + (i >= 15) * 5 for i in range(len(months))]
        )
        rows.append(["ROBBERY", "ROBBERY OF PERSONAL PROPERTY", borough] + [base // 2] * len(months))
    rows.append(["ROBBERY", "ROBBERY OF PERSONAL PROPERTY", "Unknown"] + [1] * len(months))
    pd.DataFrame(rows, columns=["MajorText", "MinorText", "BoroughName"] + months).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    catalog = load_catalog(REPO / "datapackages", roles=ROLES)
    import_crime(tmp / "imported", catalog, str(small_crime_file(tmp / "crime.csv")))
    cfg = config_for(tmp, imported=tmp / "imported")
    report = build(cfg)
    return cfg, report


def test_without_a_site_url_no_file_names_a_local_address(small_site):
    """A build with no public address cites each page by its path: nothing points at the machine that built it."""
    cfg, _ = small_site
    local = [
        p.relative_to(cfg.site_dir).as_posix()
        for p in cfg.site_dir.rglob("*")
        if p.is_file() and re.search(rb"127\.0\.0\.1|localhost:", p.read_bytes())
    ]
    assert local == []
    assert not (cfg.site_dir / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (cfg.site_dir / "index.html").read_text()
    footer = (cfg.site_dir / "boroughs" / "camden" / "index.html").read_text()
    assert "“Camden”, /boroughs/camden/ (reporting quarter" in footer and ", None" not in footer
    meta = json.loads(next(cfg.site_dir.glob("boroughs/camden/*.metadata.json")).read_text())
    assert meta["permalink"].startswith("/boroughs/camden/#figure-")


def test_with_a_site_url_pages_have_canonical_links_and_a_sitemap(built_site):
    site, _ = built_site
    assert "<loc>http://127.0.0.1:" in (site / "sitemap.xml").read_text()
    assert 'rel="canonical" href="http://127.0.0.1:' in (site / "boroughs" / "camden" / "index.html").read_text()


def test_every_page_type_exists(small_site, catalog):
    cfg, report = small_site
    site = cfg.site_dir
    assert report.crime_included
    for page in [
        "index.html",
        "milestones/index.html",
        "finance/index.html",
        "quality/index.html",
        "data/index.html",
        "boroughs/index.html",
        "priorities/index.html",
        "about/index.html",
        "methodology/index.html",
        "accessibility/index.html",
        "search/search_index.json",
    ]:
        assert (site / page).is_file(), page
    for slug in areas.at_level(catalog, "borough").slug:
        assert (site / "boroughs" / slug / "index.html").is_file()
    for pid in catalog["police-and-crime-plan-2017-21"].frames["priorities"].priority_id:
        assert (site / "priorities" / pid / "index.html").is_file()
    for name in catalog:
        assert (site / "data" / name / "index.html").is_file()
    assert (site / "data" / "recorded-crime" / "index.html").is_file()


def test_chart_payloads_are_valid_plotly_and_match_their_csv(small_site):
    site = small_site[0].site_dir
    charts = 0
    for html_path in site.rglob("index.html"):
        html = html_path.read_text(encoding="utf-8")
        for chart_id, payload in PAYLOAD_RE.findall(html):
            fig = json.loads(payload)
            go.Figure(fig)  # raises on anything that is not a valid Plotly figure
            assert f'data-chart="{chart_id}"' in html
            csv_path = html_path.parent / f"{chart_id}.csv"
            assert f'href="{chart_id}.csv"' in html and csv_path.is_file()
            data = pd.read_csv(csv_path)
            first = fig["data"][0]
            values = first.get("y") if first.get("orientation") != "h" else first.get("x")
            assert len(values) == len(data)
            charts += 1
    assert charts >= 32 + 6  # at least total offences on every borough page, plus finance and milestones
    for page in (site / "boroughs").glob("*/index.html"):
        assert 'class="chart"' in page.read_text(), page
        assert 'href="indicators.csv"' in page.read_text() and (page.parent / "indicators.csv").is_file()
    for html_path in site.rglob("index.html"):  # every chart: a summary sentence, its source, a data table, a CSV
        html = html_path.read_text(encoding="utf-8")
        n = html.count('class="chart" data-chart=')
        assert html.count('<p class="chart-summary">') == html.count('<p class="chart-source">Source: ') == n
        assert html.count('<details class="chart-data"') == html.count('<p class="chart-download">') == n


def test_barnet_burglary_summary_is_computed_from_the_numbers(small_site):
    html = (small_site[0].site_dir / "boroughs" / "barnet" / "index.html").read_text()
    # 10 a month, 15 from July 2016: April-June 2017 = 45 against 30 a year earlier.
    assert (
        "Burglary in Barnet rose 50% in April-June 2017 against the same months a year earlier (45 offences "
        "against 30)." in html
    )


def test_downloads_are_complete_packages(small_site, catalog):
    site = small_site[0].site_dir
    for name, pkg in catalog.items():
        folder = site / "data" / name
        assert (folder / "datapackage.json").read_bytes() == (pkg.path / "datapackage.json").read_bytes()
        with zipfile.ZipFile(folder / f"{name}.zip") as z:
            assert z.testzip() is None  # every member's checksum holds
            names = set(z.namelist())
            assert "datapackage.json" in names
            for res in pkg.descriptor["resources"]:
                assert z.read(res["path"]) == (pkg.path / res["path"]).read_bytes()
                assert (folder / res["path"]).read_bytes() == (pkg.path / res["path"]).read_bytes()
    with zipfile.ZipFile(site / "data" / "all.zip") as z:
        assert z.testzip() is None
        assert {n.split("/")[0] for n in z.namelist()} == set(catalog) | {"recorded-crime"}
        assert (
            z.read("boroughs/lcpf-allocations.csv") == (catalog["boroughs"].path / "lcpf-allocations.csv").read_bytes()
        )


def test_plotly_is_served_from_the_site_and_nothing_from_third_parties(small_site):
    site = small_site[0].site_dir
    assert (site / "assets" / "javascripts" / "plotly.min.js").stat().st_size > 1_000_000
    for html_path in site.rglob("*.html"):
        html = html_path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "cdn.plot.ly" not in html and "cdn.jsdelivr" not in html
        # Run once, by charts.js; fetched early (preloaded with the styles) only where a page has a chart.
        preloads = re.findall(r'<link rel="preload" href="([^"]+plotly\.min\.js)" as="script">', html)
        assert html.count("plotly.min.js") == len(preloads) == (1 if 'class="chart"' in html else 0), html_path
        assert "<script" not in html or not re.search(r"<script[^>]+plotly", html)
        for src in re.findall(
            r'<(?:script|img)[^>]+src="([^"]+)"|<link rel="(?:stylesheet|icon|preload|modulepreload)"[^>]+href="([^"]+)"',  # noqa: E501
            html,
        ):
            src = src[0] or src[1]
            assert not src.startswith(("http:", "https:", "//")), (html_path, src)


def test_dataset_pages_carry_schema_org_json_ld(small_site):
    html = (small_site[0].site_dir / "data" / "boroughs" / "index.html").read_text()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Dataset" and ld["license"].startswith("https://www.nationalarchives.gov.uk")
    assert any(d["contentUrl"].endswith("boroughs.zip") for d in ld["distribution"])


def test_search_index_holds_words_not_chart_data(small_site):
    index = (small_site[0].site_dir / "search" / "search_index.json").read_text()
    assert '"scatter"' not in index and "rolling_12_month_average" not in index
    assert "Camden" in index and "Skills House" in index


def test_two_builds_of_the_same_inputs_are_byte_identical(small_site, tmp_path):
    cfg, _ = small_site
    other = config_for(tmp_path, imported=cfg.imported)
    build(other)
    assert tree_digest(other.site_dir) == tree_digest(cfg.site_dir)


def test_a_failed_build_leaves_the_previous_site_untouched(small_site, tmp_path):
    cfg, _ = small_site
    packages = REPO / "datapackages"
    broken = tmp_path / "packages"
    import shutil

    shutil.copytree(packages, broken)
    (broken / "boroughs" / "lcpf-allocations.csv").write_text(
        (broken / "boroughs" / "lcpf-allocations.csv").read_text().replace("640000", "£640,000", 1)
    )
    before = tree_digest(cfg.site_dir)
    from dataclasses import replace

    with pytest.raises(DataError) as err:
        build(replace(cfg, datapackages=broken))
    assert "lcpf-allocations.csv" in str(err.value) and err.value.field == "allocation" and err.value.row == 2
    assert tree_digest(cfg.site_dir) == before
    assert not list(cfg.site_dir.parent.glob(".site-*"))


def test_links_with_the_same_words_go_to_the_same_place(built_site):
    """Link text says where it goes: on any page, two links a screen reader announces alike share a target."""
    import collections
    import html as htmllib

    link = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.S)
    problems = []
    for path in built_site[0].rglob("index.html"):
        page = path.read_text(encoding="utf-8")
        article = page[page.find("<article") : page.find("</article>")]
        targets = collections.defaultdict(set)
        for attrs, inner in link.findall(article):
            if 'class="headerlink"' in attrs or "href=" not in attrs:
                continue
            label = re.search(r'aria-label="([^"]*)"', attrs)
            name = label.group(1) if label else re.sub(r"<[^>]+>", "", inner)
            name = " ".join(htmllib.unescape(name).split())
            targets[name].add(re.search(r'href="([^"]*)"', attrs).group(1))
        problems += [(path.parent.name, name, sorted(t)) for name, t in targets.items() if name and len(t) > 1]
    assert problems == []
