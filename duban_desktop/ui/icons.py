"""The application icon (a red seal with 督) for the window, the taskbar and shortcuts.

The PNG files are made by ``resources/icons/make_icons.py`` and ship in the bundle
under ``resources/icons/``; loading PNGs needs no SVG support at run time.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QIcon

from ..system.launchers import DESKTOP_ID, icon_files

log = logging.getLogger(__name__)

# Windows groups taskbar buttons by this id instead of by python.exe / the exe name.
APP_USER_MODEL_ID = "DubanDesktop.DubanDesktop"


def app_icon() -> QIcon:
    """All sizes of the icon; an empty QIcon (and a log line) if the files are missing."""
    icon = QIcon()
    for path in icon_files():
        icon.addFile(str(path))
    if icon.isNull():
        log.warning("application icon not found under %s", _icons_dir())
    return icon


def _icons_dir() -> Path:
    from ..system.paths import resources_dir

    return resources_dir() / "icons"


def apply_app_icon(app: QGuiApplication) -> QIcon:
    """Give the application its icon, its desktop file name (so Linux docks match the
    window to ``duban-desktop.desktop``) and, on Windows, its own taskbar group."""
    icon = app_icon()
    app.setWindowIcon(icon)
    app.setDesktopFileName(DESKTOP_ID)
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_USER_MODEL_ID)
        except (AttributeError, OSError):  # an old Windows: the default grouping is fine
            log.info("cannot set the AppUserModelID")
    return icon
