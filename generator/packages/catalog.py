"""The catalog: every package found under the roots, loaded and validated, and read by the role it plays."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, raise_all
from .adapter import frictionless_problems, read_typed, validation_key
from .declarations import check_complete, check_cross_package_keys, check_declarations
from .descriptors import read_descriptor, resolve_resource_path
from .prechecks import precheck_csv


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
