"""Dialogs for the five steps of 协调: 受托, 审理, 核查, 协商, 处理 (and approval of hard
means, archiving, voiding). Each returns what the domain returned, or None."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import coordination
from ...domain.dates import format_cn
from ...domain.vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CONSULTATION_MODES,
    MEANS,
    METHODS,
    RECORD_KINDS,
    RELATION_SUBKINDS,
    SCREENING_DECISIONS,
)
from ..widgets import CheckBox, ChoiceCombo, DateEdit, LineEdit, TextEdit, UnitsPicker
from .form_dialog import FormDialog


class MethodsPicker(QWidget):
    """协调方式: one or more of the six methods."""

    def __init__(self, value: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for n, (code, label) in enumerate(METHODS.items()):
            box = QCheckBox(label)
            box.setChecked(code in (value or []))
            grid.addWidget(box, n // 3, n % 3)
            self.boxes[code] = box

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: list[str]) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in value)


class TasksEditor(QWidget):
    """决定事项: who carries out what by when, one row each."""

    HEADERS = ["承办单位", "任务", "完成时限", "负责人"]
    KEYS = ["unit", "task", "deadline", "responsible_person"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(140)
        add, remove = QPushButton("添加一项"), QPushButton("删除选中项")
        add.setAutoDefault(False)
        remove.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, values: dict | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = values or {}
        for col, key in enumerate(self.KEYS):
            value = values.get(key, "")
            if isinstance(value, dt.date):
                value = format_cn(value)
            self.table.setItem(row, col, QTableWidgetItem(str(value)))
        self.table.setCurrentCell(row, 0)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def value(self) -> list[dict]:
        rows = []
        for row in range(self.table.rowCount()):
            cells = {key: (self.table.item(row, col).text().strip() if self.table.item(row, col) else "")
                     for col, key in enumerate(self.KEYS)}
            if any(cells.values()):
                rows.append(cells)
        return rows

    def set_value(self, value: list[dict]) -> None:
        self.table.setRowCount(0)
        for row in value:
            self.add_row(row)


def intake_dialog(parent):
    dialog = FormDialog(parent, "新建协调事项(受托)", "对来自任何方面的委托都要认真登记,作为今后稽查的依据。")
    dialog.add("title", "协调事项", LineEdit("", "如:关于县城停车场建设选址的协调"), required=True)
    dialog.add("source", "受托来源", ChoiceCombo(CASE_SOURCES, "own_leadership"), required=True)
    dialog.add("requester", "委托方", LineEdit("", "提出协调要求的领导、机关或单位"), required=True)
    dialog.add("requested_on", "受托日期", DateEdit(dt.date.today()), required=True)
    kind = dialog.add("kind", "协调类型", ChoiceCombo(CASE_KINDS, "business"), required=True)
    subkind = dialog.add("relation_subkind", "关系类别", ChoiceCombo(RELATION_SUBKINDS, None, empty="(不适用)"))
    dialog.add("description", "事项内容", TextEdit("", 70), hint="分歧所在、各方诉求、已做的工作")
    dialog.add("parties", "协调各方", UnitsPicker([]))
    dialog.add("deadline", "办结时限", DateEdit(None, optional=True), hint="可不填")
    dialog.add("handler", "经办人", LineEdit("", "默认为当前操作员"))

    def follow_kind(*_):
        relations = kind.value() == "relations"
        subkind.setEnabled(relations)
        if not relations:
            subkind.set_value(None)

    kind.currentIndexChanged.connect(follow_kind)
    follow_kind()

    def save(values):
        values["relation_subkind"] = values["relation_subkind"] or ""
        return coordination.intake(**values)

    dialog.on_submit(save)
    return dialog.run()


def screen_dialog(parent, case):
    dialog = FormDialog(parent, f"审理 {case.number}",
                        "决定是否受理、如何受理。按分级协调原则,该由哪一级解决的矛盾就由哪一级协调解决。")
    dialog.add("decision", "审理结论", ChoiceCombo(SCREENING_DECISIONS, "accept"), required=True)
    dialog.add("reason", "理由", TextEdit("", 60), hint="不予受理或上报时必填")
    dialog.add("escalated_to", "上报对象", LineEdit("", "上报上级协调时填写"))
    dialog.add("screened_on", "审理日期", DateEdit(dt.date.today()), required=True)
    dialog.on_submit(lambda v: coordination.screen(case.id, **v))
    return dialog.run()


def verify_dialog(parent, case):
    dialog = FormDialog(parent, f"核查 {case.number}",
                        "收集背景材料,查阅有关政策规定,进行必要的调查,听取主管机关的意见,在此基础上制定协调方案。")
    dialog.add("background", "背景材料", TextEdit(case.background, 50))
    dialog.add("rules_consulted", "有关政策规定", TextEdit(case.rules_consulted, 50))
    dialog.add("investigation", "调查情况", TextEdit(case.investigation, 50))
    dialog.add("authority_opinion", "主管机关意见", TextEdit(case.authority_opinion, 40))
    dialog.add("plan", "协调方案", TextEdit(case.plan, 70), required=True)
    dialog.add("means", "协调手段", ChoiceCombo(MEANS, case.means or "soft"),
               hint="硬协调须先请示领导同意并记录" + (f"(已由{case.hard_approved_by}批准)" if case.hard_approved_by else ""))
    dialog.add("methods", "协调方式", MethodsPicker([m for m in case.methods.split(",") if m]), required=True)
    dialog.add("verified_on", "核查日期", DateEdit(dt.date.today()), required=True)
    dialog.on_submit(lambda v: coordination.verify(case.id, **v))
    return dialog.run()


def hard_approval_dialog(parent, case):
    dialog = FormDialog(parent, f"记录领导批准硬协调 {case.number}",
                        "软协调不成时,经请示领导同意,方可综合运用行政的、组织的、经济的手段。", ok_text="记录批准")
    dialog.add("approved_by", "批准领导", LineEdit("", "如:王建国县长"), required=True,
               aliases=("hard_approved_by",))
    dialog.add("approved_on", "批准日期", DateEdit(dt.date.today()), required=True)
    dialog.add("note", "批准意见", TextEdit("", 50))
    dialog.on_submit(lambda v: coordination.approve_hard_means(case.id, **v))
    return dialog.run()


def consult_dialog(parent, case):
    dialog = FormDialog(parent, f"记录协商 {case.number}", "将处理问题的方案同各方当事人见面,通过共同磋商取得一致意见。")
    dialog.add("held_on", "协商日期", DateEdit(dt.date.today()), required=True)
    dialog.add("place", "地点", LineEdit(""))
    modes = QWidget()
    modes.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
    row = QHBoxLayout(modes)
    row.setContentsMargins(0, 0, 0, 0)
    combos = {}
    for field, pair in CONSULTATION_MODES.items():
        combos[field] = ChoiceCombo(pair, next(iter(pair)))
        row.addWidget(combos[field])
    modes.value = lambda: {f: c.value() for f, c in combos.items()}
    dialog.add("modes", "协商方式", modes, required=True, aliases=tuple(CONSULTATION_MODES))
    dialog.add("participants", "参加人员", TextEdit("", 40))
    dialog.add("positions", "各方意见", TextEdit("", 60))
    dialog.add("outcome", "协商结果", TextEdit("", 60), required=True)
    dialog.add("agreed", "达成一致", CheckBox("各方已取得一致意见"))
    dialog.on_submit(lambda v: coordination.consult(case.id, **v))
    return dialog.run()


def resolve_dialog(parent, case):
    dialog = FormDialog(parent, f"处理 {case.number}",
                        "对协商各方一致接受的处理意见作出决定并付诸实施,用会议纪要或协议书记录,供各方共同签署并执行。",
                        ok_text="作出处理决定")
    dialog.add("decision", "处理决定", TextEdit("", 80), required=True)
    dialog.add("record_kind", "记录形式", ChoiceCombo(RECORD_KINDS, "minutes"), required=True)
    dialog.add("record_number", "纪要或协议编号", LineEdit(""))
    dialog.add("signatories", "签署各方", LineEdit("、".join(u.name for u in coordination.parties(case))))
    dialog.add("resolved_on", "处理日期", DateEdit(dt.date.today()), required=True)
    tasks = dialog.add("tasks", "决定事项", TasksEditor(), hint="谁、办什么、何时办完;完成时限写作 2026-12-31 或 2026年12月31日")
    tasks.add_row()
    create = dialog.add("create_items", "督办", CheckBox("每项决定事项同时生成督办事项(决定事项落实)"))
    create.setChecked(True)
    dialog.on_submit(lambda v: coordination.resolve(case.id, **v))
    return dialog.run()


def archive_dialog(parent, case):
    dialog = FormDialog(parent, f"立卷归档 {case.number}", ok_text="归档")
    dialog.add("archived_on", "归档日期", DateEdit(dt.date.today()), required=True)
    dialog.on_submit(lambda v: coordination.archive(case.id, **v))
    return dialog.run()


def void_case_dialog(parent, case):
    dialog = FormDialog(parent, f"撤销协调事项 {case.number}", case.title, ok_text="撤销事项")
    dialog.add("reason", "撤销理由", TextEdit("", 60), required=True, aliases=("void_reason",))
    dialog.on_submit(lambda v: coordination.void(case.id, **v))
    return dialog.run()


def edit_case_dialog(parent, case):
    """修改: the case as it is now (with its version); only the fields the user changed are
    saved, and only if no other desk changed the case meanwhile (else the dialog stays
    open and says who changed what)."""
    case = coordination.case_for_edit(case.id)
    dialog = FormDialog(parent, f"修改协调事项 {case.number}")
    dialog.add("title", "协调事项", LineEdit(case.title), required=True)
    dialog.add("requester", "委托方", LineEdit(case.requester), required=True)
    dialog.add("description", "事项内容", TextEdit(case.description, 70))
    dialog.add("parties", "协调各方", UnitsPicker([u.name for u in coordination.parties(case)]))
    dialog.add("deadline", "办结时限", DateEdit(case.deadline, optional=True))
    dialog.add("handler", "经办人", LineEdit(case.handler))
    opened = dialog.values()

    def save(values):
        changed = {key: value for key, value in values.items() if value != opened.get(key)}
        if not changed:
            return coordination.get_case(case.id)  # nothing to save
        return coordination.update_case(case.id, expected_version=case.version,
                                        seen_history=case.seen_history, **changed)

    dialog.on_submit(save)
    return dialog.run()


CASE_STEP_DIALOGS = {
    "screen": screen_dialog,
    "verify": verify_dialog,
    "approve_hard": hard_approval_dialog,
    "consult": consult_dialog,
    "resolve": resolve_dialog,
    "archive": archive_dialog,
    "void": void_case_dialog,
    "edit": edit_case_dialog,
}
