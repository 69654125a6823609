"""The one exception type for bad input, and the exit codes the CLI maps it to."""

from __future__ import annotations

EXIT_BAD_DATA = 2
EXIT_INTERNAL = 1
EXIT_ENVIRONMENT = 3  # the machine, not the data: another build running, a full or read-only disk, permissions
MAX_REPORTED = 20  # problems listed in one report; the rest are counted
MAX_MESSAGE = 1_000  # characters of one problem's message: a 60 MB cell is quoted by its start


def printable(text) -> str:
    """Data quoted in a message, with control characters (a NUL, say) shown as escapes, never raw."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))


class DataError(Exception):
    """Bad input: names the file, resource, row and field, and what was expected."""

    def __init__(self, message: str, *, path=None, package=None, resource=None, row=None, field=None):
        super().__init__(message)
        self.message = printable(message[:MAX_MESSAGE])
        if len(message) > MAX_MESSAGE:
            self.message += f"... ({len(message):,} characters in all)"
        self.path = printable(str(path)[:MAX_MESSAGE]) if path is not None else None
        self.package = package
        self.resource = resource
        self.row = row
        self.field = printable(str(field)[:MAX_MESSAGE]) if field is not None else None

    @property
    def problems(self) -> list[DataError]:
        return [self]

    def __reduce__(self):  # file, row and field survive the trip back from a page worker process
        return (_restore, (type(self), self.args, self.__dict__))

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.package and not self.path:
            where.append(f"package '{self.package}'")
        if self.resource:
            where.append(f"resource '{self.resource}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class DataErrors(DataError):
    """Several problems found in one pass, so one edit can fix one run. Printed one per line, capped."""

    def __init__(self, problems: list[DataError], summary: str = ""):
        self._problems = list(problems)
        first = self._problems[0]
        super().__init__(
            first.message,
            path=first.path,
            package=first.package,
            resource=first.resource,
            row=first.row,
            field=first.field,
        )
        self.summary = summary

    @property
    def problems(self) -> list[DataError]:
        return self._problems

    def __str__(self) -> str:
        shown = self._problems[:MAX_REPORTED]
        head = self.summary or f"{len(self._problems)} problem(s)"
        lines = [head + ":"] + ["  " + str(p) for p in shown]
        if len(self._problems) > len(shown):
            lines.append(f"  ... and {len(self._problems) - len(shown)} more")
        return "\n".join(lines)


def _restore(cls, args: tuple, state: dict) -> DataError:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


def raise_all(problems: list[DataError], summary: str = "") -> None:
    """Raise every collected problem at once (one alone as itself)."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataErrors(problems, summary)


class EnvironmentProblem(Exception):
    """Not bad data and not a bug: the machine stopped the command (another build running, disk full, read-only)."""
