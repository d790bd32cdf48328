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

from . import pgserver  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("DUBAN_DATA_DIR", str(folder))
    return folder


# The tests that take the ``db`` fixture run on each database the program supports: SQLite
# (a file in the test's folder) and PostgreSQL (an empty database of a throwaway cluster,
# tests/pgserver.py). A test that names ``db_path`` too, or is marked ``sqlite_only``, is
# about the file and runs on SQLite alone.
BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    only_file = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only")
    metafunc.parametrize("backend", BACKENDS[:1] if only_file else BACKENDS, scope="function")


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = pgserver.start()
    if cluster is None:
        pytest.skip("PostgreSQL is not installed here (DUBAN_TEST_PG=1 makes that an error)")
    yield cluster
    cluster.stop()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.sqlite"


@pytest.fixture
def db_target(backend, request, tmp_path):
    """Where the test's database is: the SQLite file's path, or an empty PostgreSQL
    database's URL (dropped after the test)."""
    if backend == "sqlite":
        yield tmp_path / "office.sqlite"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database()
    yield url
    from duban_desktop.db import close_database

    close_database()
    cluster.drop_database(url)


@pytest.fixture
def db(db_target):
    from duban_desktop.db import close_database, open_database

    database = open_database(db_target)
    yield database
    close_database()


GUI_TESTS = Path(__file__).resolve().parent / "gui"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if GUI_TESTS in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.gui)
        if getattr(item, "callspec", None) and item.callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgresql)
