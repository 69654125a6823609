"""Every built-in package is a valid, documented, traceable Frictionless package."""

from __future__ import annotations

import json

import pytest
from conftest import REPO
from frictionless import Package

from generator import areas

PACKAGES = sorted(p.parent.name for p in (REPO / "datapackages").glob("*/datapackage.json"))


def test_every_role_has_its_package_in_the_repository():
    assert set(PACKAGES) >= {
        "police-and-crime-plan-2017-21",
        "boroughs",
        "met-business-plan-2017-18",
        "finance-2017-18",
        "london-performance-2017-18",
        "policing-london-business-plan-2011-14",
        "indicator-definitions",
        "source-documents",
    }


@pytest.mark.parametrize("name", PACKAGES)
def test_frictionless_validates_package(name):
    report = Package(str(REPO / "datapackages" / name / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_has_licence_sources_and_documented_schema(name):
    d = json.loads((REPO / "datapackages" / name / "datapackage.json").read_text())
    assert d["licenses"][0]["name"] == "OGL-UK-3.0"
    assert d["sources"] and all(s.get("title") for s in d["sources"])
    for res in d["resources"]:
        assert res["schema"].get("primaryKey"), res["name"]
        for f in res["schema"]["fields"]:
            assert f.get("description") is not None, (res["name"], f["name"])


# Resources that are not transcribed from the documents: the document list itself, the
# project's definitions and area hierarchy (ONS codes), the BCU list (each BCU cites its line),
# and how the finance page groups revenue lines into the steps of its variance bridge.
NOT_TRANSCRIBED = {("source-documents", "documents"), ("boroughs", "boroughs"), ("finance-2017-18", "variance-bridge")}


def test_every_seed_derived_row_cites_document_and_line(catalog):
    for pkg in catalog.values():
        if pkg.name in ("indicator-definitions", "areas", "boundaries"):  # definitions and geometry, not transcribed
            continue
        for name, frame in pkg.frames.items():
            if (pkg.name, name) in NOT_TRANSCRIBED:
                continue
            assert frame["source_doc"].ne("").all(), (pkg.name, name)
            assert frame["source_line"].notna().all(), (pkg.name, name)


def test_boroughs_are_the_32_met_boroughs(catalog):
    b = areas.boroughs(catalog)
    assert len(b) == 32 and len(catalog["boroughs"].frames["boroughs"]) == 32
    assert sorted(b.code) == [f"E09{n:06d}" for n in range(2, 34)]
    assert set(b.parent_code) == {"E12000007"} and set(b.peer_group_title) == {"Inner London", "Outer London"}
    assert "City of London" not in set(b.name)
    assert len(set(zip(b.tile_row, b.tile_col, strict=False))) == 32


def test_every_borough_has_two_local_priorities_and_an_lcpf_allocation(catalog):
    lp = catalog["boroughs"].frames["local-priorities"]
    ranks = lp[lp["rank"].isin(["1", "2"])].groupby("borough_code").size()
    assert len(ranks) == 32 and (ranks == 2).all()
    assert set(lp.confidence) <= {"high", "medium", "low"}
    assert len(catalog["boroughs"].frames["lcpf-allocations"]) == 32


def test_plan_has_21_measures_and_90_commitments(catalog):
    plan = catalog["police-and-crime-plan-2017-21"].frames
    assert len(plan["measures"]) == 21
    assert len(plan["commitments"]) == 90
    assert plan["measures"].groupby("priority_id").size().to_dict() == {
        "police-service": 5,
        "criminal-justice": 3,
        "children-young-people": 5,
        "vawg": 4,
        "hatred-intolerance": 4,
    }


def test_milestone_status_only_where_stated(catalog):
    pr = catalog["met-business-plan-2017-18"].frames["progress"]
    assert set(pr.status) <= {"delivered", "on track", "some delays", "not stated"}
    stated = pr[pr.status != "not stated"]
    assert stated.evidence_quote.ne("").all()
    assert (pr[pr.status == "not stated"].evidence == "none").all()
    assert len(catalog["met-business-plan-2017-18"].frames["milestones"]) == 74


def test_2011_plan_is_marked_draft(catalog):
    pkg = catalog["policing-london-business-plan-2011-14"]
    assert pkg.descriptor["x-status"] == "draft"
    assert "DRAFT" in pkg.title
    assert len(pkg.frames["activities"]) == 40 and len(pkg.frames["objectives"]) == 14
