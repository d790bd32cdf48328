"""Importing ledgers that divide an item among units: several units in a cell with their
roles, one row per unit under a shared 序号, and each unit's own 时限, person and result."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from duban_desktop.domain import consistency, state, supervision, unit_tasks
from duban_desktop.domain.importing import ERROR, WARNING, split_unit_roles
from duban_desktop.io.ledger_export import export_ledger
from duban_desktop.io.ledger_import import import_ledger, plan_import, read_ledger

from ..factories import TODAY


def _save(tmp_path, header, rows, merges=()):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    path = tmp_path / "分解台账.xlsx"
    wb.save(path)
    return path


def _units(number):
    found = supervision.find_by_number(number)
    return {t.unit.name: t for t in unit_tasks.tasks(found)}


def test_units_in_a_cell_keep_their_roles():
    assert split_unit_roles("牵头单位：县住建局\n责任单位：县城管局、县财政局") == (
        "县住建局", [("县城管局", "assist"), ("县财政局", "assist")])
    assert split_unit_roles("县财政局（配合）、县发改局(牵头)、县信访局") == (
        "县发改局", [("县财政局", "cooperate"), ("县信访局", "assist")])
    assert split_unit_roles("牵头单位:县发改局;配合单位:县财政局、县交通局") == (
        "县发改局", [("县财政局", "cooperate"), ("县交通局", "cooperate")])


def test_several_units_in_cells_become_unit_tasks(db, tmp_path):
    path = _save(tmp_path, ["序号", "工作任务", "责任单位", "协办单位", "配合单位", "完成时限"], [
        [1, "老旧小区改造", "牵头单位：县住建局\n责任单位：县城管局", "县财政局", "县自然资源局、县信访局",
         "2026年9月30日"],
        [2, "河道清淤", "县水利局、县农业农村局", None, None, "2026年8月31日"],
    ])
    plan, result = import_ledger(read_ledger(path), today=TODAY)
    assert result.created == 2
    first = _units(result.numbers[0])
    assert {name: t.role for name, t in first.items()} == {
        "县住建局": "lead", "县城管局": "assist", "县财政局": "assist",
        "县自然资源局": "cooperate", "县信访局": "cooperate"}
    assert all(t.deadline == dt.date(2026, 9, 30) for t in first.values())
    second = _units(result.numbers[1])
    assert {name: t.role for name, t in second.items()} == {"县水利局": "lead", "县农业农村局": "assist"}
    assert consistency.problems() == []


def test_one_row_per_unit_with_a_shared_number_is_one_item(db, tmp_path):
    header = ["序号", "工作任务", "责任单位", "责任人", "完成时限", "进展情况", "状态"]
    rows = [
        [1, "城区停车难综合治理", "县公安局（牵头）", "赵刚", "2026年6月30日", "正在推进", "办理中"],
        [1, "城区停车难综合治理", "县住建局", "钱进", "2026年5月31日", "已建成停车场两处", "已办结"],
        [1, "城区停车难综合治理", "县城管局（配合）", "孙丽", "2026年6月10日", "正在清理占道", "办理中"],
        [2, "农贸市场改造", "县市场监管局", "李明", "2026年7月31日", "方案已报批", "办理中"],
        [None, None, "县商务局（配合）", "周红", "2026年7月15日", None, None],  # 序号 left empty
    ]
    path = _save(tmp_path, header, rows)
    plan = plan_import(read_ledger(path), today=TODAY)
    assert plan.to_import == 2 and [r.row for r in plan.rows] == [2, 5]
    assert any("并入该事项" in notice for notice in plan.notices)
    plan, result = import_ledger(read_ledger(path), today=TODAY)
    parking = _units(result.numbers[0])
    assert {n: (t.role, t.deadline, t.responsible_person, t.state) for n, t in parking.items()} == {
        "县公安局": ("lead", dt.date(2026, 6, 30), "赵刚", "open"),
        "县住建局": ("assist", dt.date(2026, 5, 31), "钱进", "done"),
        "县城管局": ("cooperate", dt.date(2026, 6, 10), "孙丽", "open"),
    }
    item = supervision.find_by_number(result.numbers[0])
    assert item.state == "in_progress" and item.deadline == dt.date(2026, 6, 30)
    # each unit judged by its own deadline: 县城管局 is late (6月10日 passed), the others not
    r = state.rules(TODAY)
    late = {n for n, t in parking.items()
            if state.unit_task_state(r, item.state, t.state, t.deadline, t.reported_on) == "overdue"}
    assert late == {"县城管局"}
    market = _units(result.numbers[1])
    assert {n: (t.role, t.deadline) for n, t in market.items()} == {
        "县市场监管局": ("lead", dt.date(2026, 7, 31)), "县商务局": ("cooperate", dt.date(2026, 7, 15))}
    assert consistency.problems() == []


def test_merged_cells_over_the_rows_of_one_item(db, tmp_path):
    header = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "办理情况"]
    rows = [
        [1, "乡村振兴示范村建设", "县农业农村局", "县财政局", "2026年10月31日", "已拨付资金"],
        [None, None, None, "县交通运输局", "2026年9月30日", None],
        [None, None, None, "县文广旅体局", None, None],
    ]
    path = _save(tmp_path, header, rows, merges=("A2:A4", "B2:B4", "C2:C4"))
    plan, result = import_ledger(read_ledger(path), today=TODAY)
    assert result.created == 1
    units = _units(result.numbers[0])
    assert {n: (t.role, t.deadline) for n, t in units.items()} == {
        "县农业农村局": ("lead", dt.date(2026, 10, 31)),
        "县财政局": ("cooperate", dt.date(2026, 10, 31)),
        "县交通运输局": ("cooperate", dt.date(2026, 9, 30)),
        "县文广旅体局": ("cooperate", dt.date(2026, 10, 31)),  # no 时限 of its own: the item's
    }


def test_a_done_lead_row_with_a_unit_still_at_work(db, tmp_path):
    header = ["序号", "工作任务", "责任单位", "登记日期", "完成时限", "办结日期", "办理情况", "状态"]
    rows = [
        [1, "背街小巷整治", "县城管局", "2026年3月2日", "2026年5月29日", "2026年5月20日", "已完成整治", "已办结"],
        [1, None, "县住建局", None, "2026年5月29日", None, "正在施工", "办理中"],
    ]
    plan, result = import_ledger(read_ledger(_save(tmp_path, header, rows)), today=TODAY)
    warning = next(p for p in plan.rows[0].problems if p.level == WARNING and "县住建局" in p.message)
    assert warning.row == 3 and "按“办理中”导入" in warning.message
    item = supervision.find_by_number(result.numbers[0])
    units = _units(result.numbers[0])
    assert item.state == "in_progress" and item.result == "已完成整治"
    assert units["县城管局"].state == "reported" and units["县城管局"].reported_on == dt.date(2026, 5, 20)
    assert units["县住建局"].state == "open"
    assert consistency.problems() == []


def test_a_unit_row_due_before_registration_is_refused_by_row(db, tmp_path):
    header = ["序号", "工作任务", "责任单位", "登记日期", "完成时限"]
    rows = [
        [1, "政务服务事项梳理", "县数据局", "2026年3月2日", "2026年6月30日"],
        [1, None, "县人社局", None, "2026年2月1日"],
    ]
    plan = plan_import(read_ledger(_save(tmp_path, header, rows)), today=TODAY)
    (row,) = plan.rows
    assert row.status == "error"
    (problem,) = [p for p in row.problems if p.level == ERROR]
    assert problem.row == 3 and problem.column == "完成时限"
    assert "县人社局的完成时限（2026年2月1日）不能早于事项的登记日期（2026年3月2日）" in problem.message


def test_a_cooperating_unit_survives_export_and_import(db, tmp_path):
    path = _save(tmp_path, ["工作任务", "牵头单位", "协办单位", "配合单位", "完成时限"], [
        ["社区养老服务中心建设", "县民政局", "县卫健局", "县财政局", "2026年9月30日"]])
    import_ledger(read_ledger(path), today=TODAY)
    ledger = export_ledger(tmp_path / "导出.xlsx", today=TODAY).path
    (row,) = plan_import(read_ledger(ledger), today=TODAY).rows
    assert row.status == "duplicate"  # (imported before; read as it would be imported)
    assert (row.values["lead_unit"], row.values["helpers"]) == (
        "县民政局", [{"unit": "县卫健局", "role": "assist"}, {"unit": "县财政局", "role": "cooperate"}])
