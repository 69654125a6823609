"""Data quality: every arithmetic check of the printed tables, and reconciliation with the open data."""

from __future__ import annotations

from ..formats import csv_bytes
from ..reconcile import LOCAL_TOLERANCE_POINTS, RECONCILE_TOLERANCE_PCT
from . import Model


def build(r, model: Model) -> None:
    f = model.findings
    counts = f.status.value_counts().to_dict()
    issues = f[f.status != "exact"].sort_values(["status", "package", "resource"], ascending=[True, True, True])
    local = model.local[model.local.computable] if model.crime_included else model.local.iloc[0:0]
    names = model.boroughs.set_index("code")["name"].to_dict()
    r.site.files["quality/findings.csv"] = csv_bytes(f)
    r.site.files["quality/reconciliation-london.csv"] = csv_bytes(model.reconciliation)
    r.site.files["quality/reconciliation-local-priorities.csv"] = csv_bytes(model.local)
    # Datasets and tables by their titles: their machine names stay in the CSV.
    titles = {name: pkg.title for name, pkg in model.catalog.items()}
    tables = {
        (name, res["name"]): res.get("title") or res["name"]
        for name, pkg in model.catalog.items()
        for res in pkg.descriptor["resources"]
    }
    issues = issues.assign(
        package_title=issues.package.map(titles).fillna(issues.package),
        table_title=[tables.get(k, k[1]) for k in zip(issues.package, issues.resource, strict=True)],
    )
    r.page(
        "quality.md",
        "quality.md.j2",
        counts=counts,
        total=len(f),
        issues=issues.to_dict("records"),
        recon=model.reconciliation.to_dict("records"),
        local=local.to_dict("records"),
        names=names,
        tol_pct=RECONCILE_TOLERANCE_PCT,
        tol_points=LOCAL_TOLERANCE_POINTS,
        computed_missing=model.crime_included
        and model.reconciliation.computed_12m.isna().any()
        and not model.indicators.covers(model.printed),
    )
