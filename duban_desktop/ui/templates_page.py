"""The settings page for the form templates: the office's own copies override the shipped
ones; open the folder, copy the shipped ones in for editing, or go back to the defaults."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..io import forms
from .exports import open_path


class TemplatesPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        intro = QLabel("表单按模板生成。把模板复制到本办公室的模板文件夹后,可以用 Word 或 WPS 修改字体、"
                       "位置、加上红头;保留模板中 {{…}} 形式的占位符即可。文件夹里有占位符说明。")
        intro.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setObjectName("hint")
        self.folder.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["表单", "使用的模板", "检查"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        open_button = QPushButton("打开模板文件夹")
        copy_button = QPushButton("复制默认模板以便修改")
        restore_button = QPushButton("恢复默认模板")
        open_button.clicked.connect(self.open_folder)
        copy_button.clicked.connect(self.copy_templates)
        restore_button.clicked.connect(self.restore_defaults)
        buttons = QHBoxLayout()
        for button in (open_button, copy_button, restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.folder.setText(f"本办公室的模板文件夹:{forms.office_templates_dir()}")
        problems = forms.template_problems()
        self.table.setRowCount(len(forms.FORM_KINDS))
        for row, (kind, name) in enumerate(forms.FORM_KINDS.items()):
            own = forms.is_office_template(kind)
            path = forms.template_path(kind)
            mine = [p for p in problems if path.name in p]
            cells = (name, ("本办公室的模板:" if own else "程序自带:") + path.name,
                     "；".join(mine) if mine else "可以使用")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def open_folder(self) -> None:
        folder = forms.office_templates_dir()
        folder.mkdir(parents=True, exist_ok=True)
        open_path(folder)

    def copy_templates(self) -> None:
        try:
            made = forms.copy_shipped_templates()
        except (DomainError, OSError) as exc:
            QMessageBox.warning(self, "复制模板", str(exc))
            return
        QMessageBox.information(self, "复制模板", (f"已复制 {len(made)} 个文件到模板文件夹,可以用 Word 或 WPS 修改。"
                                                   if made else "模板文件夹中已有全部模板,没有覆盖。"))
        self.reload()

    def restore_defaults(self) -> None:
        if QMessageBox.question(self, "恢复默认模板", "恢复后将使用程序自带的模板。本办公室修改过的模板会移到一个备份文件夹中,不会删除。继续吗?") != QMessageBox.Yes:
            return
        try:
            moved = forms.restore_default_templates()
        except (DomainError, OSError) as exc:
            QMessageBox.warning(self, "恢复默认模板", str(exc))
            return
        QMessageBox.information(self, "恢复默认模板", f"已恢复默认模板。原来的模板移到了:\n{moved}" if moved else "已在使用默认模板。")
        self.reload()
