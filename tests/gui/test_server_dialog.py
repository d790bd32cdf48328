"""连接数据库服务器…: the dialog on a server that asks for a password, the window switched
to the server and back to the file, the password kept by a keyring and never shown."""

from __future__ import annotations

import datetime as dt

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPushButton

from duban_desktop.db import close_database, current_path, open_database
from duban_desktop.db.server import ServerAddress
from duban_desktop.domain import supervision
from duban_desktop.domain.ledger import ItemFilter, item_ids
from duban_desktop.system import credentials, desk
from duban_desktop.system.paths import default_db_path
from duban_desktop.ui.actions import db_actions
from duban_desktop.ui.dialogs.server_dialog import ServerDialog
from duban_desktop.ui.startup import start

pytestmark = pytest.mark.postgresql
PASSWORD = "Qing-shan 2026!"


class MemoryKeyring(KeyringBackend):
    """A keyring of this process only (the machine's own may have none)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture
def kept_passwords():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def server_url(pg_cluster):
    url = pg_cluster.password_role("secretary", PASSWORD)
    yield url
    close_database()
    pg_cluster.drop_database(url)


def fill(dialog: ServerDialog, url: str, password: str, remember: bool = False) -> None:
    address = ServerAddress.from_url(url)[0]
    dialog.host.setText(address.host)
    dialog.port.setValue(address.port)
    dialog.database.setText(address.database)
    dialog.user.setText(address.user)
    dialog.password_edit.setText(password)
    if dialog.remember.isEnabled():
        dialog.remember.setChecked(remember)


def click(qtbot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.LeftButton)


def test_the_dialog_names_what_is_missing_and_a_refused_password_without_showing_it(qtbot, server_url):
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.password_edit.echoMode() == QLineEdit.Password
    click(qtbot, dialog.test_button)
    assert dialog.result_label.text() == "请填写“服务器地址”。"
    fill(dialog, server_url, "wrong-" + PASSWORD)
    click(qtbot, dialog.test_button)
    refused = dialog.result_label.text()
    assert "密码" in refused and "secretary@127.0.0.1" in refused and PASSWORD not in refused
    click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))  # 连接: stays open
    assert dialog.isVisible() and dialog.address is None
    dialog.password_edit.setText(PASSWORD)
    click(qtbot, dialog.test_button)
    assert dialog.result_label.text().startswith("连接成功：PostgreSQL ")
    assert "数据库是空的" in dialog.result_label.text()


def _answer(monkeypatch, qtbot, *answers):
    """ServerDialog.exec fills the real dialog and presses one of its real buttons."""
    queue = list(answers)

    def run(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        queue.pop(0)(dialog)
        if dialog.isVisible():  # the connection was refused: the user gives up
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(ServerDialog, "exec", run)
    return queue


def _register(title: str):
    return supervision.register_item(title=title, source="other", lead_unit="县财政局", responsible_person="王刚",
                                deadline=dt.date.today() + dt.timedelta(days=20))


@pytest.mark.sqlite_only  # the window starts on this PC's file and moves to the server
def test_the_window_moves_to_the_server_and_back(qtbot, window, dialogs, monkeypatch, server_url, kept_passwords):
    _register("本机文件里的事项")
    window.refresh_all()
    assert len(window.ledger_model.ids) == 1

    def connect(dialog):
        fill(dialog, server_url, PASSWORD, remember=True)
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))

    queue = _answer(monkeypatch, qtbot, connect)
    assert db_actions.connect_server(window)
    assert not queue and current_path() is None
    address = ServerAddress.from_url(server_url)[0]
    assert window.db_status.text() == f"数据库：{address.display()}" and PASSWORD not in window.db_status.text()
    assert window.ledger_model.ids == []  # the server's register, empty
    assert desk.server() == address.url() and PASSWORD not in desk.desk_file().read_text(encoding="utf-8")
    assert credentials.get_password(address.display()) == PASSWORD
    made = _register("服务器上的事项")
    window.refresh_all()
    assert window.ledger_model.ids == [made.id]

    # the next time the dialog opens the password is remembered and not shown
    def back_to_file(dialog):
        assert dialog.host.text() == "127.0.0.1" and dialog.password_edit.text() == ""
        assert dialog.remember.isChecked() and "已记住" in dialog.password_edit.placeholderText()
        click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "改用本机数据库文件"))

    _answer(monkeypatch, qtbot, back_to_file)
    assert db_actions.connect_server(window)
    assert current_path() == default_db_path() and desk.server() is None
    assert window.db_status.text() == f"数据库：{default_db_path()}"


@pytest.mark.sqlite_only
def test_a_refused_connection_leaves_the_window_on_its_database(qtbot, window, dialogs, monkeypatch, server_url):
    _register("本机文件里的事项")
    before = current_path()

    def wrong(dialog):
        fill(dialog, server_url, "not-the-password")
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))

    _answer(monkeypatch, qtbot, wrong)
    assert not db_actions.connect_server(window)
    assert current_path() == before and desk.server() is None
    assert item_ids(ItemFilter(text="本机文件")) != []


def test_at_start_a_server_without_a_kept_password_asks_for_it(qtbot, monkeypatch, server_url, kept_passwords):
    """What run_gui does when the desk's server refuses: the dialog with the server's
    words, the password typed, the desk's choice kept (never the password)."""
    desk.set_server(server_url)
    with pytest.raises(Exception) as refused:
        open_database(desk.server())
    seen = []

    def typed(dialog):
        seen.append(dialog.result_label.text())
        dialog.password_edit.setText(PASSWORD)
        click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))

    _answer(monkeypatch, qtbot, typed)
    target, password = start.server_way_out(desk.server(), refused.value, remember=True)
    assert seen == [f"请输入数据库服务器“{ServerAddress.from_url(server_url)[0].display()}”的密码"
                    "（这台电脑上没有记住的密码，或记住的密码已不对）。"]
    assert password == PASSWORD and desk.server() == target == ServerAddress.from_url(server_url)[0].url()
    open_database(target, password=password)
    close_database()

    def still_wrong(dialog):  # a typed password refused: the server's own words
        seen.append(dialog.result_label.text())
        dialog.reject()

    _answer(monkeypatch, qtbot, still_wrong)
    assert start.server_way_out(target, refused.value, remember=True, typed=True) is None
    assert seen[-1] == str(refused.value) and "用户名或密码不对" in seen[-1]
    with pytest.raises(ValueError):
        desk.set_server(server_url.replace("secretary@", f"secretary:{PASSWORD}@"))
