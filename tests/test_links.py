"""Every internal link and asset resolves; the only links out are to the cited sources and licences."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlparse

# Hosts the site may link to: the publishers of its sources, the licence, and the standards it cites.
ALLOWED_HOSTS = {
    "www.london.gov.uk",
    "data.london.gov.uk",
    "www.met.police.uk",
    "www.nationalarchives.gov.uk",
    "geoportal.statistics.gov.uk",
    "www.ons.gov.uk",
    "specs.frictionlessdata.io",
}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") == "canonical"):
                self.urls.append(a[key])


def test_every_link_resolves(built_site, site_port):
    site, _ = built_site
    base = f"http://127.0.0.1:{site_port}/"
    pages = {}
    for html in site.rglob("*.html"):
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html] = parser
    broken, outside, checked = [], set(), 0
    for html, parser in pages.items():
        page_url = base + html.relative_to(site).as_posix()
        for url in parser.urls:
            absolute = urljoin(page_url, url)
            parsed = urlparse(absolute)
            if parsed.scheme in ("mailto", "data"):
                continue
            if not absolute.startswith(base):
                outside.add(parsed.netloc)
                continue
            checked += 1
            path = site / unquote(parsed.path[len(urlparse(base).path) :])
            target = path / "index.html" if parsed.path.endswith("/") else path
            if not target.exists():
                broken.append(f"{html.relative_to(site)} -> {url}")
            elif (
                parsed.fragment
                and target.suffix == ".html"
                and target in pages
                and parsed.fragment not in pages[target].ids
            ):
                broken.append(f"{html.relative_to(site)} -> {url} (no such anchor)")
    assert checked > 5000
    assert broken == []
    assert outside <= ALLOWED_HOSTS, outside - ALLOWED_HOSTS
