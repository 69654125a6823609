"""Every cited number and quoted text really appears at its cited line of the source document.

Reads the text extractions in ../shared/seeds (the suite refuses to start without them).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import SEEDS

# Numeric fields that are not figures printed by the source (keys, counters, positions).
NOT_PRINTED = {"quarter", "source_line", "source_line_end", "order", "lines", "bcu_source_line", "tile_row", "tile_col"}
# Verbatim text: the field's words must appear, in order, in the cited lines.
QUOTED = {
    ("police-and-crime-plan-2017-21", "measures"): "measure",
    ("police-and-crime-plan-2017-21", "commitments"): "commitment",
    ("met-business-plan-2017-18", "milestones"): "milestone",
    ("met-business-plan-2017-18", "progress"): "evidence_quote",
    ("policing-london-business-plan-2011-14", "activities"): "activity",
    ("policing-london-business-plan-2011-14", "objectives"): "objective",
}
WINDOW = 8  # lines a verbatim passage may run on for, where no source_line_end is given


def numbers(text: str) -> set[float]:
    t = text.replace("£", " ").replace("%", " ")
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    t = re.sub(r"-\s+(?=\d)", "-", t)
    return {float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", t)}


def words(text: str) -> str:
    """Letters and digits only: line breaks, lost hyphens and curly quotes do not count."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@pytest.fixture(scope="module")
def seed_lines(catalog):
    docs = catalog["source-documents"].frames["documents"]
    return {r.doc_id: (SEEDS / r.extraction_file).read_text(encoding="utf-8").split("\n") for r in docs.itertuples()}


def cited_rows(catalog):
    for pkg in catalog.values():
        for res in pkg.descriptor["resources"]:
            frame = pkg.frames[res["name"]]
            if "source_line" in frame.columns and "source_doc" in frame.columns:
                yield pkg, res, frame


def window(lines, row, extra=0):
    start = int(row["source_line"])
    end = row.get("source_line_end")
    end = int(end) if end is not None and not pd.isna(end) else start + extra
    return lines[start - 1 : end]


def test_documents_line_counts_match_the_extractions(catalog, seed_lines):
    for r in catalog["source-documents"].frames["documents"].itertuples():
        assert len(seed_lines[r.doc_id]) == r.lines


def test_every_cited_number_appears_on_its_line(catalog, seed_lines):
    checked, missing = 0, []
    for pkg, res, frame in cited_rows(catalog):
        numeric = [
            f["name"]
            for f in res["schema"]["fields"]
            if f.get("type") in ("number", "integer") and f["name"] not in NOT_PRINTED
        ]
        for i, row in frame.iterrows():
            found = numbers(" ".join(window(seed_lines[row["source_doc"]], row)))
            for f in numeric:
                v = row[f]
                if pd.isna(v) or float(v) == 0:
                    continue
                checked += 1
                if float(v) not in found:
                    missing.append(f"{pkg.name}/{res['name']} row {i + 2} {f}={v} not on line {row['source_line']}")
    assert checked > 900
    assert not missing, missing[:10]


def test_every_quoted_text_appears_at_its_line(catalog, seed_lines):
    checked, missing = 0, []
    for (pkg_name, res_name), field in QUOTED.items():
        frame = catalog[pkg_name].frames[res_name]
        for i, row in frame.iterrows():
            text = words(str(row[field]))
            if not text:
                continue
            checked += 1
            passage = words(" ".join(window(seed_lines[row["source_doc"]], row, WINDOW)))
            if text[:50] not in passage:
                missing.append(
                    f"{pkg_name}/{res_name} row {i + 2}: {row[field][:50]!r} not at line {row['source_line']}"
                )
    assert checked > 250
    assert not missing, missing[:10]
