"""逾期提醒: what is overdue, due soon, waiting for a reply, a review or a feedback; urge
from here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.alerts import (
    LEVEL_TONES,
    LEVELS,
    calendar_notice,
    compute_alerts,
    describe,
    replace_item_alerts,
)
from ...domain.dates import format_cn
from ...domain.errors import NotFound
from ..qt import BACKGROUND, DISPLAY, FONT, FOREGROUND, TOOLTIP, USER, header_labels
from ..startup.preload import alerts_key, answer_once
from .table_models import TONE_COLOURS

LEVEL_COLOURS = {level: TONE_COLOURS[tone] for level, tone in LEVEL_TONES.items()}
# plain ints (ui/qt.py): data() runs for every cell on every paint
ALERT_ROLE = USER + 2  # the row's Alert
ALERT_ROLES = frozenset((DISPLAY, TOOLTIP, BACKGROUND, FOREGROUND, FONT, ALERT_ROLE))


class AlertModel(QAbstractTableModel):
    """The alerts as one list: a heading row for each level (with its count), then its
    alerts.

    A flat lazy model rather than a tree or a QTreeWidget: a tree view lays out every
    expanded row when it opens, and a register of 100,000 items has a few thousand
    alerts; here only the rows on screen are ever asked for.
    """

    HEADERS = ["编号", "事项", "承办单位 / 委托方", "完成时限", "情况"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []  # a level code (heading) or an Alert
        self.heads: dict[str, tuple[int, int]] = {}  # level -> (heading row, alerts below it)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_alerts(self, alerts) -> None:
        by_level: dict[str, list] = {level: [] for level in LEVELS}
        for alert in alerts:
            by_level[alert.level].append(alert)
        self.beginResetModel()
        self.rows, self.heads = [], {}
        for level, group in by_level.items():
            self.heads[level] = (len(self.rows), len(group))
            self.rows.append(level)
            self.rows.extend(group)
        self.endResetModel()

    def alert(self, index: QModelIndex):
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        return None if isinstance(entry, str) else entry

    def alert_index(self, level: str, n: int, column: int = 0) -> QModelIndex:
        """The index of the n-th alert of a level."""
        head, count = self.heads[level]
        return self.index(head + 1 + n, column) if 0 <= n < count else QModelIndex()

    # --- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index, role=DISPLAY):
        role = int(role)
        if role not in ALERT_ROLES or not index.isValid():
            return None
        entry, column = self.rows[index.row()], index.column()
        if isinstance(entry, str):  # a level's heading
            if column != 0:
                return None
            if role == DISPLAY:
                return f"{LEVELS[entry]}({self.heads[entry][1]} 件)"
            return self._bold if role == FONT else None
        if role == DISPLAY:
            if column == 0:
                return entry.number
            if column == 1:
                return entry.title
            if column == 2:
                return entry.lead_unit
            if column == 3:
                return format_cn(entry.deadline)
            return describe(entry)
        if role == ALERT_ROLE:
            return entry
        if role == BACKGROUND:
            return LEVEL_COLOURS[entry.level][0]
        if role == FOREGROUND:
            return LEVEL_COLOURS[entry.level][1]
        if role == TOOLTIP and column == 1:
            return entry.title
        return None


class AlertsTab(QWidget):
    open_item = Signal(int)
    open_case = Signal(int)
    data_changed = Signal()
    count_changed = Signal(int)

    def __init__(self, parent=None, load: bool = True):
        """``load``: compute the alerts now (the window loads them after it is built)."""
        super().__init__(parent)
        self.read_only = False
        self.alerts = []
        self.day: dt.date | None = None  # the day the alerts were computed for
        self.preload = None  # the alerts a worker computed at start (ui/startup/preload.py)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.model = AlertModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        header_labels(self.table, self.model.HEADERS)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        for column, width in enumerate((175, 400, 190, 125)):
            self.table.setColumnWidth(column, width)
        self.urge_button = QPushButton("催办选中事项…")
        self.urge_button.setToolTip("对选中的每件督办事项各记录一次催办")
        self.urge_button.clicked.connect(self.urge_selected)
        self.open_button = QPushButton("查看")
        self.open_button.clicked.connect(self.open_selected)
        self.notices_button = QPushButton("生成选中事项的催办通知…")
        self.notices_button.setToolTip("每件事项一页催（交）办通知，合在一个 Word 文档中")
        self.notices_button.clicked.connect(self.notices_for_selected)
        self.select_overdue = QPushButton("选中全部逾期事项")
        self.select_overdue.clicked.connect(lambda: self.select_level("overdue"))
        self.buttons = QHBoxLayout()
        for button in (self.urge_button, self.notices_button, self.select_overdue, self.open_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        if load:
            self.refresh()

    def refresh(self, keep_selection: bool = False) -> None:
        """Compute the alerts again; ``keep_selection``: the alerts selected and the
        scroll stay as they were (another desk's change, a refresh)."""
        day = dt.date.today()
        found = answer_once(self, alerts_key(day), compute_alerts)
        notice = calendar_notice()
        self.notice.setText(f"注意：{notice}" if notice else "")
        self.notice.setVisible(bool(notice))
        self.day = day
        self._show(found, keep_selection)

    def replace_item(self, item_id: int, fresh, day: dt.date) -> bool:
        """After a step on one item: its alerts replaced by ``fresh`` (judged as of
        ``day``), the selection and the scroll kept. False, changing nothing, when the
        alerts shown are of another day (then ``refresh``)."""
        if day != self.day:
            return False
        self._show(replace_item_alerts(self.alerts, item_id, fresh), keep_selection=True)
        return True

    def _show(self, found, keep_selection: bool) -> None:
        chosen = {(a.entity, a.id, a.level) for a in self.selected_alerts()} if keep_selection else set()
        scroll = self.table.verticalScrollBar().value()
        self.alerts = found
        self.model.set_alerts(self.alerts)
        self.table.clearSpans()
        counts = []
        for level, (head, count) in self.model.heads.items():
            counts.append(f"{LEVELS[level]} {count} 件")
            self.table.setSpan(head, 0, 1, len(AlertModel.HEADERS))
        self.summary.setText("；".join(counts) + "。双击一行查看事项；可多选后一次催办，点分类标题行选中该类全部事项。")
        if chosen:
            again = QItemSelection()
            for row, entry in enumerate(self.model.rows):
                if not isinstance(entry, str) and (entry.entity, entry.id, entry.level) in chosen:
                    again.select(self.model.index(row, 0), self.model.index(row, len(AlertModel.HEADERS) - 1))
            self.table.selectionModel().select(again, QItemSelectionModel.Select | QItemSelectionModel.Rows)
            self.table.verticalScrollBar().setValue(min(scroll, self.table.verticalScrollBar().maximum()))
        self._selection_changed()
        self.count_changed.emit(len(self.alerts))

    def count(self, level: str) -> int:
        """How many alerts a level has (as its heading says)."""
        return self.model.heads.get(level, (0, 0))[1]

    def selected_alerts(self):
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [a for a in (self.model.alert(self.model.index(r, 0)) for r in rows) if a is not None]

    def _selection_changed(self) -> None:
        if self._headings_to_alerts():
            return  # the selection changed again, and this ran for it
        chosen = self.selected_alerts()
        urgeable = [a for a in chosen if a.urgeable]
        self.urge_button.setEnabled(bool(urgeable) and not self.read_only)
        self.urge_button.setText(f"催办选中事项({len(urgeable)} 件)…" if urgeable else "催办选中事项…")
        self.open_button.setEnabled(len(chosen) == 1)
        self.notices_button.setEnabled(bool(urgeable))

    def _headings_to_alerts(self) -> bool:
        """A selected heading row (已逾期(12 件)) stands for its alerts: select those
        instead. (The model keeps Qt's own flags, so a heading can be selected: ui/qt.py.)
        Returns whether the selection was changed."""
        selection = self.table.selectionModel()
        rows = {i.row() for i in selection.selectedIndexes()}
        headings = [r for r in rows if isinstance(self.model.rows[r], str)]
        if not headings:
            return False
        change = QItemSelection()
        for row in headings:
            change.select(self.model.index(row, 0), self.model.index(row, len(AlertModel.HEADERS) - 1))
        selection.select(change, QItemSelectionModel.Deselect | QItemSelectionModel.Rows)
        for row in headings:
            self._select_alerts_of(self.model.rows[row])
        return True

    def select_level(self, level: str) -> None:
        self.table.clearSelection()
        self._select_alerts_of(level)

    def _select_alerts_of(self, level: str) -> None:
        """Add a level's alerts (the rows below its heading) to the selection."""
        head, count = self.model.heads[level]
        if count:
            chosen = QItemSelection(self.model.index(head + 1, 0), self.model.index(head + count, 0))
            self.table.selectionModel().select(chosen, QItemSelectionModel.Select | QItemSelectionModel.Rows)

    def _double_clicked(self, index: QModelIndex) -> None:
        alert = self.model.alert(index)
        if alert is not None:
            (self.open_item if alert.entity == "item" else self.open_case).emit(alert.id)

    def open_selected(self) -> None:
        chosen = self.selected_alerts()
        if len(chosen) == 1:
            alert = chosen[0]
            (self.open_item if alert.entity == "item" else self.open_case).emit(alert.id)

    def selected_item_ids(self) -> list[int]:
        """Items of the selection that can be urged, each once."""
        ids = []
        for alert in self.selected_alerts():
            if alert.urgeable and alert.id not in ids:
                ids.append(alert.id)
        return ids

    def notices_for_selected(self) -> None:
        from ..actions import exports  # Word: loaded on first use

        exports.export_notices(self, self.selected_item_ids())

    def urge_selected(self) -> None:
        if self.read_only:
            return
        ids = self.selected_item_ids()
        if not ids:
            return
        from ...domain import supervision  # loaded on first use, not at start-up

        try:
            items = [supervision.get_item(i) for i in ids]
        except NotFound as exc:
            QMessageBox.warning(self, "事项已不存在", str(exc))
            self.refresh()
            return
        from ..dialogs import item_dialogs  # the dialogs load on first use, not at start-up

        done = item_dialogs.urge_dialog(self, items)
        if done is not None:
            self.refresh()
            self.data_changed.emit()
