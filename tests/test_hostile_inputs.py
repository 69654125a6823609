"""A corpus of hostile files and careless flags, each run through the command line as a user would type it.

Every case must end in a plain refusal (exit 2 for bad input, naming what was wrong), never a traceback, and leave
the project, the working import and the published site exactly as they were. The commands run against a copy of
the project, so a guard that failed could not harm the repository itself.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import CLI, POPULATION_FILE, REPO, ROLES, SHARED, tree_digest

from generator import areas, cli, crime
from generator.errors import DataError
from generator.formats import csv_bytes
from generator.outputs import MARKER
from generator.packages import load_catalog
from generator.wards import ward_slugs

WARD_HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202401,202402\n"
LINE = "BURGLARY,BURGLARY IN A DWELLING,{name},{code},{borough},1,2\n"


def ward_file(folder: Path, catalog, filename: str = "hostile.csv", **odd) -> str:
    """A ward-level file with one ward per borough; ``odd`` replaces the first ward's name, code or borough."""
    lines = [
        LINE.format(name=f"Ward {i}", code=f"E0500{i:04d}", borough=b)
        for i, b in enumerate(areas.at_level(catalog, "borough").name)
    ]
    first = {"name": "Ward 0", "code": "E05000000", "borough": areas.at_level(catalog, "borough").name[0]}
    lines[0] = LINE.format(**(first | odd))
    path = folder / filename
    path.write_text(WARD_HEADER + "".join(lines), encoding="utf-8")
    return str(path)


def borough_file(folder: Path, catalog, months=("201704", "201705"), name="borough.csv") -> str:
    line = "BURGLARY,BURGLARY IN A DWELLING,{}," + ",".join("1" for _ in months) + "\n"
    text = "MajorText,MinorText,BoroughName," + ",".join(months) + "\n"
    text += "".join(line.format(b) for b in areas.at_level(catalog, "borough").name)
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


@pytest.fixture(scope="module")
def project(tmp_path_factory, catalog):
    """A copy of the project (sources, packages, settings) with a working import and a git repository."""
    root = tmp_path_factory.mktemp("project") / "repo"
    root.mkdir()
    for name in ("datapackages", "docs", "overrides", "tests"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "generator").mkdir()
    (root / "generator" / "README").write_text("stands for the sources\n")
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], cwd=root, check=True)
    good = borough_file(root.parent, catalog)
    assert cli.main(["--project", str(root), "import-crime", good]) == 0
    return root


def state(project: Path) -> dict[str, str]:
    """The project's files, less the caches and lock a command may write whatever it is given."""
    caches = ("build/validated/", "build/templates/", "build/.transparency.lock")
    return {k: v for k, v in tree_digest(project).items() if not k.startswith(caches)}


