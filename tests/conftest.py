"""Test set-up shared by every test.

Qt runs offscreen; every test gets its own data folder, so nothing touches the
user's real one. Databases are opened through the real open-and-migrate path.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("DUBAN_DATA_DIR", str(folder))
    return folder
