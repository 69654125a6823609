"""Ward figures: each ward's crime groups over the reporting quarter, and its rank within its borough and London.

Wards come from a ward-level edition of the Met's file (imported as the crime source, or beside a borough file
with --wards). There is no ward population here, so wards are compared by counts, within their own borough.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .indicators import pct, slugify, window_sum
from .packages import Catalog
from .periods import Quarter, month_range, shift_month

TOTAL = "total"  # every category counted in total notifiable offences
TOTAL_TITLE = "All offences"  # its name in tables and CSVs, for wards and boroughs alike
RESERVED_SLUGS = frozenset({"index"})  # wards/index.md is the list of wards
MAX_SLUG = 60


def ward_slugs(wards: pd.DataFrame, area_slugs: dict[str, str]) -> pd.Series:
    """One URL name per ward, the same at import and build: its name; its code where the name gives no letters or
    digits for a URL, or a reserved name; names alike in two areas add the area, alike within one the code."""
    code = wards.ward_code.map(slugify)
    base = wards.ward_name.map(slugify).str.slice(0, MAX_SLUG).str.strip("-")
    base = base.where((base != "") & ~base.isin(RESERVED_SLUGS), code)
    slug = base.where(~base.duplicated(keep=False), base + "-" + wards.area_code.map(area_slugs).fillna("area"))
    return slug.where(~slug.duplicated(keep=False), slug + "-" + code)


@dataclass
class Wards:
    wards: pd.DataFrame  # ward_code, ward_name, area_code, slug
    stats: pd.DataFrame  # ward_code, type_id, rolling_12m, ..., rank_in_area, wards_in_area, tied_in_area (and london)
    monthly: pd.DataFrame  # offences by (ward_code, type_id) and month: every crime group and the total
    coverage: tuple[str, str]


def ward_package(catalog: Catalog):
    """The package holding ward-level rows: the ward import, else the crime import when it is a ward file."""
    for role in ("wards", "crime"):
        if catalog.has(role) and "wards" in catalog.role(role).frames:
            return catalog.role(role)
    return None


def rank_text(rank, of, tied) -> str:
    """'=3 of 20' for a rank shared with another ward, '3 of 20' otherwise; '' without a 12-month figure."""
    if rank is None or pd.isna(rank):
        return ""
    return f"{'=' if tied else ''}{int(rank)} of {int(of)}"


def left_out(catalog: Catalog, as_at: Quarter) -> str:
    """Why ward data were imported but give no ward pages in this build, in a sentence; or ''."""
    pkg = ward_package(catalog)
    if pkg is None:
        return ""
    first, last = pkg.descriptor["x-coverage"]["first_month"], pkg.descriptor["x-coverage"]["last_month"]
    if first <= as_at.months[0] and as_at.end_month <= last:
        return ""
    return (
        f"The ward-level data cover {month_range(first, last)}, which does not include {as_at.label} "
        f"({as_at.span}): this build has no ward pages. Build as at a quarter the ward data cover, or import a "
        "newer ward file."
    )


def compute(catalog: Catalog, types: pd.DataFrame, as_at: Quarter, total_categories: list[str]) -> Wards | None:
    """Figures for every ward, or None when no ward data covers the reporting quarter."""
    pkg = ward_package(catalog)
    if pkg is None:
        return None
    cov = pkg.descriptor["x-coverage"]
    coverage = (cov["first_month"], cov["last_month"])
    if not (coverage[0] <= as_at.months[0] and as_at.end_month <= coverage[1]):
        return None
    crime = pkg.frames["recorded-crime"]
    crime = crime[(crime.ward_code != "") & (crime.month >= coverage[0]) & (crime.month <= coverage[1])]
    groups = types[types.kind == "group"]
    type_of = {c: t for t, cats in zip(groups.type_id, groups.categories, strict=True) for c in cats}
    by_type = (
        crime.assign(type_id=crime.category_id.map(type_of)).groupby(["ward_code", "type_id", "month"])["count"].sum()
    )
    total = crime[crime.category_id.isin(total_categories)].groupby(["ward_code", "month"])["count"].sum()
    total = pd.concat({TOTAL: total}, names=["type_id"]).reorder_levels(["ward_code", "type_id", "month"])
    wide = pd.concat([by_type, total]).unstack("month").fillna(0)
    # Every ward has a row for every crime group, zero where the file lists none: ranks count every ward.
    everything = pd.MultiIndex.from_product(
        [sorted(pkg.frames["wards"].ward_code), [*groups.type_id, TOTAL]], names=["ward_code", "type_id"]
    )
    wide = wide.reindex(everything, fill_value=0)
    end = as_at.end_month
    r12, p12 = window_sum(wide, end, 12), window_sum(wide, shift_month(end, -12), 12)
    q, qly = window_sum(wide, end, 3), window_sum(wide, shift_month(end, -12), 3)
    stats = pd.DataFrame(
        {
            "rolling_12m": r12,
            "previous_12m": p12,
            "pct_change_12m": pct(r12, p12),
            "quarter": q,
            "quarter_last_year": qly,
            "pct_change_quarter": pct(q, qly),
        }
    ).reset_index()
    wards = pkg.frames["wards"].copy()
    area_table = catalog.role("areas").frames["areas"]
    wards["slug"] = ward_slugs(wards, dict(zip(area_table.area_code, area_table.slug, strict=True)))
    stats = stats.merge(wards[["ward_code", "area_code"]], on="ward_code")
    for scope, keys in (("area", ["area_code", "type_id"]), ("london", ["type_id"])):
        by = stats.groupby(keys)
        stats[f"rank_in_{scope}"] = by.rolling_12m.rank(ascending=False, method="min")
        stats[f"wards_in_{scope}"] = by.ward_code.transform("count")
        stats[f"tied_in_{scope}"] = stats.groupby([*keys, f"rank_in_{scope}"]).ward_code.transform("count") > 1
    return Wards(wards=wards, stats=stats, monthly=wide, coverage=coverage)
