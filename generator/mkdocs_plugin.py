"""MkDocs plugin: add the generated pages and downloads, and Plotly's JavaScript, to the site.

Generated files live outside docs/ (git ignores them) and keep their paths, so
``build/generated/boroughs/camden/index.md`` becomes ``/boroughs/camden/``.
``transparency build`` points ``generated_dir`` at its staging folder and sets
``build_date``; ``mkdocs serve`` uses the last build's ``build/generated``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.plugins.transparency")
PLOTLY_DEST = "assets/javascripts/plotly.min.js"
NAV_FILE = ".nav.json"  # written by the page stage: the navigation in reading order
BLOCKS_SUFFIX = ".blocks.json"  # beside a page: HTML blocks to insert once the page is written
BLOCK_RE = re.compile(r'<div data-block="([^"]+)"></div>')
CHART_MARK = 'class="chart" data-chart="'


class TransparencyConfig(base.Config):
    generated_dir = c.Type(str, default="build/generated")  # relative to mkdocs.yml
    build_date = c.Type(str, default="")  # YYYY-MM-DD: every page's date in the sitemap (default: MkDocs' own)


def plotly_js() -> Path:
    """Plotly cut down to the trace types the site draws (generator/vendor/README.md), never the full bundle."""
    return Path(__file__).parent / "vendor" / "plotly-site.min.js"


class LinkedFile(File):
    """A generated download, hard-linked into the site instead of copied: a build writes hundreds of them, and
    both folders are the build's own output. Copied where a link cannot be made (another file system)."""

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is None or (dirty and not self.is_modified()):
            return super().copy_file(dirty)
        dest = self.abs_dest_path
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        try:
            if os.path.lexists(dest):
                os.unlink(dest)
            os.link(self.abs_src_path, dest)
        except OSError:
            super().copy_file(dirty)


class TransparencyPlugin(BasePlugin[TransparencyConfig]):
    def generated(self, config) -> Path:
        return Path(config.config_file_path).parent / self.config.generated_dir

    def on_files(self, files: Files, config) -> Files:
        generated = self.generated(config)
        if not generated.is_dir():
            log.warning("no generated pages in %s: run 'transparency build' first", generated)
        else:
            if (generated / NAV_FILE).is_file() and not config.nav:
                config.nav = json.loads((generated / NAV_FILE).read_text(encoding="utf-8"))
            for path in sorted(
                p
                for p in generated.rglob("*")
                if p.is_file() and p.name != NAV_FILE and not p.name.endswith(BLOCKS_SUFFIX)
            ):
                rel = path.relative_to(generated).as_posix()
                if files.get_file_from_path(rel) is not None:
                    raise PluginError(f"generated file {rel} clashes with a hand-written page in docs/")
                files.append(
                    (File if rel.endswith(".md") else LinkedFile)(
                        rel,
                        src_dir=str(generated),
                        dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls,
                    )
                )
        files.append(File.generated(config, PLOTLY_DEST, abs_src_path=str(plotly_js())))
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if self.config.build_date:
            page.update_date = self.config.build_date
        return markdown

    def on_post_page(self, output: str, page, config) -> str:
        """Put the page's generated HTML blocks (tables, maps, charts) in place, after search has indexed it."""
        generated = self.generated(config)
        side = generated / (page.file.src_uri + BLOCKS_SUFFIX)
        if not side.is_file() or page.file.abs_src_path is None:
            return output
        if not Path(page.file.abs_src_path).is_relative_to(generated):
            return output
        blocks = json.loads(side.read_text(encoding="utf-8"))
        output = BLOCK_RE.sub(lambda m: blocks[m.group(1)], output)
        if CHART_MARK in output:
            # Start fetching Plotly with the styles, not after the page's scripts have run: on a slow link
            # it is most of what a chart page waits for.
            href = get_relative_url(PLOTLY_DEST, page.url)
            output = output.replace("</head>", f'<link rel="preload" href="{href}" as="script">\n</head>', 1)
        return output
