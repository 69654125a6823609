"""Output folders: never the project's own sources, replaced only when this tool wrote them, swapped in whole.

Every folder a command replaces (the site, the generated pages, the imported packages) and every cache it writes
into is checked before anything is written: it may not be, hold or sit inside the repository's sources or its
.git, nor overlap another output. A folder that already exists and is not empty is replaced only when it holds
MARKER, which this tool writes into every folder it swaps in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

from .errors import DataError, raise_all

MARKER = ".transparency-output"
MARKER_TEXT = "Written by transparency; the next build or import replaces this whole folder.\n"
SOURCE_FOLDERS = (".git", "docs", "generator", "overrides", "tests")  # besides the packages folder
OUTPUT_SETTINGS = ("site_dir", "generated", "imported", "validated", "template_cache")


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check(config) -> None:
    """Refuse, before anything is written, output folders that would replace or write into the project's sources."""
    root = config.root
    sources = [root / name for name in SOURCE_FOLDERS] + [config.datapackages, root / "datapackages"]
    outputs = {name: Path(getattr(config, name)).resolve() for name in OUTPUT_SETTINGS}
    problems = []
    for name, folder in outputs.items():
        flag = "--" + name.replace("_", "-")
        if _within(root, folder):
            problems.append(f"{flag} {folder} is the project folder or holds it; it would be replaced")
            continue
        clash = next((s for s in sources if _within(folder, s) or _within(s, folder)), None)
        if clash is not None:
            problems.append(f"{flag} {folder} overlaps the project's sources ({clash}); it would replace them")
    names = list(outputs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if _within(outputs[a], outputs[b]) or _within(outputs[b], outputs[a]):
                problems.append(f"--{a.replace('_', '-')} and --{b.replace('_', '-')} overlap ({outputs[a]})")
    raise_all(
        [DataError(p + "; nothing was changed. Choose a folder of its own.") for p in problems],
        "output folders refused",
    )


def check_replaceable(folder: Path) -> None:
    """A folder about to be replaced whole: absent, empty, or written by this tool."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DataError(f"{folder} is not a folder this tool wrote; nothing was changed. Choose another folder.")
    if folder.is_dir() and not (folder / MARKER).is_file() and any(folder.iterdir()):
        raise DataError(
            f"{folder} is not empty and was not written by transparency (it has no {MARKER}); nothing was "
            "changed. Remove it yourself, or choose another folder."
        )


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def exchange(new: Path, target: Path) -> None:
    """Put new (marked as ours) at target; the old tree ends up at new. Atomic on Linux (renameat2 RENAME_EXCHANGE)."""
    check_replaceable(target)
    mark(new)
    if not target.exists():
        new.rename(target)
        new.mkdir()
        return
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    if libc is not None and hasattr(libc, "renameat2"):
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        if libc.renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE) == 0:
            return
    spare = new.with_name(new.name + ".old")
    target.rename(spare)
    new.rename(target)
    spare.rename(new)
