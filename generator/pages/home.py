"""Home: the quarter at a glance, headline indicators per priority, and the London tile map."""

from __future__ import annotations

import pandas as pd

from .. import finance as money
from .. import tilemap
from ..formats import csv_bytes
from ..periods import month_name
from ..reconcile import rows_of
from . import Model, shown
from .now import crime_now


def interpret(direction: str, pct, within_plan: bool = True) -> str:
    """Read a change against the Plan's direction of travel, without claiming causes. Outside the Plan's period
    only its aim is stated: data from after the Plan cannot be moving the way it wants."""
    if not within_plan:
        return {"reduce": "to reduce it", "increase-reporting": "more reports from victims"}.get(direction, "none set")
    if pct is None or pd.isna(pct):
        return "no comparison"
    if direction == "reduce":
        return "moving the way the Plan wants" if pct < 0 else "moving against the Plan's aim to reduce"
    if direction == "increase-reporting":
        return "more reports: the Plan wants more victims to come forward" if pct > 0 else "fewer reports"
    return "monitored: the Plan sets no direction"


def tile_layers(model: Model) -> list[dict]:
    """One colouring of the map per indicator (12-month % change), plus LCPF allocations."""
    b = model.boroughs
    q = model.config.as_at
    layers = []
    if model.crime_included:
        ind = model.indicators
        for d in model.definitions.itertuples():
            values = {code: ind.value(code, d.indicator_id, "pct_change_12m") for code in b.code}
            label = f"{d.title}: {q.twelve_months} against {q.year_earlier().twelve_months}"
            layers.append(tilemap.change_layer(d.indicator_id, label, values))
    allocations = model.frame("boroughs", "lcpf-allocations")
    lcpf = allocations.set_index("borough_code")["allocation"]
    label = f"London Crime Prevention Fund {allocations.financial_year.iloc[0]} allocation"
    layers.append(tilemap.quintile_layer("lcpf", label, {c: lcpf.get(c) for c in b.code}, 0, "£"))
    return layers


def build(r, model: Model) -> None:
    headline = headline_rows(model, not r.context["plan_ended"]) if model.crime_included else []
    pri = model.priorities.set_index("priority_id")
    by_priority: dict[str, list] = {}
    for h in headline:
        by_priority.setdefault(h["indicator"].priority_id, []).append(h)
    headline_groups = [(pid, pri.loc[pid, "title"] if pid in pri.index else pid, hs) for pid, hs in by_priority.items()]
    if headline:
        r.site.files["headline.csv"] = headline_csv(model, headline)
    total = model.definitions[model.definitions.categories.str.strip() == "*"].indicator_id
    non_borough = None
    if model.crime_included and len(total):
        non_borough = model.indicators.value(model.indicators.region, total.iloc[0], "non_borough_12m")
    r.page(
        "index.md",
        "home.md.j2",
        find_areas=find_areas(model),
        now=london_now(model, r.context["london"]) if model.crime_included else None,
        crime_groups=model.crime_types[model.crime_types.kind == "group"].to_dict("records")
        if model.crime_included
        else [],
        headline=headline,
        headline_groups=headline_groups,
        non_borough=non_borough,
        published=printed_rows(model, pri),
        # In name order: the grid places each tile by its row and column, and on a phone the tiles become this list.
        tiles=model.boroughs.sort_values("name").to_dict("records"),
        layers=tile_layers(model),
        **in_brief(model),
    )


def in_brief(model: Model) -> dict:
    """The latest Dedicated Ward Officer count and the latest finance quarter's revenue, each with its own date."""
    dwo = model.frame("performance", "dedicated-ward-officers").sort_values("date").iloc[-1]
    revenue = money.latest(model.frame("finance", "revenue-reported-totals"))
    return {
        "dwo": dwo,
        "dwo_at": month_name(dwo.date[:7]),
        "dwo_due": month_name(dwo.target_date[:7]),
        "revenue": revenue.set_index("line_item"),
        "revenue_at": money.quarters(revenue)[-1],
    }


