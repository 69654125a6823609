"""Finance: revenue and its variance bridge, business groups, capital, reserves, savings, virements."""

from __future__ import annotations

from .. import charts
from .. import finance as money
from ..errors import DataError, raise_all
from ..formats import csv_bytes
from ..periods import month_name
from . import Model


def build(r, model: Model) -> None:
    f = model.catalog.role("finance").frames
    # The latest reporting quarter's rows lead; each measure's quarters come from the rows (stage 2, finance.py).
    rev, totals = money.latest(f["revenue"]), money.latest(f["revenue-reported-totals"])
    series = money.by_quarter(f)
    r.site.files["finance/by-quarter.csv"] = csv_bytes(series)
    # Source, period, page references and every figure in a sentence come from the rows themselves: a new year's
    # package, or another quarter's, names its own.
    doc = model.doc(rev.source_doc.iloc[0])
    src = f"{doc['publisher']}, {doc['title']}"
    q = money.quarters(rev)[-1]
    period = f"{q.financial_year}, position at the end of Q{q.q} ({month_name(q.end_month)})"
    net = totals.set_index("line_item").loc[money.NET_LINE]
    vir = f["virements"]
    lines = list(dict.fromkeys(vir.budget_line))
    matrix = vir.pivot_table(
        index=["block", "movement"], columns="budget_line", values="amount", aggfunc="sum", sort=False
    ).reindex(columns=lines)
    r.page(
        "finance.md",
        "finance.md.j2",
        quarter=q,
        position_at=month_name(q.end_month),
        finance_source=model.cite(rev.source_doc.iloc[0]),
        series=series.to_dict("records"),
        series_said=quarters_sentence(series),
        c_rev=revenue_chart(rev, net, src, period),
        c_bridge=bridge_chart(rev, bridge_steps(model, rev), net, src, period),
        c_bg=business_group_chart(money.latest(f["business-groups"]), src, period),
        c_cap=capital_chart(money.latest(f["capital"]), src, period),
        c_res=reserves_chart(money.latest(f["reserves"]), src),
        c_sv=savings_chart(money.latest(f["savings"]), money.latest(f["savings-reported-totals"]).iloc[0], src, period),
        revenue=rev.to_dict("records"),
        totals=totals.to_dict("records"),
        net=net,
        matrix=matrix,
        vlines=lines,
        reprofiles=f["capital-reprofiles"].to_dict("records"),
    )


def quarters_sentence(series) -> str:
    """The latest quarter's net position, then the quarter before's, each naming its quarter and month."""

    def position(row) -> str:
        word = "underspend" if row.net_variance_full_year < 0 else "overspend"
        return (
            f"at the end of {row.report_quarter} ({row.position_at}), a full-year forecast {word} of "
            f"£{abs(row.net_variance_full_year):.1f}m against a net budget of £{row.net_budget_full_year:,.1f}m"
        )

    rows = list(series.itertuples())
    said = position(rows[-1])
    said = said[0].upper() + said[1:]
    if len(rows) == 1:
        return f"{said}. This is the one quarter this package reports; each later report adds its rows."
    return f"{said}; {position(rows[-2])}."


def cited(src: str, rows) -> str:
    """The document, then the table the rows were read from, with its page (their source_ref)."""
    return f"{src}: " + "; ".join(dict.fromkeys(rows.source_ref))


def revenue_chart(rev, net, src: str, period: str):
    spend = rev[rev.line_group != "funding"]
    return charts.bars(
        "revenue-budget-forecast",
        "Revenue: full-year budget and forecast by line (£m)",
        spend.line_item.tolist(),
        {"Budget": spend.budget_full_year.tolist(), "Forecast": spend.forecast_full_year.tolist()},
        "£ million",
        f"The MPS and MOPAC forecast a full-year net spend of £{net.forecast_full_year:,.1f}m against a budget of "
        f"£{net.budget_full_year:,.1f}m, an underspend of £{-net.variance_full_year:.1f}m.",
        cited(src, rev),
        period,
        horizontal=True,
    )


def bridge_steps(model: Model, rev) -> list[tuple[str, list[str]]]:
    """The bridge's steps and the revenue lines each adds up (the package's variance-bridge resource), every line
    one the revenue table prints."""
    pkg = model.catalog.role("finance")
    bridge = pkg.frames["variance-bridge"]
    lines = set(rev.line_item)
    problems = [
        DataError(
            f"'{line}' is not a line of the revenue table ({', '.join(sorted(lines))})",
            path=pkg.path / pkg.resource("variance-bridge")["path"],
            resource="variance-bridge",
            row=i + 2,
            field="line_item",
        )
        for i, line in enumerate(bridge.line_item)
        if line not in lines
    ]
    raise_all(problems, f"{len(problems)} lines of the variance bridge are not in the revenue table")
    return [(step, group.line_item.tolist()) for step, group in bridge.groupby("step", sort=False)]


