"""协调事项: cases with their five-step progress strip, sessions, decisions and the
supervision items made from them."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QMessageBox, QWidget

from ...domain import case_list, coordination
from ...domain.coordination import CURRENT_STEP
from ...domain.errors import DomainError
from ...domain.vocab import CASE_KINDS, CASE_STATES, CASE_STEPS
from .detail import case_html
from .list_tab import ListTab
from .table_models import CaseTableModel

STEP_TIPS = {
    "screen": "决定受理、不予受理或上报上级协调",
    "verify": "收集情况、查阅政策、制定协调方案",
    "approve_hard": "软协调不成时,记录领导同意采取硬协调",
    "consult": "记录一次与各方的协商",
    "resolve": "作出处理决定,记录会议纪要或协议书",
    "archive": "处理完毕后立卷归档",
    "void": "撤销该协调事项(须写明理由)",
    "edit": "修改受托登记的内容",
}
STEP_ORDER = ["screen", "verify", "consult", "resolve", "approve_hard", "archive", "edit", "void"]


class StepStrip(QWidget):
    """受托 → 审理 → 核查 → 协商 → 处理, done steps green, the current one bold."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.labels = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for n, (code, text) in enumerate(CASE_STEPS.items()):
            if n:
                arrow = QLabel("→")
                arrow.setObjectName("arrow")
                row.addWidget(arrow)
            label = QLabel(text)
            label.setObjectName("step")
            label.setProperty("state", "todo")  # before its first polish: no re-polish at start
            label.setMinimumWidth(56)
            row.addWidget(label)
            self.labels[code] = label
        row.addStretch(1)

    def show_case(self, case) -> None:
        order = list(CASE_STEPS)
        current = CURRENT_STEP.get(case.state, "intake") if case else None
        reached = order.index(current) if current else -1
        for n, label in enumerate(self.labels.values()):
            if case is None:
                state = "todo"
            elif case.state == "closed" or n < reached:
                state = "done"
            elif n == reached:
                state = "stopped" if case.state in ("declined", "escalated", "voided") else "current"
            else:
                state = "todo"
            if label.property("state") != state:  # re-polish only what changed
                label.setProperty("state", state)
                label.style().unpolish(label)
                label.style().polish(label)
        if case is not None and case.state in ("declined", "escalated", "voided"):
            self.labels[current].setText(f"{CASE_STEPS[current]}({CASE_STATES[case.state]})")
        else:
            for code, label in self.labels.items():
                label.setText(CASE_STEPS[code])


class CasesTab(ListTab):
    SETTINGS_KEY = "cases"
    SEARCH_HINT = "事项、委托方、协调各方、决定中的任意文字"
    EMPTY = ("还没有协调事项。<br><br>接到协调要求时,点“新建协调事项”登记(受托),"
             "然后依次审理、核查、协商、处理。")

    def __init__(self, parent=None):
        super().__init__(CaseTableModel(), parent)
        self.state_box = QComboBox()
        self.state_box.addItem("全部进度", None)
        self.state_box.addItem("在办(待审理、核查中、协商中)", case_list.OPEN)
        for code, label in CASE_STATES.items():
            self.state_box.addItem(label, code)
        self.kind_box = QComboBox()
        self.kind_box.addItem("全部类型", None)
        for code, label in CASE_KINDS.items():
            self.kind_box.addItem(label, code)
        self.overdue = QCheckBox("只看逾期")
        for label, box in (("进度", self.state_box), ("类型", self.kind_box)):
            self.filter_bar.addWidget(QLabel(label))
            self.filter_bar.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.filter_bar.addWidget(self.overdue)
        self.filter_bar.addStretch(1)
        self.overdue.toggled.connect(lambda _c: self.apply_filter())
        self.strip = StepStrip()
        self.detail_layout.insertWidget(0, self.strip)
        self.export_hooks: dict[str, object] = {}

    def current_filter(self) -> case_list.CaseFilter:
        return case_list.CaseFilter(text=self.search.text().strip(), state=self.state_box.currentData(),
                                    kind=self.kind_box.currentData(), overdue_only=self.overdue.isChecked())

    def load_record(self, record_id: int):
        return coordination.get_case(record_id)

    def record_html(self, record) -> str:
        return case_html(record)

    def show_record(self, record) -> None:
        super().show_record(record)
        if hasattr(self, "strip"):
            self.strip.show_case(record)

    def step_buttons(self, case):
        allowed = coordination.allowed_steps(case)
        buttons = [(coordination.STEP_LABELS[s] if s != "approve_hard" else "批准硬协调", STEP_TIPS[s],
                    lambda s=s: self.run_step(s)) for s in STEP_ORDER if s in allowed]
        if "create_item" in allowed:
            pending = [t for t in coordination.tasks_of(case) if coordination.item_of_task(t) is None]
            if pending:
                buttons.insert(0, (f"生成督办事项({len(pending)})", "把尚未督办的决定事项逐项生成督办事项",
                                   self.create_items))
        return buttons

    def extra_buttons(self, case):
        hooks = self.export_hooks.get("case")
        return hooks(case) if callable(hooks) else []

    def run_step(self, step: str) -> None:
        case = self.current_record()
        if case is None or self.read_only or step not in coordination.allowed_steps(case):
            return
        from ..dialogs import case_dialogs  # the dialogs load on first use, not at start-up

        if case_dialogs.CASE_STEP_DIALOGS[step](self, case) is not None:
            self.after_step(case.id)

    def create_items(self) -> None:
        case = self.current_record()
        if case is None:
            return
        made = []
        try:
            for task in coordination.tasks_of(case):
                if coordination.item_of_task(task) is None:
                    made.append(coordination.create_item_from_task(task.id))
        except DomainError as exc:
            QMessageBox.warning(self, "不能生成督办事项", str(exc))
        if made:
            QMessageBox.information(self, "已生成督办事项",
                                    "已生成督办事项:" + "、".join(i.number for i in made) + "。可在“督查台账”中查看。")
        self.after_step(case.id)

    def new_case(self) -> None:
        if self.read_only:
            return
        from ..dialogs import case_dialogs

        made = case_dialogs.intake_dialog(self)
        if made is not None:
            self.after_step(made.id)

    def void_selected(self) -> None:
        case = self.current_record()
        if case is not None and "void" in coordination.allowed_steps(case):
            self.run_step("void")

