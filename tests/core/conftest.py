from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.db import close_database, open_database

from ..factories import TODAY


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.sqlite"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def today() -> dt.date:
    return TODAY
