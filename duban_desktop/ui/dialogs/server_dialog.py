"""连接数据库服务器: the office's PostgreSQL server for this desk (issue 17).

The address (host, port, database, user, SSL mode) is this desk's own (system/desk.py);
the password is typed here and, if the user asks, kept by the operating system's keyring
(system/credentials.py). It is never shown: the field echoes dots, a remembered one is
said as 已记住, and nothing here logs it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...db import DatabaseError
from ...db import server as servers
from ...system import credentials

SSL_LABELS = {
    "prefer": "服务器支持就加密（默认）",
    "require": "必须加密",
    "verify-full": "必须加密并核对服务器证书",
    "disable": "不加密（只在可信的局域网中）",
}


class ServerDialog(QDialog):
    """Host, port, database, user, password, SSL mode; 测试连接 says what is there.
    ``address`` and ``password`` are the result once accepted."""

    def __init__(self, parent=None, address: servers.ServerAddress | None = None, message: str = "",
                 offer_local: bool = False):
        super().__init__(parent)
        self.setWindowTitle("连接数据库服务器")
        self.address: servers.ServerAddress | None = None
        self.password: str | None = None
        self.use_local = False  # 改用本机数据库文件 was chosen
        start = address or servers.ServerAddress(host="")
        self.host = QLineEdit(start.host)
        self.host.setPlaceholderText("服务器的地址或名称，如 192.168.1.10")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(start.port)
        self.database = QLineEdit(start.database)
        self.user = QLineEdit(start.user)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.sslmode = QComboBox()
        for mode, label in SSL_LABELS.items():
            self.sslmode.addItem(label, mode)
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(start.sslmode)))
        self.remember = QCheckBox("在这台电脑上记住密码（由操作系统的钥匙串保存）")
        self.keyring = credentials.available()
        self.stored = bool(address and address.host and self.keyring and credentials.get_password(address.display()))
        self.remember.setChecked(self.stored)
        if self.stored:
            self.password_edit.setPlaceholderText("已记住（要改密码时在这里输入新密码）")
        if not self.keyring:
            self.remember.setEnabled(False)
            self.remember.setToolTip("这台电脑没有可用的钥匙串，每次打开程序时输入密码")
            self.remember.setText("记住密码（这台电脑没有可用的钥匙串，每次打开程序时输入）")
        form = QFormLayout()
        form.addRow("服务器地址：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库：", self.database)
        form.addRow("用户名：", self.user)
        form.addRow("密码：", self.password_edit)
        form.addRow("加密连接：", self.sslmode)
        form.addRow("", self.remember)
        self.result_label = QLabel(message)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.test_button = QPushButton("测试连接")
        self.test_button.clicked.connect(self.test)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("连接")
        buttons.addButton(self.test_button, QDialogButtonBox.ActionRole)
        if offer_local:
            local = buttons.addButton("改用本机数据库文件", QDialogButtonBox.ResetRole)
            local.clicked.connect(self.choose_local)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("几台电脑共用一个督办台账时，每台电脑都连接办公室的同一个 PostgreSQL 数据库服务器。"))
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())
        if message:
            self._say(message, ok=False)
        if start.host:  # the address is known: what is asked for is the password
            self.password_edit.setFocus()

    # ---- what the fields say
    def entered(self) -> tuple[servers.ServerAddress, str | None] | None:
        """The address and password typed; None (and the field named) if one is missing."""
        for edit, label in ((self.host, "服务器地址"), (self.database, "数据库"), (self.user, "用户名")):
            if not edit.text().strip():
                self._say(f"请填写“{label}”。", ok=False)
                edit.setFocus()
                return None
        address = servers.ServerAddress(host=self.host.text().strip(), port=self.port.value(),
                                        database=self.database.text().strip(), user=self.user.text().strip(),
                                        sslmode=self.sslmode.currentData())
        typed = self.password_edit.text()
        if typed:
            return address, typed
        return address, credentials.get_password(address.display()) if self.keyring else None

    def _say(self, text: str, ok: bool) -> None:
        self.result_label.setStyleSheet("color: #1b6e20;" if ok else "color: #b00020;")
        self.result_label.setText(text)

    def _try(self) -> bool:
        found = self.entered()
        if found is None:
            return False
        address, password = found
        self._say("正在连接……", ok=True)
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.result_label.repaint()
            found = servers.test_connection(address, password)
        except DatabaseError as exc:
            self._say(str(exc), ok=False)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._say(found.text, ok=found.usable)
        if not found.usable:
            return False
        self.address, self.password = address, password
        return True

    def test(self) -> None:
        self._try()

    def choose_local(self) -> None:
        self.use_local = True
        super().accept()

    def accept(self) -> None:  # noqa: D102 - connects first; stays open on failure
        if not self._try():
            return
        account = self.address.display()
        if self.remember.isChecked() and self.password:
            if not credentials.set_password(account, self.password):
                self._say("连接成功，但操作系统的钥匙串没有保存密码：以后打开程序时请输入密码。", ok=True)
        elif not self.remember.isChecked():
            credentials.forget(account)
        super().accept()
