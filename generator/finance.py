"""Stage 2 for the money: the finance package's reporting quarters, each quarter's rows, and its headline figures
quarter by quarter.

Every quarterly row carries its financial_year and quarter (reserves their report_period, "2017/18 Q1"), so a later
quarter's report is new rows: the pages show the latest quarter's rows, and each measure across every quarter."""

from __future__ import annotations

import pandas as pd

from .periods import Quarter, month_name

NET_LINE = "TOTAL NET EXPENDITURE"  # the revenue table's printed net line, as the report labels it


def quarter_of(financial_year: str, quarter) -> Quarter:
    """'2017/18', 1 -> the quarter April-June 2017."""
    return Quarter(int(str(financial_year)[:4]), int(quarter))


def quarters(frame: pd.DataFrame) -> list[Quarter]:
    """The reporting quarters a frame's rows hold, oldest first."""
    pairs = frame[["financial_year", "quarter"]].drop_duplicates().itertuples(index=False)
    return sorted({quarter_of(fy, q) for fy, q in pairs}, key=str)


def of_quarter(frame: pd.DataFrame, q: Quarter) -> pd.DataFrame:
    """The frame's rows for one reporting quarter."""
    return frame[(frame.financial_year.astype(str) == q.financial_year) & (frame.quarter.astype(int) == q.q)]


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest reporting quarter in the frame; reserves by their report_period."""
    if "quarter" not in frame:
        return frame[frame.report_period == max(frame.report_period)]
    return of_quarter(frame, quarters(frame)[-1])


def by_quarter(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per reporting quarter of the revenue table: the printed net position, the capital programme (its
    rows added up) and the printed savings total (negative = saving, as printed), each with its quarter and the
    tables it was read from."""
    rows = []
    for q in quarters(frames["revenue"]):
        net = of_quarter(frames["revenue-reported-totals"], q).set_index("line_item").loc[NET_LINE]
        cap = of_quarter(frames["capital"], q)
        sv = of_quarter(frames["savings-reported-totals"], q)
        rows.append(
            {
                "report_quarter": q.label,
                "position_at": month_name(q.end_month),
                "net_budget_full_year": net.budget_full_year,
                "net_forecast_full_year": net.forecast_full_year,
                "net_variance_full_year": net.variance_full_year,
                "capital_budget_full_year": cap.budget_full_year.sum() if len(cap) else None,
                "capital_forecast_full_year": cap.forecast_full_year.sum() if len(cap) else None,
                "capital_spent_to_date": cap.actual_ytd.sum() if len(cap) else None,
                "planned_saving": sv.planned_saving.iloc[0] if len(sv) else None,  # as printed: negative = saving
                "forecast_saving": sv.forecast_saving.iloc[0] if len(sv) else None,
                "source_doc": net.source_doc,
                "source_ref": "; ".join(dict.fromkeys([net.source_ref, *cap.source_ref, *sv.source_ref])),
            }
        )
    return pd.DataFrame(rows)
