"""MkDocs plugin: add the generated pages and downloads, and Plotly's JavaScript, to the site.

``transparency build`` hands the plugin the generated site in memory (``site``), sets
``build_date``, and links the downloads into the built site itself; ``mkdocs serve`` reads
pages and downloads from the last build's folder, ``generated_dir`` (generator/generated.py).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from . import generated
from .generated import Site

log = logging.getLogger("mkdocs.plugins.transparency")
PLOTLY_DEST = "assets/javascripts/plotly.min.js"
BLOCK_RE = re.compile(r'<div data-block="([^"]+)"></div>')
CHART_MARK = 'class="chart" data-chart="'
# Whitespace is kept as it is inside these; elsewhere a run of it holding a line break reads as one line break.
VERBATIM_RE = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
INDENT_RE = re.compile(r"\n\s+")  # a line break and the indentation after it


def compact(html: str) -> str:
    """The page without the theme's indentation (a fifth of a ward page): HTML renders any run of whitespace outside
    preformatted text as one space, so a run that holds a line break can be that line break alone."""
    parts = VERBATIM_RE.split(html)
    # split() yields text, then each match's two groups (the element, its tag name), then text again.
    return "".join(INDENT_RE.sub("\n", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


class TransparencyConfig(base.Config):
    generated_dir = c.Type(str, default="build/generated")  # relative to mkdocs.yml
    build_date = c.Type(str, default="")  # YYYY-MM-DD: every page's date in the sitemap (default: MkDocs' own)
    template_cache = c.Type(str, default="")  # a folder for the theme's compiled templates (default: none)


def plotly_js() -> Path:
    """Plotly cut down to the trace types the site draws (generator/vendor/README.md), never the full bundle."""
    return Path(__file__).parent / "vendor" / "plotly-site.min.js"


class TransparencyPlugin(BasePlugin[TransparencyConfig]):
    site: Site | None = None  # set by `transparency build`; otherwise read from generated_dir
    blocks: dict[str, dict[str, str]] | None = None  # the site's, by page path, once on_files has run

    def on_files(self, files: Files, config) -> Files:
        site, folder = self.site, Path(config.config_file_path).parent / self.config.generated_dir
        if site is None:
            if not folder.is_dir():
                log.warning("no generated pages in %s: run 'transparency build' first", folder)
            site = generated.read(folder) if folder.is_dir() else Site()
        if site.nav and not config.nav:
            config.nav = site.nav
        for path in sorted({**site.pages, **site.files}):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"generated file {path} clashes with a hand-written page in docs/")
        for path, text in sorted(site.pages.items()):
            files.append(File.generated(config, path, content=text))
        if self.site is None:  # `transparency build` links the downloads in once MkDocs is done
            for path in sorted(site.files):
                files.append(File(path, str(folder), config.site_dir, config.use_directory_urls))
        self.blocks = site.blocks
        files.append(File.generated(config, PLOTLY_DEST, abs_src_path=str(plotly_js())))
        return files

    def on_env(self, env, config, files):
        if self.config.template_cache:  # the theme's templates compiled once per source text, not every build
            env.bytecode_cache = FileSystemBytecodeCache(self.config.template_cache)
        return env

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if self.config.build_date:
            page.update_date = self.config.build_date
        return markdown

    def on_post_build(self, config) -> None:
        """Without a public address there are no canonical URLs, so no sitemap to list them; and the theme's source
        maps (its developers' tool, quoting local addresses) are not part of the published site."""
        site = Path(config.site_dir)
        leave_out = [site / "sitemap.xml", site / "sitemap.xml.gz"] if not config.site_url else []
        leave_out += sorted((site / "assets").rglob("*.map"))
        for path in leave_out:
            path.unlink(missing_ok=True)

    def on_post_page(self, output: str, page, config) -> str:
        """Put the page's generated HTML blocks (tables, maps, charts) in place, after search has indexed it."""
        blocks = (self.blocks or {}).get(page.file.src_uri) if page.file.generated_by else None
        if not blocks:
            return compact(output)
        output = BLOCK_RE.sub(lambda m: blocks[m.group(1)], output)
        if CHART_MARK in output:
            # Start fetching Plotly with the styles, not after the page's scripts have run: on a slow link
            # it is most of what a chart page waits for.
            href = get_relative_url(PLOTLY_DEST, page.url)
            output = output.replace("</head>", f'<link rel="preload" href="{href}" as="script">\n</head>', 1)
        return compact(output)
