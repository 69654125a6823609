"""Arithmetic checks declared in the packages themselves -> one findings table.

Two declarations, both on a resource in datapackage.json:

* ``x-totals`` on a *reported totals* resource: each of its rows is a total the
  source printed; ``covers`` names the values of the detail resource's
  ``group_field`` it adds up, separated by ``|`` (``*`` for all rows); ``match_fields``
  must be equal between the total and its rows. Each printed figure is
  compared with the sum of the detail rows.
* ``x-identities`` on any resource: row-wise sums such as
  ``closing_balance = opening_balance + net_movement``.
* ``x-sameTotals``: a table printed twice (the capital programme) adds up the same both times.

A difference within the stated tolerance is "rounding"; beyond it, "mismatch".
Both are findings for the data-quality page, never build errors: the source
printed them, and the site says so.
"""

from __future__ import annotations

import re

import pandas as pd

from .packages import Catalog

FINDING_COLUMNS = [
    "package",
    "resource",
    "check",
    "label",
    "field",
    "computed",
    "reported",
    "difference",
    "tolerance",
    "status",
    "source_line",
]
TERM_RE = re.compile(r"\s*([+-])?\s*([a-z_][a-z0-9_]*)")


def status_of(diff: float, tolerance: float) -> str:
    if abs(diff) < 1e-9:
        return "exact"
    return "rounding" if abs(diff) <= tolerance + 1e-9 else "mismatch"


def _finding(pkg, res, check, label, field, computed, reported, tolerance, source_line):
    computed, reported = round(float(computed), 6), round(float(reported), 6)  # sums of decimals carry float noise
    diff = round(reported - computed, 6)
    return {
        "package": pkg,
        "resource": res,
        "check": check,
        "label": label,
        "field": field,
        "computed": computed,
        "reported": reported,
        "difference": diff,
        "tolerance": tolerance,
        "status": status_of(diff, tolerance),
        "source_line": source_line,
    }


def declared(catalog: Catalog, key: str):
    """(package, resource, declaration) for every resource that declares ``key``."""
    for pkg in catalog.values():
        for res in pkg.descriptor["resources"]:
            if res.get(key):
                yield pkg, res, res[key]


def labelled(label: str, fields: list[str], values) -> str:
    """A finding's label with the group it compares: 'Total Pay / financial_year 2017/18 / quarter 1'."""
    return " / ".join([label] + [f"{f} {v}" for f, v in zip(fields, values, strict=True)])


def total_findings(catalog: Catalog) -> list[dict]:
    rows = []
    for pkg, res, spec in declared(catalog, "x-totals"):
        totals = pkg.frames[res["name"]]
        detail = pkg.frames[spec["detail"]]  # named resources and fields were checked when the package loaded
        group = spec.get("group_field")
        label_field = spec.get("label_field", "label")
        for _, trow in totals.iterrows():
            covers = [c.strip() for c in str(trow.get("covers", "*")).split("|")]
            part = detail if covers == ["*"] or not group else detail[detail[group].astype(str).isin(covers)]
            for f in spec.get("match_fields", []):
                part = part[part[f].astype(str) == str(trow[f])]
            for field in spec["fields"]:
                reported = trow[field]
                if pd.isna(reported):
                    continue
                computed = part[field].fillna(0).sum()
                match = spec.get("match_fields", [])
                label = labelled(str(trow.get(label_field, "")), match, [trow[f] for f in match])
                rows.append(
                    _finding(
                        pkg.name,
                        res["name"],
                        f"sum of {spec['detail']} rows",
                        label,
                        field,
                        computed,
                        reported,
                        float(spec.get("tolerance", 0)),
                        _line(trow),
                    )
                )
    return rows


def parse_identity(expr: str) -> tuple[str, list[tuple[int, str]]]:
    lhs, rhs = (s.strip() for s in expr.split("="))
    terms = [(-1 if sign == "-" else 1, name) for sign, name in TERM_RE.findall(rhs)]
    return lhs, terms


def identity_findings(catalog: Catalog) -> list[dict]:
    rows = []
    for pkg, res, specs in declared(catalog, "x-identities"):
        for spec in specs:
            lhs, terms = parse_identity(spec["check"])
            frame = pkg.frames[res["name"]]
            label_field = spec.get("label_field")
            for _, r in frame.iterrows():
                if pd.isna(r[lhs]) or any(pd.isna(r[t]) for _, t in terms):
                    continue
                computed = sum(sign * float(r[t]) for sign, t in terms)
                rows.append(
                    _finding(
                        pkg.name,
                        res["name"],
                        spec["check"],
                        str(r[label_field]) if label_field else "",
                        lhs,
                        computed,
                        r[lhs],
                        float(spec.get("tolerance", 0)),
                        _line(r),
                    )
                )
    return rows


def _line(row) -> object:
    value = row.get("source_line") if hasattr(row, "get") else None
    return None if value is None or pd.isna(value) else int(value)


def matching(frame: pd.DataFrame, fields: list[str], values) -> pd.DataFrame:
    """The rows whose fields hold these values (compared as text); every row when no field is named."""
    return frame[(frame[fields].astype(str) == list(values)).all(axis=1)] if fields else frame


def same_total_findings(catalog: Catalog) -> list[dict]:
    """``x-sameTotals`` on a resource: two printings of one table must add up to the same totals (group by group of
    its ``match_fields``, a reporting quarter say)."""
    rows = []
    for pkg, res, spec in declared(catalog, "x-sameTotals"):
        mine, other = pkg.frames[res["name"]], pkg.frames[spec["resource"]]
        match = spec.get("match_fields", [])
        groups = mine[match].astype(str).drop_duplicates().itertuples(index=False) if match else [()]
        for values in groups:
            part, other_part = matching(mine, match, values), matching(other, match, values)
            for field in spec["fields"]:
                rows.append(
                    _finding(
                        pkg.name,
                        res["name"],
                        f"same total as {spec['resource']}",
                        labelled("all rows", match, values),
                        field,
                        other_part[field].fillna(0).sum(),
                        part[field].fillna(0).sum(),
                        float(spec.get("tolerance", 0)),
                        None,
                    )
                )
    return rows


def run_checks(catalog: Catalog) -> pd.DataFrame:
    """Every declared check, one row per compared figure."""
    rows = total_findings(catalog) + identity_findings(catalog) + same_total_findings(catalog)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
