"""Two quarters published in a row: both archived, a correct What changed page, a valid Atom feed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from xml.etree import ElementTree

import pytest
from conftest import REPO

ATOM = "{http://www.w3.org/2005/Atom}"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def sh(cwd, *args, env=None):
    out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, **GIT_ENV, **(env or {})))
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    project = tmp_path_factory.mktemp("archive") / "project"
    for rel in sh(REPO, "git", "ls-files", "--cached", "--others", "--exclude-standard").splitlines():
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)
    sh(project, "git", "init", "-q", "-b", "main")
    sh(project, "git", "add", "-A")
    sh(project, "git", "commit", "-qm", "Q1 data")
    publish = [
        sys.executable,
        "-m",
        "generator.cli",
        "--project",
        str(project),
        "publish",
        "--site-url",
        "https://example.org/",
    ]
    sh(project, *publish, "--as-at", "2017Q1", env={"SOURCE_DATE_EPOCH": "1506729600"})
    # The next quarter revises a printed figure and adds a deliverable.
    lcpf = project / "datapackages" / "boroughs" / "lcpf-allocations.csv"
    lcpf.write_text(lcpf.read_text().replace(",640000,", ",650000,"))
    deliverables = project / "datapackages" / "police-and-crime-plan-2017-21" / "deliverables.csv"
    deliverables.write_text(deliverables.read_text() + "D17,vawg,A new deliverable,one,2018,pcd-168,Plan text,1749\n")
    sh(project, "git", "commit", "-qam", "Q2 data")
    sh(project, *publish, "--as-at", "2017Q2", env={"SOURCE_DATE_EPOCH": "1514678400"})
    return project


def show(project, path):
    return sh(project, "git", "show", f"gh-pages:{path}")


def test_both_quarters_are_archived_with_latest_at_the_root(archive):
    versions = json.loads(show(archive, "versions.json"))
    assert [v["version"] for v in versions] == ["2017-18-q2", "2017-18-q1"]
    assert versions[0]["aliases"] == ["latest"] and versions[0]["title"] == "2017/18 Q2"
    for v in ("2017-18-q1", "2017-18-q2"):
        assert "Policing in London" in show(archive, f"{v}/index.html")
        sh(archive, "git", "cat-file", "-e", f"gh-pages:{v}/data/all.zip")
    assert "latest/" in show(archive, "index.html")
    assert '"provider":"mike"' in show(archive, "2017-18-q2/index.html").replace(" ", "")  # the quarter selector


def test_what_changed_lists_the_revision_and_the_added_row(archive):
    page = show(archive, "2017-18-q2/changes/index.html")
    assert "Compared with 2017/18 Q1" in page
    assert "640000" in page and "650000" in page and "allocation" in page
    revisions = show(archive, "2017-18-q2/changes/revisions.csv").splitlines()
    assert revisions[0] == "package,resource,key,field,old_value,new_value"
    assert "boroughs,lcpf-allocations,2017/18 / E09000002,allocation,640000,650000" in revisions
    assert "deliverables</th><td>1</td><td>0</td>" in page
    assert "There is no earlier quarter" in show(archive, "2017-18-q1/changes/index.html")


def test_feed_announces_each_quarter(archive):
    feed = ElementTree.fromstring(show(archive, "2017-18-q2/feed.xml").encode())
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in entries] == ["2017-18-q2", "2017-18-q1"]
    for e in entries:
        assert e.findtext(f"{ATOM}title") and e.findtext(f"{ATOM}updated").endswith("Z")
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.org/2017-18-q2/changes/"
    assert "1 values revised" in entries[0].findtext(f"{ATOM}summary")


def test_every_page_names_its_quarter(archive):
    assert "Reporting quarter: <strong>2017/18 Q2</strong> (July 2017 to September 2017)" in show(
        archive, "2017-18-q2/finance/index.html"
    )
