"""Jinja2 environment and the pieces every page shares: escaping, chart blocks, links.

Every value from data reaches a page through autoescaped HTML or through the
``md`` filter (Markdown headings), and figure JSON through ``script_json``; no
template marks data as safe.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .charts import Chart
from .formats import cell_strings, csv_bytes, number
from .generated import Site
from .packages import web_url

# Characters Python-Markdown treats as syntax and lets a backslash neutralise ('<', '&' and '>' go through html.escape).
HTML_SPECIAL = re.compile(r"[&<>\"']")  # what markupsafe.escape replaces
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md(text) -> Markup:
    """Text for a Markdown line (headings): inert as Markdown and as HTML."""
    s = "" if text is None else str(text)
    s = " ".join(s.split())
    return Markup(html.escape(MD_SPECIAL.sub(r"\\\1", s), quote=False))


def script_json(obj) -> Markup:
    """JSON safe as the text of <script> or <template>: no '<', '>' or '&' can open or close a tag."""
    text = json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_plain)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def yaml_string(text) -> Markup:
    """A YAML double-quoted scalar that decodes back to exactly this text (for front matter)."""
    return Markup(json.dumps(str(text)))


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__}")


@functools.lru_cache(maxsize=4096)  # every page links to the same few hundred places
def rel(from_dir: str, target: str) -> str:
    """Relative URL from a page's folder ('boroughs/camden/') to a site path ('data/boroughs/')."""
    base = from_dir.strip("/") or "."
    out = posixpath.relpath(target.rstrip("/") or ".", base)
    return out + "/" if target.endswith("/") and out != "." else ("./" if out == "." else out)


def page_folder(path: str) -> str:
    """The URL folder of a page, where its downloads live: 'boroughs/camden.md' -> 'boroughs/camden/'."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def table_body(df) -> Markup:
    """A data table's rows, every cell escaped and an empty cell for a missing value.

    Written here rather than in Jinja: a chart's table may have thousands of cells, and this is the build's
    inner loop.
    """
    columns = [[f"<td>{v}</td>" for v in cell_texts(df[c])] for c in df.columns]
    return Markup("".join(f"<tr>{''.join(row)}</tr>\n" for row in zip(*columns, strict=True)))


def cell_texts(column) -> list[str]:
    """A column's cells as escaped text. Numbers need no escaping, which is most of a chart's table, and read as
    the chart's CSV has them (two decimal places), so the table and the download agree."""
    values = column.tolist()
    if pd.api.types.is_bool_dtype(column.dtype):
        return [str(v) for v in values]
    if pd.api.types.is_numeric_dtype(column.dtype):
        return cell_strings(column, count=False)
    texts = ["" if v is None or v is pd.NA or v != v else str(v) for v in values]
    if not HTML_SPECIAL.search("".join(texts)):  # most text columns are names and months
        return texts
    return [str(escape(t)) for t in texts]


def link_or_none(value) -> str | None:
    """A URL from data as a link target, or None (the template then shows plain text): http, https and mailto only."""
    return value.strip() if web_url(value) else None


def environment(cache: Path | None = None) -> Environment:
    """The page templates' environment; with a cache folder, each template is compiled once per source text."""
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        auto_reload=False,  # templates do not change during a build: no file check per page
        bytecode_cache=FileSystemBytecodeCache(str(cache)) if cache else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, script_json=script_json, yaml_string=yaml_string, number=number, web_url=link_or_none)
    env.globals.update(rel=rel)
    return env


def chart_metadata(chart: Chart, context: dict, folder: str) -> dict:
    """What a chart's CSV needs to be reused: title, source, period, units, definitions, licence and a citation
    (plain, BibTeX and RIS) that names the licence once and the date the site was built as the access date."""
    page = f"{context['site_url']}{folder}"
    permalink = f"{page}#figure-{chart.chart_id}"
    date = context["build_date"]
    note = f"Data: {chart.period}. Source: {chart.source}. {context['licence']}."
    return {
        "title": chart.title,
        "source": chart.source,
        "period": chart.period,
        "unit": chart.unit,
        "definitions": chart.notes,
        "summary": chart.summary,
        "licence": context["licence"],
        "page": page,
        "permalink": permalink,
        "csv": f"{page}{chart.chart_id}.csv",
        "published": date,
        "citation": f"{context['site_name']}, \u201c{chart.title}\u201d, {permalink}. {note} Accessed {date}.",
        "bibtex": bibtex(chart.chart_id, chart.title, context["site_name"], permalink, note, date),
        "ris": ris(chart.title, context["site_name"], permalink, note, date),
        "columns": list(chart.data.columns),
        "publisher": context["site_name"],
    }


