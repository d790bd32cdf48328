"""First start: the welcome on a brand-new database, once per data folder; the shortcut
menu action; the application icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from duban_desktop.domain import demo, ledger, settings
from duban_desktop.shortcuts import ShortcutError
from duban_desktop.ui import icons, shortcut_action, welcome
from duban_desktop.ui.settings_store import ui_settings

from .helpers import click, type_into


@pytest.fixture
def made_shortcuts(monkeypatch):
    calls = []
    monkeypatch.setattr(shortcut_action, "create_shortcuts", lambda: calls.append(1) or [Path("/m"), Path("/d")])
    return calls


def press(qtbot, dialog, which) -> None:
    click(qtbot, dialog.buttons.button(which))


def test_first_start_asks_names_once(qtbot, window, dialogs, made_shortcuts):
    dialog = welcome.maybe_welcome(window)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "欢迎使用督办 Desktop"
    assert dialog.buttons.button(QDialogButtonBox.Ok).text() == "开始使用"
    assert dialog.buttons.button(QDialogButtonBox.Cancel).text() == "跳过"
    assert not dialog.fields["shortcut"].isChecked()  # from source: no shortcut unless asked
    type_into(qtbot, dialog.fields["office_name"], "青山县人民政府办公室")
    type_into(qtbot, dialog.fields["operator_name"], "林晓")
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert not dialog.isVisible()
    assert settings.get("office_name") == "青山县人民政府办公室"
    assert settings.get("operator_name") == "林晓"
    assert window.windowTitle() == "督办 Desktop — 青山县人民政府办公室"
    assert ledger.count() == 0 and not made_shortcuts
    assert ui_settings().value(welcome.MARK) in (True, "true")
    assert welcome.maybe_welcome(window) is None  # never again
    assert dialogs.messages == []


def test_skipping_writes_nothing_and_never_asks_again(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    type_into(qtbot, dialog.fields["office_name"], "不会保存")
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Cancel)
    assert demo.is_empty()
    assert settings.get("office_name") == "××办公室"
    assert welcome.maybe_welcome(window) is None


def test_closing_the_window_counts_as_skipping(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()  # the title bar's close button, or Esc
    assert welcome.maybe_welcome(window) is None


def test_sample_data_keeps_the_office_name_given(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    type_into(qtbot, dialog.fields["office_name"], "东山县人民政府办公室")
    dialog.fields["demo"].setChecked(True)
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert ledger.count() == 300
    assert settings.get("office_name") == "东山县人民政府办公室"
    assert len(window.register.model.ids) > 0  # the window was refreshed
    assert "东山县" in window.windowTitle()


def test_sample_data_alone(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    dialog.fields["demo"].setChecked(True)
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert settings.get("office_name") == demo.OFFICE
    assert settings.get("operator_name") == ""


def test_a_refused_name_is_shown_beside_the_field(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    type_into(qtbot, dialog.fields["office_name"], "办" * 101)
    dialog.fields["demo"].setChecked(True)
    press(qtbot, dialog, QDialogButtonBox.Ok)
    assert dialog.isVisible()
    assert dialog.errors["office_name"].isVisible() and "办公室名称" in dialog.errors["office_name"].text()
    assert demo.is_empty()  # nothing written, not even the sample data
    dialog.fields["office_name"].clear()
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert ledger.count() == 300


def test_shortcut_box_makes_the_shortcuts(qtbot, window, dialogs, made_shortcuts):
    dialog = welcome.maybe_welcome(window)
    dialog.fields["shortcut"].setChecked(True)
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert made_shortcuts == [1]
    assert "快捷方式" in window.statusBar().currentMessage()
    assert dialogs.messages == []  # quiet when it worked


def test_no_welcome_on_a_database_with_work_in_it(qtbot, db, dialogs):
    from duban_desktop.ui.main_window import MainWindow

    demo.generate(items=5, cases=1)
    win = MainWindow("测试数据库")
    qtbot.addWidget(win)
    assert welcome.maybe_welcome(win) is None
    assert ui_settings().value(welcome.MARK) is None  # a --demo look keeps the welcome for later


def test_no_welcome_in_a_read_only_copy(qtbot, db, dialogs):
    from duban_desktop.ui.main_window import MainWindow

    win = MainWindow("测试数据库", read_only=True)
    qtbot.addWidget(win)
    assert welcome.maybe_welcome(win) is None


def test_welcome_without_a_parent_stays_alive(qtbot, db):
    dialog = welcome.maybe_welcome(None)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.reject()
    assert welcome.already_welcomed()


def test_menu_action_creates_shortcuts_and_says_where(qtbot, window, dialogs, made_shortcuts):
    action = shortcut_action.shortcut_action(window)
    assert isinstance(action, QAction) and action.text() == "创建桌面快捷方式…"
    action.trigger()
    assert made_shortcuts == [1]
    kind, text = dialogs.messages[-1]
    assert kind == "information" and "/m" in text and "/d" in text


def test_menu_action_without_a_desktop_folder(qtbot, window, dialogs, monkeypatch):
    monkeypatch.setattr(shortcut_action, "create_shortcuts", lambda: [Path("/m")])
    shortcut_action.shortcut_action(window).trigger()
    assert "没有找到桌面文件夹" in dialogs.messages[-1][1]


def test_menu_action_failure_is_a_warning(qtbot, window, dialogs, monkeypatch):
    def refuse():
        raise ShortcutError("无法创建快捷方式。没有权限")
    monkeypatch.setattr(shortcut_action, "create_shortcuts", refuse)
    shortcut_action.shortcut_action(window).trigger()
    assert dialogs.messages[-1] == ("warning", "创建快捷方式:无法创建快捷方式。没有权限")


def test_app_icon_has_every_size(qtbot):
    icon = icons.app_icon()
    assert not icon.isNull()
    sizes = sorted(s.width() for s in icon.availableSizes())
    assert sizes == [16, 32, 48, 64, 128, 256]
    image = icon.pixmap(64, 64).toImage()
    red = image.pixelColor(32, 4)  # the seal's red edge, outside the white inner border
    assert red.red() > 150 and red.green() < 60 and red.blue() < 60


def test_apply_app_icon(qtbot, monkeypatch):
    app = QApplication.instance()
    monkeypatch.setattr(app, "setWindowIcon", lambda icon: setattr(app, "_test_icon", icon))
    monkeypatch.setattr(app, "setDesktopFileName", lambda name: setattr(app, "_test_desktop", name))
    icon = icons.apply_app_icon(app)
    assert app._test_icon is icon and not icon.isNull()
    assert app._test_desktop == "duban-desktop"


def test_missing_icon_files_give_an_empty_icon(qtbot, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr("duban_desktop.shortcuts.resources_dir", lambda: tmp_path)
    assert icons.app_icon().isNull()
    assert "application icon not found" in caplog.text


def test_welcome_dialog_is_window_modal(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    assert dialog.windowModality() == Qt.WindowModal
    assert dialog.parentWidget() is window
    dialog.reject()

