"""Benchmark: stage times of a full build with the real crime file, and what a visitor downloads.

    python benchmarks/run.py [--crime FILE] [--population FILE] [--update-readme]

Prints a Markdown report; --update-readme writes it into README.md between the
benchmark markers. Everything is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.config import load_config  # noqa: E402
from generator.crime import import_crime  # noqa: E402
from generator.packages import load_catalog  # noqa: E402
from generator.site import build  # noqa: E402

SHARED = Path(os.environ.get("SHARED_DATA", REPO.parent / "shared" / "data" / "london-datastore"))
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
FIGURE_RE = re.compile(r'<template class="chart-figure-json" data-for="[^"]+"[^>]*>(.*?)</template>', re.S)


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.assets.append(a["href"])


def sizes(data: bytes) -> tuple[int, int]:
    return len(data), len(gzip.compress(data, 6, mtime=0))


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def page_weight(site: Path, page: str) -> dict:
    html_path = site / page / "index.html"
    html = html_path.read_bytes()
    figures = [m.group(1).encode() for m in FIGURE_RE.finditer(html.decode())]
    parser = Assets()
    parser.feed(html.decode())
    assets = [(html_path.parent / a.split("?")[0]).resolve() for a in parser.assets if not a.startswith("http")]
    if figures:  # charts.js fetches Plotly once, only for pages with charts
        assets.append(site / "assets" / "javascripts" / "plotly.min.js")
    js = sum(p.stat().st_size for p in assets if p.suffix == ".js")
    css = sum(p.stat().st_size for p in assets if p.suffix == ".css")
    js_gz = sum(sizes(p.read_bytes())[1] for p in assets if p.suffix == ".js")
    css_gz = sum(sizes(p.read_bytes())[1] for p in assets if p.suffix == ".css")
    html_raw, html_gz = sizes(html)
    return {
        "charts": len(figures),
        "html": html_raw,
        "html_gz": html_gz,
        "chart_data": sum(len(f) for f in figures),
        "js": js,
        "js_gz": js_gz,
        "css": css,
        "css_gz": css_gz,
        "first": html_raw + js + css,
        "first_gz": html_gz + js_gz + css_gz,
        "repeat": html_raw,
        "repeat_gz": html_gz,
    }


def naive_weight(site: Path, page: str) -> dict:
    """The same figures embedded the naive way: plotly's to_html with its JavaScript per chart."""
    import json

    import plotly.io as pio

    html = (site / page / "index.html").read_text()
    total = 0
    for m in FIGURE_RE.finditer(html):
        fig = json.loads(m.group(1))
        total += len(pio.to_html(fig, include_plotlyjs=True, full_html=False, validate=False).encode())
    return {"bytes": total}


def in_folder(base, tmp: Path, prefix: str, **kw):
    """The project's config with every output in tmp (names prefixed), sharing one validation cache."""
    return replace(
        base,
        imported=tmp / f"{prefix}imported",
        site_dir=tmp / f"{prefix}site",
        generated=tmp / f"{prefix}generated",
        validated=tmp / "validated",
        template_cache=tmp / "templates",
        **kw,
    )


def timed_build(cfg) -> tuple[object, float]:
    t = time.perf_counter()
    report = build(cfg)
    return report, time.perf_counter() - t


def mkdocs_floor(cfg, tmp: Path, inline: bool, run: int = 0) -> float:
    """MkDocs + Material building the site's Markdown with nothing of ours: no plugin, no navigation file.

    inline: each page's tables, maps and charts written into its Markdown, as a generator without our
    plugin would have to (the site's complete content); otherwise the Markdown exactly as our build hands
    it to MkDocs, with those blocks left as empty placeholders.
    """
    import json
    import shutil

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as mkdocs_config

    from generator.generated import BLOCKS_SUFFIX
    from generator.mkdocs_plugin import BLOCK_RE

    name = f"floor-inline-{run}" if inline else f"floor-{run}"
    docs = tmp / f"{name}-docs"
    shutil.copytree(REPO / "docs", docs)
    for md in cfg.generated.rglob("*.md"):
        target = docs / md.relative_to(cfg.generated)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = md.read_text(encoding="utf-8")
        side = md.with_name(md.name + BLOCKS_SUFFIX)
        if inline and side.is_file():
            blocks = json.loads(side.read_text(encoding="utf-8"))
            text = BLOCK_RE.sub(lambda m, b=blocks: b[m.group(1)], text)
        target.write_text(text, encoding="utf-8")
    (tmp / f"{name}.yml").write_text(
        f"site_name: floor\ndocs_dir: {docs}\nsite_url: http://127.0.0.1:8000/\n"
        "theme:\n  name: material\n  font: false\nplugins:\n  - search\n"
    )
    conf = mkdocs_config(config_file=str(tmp / f"{name}.yml"), site_dir=str(tmp / f"{name}-site"))
    t = time.perf_counter()
    mkdocs_build(conf)
    return time.perf_counter() - t


