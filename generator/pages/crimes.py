"""One page per crime group and category: every borough compared (table, ranked chart, map) and London's trend."""

from __future__ import annotations

import pandas as pd

from .. import charts, maps
from ..formats import csv_bytes
from ..wards import rank_text
from . import Model, period_columns, shown

MEASURES = ("rolling_12m", "pct_change_12m", "pct_change_quarter", "rate_per_1000", "rank")


def borough_table(model: Model, type_id: str, b: pd.DataFrame) -> pd.DataFrame:
    """Every borough (b, in name order) on one crime type, with the periods each column covers."""
    ind = model.indicators
    table = pd.DataFrame(
        {
            "borough": b.name.to_numpy(),
            "code": b.code.to_numpy(),
            "slug": b.slug.to_numpy(),
            "peer_group": b.peer_group_title.to_numpy(),
        }
    )
    for m in MEASURES:
        table[m] = pd.Series([ind.value(c, type_id, m) for c in b.code], dtype=float).to_numpy()
    return table.assign(**period_columns(model))


TOP_WARDS = 20
BOROUGH_SHAPES = "crimes/london-boroughs.svg"


def ward_ranking(model: Model, type_id: str) -> tuple[list[dict], bytes]:
    """Every ward of London ranked by one crime group: rows for the page, in rank order, and the CSV."""
    w = model.wards
    areas = model.frame("areas", "areas").set_index("area_code")["name"]
    s = w.stats[w.stats.type_id == type_id].merge(w.wards[["ward_code", "ward_name", "slug"]], on="ward_code")
    s = s.assign(area_name=s.area_code.map(areas)).sort_values(["rank_in_london", "ward_name"], kind="stable")
    rows = [
        {
            "rank": rank_text(x.rank_in_london, x.wards_in_london, x.tied_in_london).split(" of ")[0] or "n/a",
            "ward_name": x.ward_name,
            "slug": x.slug,
            "area_name": x.area_name,
            "offences": shown(model, x.rolling_12m, "rolling_12m"),
            "change": shown(model, x.pct_change_12m, "pct_change_12m", 1, True, "%"),
        }
        for x in s.itertuples()
    ]
    q = model.config.as_at
    data = s[
        [
            "rank_in_london",
            "wards_in_london",
            "ward_code",
            "ward_name",
            "area_code",
            "area_name",
            "rolling_12m",
            "previous_12m",
            "pct_change_12m",
            "rank_in_area",
            "wards_in_area",
        ]
    ].assign(twelve_months=q.twelve_months)
    return rows, csv_bytes(data, counts=("rank_in_london", "rolling_12m", "previous_12m", "rank_in_area"))


def build(r, model: Model) -> None:
    if not model.crime_included:
        return
    ind, types = model.indicators, model.crime_types
    by_name = model.boroughs.sort_values("name")
    rate_notes = [(b.name, b.rate_note) for b in model.boroughs.itertuples() if b.rate_note]
    if model.shapes is not None:
        r.site.files[BOROUGH_SHAPES] = maps.shapes_file(model.shapes[model.shapes.level == "borough"])
    for t in types.itertuples():
        table = borough_table(model, t.type_id, by_name)
        r.site.files[f"crimes/{t.slug}/boroughs.csv"] = csv_bytes(
            table.drop(columns="slug"), counts=("rolling_12m", "rank")
        )
        charts_out = crime_charts(r, model, t, table)
        top_wards, wards_ranked = [], 0
        if model.wards is not None and t.kind == "group":
            ranked, data = ward_ranking(model, t.type_id)
            r.site.files[f"crimes/{t.slug}/wards.csv"] = data
            top_wards, wards_ranked = ranked[:TOP_WARDS], len(ranked)
        notes = model.break_notes(t.type_id)
        for c in charts_out:
            c.notes += notes
        r.page(
            f"crimes/{t.slug}.md",
            "crime.md.j2",
            t=t,
            rows=[{"b": x, "cells": borough_cells(model, x)} for x in table.itertuples()],
            notes=notes,
            top_wards=top_wards,
            wards_ranked=wards_ranked,
            charts=charts_out,
            area_map=crime_map(model, t, table),
            rate_notes=rate_notes,
            related=types[(types.group == t.group) & (types.type_id != t.type_id)].to_dict("records"),
            london_cells=[
                shown(model, ind.value(ind.region, t.type_id, m), m, d, sg, sf)
                for m, d, sg, sf in (
                    ("rolling_12m", 0, False, ""),
                    ("pct_change_12m", 1, True, "%"),
                    ("pct_change_quarter", 1, True, "%"),
                    ("rate_per_1000", 1, False, ""),
                )
            ],
            population_note=ind.population_note(),
            by_rate=ind.rank_by == "rate",
        )
    crime_list(r, model)


