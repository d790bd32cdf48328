"""``export ledger``: the supervision ledger in Excel (see io/ledger_export)."""

from __future__ import annotations

from pathlib import Path

from ..db import close_database
from ..domain.ledger import OPEN, ItemFilter
from ..domain.units import find_unit
from ..domain.vocab import ITEM_STATES
from .common import CommandError, add_db_option, open_db, out

_OPEN_WORDS = (OPEN, "未办结", "在办")


def register(what) -> None:
    p = what.add_parser("ledger", help="导出督办台账(Excel:督办台账、协调台账、统计、逾期清单、单位任务)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="要保存的 Excel 文件")
    p.add_argument("--year", type=int, metavar="Y", help="只导出这一年登记的事项")
    p.add_argument("--state", metavar="S",
                   help="只导出这种状态的事项:" + "、".join(ITEM_STATES.values()) + ",或“未办结”")
    p.add_argument("--unit", metavar="U", help="只导出这个单位主办或协办的事项(单位名称)")
    p.add_argument("--overdue", action="store_true", help="只导出逾期未办结的事项")
    add_db_option(p)
    p.set_defaults(handler=cmd_export_ledger)


def state_code(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if text in _OPEN_WORDS:
        return OPEN
    if text in ITEM_STATES:
        return text
    for code, label in ITEM_STATES.items():
        if text == label:
            return code
    raise CommandError(f"没有“{text}”这种状态。可选:{'、'.join(ITEM_STATES.values())}、未办结。")


def cmd_export_ledger(args) -> int:
    from ..io.ledger_export import export_ledger

    dest = Path(args.output).expanduser()
    if dest.suffix.lower() != ".xlsx":
        raise CommandError(f"输出文件“{dest.name}”应以 .xlsx 结尾(Excel 工作簿)。")
    state = state_code(args.state)
    open_db(args)
    try:
        unit_id = None
        if args.unit is not None:
            unit = find_unit(args.unit)
            if unit is None:
                raise CommandError(f"没有名为“{args.unit.strip()}”的单位,请检查单位名称。")
            unit_id = unit.id
        result = export_ledger(dest, ItemFilter(state=state, unit=unit_id, year=args.year,
                                                overdue_only=args.overdue))
    finally:
        close_database()
    out(f"已导出督办台账：督办事项 {result.items} 件，协调事项 {result.cases} 件，"
        f"逾期未办结 {result.overdue} 件。文件：{result.path}")
    if result.cut_cells:
        out(f"注意:有 {result.cut_cells} 个单元格的内容超过 Excel 的上限(32767 字),已截断并在单元格中注明;"
            "数据库中的内容完整。")
    return 0
