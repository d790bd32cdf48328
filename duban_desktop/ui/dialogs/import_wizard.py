"""导入台账: bring the office's existing Excel ledger in, in three steps.

1. choose the file (and the sheet, and the header row if it was not found right);
2. check the column mapping: each column of the file and what it is imported as, with
   a preview of the first rows; every choice can be corrected;
3. see every problem with its row number, and the count to import. Finishing is not
   possible while a row has an error, unless "跳过有问题的行" is ticked: then those rows
   are left out and the others imported (the user decides; nothing is skipped silently).
   A number far beyond its year's numbers (1200号 typed for 120号) is listed as 需确认,
   and finishing needs "编号无误" ticked: otherwise it would move the year's next number.

Reading, checking and importing run off the GUI thread (``ui.tasks.run_task``). The
widget only calls ``io.ledger_import``; it never opens the file format or the database.

    if open_import_wizard(window):
        window.refresh()
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...domain.importing import LEVELS, number_jumps_confirmed
from ...io.ledger_import import (
    check_mapping,
    field_choices,
    import_ledger,
    plan_import,
    read_ledger,
    reread,
)
from ..tasks import run_task
from . import file_dialogs

PREVIEW_ROWS = 8
FILE_FILTER = "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)"


def _item(text) -> QTableWidgetItem:
    cell = QTableWidgetItem("" if text is None else str(text))
    cell.setFlags(cell.flags() & ~Qt.ItemIsEditable)
    return cell


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("第一步:选择台账文件")
        self.setSubTitle("选择办公室原有的督办台账(Excel .xlsx),也可以是本程序导出的台账。")
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("尚未选择文件")
        self.browse = QPushButton("选择文件……")
        self.browse.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.sheet = QComboBox()
        self.sheet.setEnabled(False)
        self.sheet.activated.connect(self._sheet_chosen)
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1000)
        self.header_row.setEnabled(False)
        self.header_row.setPrefix("第 ")
        self.header_row.setSuffix(" 行")
        self.reload = QPushButton("按此行重新识别")
        self.reload.setEnabled(False)
        self.reload.clicked.connect(self._header_chosen)
        where = QHBoxLayout()
        where.addWidget(QLabel("工作表:"))
        where.addWidget(self.sheet, 1)
        where.addSpacing(12)
        where.addWidget(QLabel("表头在:"))
        where.addWidget(self.header_row)
        where.addWidget(self.reload)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(where)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def choose(self) -> None:
        path = file_dialogs.open_file_name(self, "选择台账文件", self.path.text(), FILE_FILTER)
        if path:
            self.path.setText(path)
            self._load(lambda progress: read_ledger(path))

    def _sheet_chosen(self) -> None:
        if self.wiz.ledger is not None and self.sheet.currentText() != self.wiz.ledger.sheet:
            ledger, name = self.wiz.ledger, self.sheet.currentText()
            self._load(lambda progress: reread(ledger, sheet=name))

    def _header_chosen(self) -> None:
        if self.wiz.ledger is not None:
            ledger, row = self.wiz.ledger, self.header_row.value()
            self._load(lambda progress: reread(ledger, header_row=row))

    def _load(self, work) -> None:
        self.status.setText("正在读取……")
        self.browse.setEnabled(False)
        run_task(self, "正在读取台账……", work, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, ledger) -> None:
        self.browse.setEnabled(True)
        self.wiz.set_ledger(ledger)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(ledger.sheets)
        self.sheet.setCurrentText(ledger.sheet)
        self.sheet.blockSignals(False)
        self.header_row.setValue(ledger.header_row)
        for widget in (self.sheet, self.header_row, self.reload):
            widget.setEnabled(True)
        two = "(表头占两行)" if ledger.header_rows == 2 else ""
        self.status.setText(f"工作表“{ledger.sheet}”:表头在第 {ledger.header_row} 行{two},"
                            f"共 {ledger.data_rows} 行数据,{len(ledger.columns)} 列。"
                            + ("\n" + "\n".join(ledger.notices) if ledger.notices else ""))
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.browse.setEnabled(True)
        self.wiz.set_ledger(None)
        self.status.setText(f"<span style='color:#b00000'>无法读取:{message}</span>")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wiz.ledger is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("第二步:核对列对应")
        self.setSubTitle("程序按表头猜出了每一列的内容;如有不对,请在“导入为”中改正。"
                         "“序号”只用来数行,事项的编号取自“编号”(催字号)列。")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["列", "表头", "示例内容", "导入为"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeToContents)
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel(f"预览(前 {PREVIEW_ROWS} 行,表头显示导入为什么):"))
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.message)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        ledger = self.wiz.ledger
        choices = field_choices()
        self.table.setRowCount(len(ledger.columns))
        self.combos = []
        for row, col in enumerate(ledger.columns):
            self.table.setItem(row, 0, _item(col.letter))
            self.table.setItem(row, 1, _item(col.header or "(无表头)"))
            self.table.setItem(row, 2, _item(" | ".join(s for s in col.samples if s)[:80]))
            combo = QComboBox()
            for name, label in choices:
                combo.addItem(label, name)
            combo.setCurrentIndex(max(0, combo.findData(self.wiz.mapping.get(col.index, ""))))
            combo.currentIndexChanged.connect(self._changed)
            self.table.setCellWidget(row, 3, combo)
            self.combos.append(combo)
        self._changed()

    def mapping(self) -> dict[int, str]:
        return {col.index: combo.currentData() for col, combo in zip(self.wiz.ledger.columns, self.combos,
                                                                     strict=True)}

    def _changed(self) -> None:
        ledger = self.wiz.ledger
        mapping = self.mapping()
        self.wiz.mapping = mapping
        labels = dict(field_choices())
        rows = ledger.rows[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(ledger.columns))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(
            [f"{c.name}\n→ {labels.get(mapping.get(c.index, ''), '')}" for c in ledger.columns])
        self.preview.setVerticalHeaderLabels([str(number) for number, _ in rows])
        for r, (_, values) in enumerate(rows):
            for c in range(len(ledger.columns)):
                value = values[c] if c < len(values) else None
                self.preview.setItem(r, c, _item(_shown(value)))
        problems = check_mapping(ledger, mapping)
        self.message.setText("<span style='color:#b00000'>" + " ".join(problems) + "</span>"
                             if problems else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wiz.ledger is not None and not check_mapping(self.wiz.ledger, self.wiz.mapping)


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\n", " ")[:60]


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("第三步:检查后导入")
        self.setSubTitle("下面列出每一行的问题和行号(Excel 中的行号)。导入是“全部或全不”:"
                         "有错误的行改正后再导入,或选择跳过这些行。")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.notices = QLabel("")
        self.notices.setWordWrap(True)
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels(["行号", "列", "类别", "问题"])
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.skip = QCheckBox("跳过有问题的行,只导入其余的事项")
        self.skip.setVisible(False)
        self.skip.toggled.connect(self._update)
        self.jumps = QLabel("")
        self.jumps.setWordWrap(True)
        self.jumps.setVisible(False)
        self.confirm_jumps = QCheckBox("")
        self.confirm_jumps.setVisible(False)
        self.confirm_jumps.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notices)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.skip)
        layout.addWidget(self.jumps)
        layout.addWidget(self.confirm_jumps)
        self.plan = None
        self.busy = False

    def initializePage(self) -> None:
        self.plan = None
        self.skip.setChecked(False)
        self.skip.setVisible(False)
        self.confirm_jumps.setChecked(False)
        self.confirm_jumps.setVisible(False)
        self.jumps.setVisible(False)
        self.problems.setRowCount(0)
        self.summary.setText("正在检查……")
        self.notices.setText("")
        ledger, mapping = self.wiz.ledger, dict(self.wiz.mapping)
        run_task(self, "正在检查台账……", lambda progress: plan_import(ledger, mapping),
                 on_done=self._planned, on_error=self._failed)
        self.completeChanged.emit()

    def _planned(self, plan) -> None:
        self.plan = plan
        states = "、".join(f"{label} {n} 件" for label, n in plan.states().items())
        text = f"共 {len(plan.rows)} 行事项:可导入 <b>{plan.to_import}</b> 件"
        text += f"({states})" if states else ""
        if plan.duplicates:
            text += f";以前已导入 {plan.duplicates} 件,将跳过"
        if plan.errors:
            text += f";<span style='color:#b00000'>有错误 <b>{plan.errors}</b> 行</span>"
        if plan.jumps:
            text += f"；<span style='color:#b00000'>有 <b>{len(plan.jumps)}</b> 个编号需要确认</span>"
        if plan.new_units:
            names = "、".join(plan.new_units[:12]) + ("等" if len(plan.new_units) > 12 else "")
            text += f"。<br>将新建 {len(plan.new_units)} 个单位:{names}"
        self.summary.setText(text + "。")
        self.notices.setText("<br>".join(f"· {n}" for n in plan.notices))
        problems = plan.problems
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            self.problems.setItem(row, 0, _item(problem.row or ""))
            self.problems.setItem(row, 1, _item(problem.column))
            self.problems.setItem(row, 2, _item(LEVELS[problem.level]))
            self.problems.setItem(row, 3, _item(problem.message))
        self.problems.resizeColumnsToContents()
        self.skip.setVisible(plan.errors > 0)
        self.skip.setText(f"跳过有错误的 {plan.errors} 行,只导入其余的 {plan.to_import} 件")
        if plan.jumps:
            self.jumps.setText("<span style='color:#b00000'>请核对下列编号，确认无误后才能导入：<br>"
                               + "<br>".join(str(jump) for jump in plan.jumps[:10])
                               + ("<br>……" if len(plan.jumps) > 10 else "") + "</span>")
            self.confirm_jumps.setText(f"我已核对，这 {len(plan.jumps)} 个编号无误，照样导入")
        self.jumps.setVisible(bool(plan.jumps))
        self.confirm_jumps.setVisible(bool(plan.jumps))
        self._update()

    def _failed(self, message: str) -> None:
        self.summary.setText(f"<span style='color:#b00000'>无法检查:{message}</span>")

    def _update(self) -> None:
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan = self.plan
        return (plan is not None and not self.busy and plan.to_import > 0
                and (plan.errors == 0 or self.skip.isChecked())
                and (not plan.jumps or self.confirm_jumps.isChecked()))

    def validatePage(self) -> bool:
        if self.wiz.result is not None:
            return True
        if not self.isComplete():
            return False
        self.busy = True
        self.completeChanged.emit()
        ledger, mapping, skip = self.wiz.ledger, dict(self.wiz.mapping), self.skip.isChecked()
        confirmed = self.confirm_jumps.isChecked()

        def work(progress):
            with number_jumps_confirmed(confirmed):  # in the worker's thread
                return import_ledger(ledger, mapping, skip_errors=skip, progress=progress)[1]

        run_task(self, "正在导入台账……", work, on_done=self._imported, on_error=self._import_failed,
                 on_cancelled=self._import_failed)
        return False

    def _imported(self, result) -> None:
        self.busy = False
        self.wiz.result = result
        parts = [f"已导入 {result.created} 件督办事项。"]
        if result.new_units:
            parts.append(f"新建单位 {len(result.new_units)} 个。")
        if result.skipped_duplicates:
            parts.append(f"以前已导入的 {result.skipped_duplicates} 件没有重复导入。")
        if result.skipped_errors:
            parts.append(f"跳过了有错误的 {result.skipped_errors} 行。")
        QMessageBox.information(self, "导入完成", "".join(parts))
        self.wiz.accept()

    def _import_failed(self, message: str) -> None:
        self.busy = False
        self.completeChanged.emit()
        if "取消" in message:
            self.summary.setText("已取消导入，没有导入任何内容。")
            return
        QMessageBox.warning(self, "没有导入", message)


class ImportWizard(QWizard):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("导入台账")
        self.setWizardStyle(QWizard.ClassicStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.NextButton, "下一步")
        self.setButtonText(QWizard.BackButton, "上一步")
        self.setButtonText(QWizard.FinishButton, "导入")
        self.setButtonText(QWizard.CancelButton, "取消")
        self.ledger = None
        self.mapping: dict[int, str] = {}
        self.result = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page):
            self.addPage(page)
        self.resize(900, 620)

    def set_ledger(self, ledger) -> None:
        self.ledger = ledger
        self.mapping = dict(ledger.mapping) if ledger is not None else {}


def open_import_wizard(parent: QWidget | None) -> bool:
    """Run the wizard; True if something was imported (the window should refresh)."""
    wizard = ImportWizard(parent)
    wizard.exec()
    return bool(wizard.result is not None and wizard.result.created)
