"""Reading a workbook the office did not make: bounded by construction (issue 15).

    with UntrustedBook(path) as book:            # the package is checked; FileError if refused
        sheet = book.sheet("2026年督办事项")       # its XML is scanned once, before any reader opens it
        for values in sheet.rows(1, 30, width):  # python-calamine (or openpyxl), decoded, padded
            ...
        sheet.merged                             # merged ranges, clipped to the data area

Before openpyxl builds anything, the zip is inspected (number of parts, each part's size
and compression ratio: zip bombs) and every XML part is probed with a streaming parser
that loads no DTD and resolves no entity (a DTD is refused: Excel and WPS never write
one). A worksheet is scanned the same way before its rows are read: the rows, columns and
cells that hold a value, the length of each text, the XML one row takes, the merged
ranges. Merged ranges are clipped here to the cells that hold values (openpyxl's full mode
expands them: a 4.9 KB file with ``<mergeCell ref="A3:XFD1048576"/>`` made it allocate 23.7 GB).

The values are then read by python-calamine (Rust; a 100,000-row ledger in seconds, where
openpyxl's read-only mode took 45 s), which loads one whole sheet at a time: a shared string
is copied into every cell that uses it, so a sheet whose shared strings could grow past
``MAX_SHARED_CHARS`` is read by openpyxl's read-only mode instead, which streams its rows and
shares the strings. Calamine returns numbers as floats (12.0 is read as 12, as openpyxl
does), dates as ``date`` (read as midnight ``datetime``, as openpyxl does), empty cells and
error cells (#N/A) as "" (read as None).

Excel's escapes ``_xHHHH_`` in strings (OOXML ST_Xstring: ``_x000D_`` is a carriage
return, ``_x005F_`` an underscore) are decoded; the characters no document may hold
(``_x0001_``) are dropped, and line ends normalised, by the rule of ``domain.text``.
openpyxl 3.1 decodes none of them, and removes ``x005F_`` from shared strings only: those
strings are read again here from their raw text, so every string is decoded once. Calamine
decodes some escapes and not others (``_x0041_`` but not ``_x4E2D_``), so what it returns
cannot be decoded exactly once: a sheet whose texts hold an escape (seen by the scan) is read
by openpyxl, as above.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .files import FileError
from .xlsx_limits import (  # noqa: F401 - Merge is this module's too
    _ESCAPE,
    _SHEET_ROOTS,
    _UNREAD_ROOTS,
    _XML_SUFFIXES,
    CHUNK,
    EXCEL_COLUMNS,
    MAIN,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ELEMENT_BYTES,
    MAX_MERGES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHARED_CHARS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_BYTES,
    MAX_STRINGS_BYTES,
    MAX_TOTAL_BYTES,
    MAX_TREE_BYTES,
    RATIO_FROM,
    Merge,
    MiB,
    SheetScan,
    _damaged,
    _DtdFound,
    _Feed,
    _local,
    _mb,
    _odd,
    _zip_entries,
    decode_escapes,
)


class UntrustedBook:
    """A workbook checked part by part, then read by python-calamine (or openpyxl, see above)."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        try:
            entries = _zip_entries(path)
            if entries is None:
                raise _damaged(self.name)
            if entries >= min(MAX_PARTS, 0xFFFF):
                raise _odd(self.name, f"里有 {entries} 个部件，超过上限 {MAX_PARTS} 个")
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise _damaged(self.name) from exc
        self._fh = self.wb = self.cb = None
        self._sst_escapes, self._sst_longest = False, 0
        self._loaded: tuple[str, object] | None = None  # the one sheet calamine holds in memory
        try:
            self._raw_strings = self._check_parts()
            self.cb = CalamineWorkbook.from_path(path)
            self._parts = {title: part for part, title in _sheet_titles(self.zip).items()}
        except BaseException as exc:
            self.close()
            if isinstance(exc, (FileError, OSError, MemoryError)) or not isinstance(exc, Exception):
                raise
            raise _damaged(self.name) from exc  # the readers raise many kinds on odd files
        self._sheets: dict[str, Sheet] = {}

    def _openpyxl(self):
        """openpyxl's read-only workbook, for the sheets calamine cannot read exactly."""
        if self.wb is None:
            try:
                self._fh = self.path.open("rb")  # a file object: openpyxl does not judge by the name
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # WPS files: unknown extensions, no default style
                    self.wb = load_workbook(self._fh, read_only=True, data_only=True, keep_links=False,
                                            rich_text=False)
            except (FileError, OSError, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on odd files
                raise _damaged(self.name) from exc
            self._fix_shared_strings()
        return self.wb

    def _calamine(self, name: str):
        """Calamine's sheet ``name``, loaded whole (only the last one asked for is kept)."""
        if self._loaded is None or self._loaded[0] != name:
            self._loaded = None
            try:
                self._loaded = (name, self.cb.get_sheet_by_name(name))
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - what calamine finds broken
                raise _damaged(self.name) from exc
        return self._loaded[1]

    # -------------------------------------------------------------- the package

    def _check_parts(self) -> dict[int, str]:
        """Checks the zip and every XML part; scans every worksheet (openpyxl's read-only mode
        parses a whole worksheet on opening when it has no ``<dimension>``)."""
        infos = self.zip.infolist()
        if len(infos) > MAX_PARTS:
            raise _odd(self.name, f"里有 {len(infos)} 个部件，超过上限 {MAX_PARTS} 个")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise _odd(self.name, f"解压后有 {_mb(total)}，超过导入上限 {_mb(MAX_TOTAL_BYTES)}")
        raw_strings: dict[int, str] = {}
        sheets = []
        for info in infos:
            if info.file_size > MAX_SHEET_BYTES:
                raise _odd(self.name, f"中的“{info.filename}”解压后有 {_mb(info.file_size)}，"
                                      f"超过导入上限 {_mb(MAX_SHEET_BYTES)}")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
                raise _odd(self.name, f"中的“{info.filename}”压缩了 {ratio:.0f} 倍（{_mb(info.compress_size)}"
                                      f"解压成 {_mb(info.file_size)}），超过上限 {MAX_RATIO} 倍，像是“压缩炸弹”")
            if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                root = self._probe(info)
                if root == "sst":
                    raw_strings = self._check_strings(info)
                elif root in _SHEET_ROOTS:
                    sheets.append(info.filename)
                elif root not in _UNREAD_ROOTS and info.file_size > MAX_TREE_BYTES:
                    raise _odd(self.name, f"中的“{info.filename}”有 {_mb(info.file_size)}，"
                                          f"超过上限 {_mb(MAX_TREE_BYTES)}")
        titles = _sheet_titles(self.zip)
        self._scans = {part: _scan(self, part, titles.get(part, part)) for part in sheets}
        return raw_strings

    def _probe(self, info: zipfile.ZipInfo) -> str:
        """The name of a part's root element; a DTD is refused."""
        feed = _Feed(self.zip, info.filename)
        try:
            for event, element in feed.events():
                if event == "start":
                    return _local(element.tag)
                if feed.fed > MAX_ELEMENT_BYTES:
                    break
        except _DtdFound:
            raise _odd(self.name, f"的“{info.filename}”含有文档类型定义（DTD）") from None
        except etree.XMLSyntaxError as exc:
            raise _damaged(self.name) from exc
        finally:
            feed.src.close()
        return ""

    def _check_strings(self, info: zipfile.ZipInfo) -> dict[int, str]:
        """Checks every shared string; the raw text of those openpyxl changes (``_x005F_``)."""
        if info.file_size > MAX_STRINGS_BYTES:
            raise _odd(self.name, f"的共享文字（sharedStrings.xml）有 {_mb(info.file_size)}，"
                                  f"超过导入上限 {_mb(MAX_STRINGS_BYTES)}")
        feed = _Feed(self.zip, info.filename, tags=(MAIN + "si",))
        raw: dict[int, str] = {}
        count, mark = 0, 0
        try:
            for event, element in feed.events():
                if event == "end":
                    text = "".join(t.text or "" for t in element.iter(MAIN + "t")
                                   if t.getparent().tag != MAIN + "rPh")
                    if len(text) > MAX_CELL_CHARS:
                        raise FileError(f"文件“{self.name}”中有一个单元格有 {len(text)} 个字，超过 Excel "
                                        f"单元格的上限 {MAX_CELL_CHARS} 个字。请删减这段文字后再导入。")
                    if "_x" in text and _ESCAPE.search(text):
                        self._sst_escapes = True
                        if "_x005F_" in text:
                            raw[count] = text
                    self._sst_longest = max(self._sst_longest, len(text))
                    count += 1
                    if count > MAX_SHARED_STRINGS:
                        raise _odd(self.name, f"有超过 {MAX_SHARED_STRINGS} 段不同的文字")
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
                    mark = feed.fed
                elif feed.fed - mark > MAX_ELEMENT_BYTES:
                    raise _odd(self.name, f"的共享文字中有一段超过 {_mb(MAX_ELEMENT_BYTES)}")
        except _DtdFound:
            raise _odd(self.name, "的共享文字含有文档类型定义（DTD）") from None
        except etree.XMLSyntaxError as exc:
            raise _damaged(self.name) from exc
        return raw

    def _fix_shared_strings(self) -> None:
        if not self._raw_strings:
            return
        for ws in self.wb.worksheets:
            strings = getattr(ws, "_shared_strings", None)
            if strings is not None:
                for index, text in self._raw_strings.items():
                    if index < len(strings):
                        strings[index] = text
                return

    # -------------------------------------------------------------- the sheets

    @property
    def sheetnames(self) -> list[str]:
        return list(self.cb.sheet_names)

    def _tables(self) -> list[str]:
        return [m.name for m in self.cb.sheets_metadata if m.typ != SheetTypeEnum.ChartSheet]

    @property
    def worksheets(self) -> list[Sheet]:
        return [self.sheet(name) for name in self._tables()]

    @property
    def active(self) -> Sheet | None:
        tab, names, tables = _active_tab(self.zip), self.sheetnames, self._tables()
        if 0 <= tab < len(names) and names[tab] in tables:
            return self.sheet(names[tab])
        return self.sheet(tables[0]) if tables else None

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            meta = next((m for m in self.cb.sheets_metadata if m.name == name), None)
            if meta is None:
                raise KeyError(name)
            if meta.typ == SheetTypeEnum.ChartSheet:
                raise FileError(f"“{name}”是图表，不是表格。请选择台账所在的工作表。")
            scan = self._scans.get(self._parts.get(name, ""))
            if scan is None:  # never read a sheet the scan has not seen
                raise _damaged(self.name)
            self._sheets[name] = Sheet(self, name, _state(meta.visible), scan)
        return self._sheets[name]

    def close(self) -> None:
        self._loaded = None
        for reader in (self.wb, self.cb):
            if reader is not None:
                with contextlib.suppress(Exception):  # calamine: WorkbookClosed
                    reader.close()
        self.zip.close()
        if self._fh is not None:
            self._fh.close()

    def __enter__(self) -> UntrustedBook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _state(visible) -> str:
    """openpyxl's name of a sheet's state (calamine's enum values cannot be hashed)."""
    if visible == SheetVisibleEnum.Hidden:
        return "hidden"
    return "veryHidden" if visible == SheetVisibleEnum.VeryHidden else "visible"


class Sheet:
    """One worksheet: scanned once (bounded), then read row by row."""

    def __init__(self, book: UntrustedBook, title: str, state: str, scan: SheetScan):
        self.book = book
        self.title = title
        self.sheet_state = state
        self.scan = scan

    @property
    def by_openpyxl(self) -> bool:
        """Calamine cannot read this sheet exactly, or within memory (see the module's text)."""
        book = self.book
        return (self.scan.escapes or (book._sst_escapes and self.scan.shared_cells > 0)
                or self.scan.shared_cells * book._sst_longest > MAX_SHARED_CHARS)

    @property
    def max_row(self) -> int:
        return self.scan.max_row

    @property
    def max_column(self) -> int:
        return self.scan.max_column

    @property
    def merged(self) -> list[Merge]:
        return self.scan.merges

    def rows(self, first: int = 1, last: int | None = None, width: int | None = None) -> Iterator[list]:
        """Values of rows ``first``..``last`` (at most the last row holding a value), ``width`` wide."""
        last = min(last or self.max_row, self.max_row)
        width = width or max(self.max_column, 1)
        if last < first:
            return
        wanted = last - first + 1
        if not self.by_openpyxl:
            yield from self._calamine_rows(first, wanted, width)
            return
        ws = self.book._openpyxl()[self.title]
        rows = ws.iter_rows(min_row=first, max_row=last, max_col=width, values_only=True)
        try:
            while wanted:  # then stop: openpyxl would go on parsing what follows the rows
                try:
                    values = next(rows)
                except StopIteration:
                    return
                except MemoryError:
                    raise
                except Exception as exc:  # noqa: BLE001 - as in scan: what openpyxl finds broken
                    raise _damaged(self.book.name) from exc
                yield [decode_escapes(v) if isinstance(v, str) else v for v in values]
                wanted -= 1
        finally:
            rows.close()

    def _calamine_rows(self, first: int, wanted: int, width: int) -> Iterator[list]:
        sheet = self.book._calamine(self.title)
        start = sheet.start
        if start is None:
            return
        pad = [None] * start[1]  # calamine's rows begin at row 1 but at the first column used
        # (python-calamine 0.9); a text holds no escape here (the scan), so decoding it is exact
        for values in islice(sheet.iter_rows(), first - 1, first - 1 + wanted):
            row = pad + [_value(v) for v in values[:max(width - start[1], 0)]]
            if len(row) < width:
                row += [None] * (width - len(row))
            yield row[:width]


def _value(v):
    """A value from calamine as openpyxl gives it."""
    kind = type(v)
    if kind is str:
        return decode_escapes(v) if v else None
    if kind is float:
        return int(v) if v.is_integer() and -2**53 < v < 2**53 else v
    if kind is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _scan(book: UntrustedBook, part: str, title: str) -> SheetScan:
    try:
        return _scan_rows(book, part, title)
    except _DtdFound:
        raise _odd(book.name, f"的工作表“{title}”含有文档类型定义（DTD）") from None
    except (FileError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - bad XML, bad references, broken deflate data
        raise _damaged(book.name) from exc


_VALUED = "m:c[m:is or m:v[text()]]"  # a cell holding a value; one XPath call a row counts them
_MAYBE_ESCAPED = "m:c[not(@t='s')][contains(., '_x')]"
_VALUED_CELLS = etree.XPath(f"concat(count({_VALUED}), ' ', {_VALUED}[last()]/@r, ' ', "
                            f"count(m:c[@t='s']), ' ', count({_MAYBE_ESCAPED}))",
                            namespaces={"m": MAIN[1:-1]})
_ESCAPED_CELLS = etree.XPath(_MAYBE_ESCAPED, namespaces={"m": MAIN[1:-1]})
_COLUMN_OF = {get_column_letter(i): i for i in range(1, EXCEL_COLUMNS + 1)}


def _scan_rows(book: UntrustedBook, part: str, title: str) -> SheetScan:
    """Rows, columns and cells that hold a value, the length of texts, and the merged ranges;
    what is over a limit is refused as soon as it is seen."""
    name = book.name
    tags = tuple(MAIN + t for t in ("sheetData", "row", "mergeCells", "mergeCell"))
    feed = _Feed(book.zip, part, tags)
    row = cells = max_row = max_col = shared = 0
    escapes = False
    merges: list[Merge] = []
    data = after = False
    mark = start = 0
    for event, element in feed.events():
        tag = _local(element.tag) if element is not None else ""
        if event == "start" and tag == "row":
            r = element.get("r")
            row = int(r) if r else row + 1
            start = feed.fed
        elif event == "end" and tag == "row":
            if len(element) > EXCEL_COLUMNS:
                raise _odd(name, f"的工作表“{title}”第 {row} 行有超过 {EXCEL_COLUMNS} 个单元格")
            valued, last, in_shared, maybe = _VALUED_CELLS(element).split(" ")
            valued, shared = int(valued), shared + int(in_shared)
            if maybe != "0" and not escapes:
                escapes = any(_ESCAPE.search("".join(c.itertext())) for c in _ESCAPED_CELLS(element))
            if valued:
                if last and feed.fed - start + CHUNK <= MAX_CELL_CHARS:  # no text can be too long
                    col = _COLUMN_OF.get(last.rstrip("0123456789"), EXCEL_COLUMNS + 1)
                    cells += valued
                else:
                    col, cells = _check_cells(name, title, row, element, cells)
                where = f"工作表“{title}”的单元格 {last or f'第 {row} 行第 {col} 列'}"
                if col > MAX_COLUMNS:
                    raise FileError(f"文件“{name}”{where} 还有内容，超过了导入上限 {MAX_COLUMNS} 列。"
                                    "请删除台账右侧多余的列后再导入。")
                if row > MAX_ROWS:
                    raise FileError(f"文件“{name}”{where} 还有内容，超过了导入上限 {MAX_ROWS} 行。"
                                    "请删除台账下方多余的行，或把台账分成几个文件后再导入。")
                if cells > MAX_CELLS:
                    raise FileError(f"文件“{name}”的工作表“{title}”中有内容的单元格超过了导入上限 "
                                    f"{MAX_CELLS} 个（到第 {row} 行已有 {cells} 个）。"
                                    "请把台账分成几个文件后再导入。")
                max_row, max_col = max(max_row, row), max(max_col, col)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            mark = feed.fed
        elif event == "start" and tag == "sheetData":
            data, mark = True, feed.fed
        elif event == "end" and tag == "sheetData":
            data, after, mark = False, True, feed.fed
        elif event == "end" and tag == "mergeCell":
            merge = _merge(element.get("ref"))
            if merge is not None:
                merges.append(merge)
                if len(merges) > MAX_MERGES:
                    raise _odd(name, f"的工作表“{title}”有超过 {MAX_MERGES} 处合并单元格")
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            mark = feed.fed
        elif event == "end" and tag == "mergeCells":
            break
        elif event == "chunk" and feed.fed - mark > MAX_ELEMENT_BYTES:
            if after:  # nothing merged near the data: what follows is not ours to read
                break
            where = f"第 {row} 行附近" if data else "表格数据之前"
            raise _odd(name, f"的工作表“{title}”{where}有超过 {_mb(MAX_ELEMENT_BYTES)} 的内容")
    feed.src.close()
    clipped = [Merge(m.min_row, m.min_col, min(m.max_row, max_row), min(m.max_col, max_col))
               for m in merges if m.min_row <= max_row and m.min_col <= max_col]
    return SheetScan(max_row, max_col, cells, clipped, shared, escapes)


def _check_cells(name: str, title: str, row: int, element, cells: int) -> tuple[int, int]:
    """(last column holding a value, cells so far): cell by cell, each text's length checked."""
    col = last = 0
    for c in element.iterchildren(MAIN + "c"):
        ref = c.get("r")
        col = column_index_from_string(coordinate_from_string(ref)[0]) if ref else col + 1
        inline = c.find(MAIN + "is")
        if inline is not None:
            length = sum(len(t.text or "") for t in inline.iter(MAIN + "t"))
        else:
            value = c.find(MAIN + "v")
            length = -1 if value is None or not value.text else len(value.text)
        if length < 0:
            continue
        cells, last = cells + 1, col
        if length > MAX_CELL_CHARS:
            raise FileError(f"文件“{name}”工作表“{title}”的单元格 {ref or f'第 {row} 行第 {col} 列'} "
                            f"有 {length} 个字，超过 Excel 单元格的上限 {MAX_CELL_CHARS} 个字。"
                            "请删减这个单元格的文字后再导入。")
    return last, cells


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> its name, for messages (empty when the workbook part cannot be found:
    openpyxl will then say the file is damaged)."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = next(r.get("Target") for r in _xml(zf, "_rels/.rels")
                    if (r.get("Type") or "").endswith("/officeDocument")).lstrip("/")
        folder, _, file = book.rpartition("/")
        targets = {r.get("Id"): r.get("Target") for r in _xml(zf, f"{folder}/_rels/{file}.rels")}
        titles = {}
        for sheet in _xml(zf, book).iter(MAIN + "sheet"):
            target = targets.get(sheet.get(rel_ns)) or ""
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
            titles[path] = sheet.get("name") or path
        return titles
    except (KeyError, StopIteration, AttributeError, etree.XMLSyntaxError):
        return {}


def _active_tab(zf: zipfile.ZipFile) -> int:
    """The sheet the workbook opens on (``activeTab``; 0 when it says none)."""
    try:
        book = next(r.get("Target") for r in _xml(zf, "_rels/.rels")
                    if (r.get("Type") or "").endswith("/officeDocument")).lstrip("/")
        view = _xml(zf, book).find(f"{MAIN}bookViews/{MAIN}workbookView")
        return int(view.get("activeTab") or 0) if view is not None else 0
    except (KeyError, StopIteration, AttributeError, ValueError, etree.XMLSyntaxError):
        return 0


def _xml(zf: zipfile.ZipFile, part: str):
    """A small part (probed and size-checked already), parsed whole without entities."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return etree.fromstring(zf.read(part), parser)


def _merge(ref: str | None) -> Merge | None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref or "")
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row) or (min_row, min_col) == (max_row, max_col):
        return None
    return Merge(min_row, min_col, max_row, max_col)
