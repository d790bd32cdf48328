"""The QApplication: Fusion, the Chinese translation and locale, the office's fonts and
style sheet, the icon.

Loaded by ui/startup/start.py only once the database is open and the first screen is being
read on a worker (ui/startup/preload.py), so that loading Qt's widget modules overlaps with it.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ... import APP_NAME
from ..icons import apply_app_icon
from .style import apply_style

log = logging.getLogger(__name__)


def make_app(*, style_sheet: bool = True) -> QApplication:
    """``style_sheet=False``: the caller sets it later (ui/startup/style.py: apply_style_sheet)."""
    app = QApplication.instance()
    if app is None:
        # the style by name on the command line: setStyle() would hand back a QStyle,
        # and PySide builds its Python class (all its enums) only to return it
        app = QApplication(sys.argv[:1] + ["-style", "fusion"])
    elif app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("DubanDesktop")
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)
        app._duban_translator = translator  # keep it alive
        log.info("Qt translation loaded: %s", translator.translate("QPlatformTheme", "Cancel"))
    else:
        log.warning("qtbase_zh_CN translation not found")
    apply_style(app, style_sheet=style_sheet)
    apply_app_icon(app)
    return app


def ensure_app() -> QApplication:
    """The running application, made as make_app() makes it if there is none yet (a
    dialog before the window: another copy holds the database, it cannot be opened)."""
    return QApplication.instance() or make_app()