def run(project: Path, capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--project", str(project), *args])
    return code, capsys.readouterr().err


def fifo(folder: Path) -> str:
    path = folder / "pipe.csv"
    if not path.exists():
        os.mkfifo(path)
    return str(path)


def deep_json(folder: Path) -> str:
    (folder / "deep").mkdir(exist_ok=True)
    (folder / "deep" / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000)
    return str(folder / "deep")


def snapshot(folder: Path, text: str) -> str:
    (folder / "snap").mkdir(exist_ok=True)
    (folder / "snap" / "datapackage.json").write_text(text)
    return str(folder / "snap")


def sparse(folder: Path) -> str:
    path = folder / "sparse.csv"
    with path.open("wb") as f:
        f.truncate(1 << 30)
    return str(path)


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def foreign_folder(folder: Path) -> str:
    (folder / "someone-else").mkdir(exist_ok=True)
    (folder / "someone-else" / "thesis.tex").write_text("years of work\n")
    return str(folder / "someone-else")


def zip_bomb(folder: Path) -> str:
    site = folder / "previous"
    (site / "data").mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(site / "data" / "all.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x/datapackage.json", b"{" + b" " * (200 * 1024 * 1024) + b"}")
    return str(site)


def fifo_archive(folder: Path) -> str:
    site = folder / "previous-fifo"
    (site / "data").mkdir(parents=True, exist_ok=True)
    if not (site / "data" / "all.zip").exists():
        os.mkfifo(site / "data" / "all.zip")
    return str(site)


def too_many_counts(folder: Path, catalog) -> str:
    months = [f"{y}{m:02d}" for y in range(2000, 2025) for m in range(1, 13)]  # 300 months
    line = "BURGLARY,BURGLARY IN A DWELLING,Camden," + ",".join("0" for _ in months) + "\n"
    return write(folder, "huge.csv", "MajorText,MinorText,BoroughName," + ",".join(months) + "\n" + line * 3400)


def x_foreign_keys_fields_5(project: Path) -> str:
    copy = project.parent / "pkgs-fk"
    if not copy.exists():
        shutil.copytree(project / "datapackages", copy)
        path = copy / "boroughs" / "datapackage.json"
        d = json.loads(path.read_text())
        d["x-foreignKeys"] = [{"resource": "boroughs", "fields": 5, "reference": {"package": "areas"}}]
        path.write_text(json.dumps(d))
    return str(copy)


def formula_in_package(project: Path) -> str:
    copy = project.parent / "pkgs-formula"
    if not copy.exists():
        shutil.copytree(project / "datapackages", copy)
        path = copy / "met-business-plan-2017-18" / "milestones.csv"
        lines = path.read_text().split("\n")
        cells = lines[1].split(",")
        cells[-1] = '=HYPERLINK("http://evil.example","x")'
        lines[1] = ",".join(cells)
        path.write_text("\n".join(lines))
    return str(copy)


# (case, the command's arguments given the case's folder, the project and the catalog, a phrase the error holds)
CASES = [
    # The crime file: what it is, what it holds.
    ("crime file is a pipe", lambda d, p, c: ["import-crime", fifo(d)], "not a regular file"),
    ("crime file is a folder", lambda d, p, c: ["import-crime", str(d)], "this is a folder"),
    ("crime file is a device", lambda d, p, c: ["import-crime", "/dev/zero"], "not a regular file"),
    ("crime file missing", lambda d, p, c: ["import-crime", str(d / "nope.csv")], "no such crime file"),
    ("crime file empty", lambda d, p, c: ["import-crime", write(d, "empty.csv", "")], "empty"),
    ("crime file a web page", lambda d, p, c: ["import-crime", write(d, "p.csv", "<html><body>x")], "web page"),
    (
        "month after this one",
        lambda d, p, c: ["import-crime", borough_file(d, c, ("202612", "202701"), "future.csv")],
        "after the current month",
    ),
    (
        "ward name is a formula",
        lambda d, p, c: ["import-crime", ward_file(d, c, name="=1+cmd|' /C calc'!A0")],
        "formula",
    ),
    (
        "ward name 10,000 characters",
        lambda d, p, c: ["import-crime", ward_file(d, c, name="A" * 10_000)],
        "the limit is 120",
    ),
    (
        "ward name with an escape character",
        lambda d, p, c: ["import-crime", ward_file(d, c, name="Abbey\x1b[31m")],
        "control or invisible",
    ),
    (
        "ward name with a right-to-left override",
        lambda d, p, c: ["import-crime", ward_file(d, c, name="Abbey\u202egnp.exe")],
        "control or invisible",
    ),
    (
        "ward code that climbs folders",
        lambda d, p, c: ["import-crime", ward_file(d, c, code="../../etc")],
        "not a code",
    ),
    (
        "ward code in two boroughs",
        lambda d, p, c: ["import-crime", ward_file(d, c, code="E05000001")],
        "is given 2 areas",
    ),
    (
        "a look-alike letter in a borough",
        lambda d, p, c: ["import-crime", ward_file(d, c, borough="C\u0430mden")],
        "CYRILLIC SMALL LETTER A",
    ),
    (
        "a 200 KB cell",
        lambda d, p, c: ["import-crime", ward_file(d, c, name="x" * 200_000)],
        "200,000 characters long",
    ),
    (
        "full-width digits in a count",
        lambda d, p, c: [
            "import-crime",
            write(
                d,
                "fw.csv",
                WARD_HEADER.split(",2024")[0] + ",202401\nBURGLARY,BURGLARY IN A DWELLING,A,E05000000,Camden,\uff11\n",
            ),
        ],
        "not a whole number",
    ),
    ("too many counts", lambda d, p, c: ["import-crime", too_many_counts(d, c)], "the limit is 1,000,000"),
    (
        "a header of 1,001 columns",
        lambda d, p, c: ["import-crime", write(d, "wide.csv", ",".join(f"c{i}" for i in range(1001)) + "\n")],
        "columns; the limit is",
    ),
    ("an ftp address", lambda d, p, c: ["import-crime", "ftp://example.org/crime.csv"], "only http"),
    ("a malformed address", lambda d, p, c: ["import-crime", "http://[::1"], "could not download"),
    ("snapshot not JSON", lambda d, p, c: ["import-crime", snapshot(d, "{not json")], "not valid JSON"),
    (
        "snapshot without resources",
        lambda d, p, c: ["import-crime", snapshot(d, '{"name": "x"}')],
        "resources[0].path",
    ),
    ("snapshot nested 100,000 deep", lambda d, p, c: ["import-crime", deep_json(d)], "nested too deeply"),
    # A ward file beside a borough file.
    (
        "a borough file given as the ward file",
        lambda d, p, c: ["import-crime", borough_file(d, c), "--wards", borough_file(d, c, name="b2.csv")],
        "ward-level file is needed",
    ),
    # The population file.
    (
        "population file missing",
        lambda d, p, c: ["import-crime", borough_file(d, c), "--population", str(d / "none.csv")],
        "no such population file",
    ),
    (
        "population file is a pipe",
        lambda d, p, c: ["import-crime", borough_file(d, c), "--population", fifo(d)],
        "not a regular file",
    ),
    (
        "population file is /dev/zero",
        lambda d, p, c: ["import-crime", borough_file(d, c), "--population", "/dev/zero"],
        "not a regular file",
    ),
    (
        "population file of 1 GB",
        lambda d, p, c: ["import-crime", borough_file(d, c), "--population", sparse(d)],
        "the limit is",
    ),
    (
        "population file with a ragged row",
        lambda d, p, c: [
            "import-crime",
            borough_file(d, c),
            "--population",
            write(d, "rag.csv", "borough,population,year\nCamden,1,2019,extra\n"),
        ],
        "row has 4 cells",
    ),
    # Folder flags that would replace the project or someone's files.
    (
        "site into the packages",
        lambda d, p, c: ["build", "--builtin-only", "--site-dir", str(p / "datapackages")],
        "sources",
    ),
    ("site into the docs", lambda d, p, c: ["build", "--builtin-only", "--site-dir", str(p / "docs")], "sources"),
    ("site over the project", lambda d, p, c: ["build", "--builtin-only", "--site-dir", str(p)], "project folder"),
    ("site over .git", lambda d, p, c: ["build", "--builtin-only", "--site-dir", str(p / ".git")], "sources"),
    ("site over a parent", lambda d, p, c: ["build", "--builtin-only", "--site-dir", str(p.parent)], "project folder"),
    ("generated into the tests", lambda d, p, c: ["build", "--generated", str(p / "tests" / "browser")], "sources"),
    ("cache inside the overrides", lambda d, p, c: ["build", "--validated", str(p / "overrides" / "x")], "sources"),
    ("imported into the sources", lambda d, p, c: ["import-crime", "--imported", str(p / "generator")], "sources"),
    ("site and generated the same", lambda d, p, c: ["build", "--generated", str(p / "site")], "overlap"),
    (
        "site over someone's folder",
        lambda d, p, c: ["build", "--builtin-only", "--site-dir", foreign_folder(d)],
        "not written by transparency",
    ),
    # Settings that are not what they claim.
    ("quarter of year 0", lambda d, p, c: ["build", "--as-at", "0000Q1"], "outside the years"),
    ("quarter of year 9999", lambda d, p, c: ["build", "--as-at", "9999Q4"], "outside the years"),
    ("quarter nonsense", lambda d, p, c: ["build", "--as-at", "2017Q5"], "YYYYQn"),
    ("epoch that is a word", lambda d, p, c: ["build", "--source-date-epoch", "abc"], "seconds since 1970"),
    ("epoch past 2100", lambda d, p, c: ["build", "--source-date-epoch", "99999999999999"], "seconds since 1970"),
    ("site address javascript:", lambda d, p, c: ["build", "--site-url", "javascript:alert(1)"], "http or https"),
    (
        "site address breaking out of an attribute",
        lambda d, p, c: ["build", "--site-url", 'https://x.org/"><script>alert(1)</script>'],
        "http or https",
    ),
    ("no workers", lambda d, p, c: ["build", "--workers", "0"], "whole number"),
    ("publish onto the branch checked out", lambda d, p, c: ["publish", "--branch", "main"], "checked out"),
    ("publish onto master", lambda d, p, c: ["publish", "--branch", "master"], "over the project"),
    ("publish onto --help", lambda d, p, c: ["publish", "--branch=--help"], "not a valid git branch"),
    ("publish onto a bad ref", lambda d, p, c: ["publish", "--branch", "a..b"], "not a valid git branch"),
    # A previous quarter's site.
    ("previous archive a zip bomb", lambda d, p, c: ["build", "--builtin-only", "--previous", zip_bomb(d)], "inflates"),
    (
        "previous archive a pipe",
        lambda d, p, c: ["build", "--builtin-only", "--previous", fifo_archive(d)],
        "not a regular file",
    ),
    # Hand-edited packages.
    (
        "x-foreignKeys fields not a list",
        lambda d, p, c: ["build", "--builtin-only", "--datapackages", x_foreign_keys_fields_5(p)],
        "must be a list of field names",
    ),
    (
        "a formula in a package cell",
        lambda d, p, c: ["build", "--builtin-only", "--datapackages", formula_in_package(p)],
        "formula",
    ),
]


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_hostile_input_is_refused_plainly_and_nothing_changes(project, catalog, tmp_path, capsys, case):
    _, args, phrase = next(c for c in CASES if c[0] == case)
    before = state(project)
    code, err = run(project, capsys, *args(tmp_path, project, catalog))
    assert code == 2, err
    assert "Traceback" not in err and phrase in err, err
    assert len(err) < 5_000  # the first problems and a count, never the file quoted back
    assert state(project) == before


def test_a_refused_ward_file_leaves_the_working_import_whole(project, catalog, tmp_path, capsys):
    imported = project / "build" / "imported"
    before = tree_digest(imported)
    code, err = run(
        project,
        capsys,
        "import-crime",
        borough_file(tmp_path, catalog, ("201801", "201802")),
        "--wards",
        ward_file(tmp_path, catalog, code="E05000001"),
    )
    assert code == 2 and "is given 2 areas" in err
    assert tree_digest(imported) == before  # the borough file was good, but nothing was swapped in


def test_one_import_swaps_crime_wards_and_population_in_together(project, catalog, tmp_path, capsys):
    code, err = run(
        project,
        capsys,
        "import-crime",
        borough_file(tmp_path, catalog),
        "--wards",
        ward_file(tmp_path, catalog),
        "--population",
        str(POPULATION_FILE),
        "--population-year",
        "2019",
    )
    assert code == 0, err
    imported = project / "build" / "imported"
    assert sorted(p.name for p in imported.iterdir()) == [MARKER, "recorded-crime", "recorded-crime-wards"]
    code, err = run(project, capsys, "import-crime", borough_file(tmp_path, catalog))
    assert code == 0, err  # without --wards, the earlier ward package goes with the rest
    assert sorted(p.name for p in imported.iterdir()) == [MARKER, "recorded-crime"]


def test_a_folder_written_by_someone_else_is_never_replaced_by_an_import(project, catalog, tmp_path, capsys):
    target = Path(foreign_folder(tmp_path))
    code, err = run(project, capsys, "import-crime", borough_file(tmp_path, catalog), "--imported", str(target))
    assert code == 2 and "not written by transparency" in err
    assert [p.name for p in target.iterdir()] == ["thesis.tex"]


def test_ward_slugs_are_unique_and_never_empty_or_reserved():
    import pandas as pd

    wards = pd.DataFrame(
        {
            "ward_code": ["E05000001", "E05000002", "E05000003", "E05000004", "E05000005", "E05000006", "E05000007"],
            "ward_name": ["St. Pancras", "St Pancras", "Abbey", "Abbey", "Αγία Σοφία", "", "Index"],
            "area_code": ["E09000007", "E09000007", "E09000007", "E09000024", "E09000007", "E09000007", "E09000007"],
        }
    )
    slugs = ward_slugs(wards, {"E09000007": "camden", "E09000024": "merton"})
    assert slugs.tolist() == [
        "st-pancras-camden-e05000001",
        "st-pancras-camden-e05000002",
        "abbey-camden",
        "abbey-merton",
        "e05000005",
        "e05000006",
        "e05000007",
    ]


def test_every_published_csv_neutralises_formulas_but_keeps_numbers():
    import pandas as pd

    frame = pd.DataFrame({"name": ["=1+2", "+44 20", "-3.5", "@SUM(A1)", "\tx", "plain", "-"], "n": range(7)})
    text = csv_bytes(frame).decode()
    assert text.split("\n")[1:8] == ["'=1+2,0", "'+44 20,1", "-3.5,2", "'@SUM(A1),3", "'\tx,4", "plain,5", "'-,6"]


def test_error_messages_quote_a_long_value_by_its_start():
    err = DataError("value " + "x" * 10_000_000)
    assert len(str(err)) < 1_100 and "characters in all" in str(err)


def test_a_63_mb_ward_file_is_refused_within_the_memory_bound(tmp_path):
    """Shape, not size, bounds memory: the counts are known from the header and the line count."""
    real = (SHARED / "MPS Ward Level Crime (most recent 24 months).csv").read_bytes()
    header, body = real.split(b"\n", 1)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.write(header + b"\n")
        while f.tell() < 63_000_000:
            f.write(body)
    # A wrapper whose one child is the import: its children's peak is the import's alone, whatever else this test
    # process has run before.
    wrapper = (
        "import resource, subprocess, sys; out = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stderr.write(out.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.exit(out.returncode)"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *CLI, "import-crime", str(big), "--imported", str(tmp_path / "imported")],
        capture_output=True,
        text=True,
    )
    peak_mb = int(out.stdout.strip()) / 1024
    assert out.returncode == 2 and "the limit is 1,000,000" in out.stderr, out.stderr
    assert peak_mb < 10 * 63 + 150  # ten times the file, and a fixed base for Python and the libraries


