"""Test set-up shared by every test.

Qt runs offscreen; every test gets its own data folder, so nothing touches the
user's real one. Databases are opened through the real open-and-migrate path.
Every test under tests/gui/ carries the ``gui`` marker, so ``-m "not gui"`` runs the
core alone (a ``pytestmark`` in a conftest.py marks nothing: pytest reads it only in
test modules).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("DUBAN_DATA_DIR", str(folder))
    return folder


GUI_TESTS = Path(__file__).resolve().parent / "gui"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if GUI_TESTS in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.gui)
