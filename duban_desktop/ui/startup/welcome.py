"""First start: a short welcome that asks the office's name and the operator's name
(both may be skipped), offers the sample data and a desktop shortcut.

When it is shown (``should_welcome``): the database is writable and brand new (no
supervision items, no coordination cases, the office name never set: domain.demo.is_empty)
and this data folder has never shown the welcome. Whatever the answer (开始使用, 跳过
or closing the window), the data folder remembers it (``[welcome] shown`` in
window.ini) and never asks again. A database that already holds work (an office's
own, or the --demo sample) gets no welcome and marks nothing, so a first look with
``--demo`` does not use up the welcome of the office's real, empty database.

The dialog is window-modal and non-blocking (``open()``, not ``exec()``): start-up
goes on, and DUBAN_SMOKE_EXIT_MS can still end the program with the dialog up.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QSizePolicy, QWidget

from ...domain import demo, settings
from ...system.paths import data_dir
from ..actions.shortcut_action import make_shortcuts
from ..dialogs.form_dialog import FormDialog
from ..settings_store import ui_settings
from ..widgets import CheckBox, LineEdit

log = logging.getLogger(__name__)

MARK = "welcome/shown"
_open: list[WelcomeDialog] = []


def already_welcomed() -> bool:
    return str(ui_settings().value(MARK, "")).lower() in ("true", "1")


def mark_welcomed() -> None:
    store = ui_settings()
    store.setValue(MARK, True)
    store.sync()


def should_welcome(read_only: bool = False) -> bool:
    return not read_only and not already_welcomed() and demo.is_empty()


class WelcomeDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, "欢迎使用督办 Desktop", intro=(
            "第一次使用,请填写办公室名称和您的姓名,它们会印在表单和台账上、记入修改记录。"
            "都可以先跳过,以后在“工具—设置”中填写或修改。\n"
            f"数据库:{getattr(parent, 'db_label', '') or data_dir()}"), ok_text="开始使用")
        self.setObjectName("welcome")
        self.buttons.button(QDialogButtonBox.Cancel).setText("跳过")
        self.add("office_name", "办公室名称", LineEdit(placeholder="如:青山县人民政府办公室"),
                 hint="印在每张表单和台账上")
        self.add("operator_name", "您的姓名", LineEdit(placeholder="如:林晓"),
                 hint="只保存在这台电脑上，记入在这台电脑上做的修改；不填则用电脑的登录名")
        load = CheckBox("放入示例数据,先试用一下")
        self.add("demo", "示例数据", load, hint=(
            "一个县政府办公室的督办事项和协调事项,写入当前数据库,只适合试用。"
            "正式登记前,关闭程序,删除数据文件夹中的 duban.sqlite 再打开,就是一个空数据库。"))
        shortcut = CheckBox("在桌面和开始菜单放一个快捷方式")
        shortcut.setChecked(bool(getattr(sys, "frozen", False)))  # the installed program
        self.add("shortcut", "快捷方式", shortcut, hint="以后双击它即可打开;也可以在“工具”菜单中创建")
        for box in (load, shortcut):  # as wide as the row, so its hint wraps at full width
            box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.on_submit(self.apply)
        self.finished.connect(self._finished)

    def apply(self, values: dict) -> dict:
        """Write through the domain: names first (so the sample history carries the
        operator), then the sample data (which names its own office), then the office
        name the user gave, which wins."""
        office = values["office_name"].strip()
        operator = values["operator_name"].strip()
        names = {k: v for k, v in (("office_name", office), ("operator_name", operator)) if v}
        if names:  # validated together, stored together, before any sample data
            settings.update(names)
        counts = demo.generate() if values["demo"] else {}
        if office and counts:
            settings.update({"office_name": office})
        log.info("welcome: office %s, operator %s, sample data %s", bool(office), bool(operator),
                 counts or "no")
        return {"counts": counts, "shortcut": values["shortcut"]}

    def _finished(self, result: int) -> None:
        mark_welcomed()
        parent = self.parentWidget()
        if result != QDialog.DialogCode.Accepted:
            log.info("welcome skipped")
            return
        if self.result_value["shortcut"]:
            written = make_shortcuts(self, quiet=True)
            if written and hasattr(parent, "statusBar"):
                parent.statusBar().showMessage("已在桌面和开始菜单创建快捷方式。", 8000)
        for refresh in ("refresh_all", "update_title"):
            if hasattr(parent, refresh):
                getattr(parent, refresh)()


def maybe_welcome(parent: QWidget | None) -> WelcomeDialog | None:
    """Show the welcome if this is a first start (see the module's note); returns the
    open dialog, or None. Call it after the main window is shown."""
    try:
        wanted = should_welcome(bool(getattr(parent, "read_only", False)))
    except Exception:  # noqa: BLE001 - a welcome must never stop the program from starting
        log.exception("cannot decide about the welcome")
        return None
    if not wanted:
        return None
    dialog = WelcomeDialog(parent)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.fit_to_content()
    dialog.open()
    dialog.fields["office_name"].setFocus()
    _open.append(dialog)  # without a parent nothing else keeps it alive
    dialog.finished.connect(lambda _r: _open.remove(dialog) if dialog in _open else None)
    log.info("first start: welcome shown")
    return dialog
