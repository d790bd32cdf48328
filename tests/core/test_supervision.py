"""督查督办: the four steps, their order, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.db.models import ChangeLog, SupervisionItem, Urge
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.errors import StepNotAllowed, ValidationError
from duban_desktop.domain.history import history_of

from ..factories import ALL_LOOKS, TODAY, item, snapshot

D = dt.date


def test_register_gives_number_and_history(db):
    first = item()
    second = item(title="第二件")
    assert first.number == "催字〔2026〕1号"
    assert second.number == "催字〔2026〕2号"
    assert first.state == "in_progress"
    assert first.original_deadline == first.deadline == D(2026, 6, 30)
    rows = history_of("item", first.id)
    assert [(r.action, r.new_value) for r in rows] == [("create", "催字〔2026〕1号")]


def test_deadline_as_working_days_skips_holidays(db):
    # 2026-06-19 is 端午节 (Dragon Boat Festival): not a working day.
    made = item(registered_on=D(2026, 6, 15), deadline=None, deadline_workdays=5, now=D(2026, 6, 15))
    assert made.deadline == D(2026, 6, 23)


def test_assisting_units_and_each_units_result(db):
    made = item(assisting=["县财政局", "县自然资源局", "县财政局"])
    assert [u.name for u in sv.assisting_units(made)] == ["县财政局", "县自然资源局"]
    sv.report_result(made.id, unit="县财政局", content="资金已落实。", reported_on=D(2026, 6, 5), now=TODAY)
    assert SupervisionItem.get_by_id(made.id).state == "in_progress"  # an assisting unit's report
    sv.report_result(made.id, content="方案已报送。", reported_on=D(2026, 6, 8), now=TODAY)
    results = {u.name: (role, text) for u, role, text, _ in sv.unit_results(SupervisionItem.get_by_id(made.id))}
    assert results == {"县住房和城乡建设局": ("主办", "方案已报送。"), "县财政局": ("协办", "资金已落实。"),
                       "县自然资源局": ("协办", "")}


def test_lead_unit_cannot_also_assist(db):
    with pytest.raises(ValidationError) as err:
        item(assisting=["县住房和城乡建设局"])
    assert err.value.field == "assisting_units"
    assert "主办单位" in str(err.value)


def test_whole_cycle_with_redo(db):
    made = item()
    sv.urge(made.id, method="phone", content="请加快进度", urged_on=D(2026, 6, 3), reply_days=3, now=TODAY)
    sv.urge(made.id, method="notice", urged_on=D(2026, 6, 5), now=TODAY)
    sv.report_result(made.id, content="初步方案", reported_on=D(2026, 6, 8), now=TODAY)
    looks = dict(ALL_LOOKS, problem_solved=(False, "资金来源未落实"))
    sv.review(made.id, verdict="redo", looks=looks, reviewed_on=D(2026, 6, 9), now=TODAY)
    again = SupervisionItem.get_by_id(made.id)
    assert again.state == "in_progress" and again.result == ""
    sv.urge(made.id, method="in_person", urged_on=D(2026, 6, 10), now=TODAY)
    sv.report_result(made.id, content="资金已落实,方案已定", reported_on=D(2026, 6, 11), now=TODAY)
    sv.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 12), now=TODAY)
    sv.feedback(made.id, kind="instruction_report", result_summary="已落实", fed_back_on=D(2026, 6, 12),
                now=TODAY)
    done = SupervisionItem.get_by_id(made.id)
    assert done.state == "closed"
    assert done.urge_count == 3 and done.last_urged_on == D(2026, 6, 10)
    assert done.completed_on == D(2026, 6, 11) and done.closed_on == D(2026, 6, 12)
    assert done.feedbacks.get().recipient == "王建国县长"  # the leader who gave the instruction
    actions = [r.action for r in history_of("item", made.id)]
    assert actions == ["create", "urge", "urge", "report", "review", "urge", "report", "review",
                       "update", "feedback"]


def test_improve_keeps_result_and_returns_to_unit(db):
    made = item()
    sv.report_result(made.id, content="初稿", reported_on=D(2026, 6, 8), now=TODAY)
    sv.review(made.id, verdict="improve", looks=ALL_LOOKS, comment="请补充附件", reviewed_on=D(2026, 6, 9),
              now=TODAY)
    again = SupervisionItem.get_by_id(made.id)
    assert again.state == "in_progress" and again.result == "初稿"


@pytest.mark.parametrize("step, kwargs, state_words", [
    ("review", dict(verdict="pass", looks=ALL_LOOKS), "承办单位尚未报送办理结果"),
    ("feedback", dict(kind="brief", recipient="县长"), "承办单位尚未报送办理结果"),
    ("approve_item", dict(approved_by="县长"), "办理中"),
    ("reject_item", dict(reason="不属实"), "办理中"),
])
def test_steps_out_of_order_are_refused_with_reason(db, db_path, step, kwargs, state_words):
    made = item()
    before = snapshot(db_path)
    with pytest.raises(StepNotAllowed) as err:
        getattr(sv, step)(made.id, **kwargs)
    assert state_words in str(err.value)
    assert "催字〔2026〕1号" in str(err.value)
    assert snapshot(db_path) == before


def test_urge_after_report_is_refused(db):
    made = item()
    sv.report_result(made.id, content="已完成", reported_on=D(2026, 6, 8), now=TODAY)
    with pytest.raises(StepNotAllowed, match="请先进行情况审理"):
        sv.urge(made.id, method="phone", now=TODAY)


def test_pass_with_a_failing_look_is_refused(db, db_path):
    made = item()
    sv.report_result(made.id, content="已完成", reported_on=D(2026, 6, 8), now=TODAY)
    before = snapshot(db_path)
    with pytest.raises(ValidationError, match="行文是否规范") as err:
        sv.review(made.id, verdict="pass", looks=dict(ALL_LOOKS, writing_proper=(False, "格式不规范")),
                  now=TODAY)
    assert err.value.field == "verdict"
    with pytest.raises(ValidationError, match="请写明问题所在"):
        sv.review(made.id, verdict="redo", looks=dict(ALL_LOOKS, facts_accurate=False), now=TODAY)
    with pytest.raises(ValidationError, match="事实是否准确"):
        sv.review(made.id, verdict="pass", looks={"policy_compliant": True}, now=TODAY)
    assert snapshot(db_path) == before


def test_public_report_waits_for_leader_approval(db):
    pending = item(source="public_report", leader_instruction="", instructing_leader="",
                   instruction_date=None, title="群众反映小区噪声扰民")
    assert pending.state == "pending_approval" and pending.number is None
    with pytest.raises(StepNotAllowed, match="须经领导批准立项"):
        sv.urge(pending.id, method="phone", now=TODAY)
    other = item()
    approved = sv.approve_item(pending.id, approved_by="李明副县长", approved_on=D(2026, 6, 2), now=TODAY)
    assert approved.state == "in_progress"
    assert approved.number == "催字〔2026〕2号" and other.number == "催字〔2026〕1号"
    assert approved.registered_on == D(2026, 6, 2)


def test_rejected_public_report_never_gets_a_number(db):
    pending = item(source="public_report", leader_instruction="", instructing_leader="",
                   instruction_date=None)
    rejected = sv.reject_item(pending.id, reason="已通过司法途径处理")
    assert rejected.state == "rejected" and rejected.number is None
    with pytest.raises(ValidationError, match="不予立项理由"):
        sv.reject_item(item(source="public_report", leader_instruction="", instructing_leader="",
                            instruction_date=None).id, reason="  ")


def test_extension_keeps_original_deadline(db):
    made = item()
    with pytest.raises(ValidationError, match="应晚于现在的完成时限"):
        sv.extend(made.id, new_deadline=D(2026, 6, 20), reason="资金未到位", approved_by="李明副县长",
                  now=TODAY)
    sv.extend(made.id, new_deadline=D(2026, 7, 15), reason="资金未到位", approved_by="李明副县长",
              now=TODAY)
    again = SupervisionItem.get_by_id(made.id)
    assert (again.deadline, again.original_deadline) == (D(2026, 7, 15), D(2026, 6, 30))
    ext = again.extensions.get()
    assert (ext.old_deadline, ext.new_deadline, ext.approved_by) == (D(2026, 6, 30), D(2026, 7, 15), "李明副县长")
    for missing in ("reason", "approved_by"):
        kwargs = dict(new_deadline=D(2026, 8, 1), reason="理由", approved_by="县长")
        kwargs[missing] = ""
        with pytest.raises(ValidationError) as err:
            sv.extend(made.id, now=TODAY, **kwargs)
        assert err.value.field == missing


def test_urge_with_reply_limit_and_new_time_limit(db):
    made = item()
    record = sv.urge(made.id, method="notice", urged_on=D(2026, 6, 15), reply_days=5,
                     new_deadline=D(2026, 7, 10), now=TODAY)
    assert record.reply_by == D(2026, 6, 23)  # 5 working days, 端午 on 6-19 skipped
    again = SupervisionItem.get_by_id(made.id)
    assert again.deadline == D(2026, 7, 10) and again.original_deadline == D(2026, 6, 30)


def test_void_needs_reason_and_keeps_number(db):
    made = item()
    with pytest.raises(ValidationError, match="撤销理由"):
        sv.void(made.id, reason="", now=TODAY)
    voided = sv.void(made.id, reason="上级已调整部署", now=TODAY)
    assert voided.state == "voided" and voided.number == "催字〔2026〕1号"
    assert item().number == "催字〔2026〕2号"
    with pytest.raises(StepNotAllowed, match="已撤销"):
        sv.void(made.id, reason="again", now=TODAY)


def test_validation_names_the_field_and_writes_nothing(db, db_path):
    item()
    before = snapshot(db_path)
    cases = [
        (dict(title="  "), "title", "催办项目"),
        (dict(title="x" * 201), "title", "最多 200 个字"),
        (dict(responsible_person=""), "responsible_person", "具体负责人"),
        (dict(source="whatever"), "source", "立项依据"),
        (dict(deadline="2026-02-30"), "deadline", "不是有效日期"),
        (dict(deadline=D(2026, 5, 1)), "deadline", "不能早于“登记日期”"),
        (dict(registered_on=D(2026, 7, 1)), "registered_on", "不能晚于今天"),
        (dict(leader_instruction=""), "leader_instruction", "领导批示"),
        (dict(instructing_leader=""), "instructing_leader", "批示领导"),
        (dict(deadline=None, deadline_workdays="abc"), "deadline", "整数"),
        (dict(lead_unit=""), "lead_unit", "主办单位"),
    ]
    for overrides, field, words in cases:
        with pytest.raises(ValidationError) as err:
            item(**overrides)
        assert err.value.field == field, overrides
        assert words in str(err.value), (overrides, str(err.value))
    assert snapshot(db_path) == before


def test_control_characters_are_removed(db):
    made = item(title="城区\x00改造\x1b提升\u0007", content="第一行\r\n第二行\x0c")
    assert made.title == "城区改造提升"
    assert made.content == "第一行\n第二行"


def test_update_item_records_old_and_new(db):
    made = item()
    sv.update_item(made.id, title="新标题", assisting=["县财政局"], lead_unit="县自然资源局")
    rows = {r.field: (r.old_value, r.new_value) for r in history_of("item", made.id) if r.action == "update"}
    assert rows["title"] == ("落实县长关于城区背街小巷改造的批示", "新标题")
    assert rows["lead_unit"] == ("县住房和城乡建设局", "县自然资源局")
    assert rows["assisting"] == ("", "县财政局")


def test_deadline_moves_only_by_extension_after_urging(db):
    made = item()
    sv.update_item(made.id, deadline=D(2026, 7, 1))  # a correction before anyone was urged
    assert SupervisionItem.get_by_id(made.id).original_deadline == D(2026, 7, 1)
    sv.urge(made.id, method="phone", now=TODAY)
    with pytest.raises(ValidationError, match="请使用“延期”"):
        sv.update_item(made.id, deadline=D(2026, 7, 20))


def test_closed_item_cannot_be_edited(db):
    from ..factories import closed_item

    done = closed_item()
    with pytest.raises(StepNotAllowed, match="已办结"):
        sv.update_item(done.id, title="改")
    assert sv.allowed_steps(done) == []


def test_allowed_steps_follow_state(db):
    made = item()
    assert sv.allowed_steps(made) == ["urge", "extend", "report", "void", "edit"]
    sv.report_result(made.id, content="完成", reported_on=D(2026, 6, 8), now=TODAY)
    assert sv.allowed_steps(SupervisionItem.get_by_id(made.id)) == ["review", "void", "edit"]


def test_instruction_report_needs_result_summary(db):
    made = item()
    sv.report_result(made.id, content="完成", reported_on=D(2026, 6, 8), now=TODAY)
    sv.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 9), now=TODAY)
    with pytest.raises(ValidationError) as err:
        sv.feedback(made.id, kind="instruction_report", now=TODAY)
    assert err.value.field == "result_summary"
    assert SupervisionItem.get_by_id(made.id).state == "passed"
    assert not ChangeLog.select().where(ChangeLog.action == "feedback").exists()


def test_find_by_number_message(db):
    from duban_desktop.domain.errors import NotFound

    with pytest.raises(NotFound, match="催字〔2026〕99号"):
        sv.find_by_number("催字〔2026〕99号")


def test_urge_count_matches_records(db):
    made = item()
    for day in (3, 4, 5):
        sv.urge(made.id, method="phone", urged_on=D(2026, 6, day), now=TODAY)
    assert SupervisionItem.get_by_id(made.id).urge_count == Urge.select().where(Urge.item == made.id).count() == 3


def test_urge_many_is_all_or_nothing(db, db_path):
    a, b = item(), item(title="第二件")
    sv.report_result(b.id, content="完成", reported_on=D(2026, 6, 8), now=TODAY)
    before = snapshot(db_path)
    with pytest.raises(StepNotAllowed, match="催字〔2026〕2号"):
        sv.urge_many([a.id, b.id], method="phone", now=TODAY)
    assert snapshot(db_path) == before
    c = item(title="第三件")
    made = sv.urge_many([a.id, c.id], method="phone", reply_days=3, now=TODAY)
    assert [u.item_id for u in made] == [a.id, c.id]
