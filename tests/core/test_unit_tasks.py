"""单位任务: every handling unit of an item has its own task, written by every writer and
kept by the steps; a database of schema 6 is upgraded to them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import ResultReport, Review, SupervisionItem, Unit, UnitTask, Urge
from duban_desktop.domain import alerts, settings, state, unit_steps, unit_tasks
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.errors import StepNotAllowed, ValidationError
from duban_desktop.domain.history import history_of
from duban_desktop.domain.ledger import ItemFilter, item_ids

from ..factories import ALL_LOOKS, TODAY, item

D = dt.date
DATA = Path(__file__).resolve().parents[1] / "data"


def _tasks(item_id: int) -> list[tuple]:
    return [(t.unit.name, t.role, t.deadline, t.state, t.reported_on, Urge.select().where(Urge.unit_task == t.id).count())
            for t in unit_tasks.tasks(SupervisionItem.get_by_id(item_id))]


def test_registration_gives_each_unit_a_task_waiting_to_be_signed_for(db):
    made = item(assisting=["县财政局", "县自然资源局"])
    rows = unit_tasks.tasks(made)
    assert [(t.unit.name, t.role, t.position) for t in rows] == [
        ("县住房和城乡建设局", "lead", 0), ("县财政局", "assist", 1), ("县自然资源局", "assist", 2)]
    assert all(t.deadline == made.deadline and t.state == "open" and t.signed_on is None for t in rows)
    assert rows[0].responsible_person == made.responsible_person


def test_the_steps_keep_each_units_task(db):
    made = item(assisting=["县财政局"])
    sv.urge(made.id, method="phone", urged_on=D(2026, 6, 3), now=TODAY)
    sv.extend(made.id, new_deadline=D(2026, 7, 15), reason="需征求意见。", approved_by="李明副县长",
              requested_on=D(2026, 6, 4), now=TODAY)
    # the deadline moved for both (the helper had the item's deadline)
    assert _tasks(made.id) == [("县住房和城乡建设局", "lead", D(2026, 7, 15), "open", None, 1),
                               ("县财政局", "assist", D(2026, 7, 15), "open", None, 0)]
    sv.report_result(made.id, unit="县财政局", content="资金已落实。", reported_on=D(2026, 6, 5), now=TODAY)
    sv.report_result(made.id, content="方案已报送。", reported_on=D(2026, 6, 8), now=TODAY)
    assert [t[3:5] for t in _tasks(made.id)] == [("reported", D(2026, 6, 8)), ("done", D(2026, 6, 5))]
    sv.review(made.id, verdict="redo", looks=dict(ALL_LOOKS, problem_solved=(False, "未落实。")),
              reviewed_on=D(2026, 6, 9), now=TODAY)
    assert _tasks(made.id)[0][3:5] == ("open", None)  # back to the lead unit, its result gone
    sv.report_result(made.id, content="已落实。", reported_on=D(2026, 6, 10), now=TODAY)
    sv.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 11), now=TODAY)
    assert [t[3] for t in _tasks(made.id)] == ["done", "done"]
    lead = UnitTask.get((UnitTask.item == made.id) & (UnitTask.role == "lead"))
    helper = UnitTask.get((UnitTask.item == made.id) & (UnitTask.role == "assist"))
    assert {u.unit_task_id for u in Urge.select().where(Urge.item == made.id)} == {lead.id}
    assert {r.unit_task_id for r in Review.select().where(Review.item == made.id)} == {lead.id}
    assert [(r.unit.name, r.unit_task_id) for r in ResultReport.select().where(ResultReport.item == made.id)
            .order_by(ResultReport.id)] == [("县财政局", helper.id), ("县住房和城乡建设局", lead.id),
                                            ("县住房和城乡建设局", lead.id)]


def test_correcting_the_units(db):
    made = item(assisting=["县财政局", "县自然资源局"])
    sv.report_result(made.id, unit="县财政局", content="资金已落实。", reported_on=D(2026, 6, 5), now=TODAY)
    before = _tasks(made.id)
    with pytest.raises(ValidationError) as err:
        sv.update_item(made.id, assisting=["县自然资源局"])
    assert err.value.field == "assisting_units" and "县财政局" in str(err.value)
    assert _tasks(made.id) == before  # nothing stored
    sv.update_item(made.id, assisting=["县财政局", "县水利局"])
    assert [t[:2] for t in _tasks(made.id)] == [("县住房和城乡建设局", "lead"), ("县财政局", "assist"),
                                               ("县水利局", "assist")]
    sv.update_item(made.id, lead_unit="县水利局", assisting=["县财政局", "县住房和城乡建设局"])
    assert [t[:2] for t in _tasks(made.id)] == [("县水利局", "lead"), ("县财政局", "assist"),
                                               ("县住房和城乡建设局", "assist")]
    assert SupervisionItem.get_by_id(made.id).lead_unit.name == "县水利局"
    # the unit filter finds an item wherever the unit has a task
    water = Unit.get(Unit.name == "县水利局")
    housing = Unit.get(Unit.name == "县住房和城乡建设局")
    assert item_ids(ItemFilter(unit=water.id)) == [made.id] == item_ids(ItemFilter(unit=housing.id))
    assert item_ids(ItemFilter(text="县住房和城乡建设局")) == [made.id]  # the search line too


def test_a_correction_of_the_deadline_moves_the_units_that_had_it(db):
    made = item(assisting=["县财政局"])
    sv.update_item(made.id, deadline=D(2026, 7, 31))
    assert [t[2] for t in _tasks(made.id)] == [D(2026, 7, 31), D(2026, 7, 31)]


def test_a_schema_6_database_gets_a_task_for_every_handling_unit(tmp_path, data_dir):
    path = tmp_path / "v6.sqlite"
    shutil.copy(DATA / "schema-v6.sqlite", path)
    import sqlite3

    old = sqlite3.connect(path)
    items = old.execute("SELECT id, lead_unit_id, state, deadline, urge_count, issued_on FROM supervision_item").fetchall()
    helpers = old.execute("SELECT item_id, unit_id FROM assisting_unit ORDER BY item_id, position").fetchall()
    reports = old.execute("SELECT item_id, unit_id, max(reported_on) FROM result_report GROUP BY item_id, unit_id") \
        .fetchall()
    old.close()
    open_database(path)
    try:
        assert UnitTask.select().count() == len(items) + len(helpers)
        latest = {(i, u): day for i, u, day in reports}
        for item_id, lead_id, state, deadline, urges, issued in items:
            lead = UnitTask.get((UnitTask.item == item_id) & (UnitTask.role == "lead"))
            lead_urges = Urge.select().where(Urge.unit_task == lead.id).count()
            assert (lead.unit_id, lead.deadline.isoformat(), lead_urges) == (lead_id, deadline, urges)
            expected = {"awaiting_review": "reported", "passed": "done", "closed": "done"}.get(state, "open")
            assert lead.state == expected
            signed = None if state in ("pending_approval", "rejected") else issued
            assert (lead.signed_on.isoformat() if lead.signed_on else None) == signed
        for item_id, unit_id in helpers:
            task = UnitTask.get((UnitTask.item == item_id) & (UnitTask.unit == unit_id))
            assert task.role == "assist"
            assert (task.reported_on.isoformat() if task.reported_on else None) == latest.get((item_id, unit_id))
        assert not ResultReport.select().where(ResultReport.unit_task.is_null()).exists()
        assert not Urge.select().where(Urge.unit_task.is_null()).exists()
        # a closed item has no open task
        closed = SupervisionItem.select(SupervisionItem.id).where(SupervisionItem.state == "closed")
        assert not UnitTask.select().where(UnitTask.item.in_(closed) & (UnitTask.state == "open")).exists()
        # the search still finds an item by a helping unit's name
        item_id, unit_id = helpers[0]
        name = Unit.get_by_id(unit_id).name
        assert item_id in item_ids(ItemFilter(text=name))
    finally:
        close_database()


def test_signing_for_a_task_and_the_alert_of_a_unit_that_has_not(db):
    # issued on Monday 2026-06-01; the office allows two working days to sign
    made = item(assisting=["县财政局", "县自然资源局"], registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
    assert settings.get("sign_wait_days") == 2

    def unsigned(today):
        return [(a.id, a.lead_unit, a.days, a.since) for a in alerts.compute_alerts(today, levels=("unsigned",))]

    assert unsigned(D(2026, 6, 3)) == []  # two working days: not yet
    assert unsigned(D(2026, 6, 4)) == [(made.id, "县住房和城乡建设局", 3, D(2026, 6, 1)),
                                       (made.id, "县财政局", 3, D(2026, 6, 1)),
                                       (made.id, "县自然资源局", 3, D(2026, 6, 1))]
    unit_steps.sign(made.id, units=["县住房和城乡建设局", "县财政局"], signed_on=D(2026, 6, 2), now=D(2026, 6, 4))
    assert unsigned(D(2026, 6, 4)) == [(made.id, "县自然资源局", 3, D(2026, 6, 1))]
    alert = alerts.compute_alerts(D(2026, 6, 4), levels=("unsigned",))[0]
    assert alert.as_json()["unit"] == "县自然资源局" and alert.as_json()["level"] == "unsigned"
    assert alerts.describe(alert) == "2026年6月1日交办，已 3 个工作日未签收"
    rows = [(r.action, r.field, r.new_value, r.note) for r in history_of("item", made.id) if r.action == "sign"]
    assert rows == [("sign", "signed_on", "2026-06-02", "县住房和城乡建设局"),
                    ("sign", "signed_on", "2026-06-02", "县财政局")]
    assert SupervisionItem.get_by_id(made.id).version == 2  # other desks see the change
    # refusals name what is wrong and store nothing
    from duban_desktop.domain.units import create_unit

    create_unit("县水利局")
    for units, words in ((["县财政局"], "已于2026年6月2日签收"), (["县水利局"], "不是该事项的承办单位"),
                         (["县林业局"], "没有名为“县林业局”的单位"), ([], "请勾选")):
        with pytest.raises(ValidationError) as err:
            unit_steps.sign(made.id, units=units, now=D(2026, 6, 4))
        assert words in str(err.value) and err.value.field == "units"
    with pytest.raises(ValidationError) as err:
        unit_steps.sign(made.id, signed_on=D(2026, 5, 29), now=D(2026, 6, 4))
    assert err.value.field == "signed_on"
    unit_steps.sign(made.id, now=D(2026, 6, 4))  # the rest
    assert unsigned(D(2026, 6, 10)) == [] and not unit_steps.can_sign(SupervisionItem.get_by_id(made.id))
    assert [t.signed_on for t in unit_tasks.tasks(made)] == [D(2026, 6, 2), D(2026, 6, 2), D(2026, 6, 4)]


def test_a_closed_or_reported_task_is_not_waiting_to_be_signed_for(db):
    made = item(assisting=["县财政局"], registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
    sv.report_result(made.id, unit="县财政局", content="已落实。", reported_on=D(2026, 6, 2), now=D(2026, 6, 2))
    assert [a.lead_unit for a in alerts.compute_alerts(D(2026, 6, 10), levels=("unsigned",))] == ["县住房和城乡建设局"]
    sv.void(made.id, reason="重复登记。", now=D(2026, 6, 10))
    assert alerts.compute_alerts(D(2026, 6, 10), levels=("unsigned",)) == []
    with pytest.raises(StepNotAllowed):
        unit_steps.sign(made.id, now=D(2026, 6, 10))


def test_registration_with_each_units_role_part_and_deadline(db):
    made = item(units=[{"unit": "县财政局", "part": "落实改造资金。", "deadline": D(2026, 6, 20),
                        "responsible_person": "吴晓燕", "phone": "0571-88002222"},
                       {"unit": "县交通运输局", "role": "cooperate", "deadline_workdays": 3}],
                registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
    rows = unit_tasks.tasks(made)
    assert [(t.unit.name, t.role, t.part, t.deadline, t.responsible_person, t.phone) for t in rows] == [
        ("县住房和城乡建设局", "lead", "", D(2026, 6, 30), "蒋建华", ""),
        ("县财政局", "assist", "落实改造资金。", D(2026, 6, 20), "吴晓燕", "0571-88002222"),
        ("县交通运输局", "cooperate", "", D(2026, 6, 4), "", "")]  # three working days
    stored = SupervisionItem.get_by_id(made.id)
    assert (stored.due_on, stored.unit_count, stored.units_done) == (D(2026, 6, 4), 3, 0)
    # the earliest unit's deadline passed: the item is overdue, and 逾期提醒 names that unit alone
    rules = state.rules(D(2026, 6, 8))
    assert state.item_state(rules, stored.state, stored.deadline, None, None, stored.due_on,
                            stored.late_units) == state.OVERDUE
    assert [(a.level, a.lead_unit, a.deadline) for a in alerts.compute_alerts(D(2026, 6, 8), levels=("overdue",))] \
        == [("overdue", "县交通运输局", D(2026, 6, 4))]
    # it reports late: its lateness stays on the item (red) until the item is closed, late
    sv.report_result(made.id, unit="县交通运输局", content="已配合。", reported_on=D(2026, 6, 8), now=D(2026, 6, 8))
    stored = SupervisionItem.get_by_id(made.id)
    assert (stored.due_on, stored.late_units, stored.units_done) == (D(2026, 6, 20), 1, 1)
    late = alerts.compute_alerts(D(2026, 6, 9), levels=("overdue",))
    assert [(a.lead_unit, a.since, a.days) for a in late] == [("县交通运输局", D(2026, 6, 8), 2)]
    assert alerts.describe(late[0]) == "2026年6月8日报送结果，逾期 2 个工作日"


def test_a_registration_refuses_a_unit_twice_and_a_deadline_before_it(db):
    cases = (([{"unit": "县财政局"}, {"unit": "县财政局"}], "第 2 个协办（配合）单位“县财政局”已列为协办单位"),
             ([{"unit": "县住房和城乡建设局"}], "已列为主办单位"),
             ([{"unit": "县财政局", "deadline": D(2026, 5, 20)}], "完成时限早于登记日期"),
             ([{"unit": "县财政局", "role": "lead"}], "角色应为“协办”或“配合”"))
    for rows, words in cases:
        with pytest.raises(ValidationError) as err:
            item(units=rows)
        assert words in str(err.value) and err.value.field == "units", str(err.value)
    assert SupervisionItem.select().count() == 0 and UnitTask.select().count() == 0


def test_urging_chosen_units_gives_each_its_own_urge(db):
    made = item(assisting=["县财政局", "县自然资源局"])
    sv.urge(made.id, method="phone", units=["县财政局", "县自然资源局"], urged_on=D(2026, 6, 3), now=TODAY)
    assert [t[5] for t in _tasks(made.id)] == [0, 1, 1]
    assert SupervisionItem.get_by_id(made.id).urge_count == 2
    sv.report_result(made.id, unit="县财政局", content="已落实。", reported_on=D(2026, 6, 4), now=TODAY)
    with pytest.raises(ValidationError) as err:
        sv.urge(made.id, method="phone", units=["县财政局"], now=TODAY)
    assert "已报送办理结果，不需要再催办" in str(err.value)
    assert SupervisionItem.get_by_id(made.id).urge_count == 2  # nothing stored


def test_each_units_tasks_counted_by_role_and_own_deadline(db):
    from duban_desktop.domain import statistics

    # 县财政局 leads one item (closed on time) and helps on another, where it reported late
    led = item(lead_unit="县财政局", deadline=D(2026, 6, 30))
    sv.report_result(led.id, content="已完成。", reported_on=D(2026, 6, 10), now=TODAY)
    sv.review(led.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 11), now=TODAY)
    sv.feedback(led.id, kind="brief", recipient="县政府", fed_back_on=D(2026, 6, 12), now=TODAY)
    helped = item(units=[{"unit": "县财政局", "deadline": D(2026, 6, 5)}])
    sv.report_result(helped.id, unit="县财政局", content="资金已拨付。", reported_on=D(2026, 6, 9), now=TODAY)
    rows, total = statistics.unit_role_statistics(today=TODAY)
    got = {r.label: (r.assigned, r.closed, r.closed_on_time, r.open, r.overdue) for r in rows}
    assert got == {"县财政局（主办）": (1, 1, 1, 0, 0), "县财政局（协办）": (1, 0, 0, 1, 1),
                   "县住房和城乡建设局（主办）": (1, 0, 0, 1, 0)}
    assert (total.assigned, total.overdue) == (3, 1)
    # the item-level table counts the lead units alone, and the lateness of the helping unit
    # makes the second item overdue there too (its lead unit's row)
    by_unit = {r.label: r.overdue for r in statistics.statistics("unit", today=TODAY)[0]}
    assert by_unit == {"县财政局": 0, "县住房和城乡建设局": 1}


def test_the_ledger_has_a_row_for_each_units_task(db, tmp_path):
    from openpyxl import load_workbook

    from duban_desktop.io.ledger_export import export_ledger
    from duban_desktop.io.ledger_units import UNITS_SHEET

    made = item(units=[{"unit": "县财政局", "deadline": D(2026, 6, 5), "part": "落实资金。"},
                       {"unit": "县交通运输局", "role": "cooperate"}])
    sv.report_result(made.id, unit="县交通运输局", content="已配合。", reported_on=D(2026, 6, 3), now=TODAY)
    ws = load_workbook(export_ledger(tmp_path / "台账.xlsx", today=TODAY).path)[UNITS_SHEET]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(r[3], r[4], r[5] or "", r[10], r[11]) for r in rows] == [
        ("县住房和城乡建设局", "主办", "", None, "办理中"),
        ("县财政局", "协办", "落实资金。", 6, "已逾期"),  # its own deadline, 6-5, passed
        ("县交通运输局", "配合", "", None, "已报送")]


def test_a_notice_to_each_unit_at_work_with_its_own_part_and_deadline(db, tmp_path):
    from docx import Document

    from duban_desktop.io import forms

    made = item(units=[{"unit": "县财政局", "part": "落实改造资金", "deadline": D(2026, 6, 10)},
                       {"unit": "县交通运输局", "role": "cooperate"}])
    sv.report_result(made.id, unit="县交通运输局", content="已配合。", reported_on=D(2026, 6, 3), now=TODAY)
    dest = forms.export_form("notice", made.id, tmp_path / "n.docx", today=TODAY)
    doc = Document(str(dest))
    assert len(doc.sections) == 2  # the two units still at work; 县交通运输局 has reported
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "县住房和城乡建设局:" in text and "一事由你单位主办" in text
    assert "县财政局:" in text and "一事由你单位协办" in text and "县交通运输局:" not in text
    assert "你单位的任务：落实改造资金。你单位完成时限为2026年6月10日，已逾期3个工作日。" in text
    assert "协办单位负责人" in text and "主办单位负责人" in text


def test_a_helping_unit_given_more_time_alone(db):
    made = item(units=[{"unit": "县财政局", "deadline": D(2026, 6, 10)}], assisting=None)
    sv.extend(made.id, unit="县财政局", new_deadline=D(2026, 6, 20), reason="资金审批需要时间。",
              approved_by="李明副县长", requested_on=D(2026, 6, 8), now=TODAY)
    assert [t[2] for t in _tasks(made.id)] == [D(2026, 6, 30), D(2026, 6, 20)]  # the item's stays
    stored = SupervisionItem.get_by_id(made.id)
    assert (stored.deadline, stored.due_on) == (D(2026, 6, 30), D(2026, 6, 20))
    rows = [(r.field, r.old_value, r.new_value) for r in history_of("item", made.id) if r.action == "extend"]
    assert rows == [("unit_deadline", "2026-06-10", "2026-06-20")]
    with pytest.raises(ValidationError) as err:
        sv.extend(made.id, unit="县财政局", new_deadline=D(2026, 6, 15), reason="再延", approved_by="李明",
                  now=TODAY)
    assert "应晚于现在的完成时限（2026年6月20日）" in str(err.value)


def test_the_sample_data_can_have_more_units_an_item(tmp_path, data_dir):
    from duban_desktop.domain import consistency, demo

    open_database(tmp_path / "u.sqlite")
    try:
        demo.generate(items=200, cases=5, seed=4, now=TODAY, units_per_item=4)
        per_item = UnitTask.select().count() / SupervisionItem.select().count()
        assert 3.5 < per_item <= 4.2, per_item
        assert consistency.problems() == []
    finally:
        close_database()


def test_a_unit_splits_its_task_once_more(db):
    made = item(units=[{"unit": "县财政局", "deadline": D(2026, 6, 20)},
                       {"unit": "城关镇", "role": "cooperate", "part": "摸清城关片区底数。", "parent": "县财政局"},
                       {"unit": "县水利局", "parent": "县住房和城乡建设局", "deadline": D(2026, 6, 25)}],
                registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
    rows = {t.unit.name: t for t in unit_tasks.tasks(made)}
    assert rows["城关镇"].parent_id == rows["县财政局"].id and rows["城关镇"].deadline == D(2026, 6, 20)
    assert rows["县水利局"].parent_id == rows["县住房和城乡建设局"].id
    assert [t.unit.name for t in unit_tasks.tasks(made)] == ["县住房和城乡建设局", "县财政局", "城关镇", "县水利局"]
    assert SupervisionItem.get_by_id(made.id).unit_count == 4
    assert unit_tasks.describe(rows["城关镇"])["parent"] == "县财政局"
    cases = (([{"unit": "县财政局", "deadline": D(2026, 6, 20)},
               {"unit": "城关镇", "parent": "县财政局", "deadline": D(2026, 6, 22)}],
              "第 2 个协办（配合）单位“城关镇”的完成时限晚于所属的“县财政局”的完成时限（2026年6月20日）"),
             ([{"unit": "城关镇", "parent": "县交通运输局"}], "所属的“县交通运输局”不是该事项的承办单位"),
             ([{"unit": "县财政局", "parent": "县水利局"}, {"unit": "县水利局", "parent": "县住房和城乡建设局"},
               ], "只能再分解一级"))
    count = UnitTask.select().count()
    for rows_, words in cases:
        with pytest.raises(ValidationError) as err:
            item(units=rows_, registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
        assert words in str(err.value) and err.value.field == "units", str(err.value)
    assert UnitTask.select().count() == count


def test_correcting_the_units_as_rows(db):
    made = item(units=[{"unit": "县财政局", "part": "落实资金。"}, {"unit": "县水利局"}],
                registered_on=D(2026, 6, 1), now=D(2026, 6, 1))
    sv.urge(made.id, method="phone", units=["县水利局"], urged_on=D(2026, 6, 3), now=TODAY)
    rows = unit_tasks.rows_of(SupervisionItem.get_by_id(made.id))
    assert rows[0] == {"unit": "县财政局", "role": "assist", "part": "落实资金。", "deadline": None,
                       "responsible_person": "", "phone": "", "parent": ""}
    rows[0].update(role="cooperate", part="落实改造资金。", deadline=D(2026, 6, 19), responsible_person="吴晓燕")
    rows.append({"unit": "城关镇", "parent": "县财政局"})
    sv.update_item(made.id, units=rows)
    got = {t.unit.name: t for t in unit_tasks.tasks(SupervisionItem.get_by_id(made.id))}
    assert (got["县财政局"].role, got["县财政局"].part, got["县财政局"].deadline,
            got["县财政局"].responsible_person) == ("cooperate", "落实改造资金。", D(2026, 6, 19), "吴晓燕")
    assert got["城关镇"].parent_id == got["县财政局"].id and got["城关镇"].deadline == D(2026, 6, 19)
    changed = [h for h in history_of("item", made.id) if h.field == "assisting"][-1]
    assert changed.new_value == "县财政局（配合，2026年6月19日前）、县水利局、城关镇（属县财政局，2026年6月19日前）"
    before = _tasks(made.id)
    # the urged unit: its deadline moves by 延期 only, and it cannot be taken off
    moved = [dict(r, deadline=D(2026, 6, 12)) if r["unit"] == "县水利局" else r
             for r in unit_tasks.rows_of(SupervisionItem.get_by_id(made.id))]
    for rows_, words in ((moved, "“县水利局”已经催办或延期，它的完成时限只能通过“延期”改变"),
                         ([r for r in unit_tasks.rows_of(SupervisionItem.get_by_id(made.id))
                           if r["unit"] != "县水利局"], "“县水利局”已报送办理结果、被催办或延期过")):
        with pytest.raises(ValidationError) as err:
            sv.update_item(made.id, units=rows_)
        assert words in str(err.value) and err.value.field == "units", str(err.value)
        assert _tasks(made.id) == before
    # taking off a unit with a part under it takes the part too
    sv.update_item(made.id, units=[r for r in unit_tasks.rows_of(SupervisionItem.get_by_id(made.id))
                                   if r["unit"] not in ("县财政局", "城关镇")])
    assert [t[0] for t in _tasks(made.id)] == ["县住房和城乡建设局", "县水利局"]


def test_the_register_lists_every_unit_and_the_instruction_report_what_each_did(db, tmp_path):
    from duban_desktop.io import forms

    from .forms_helpers import all_text

    made = item(units=[{"unit": "县财政局", "part": "落实改造资金", "deadline": D(2026, 6, 10),
                        "responsible_person": "吴晓燕"},
                       {"unit": "城关镇", "role": "cooperate", "parent": "县财政局"}])
    sv.report_result(made.id, unit="县财政局", content="资金已落实", reported_on=D(2026, 6, 3), now=TODAY)
    text = all_text(forms.export_form("register", made.id, tmp_path / "r.docx", today=TODAY))
    for line in ("主办：县住房和城乡建设局（蒋建华）", "协办：县财政局（吴晓燕），2026年6月10日前完成：落实改造资金。",
                 "配合：城关镇（县财政局分解），2026年6月10日前完成。", "协办单位县财政局（2026年6月3日报送）"):
        assert line in text, line
    text = all_text(forms.export_form("instruction_report", made.id, tmp_path / "i.docx", today=TODAY))
    for line in ("各单位办理情况", "县住房和城乡建设局（主办）：尚未报送办理结果。", "县财政局（协办）：资金已落实。",
                 "城关镇（配合）：尚未报送办理结果。"):
        assert line in text, line
