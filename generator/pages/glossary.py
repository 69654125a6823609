"""The glossary: the terms the pages use, and every crime group with the categories it holds."""

from __future__ import annotations

from ..indicators import crime_types
from . import Model


def build(r, model: Model) -> None:
    types = crime_types(model.frame("definitions", "categories"))  # every group, in the data or not
    pages = set(model.crime_types.slug) if model.crime_included else set()
    categories = model.frame("definitions", "categories").set_index("category_id")
    groups = []
    for g in types[types.kind == "group"].itertuples():
        slugs = g.categories if len(g.categories) > 1 else [g.slug]  # a group of one category has one page
        members = [
            {
                "title": categories.loc[c, "title"],
                "note": categories.loc[c, "note"],
                "page": slug if slug in pages else None,
            }
            for c, slug in zip(g.categories, slugs, strict=True)
        ]
        groups.append({"g": g, "members": members})
    peer_groups = model.frame("areas", "peer-groups").to_dict("records")
    r.page("glossary.md", "glossary.md.j2", groups=groups, peer_groups=peer_groups)