def time_to_charts(site: Path, page: str) -> tuple[float, float] | None:
    """Seconds until every chart on a page is drawn, first and repeat visit, on a throttled phone-like link:
    1.6 Mbps down, 150 ms round trip, CPU slowed 4x (Chromium, a loopback server that gzips like a static host)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return None
    import functools
    import http.server
    import socket
    import threading

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Host(http.server.SimpleHTTPRequestHandler):
        """Serves like a static host such as GitHub Pages: text gzipped, cacheable for 10 minutes."""

        def do_GET(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                return self.send_error(404)
            body = path.read_bytes()
            kind = self.guess_type(str(path))
            zipped = "gzip" in self.headers.get("Accept-Encoding", "") and kind.split("/")[0] in ("text", "application")
            if zipped:
                body = gzip.compress(body, 6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Host, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=args)
            tab = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            cdp = tab.context.new_cdp_session(tab)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": 150,
                    "downloadThroughput": 1_600_000 / 8,
                    "uploadThroughput": 750_000 / 8,
                },
            )
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            drawn = "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg.main-svg'))"
            times = []
            for _ in range(2):  # first visit, then a repeat visit with the browser's cache
                t = time.perf_counter()
                tab.goto(f"http://127.0.0.1:{port}/{page}")
                tab.wait_for_function(drawn, timeout=120_000)
                times.append(time.perf_counter() - t)
            browser.close()
    finally:
        httpd.shutdown()
    return times[0], times[1]


def run(crime: Path, population: Path, wards: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = load_config(REPO)
        cfg = in_folder(base, tmp, "")
        t = time.perf_counter()
        import_crime(
            cfg.imported,
            load_catalog(cfg.datapackages, roles=cfg.datasets),
            str(crime),
            population=str(population),
            population_year=2019,
        )
        import_time = time.perf_counter() - t
        _, cold = timed_build(cfg)  # fills the validation and template caches
        # Builds and floors alternated, so a change in the machine's speed touches both; medians reported.
        runs, floors = [], []
        for i in range(ROUNDS):
            runs.append(timed_build(cfg))
            floors.append(mkdocs_floor(cfg, tmp, inline=False, run=i))
        report, total = runs[0][0], statistics.median(t for _, t in runs)
        stages = {k: statistics.median(r.timings[k] for r, _ in runs) for k in report.timings}
        floor = statistics.median(floors)
        inline_floor = mkdocs_floor(cfg, tmp, inline=True)
        weights = {name: page_weight(cfg.site_dir, path) for name, path in PAGES.items()}
        naive = naive_weight(cfg.site_dir, "boroughs/camden")
        throttled = time_to_charts(cfg.site_dir, "boroughs/camden/")
        wcfg = in_folder(base, tmp, "w", as_at="latest")
        import_crime(
            wcfg.imported,
            load_catalog(wcfg.datapackages, roles=wcfg.datasets),
            str(wards),
            population=str(population),
            population_year=2019,
        )
        build(wcfg)
        wreport, wtotal = timed_build(wcfg)
        ward_pages = list((wcfg.site_dir / "wards").glob("*/index.html"))
        ward_max = max(p.stat().st_size for p in ward_pages)
        camden_small = (cfg.site_dir / "boroughs" / "camden" / "index.html").stat().st_size
        camden_large = (wcfg.site_dir / "boroughs" / "camden" / "index.html").stat().st_size
        # Material starts its search worker on every page; the index itself is fetched when search is opened.
        worker = sizes(next((wcfg.site_dir / "assets" / "javascripts" / "workers").glob("search.*.js")).read_bytes())
        index = sizes((wcfg.site_dir / "search" / "search_index.json").read_bytes())
        camden_first = page_weight(wcfg.site_dir, "boroughs/camden")["first_gz"] + worker[1]
    lines = [
        f"Full build with the committed snapshot ({report.pages} pages, {report.files} downloads), on "
        f"{os.cpu_count()} cores: the median of {ROUNDS} builds, each followed by a floor build, with the "
        f"validation and template caches filled by an earlier build (stages are medians too, so need not add up):",
        "",
        "| stage | seconds |",
        "|---|---:|",
        f"| import the crime file (not part of a build) | {import_time:.2f} |",
        *[f"| {k} | {v:.2f} |" for k, v in stages.items()],
        f"| **whole build** (fastest to slowest: {min(t for _, t in runs):.2f} to {max(t for _, t in runs):.2f}) | "
        f"**{total:.2f}** |",
        f"| MkDocs + Material on the same Markdown, nothing of ours (the floor; tables, maps and charts are "
        f"empty placeholders; {min(floors):.2f} to {max(floors):.2f}) | {floor:.2f} |",
        f"| **build / floor** | **{total / floor:.2f}x** (goal: at most 2x) |",
        f"| the first build after an import, caches empty | {cold:.2f} |",
        f"| for comparison: MkDocs + Material with those tables, maps and charts written into the Markdown | "
        f"{inline_floor:.2f} |",
        "",
        "What a visitor downloads (raw / gzip). Plotly's JavaScript (cut down to the site's trace types) comes once "
        "per visit, only to pages with charts; a repeat visit or an instant navigation fetches only the page's HTML.",
        "",
        "| page | charts | HTML incl. chart data | JavaScript | CSS | first visit (goal 500 KB gzip) | repeat or "
        "instant navigation (goal 25 KB gzip) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, w in weights.items():
        lines.append(
            f"| {name} | {w['charts']} | {kb(w['html'])} / {kb(w['html_gz'])} | {kb(w['js'])} / {kb(w['js_gz'])} | "
            f"{kb(w['css'])} / {kb(w['css_gz'])} | {kb(w['first'])} / **{kb(w['first_gz'])}** | "
            f"{kb(w['repeat'])} / **{kb(w['repeat_gz'])}** |"
        )
    lines += [
        "",
        f"The same {weights['borough']['charts']} borough charts embedded the naive way (`plotly.io.to_html` with "
        f"its JavaScript in every chart): {kb(naive['bytes'])} of HTML on every visit.",
        "",
    ]
    if throttled:
        lines.append(
            f"Time until every chart on Camden's page is drawn, Chromium at 390 px, 1.6 Mbps, 150 ms round "
            f"trip, CPU slowed 4x: first visit **{throttled[0]:.1f} s** (goal 6 s), repeat visit "
            f"**{throttled[1]:.1f} s**."
        )
        lines.append("")
    lines += [
        "Scale: the same build from the real ward-level file (boroughs counted from their wards, wards pages "
        "included), against the one above:",
        "",
        "| | pages | whole build | Camden's page HTML | largest ward page HTML |",
        "|---|---:|---:|---:|---:|",
        f"| borough file | {report.pages} | {total:.2f} s | {kb(camden_small)} | |",
        f"| ward file (goal: at most 30 s, ward page at most 60 KB) | {wreport.pages} | {wtotal:.2f} s | "
        f"{kb(camden_large)} | {kb(ward_max)} |",
        "",
        f"On the ward build, Camden's first visit with Material's search worker is **{kb(camden_first)}** gzip "
        f"(goal 500 KB, counting the search index and its worker). The search index ({kb(index[0])} / "
        f"{kb(index[1])} gzip) is fetched only when the visitor opens search, so a first visit does not load it.",
    ]
    return "\n".join(lines)


ROUNDS = 5
PAGES = {"home": "", "borough": "boroughs/camden", "crime": "crimes/burglary", "finance": "finance"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--crime",
        type=Path,
        default=REPO
        / "datapackages"
        / "snapshots"
        / "mps-borough-crime-historical-2023"
        / "MPS Borough Level Crime (Historical).csv",
    )
    p.add_argument("--population", type=Path, default=SHARED / "population2019.csv")
    p.add_argument("--wards", type=Path, default=SHARED / "MPS Ward Level Crime (most recent 24 months).csv")
    p.add_argument("--update-readme", action="store_true")
    args = p.parse_args()
    if not args.crime.exists():
        print(f"no crime file at {args.crime}: pass --crime or set SHARED_DATA", file=sys.stderr)
        return 2
    report = run(args.crime, args.population, args.wards)
    print(report)
    if args.update_readme:
        readme = REPO / "README.md"
        text = readme.read_text()
        block = f"{START}\n{report}\n{END}"
        text = (
            re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
            if START in text
            else text.replace("BENCHMARK-RESULTS", block)
        )
        readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
