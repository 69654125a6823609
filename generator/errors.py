"""The one exception type for bad input, and the exit codes the CLI maps it to."""
from __future__ import annotations

EXIT_BAD_DATA = 2
EXIT_INTERNAL = 1


class DataError(Exception):
    """Bad input: names the file, resource, row and field, and what was expected."""

    def __init__(self, message: str, *, path=None, package=None, resource=None, row=None, field=None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.package = package
        self.resource = resource
        self.row = row
        self.field = field

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
