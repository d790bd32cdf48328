"""Starting the window: one copy per database, opening the database (with a way out
when it cannot be opened), the application, the window, and after its first paint the
daily backup and, for a new database, the welcome.

Only Qt's core module is loaded before the database is open. Then a worker thread
starts reading the first screen's data (ui/startup/preload.py), and the widget modules, the
application (ui/startup/application.py) and the window load and are built while it reads."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer

from ... import APP_NAME, STARTED
from ...db import DatabaseError, DatabaseMissingError, close_database, current_path, open_database
from ...db import backup as backups
from ...db.connection import restore_database, set_busy_waiter, sqlite_target
from ...db.errors import EmptyDatabaseFileError, classify, is_storage_failure
from ...db.lock import DatabaseInUseError, LockLostError
from ...domain import ledger
from ...system import desk
from ...system.errors import UserError
from ...system.logs import rotate_log, setup_logging
from ...system.paths import default_db_path
from ..settings_store import ui_settings
from ..tasks import Job, stop_all
from .preload import Preload, first_screen, read_sort

log = logging.getLogger(__name__)


def _widgets():
    """Qt's widget module, for a dialog that can come before the window (another copy
    holds the database, it cannot be opened, an unexpected error): the application is
    made first if there is none yet."""
    from PySide6 import QtWidgets

    from .application import ensure_app

    ensure_app()
    return QtWidgets


def install_excepthook(log_file: Path | None) -> None:
    """An unexpected error shows a dialog and goes to the log; never a bare traceback."""

    def hook(kind, value, tb):
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        QMessageBox = _widgets().QMessageBox  # noqa: N806 - Qt's name
        where = f"\n\n详细信息已写入日志:{log_file}" if log_file else ""
        if isinstance(value, UserError):  # a refusal that no dialog caught: its own words
            QMessageBox.warning(None, APP_NAME, str(value))
            return
        found = classify(value, current_path())
        if found is not None:
            QMessageBox.critical(None, "读写数据库出错", f"{found}{where}")
            return
        if is_storage_failure(value):
            QMessageBox.critical(None, "读写数据库出错", (
                f"读写数据库时出错：{value}。刚才的操作没有保存。{where}"))
            return
        QMessageBox.critical(None, "程序出错", f"程序遇到意外错误:{value}{where}\n\n刚才的操作可能没有完成,请检查后重试。")

    sys.excepthook = hook


def ask_read_only(error: DatabaseError) -> bool:
    """Another window or command has the database: open it read-only, or leave."""
    QMessageBox = _widgets().QMessageBox  # noqa: N806 - Qt's name
    box = QMessageBox(QMessageBox.Question, APP_NAME,
                      f"{error}\n\n可以以只读方式打开（只能查看，不能修改），或者退出。")
    view = box.addButton("以只读方式打开", QMessageBox.AcceptRole)
    box.addButton("退出", QMessageBox.RejectRole)
    box.exec()
    if box.clickedButton() is view:
        return True
    raise SystemExit(0)


def offer_way_out(target, error: DatabaseError):
    """The database cannot be opened: say why and offer a backup or another file."""
    widgets = _widgets()
    QInputDialog, QMessageBox = widgets.QInputDialog, widgets.QMessageBox  # noqa: N806
    path = sqlite_target(target)
    choices = []
    found = backups.list_backups(path) if path is not None else []
    box = QMessageBox(QMessageBox.Warning, APP_NAME, str(error))
    restore = box.addButton("从备份恢复…", QMessageBox.AcceptRole) if found else None
    fresh = (box.addButton("新建数据库", QMessageBox.ActionRole)
             if isinstance(error, (EmptyDatabaseFileError, DatabaseMissingError)) and not found else None)
    other = box.addButton("打开其他数据库…", QMessageBox.ActionRole)
    box.addButton("退出", QMessageBox.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        for info in found:
            choices.append(f"{info.taken_at:%Y-%m-%d %H:%M}  {info.kind_label}  {info.path.name}")
        picked, ok = QInputDialog.getItem(None, "从备份恢复", "选择一个备份(当前文件会先另存一份):", choices, 0, False)
        if ok:
            backup = found[choices.index(picked)].path
            try:
                aside = restore_database(path, backup)
            except DatabaseError as exc:
                QMessageBox.critical(None, APP_NAME, str(exc))
                return None
            QMessageBox.information(None, APP_NAME, f"已从备份恢复。恢复前的文件原样另存为：\n{aside}")
            return target
        return None
    if fresh is not None and clicked is fresh:
        return NewDatabase(target)
    if clicked is other:
        from ..dialogs.file_dialogs import open_file_name

        name = open_file_name(None, "打开数据库", str(Path(str(target)).parent),
                              "督办数据库 (*.sqlite *.db);;所有文件 (*)")
        return name or None
    return None


def server_way_out(target, error: DatabaseError, *, remember: bool, typed: bool = False):
    """The server cannot be opened (no password kept, refused, unreachable): the
    connection dialog with what went wrong, to try again, or the file on this PC.
    ``remember``: the address came from this desk's choice, and a change is kept.
    ``typed``: a password was typed (else a refused login means none is kept here)."""
    from PySide6.QtWidgets import QDialog

    from ...db.server import ServerAddress, ServerLoginError
    from ..dialogs.server_dialog import ServerDialog

    _widgets()
    try:
        address = ServerAddress.from_url(str(target))[0]
    except DatabaseError:
        address = None
    message = str(error)
    if isinstance(error, ServerLoginError) and not typed and address is not None:
        message = (f"请输入数据库服务器“{address.display()}”的密码（这台电脑上没有记住的密码，"
                   f"或记住的密码已不对）。")
    dialog = ServerDialog(None, address, message, offer_local=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if dialog.use_local:
        if remember:
            desk.set_server(None)
        return default_db_path(), None
    if remember:
        desk.set_server(dialog.address.url())
    return dialog.address.url(), dialog.password


class NewDatabase(str):
    """A target the user explicitly asked to create (新建数据库), even over a 0-byte file."""


class DailyBackup(Job):
    """Today's backup, copied in steps by a background job (ui/tasks.py), started at once.
    ``stop()`` (the window closing: ``stop_all``) cancels it between two steps and waits
    for the partial copy to be removed. A failure is only logged: a backup must not stop
    the office's work."""

    def __init__(self, path: Path | None, on_error=None):
        super().__init__(lambda progress: self._copy(path, progress), name="daily-backup",
                         on_error=on_error,
                         uses_database=False)  # its own sqlite3 connections, or pg_dump's
        self.start()

    @staticmethod
    def _copy(path: Path | None, progress) -> Path | None:
        if path is None:  # the server: pg_dump into this desk's backups folder
            from ...db import database, server_backup

            made = server_backup.daily_backup(database.obj, cancelled=progress.cancelled)
        else:
            made = backups.daily_backup(path, cancelled=progress.cancelled)
        if made:
            log.info("daily backup %s", made)
        return made