def test_a_download_cut_off_mid_transfer_is_a_data_error(tmp_path, catalog):
    class Broken(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"zz\r\nnot a chunk")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(DataError) as err:
            crime.import_crime(tmp_path / "imported", catalog, f"http://127.0.0.1:{server.server_port}/crime.csv")
    finally:
        server.shutdown()
    assert "could not download" in str(err.value)
    assert not (tmp_path / "imported").exists()


def test_the_import_checks_what_the_build_reads(tmp_path):
    """A package the import writes is loaded exactly as the build loads it, before it is swapped in."""
    cat = load_catalog(REPO / "datapackages", roles=ROLES)
    path = crime.import_crime(tmp_path / "imported", cat, ward_file(tmp_path, cat, name="St. Pancras"))[0]
    assert load_catalog(REPO / "datapackages", path.parent.parent, roles=ROLES).has("crime")


def test_an_address_with_markup_is_recorded_percent_encoded_and_the_import_loads(tmp_path, catalog):
    class Files(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    source = tmp_path / "files"
    source.mkdir()
    borough_file(source, catalog)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **kw: Files(*a, directory=str(source), **kw))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f'http://127.0.0.1:{server.server_port}/borough.csv?x="><script>alert(1)</script>'
        path = crime.import_crime(tmp_path / "imported", catalog, url)[0]
    finally:
        server.shutdown()
    recorded = json.loads(path.read_text())["sources"][0]["path"]
    assert recorded.endswith("?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E") and "<" not in recorded


def test_an_imported_package_takes_its_licence_from_the_site_and_names_its_region_and_level(tmp_path, catalog):
    site = {"licence": "Test Licence 1.0", "licence_id": "TEST-1.0", "licence_url": "https://example.org/licence"}
    paths = crime.import_crime(
        tmp_path / "imported", catalog, borough_file(tmp_path, catalog), wards=ward_file(tmp_path, catalog), site=site
    )
    borough, ward = (json.loads(p.read_text()) for p in paths)
    assert (
        borough["licenses"]
        == ward["licenses"]
        == [{"name": "TEST-1.0", "path": "https://example.org/licence", "title": "Test Licence 1.0"}]
    )
    assert borough["title"] == "Recorded crime in London by borough and month"
    assert ward["title"] == "Recorded crime in London by ward and month"
