"""Compare this quarter's data packages with the previous quarter's: what a returning reader needs to know.

The previous quarter comes from its published site: ``data/all.zip`` (every
package as published) and ``feed.xml`` (the announcements so far).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pandas as pd

from .errors import DataError
from .inputs import regular_file
from .packages import Catalog

ATOM = "http://www.w3.org/2005/Atom"
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_INFLATED_BYTES = 128 * 1024 * 1024  # the ward build's all.zip inflates to about 35 MB


@dataclass
class Previous:
    label: str
    packages: dict[str, dict]  # name -> descriptor
    tables: dict[tuple[str, str], pd.DataFrame]  # (package, resource) -> text frame
    feed_entries: list[dict] = field(default_factory=list)


@dataclass
class Changes:
    previous_label: str = ""
    datasets_added: list[str] = field(default_factory=list)
    datasets_removed: list[str] = field(default_factory=list)
    schema: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["package", "resource", "change"]))
    rows: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["package", "resource", "added", "removed"])
    )
    revisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["package", "resource", "key", "field", "old_value", "new_value"])
    )


def descriptor_problem(d) -> str | None:
    """What a previously published descriptor lacks for the comparison, if anything."""
    if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not isinstance(d.get("resources"), list):
        return "lacks a name or a list of resources"
    for res in d["resources"]:
        fields = (
            res.get("schema", {}).get("fields")
            if isinstance(res, dict) and isinstance(res.get("schema"), dict)
            else None
        )
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not isinstance(res.get("path"), str):
            return "has a resource without a name or a path"
        if not isinstance(fields, list) or not all(isinstance(f, dict) and "name" in f for f in fields):
            return f"has no schema fields for resource '{res['name']}'"
    return None


def read_previous(site: Path) -> Previous:
    """A previous quarter's published site folder (its data/all.zip, feed.xml and version label)."""
    site = Path(site)
    archive = site / "data" / "all.zip"
    if not archive.exists():
        raise DataError("no data/all.zip: expected the previous quarter's built site", path=site)
    regular_file(archive, MAX_ARCHIVE_BYTES, "previous quarter's archive")
    packages, tables = {}, {}
    try:
        with zipfile.ZipFile(archive) as z:
            inflated = sum(info.file_size for info in z.infolist())
            if inflated > MAX_INFLATED_BYTES:
                raise DataError(
                    f"previous quarter's data/all.zip inflates to {inflated:,} bytes; the limit is "
                    f"{MAX_INFLATED_BYTES:,}",
                    path=archive,
                )
            names = set(z.namelist())
            for name in sorted(n for n in names if n.endswith("/datapackage.json")):
                pkg = PurePosixPath(name).parent.as_posix()
                d = json.loads(z.read(name))
                problem = descriptor_problem(d)
                if problem:
                    raise DataError(f"previous quarter's {name} {problem}", path=archive)
                packages[d["name"]] = d
                for res in d["resources"]:
                    member = f"{pkg}/{res['path']}"
                    if member in names:
                        tables[(d["name"], res["name"])] = pd.read_csv(
                            io.BytesIO(z.read(member)), dtype=str, keep_default_na=False
                        )
    except (
        zipfile.BadZipFile,
        KeyError,
        json.JSONDecodeError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        RecursionError,
        NotImplementedError,  # a compression method zipfile does not know
    ) as exc:
        raise DataError(f"previous quarter's data/all.zip is unreadable: {exc}", path=archive) from None
    label = (
        (site / "quarter.txt").read_text(encoding="utf-8").strip() if (site / "quarter.txt").is_file() else site.name
    )
    return Previous(label=label, packages=packages, tables=tables, feed_entries=read_feed(site / "feed.xml"))


def read_feed(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        raise DataError(f"previous feed is not valid XML: {exc}", path=path) from None
    entries = []
    for e in root.findall(f"{{{ATOM}}}entry"):
        link = e.find(f"{{{ATOM}}}link")
        entries.append(
            {
                "id": e.findtext(f"{{{ATOM}}}id"),
                "title": e.findtext(f"{{{ATOM}}}title"),
                "updated": e.findtext(f"{{{ATOM}}}updated"),
                "summary": e.findtext(f"{{{ATOM}}}summary") or "",
                "link": link.get("href") if link is not None else "",
            }
        )
    return entries


def text_frame(pkg, res_name: str) -> pd.DataFrame:
    """The resource as published (text), so revisions compare what readers downloaded."""
    res = pkg.resource(res_name)
    return pd.read_csv(pkg.path / res["path"], dtype=str, keep_default_na=False)


def compare(previous: Previous | None, catalog: Catalog) -> Changes | None:
    if previous is None:
        return None
    ch = Changes(previous_label=previous.label)
    ch.datasets_added = sorted(set(catalog) - set(previous.packages))
    ch.datasets_removed = sorted(set(previous.packages) - set(catalog))
    schema, rows, revisions = [], [], []
    for name in sorted(set(catalog) & set(previous.packages)):
        pkg, old_desc = catalog[name], previous.packages[name]
        old_res = {r["name"]: r for r in old_desc["resources"]}
        for res in pkg.descriptor["resources"]:
            if res["name"] not in old_res:
                schema.append({"package": name, "resource": res["name"], "change": "table added"})
                continue
            schema += field_changes(name, res, old_res[res["name"]])
            old = previous.tables.get((name, res["name"]))
            key = res["schema"].get("primaryKey") or []
            if old is None or not key or any(k not in old.columns for k in key):
                continue
            both = sorted((field_types(res).keys() & field_types(old_res[res["name"]]).keys()) - set(key))
            added, removed, revised = row_changes(name, res["name"], old, text_frame(pkg, res["name"]), key, both)
            rows.append({"package": name, "resource": res["name"], "added": added, "removed": removed})
            revisions += revised
        for r in old_res:
            if r not in {x["name"] for x in pkg.descriptor["resources"]}:
                schema.append({"package": name, "resource": r, "change": "table removed"})
    ch.schema = pd.DataFrame(schema, columns=["package", "resource", "change"])
    ch.rows = pd.DataFrame(rows, columns=["package", "resource", "added", "removed"])
    ch.revisions = pd.DataFrame(revisions, columns=["package", "resource", "key", "field", "old_value", "new_value"])
    return ch


def field_types(res: dict) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in res["schema"]["fields"]}


def field_changes(package: str, res: dict, old_res: dict) -> list[dict]:
    """Fields added, removed or given another type in one table since the previous quarter."""
    old, new = field_types(old_res), field_types(res)
    changes = [f"field {f} added" for f in new.keys() - old.keys()]
    changes += [f"field {f} removed" for f in old.keys() - new.keys()]
    changes += [f"field {f} type {old[f]} -> {new[f]}" for f in new.keys() & old.keys() if new[f] != old[f]]
    return [{"package": package, "resource": res["name"], "change": c} for c in changes]


def row_changes(package: str, resource: str, old: pd.DataFrame, new: pd.DataFrame, key: list[str], fields: list[str]):
    """Rows added and removed by primary key, and every value of ``fields`` revised in a row both quarters have."""
    old_i, new_i = old.set_index(key), new.set_index(key)
    common = new_i.index.intersection(old_i.index)
    revisions = []
    for f in fields:
        a, b = old_i.loc[common, f], new_i.loc[common, f]
        for k in common[(a != b).to_numpy()]:
            revisions.append(
                {
                    "package": package,
                    "resource": resource,
                    "key": " / ".join(k) if isinstance(k, tuple) else str(k),
                    "field": f,
                    "old_value": old_i.at[k, f],
                    "new_value": new_i.at[k, f],
                }
            )
    added = len(new_i.index.difference(old_i.index))
    return added, len(old_i.index.difference(new_i.index)), revisions


def atom_feed(entries: list[dict], site_url: str, updated: str, site_name: str, feed_id: str) -> bytes:
    """An Atom feed of quarterly releases, newest first; ids are stable across quarters."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    ElementTree.SubElement(feed, f"{{{ATOM}}}title").text = f"{site_name}: quarterly releases"
    ElementTree.SubElement(feed, f"{{{ATOM}}}id").text = f"{feed_id}:releases"
    ElementTree.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=site_url + "feed.xml")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    ElementTree.SubElement(author, f"{{{ATOM}}}name").text = site_name
    for e in sorted(entries, key=lambda x: x["updated"] or "", reverse=True):
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        ElementTree.SubElement(entry, f"{{{ATOM}}}id").text = e["id"]
        ElementTree.SubElement(entry, f"{{{ATOM}}}title").text = e["title"]
        ElementTree.SubElement(entry, f"{{{ATOM}}}updated").text = e["updated"]
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=e["link"])
        ElementTree.SubElement(entry, f"{{{ATOM}}}summary").text = e["summary"]
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
