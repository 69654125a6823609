"""The checks a package declares (``x-totals``, ``x-sameTotals``, ``x-complete``, ``x-identities``,
``x-foreignKeys``): each declaration complete and naming real resources and fields before anything reads it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import DataError, raise_all

if TYPE_CHECKING:  # the catalog module imports this one
    from .catalog import Catalog, Package


# The checks a resource may declare, and what each declaration needs: every key must be present; "resource" keys
# name another resource of the package; "fields" keys name columns of the resources concerned.
DECLARATIONS = {
    "x-totals": {"detail": "resource", "fields": "fields of this resource and the detail resource"},
    "x-sameTotals": {"resource": "resource", "fields": "fields of this resource and the other resource"},
    "x-complete": {"resource": "resource", "field": "field of this resource", "reference_field": "field of the other"},
    "x-identities": {"check": "an identity of fields, e.g. 'total = a + b - c'"},
}


IDENTITY_RE = re.compile(r"^\s*(\w+)\s*=\s*[-+]?\s*\w+(\s*[-+]\s*\w+)*\s*$")


def check_declarations(pkg: Package) -> None:
    """Every x-... check a resource declares is complete and names real resources and fields; all problems at once."""
    where = pkg.path / "datapackage.json"
    problems = []
    for res in pkg.descriptor["resources"]:
        for key, shape in DECLARATIONS.items():
            if key not in res:
                continue
            specs = res[key] if key == "x-identities" else [res[key]]
            if not isinstance(specs, list):
                specs = [specs]
            for spec in specs:
                problem = declaration_problem(pkg, res, spec, shape)
                if problem:
                    problems.append(
                        DataError(
                            f"{key}: {problem} (needs: " + "; ".join(f"{k}: {v}" for k, v in shape.items()) + ")",
                            path=where,
                            resource=res["name"],
                            field=key,
                        )
                    )
    raise_all(problems, f"{where}: {len(problems)} problems in declared checks")


def declaration_problem(pkg: Package, res: dict, spec, shape: dict) -> str | None:
    if not isinstance(spec, dict):
        return "each declaration is an object"
    missing = [k for k in shape if k not in spec]
    if missing:
        unknown = sorted(set(spec) - set(shape) - {"group_field", "label_field", "match_fields", "tolerance"})
        return f"lacks {', '.join(missing)}" + (f" (found {', '.join(unknown)}: misspelt?)" if unknown else "")
    other = spec.get("detail", spec.get("resource"))
    if other is not None and other not in pkg.frames:
        return f"names resource '{other}', which the package does not have"
    mine, theirs = pkg.frames[res["name"]], pkg.frames.get(other)
    if "check" in spec:
        if not isinstance(spec["check"], str) or not IDENTITY_RE.match(spec["check"]):
            return f"'{spec['check']}' is not an identity like 'total = a + b - c'"
        names = re.findall(r"\w+", spec["check"])
        absent = [n for n in names if n not in mine]
        return f"fields {', '.join(absent)} are not columns of {res['name']}" if absent else None
    fields = spec.get("fields", [])
    if "fields" in spec and (not isinstance(fields, list) or not fields):
        return "'fields' must be a non-empty list"
    match = spec.get("match_fields", [])
    cols = list(fields) + list(match) + [spec[k] for k in ("field", "label_field") if k in spec]
    theirs_cols = list(fields) + list(match) + ([spec["group_field"]] if "group_field" in spec else [])
    absent = [f for f in cols if f not in mine] + [f for f in theirs_cols if theirs is not None and f not in theirs]
    if "reference_field" in spec and spec["reference_field"] not in theirs:
        absent.append(spec["reference_field"])
    return f"fields {', '.join(map(str, absent))} are not columns of the resources named" if absent else None


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


def declared(pkg: Package, key: str, shape: dict) -> list[dict]:
    """A package's ``x-...`` declarations, each checked for the keys it needs before anything reads them.

    ``shape`` maps each required key to what it holds, e.g. {"resource": "a resource name"}; a resource key must
    name one of the package's resources."""
    where = pkg.path / "datapackage.json"
    items = pkg.descriptor.get(key, [])
    if not isinstance(items, list):
        raise DataError(f"'{key}' must be a list of declarations", path=where, package=pkg.name, field=key)
    problems = []
    for n, item in enumerate(items, start=1):
        missing = [k for k in shape if not isinstance(item, dict) or k not in item]
        if missing:
            problems.append(
                DataError(
                    f"declaration {n} of '{key}' lacks {', '.join(missing)} (it needs: "
                    + "; ".join(f"{k}: {v}" for k, v in shape.items())
                    + ")",
                    path=where,
                    package=pkg.name,
                    field=key,
                )
            )
        elif "resource" in shape and item["resource"] not in pkg.frames:
            problems.append(
                DataError(
                    f"declaration {n} of '{key}' names resource '{item['resource']}', which the package does not have",
                    path=where,
                    package=pkg.name,
                    field=key,
                )
            )
    raise_all(problems, f"{where}: {len(problems)} problems")
    return items


def names_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def check_cross_package_keys(catalog: Catalog) -> None:
    """Resolve ``x-foreignKeys``: references from one package's resource into another package.

    ``except`` lists values that need no target."""
    problems = []
    shape = {
        "resource": "a resource of this package",
        "fields": "a list of its fields",
        "reference": "{package, resource, fields} of the target",
    }
    for pkg in catalog.values():
        for fk in declared(pkg, "x-foreignKeys", shape):
            res_name, fields, ref = fk["resource"], fk["fields"], fk["reference"]
            if not (names_list(fields) and isinstance(ref, dict) and names_list(ref.get("fields"))):
                problems.append(
                    DataError(
                        "x-foreignKeys needs 'fields' and 'reference.fields' as lists of field names",
                        path=pkg.path / "datapackage.json",
                        package=pkg.name,
                        resource=res_name,
                        field="x-foreignKeys",
                    )
                )
                continue
            target = catalog.get(ref.get("package"))
            where = {"package": pkg.name, "resource": res_name, "field": ",".join(fields)}
            if target is None or ref.get("resource") not in target.frames:
                problems.append(DataError(f"refers to {ref!r}, which is not a loaded package and resource", **where))
                continue
            frame, ref_frame = pkg.frames[res_name], target.frames[ref["resource"]]
            absent = [f for f in fields if f not in frame] + [f for f in ref.get("fields", []) if f not in ref_frame]
            if absent or len(fields) != len(ref.get("fields", [])):
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
