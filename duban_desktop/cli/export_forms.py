"""``export form|bulletin|notices``: the standard forms in Word (see io/forms)."""

from __future__ import annotations

from pathlib import Path

from ..db import close_database
from ..domain import coordination, supervision
from .common import CommandError, add_db_option, open_db, out

# command-line spelling -> form kind
KINDS = {
    "register": "register",
    "notice": "notice",
    "instruction-report": "instruction_report",
    "resolution-record": "resolution_record",
}


def register(what) -> None:
    p = what.add_parser("form", help="导出一件事项的表单(Word)")
    p.add_argument("kind", choices=list(KINDS), metavar="KIND",
                   help="register(督促检查登记单)| notice(催办通知)| "
                        "instruction-report(领导同志批示件办理情况)| "
                        "resolution-record(协调会议纪要或协议书)")
    p.add_argument("number", metavar="NUMBER",
                   help="事项编号,如 催字〔2026〕12号;resolution-record 用协调事项编号,如 协字〔2026〕3号")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="要保存的 Word 文件")
    add_db_option(p)
    p.set_defaults(handler=cmd_form)

    p = what.add_parser("bulletin", help="导出督查通报(Word)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="要保存的 Word 文件")
    p.add_argument("--year", type=int, metavar="YEAR", help="只统计该年立项的事项(默认全部)")
    add_db_option(p)
    p.set_defaults(handler=cmd_bulletin)

    p = what.add_parser("notices", help="把多件事项的催办通知导出到一个 Word 文件,每页一份")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="要保存的 Word 文件")
    p.add_argument("--overdue", action="store_true", help="所有逾期未办结的事项")
    p.add_argument("numbers", nargs="*", metavar="NUMBER", help="事项编号(可多个)")
    add_db_option(p)
    p.set_defaults(handler=cmd_notices)


def _output(args) -> Path:
    dest = Path(args.output).expanduser()
    if dest.suffix.lower() != ".docx":
        raise CommandError(f"输出文件“{dest}”应以 .docx 结尾(Word 文档)。")
    return dest


def _tell(forms, removed: list[str]) -> None:
    note = forms.removal_note(removed)
    if note:
        out(note)


def cmd_form(args) -> int:
    from ..io import forms  # python-docx: loaded only for this command

    kind = KINDS[args.kind]
    dest = _output(args)
    open_db(args)
    try:
        if kind == "resolution_record":
            record_id = coordination.find_by_number(args.number).id
        else:
            record_id = supervision.find_by_number(args.number).id
        removed: list[str] = []
        written = forms.export_form(kind, record_id, dest, removed=removed)
    finally:
        close_database()
    out(f"已导出{forms.FORM_KINDS[kind]}：{written}")
    _tell(forms, removed)
    return 0


def cmd_bulletin(args) -> int:
    from ..io import forms  # python-docx: loaded only for this command

    dest = _output(args)
    open_db(args)
    try:
        removed: list[str] = []
        written = forms.export_bulletin(dest, year=args.year, removed=removed)
    finally:
        close_database()
    out(f"已导出督查通报：{written}")
    _tell(forms, removed)
    return 0


def cmd_notices(args) -> int:
    from ..io import forms  # python-docx: loaded only for this command

    dest = _output(args)
    if not args.overdue and not args.numbers:
        raise CommandError("请给出事项编号,或用 --overdue 导出所有逾期事项的催办通知。")
    open_db(args)
    try:
        ids = forms.overdue_item_ids() if args.overdue else []
        ids += [supervision.find_by_number(n).id for n in args.numbers]
        if not ids:
            raise CommandError("没有逾期未办结的事项,不需要生成催办通知。")
        removed: list[str] = []
        written = forms.export_notices(ids, dest, removed=removed)
        items = list(dict.fromkeys(ids))
        count = forms.form_data.notice_count(items)  # (one for each unit still at work)
    finally:
        close_database()
    out(f"已导出催办通知 {count} 份" + (f"（{len(items)} 件事项）" if count != len(items) else "") + f"：{written}")
    _tell(forms, removed)
    return 0
