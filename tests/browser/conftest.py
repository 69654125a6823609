"""A real headless Chromium (Debian's) driven by Playwright, and the built site served on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, serve

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "build" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed: `make test` installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def base_url(built_site, site_port):
    stop = serve(built_site[0], site_port)
    yield f"http://127.0.0.1:{site_port}/"
    stop()


class Visit:
    """A page with everything it asked for and every console error recorded."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base = base_url
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path):
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page

    def external(self):
        return [u for u in self.requests if not u.startswith(self.base) and not u.startswith("data:")]


@pytest.fixture
def visit(browser, base_url):
    v = Visit(browser, base_url)
    yield v
    v.context.close()


def search_results(page, query: str) -> list[str]:
    """Type a query into the site's search box, as a visitor does; the addresses of the results, best first."""
    page.locator("input.md-search__input").click()
    page.keyboard.type(query, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
