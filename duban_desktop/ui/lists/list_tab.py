"""The shape both the register and the coordination tab share: a filter bar, a lazy
table, and a detail pane with buttons for exactly the steps the rules allow now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import DomainError, NotFound
from ..qt import KEY_DELETE, header_labels
from ..settings_store import ui_settings
from ..startup.preload import read_sort
from .table_models import LazyTableModel


def restore_sort(model: LazyTableModel, settings_key: str) -> None:
    """Give ``model`` the sort its list kept (``ListTab.save_state``), as the start
    read it ahead (ui/startup/start.py), before it first loads."""
    sort, model.descending = read_sort(ui_settings().value(f"{settings_key}/sort"),
                                       [k for k, _ in model.COLUMNS if k], (model.sort_key(), model.descending))
    model.sort_column = model.column_of(sort)


class ListTable(QTableView):
    """The list's table. Delete asks its tab to void the selected record (the window's
    shortcut, when the shortcut map does not see the key first): a key handler rather
    than an event filter, so that only key presses, not every event the table gets,
    reach Python."""

    delete_pressed = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == KEY_DELETE:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class ListTab(QWidget):
    data_changed = Signal()  # something was written: the window refreshes counts and alerts
    SETTINGS_KEY = "list"
    SEARCH_HINT = "搜索"
    HINT = "在左边的表格中选择一件事项,这里显示它的全部内容和办理经过。"
    EMPTY = "还没有事项。"

    def __init__(self, model: LazyTableModel, parent=None, *, sort_now: bool = True):
        """``sort_now``: show the sort and let the headers sort at once; the window's
        first screen leaves that to ``enable_sorting`` after its first paint (Qt's sort
        order is one of the enums ui/qt.py keeps out of the start)."""
        super().__init__(parent)
        self.read_only = False
        self.model = model
        self.selected_id: int | None = None
        self.stale = False  # the detail drawn again when next shown
        self.stale_list = False  # the list read again when next shown
        self._prepared = None  # (id, detail) after_step has read, for the load it starts

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.apply_filter(background=True))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.filter_bar = QHBoxLayout()
        self.filter_bar.addWidget(QLabel("搜索:"))
        self.filter_bar.addWidget(self.search, 2)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")

        self.table = ListTable()
        self.table.setModel(model)
        header_labels(self.table, model.header_texts())
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setHighlightSections(False)
        for column, width in enumerate(model.WIDTHS):
            self.table.setColumnWidth(column, width)
        # activated: Enter/Return on the current row, or a double-click
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.delete_pressed.connect(self._delete_pressed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        model.loaded.connect(self._after_load)

        self.shown = None  # what the detail pane shows (load_detail's), for the step dialogs
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.step_bar = QHBoxLayout()
        self.step_bar.setSpacing(6)
        self.extra_bar = QHBoxLayout()
        detail_box = QWidget()
        self.detail_layout = detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(self.step_bar)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(self.extra_bar)

        self.splitter = QSplitter()  # side by side (Qt's default)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.count_label)
        self.show_record(None)
        if sort_now:
            self.enable_sorting()
        if model.live:  # loaded before this tab was built (ui/main_window.py)
            self._after_load()

    def enable_sorting(self) -> None:
        """Show the model's sort in the header and let a header click sort."""
        from PySide6.QtCore import Qt  # named only after the first paint (ui/qt.py)

        order = Qt.DescendingOrder if self.model.descending else Qt.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column, order)
        self.table.setSortingEnabled(True)  # sorts by the indicator: the model's own order, no query

    # ---- subclasses
    def current_filter(self):
        raise NotImplementedError

    def load_record(self, record_id: int):
        """The record as a step's dialog takes it."""
        raise NotImplementedError

    def load_detail(self, record_id: int):
        """What the detail pane draws of a record (the record itself, unless a subclass
        reads more with it)."""
        return self.load_record(record_id)

    def record_of(self, shown):
        """The record in what ``load_detail`` returned (for the step buttons)."""
        return shown

    def keeps_place(self, before, shown) -> bool:
        """Whether a step that changed only this record, from ``before`` to ``shown``
        (load_detail's), left the list's ids as they were: then only its row is read
        anew. By default a step reads the list again."""
        return False

    def list_row(self, shown):
        """The model's row of the record, from ``shown`` (with keeps_place)."""
        raise NotImplementedError

    def record_html(self, record) -> str:
        raise NotImplementedError

    def step_buttons(self, record) -> list[tuple[str, str, Callable]]:
        """(label, tooltip, action) for each step allowed now."""
        raise NotImplementedError

    def empty_text(self) -> str:
        """What the detail pane says when the list is empty: nothing yet, or nothing found."""
        try:
            filtered = self.current_filter() != type(self.current_filter())()
        except (NotImplementedError, AttributeError):  # the filter bar is not built yet
            filtered = False
        return "没有符合筛选条件的事项。可以点“清除筛选”看全部。" if filtered else self.EMPTY

    def count_text(self) -> str:
        return f"共 {len(self.model.ids)} 件"

    def open_selected(self) -> None:
        """Enter / double-click: the first step allowed now."""
        record = self.current_record()
        if record is None:
            return
        buttons = self.step_buttons(record)
        if buttons and not self.read_only:
            buttons[0][2]()

    def _delete_pressed(self) -> None:
        if not self.read_only:
            self.void_selected()

    def void_selected(self) -> None:
        raise NotImplementedError

    # ---- loading and selection
    def apply_filter(self, background: bool = False) -> None:
        try:
            self.model.set_filter(self.current_filter(), background=background)
        except DomainError as exc:
            QMessageBox.warning(self, "筛选条件有误", str(exc))

    def refresh(self) -> None:
        self.model.reload()

    def refresh_keeping_view(self) -> None:
        """Read the list again (another desk's change, F5) where the user is: the same
        record selected, the list and the detail pane scrolled as they were. A list the
        window has but does not show now draws its detail when it is next shown."""
        bars = (self.table.verticalScrollBar(), self.table.horizontalScrollBar(),
                self.detail.verticalScrollBar())
        where = [bar.value() for bar in bars]
        self.stale_list = False
        self.model.reload()  # loaded -> _after_load: the selection and the detail, once
        for bar, value in zip(bars, where, strict=True):
            bar.setValue(min(value, bar.maximum()))

    def _on_screen(self) -> bool:
        """Shown, or not in a shown window (a tab built on its own draws at once)."""
        return self.isVisible() or not self.window().isVisible()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.stale_list:  # changed while another tab was shown
            self.stale_list = False
            self.refresh_keeping_view()
        elif self.stale:  # the detail was left undrawn while another tab was shown
            self.stale = False
            self.select_id(self.selected_id, scroll=False)

    def _after_load(self) -> None:
        self.count_label.setText(self.count_text())
        if self._on_screen():
            self.stale = False
            self.select_id(self.selected_id, scroll=False)
            return
        self.stale = True  # the selection kept; the detail drawn when shown
        row = self.model.row_of(self.selected_id) if self.selected_id is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()

    def select_id(self, record_id: int | None, scroll: bool = True) -> bool:
        row = self.model.row_of(record_id) if record_id is not None else -1
        if row < 0:
            self.table.clearSelection()
            self.show_record(None if record_id is None else self._try_detail(record_id))
            return False
        self.table.selectRow(row)
        if scroll:
            self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.PositionAtCenter)
        self.show_record(self._try_detail(record_id))
        return True

    def _try_load(self, record_id: int):
        try:
            return self.load_record(record_id)
        except NotFound:
            return None

    def _try_detail(self, record_id: int):
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared[0] == record_id:
            return prepared[1]  # read by after_step just before
        try:
            return self.load_detail(record_id)
        except NotFound:
            return None

    def _row_changed(self, current, _previous) -> None:
        record_id = self.model.id_at(current.row()) if current.isValid() else None
        if record_id is not None and record_id != self.selected_id:
            self.selected_id = record_id
            self.show_record(self._try_detail(record_id))

    def current_record(self):
        return self._try_load(self.selected_id) if self.selected_id is not None else None

    def show_record(self, shown) -> None:
        """Draw ``shown`` (load_detail's) in the detail pane, with its step buttons."""
        self.shown = shown
        for bar in (self.step_bar, self.extra_bar):
            while bar.count():
                widget = bar.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
        if shown is None:
            self.detail.setHtml(f"<p style='color:#777'>{self.empty_text() if not self.model.ids else self.HINT}</p>")
            return
        record = self.record_of(shown)
        self.detail.setHtml(self.record_html(shown))
        self._fill(self.step_bar, [] if self.read_only else self.step_buttons(record))
        self._fill(self.extra_bar, self.extra_buttons(record))

    @staticmethod
    def _fill(bar, buttons) -> None:
        for label, tip, action in buttons:
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, a=action: a())
            bar.addWidget(button)
        bar.addStretch(1)

    def extra_buttons(self, record) -> list[tuple[str, str, Callable]]:
        return []

    def after_step(self, record_id: int | None = None, before=None) -> None:
        """After a step on ``record_id`` (selected), keeping the selection: its detail read
        and drawn once, the row scrolled to; then the window refreshes the rest
        (``stepped``), this list excepted. ``before``: the record as the step began
        (None when the step can have changed more than this record). When the step
        cannot have moved it in or out of the list or along it (keeps_place), only its
        row is read anew (from the detail: no query); otherwise the list's ids are read
        again (the detail drawn by that load)."""
        if record_id is not None:
            self.selected_id = record_id
        self.stale = False
        shown = self._try_detail(self.selected_id) if self.selected_id is not None else None
        row = self._selected_row()
        if (before is not None and shown is not None and row >= 0 and self.model.current()
                and self.keeps_place(before, shown)):
            self.model.replace_row(row, self.list_row(shown))
            self.show_record(shown)
        else:
            self._prepared = (self.selected_id, shown)
            try:
                self.model.reload()  # loaded -> _after_load: the selection and the detail, once
            finally:
                self._prepared = None
            row = self.model.row_of(self.selected_id) if self.selected_id is not None else -1
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
        self.stepped(before, shown)

    def _selected_row(self) -> int:
        """The selected record's row (the table's current row when it holds it, else found
        in the ids), -1 when the list does not have it."""
        if self.selected_id is None:
            return -1
        current = self.table.selectionModel().currentIndex()
        if current.isValid() and self.model.id_at(current.row()) == self.selected_id:
            return current.row()
        return self.model.row_of(self.selected_id)

    def stepped(self, before, shown) -> None:
        """The step is drawn in this list: the window refreshes what else shows it."""
        self.data_changed.emit()

    # ---- window state
    def save_state(self) -> None:
        store = ui_settings()
        store.setValue(f"{self.SETTINGS_KEY}/splitter", self.splitter.saveState())
        store.setValue(f"{self.SETTINGS_KEY}/header", self.table.horizontalHeader().saveState())
        store.setValue(f"{self.SETTINGS_KEY}/sort", self.model.sort_setting())  # read at start (ui/startup/start.py)

    def restore_state(self) -> None:
        store = ui_settings()
        splitter = store.value(f"{self.SETTINGS_KEY}/splitter")
        header = store.value(f"{self.SETTINGS_KEY}/header")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        restore_sort(self.model, self.SETTINGS_KEY)
        if self.table.isSortingEnabled():
            self.enable_sorting()
