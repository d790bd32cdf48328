"""The settings page for the form templates: the office's own copies override the shipped
ones; open the folder, copy the shipped ones in for editing, install a Word file from
elsewhere (cleaned of what a form must not carry, and saying what was removed), or go
back to the defaults."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import DomainError
from ...io import form_templates, forms
from ..actions.exports import open_path

TEMPLATE_FILTER = "Word 文档 (*.docx *.docm *.dotx *.dotm)"


def removed_text(removed) -> str:
    """What was taken out of a template, one line each, for a message box."""
    return "\n".join(f"· {line}" for line in removed)


class TemplatesPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        intro = QLabel("表单按模板生成。把模板复制到本办公室的模板文件夹后，可以用 Word 或 WPS 修改字体、"
                       "位置、加上红头；保留模板中 {{…}} 形式的占位符即可。文件夹里有占位符说明。")
        intro.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setObjectName("hint")
        self.folder.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["表单", "使用的模板", "检查"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        open_button = QPushButton("打开模板文件夹")
        install_button = QPushButton("安装模板文件…")
        install_button.setToolTip("用其他 Word 文件作为选中表单的模板。为安全起见，"
                                  "外部链接、附加模板、宏和页码以外的域代码会被删除。")
        copy_button = QPushButton("复制默认模板以便修改")
        restore_button = QPushButton("恢复默认模板")
        open_button.clicked.connect(self.open_folder)
        install_button.clicked.connect(self.install_template)
        copy_button.clicked.connect(self.copy_templates)
        restore_button.clicked.connect(self.restore_defaults)
        buttons = QHBoxLayout()
        for button in (open_button, install_button, copy_button, restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.folder.setText(f"本办公室的模板文件夹：{forms.office_templates_dir()}")
        self.table.setRowCount(len(forms.FORM_KINDS))
        for row, (kind, name) in enumerate(forms.FORM_KINDS.items()):
            own = forms.is_office_template(kind)
            check = form_templates.check_template(kind)
            if check.problem:
                verdict = tip = check.problem
            elif check.removed:
                verdict = f"可以使用；每次导出时会删除 {len(check.removed)} 项表单用不到的内容"
                tip = verdict + "：\n" + removed_text(check.removed)
            else:
                verdict = tip = "可以使用"
            cells = (name, ("本办公室的模板：" if own else "程序自带：") + check.path.name, verdict)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip if col == 2 else text)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def open_folder(self) -> None:
        folder = forms.office_templates_dir()
        folder.mkdir(parents=True, exist_ok=True)
        open_path(folder)

    def install_template(self) -> None:
        row = self.table.currentRow()
        kinds = list(forms.FORM_KINDS)
        if not 0 <= row < len(kinds):
            QMessageBox.information(self, "安装模板", "请先在表中选中要换模板的表单，再安装模板文件。")
            return
        kind = kinds[row]
        name, _ = QFileDialog.getOpenFileName(self, f"选择“{forms.FORM_KINDS[kind]}”的模板",
                                              str(Path.home()), TEMPLATE_FILTER)
        if not name:
            return
        try:
            installed = form_templates.install_template(kind, Path(name))
        except (DomainError, OSError) as exc:
            QMessageBox.warning(self, "安装模板", str(exc))
            return
        lines = [f"已将“{Path(name).name}”安装为“{forms.FORM_KINDS[kind]}”的模板。"]
        if installed.removed:
            lines.append("为安全起见，安装的副本中删除了以下表单用不到的内容：\n"
                         + removed_text(installed.removed))
        if installed.previous:
            lines.append(f"原来的模板保存在：{installed.previous}")
        QMessageBox.information(self, "安装模板", "\n\n".join(lines))
        self.reload()

    def copy_templates(self) -> None:
        try:
            made = forms.copy_shipped_templates()
        except (DomainError, OSError) as exc:
            QMessageBox.warning(self, "复制模板", str(exc))
            return
        QMessageBox.information(self, "复制模板", (f"已复制 {len(made)} 个文件到模板文件夹，可以用 Word 或 WPS 修改。"
                                                   if made else "模板文件夹中已有全部模板，没有覆盖。"))
        self.reload()

    def restore_defaults(self) -> None:
        if QMessageBox.question(self, "恢复默认模板", "恢复后将使用程序自带的模板。本办公室修改过的模板会移到一个备份文件夹中，不会删除。继续吗？") != QMessageBox.Yes:
            return
        try:
            moved = forms.restore_default_templates()
        except (DomainError, OSError) as exc:
            QMessageBox.warning(self, "恢复默认模板", str(exc))
            return
        QMessageBox.information(self, "恢复默认模板", f"已恢复默认模板。原来的模板移到了：\n{moved}" if moved else "已在使用默认模板。")
        self.reload()
