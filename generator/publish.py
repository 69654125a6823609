"""Publish a quarter as its own permanent version of the site with mike (on the gh-pages branch).

Each quarter lives at /<year>-<yy>-q<n>/ (e.g. /2017-18-q1/); the alias ``latest``
follows the newest and the site root redirects to it; Material's version
selector lists them all. The previous quarter's published data, read back from
the branch, feeds the "What changed" page and the Atom feed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from dataclasses import replace
from pathlib import Path

from .config import Config
from .errors import DataError
from .indicators import descriptor_coverage, resolve_quarter
from .site import BuildReport, build

PREVIOUS_FILES = ("data/all.zip", "feed.xml", "quarter.txt")


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=check)


def mike(root: Path, *args: str, env: dict) -> None:
    exe = Path(sys.executable).parent / "mike"  # installed beside this interpreter with the project
    out = subprocess.run(
        [str(exe) if exe.exists() else "mike", *args], cwd=root, capture_output=True, text=True, env=env
    )
    if out.returncode != 0:
        raise DataError(f"mike {' '.join(args)} failed: {out.stderr.strip()[-2000:]}")


def published_versions(root: Path, branch: str) -> list[dict]:
    """Versions on the branch, newest first (mike's versions.json); empty before the first publication."""
    shown = git(root, "show", f"{branch}:versions.json", check=False)
    return json.loads(shown.stdout) if shown.returncode == 0 else []


def fetch_previous(root: Path, branch: str, version: str, folder: Path) -> Path | None:
    """The newest other quarter's published data and feed, copied out of the branch."""
    others = [v["version"] for v in published_versions(root, branch) if v["version"] != version]
    if not others:
        return None
    shutil.rmtree(folder, ignore_errors=True)
    for name in PREVIOUS_FILES:
        shown = git(root, "show", f"{branch}:{others[0]}/{name}", check=False)
        if shown.returncode == 0:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shown.stdout)
    if not (folder / "data" / "all.zip").is_file():
        raise DataError(f"published version {others[0]} has no data/all.zip", path=f"{branch}:{others[0]}")
    return folder


PROTECTED_BRANCHES = ("main", "master")


def check_branch(root: Path, branch: str, allow: bool) -> None:
    """The branch publish commits the built site onto: a valid name, never the one checked out, and not main or
    master unless allowed."""
    if branch.startswith("-") or git(root, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise DataError(f"'{branch}' is not a valid git branch name", field="branch")
    current = git(root, "rev-parse", "--abbrev-ref", "HEAD", check=False).stdout.decode().strip()
    if branch == current:
        raise DataError(f"'{branch}' is the branch checked out; publish onto a branch of its own (gh-pages)")
    if branch in PROTECTED_BRANCHES and not allow:
        raise DataError(
            f"publishing onto '{branch}' would commit the built site over the project; use gh-pages, or pass "
            "--allow-branch if that is really meant",
            field="branch",
        )


def check_public_address(site_url: str) -> None:
    """A published quarter is cited by its address: it must be one the public can reach."""
    host = urllib.parse.urlsplit(site_url).hostname or ""
    if not site_url or host in ("localhost", "0.0.0.0", "::1") or host.startswith("127."):
        raise DataError(
            f"publishing needs the site's public address, not {site_url or 'none'}: set site_url in "
            "pyproject.toml, or pass --site-url (SITE_URL for make publish)",
            field="site_url",
        )


def publish(config: Config, branch: str = "gh-pages", push: bool = False, allow_branch: bool = False) -> BuildReport:
    root = config.root
    check_branch(root, branch, allow_branch)
    check_public_address(config.site_url)
    if config.as_at == "latest":
        descriptor = config.imported / "recorded-crime" / "datapackage.json"
        if not descriptor.is_file():
            raise DataError(
                "--as-at latest needs imported recorded crime to find the latest quarter; run "
                "transparency import-crime first, or name the quarter"
            )
        cov = descriptor_coverage(json.loads(descriptor.read_text(encoding="utf-8")), descriptor)
        config = replace(config, as_at=resolve_quarter("latest", cov, None))
    version, title = config.as_at.slug, config.as_at.label
    # The publication date is the commit's, so a rebuild of the same commit is identical.
    epoch = config.source_date_epoch or git(root, "log", "-1", "--format=%ct").stdout.decode().strip()
    base = config.site_url.rstrip("/") + "/"
    previous = fetch_previous(root, branch, version, root / "build" / "previous")
    config = replace(config, previous=previous, site_url=f"{base}{version}/", source_date_epoch=epoch, archive=True)
    report = build(config)
    # mike runs `mkdocs build` itself, from PATH, on the pages `build` just wrote (the plugin reads build/generated):
    # its settings go to that process alone.
    env = dict(
        os.environ,
        VERSION_PROVIDER="mike",
        SOURCE_DATE_EPOCH=epoch,
        SITE_URL=config.site_url,
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    push_args = ["--push"] if push else []
    mike(
        root, "deploy", "--branch", branch, "--update-aliases", "--title", title, *push_args, version, "latest", env=env
    )
    mike(root, "set-default", "--branch", branch, *push_args, "latest", env=env)
    return report
