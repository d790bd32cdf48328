"""The window's file dialogs: they never open a file to learn its type.

DESIGN (db/lock.py tells the whole story): on Linux and macOS, closing any descriptor of the
live database drops SQLite's locks on it. Qt's file dialog names each file's type, and picks
its icon, through ``QMimeDatabase``, which opens a file whose name it does not know (such as
``duban.sqlite-shm``) to sniff its content. So every dialog of the window:

- uses Qt's own dialog (not a platform one, which would sniff in this process too: GTK's);
  on Windows, where locks belong to a handle, the native dialog is kept;
- gets ``NameOnlyIcons`` before it is given a folder: types and icons by name only;
- refuses a chosen file that is one of the live database's files, before anything opens it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtCore import QMimeDatabase as _Mime
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QMessageBox, QWidget

from ...db import current_path
from ...db.lock import is_live_file


class NameOnlyIcons(QFileIconProvider):
    """File types and icons from the file's name alone (``MatchExtension``): no file is
    ever opened to draw a folder."""

    def __init__(self):
        super().__init__()
        self._mime = _Mime()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def _type_of(self, info: QFileInfo):
        return self._mime.mimeTypeForFile(info.fileName(), _Mime.MatchMode.MatchExtension)

    def type(self, info: QFileInfo) -> str:  # noqa: A003 - Qt's name
        if info.isDir():
            return "文件夹"
        name = info.fileName()
        if name.endswith((".sqlite", ".db")):
            return "督办数据库"
        if name.endswith(("-wal", "-shm", "-journal", ".lock", ".lock-holder")):
            return "数据库附属文件（请勿改动）"
        kind = self._type_of(info)
        return kind.comment() or kind.name()

    def icon(self, what):  # QFileInfo or IconType
        if not isinstance(what, QFileInfo):
            return super().icon(what)
        if what.isDir():
            return super().icon(QAbstractFileIconProvider.IconType.Folder)
        themed = QIcon.fromTheme(self._type_of(what).iconName())
        return themed if not themed.isNull() else super().icon(QAbstractFileIconProvider.IconType.File)


_ICONS: NameOnlyIcons | None = None


def _icons() -> NameOnlyIcons:
    global _ICONS
    if _ICONS is None:
        _ICONS = NameOnlyIcons()
    return _ICONS


def make_dialog(parent: QWidget | None, title: str, start: str, file_filter: str, *, save: bool) -> QFileDialog:
    """A file dialog that is safe to show over the database's folder (see the module's note)."""
    dialog = QFileDialog(parent, title)
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(_icons())  # before any folder is shown
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(file_filter)
    start_path = Path(start) if start else Path.home()
    if start_path.is_dir():
        dialog.setDirectory(str(start_path))
    else:
        dialog.setDirectory(str(start_path.parent))
        dialog.selectFile(start_path.name)
    return dialog


def refuses_live_file(parent: QWidget | None, title: str, chosen: str) -> bool:
    """Say so, and return True, when the user chose one of the open database's files."""
    if is_live_file(chosen, current_path()):
        QMessageBox.warning(parent, title, f"“{chosen}”是程序正在使用的数据库文件，不能在这里选择它。"
                                           "请换一个文件或文件名。")
        return True
    return False


def _ask(parent, title, start, file_filter, save: bool) -> str:
    dialog = make_dialog(parent, title, start, file_filter, save=save)
    while dialog.exec() == QFileDialog.DialogCode.Accepted:
        chosen = dialog.selectedFiles()[0] if dialog.selectedFiles() else ""
        if not chosen or not refuses_live_file(parent, title, chosen):
            return chosen
    return ""


def save_file_name(parent: QWidget | None, title: str, start: str, file_filter: str) -> str:
    """Like ``QFileDialog.getSaveFileName``; "" when cancelled."""
    return _ask(parent, title, start, file_filter, save=True)


def open_file_name(parent: QWidget | None, title: str, start: str, file_filter: str) -> str:
    """Like ``QFileDialog.getOpenFileName``; "" when cancelled."""
    return _ask(parent, title, start, file_filter, save=False)
