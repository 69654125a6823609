"""One page per Plan priority: measures, indicators with data, commitments, milestones."""

from __future__ import annotations

from .. import charts
from ..periods import Quarter
from . import Model

DIRECTION = {
    "improve": "Improve",
    "reduce": "Reduce",
    "increase-reporting": "Increase reporting",
    "increase-reporting and reduce-repeat": "Increase reporting, reduce repeat victimisation",
    "monitor": "Monitor",
}


def printed_series(model: Model, priority_id: str) -> list[dict]:
    """MOPAC's printed 12-month figures for one priority: each crime, every quarter it was reported, newest first."""
    printed = model.frame("performance", "recorded-crime-12-months")
    mine = printed[printed.priority_id == priority_id]
    crimes = list(dict.fromkeys(mine.category_id))
    rows = [{"row": r, "quarter": Quarter.parse(r.report_quarter)} for r in mine.itertuples()]
    newest_first = sorted(rows, key=lambda x: x["quarter"], reverse=True)
    return sorted(newest_first, key=lambda x: crimes.index(x["row"].category_id))


def build(r, model: Model) -> None:
    plan = model.catalog.role("plan").frames
    progress = model.frame("milestones", "progress")
    milestones = model.frame("milestones", "milestones")
    status = progress.set_index("milestone_id")
    keys = model.definitions["indicator_id"].tolist()
    all_topics = model.catalog.role("definitions").frames["topics"]
    for p in model.priorities.itertuples():
        measures = plan["measures"][plan["measures"].priority_id == p.priority_id]
        topics = all_topics.merge(measures, on="measure_id")
        defs = model.definitions[model.definitions.priority_id == p.priority_id]
        indicators = []
        if model.crime_included:
            ind = model.indicators
            for d in defs.itertuples():
                s = ind.series_for(d.indicator_id, ind.region)
                if s.empty:  # no category of this indicator is in the imported file
                    continue
                c = charts.trend(
                    f"{p.priority_id}-{d.indicator_id}",
                    d.title,
                    r.context["london"],
                    s,
                    charts.colour_for(d.indicator_id, keys),
                    model.config.as_at.months,
                    ind.value(ind.region, d.indicator_id, "quarter"),
                    ind.value(ind.region, d.indicator_id, "quarter_last_year"),
                    r.context["crime_source"],
                )
                if d.note:
                    c.notes.append(d.note)
                indicators.append({"d": d, "chart": c, "pct": ind.value(ind.region, d.indicator_id, "pct_change_12m")})
        ms = milestones[milestones.priority_id == p.priority_id].copy()
        ms["status"] = [status.loc[m, "status"] for m in ms.milestone_id]
        r.page(
            f"priorities/{p.priority_id}.md",
            "priority.md.j2",
            p=p,
            measures=measures.to_dict("records"),
            topics=topics.to_dict("records"),
            directions=DIRECTION,
            defs=defs.to_dict("records"),
            indicators=indicators,
            commitments=plan["commitments"][plan["commitments"].priority_id == p.priority_id].to_dict("records"),
            deliverables=plan["deliverables"][plan["deliverables"].priority_id == p.priority_id].to_dict("records"),
            milestones=ms.to_dict("records"),
            rules=plan["local-priority-rules"].to_dict("records") if p.priority_id == "local-priorities" else [],
            printed=printed_series(model, p.priority_id),
            printed_package=model.catalog.name_of("performance"),
        )
    r.page(
        "priorities/index.md",
        "priorities.md.j2",
        priorities=model.priorities.to_dict("records"),
        counts=plan["measures"].groupby("priority_id").size().to_dict(),
    )
