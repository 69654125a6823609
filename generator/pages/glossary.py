"""The glossary: the terms the pages use, and every crime group with the categories it holds."""

from __future__ import annotations

from . import Model


def build(r, model: Model) -> None:
    types = model.crime_types
    categories = model.frame("definitions", "categories").set_index("category_id")
    groups = []
    for g in types[types.kind == "group"].itertuples():
        members = [
            {
                "title": categories.loc[c, "title"],
                "note": categories.loc[c, "note"],
                "slug": c if len(g.categories) > 1 else g.slug,
            }
            for c in g.categories
        ]
        groups.append({"g": g, "members": members})
    peer_groups = model.frame("areas", "peer-groups").to_dict("records")
    r.page("glossary.md", "glossary.md.j2", groups=groups, peer_groups=peer_groups, crime_pages=model.crime_included)
