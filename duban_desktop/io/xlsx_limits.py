"""The limits and checks of a workbook the office did not make (io/untrusted_xlsx.py reads it).

Every number here is a limit no office ledger reaches; each refusal is a FileError whose
Chinese message names the file, the limit and what to do. ``_Feed`` is the streaming XML
parser every part is probed with: no DTD is loaded, no entity resolved, and a DTD refuses.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from ..domain.text import strip_illegal
from .files import FileError

MiB = 1024 * 1024
# Limits no office ledger reaches, that keep a read under 500 MB and 30 s. A 100,000-row
# ledger of our own export: 2.7 million cells over 27 columns, a 185 MB worksheet XML
# compressed 12.7 times, at most a few KB of XML a row.
MAX_ROWS = 200_000  # the last row holding a value
MAX_COLUMNS = 100  # the last column holding a value
MAX_CELLS = 3_000_000  # cells holding a value, in one sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_MERGES = 200_000  # merged ranges in one sheet
MAX_SHARED_STRINGS = 1_000_000
MAX_PARTS = 10_000  # files inside the zip
MAX_SHEET_BYTES = 512 * MiB  # one worksheet's XML, uncompressed (read as a stream)
MAX_STRINGS_BYTES = 128 * MiB  # the shared strings (kept in memory by openpyxl)
MAX_TREE_BYTES = 16 * MiB  # any other XML part (openpyxl reads some of them whole)
MAX_TOTAL_BYTES = 1024 * MiB  # all parts, uncompressed
MAX_SHARED_CHARS = 64 * MiB  # shared-string text calamine may copy into one sheet's cells
MAX_ELEMENT_BYTES = 2 * MiB  # XML of one row, or between two rows, or before the sheet data
MAX_RATIO, RATIO_FROM = 200, 10 * MiB  # compression ratio of a part larger than RATIO_FROM
EXCEL_COLUMNS = 16_384  # cells in one row, as Excel has (XFD)
CHUNK = 8 * 1024  # rows of more than a few chunks have their cells checked one by one

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_ROOTS = {"worksheet", "dialogsheet", "macrosheet"}
# parts openpyxl's read-only mode never opens, which may grow large in an office's file
_UNREAD_ROOTS = {"pivotCacheRecords", "pivotCacheDefinition", "pivotTableDefinition", "calcChain",
                 "comments", "externalLink", "queryTable"}
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def decode_escapes(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes decoded; characters no document may hold dropped."""
    if "_x" not in text:
        return text
    return strip_illegal(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


class Merge(NamedTuple):
    min_row: int
    min_col: int
    max_row: int
    max_col: int


def _damaged(name: str) -> FileError:
    return FileError(f"“{name}”不是有效的 Excel 工作簿（.xlsx），或已损坏、已加密。"
                     "请在 Excel 或 WPS 中打开它，去掉密码后“另存为”Excel 工作簿（*.xlsx）再导入。")


def _odd(name: str, what: str) -> FileError:
    return FileError(f"文件“{name}”{what}，不像 Excel 或 WPS 保存的工作簿，为安全起见不导入。"
                     "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（*.xlsx）后再导入。")


def _mb(size: int) -> str:
    return f"{size / MiB:.0f} MB" if size >= MiB else f"{size / 1024:.0f} KB"


def _zip_entries(path: Path) -> int | None:
    """Entries the zip's end record announces (None: no end record, not a zip)."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))  # the end record and a comment of at most 64 KB
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


class _Feed:
    """A zip part fed to an lxml pull parser in chunks; knows how many bytes went in."""

    def __init__(self, zf: zipfile.ZipFile, part: str, tags=None):
        self.src = zf.open(part)
        self.parser = etree.XMLPullParser(events=("start", "end"), tag=tags, resolve_entities=False,
                                          load_dtd=False, no_network=True, huge_tree=False)
        self.fed = 0
        self.root = None

    def events(self) -> Iterator[tuple[str, etree._Element]]:
        """(event, element) for the tags asked for; a DTD is refused on the first element."""
        try:
            while True:
                data = self.src.read(CHUNK)
                if data:
                    self.fed += len(data)
                    self.parser.feed(data)
                else:
                    self.parser.close()
                for event, element in self.parser.read_events():
                    if self.root is None:
                        self.root = element
                        if element.getroottree().docinfo.doctype:
                            raise _DtdFound
                    yield event, element
                if not data:
                    return
                yield "chunk", None
        finally:
            self.src.close()


class _DtdFound(Exception):
    pass


class SheetScan(NamedTuple):
    max_row: int  # the last row holding a value (0: none)
    max_column: int
    cells: int
    merges: list[Merge]  # clipped to the rows and columns holding values
    shared_cells: int  # cells holding a shared string
    escapes: bool  # a text other than a shared string holds an ``_xHHHH_`` escape


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
