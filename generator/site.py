"""Stage 4: run every stage, build with MkDocs into a temporary folder, then swap it into place.

Nothing under site/ changes until everything has succeeded; the swap itself is
one atomic rename-exchange where the kernel offers it.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import areas, breaks, checks, compare, generated, indicators, outputs, reconcile, wards
from .config import Config
from .errors import DataError
from .forked import Forked, can_fork, shared_counter
from .formats import left_out_note
from .generated import Site
from .packages import load_catalog, web_url
from .pages import Model
from .pages.registry import PAGE_TYPES, PAGE_TYPES_BY_NAME
from .periods import month_name, month_range
from .render import Renderer

SITE_STAGING, GENERATED_STAGING = ".site-", ".generated-"  # temporary folders beside site/ and build/generated


@dataclass
class BuildReport:
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    files: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    crime_included: bool = False
    as_at: object = None  # the reporting quarter the build resolved
    notes: list[str] = field(default_factory=list)  # what the build left out, and why


def crime_source(catalog, force: str) -> str:
    """The edition actually imported, as a citation of the force that published it."""
    if not catalog.has("crime"):
        return ""
    src = catalog.role("crime").descriptor["sources"][0]
    edition = f" ({src['edition']})" if src.get("edition") else ""
    return f"{force}, {src['title']}{edition}"  # the licence is named once, by the citation


def clocks(model: Model, q) -> dict:
    """The two clocks every page names: the data quarter the site is as at, and the quarter of the latest curated
    report, with the Plan's own period (x-period of the plan package) to say when it ended."""
    plan = model.catalog.role("plan")
    period = plan.descriptor.get("x-period") or {}
    end = period.get("end", "")
    cov = model.catalog.role("crime").descriptor.get("x-coverage", {}) if model.crime_included else {}
    counts = cov.get("incomplete_counts") or dict.fromkeys(cov.get("incomplete_months", []), 0)
    return {
        "plan_title": plan.title,
        "plan_end": month_name(end) if end else "",
        "plan_ended": bool(end) and q.months[0] > end,  # the data quarter starts after the Plan's last month
        "report": model.printed,
        "report_behind": model.printed < q.previous,  # more than a quarter older than the data
        "data_end": month_name(model.indicators.coverage[1]) if model.crime_included else "",
        "left_out": left_out_note(counts, cov.get("typical_month"), cov.get("incomplete_share")),
    }


def context(config: Config, model: Model) -> dict:
    q = config.as_at
    docs = model.frame("documents", "documents")
    dates = sorted(str(d) for d in docs.date)
    return {
        **clocks(model, q),
        "as_at": q,
        "as_at_label": q.label,
        "as_at_months": month_range(q.months[0], q.months[-1]),
        "printed": model.printed,
        "printed_london": model.printed_london,
        "same_period": model.printed == q,
        "crime_included": model.crime_included,
        "coverage": month_range(*model.indicators.coverage) if model.crime_included else "",
        "documents_dated": f"source documents dated {dates[0][:7]} to {dates[-1][:7]}",
        "crime_source": crime_source(model.catalog, config.site["force"]),
        "crime_edition": model.catalog.role("crime").descriptor["sources"][0].get("edition", "")
        if model.crime_included
        else "",
        "site_url": config.site_url.rstrip("/") + "/" if config.site_url else "/",  # else pages cite their path
        "site_name": config.site["name"],
        "feed_id": config.site["feed_id"],
        "licence": config.site["licence"],
        "build_date": time.strftime("%Y-%m-%d", time.gmtime(int(model.epoch))),
        "cite": model.cite_row,
        "printed_source": model.cite(model.frame("performance", "recorded-crime-12-months").source_doc.iloc[0]),
        "london": areas.region(model.catalog)["name"],
        "folders": model.folders,  # where each level's area pages live (areas/levels.csv)
        "borough_count": len(model.boroughs),
        "wards_left_out": model.wards_left_out,
    }


