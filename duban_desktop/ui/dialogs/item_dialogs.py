"""Dialogs for every step of 督查督办: register, edit, urge, extend, report, review,
feedback, void, approve and reject. Each returns what the domain returned, or None."""

from __future__ import annotations

import datetime as dt

from ...domain import numbering, settings, supervision, unit_tasks
from ...domain.dates import format_cn
from ...domain.vocab import FEEDBACK_KINDS, FOUR_LOOKS, ITEM_SOURCES, URGE_METHODS, VERDICTS
from ..settings_store import ui_settings
from ..unit_rows import UnitTasksEditor
from ..widgets import (
    CheckBox,
    ChecksPicker,
    ChoiceCombo,
    DateEdit,
    DeadlineEdit,
    IntEdit,
    LineEdit,
    LooksEditor,
    TextEdit,
    UnitPicker,
)
from .form_dialog import FormDialog


def _item_fields(dialog: FormDialog, item=None) -> None:
    get = (lambda name, default="": getattr(item, name)) if item else (lambda name, default="": default)
    dialog.add("title", "催办项目", LineEdit(get("title"), "一句话写明督办什么事"), required=True)
    dialog.add("source", "立项依据", ChoiceCombo(ITEM_SOURCES, get("source", "leader_instruction")),
               required=True)
    dialog.add("basis", "依据文件或会议", LineEdit(get("basis"), "如:县政府第12次常务会议、《政务信息》第35期"))
    dialog.add("leader_instruction", "领导批示", TextEdit(get("leader_instruction"), 60),
               hint="立项依据为“领导批示”时必填")
    dialog.add("instructing_leader", "批示领导", LineEdit(get("instructing_leader"), "如:王建国县长"))
    dialog.add("instruction_date", "批示日期", DateEdit(get("instruction_date", None), optional=True))
    dialog.add("content", "项目内容", TextEdit(get("content"), 60), hint="具体任务、要求和时间节点")
    lead = dialog.add("lead_unit", "主办单位", UnitPicker(item.lead_unit.name if item else ""), required=True)
    rows = dialog.add("units", "协办、配合单位",
                      UnitTasksEditor(unit_tasks.rows_of(item) if item else [], lead.value()),
                      aliases=("assisting_units", "assisting"))
    lead.combo.editTextChanged.connect(rows.set_lead)
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    dialog.resize(min(920, int(screen.width() * 0.95)) if screen else 920, dialog.height())  # (the rows' columns)
    dialog.add("responsible_person", "具体负责人", LineEdit(get("responsible_person")), required=True)