def daily_backup_in_background(path: Path | None, window=None) -> DailyBackup:
    """``path`` None: the open server's. A failure is logged and said in the status bar."""
    def failed(message: str) -> None:
        log.warning("daily backup failed: %s", message)
        if window is not None:
            window.statusBar().showMessage(f"今天的自动备份没有做成：{message}", 60000)

    return DailyBackup(path, on_error=failed)


def welcome_if_new(window, read_only: bool) -> None:
    """The first-start welcome; its dialog code loads only for a new, empty database."""
    from ...domain import demo as demo_data

    try:
        empty = not read_only and demo_data.is_empty()
    except Exception:  # noqa: BLE001 - a welcome must never stop the program from starting
        log.exception("cannot decide about the welcome")
        return
    if empty:
        from .welcome import maybe_welcome

        maybe_welcome(window)


def tell_reinstalled_triggers(window) -> None:
    """The change history's guard was missing or altered (someone used another tool on the
    file): it was put back as the database opened; say so once."""
    from ...db.integrity import reinstalled_at_open

    names = reinstalled_at_open()
    if names:
        _widgets().QMessageBox.warning(
            window, APP_NAME, "打开数据库时发现以下触发器缺失或被改动（可能有人用其他工具改过数据库文件），"
            f"已重新安装：{'、'.join(names)}。\n\n在此期间变更记录可能被改动过，请用“工具—检查数据库”核对。")