def make_model(config: Config) -> tuple[Model, dict[str, float]]:
    timings = {}
    t = time.perf_counter()
    catalog = load_catalog(config.datapackages, config.imported, cache=config.validated, roles=config.datasets)
    findings = checks.run_checks(catalog)
    timings["load and validate"] = time.perf_counter() - t
    t = time.perf_counter()
    printed_local = reconcile.printed_quarter(catalog, "boroughs", "local-priorities")
    printed_london = reconcile.printed_quarter(catalog, "performance", "recorded-crime-12-months")
    config = config.with_overrides(
        as_at=indicators.resolve_quarter(config.as_at, indicators.coverage(catalog), printed_local)
    )
    ind = indicators.compute(catalog, config.as_at, also=(printed_local, printed_london))
    previous = compare.read_previous(config.previous) if config.previous else None
    model = Model(
        config=config,
        catalog=catalog,
        indicators=ind,
        findings=findings,
        printed=printed_local,
        printed_london=printed_london,
        reconciliation=reconcile.london_reconciliation(catalog, ind, printed_london),
        local=reconcile.local_priority_comparison(catalog, ind, printed_local),
        epoch=source_date_epoch(config),
        previous=previous,
        changes=compare.compare(previous, catalog),
    )
    if ind is not None:
        categories = catalog.role("definitions").frames["categories"]
        total = categories.loc[categories.in_total_offences.astype(bool), "category_id"].tolist()
        model.wards = wards.compute(catalog, model.crime_types, config.as_at, total)
        model.wards_left_out = wards.left_out(catalog, config.as_at)
        model.breaks = breaks.find(catalog, ind.coverage)
    timings["indicators"] = time.perf_counter() - t
    return model, timings


def take_page_types(model: Model, ctx: dict, names: list[str], next_index) -> dict[str, Site]:
    """Render page types, taking the next one not yet taken until none is left: one Site per page type."""
    r = Renderer(ctx, template_cache(model.config.template_cache, "pages"))
    out = {}
    while (i := next_index()) < len(names):
        r.site = Site()
        PAGE_TYPES_BY_NAME[names[i]].build(r, model)
        out[names[i]] = r.site
    return out


def render_parallel(model: Model, ctx: dict, names: list[str], workers: int) -> dict[str, Site]:
    """Page types shared among this process and workers - 1 forked ones, each taking the next type when free."""
    next_index = shared_counter()
    children = []
    try:
        children = [Forked(take_page_types, model, ctx, names, next_index) for _ in range(workers - 1)]
        done = take_page_types(model, ctx, names, next_index)
        for child in children:
            done.update(child.result())
        return done
    finally:
        for child in children:
            child.stop()


def merge(parts: list[Site]) -> Site:
    """One Site from each page type's, in order; two page types never write the same path or chart id."""
    site = Site()
    for part in parts:
        for mine, theirs in (
            (site.pages, part.pages),
            (site.files, part.files),
            (site.blocks, part.blocks),
            (site.chart_ids, part.chart_ids),
        ):
            if clash := sorted(set(mine) & set(theirs)):  # only data can do this: a level's folder, say
                raise DataError(
                    f"two page types write {clash[0]}: is it a folder of areas/levels.csv that another page type "
                    "uses too?",
                    field="folder",
                )
            mine.update(theirs)
    return site


def page_workers(setting: str) -> int:
    """How many processes render pages: the setting, or with 'auto' one per core this process may use."""
    if setting != "auto":
        return int(setting)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return len(cores)


def render_site(model: Model, workers: int = 1) -> Site:
    """Every page type, merged in the registry's order, which is also the navigation's.

    With more than one worker (and where processes can fork), page types are rendered side by side."""
    ctx = context(model.config, model)
    names = [page_type.name for page_type in PAGE_TYPES if page_type.build]
    workers = min(workers, len(names))
    if workers > 1 and can_fork():
        done = render_parallel(model, ctx, names, workers)
    else:
        done = take_page_types(model, ctx, names, itertools.count().__next__)
    site = merge([done[name] for name in names])
    site.nav = [entry for page_type in PAGE_TYPES if (entry := page_type.nav(model)) is not None]
    return site


def template_cache(folder: Path, name: str) -> Path | None:
    """A folder for one environment's compiled templates, or None (compile every time) when it cannot be made."""
    try:
        (folder / name).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / name