def bridge_chart(rev, steps_of: list[tuple[str, list[str]]], net, src: str, period: str):
    """From budget to forecast in the steps the package declares; the sentence names the two largest under- and
    the largest overspend among them."""
    by_line = rev.set_index("line_item")["variance_full_year"]
    steps = [(label, round(float(by_line[lines].sum()), 1)) for label, lines in steps_of]
    under = sorted((v, label) for label, v in steps if v < 0)[:2]
    over = sorted(((v, label) for label, v in steps if v > 0), reverse=True)[:1]
    said = [f"{label.lower()} (£{-v:.1f}m under)" for v, label in under] + [
        f"{label.lower()} (£{v:.1f}m over)" for v, label in over
    ]
    c = charts.waterfall(
        "revenue-variance-bridge",
        "From budget to forecast: where the variance comes from (£m)",
        "Net budget",
        float(net.budget_full_year),
        steps,
        "Net forecast",
        float(net.forecast_full_year),
        "£ million",
        f"The largest steps: {', '.join(said[:-1])} and {said[-1]}." if len(said) > 1 else "No step moves.",
        cited(src, rev),
        period,
    )
    c.notes.append(
        "The vertical axis does not start at zero. The steps add up to the printed variance within rounding: see "
        "the data quality page."
    )
    return c


def business_group_chart(bg, src: str, period: str):
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
    low, high = bg.loc[bg.variance_full_year.idxmin()], bg.loc[bg.variance_full_year.idxmax()]
    name = lambda row: f"{row.business_group} {row.cost_type.replace('-', ' ')}"
    return charts.bars(
        "business-group-variance",
        "Full-year variance by business group (£m)",
        groups,
        series,
        "£ million",
        f"{name(low)} is the largest underspend (£{-low.variance_full_year:.1f}m) and {name(high)} the largest "
        f"overspend (£{high.variance_full_year:.1f}m).",
        cited(src, bg),
        period,
        horizontal=True,
    )


def capital_chart(cap, src: str, period: str):
    return charts.bars(
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
        f"£{cap.forecast_full_year.sum():,.1f}m; £{cap.actual_ytd.sum():,.1f}m was spent in "
        f"Q{int(cap.quarter.iloc[0])}.",
        cited(src, cap),
        period,
        horizontal=True,
    )


def reserves_chart(res, src: str):
    """Reserves by year, each year's bar actual, forecast or planned as its row's status says."""
    labels = [
        f"{y} ({s.lower().replace('forecasted', 'forecast')})"
        for y, s in zip(res.financial_year, res.status, strict=False)
    ]
    years = res.financial_year.tolist()
    actual = res[res.status == "Actual"].financial_year.tolist()
    forecast = res[res.status == "Forecasted"]
    c = charts.bars(
        "reserves",
        "Reserves at year end: general and earmarked (£m)",
        labels,
        {
            "General fund reserve": res.general_fund_reserve.tolist(),
            "Earmarked reserves": res.earmarked_reserves.tolist(),
        },
        "£ million",
        f"Reserves fall from £{res.closing_balance.iloc[0]:,.1f}m at the end of {years[0]} to a "
        f"forecast £{forecast.closing_balance.iloc[0]:,.1f}m at the end of {forecast.financial_year.iloc[0]}, and "
        f"are planned at £{res.closing_balance.iloc[-1]:,.1f}m in {years[-1]}.",
        cited(src, res),
        f"{years[0]} to {years[-1]}: actual to {actual[-1]}, forecast for {', '.join(forecast.financial_year)}, "
        "planned after",
    )
    patterns = ["" if s == "Actual" else ("/" if s == "Forecasted" else ".") for s in res.status]
    for t in c.figure["data"]:
        t["marker"]["pattern"] = {"shape": patterns}
    c.figure["layout"]["barmode"] = "stack"
    c.notes.append("Hatched bars are forecast; dotted bars are planned.")
    return c


def savings_chart(sv, sv_total, src: str, period: str):
    """Planned against forecast savings; the summary quotes the printed total and says where the rows add up
    differently."""
    rows_total = -sv.forecast_saving.sum()
    differs = (
        ""
        if round(rows_total, 1) == -sv_total.forecast_saving
        else (f" (the rows add up to £{rows_total:.1f}m: see the data quality page)")
    )
    return charts.bars(
        "savings",
        f"Savings {sv.financial_year.iloc[0]}: planned and forecast (£m; negative = saving)",
        sv.savings_category.tolist(),
        {"Planned": sv.planned_saving.tolist(), "Forecast": sv.forecast_saving.tolist()},
        "£ million",
        f"Of £{-sv_total.planned_saving:.1f}m of planned savings, £{-sv_total.forecast_saving:.1f}m is "
        f"forecast to be delivered this year, as printed{differs}.",
        cited(src, sv),
        period,
        horizontal=True,
    )
