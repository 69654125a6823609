"""The data catalogue: a page and downloads per package, plus one zip of everything."""

from __future__ import annotations

from .. import zips
from . import Model


def package_files(pkg) -> dict[str, bytes]:
    files = {"datapackage.json": (pkg.path / "datapackage.json").read_bytes()}
    for res in pkg.descriptor["resources"]:
        files[res["path"]] = (pkg.path / res["path"]).read_bytes()
    return files


def json_ld(pkg, url: str, files: dict[str, str]) -> dict:
    d = pkg.descriptor
    lic = (d.get("licenses") or [{}])[0]
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": d.get("title", pkg.name),
        "description": d.get("description", ""),
        "url": url,
        "identifier": pkg.name,
        "license": lic.get("path", ""),
        "isAccessibleForFree": True,
        "creator": {
            "@type": "Organization",
            "name": "London policing transparency (from MOPAC and Metropolitan Police publications)",
        },
        "isBasedOn": [s.get("title", "") for s in d.get("sources", [])],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": href,
                "encodingFormat": "application/zip"
                if name.endswith(".zip")
                else ("application/json" if name.endswith(".json") else "text/csv"),
            }
            for name, href in files.items()
        ],
    }


# Frictionless constraints, as a reader of the dataset page would say them.
CONSTRAINT_WORDS = {
    "required": lambda v: "always filled in" if v else "",
    "unique": lambda v: "no two rows the same" if v else "",
    "minimum": lambda v: f"at least {v}",
    "maximum": lambda v: f"at most {v}",
    "minLength": lambda v: f"at least {v} characters",
    "maxLength": lambda v: f"at most {v} characters",
    "enum": lambda v: "one of: " + ", ".join(map(str, v)),
    "pattern": lambda v: f"matches the pattern {v}",
}


def constraint_text(constraints: dict | None) -> str:
    words = [CONSTRAINT_WORDS[k](v) if k in CONSTRAINT_WORDS else f"{k}: {v}" for k, v in (constraints or {}).items()]
    return "; ".join(w for w in words if w)


def build(r, model: Model) -> None:
    everything = {}
    listing = []
    for name in sorted(model.catalog):
        pkg = model.catalog[name]
        files = package_files(pkg)
        folder = f"data/{name}/"
        members = {fname: zips.member(content) for fname, content in files.items()}
        for fname, content in files.items():
            r.site.files[folder + fname] = content
            everything[f"{name}/{fname}"] = members[fname]
        r.site.files[f"{folder}{name}.zip"] = zips.archive(members)
        resources = []
        for res in pkg.descriptor["resources"]:
            frame = pkg.frames[res["name"]]
            resources.append(
                {
                    "res": res,
                    "rows": len(frame),
                    "fields": [dict(f, rules=constraint_text(f.get("constraints"))) for f in res["schema"]["fields"]],
                    "totals": res.get("x-totals"),
                    "identities": res.get("x-identities", []),
                }
            )
        downloads = {f"{name}.zip": f"{name}.zip", "datapackage.json": "datapackage.json"}
        downloads.update({res["path"]: res["path"] for res in pkg.descriptor["resources"]})
        ld = json_ld(
            pkg,
            f"{r.context['site_url']}{folder}",
            {k: f"{r.context['site_url']}{folder}{v}" for k, v in downloads.items()},
        )
        listing.append(
            {
                "name": name,
                "title": pkg.title,
                "description": pkg.descriptor.get("description", ""),
                "resources": len(resources),
                "rows": sum(x["rows"] for x in resources),
                "draft": pkg.descriptor.get("x-status") == "draft",
            }
        )
        r.page(
            f"data/{name}.md",
            "dataset.md.j2",
            pkg=pkg,
            d=pkg.descriptor,
            resources=resources,
            ld=ld,
            licence=(pkg.descriptor.get("licenses") or [{}])[0],
            draft=pkg.descriptor.get("x-status") == "draft",
        )
    r.site.files["data/all.zip"] = zips.archive(everything)
    r.page("data/index.md", "catalogue.md.j2", packages=listing)
