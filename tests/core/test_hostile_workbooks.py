"""Workbooks the office did not make (issue 15): read within limits, refused with a reason.

The files are made by hand (zip + XML, tests/hostile_xlsx.py) and go through the real read
path: ``read_ledger`` and the command ``import ledger --dry-run``. Each refusal happens
before openpyxl builds anything, so these tests are quick.
"""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from duban_desktop.io import untrusted_xlsx as limits
from duban_desktop.io.files import FileError
from duban_desktop.io.ledger_import import plan_import, read_ledger

from ..factories import TODAY
from ..hostile_xlsx import (
    HEADERS,
    Shared,
    merge_bomb,
    shared_xml,
    sheet_xml,
    small_ledger_rows,
    write_xlsx,
)
from .test_cli import run


def refusal(path) -> str:
    with pytest.raises(FileError) as info:
        read_ledger(path)
    message = str(info.value)
    assert message and path.name in message or "不是有效的 Excel 工作簿" in message
    return message


def test_a_merge_over_the_whole_sheet_is_clipped_to_the_data(db, tmp_path):
    path = merge_bomb(tmp_path / "合并.xlsx")
    assert path.stat().st_size < 5000
    ledger = read_ledger(path)
    assert (ledger.header_row, ledger.data_rows) == (3, 3)
    assert [c.header for c in ledger.columns] == HEADERS
    assert [values[1] for _, values in ledger.rows] == ["督办事项1", "督办事项2", "督办事项3"]
    plan = plan_import(ledger, today=TODAY)
    assert (plan.to_import, plan.errors) == (3, 0)


def test_merged_ranges_are_clipped_to_the_cells_holding_values(tmp_path):
    path = merge_bomb(tmp_path / "合并.xlsx")
    with limits.UntrustedBook(path) as book:
        sheet = book.sheet("Sheet1")
        assert (sheet.max_row, sheet.max_column) == (6, 5)
        assert sheet.merged == [limits.Merge(1, 1, 1, 5), limits.Merge(3, 1, 6, 5)]


def test_too_many_rows_columns_or_cells(tmp_path):
    last = b'<row r="200002"><c r="A200002" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    far = write_xlsx(tmp_path / "行.xlsx", sheet_xml(small_ledger_rows()).replace(b"</sheetData>", last))
    assert "单元格 A200002 还有内容，超过了导入上限 200000 行" in refusal(far)
    wide = write_xlsx(tmp_path / "列.xlsx", sheet_xml([HEADERS + [None] * 100 + ["多余"]]))
    assert "单元格 DB1 还有内容，超过了导入上限 100 列" in refusal(wide)
    # 3,000,100 cells: 30,001 rows of 100 short cells (rows without numbers, as some programs write)
    row = ("<row>" + "".join(f'<c r="{get_column_letter(i)}1"><v>1</v></c>'
                             for i in range(1, 101)) + "</row>").encode()
    xml = sheet_xml([]).replace(b"<sheetData></sheetData>", b"<sheetData>" + row * 30_001 + b"</sheetData>")
    many = write_xlsx(tmp_path / "单元格.xlsx", xml, compression=zipfile.ZIP_STORED)
    message = refusal(many)
    assert "工作表“Sheet1”中有内容的单元格超过了导入上限 3000000 个" in message
    assert "请把台账分成几个文件后再导入" in message


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    padding = b"<!--" + b" " * (20 * 1024 * 1024) + b"-->"
    xml = sheet_xml(small_ledger_rows()).replace(b"<sheetData>", padding + b"<sheetData>")
    path = write_xlsx(tmp_path / "炸弹.xlsx", xml)
    assert path.stat().st_size < 100_000
    message = refusal(path)
    assert "xl/worksheets/sheet1.xml" in message and "超过上限 200 倍" in message and "压缩炸弹" in message


def test_too_much_before_the_data_or_in_one_row(tmp_path):
    head = sheet_xml(small_ledger_rows()).replace(
        b"<sheetData>", b"<sheetViews>" + b'<sheetView workbookViewId="0"/>' * 100_000 + b"</sheetViews><sheetData>")
    assert "表格数据之前有超过 2 MB 的内容" in refusal(write_xlsx(tmp_path / "头.xlsx", head))
    junk = sheet_xml(small_ledger_rows()).replace(b'<row r="5">', b'<row r="5">' + b"<x/>" * 1_000_000)
    assert "第 5 行附近有超过 2 MB 的内容" in refusal(write_xlsx(tmp_path / "行.xlsx", junk))