def ranking_measure(model: Model) -> tuple[str, str]:
    """What boroughs are ranked and mapped by: their rate with a population, else their offences."""
    if model.indicators.rank_by == "rate":
        return "rate_per_1000", "Offences per 1,000 residents"
    return "rolling_12m", "Offences"


def borough_cells(model: Model, x) -> list[str]:
    return [
        shown(model, x.rolling_12m, "rolling_12m"),
        shown(model, x.pct_change_12m, "pct_change_12m", 1, True, "%"),
        shown(model, x.pct_change_quarter, "pct_change_quarter", 1, True, "%"),
        shown(model, x.rate_per_1000, "rate_per_1000", 1),
        shown(model, x.rank, "rank"),
    ]


def crime_charts(r, model: Model, t, table: pd.DataFrame) -> list:
    """The boroughs ranked on the crime (bars), then London's monthly trend."""
    ind, q = model.indicators, model.config.as_at
    measure, unit = ranking_measure(model)
    by_rate = ind.rank_by == "rate"
    ranked = table.dropna(subset=[measure]).sort_values(measure, ascending=False)
    out = []
    if len(ranked):
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        digits = 1 if by_rate else 0
        summary = (
            f"{t.title}, {q.twelve_months}: {top.borough} has the highest "
            f"{'rate' if by_rate else 'number of offences'} ({shown(model, top[measure], measure, digits)}) "
            f"and {bottom.borough} the lowest ({shown(model, bottom[measure], measure, digits)})."
        )
        out.append(
            charts.bars(
                f"crime-{t.slug}-boroughs",
                f"{t.title}: {unit.lower()} by borough, {q.twelve_months}",
                ranked.borough.tolist(),
                {unit: ranked[measure].tolist()},
                unit,
                summary,
                r.context["crime_source"],
                q.twelve_months,
                horizontal=True,
            )
        )
    s = ind.series_for(t.type_id, ind.region)
    if not s.empty:
        out.append(
            charts.trend(
                f"crime-{t.slug}-london",
                t.title,
                r.context["london"],
                s,
                charts.PALETTE[0],
                q.months,
                ind.value(ind.region, t.type_id, "quarter"),
                ind.value(ind.region, t.type_id, "quarter_last_year"),
                r.context["crime_source"],
            )
        )
    return out


def crime_map(model: Model, t, table: pd.DataFrame) -> dict | None:
    """The boroughs coloured by the crime; every crime page draws the same boroughs, so their shapes are one file."""
    if model.shapes is None:
        return None
    measure, unit = ranking_measure(model)
    return maps.choropleth(
        f"crime-{t.slug}",
        f"{t.title}: {unit.lower()}, {model.config.as_at.twelve_months}",
        model.shapes[model.shapes.level == "borough"],
        dict(zip(table.code, table[measure], strict=True)),
        {b.code: f"{model.area_dir('borough', b.slug)}/" for b in model.boroughs.itertuples()},
        1 if model.indicators.rank_by == "rate" else 0,
        shared=BOROUGH_SHAPES,
    )


def crime_list(r, model: Model) -> None:
    """/crimes/: every crime group with its categories, London's offences and change."""
    ind, types = model.indicators, model.crime_types
    groups = []
    for g in types[types.kind == "group"].itertuples():
        members = types[(types.group == g.slug) & (types.kind == "category")]
        groups.append(
            {
                "g": g,
                "categories": members.to_dict("records"),
                "offences": shown(model, ind.value(ind.region, g.type_id, "rolling_12m"), "rolling_12m"),
                "change": shown(
                    model, ind.value(ind.region, g.type_id, "pct_change_12m"), "pct_change_12m", 1, True, "%"
                ),
            }
        )
    r.page("crimes/index.md", "crimes.md.j2", groups=groups)
