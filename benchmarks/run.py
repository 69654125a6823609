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


def run(crime: Path, population: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cfg = load_config(REPO)
        cfg = replace(cfg, imported=tmp / "imported", site_dir=tmp / "site", generated=tmp / "generated")
        t = time.perf_counter()
        import_crime(str(crime), cfg.imported / "recorded-crime", load_catalog(cfg.datapackages), str(population), 2019)
        import_time = time.perf_counter() - t
        t = time.perf_counter()
        report = build(cfg)
        total = time.perf_counter() - t
        home, borough = page_weight(cfg.site_dir, ""), page_weight(cfg.site_dir, "boroughs/camden")
        naive = naive_weight(cfg.site_dir, "boroughs/camden")
    lines = [
        f"Full build with the real crime file ({report.pages} pages, {report.files} downloads), on {os.cpu_count()} "
        "cores:",
        "",
        "| stage | seconds |",
        "|---|---:|",
        f"| import the crime file (not part of a build) | {import_time:.2f} |",
        *[f"| {k} | {v:.2f} |" for k, v in report.timings.items()],
        f"| **whole build** | **{total:.2f}** |",
        "",
        "What a visitor downloads (raw / gzip). Repeat visits and instant navigation fetch only the page's HTML, "
        "with its chart data inside; Plotly's JavaScript comes once per visit, and only to pages with charts.",
        "",
        "| page | charts | HTML incl. chart data | of which chart data | JavaScript | CSS | first visit | repeat "
        "visit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, w in (("home `/`", home), ("borough `/boroughs/camden/`", borough)):
        lines.append(
            f"| {name} | {w['charts']} | {kb(w['html'])} / {kb(w['html_gz'])} | {kb(w['chart_data'])} | "
            f"{kb(w['js'])} / {kb(w['js_gz'])} | {kb(w['css'])} / {kb(w['css_gz'])} | "
            f"{kb(w['first'])} / {kb(w['first_gz'])} | {kb(w['repeat'])} / {kb(w['repeat_gz'])} |"
        )
    lines += [
        "",
        f"The same {borough['charts']} borough charts embedded the naive way (`plotly.io.to_html` with its "
        f"JavaScript in every chart): {kb(naive['bytes'])} of HTML on every visit, against "
        f"{kb(borough['html'])} here (first visit {kb(borough['first'])}, Plotly's script included).",
    ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--crime", type=Path, default=SHARED / "MPS Borough Level Crime (Historical).csv")
    p.add_argument("--population", type=Path, default=SHARED / "population2019.csv")
    p.add_argument("--update-readme", action="store_true")
    args = p.parse_args()
    if not args.crime.exists():
        print(f"no crime file at {args.crime}: pass --crime or set SHARED_DATA", file=sys.stderr)
        return 2
    report = run(args.crime, args.population)
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
