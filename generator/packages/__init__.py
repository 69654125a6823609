"""Stage 1: load every data package, validate it, and hand back DataFrames.

Cheap structural checks run first (so a hostile file never reaches a parser
unguarded), then frictionless validates types, constraints and keys, then the
cross-package references declared with ``x-foreignKeys`` are resolved.
Any problem becomes one DataError naming file, row and field.

One module a job: catalog (the packages and their roles), descriptors, prechecks (before any parser), adapter
(frictionless) and declarations (the x-... checks a package declares).
"""

from .catalog import Catalog, Package, load_catalog, load_package
from .descriptors import read_json_object, resolve_resource_path, web_url
from .prechecks import MAX_RESOURCE_BYTES

__all__ = [
    "MAX_RESOURCE_BYTES",
    "Catalog",
    "Package",
    "load_catalog",
    "load_package",
    "read_json_object",
    "resolve_resource_path",
    "web_url",
]
