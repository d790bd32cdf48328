"""The doors go one way: nothing below ui/ imports Qt; widgets never touch SQL or files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "duban_desktop"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join(parts + ((base,) if base else ()))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def modules(sub: str):
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", [p for sub in ("system", "db", "domain", "io", "cli") for p in modules(sub)]
                         + [p for p in modules("") if p.name != "app.py"], ids=str)
def test_no_qt_below_ui(path):
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("PySide6", "shiboken6")
           or m.startswith("duban_desktop.ui")}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("domain") + modules("db"), ids=str)
def test_storage_and_rules_do_not_open_file_formats(path):
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("openpyxl", "docx")
           or m.startswith("duban_desktop.io") or m.startswith("duban_desktop.cli")}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("system"), ids=str)
def test_the_process_level_modules_import_nothing_of_the_program(path):
    """system/ (paths, logs, OS errors, launchers, cancelling, the user's errors) is the floor:
    every other package may use it, it uses none of them."""
    bad = {m for m in imports_of(path) if m.startswith("duban_desktop.")
           and not m.startswith("duban_desktop.system") and m != "duban_desktop.APP_NAME"}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("db"), ids=str)
def test_db_imports_nothing_above_it(path):
    bad = {m for m in imports_of(path) if m.startswith("duban_desktop.domain")}
    assert not bad


@pytest.mark.parametrize("path", modules("ui"), ids=str)
def test_widgets_never_write_sql_or_open_formats(path):
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("peewee", "sqlite3", "openpyxl", "docx", "playhouse")
           or m.startswith("duban_desktop.db.models")}
    assert not bad, f"{path.name} imports {bad}"
