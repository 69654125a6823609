"""Files given to a command (crime, ward and population files, a previous site's archive): each is checked the
same way before it is read, so a folder, a pipe, a device or an oversized file is refused with its own name."""

from __future__ import annotations

import stat
from pathlib import Path

from .errors import DataError


def regular_file(path: Path | str, limit: int, what: str = "file") -> Path:
    """The path of an existing regular file of at most ``limit`` bytes, or a DataError saying what it is instead."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError(f"no such {what}", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot read this {what}: {exc.strerror}", path=path) from None
    if stat.S_ISDIR(mode):
        raise DataError(f"this is a folder; a {what} is needed here", path=path)
    if not stat.S_ISREG(mode):
        raise DataError(f"this is not a regular file (a pipe, socket or device); a {what} is needed here", path=path)
    size = path.stat().st_size
    if size > limit:
        raise DataError(f"the {what} is {size:,} bytes; the limit is {limit:,}", path=path)
    return path
