"""One page per ward, when ward-level data covers the reporting quarter, and the list of wards."""

from __future__ import annotations

import pandas as pd

from .. import charts, maps
from ..formats import csv_bytes
from ..periods import month_name, month_range
from ..wards import TOTAL, TOTAL_TITLE, rank_text
from . import Model, shown
from .now import crime_now, small_trends

WARD_COUNTS = ("rolling_12m", "previous_12m", "quarter", "quarter_last_year", "rank_in_area", "rank_in_london")


def ward_rows(model: Model, stats: pd.DataFrame) -> list[dict]:
    return [
        dict(
            x,
            cells=[
                shown(model, x["rolling_12m"], "rolling_12m"),
                shown(model, x["pct_change_12m"], "pct_change_12m", 1, True, "%"),
                shown(model, x["pct_change_quarter"], "pct_change_quarter", 1, True, "%"),
                rank_text(x["rank_in_area"], x["wards_in_area"], x["tied_in_area"]) or shown(model, None, "rank"),
                rank_text(x["rank_in_london"], x["wards_in_london"], x["tied_in_london"]) or shown(model, None, "rank"),
            ],
        )
        for x in stats.to_dict("records")
    ]


def rank_sentence(total: pd.DataFrame, area_name: str) -> str:
    """'Ranked 3 of 20 wards in Camden by offences': every ward of the area counted; '' without a 12-month figure."""
    if total.empty or pd.isna(total.rank_in_area.iloc[0]):
        return ""
    t = total.iloc[0]
    return (
        f"Ranked {rank_text(t.rank_in_area, t.wards_in_area, t.tied_in_area)} wards in {area_name} and "
        f"{rank_text(t.rank_in_london, t.wards_in_london, t.tied_in_london)} in London by offences, 1 being the most."
    )


def build(r, model: Model) -> None:
    w = model.wards
    if w is None:
        return
    q = model.config.as_at
    areas = model.frame("areas", "areas").set_index("area_code")
    titles = dict(zip(model.crime_types.type_id, model.crime_types.title, strict=True)) | {TOTAL: TOTAL_TITLE}
    slugs = dict(zip(model.crime_types.type_id, model.crime_types.slug, strict=True))
    stats = w.stats.assign(crime_type=w.stats.type_id.map(titles), crime_slug=w.stats.type_id.map(slugs))
    by_ward = dict(tuple(stats.groupby("ward_code")))
    # Every crime group by month, one block of counts per ward (the wards' rows are contiguous in the frame).
    months = [m for m in w.monthly.columns if m <= q.end_month]
    type_ids = list(dict.fromkeys(w.monthly.index.get_level_values("type_id")))
    trend_columns = [titles.get(t, t) for t in type_ids]
    counts = w.monthly[months].to_numpy(dtype="int64")
    rows_of = {
        code: i for i, code in enumerate(w.monthly.index.get_level_values("ward_code")) if i % len(type_ids) == 0
    }
    source = r.context["crime_source"]
    notes_of = {t: model.break_notes(t) for t in stats.type_id.unique()}  # the same on every ward page
    notes = list(dict.fromkeys(n for t in sorted(notes_of) for n in notes_of[t]))
    # Where each ward lies: its borough by geometry (the crime file places Heathrow Villages in no borough).
    shapes = model.shapes.set_index("area_code") if model.shapes is not None else pd.DataFrame(columns=["parent_code"])
    parent_of = shapes.parent_code.to_dict()
    borough_dir = {b.code: model.area_dir("borough", b.slug) for b in model.boroughs.itertuples()}
    boost = model.search_boost("ward")  # read once, not once a page
    for ward in w.wards.itertuples():
        area = areas.loc[ward.area_code]
        mine = by_ward.get(ward.ward_code, stats.iloc[0:0])
        mine = pd.concat([mine[mine.type_id == TOTAL], mine[mine.type_id != TOTAL].sort_values("crime_type")])
        folder = model.area_dir("ward", ward.slug)
        labels = {"ward": ward.ward_name, "area": area["name"]}
        r.site.files[f"{folder}/crime-groups.csv"] = csv_bytes(
            mine.drop(columns=["crime_slug"]).assign(**labels, twelve_months=q.twelve_months, quarter_months=q.span),
            counts=WARD_COUNTS,
        )
        start = rows_of[ward.ward_code]
        block = pd.DataFrame(counts[start : start + len(type_ids)].T, columns=trend_columns)
        trends = block.assign(**labels).set_axis(range(len(months))).assign(month=months)
        r.site.files[f"{folder}/trends.csv"] = csv_bytes(trends[["month", *trend_columns, "ward", "area"]])
        s = pd.DataFrame({"month": months, "count": block[TOTAL_TITLE].to_numpy()})
        groups = {
            (titles[t], slugs[t]): pd.DataFrame({"month": months, "count": block[titles[t]].to_numpy()})
            for t in type_ids
            if t in slugs
        }
        chart = ward_trend(ward, mine, s, q, source) if len(s) else None
        tot = mine[mine.type_id == TOTAL]
        now = crime_now(
            ward.ward_name,
            tot.rolling_12m.iloc[0] if len(tot) else None,
            tot.previous_12m.iloc[0] if len(tot) else None,
            rank_sentence(tot, area["name"]),
            mine[mine.type_id != TOTAL].rename(columns={"crime_slug": "slug"}),
            s,
            q,
            model.indicators.missing("pct_change_12m"),
        )
        place = ward_place(ward, parent_of.get(ward.ward_code), shapes, areas, borough_dir)
        r.page(
            f"{folder}.md",
            "ward.md.j2",
            search_boost=boost,
            area_map=place,
            now=now,
            ward=ward,
            area=area,
            is_borough=area["level"] == "borough",
            rows=ward_rows(model, mine),
            notes_of=notes_of,
            notes=notes,
            trend=chart,
            multiples=small_trends(groups, ward.ward_name, q),
            multiples_indexed=False,
            area_name=ward.ward_name,
            trends_csv="trends.csv",
            to_month=month_name(q.end_month),
            ward_coverage=month_range(*w.coverage),
        )
    ward_list(r, w, stats, areas, model.folders["ward"])


