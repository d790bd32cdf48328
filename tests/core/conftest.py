from __future__ import annotations

import datetime as dt

import pytest

from ..factories import TODAY


@pytest.fixture
def today() -> dt.date:
    return TODAY
