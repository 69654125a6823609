"""What changed since the previous quarter, and the Atom feed that announces each quarter."""

from __future__ import annotations

from datetime import UTC, datetime

from ..compare import atom_feed
from ..formats import csv_bytes
from . import Model


def build(r, model: Model) -> None:
    ch, q = model.changes, model.config.as_at
    updated = datetime.fromtimestamp(int(model.epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if ch is not None:
        r.site.files["changes/revisions.csv"] = csv_bytes(ch.revisions)
        summary = (
            f"Compared with {ch.previous_label}: {len(ch.datasets_added)} datasets added, "
            f"{len(ch.datasets_removed)} removed, {int(ch.rows.added.sum())} rows added, "
            f"{int(ch.rows.removed.sum())} rows removed, {len(ch.revisions)} values revised."
        )
    else:
        summary = "The first quarter published on this site."
    r.page("changes.md", "changes.md.j2", ch=ch, summary=summary)
    this = {
        "id": f"{r.context['feed_id']}:quarter:{q.slug}",
        "title": f"{q.label} published",
        "updated": updated,
        "link": r.context["site_url"] + "changes/",
        "summary": summary,
    }
    earlier = [e for e in (model.previous.feed_entries if model.previous else []) if e["id"] != this["id"]]
    r.site.files["feed.xml"] = atom_feed(
        earlier + [this], r.context["site_url"], updated, r.context["site_name"], r.context["feed_id"]
    )
    r.site.files["quarter.txt"] = f"{q.label}\n".encode()
