"""SQL-backed lazy table models (Anki's browser model).

One query filters and sorts and returns only ids; ``data()`` fetches rows a page at a
time into a small cache; sorting reruns the query; selection is kept by id. Text search
runs the id query off the GUI thread so typing never freezes the window.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Signal
from PySide6.QtGui import QColor

from ...domain import case_list, ledger
from ...domain import state as states
from ...domain.dates import format_cn
from ...domain.vocab import CASE_KINDS, CASE_STATES, ITEM_SOURCES, ITEM_STATES
from .. import tasks
from ..qt import ALIGN_CENTER, ALIGNMENT, BACKGROUND, DISPLAY, FOREGROUND, TOOLTIP, USER
from ..startup import preload as preloads

log = logging.getLogger(__name__)

# a row's (background, text) colours, handed to Qt as they are: a QColor is painted as a
# solid brush, and not loading QBrush (with QImage's and QGradient's enums) saves a few
# ms of every start
RED = (QColor("#f9d6d5"), QColor("#8a1c1c"))
YELLOW = (QColor("#fff1c2"), QColor("#6b4e00"))
GREEN = (QColor("#dcefdc"), QColor("#1e5b2a"))
GREY = (QColor("#ececec"), QColor("#7a7a7a"))
BLUE = (QColor("#dde8f6"), QColor("#1f3f6e"))  # the office has it (待审理, 待反馈)
ORANGE = (QColor("#fbdcc4"), QColor("#7a3306"))  # the office has kept it too long
# domain/state.py's tones
TONE_COLOURS = {"overdue": RED, "due_soon": YELLOW, "waiting": BLUE, "office_late": ORANGE,
                "closed": GREEN, "voided": GREY}

# Roles are plain ints (ui/qt.py): Qt asks data() for some 2,000 cells on every
# paint, and comparing with a PySide enum member costs microseconds each time.
ID_ROLE = USER + 1
ROW_ROLES = frozenset((DISPLAY, BACKGROUND, FOREGROUND, TOOLTIP))
NO_COLOURS = (None, None)


class RowView:
    """One row as the table shows it, made once when the row is fetched: the texts and
    tooltips per column and the row's colours."""

    __slots__ = ("record", "display", "tooltip", "colours")

    def __init__(self, record, display: tuple, tooltip: tuple | None = None, colours=None):
        self.record = record
        self.display = display
        self.tooltip = tooltip or display
        self.colours = colours or NO_COLOURS