def headline_rows(model: Model, plan_running: bool) -> list[dict]:
    """Each indicator for London: offences, changes, the quarter before, and how it reads against the Plan."""
    ind = model.indicators
    prev = str(model.config.as_at.previous)
    out = []
    for d in model.definitions.itertuples():
        pct = ind.value(ind.region, d.indicator_id, "pct_change_12m")
        h = {
            "indicator": d,
            "r12": ind.value(ind.region, d.indicator_id, "rolling_12m"),
            "pct_12m": pct,
            "pct_quarter": ind.value(ind.region, d.indicator_id, "pct_change_quarter"),
            "prev_r12": ind.value(ind.region, d.indicator_id, "rolling_12m", prev),
            "reading": interpret(d.direction, pct, plan_running),
        }
        h["cells"] = [
            shown(model, h["r12"], "rolling_12m"),
            shown(model, pct, "pct_change_12m", 1, True, "%"),
            shown(model, h["pct_quarter"], "pct_change_quarter", 1, True, "%"),
            shown(model, h["prev_r12"], "rolling_12m", period=model.config.as_at.previous),
        ]
        out.append(h)
    return out


def headline_csv(model: Model, headline: list[dict]) -> bytes:
    q = model.config.as_at
    return csv_bytes(
        pd.DataFrame(
            [
                {
                    "indicator_id": h["indicator"].indicator_id,
                    "indicator": h["indicator"].title,
                    "priority_id": h["indicator"].priority_id,
                    "offences_12_months": h["r12"],
                    "pct_change_12_months": h["pct_12m"],
                    "pct_change_quarter_on_year": h["pct_quarter"],
                    "offences_12_months_to_previous_quarter": h["prev_r12"],
                    "plan_direction": h["indicator"].direction,
                    "twelve_months": q.twelve_months,
                    "quarter": q.span,
                }
                for h in headline
            ]
        ),
        counts=("offences_12_months", "offences_12_months_to_previous_quarter"),
    )


def printed_rows(model: Model, pri: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """MOPAC's printed 12-month figures by Plan priority, each beside the open data's count for the same months
    and why the two may differ."""
    published = rows_of(model.frame("performance", "recorded-crime-12-months"), model.printed_london)
    recon = model.reconciliation.set_index("category_id")
    published = published.assign(
        computed=published.category_id.map(recon["computed_12m"]),
        one_to_one=published.category_id.map(recon["one_to_one"]).fillna(False),
        difference_note=published.category_id.map(recon["note"]).fillna(""),
    )
    return [
        (pri.loc[pid, "title"] if pid in pri.index else pid, rows)
        for pid, rows in published.groupby("priority_id", sort=False)
    ]


def london_now(model: Model, london: str):
    """Crime now in London: the total, its change, and the crime groups that moved most."""
    ind, total_id = model.indicators, model.total_indicator
    groups = model.crime_types[model.crime_types.kind == "group"]
    total, change = (ind.value(ind.region, total_id, m) for m in ("rolling_12m", "change_12m"))
    return crime_now(
        london,
        total,
        None if total is None or change is None else total - change,
        "",
        pd.DataFrame(
            {
                "crime_type": groups.title,
                "slug": groups.slug,
                "rolling_12m": [ind.value(ind.region, t, "rolling_12m") for t in groups.type_id],
                "pct_change_12m": [ind.value(ind.region, t, "pct_change_12m") for t in groups.type_id],
            },
            dtype=object,
        ).astype({"rolling_12m": float, "pct_change_12m": float}),
        ind.series_for(total_id, ind.region),
        model.config.as_at,
        ind.missing("pct_change_12m"),
    )


def find_areas(model: Model) -> list[dict]:
    """Every borough, and every ward when there are ward pages, for the home page's finder."""
    out = [
        {"label": f"{b.name} (borough)", "text": f"{b.name} {b.code}", "path": f"{model.area_dir('borough', b.slug)}/"}
        for b in model.boroughs.sort_values("name").itertuples()
    ]
    if model.wards is not None:
        area_names = model.frame("areas", "areas").set_index("area_code")["name"]
        out += [
            {
                "label": f"{w.ward_name}, {area_names.get(w.area_code, '')} (ward)",
                "text": f"{w.ward_name} {w.ward_code} {area_names.get(w.area_code, '')}",
                "path": f"{model.area_dir('ward', w.slug)}/",
            }
            for w in model.wards.wards.sort_values("ward_name").itertuples()
        ]
    return out
