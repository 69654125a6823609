"""The code stays in small pieces: no module in generator/ over 450 lines, no function over 80 (ruff holds the
complexity of each at 12, C901 in pyproject.toml)."""

from __future__ import annotations

import ast

from conftest import REPO

MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80


def sources():
    return sorted(p for p in (REPO / "generator").rglob("*.py") if "vendor" not in p.parts)


def test_no_module_over_450_lines():
    long = {
        p.relative_to(REPO).as_posix(): n
        for p in sources()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_over_80_lines():
    long = {}
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(REPO).as_posix()}:{node.name}"] = lines
    assert long == {}
