"""Workbooks made by hand (zip + XML), as a program other than ours or an attacker makes them.

    write_xlsx(path, sheet_xml([["督办事项", "承办单位"], ["事项", "县财政局"]], merges=["A3:XFD1048576"]))

Used by tests/core/test_hostile_workbooks.py and tests/benchmarks/bench_import_memory.py.
Strings are inline (``t="inlineStr"``) unless ``shared`` strings are given and a cell holds
``Shared(index)``; numbers are plain ``<v>`` values. Nothing here goes through openpyxl, so
a file can say whatever a hostile file says.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = ["序号", "督办事项", "承办单位", "完成时限", "办理情况"]


class Shared(int):
    """A cell holding shared string number ``self``."""


def cell_xml(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Shared):
        return f'<c r="{ref}" t="s"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, merges=(), dimension: str | None = None, first_row: int = 1) -> bytes:
    body = []
    for number, values in enumerate(rows, start=first_row):
        cells = "".join(cell_xml(f"{get_column_letter(i + 1)}{number}", v) for i, v in enumerate(values))
        body.append(f'<row r="{number}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = ""
    if merges:
        merged = f'<mergeCells count="{len(merges)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dim}<sheetData>{"".join(body)}</sheetData>'
            f"{merged}</worksheet>").encode()


def shared_xml(strings: list[str]) -> bytes:
    items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()


def write_xlsx(path: Path, *sheets: bytes, shared: bytes | None = None, names=None,
               compression: int = zipfile.ZIP_DEFLATED, extra: dict[str, bytes] | None = None) -> Path:
    """A workbook of ``sheets`` (worksheet XML parts), with ``shared`` strings if given."""
    names = list(names or [f"Sheet{i + 1}" for i in range(len(sheets))])
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                    f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(len(sheets)))
    if shared is not None:
        types += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + types + "</Types>"),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><sheets>' + "".join(
                f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
                      f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
            + (f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else "")
            + "</Relationships>"),
    }
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        for i, data in enumerate(sheets):
            zf.writestr(f"xl/worksheets/sheet{i + 1}.xml", data)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def small_ledger_rows(n: int = 3) -> list[list]:
    """A title row, a header, ``n`` items: what the merge bomb of issue 15 wrapped."""
    rows = [["青山县督办台账"], [], HEADERS]
    for i in range(1, n + 1):
        rows.append([i, f"督办事项{i}", "县财政局", "2026年6月30日", "正在推进"])
    return rows


def merge_bomb(path: Path) -> Path:
    """A few KB: a small ledger and ``<mergeCell ref="A3:XFD1048576"/>`` (issue 15)."""
    return write_xlsx(path, sheet_xml(small_ledger_rows(), merges=["A1:E1", "A3:XFD1048576"],
                                      dimension="A1:XFD1048576"))


def many_cells(path: Path, rows: int, columns: int = 20) -> Path:
    """A header and ``rows`` rows of ``columns`` cells each (written fast, without openpyxl)."""
    header = HEADERS + [f"附加{i}" for i in range(len(HEADERS), columns)]
    strings = ["县财政局", "2026年6月30日", "正在推进"]
    head = sheet_xml([header[:columns]]).split(b"<sheetData>")[0] + b"<sheetData>"
    first = sheet_xml([header[:columns]]).split(b"<sheetData>")[1].split(b"</sheetData>")[0]
    chunks = [head, first]
    for number in range(2, rows + 2):
        cells = [f'<c r="A{number}"><v>{number - 1}</v></c>',
                 f'<c r="B{number}" t="inlineStr"><is><t>督办事项{number - 1}</t></is></c>']
        cells += [f'<c r="{get_column_letter(c + 1)}{number}" t="s"><v>{c - 2}</v></c>' for c in range(2, 5)]
        cells += [f'<c r="{get_column_letter(c + 1)}{number}"><v>{c}</v></c>' for c in range(5, columns)]
        chunks.append(f'<row r="{number}">{"".join(cells)}</row>'.encode())
    chunks.append(b"</sheetData></worksheet>")
    return write_xlsx(path, b"".join(chunks), shared=shared_xml(strings))
