"""The x-... keys of a package: their shapes from schemas/declarations.json, then the names they use; every problem
at once, each naming datapackage.json, the resource and the key."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest

from generator.errors import DataError
from generator.packages.catalog import Package
from generator.packages.declarations import SHAPES, check_declarations

ROOT = Path(__file__).resolve().parents[1]


def package(descriptor: dict) -> Package:
    frames = {"detail": pd.DataFrame({"group": ["a"], "amount": [1]}), "totals": pd.DataFrame({"amount": [1]})}
    return Package(name="p", path=Path("/pkgs/p"), descriptor=descriptor, frames=frames)


GOOD = {
    "name": "p",
    "x-period": {"start": "2017-04", "end": "2021-03"},
    "resources": [
        {"name": "detail", "x-identities": [{"check": "amount = amount"}]},
        {"name": "totals", "x-totals": {"detail": "detail", "fields": ["amount"], "tolerance": 0.05}},
    ],
}


def problems(edit) -> list[DataError]:
    descriptor = copy.deepcopy(GOOD)
    edit(descriptor)
    with pytest.raises(DataError) as err:
        check_declarations(package(descriptor))
    return err.value.problems


def test_every_committed_package_has_the_declared_shapes():
    descriptors = sorted(ROOT.glob("datapackages/*/datapackage.json"))
    assert len(descriptors) >= 9
    for path in descriptors:
        assert not list(SHAPES.iter_errors(json.loads(path.read_text()))), path
    check_declarations(package(copy.deepcopy(GOOD)))  # the example above passes too


def test_a_misspelt_key_is_named_with_what_the_declaration_needs():
    (problem,) = problems(
        lambda d: d["resources"][1]["x-totals"].update(detial=d["resources"][1]["x-totals"].pop("detail"))
    )
    assert problem.message.startswith("x-totals: lacks detail (found detial: misspelt?) (needs: detail: ")
    assert (problem.path, problem.resource, problem.field) == (
        str(Path("/pkgs/p/datapackage.json")),
        "totals",
        "x-totals",
    )


def test_a_misspelt_optional_key_is_refused_not_ignored():
    (problem,) = problems(
        lambda d: d["resources"][1]["x-totals"].update(tolerence=d["resources"][1]["x-totals"].pop("tolerance"))
    )
    assert "has tolerence, which it does not know" in problem.message  # else the tolerance would silently be 0


def test_every_problem_is_reported_at_once_with_the_value_found():
    def edit(d):
        d["x-period"]["end"] = "2021-13"
        d["resources"][0]["x-identities"][0]["check"] = "amount = "
        d["resources"][1]["x-totals"]["fields"] = 5
        d["x-foreignKeys"] = [{"resource": "detail", "fields": ["group"], "reference": {"package": "q"}}]

    found = [(p.resource, p.field, p.message) for p in problems(edit)]
    assert found == [
        (
            "detail",
            "x-identities",
            "x-identities: check is \"amount = \"; it must be an identity of fields like 'total = a + b - c'",
        ),
        ("totals", "x-totals", "x-totals: fields is 5; it must be a list of field names"),
        (None, "x-foreignKeys", found[2][2]),
        (None, "x-period", 'x-period: end is "2021-13"; it must be a month written YYYY-MM'),
    ]
    assert found[2][2].startswith("x-foreignKeys: lacks resource, fields (needs: an object {package, resource, fields}")


def test_a_well_shaped_declaration_must_name_real_resources_and_columns():
    def edit(d):
        d["resources"][1]["x-totals"]["detail"] = "details"
        d["resources"][0]["x-identities"][0]["check"] = "amount = amount + fee"

    assert [p.message for p in problems(edit)] == [
        "x-identities: fields fee are not columns of detail",
        "x-totals: names resource 'details', which the package does not have",
    ]
