"""Input widgets the dialogs share: dates with a calendar, deadlines in working days,
unit pickers with completion, choices from the office's vocabulary, the four looks.

Every widget here has ``value()`` and ``set_value(v)`` in domain terms (dates, codes,
names), so dialogs read them without knowing their kind.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import supervision, units
from ..domain.dates import format_cn
from ..domain.vocab import FOUR_LOOKS
from ..domain.workdays import current_calendar, fallback_notice

WEEKDAYS = "一二三四五六日"
NULL_DATE = QDate(1999, 12, 31)


def weekday_cn(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


class DateEdit(QDateEdit):
    """A date with a calendar popup, shown as 2026年1月5日. Optional dates show (未填)."""

    def __init__(self, value: dt.date | None = None, optional: bool = False, parent=None):
        super().__init__(parent)
        self.optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy年M月d日")
        self.setMinimumDate(NULL_DATE if optional else QDate(2000, 1, 1))
        self.setMaximumDate(QDate(2100, 12, 31))
        if optional:
            self.setSpecialValueText("(未填)")
        self.calendarWidget().setGridVisible(True)
        self.set_value(value if value is not None or optional else dt.date.today())

    def value(self) -> dt.date | None:
        if self.optional and self.date() == NULL_DATE:
            return None
        return self.date().toPython()

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(QDate(value) if value else (NULL_DATE if self.optional else QDate.currentDate()))


class TextEdit(QPlainTextEdit):
    def __init__(self, value: str = "", height: int = 70, parent=None):
        super().__init__(parent)
        self.setPlainText(value or "")
        self.setTabChangesFocus(True)
        self.setFixedHeight(max(height, 44))  # long text scrolls inside; the dialog stays compact

    def value(self) -> str:
        return self.toPlainText()

    def set_value(self, value: str) -> None:
        self.setPlainText(value or "")


class LineEdit(QLineEdit):
    def __init__(self, value: str = "", placeholder: str = "", parent=None):
        super().__init__(value or "", parent)
        if placeholder:
            self.setPlaceholderText(placeholder)

    def value(self) -> str:
        return self.text()

    def set_value(self, value: str) -> None:
        self.setText(value or "")


class ChoiceCombo(QComboBox):
    """One code of a vocabulary dict (code -> Chinese label)."""

    def __init__(self, choices: dict[str, str], value: str | None = None, empty: str | None = None,
                 parent=None):
        super().__init__(parent)
        if empty is not None:
            self.addItem(empty, None)
        for code, label in choices.items():
            self.addItem(label, code)
        self.set_value(value)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        index = self.findData(value)
        self.setCurrentIndex(max(index, 0))


class IntEdit(QSpinBox):
    def __init__(self, value: int = 0, low: int = 0, high: int = 999, suffix: str = "", parent=None):
        super().__init__(parent)
        self.setRange(low, high)
        self.setValue(value)
        if suffix:
            self.setSuffix(suffix)

    def set_value(self, value: int) -> None:
        self.setValue(int(value))


class CheckBox(QCheckBox):
    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: bool) -> None:
        self.setChecked(bool(value))


class ChecksPicker(QWidget):
    """Several choices, each a check box (code -> label); ``value`` is the codes checked."""

    def __init__(self, choices: dict, checked=()):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict = {}
        for code, text in choices.items():
            box = QCheckBox(text)
            box.setChecked(code in checked)
            layout.addWidget(box)
            self.boxes[code] = box

    def value(self) -> list:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in value)


class DeadlineEdit(QWidget):
    """完成时限: a date, or N working days from a start date; shows the date as you type."""

    changed = Signal()

    def __init__(self, start: dt.date | None = None, value: dt.date | None = None, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.start = start or dt.date.today()
        self.by_date = QRadioButton("指定日期")
        self.by_days = QRadioButton("工作日数")
        self.date_edit = DateEdit(value or current_calendar().add_workdays(self.start, 10))
        self.days = IntEdit(10, 1, 1000, " 个工作日")
        self.preview = QLabel()
        self.preview.setObjectName("hint")
        self.preview.setWordWrap(True)
        group = QButtonGroup(self)
        group.addButton(self.by_date)
        group.addButton(self.by_days)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.by_days)
        row.addWidget(self.days)
        row.addSpacing(12)
        row.addWidget(self.by_date)
        row.addWidget(self.date_edit)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.preview)
        (self.by_date if value else self.by_days).setChecked(True)
        for signal in (self.by_date.toggled, self.days.valueChanged, self.date_edit.dateChanged):
            signal.connect(self._update)
        self._update()

    def set_start(self, start: dt.date) -> None:
        self.start = start
        self._update()

    def _update(self, *_):
        use_days = self.by_days.isChecked()
        self.days.setEnabled(use_days)
        self.date_edit.setEnabled(not use_days)
        day = self.value()
        text = f"即 {format_cn(day)}({weekday_cn(day)})"
        if use_days:
            text = f"自 {format_cn(self.start)} 起 {self.days.value()} 个工作日,{text}"
        else:
            left = current_calendar().workdays_between(self.start, day)
            text = f"{text},距 {format_cn(self.start)} {left} 个工作日"
        notice = fallback_notice(current_calendar().fallback_years([self.start, day]))
        self.preview.setText(text + (f"\n{notice}" if notice else ""))
        self.changed.emit()

    def value(self) -> dt.date:
        if self.by_days.isChecked():
            return supervision.resolve_deadline(workdays=self.days.value(), start=self.start)
        return self.date_edit.value()

    def set_value(self, value: dt.date) -> None:
        self.by_date.setChecked(True)
        self.date_edit.set_value(value)


class UnitPicker(QWidget):
    """A unit by name, with completion; a name not yet known is marked as a new unit."""

    def __init__(self, value: str = "", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.NoInsert)
        self.combo.lineEdit().setPlaceholderText("输入单位名称的任意几个字")
        self.new_button = QPushButton("新建单位…")
        self.new_button.setAutoDefault(False)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.hint.hide()
        self.setFocusProxy(self.combo)
        self.reload()
        self.set_value(value)
        self.combo.editTextChanged.connect(self._check)
        self.new_button.clicked.connect(self._new_unit)

    def reload(self) -> None:
        text = self.combo.currentText()
        names = [u.name for u in units.list_units(active_only=True)]
        self.names = set(names)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        completer = QCompleter(names, self.combo)
        completer.setFilterMode(Qt.MatchContains)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.combo.setCompleter(completer)
        self.combo.setEditText(text)
        self.combo.blockSignals(False)

    def _check(self, text: str) -> None:
        name = " ".join(text.split())
        unknown = bool(name) and name not in self.names
        self.hint.setText(f"“{name}”不在单位名录中,保存时将新建该单位。" if unknown else "")
        self.hint.setVisible(unknown)

    def _new_unit(self) -> None:
        made = unit_dialog(self, name=self.combo.currentText())
        if made is not None:
            self.reload()
            self.set_value(made.name)

    def value(self) -> str:
        return self.combo.currentText()

    def set_value(self, value: str) -> None:
        self.combo.setEditText(value or "")
        self._check(value or "")


class UnitsPicker(QWidget):
    """Several units (协办单位 or the parties): names joined by 、, chosen from a list."""

    def __init__(self, value: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.line = QLineEdit()
        self.line.setPlaceholderText("多个单位用顿号(、)隔开,或点“选择…”")
        self.button = QPushButton("选择…")
        self.button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.button.clicked.connect(self._choose)
        self.set_value(value or [])

    def value(self) -> list[str]:
        text = self.line.text()
        for sep in ",,;;/\n":
            text = text.replace(sep, "、")
        return [part.strip() for part in text.split("、") if part.strip()]

    def set_value(self, value: list[str]) -> None:
        self.line.setText("、".join(value))

    def _choose(self) -> None:
        picked = pick_units(self, self.value())
        if picked is not None:
            self.set_value(picked)


def pick_units(parent, chosen: list[str]) -> list[str] | None:
    """The units of the list ticked in a small dialog (those ``chosen`` ticked at first;
    a name in ``chosen`` not in the list is kept, after them); None if cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("选择单位")
    search = QLineEdit()
    search.setPlaceholderText("筛选")
    listing = QListWidget()
    listing.setSelectionMode(QAbstractItemView.NoSelection)
    for unit in units.list_units(active_only=True):
        entry = QListWidgetItem(unit.name)
        entry.setFlags(entry.flags() | Qt.ItemIsUserCheckable)
        entry.setCheckState(Qt.Checked if unit.name in chosen else Qt.Unchecked)
        listing.addItem(entry)

    def filter_(text):
        for row in range(listing.count()):
            listing.item(row).setHidden(text not in listing.item(row).text())

    search.textChanged.connect(filter_)
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(search)
    layout.addWidget(listing)
    layout.addWidget(buttons)
    dialog.resize(360, 480)
    if dialog.exec() != QDialog.Accepted:
        return None
    listed = [listing.item(r).text() for r in range(listing.count())]
    picked = [n for r, n in enumerate(listed) if listing.item(r).checkState() == Qt.Checked]
    return [n for n in chosen if n in picked] + [n for n in picked if n not in chosen] + [
        n for n in chosen if n not in set(listed)]


