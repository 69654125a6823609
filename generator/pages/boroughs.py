"""One page per borough: local priorities, ASB and the high-harm crimes, LCPF and BCU."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..formats import csv_bytes, number
from ..indicators import peer_code
from ..periods import month_name
from ..wards import TOTAL_TITLE
from . import Model, period_columns, shown
from .now import crime_now, last_months, multiples
from .wards import borough_wards, borough_wards_by_crime, ward_map

MEASURES = [
    "rolling_12m",
    "change_12m",
    "pct_change_12m",
    "pct_change_quarter",
    "rate_per_1000",
    "rank",
    "share_of_london",
]


def borough_priorities(model: Model, code: str, local: pd.DataFrame, lpm: dict[str, dict]) -> list[dict]:
    """The borough's chosen crimes (its rows of model.local), then ASB and the mandatory high-harm crimes, each
    with its data status. lpm: the local priority map's rows by priority_id."""
    mandatory = model.frame("plan", "mandatory-high-harm-crimes")
    out = []
    for r in local.itertuples():
        m = lpm[r.priority_id]
        out.append(
            {
                "kind": "Local priority " + ("(additional)" if r.rank == "additional" else r.rank),
                "name": r.crime,
                "indicator_id": m["indicator_id"] or "",
                "comparable": bool(m["computable"]),
                "nearest": False,
                "note": m["note"] or "",
                "published": r.published_pct,
                "confidence": r.confidence,
                "citation": model.cite(r.source_doc, r.source_line),
            }
        )
    names = dict(zip(mandatory.crime_id.tolist(), mandatory.crime.tolist(), strict=True))
    for pid in ["antisocial-behaviour", *names]:
        m = lpm[pid]
        name = "Antisocial behaviour" if pid == "antisocial-behaviour" else names[pid]
        nearest = m["indicator_id"] if bool(m["computable"]) else ""
        out.append(
            {
                "kind": "Every borough" if pid == "antisocial-behaviour" else "Mandatory high-harm crime",
                "name": name,
                "indicator_id": nearest,
                "comparable": bool(nearest),
                "nearest": bool(nearest),
                "note": m["note"] or "",
                "published": None,
                "confidence": "",
                "citation": "",
            }
        )
    for p in out:  # the open data's change for the reporting quarter, or why there is none
        if not p["comparable"]:
            p["open_data"] = "cannot be computed from the open data"
        elif not model.crime_included:
            p["open_data"] = "not computed: recorded-crime data not included"
        else:
            v = model.indicators.value(code, p["indicator_id"], "pct_change_quarter")
            p["open_data"] = shown(model, v, "pct_change_quarter", 1, True, "%") + (
                " (nearest measure: see the note)" if p["nearest"] and v is not None else ""
            )
    return out


def indicator_rows(model: Model, code: str, ids: list[str], defs: dict[str, dict]) -> list[dict]:
    """One row per indicator (defs: the indicator definitions by id)."""
    ind = model.indicators
    rows = []
    for i in ids:
        rows.append(
            {
                "indicator_id": i,
                "title": defs[i]["title"],
                "direction": defs[i]["direction"],
                **{m: ind.value(code, i, m) for m in MEASURES},
                "london_pct_12m": ind.value(ind.region, i, "pct_change_12m"),
                "london_rate": ind.value(ind.region, i, "rate_per_1000"),
            }
        )
    return rows


def indicator_cells(model: Model, row: dict) -> list[str]:
    """The table's cells for one indicator, in column order, each a figure or the reason it is missing."""
    return [
        shown(model, row["rolling_12m"], "rolling_12m"),
        shown(model, row["change_12m"], "change_12m", 0, True)
        + (f" ({number(row['pct_change_12m'], 1, True, '%')})" if row["change_12m"] is not None else ""),
        shown(model, row["pct_change_quarter"], "pct_change_quarter", 1, True, "%"),
        shown(model, row["rate_per_1000"], "rate_per_1000", 1),
        shown(model, row["london_rate"], "rate_per_1000", 1),
        shown(model, row["rank"], "rank"),
        shown(model, row["share_of_london"], "share_of_london", 1, False, "%"),
        shown(model, row["london_pct_12m"], "pct_change_12m", 1, True, "%"),
    ]


