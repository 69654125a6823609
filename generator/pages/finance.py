"""Finance: revenue and its variance bridge, business groups, capital, reserves, savings, virements."""

from __future__ import annotations

from .. import charts
from ..periods import Quarter, month_name
from . import Model

BRIDGE = [
    ("Police officer pay", ["Police Officer Pay"]),
    ("Police staff pay", ["Police Staff Pay"]),
    ("PCSO pay", ["PCSO Pay"]),
    ("Overtime", ["Police Officer Overtime", "Police Staff Overtime", "PCSO Overtime"]),
    ("Running expenses", ["Employee Related Expenditure", "Premises Costs", "Transport Costs", "Supplies & Services"]),
    ("Capital financing", ["Capital Financing Costs"]),
    ("Pensions", ["Discretionary Pension Costs"]),
    ("Other income", ["Other Income"]),
    ("Specific grants", ["Specific Grants"]),
    ("Reserves", ["Transfer to/(from) reserves"]),
]


def build(r, model: Model) -> None:
    f = model.catalog.role("finance").frames
    rev, tot = f["revenue"], f["revenue-reported-totals"].set_index("line_item")
    # Source and period from the rows themselves: a new year's package names its own.
    doc = model.doc(rev.source_doc.iloc[0])
    src = f"{doc['publisher']}, {doc['title']}"
    fy, q = rev.financial_year.iloc[0], int(rev.quarter.iloc[0])
    period = f"{fy}, position at the end of Q{q} ({month_name(Quarter(int(fy[:4]), q).end_month)})"
    net = tot.loc["TOTAL NET EXPENDITURE"]
    by_line = rev.set_index("line_item")["variance_full_year"]
    steps = [(label, round(float(by_line[lines].sum()), 1)) for label, lines in BRIDGE]
    spend = rev[rev.line_group != "funding"]
    c_rev = charts.bars(
        "revenue-budget-forecast",
        "Revenue: full-year budget and forecast by line (£m)",
        spend.line_item.tolist(),
        {"Budget": spend.budget_full_year.tolist(), "Forecast": spend.forecast_full_year.tolist()},
        "£ million",
        f"The MPS and MOPAC forecast a full-year net spend of £{net.forecast_full_year:,.1f}m against a budget of "
        f"£{net.budget_full_year:,.1f}m, an underspend of £{-net.variance_full_year:.1f}m.",
        src + ", revenue table (p.35)",
        period,
        horizontal=True,
    )
    c_bridge = charts.waterfall(
        "revenue-variance-bridge",
        "From budget to forecast: where the variance comes from (£m)",
        "Net budget",
        float(net.budget_full_year),
        steps,
        "Net forecast",
        float(net.forecast_full_year),
        "£ million",
        f"Police staff pay (£{-steps[1][1]:.1f}m under) and officer pay (£{-steps[0][1]:.1f}m under) outweigh "
        f"overtime (£{steps[3][1]:.1f}m over).",
        src + ", revenue table (p.35)",
        period,
    )
    c_bridge.notes.append(
        "The vertical axis does not start at zero. The steps add up to the printed variance within rounding: see "
        "the data quality page."
    )
    bg = f["business-groups"]
    groups = list(dict.fromkeys(bg.business_group))
    series = {
        ct.replace("-", " ").capitalize(): [
            float(bg[(bg.cost_type == ct) & (bg.business_group == g)].variance_full_year.sum())
            if ((bg.cost_type == ct) & (bg.business_group == g)).any()
            else None
            for g in groups
        ]
        for ct in bg.cost_type.unique()
    }
    c_bg = charts.bars(
        "business-group-variance",
        "Full-year variance by business group (£m)",
        groups,
        series,
        "£ million",
        "Centrally held officer pay is the largest underspend (£24.5m) and Specialist Operations overtime the "
        "largest overspend (£12.2m).",
        src + ", business group tables (pp.36-37)",
        period,
        horizontal=True,
    )
    cap = f["capital"]
    c_cap = charts.bars(
        "capital-by-programme",
        "Capital: budget and forecast by programme (£m)",
        [f"{p} ({d})" for p, d in zip(cap.programme, cap.directorate, strict=False)],
        {
            "Budget": cap.budget_full_year.tolist(),
            "Forecast": cap.forecast_full_year.tolist(),
            "Spent to date": cap.actual_ytd.tolist(),
        },
        "£ million",
        f"The capital programme of £{cap.budget_full_year.sum():,.1f}m is forecast to spend "
        f"£{cap.forecast_full_year.sum():,.1f}m; £{cap.actual_ytd.sum():,.1f}m was spent in Q1.",
        src + ", capital table (p.38)",
        period,
        horizontal=True,
    )
    res = f["reserves"]
    labels = [
        f"{y} ({s.lower().replace('forecasted', 'forecast')})"
        for y, s in zip(res.financial_year, res.status, strict=False)
    ]
    c_res = charts.bars(
        "reserves",
        "Reserves at year end: general and earmarked (£m)",
        labels,
        {
            "General fund reserve": res.general_fund_reserve.tolist(),
            "Earmarked reserves": res.earmarked_reserves.tolist(),
        },
        "£ million",
        f"Reserves fall from £{res.closing_balance.iloc[0]:,.1f}m at the end of {res.financial_year.iloc[0]} to a "
        f"forecast £{res[res.status == 'Forecasted'].closing_balance.iloc[0]:,.1f}m at the end of 2017/18, and are "
        f"planned at £{res.closing_balance.iloc[-1]:,.1f}m in {res.financial_year.iloc[-1]}.",
        src + ", reserves table (p.40)",
        "2014/15 to 2020/21: actual to 2016/17, forecast for 2017/18, planned after",
    )
    patterns = ["" if s == "Actual" else ("/" if s == "Forecasted" else ".") for s in res.status]
    for t in c_res.figure["data"]:
        t["marker"]["pattern"] = {"shape": patterns}
    c_res.figure["layout"]["barmode"] = "stack"
    c_res.notes.append("Hatched bars are forecast; dotted bars are planned.")
    sv = f["savings"]
    # The summary quotes the printed total; where the rows add up differently, it says so.
    sv_total = f["savings-reported-totals"].iloc[0]
    rows_total = -sv.forecast_saving.sum()
    differs = (
        ""
        if round(rows_total, 1) == -sv_total.forecast_saving
        else (f" (the rows add up to £{rows_total:.1f}m: see the data quality page)")
    )
    c_sv = charts.bars(
        "savings",
        "Savings 2017/18: planned and forecast (£m; negative = saving)",
        sv.savings_category.tolist(),
        {"Planned": sv.planned_saving.tolist(), "Forecast": sv.forecast_saving.tolist()},
        "£ million",
        f"Of £{-sv_total.planned_saving:.1f}m of planned savings, £{-sv_total.forecast_saving:.1f}m is "
        f"forecast to be delivered this year, as printed{differs}.",
        src + ", savings table (p.38)",
        period,
        horizontal=True,
    )
    vir = f["virements"]
    lines = list(dict.fromkeys(vir.budget_line))
    matrix = vir.pivot_table(
        index=["block", "movement"], columns="budget_line", values="amount", aggfunc="sum", sort=False
    ).reindex(columns=lines)
    r.page(
        "finance.md",
        "finance.md.j2",
        finance_source=model.cite(rev.source_doc.iloc[0]),
        c_rev=c_rev,
        c_bridge=c_bridge,
        c_bg=c_bg,
        c_cap=c_cap,
        c_res=c_res,
        c_sv=c_sv,
        revenue=rev.to_dict("records"),
        totals=f["revenue-reported-totals"].to_dict("records"),
        net=net,
        matrix=matrix,
        vlines=lines,
        reprofiles=f["capital-reprofiles"].to_dict("records"),
    )
