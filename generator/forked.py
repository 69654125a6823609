"""Work in a forked process, its result or its error brought back to this one.

The build's page stage and its writing of the generated folder run beside other work this way. Where
processes cannot fork (can_fork() is False), the callers in site.py run the same work in this process.

Not concurrent.futures.ProcessPoolExecutor: on Python 3.11 its BrokenProcessPool does not say how a worker ended
(the exit code that tells an out-of-memory kill), and handing its workers the model unpickled would take a
module-level global in each worker.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable

from .errors import EnvironmentProblem


class WorkerFailed(Exception):
    """A worker process stopped without a result, or with an error it could not send back as itself."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(fn: Callable, args: tuple, conn) -> None:
    try:
        outcome = (True, fn(*args), "")
    except BaseException as exc:  # sent to the parent, which raises it there
        outcome = (False, exc, traceback.format_exc())
    try:
        conn.send(outcome)
    except Exception:  # the error itself cannot be pickled: send its text
        conn.send((False, WorkerFailed(outcome[2] or "the result could not be sent back"), ""))
    conn.close()


class Forked:
    """fn(*args) in a forked process (it sees this process's memory as it was); result() waits for it."""

    def __init__(self, fn: Callable, *args):
        fork = multiprocessing.get_context("fork")
        self._receive, send = fork.Pipe(duplex=False)
        self._process = fork.Process(target=_run, args=(fn, args, send), daemon=True)
        self._process.start()
        send.close()

    def result(self):
        """The value fn returned, or fn's exception raised here (caused by the worker's traceback)."""
        try:
            ok, value, text = self._receive.recv()
        except EOFError:
            self._process.join()
            code = self._process.exitcode
            if code is not None and code < 0:  # killed by a signal: the machine's doing (out of memory, say)
                raise EnvironmentProblem(
                    f"a worker process was stopped by signal {-code} ({signal.Signals(-code).name}): is the machine "
                    "out of memory? The published site was not changed"
                ) from None
            raise WorkerFailed(f"a worker process stopped (exit code {code})") from None
        self._process.join()
        if ok:
            return value
        raise value from (WorkerFailed(text) if text else None)

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def shared_counter() -> Callable[[], int]:
    """0, 1, 2, ... across this process and those it forks later: each number is handed out once."""
    value = multiprocessing.get_context("fork").Value("i", 0)

    def next_index() -> int:
        with value.get_lock():
            value.value += 1
            return value.value - 1

    return next_index
