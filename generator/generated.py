"""What the page stage hands to MkDocs, in memory and as the folder `mkdocs serve` reads.

Generated files live outside docs/ (git ignores them) and keep their site paths, so
``boroughs/camden.md`` becomes ``/boroughs/camden/``. Beside each page, ``<page>.blocks.json``
holds the HTML put in place after MkDocs has written the page; ``.nav.json`` is the navigation.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .outputs import MARKER

NAV_FILE = ".nav.json"  # the navigation in reading order
BLOCKS_SUFFIX = ".blocks.json"  # beside a page: HTML blocks to insert once the page is written


@dataclass
class Site:
    """What the page stage produces: Markdown pages and downloadable files, by site path."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    chart_ids: set[str] = field(default_factory=set)
    nav: list = field(default_factory=list)
    # HTML inserted after Markdown conversion (page path -> block id -> HTML): Markdown never
    # re-parses large generated HTML, which also keeps the build fast.
    blocks: dict[str, dict[str, str]] = field(default_factory=dict)


def write(site: Site, folder: Path) -> None:
    (folder / NAV_FILE).write_text(json.dumps(site.nav, indent=1) + "\n", encoding="utf-8")
    for path, text in sorted(site.pages.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path, blocks in sorted(site.blocks.items()):
        (folder / (path + BLOCKS_SUFFIX)).write_text(json.dumps(blocks, sort_keys=True), encoding="utf-8")
    for path, content in sorted(site.files.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def link_files(paths: Iterable[str], source: Path, target: Path) -> None:
    """Put the files write() made at these paths into the built site: hard links, as both folders are the
    build's own output (a site has hundreds of downloads), or copies where a link cannot be made."""
    for path in sorted(paths):
        dest = target / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / path, dest)
        except OSError:
            shutil.copyfile(source / path, dest)


def read(folder: Path) -> Site:
    """A Site back from the folder write() made (chart ids are not kept)."""
    site = Site()
    if (folder / NAV_FILE).is_file():
        site.nav = json.loads((folder / NAV_FILE).read_text(encoding="utf-8"))
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in (NAV_FILE, MARKER)):
        rel = path.relative_to(folder).as_posix()
        if rel.endswith(BLOCKS_SUFFIX):
            site.blocks[rel[: -len(BLOCKS_SUFFIX)]] = json.loads(path.read_text(encoding="utf-8"))
        elif rel.endswith(".md"):
            site.pages[rel] = path.read_text(encoding="utf-8")
        else:
            site.files[rel] = path.read_bytes()
    return site