def test_a_cell_longer_than_excel_allows(tmp_path):
    rows = small_ledger_rows()
    rows[4][4] = "长" * 40_000
    message = refusal(write_xlsx(tmp_path / "长.xlsx", sheet_xml(rows)))
    assert "单元格 E5 有 40000 个字，超过 Excel 单元格的上限 32767 个字" in message
    rows[4][4] = Shared(0)
    message = refusal(write_xlsx(tmp_path / "共享.xlsx", sheet_xml(rows), shared=shared_xml(["长" * 40_000])))
    assert "有一个单元格有 40000 个字" in message


def test_files_that_are_no_workbook(tmp_path):
    (tmp_path / "图片.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    with zipfile.ZipFile(tmp_path / "压缩包.xlsx", "w") as zf:
        zf.writestr("说明.txt", "不是工作簿")
    good = write_xlsx(tmp_path / "好.xlsx", sheet_xml(small_ledger_rows()))
    (tmp_path / "断.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    for name in ("图片.xlsx", "压缩包.xlsx", "断.xlsx"):
        assert "不是有效的 Excel 工作簿（.xlsx），或已损坏、已加密" in refusal(tmp_path / name)


def test_a_dtd_is_refused(tmp_path):
    rows = small_ledger_rows()
    rows[4][1] = Shared(0)
    strings = shared_xml(["事项"]).replace(
        b"<sst ", b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><sst ', 1)
    message = refusal(write_xlsx(tmp_path / "实体.xlsx", sheet_xml(rows), shared=strings))
    assert "xl/sharedStrings.xml”含有文档类型定义（DTD）" in message


ESCAPED = ["城区_x000D_\n背街小巷改造", "控制_x0001_字符的事项", "字面_x005F_x000D_写法"]
DECODED = ["城区\n背街小巷改造", "控制字符的事项", "字面_x000D_写法"]


def escaped_ledger(path, *, shared: bool):
    rows = small_ledger_rows()
    for offset, text in enumerate(ESCAPED):
        rows[3 + offset][1] = Shared(offset) if shared else text
    return write_xlsx(path, sheet_xml(rows), shared=shared_xml(ESCAPED) if shared else None)


def test_openpyxl_keeps_excels_escapes(tmp_path):
    """Why we decode: openpyxl 3.1 keeps _x000D_ in both kinds of strings, and turns the
    escaped underscore of a shared string into a plain one (so it cannot be decoded after it)."""
    for shared, third in ((False, ESCAPED[2]), (True, "字面_x000D_写法")):
        wb = load_workbook(escaped_ledger(tmp_path / f"{shared}.xlsx", shared=shared), read_only=True)
        values = [r[1] for r in wb.active.iter_rows(min_row=4, max_row=6, values_only=True)]
        wb.close()
        assert values == [ESCAPED[0], ESCAPED[1], third]


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared"])
def test_excels_escapes_are_decoded(db, tmp_path, shared):
    ledger = read_ledger(escaped_ledger(tmp_path / "转义.xlsx", shared=shared))
    assert [values[1] for _, values in ledger.rows] == DECODED
    titles = [row.values["title"] for row in plan_import(ledger, today=TODAY).rows]
    assert titles == ["城区 背街小巷改造", "控制字符的事项", "字面_x000D_写法"]


@pytest.mark.parametrize(("text", "expected"), [
    ("a_x000D_b", "a\nb"), ("a_x000d__x000a_b", "a\nb"), ("_x0001_x", "x"), ("_x0009_", "\t"),
    ("_x005F_x0001_", "_x0001_"), ("_x005f_", "_"), ("_x4E2D_", "中"), ("_xD800_", ""),
    ("_x12_", "_x12_"), ("无转义", "无转义"),
])
def test_decode_escapes(text, expected):
    assert limits.decode_escapes(text) == expected


def test_the_command_reads_the_merge_bomb_and_refuses_with_one_line(tmp_path):
    db = tmp_path / "new.sqlite"
    run("demo", "--db", db, "--items", 0, "--cases", 0, check=0)
    proc = run("import", "ledger", merge_bomb(tmp_path / "合并.xlsx"), "--db", db, "--dry-run", check=0)
    assert "表头:第 3 行  数据:3 行" in proc.stdout and "可导入 3 件" in proc.stdout
    wide = write_xlsx(tmp_path / "列.xlsx", sheet_xml([HEADERS + [None] * 100 + ["多余"]]))
    proc = run("import", "ledger", wide, "--db", db, "--dry-run", check=1)
    assert "超过了导入上限 100 列" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04" + bytes(100))
    proc = run("import", "ledger", tmp_path / "坏.xlsx", "--db", db, "--dry-run", check=1)
    assert "“坏.xlsx”不是有效的 Excel 工作簿" in proc.stderr
