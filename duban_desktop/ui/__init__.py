"""The window (PySide6). Nothing below this package imports Qt.

The modules the window's first screen uses that are not Qt load here, before any Qt
module: once PySide6 is imported it reads the source of every module imported after it
(its check for ``from __feature__ import``). The modules for the steps, the detail pane
and the coordination tab load when first used, after the first paint.
"""

from ..db import ids  # noqa: F401
from ..domain import (  # noqa: F401
    alerts,
    case_list,
    dates,
    history,
    ledger,
    settings,
    text,
    units,
    vocab,
    workdays,
)
from ..system import launchers as shortcuts  # noqa: F401