class LazyTableModel(QAbstractTableModel):
    COLUMNS: list[tuple[str, str]] = []  # (sort key or "", header)
    WIDTHS: list[int] = []  # default column widths (pixels)
    DEFAULT_SORT = (0, False)  # column, descending
    PAGE = 200
    CACHE_ROWS = 3000

    loaded = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ids: Sequence[int] = []  # a list, or an IdList (db/ids.py) as the queries return it
        self._rows_by_id: OrderedDict[int, object] = OrderedDict()
        self._index_of: dict[int, int] | None = None
        self.sort_column, self.descending = self.DEFAULT_SORT
        self._generation = itertools.count(1)
        self._latest = 0
        self.today = dt.date.today()
        # False until the first reload(): setting up the view (sort indicator, restored
        # header state) only records the sort instead of querying once per step
        self.live = False
        # the ids a worker read at start (ui/startup/preload.py), taken by the first reload if
        # it asks the same question
        self.preload: preloads.Preload | None = None

    # --- subclasses
    def query_ids(self, sort: str, descending: bool) -> list[int]:
        raise NotImplementedError

    def fetch(self, ids: list[int]) -> dict[int, object]:
        raise NotImplementedError

    def view(self, record) -> RowView:
        """How a fetched record shows (texts, tooltips, colours)."""
        raise NotImplementedError

    ALIGN: dict[int, int] = {}  # column -> alignment, where not the default

    # --- loading
    def sort_key(self) -> str:
        """The sort column's key (the first column's when it cannot be sorted)."""
        key = self.COLUMNS[self.sort_column][0]
        return key or self.COLUMNS[0][0]

    def reload(self, background: bool = False) -> None:
        self.live = True
        self.today = dt.date.today()
        sort, descending = self.sort_key(), self.descending
        generation = next(self._generation)
        self._latest = generation
        if background:  # the search: off the GUI thread (ui/tasks.py); a failure is logged, the list kept
            tasks.run_in_background(lambda _progress: self.query_ids(sort, descending), name="search",
                                    on_done=lambda ids: self._apply_ids(generation, ids), owner=self)
            return
        ids = preloads.answer_once(self, preloads.ids_key(self.filter, sort, descending, self.today),
                                   lambda: self.query_ids(sort, descending))
        self._apply_ids(generation, ids)

    def sort_setting(self) -> str:
        return preloads.sort_text(self.sort_key(), self.descending)

    def _apply_ids(self, generation: int, ids: Sequence[int]) -> None:
        if generation != self._latest:
            return  # an older search finished after a newer one started
        self.beginResetModel()
        self.ids = ids
        self._rows_by_id.clear()
        self._index_of = None
        self.endResetModel()
        self.loaded.emit()

    def current(self) -> bool:
        """Whether the list as loaded still answers today's question (its day, its rules)."""
        return self.live and self.today == dt.date.today() and not getattr(self, "rules_stale", False)

    def replace_row(self, row: int, record) -> None:
        """Show ``record`` (what fetch() returns for its id) in ``row``: one record changed,
        and not its place in the list."""
        self._rows_by_id[self.ids[row]] = self.view(record)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def refresh_rows(self) -> None:
        """Forget cached rows (after an edit) without re-querying ids."""
        self._rows_by_id.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(self.COLUMNS) - 1))

    def row_data(self, row: int) -> RowView | None:
        item_id = self.ids[row]
        found = self._rows_by_id.get(item_id)
        if found is None:
            start = row - row % self.PAGE
            page = self.ids[start:start + self.PAGE]
            fetched = self.fetch(page)
            for key in page:
                if key in fetched:
                    self._rows_by_id[key] = self.view(fetched[key])
            while len(self._rows_by_id) > self.CACHE_ROWS:
                self._rows_by_id.popitem(last=False)
            found = self._rows_by_id.get(item_id)
        return found

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, record_id: int) -> int:
        if self._index_of is None:
            self._index_of = {value: n for n, value in enumerate(self.ids)}
        return self._index_of.get(record_id, -1)

    # --- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def header_texts(self) -> list[str]:
        """The column headers (shown through qt.header_labels)."""
        return [label for _key, label in self.COLUMNS]

    def data(self, index, role=DISPLAY):
        role = int(role)
        if role in ROW_ROLES:
            row = index.row()
            if not (0 <= row < len(self.ids)):
                return None
            view = self.row_data(row)
            if view is None:
                return None
            if role == DISPLAY:
                return view.display[index.column()]
            if role == BACKGROUND:
                return view.colours[0]
            if role == FOREGROUND:
                return view.colours[1]
            return view.tooltip[index.column()]
        if role == ALIGNMENT:
            return self.ALIGN.get(index.column())
        if role == ID_ROLE and 0 <= index.row() < len(self.ids):
            return self.ids[index.row()]
        return None

    # flags(): Qt's own (enabled and selectable); a Python flags() would build Qt's
    # namespace at the first paint (ui/qt.py)

    def sort(self, column: int, order=None) -> None:
        """Qt's sort: ``order`` is Qt.SortOrder (descending is 1). Sorting by the
        order already shown changes nothing and reads nothing."""
        if not (0 <= column < len(self.COLUMNS)) or not self.COLUMNS[column][0]:
            return
        descending = order is not None and order.value == 1
        if (column, descending) == (self.sort_column, self.descending):
            return
        self.sort_column, self.descending = column, descending
        if self.live:
            self.reload()

    def column_of(self, sort: str) -> int:
        """The column sorted by ``sort`` (a key of COLUMNS), or the default's."""
        keys = [key for key, _label in self.COLUMNS]
        return keys.index(sort) if sort in keys else self.DEFAULT_SORT[0]


def _fresh_rules(model) -> states.Rules:
    """The model's rules (the day, the calendar, the settings' limits), read again only on
    a new day or when the window says the settings may have changed (``rules_stale``): a
    step's refresh then reads only the list and the detail."""
    today = dt.date.today()
    if model.rules is None or model.rules_stale or model.rules.today != today:
        model.rules_stale = False
        return states.rules(today)
    return model.rules


