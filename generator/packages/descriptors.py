"""Descriptors (datapackage.json) and the paths and URLs they hold, checked before anything reads a file."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from ..errors import DataError, raise_all

MAX_DESCRIPTOR_BYTES = 1_000_000
URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
SCHEME_RE = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
WEB_URL_RE = re.compile(r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"':/]+@[^\s<>\"']+)$", re.IGNORECASE)


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
