"""Colourings of the London tile map, each with a legend that states every band's numbers."""

from __future__ import annotations

import pandas as pd

from .formats import fmt_pct, number

# The grey of no data and the middle band are the page's own greys (site.css), so they follow the colour scheme
# instead of staying near-white in the dark one. Every colour is written in a style, where var() works.
NO_DATA = ("var(--tile-none)", "var(--tile-none-text)")
# Diverging, colour-blind safe (blue = fall, orange = rise), five steps: (upper bound, fill, text colour).
DIVERGING = [
    (-15, "#2166ac", "#ffffff"),
    (-5, "#92c5de", "#000000"),
    (5, "var(--tile-neutral)", "var(--tile-neutral-text)"),
    (15, "#f4a582", "#000000"),
    (float("inf"), "#b2182b", "#ffffff"),
]
SEQUENTIAL = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]  # viridis: light = low, dark = high
SEQ_TEXT = ["#000000", "#000000", "#000000", "#ffffff", "#ffffff"]  # each 4.5:1 or more on its fill


def missing(v) -> bool:
    return v is None or pd.isna(v)


def change_layer(layer_id: str, label: str, values: dict[str, float | None]) -> dict:
    """Percentage change on a year earlier, in five fixed bands."""

    def band(v):
        if missing(v):
            return NO_DATA
        return next((fill, text) for upper, fill, text in DIVERGING if v < upper)

    names = [
        "fall of more than 15%",
        "fall of 5% to 15%",
        "within 5% either way",
        "rise of 5% to 15%",
        "rise of more than 15%",
    ]
    legend = [(fill, name) for (_, fill, _), name in zip(DIVERGING, names, strict=True)]
    return {
        "id": layer_id,
        "label": label,
        "legend": legend + [(NO_DATA[0], "no comparison")],
        "values": {c: (fmt_pct(v), *band(v)) for c, v in values.items()},
    }


def quintile_layer(
    layer_id: str, label: str, values: dict[str, float | None], digits: int = 1, prefix: str = ""
) -> dict:
    """A measure in five bands of (nearly) equal numbers of boroughs, each band's range in the legend."""
    known = pd.Series({c: v for c, v in values.items() if not missing(v)}, dtype=float)
    ranks = known.rank(method="first")
    step = {c: min(4, int((ranks[c] - 1) * 5 // len(known))) for c in known.index} if len(known) else {}
    legend = []
    for i in range(5):
        members = [known[c] for c, s in step.items() if s == i]
        if members:
            low, high = min(members), max(members)
            legend.append((SEQUENTIAL[i], f"{prefix}{number(low, digits)} to {prefix}{number(high, digits)}"))
    legend.append((NO_DATA[0], "no data"))
    out = {}
    for c, v in values.items():
        fill, text = (SEQUENTIAL[step[c]], SEQ_TEXT[step[c]]) if c in step else NO_DATA
        out[c] = (f"{prefix}{number(v, digits)}" if not missing(v) else "n/a", fill, text)
    return {"id": layer_id, "label": label, "legend": legend, "values": out}
