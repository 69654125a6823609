"""MkDocs hook: add the generated pages and downloads, and Plotly's JavaScript, to the site.

Generated files live outside docs/ (git ignores them) and keep their paths, so
``build/generated/boroughs/camden/index.md`` becomes ``/boroughs/camden/``.
``transparency build`` points ``extra.generated_dir`` at its staging folder;
``mkdocs serve`` uses the last build's ``build/generated``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.transparency")
PLOTLY_DEST = "assets/javascripts/plotly.min.js"
NAV_FILE = ".nav.json"  # written by the page stage: the navigation in reading order
BLOCKS_SUFFIX = ".blocks.json"  # beside a page: HTML blocks to insert after Markdown conversion
BLOCK_RE = re.compile(r'<div data-block="([^"]+)"></div>')


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def generated_dir(config) -> Path:
    root = Path(config.config_file_path).parent
    return Path(config.extra.get("generated_dir") or root / "build" / "generated")


def on_files(files: Files, config) -> Files:
    generated = generated_dir(config)
    if not generated.is_dir():
        log.warning("no generated pages in %s: run 'transparency build' first", generated)
    else:
        if (generated / NAV_FILE).is_file() and not config.nav:
            config.nav = json.loads((generated / NAV_FILE).read_text(encoding="utf-8"))
        for path in sorted(
            p for p in generated.rglob("*") if p.is_file() and p.name != NAV_FILE and not p.name.endswith(BLOCKS_SUFFIX)
        ):
            rel = path.relative_to(generated).as_posix()
            if files.get_file_from_path(rel) is not None:
                raise SystemExit(f"generated file {rel} clashes with a hand-written page in docs/")
            files.append(
                File(
                    rel, src_dir=str(generated), dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls
                )
            )
    files.append(File.generated(config, PLOTLY_DEST, abs_src_path=str(plotly_js())))
    return files


def on_page_content(html: str, page, config, files) -> str:
    """Put the page's generated HTML blocks (charts with their data tables) in place."""
    side = generated_dir(config) / (page.file.src_uri + BLOCKS_SUFFIX)
    if (
        not side.is_file()
        or page.file.abs_src_path is None
        or not Path(page.file.abs_src_path).is_relative_to(generated_dir(config))
    ):
        return html
    blocks = json.loads(side.read_text(encoding="utf-8"))
    return BLOCK_RE.sub(lambda m: blocks[m.group(1)], html)
