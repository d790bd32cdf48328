"""Database actions from the window: back up now, restore from a backup, check, and
connect this desk to the office's server (or back to the file on this PC)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

from ...db import (
    DatabaseError,
    close_database,
    current_path,
    database,
    open_database,
    server_backup,
)
from ...db import backup as backups
from ...db.connection import is_server, restore_database
from ...db.integrity import check_structure
from ...db.server import ServerAddress
from ...domain import consistency
from ...system import desk
from ...system.paths import default_db_path
from ..dialogs import file_dialogs
from ..dialogs.server_dialog import ServerDialog
from ..settings_store import ui_settings
from ..tasks import run_task, running


def backup_now(parent: QWidget) -> None:
    path = current_path()
    on_server = path is None and is_server()
    store = ui_settings()
    folder = store.value("folders/backup", str(Path.home()))
    if on_server:
        suggested = str(Path(folder) / f"督办数据备份-服务器-{dt.date.today():%Y%m%d}.dump")
        kinds = "数据库服务器的备份 (*.dump)"
    else:
        suggested = str(Path(folder) / f"督办数据备份-{dt.date.today():%Y%m%d}.sqlite")
        kinds = "督办数据库 (*.sqlite)"
    name = file_dialogs.save_file_name(parent, "备份数据库", suggested, kinds)
    if not name:
        return
    dest = Path(name)
    store.setValue("folders/backup", str(dest.parent))
    opened = database.obj

    def work(progress):
        progress(0, 0, "正在备份……")
        try:  # 取消 stops it and removes the partial copy
            if on_server:  # pg_dump with its own connection
                return server_backup.dump_to(opened, dest, cancelled=progress.cancelled)
            return backups.copy_database(path, dest, cancelled=progress.cancelled)
        except OSError as exc:
            from ...system.oserrors import describe

            raise DatabaseError(describe(exc, dest)) from exc

    run_task(parent, "正在备份数据库……", work, uses_database=False,  # its own connections (db/backup.py)
             on_done=lambda made: QMessageBox.information(parent, "备份数据库", f"已备份到：\n{made}"))


def restore_from_backup(parent: QWidget) -> bool:
    """Close the database, restore the chosen backup, open it again. True if restored."""
    path = current_path()
    if path is None:
        return is_server() and _restore_server(parent)
    found = backups.list_backups(path)
    if not found:
        QMessageBox.information(parent, "从备份恢复", f"还没有这个数据库的备份。\n备份文件夹:{backups.backup_dir_for(path)}")
        return False
    labels = [f"{b.taken_at:%Y-%m-%d %H:%M}  {b.kind_label}  ({b.size // 1024} KB)" for b in found]
    picked, ok = QInputDialog.getItem(parent, "从备份恢复", "选择要恢复的备份:", labels, 0, False)
    if not ok:
        return False
    chosen = found[labels.index(picked)]
    answer = QMessageBox.question(
        parent, "从备份恢复",
        f"确定用 {chosen.taken_at:%Y年%m月%d日 %H:%M} 的备份替换现在的数据吗？\n"
        "现在的数据库会先原样另存一份，可以再恢复回来。")
    if answer != QMessageBox.Yes:
        return False
    close_database(keep_lock=True)  # no other program may slip in while the file is replaced
    try:
        aside = restore_database(path, chosen.path)
    except DatabaseError as exc:
        open_database(path, role="window")
        QMessageBox.critical(parent, "从备份恢复", str(exc))
        return False
    open_database(path, role="window")
    QMessageBox.information(parent, "从备份恢复", f"已恢复。恢复前的数据库原样另存为：\n{aside}")
    return True


def _pick_backup(parent: QWidget, found) -> object | None:
    labels = [f"{b.taken_at:%Y-%m-%d %H:%M}  {b.kind_label}  ({b.size // 1024} KB)" for b in found]
    picked, ok = QInputDialog.getItem(parent, "从备份恢复", "选择要恢复的备份:", labels, 0, False)
    return found[labels.index(picked)] if ok else None


def _restore_server(parent: QWidget) -> bool:
    """The server's register put back from one of this desk's pg_dump backups, in one
    transaction on the server, after a before-restore backup of what is there now."""
    db = database.obj
    found = server_backup.list_backups(db)
    if not found:
        QMessageBox.information(parent, "从备份恢复", "这台电脑上还没有数据库服务器上台账的备份。\n"
                                f"备份文件夹：{server_backup.backup_dir()}")
        return False
    chosen = _pick_backup(parent, found)
    if chosen is None:
        return False
    answer = QMessageBox.question(
        parent, "从备份恢复",
        f"确定用 {chosen.taken_at:%Y年%m月%d日 %H:%M} 的备份替换数据库服务器上现在的台账吗？\n"
        "所有电脑看到的都会是恢复后的数据。现在的数据会先备份一份，可以再恢复回来。")
    if answer != QMessageBox.Yes:
        return False
    parent.stop_watching()
    try:
        aside = server_backup.restore_backup(db, chosen.path)
    except DatabaseError as exc:
        QMessageBox.critical(parent, "从备份恢复", str(exc))
        return False
    finally:
        parent.start_watching()
    QMessageBox.information(parent, "从备份恢复", f"已恢复。恢复前的数据已备份为：\n{aside}")
    return True


def connect_server(window) -> bool:
    """连接数据库服务器…: point this desk at the office's server (or back at the file on
    this PC) and switch the window to it. True if the window now shows another database."""
    if window.read_only:
        QMessageBox.information(window, "连接数据库服务器", "以只读方式打开时不能换数据库，请关闭程序后重新打开。")
        return False
    if running():
        QMessageBox.information(window, "连接数据库服务器", "还有导出、导入或备份正在进行，请等它完成后再换数据库。")
        return False
    on_server = is_server()
    kept = desk.server()
    address = database.obj.address if on_server else (ServerAddress.from_url(kept)[0] if kept else None)
    dialog = ServerDialog(window, address, offer_local=on_server)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if dialog.use_local:
        target, password = default_db_path(), None
    else:
        target, password = dialog.address.url(), dialog.password
    if not switch_database(window, target, password):
        return False
    desk.set_server(None if dialog.use_local else target)
    window.statusBar().showMessage(f"已改用数据库：{window.database_label()}", 10000)
    return True


def switch_database(window, target, password: str | None) -> bool:
    """Close the open database and open ``target`` in the window; on failure the one
    open before is opened again and the window is as it was."""
    before = database.obj
    before_target = current_path() or (before.address.url() if is_server() else None)
    before_password = before.password if is_server() else None
    window.stop_watching()
    close_database()
    try:
        open_database(target, role="window", password=password)
    except DatabaseError as exc:
        open_database(before_target, role="window", password=before_password)
        window.start_watching()
        QMessageBox.critical(window, "连接数据库服务器", f"{exc}\n\n仍在使用原来的数据库。")
        return False
    window.db_label = str(target)
    window.start_watching()
    window.refresh_all()
    window.update_title()
    return True


def check_database(parent: QWidget) -> None:
    report = check_structure()
    problems = consistency.problems()
    path = current_path()
    lines = [f"数据结构版本：{report.schema_version}"]
    if path is not None:
        lines += [
            "完整性检查：" + ("通过" if report.integrity == ["ok"] else "未通过 " + "；".join(report.integrity[:5])),
            "外键检查：" + ("通过" if not report.foreign_key_problems else
                       "未通过 " + "；".join(report.foreign_key_problems[:5])),
        ]
    lines += [
        "触发器检查：" + ("通过" if not report.trigger_problems else "未通过 " + "；".join(report.trigger_problems[:5])),
        "规则检查：" + ("通过" if not problems else f"发现 {len(problems)} 个问题"),
    ] + [f"  · {p}" for p in problems[:15]]
    found = backups.list_backups(path) if path is not None else server_backup.list_backups(database.obj)
    lines.append(f"备份：{len(found)} 份" + (f"，最近一次 {found[0].taken_at:%Y-%m-%d %H:%M}" if found else "")
                 + ("（这台电脑上用 pg_dump 做的）" if path is None else ""))
    if report.not_checked:
        lines.append("在数据库服务器上无法由本程序检查：")
        lines += [f"  · {line}" for line in report.not_checked]
    if report.reinstalled_triggers:
        lines.append("打开数据库时已重新安装缺失或被改动的触发器：" + "、".join(report.reinstalled_triggers))
    ok = report.ok and not problems and not report.reinstalled_triggers
    if ok:
        advice = ""
    elif path is None:
        advice = "\n\n上面列出的问题请逐条核对更正；缺少或被停用的触发器，请管理员查明原因后从备份恢复，或重新打开程序。"
    elif report.integrity != ["ok"] or report.foreign_key_problems:
        advice = "\n\n数据库文件已损坏：可以用“文件—从备份恢复”恢复到检查通过的备份（损坏的文件会原样另存一份）。"
    else:
        advice = "\n\n数据库文件完好，上面列出的问题请逐条核对更正，不需要从备份恢复。"
    box = QMessageBox.information if ok else QMessageBox.warning
    box(parent, "检查数据库", "\n".join(lines) + advice)
