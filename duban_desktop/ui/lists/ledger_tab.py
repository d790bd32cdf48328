"""督查台账: every supervision item, filtered and sorted in SQL, with its detail and steps."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton

from ...domain import item_view, ledger, units
from ...domain.vocab import ITEM_SOURCES, ITEM_STATES, ITEM_STEP_LABELS
from .list_tab import ListTab
from .table_models import ItemTableModel

STEP_TIPS = {
    "sign": "记录承办单位签收交办事项的日期",
    "approve": "群众反映的事项经领导批准后立项编号",
    "reject": "经核查不列入督查事项",
    "urge": "记录一次检查催办(方式、内容、反馈期限)",
    "extend": "经批准延长完成时限(原时限保留)",
    "report": "记录承办单位报送的办理结果",
    "review": "按“四看”审理办理结果",
    "feedback": "向领导反馈督查结果,事项办结",
    "void": "撤销该事项(须写明理由,编号保留)",
    "edit": "修改事项内容",
}
STEP_ORDER = ["approve", "reject", "sign", "urge", "report", "review", "feedback", "extend", "edit", "void"]


def _supervision():
    """The items' steps: loaded when the first item is shown, not at start-up (the first
    screen lists items and needs none of them)."""
    from ...domain import supervision

    return supervision


STEP_TEXT = {**ITEM_STEP_LABELS, "report": "报送结果", "edit": "修改"}


class ItemStep(NamedTuple):
    """A step that changed one item and nothing else (LedgerTab.item_stepped)."""

    before: object  # the item as the step began (SupervisionItem)
    view: item_view.ItemView  # the item now, with its records


class LedgerTab(ListTab):
    # a step changed only this item, and the list and its detail are drawn: the window
    # refreshes its alerts and counts from it (data_changed: anything else written)
    item_stepped = Signal(object)
    SETTINGS_KEY = "register"
    SEARCH_HINT = "事项、批示、单位、人员、编号中的任意文字"
    EMPTY = ("还没有督办事项。<br><br>点工具栏上的“新建督办事项”(或按 Ctrl+N)登记第一件:"
             "定项目内容、定承办单位、定完成时限、定具体负责人。<br>"
             "已经有 Excel 台账的,可以用“文件—导入台账”一次导入。")

    def __init__(self, parent=None, *, model: ItemTableModel | None = None, sort_now: bool = True):
        """``model``: the register's model, already loaded by the window (or a new one)."""
        super().__init__(model or ItemTableModel(), parent, sort_now=sort_now)
        self.state_box = QComboBox()
        self.state_box.addItem("全部状态", None)
        self.state_box.addItem("在办(办理中、待审理、待反馈)", ledger.OPEN)
        for code, label in ITEM_STATES.items():
            self.state_box.addItem(label, code)
        self.unit_box = QComboBox()
        self.source_box = QComboBox()
        self.source_box.addItem("全部来源", None)
        for code, label in ITEM_SOURCES.items():
            self.source_box.addItem(label, code)
        self.year_box = QComboBox()
        self.overdue = QCheckBox("只看逾期")
        clear = QPushButton("清除筛选")
        clear.setAutoDefault(False)
        clear.clicked.connect(self.clear_filter)
        for label, box in (("状态", self.state_box), ("单位", self.unit_box), ("来源", self.source_box),
                           ("年份", self.year_box)):
            self.filter_bar.addWidget(QLabel(label))
            self.filter_bar.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.filter_bar.addWidget(self.overdue)
        self.filter_bar.addWidget(clear)
        self.overdue.toggled.connect(lambda _c: self.apply_filter())
        self.export_hooks: dict[str, object] = {}
        self.reload_choices()

    def reload_choices(self) -> None:
        """Units and years change as items are added."""
        for box, first, entries in (
            (self.unit_box, "全部单位", [(u.name, u.id) for u in units.list_units()]),
            (self.year_box, "全部年份", [(f"{y}年", y) for y in ledger.years()]),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(first, None)
            for text, data in entries:
                box.addItem(text, data)
            index = box.findData(current)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    def clear_filter(self) -> None:
        for box in (self.state_box, self.unit_box, self.source_box, self.year_box, self.overdue, self.search):
            box.blockSignals(True)
        self.search.clear()
        for box in (self.state_box, self.unit_box, self.source_box, self.year_box):
            box.setCurrentIndex(0)
        self.overdue.setChecked(False)
        for box in (self.state_box, self.unit_box, self.source_box, self.year_box, self.overdue, self.search):
            box.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> ledger.ItemFilter:
        return ledger.ItemFilter(text=self.search.text().strip(), state=self.state_box.currentData(),
                                 unit=self.unit_box.currentData(), source=self.source_box.currentData(),
                                 year=self.year_box.currentData(), overdue_only=self.overdue.isChecked())

    def show_overdue_only(self) -> None:
        self.clear_filter()
        self.overdue.setChecked(True)

    def count_text(self) -> str:
        total = len(self.model.ids)
        return f"共 {total} 件。红色:已逾期;黄色:即将到期;绿色:已办结;灰色:已撤销或不予立项。"

    def load_record(self, record_id: int):
        return item_view.get_item(record_id)  # with its lead unit, which every dialog names

    def load_detail(self, record_id: int):
        return item_view.read(record_id)

    def record_of(self, shown):
        return shown.item

    def keeps_place(self, before, shown) -> bool:
        return not item_view.moves_in_list(before, shown.item, self.model.filter, self.model.sort_key())

    def list_row(self, shown):
        return shown.row()

    def record_html(self, record) -> str:
        from .detail import item_html

        rules = self.model.rules
        return item_html(record, rules if rules is not None and rules.today == dt.date.today() else None)

    def stepped(self, before, shown) -> None:
        if before is not None and shown is not None:
            self.item_stepped.emit(ItemStep(before, shown))
        else:
            self.data_changed.emit()

    def step_buttons(self, item):
        allowed = self._allowed(item)
        return [(STEP_TEXT[step], STEP_TIPS[step], lambda s=step: self.run_step(s))
                for step in STEP_ORDER if step in allowed]

    @staticmethod
    def _allowed(item) -> list[str]:
        from ...domain import unit_steps

        allowed = list(_supervision().allowed_steps(item))
        if unit_steps.can_sign(item):
            allowed.append("sign")
        return allowed

    def extra_buttons(self, item):
        hooks = self.export_hooks.get("item")
        return hooks(item) if callable(hooks) else []

    def run_step(self, step: str) -> None:
        item = self.current_record()
        if item is None or self.read_only:
            return
        shown = self.shown
        if shown is not None and shown.id == item.id:
            # the units' tasks as the detail pane shows them (read with it, at most a moment
            # ago) for the dialog's choices; the step checks them afresh under its lock
            item.__dict__.setdefault("_unit_tasks", shown.tasks)
        # (签收 asks the item's tasks; the other steps its state alone)
        allowed = self._allowed(item) if step == "sign" else _supervision().allowed_steps(item)
        if step not in allowed:
            return
        from ..dialogs import item_dialogs  # the dialogs load on first use, not at start-up

        done = item_dialogs.STEP_DIALOGS[step](self, item)
        if done is not None:  # an edit can change the assisting units too: the list read again
            self.after_step(item.id, before=None if step == "edit" else item)

    def new_item(self) -> None:
        if self.read_only:
            return
        from ..dialogs import item_dialogs

        made = item_dialogs.new_item_dialog(self)
        if made is not None:
            self.reload_choices()
            self.clear_filter()
            self.after_step(made.id)

    def void_selected(self) -> None:
        item = self.current_record()
        if item is not None and "void" in _supervision().allowed_steps(item):
            self.run_step("void")
