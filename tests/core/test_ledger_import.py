"""Bringing ledgers in: our own export without loss, and a ledger made the way offices make one."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import ChangeLog, SupervisionItem, UnitTask, Urge
from duban_desktop.domain import consistency, settings, supervision
from duban_desktop.domain.importing import (
    ERROR,
    SKIP,
    WARNING,
    ImportRefused,
    SourceRow,
    interpret_state,
    parse_ledger_date,
    plan_rows,
    split_units,
)
from duban_desktop.io.files import FileError
from duban_desktop.io.ledger_export import export_ledger
from duban_desktop.io.ledger_import import SEQ, import_ledger, plan_import, read_ledger

from ..factories import ALL_LOOKS, TODAY, closed_item, item, snapshot

OFFICE = "青山县人民政府办公室"


def office_ledger(path, *, bad_row=True, two_level_header=False):
    """A ledger as an office keeps it: title rows, merged cells, its own headers, text dates."""
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "本表每月更新"
    ws = wb.create_sheet("2026年督办事项")
    ws["A1"] = "青山县2026年重点工作督办台账"
    ws.merge_cells("A1:K1")
    ws["A2"] = "填报单位:县政府办公室            更新日期:2026年6月10日"
    ws.merge_cells("A2:K2")
    headers = ["序号", "督办编号", "工作任务", "领导批示", "责任单位", "配合单位", "责任人",
               "交办时间", "完成时限", "进展情况", "备注"]
    if two_level_header:
        for col, text in enumerate(headers, 1):
            if text in ("交办时间", "完成时限"):
                continue
            ws.cell(3, col, text)
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        ws.cell(3, 8, "时间节点")
        ws.merge_cells("H3:I3")
        ws.cell(4, 8, "交办时间")
        ws.cell(4, 9, "完成时限")
        top = 5
    else:
        for col, text in enumerate(headers, 1):
            ws.cell(3, col, text).alignment = Alignment(wrap_text=True)
        top = 4
    rows = [
        ["一、重点项目"] + [None] * 10,
        [1, "催字〔2026〕3号", "城区背街小巷改造提升", "王建国县长批示:请住建局抓紧研究,两周内报送方案。",
         "县住房和城乡建设局(牵头)、县财政局", None, "蒋建华", "2026年1月5日", "2026年6月30日前",
         "已完成改造方案,已办结。", "重点"],
        [2, None, "农村饮水安全巩固提升工程", None, "县水利局", "县卫生健康委员会", "韩春生",
         dt.datetime(2026, 2, 3), "2026.3.31", "正在推进,完成60%", None],
        [3, None, "防汛物资储备和抢险队伍建设", None, None, None, "韩春生", "2026/2/1", 46203,
         "物资已采购一半", None],
    ]
    if bad_row:
        rows.append([4, None, "安全生产专项整治", None, "县应急管理局", None, "许海涛", "2026年3月1日",
                     "长期坚持", "持续推进", None])
    rows += [["合计", None, "共 4 项"] + [None] * 8, [None] * 11, ["填表人:林晓"] + [None] * 10]
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, 1):
            if value is not None:
                ws.cell(top + offset, col, value)
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=11)  # section row
    # one unit for two rows, merged, as offices do
    ws.merge_cells(start_row=top + 2, start_column=5, end_row=top + 3, end_column=5)
    wb.save(path)
    return path


def test_reads_an_office_ledger(db, tmp_path):
    ledger = read_ledger(office_ledger(tmp_path / "台账.xlsx"))
    assert ledger.sheet == "2026年督办事项" and ledger.header_row == 3
    mapping = {c.header: ledger.mapping[c.index] for c in ledger.columns}
    assert mapping == {"序号": SEQ, "督办编号": "number", "工作任务": "title",
                       "领导批示": "leader_instruction", "责任单位": "lead_unit", "配合单位": "cooperating",
                       "责任人": "responsible_person", "交办时间": "registered_on", "完成时限": "deadline",
                       "进展情况": "result", "备注": "note"}
    assert [n for n, _ in ledger.rows] == [5, 6, 7, 8]  # the section, total and note rows are out
    assert {why for _, why in ledger.skipped} >= {"合计行", "分类标题“一、重点项目”", "表下说明“填表人:林晓”"}

    plan = plan_import(ledger, today=TODAY)
    assert (plan.to_import, plan.errors, plan.duplicates) == (3, 1, 0)
    errors = [p for p in plan.problems if p.level == ERROR]
    assert len(errors) == 1 and errors[0].row == 8 and errors[0].column == "完成时限"
    assert "长期坚持" in str(errors[0]) and str(errors[0]).startswith("第 8 行“完成时限”")
    first = plan.rows[0].values
    assert first["state"] == "closed" and first["instructing_leader"] == "王建国县长"
    assert first["source"] == "leader_instruction"
    assert (first["lead_unit"], first["assisting"]) == ("县住房和城乡建设局", ["县财政局"])
    assert first["deadline"] == dt.date(2026, 6, 30) and first["registered_on"] == dt.date(2026, 1, 5)
    second, third = plan.rows[1].values, plan.rows[2].values
    assert second["state"] == "in_progress" and second["deadline"] == dt.date(2026, 3, 31)
    assert second["registered_on"] == dt.date(2026, 2, 3)
    assert third["lead_unit"] == "县水利局"  # from the merged cell above
    assert third["deadline"] == dt.date(2026, 6, 30)  # an Excel serial in a General cell
    assert "县应急管理局" not in plan.new_units and "县水利局" in plan.new_units


def test_two_level_header(db, tmp_path):
    ledger = read_ledger(office_ledger(tmp_path / "台账.xlsx", two_level_header=True))
    assert (ledger.header_row, ledger.header_rows) == (3, 2)
    mapping = {c.header: ledger.mapping[c.index] for c in ledger.columns}
    assert mapping["交办时间"] == "registered_on" and mapping["完成时限"] == "deadline"
    assert mapping["工作任务"] == "title"
    assert plan_import(ledger, today=TODAY).to_import == 3


def test_import_is_all_or_nothing_and_never_twice(db, db_path, tmp_path):
    ledger = read_ledger(office_ledger(tmp_path / "台账.xlsx"))
    item(title="已有的事项")  # takes 催字〔2026〕1号
    before = snapshot(db_path)
    with pytest.raises(ImportRefused, match="第 8 行“完成时限”"):
        import_ledger(ledger, today=TODAY)
    assert snapshot(db_path) == before
    plan, result = import_ledger(ledger, dry_run=True, today=TODAY)
    assert result is None and plan.to_import == 3 and snapshot(db_path) == before

    plan, result = import_ledger(ledger, skip_errors=True, today=TODAY)
    assert (result.created, result.skipped_errors) == (3, 1)
    assert result.numbers == ["催字〔2026〕3号", "催字〔2026〕4号", "催字〔2026〕5号"]
    kept = supervision.find_by_number("催字〔2026〕3号")
    # no 办结日期 column: the deadline, but not later than today
    assert kept.state == "closed" and kept.completed_on == TODAY
    assert kept.result == "已完成改造方案,已办结。" and "备注:重点" in kept.content
    assert [t.unit.name for t in kept.unit_tasks if t.role != "lead"] == ["县财政局"]
    assert ChangeLog.get((ChangeLog.entity_id == kept.id) & (ChangeLog.action == "import")).note.startswith(
        "从《台账.xlsx》第 5 行导入")
    assert consistency.problems() == []
    # the next item registered by hand continues after the imported numbers
    assert item(title="新登记的事项").number == "催字〔2026〕6号"

    again = snapshot(db_path)
    plan = plan_import(ledger, today=TODAY)
    assert plan.to_import == 0 and plan.duplicates == 3
    assert {p.level for p in plan.problems} >= {SKIP}
    with pytest.raises(ImportRefused, match="没有可以导入的新事项"):
        import_ledger(ledger, skip_errors=True, today=TODAY)
    assert snapshot(db_path) == again


def test_a_number_taken_by_another_item_is_refused(db, tmp_path):
    item(title="别的事项", number="催字〔2026〕3号")
    plan = plan_import(read_ledger(office_ledger(tmp_path / "台账.xlsx", bad_row=False)), today=TODAY)
    problem = next(p for p in plan.problems if p.level == ERROR)
    assert problem.row == 5 and "已被另一督办事项" in problem.message


def make_office_data():
    settings.update({"office_name": OFFICE})
    item(title="办理中的事项", assisting=["县财政局", "县教育局"])
    overdue = item(title="逾期的事项", deadline=dt.date(2026, 6, 5), lead_unit="县民政局",
                   source="superior", leader_instruction="", instructing_leader="")
    supervision.urge(overdue.id, method="phone", urged_on=dt.date(2026, 6, 8), now=TODAY)
    supervision.urge(overdue.id, method="phone", urged_on=dt.date(2026, 6, 9), now=TODAY)
    closed_item(title="办结的事项")
    late = item(title="逾期办结的事项", deadline=dt.date(2026, 6, 3))
    supervision.report_result(late.id, content="已完成。", reported_on=dt.date(2026, 6, 9), now=TODAY)
    supervision.review(late.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=dt.date(2026, 6, 10), now=TODAY)
    waiting = item(title="待审理的事项")
    supervision.report_result(waiting.id, content="已报送方案。", reported_on=dt.date(2026, 6, 12), now=TODAY)
    voided = item(title="撤销的事项")
    supervision.void(voided.id, reason="重复", now=TODAY)
    extended = item(title="延期的事项")
    supervision.extend(extended.id, new_deadline=dt.date(2026, 8, 1), reason="等待审批",
                       approved_by="李明", requested_on=dt.date(2026, 6, 10), now=TODAY)
    item(title="群众反映待批准", source="public_report", leader_instruction="", instructing_leader="")
    item(title="外来编号", number="督字〔2025〕8号", registered_on=dt.date(2025, 12, 1),
         instruction_date=dt.date(2025, 11, 30))


def sheets(path):
    wb = load_workbook(path)
    return {name: [r for r in wb[name].iter_rows(values_only=True)] for name in ("督办台账", "统计", "逾期清单")}


def test_round_trip_of_our_own_export(tmp_path):
    first_db, second_db = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    open_database(first_db)
    try:
        make_office_data()
        first = export_ledger(tmp_path / "first.xlsx", today=TODAY).path
    finally:
        close_database()
    open_database(second_db)
    try:
        settings.update({"office_name": OFFICE})
        plan, result = import_ledger(read_ledger(first), today=TODAY)
        assert plan.errors == 0 and result.created == 9
        assert consistency.problems() == []
        assert Urge.select().count() == 2 and UnitTask.select().where(UnitTask.role != "lead").count() == 2
        second = export_ledger(tmp_path / "second.xlsx", today=TODAY).path
        assert sheets(first) == sheets(second)
        # and once more: nothing new, nothing doubled
        plan = plan_import(read_ledger(first), today=TODAY)
        assert plan.to_import == 0 and plan.duplicates == 9
        assert SupervisionItem.select().count() == 9
    finally:
        close_database()


def test_hostile_values_in(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["事项名称", "承办单位", "完成时限", "办理情况"])
    ws.append(["=HYPERLINK(\"http://x\")", "县财政局", "2026-07-01", "+1 已报送"])
    ws["A2"].data_type = "s"  # text that starts with "=", as a user typed it
    ws.append(["很长的事项" * 60, "县教育局", "2026年7月1日", "x" * 25000])
    ws.append(["=1+2", "县教育局", "2026年7月1日", None])  # a real formula without a cached value
    path = tmp_path / "hostile.xlsx"
    wb.save(path)
    plan = plan_import(read_ledger(path), today=TODAY)
    first, second, third = plan.rows
    assert first.status == "new" and first.values["title"].startswith("=HYPERLINK")
    assert first.values["result"] == "+1 已报送"
    assert second.status == "error" and any("最多 20000 个字" in p.message for p in second.problems)
    assert any(p.level == WARNING and "超过 200 字" in p.message for p in second.problems)
    assert len(second.values["title"]) <= 200 and second.values["content"].startswith("很长的事项")
    assert third.status == "error" and "缺少督办事项" in str(third.problems[0])
    rows = [SourceRow(5, {"title": "控制\x01字符\x0b", "lead_unit": "县\x00财政局",
                          "deadline": "2026年7月1日"})]
    planned = plan_rows(rows, {"title": "事项"}, today=TODAY).rows[0]
    assert planned.values["title"] == "控制字符" and planned.values["lead_unit"] == "县财政局"


def test_files_that_are_not_ledgers(db, tmp_path):
    for name, content, words in (("旧.xls", b"\xd0\xcf\x11\xe0", "另存为"),
                                 ("坏.xlsx", b"not a zip", "不是有效的 Excel 工作簿")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(FileError, match=words):
            read_ledger(tmp_path / name)
    wb = Workbook()
    wb.active.append(["甲", "乙"])
    wb.save(tmp_path / "空.xlsx")
    with pytest.raises(FileError, match="找不到表头"):
        read_ledger(tmp_path / "空.xlsx")
    with pytest.raises(FileError, match="找不到文件"):
        read_ledger(tmp_path / "没有.xlsx")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年1月5日", dt.date(2026, 1, 5)), ("2026.1.5", dt.date(2026, 1, 5)),
    ("2026/1/5", dt.date(2026, 1, 5)), ("2026年6月30日前", dt.date(2026, 6, 30)),
    ("２０２６年１月５日", dt.date(2026, 1, 5)), ("2026-01-05 00:00:00", dt.date(2026, 1, 5)),
    ("2026年底前", dt.date(2026, 12, 31)), ("2026年6月底前", dt.date(2026, 6, 30)),
    ("2026年上半年", dt.date(2026, 6, 30)), ("2026年第三季度", dt.date(2026, 9, 30)),
    ("6月30日前", dt.date(2026, 6, 30)), ("26.1.5", dt.date(2026, 1, 5)),
    ("长期坚持", None), ("2026年2月30日", None),
])
def test_dates_as_offices_type_them(text, expected):
    assert parse_ledger_date(text, year=2026)[0] == expected


def test_states_and_units_as_offices_write_them():
    assert interpret_state("已办结") == ("closed", True)
    assert interpret_state("基本完成")[0] == "in_progress"
    assert interpret_state("已完成80%")[0] == "in_progress"
    assert interpret_state("取消")[0] == "voided"
    assert split_units("牵头单位:县发改局;配合单位:县财政局、县交通局") == ("县发改局", ["县财政局", "县交通局"])
    assert split_units("县财政局、县发改局(牵头)") == ("县发改局", ["县财政局"])
