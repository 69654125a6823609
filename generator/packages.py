"""Stage 1: load every data package, validate it, and hand back DataFrames.

Cheap structural checks run first (so a hostile file never reaches a parser
unguarded), then frictionless validates types, constraints and keys, then the
cross-package references declared with ``x-foreignKeys`` are resolved.
Any problem becomes one DataError naming file, row and field.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import importlib.metadata
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from .errors import MAX_REPORTED, DataError, raise_all
from .formats import is_formula

MAX_DESCRIPTOR_BYTES = 1_000_000
MAX_RESOURCE_BYTES = 64 * 1024 * 1024
MAX_FIELD_CHARS = 20_000
URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# Cells that may start a formula (formats.is_formula). Package CSVs are published as they are, so such a cell is
# refused rather than altered.
FORMULA_CELL_RE = re.compile(r'(?:^|,)"?([=+\-@\t][^,\n"]*)', re.M)
NUMBER_HINT_RE = re.compile(r"^\s*[-+]?\s*[£$€]?\s*[-+]?\s*[\d,]+(\.\d+)?\s*%?\s*$")


@dataclass
class Package:
    name: str
    path: Path  # folder holding datapackage.json
    descriptor: dict
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.descriptor.get("title", self.name)

    def resource(self, name: str) -> dict:
        for res in self.descriptor["resources"]:
            if res["name"] == name:
                return res
        raise KeyError(name)


class Catalog(dict):
    """Packages by name, and by the role the code reads them in: `datasets` in pyproject.toml maps roles to names,
    so a new year's package is a new name there, never an edit of the code."""

    def __init__(self, roles: dict[str, str]):
        super().__init__()
        self.roles = dict(roles)

    def name_of(self, role: str) -> str:
        return self.roles.get(role, role)

    def has(self, role: str) -> bool:
        return self.name_of(role) in self

    def role(self, role: str) -> Package:
        name = self.name_of(role)
        if name not in self:
            raise DataError(
                f"no data package '{name}' for the role '{role}': add it under datapackages/, or name the "
                "package that plays this role in pyproject.toml [tool.transparency.datasets]"
            )
        return self[name]


def discover(*roots: Path) -> list[Path]:
    """Every datapackage.json one level below each root, in a stable order; a package folder that is a link to
    somewhere outside its root is refused (it would publish files from elsewhere)."""
    found = []
    for root in roots:
        if root and Path(root).is_dir():
            for descriptor in sorted(Path(root).glob("*/datapackage.json")):
                if not descriptor.resolve().parent.is_relative_to(Path(root).resolve()):
                    raise DataError(
                        f"package folder {descriptor.parent.name} links to {descriptor.resolve().parent}, "
                        "outside the packages folder",
                        path=descriptor.parent,
                    )
                found.append(descriptor)
    return found


def load_catalog(
    *roots: Path, roles: dict[str, str], cache: Path | None = None, beside: Catalog | None = None
) -> Catalog:
    """Every package under the roots, validated, each role read as ``roles`` (the config's `datasets`) maps it;
    with ``beside``, added to a copy of that loaded catalog."""
    catalog = Catalog(roles)
    catalog.update(beside or {})
    for descriptor_path in discover(*roots):
        pkg = load_package(descriptor_path, cache=cache)
        if pkg.name in catalog:
            raise DataError(
                f"package name '{pkg.name}' is used twice (also in {catalog[pkg.name].path})",
                path=descriptor_path,
                field="name",
            )
        catalog[pkg.name] = pkg
    check_cross_package_keys(catalog)
    return catalog


