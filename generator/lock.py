"""One build at a time: an exclusive lock around every command that writes the site or the imported data."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .errors import EnvironmentProblem


@contextlib.contextmanager
def exclusive(folder: Path, what: str):
    """Hold the project's lock for the whole of a build, publish or import; a second one stops at once and says
    which process holds it. The kernel drops the lock when its holder exits, however it exits."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".transparency.lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise EnvironmentProblem(
                f"another build, publish or import is running ({holder}); nothing was "
                f"changed. Run {what} again when it has finished."
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"{what}, pid {os.getpid()}")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
