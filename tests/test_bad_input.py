"""Bad input: one readable error naming file, row and field; exit code 2; nothing published."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import CLI, REPO, ROLES, run_cli, tree_digest

from generator.errors import DataError
from generator.packages import MAX_RESOURCE_BYTES, load_catalog


@pytest.fixture
def pkgs(tmp_path):
    return shutil.copytree(REPO / "datapackages", tmp_path / "datapackages")


def edit(path: Path, old: str, new: str, count: int = 1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def descriptor(pkgs, name):
    return pkgs / name / "datapackage.json"


def set_path(pkgs, package, resource, value):
    p = descriptor(pkgs, package)
    d = json.loads(p.read_text())
    next(r for r in d["resources"] if r["name"] == resource)["path"] = value
    p.write_text(json.dumps(d))


LCPF = ("boroughs", "lcpf-allocations.csv")


def lcpf(pkgs):
    return pkgs.joinpath(*LCPF)


CASES = {
    "descriptor is not JSON": (
        lambda p: edit(descriptor(p, "boroughs"), '"name": "boroughs"', '"name": "boroughs",,'),
        "datapackage.json",
        "not valid JSON",
        None,
        None,
    ),
    "missing resource file": (lambda p: lcpf(p).unlink(), "datapackage.json", "does not exist", None, "path"),
    "empty file": (lambda p: lcpf(p).write_text(""), "lcpf-allocations.csv", "empty", None, None),
    "header mismatch": (
        lambda p: edit(lcpf(p), "financial_year,borough_code", "year,borough_code"),
        "lcpf-allocations.csv",
        "header does not match",
        1,
        None,
    ),
    "wrong type": (
        lambda p: edit(lcpf(p), "640000", "six hundred"),
        "lcpf-allocations.csv",
        "not a valid integer",
        2,
        "allocation",
    ),
    "thousands separator": (
        lambda p: edit(pkgs_file(p, "finance-2017-18", "revenue.csv"), "1805.0", '"1,805.0"'),
        "revenue.csv",
        "write numbers plainly",
        2,
        "budget_full_year",
    ),
    "spaced minus": (
        lambda p: edit(pkgs_file(p, "finance-2017-18", "reserves.csv"), "-121.5", "- 121.5"),
        "reserves.csv",
        "write numbers plainly",
        3,
        "net_movement",
    ),
    "currency sign": (
        lambda p: edit(lcpf(p), "640000", '"£640,000"'),
        "lcpf-allocations.csv",
        "write numbers plainly",
        2,
        "allocation",
    ),
    "outside constraints": (
        lambda p: edit(lcpf(p), "640000", "-5"),
        "lcpf-allocations.csv",
        "constraint",
        2,
        "allocation",
    ),
    "not in enum": (
        lambda p: edit(pkgs_file(p, "boroughs", "local-priorities.csv"), ",high,", ",certain,"),
        "local-priorities.csv",
        "constraint",
        2,
        "confidence",
    ),
    "missing required value": (
        lambda p: edit(lcpf(p), ",640000,", ",,"),
        "lcpf-allocations.csv",
        "required",
        2,
        "allocation",
    ),
    "duplicate primary key": (
        lambda p: edit(lcpf(p), "E09000003,Barnet", "E09000002,Barnet"),
        "lcpf-allocations.csv",
        "duplicate primary key",
        3,
        "financial_year,borough_code",
    ),
    "unknown borough": (
        lambda p: edit(pkgs_file(p, "boroughs", "local-priorities.csv"), "2017/18,E09000002", "2017/18,E09000099"),
        "local-priorities.csv",
        "unknown reference",
        2,
        None,
    ),
    "unknown priority": (
        lambda p: edit(
            pkgs_file(p, "indicator-definitions", "indicators.csv"), ",local-priorities,", ",no-such-priority,"
        ),
        "indicators.csv",
        "not a known police-and-crime-plan-2017-21/priorities",
        2,
        "priority_id",
    ),
    "missing borough": (
        lambda p: edit(lcpf(p), lcpf(p).read_text().splitlines()[5] + "\n", ""),
        "lcpf-allocations.csv",
        "no row for E09000006",
        None,
        "borough_code",
    ),
    "byte-order mark": (
        lambda p: lcpf(p).write_bytes(b"\xef\xbb\xbf" + lcpf(p).read_bytes()),
        "lcpf-allocations.csv",
        "byte-order mark",
        1,
        None,
    ),
    "CRLF line endings": (
        lambda p: lcpf(p).write_bytes(lcpf(p).read_bytes().replace(b"\n", b"\r\n")),
        "lcpf-allocations.csv",
        "CRLF",
        1,
        None,
    ),
    "not UTF-8": (
        lambda p: lcpf(p).write_bytes(lcpf(p).read_bytes().replace(b"Barnet", "Barn\xe9t".encode("latin-1"))),
        "lcpf-allocations.csv",
        "not UTF-8",
        3,
        None,
    ),
    "path escapes with ..": (
        lambda p: set_path(p, "boroughs", "lcpf-allocations", "../finance-2017-18/revenue.csv"),
        "datapackage.json",
        "leaves the package folder",
        None,
        "path",
    ),
    "absolute path": (
        lambda p: set_path(p, "boroughs", "lcpf-allocations", "/etc/passwd"),
        "datapackage.json",
        "leaves the package folder",
        None,
        "path",
    ),
    "URL path": (
        lambda p: set_path(p, "boroughs", "lcpf-allocations", "https://example.org/lcpf.csv"),
        "datapackage.json",
        "is a URL",
        None,
        "path",
    ),
    "enormous field": (
        lambda p: edit(
            pkgs_file(p, "police-and-crime-plan-2017-21", "commitments.csv"), "Increase the number", "x" * 30_000
        ),
        "commitments.csv",
        "characters; the limit is",
        2,
        "commitment",
    ),
    "enormous file": (
        lambda p: (
            pkgs_file(p, "police-and-crime-plan-2017-21", "commitments.csv").open("a").truncate(MAX_RESOURCE_BYTES + 1)
        ),
        "commitments.csv",
        "the limit is",
        None,
        None,
    ),
    "malformed CSV": (
        lambda p: edit(lcpf(p), "Barnet,", '"Barnet"x,'),
        "lcpf-allocations.csv",
        "malformed CSV",
        3,
        None,
    ),
    "unclosed quote": (
        lambda p: edit(lcpf(p), "Barnet,", '"Barnet,'),
        "lcpf-allocations.csv",
        "malformed CSV",
        3,
        None,
    ),
    "javascript: licence path": (
        lambda p: change(p, "boroughs", lambda d: d["licenses"][0].update(path="javascript:alert(document.domain)")),
        "datapackage.json",
        "other schemes are refused",
        None,
        "licenses[0].path",
    ),
    "data: source path": (
        lambda p: change(p, "boroughs", lambda d: d["sources"][0].update(path="data:text/html,<script>1</script>")),
        "datapackage.json",
        "other schemes are refused",
        None,
        "sources[0].path",
    ),
    "resource path read as a scheme": (
        lambda p: (
            lcpf(p).rename(lcpf(p).with_name("javascript:alert(1).csv")),
            set_path(p, "boroughs", "lcpf-allocations", "javascript:alert(1).csv"),
        ),
        "datapackage.json",
        "has a ':' in its first part",
        None,
        "path",
    ),
    "schema fields not a list": (
        lambda p: change(p, "boroughs", lambda d: d["resources"][1]["schema"].update(fields={"name": "x"})),
        "datapackage.json",
        "list of 'fields'",
        None,
        "schema.fields",
    ),
    "misspelt key in x-totals": (
        lambda p: change(
            p,
            "boroughs",
            lambda d: d["resources"][2]["x-totals"].update(detial=d["resources"][2]["x-totals"].pop("detail")),
        ),
        "datapackage.json",
        "lacks detail (found detial: misspelt?)",
        None,
        "x-totals",
    ),
    "misspelt key in x-identities": (
        lambda p: change(
            p,
            "finance-2017-18",
            lambda d: rename_key(
                next(r for r in d["resources"] if "x-identities" in r)["x-identities"][0], "check", "chek"
            ),
        ),
        "datapackage.json",
        "lacks check (found chek: misspelt?)",
        None,
        "x-identities",
    ),
    "misspelt key in x-foreignKeys": (
        lambda p: change(
            p, "boroughs", lambda d: d["x-foreignKeys"][0].update(fileds=d["x-foreignKeys"][0].pop("fields"))
        ),
        "datapackage.json",
        "lacks fields",
        None,
        "x-foreignKeys",
    ),
    "a level's folder that climbs out of the site": (
        lambda p: edit(pkgs_file(p, "areas", "levels.csv"), ",0.75,wards", ",0.75,../wards"),
        "levels.csv",
        'constraint "pattern"',
        4,
        "folder",
    ),
    "two boroughs with the same slug": (
        lambda p: edit(pkgs_file(p, "areas", "areas.csv"), ",barnet,", ",barking-and-dagenham,"),
        "areas.csv",
        "must be unique",
        4,
        "slug",
    ),
    "full-width digits": (
        lambda p: edit(lcpf(p), ",640000,", ",\uff16\uff14\uff10000,"),
        "lcpf-allocations.csv",
        "digits that are not 0-9",
        2,
        "allocation",
    ),
    "semicolon-separated file": (
        lambda p: lcpf(p).write_text(lcpf(p).read_text().replace(",", ";")),
        "lcpf-allocations.csv",
        "separated by semicolons",
        1,
        None,
    ),
    "topic of an unknown measure": (
        lambda p: edit(p / "indicator-definitions" / "topics.csv", "Hate crime,HI-M1", "Hate crime,HI-M9"),
        "topics.csv",
        "HI-M9",
        2,
        "measure_id",
    ),
    "NUL byte": (
        lambda p: lcpf(p).write_bytes(lcpf(p).read_bytes().replace(b"Barnet", b"Bar\x00net")),
        "lcpf-allocations.csv",
        "NUL byte",
        3,
        None,
    ),
}


def rename_key(d: dict, old: str, new: str) -> None:
    d[new] = d.pop(old)


def change(pkgs, package, fn):
    """Edit a package's descriptor as JSON."""
    path = pkgs / package / "datapackage.json"
    d = json.loads(path.read_text())
    fn(d)
    path.write_text(json.dumps(d))


