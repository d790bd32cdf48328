"""单位名录: units with contact person and phone; add, edit, stop using, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...domain import units
from ...domain.errors import DomainError
from ..widgets import unit_dialog


class UnitsDialog(QDialog):
    def __init__(self, parent=None, read_only: bool = False):
        super().__init__(parent)
        self.setWindowTitle("单位名录")
        self.changed = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选单位")
        self.search.textChanged.connect(self.reload)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["单位名称", "联系人", "联系电话", "状态"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        buttons = QHBoxLayout()
        actions = [("新建单位…", self.add), ("修改…", self.edit), ("停用/启用", self.toggle), ("删除", self.delete)]
        for text, slot in actions:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            button.setEnabled(not read_only)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(720, 520)
        self.reload()

    def reload(self, *_):
        text = self.search.text().strip()
        rows = [u for u in units.list_units() if text in u.name]
        self.table.setRowCount(len(rows))
        for n, unit in enumerate(rows):
            for col, value in enumerate((unit.name, unit.contact_person, unit.phone, "使用中" if unit.active else "已停用")):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.UserRole, unit.id)
                self.table.setItem(n, col, cell)

    def selected(self):
        """The selected unit as it is now; None (said, and the list read again) when another
        desk has deleted it meanwhile."""
        row = self.table.currentRow()
        if row < 0:
            return None
        try:
            return units.get_unit(self.table.item(row, 0).data(Qt.UserRole))
        except DomainError as exc:
            QMessageBox.warning(self, "单位名录", f"{exc}可能已被另一位操作员删除，名录已刷新。")
            self.reload()
            return None

    def add(self):
        if unit_dialog(self) is not None:
            self.changed = True
            self.reload()

    def edit(self):
        unit = self.selected()
        if unit is not None and unit_dialog(self, unit=unit) is not None:
            self.changed = True
            self.reload()

    def toggle(self):
        unit = self.selected()
        if unit is not None:
            try:
                units.update_unit(unit.id, active=not unit.active)
            except DomainError as exc:
                QMessageBox.warning(self, "不能停用或启用", str(exc))
            self.changed = True
            self.reload()

    def delete(self):
        unit = self.selected()
        if unit is None:
            return
        if QMessageBox.question(self, "删除单位", f"确定删除“{unit.name}”吗?") != QMessageBox.Yes:
            return
        try:
            units.delete_unit(unit.id)
        except DomainError as exc:
            QMessageBox.warning(self, "不能删除", str(exc))
            return
        self.changed = True
        self.reload()
