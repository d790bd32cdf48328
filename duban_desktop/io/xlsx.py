"""Writing Excel workbooks safely and fast (openpyxl ``write_only`` mode).

What every sheet we write shares:

- ``safe_text``: no cell ever becomes a formula or an error value from data, control
  characters are dropped, and text longer than a cell holds is cut with a visible mark
  (the database keeps it whole);
- ``StyleBook``: cell styles built once per workbook and shared by every cell that uses
  them (``WriteOnlyCell`` styles, as ``write_only`` mode requires);
- ``RowStream``: writes rows through a fixed set of reused cells. openpyxl's own
  ``append`` of styled cells costs an exception and a new cell per value; the stream
  hooks the worksheet's row conversion so styled rows cost about what plain values do.
  Without the hook (a future openpyxl) rows still go through ``append`` correctly;
- ``print_setup``: A4 landscape, fit to width, header rows repeated, page numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from ..domain.text import strip_illegal

CELL_LIMIT = 32767
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.0%"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
_FORMULA_START = ("=", "+", "-", "@")


def cut_mark(total: int) -> str:
    return f"……(内容过长,此处已截断;全文共 {total} 字,完整保存在督办 Desktop 中)"


def is_cut(text: str) -> bool:
    """True when ``text`` ends with the mark ``safe_text`` puts on cut text."""
    return text.endswith("完整保存在督办 Desktop 中)") and "此处已截断" in text[-60:]


def safe_text(value: str) -> tuple[str, bool]:
    """(text a cell can hold, whether it was cut)."""
    text = strip_illegal(value)
    if len(text) <= CELL_LIMIT:
        return text, False
    mark = cut_mark(len(text))
    return text[: CELL_LIMIT - len(mark)] + mark, True


def needs_quote(text: str) -> bool:
    """Text that Excel would read as a formula when a user edits the cell."""
    return text.startswith(_FORMULA_START)


# ------------------------------------------------------------------ styles

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# row colours by state (Excel's own "bad / neutral / good" palette, and grey)
FILLS = {
    "overdue": ("FFC7CE", "9C0006"),
    "due_soon": ("FFEB9C", "7F6000"),
    "waiting": ("DDEBF7", "1F3864"),  # reported on time, waiting for the office (state.py)
    "office_late": ("F8CBAD", "833C0B"),  # the office's own lateness in 审理 or 反馈
    "closed": ("C6EFCE", "006100"),
    "voided": ("E7E6E6", "595959"),
}
HEADER_FILL = "D9E1F2"
GROUP_FILL = "EDEDED"


@dataclass(frozen=True)
class CellSpec:
    """How one kind of cell looks; hashable, so styles are built once each."""

    kind: str = "text"  # text | center | date | int | percent
    tone: str = ""  # "" or a key of FILLS, or "header", "title", "subtitle", "group", "note"
    size: float = 10
    bold: bool = False
    quote: bool = False


class StyleBook:
    """Style arrays for one workbook, made once per ``CellSpec`` and shared."""

    def __init__(self, ws):
        self._ws = ws
        self._made: dict[CellSpec, object] = {}
        self._ids: dict[CellSpec, str] = {}
        self.cut = 0  # cells cut to the cell limit, over every sheet using this book

    def get(self, spec: CellSpec):
        style = self._made.get(spec)
        if style is None:
            style = self._made[spec] = self._build(spec)
        return style

    def sid(self, spec: CellSpec) -> str:
        """The workbook's style index for ``spec`` (as a cell's ``s`` attribute)."""
        found = self._ids.get(spec)
        if found is None:
            cell = WriteOnlyCell(self._ws)
            cell._style = self.get(spec)
            found = self._ids[spec] = str(cell.style_id)
        return found

    def _build(self, spec: CellSpec):
        cell = WriteOnlyCell(self._ws)
        color, fill = None, None
        if spec.tone in FILLS:
            back, color = FILLS[spec.tone]
            fill = back
        elif spec.tone == "header":
            fill = HEADER_FILL
        elif spec.tone == "group":
            fill = GROUP_FILL
        name = TITLE_FONT if spec.tone in ("title", "header", "group") else BODY_FONT
        cell.font = Font(name=name, size=spec.size, bold=spec.bold or spec.tone == "title",
                         color=color)
        if fill:
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        if spec.tone not in ("title", "subtitle", "note"):
            cell.border = GRID
        if spec.tone == "title":
            cell.alignment = Alignment(horizontal="center", vertical="center")
        elif spec.tone in ("subtitle", "note"):
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        elif spec.tone == "header":
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif spec.kind == "text":
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        else:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=spec.kind == "center")
        if spec.kind == "date":
            cell.number_format = DATE_FORMAT
        elif spec.kind == "percent":
            cell.number_format = PERCENT_FORMAT
        elif spec.kind == "int":
            cell.number_format = "0"
        if spec.quote:
            cell.quotePrefix = True
        return cell._style


# ------------------------------------------------------------------ writing rows


def text_width(text: str) -> int:
    """Display width: a Chinese character counts 2, a Latin letter or digit 1 (fast)."""
    return (len(text.encode("utf-8")) + len(text)) >> 1


def line_count(text: str, capacity: float) -> int:
    """Lines ``text`` takes when wrapped in a column holding ``capacity`` width units."""
    if "\n" in text:
        return sum(line_count(part, capacity) for part in text.split("\n"))
    return max(1, -int(-text_width(text) // capacity))


_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class RowStream:
    """Rows of styled cells for one write-only sheet.

    Row heights are set from the wrapped text (Excel and LibreOffice do not fit the
    height of a row on opening a file; without this, long text hides behind the next row).

    Speed: openpyxl writes a styled cell through a Cell object, a value check, a style
    lookup and nested XML contexts (about 25 µs). When this openpyxl has the write-only
    hooks we rely on, the stream hands the sheet's writer ready rows instead: values
    already checked by ``safe_text``, style ids looked up once per kind of cell, each
    row one XML element. Otherwise it falls back to reused ``WriteOnlyCell``s.
    """

    def __init__(self, ws, styles: StyleBook, widths: Sequence[float]):
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.styles = styles
        self.row = 0
        width = len(widths)
        # width units a 10 pt Chinese/Latin half-character takes in an Excel column
        self._capacity = [max(1.0, (w - 1.0) / 0.85) for w in widths]
        self._letters = [get_column_letter(i) for i in range(1, width + 1)]
        self._cells = [WriteOnlyCell(ws) for _ in range(width)]
        for column, cell in enumerate(self._cells, 1):
            cell.column = column
        self._quoted: dict[CellSpec, CellSpec] = {}
        self._fast: bool | None = None  # decided at the first row (after the sheet's set-up)

    # -- the direct path

    def _start(self) -> None:
        ws = self.ws
        try:
            ws._get_writer()
            writer = ws._writer
            if not callable(writer.write_row) or not hasattr(ws, "_values_to_row"):
                raise AttributeError("write_row")
            writer.write_row = self._write_prepared
            ws._values_to_row = lambda row, row_idx: row
            self._fast = True
        except AttributeError:  # another openpyxl: go through cells
            ws._values_to_row = self._prepared
            self._fast = False

    def _write_prepared(self, xf, row, row_idx) -> None:
        from openpyxl.xml.functions import Element, SubElement

        r = str(row_idx)
        attrs = {"r": r}
        extra = dict.get(self.ws.row_dimensions, row_idx)
        if extra:
            attrs.update(extra)
        element = Element("row", attrs)
        for letter, kind, value, sid in row:
            if kind == "s":
                cell = SubElement(element, "c", {"r": letter + r, "s": sid, "t": "inlineStr"})
                text = SubElement(SubElement(cell, "is"), "t")
                text.text = value
                if value != value.strip():
                    text.set(_XML_SPACE, "preserve")
            elif kind == "n":
                cell = SubElement(element, "c", {"r": letter + r, "s": sid, "t": "n"})
                SubElement(cell, "v").text = value
            else:
                SubElement(element, "c", {"r": letter + r, "s": sid})
        xf.write(element)

    # -- through openpyxl's cells

    @staticmethod
    def _prepared(cells, row_idx):
        for cell in cells:
            cell.row = row_idx
            yield cell

    def write(self, values: Sequence, specs: Sequence[CellSpec], *, height: float | None = None,
              fit: bool = True, min_height: float = 0) -> None:
        """One row: ``values[i]`` shown as ``specs[i]``; None leaves an empty styled cell.

        The row is as tall as its longest wrapped text (``fit``), or ``height`` points.
        """
        if self._fast is None:
            self._start()
        fast = self._fast
        sid = self.styles.sid
        letters = self._letters
        lines, size = 1, 10.0
        capacity = self._capacity
        prepared = []
        for index, (value, spec) in enumerate(zip(values, specs, strict=False)):
            kind = None
            if value.__class__ is bool:
                value = "是" if value else "否"
            if value is None or value == "":
                value = None
            elif value.__class__ is str:
                kind = "s"
                if not value.isprintable() or len(value) > CELL_LIMIT:
                    value, cut = safe_text(value)
                    self.styles.cut += cut
                if fit and value and spec.kind in ("text", "center"):
                    n = line_count(value, capacity[index] * 10 / spec.size)
                    if n > lines:
                        lines, size = n, spec.size
                if value.startswith(_FORMULA_START):
                    spec = self._quote(spec)  # text, and stays text when a user edits it
            elif isinstance(value, (int, float)):
                kind = "n"
            elif isinstance(value, dt.date):
                kind = "d"
            else:
                kind, value = "s", safe_text(str(value))[0]
            if fast:
                if kind == "d":
                    serial = value.toordinal() - _EXCEL_EPOCH
                    if isinstance(value, dt.datetime):
                        seconds = value.hour * 3600 + value.minute * 60 + value.second
                        serial = repr(serial + seconds / 86400) if seconds else serial
                    kind, value = "n", str(serial)
                elif kind == "n":
                    value = safe_string(value) if value.__class__ is float else str(int(value))  # (as openpyxl writes it)
                prepared.append((letters[index], kind, value, sid(spec)))
            else:
                cell = self._cells[index]
                cell._style = self.styles.get(spec)
                cell.value = value
                if kind == "s":
                    cell.data_type = "s"  # never a formula or an error value
                prepared.append(cell)
        self.row += 1
        if height is None and lines > 1:
            height = min(409.0, lines * size * 1.38 + 6)
        if min_height and (height or 0) < min_height:
            height = min_height
        dims = self.ws.row_dimensions
        if height is not None:
            # a plain dict is what the writer reads; dropped once the row is written
            dict.__setitem__(dims, self.row, {"ht": f"{height:.1f}", "customHeight": "1"})
        self.ws.append(prepared)
        if height is not None:
            dict.pop(dims, self.row, None)

    def _quote(self, spec: CellSpec) -> CellSpec:
        quoted = self._quoted.get(spec)
        if quoted is None:
            quoted = self._quoted[spec] = CellSpec(spec.kind, spec.tone, spec.size, spec.bold, True)
        return quoted

    def blank(self) -> None:
        if self._fast is None:
            self._start()
        self.row += 1
        self.ws.append([])


def set_default_font(wb, name: str = BODY_FONT, size: float = 11) -> None:
    """The workbook's Normal font, which sets what one unit of column width is.

    With 宋体 (as WPS and Chinese Excel use) rather than openpyxl's Calibri, columns come
    out about as wide in Excel, WPS and LibreOffice (which has no Calibri on many
    machines and would otherwise use a much wider stand-in). Call before any style.
    """
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=name, size=size)
    try:
        wb._fonts = IndexedList([font])
        wb._named_styles[0].font = font
    except (AttributeError, IndexError, TypeError):  # another openpyxl: keep its default
        pass


# ------------------------------------------------------------------ page set-up


def set_widths(ws, widths: Iterable[float]) -> None:
    """Column widths (before the first row, as write-only mode requires)."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def print_setup(ws, *, title_rows: str | None, landscape: bool = True,
                footer: str = "第 &P 页,共 &N 页") -> None:
    """A4, fit to page width, header rows on every page, page numbers in the footer."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.55
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.25
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = footer
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = BODY_FONT
    if title_rows:
        ws.print_title_rows = title_rows
