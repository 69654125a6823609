"""Maps drawn at build time from the boundaries package: static SVG in the page, no map library and no tiles.

Each area is a link whose accessible name gives its name and value; a key states each colour's range of numbers;
the values are also in the page's table and CSV, which the caption says.
"""

from __future__ import annotations

import pandas as pd

from .tilemap import NO_DATA, quintile_layer

MARGIN = 4  # SVG units around the areas drawn
HIGHLIGHT = "#3b528b"  # the area a page is about, on a map of its surroundings (viridis, as the bands are)


def view_box(shapes: pd.DataFrame) -> str:
    """The SVG viewBox that frames these shapes (rows with x_min, y_min, x_max, y_max) with a margin."""
    x0, y0 = shapes.x_min.min() - MARGIN, shapes.y_min.min() - MARGIN
    return f"{x0:.1f} {y0:.1f} {shapes.x_max.max() + MARGIN - x0:.1f} {shapes.y_max.max() + MARGIN - y0:.1f}"


def shapes_file(shapes: pd.DataFrame) -> bytes:
    """One SVG file of shapes by code, for maps that draw the same areas on many pages: each page refers to them
    (<use>), and a visitor's browser fetches them once."""
    paths = "".join(
        f'<path id="{s.area_code}" d="{s.path}" vector-effect="non-scaling-stroke"/>' for s in shapes.itertuples()
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{paths}</defs></svg>\n'.encode()


def choropleth(
    map_id: str,
    title: str,
    shapes: pd.DataFrame,
    values: dict[str, float | None],
    hrefs: dict[str, str],
    digits: int = 0,
    highlight: str | None = None,
    shared: str | None = None,
) -> dict:
    """A map of the given shapes (rows of boundaries/areas), coloured in five bands of the values. Areas without
    a page (the City of London) are drawn, unlinked, for context. With ``shared`` (the site path of a
    shapes_file), the map refers to the shapes there instead of carrying them."""
    layer = quintile_layer(map_id, title, {c: values.get(c) for c in shapes.area_code if c in hrefs}, digits)
    drawn = []
    for s in shapes.itertuples():
        value, fill, _ = layer["values"].get(s.area_code, ("", NO_DATA[0], ""))
        drawn.append(
            {
                "name": s.name,
                "path": "" if shared else s.path,
                "ref": f"{shared}#{s.area_code}" if shared else "",
                "fill": fill,
                "value": value,
                "href": hrefs.get(s.area_code),
                "highlight": s.area_code == highlight,
            }
        )
    return {
        "id": map_id,
        "title": title,
        "legend": layer["legend"],
        "view": view_box(shapes),
        "shapes": drawn,
    }


def place(map_id: str, title: str, outline: pd.Series, area: pd.Series, outline_href: str, area_label: str) -> dict:
    """Where one area lies in a larger one: the larger area's outline (a link to its page) with the area filled."""
    return {
        "id": map_id,
        "title": title,
        "legend": [(HIGHLIGHT, area_label)],
        "view": view_box(pd.DataFrame([outline, area])),
        "shapes": [
            {
                "name": outline["name"],
                "path": outline.path,
                "ref": "",
                "fill": NO_DATA[0],
                "value": "its borough",
                "href": outline_href,
                "highlight": False,
            },
            {
                "name": area["name"],
                "path": area.path,
                "ref": "",
                "fill": HIGHLIGHT,
                "value": "this ward",
                "href": None,
                "highlight": True,
            },
        ],
    }
