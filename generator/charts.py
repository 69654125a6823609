"""Figure builders. Each returns a Chart: the Plotly figure (plain JSON), exactly the
data it plots, a one-sentence summary generated from the numbers, and its source.

Figures are written as plain dicts in Plotly's schema (no template), so a page
carries only its own numbers; tests check every figure with plotly.graph_objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .formats import fmt_int
from .periods import month_name

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
GREY = "#7f7f7f"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 13}


@dataclass
class Chart:
    chart_id: str
    title: str
    figure: dict
    data: pd.DataFrame
    summary: str
    source: str
    period: str
    notes: list[str] = field(default_factory=list)
    unit: str = ""


def colour_for(key: str, keys: list[str]) -> str:
    """The same indicator (or series) gets the same colour on every page."""
    return PALETTE[keys.index(key) % len(PALETTE)] if key in keys else GREY


def layout(title: str, yaxis: str, **extra) -> dict:
    out = {
        "title": {"text": title, "font": {"size": 15}},
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 40},
        "yaxis": {
            "title": {"text": yaxis},
            "rangemode": "tozero",
            "gridcolor": "#e5e5e5",
            "zeroline": True,
            "automargin": True,
        },
        "xaxis": {"gridcolor": "#f0f0f0", "automargin": True},
        # Above the plot, under the title: below it, the legend collides with slanted labels and axis titles.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "x unified",
        "height": 360,
    }
    out.update(extra)
    return out


def direction_word(pct: float) -> str:
    if pct is None or pd.isna(pct):
        return "could not be compared"
    if abs(pct) < 0.05:
        return "was unchanged"
    return f"{'rose' if pct > 0 else 'fell'} {abs(pct):.{1 if abs(pct) < 10 else 0}f}%"


def twelve_month_average(counts: np.ndarray) -> np.ndarray:
    """The mean of each month's count and the 11 before it, to one decimal; NaN for the first 11 months."""
    out = np.full(len(counts), np.nan)
    if len(counts) >= 12:
        total = np.concatenate(([0], np.cumsum(counts)))
        out[11:] = np.round((total[12:] - total[:-12]) / 12.0, 1)  # whole numbers: the sums are exact
    return out


def trend(
    chart_id: str,
    title: str,
    area_name: str,
    series: pd.DataFrame,
    colour: str,
    quarter_months: list[str],
    quarter: float | None,
    quarter_last_year: float | None,
    source: str,
) -> Chart:
    """Monthly counts for an area, with its 12-month average and the quarter shaded.

    The summary quotes the indicator engine's quarter figures, so chart and tables never disagree."""
    s = series if series["month"].is_monotonic_increasing else series.sort_values("month")
    months, counts = s["month"].tolist(), s["count"].to_numpy(dtype="int64")
    avg = twelve_month_average(counts)
    data = pd.DataFrame({"month": months, "offences": counts, "12-month average": avg})
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"{area_name}: offences per month",
            "x": months,
            "y": counts.tolist(),
            "line": {"color": colour, "width": 1.5},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "12-month average",
            "x": months,
            "y": [None if v != v else v for v in avg.tolist()],
            "line": {"color": "#000000", "width": 2, "dash": "dot"},
        },
    ]
    q, cur, ly = quarter_months, quarter, quarter_last_year
    pct = (cur - ly) / ly * 100 if cur is not None and ly else float("nan")
    span = f"{month_name(q[0]).split()[0]}-{month_name(q[-1])}"
    summary = (
        f"{title} in {area_name} {direction_word(pct)} in {span} against the same months a year earlier "
        f"({fmt_int(cur)} offences against {fmt_int(ly)})."
    )
    fig = {
        "data": traces,
        "layout": layout(
            f"{title}, {area_name}",
            "Offences per month",
            shapes=[
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": q[0],
                    "x1": q[-1],
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "#999999",
                    "opacity": 0.15,
                    "line": {"width": 0},
                }
            ],
        ),
    }
    period = f"{month_name(months[0])} to {month_name(months[-1])}"
    band = (
        f"The grey band marks the reporting quarter, {span}; the dotted line is the average of the 12 months to "
        "each month."
    )
    return Chart(
        chart_id, f"{title}, {area_name}", fig, data, summary, source, period, notes=[band], unit="offences per month"
    )


def bars(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list[float]],
    unit: str,
    summary: str,
    source: str,
    period: str,
    horizontal: bool = False,
    colours: list[str] | None = None,
) -> Chart:
    """Grouped bars; the plotted table has one column per series."""
    data = pd.DataFrame({"category": categories, **series})
    traces = []
    for i, (name, values) in enumerate(series.items()):
        colour = (colours or PALETTE)[i % len(colours or PALETTE)]
        trace = {"type": "bar", "name": name, "marker": {"color": colour}}
        if horizontal:
            trace.update(x=[None if pd.isna(v) else float(v) for v in values], y=categories, orientation="h")
        else:
            trace.update(x=categories, y=[None if pd.isna(v) else float(v) for v in values])
        traces.append(trace)
    lay = layout(title, unit if not horizontal else "", barmode="group")
    if horizontal:
        lay["xaxis"] = {"title": {"text": unit}, "gridcolor": "#e5e5e5", "zeroline": True, "automargin": True}
        lay["yaxis"] = {"automargin": True, "autorange": "reversed"}
        lay["height"] = max(360, 28 * len(categories) + 120)
        lay["hovermode"] = "y unified"
    return Chart(chart_id, title, {"data": traces, "layout": lay}, data, summary, source, period, unit=unit)


def waterfall(
    chart_id: str,
    title: str,
    start_label: str,
    start: float,
    steps: list[tuple[str, float]],
    end_label: str,
    end: float,
    unit: str,
    summary: str,
    source: str,
    period: str,
) -> Chart:
    labels = [start_label] + [s for s, _ in steps] + [end_label]
    values = [start] + [v for _, v in steps] + [end]
    measure = ["absolute"] + ["relative"] * len(steps) + ["total"]
    data = pd.DataFrame({"step": labels, "value": values, "kind": measure})
    trace = {
        "type": "waterfall",
        "x": labels,
        "y": values,
        "measure": measure,
        "name": title,
        "increasing": {"marker": {"color": PALETTE[1]}},
        "decreasing": {"marker": {"color": PALETTE[0]}},
        "totals": {"marker": {"color": GREY}},
        "connector": {"line": {"color": "#999999"}},
    }
    lay = layout(title, unit)
    # Zoom to where the bridge moves: tens of millions against a budget of billions vanish from zero.
    levels = [start, end] + [start + sum(v for _, v in steps[: i + 1]) for i in range(len(steps))]
    pad = (max(levels) - min(levels)) * 0.25 + 1
    lay["yaxis"].update(rangemode="normal", range=[min(levels) - pad, max(levels) + pad])
    lay["xaxis"].update(tickangle=-30, automargin=True)
    lay["hovermode"] = "closest"
    return Chart(chart_id, title, {"data": [trace], "layout": lay}, data, summary, source, period, unit=unit)