def crime_type_table(model: Model, code: str, peer: str) -> pd.DataFrame:
    """Every crime group and category for one borough, beside its peer group and London."""
    ind = model.indicators
    rows = []
    for t in model.crime_types.itertuples():
        row = {"crime_type": t.title, "kind": t.kind, "slug": t.slug}
        for m in ("rolling_12m", "pct_change_12m", "pct_change_quarter", "rate_per_1000", "rank"):
            row[m] = ind.value(code, t.type_id, m)
        row["peer_group_rate_per_1000"] = ind.value(peer_code(peer), t.type_id, "rate_per_1000") if peer else None
        row["peer_group_pct_change_12m"] = ind.value(peer_code(peer), t.type_id, "pct_change_12m") if peer else None
        row["london_rate_per_1000"] = ind.value(ind.region, t.type_id, "rate_per_1000")
        row["london_pct_change_12m"] = ind.value(ind.region, t.type_id, "pct_change_12m")
        rows.append(row)
    return pd.DataFrame(rows)


def crime_type_cells(model: Model, row: dict) -> list[str]:
    return [
        shown(model, row["rolling_12m"], "rolling_12m"),
        shown(model, row["pct_change_12m"], "pct_change_12m", 1, True, "%"),
        shown(model, row["pct_change_quarter"], "pct_change_quarter", 1, True, "%"),
        shown(model, row["rate_per_1000"], "rate_per_1000", 1),
        shown(model, row["rank"], "rank"),
        shown(model, row["peer_group_rate_per_1000"], "rate_per_1000", 1),
        shown(model, row["london_rate_per_1000"], "rate_per_1000", 1),
    ]


def crime_type_chart(model: Model, b, table: pd.DataFrame, source: str):
    """One chart for every crime group: the borough's rate beside its peer group's and London's."""
    groups = table[table.kind == "group"]
    by_rate = model.indicators.rank_by == "rate"
    if not by_rate or groups.empty:
        return None
    q = model.config.as_at
    top = groups.sort_values("rate_per_1000", ascending=False).iloc[0]
    summary = (
        f"In {q.twelve_months}, {top.crime_type.lower()} had the highest rate of any crime group in {b.name}: "
        f"{number(top.rate_per_1000, 1)} offences per 1,000 residents, against "
        f"{number(top.peer_group_rate_per_1000, 1)} in {b.peer_group_title} and "
        f"{number(top.london_rate_per_1000, 1)} in London."
    )
    return charts.bars(
        f"{b.slug}-crime-groups",
        f"Offences per 1,000 residents by crime group, {b.name}, {q.twelve_months}",
        groups.crime_type.tolist(),
        {
            b.name: groups.rate_per_1000.tolist(),
            b.peer_group_title or "Peer group": groups.peer_group_rate_per_1000.tolist(),
            "London": groups.london_rate_per_1000.tolist(),
        },
        "Offences per 1,000 residents",
        summary,
        source,
        q.twelve_months,
        horizontal=True,
    )


def build(r, model: Model) -> None:
    lcpf = model.frame("boroughs", "lcpf-allocations").set_index("borough_code")
    lcpf_rank = lcpf["allocation"].rank(ascending=False, method="min")
    local = dict(list(model.local.groupby("borough_code", sort=False)))
    lpm = {m["priority_id"]: m for m in model.frame("definitions", "local-priority-map").to_dict("records")}
    # Definition notes, the same on every borough page: by crime type's page name and by indicator.
    notes_of = {t.slug: model.break_notes(t.type_id) for t in model.crime_types.itertuples()}
    boost = model.search_boost("borough")  # read once, not once a page
    for b in model.boroughs.itertuples():
        prios = borough_priorities(model, b.code, local.get(b.code, model.local.iloc[0:0]), lpm)
        crime = {
            "type_rows": [],
            "notes": [],
            "now": None,
            "ward_list": [],
            "ward_groups": [],
            "area_map": None,
            "multiples": [],
            "ward_crimes": [],
            "type_chart": None,
            "rows": [],
            "charts": [],
        }
        if model.crime_included:
            crime |= indicator_section(r, model, b, prios)
            crime |= type_section(r, model, b, notes_of)
            crime |= trend_section(r, model, b)
            crime |= ward_section(r, model, b)
        r.page(
            f"{model.area_dir('borough', b.slug)}.md",
            "borough.md.j2",
            search_boost=boost,
            area_name=b.name,
            trends_csv="trends.csv",
            to_month=month_name(model.config.as_at.end_month),
            b=b,
            prios=prios,
            population_note=model.indicators.population_note() if model.crime_included else "",
            rank_note=("1 = highest rate" if model.indicators.rank_by == "rate" else "1 = most offences")
            if model.crime_included
            else "",
            lcpf=lcpf.loc[b.code],
            lcpf_rank=int(lcpf_rank[b.code]),
            bcu_cite=model.cite(b.bcu_source_doc, b.bcu_source_line) if b.bcu_source_doc else "",
            **crime,
        )
    r.page(
        f"{model.folders['borough']}/index.md",
        "boroughs.md.j2",
        boroughs=model.boroughs.sort_values("name").to_dict("records"),
        lcpf=lcpf["allocation"].to_dict(),
    )


