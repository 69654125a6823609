"""The site as a visitor uses it, in Chromium: charts, instant navigation, search, downloads, accessibility."""

from __future__ import annotations

import csv
import io

import pytest

from browser.conftest import AXE, search_results

PAGES = {
    "home": "",
    "borough": "boroughs/camden/",
    "priority": "priorities/vawg/",
    "finance": "finance/",
    "milestones": "milestones/",
    "dataset": "data/boroughs/",
    "crime": "crimes/burglary/",
    "crimes": "crimes/",
    "glossary": "glossary/",
}


def wait_for_charts(page):
    count = page.locator("div.chart").count()
    if count:
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg.main-svg'))",
            timeout=20_000,
        )
    return count


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_every_chart_without_errors_or_third_parties(visit, name):
    page = visit.open(PAGES[name])
    count = wait_for_charts(page)
    if name in ("home", "dataset", "crimes", "glossary"):
        assert count == 0
    else:
        assert count >= 1
        for chart in page.locator("div.chart").all():
            assert chart.locator("svg.main-svg").count() >= 1
    assert visit.errors == []
    assert visit.external() == []


def test_charts_render_after_an_instant_navigation_click(visit):
    page = visit.open("")
    page.evaluate("window.__stayed = true")
    page.locator("nav a[href$='finance/']").first.click()
    page.wait_for_selector("div.chart[data-chart='revenue-budget-forecast']")
    assert wait_for_charts(page) >= 5
    assert page.evaluate("window.__stayed") is True  # same document: Material's instant navigation
    plotly_loads = [u for u in visit.requests if u.endswith("plotly.min.js")]
    page.locator("nav a[href$='milestones/']").first.click()
    page.wait_for_selector("div.chart[data-chart='milestone-status']")
    wait_for_charts(page)
    assert [u for u in visit.requests if u.endswith("plotly.min.js")] == plotly_loads  # fetched once per visit
    assert visit.errors == [] and visit.external() == []


@pytest.mark.parametrize(
    "query, target",
    [
        ("Camden", "boroughs/camden/"),
        ("violence against women", "priorities/vawg/"),
        ("Skills House", "milestones/"),
        ("London Crime Prevention Fund", "data/boroughs/"),
    ],
)
def test_site_search_finds_the_page(visit, query, target):
    hrefs = search_results(visit.open(""), query)
    assert any(target in h for h in hrefs[:5]), hrefs[:5]


@pytest.mark.parametrize("name", ["borough", "finance", "dataset", "milestones"])
def test_every_download_link_resolves_and_csvs_have_the_advertised_columns(visit, name):
    page = visit.open(PAGES[name])
    links = page.eval_on_selector_all("a[download]", "els => els.map(e => e.href)")
    assert links
    for href in links:
        resp = page.request.get(href)
        assert resp.status == 200, href
        if href.endswith(".csv"):
            header = next(csv.reader(io.StringIO(resp.text())))
            assert header and all(header)
    # each chart's CSV has exactly the columns of the data table shown under it
    for fig in page.locator("figure.chart-figure").all():
        shown = fig.locator("thead th").evaluate_all("els => els.map(e => e.textContent)")
        resp = page.request.get(fig.locator("a[download][href$='.csv']").evaluate("e => e.href"))
        assert next(csv.reader(io.StringIO(resp.text()))) == shown


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_wcag_a_or_aa_violations(visit, name):
    assert AXE.exists(), "axe-core is needed: `make test` installs it"
    page = visit.open(PAGES[name])
    wait_for_charts(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == []


def test_keyboard_reaches_a_chart_data_table(visit):
    page = visit.open(PAGES["finance"])
    wait_for_charts(page)
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.closest('details.chart-data') !== null"):
            break
    else:
        pytest.fail("no chart data table reachable by keyboard")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('details').open")


def test_tile_map_links_and_recolours(visit):
    page = visit.open("")
    tiles = page.locator(".tilemap .tile")
    assert tiles.count() == 32
    first = tiles.first.get_attribute("style")
    page.select_option("#tilemap-layer", "lcpf")
    assert tiles.first.get_attribute("style") != first
    assert "£" in tiles.first.inner_text()
    tiles.nth(5).locator("a").click()
    page.wait_for_url("**/boroughs/**")


def test_milestone_filters(visit):
    page = visit.open(PAGES["milestones"])
    rows = page.locator("#milestone-table tbody tr")
    total = rows.count()
    page.select_option("select[data-filter=status]", "some delays")
    visible = page.locator("#milestone-table tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"some delays"}


@pytest.mark.parametrize("name", ["home", "borough", "finance"])
def test_no_wcag_violations_in_the_dark_scheme(browser, base_url, name):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + PAGES[name], wait_until="networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    wait_for_charts(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    assert [v["id"] for v in result["violations"]] == []
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_link_is_a_web_address_or_a_page_of_the_site(visit, name):
    """No address from data reaches a page as a link with another scheme (javascript:, data:, file: ...)."""
    page = visit.open(PAGES[name])
    protocols = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.protocol)")
    assert protocols and set(protocols) <= {"http:", "https:", "mailto:"}, set(protocols)


@pytest.mark.parametrize(
    "query, target",
    [
        ("Shoplifting", "crimes/shoplifting/"),
        ("Bicycle theft", "crimes/bicycle-theft/"),
        ("hate crime", "priorities/hatred-intolerance/"),  # a topic: its Plan priority (topics.csv)
        ("knife crime", "priorities/children-young-people/"),
    ],
)
def test_a_crime_type_or_topic_is_the_first_result_for_its_name(visit, query, target):
    first = search_results(visit.open(""), query)[0]
    assert target in first, first


def test_a_crime_table_sorts_by_a_column(visit):
    page = visit.open(PAGES["crime"])
    table = page.locator("table[data-sortable]").first
    table.locator("thead th button").nth(4).click()  # rate per 1,000
    table.locator("thead th button").nth(4).click()  # descending
    ranks = table.locator("tbody tr td:nth-child(6)").all_inner_texts()
    assert ranks[:3] == ["1", "2", "3"]
    assert table.locator("thead th").nth(4).get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize(
    "name, layers", [("finance", ["waterfalllayer", "barlayer"]), ("borough", ["scatterlayer", "barlayer"])]
)
def test_the_shipped_plotly_bundle_draws_every_trace_type_as_itself(visit, name, layers):
    """The site ships Plotly cut down to its trace types: a missing one would silently be drawn as a scatter."""
    page = visit.open(PAGES[name])
    wait_for_charts(page)
    for layer in layers:
        assert page.locator(f"g.{layer} g.trace").count() > 0, layer
    plotly = [u for u in visit.requests if "plotly" in u]
    assert plotly and all(u.endswith("plotly.min.js") for u in plotly)
    size = page.request.get(plotly[0]).body()
    assert len(size) < 1_300_000  # the cut-down bundle, never the full 4.8 MB one


def test_charts_follow_a_live_switch_to_the_dark_scheme(visit):
    """Toggling the scheme re-draws every chart: its text turns light on the dark background, with no reload."""
    page = visit.open(PAGES["borough"])
    wait_for_charts(page)
    colour = "() => getComputedStyle(document.querySelector('div.chart svg.main-svg text.gtitle')).fill"
    assert page.evaluate(colour) == "rgb(26, 26, 26)"
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.wait_for_function(f"() => ({colour})() === 'rgb(230, 230, 230)'", timeout=15_000)
    assert visit.errors == []
