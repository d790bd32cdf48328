"""Starting the window: application, translation, database, main window."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from .. import APP_NAME
from ..db import DatabaseError, open_database
from ..domain import demo as demo_data
from ..logsetup import setup_logging
from ..paths import default_db_path

log = logging.getLogger(__name__)


def run_gui(db: str | None = None, demo: bool = False) -> int:
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    target = db or default_db_path()
    if demo:
        folder = Path(tempfile.mkdtemp(prefix="duban-demo-"))
        target = folder / "demo.sqlite"
    try:
        open_database(target)
        if demo:
            demo_data.generate()
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    label = QLabel(f"{APP_NAME}\n数据库:{target}")
    label.resize(480, 200)
    label.show()
    return app.exec()