def indicator_section(r, model: Model, b, prios: list[dict]) -> dict:
    """The borough's indicators (its local priorities, then those on every borough page): the table, its CSV and a
    trend chart each."""
    keys = model.definitions["indicator_id"].tolist()
    defs = {d["indicator_id"]: d for d in model.definitions.to_dict("records")}
    every_page = model.definitions[model.definitions.every_borough_page].indicator_id.tolist()
    ids = list(dict.fromkeys(p["indicator_id"] for p in prios if p["indicator_id"]))
    ids += [i for i in every_page if i not in ids]
    rows = indicator_rows(model, b.code, ids, defs)
    q, ind = model.config.as_at, model.indicators
    table = pd.DataFrame(rows).assign(area=b.name, **period_columns(model))
    r.site.files[f"{model.area_dir('borough', b.slug)}/indicators.csv"] = csv_bytes(
        table, counts=("rolling_12m", "change_12m", "rank")
    )
    for row in rows:
        row["cells"] = indicator_cells(model, row)
    out = []
    for i in ids:
        s = ind.series_for(i, b.code)
        if s.empty:  # no category of this indicator is in the imported file
            continue
        out.append(
            charts.trend(
                f"{b.slug}-{i}",
                defs[i]["title"],
                b.name,
                s,
                charts.colour_for(i, keys),
                q.months,
                ind.value(b.code, i, "quarter"),
                ind.value(b.code, i, "quarter_last_year"),
                r.context["crime_source"],
            )
        )
        out[-1].notes += model.break_notes(i)
    return {"rows": rows, "charts": out}


def type_section(r, model: Model, b, notes_of: dict[str, list[str]]) -> dict:
    """Every crime type in the borough beside its peers and London (table, CSV, chart), and the crime-now lead."""
    q, ind = model.config.as_at, model.indicators
    types = crime_type_table(model, b.code, b.peer_group)
    r.site.files[f"{model.area_dir('borough', b.slug)}/crime-types.csv"] = csv_bytes(
        types.assign(
            area=b.name, peer_group=b.peer_group_title, twelve_months=q.twelve_months, population=ind.population_note()
        ),
        counts=("rolling_12m", "rank"),
    )
    type_rows = [
        dict(row, cells=crime_type_cells(model, row), noted=bool(notes_of.get(row["slug"])))
        for row in types.to_dict("records")
    ]
    total_id = model.total_indicator
    total, change, rank = (ind.value(b.code, total_id, m) for m in ("rolling_12m", "change_12m", "rank"))
    now = crime_now(
        b.name,
        total,
        None if total is None or change is None else total - change,
        model.rank_sentence(rank, len(model.boroughs), "boroughs"),
        types[types.kind == "group"],
        ind.series_for(total_id, b.code),
        q,
        ind.missing("pct_change_12m"),
    )
    return {
        "type_rows": type_rows,
        "notes": list(dict.fromkeys(n for row in type_rows for n in notes_of.get(row["slug"], []))),
        "now": now,
        "type_chart": crime_type_chart(model, b, types, r.context["crime_source"]),
    }


def trend_section(r, model: Model, b) -> dict:
    """Every crime group month by month (small multiples) and trends.csv, with the total beside the groups, named as
    on ward pages, for the compare page."""
    q, total_id = model.config.as_at, model.total_indicator
    out, trends = multiples(model, b.code, b.name, q)
    if total_id is not None:
        months, counts = last_months(model.indicators.series_for(total_id, b.code), q)
        total_of = dict(zip(months, counts, strict=True))
        trends[TOTAL_TITLE] = [int(total_of.get(m, 0)) for m in trends.month]
    r.site.files[f"{model.area_dir('borough', b.slug)}/trends.csv"] = csv_bytes(trends.assign(area=b.name))
    return {"multiples": out}


def ward_section(r, model: Model, b) -> dict:
    """The borough's wards: the list, the map and every ward by crime group, each with its CSV."""
    ward_list, ward_csv = borough_wards(model, b.code)
    if ward_csv is not None:
        r.site.files[f"{model.area_dir('borough', b.slug)}/wards.csv"] = ward_csv
    ward_groups, ward_crimes, ward_crime_csv = borough_wards_by_crime(model, b.code)
    if ward_crime_csv is not None:
        r.site.files[f"{model.area_dir('borough', b.slug)}/wards-by-crime.csv"] = ward_crime_csv
    title = f"The wards of {b.name}: all offences, {model.config.as_at.twelve_months}"
    return {
        "ward_list": ward_list,
        "area_map": ward_map(model, b.code, title),
        "ward_groups": ward_groups,
        "ward_crimes": ward_crimes,
    }