class ItemTableModel(LazyTableModel):
    """督查台账: number, title, source, lead unit, person, deadline, days, urges, state."""

    COLUMNS = [
        ("number", "编号"), ("title", "催办项目"), ("source", "立项依据"), ("lead_unit", "主办单位"),
        ("responsible_person", "具体负责人"), ("deadline", "完成时限"), ("days_left", "情况"),
        ("urge_count", "催办次数"), ("state", "状态"),
    ]
    WIDTHS = [150, 300, 86, 150, 80, 118, 100, 66, 70]
    DEFAULT_SORT = (0, True)  # newest first

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filter = ledger.ItemFilter()
        self.rules: states.Rules | None = None
        self.rules_stale = False

    def set_filter(self, f: ledger.ItemFilter, background: bool = False) -> None:
        self.filter = f
        self.reload(background)

    def reload(self, background: bool = False) -> None:
        self.rules = _fresh_rules(self)  # the day, calendar and limits of this load
        super().reload(background)

    def query_ids(self, sort, descending):
        return ledger.item_ids(self.filter, sort, descending, today=self.today, lazy=True)

    def fetch(self, ids):
        return ledger.rows_for(ids)

    def judge(self, row) -> tuple[str, str]:
        """The row's state and tone (domain/state.py)."""
        rules = self.rules or states.rules(self.today)
        code = states.item_state(rules, row.state, row.deadline, row.result_reported_on,
                                 row.completed_on, row.due_on, row.late_units)
        late = states.office_late(rules, row.state, row.result_reported_on, row.passed_on)
        return code, states.tone(code, late)

    def colours(self, row):
        return TONE_COLOURS.get(self.judge(row)[1])

    ALIGN = {6: ALIGN_CENTER, 7: ALIGN_CENTER}

    def view(self, row) -> RowView:
        rules = self.rules or states.rules(self.today)
        code, tone = self.judge(row)
        facts = (rules, code, row.state, row.deadline, row.result_reported_on, row.passed_on,
                 row.due_on, (row.units_done, row.unit_count))
        deadline = format_cn(row.deadline)
        display = (row.number or ("（待批准）" if row.state == "pending_approval" else "（未立项）"),
                   row.title, ITEM_SOURCES.get(row.source, row.source), row.lead_unit,
                   row.responsible_person, deadline, states.describe_item(*facts), row.urge_count,
                   ITEM_STATES.get(row.state, row.state))
        tooltip = list(display)
        if row.deadline != row.original_deadline:
            tooltip[5] = f"原定 {format_cn(row.original_deadline)}，已调整为 {deadline}"
        tooltip[6] = states.explain_item(*facts)
        return RowView(row, display, tuple(tooltip), TONE_COLOURS.get(tone))


class CaseTableModel(LazyTableModel):
    COLUMNS = [
        ("number", "编号"), ("title", "协调事项"), ("kind", "类型"), ("requester", "委托方"),
        ("requested_on", "受托日期"), ("deadline", "办结时限"), ("", "协商次数"), ("state", "进度"),
    ]
    WIDTHS = [140, 320, 80, 150, 118, 118, 66, 70]
    DEFAULT_SORT = (0, True)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filter = case_list.CaseFilter()
        self.rules: states.Rules | None = None
        self.rules_stale = False

    def reload(self, background: bool = False) -> None:
        self.rules = _fresh_rules(self)
        super().reload(background)

    def set_filter(self, f: case_list.CaseFilter, background: bool = False) -> None:
        self.filter = f
        self.reload(background)

    def query_ids(self, sort, descending):
        return case_list.case_ids(self.filter, sort, descending, today=self.today, lazy=True)

    def fetch(self, ids):
        return case_list.rows_for(ids)

    def colours(self, row):
        rules = self.rules or states.rules(self.today)
        return TONE_COLOURS.get(states.tone(states.case_state(rules, row.state, row.deadline)))

    ALIGN = {6: ALIGN_CENTER}

    def view(self, row) -> RowView:
        display = (row.number, row.title, CASE_KINDS.get(row.kind, row.kind), row.requester,
                   format_cn(row.requested_on) or "—", format_cn(row.deadline) or "—", row.sessions,
                   CASE_STATES.get(row.state, row.state))
        return RowView(row, display, None, self.colours(row))
