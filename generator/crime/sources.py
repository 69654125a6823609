"""Where a crime file comes from: a URL (downloaded with a deadline), a file, or a committed snapshot package."""

from __future__ import annotations

import hashlib
import http.client
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

from ..errors import DataError
from ..inputs import regular_file
from ..packages import read_json_object, resolve_resource_path

MAX_BYTES = 64 * 1024 * 1024  # the largest real edition is under 3 MB
DOWNLOAD_READ_TIMEOUT = 30  # seconds one read may wait
DOWNLOAD_DEADLINE = 300  # seconds the whole download may take


def recorded_url(url: str) -> str:
    """A download address as provenance: characters a URL may not hold as they are (quotes, angle brackets,
    spaces) percent-encoded, so the address is inert wherever it is written and still leads to the same file."""
    return urllib.parse.quote(url, safe=":/?#[]@!$&()*+,;=%-._~")


def fetch(source: str, workdir: Path) -> Path:
    """A local path as is; an http(s) URL downloaded once (the only network access in the project)."""
    if re.match(r"^https?://", source, re.I):
        return download(source, workdir / "download.csv")
    if "://" in source:
        raise DataError("only http and https addresses can be imported", path=source)
    return regular_file(source, MAX_BYTES, "crime file")


def download(url: str, target: Path) -> Path:
    """Download with a deadline for the whole body, a size cap, and the body checked against Content-Length."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_READ_TIMEOUT) as resp, open(target, "wb") as out:
            ctype = resp.headers.get("Content-Type", "")
            if "html" in ctype:
                raise DataError(
                    f"this is a web page ({ctype}), not the CSV file; use the file's download link", path=url
                )
            expected = resp.headers.get("Content-Length")
            total = 0
            while chunk := resp.read1(1 << 16):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise DataError(f"download is larger than {MAX_BYTES:,} bytes", path=url)
                if time.monotonic() - start > DOWNLOAD_DEADLINE:
                    raise DataError(f"download took longer than {DOWNLOAD_DEADLINE} s; try again later", path=url)
                out.write(chunk)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, malformed, cut off mid-transfer
        raise DataError(f"could not download: {exc!r}", path=url) from None
    if expected is not None and expected.isdigit() and int(expected) != total:
        raise DataError(f"download is truncated: {total:,} bytes received, {int(expected):,} announced", path=url)
    return target


def read_text(raw: bytes, label: str) -> str:
    if not raw.strip():
        raise DataError("file is empty", path=label)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError("file contains a NUL byte; it is not a text CSV", path=label, row=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", path=label, row=line
        ) from None
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise DataError("this is a web page, not the CSV file", path=label)
    return text


def snapshot_source(source: str) -> tuple[str, dict] | None:
    """A committed snapshot package (its folder or datapackage.json): the file it holds, checked, and its provenance."""
    path = Path(source)
    descriptor_path = path / "datapackage.json" if path.is_dir() else path
    if descriptor_path.name != "datapackage.json" or not descriptor_path.is_file():
        return None
    d = read_json_object(descriptor_path)
    res = (d.get("resources") or [None])[0] if isinstance(d.get("resources"), list) else None
    src = (d.get("sources") or [None])[0] if isinstance(d.get("sources"), list) else None
    if not (isinstance(res, dict) and isinstance(src, dict) and isinstance(src.get("title"), str)):
        raise DataError(
            "a snapshot needs its file as resources[0].path and its source as sources[0].title",
            path=descriptor_path,
            field="resources",
        )
    data = regular_file(resolve_resource_path(descriptor_path.parent, res, descriptor_path), MAX_BYTES, "crime file")
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    if digest != res.get("hash", "").removeprefix("sha256:"):
        raise DataError(
            f"the snapshot's sha256 is {digest}, not the {res.get('hash')} its descriptor records: the file "
            "was changed after it was taken",
            path=data,
        )
    return str(data), {
        "title": src["title"],
        "path": src.get("path", ""),
        "edition": d.get("x-edition", ""),
        "retrieved": d.get("x-retrieved", ""),
        "sha256": digest,
        "snapshot": descriptor_path.parent.name,
    }
