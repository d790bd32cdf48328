"""A secretary's morning through the real window: every step by its real button."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from duban_desktop.domain import supervision, unit_tasks
from duban_desktop.domain.ledger import item_ids

from .helpers import click, step_button, step_texts, type_into


def fill_new_item(qtbot, title="落实县长关于背街小巷改造的批示", workdays=2):
    def fill(dialog):
        f = dialog.fields
        type_into(qtbot, f["title"], title)
        f["source"].set_value("leader_instruction")
        type_into(qtbot, f["leader_instruction"], "请住建局抓紧研究,两周内报送方案。")
        type_into(qtbot, f["instructing_leader"], "王建国县长")
        type_into(qtbot, f["lead_unit"], "县住房和城乡建设局")
        type_into(qtbot, f["units"].unit_box(0).lineEdit(), "县财政局")
        type_into(qtbot, f["responsible_person"], "蒋建华")
        f["deadline"].by_days.setChecked(True)
        f["deadline"].days.setValue(workdays)
    return fill


def test_item_from_registration_to_closed(qtbot, window, dialogs):
    reg = window.ledger
    assert window.tabs.tabText(2) == "逾期提醒"

    dialogs.expect(fill_new_item(qtbot))
    window.act_new_item.trigger()
    assert len(reg.model.ids) == 1
    item = supervision.get_item(reg.selected_id)
    assert item.number.endswith("1号") and item.lead_unit.name == "县住房和城乡建设局"
    assert [u.name for u in supervision.assisting_units(item)] == ["县财政局"]
    assert window.tabs.tabText(2) == "逾期提醒 (2)"  # due within 2 working days: each of its two units
    assert step_texts(reg) == ["签收", "检查催办", "报送结果", "延期", "修改", "撤销"]

    def sign(dialog):  # both units signed for it today (the default)
        assert dialog.fields["units"].value() == ["县住房和城乡建设局", "县财政局"]
        dialog.fields["units"].boxes["县财政局"].setChecked(False)
    dialogs.expect(sign)
    click(qtbot, step_button(reg, "签收"))
    assert [t.signed_on is not None for t in unit_tasks.tasks(supervision.get_item(item.id))] == [True, False]
    assert "签收" in step_texts(reg)  # 县财政局 has not yet
    dialogs.expect(lambda d: None)
    click(qtbot, step_button(reg, "签收"))
    assert step_texts(reg) == ["检查催办", "报送结果", "延期", "修改", "撤销"]
    assert "签收" in reg.detail.toPlainText()  # the timeline shows who signed when

    for method in ("phone", "notice"):
        def urge(dialog, method=method):
            dialog.fields["method"].set_value(method)
            type_into(qtbot, dialog.fields["content"], "请加快进度")
        dialogs.expect(urge)
        click(qtbot, step_button(reg, "检查催办"))
    assert supervision.get_item(item.id).urge_count == 4  # each urge to both units at work: one record each

    def helper_reports(dialog):
        dialog.fields["unit"].set_value("县财政局")
        type_into(qtbot, dialog.fields["content"], "资金已落实")
    dialogs.expect(helper_reports)
    click(qtbot, step_button(reg, "报送结果"))
    assert supervision.get_item(item.id).state == "in_progress"  # the lead unit has not reported
    assert "1/2" in reg.model.index(0, 6).data()  # 情况: one of its two units has finished
    dialogs.expect(lambda d: type_into(qtbot, d.fields["content"], "方案已报送"))
    click(qtbot, step_button(reg, "报送结果"))
    assert step_texts(reg) == ["情况审理", "修改", "撤销"]
    assert window.tabs.tabText(2) == "逾期提醒"  # the unit has reported: nothing to urge

    def review_redo(dialog):
        yes, no, note = dialog.fields["looks"].rows["problem_solved"]
        click(qtbot, no)
        type_into(qtbot, note, "资金来源未落实")
        assert dialog.fields["verdict"].value() == "improve"  # follows the failing look
        dialog.fields["verdict"].set_value("redo")
    dialogs.expect(review_redo)
    click(qtbot, step_button(reg, "情况审理"))
    assert supervision.get_item(item.id).state == "in_progress"
    assert window.tabs.tabText(2) == "逾期提醒 (1)"  # the lead unit again (its helper has finished)

    dialogs.expect(lambda d: d.fields["method"].set_value("in_person"))
    click(qtbot, step_button(reg, "检查催办"))
    dialogs.expect(lambda d: type_into(qtbot, d.fields["content"], "资金已落实,方案已定"))
    click(qtbot, step_button(reg, "报送结果"))
    dialogs.expect(lambda d: None)  # four looks all 是, verdict 审理通过
    click(qtbot, step_button(reg, "情况审理"))
    assert step_texts(reg) == ["结果反馈", "修改", "撤销"]

    def feedback(dialog):
        assert dialog.fields["kind"].value() == "instruction_report"
        assert dialog.fields["recipient"].value() == "王建国县长"
    dialogs.expect(feedback)
    click(qtbot, step_button(reg, "结果反馈"))
    done = supervision.get_item(item.id)
    assert done.state == "closed" and done.urge_count == 5
    assert step_texts(reg) == []
    assert "已办结" in reg.detail.toPlainText()
    assert window.tabs.tabText(2) == "逾期提醒"


def test_refused_input_shows_beside_the_field(qtbot, window, dialogs):
    def empty(dialog):
        type_into(qtbot, dialog.fields["lead_unit"], "县财政局")
        dialogs.dialog = dialog
    dialogs.expect(empty)
    window.act_new_item.trigger()
    dialog = dialogs.dialog
    assert dialog.errors["title"].isVisibleTo(dialog)
    assert "催办项目" in dialog.errors["title"].text()
    assert item_ids() == []


def test_enter_opens_next_step_and_delete_voids(qtbot, window, dialogs):
    dialogs.expect(fill_new_item(qtbot, workdays=20))
    window.act_new_item.trigger()
    reg = window.ledger
    reg.table.setFocus()
    dialogs.expect(lambda d: None)  # the next step of a new item: its units sign for it
    qtbot.keyClick(reg.table, Qt.Key_Return)
    assert unit_tasks.tasks(supervision.get_item(reg.selected_id))[0].signed_on is not None
    dialogs.expect(lambda d: d.fields["method"].set_value("phone"))
    qtbot.keyClick(reg.table, Qt.Key_Return)
    assert supervision.get_item(reg.selected_id).urge_count == 2  # both of its units
    dialogs.expect(lambda d: type_into(qtbot, d.fields["reason"], "上级已调整部署"))
    qtbot.keyClick(reg.table, Qt.Key_Delete)
    assert supervision.get_item(reg.selected_id).state == "voided"


def test_coordination_case_to_resolution_creates_item(qtbot, window, dialogs):
    cases = window.cases
    window.tabs.setCurrentWidget(cases)

    def intake(dialog):
        type_into(qtbot, dialog.fields["title"], "关于县城停车场建设选址的协调")
        type_into(qtbot, dialog.fields["requester"], "李明副县长")
        type_into(qtbot, dialog.fields["parties"], "县自然资源局、县住房和城乡建设局")
    dialogs.expect(intake)
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    assert len(cases.model.ids) == 1
    assert step_texts(cases)[0] == "审理"
    assert cases.strip.labels["screening"].property("state") == "current"

    dialogs.expect(lambda d: None)  # 受理
    click(qtbot, step_button(cases, "审理"))

    def verify(dialog):
        type_into(qtbot, dialog.fields["plan"], "先分别沟通,再召开协调会。")
        click(qtbot, dialog.fields["methods"].boxes["meeting"])
    dialogs.expect(verify)
    click(qtbot, step_button(cases, "核查"))
    shown = [label.text() for label in dialogs.seen[-1].errors.values() if label.text()]
    assert cases.current_record().state == "consultation", shown

    def consult(dialog):
        type_into(qtbot, dialog.fields["outcome"], "双方同意按方案执行。")
        click(qtbot, dialog.fields["agreed"])
    dialogs.expect(consult)
    click(qtbot, step_button(cases, "记录协商"))

    def resolve(dialog):
        type_into(qtbot, dialog.fields["decision"], "由自然资源局先行预审,住建局编制方案。")
        table = dialog.fields["tasks"].table
        for col, text in enumerate(["县住房和城乡建设局", "编制停车场建设方案", "2027-01-29", "蒋建华"]):
            table.item(0, col).setText(text)
    dialogs.expect(resolve)
    click(qtbot, step_button(cases, "处理"))
    case = cases.current_record()
    assert case.state == "closed"
    assert cases.strip.labels["resolution"].property("state") == "done"
    assert "已生成督办事项" in cases.detail.toPlainText()

    made = item_ids()
    assert len(made) == 1
    item = supervision.get_item(made[0])
    assert item.case_task.case.id == case.id and item.deadline == dt.date(2027, 1, 29)
    window.show_item(item.id)
    assert window.tabs.currentWidget() is window.ledger
    assert "来自协调事项" in window.ledger.detail.toPlainText()


def test_declined_case_stops_the_strip(qtbot, window, dialogs):
    window.tabs.setCurrentWidget(window.cases)

    def intake(dialog):
        type_into(qtbot, dialog.fields["title"], "关于会务安排的协调")
        type_into(qtbot, dialog.fields["requester"], "县教育局")
    dialogs.expect(intake)
    window.act_new_case.trigger()

    def decline_without_reason(dialog):
        dialog.fields["decision"].set_value("decline")
    dialogs.expect(decline_without_reason)
    click(qtbot, step_button(window.cases, "审理"))
    assert window.cases.current_record().state == "intake"  # refused: no reason given
    assert "理由" in dialogs.seen[-1].errors["reason"].text()

    def decline(dialog):
        dialog.fields["decision"].set_value("decline")
        type_into(qtbot, dialog.fields["reason"], "属部门职责,按分级协调原则自行解决。")
    dialogs.expect(decline)
    click(qtbot, step_button(window.cases, "审理"))
    assert window.cases.strip.labels["screening"].property("state") == "stopped"
    assert "不予受理" in window.cases.strip.labels["screening"].text()


def test_a_unit_not_in_the_list_is_made_only_when_confirmed(qtbot, window, dialogs, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from duban_desktop.db.models import Unit

    answers = [QMessageBox.No, QMessageBox.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda _p, title, text, *a: asked.append(text) or answers.pop(0)))
    dialogs.expect(fill_new_item(qtbot))
    window.act_new_item.trigger()  # declined: the dialog says so at the field and stores nothing
    assert "“县住房和城乡建设局”、“县财政局”不在单位名录中" in asked[0]
    assert dialogs.seen[-1].errors["lead_unit"].text().startswith("“县住房和城乡建设局”不在单位名录中")
    assert Unit.select().count() == 0 and not window.ledger.model.ids
    dialogs.expect(fill_new_item(qtbot))
    window.act_new_item.trigger()  # confirmed
    assert {u.name for u in Unit.select()} == {"县住房和城乡建设局", "县财政局"}
    assert len(window.ledger.model.ids) == 1


def test_urging_one_of_the_units_at_work(qtbot, window, dialogs):
    dialogs.expect(fill_new_item(qtbot))
    window.act_new_item.trigger()
    reg = window.ledger
    item = supervision.get_item(reg.selected_id)

    def urge_one(dialog):
        assert dialog.fields["units"].value() == ["县住房和城乡建设局", "县财政局"]  # both at work: both ticked
        dialog.fields["units"].boxes["县住房和城乡建设局"].setChecked(False)
    dialogs.expect(urge_one)
    click(qtbot, step_button(reg, "检查催办"))
    tasks = unit_tasks.tasks(supervision.get_item(item.id))
    from duban_desktop.db.models import Urge

    assert [(u.unit_task_id, u.method) for u in Urge.select()] == [(tasks[1].id, "phone")]
    assert supervision.get_item(item.id).urge_count == 1


def test_extending_one_helping_unit_alone(qtbot, window, dialogs):
    import datetime as dt

    dialogs.expect(fill_new_item(qtbot, workdays=10))
    window.act_new_item.trigger()
    reg = window.ledger
    item = supervision.get_item(reg.selected_id)
    later = item.deadline + dt.timedelta(days=20)

    def extend_helper(dialog):
        dialog.fields["unit"].set_value("县财政局")
        dialog.fields["new_deadline"].set_value(later)
        type_into(qtbot, dialog.fields["reason"], "资金审批需要时间")
        type_into(qtbot, dialog.fields["approved_by"], "李明副县长")
    dialogs.expect(extend_helper)
    click(qtbot, step_button(reg, "延期"))
    tasks = unit_tasks.tasks(supervision.get_item(item.id))
    assert [t.deadline for t in tasks] == [item.deadline, later]
    assert supervision.get_item(item.id).deadline == item.deadline
    assert "县财政局" in reg.detail.toPlainText()
