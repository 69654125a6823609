"""Shared fixtures: the repository's packages, the real crime file, and built sites in tmp folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from generator.config import load_config
from generator.crime import import_crime
from generator.packages import load_catalog

REPO = Path(__file__).resolve().parents[1]
ROLES = load_config(REPO).datasets  # which package plays each role, as pyproject.toml says
SHARED = Path(os.environ.get("SHARED_DATA", REPO.parent / "shared" / "data" / "london-datastore")).resolve()
SEEDS = SHARED.parents[1] / "seeds"  # the shared folder the data came from: data/london-datastore/..
CRIME_FILE = SHARED / "MPS Borough Level Crime (Historical).csv"
POPULATION_FILE = SHARED / "population2019.csv"
# Every real edition in the shared folder, with the latest complete quarter each covers.
EDITIONS = {
    "MPS Borough Level Crime (Historical).csv": "2023Q2",
    "MPS Borough Level Crime (Historical) edition 2022-02.csv": "2021Q3",
    "MPS Ward Level Crime (most recent 24 months).csv": "2025Q4",
}

# Tests that build a whole site or drive Chromium; `make test-fast` leaves them out.
BUILD_FIXTURES = {"built_site", "small_site", "published", "archive", "edition", "ward_site"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)


def pytest_sessionstart(session):
    """The real files are the test data: without them the suite fails at once and says why, never skips."""
    wanted = dict.fromkeys((CRIME_FILE, POPULATION_FILE, *(SHARED / n for n in EDITIONS), SEEDS))
    missing = [str(p) for p in wanted if not p.exists()]
    if missing:
        raise pytest.UsageError(
            "the tests need the shared London Datastore files and source documents, and these are missing: "
            + ", ".join(missing)
            + ". Put the shared folder beside the repository (../shared) or point SHARED_DATA at the files."
        )


CLI = [sys.executable, "-m", "generator.cli", "--project", str(REPO)]  # the command line, as a user runs it


def run_cli(*args, env=None, **kw):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=dict(os.environ, **(env or {})), **kw)


def config_for(tmp: Path, datapackages: Path | None = None, imported: Path | None = None, **kw):
    """A project config whose every output lands in tmp."""
    cfg = load_config(REPO)
    return replace(
        cfg,
        datapackages=datapackages or cfg.datapackages,
        imported=imported or tmp / "imported",
        site_dir=tmp / "site",
        generated=tmp / "build" / "generated",
        **kw,
    )


@pytest.fixture(scope="session")
def catalog():
    return load_catalog(REPO / "datapackages", roles=ROLES)


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """Frictionless's verdicts for this session, by content: a package the import validated is not validated again."""
    return tmp_path_factory.mktemp("validated")


@pytest.fixture(scope="session")
def imported(tmp_path_factory, catalog, validated):
    """The real crime file imported once per session (the project never stores it)."""
    out = tmp_path_factory.mktemp("imported")
    import_crime(out, catalog, str(CRIME_FILE), population=str(POPULATION_FILE), population_year=2019, cache=validated)
    return out


@pytest.fixture(scope="session")
def full_catalog(imported, validated):
    return load_catalog(REPO / "datapackages", imported, roles=ROLES, cache=validated)


@pytest.fixture(scope="session")
def site_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, imported, site_port):
    """The complete site, built once per session from the repo's packages and the real crime file."""
    from generator.site import build

    tmp = tmp_path_factory.mktemp("fullsite")
    cfg = config_for(tmp, imported=imported, site_url=f"http://127.0.0.1:{site_port}/")
    report = build(cfg)
    return cfg.site_dir, report


def serve(folder: Path, port: int):
    """A static file server on loopback, in a thread; returns a stop function."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd.shutdown


def copy_packages(dest: Path) -> Path:
    shutil.copytree(REPO / "datapackages", dest)
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file of a tree and the hash of its bytes, to compare two builds or a build before and after."""
    import hashlib

    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def ward_site(tmp_path_factory, catalog):
    """A whole site from the real ward-level file alone (boroughs counted from their wards), at its latest quarter."""
    import socket

    from generator.site import build

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tmp_path_factory.mktemp("wardsite")
    ward_file = SHARED / "MPS Ward Level Crime (most recent 24 months).csv"
    import_crime(tmp / "imported", catalog, str(ward_file), population=str(POPULATION_FILE), population_year=2019)
    cfg = config_for(tmp, imported=tmp / "imported", as_at="latest", site_url=f"http://127.0.0.1:{port}/")
    report = build(cfg)
    return cfg.site_dir, report, port
