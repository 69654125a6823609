"""Compare: two or more boroughs or wards side by side, from the CSVs the site already publishes for each.

The page lists the areas; the visitor's choice lives in the address (?areas=b:camden,b:westminster), so a
comparison can be shared, and the script reads each area's published CSV: nothing new is computed here.
"""

from __future__ import annotations

from ..wards import TOTAL_TITLE
from . import Model


def build(r, model: Model) -> None:
    if not model.crime_included:
        return
    boroughs = [{"value": f"b:{b.slug}", "label": b.name} for b in model.boroughs.sort_values("name").itertuples()]
    wards = []
    if model.wards is not None:
        names = model.frame("areas", "areas").set_index("area_code")["name"]
        for w in model.wards.wards.sort_values(["ward_name", "ward_code"]).itertuples():
            wards.append({"value": f"w:{w.slug}", "label": f"{w.ward_name}, {names.get(w.area_code, '')}"})
    r.page("compare.md", "compare.md.j2", compare_boroughs=boroughs, compare_wards=wards, total_title=TOTAL_TITLE)
