"""协调: the five steps, decisions becoming supervision items, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.db.models import CaseTask, CoordinationCase, SupervisionItem
from duban_desktop.domain import coordination as co
from duban_desktop.domain.errors import StepNotAllowed, ValidationError
from duban_desktop.domain.history import history_of

from ..factories import MODES, TODAY, case, case_in_consultation, snapshot

D = dt.date
TASKS = [
    {"unit": "县自然资源局", "task": "完成停车场用地预审", "deadline": D(2026, 6, 30), "responsible_person": "褚红梅"},
    {"unit": "县住房和城乡建设局", "task": "编制停车场建设方案", "deadline": D(2026, 7, 15), "responsible_person": "蒋建华"},
]


def test_intake_numbers_its_own_series(db):
    from ..factories import item

    first = case()
    item()
    second = case()
    assert (first.number, second.number) == ("协字〔2026〕1号", "协字〔2026〕2号")
    assert [u.name for u in co.parties(first)] == ["县自然资源局", "县住房和城乡建设局"]
    assert first.state == "intake"


def test_full_cycle_creates_linked_items_in_one_step(db):
    made = case_in_consultation()
    co.resolve(made.id, decision="由自然资源局先行预审,住建局编制方案。", record_kind="minutes",
               tasks=TASKS, signatories="县自然资源局、县住房和城乡建设局", resolved_on=D(2026, 5, 20),
               create_items=True, now=TODAY)
    done = CoordinationCase.get_by_id(made.id)
    assert done.state == "closed"
    tasks = co.tasks_of(done)
    items = [co.item_of_task(t) for t in tasks]
    assert [i.number for i in items] == ["催字〔2026〕1号", "催字〔2026〕2号"]
    assert items[0].case_task.case.id == made.id  # item -> case
    assert items[1].lead_unit.name == "县住房和城乡建设局" and items[1].deadline == D(2026, 7, 15)
    assert items[0].source == "meeting_decision" and items[0].registered_on == D(2026, 5, 20)
    with pytest.raises(StepNotAllowed, match="不能重复生成"):
        co.create_item_from_task(tasks[0].id, now=TODAY)
    actions = [r.action for r in history_of("case", made.id)]
    assert actions == ["create", "screen", "verify", "consult", "resolve", "link", "link"]


def test_create_item_later_from_one_task(db):
    made = case_in_consultation()
    co.resolve(made.id, decision="决定", record_kind="agreement", tasks=TASKS[:1], resolved_on=D(2026, 5, 20),
               now=TODAY)
    task = CaseTask.get()
    assert co.item_of_task(task) is None
    created = co.create_item_from_task(task.id, now=TODAY)
    assert created.case_task_id == task.id


def test_decline_needs_reason_escalate_needs_target(db, db_path):
    made = case()
    before = snapshot(db_path)
    with pytest.raises(ValidationError) as err:
        co.screen(made.id, decision="decline", now=TODAY)
    assert err.value.field == "reason"
    with pytest.raises(ValidationError) as err:
        co.screen(made.id, decision="escalate", reason="超出权限", now=TODAY)
    assert err.value.field == "escalated_to"
    assert snapshot(db_path) == before
    declined = co.screen(made.id, decision="decline", reason="属部门职责,按分级协调原则自行解决", now=TODAY)
    assert declined.state == "declined"
    with pytest.raises(StepNotAllowed, match="不予受理"):
        co.verify(made.id, plan="方案", methods=["meeting"], now=TODAY)


def test_escalate(db):
    made = case()
    up = co.screen(made.id, decision="escalate", reason="涉及市级权限", escalated_to="市政府办公室", now=TODAY)
    assert (up.state, up.escalated_to) == ("escalated", "市政府办公室")


def test_hard_means_need_recorded_approval_first(db):
    made = case()
    co.screen(made.id, decision="accept", screened_on=D(2026, 5, 5), now=TODAY)
    with pytest.raises(ValidationError, match="须经请示领导同意") as err:
        co.verify(made.id, plan="方案", means="hard", methods=["meeting"], now=TODAY)
    assert err.value.field == "means"
    co.approve_hard_means(made.id, approved_by="王建国县长", note="同意采取行政措施", now=TODAY)
    verified = co.verify(made.id, plan="方案", means="hard", methods=["meeting", "on_site"], now=TODAY)
    assert verified.means == "hard" and verified.methods == "meeting,on_site"


def test_switch_to_hard_during_consultation_needs_approval(db):
    made = case_in_consultation()
    with pytest.raises(ValidationError, match="须经请示领导同意"):
        co.change_means(made.id, means="hard")
    co.approve_hard_means(made.id, approved_by="县长", now=TODAY)
    assert co.change_means(made.id, means="hard").means == "hard"


def test_resolve_needs_a_consultation(db):
    made = case()
    co.screen(made.id, decision="accept", screened_on=D(2026, 5, 5), now=TODAY)
    co.verify(made.id, plan="方案", methods=["documents"], verified_on=D(2026, 5, 6), now=TODAY)
    with pytest.raises(StepNotAllowed, match="还没有协商记录"):
        co.resolve(made.id, decision="决定", record_kind="minutes", now=TODAY)


def test_steps_in_wrong_state(db):
    made = case()
    with pytest.raises(StepNotAllowed, match="尚未审理是否受理"):
        co.consult(made.id, held_on=D(2026, 5, 6), modes=MODES, outcome="x", now=TODAY)
    with pytest.raises(StepNotAllowed, match="尚未审理是否受理"):
        co.resolve(made.id, decision="决定", record_kind="minutes", now=TODAY)


def test_consultation_modes_must_be_pairs(db):
    made = case_in_consultation()
    with pytest.raises(ValidationError, match="个别协商或集体协商"):
        co.consult(made.id, held_on=D(2026, 5, 13), modes={}, outcome="x", now=TODAY)
    with pytest.raises(ValidationError, match="协商方式"):
        co.consult(made.id, held_on=D(2026, 5, 13), modes=dict(MODES, scope_mode="formal"), outcome="x",
                   now=TODAY)
    session = co.consult(made.id, held_on=D(2026, 5, 13), modes=dict(MODES, channel_mode="间接协商"),
                         outcome="同意", now=TODAY)
    assert session.channel_mode == "indirect"
    assert made.sessions.count() == 2


def test_relation_kind_needs_subkind(db):
    with pytest.raises(ValidationError) as err:
        case(kind="relations")
    assert err.value.field == "relation_subkind"
    assert case(kind="relations", relation_subkind="lateral").relation_subkind == "lateral"
    with pytest.raises(ValidationError):
        case(kind="plan", relation_subkind="lateral")


def test_task_validation_before_anything_written(db, db_path):
    made = case_in_consultation()
    before = snapshot(db_path)
    bad = [dict(TASKS[0]), dict(TASKS[1], deadline=D(2026, 5, 1))]
    with pytest.raises(ValidationError, match="第 2 项决定事项的完成时限"):
        co.resolve(made.id, decision="决定", record_kind="minutes", tasks=bad, resolved_on=D(2026, 5, 20),
                   now=TODAY)
    with pytest.raises(ValidationError, match="负责人"):
        co.resolve(made.id, decision="决定", record_kind="minutes", resolved_on=D(2026, 5, 20),
                   tasks=[dict(TASKS[0], responsible_person="")], create_items=True, now=TODAY)
    assert snapshot(db_path) == before
    assert not SupervisionItem.select().exists()


def test_archive_and_void(db):
    made = case_in_consultation()
    co.resolve(made.id, decision="决定", record_kind="minutes", resolved_on=D(2026, 5, 20), now=TODAY)
    archived = co.archive(made.id, archived_on=D(2026, 5, 25), now=TODAY)
    assert archived.archived_on == D(2026, 5, 25)
    with pytest.raises(StepNotAllowed, match="已于2026年5月25日归档"):
        co.archive(made.id, now=TODAY)
    other = case()
    assert co.void(other.id, reason="委托方撤回", now=TODAY).state == "voided"
    with pytest.raises(StepNotAllowed):
        co.screen(other.id, decision="accept", now=TODAY)
