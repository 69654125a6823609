"""Text from data that looks like HTML, Markdown, Jinja or JSON lands on pages as inert, literal text."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace

import pytest
from conftest import REPO, config_for, serve

HOSTILE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> | [click](javascript:window.__pwned=3) '
    '{{ 7*7 }} {% if 1 %}x{% endif %} </template></script> *not bold* "quoted" & amp '
    # Out of a <title>, an attribute, and a JSON string (U+2028 ends a line in older JavaScript).
    '</title><script>window.__pwned=4</script> "><svg onload="window.__pwned=5"> \u2028 javascript:window.__pwned=6'
)


def rewrite(path, field, row_index, value):
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row_index][field] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, imported):
    import socket

    from generator.site import build

    tmp = tmp_path_factory.mktemp("hostile")
    pkgs = shutil.copytree(REPO / "datapackages", tmp / "datapackages")
    rewrite(pkgs / "areas" / "areas.csv", "name", 6, "Camden " + HOSTILE)  # E09000007, slug unchanged
    rewrite(pkgs / "met-business-plan-2017-18" / "milestones.csv", "milestone", 0, HOSTILE)
    rewrite(pkgs / "police-and-crime-plan-2017-21" / "commitments.csv", "commitment", 0, HOSTILE)
    rewrite(pkgs / "police-and-crime-plan-2017-21" / "priorities.csv", "title", 0, "Police " + HOSTILE)
    rewrite(pkgs / "finance-2017-18" / "savings.csv", "savings_category", 0, HOSTILE)
    rewrite(pkgs / "finance-2017-18" / "variance-bridge.csv", "step", 0, HOSTILE)  # a label in a chart's JSON
    rewrite(pkgs / "london-performance-2017-18" / "recorded-crime-12-months.csv", "crime_category", 0, HOSTILE)
    d = json.loads((pkgs / "boroughs" / "datapackage.json").read_text())
    d["title"], d["description"] = "Boroughs " + HOSTILE, HOSTILE
    (pkgs / "boroughs" / "datapackage.json").write_text(json.dumps(d))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = config_for(tmp, datapackages=pkgs, imported=imported)
    build(replace(cfg, site_url=f"http://127.0.0.1:{port}/"))
    stop = serve(cfg.site_dir, port)
    yield f"http://127.0.0.1:{port}/"
    stop()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "boroughs/camden/",
        "boroughs/",
        "crimes/burglary/",  # the map's links are named with the borough's name
        "compare/?areas=b:camden,b:westminster",  # names read from a published CSV into the page by script
        "milestones/",
        "priorities/police-service/",
        "finance/",
        "data/",
        "data/boroughs/",
    ],
)
def test_hostile_text_is_shown_literally_and_never_runs(browser, hostile_site, path):
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile_site + path, wait_until="networkidle")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and errors == []
    text = page.evaluate("document.body.innerText")
    assert "<script>window.__pwned=1</script>" in text
    assert "</title><script>window.__pwned=4</script>" in text
    if path.startswith(("boroughs/camden", "priorities/", "data/boroughs")):  # the hostile name is in the title
        assert "</title><script>window.__pwned=4</script>" in page.title()
    assert page.locator("svg[onload]").count() == 0
    assert "{{ 7*7 }}" in text and "[click](javascript:window.__pwned=3)" in text and "*not bold*" in text
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    if page.locator("div.chart").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg.main-svg'))"
        )
    context.close()
