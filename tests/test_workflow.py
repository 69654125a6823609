"""The CI workflow is valid, runs on the right triggers, and calls only commands that exist and the README gives."""
from __future__ import annotations

import re
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
    lines = [line.strip() for s in wf["jobs"]["rebuild"]["steps"] for line in s.get("run", "").splitlines() if line.strip()]
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
    build = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--help"], capture_output=True, text=True).stdout
    for option in ("--as-at", "--builtin-only", "--previous", "--site-dir", "--site-url", "--datapackages", "--imported"):
        assert option in build


def test_import_without_a_source_says_where_the_file_is(tmp_path):
    out = subprocess.run([sys.executable, "-m", "generator.cli", "--project", str(REPO), "import-crime",
                          "--imported", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 2 and "data.london.gov.uk/dataset/recorded_crime_summary" in out.stderr
