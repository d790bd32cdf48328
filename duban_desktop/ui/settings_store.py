"""Where the window keeps its own state (size, splitters, columns, usual choices)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ..system.paths import data_dir


def ui_settings() -> QSettings:
    """An INI file in the data folder, so tests and several offices never share one."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "window.ini"), QSettings.IniFormat)
