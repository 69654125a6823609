"""Make the boundaries package the maps are drawn from: ONS ward and borough boundaries (GeoJSON, longitude and
latitude) projected once onto London's plane, simplified with shapely at a stated tolerance, and written as SVG
paths with the borough each ward lies in. Run when the boundaries change, not at build:

    python -m generator.boundaries ../shared/data/boundaries datapackages/boundaries

The output is committed; the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .formats import csv_bytes

LON0, LAT0, LAT_TOP = -0.52, 51.49, 51.70  # west edge, the latitude whose scale is kept, north edge
WIDTH = 1000.0  # the London map's width in SVG units
LON_SPAN = 0.86  # degrees of longitude across the map
UNIT_M = LON_SPAN * math.cos(math.radians(LAT0)) * 111_320 / WIDTH  # metres in one SVG unit (about 60)
TOLERANCE = {"borough": 1.0, "ward": 0.25}  # SVG units: about 60 m (the London map) and 15 m (borough maps)
FILES = {"borough": "london-boroughs.geojson", "ward": "london-wards.geojson"}


def project(lonlat):
    """Equirectangular at London's latitude ((n, 2) longitudes and latitudes to SVG units): distances true within
    a fraction of a percent across the city."""
    x = (lonlat[:, 0] - LON0) / LON_SPAN * WIDTH
    y = (LAT_TOP - lonlat[:, 1]) / LON_SPAN / math.cos(math.radians(LAT0)) * WIDTH
    return np.column_stack([x, y])


def svg_path(geometry) -> str:
    """An SVG path of a (multi)polygon: each ring 'Mx y x y ... Z', one decimal place."""
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for poly in polygons:
        coords = list(poly.exterior.coords)[:-1]
        rings.append("M" + " ".join(f"{x:.1f} {y:.1f}" for x, y in coords) + "Z")
    return "".join(rings)


def read(source: Path, level: str) -> pd.DataFrame:
    import shapely
    from shapely.geometry import shape

    features = json.loads((source / FILES[level]).read_text(encoding="utf-8"))["features"]
    rows = []
    for f in features:
        geometry = shapely.transform(shape(f["geometry"]), project)
        simple = geometry.simplify(TOLERANCE[level], preserve_topology=True)
        rows.append({"area_code": f["properties"]["code"], "name": f["properties"]["name"], "geometry": simple})
    return pd.DataFrame(rows)


# The ONS files the package is made from: (level, title, address).
ONS_SOURCES = (
    (
        "ward",
        "ONS Open Geography Portal, Wards (December 2022) Boundaries UK BSC",
        "https://geoportal.statistics.gov.uk/datasets/ons::wards-december-2022-boundaries-uk-bsc/about",
    ),
    (
        "borough",
        "ONS Open Geography Portal, Local Authority Districts (December 2022) Boundaries UK BGC",
        "https://geoportal.statistics.gov.uk/",
    ),
)
AREAS_SCHEMA = {
    "fields": [
        {
            "name": "area_code",
            "type": "string",
            "description": "ONS GSS code.",
            "constraints": {"required": True},
        },
        {"name": "name", "type": "string", "description": "Name as in the ONS source."},
        {
            "name": "level",
            "type": "string",
            "description": "borough or ward.",
            "constraints": {"required": True, "enum": ["borough", "ward"]},
        },
        {
            "name": "parent_code",
            "type": "string",
            "description": "For a ward, the borough it lies in (by geometry).",
        },
        {"name": "x_min", "type": "number", "description": "Bounding box, SVG units."},
        {"name": "y_min", "type": "number", "description": ""},
        {"name": "x_max", "type": "number", "description": ""},
        {"name": "y_max", "type": "number", "description": ""},
        {"name": "vertices", "type": "integer", "description": "Vertices after simplification."},
        {
            "name": "path",
            "type": "string",
            "description": "SVG path data.",
            "constraints": {"required": True, "pattern": "^[MZ0-9. -]+$"},
        },
    ],
    "primaryKey": ["area_code"],
}


def make(source: Path, out: Path) -> None:
    table = area_table(read(source, "borough"), read(source, "ward"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "areas.csv").write_bytes(csv_bytes(table))
    sources = [
        {
            "title": title,
            "path": url,
            "file": FILES[level],
            "sha256": hashlib.sha256((source / FILES[level]).read_bytes()).hexdigest(),
        }
        for level, title, url in ONS_SOURCES
    ]
    (out / "datapackage.json").write_text(
        json.dumps(descriptor(sources), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def area_table(boroughs: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """Boroughs and wards as rows: simplified SVG paths, bounding boxes, vertex counts and each ward's borough."""
    # The borough a ward lies in, by geometry: the crime file places one ward (Heathrow Villages) in no borough.
    wards["parent_code"] = [
        max(
            boroughs.itertuples(), key=lambda b: b.geometry.intersection(w.representative_point().buffer(1)).area
        ).area_code
        for w in wards.geometry
    ]
    boroughs["parent_code"] = ""
    table = pd.concat([boroughs.assign(level="borough"), wards.assign(level="ward")], ignore_index=True)
    bounds = table.geometry.map(lambda g: g.bounds)
    return table.assign(
        path=table.geometry.map(svg_path),
        x_min=[round(b[0], 1) for b in bounds],
        y_min=[round(b[1], 1) for b in bounds],
        x_max=[round(b[2], 1) for b in bounds],
        y_max=[round(b[3], 1) for b in bounds],
        vertices=table.geometry.map(lambda g: sum(len(p.exterior.coords) - 1 for p in getattr(g, "geoms", [g]))),
    )[["area_code", "name", "level", "parent_code", "x_min", "y_min", "x_max", "y_max", "vertices", "path"]]


def descriptor(sources: list[dict]) -> dict:
    """The package's datapackage.json: its projection and simplification stated, its sources hashed."""
    return {
        "name": "boundaries",
        "title": "London ward and borough boundaries for maps",
        "description": "The 679 wards of the Met's ward file and the 33 London boroughs (December 2022 ONS "
        "boundaries), as SVG paths on one plane for the site's maps: equirectangular at latitude "
        f"{LAT0}, {WIDTH:.0f} units across {LON_SPAN} degrees of longitude from {LON0} (one unit is about "
        f"{UNIT_M:.0f} m), simplified with shapely (Douglas-Peucker, topology preserved) at a tolerance of "
        f"{TOLERANCE['borough']} units (about {TOLERANCE['borough'] * UNIT_M:.0f} m) for boroughs and "
        f"{TOLERANCE['ward']} units (about {TOLERANCE['ward'] * UNIT_M:.0f} m) for wards, one decimal place. "
        "parent_code is the borough a ward lies in, by geometry. Source: Office for National Statistics "
        "licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database "
        "right 2021. Made by generator/boundaries.py.",
        "profile": "tabular-data-package",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "sources": sources,
        "x-projection": {"lon0": LON0, "lat0": LAT0, "lat_top": LAT_TOP, "width": WIDTH, "lon_span": LON_SPAN},
        "x-simplification": {"library": "shapely", "method": "simplify, preserve_topology", "tolerance": TOLERANCE},
        "resources": [
            {
                "name": "areas",
                "path": "areas.csv",
                "title": "Boundaries as SVG paths",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": AREAS_SCHEMA,
            }
        ],
    }


if __name__ == "__main__":
    make(Path(sys.argv[1]), Path(sys.argv[2]))
