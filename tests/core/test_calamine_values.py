"""Values read by python-calamine as openpyxl gave them (io/untrusted_xlsx.py)."""

import datetime as dt

from duban_desktop.io.untrusted_xlsx import UntrustedBook
from tests.hostile_xlsx import sheet_xml, write_xlsx


def test_numbers_dates_offsets_and_escapes(tmp_path):
    rows = [[None, None, None], [None, "标题", None], [None, 12, 12.5], [None, 45000, "是"]]
    path = write_xlsx(tmp_path / "值.xlsx", sheet_xml(rows), sheet_xml([["_x4E2D_文"]]))
    with UntrustedBook(path) as book:
        first, second = book.worksheets
        assert not first.by_openpyxl and second.by_openpyxl  # an escape: read by openpyxl
        assert list(first.rows(2, None, 4)) == [[None, "标题", None, None], [None, 12, 12.5, None],
                                                [None, 45000, "是", None]]
        assert type(list(first.rows(3, 3, 2))[0][1]) is int
        assert list(second.rows()) == [["中文"]]


def test_a_date_cell_is_a_datetime(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active["A1"] = dt.date(2026, 3, 4)
    wb.save(tmp_path / "日期.xlsx")
    with UntrustedBook(tmp_path / "日期.xlsx") as book:
        assert list(book.worksheets[0].rows()) == [[dt.datetime(2026, 3, 4)]]
