"""The menu action 工具—创建桌面快捷方式 (the file work is in duban_desktop.system.launchers)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from ...system.launchers import ShortcutError, create_shortcuts

log = logging.getLogger(__name__)


def make_shortcuts(parent: QWidget | None, quiet: bool = False) -> list[Path]:
    """Create the desktop and start-menu shortcuts; say what was made (unless quiet)
    or why not (always). Returns the files written."""
    try:
        written = create_shortcuts()
    except ShortcutError as exc:
        log.warning("shortcuts not created: %s", exc)
        QMessageBox.warning(parent, "创建快捷方式", str(exc))
        return []
    if not quiet:
        text = "已创建快捷方式,以后可以双击它打开督办 Desktop:\n\n" + "\n".join(map(str, written))
        if len(written) < 2:
            text += "\n\n没有找到桌面文件夹,只在开始菜单(应用程序菜单)中创建了快捷方式。"
        QMessageBox.information(parent, "创建快捷方式", text)
    return written


def shortcut_action(parent: QWidget) -> QAction:
    """工具—创建桌面快捷方式…, for the main window's 工具 menu."""
    action = QAction("创建桌面快捷方式…", parent)
    tip = "在桌面和开始菜单中放一个督办 Desktop 的快捷方式,以后双击即可打开"
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: make_shortcuts(parent))
    return action
