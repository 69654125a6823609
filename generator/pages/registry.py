"""Every page type, declared once: the module that writes its pages and its place in the navigation.

The order here is the navigation's reading order (MkDocs would sort folders
alphabetically). Adding a page type is a module with a ``build(r, model)``
function, its template in generator/templates/, and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import (
    Model,
    boroughs,
    catalogue,
    changes,
    compare,
    crimes,
    finance,
    glossary,
    home,
    milestones,
    priorities,
    quality,
    wards,
)


@dataclass(frozen=True)
class PageType:
    name: str
    build: Callable | None  # writes the pages; None for hand-written pages in docs/
    nav: Callable[[Model], object]  # its entry in the navigation: a page, a section, or None (listed elsewhere)


PAGE_TYPES = (
    PageType("home", home.build, lambda m: {"Home": "index.md"}),
    PageType(
        "boroughs",
        boroughs.build,
        # The 32 boroughs are reached from their list (with its finder), the maps and search: listing them in the
        # navigation would add 10 KB to every page of the site.
        lambda m: {"Boroughs": [f"{m.folders['borough']}/index.md"] + (["compare.md"] if m.crime_included else [])},
    ),
    PageType("compare", compare.build, lambda m: None),  # listed under Boroughs
    PageType(
        "crimes",
        crimes.build,
        lambda m: (
            {
                "Crimes": ["crimes/index.md"]
                + [f"crimes/{t.slug}.md" for t in m.crime_types.itertuples() if t.kind == "group"]
            }
            if m.crime_included
            else None
        ),
    ),
    # Ward pages are reached from their borough, the ward list and search: the navigation lists sections, never
    # every ward, so a page's size does not grow with the number of wards.
    PageType(
        "wards", wards.build, lambda m: {"Wards": [f"{m.folders['ward']}/index.md"]} if m.wards is not None else None
    ),
    PageType(
        "priorities",
        priorities.build,
        lambda m: {"Priorities": ["priorities/index.md"] + [f"priorities/{p}.md" for p in m.priorities.priority_id]},
    ),
    PageType("milestones", milestones.build, lambda m: {"Milestones": "milestones.md"}),
    PageType("finance", finance.build, lambda m: {"Finance": "finance.md"}),
    # Data quality and changes sit under Data, so the tabs fit a laptop's width.
    PageType(
        "data",
        catalogue.build,
        lambda m: {"Data": ["data/index.md", "quality.md", "changes.md"] + [f"data/{n}.md" for n in sorted(m.catalog)]},
    ),
    PageType("quality", quality.build, lambda m: None),  # listed under Data
    PageType("changes", changes.build, lambda m: None),  # listed under Data
    PageType("glossary", glossary.build, lambda m: None),  # listed under About
    PageType("about", None, lambda m: {"About": ["about.md", "methodology.md", "glossary.md", "accessibility.md"]}),
)
PAGE_TYPES_BY_NAME = {page_type.name: page_type for page_type in PAGE_TYPES}
