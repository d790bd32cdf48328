"""Database actions from the window: back up now, restore from a backup, check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from ...db import DatabaseError, close_database, current_path, open_database
from ...db import backup as backups
from ...db.connection import restore_database
from ...db.integrity import check_structure
from ...domain import consistency
from ..dialogs import file_dialogs
from ..settings_store import ui_settings
from ..tasks import run_task


def backup_now(parent: QWidget) -> None:
    path = current_path()
    if path is None:
        QMessageBox.information(parent, "备份数据库", "只有本机的数据库文件可以在这里备份。")
        return
    store = ui_settings()
    folder = store.value("folders/backup", str(Path.home()))
    suggested = str(Path(folder) / f"督办数据备份-{dt.date.today():%Y%m%d}.sqlite")
    name = file_dialogs.save_file_name(parent, "备份数据库", suggested, "督办数据库 (*.sqlite)")
    if not name:
        return
    dest = Path(name)
    store.setValue("folders/backup", str(dest.parent))

    def work(progress):
        progress(0, 0, "正在复制……")
        try:  # in steps: 取消 stops it and removes the partial copy
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
        return False
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


def check_database(parent: QWidget) -> None:
    report = check_structure()
    problems = consistency.problems()
    lines = [
        f"数据结构版本：{report.schema_version}",
        "完整性检查：" + ("通过" if report.integrity == ["ok"] else "未通过 " + "；".join(report.integrity[:5])),
        "外键检查：" + ("通过" if not report.foreign_key_problems else "未通过 " + "；".join(report.foreign_key_problems[:5])),
        "触发器检查：" + ("通过" if not report.trigger_problems else "未通过 " + "；".join(report.trigger_problems[:5])),
        "规则检查：" + ("通过" if not problems else f"发现 {len(problems)} 个问题"),
    ] + [f"  · {p}" for p in problems[:15]]
    path = current_path()
    if path is not None:
        found = backups.list_backups(path)
        lines.append(f"备份：{len(found)} 份" + (f"，最近一次 {found[0].taken_at:%Y-%m-%d %H:%M}" if found else ""))
    if report.reinstalled_triggers:
        lines.append("打开数据库时已重新安装缺失或被改动的触发器：" + "、".join(report.reinstalled_triggers))
    ok = report.ok and not problems and not report.reinstalled_triggers
    if ok:
        advice = ""
    elif report.integrity != ["ok"] or report.foreign_key_problems:
        advice = "\n\n数据库文件已损坏：可以用“文件—从备份恢复”恢复到检查通过的备份（损坏的文件会原样另存一份）。"
    else:
        advice = "\n\n数据库文件完好，上面列出的问题请逐条核对更正，不需要从备份恢复。"
    box = QMessageBox.information if ok else QMessageBox.warning
    box(parent, "检查数据库", "\n".join(lines) + advice)
