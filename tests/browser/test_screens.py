"""Every page type on a phone, a tablet and a laptop, in the light and the dark scheme, in Chromium.

On each: the page never scrolls sideways, no map tile clips its text, every piece of chart text keeps a 4.5:1
contrast after the visitor switches scheme (no reload), and axe finds nothing. Full-page screenshots at phone
and laptop width go to build/screenshots/, which CI keeps.
"""

from __future__ import annotations

import pytest
from conftest import REPO, serve

from browser.conftest import AXE

SHOTS = REPO / "build" / "screenshots"
WIDTHS = (390, 768, 1366)
SCREENSHOT_WIDTHS = (390, 1366)
SCHEMES = {"light": "default", "dark": "slate"}

# Page type -> (which site, path). The ward pages come from the site built from the real ward-level file.
PAGES = {
    "home": ("main", ""),
    "boroughs": ("main", "boroughs/"),
    "borough": ("main", "boroughs/westminster/"),
    "crimes": ("main", "crimes/"),
    "crime": ("main", "crimes/burglary/"),
    "priorities": ("main", "priorities/"),
    "priority": ("main", "priorities/vawg/"),
    "milestones": ("main", "milestones/"),
    "finance": ("main", "finance/"),
    "catalogue": ("main", "data/"),
    "dataset": ("main", "data/finance-2017-18/"),
    "quality": ("main", "quality/"),
    "changes": ("main", "changes/"),
    "glossary": ("main", "glossary/"),
    "methodology": ("main", "methodology/"),
    "wards": ("wards", "wards/"),
    "ward": ("wards", "wards/heathrow-villages/"),
    "compare": ("wards", "compare/?areas=b:camden,b:westminster,w:west-end&group=Burglary"),
}

CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bg = rgb(getComputedStyle(document.body).backgroundColor);
  const low = [];
  document.querySelectorAll('div.chart svg text').forEach(t => {
    if (!t.textContent.trim() || !t.getClientRects().length) return;
    const r = ratio(rgb(getComputedStyle(t).fill), bg);
    if (r < 4.5) low.push([t.textContent.trim().slice(0, 30), getComputedStyle(t).fill, Math.round(r * 100) / 100]);
  });
  return low;
}"""

CLIPPED_TILES = """() => [...document.querySelectorAll('.tilemap .tile')]
  .filter(t => t.scrollWidth > t.clientWidth + 1 || t.scrollHeight > t.clientHeight + 1)
  .map(t => t.textContent.trim())"""

DRAWN = "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg.main-svg'))"

# What goes wrong at one width and not another: a figure broken over two lines, the chart toolbar over a legend,
# a table row that is mostly blank, a table a phone must scroll sideways.
LAYOUT = r"""() => {
  const out = {broken: [], toolbar: [], blank: [], sideways: []};
  const lines = (node, start, end) => {
    const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size;
  };
  document.querySelectorAll('article *').forEach(el => {
    const node = el.firstChild;
    if (el.childNodes.length !== 1 || !node || node.nodeType !== 3 || !el.getClientRects().length) return;
    const text = node.textContent;
    if (!/\d/.test(text) || !/^[-+\u2212\u00a3\d,.%() ]+$/.test(text.trim())) return;
    let at = 0;
    for (const token of text.split(' ')) {
      if (token && lines(node, at, at + token.length) > 1) out.broken.push(token);
      at += token.length + 1;
    }
  });
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  document.querySelectorAll('div.chart').forEach(d => {
    const bar = d.querySelector('.modebar'), legend = d.querySelector('.legend');
    if (!bar || !legend) return;
    if (overlap(bar.getBoundingClientRect(), legend.getBoundingClientRect())) out.toolbar.push(d.dataset.chart);
  });
  // A row over 240 px tall where most cells fill under a quarter of it: one squeezed column, the rest blank.
  document.querySelectorAll('article table tbody tr').forEach(tr => {
    const height = tr.getBoundingClientRect().height;
    if (getComputedStyle(tr).display !== 'table-row' || height <= 240 || tr.cells.length < 3) return;
    const short = [...tr.cells].filter(c => {
      const r = document.createRange(); r.selectNodeContents(c); return r.getBoundingClientRect().height < height / 4;
    });
    if (short.length > tr.cells.length / 2) out.blank.push(tr.textContent.trim().slice(0, 40));
  });
  if (innerWidth < 720) document.querySelectorAll('article .table-scroll').forEach(box => {
    const wide = box.getClientRects().length && box.scrollWidth > box.clientWidth + 1;
    if (wide) out.sideways.push(box.getAttribute('aria-label'));
  });
  return out;
}"""
SWEEP = (320, 360, 414, 480, 600, 650, 720, 800, 900, 1024, 1100, 1280, 1440, 1920)


@pytest.fixture(scope="module")
def sites(built_site, base_url, ward_site):
    site, _, port = ward_site
    stop = serve(site, port)
    yield {"main": base_url, "wards": f"http://127.0.0.1:{port}/"}
    stop()


def charts_drawn(page):
    if page.locator("div.chart").count():
        page.wait_for_function(DRAWN, timeout=30_000)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_fits_the_screen_reads_in_both_schemes_and_passes_axe(browser, sites, name, width, scheme):
    which, path = PAGES[name]
    other = "dark" if scheme == "light" else "light"
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=other)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(sites[which] + path, wait_until="networkidle")
    charts_drawn(page)

    # The visitor switches scheme with the header's toggle: charts re-draw in place, no reload.
    page.evaluate("window.__same_document = true")
    page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    page.wait_for_function(f"() => document.body.dataset.mdColorScheme === '{SCHEMES[scheme]}'")
    page.wait_for_function("() => !document.querySelector('div.chart:not([data-rendered])')", timeout=30_000)
    charts_drawn(page)
    assert page.evaluate("window.__same_document") is True

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert page.evaluate(CLIPPED_TILES) == []
    assert page.evaluate(CONTRAST) == []

    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document)")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    assert errors == []

    if width in SCREENSHOT_WIDTHS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_width_from_320_to_1920_keeps_figures_whole_legends_clear_rows_full_and_phone_tables_narrow(
    browser, sites, name
):
    which, path = PAGES[name]
    context = browser.new_context(viewport={"width": SWEEP[0], "height": 900})
    page = context.new_page()
    problems = {}
    for width in SWEEP:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(sites[which] + path, wait_until="networkidle")  # charts take their phone or laptop layout on load
        charts_drawn(page)
        page.wait_for_function("() => !document.querySelector('div.chart:not([data-rendered])')", timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{width} px: the page scrolls sideways"
        found = {k: v for k, v in page.evaluate(LAYOUT).items() if v}
        if found:
            problems[width] = found
    context.close()
    assert problems == {}