def pkgs_file(pkgs, package, name):
    return pkgs / package / name


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_package_gives_one_clear_error(pkgs, case):
    damage, file_name, message, row, field = CASES[case]
    damage(pkgs)
    with pytest.raises(DataError) as err:
        load_catalog(pkgs, roles=ROLES)
    text = str(err.value)
    assert file_name in text and message in text, text
    assert "\x00" not in text and len(text) < 1000, text  # printable and short, whatever the input
    assert err.value.row == row, text
    if field:
        assert err.value.field == field, text
    assert "\n" not in text


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site built with the CLI from the repository's packages alone."""
    tmp = tmp_path_factory.mktemp("published")
    site = tmp / "site"
    out = run_cli("build", "--builtin-only", "--site-dir", str(site), "--generated", str(tmp / "generated"))
    assert out.returncode == 0, out.stderr
    assert "recorded crime not included" in out.stdout
    return site


@pytest.mark.parametrize("case", ["wrong type", "unknown borough", "descriptor is not JSON"])
def test_cli_exits_2_with_one_line_and_leaves_the_site(published, pkgs, case):
    before = tree_digest(published)
    CASES[case][0](pkgs)
    out = run_cli(
        "build",
        "--datapackages",
        str(pkgs),
        "--builtin-only",
        "--site-dir",
        str(published),
        "--generated",
        str(published.parent / "generated"),
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out.stderr
    assert tree_digest(published) == before


def test_builtin_site_says_recorded_crime_was_not_included(published):
    html = (published / "boroughs" / "camden" / "index.html").read_text()
    assert "Recorded-crime data was not included in this build" in html


def test_killed_build_leaves_the_previous_site_intact(published):
    before = tree_digest(published)
    proc = subprocess.Popen(
        [
            *CLI,
            "build",
            "--builtin-only",
            "--site-dir",
            str(published),
            "--generated",
            str(published.parent / "generated"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    staging = published.parent
    deadline = time.time() + 60
    while time.time() < deadline and not any(staging.glob(".site-*/site/*")):
        time.sleep(0.05)  # wait until MkDocs is writing into the staging folder
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The kill landed inside the build: the process died of it, and its half-written staging folder is still there.
    assert proc.returncode == -signal.SIGKILL
    assert any(staging.glob(".site-*/site/*"))
    assert tree_digest(published) == before
    out = run_cli(
        "build", "--builtin-only", "--site-dir", str(published), "--generated", str(published.parent / "generated")
    )  # the next build clears what was left
    assert out.returncode == 0 and not list(staging.glob(".site-*"))


def test_bad_quarter_is_a_data_error(tmp_path):
    out = run_cli(
        "build", "--as-at", "2017-Q5", "--site-dir", str(tmp_path / "site"), "--generated", str(tmp_path / "g")
    )
    assert out.returncode == 2 and "YYYYQn" in out.stderr


def test_a_bridge_step_naming_a_line_the_revenue_table_lacks_stops_the_build_at_its_row(pkgs, tmp_path):
    edit(pkgs_file(pkgs, "finance-2017-18", "variance-bridge.csv"), "Premises Costs", "Premises")
    out = run_cli("build", "--builtin-only", "--datapackages", str(pkgs), "--site-dir", str(tmp_path / "site"))
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "variance-bridge.csv, resource 'variance-bridge', row 9, field 'line_item': 'Premises' is not" in out.stderr
    assert not (tmp_path / "site").exists()