class LooksEditor(QWidget):
    """情况审理's four looks: 是/否 for each, with a note (required when 否)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, tuple[QRadioButton, QRadioButton, QLineEdit]] = {}
        for row, (code, label) in enumerate(FOUR_LOOKS.items()):
            yes, no = QRadioButton("是"), QRadioButton("否")
            yes.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(yes)
            group.addButton(no)
            note = QLineEdit()
            note.setPlaceholderText("说明(选“否”时必填)")
            grid.addWidget(QLabel(f"看{label}"), row, 0)
            grid.addWidget(yes, row, 1)
            grid.addWidget(no, row, 2)
            grid.addWidget(note, row, 3)
            self.rows[code] = (yes, no, note)
        grid.setColumnStretch(3, 1)

    def value(self) -> dict:
        return {code: (yes.isChecked(), note.text()) for code, (yes, _no, note) in self.rows.items()}

    def set_value(self, value: dict) -> None:
        for code, (ok, note) in value.items():
            yes, no, line = self.rows[code]
            (yes if ok else no).setChecked(True)
            line.setText(note)

    def widget_for(self, code: str) -> QWidget | None:
        row = self.rows.get(code)
        return row[2] if row else None

    def all_pass(self) -> bool:
        return all(yes.isChecked() for yes, _, _ in self.rows.values())


def unit_dialog(parent, name: str = "", unit=None):
    """Create (or edit) a unit; returns it, or None when cancelled."""
    from .dialogs.form_dialog import FormDialog

    dialog = FormDialog(parent, "编辑单位" if unit else "新建单位")
    dialog.add("name", "单位名称", LineEdit(unit.name if unit else " ".join(name.split())), required=True)
    dialog.add("contact_person", "联系人", LineEdit(unit.contact_person if unit else ""))
    dialog.add("phone", "联系电话", LineEdit(unit.phone if unit else ""))
    dialog.add("note", "备注", TextEdit(unit.note if unit else "", 50))
    if unit is None:
        dialog.on_submit(lambda v: units.create_unit(**v))
    else:
        dialog.on_submit(lambda v: units.update_unit(unit.id, **v))
    return dialog.run()

