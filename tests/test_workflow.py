"""The CI workflow is valid, runs on the right triggers, and calls only commands that exist and the README gives."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import yaml
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "quarterly.yml"


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.M))


def test_workflow_is_valid_yaml_with_schedule_dispatch_and_push():
    wf = yaml.safe_load(WORKFLOW.read_text())
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch", "push"}
    assert triggers["push"]["branches"] == ["main"]
    assert len(triggers["schedule"][0]["cron"].split()) == 5
    steps = wf["jobs"]["rebuild"]["steps"]
    publish = [s for s in steps if "make publish" in s.get("run", "")]
    assert publish and publish[0]["if"] == "github.ref == 'refs/heads/main'"
    assert steps.index(publish[0]) == len(steps) - 1  # publishing is the last step: only after everything passed


def test_every_run_line_is_a_readme_command_that_exists():
    wf = yaml.safe_load(WORKFLOW.read_text())
    readme = (REPO / "README.md").read_text()
    targets = make_targets()
    lines = [
        line.strip() for s in wf["jobs"]["rebuild"]["steps"] for line in s.get("run", "").splitlines() if line.strip()
    ]
    assert lines
    for line in lines:
        assert line in readme, f"not in the README: {line}"
        make = re.search(r"\bmake ([a-z-]+)", line)
        if make:
            assert make.group(1) in targets, line
        else:
            assert line.startswith("git "), line


def test_cli_help_explains_every_command():
    for command in ("build", "validate", "import-crime", "publish"):
        out = subprocess.run([sys.executable, "-m", "generator.cli", command, "--help"], capture_output=True, text=True)
        assert out.returncode == 0 and "usage: transparency " + command in out.stdout
    build = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--help"], capture_output=True, text=True
    ).stdout
    for option in (
        "--as-at",
        "--builtin-only",
        "--previous",
        "--site-dir",
        "--site-url",
        "--datapackages",
        "--imported",
    ):
        assert option in build


SNAPSHOT = REPO / "datapackages" / "snapshots" / "mps-borough-crime-historical-2023"


def test_import_without_a_source_reads_the_committed_snapshot_and_names_its_edition(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--project", str(REPO), "import-crime", "--imported", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads((tmp_path / "recorded-crime" / "datapackage.json").read_text())
    assert d["sources"][0]["edition"] == "late-2023 edition, data April 2010 to September 2023"
    assert d["sources"][0]["path"] == "https://data.london.gov.uk/dataset/recorded_crime_summary"


def test_the_snapshot_is_the_file_as_published_with_its_provenance():
    d = json.loads((SNAPSHOT / "datapackage.json").read_text())
    res = d["resources"][0]
    data = (SNAPSHOT / res["path"]).read_bytes()
    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data)
    assert d["licenses"][0]["name"] == "OGL-UK-3.0" and d["x-retrieved"] and d["x-edition"]
    shared = REPO.parent / "shared" / "data" / "london-datastore" / res["path"]
    if shared.exists():  # the same bytes as the shared copy of the published file
        assert shared.read_bytes() == data


def test_a_changed_snapshot_is_refused(tmp_path):
    copy = shutil.copytree(SNAPSHOT, tmp_path / "snap")
    data = copy / json.loads((copy / "datapackage.json").read_text())["resources"][0]["path"]
    data.write_bytes(data.read_bytes().replace(b"Camden,", b"Camden,1", 1))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "--project",
            str(REPO),
            "import-crime",
            str(copy),
            "--imported",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "was changed after it was taken" in out.stderr
