"""The page stage on several processes: the same site as on one, and a worker's failure reported as itself."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest
from conftest import config_for, run_cli

from generator.errors import DataError, DataErrors, EnvironmentProblem
from generator.forked import WorkerFailed
from generator.pages import registry
from generator.site import make_model, render_site


@pytest.fixture(scope="module")
def model(tmp_path_factory, imported):
    return make_model(config_for(tmp_path_factory.mktemp("workers"), imported=imported))[0]


def test_workers_render_the_same_site_as_one_process(model):
    one, three = render_site(model, 1), render_site(model, 3)
    assert len(one.pages) > 90 and len(one.files) > 500
    assert list(three.pages) == list(one.pages) and three.pages == one.pages
    assert three.files == one.files and three.blocks == one.blocks and three.nav == one.nav


def failing_in_worker(error):
    """Page types that fail only in a forked worker; the parent is slow enough that a worker takes one."""
    parent = os.getpid()

    def build(r, model):
        if os.getpid() == parent:
            time.sleep(0.05)
        else:
            error()

    return {name: replace(page_type, build=build) for name, page_type in registry.PAGE_TYPES_BY_NAME.items()}


def test_bad_data_found_in_a_worker_keeps_every_file_row_and_field(model, monkeypatch):
    def error():
        where = {"path": "boroughs/lcpf-allocations.csv", "field": "allocation"}
        raise DataErrors([DataError("not a number", row=3, **where), DataError("empty", row=7, **where)])

    monkeypatch.setattr("generator.site.PAGE_TYPES_BY_NAME", failing_in_worker(error))
    with pytest.raises(DataErrors) as err:
        render_site(model, 2)
    assert [(p.path, p.row, p.field) for p in err.value.problems] == [
        ("boroughs/lcpf-allocations.csv", 3, "allocation"),
        ("boroughs/lcpf-allocations.csv", 7, "allocation"),
    ]


def test_a_worker_that_dies_stops_the_build_with_a_reason(model, monkeypatch):
    monkeypatch.setattr("generator.site.PAGE_TYPES_BY_NAME", failing_in_worker(lambda: os._exit(9)))
    with pytest.raises(WorkerFailed, match="exit code 9"):
        render_site(model, 2)


def test_a_worker_the_machine_kills_is_the_machines_problem_not_a_bug(model, monkeypatch):
    monkeypatch.setattr("generator.site.PAGE_TYPES_BY_NAME", failing_in_worker(lambda: os.kill(os.getpid(), 9)))
    with pytest.raises(EnvironmentProblem, match=r"signal 9 \(SIGKILL\): is the machine out of memory"):
        render_site(model, 2)


def test_a_bug_in_a_worker_reaches_the_parent_with_the_workers_traceback(model, monkeypatch):
    def error():
        raise KeyError("no such column")

    monkeypatch.setattr("generator.site.PAGE_TYPES_BY_NAME", failing_in_worker(error))
    with pytest.raises(KeyError) as err:
        render_site(model, 2)
    assert isinstance(err.value.__cause__, WorkerFailed) and "no such column" in str(err.value.__cause__)


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_workers_setting_is_refused(value, tmp_path):
    out = run_cli("build", "--workers", value, "--site-dir", str(tmp_path / "site"))
    assert out.returncode == 2 and "workers" in out.stderr and value in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "site").exists()
