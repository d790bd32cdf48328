"""``import ledger``: the office's existing Excel ledger (see io/ledger_import)."""

from __future__ import annotations

from pathlib import Path

from ..db import close_database
from ..domain.importing import FIELDS, IGNORE, LEVELS, jumps_summary, number_jumps_confirmed
from .common import CommandError, add_db_option, open_db, out
from .parser import ChineseParser


def register(sub) -> None:
    parser = sub.add_parser("import", help="导入原有的督办台账(Excel)")
    what = parser.add_subparsers(dest="what", metavar="内容", parser_class=ChineseParser)
    what.required = True
    p = what.add_parser("ledger", help="导入督办台账:先显示列对应和每行的问题,再全部导入或全不导入")
    p.add_argument("input", metavar="IN.xlsx", help="台账文件(.xlsx)")
    p.add_argument("--dry-run", action="store_true", help="只检查,不写入数据库")
    p.add_argument("--sheet", metavar="NAME", help="工作表名称(默认自动选择)")
    p.add_argument("--header-row", type=int, metavar="N", help="表头所在的行号(默认自动识别)")
    p.add_argument("--map", action="append", default=[], metavar="列名=项目",
                   help="更正列对应,可多次使用,如 --map 工作任务=督办事项 --map 备注=不导入")
    p.add_argument("--skip-bad-rows", action="store_true", help="跳过有问题的行,导入其余的行")
    p.add_argument("--accept-number-jumps", action="store_true",
                   help="确认远远超出这一年现有编号的编号无误，照样导入（试运行会列出这些编号）")
    add_db_option(p)
    p.set_defaults(handler=cmd_import_ledger)


def _apply_maps(ledger, maps: list[str]) -> dict[int, str]:
    from ..io.ledger_import import SEQ

    mapping = dict(ledger.mapping)
    labels = {label: name for name, label in FIELDS.items()}
    labels.update({"不导入": IGNORE, "序号": SEQ})
    for item in maps:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise CommandError(f"--map 的写法是“列名=项目”,例如 工作任务=督办事项;收到“{item}”。")
        found = [c for c in ledger.columns if c.name == column or c.letter == column.upper()]
        if not found:
            raise CommandError(f"表格中没有“{column}”列。现有的列:{'、'.join(c.name for c in ledger.columns)}。")
        if target not in labels and target not in FIELDS:
            raise CommandError(f"没有“{target}”这一项。可选:{'、'.join(FIELDS.values())}、不导入。")
        mapping[found[0].index] = labels.get(target, target)
    return mapping


def _label(name: str) -> str:
    if name == IGNORE:
        return "(不导入)"
    if name == "_seq":
        return "序号(只计行数,不导入)"
    return FIELDS.get(name, name)


def cmd_import_ledger(args) -> int:
    from ..io.ledger_import import import_ledger, read_ledger

    path = Path(args.input).expanduser()
    ledger = read_ledger(path, sheet=args.sheet, header_row=args.header_row)
    mapping = _apply_maps(ledger, args.map)
    out(f"文件:{path.name}  工作表:{ledger.sheet}  表头:第 {ledger.header_row} 行"
        f"{'(两行)' if ledger.header_rows == 2 else ''}  数据:{ledger.data_rows} 行")
    out("列对应:")
    for col in ledger.columns:
        out(f"  {col.letter} {col.name} → {_label(mapping.get(col.index, IGNORE))}")
    open_db(args, create=not args.dry_run)
    try:
        plan, result = import_ledger(ledger, mapping, dry_run=True)
        _report(plan)
        if args.dry_run:
            out("试运行:没有写入任何内容。")
            return 0
        if plan.errors and not args.skip_bad_rows:
            raise CommandError(f"导入被拒绝：有 {plan.errors} 行有问题，没有导入任何内容。"
                               "请修改表格后重试，或加 --skip-bad-rows 跳过这些行。")
        if plan.jumps and not args.accept_number_jumps:
            raise CommandError(f"导入被拒绝：{jumps_summary(plan.jumps)}，没有导入任何内容。"
                               "请核对这些编号；如是笔误，请改正表格；如编号无误，请加 --accept-number-jumps 再导入。")
        with number_jumps_confirmed(args.accept_number_jumps):
            plan, result = import_ledger(ledger, mapping, skip_errors=args.skip_bad_rows)
    finally:
        close_database()
    numbers = [n for n in result.numbers if n]
    span = f"（编号 {numbers[0]} 至 {numbers[-1]}）" if len(numbers) > 1 else ""
    out(f"已导入 {result.created} 件督办事项{span}"
        + (f"，新建单位 {len(result.new_units)} 个" if result.new_units else "")
        + (f"，跳过以前已导入的 {result.skipped_duplicates} 件" if result.skipped_duplicates else "")
        + (f"，跳过有问题的 {result.skipped_errors} 行" if result.skipped_errors else "") + "。")
    return 0


def _report(plan) -> None:
    if plan.notices:
        out("说明:")
        for notice in plan.notices:
            out(f"  - {notice}")
    problems = plan.problems
    if problems:
        out(f"问题({len(problems)} 个):")
        for problem in problems:
            out(f"  [{LEVELS[problem.level]}] {problem}")
    states = "、".join(f"{label} {n}" for label, n in plan.states().items())
    out(f"可导入 {plan.to_import} 件" + (f"({states})" if states else "")
        + f";以前已导入(跳过){plan.duplicates} 件;有问题 {plan.errors} 行。")
    if plan.new_units:
        shown = "、".join(plan.new_units[:20]) + ("等" if len(plan.new_units) > 20 else "")
        out(f"将新建 {len(plan.new_units)} 个单位:{shown}")
    if plan.jumps:
        out(f"需要确认的编号（{len(plan.jumps)} 个，远远超出这一年现有的编号；"
            "导入时须加 --accept-number-jumps）：")
        for jump in plan.jumps:
            out(f"  {jump}")

