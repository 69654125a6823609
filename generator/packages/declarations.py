"""The checks a package declares (``x-totals``, ``x-sameTotals``, ``x-complete``, ``x-identities``,
``x-foreignKeys``) and its other ``x-...`` keys: their shapes declared in schemas/declarations.json, then each
declaration checked for naming real resources and fields, before anything reads it."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from jsonschema import Draft202012Validator

from ..errors import DataError, raise_all

if TYPE_CHECKING:  # the catalog module imports this one
    from .catalog import Catalog, Package

SHAPES = Draft202012Validator(json.loads((Path(__file__).parent / "schemas" / "declarations.json").read_text()))


def check_declarations(pkg: Package) -> None:
    """Every x-... key has its declared shape, and every declaration names real resources and fields; all problems
    at once. A declaration with the wrong shape is not looked into further."""
    where = pkg.path / "datapackage.json"
    problems, misshapen = [], set()
    for place, errors in errors_by_place(pkg.descriptor).items():
        key = next((p for p in place if isinstance(p, str) and p.startswith("x-")), "resources")
        resource = pkg.descriptor["resources"][place[1]] if place[:1] == ("resources",) and len(place) > 1 else {}
        misshapen.add((resource.get("name"), key))
        problems.append(DataError(f"{key}: {describe(errors)}", path=where, resource=resource.get("name"), field=key))
    for res, key, spec in declarations(pkg):
        if (res["name"] if res else None, key) not in misshapen and (problem := naming_problem(pkg, res, spec)):
            problems.append(DataError(f"{key}: {problem}", path=where, resource=res and res["name"], field=key))
    raise_all(problems, f"{where}: {len(problems)} problems in declared checks")


def errors_by_place(descriptor: dict) -> dict[tuple, list]:
    """The schema's errors, grouped by the place in the descriptor they concern, in the descriptor's order."""
    places = defaultdict(list)
    for error in SHAPES.iter_errors(descriptor):
        places[tuple(error.absolute_path)].append(error)
    return dict(sorted(places.items(), key=lambda item: [(isinstance(p, str), p) for p in item[0]]))


def describe(errors: list) -> str:
    """One sentence for what is wrong at one place, in the schema's own words."""
    schema, instance = errors[0].schema, errors[0].instance
    missing = list(dict.fromkeys(k for e in errors if e.validator == "required" for k in e.validator_value))
    missing = [k for k in missing if isinstance(instance, dict) and k not in instance]
    closed = isinstance(instance, dict) and schema.get("additionalProperties") is False
    unknown = sorted(set(instance) - set(schema.get("properties", {}))) if closed else []
    if missing or unknown:
        said = f"lacks {', '.join(missing)}" if missing else f"has {', '.join(unknown)}, which it does not know"
        if missing and unknown:
            said += f" (found {', '.join(unknown)}: misspelt?)"
        return f"{said} (needs: {schema.get('description', '')})"
    place = errors[0].absolute_path
    name = f"item {place[-1] + 1}" if place and isinstance(place[-1], int) else (place[-1] if place else "it")
    shown = json.dumps(instance)
    return f"{name} is {shown[:60] + '...' if len(shown) > 60 else shown}; it must be {schema.get('description')}"


def declarations(pkg: Package):
    """(resource or None, key, declaration) for every declaration of the package, once its shape is known good."""
    for fk in pkg.descriptor.get("x-foreignKeys", []):
        yield None, "x-foreignKeys", fk
    for res in pkg.descriptor["resources"]:
        for key in ("x-totals", "x-sameTotals", "x-complete"):
            if key in res:
                yield res, key, res[key]
        for spec in res.get("x-identities", []):
            yield res, "x-identities", spec


def naming_problem(pkg: Package, res: dict | None, spec: dict) -> str | None:
    """What a well-shaped declaration names that the package does not have, or None."""
    if res is None:  # x-foreignKeys: its own resource here, the target once every package is loaded
        return (
            None
            if spec["resource"] in pkg.frames
            else f"names resource '{spec['resource']}', which the package does not have"
        )
    other = spec.get("detail", spec.get("resource"))
    if other is not None and other not in pkg.frames:
        return f"names resource '{other}', which the package does not have"
    mine, theirs = pkg.frames[res["name"]], pkg.frames.get(other)
    if "check" in spec:
        absent = [n for n in re.findall(r"\w+", spec["check"]) if n not in mine]
        return f"fields {', '.join(absent)} are not columns of {res['name']}" if absent else None
    fields, match = spec.get("fields", []), spec.get("match_fields", [])
    cols = fields + match + [spec[k] for k in ("field", "label_field") if k in spec]
    theirs_cols = fields + match + [spec[k] for k in ("group_field", "reference_field") if k in spec]
    absent = [f for f in cols if f not in mine] + [f for f in theirs_cols if f not in theirs]
    return f"fields {', '.join(absent)} are not columns of the resources named" if absent else None


def check_complete(pkg: Package) -> None:
    """``x-complete`` on a resource: every value of a reference column must have a row (no borough left out)."""
    for res in pkg.descriptor["resources"]:
        spec = res.get("x-complete")
        if not spec:
            continue
        ref = pkg.frames[spec["resource"]][spec["reference_field"]].astype(str)
        have = set(pkg.frames[res["name"]][spec["field"]].astype(str))
        missing = [v for v in ref if v not in have]
        if missing:
            raise DataError(
                f"no row for {', '.join(missing[:5])} (every {spec['resource']} {spec['reference_field']} needs one)",
                path=pkg.path / res["path"],
                package=pkg.name,
                resource=res["name"],
                field=spec["field"],
            )


def check_cross_package_keys(catalog: Catalog) -> None:
    """Resolve ``x-foreignKeys`` (shapes and own resources already checked with each package): references from one
    package's resource into another package. ``except`` lists values that need no target."""
    problems = []
    for pkg in catalog.values():
        for fk in pkg.descriptor.get("x-foreignKeys", []):
            res_name, fields, ref = fk["resource"], fk["fields"], fk["reference"]
            target = catalog.get(ref["package"])
            where = {"package": pkg.name, "resource": res_name, "field": ",".join(fields)}
            if target is None or ref["resource"] not in target.frames:
                problems.append(DataError(f"refers to {ref!r}, which is not a loaded package and resource", **where))
                continue
            frame, ref_frame = pkg.frames[res_name], target.frames[ref["resource"]]
            absent = [f for f in fields if f not in frame] + [f for f in ref["fields"] if f not in ref_frame]
            if absent or len(fields) != len(ref["fields"]):
                problems.append(
                    DataError(
                        f"fields {', '.join(map(str, absent)) or fields} do not match the resources' columns", **where
                    )
                )
                continue
            known = set(map(tuple, ref_frame[ref["fields"]].astype(str).to_numpy().tolist()))
            allowed = set(fk.get("except", []))
            for i, values in enumerate(frame[fields].astype(str).to_numpy().tolist()):
                if any(v in ("", "<NA>") for v in values) or (len(values) == 1 and values[0] in allowed):
                    continue
                if tuple(values) not in known:
                    problems.append(
                        DataError(
                            f"value {', '.join(values)!s} is not a known {ref['package']}/{ref['resource']} "
                            f"{', '.join(ref['fields'])}",
                            path=pkg.path / pkg.resource(res_name)["path"],
                            row=i + 2,
                            **where,
                        )
                    )
    raise_all(problems, f"{len(problems)} problems with references between packages")
