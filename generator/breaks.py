"""Breaks in what a category counts, found for the edition being built.

Two kinds. Between editions: rows of indicator-definitions/category-breaks, each applying when the imported
edition has a label pair (and not another), with a note that describes this edition. Within a file: a category
that falls to nothing from one month after recording offences every month before, which is what a file shows when
it begins counting those offences inside another category. Each break becomes a note beside the category's figures;
a 12-month change whose two windows straddle a break within the file is flagged.
"""

from __future__ import annotations

import pandas as pd

from .crime import key
from .formats import number
from .packages import Catalog
from .periods import Quarter, month_name, shift_month

MIN_MONTHLY = 10  # London's median offences a month before a category counts as having fallen to nothing
MIN_ZERO_MONTHS = 6  # months at nothing, to the end of the file
COLUMNS = ["category_id", "note", "source", "month"]


def edition_breaks(catalog: Catalog) -> pd.DataFrame:
    """The table's breaks that the imported edition's labels show apply."""
    labels = catalog.role("crime").frames["edition-labels"]
    present = {(key(a), key(b)) for a, b in zip(labels.major_category, labels.minor_category, strict=True)}
    table = catalog.role("definitions").frames.get("category-breaks")
    if table is None or table.empty:
        return pd.DataFrame(columns=COLUMNS)
    applies = [
        (key(r.when_major), key(r.when_minor)) in present
        and not (r.unless_major and (key(r.unless_major), key(r.unless_minor)) in present)
        for r in table.itertuples()
    ]
    return table[applies].assign(month="")[COLUMNS].reset_index(drop=True)


def falls_to_nothing(catalog: Catalog, coverage: tuple[str, str]) -> pd.DataFrame:
    """Categories London recorded every month until one month, and nothing from then to the end of the file."""
    crime = catalog.role("crime").frames["recorded-crime"]
    crime = crime[(crime.month >= coverage[0]) & (crime.month <= coverage[1])]
    monthly = crime.groupby(["category_id", "month"])["count"].sum().unstack("month", fill_value=0)
    titles = catalog.role("definitions").frames["categories"].set_index("category_id")["title"]
    rows = []
    for category, counts in monthly.iterrows():
        recorded = counts.to_numpy().nonzero()[0]
        if not len(recorded):
            continue
        last = recorded[-1]
        zeros, before = len(counts) - last - 1, counts.iloc[: last + 1]
        if zeros >= MIN_ZERO_MONTHS and before.median() >= MIN_MONTHLY:
            month = counts.index[last + 1]
            title = titles.get(category, category)
            rows.append(
                {
                    "category_id": category,
                    "note": f"This file records no offences of {title.lower()} from {month_name(month)}, after "
                    f"about {number(before.median())} a month in London before: it may count them in another "
                    f"category from then, so figures either side of {month_name(month)} are not comparable.",
                    "source": "The counts of the imported file.",
                    "month": month,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def find(catalog: Catalog, coverage: tuple[str, str]) -> pd.DataFrame:
    return pd.concat([edition_breaks(catalog), falls_to_nothing(catalog, coverage)], ignore_index=True)


def across(month: str, q: Quarter) -> bool:
    """Whether a 12-month change to the end of q (24 months) straddles a break at this month."""
    return bool(month) and shift_month(q.end_month, -22) <= month <= q.end_month
