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


def test_the_search_index_is_fetched_only_when_search_is_opened(wvisit):
    page = wvisit.open("boroughs/camden/")
    page.wait_for_timeout(500)
    assert not [u for u in wvisit.requests if "search_index" in u]
    search_results(page, "Camden")
    assert len([u for u in wvisit.requests if "search_index" in u]) == 1


@pytest.mark.parametrize(
    "query, first, snippet",
    [
        # The borough page above its wards named Camden Square and Camden Town; its snippet is its crime-now line.
        ("burglary Camden", "boroughs/camden/", "39,344 offences recorded in Camden, April 2025-March 2026"),
        ("Camden Town", "wards/camden-town/", "offences recorded in Camden Town, April 2025-March 2026"),
        ("West End", "wards/west-end/", "offences recorded in West End, April 2025-March 2026"),
        # A section matching both words (the robbery trend) is shown under the page instead of its snippet.
        ("robbery Westminster", "boroughs/westminster/", "Robbery, Westminster"),
    ],
)
def test_search_puts_the_area_asked_for_first_with_a_sentence_for_its_snippet(wvisit, query, first, snippet):
    page = wvisit.open("")
    hrefs = search_results(page, query)
    assert hrefs[0].split("?")[0].endswith(first), hrefs[:3]
    assert not [h for h in hrefs if "/compare/" in h]  # the compare page's list of areas is not indexed
    assert snippet in page.locator(".md-search-result__item").first.inner_text()


def test_a_ward_is_found_by_typing_part_of_its_name_with_no_page_load(wvisit):
    page = wvisit.open("wards/")
    box = page.get_by_label("Find a ward by its name, its code or its borough")
    box.fill("camden sq")
    visible = page.locator("#ward-groups li:not([hidden])")
    assert visible.count() == 1 and visible.first.inner_text() == "Camden Square"
    assert page.locator("#ward-groups section:not([hidden]) h2").all_inner_texts() == ["Camden"]
    assert "1 match" in page.locator(".finder-status").inner_text()
    box.fill("E05013808")  # by code: West End, Westminster
    assert page.locator("#ward-groups li:not([hidden])").all_inner_texts() == ["West End"]
    box.fill("abbey")  # a name two boroughs share, each under its borough
    assert len(page.locator("#ward-groups section:not([hidden])").all()) >= 2
    box.fill("")
    assert page.locator("#ward-groups li:not([hidden])").count() == 679


def test_the_home_page_finds_a_borough_or_a_ward_and_goes_there(wvisit):
    page = wvisit.open("")
    box = page.get_by_label("Find your area: a borough or ward, by name or code")
    assert page.locator("#area-list li:not([hidden])").count() == 0  # suggestions start empty
    box.fill("west")
    shown = page.locator("#area-list li:not([hidden])")
    assert shown.count() == 10 and "the first 10 shown" in page.locator(".finder-status").first.inner_text()
    box.fill("west end")  # names that begin with what was typed come first
    assert page.locator("#area-list li:not([hidden])").first.inner_text() == "West End, Westminster (ward)"
    box.fill("westminster")
    page.locator("#area-list li:not([hidden]) a", has_text="Westminster (borough)").click()
    page.wait_for_url("**/boroughs/westminster/")
    assert "Crime now" in page.inner_text("article")


def test_two_areas_side_by_side_from_a_shared_address(wvisit):
    page = wvisit.open("compare/?areas=b:camden,b:westminster")
    page.wait_for_selector("#compare-result > .table-scroll table")
    caption = page.locator("#compare-result > .table-scroll caption").inner_text()
    assert "Camden against Westminster, April 2025-March 2026; the change on April 2024-March 2025" in caption
    rows = page.locator("#compare-result > .table-scroll tbody tr")
    robbery = rows.filter(has_text="Robbery").inner_text().split("\t")
    assert robbery[0] == "Robbery" and robbery[4:7] == ["3,159", "-13.5%", "1 of 32 boroughs"]  # as its CSV says
    page.select_option("#compare-2", "w:west-end")
    page.wait_for_function("document.querySelectorAll('#compare-result > .table-scroll thead th').length == 10")
    assert "areas=b%3Acamden%2Cb%3Awestminster%2Cw%3Awest-end" in page.url  # the choice lives in the address
    west_end = rows.filter(has_text="Robbery").inner_text().split("\t")
    assert west_end[7:10] == ["1,293", "-17.5%", "1 of 679 wards"]
    assert wvisit.errors == []


def test_compare_draws_any_crime_group_month_by_month_from_each_areas_trends_csv(wvisit):
    page = wvisit.open("compare/?areas=b:camden,w:west-end&group=Burglary")
    page.wait_for_selector(".compare-trend-plot svg.main-svg", timeout=20_000)
    assert page.locator("#compare-group").input_value() == "Burglary"  # the group, too, comes from the address
    last = page.locator(".compare-trend tbody tr").last.locator("th, td").all_text_contents()  # in a closed <details>
    camden = page.request.get(wvisit.base + "boroughs/camden/trends.csv").text().splitlines()
    header, final = camden[0].split(","), camden[-1].split(",")
    assert last[0] == final[0] == "2026-03" and last[1] == final[header.index("Burglary")]
    links = page.locator(".compare-trend .table-source a")  # each line's own CSV, as its area's page publishes it
    assert links.all_text_contents() == ["Camden", "West End, Westminster"]
    for href in [links.nth(i).get_attribute("href") for i in range(2)]:
        assert page.request.get(href).ok and href.endswith("/trends.csv")
    page.select_option("#compare-group", "All offences")
    page.wait_for_function("() => location.search.includes('group=All+offences')")
    assert page.locator(".compare-trend caption").text_content().startswith("All offences, offences per month: Camden")
    assert wvisit.errors == []


def test_a_map_area_is_a_link_a_keyboard_reaches_and_a_click_follows(wvisit):
    page = wvisit.open("crimes/robbery/")
    area = page.locator('.area-map-svg a[aria-label^="Westminster: "]')
    area.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Westminster: ")
    area.click()
    page.wait_for_url("**/boroughs/westminster/")
    assert wvisit.errors == []
