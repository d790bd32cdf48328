"""First start: the welcome on a brand-new database, once per data folder; the shortcut
menu action; the application icon.

The shortcuts are really written, into a home, menu and desktop folder under tmp_path
(the XDG variables and HOME say where, as they do for a user's session).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from duban_desktop.domain import demo, ledger, settings
from duban_desktop.ui import icons
from duban_desktop.ui.actions import shortcut_action
from duban_desktop.ui.settings_store import ui_settings
from duban_desktop.ui.startup import welcome

from .helpers import click, type_into

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the shortcuts are .desktop files on Linux")


class Places(NamedTuple):
    menu: object  # the applications-menu entry a shortcut becomes
    desktop: object  # its copy on the desktop

    def made(self) -> list[bool]:
        return [self.menu.is_file(), self.desktop.is_file()]


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A user's session of our own: its home, menu folder and (existing) desktop folder."""
    home = tmp_path / "home"
    (home / "桌面").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DESKTOP_DIR", str(home / "桌面"))
    return Places(home / ".local" / "share" / "applications" / "duban-desktop.desktop",
                  home / "桌面" / "duban-desktop.desktop")


def press(qtbot, dialog, which) -> None:
    click(qtbot, dialog.buttons.button(which))


def test_first_start_asks_names_once(qtbot, window, dialogs, places):
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
    assert ledger.count() == 0 and places.made() == [False, False]
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
    assert len(window.ledger.model.ids) > 0  # the window was refreshed
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


@linux_only
def test_shortcut_box_makes_the_shortcuts(qtbot, window, dialogs, places):
    dialog = welcome.maybe_welcome(window)
    click(qtbot, dialog.fields["shortcut"])
    assert dialog.fields["shortcut"].isChecked()
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, dialog, QDialogButtonBox.Ok)
    assert places.made() == [True, True]
    assert "Name=督办 Desktop" in places.desktop.read_text(encoding="utf-8")
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


@linux_only
def test_menu_action_creates_shortcuts_and_says_where(qtbot, window, dialogs, places):
    action = shortcut_action.shortcut_action(window)
    assert isinstance(action, QAction) and action.text() == "创建桌面快捷方式…"
    action.trigger()
    assert places.made() == [True, True]
    assert "Exec=" in places.menu.read_text(encoding="utf-8")
    kind, text = dialogs.messages[-1]
    assert kind == "information" and str(places.menu) in text and str(places.desktop) in text
    assert "没有找到桌面文件夹" not in text


@linux_only
def test_menu_action_without_a_desktop_folder(qtbot, window, dialogs, places):
    places.desktop.parent.rmdir()  # no 桌面, no ~/Desktop, no user-dirs.dirs
    shortcut_action.shortcut_action(window).trigger()
    assert places.made() == [True, False]
    kind, text = dialogs.messages[-1]
    assert kind == "information" and str(places.menu) in text and "没有找到桌面文件夹" in text


@linux_only
def test_menu_action_failure_is_a_warning(qtbot, window, dialogs, places, monkeypatch, tmp_path):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(in_the_way))  # the menu folder cannot be made
    shortcut_action.shortcut_action(window).trigger()
    kind, text = dialogs.messages[-1]
    assert kind == "warning" and text.startswith("创建快捷方式:无法创建快捷方式。")
    assert str(in_the_way) in text
    assert places.made() == [False, False]  # nothing half-made on the desktop either


def test_app_icon_has_every_size(qtbot):
    icon = icons.app_icon()
    assert not icon.isNull()
    sizes = sorted(s.width() for s in icon.availableSizes())
    assert sizes == [16, 32, 48, 64, 128, 256]
    image = icon.pixmap(64, 64).toImage()
    red = image.pixelColor(32, 4)  # the seal's red edge, outside the white inner border
    assert red.red() > 150 and red.green() < 60 and red.blue() < 60


@pytest.fixture
def app(qtbot):
    """The application, given back its icon and desktop file name afterwards."""
    app = QApplication.instance()
    icon, name = app.windowIcon(), app.desktopFileName()
    yield app
    app.setWindowIcon(icon)
    app.setDesktopFileName(name)


def test_apply_app_icon(app):
    app.setWindowIcon(QIcon())
    app.setDesktopFileName("")
    icon = icons.apply_app_icon(app)
    assert not icon.isNull()
    assert app.windowIcon().cacheKey() == icon.cacheKey()
    assert sorted(s.width() for s in app.windowIcon().availableSizes()) == [16, 32, 48, 64, 128, 256]
    assert app.desktopFileName() == "duban-desktop"


def test_missing_icon_files_give_an_empty_icon(qtbot, monkeypatch, tmp_path, caplog):
    # a bundle (PyInstaller's _MEIPASS) that lacks resources/icons/
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert icons.app_icon().isNull()
    assert "application icon not found" in caplog.text and str(tmp_path) in caplog.text


def test_welcome_dialog_is_window_modal(qtbot, window, dialogs):
    dialog = welcome.maybe_welcome(window)
    assert dialog.windowModality() == Qt.WindowModal
    assert dialog.parentWidget() is window
    dialog.reject()

