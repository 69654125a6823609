"""Safe when things go wrong: one build at a time, links refused, the machine's failures named, downloads bounded."""

from __future__ import annotations

import http.server
import io
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import zipfile

import pytest
from conftest import CLI, REPO, ROLES, run_cli, tree_digest

from generator.compare import read_previous
from generator.crime import sources as crime_sources
from generator.errors import DataError
from generator.packages import load_catalog


def build_args(tmp):
    return ["build", "--builtin-only", "--site-dir", str(tmp / "site"), "--generated", str(tmp / "generated")]


@pytest.mark.build
def test_a_second_build_while_one_runs_is_refused_and_the_first_publishes_whole(tmp_path):
    assert run_cli(*build_args(tmp_path / "ref")).returncode == 0  # a whole site, to compare with
    first = subprocess.Popen(
        [*CLI, *build_args(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp_path.glob(".site-*/site/*")):
        time.sleep(0.05)  # the first build is inside MkDocs
    second = run_cli(*build_args(tmp_path))
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 3 and "another build, publish or import is running" in second.stderr
    assert "Traceback" not in second.stderr
    assert set(tree_digest(tmp_path / "site")) == set(tree_digest(tmp_path / "ref" / "site"))
    # ... and an import is held off the same way.
    holder = subprocess.Popen(
        [*CLI, *build_args(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    while holder.poll() is None and not any(tmp_path.glob(".site-*/site/*")):
        time.sleep(0.05)
    imp = run_cli("import-crime", "--imported", str(tmp_path / "imported"))
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert imp.returncode == 3 and not (tmp_path / "imported").exists()
    # A killed holder's lock goes with it: the next build runs.
    assert run_cli(*build_args(tmp_path)).returncode == 0


def test_a_package_folder_linked_from_outside_is_refused(tmp_path):
    pkgs = shutil.copytree(REPO / "datapackages", tmp_path / "datapackages", symlinks=True)
    outside = shutil.copytree(REPO / "datapackages" / "source-documents", tmp_path / "elsewhere")
    json_path = outside / "datapackage.json"
    json_path.write_text(json_path.read_text().replace('"name": "source-documents"', '"name": "elsewhere"'))
    os.symlink(outside, pkgs / "linked")
    with pytest.raises(DataError) as err:
        load_catalog(pkgs, roles=ROLES)
    assert "outside the packages folder" in str(err.value)


def test_a_previous_quarter_without_a_schema_is_a_data_error(tmp_path):
    (tmp_path / "data").mkdir()
    with zipfile.ZipFile(tmp_path / "data" / "all.zip", "w") as z:
        z.writestr(
            "boroughs/datapackage.json",
            json.dumps({"name": "boroughs", "resources": [{"name": "boroughs", "path": "boroughs.csv"}]}),
        )
    with pytest.raises(DataError) as err:
        read_previous(tmp_path)
    assert "has no schema fields for resource 'boroughs'" in str(err.value)


def test_the_machine_refusing_a_write_is_its_own_exit_code_and_a_plain_line(tmp_path):
    out = run_cli(
        "build",
        "--builtin-only",
        "--site-dir",
        "/sys/transparency-test/site",
        "--generated",
        str(tmp_path / "generated"),
    )
    assert out.returncode == 3 and "the machine refused a file operation" in out.stderr
    assert "Traceback" not in out.stderr


class Server:
    """A loopback server whose handler misbehaves in a chosen way."""

    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/crime.csv"

    def close(self):
        self.httpd.shutdown()


class Dripping(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        for _ in range(40):  # one byte every half second: each read is quick, the whole never ends in time
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    def log_message(self, *args):
        pass


class Truncated(Dripping):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"MajorText,MinorText,BoroughName,201704\n")  # then the connection closes


@pytest.mark.parametrize("handler, message", [(Dripping, "took longer than"), (Truncated, "truncated")])
def test_downloads_have_a_deadline_and_a_length_check(tmp_path, monkeypatch, handler, message):
    monkeypatch.setattr(crime_sources, "DOWNLOAD_DEADLINE", 2)
    server = Server(handler)
    try:
        start = time.monotonic()
        with pytest.raises(DataError) as err:
            crime_sources.download(server.url, tmp_path / "download.csv")
        assert message in err.value.message and time.monotonic() - start < 10
    finally:
        server.close()


@pytest.mark.build
def test_a_new_package_with_only_a_descriptor_and_csvs_builds(tmp_path):
    pkgs = shutil.copytree(REPO / "datapackages", tmp_path / "datapackages")
    (pkgs / "minimal").mkdir()
    (pkgs / "minimal" / "things.csv").write_text("thing,count\na,1\n")
    (pkgs / "minimal" / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "minimal",
                "resources": [
                    {
                        "name": "things",
                        "path": "things.csv",
                        "schema": {
                            "fields": [{"name": "thing", "type": "string"}, {"name": "count", "type": "integer"}]
                        },
                    }
                ],
            }
        )
    )
    out = run_cli(*build_args(tmp_path), "--datapackages", str(pkgs))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "site" / "data" / "minimal" / "things.csv").read_text() == "thing,count\na,1\n"
    assert zipfile.ZipFile(io.BytesIO((tmp_path / "site" / "data" / "minimal" / "minimal.zip").read_bytes()))
