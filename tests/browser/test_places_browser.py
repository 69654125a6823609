"""A ward page and a crime page as a visitor uses them, on a site built from the real ward-level file."""

from __future__ import annotations

import pytest
from conftest import serve

from browser.conftest import AXE, Visit, search_results


@pytest.fixture(scope="module")
def ward_url(ward_site):
    site, _, port = ward_site
    stop = serve(site, port)
    yield f"http://127.0.0.1:{port}/"
    stop()


@pytest.fixture
def wvisit(browser, ward_url):
    v = Visit(browser, ward_url)
    yield v
    v.context.close()


@pytest.mark.parametrize("path", ["wards/heathrow-villages/", "crimes/theft/", "boroughs/camden/", "wards/"])
def test_ward_and_crime_pages_render_with_no_errors_and_no_violations(wvisit, path):
    page = wvisit.open(path)
    count = page.locator("div.chart").count()
    if count:
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg.main-svg'))",
            timeout=20_000,
        )
    assert wvisit.errors == [] and wvisit.external() == []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []


def test_a_resident_finds_their_ward_by_name(wvisit):
    first = search_results(wvisit.open(""), "Heathrow Villages")[0]
    assert "wards/heathrow-villages/" in first
