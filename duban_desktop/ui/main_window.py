"""The main window: 协调事项, 督查台账 and 逾期提醒, with menus, toolbar and status bar."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from .. import APP_NAME, __version__
from ..db import changes, database
from ..db.connection import describe_open, is_server
from ..db.server import strip_password
from ..domain import ledger, settings
from ..domain.alerts import calendar_notice
from ..system.paths import data_dir
from .actions.shortcut_action import shortcut_action
from .lists.alerts_tab import AlertsTab
from .lists.ledger_tab import LedgerTab
from .lists.list_tab import restore_sort
from .lists.table_models import ItemTableModel
from .qt import TOOL_BUTTON_TEXT_ONLY, set_shortcut
from .refresh import after_item_step
from .settings_store import ui_settings
from .startup.preload import COUNTS_KEY, answer_once, status_counts

if TYPE_CHECKING:
    from .lists.cases_tab import CasesTab

log = logging.getLogger(__name__)

OVERDUE_LEVELS = ("overdue", "reply_overdue", "coordination_overdue")
WATCH_MS = 1000  # how often the window looks for the other desks' changes
RECONNECT_MS = 3000  # and, the server's connection lost, tries it again
LOST_TEXT = "与数据库服务器的连接已断开，正在重新连接…"
BACK_TEXT = "已重新连接"


# Dialogs and pages that read Word or Excel files load on first use, not at start-up.

def _exports():
    from .actions import exports

    return exports


def _db_actions():
    from .actions import db_actions

    return db_actions


def _templates_page():
    from .dialogs.templates_page import TemplatesPage

    return "表单模板", TemplatesPage()


class MainWindow(QMainWindow):
    connection_changed = Signal(str)  # the server's connection: LOST_TEXT, then BACK_TEXT

    def __init__(self, db_label: str = "", read_only: bool = False, parent: QWidget | None = None,
                 preload=None):
        """``preload``: the first screen's data being read on a worker (ui/startup/preload.py);
        the lists take it when they first load, after the window is built. ``db_label``:
        how the database is named when it is not the open one's own description (a test's
        name); a server is always named by describe_open(), never with a password."""
        super().__init__(parent)
        self.db_label = strip_password(db_label)
        self._refreshing = False
        self._waiting = False
        self.counts = (0, 0, 0)  # the status bar's (items, items open, cases open)
        self.watcher: changes.Watcher | None = None
        self._reconnecting = False
        self._reconnect_job = None
        self.read_only = read_only
        # The register is loaded before the first paint (its model, below); its tab, like
        # the coordination list's, is built when it is first shown: before the first
        # paint when the window opens on it, otherwise just after (finish_start).
        self.ledger_model = ItemTableModel()
        self._ledger: LedgerTab | None = None
        self._cases: CasesTab | None = None
        self.alerts = AlertsTab(load=False)
        self.ledger_model.preload = self.alerts.preload = self.preload = preload
        self.alerts.read_only = read_only
        self._placeholders: dict[QWidget, Callable[[], None]] = {}  # a tab not built yet -> its builder
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self._cases_placeholder = self._lazy_tab("协调事项", self._build_cases)
        self._ledger_placeholder = self._lazy_tab("督查台账", self._build_ledger)
        self.tabs.addTab(self.alerts, "逾期提醒")
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.alerts.data_changed.connect(lambda: self.refresh_all(done=self.alerts, everything=False))
        self.alerts.count_changed.connect(self._alert_count)
        self.alerts.open_item.connect(self.show_item)
        self.alerts.open_case.connect(self.show_case)

        self.db_status = QLabel()
        self.count_status = QLabel()
        self.calendar_status = QLabel()
        self.calendar_status.setObjectName("hint")
        self.connection_status = QLabel()  # the server's connection, when it is lost
        self.connection_status.setObjectName("notice")
        self.connection_status.hide()
        self.statusBar().addWidget(self.db_status)
        self.statusBar().addWidget(self.count_status)
        self.statusBar().addPermanentWidget(self.connection_status)
        self.statusBar().addPermanentWidget(self.calendar_status)

        self.extra_settings_pages = [_templates_page]
        self._build_actions()
        self.restore_state()
        restore_sort(self.ledger_model, LedgerTab.SETTINGS_KEY)  # first: the sort is the one queried
        self.alerts.refresh()
        self.ledger_model.set_filter(ledger.ItemFilter())  # unfiltered, as its tab opens
        self.refresh_status()
        self._alert_count(len(self.alerts.alerts))
        self.tabs.setCurrentWidget(self.alerts if self.anything_overdue() else self.ledger)
        self.update_title()
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self.look_for_changes)
        self.start_watching()

    # ---- tabs built when first shown
    @property
    def ledger(self) -> LedgerTab:
        if self._ledger is None:
            self._build_ledger()
        return self._ledger

    @property
    def cases(self) -> CasesTab:
        if self._cases is None:
            self._build_cases()
        return self._cases

    def finish_start(self) -> None:
        """What the first screen does not show, built once the window is up, and the
        ledger's sort indicator (ui/qt.py)."""
        self.ledger.enable_sorting()
        self.cases  # noqa: B018 - building it is the point

    def _lazy_tab(self, label: str, build: Callable[[], None]) -> QWidget:
        placeholder = QWidget()
        self._placeholders[placeholder] = build
        self.tabs.addTab(placeholder, label)
        return placeholder

    def _put_tab(self, placeholder: QWidget, tab: QWidget) -> None:
        """Put a built tab where its placeholder is, leaving the current tab as it was
        (or showing the tab, if its placeholder was current)."""
        index, current = self.tabs.indexOf(placeholder), self.tabs.currentIndex()
        label = self.tabs.tabText(index)
        blocked = self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        del self._placeholders[placeholder]
        placeholder.deleteLater()

    def _build_ledger(self) -> None:
        tab = self._ledger = LedgerTab(model=self.ledger_model, sort_now=False)  # sorting: finish_start
        tab.read_only = self.read_only
        tab.data_changed.connect(lambda: self.refresh_all(done=tab, everything=False))
        tab.item_stepped.connect(lambda step: after_item_step(self, step))
        tab.export_hooks["item"] = lambda item: _exports().item_form_buttons(self, item)
        tab.restore_state()
        self._put_tab(self._ledger_placeholder, tab)

    def _build_cases(self) -> None:
        from .lists.cases_tab import CasesTab

        cases = self._cases = CasesTab()
        cases.read_only = self.read_only
        cases.data_changed.connect(lambda: self.refresh_all(done=cases, everything=False))
        cases.export_hooks["case"] = lambda case: _exports().case_form_buttons(self, case)
        cases.restore_state()
        cases.apply_filter()
        self._put_tab(self._cases_placeholder, cases)

    def _tab_changed(self, _index: int) -> None:
        build = self._placeholders.get(self.tabs.currentWidget())
        if build is not None:
            build()

    # ---- actions, menus, shortcuts
    def _action(self, text: str, slot, shortcut=None, tip: str = "", writes: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            set_shortcut(action, shortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        if writes and self.read_only:
            action.setEnabled(False)
        return action

    def _build_actions(self) -> None:
        self.act_new = self._action("新建(&N)", self.new_record, QKeySequence.New,
                                    "在当前标签新建督办事项或协调事项", writes=True)
        self.act_new_item = self._action("新建督办事项…", self.new_item, tip="确定项目:登记一件督办事项", writes=True)
        self.act_new_case = self._action("新建协调事项…", self.new_case, tip="受托:登记一件协调事项", writes=True)
        self.act_find = self._action("查找(&F)", self.focus_search, QKeySequence.Find, "在当前列表中搜索")
        self.act_refresh = self._action("刷新(&R)", self.refresh_all, QKeySequence.Refresh, "重新读取数据")
        self.act_void = self._action("撤销事项…", self.void_selected, QKeySequence.Delete,
                                     "撤销选中的事项(须写明理由)", writes=True)
        self.act_units = self._action("单位名录…", self.edit_units, tip="承办单位和联系人")
        self.act_settings = self._action("设置…", self.edit_settings, QKeySequence.Preferences,
                                         "办公室名称、编号、提醒、字体和工作日安排", writes=True)
        self.act_data_folder = self._action("打开数据文件夹", self.open_data_folder, tip="数据库、备份和日志所在的文件夹")
        self.act_overdue = self._action("只看逾期事项", self.show_overdue, tip="在督查台账中只列出已逾期的事项")
        self.act_quit = self._action("退出(&X)", self.close, QKeySequence.Quit)
        self.act_import = self._action("导入台账…", self.import_ledger,
                                       tip="把办公室原有的 Excel 督办台账导入(导入前先预览,全部成功才写入)", writes=True)
        self.act_export_ledger = self._action("导出台账(Excel)…", self.export_ledger,
                                              tip="按督查台账当前的筛选条件导出 Excel 台账,含统计和逾期清单")
        self.act_bulletin = self._action("导出督查通报…", lambda: _exports().export_bulletin(self),
                                         tip="给领导的督查通报(Word):各单位在办事项、逾期清单、办结率")
        self.act_overdue_notices = self._action("导出全部逾期事项的催办通知…",
                                                lambda: _exports().export_overdue_notices(self),
                                                tip="每件逾期事项一页催办通知,合在一个 Word 文档中")
        self.act_backup = self._action("备份数据库…", lambda: _db_actions().backup_now(self),
                                       tip="把数据库复制一份到指定位置(程序打开时也可以)")
        self.act_restore = self._action("从备份恢复…", self.restore_backup, tip="用以前的备份替换现在的数据",
                                        writes=True)
        self.act_check = self._action("检查数据库", lambda: _db_actions().check_database(self),
                                      tip="检查数据库是否完好、数据是否符合规则")
        self.act_server = self._action("连接数据库服务器…", lambda: _db_actions().connect_server(self),
                                       tip="几台电脑共用一个台账：连接办公室的 PostgreSQL 数据库服务器")
        self.act_about = self._action("关于督办 Desktop", self.about)
        self.act_help = self._action("使用说明", self.help)

        bar = self.menuBar()
        self.menu_file = bar.addMenu("文件(&F)")
        for action in (self.act_new_item, self.act_new_case):
            self.menu_file.addAction(action)
        self.menu_file.addSeparator()
        self.file_export_anchor = self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_import)
        self.menu_file.addAction(self.act_export_ledger)
        self.menu_file.addAction(self.act_bulletin)
        self.menu_file.addAction(self.act_overdue_notices)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_backup)
        self.menu_file.addAction(self.act_restore)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_server)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_edit = bar.addMenu("编辑(&E)")
        for action in (self.act_new, self.act_void, self.act_find):
            self.menu_edit.addAction(action)
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.act_units)
        self.menu_view = bar.addMenu("视图(&V)")
        for n, name in enumerate(("协调事项", "督查台账", "逾期提醒")):
            self.menu_view.addAction(self._action(name, lambda n=n: self.tabs.setCurrentIndex(n), f"Ctrl+{n + 1}"))
        self.menu_view.addSeparator()
        self.menu_view.addAction(self.act_overdue)
        self.menu_view.addAction(self.act_refresh)
        self.menu_tools = bar.addMenu("工具(&T)")
        self.menu_tools.addAction(self.act_settings)
        self.menu_tools.addAction(self.act_check)
        self.menu_tools.addAction(self.act_data_folder)
        self.menu_tools.addAction(shortcut_action(self))
        self.menu_help = bar.addMenu("帮助(&H)")
        self.menu_help.addAction(self.act_help)
        self.menu_help.addAction(self.act_about)

        tools = self.addToolBar("常用")
        tools.setObjectName("main-toolbar")
        tools.setMovable(False)
        tools.setProperty("toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)  # an int: ui/qt.py
        for action in (self.act_new_item, self.act_new_case, self.act_overdue, self.act_export_ledger,
                       self.act_refresh):
            tools.addAction(action)
        self.toolbar = tools


    # ---- what the actions do
    def new_record(self) -> None:
        if self._cases is not None and self.tabs.currentWidget() is self._cases:
            self.new_case()
        else:
            self.new_item()

    def new_item(self) -> None:
        self.tabs.setCurrentWidget(self.ledger)
        self.ledger.new_item()

    def new_case(self) -> None:
        self.tabs.setCurrentWidget(self.cases)
        self.cases.new_case()

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        if tab is self.alerts:
            self.tabs.setCurrentWidget(self.ledger)
            tab = self.ledger
        tab.search.setFocus()
        tab.search.selectAll()

    def void_selected(self) -> None:
        tab = self.tabs.currentWidget()
        if tab in (self.ledger, self._cases) and not self.read_only:
            tab.void_selected()

    def show_overdue(self) -> None:
        self.tabs.setCurrentWidget(self.ledger)
        self.ledger.show_overdue_only()

    def show_item(self, item_id: int) -> None:
        self.tabs.setCurrentWidget(self.ledger)
        if not self.ledger.select_id(item_id):
            self.ledger.clear_filter()
            self.ledger.select_id(item_id)

    def show_case(self, case_id: int) -> None:
        self.tabs.setCurrentWidget(self.cases)
        if not self.cases.select_id(case_id):
            self.cases.search.clear()
            self.cases.state_box.setCurrentIndex(0)
            self.cases.kind_box.setCurrentIndex(0)
            self.cases.overdue.setChecked(False)
            self.cases.apply_filter()
            self.cases.select_id(case_id)

    def edit_units(self) -> None:
        from .dialogs.units_dialog import UnitsDialog

        dialog = UnitsDialog(self, read_only=self.read_only)
        dialog.exec()
        if dialog.changed:
            self.ledger.reload_choices()
            self.refresh_all()

    def edit_settings(self) -> None:
        from .dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self, self.settings_pages())
        if dialog.exec():
            self.refresh_all()
            self.update_title()
        else:
            self.refresh_all()  # working days may have changed even when cancelled

    def settings_pages(self) -> list:
        return [page() for page in self.extra_settings_pages]

    def import_ledger(self) -> None:
        from .dialogs.import_wizard import open_import_wizard

        if open_import_wizard(self):
            self.ledger.reload_choices()
            self.ledger.clear_filter()
            self.refresh_all()

    def export_ledger(self) -> None:
        _exports().export_ledger(self, self.ledger.current_filter())

    def restore_backup(self) -> None:
        if _db_actions().restore_from_backup(self):
            self.refresh_all()
            self.update_title()

    def open_data_folder(self) -> None:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        _exports().open_path(folder)

    def help(self) -> None:
        QMessageBox.information(self, "使用说明", (
            "督查督办:确定项目 → 检查催办 → 情况审理 → 结果反馈。\n"
            "协调:受托 → 审理 → 核查 → 协商 → 处理。\n\n"
            "在“督查台账”中选中一件事项,右边列出它的全部内容和办理经过,上方按钮是此时可以办理的步骤。\n"
            "“逾期提醒”列出已逾期、即将到期、催办反馈逾期、待审理超时和协调逾期的事项,可多选后一次催办;点分类标题行(如“已逾期”)选中该类全部事项。\n\n"
            "快捷键:Ctrl+N 新建,Ctrl+F 查找,Enter 办理下一步,Delete 撤销,F5 刷新,Ctrl+1/2/3 切换标签。"))

    def database_label(self) -> str:
        """The open database as the status bar and the About box name it: the file, or
        the server's 用户@主机:端口/数据库 (never a password)."""
        if is_server() or not self.db_label:
            return describe_open() or self.db_label
        return self.db_label

    def about(self) -> None:
        QMessageBox.about(self, "关于督办 Desktop", (
            f"{APP_NAME} {__version__}\n办公室协调督查工作桌面程序\n\n数据库：{self.database_label()}"
            f"\n数据文件夹：{data_dir()}"))

    # ---- refreshing
    def anything_overdue(self) -> bool:
        return any(a.level in OVERDUE_LEVELS for a in self.alerts.alerts)

    def _alert_count(self, count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.alerts), f"逾期提醒 ({count})" if count else "逾期提醒")

    def refresh_all(self, done: QWidget | None = None, *, everything: bool = True) -> None:
        """Read again what the window shows, keeping each list's selection and scroll.
        ``done``: the list (or the alerts) that has just read itself after its own step;
        a list not on screen is read when it is next shown. ``everything``: the unit and
        year choices and the settings' limits too (F5, another desk's change, the
        settings); a step leaves those as they were."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            if everything:
                self.ledger_model.rules_stale = True
                if self._cases is not None:
                    self._cases.model.rules_stale = True
                if self._ledger is not None:
                    self._ledger.reload_choices()
            if self._ledger is None:
                self.ledger_model.reload()
            elif done is not self._ledger:
                self._ledger.refresh_keeping_view()
            if self._cases is not None and done is not self._cases:
                if everything or self._cases.isVisible():
                    self._cases.refresh_keeping_view()
                else:  # an item's step: the cases read again when their tab is shown
                    self._cases.stale_list = True
            if done is not self.alerts:
                self.alerts.refresh(keep_selection=True)
            self.refresh_status(calendar=everything)
        finally:
            self._refreshing = False

    def refresh_status(self, calendar: bool = True, counts: tuple[int, int, int] | None = None) -> None:
        """The status bar's database, counts and (``calendar``) the calendar's notice.
        ``counts``: (items, items open, cases open) when known without counting (a step
        on one item: ui/refresh.py)."""
        self.db_status.setText(f"数据库：{self.database_label()}" + ("（只读）" if self.read_only else ""))
        self.counts = counts or answer_once(self, COUNTS_KEY, status_counts)
        items_all, items_open, cases_open = self.counts
        # overdue as 逾期提醒 counted it (domain/state.py), read from its heading: no query
        overdue = self.alerts.count("overdue")
        self.count_status.setText(f"督办事项 {items_all} 件，在办 {items_open} 件，其中已逾期 {overdue} 件；"
                                  f"在办协调事项 {cases_open} 件")
        if not calendar:
            return
        notice = calendar_notice()
        self.calendar_status.setText(notice.split("。")[0] + "。" if notice else "")
        self.calendar_status.setToolTip(notice)

    def update_title(self) -> None:
        office = settings.get("office_name")
        self.setWindowTitle(f"{APP_NAME} — {office}" + ("(只读)" if self.read_only else ""))

    # ---- window state
    def restore_state(self) -> None:
        store = ui_settings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 820)

    def save_state(self) -> None:
        store = ui_settings()
        store.setValue("window/geometry", self.saveGeometry())
        for tab in (self._ledger, self._cases):
            if tab is not None:
                tab.save_state()
        store.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.save_state()
        self.stop_watching()
        super().closeEvent(event)

    # ---- the other desks' changes (db/changes.py) and the server's connection
    def start_watching(self) -> None:
        """Look for changes saved by others (another desk, another program on this PC, a
        worker of this one) once a second; on a server, listen for them."""
        self.stop_watching()
        if database.obj is None:
            return
        self.watcher = changes.Watcher(database.obj)
        if self.watcher.server:
            if not self.read_only:
                # (db.connection's open installs them too; here for a server opened by
                # an older open path, the check is one query)
                try:
                    changes.install(database.obj)
                except Exception:  # noqa: BLE001 - without them only the refresh waits for F5
                    log.warning("cannot install the change notifications", exc_info=True)
            if not self.watcher.connect():
                self.connection_lost()
        else:
            self.watcher.connect()
        self._watch_timer.start()

    def stop_watching(self) -> None:
        self._watch_timer.stop()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    def _busy(self) -> bool:
        """A step is under way (waiting for a lock, inside its transaction), or the
        window is refreshing: not the moment to read."""
        db = database.obj
        return self._refreshing or self._waiting or db is None or db.in_transaction()

    def look_for_changes(self) -> None:
        watcher = self.watcher
        if watcher is None or self._reconnecting or self._busy():
            return
        if watcher.db is not database.obj:  # another database was opened meanwhile
            self.start_watching()
            return
        changed = watcher.poll()
        if watcher.lost:
            self.connection_lost()
            return
        if changed:
            self.refresh_from_others()

    def refresh_from_others(self) -> None:
        from ..db.server import ConnectionLostError, ServerUnreachableError, classify_server

        try:
            self.refresh_all()
            self.update_title()
        except Exception as exc:  # noqa: BLE001 - a server gone away: reconnect, no traceback
            found = classify_server(exc) if is_server() else None
            if not isinstance(found, (ConnectionLostError, ServerUnreachableError)):
                raise
            self.connection_lost()

    def _show_connection(self, text: str) -> None:
        self.connection_status.setText(text)
        self.connection_status.setVisible(bool(text))
        if text:
            self.connection_changed.emit(text)

    def connection_lost(self) -> None:
        """The server's connection broke (the watcher's, or a step's): say so, and try
        it again every few seconds off the GUI thread. What was being saved when it broke
        was rolled back by the server; the step's own message says so."""
        if self._reconnecting or not is_server():
            return
        self._reconnecting = True
        self._show_connection(LOST_TEXT)
        self._try_reconnect()

    def _try_reconnect(self) -> None:
        from .tasks import run_in_background

        watcher = self.watcher
        if watcher is None or not self._reconnecting:
            return
        self._reconnect_job = run_in_background(
            lambda _p: watcher.connect() and _server_answers(watcher.db), name="reconnect",
            uses_database=False, owner=self, on_done=self._reconnect_answer,
            on_error=lambda _m: self._reconnect_answer(False))

    def _reconnect_answer(self, ok: bool) -> None:
        if not self._reconnecting:
            return
        if ok and self._renew_connection():
            self._reconnecting = False
            self._show_connection(BACK_TEXT)
            QTimer.singleShot(5000, self, self._clear_back_text)  # (dropped with the window)
            self.refresh_from_others()
            return
        QTimer.singleShot(RECONNECT_MS, self, self._try_reconnect)

    def _clear_back_text(self) -> None:
        if self.connection_status.text() == BACK_TEXT:
            self._show_connection("")

    def _renew_connection(self) -> bool:
        """The GUI thread's connection made anew (the old one is dead): closed, the
        pool's idle ones dropped, opened and asked once."""
        db = database.obj
        if db is None or db.in_transaction():
            return False
        with contextlib.suppress(Exception):
            db.close()
        close_idle = getattr(db, "close_idle", None)
        if close_idle is not None:
            with contextlib.suppress(Exception):
                close_idle()
        try:
            db.connect(reuse_if_open=True)
            db.execute_sql("SELECT 1")
        except Exception:  # noqa: BLE001 - not back yet: the next try
            with contextlib.suppress(Exception):
                db.close()
            return False
        return True

    def show_waiting(self, seconds: float) -> None:
        """While a change waits for another writer (db.connection.set_busy_waiter): say so
        in the status bar and keep the window painted; ``seconds < 0`` when the wait is over."""
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        if seconds < 0:
            if self._waiting:
                self._waiting = False
                self.statusBar().clearMessage()
            return
        self._waiting = True
        what = "另一台电脑正在修改同一记录" if is_server() else "如导入台账、备份"
        self.statusBar().showMessage(f"正在等待另一项操作（{what}）完成后保存……已等待 {seconds:.0f} 秒")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def _server_answers(db) -> bool:
    """On a worker: the server answers a connection of the pool's (the worker's own)."""
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - not yet
        return False
    finally:
        with contextlib.suppress(Exception):
            db.close()