def source_date_epoch(config: Config) -> str:
    """Dates in the built site (sitemap, archives) come from the data, never the clock."""
    if config.source_date_epoch:
        return config.source_date_epoch
    end = pd.Timestamp(config.as_at.end_month + "-01") + pd.offsets.MonthEnd(0)
    return str(int(end.tz_localize("UTC").timestamp()))


def run_mkdocs(
    config: Config, site: Site, generated_dir: Path, site_dir: Path, epoch: str, verbose: bool, quarter_label: str
) -> None:
    """MkDocs in this process on the generated site in memory, every setting passed in: nothing is read from or
    written to the environment. generated_dir is where the same site is being written, for `mkdocs serve`."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.INFO if verbose else logging.WARNING)
    cfg = load_config(config_file=str(config.root / "mkdocs.yml"), site_dir=str(site_dir), site_url=config.site_url)
    cfg.plugins["transparency"].site = site
    plugin = cfg.plugins["transparency"].config
    plugin.generated_dir = str(generated_dir)
    plugin.template_cache = str(template_cache(config.template_cache, "theme") or "")
    plugin.build_date = time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    cfg.extra["version"] = {"provider": "mike" if config.archive else "none"}
    # What every page's footer states: the quarter it reports, and where to send feedback (web or mail only).
    cfg.extra["quarter"] = quarter_label
    cfg.extra["feedback_url"] = config.feedback_url.strip() if web_url(config.feedback_url) else ""
    cfg.extra["crime_source_page"] = config.crime_source_page
    cfg["site_name"] = config.site["name"]
    cfg.extra["site"] = config.site  # the footer's licence and whose information the site holds
    mkdocs_build(cfg)


def build(config: Config, verbose: bool = False) -> BuildReport:
    outputs.check(config)
    for folder in (config.site_dir, config.generated):  # refused before the work, not after it
        outputs.check_replaceable(folder)
    report = BuildReport()
    model, report.timings = make_model(config)
    t = time.perf_counter()
    site = render_site(model, page_workers(config.workers))
    report.timings["pages"] = time.perf_counter() - t
    report.pages, report.files = len(site.pages), len(site.files)
    report.findings = model.findings.status.value_counts().to_dict()
    report.crime_included = model.crime_included
    report.as_at = model.config.as_at
    report.notes = [n for n in (model.wards_left_out,) if n]

    site_dir = config.site_dir
    for folder in (site_dir.parent, config.generated.parent):
        folder.mkdir(parents=True, exist_ok=True)
    # Staging folders sit beside their targets so the final renames stay on one file system.
    with (
        tempfile.TemporaryDirectory(dir=site_dir.parent, prefix=SITE_STAGING) as tmp_site,
        tempfile.TemporaryDirectory(dir=config.generated.parent, prefix=GENERATED_STAGING) as tmp_gen,
    ):
        stage_gen, stage_site = Path(tmp_gen) / "generated", Path(tmp_site) / "site"
        stage_gen.mkdir()
        # The generated folder is written beside MkDocs, which reads the same site from memory.
        writer = Forked(generated.write, site, stage_gen) if can_fork() else None
        try:
            if writer is None:
                generated.write(site, stage_gen)
            t = time.perf_counter()
            run_mkdocs(config, site, stage_gen, stage_site, model.epoch, verbose, model.config.as_at.label)
            report.timings["mkdocs"] = time.perf_counter() - t
            if writer is not None:
                writer.result()
        finally:
            if writer is not None:
                writer.stop()
        generated.link_files(site.files, stage_gen, stage_site)
        outputs.exchange(stage_site, site_dir)
        outputs.exchange(stage_gen, config.generated)
    return report


def clean_stale(config: Config) -> None:
    """Remove staging folders a killed build left behind (the published site is untouched)."""
    for folder, prefix in ((config.site_dir.parent, SITE_STAGING), (config.generated.parent, GENERATED_STAGING)):
        if folder.is_dir():
            for stale in folder.glob(prefix + "*"):
                shutil.rmtree(stale, ignore_errors=True)