def confirm_new_units(dialog, values: dict) -> None:
    """Ask before a unit typed in a unit field becomes a new unit of the list (“北湖镇”
    beside “北湖镇人民政府” is usually a slip). Declined: refused at the field."""
    from PySide6.QtWidgets import QMessageBox

    from ...domain import units as unit_list
    from ...domain.errors import ValidationError

    typed = [("lead_unit", values.get("lead_unit") or "")] + [("units", r["unit"]) for r in values.get("units") or ()]
    unknown = [(f, n.strip()) for f, n in typed if n.strip() and unit_list.find_unit(n.strip()) is None]
    if not unknown:
        return
    names = "、".join(f"“{n}”" for _f, n in unknown)
    answer = QMessageBox.question(
        dialog, "新建单位", f"{names}不在单位名录中。\n\n要把它作为新单位加入单位名录吗？"
        "如果是已有单位的简称或别称，请选“否”，再从列表中选择已有的单位。",
        QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    if answer != QMessageBox.Yes:
        field, name = unknown[0]
        raise ValidationError(field, f"“{name}”不在单位名录中，请从列表中选择已有的单位，或确认新建。")


def new_item_dialog(parent):
    dialog = FormDialog(parent, "新建督办事项(确定项目)",
                        "按“立之有据,立则必办,办则必果”的要求,定项目内容、定承办单位、定完成时限、定具体负责人。")
    _item_fields(dialog)
    registered = dialog.add("registered_on", "登记日期", DateEdit(dt.date.today()), required=True)
    deadline = dialog.add("deadline", "完成时限", DeadlineEdit(dt.date.today()), required=True)
    registered.dateChanged.connect(lambda _d: deadline.set_start(registered.value()))
    number_note = dialog.add_note("")

    def show_number(*_):
        if dialog.fields["source"].value() == "public_report":
            number_note.setText("群众反映的事项须经核查并报领导批准后才能立项,批准时编号。")
        else:
            number_note.setText(f"保存后编号为:{numbering.preview('supervision', registered.value().year)}")

    dialog.fields["source"].currentIndexChanged.connect(show_number)
    registered.dateChanged.connect(show_number)
    show_number()
    def save(values):
        confirm_new_units(dialog, values)
        return supervision.register_item(**values)

    dialog.on_submit(save)
    return dialog.run()


def edit_item_dialog(parent, item):
    """修改: the item as it is now (read afresh, with its version); only the fields the user
    changed are saved, and only if no other desk changed the item meanwhile (else the
    dialog stays open and says who changed what)."""
    item = supervision.item_for_edit(item.id)
    dialog = FormDialog(parent, f"修改督办事项 {supervision.display_number(item)}")
    _item_fields(dialog, item)
    can_move = item.urge_count == 0 and not item.extensions.exists()
    dialog.add("deadline", "完成时限", DateEdit(item.deadline), required=True,
               hint="" if can_move else "已经催办或延期,完成时限只能通过“延期”改变。")
    dialog.fields["deadline"].setEnabled(can_move)
    dialog.add("result_summary", "查办结果摘要", TextEdit(item.result_summary, 50))
    dialog.add("proposed_action", "拟办意见", TextEdit(item.proposed_action, 40))
    opened = dialog.values()

    def save(values):
        if not can_move:
            values.pop("deadline")
        changed = {key: value for key, value in values.items() if value != opened.get(key)}
        if not changed:
            return supervision.get_item(item.id)  # nothing to save
        confirm_new_units(dialog, {k: changed[k] for k in ("lead_unit", "units") if k in changed})
        return supervision.update_item(item.id, expected_version=item.version,
                                       seen_history=item.seen_history, **changed)

    dialog.on_submit(save)
    return dialog.run()


def urge_dialog(parent, items):
    """检查催办 for one item or several (one urge record each, all or nothing)."""
    store = ui_settings()
    many = len(items) > 1
    title = f"批量催办({len(items)} 件)" if many else f"检查催办 {items[0].number}"
    intro = ("对选中的每件事项各记录一次催办:" + "、".join(i.number for i in items[:8])
             + ("……" if len(items) > 8 else "")) if many else f"{items[0].title}(主办:{items[0].lead_unit.name})"
    dialog = FormDialog(parent, title, intro, ok_text="记录催办")
    defaults = settings.all_settings()  # (one statement for both defaults)
    method = store.value("urge/method", defaults["default_urge_method"])
    dialog.add("method", "催办方式", ChoiceCombo(URGE_METHODS, method), required=True)
    dialog.add("content", "催办内容", TextEdit("", 60), hint="如:请加快进度,于期限内报送办理情况")
    dialog.add("urged_on", "催办日期", DateEdit(dt.date.today()), required=True)
    dialog.add("reply_days", "反馈期限", IntEdit(int(defaults["default_reply_days"]), 0, 90, " 个工作日内"),
               hint="请承办单位在此期限内反映办理情况;填 0 表示不限")
    dialog.add("new_deadline", "新的完成时限", DateEdit(None, optional=True),
               hint="一次催办不能奏效时,可提出新的时限要求(原完成时限仍保留)")
    if not many and items[0].unit_count > 1:  # (an item of one unit: nothing to choose, nothing read)
        from ...domain import unit_tasks
        from ...domain.vocab import UNIT_ROLES

        working = {t.unit.name: f"{t.unit.name}（{UNIT_ROLES[t.role]}）"
                   for t in unit_tasks.tasks(items[0]) if t.state == "open"}
        if len(working) > 1:  # each unit urged gets its own urge record (and its own notice)
            dialog.add("units", "催办单位", ChecksPicker(working, list(working)), required=True,
                       hint="勾选要催办的承办单位（尚未报送办理结果的）")

    def save(values):
        values["reply_days"] = values["reply_days"] or None
        if many:
            done = supervision.urge_many([i.id for i in items], **values)
        else:  # one item: locked once, by the step itself
            done = [supervision.urge(items[0].id, **values)]
        store.setValue("urge/method", values["method"])
        return done

    dialog.on_submit(save)
    return dialog.run()


def extend_dialog(parent, item):
    dialog = FormDialog(parent, f"延期 {item.number}",
                        f"现完成时限 {format_cn(item.deadline)},原定 {format_cn(item.original_deadline)}。")
    dialog.add("new_deadline", "延期后的完成时限", DateEdit(item.deadline + dt.timedelta(days=14)), required=True)
    dialog.add("reason", "延期理由", TextEdit("", 60), required=True)
    dialog.add("approved_by", "批准人", LineEdit("", "如:李明副县长"), required=True)
    dialog.add("requested_on", "申请日期", DateEdit(dt.date.today()), required=True)
    if item.unit_count > 1:
        from ...domain import unit_tasks
        from ...domain.vocab import UNIT_ROLES

        choices = {"": "整个事项（主办单位和完成时限与事项相同的单位）"}
        choices.update({t.unit.name: f"只延{t.unit.name}（{UNIT_ROLES[t.role]}，现完成时限 {format_cn(t.deadline)}）"
                        for t in unit_tasks.tasks(item) if t.role != "lead" and t.state == "open"})
        if len(choices) > 1:
            dialog.add("unit", "延期范围", ChoiceCombo(choices, ""), hint="一个协办、配合单位申请延期时，只延它自己的时限")
    dialog.on_submit(lambda v: supervision.extend(item.id, **v))
    return dialog.run()


def report_dialog(parent, item):
    from ...domain import unit_tasks
    from ...domain.vocab import UNIT_ROLES

    tasks = unit_tasks.tasks(item)  # with their units, in one statement
    lead = item.lead_unit.name
    names = {t.unit.name: f"{t.unit.name}（{UNIT_ROLES[t.role]}{'，已报送' if t.state != 'open' else ''}）"
             for t in tasks}
    waiting = [t.unit.name for t in tasks if t.role != "lead" and t.state == "open"]
    dialog = FormDialog(parent, f"报送办理结果 {item.number}",
                        "各承办单位分别报送；主办单位的报告是综合报告（由牵头单位负责报告），"
                        "各单位都报送后，事项转入“情况审理”。")
    dialog.add("unit", "报送单位", ChoiceCombo(names, lead), required=True)
    dialog.add("content", "办理结果", TextEdit(item.result if item.state == "in_progress" else "", 120),
               required=True, aliases=("result",))
    dialog.add("reported_on", "报送日期", DateEdit(dt.date.today()), required=True)
    if waiting:
        dialog.add("covers_units", "一并报送", CheckBox(f"主办单位的报告已包括{'、'.join(waiting)}的办理情况"),
                   hint="只对主办单位的报告有效；不勾选时，事项在这些单位报送前仍为“办理中”。")

    def save(values):
        if values["unit"] == lead:
            values["unit"] = None  # the lead unit: the step takes the item's own
        else:
            values.pop("covers_units", None)
        return supervision.report_result(item.id, **values)

    dialog.on_submit(save)
    return dialog.run()


def review_dialog(parent, item):
    dialog = FormDialog(parent, f"情况审理 {item.number}",
                        f"办理结果({format_cn(item.result_reported_on)}报送):{item.result}\n\n"
                        "坚持“四看”:看事实是否准确无误;看处理是否符合有关政策;看问题是否解决落实;看行文是否规范。")
    looks = dialog.add("looks", "四看", LooksEditor(), aliases=tuple(FOUR_LOOKS))
    verdict = dialog.add("verdict", "审理结论", ChoiceCombo(VERDICTS, "pass"), required=True)
    dialog.add("comment", "审理意见", TextEdit("", 50), hint="退回改进或重办时,写明需要改进或重办的内容")
    dialog.add("reviewed_on", "审理日期", DateEdit(dt.date.today()), required=True)
    dialog.add("new_deadline", "新的完成时限", DateEdit(None, optional=True), hint="退回重办时可重新限定时限")

    def follow_looks(*_):
        if not looks.all_pass() and verdict.value() == "pass":
            verdict.set_value("improve")

    for _yes, no, _note in looks.rows.values():
        no.toggled.connect(follow_looks)
    dialog.on_submit(lambda v: supervision.review(item.id, **v))
    return dialog.run()


def feedback_dialog(parent, item):
    kind = "instruction_report" if item.source == "leader_instruction" else (
        "special_report" if item.source == "superior" else "brief")
    dialog = FormDialog(parent, f"结果反馈 {item.number}",
                        "按照件件有结果、事事有回音的要求,向领导报告督查结果。反馈后事项办结。", ok_text="反馈并办结")
    dialog.add("kind", "反馈方式", ChoiceCombo(FEEDBACK_KINDS, kind), required=True)
    dialog.add("recipient", "报送对象", LineEdit(item.instructing_leader, "原批示领导或上级机关"))
    dialog.add("result_summary", "查办结果摘要", TextEdit(item.result_summary or item.result, 80))
    dialog.add("proposed_action", "拟办意见", TextEdit(item.proposed_action, 40))
    dialog.add("document_number", "文号", LineEdit("", "专题报告或简报的文号,可不填"))
    dialog.add("fed_back_on", "反馈日期", DateEdit(dt.date.today()), required=True)
    dialog.add("note", "备注", TextEdit("", 40))
    dialog.on_submit(lambda v: supervision.feedback(item.id, **v))
    return dialog.run()


def void_dialog(parent, item):
    dialog = FormDialog(parent, f"撤销督办事项 {supervision.display_number(item)}",
                        f"{item.title}\n撤销后事项不再督办,编号保留、不再使用。", ok_text="撤销事项")
    dialog.add("reason", "撤销理由", TextEdit("", 60), required=True, aliases=("void_reason",))
    dialog.on_submit(lambda v: supervision.void(item.id, **v))
    return dialog.run()


def approve_dialog(parent, item):
    dialog = FormDialog(parent, "领导批准立项",
                        f"{item.title}\n群众反映的问题经核查、报领导批准后列入督查项目,批准后编号。", ok_text="批准立项")
    dialog.add("approved_by", "批准领导", LineEdit("", "如:王建国县长"), required=True)
    dialog.add("approved_on", "批准日期", DateEdit(dt.date.today()), required=True)
    dialog.add("note", "批准意见", TextEdit("", 50), aliases=("approval_note",))
    dialog.add("deadline", "完成时限", DateEdit(item.deadline), required=True)
    dialog.on_submit(lambda v: supervision.approve_item(item.id, **v))
    return dialog.run()


def reject_dialog(parent, item):
    dialog = FormDialog(parent, "不予立项", item.title, ok_text="不予立项")
    dialog.add("reason", "理由", TextEdit("", 60), required=True, aliases=("rejection_reason",))
    dialog.on_submit(lambda v: supervision.reject_item(item.id, **v))
    return dialog.run()


def sign_dialog(parent, item):
    from ...domain import unit_steps
    from ...domain.vocab import UNIT_ROLES

    waiting = unit_steps.unsigned_tasks(item)
    names = {t.unit.name: f"{t.unit.name}（{UNIT_ROLES[t.role]}）" for t in waiting}
    dialog = FormDialog(parent, f"签收 {item.number}",
                        f"交办日期：{format_cn(item.issued_on or item.registered_on)}。勾选已经签收的承办单位。",
                        ok_text="签收")
    dialog.add("units", "签收单位", ChecksPicker(names, list(names)), required=True)
    dialog.add("signed_on", "签收日期", DateEdit(dt.date.today()), required=True)
    dialog.on_submit(lambda v: unit_steps.sign(item.id, **v))
    return dialog.run()


STEP_DIALOGS = {
    "sign": sign_dialog,
    "approve": approve_dialog,
    "reject": reject_dialog,
    "urge": lambda parent, item: urge_dialog(parent, [item]),
    "extend": extend_dialog,
    "report": report_dialog,
    "review": review_dialog,
    "feedback": feedback_dialog,
    "void": void_dialog,
    "edit": edit_item_dialog,
}
