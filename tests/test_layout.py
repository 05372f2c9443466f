"""The house's one-way flow: parsers import nothing from flows, warehouse, prefect, an HTTP client or duckdb."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"flows", "warehouse", "prefect", "httpx", "urllib3", "duckdb"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_parsers_stay_pure() -> None:
    offenders = {str(p.relative_to(ROOT)): sorted(imported_modules(p) & FORBIDDEN)
                 for p in (ROOT / "parsers").glob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_warehouse_does_not_import_flows() -> None:
    offenders = [str(p) for p in (ROOT / "warehouse").glob("*.py") if {"flows", "prefect"} & imported_modules(p)]
    assert offenders == []


def test_every_module_starts_with_a_docstring() -> None:
    missing = []
    for package in ("flows", "parsers", "warehouse"):
        for path in (ROOT / package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if ast.get_docstring(tree) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []
