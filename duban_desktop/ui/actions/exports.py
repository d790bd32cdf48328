"""Saving forms and the ledger from the window: ask where (remembering the folder), write in
the background with progress, then offer to open the file for printing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from ...domain.dates import format_cn
from ..settings_store import ui_settings
from ..tasks import Job, run_task

FOLDER_KEY = "folders/export"
WORD = "Word 文档 (*.docx)"
EXCEL = "Excel 工作簿 (*.xlsx)"


def _start_folder() -> Path:
    saved = ui_settings().value(FOLDER_KEY)
    if saved and Path(saved).is_dir():
        return Path(saved)
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def ask_save_path(parent: QWidget, title: str, filename: str, file_filter: str = WORD) -> Path | None:
    from ..dialogs import file_dialogs

    name = file_dialogs.save_file_name(parent, title, str(_start_folder() / filename), file_filter)
    if not name:
        return None
    path = Path(name)
    suffix = ".xlsx" if file_filter == EXCEL else ".docx"
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    ui_settings().setValue(FOLDER_KEY, str(path.parent))
    return path


def offer_open(parent: QWidget, path: Path, what: str, note: str = "") -> None:
    extra = f"\n\n{note}" if note else ""
    answer = QMessageBox.question(
        parent, "已保存", f"{what}已保存到：\n{path}{extra}\n\n现在打开它吗？（可在 Word、WPS 或 Excel 中查看和打印）",
        QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
    if answer == QMessageBox.Yes:
        open_path(path)


def open_path(path: Path) -> None:
    """Open a file or folder as the desktop does (Word, WPS, Excel, the file manager)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def save_in_background(parent: QWidget, what: str, filename: str, work: Callable[[Path, Callable], Path],
                       file_filter: str = WORD, note: Callable[[], str] | None = None) -> Job | None:
    """Ask for the place, then run ``work(path, progress)`` off the GUI thread with a
    progress dialog (ui/tasks.py); 取消 leaves no file (io/files.py: atomic_write)."""
    path = ask_save_path(parent, f"保存{what}", filename, file_filter)
    if path is None:
        return None
    return run_task(parent, f"正在生成{what}……", lambda progress: work(path, progress),
                    on_done=lambda made: offer_open(parent, Path(made), what, note() if note else ""))


# io.forms (python-docx) and io.ledger_export (openpyxl) load on first use, not at start-up

def export_form(parent: QWidget, kind: str, record_id: int, number: str) -> Job | None:
    from ...io import forms

    removed: list[str] = []  # what the template's cleaning took out, told with 已保存
    return save_in_background(parent, forms.FORM_KINDS[kind], forms.default_filename(kind, number),
                              lambda path, _progress: forms.export_form(kind, record_id, path, removed=removed),
                              note=lambda: forms.removal_note(removed))


def export_notices(parent: QWidget, item_ids: list[int]) -> Job | None:
    if not item_ids:
        QMessageBox.information(parent, "催办通知", "没有要生成催办通知的事项。")
        return None
    from ...io import forms

    removed: list[str] = []
    return save_in_background(parent, f"催办通知（{len(item_ids)} 件）", forms.default_notices_filename(len(item_ids)),
                              lambda path, progress: forms.export_notices(item_ids, path, progress, removed=removed),
                              note=lambda: forms.removal_note(removed))


def export_overdue_notices(parent: QWidget) -> Job | None:
    from ...io import forms

    return export_notices(parent, forms.overdue_item_ids())


def export_bulletin(parent: QWidget) -> Job | None:
    from ...io import forms

    removed: list[str] = []
    return save_in_background(parent, "督查通报", forms.default_filename("bulletin"),
                              lambda path, _progress: forms.export_bulletin(path, removed=removed),
                              note=lambda: forms.removal_note(removed))


def export_ledger(parent: QWidget, item_filter=None) -> Job | None:
    """The ledger workbook for leaders, with the register's filter applied."""
    from ...io import ledger_export

    filename = f"督办台账-{format_cn(dt.date.today())}.xlsx"
    return save_in_background(parent, "督办台账", filename,
                              lambda path, progress: ledger_export.export_ledger(path, item_filter, progress=progress).path,
                              file_filter=EXCEL)


def item_form_buttons(parent: QWidget, item) -> list[tuple[str, str, Callable]]:
    number = item.number or ""
    buttons = [("打印登记单", "生成督促检查登记单(Word)", lambda: export_form(parent, "register", item.id, number))]
    if item.number and item.state in ("in_progress", "awaiting_review"):
        buttons.append(("打印催办通知", "生成催(交)办通知(Word),连同回执联",
                        lambda: export_form(parent, "notice", item.id, number)))
    if item.number and (item.source == "leader_instruction" or item.state in ("passed", "closed")):
        buttons.append(("打印批示件办理情况", "生成领导同志批示件办理情况(Word),报送原批示领导",
                        lambda: export_form(parent, "instruction_report", item.id, number)))
    return buttons


def case_form_buttons(parent: QWidget, case) -> list[tuple[str, str, Callable]]:
    if case.state != "closed":
        return []
    return [("打印会议纪要/协议书", "生成协调会议纪要或协议书(Word),供各方签署",
             lambda: export_form(parent, "resolution_record", case.id, case.number))]
