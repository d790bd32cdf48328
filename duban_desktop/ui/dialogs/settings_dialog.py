"""设置: the office's name and numbering, reminders, form fonts, and its working days."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import numbering, settings, workdays
from ...domain.dates import format_cn
from ...domain.errors import DomainError, ValidationError
from ...domain.workdays import current_calendar
from ..widgets import DateEdit, IntEdit, LineEdit, weekday_cn

GROUPS = {
    "基本": ["office_name", "operator_name", "contact_phone"],
    "编号": ["number_prefix", "case_number_prefix", "number_pattern"],
    "提醒": ["due_soon_days", "sign_wait_days", "review_wait_days", "feedback_wait_days", "default_reply_days"],
    "表单字体": ["font_body", "font_title", "font_heading", "font_number"],
}
HINTS = {
    "office_name": "印在每张表单和台账上,如:青山县人民政府办公室",
    "operator_name": "只保存在这台电脑上（每台电脑各填自己的），记入在这台电脑上做的修改；不填则用电脑的登录名",
    "number_pattern": "{prefix} 字头、{year} 年份、{seq} 序号,如 {prefix}〔{year}〕{seq}号",
    "due_soon_days": "距完成时限不超过这么多个工作日时标黄提醒",
    "review_wait_days": "办理结果报送后超过这么多个工作日未审理时提醒",
    "feedback_wait_days": "审理通过后超过这么多个工作日未反馈时提醒",
    "sign_wait_days": "交办后超过这么多个工作日承办单位仍未签收时提醒（待签收超时）",
    "default_reply_days": "催办时默认的反馈期限",
    "font_body": "正文字体,常用:仿宋_GB2312、仿宋",
    "font_title": "标题字体,常用:方正小标宋简体;没有时 Word 会用相近字体",
}


class WorkdaysPage(QWidget):
    """The office's holidays and make-up workdays for years the official data lacks."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.year_box = QComboBox()
        this_year = dt.date.today().year
        for year in range(this_year - 1, this_year + 3):
            self.year_box.addItem(f"{year}年", year)
        self.year_box.setCurrentIndex(self.year_box.findData(this_year + 1))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("notice")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["日期", "安排", "说明"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.first, self.last = DateEdit(dt.date(this_year + 1, 1, 1)), DateEdit(dt.date(this_year + 1, 1, 1))
        self.note = LineEdit("", "如:元旦、春节、国庆节调休")
        holiday, makeup, remove = QPushButton("设为放假"), QPushButton("设为调休上班"), QPushButton("删除选中")
        holiday.clicked.connect(lambda: self._add(False))
        makeup.clicked.connect(lambda: self._add(True))
        remove.clicked.connect(self._remove)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        entry = QHBoxLayout()
        for widget in (QLabel("从"), self.first, QLabel("到"), self.last, self.note, holiday, makeup):
            entry.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份:"))
        top.addWidget(self.year_box)
        top.addStretch(1)
        top.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("法定节假日和调休安排以国务院办公厅每年发布的通知为准。程序自带到 2026 年的安排;"
                                "以后的年份请按通知在这里录入。"))
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        self.year_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.first.dateChanged.connect(lambda _d: self.last.set_value(max(self.first.value(), self.last.value())))
        self.reload()

    def reload(self) -> None:
        year = self.year_box.currentData()
        source = current_calendar().year_source(year)
        self.status.setText({
            "official": f"{year}年:使用国务院公布的放假和调休安排(程序自带)。在此录入的日期优先。",
            "office": f"{year}年:使用本办公室录入的安排。",
            "weekends": workdays.fallback_notice([year]),
        }[source])
        rows = workdays.list_overrides(year)
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            for col, text in enumerate((f"{format_cn(row.day)} {weekday_cn(row.day)}",
                                        "调休上班" if row.is_workday else "放假", row.note)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.UserRole, row.day)
                self.table.setItem(n, col, cell)
        self.table.resizeColumnToContents(0)

    def _add(self, is_workday: bool) -> None:
        self.error.clear()
        try:
            workdays.set_range(self.first.value(), self.last.value(), is_workday, self.note.value())
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        year = self.first.value().year
        self.year_box.setCurrentIndex(max(self.year_box.findData(year), 0))
        self.reload()

    def _remove(self) -> None:
        days = {self.table.item(i.row(), 0).data(Qt.UserRole) for i in self.table.selectedIndexes()}
        for day in sorted(days):
            workdays.remove_override(day)
        self.reload()


class SettingsDialog(QDialog):
    def __init__(self, parent=None, extra_pages: list[tuple[str, QWidget]] | None = None):
        super().__init__(parent)
        self.setWindowTitle("设置")
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        current = settings.all_settings()
        tabs = QTabWidget()
        for title, keys in GROUPS.items():
            page = QWidget()
            form = QFormLayout(page)
            for key in keys:
                spec = settings.SPECS[key]
                widget = IntEdit(current[key], spec.low, spec.high, " 个工作日" if "days" in key and key != "default_reply_days" else " 日") \
                    if spec.kind == "int" else LineEdit(str(current[key]))
                holder = QWidget()
                column = QVBoxLayout(holder)
                column.setContentsMargins(0, 0, 0, 0)
                column.addWidget(widget)
                if key in HINTS:
                    hint = QLabel(HINTS[key])
                    hint.setObjectName("hint")
                    column.addWidget(hint)
                error = QLabel()
                error.setObjectName("error")
                error.hide()
                column.addWidget(error)
                form.addRow(spec.label + ":", holder)
                self.fields[key], self.errors[key] = widget, error
            if title == "编号":
                self.preview = QLabel()
                form.addRow("下一个编号:", self.preview)
                for key in keys:
                    self.fields[key].textChanged.connect(self._preview)
                self._preview()
            tabs.addTab(page, title)
        for title, page in extra_pages or []:
            tabs.addTab(page, title)
        self.workdays = WorkdaysPage()
        tabs.addTab(self.workdays, "工作日安排")
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("保存")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.resize(760, 520)

    def _preview(self, *_):
        pattern = self.fields["number_pattern"].value()
        year = dt.date.today().year
        try:
            numbering.validate_pattern(pattern)
            text = (numbering.format_number(pattern, self.fields["number_prefix"].value(), year, 1) + "、"
                    + numbering.format_number(pattern, self.fields["case_number_prefix"].value(), year, 1))
        except ValidationError as exc:
            text = exc.message
        self.preview.setText(text)

    def values(self) -> dict:
        return {key: widget.value() for key, widget in self.fields.items()}

    def save(self) -> None:
        for label in self.errors.values():
            label.hide()
        try:
            settings.update(self.values())
        except ValidationError as exc:
            if exc.field in self.errors:
                self.errors[exc.field].setText(exc.message)
                self.errors[exc.field].show()
                for index, keys in enumerate(GROUPS.values()):
                    if exc.field in keys:
                        self.tabs.setCurrentIndex(index)
                self.fields[exc.field].setFocus()
            else:
                QMessageBox.warning(self, "设置有误", exc.message)
            return
        self.accept()
