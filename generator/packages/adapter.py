"""The frictionless adapter: validation (cached by content hash) with its errors in the site's words, and
typed reading of a resource into a DataFrame."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from pathlib import Path

import pandas as pd

from ..errors import MAX_REPORTED, DataError
from .descriptors import resolve_resource_path

NUMBER_HINT_RE = re.compile(r"^\s*[-+]?\s*[£$€]?\s*[-+]?\s*[\d,]+(\.\d+)?\s*%?\s*$")


def validation_key(descriptor_path: Path, descriptor: dict) -> str:
    """What frictionless's verdict depends on: its version, the descriptor and every resource's bytes."""
    # The installed version from its metadata: importing frictionless takes a quarter of a second.
    h = hashlib.sha256(importlib.metadata.version("frictionless").encode())
    h.update(descriptor_path.read_bytes())
    for res in descriptor["resources"]:
        h.update(resolve_resource_path(descriptor_path.parent, res, descriptor_path).read_bytes())
    return h.hexdigest()


def frictionless_problems(descriptor_path: Path, descriptor: dict) -> list[DataError]:
    """Validate with frictionless; every problem (up to the report's cap) as a DataError."""
    from frictionless import FrictionlessException, system
    from frictionless import Package as FPackage

    try:
        with system.use_context(trusted=False):
            report = FPackage(str(descriptor_path)).validate(limit_errors=MAX_REPORTED + 1)
    except FrictionlessException as exc:
        reasons = "; ".join(e.note for e in exc.reasons) if getattr(exc, "reasons", None) else exc.error.note
        return [DataError(f"invalid package descriptor: {reasons or exc.error.message}", path=descriptor_path)]
    if report.valid:
        return []
    problems = []
    for task in report.tasks:
        res = next((r for r in descriptor["resources"] if r["name"] == task.name), {})
        csv_path = descriptor_path.parent / res.get("path", "") if res else descriptor_path
        for err in task.errors:
            field = getattr(err, "field_name", None)
            if err.type == "primary-key":
                field = ",".join(res.get("schema", {}).get("primaryKey", []))
            problems.append(
                DataError(
                    explain(err),
                    path=csv_path,
                    package=descriptor.get("name"),
                    resource=task.name,
                    row=getattr(err, "row_number", None),
                    field=field,
                )
            )
    problems += [
        DataError(f"invalid package descriptor: {err.note or err.message}", path=descriptor_path)
        for err in report.errors
    ]
    return problems or [DataError("frictionless reported the package invalid", path=descriptor_path)]


def explain(err) -> str:
    """A plain-English message for one frictionless error."""
    cell = getattr(err, "cell", None)
    kind = err.type
    if kind == "type-error":
        expected = err.note.split('"')[1].split("/")[0] if '"' in err.note else "the schema type"
        hint = ""
        if expected in ("number", "integer") and isinstance(cell, str) and NUMBER_HINT_RE.match(cell):
            hint = " (write numbers plainly, e.g. 1805.0 or -121.5: no thousands separators, currency signs or spaces)"
        return f"value {cell!r} is not a valid {expected}{hint}"
    if kind == "constraint-error":
        if "required" in err.note:
            return "a value is required here but the cell is empty"
        return f"value {cell!r} breaks a schema constraint: {err.note}"
    if kind == "unique-error":
        return f"value {cell!r} must be unique in its column: {err.note}"
    if kind == "primary-key":
        return f"duplicate primary key: {err.note}"
    if kind == "foreign-key":
        return f"unknown reference: {err.note}"
    if kind in ("extra-cell", "missing-cell", "blank-row"):
        return f"{kind.replace('-', ' ')}: {err.note or err.message}"
    return err.note or err.message


def read_typed(csv_path: Path, res: dict) -> pd.DataFrame:
    """Read a resource with each column in its schema type: numbers parsed by pandas' C reader, an empty
    number cell missing, every other cell kept as written (frictionless has already passed the values)."""
    kinds = {f["name"]: f.get("type", "string") for f in res["schema"]["fields"]}
    numeric = {"integer": "Int64", "number": "float64"}
    df = pd.read_csv(
        csv_path,
        dtype={col: numeric.get(kind, str) for col, kind in kinds.items()},
        keep_default_na=False,
        na_values={col: [""] for col, kind in kinds.items() if kind in numeric},
        encoding="utf-8",
    )
    for col, kind in kinds.items():
        if kind == "boolean":
            df[col] = df[col].map(lambda v: {"true": True, "false": False}.get(v.lower(), None) if v else None)
    return df