def ward_trend(ward, mine: pd.DataFrame, series: pd.DataFrame, q, source: str):
    """All offences in the ward month by month, its quarter against the same quarter a year before."""
    total = mine[mine.type_id == TOTAL].iloc[0] if (mine.type_id == TOTAL).any() else None
    return charts.trend(
        f"ward-{ward.slug}",
        TOTAL_TITLE,
        ward.ward_name,
        series,
        charts.PALETTE[0],
        q.months,
        None if total is None else total.quarter,
        None if total is None else total.quarter_last_year,
        source,
    )


def ward_place(ward, parent: str | None, shapes: pd.DataFrame, areas: pd.DataFrame, borough_dir: dict) -> dict | None:
    """The map of where the ward lies in its borough (found by geometry), or None without boundaries for both."""
    if parent not in shapes.index or ward.ward_code not in shapes.index:
        return None
    borough = areas["name"].get(parent, shapes.loc[parent, "name"])
    return maps.place(
        f"place-{ward.ward_code}",
        f"Where {ward.ward_name} lies in {borough}",
        shapes.loc[parent],
        shapes.loc[ward.ward_code],
        f"{borough_dir[parent]}/" if parent in borough_dir else None,
        f"{ward.ward_name}, within the outline of {borough}",
    )


def ward_list(r, w, stats: pd.DataFrame, areas: pd.DataFrame, folder: str) -> None:
    """The list of wards (/wards/): every ward under its borough, with its offences."""
    listing = w.wards.merge(stats[stats.type_id == TOTAL], on=["ward_code", "area_code"], how="left")
    listing["area_name"] = listing.area_code.map(areas["name"])
    r.page(
        f"{folder}/index.md",
        "wards.md.j2",
        areas=[
            {"name": n, "wards": g.sort_values("ward_name").to_dict("records")}
            for n, g in listing.groupby("area_name", sort=True)
        ],
    )


def borough_wards(model: Model, code: str) -> tuple[list[dict], bytes | None]:
    """A borough's wards, for its page: rows and the CSV."""
    w = model.wards
    if w is None:
        return [], None
    total = w.stats[(w.stats.type_id == TOTAL) & (w.stats.area_code == code)]
    table = w.wards[w.wards.area_code == code].merge(total, on=["ward_code", "area_code"]).sort_values("ward_name")
    q = model.config.as_at
    data = csv_bytes(
        table[
            [
                "ward_code",
                "ward_name",
                "rolling_12m",
                "previous_12m",
                "pct_change_12m",
                "quarter",
                "quarter_last_year",
                "pct_change_quarter",
                "rank_in_area",
                "wards_in_area",
                "rank_in_london",
                "wards_in_london",
            ]
        ].assign(twelve_months=q.twelve_months, quarter_months=q.span),
        counts=WARD_COUNTS,
    )
    return ward_rows(model, table), data


def ward_map(model: Model, borough_code: str, title: str, highlight: str | None = None) -> dict | None:
    """The wards of a borough (by geometry) coloured by all offences over the 12 months, each a link to its page."""
    w, shapes = model.wards, model.shapes
    if w is None or shapes is None:
        return None
    mine = shapes[(shapes.level == "ward") & (shapes.parent_code == borough_code)]
    if mine.empty:
        return None
    total = w.stats[w.stats.type_id == TOTAL].set_index("ward_code").rolling_12m
    slugs = dict(zip(w.wards.ward_code, w.wards.slug, strict=True))
    hrefs = {c: f"{model.area_dir('ward', slugs[c])}/" for c in mine.area_code if c in slugs}
    return maps.choropleth(f"wards-{borough_code}", title, mine, total.to_dict(), hrefs, 0, highlight)


def borough_wards_by_crime(model: Model, code: str) -> tuple[list[dict], list[dict], bytes | None]:
    """A borough's wards by crime group, for its page: the groups (columns), the rows, and the long CSV with
    every ward's count, change and ranks in the borough and in London for each group."""
    w = model.wards
    if w is None:
        return [], [], None
    groups = model.crime_types[model.crime_types.kind == "group"].sort_values("title")
    stats = w.stats[(w.stats.area_code == code) & w.stats.type_id.isin(groups.type_id)]
    stats = stats.merge(w.wards[["ward_code", "ward_name", "slug"]], on="ward_code")
    wide = stats.pivot(index=["ward_name", "ward_code", "slug"], columns="type_id", values="rolling_12m")
    present = [g for g in groups.itertuples() if g.type_id in wide.columns]
    rows = [
        {"ward_name": name, "slug": slug, "cells": [shown(model, values[g.type_id], "rolling_12m") for g in present]}
        for (name, _, slug), values in wide.iterrows()
    ]
    q = model.config.as_at
    long = stats.assign(crime_group=stats.type_id.map(dict(zip(groups.type_id, groups.title, strict=True))))
    long = long.sort_values(["crime_group", "rank_in_area", "ward_name"])[
        [
            "ward_code",
            "ward_name",
            "crime_group",
            "rolling_12m",
            "previous_12m",
            "pct_change_12m",
            "rank_in_area",
            "wards_in_area",
            "rank_in_london",
            "wards_in_london",
        ]
    ].assign(twelve_months=q.twelve_months)
    return [{"type_id": g.type_id, "title": g.title} for g in present], rows, csv_bytes(long, counts=WARD_COUNTS)
