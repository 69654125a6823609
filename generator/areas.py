"""The area hierarchy (the areas package): London, boroughs, wards and the areas outside the boroughs."""

from __future__ import annotations

import pandas as pd

from .packages import Catalog

REGION, BOROUGH, WARD = "region", "borough", "ward"


def areas(catalog: Catalog) -> pd.DataFrame:
    return catalog.role("areas").frames["areas"]


def at_level(catalog: Catalog, level: str) -> pd.DataFrame:
    a = areas(catalog)
    return a[a.level == level].reset_index(drop=True)


def borough_codes(catalog: Catalog) -> list[str]:
    return at_level(catalog, BOROUGH).area_code.tolist()


def region(catalog: Catalog) -> pd.Series:
    """The one area at the top of the hierarchy (London)."""
    return at_level(catalog, REGION).iloc[0]


def names(catalog: Catalog) -> dict[str, tuple[str, str]]:
    """Every name an area goes by in the crime files (its own and its aliases) -> (area code, level)."""
    a = areas(catalog).set_index("area_code")
    found = {name: (code, a.loc[code, "level"]) for code, name in a["name"].items()}
    for r in catalog.role("areas").frames["area-aliases"].itertuples():
        found[r.alias] = (r.area_code, a.loc[r.area_code, "level"])
    return found


def boroughs(catalog: Catalog) -> pd.DataFrame:
    """The boroughs with their peer group and MOPAC's facts about them (BCU pathfinders), one row each."""
    groups = catalog.role("areas").frames["peer-groups"].set_index("peer_group")["title"]
    facts = catalog.role("boroughs").frames["boroughs"].rename(columns={"code": "area_code"})
    b = at_level(catalog, BOROUGH).merge(facts, on="area_code", how="left")
    return b.assign(code=b.area_code, peer_group_title=b.peer_group.map(groups).fillna(""))