def read_json_object(descriptor_path: Path) -> dict:
    """A JSON object from a bounded file: any JSON problem is a DataError naming the file."""
    if descriptor_path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        raise DataError(f"descriptor is larger than {MAX_DESCRIPTOR_BYTES:,} bytes", path=descriptor_path)
    raw = descriptor_path.read_bytes()
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"descriptor is not UTF-8 (bad byte at offset {exc.start})", path=descriptor_path) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", path=descriptor_path
        ) from None
    except RecursionError:
        raise DataError("JSON nested too deeply to be a package descriptor", path=descriptor_path) from None
    if not isinstance(descriptor, dict):
        raise DataError("expected a JSON object with 'name' and 'resources'", path=descriptor_path)
    return descriptor


def read_descriptor(descriptor_path: Path) -> dict:
    descriptor = read_json_object(descriptor_path)
    if not isinstance(descriptor.get("name"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", descriptor["name"]):
        raise DataError(
            "expected 'name': lower-case letters, digits, '-', '_' or '.'", path=descriptor_path, field="name"
        )
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise DataError("expected a non-empty 'resources' list", path=descriptor_path, field="resources")
    problems = []
    for key in ("licenses", "sources"):
        items = descriptor.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.append(DataError(f"'{key}' must be a list of objects", path=descriptor_path, field=key))
            continue
        for n, item in enumerate(items):
            url = item.get("path")
            if url is not None and not (web_url(url) or (isinstance(url, str) and not SCHEME_RE.match(url))):
                problems.append(
                    DataError(
                        f"{str(url)[:80]!r}: a licence or source path is a web address (http://, https:// or "
                        "mailto:) or a file name; other schemes are refused",
                        path=descriptor_path,
                        field=f"{key}[{n}].path",
                    )
                )
    for res in resources:
        fields = (
            res.get("schema", {}).get("fields")
            if isinstance(res, dict) and isinstance(res.get("schema"), dict)
            else None
        )
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            name = res.get("name", "?") if isinstance(res, dict) else "?"
            problems.append(
                DataError(
                    "expected 'schema' with a list of 'fields', each an object with a 'name'",
                    path=descriptor_path,
                    resource=name,
                    field="schema.fields",
                )
            )
    raise_all(problems, f"{descriptor_path}: {len(problems)} problems")
    return descriptor


SCHEME_RE = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
WEB_URL_RE = re.compile(r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"':/]+@[^\s<>\"']+)$", re.IGNORECASE)


def web_url(value) -> bool:
    """Only http, https and mailto addresses from data ever become links."""
    return isinstance(value, str) and bool(WEB_URL_RE.match(value.strip()))


def resolve_resource_path(pkg_dir: Path, res: dict, descriptor_path: Path) -> Path:
    """The resource's file, refusing anything that is not a local file inside the package."""
    name = res.get("name", "?")
    rel = res.get("path")
    if not isinstance(rel, str) or not rel:
        raise DataError(
            "expected 'path' to a CSV file inside the package", path=descriptor_path, resource=name, field="path"
        )
    if URL_RE.match(rel) or rel.startswith("//"):
        raise DataError(
            f"path '{rel}' is a URL; expected a local file inside the package",
            path=descriptor_path,
            resource=name,
            field="path",
        )
    if ":" in rel.split("/")[0]:  # a browser would read 'name:...' in a link as a scheme
        raise DataError(
            f"path '{rel[:80]}' has a ':' in its first part; rename the file",
            path=descriptor_path,
            resource=name,
            field="path",
        )
    posix = PurePosixPath(rel.replace("\\", "/"))
    if posix.is_absolute() or re.match(r"^[a-zA-Z]:", rel) or ".." in posix.parts:
        raise DataError(
            f"path '{rel}' leaves the package folder; expected a relative path inside it",
            path=descriptor_path,
            resource=name,
            field="path",
        )
    target = (pkg_dir / Path(*posix.parts)).resolve()
    if pkg_dir.resolve() not in target.parents:
        raise DataError(
            f"path '{rel}' leaves the package folder (through a link)",
            path=descriptor_path,
            resource=name,
            field="path",
        )
    if not target.is_file():
        raise DataError(f"resource file '{rel}' does not exist", path=descriptor_path, resource=name, field="path")
    return target


def precheck_csv(csv_path: Path, res: dict, package: str) -> None:
    """Encoding, line endings, size, header and field length, before any parser sees the file."""
    name = res["name"]
    size = csv_path.stat().st_size
    if size == 0:
        raise DataError("file is empty; expected a header row", path=csv_path, package=package, resource=name)
    if size > MAX_RESOURCE_BYTES:
        raise DataError(
            f"file is {size:,} bytes; the limit is {MAX_RESOURCE_BYTES:,}",
            path=csv_path,
            package=package,
            resource=name,
        )
    raw = csv_path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(
            "file starts with a byte-order mark; save it as UTF-8 without BOM",
            path=csv_path,
            package=package,
            resource=name,
            row=1,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            path=csv_path,
            package=package,
            resource=name,
            row=line,
        ) from None
    if "\x00" in text:
        raise DataError(
            "file contains a NUL byte; it is not a text CSV",
            path=csv_path,
            package=package,
            resource=name,
            row=text[: text.index("\x00")].count("\n") + 1,
        )
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise DataError(
            "Windows (CRLF) or old Mac (CR) line endings; save with Unix (LF) line endings",
            path=csv_path,
            package=package,
            resource=name,
            row=line,
        )
    problems = formula_problems(text, res, csv_path, package)
    schema_fields = [f["name"] for f in res.get("schema", {}).get("fields", [])]
    limit = csv.field_size_limit(MAX_RESOURCE_BYTES)  # the file size is bounded; long cells are reported below
    try:
        check_cells(csv_path, res, package, text, schema_fields, problems)
    finally:
        csv.field_size_limit(limit)  # the csv module's limit is process-wide: other readers keep theirs
    raise_all(problems, f"{csv_path}: {len(problems)} problems")


def formula_problems(text: str, res: dict, csv_path: Path, package: str) -> list[DataError]:
    """Text cells a spreadsheet would run as formulas (numeric fields are left to the type check)."""
    fields = res.get("schema", {}).get("fields", [])
    numeric = {i for i, f in enumerate(fields) if f.get("type") in ("integer", "number")}
    problems = []
    for m in FORMULA_CELL_RE.finditer(text):
        before = text[text.rfind("\n", 0, m.start(1)) + 1 : m.start(1)]
        column = before.count(",") if '"' not in before else None  # unknown past a quoted cell: checked anyway
        if column not in numeric and is_formula(m.group(1)) and len(problems) < MAX_REPORTED:
            problems.append(
                DataError(
                    f"cell {m.group(1)[:40]!r} starts with '{m.group(1)[0]}', which a spreadsheet would run as a "
                    "formula; reword it",
                    path=csv_path,
                    package=package,
                    resource=res["name"],
                    row=text.count("\n", 0, m.start(1)) + 1,
                    field=fields[column]["name"] if column is not None and column < len(fields) else None,
                )
            )
    return problems


def check_cells(csv_path: Path, res: dict, package: str, text: str, schema_fields: list[str], problems: list) -> None:
    """The header against the schema, then the cells: strict CSV, digits 0-9 in numbers, bounded length."""
    name = res["name"]
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"malformed CSV header: {exc}", path=csv_path, package=package, resource=name, row=1) from None
    if not schema_fields:
        raise DataError("resource has no schema fields", package=package, resource=name, field="schema")
    if header != schema_fields:
        raise DataError(
            f"header does not match the schema ({header_difference(header, schema_fields)}); "
            f"expected: {listed(schema_fields, ',')}",
            path=csv_path,
            package=package,
            resource=name,
            row=1,
        )
    numeric = {i for i, f in enumerate(res["schema"]["fields"]) if f.get("type") in ("integer", "number")}
    # Cells need a look only if some could hold non-ASCII digits or be too long; the parse itself stays strict.
    # When every line holds an even number of quotes no cell spans lines, so none is longer than the longest line.
    quoted = '"' in text
    lines = text.split("\n")
    spans_lines = quoted and any(line.count('"') % 2 for line in lines)
    plain = text.isascii() and max(map(len, lines)) <= MAX_FIELD_CHARS and not spans_lines
    where = {"path": csv_path, "package": package, "resource": name}
    try:
        if plain and quoted:
            collections.deque(reader, maxlen=0)  # parsed, strictly, at the csv module's speed
        elif not plain:  # (plain, without quotes and NULs, refused above, no line can be malformed CSV)
            for row in reader:
                check_row(row, header, numeric, reader.line_num, where, problems)
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc}); check the quotes on this line", row=reader.line_num, **where) from None