BIBTEX_ESCAPES = {c: "\\" + c for c in "{}%&$#_"} | {"\\": "\\textbackslash{}", "^": "\\^{}", "~": "\\~{}"}
BIBTEX_SPECIAL = re.compile(r"[{}%&$#_\\^~]")


def bibtex_text(text: str) -> str:
    """Text inert inside a BibTeX field: each special character escaped in one pass, so no brace ends the field."""
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_ESCAPES[m.group()], " ".join(str(text).split()))


def bibtex(key: str, title: str, publisher: str, url: str, note: str, date: str) -> str:
    return (
        f"@misc{{{re.sub(r'[^A-Za-z0-9:-]', '-', key)},\n"
        f"  title = {{{bibtex_text(title)}}},\n"
        f"  author = {{{{{bibtex_text(publisher)}}}}},\n"
        f"  year = {{{date[:4]}}},\n"
        f"  url = {{{bibtex_text(url)}}},\n"
        f"  note = {{{bibtex_text(note)} Accessed {date}.}}\n"
        "}"
    )


def ris(title: str, publisher: str, url: str, note: str, date: str) -> str:
    """An RIS record: one tag a line, so a value's line breaks are folded away."""
    tags = [
        ("TY", "DATA"),
        ("TI", title),
        ("AU", publisher),
        ("PY", date[:4]),
        ("DA", date.replace("-", "/")),
        ("UR", url),
        ("N1", note),
        ("Y2", date.replace("-", "/")),
    ]
    return "\n".join(f"{tag}  - {' '.join(str(value).split())}" for tag, value in tags) + "\nER  - "


class Renderer:
    """Renders page templates and collects their chart payloads and CSVs into a Site."""

    def __init__(self, context: dict, cache: Path | None = None):
        self.env = environment(cache)
        self.site = Site()
        self.context = context

    def chart(self, chart: Chart, path: str) -> Markup:
        if chart.chart_id in self.site.chart_ids:  # ids name the CSVs and anchors: they must be unique
            raise ValueError(f"chart id {chart.chart_id} used twice")
        self.site.chart_ids.add(chart.chart_id)
        folder = page_folder(path)
        self.site.files[f"{folder}{chart.chart_id}.csv"] = csv_bytes(chart.data)
        meta = chart_metadata(chart, self.context, folder)
        self.site.files[f"{folder}{chart.chart_id}.metadata.json"] = (
            json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        ).encode("utf-8")
        html = self.env.get_template("_chart.html.j2").render(
            c=chart, csv=f"{chart.chart_id}.csv", meta=meta, body=table_body(chart.data)
        )
        return self.block(html, path, chart.chart_id)

    def block(self, html: str, path: str, key: str | None = None) -> Markup:
        """A placeholder for HTML that MkDocs puts in place after search has indexed the page.

        Data tables, maps and charts are numbers, not words to search for: Markdown and the
        search indexer never parse them, which keeps the build fast and the search index small.
        """
        blocks = self.site.blocks.setdefault(path, {})
        key = key or f"html-{len(blocks) + 1}"
        blocks[key] = str(html)
        return Markup(f'<div data-block="{key}"></div>')

    def page(self, path: str, template: str, search_boost: float = 1, **values) -> None:
        ctx = dict(
            self.context,
            page_dir=page_folder(path),
            chart=lambda c: self.chart(c, path),
            late=lambda caller: self.block(caller(), path),
            **values,
        )
        self.site.pages[path] = with_description(self.env.get_template(template).render(**ctx), search_boost)


LEAD_RE = re.compile(r'<p class="(?:now-lead|lead)">(.*?)</p>', re.S)
DESCRIPTION_CHARS = 220


def with_description(markdown: str, search_boost: float = 1) -> str:
    """The page with a front-matter description of its own: its heading and its lead sentence (the crime-now line
    on area pages), as plain text. The theme override escapes it where it lands (meta and Open Graph tags). A
    search boost other than 1 weighs every section of the page in the search index (Material's `search.boost`)."""
    heading = next((line[2:] for line in markdown.splitlines() if line.startswith("# ")), "")
    heading = html.unescape(re.sub(r"\\(.)", r"\1", heading)).strip()
    lead = LEAD_RE.search(markdown)
    text = html.unescape(re.sub(r"<[^>]+>", "", lead.group(1))) if lead else ""
    description = " ".join(f"{heading}: {text}".split()) if text else heading
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    line = f"description: {yaml_string(description)}\n"
    if search_boost != 1:
        line += f"search:\n  boost: {search_boost:g}\n"
    if markdown.startswith("---\n"):
        return "---\n" + line + markdown[4:]
    return f"---\n{line}---\n\n{markdown}"