class _FirstPaint(QObject):
    """Calls ``done`` once, from the event loop, right after the window's first paint
    (or after ``FALLBACK_MS`` if it is never painted, e.g. started minimised)."""

    FALLBACK_MS = 5000

    def __init__(self, window, done):
        super().__init__(window)
        self.window, self.done, self.fired = window, done, False
        window.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self._fire)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Paint:
            self.window.removeEventFilter(self)
            # children paint in the same pass: report once the pass has finished
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        if not self.fired:
            self.fired = True
            self.done()


def collect_again() -> None:
    """Turn the cycle collector back on (app.py turned it off for loading). What the
    start made and keeps (modules, classes, the window) is frozen first, so later
    collections do not walk it again and again."""
    gc.freeze()
    gc.enable()


def first_screen_preload() -> Preload:
    """Start reading the register, in the order the window restores, and the alerts."""
    newest_first = ("number", True)  # the register's default sort (table_models: DEFAULT_SORT)
    return first_screen(read_sort(ui_settings().value("register/sort"), ledger.SORT_KEYS, newest_first))


def run_gui(db: str | None = None, demo: bool = False) -> int:
    log_file = setup_logging(rotate=False)  # rotating once the window is shown
    install_excepthook(log_file)
    from_desk = db is None and not demo and desk.server() is not None
    target = db or desk.server() or default_db_path()
    password = None
    if demo:
        import tempfile

        target = Path(tempfile.mkdtemp(prefix="duban-demo-")) / "demo.sqlite"
    read_only = False
    while True:
        try:
            open_database(target, read_only=read_only, role="window", password=password,
                          replace_empty=demo or isinstance(target, NewDatabase))
            break
        except SystemExit:
            return 0
        except (DatabaseInUseError, LockLostError) as exc:
            log.warning("in use: %s: %s", target, exc)
            try:
                read_only = ask_read_only(exc) if isinstance(exc, DatabaseInUseError) else read_only
            except SystemExit:
                return 0
            if isinstance(exc, LockLostError):
                target = offer_way_out(target, exc)
                if target is None:
                    return 1
        except DatabaseError as exc:
            if sqlite_target(target) is None:  # the server (its address has no password)
                log.warning("cannot open the server: %s", exc)
                chosen = server_way_out(target, exc, remember=from_desk, typed=password is not None)
                if chosen is None:
                    return 1
                target, password = chosen
                continue
            log.warning("cannot open %s: %s", target, exc)
            read_only = False
            target = offer_way_out(target, exc)
            if target is None:
                return 1
    if demo:
        from ...domain import demo as demo_data

        demo_data.generate()
    path = sqlite_target(target)
    preload = first_screen_preload()
    from .application import make_app  # the widget modules load while the worker reads
    from .style import apply_style_sheet

    app = make_app(style_sheet=False)  # set on the built window, below
    from ..main_window import MainWindow

    window = MainWindow(str(path or target), read_only=read_only, preload=preload)
    preload.finish()
    set_busy_waiter(window.show_waiting)
    smoke = os.environ.get("DUBAN_SMOKE_EXIT_MS")

    def shown() -> None:
        line = (f"main window shown: {window.windowTitle()} ({len(window.ledger_model.ids)} items listed) "
                f"{time.perf_counter() - STARTED:.2f} s after start")
        log.info("%s", line)
        if smoke:  # start-up checks and benchmarks read the moment from here
            print(line, flush=True)
        collect_again()
        rotate_log()
        # the daily backup copies the whole file: only once the window is up, so it
        # never competes with the start
        if not read_only:
            daily_backup_in_background(path, window)
        window.finish_start()
        tell_reinstalled_triggers(window)
        welcome_if_new(window, read_only)

    window._duban_first_paint = _FirstPaint(window, shown)
    apply_style_sheet(app)
    window.show()
    if smoke:  # packaging and start-up checks: show the window, then leave cleanly
        QTimer.singleShot(int(smoke), app.quit)
    try:
        return app.exec()
    finally:
        stop_all()  # closing the window ends the daily backup, an export, an import cleanly
        set_busy_waiter(None)
        close_database()
