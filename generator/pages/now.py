"""What an area page leads with: its crime now. Total offences over the 12 months to the data quarter, the change
on the 12 months before and the rank; the crime groups that rose and fell most; a small trend of the last two years.

The same block opens London's, every borough's and every ward's page, so a reader's first screen answers "what is
happening here, now?" before any report, plan or budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from ..formats import number
from ..periods import Quarter, month_name

MOVERS = 3  # rises and falls listed
MIN_OFFENCES = 20  # a group smaller than this over the previous 12 months moves by large percentages on chance
SPARK_MONTHS = 24
SPARK_WIDTH, SPARK_HEIGHT = 240, 48


@dataclass
class Now:
    area: str
    total: str  # offences over the 12 months, formatted
    change: str  # e.g. "+2.4% (+1,234)" or why there is no change
    rank: str  # a sentence, or ""
    rises: list[dict]
    falls: list[dict]
    spark: Markup  # an inline SVG, or empty


def movers(groups: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """The crime groups whose offences rose and fell most in number over the 12 months (groups with at least
    MIN_OFFENCES the year before). ``groups``: crime_type, slug, rolling_12m, pct_change_12m. Plain Python: it runs
    once for every area page, on a dozen rows."""
    moved = []
    for title, slug, now, pct in zip(
        groups.crime_type.tolist(),
        groups.slug.tolist(),
        groups.rolling_12m.tolist(),
        groups.pct_change_12m.tolist(),
        strict=True,
    ):
        if any(v is None or v != v for v in (now, pct)) or not isinstance(slug, str) or pct <= -100:
            continue
        before = now / (1 + pct / 100)
        if before >= MIN_OFFENCES and round(now - before):
            moved.append((round(now - before), title, slug, pct))
    moved.sort(key=lambda m: (m[0], m[1]))

    def listed(rows) -> list[dict]:
        return [
            {"title": t, "slug": s, "difference": number(d, 0, True), "pct": number(p, 1, True, "%")}
            for d, t, s, p in rows
        ]

    return listed([m for m in reversed(moved) if m[0] > 0][:MOVERS]), listed([m for m in moved if m[0] < 0][:MOVERS])


def last_months(series: pd.DataFrame, q: Quarter) -> tuple[list[str], list[float]]:
    """The last two years of a monthly series to the end of the quarter, as lists (the series is in month order)."""
    months, counts = series["month"].tolist(), series["count"].tolist()
    last = q.end_month
    end = next((i for i in range(len(months), 0, -1) if months[i - 1] <= last), 0)
    start = max(0, end - SPARK_MONTHS)
    return months[start:end], [float(c) for c in counts[start:end]]


def sparkline(series: pd.DataFrame, q: Quarter, what: str) -> Markup:
    """The last two years of monthly offences to the end of the quarter, as a small inline SVG with its numbers
    in words for screen readers ('what': e.g. 'Offences per month in Camden'); the data are in the page's CSVs."""
    months, counts = last_months(series, q)
    if len(counts) < 2:
        return Markup("")
    low, high = min(counts), max(counts)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / (len(counts) - 1)
    points = " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 4 - (c - low) / span * (SPARK_HEIGHT - 8):.1f}" for i, c in enumerate(counts)
    )
    peak = months[counts.index(high)]
    label = (
        f"{what}, {month_name(months[0])} to {month_name(months[-1])}: "
        f"{number(counts[0])} in the first month, {number(counts[-1])} in the last; "
        f"highest {number(high)} in {month_name(peak)}."
    )
    return Markup(
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" role="img" aria-label="{escape(label)}">'
        f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linejoin="round"/></svg>'
    )


def crime_now(
    area: str,
    total: float | None,
    previous: float | None,
    rank: str,
    groups: pd.DataFrame,
    series: pd.DataFrame | None,
    q: Quarter,
    missing: str,
) -> Now:
    """The block for one area: offences over the 12 months to the quarter and over the 12 before. ``missing`` is
    what to say when there is no change to give (the data start too late, or nothing was recorded before)."""
    if any(v is None or pd.isna(v) for v in (total, previous)) or not previous:
        change = missing
    else:
        change = f"{number((total - previous) / previous * 100, 1, True, '%')} ({number(total - previous, 0, True)})"
    rises, falls = movers(groups)
    return Now(
        area=area,
        total=number(total),
        change=change,
        rank=rank,
        rises=rises,
        falls=falls,
        spark=sparkline(series, q, f"Offences per month in {area}") if series is not None else Markup(""),
    )


def multiples(model, area_code: str, area: str, q: Quarter) -> tuple[list[dict], pd.DataFrame]:
    """A small trend for every crime group in an area (a borough or London), and the table behind them: month by
    crime group, to the end of the quarter."""
    groups = model.crime_types[model.crime_types.kind == "group"]
    series = {
        (title, slug): model.indicators.series_for(type_id, area_code)
        for title, slug, type_id in zip(groups.title, groups.slug, groups.type_id, strict=True)
    }
    out = small_trends(series, area, q)
    columns = {m["title"]: dict(zip(*last_months(series[m["title"], m["slug"]], q), strict=True)) for m in out}
    table = pd.DataFrame(columns).sort_index().fillna(0).astype("int64").rename_axis("month").reset_index()
    return out, table


def small_trends(series: dict[tuple[str, str], pd.DataFrame], area: str, q: Quarter) -> list[dict]:
    """One small trend for each (title, page slug) with two months or more to the end of the quarter, by title."""
    out = []
    for title, slug in sorted(series):
        months, counts = last_months(series[title, slug], q)
        if len(counts) < 2:
            continue
        out.append(
            {
                "title": title,
                "slug": slug,
                "last": number(counts[-1]),
                "last_month": month_name(months[-1]),
                "spark": sparkline(series[title, slug], q, f"{title}, offences per month in {area}"),
            }
        )
    return out