def header_difference(header: list[str], schema_fields: list[str]) -> str:
    """How a CSV's header differs from its schema's fields, in words."""
    missing = [f for f in schema_fields if f not in header]
    extra = [f for f in header if f not in schema_fields]
    detail = (["missing " + listed(missing)] if missing else []) + (["unexpected " + listed(extra)] if extra else [])
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        detail.append("the file looks separated by semicolons or tabs; save it with commas")
    return "; ".join(detail or ["columns out of order"])


def check_row(row: list[str], header: list[str], numeric: set[int], line: int, where: dict, problems: list) -> None:
    """One row's cells: numbers written with digits 0-9 (collected), and no cell over the length limit (stops)."""
    for i in numeric:
        odd_digits = i < len(row) and not row[i].isascii() and any(c.isdigit() and not c.isascii() for c in row[i])
        if odd_digits and len(problems) < MAX_REPORTED:
            problems.append(
                DataError(
                    f"value {row[i][:40]!r} has digits that are not 0-9 (full-width or another script); "
                    "write numbers with 0-9",
                    row=line,
                    field=header[i],
                    **where,
                )
            )
    for i, cell in enumerate(row):
        if len(cell) > MAX_FIELD_CHARS:
            raise DataError(
                f"field is {len(cell):,} characters; the limit is {MAX_FIELD_CHARS:,}",
                row=line,
                field=header[i] if i < len(header) else None,
                **where,
            )


