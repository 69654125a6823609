"""The CI workflow is valid, runs on the right triggers, and calls only commands that exist and the README gives."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import POPULATION_FILE, REPO, SHARED

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def git_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, text=True
    )
    return [rel for rel in out.stdout.splitlines() if (REPO / rel).is_file()]


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


@pytest.mark.build
def test_the_workflow_publishes_the_latest_quarter_of_two_editions_with_wards(tmp_path):
    """The workflow's own steps, in its order, on two real editions in turn (local files for the URLs): each
    quarter is archived with its ward pages, What changed compares the two, and the feed holds both."""
    project = tmp_path / "project"
    for rel in git_files():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, project / rel)
    # The suite's virtualenv is installed already: make must not reinstall this copy into it, which would point
    # the shared editable install at a temporary folder. An old pyproject.toml keeps make's install stamp current.
    os.utime(project / "pyproject.toml", (0, 0))
    wf = yaml.safe_load(WORKFLOW.read_text())
    lines = [line for s in wf["jobs"]["rebuild"]["steps"] for line in s.get("run", "").splitlines() if line.strip()]
    steps = [line for line in lines if line != "make test"]  # the suite this test is part of
    assert len(steps) == len(lines) - 1
    env = dict(os.environ, **GIT_ENV, VENV=str(Path(sys.executable).parent.parent), SITE_URL="https://example.org/")
    env |= {k: str(v) for k, v in wf["jobs"]["rebuild"]["env"].items() if "${{" not in str(v)}  # AS_AT: latest
    env.pop("SHARED_DATA", None)
    run = lambda *args, **kw: subprocess.run(args, cwd=project, env=env | kw, capture_output=True, text=True)
    run("git", "init", "-q", "-b", "main")
    run("git", "add", "-A")
    run("git", "commit", "-qm", "the project")
    ward_file = SHARED / "MPS Ward Level Crime (most recent 24 months).csv"
    editions = [SHARED / "MPS Borough Level Crime (most recent 24 months) edition 2024-06.csv", ward_file]
    for edition in editions:
        urls = {
            "CRIME_SOURCE_URL": edition.as_uri(),
            "WARD_SOURCE_URL": ward_file.as_uri(),
            "POPULATION_SOURCE_URL": POPULATION_FILE.as_uri(),
            "POPULATION_YEAR": "2019",
        }
        for line in steps:
            out = subprocess.run(
                line.replace("PUSH=1 ", ""), shell=True, cwd=project, env=env | urls, capture_output=True, text=True
            )
            assert out.returncode == 0, f"{line}: {out.stderr[-3000:]}"
    installed = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"], cwd="/", capture_output=True, text=True
    )
    assert installed.stdout.startswith(str(REPO)), installed.stdout  # the suite's install was left as it was
    versions = json.loads(run("git", "show", "gh-pages:versions.json").stdout)
    assert [v["version"] for v in versions] == ["2025-26-q4", "2024-25-q1"]
    assert versions[0]["aliases"] == ["latest"]
    for v in versions:
        wards = run("git", "show", f"gh-pages:{v['version']}/wards/index.html")
        assert wards.returncode == 0 and "Abbey" in wards.stdout
    changes = run("git", "show", "gh-pages:2025-26-q4/changes/index.html").stdout
    assert "Compared with 2024/25 Q1" in changes
    feed = run("git", "show", "gh-pages:2025-26-q4/feed.xml").stdout
    assert "2025-26-q4" in feed and "2024-25-q1" in feed
    home = run("git", "show", "gh-pages:2025-26-q4/index.html").stdout
    assert "Crime now" in home and "ended in March 2021" in home and "127.0.0.1" not in home


@pytest.mark.build
def test_ward_data_that_end_before_the_quarter_are_said_on_every_borough_page(tmp_path, catalog):
    from conftest import CRIME_FILE, config_for

    from generator.crime import import_crime
    from generator.site import build

    ward_file = SHARED / "MPS Ward Level Crime (most recent 24 months).csv"
    import_crime(tmp_path / "imported", catalog, str(CRIME_FILE), wards=str(ward_file))
    report = build(config_for(tmp_path, imported=tmp_path / "imported", as_at="latest"))
    assert report.as_at.label == "2023/24 Q2"
    assert any("does not include 2023/24 Q2" in n and "no ward pages" in n for n in report.notes)
    camden = (tmp_path / "site" / "boroughs" / "camden" / "index.html").read_text()
    assert "The ward-level data cover March 2024 to March 2026" in camden or "April 2024 to March 2026" in camden
    assert not (tmp_path / "site" / "wards").exists()


@pytest.mark.slow
def test_a_renamed_package_is_followed_by_every_command_through_its_role(tmp_path):
    """Rename the definitions package and map its role in pyproject.toml: import and build both follow."""
    project = tmp_path / "project"
    for rel in git_files():
        if not rel.startswith(("tests/", ".github/")):
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, project / rel)
    old = project / "datapackages" / "indicator-definitions"
    new = project / "datapackages" / "crime-definitions-2026"
    old.rename(new)
    descriptor = json.loads((new / "datapackage.json").read_text())
    descriptor["name"] = "crime-definitions-2026"
    (new / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    for other in (project / "datapackages").glob("*/datapackage.json"):  # references between packages name it
        other.write_text(other.read_text().replace('"indicator-definitions"', '"crime-definitions-2026"'))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.transparency.datasets]\ndefinitions = "crime-definitions-2026"\n'
    )
    cli = [sys.executable, "-m", "generator.cli", "--project", str(project)]
    imported = subprocess.run([*cli, "import-crime"], capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    built = subprocess.run([*cli, "build", "--as-at", "latest"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (project / "site" / "data" / "crime-definitions-2026" / "index.html").is_file()
    assert (project / "site" / "crimes" / "burglary" / "index.html").is_file()
