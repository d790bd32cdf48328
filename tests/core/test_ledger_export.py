"""The Excel ledger as a leader opens and prints it: sheets, layout, colours, safety."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from duban_desktop.db.models import SupervisionItem
from duban_desktop.domain import settings, supervision
from duban_desktop.domain.ledger import ItemFilter
from duban_desktop.domain.statistics import (
    DEFINITIONS,
    UNIT_DEFINITIONS,
    statistics,
    unit_role_statistics,
)
from duban_desktop.domain.units import find_unit
from duban_desktop.io.files import Cancelled, FileError
from duban_desktop.io.ledger_columns import LEDGER_HEADERS
from duban_desktop.io.ledger_export import export_ledger
from duban_desktop.io.xlsx import CELL_LIMIT, DATE_FORMAT, FILLS, is_cut

from ..factories import TODAY, case_in_consultation, closed_item, file_digest, item


def rows(ws, first=4):
    return [r for r in ws.iter_rows(min_row=first, values_only=True)]


def by_number(ws):
    return {r[1]: r for r in rows(ws) if r[1]}


@pytest.fixture
def office(db):
    settings.update({"office_name": "青山县人民政府办公室"})
    overdue = item(title="逾期的事项", deadline=dt.date(2026, 6, 5), registered_on=dt.date(2026, 6, 1))
    due = item(title="快到期的事项", deadline=dt.date(2026, 6, 16), lead_unit="县财政局",
               assisting=["县教育局", "县民政局"])
    closed = closed_item(title="办结的事项", lead_unit="县教育局")
    voided = item(title="撤销的事项")
    supervision.void(voided.id, reason="重复立项", now=TODAY)
    extended = item(title="延期的事项", source="meeting_decision", leader_instruction="",
                    instructing_leader="", deadline=dt.date(2026, 6, 20))
    supervision.extend(extended.id, new_deadline=dt.date(2026, 7, 31), reason="需要上级审批",
                       approved_by="李明副县长", requested_on=dt.date(2026, 6, 10), now=TODAY)
    supervision.urge(overdue.id, method="phone", urged_on=dt.date(2026, 6, 8), now=TODAY)
    supervision.urge(overdue.id, method="notice", urged_on=dt.date(2026, 6, 12), now=TODAY)
    case_in_consultation()
    return {"overdue": overdue, "due": due, "closed": closed, "voided": voided, "extended": extended}


def test_four_sheets_that_look_like_an_office_ledger(office, tmp_path):
    result = export_ledger(tmp_path / "台账.xlsx", today=TODAY)
    assert (result.items, result.cases, result.overdue, result.cut_cells) == (5, 1, 1, 0)
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["督办台账", "协调台账", "统计", "逾期清单", "单位任务"]
    ws = wb["督办台账"]
    assert ws["A1"].value == "青山县人民政府办公室督办台账"
    assert "2026年6月15日" in ws["A2"].value
    assert tuple(c.value for c in ws[3]) == LEDGER_HEADERS
    assert ws.freeze_panes == "D4"
    last = get_column_letter(len(LEDGER_HEADERS))
    assert ws.auto_filter.ref == f"A3:{last}8"  # every column, the 5 items
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}  # the title over every column
    for column in "JKLMOQ":
        assert ws.column_dimensions[column].width >= 11


def test_rows_carry_dates_colours_and_the_numbers_leaders_ask(office, tmp_path):
    path = export_ledger(tmp_path / "台账.xlsx", today=TODAY).path
    ws = load_workbook(path)["督办台账"]
    found = {r[2]: (i, r) for i, r in enumerate(rows(ws), start=4)}
    index, overdue = found["逾期的事项"]
    assert overdue[13] == 2 and overdue[14] == dt.datetime(2026, 6, 12)  # urges and the last one
    assert overdue[15] == "办理中" and overdue[19] == 6  # working days late (Jun 5 -> Jun 15)
    cell = ws.cell(index, 12)
    assert cell.value == dt.datetime(2026, 6, 5) and cell.number_format == DATE_FORMAT
    assert ws.cell(index, 1).fill.fgColor.rgb.endswith(FILLS["overdue"][0])
    index, due = found["快到期的事项"]
    assert due[7] == "县教育局、县民政局" and due[19] is None
    assert ws.cell(index, 3).fill.fgColor.rgb.endswith(FILLS["due_soon"][0])
    index, closed = found["办结的事项"]
    assert closed[15] == "已办结" and closed[16] == dt.datetime(2026, 6, 10)
    assert closed[18] == "已按批示完成改造方案。"
    assert ws.cell(index, 5).fill.fgColor.rgb.endswith(FILLS["closed"][0])
    index, voided = found["撤销的事项"]
    assert ws.cell(index, 5).fill.fgColor.rgb.endswith(FILLS["voided"][0])
    _, extended = found["延期的事项"]
    assert extended[11] == dt.datetime(2026, 7, 31) and extended[12] == dt.datetime(2026, 6, 20)
    assert overdue[12] is None  # the original deadline only when it moved


def test_statistics_sheet_matches_the_domain_and_prints_definitions(office, tmp_path):
    ws = load_workbook(export_ledger(tmp_path / "台账.xlsx", today=TODAY).path)["统计"]
    values = [r for r in ws.iter_rows(values_only=True)]
    _, total = statistics("unit", today=TODAY)
    totals = [r for r in values if r[0] == "合计"]
    assert len(totals) == 4  # by unit, by source, by month; each unit's tasks by role
    _, by_role = unit_role_statistics(today=TODAY)
    assert totals.pop()[1:6] == (by_role.assigned, by_role.closed, by_role.closed_on_time, by_role.open,
                                 by_role.overdue)
    assert any(r[0] and UNIT_DEFINITIONS in r[0] for r in values)
    for row in totals:
        assert row[1:6] == (total.assigned, total.closed, total.closed_on_time, total.open, total.overdue)
    assert any(r[0] and DEFINITIONS in r[0] for r in values)
    headers = next(r for r in values if r[0] == "承办单位")
    assert headers[1:] == ("交办", "办结", "按期办结", "未办结", "逾期", "办结率", "按期办结率")


def test_chart_and_overdue_list_by_unit(office, tmp_path):
    path = export_ledger(tmp_path / "台账.xlsx", today=TODAY).path
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        xml = z.read(charts[0]).decode("utf-8")
    for colour in ("2F5D9E", "3C8D40", "B42318"):  # solid bars (LibreOffice draws outlines otherwise)
        assert colour in xml
    ws = load_workbook(path)["逾期清单"]
    values = [r for r in ws.iter_rows(values_only=True)]
    assert values[3][0] == "县住房和城乡建设局:逾期 1 件"
    assert values[4][2] == "逾期的事项" and values[4][7] == 6


def test_filters_apply_to_the_ledger_and_scope_to_the_rest(office, tmp_path):
    unit = find_unit("县教育局")
    path = export_ledger(tmp_path / "a.xlsx", ItemFilter(unit=unit.id), today=TODAY).path
    wb = load_workbook(path)
    titles = {r[2] for r in rows(wb["督办台账"])}
    assert titles == {"快到期的事项", "办结的事项"}  # assisting or leading
    assert "县教育局" in wb["督办台账"]["A2"].value
    path = export_ledger(tmp_path / "b.xlsx", ItemFilter(state="closed"), today=TODAY).path
    wb = load_workbook(path)
    assert {r[2] for r in rows(wb["督办台账"])} == {"办结的事项"}
    stats = [r for r in wb["统计"].iter_rows(values_only=True) if r[0] == "合计"]
    assert stats[0][1] == 4  # 统计 keeps every state in scope (not the state filter)
    path = export_ledger(tmp_path / "c.xlsx", ItemFilter(overdue_only=True), today=TODAY).path
    assert {r[2] for r in rows(load_workbook(path)["督办台账"])} == {"逾期的事项"}
    path = export_ledger(tmp_path / "d.xlsx", ItemFilter(year=2025), today=TODAY).path
    wb = load_workbook(path)
    assert wb["督办台账"]["A4"].value == "(没有符合条件的督办事项)"
    assert wb["协调台账"]["A4"].value == "(没有符合条件的协调事项)"


def test_hostile_values_stay_text_and_the_file_stays_whole(db, tmp_path):
    made = item(title="=HYPERLINK(\"http://evil\",\"点我\")", responsible_person="+1+2",
                leader_instruction="-3 请办理", instructing_leader="@SUM(A1)")
    long_text = "很长的办理情况。" * 5000  # 40,000 characters, more than a cell holds
    SupervisionItem.update(result=long_text, content="#N/A",
                           result_summary="控制\x01字符\x0b与\ufffe非字符").where(
        SupervisionItem.id == made.id).execute()
    result = export_ledger(tmp_path / "台账.xlsx", today=TODAY)
    assert result.cut_cells == 1
    with zipfile.ZipFile(result.path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="e"' not in sheet
    ws = load_workbook(result.path)["督办台账"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[1].value)
    assert row[2].value.startswith("=HYPERLINK") and row[2].data_type == "s"
    assert row[2].quotePrefix
    assert row[8].value == "+1+2" and row[8].quotePrefix
    assert row[4].value == "@SUM(A1)" and row[5].value == "-3 请办理"
    assert row[18].value == "控制字符与非字符"
    cut = row[17].value
    assert len(cut) <= CELL_LIMIT and is_cut(cut) and "全文共 40000 字" in cut
    assert SupervisionItem.get_by_id(made.id).result == long_text  # the database keeps it whole


def test_progress_and_cancel_leave_no_file(office, tmp_path):
    seen = []
    export_ledger(tmp_path / "a.xlsx", today=TODAY,
                  progress=lambda done, total, text: seen.append((done, total)) or True)
    assert seen and seen[-1][0] == seen[-1][1]
    dest = tmp_path / "b.xlsx"
    dest.write_bytes(b"old ledger")
    before = file_digest(dest)
    with pytest.raises(Cancelled):
        export_ledger(dest, today=TODAY, progress=lambda *a: False)
    assert file_digest(dest) == before
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["a.xlsx", "b.xlsx"]
    assert not list(tmp_path.glob(".~*"))  # no temporary file left behind


def test_a_place_that_cannot_be_written_is_named(db, tmp_path):
    with pytest.raises(FileError, match="不存在"):
        export_ledger(tmp_path / "没有的文件夹" / "台账.xlsx", today=TODAY)


def test_the_cell_by_cell_fallback_writes_the_same_workbook(office, tmp_path, monkeypatch):
    """An openpyxl without the write-only hooks the direct path relies on (RowStream._start)
    gets its rows through openpyxl's own cells, and the same workbook."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    fast = export_ledger(tmp_path / "fast.xlsx", today=TODAY).path
    # another openpyxl: its write-only sheet has no _values_to_row (our stream gives the
    # sheet its own, through cells)
    monkeypatch.delattr(WriteOnlyWorksheet, "_values_to_row")
    slow = export_ledger(tmp_path / "slow.xlsx", today=TODAY).path
    # really written the other way: openpyxl's cells write an empty styled cell as
    # <c ... t="n"></c>, the direct path as <c .../>
    sheets = [zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml") for path in (fast, slow)]
    assert b't="n"></c>' not in sheets[0] and b't="n"></c>' in sheets[1]
    a, b = load_workbook(fast), load_workbook(slow)
    for name in a.sheetnames:
        cells_a = [(c.value, c.number_format, c.fill.fgColor.rgb, c.font.b) for row in a[name].iter_rows()
                   for c in row]
        cells_b = [(c.value, c.number_format, c.fill.fgColor.rgb, c.font.b) for row in b[name].iter_rows()
                   for c in row]
        assert cells_a == cells_b, name
        assert [a[name].row_dimensions[i].height for i in range(1, 9)] == \
            [b[name].row_dimensions[i].height for i in range(1, 9)]
