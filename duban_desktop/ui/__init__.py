"""The window (PySide6). Nothing below this package imports Qt.

The modules the window uses that are not Qt load here, before any Qt module: once
PySide6 is imported it reads the source of every module imported after it (its check
for ``from __feature__ import``), which cost about 25 ms of each start
(tests/benchmarks/README.md).
"""

import html  # noqa: F401

from .. import shortcuts  # noqa: F401
from ..db import ids  # noqa: F401
from ..domain import (  # noqa: F401
    alerts,
    case_list,
    coordination,
    dates,
    history,
    ledger,
    numbering,
    settings,
    supervision,
    text,
    timeline,
    units,
    vocab,
    workdays,
)
from ..io import files  # noqa: F401
