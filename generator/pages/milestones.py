"""The milestones tracker: every milestone, its status at each update, filterable."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..formats import csv_bytes
from ..periods import month_name
from . import Model

STATUSES = ["delivered", "on track", "some delays", "not stated"]


def download(ms, pr, reports, titles) -> pd.DataFrame:
    """Every milestone with its status and how the status was read: the reading notes live here, not on the page."""
    later = pr["status"].rename("later_status")
    out = ms.join(pr.drop(columns=["report_id", "source_doc", "source_ref", "source_line"]), on="milestone_id")
    out = out.join(later, on="later_milestone_id")
    out["report"] = out.report_id.map(reports["quarter"])
    out["priority"] = out.priority_id.map(titles).fillna("")
    return out[
        [
            "milestone_id", "report", "due_quarter", "section", "priority", "omm_programme", "milestone", "status",
            "evidence", "evidence_quote", "confidence", "reading_note", "later_milestone_id", "later_status",
            "source_doc", "source_line",
        ]
    ]  # fmt: skip


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def status_summary(counts: dict[str, list[int]], reports: pd.DataFrame) -> str:
    """How many milestones each update reports, delivered and with no stated status, for any number of updates:
    the latest first."""
    said = [
        f"{sum(counts[k])} milestones in the {reports.loc[k, 'quarter']} update, "
        f"{counts[k][STATUSES.index('delivered')]} are stated as delivered and "
        f"{counts[k][STATUSES.index('not stated')]} have no stated status"
        for k in reports.sort_values("period_end", ascending=False).index
        if k in counts
    ]
    return f"Of {'; of '.join(said)}." if said else "No update reports any milestone."


def build(r, model: Model) -> None:
    ms = model.frame("milestones", "milestones")
    pr = model.frame("milestones", "progress").set_index("milestone_id")
    reports = model.frame("milestones", "reports").set_index("report_id")
    titles = model.priorities.set_index("priority_id")["title"].to_dict()
    rows = []
    for m in ms.itertuples():
        p = pr.loc[m.milestone_id]
        later = pr.loc[m.later_milestone_id] if m.later_milestone_id else None
        rows.append(
            {
                "m": m,
                "p": p,
                "report": reports.loc[m.report_id, "quarter"],
                "priority": titles.get(m.priority_id, ""),
                "later": later,
                "later_id": m.later_milestone_id,
            }
        )
    r.site.files["milestones/milestones.csv"] = csv_bytes(download(ms, pr, reports, titles))
    counts = {rep: [int(((pr.report_id == rep) & (pr.status == s)).sum()) for s in STATUSES] for rep in reports.index}
    chart = charts.bars(
        "milestone-status",
        "Milestone status as reported in each update",
        STATUSES,
        {reports.loc[k, "quarter"] + " update": v for k, v in counts.items()},
        "Milestones",
        status_summary(counts, reports),
        "; ".join(reports.title),
        f"{month_name(str(reports.period_start.min())[:7])} to {month_name(str(reports.period_end.max())[:7])}",
    )
    r.page(
        "milestones.md",
        "milestones.md.j2",
        rows=rows,
        statuses=STATUSES,
        chart_status=chart,
        update_quarters=listed(reports.sort_values("period_end").quarter.tolist()),
        quarters=sorted(ms.due_quarter.unique()),
        programmes=sorted(p for p in ms.omm_programme.unique() if p),
        priorities=[(k, titles[k]) for k in model.priorities.priority_id if k in set(ms.priority_id)],
    )
