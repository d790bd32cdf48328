"""逾期提醒: what is overdue, due soon, waiting for a reply or a review; urge from here."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import supervision
from ..domain.alerts import LEVELS, calendar_notice, compute_alerts
from ..domain.dates import format_cn
from ..domain.errors import NotFound
from . import exports, item_dialogs
from .table_models import GREY, RED, YELLOW

LEVEL_COLOURS = {"overdue": RED, "due_soon": YELLOW, "reply_overdue": RED, "awaiting_review": YELLOW,
                 "coordination_overdue": RED}
AlertRole = Qt.UserRole + 2


def describe(alert) -> str:
    return {
        "overdue": f"已逾期 {alert.days} 个工作日",
        "due_soon": "今天到期" if alert.days == 0 else f"还剩 {alert.days} 个工作日",
        "reply_overdue": f"应于{format_cn(alert.since)}前反馈,已逾期 {alert.days} 个工作日",
        "awaiting_review": f"{format_cn(alert.since)}报送结果,已等待审理 {alert.days} 个工作日",
        "coordination_overdue": f"已逾期 {alert.days} 个工作日",
    }[alert.level]


class AlertsTab(QWidget):
    open_item = Signal(int)
    open_case = Signal(int)
    data_changed = Signal()
    count_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.read_only = False
        self.alerts = []
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["编号", "事项", "主办单位 / 委托方", "完成时限", "情况"])
        self.tree.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.urge_button = QPushButton("催办选中事项…")
        self.urge_button.setToolTip("对选中的每件督办事项各记录一次催办")
        self.urge_button.clicked.connect(self.urge_selected)
        self.open_button = QPushButton("查看")
        self.open_button.clicked.connect(self.open_selected)
        self.notices_button = QPushButton("生成选中事项的催办通知…")
        self.notices_button.setToolTip("每件事项一页催(交)办通知,合在一个 Word 文档中")
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
        layout.addWidget(self.tree, 1)
        layout.addLayout(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        self.alerts = compute_alerts()
        notice = calendar_notice()
        self.notice.setText(f"注意:{notice}" if notice else "")
        self.notice.setVisible(bool(notice))
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        counts = []
        for level, label in LEVELS.items():
            group = [a for a in self.alerts if a.level == level]
            counts.append(f"{label} {len(group)} 件")
            head = QTreeWidgetItem([f"{label}({len(group)} 件)"])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            background, foreground = LEVEL_COLOURS[level] if group else GREY
            for alert in group:
                row = QTreeWidgetItem([alert.number, alert.title, alert.lead_unit, format_cn(alert.deadline),
                                       describe(alert)])
                row.setData(0, AlertRole, alert)
                row.setToolTip(1, alert.title)
                for column in range(5):
                    row.setBackground(column, QBrush(background))
                    row.setForeground(column, QBrush(foreground))
                head.addChild(row)
            head.setExpanded(bool(group))
        self.summary.setText(";".join(counts) + "。双击一行查看事项;可多选后一次催办。")
        for column, width in enumerate((175, 400, 190, 125)):
            self.tree.setColumnWidth(column, width)
        self._selection_changed()
        self.count_changed.emit(len(self.alerts))

    def selected_alerts(self):
        return [i.data(0, AlertRole) for i in self.tree.selectedItems() if i.data(0, AlertRole) is not None]

    def _selection_changed(self) -> None:
        chosen = self.selected_alerts()
        urgeable = [a for a in chosen if a.entity == "item" and a.level != "awaiting_review"]
        self.urge_button.setEnabled(bool(urgeable) and not self.read_only)
        self.urge_button.setText(f"催办选中事项({len(urgeable)} 件)…" if urgeable else "催办选中事项…")
        self.open_button.setEnabled(len(chosen) == 1)
        self.notices_button.setEnabled(bool(urgeable))

    def select_level(self, level: str) -> None:
        self.tree.clearSelection()
        for n in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(n)
            for c in range(head.childCount()):
                child = head.child(c)
                if child.data(0, AlertRole).level == level:
                    child.setSelected(True)

    def _double_clicked(self, row: QTreeWidgetItem, _column: int) -> None:
        alert = row.data(0, AlertRole)
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
            if alert.entity == "item" and alert.level != "awaiting_review" and alert.id not in ids:
                ids.append(alert.id)
        return ids

    def notices_for_selected(self) -> None:
        exports.export_notices(self, self.selected_item_ids())

    def urge_selected(self) -> None:
        if self.read_only:
            return
        ids = self.selected_item_ids()
        if not ids:
            return
        try:
            items = [supervision.get_item(i) for i in ids]
        except NotFound as exc:
            QMessageBox.warning(self, "事项已不存在", str(exc))
            self.refresh()
            return
        done = item_dialogs.urge_dialog(self, items)
        if done is not None:
            self.refresh()
            self.data_changed.emit()