def listed(names: list[str], sep: str = ", ", most: int = 12) -> str:
    """Column names for a message, each cut short and the list capped, so a broken header gives a short line."""
    shown = [n if len(n) <= 40 else n[:40] + "..." for n in names[:most]]
    return sep.join(shown) + (f"{sep}... ({len(names)} in all)" if len(names) > most else "")


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


def load_package(descriptor_path: Path, cache: Path | None = None) -> Package:
    """Read and validate one package. Frictionless validates every package; with a cache folder, a package whose
    bytes it has already passed is not validated again (the key covers the descriptor and every file)."""
    descriptor_path = Path(descriptor_path)
    descriptor = read_descriptor(descriptor_path)
    pkg_dir = descriptor_path.parent
    pkg = Package(name=descriptor["name"], path=pkg_dir, descriptor=descriptor)
    seen = set()
    for res in descriptor["resources"]:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise DataError("every resource needs a 'name'", path=descriptor_path, field="resources")
        if res["name"] in seen:
            raise DataError(f"resource name '{res['name']}' is used twice", path=descriptor_path, field="resources")
        seen.add(res["name"])
        csv_path = resolve_resource_path(pkg_dir, res, descriptor_path)
        precheck_csv(csv_path, res, pkg.name)
    key = validation_key(descriptor_path, descriptor)
    if cache is None or not (cache / key).exists():
        problems = frictionless_problems(descriptor_path, descriptor)
        raise_all(problems, f"{descriptor_path}: {len(problems)} problems")
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / key).touch()
    for res in descriptor["resources"]:
        csv_path = resolve_resource_path(pkg_dir, res, descriptor_path)
        pkg.frames[res["name"]] = read_typed(csv_path, res)
    check_declarations(pkg)
    check_complete(pkg)
    return pkg


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
