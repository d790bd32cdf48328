"""Core subcommands: demo, alerts, check, backup, transfer (a file's register onto the server)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import peewee as pw

from ..db import SCHEMA_VERSION, close_database, current_path, server_backup
from ..db import backup as backups
from ..db.connection import restore_database, sqlite_target
from ..db.errors import DamagedDatabaseError, classify
from ..db.integrity import check_structure
from ..db.models import CoordinationCase, SupervisionItem, Unit
from ..domain import consistency, demo
from ..domain.alerts import LEVELS, calendar_notice, compute_alerts, describe
from ..domain.dates import format_cn
from .common import CommandError, add_db_option, db_target, open_db, out, server_password


def register(sub) -> None:
    p = sub.add_parser("demo", help="在新的数据库中生成示例数据")
    p.add_argument("--db", required=True, metavar="PATH_OR_URL", help="新数据库文件的路径，或数据库服务器上空数据库的地址")
    p.add_argument("--items", type=int, default=300, metavar="N", help="督办事项件数(默认 300)")
    p.add_argument("--cases", type=int, default=40, metavar="N", help="协调事项件数(默认 40)")
    p.add_argument("--seed", type=int, default=2026, metavar="S", help="随机种子,相同种子生成相同数据")
    p.add_argument("--units", type=int, default=None, metavar="N",
                   help="每件督办事项平均有几个承办单位（默认：多数一两个，少数三个）")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("alerts", help="列出逾期和即将到期的事项")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_alerts)

    p = sub.add_parser("check", help="检查数据库的完整性和数据结构版本,可从备份恢复")
    add_db_option(p)
    p.add_argument("--restore", metavar="BACKUP",
                   help="先从备份恢复(备份文件路径,或 latest 表示最近一次备份)")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", help="备份数据库(程序打开时也可以)")
    add_db_option(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="备份文件的路径")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("transfer", help="把 SQLite 数据库文件中的台账复制到数据库服务器（含变更记录，逐表核对行数）")
    p.add_argument("--db", required=True, metavar="PATH", help="要复制的数据库文件（只读打开）")
    p.add_argument("--to", required=True, metavar="URL", help="服务器上空数据库的地址，如 postgresql://用户@主机/数据库")
    p.set_defaults(handler=cmd_transfer)


def cmd_demo(args) -> int:
    if args.items < 0 or args.cases < 0:
        raise CommandError("--items 和 --cases 不能为负数。")
    if args.items > 2_000_000 or args.cases > 200_000:
        raise CommandError("示例数据最多 2000000 件督办事项、200000 件协调事项。")
    if args.units is not None and not 1 <= args.units <= 10:
        raise CommandError("--units 应为 1 到 10 之间的整数（每件事项平均的承办单位数）。")
    open_db(args, create=True)
    try:
        counts = demo.generate(items=args.items, cases=args.cases, seed=args.seed,
                               units_per_item=args.units)
    finally:
        close_database()
    out(f"已生成示例数据：督办事项 {counts['items']} 件，协调事项 {counts['cases']} 件。数据库：{args.db}")
    return 0


def cmd_alerts(args) -> int:
    open_db(args)
    try:
        alerts = compute_alerts()
        notice = calendar_notice()
    finally:
        close_database()
    if args.json:
        out(json.dumps([a.as_json() for a in alerts], ensure_ascii=False, indent=1))
        return 0
    if not alerts:
        out("没有逾期或即将到期的事项。")
    for level, label in LEVELS.items():
        group = [a for a in alerts if a.level == level]
        if not group:
            continue
        out(f"【{label}】{len(group)} 件")
        for a in group:
            out(f"  {a.number}  {a.title}  {a.lead_unit}  时限 {format_cn(a.deadline)}  {describe(a)}")
    if notice:
        out(f"注意：{notice}")
    return 0


def _resolve_backup(db_path: Path, name: str) -> Path:
    if name == "latest":
        found = backups.list_backups(db_path)
        if not found:
            raise CommandError(f"没有找到数据库“{db_path}”的备份(应在 {backups.backup_dir_for(db_path)})。")
        return found[0].path
    return Path(name)


def _restore(path: Path, name: str) -> None:
    """Restore while holding the program's lock: refused while a window has the database."""
    source = _resolve_backup(path, name)
    aside = restore_database(path, source)
    out(f"已从备份“{source}”恢复。" + (f"恢复前的数据库已原样另存为“{aside}”。" if aside else ""))


def _restore_server(args, name: str) -> None:
    """The server's register put back from one of its pg_dump backups (one transaction)."""
    db = open_db(args)
    try:
        if name == "latest":
            found = server_backup.list_backups(db)
            if not found:
                raise CommandError(f"没有找到数据库服务器上“{db.address.display()}”的备份"
                                   f"（应在 {server_backup.backup_dir()}）。")
            source = found[0].path
        else:
            source = Path(name)
        aside = server_backup.restore_backup(db, source)
    finally:
        close_database()
    out(f"已从备份“{source}”恢复数据库服务器上的台账。恢复前的数据已另存为“{aside}”。")


def cmd_check(args) -> int:
    target = db_target(args)
    path = sqlite_target(target)
    if args.restore:
        if path is None:
            _restore_server(args, args.restore)
        else:
            _restore(path, args.restore)
    opened = open_db(args)
    try:
        report = check_structure()
        rule_problems = consistency.problems()
        counts = (SupervisionItem.select().count(), CoordinationCase.select().count(),
                  Unit.select().count())
        where = current_path() or getattr(getattr(opened, "address", None), "display", lambda: target)()
        server_backups = server_backup.list_backups(opened) if path is None else []
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        close_database()
        found = classify(exc, path)
        if not isinstance(found, DamagedDatabaseError):
            raise
        out(f"数据库：{target}")
        out(f"完整性检查：未通过（数据库已损坏：{exc}）")
        out(f"备份：{len(backups.list_backups(path))} 份，位于 {backups.backup_dir_for(path.resolve())}")
        out("检查未通过。可用 check --restore latest 从最近一次备份恢复（损坏的文件会原样另存一份）。")
        return 1
    finally:
        close_database()
    out(f"数据库：{where}")
    out(f"数据结构版本：{report.schema_version}（本程序为 {SCHEMA_VERSION}）")
    if path is not None:
        out("完整性检查：" + ("通过" if report.integrity == ["ok"] else "未通过：" + "；".join(report.integrity[:10])))
        out("外键检查：" + ("通过" if not report.foreign_key_problems else
                       "未通过：" + "；".join(report.foreign_key_problems[:10])))
    out("触发器检查：" + ("通过" if not report.trigger_problems else "未通过：" + "；".join(report.trigger_problems)))
    if report.reinstalled_triggers:
        out("  打开数据库时发现以下触发器缺失或被改动，已重新安装：" + "、".join(report.reinstalled_triggers)
            + "。在此期间变更记录可能被改动过，请核对。")
    out("规则检查：" + ("通过" if not rule_problems else f"发现 {len(rule_problems)} 个问题"))
    for problem in rule_problems:
        out(f"  - {problem}")
    out(f"记录：督办事项 {counts[0]} 件，协调事项 {counts[1]} 件，单位 {counts[2]} 个")
    found = backups.list_backups(path) if path is not None else server_backups
    folder = backups.backup_dir_for(path) if path is not None else server_backup.backup_dir()
    out(f"备份：{len(found)} 份，位于 {folder}" + ("（这台电脑上用 pg_dump 做的备份）" if path is None else ""))
    for info in found[:5]:
        out(f"  {info.taken_at:%Y-%m-%d %H:%M:%S}  {info.kind_label}  {info.path.name}")
    if report.not_checked:
        out("在数据库服务器上无法由本程序检查：")
        for line in report.not_checked:
            out(f"  - {line}")
    ok = report.ok and not rule_problems and not report.reinstalled_triggers
    if not ok and path is None:
        out("检查未通过：上面列出的问题请逐条核对更正；缺少的触发器和索引在程序下次升级数据库时重建，"
            "也可请管理员从备份恢复（check --restore latest）。")
    elif not ok and (report.integrity != ["ok"] or report.foreign_key_problems):
        out("检查未通过：数据库文件已损坏。可用 check --restore latest 从最近一次备份恢复（损坏的文件会原样另存一份）。")
    elif not ok:
        out("检查未通过：数据库文件完好，上面列出的问题请逐条核对更正（不需要从备份恢复）。")
    return 0 if ok else 1


def cmd_backup(args) -> int:
    path = sqlite_target(db_target(args))
    dest = Path(args.output).expanduser()
    if path is None:  # the server: pg_dump of the whole database
        if dest.is_dir():
            raise CommandError(f"“{dest}”是一个文件夹，请给出备份文件的完整路径。")
        db = open_db(args)
        try:
            server_backup.dump_to(db, dest)
        finally:
            close_database()
        out(f"已把数据库服务器上的台账备份到 {dest}（pg_dump 格式，可用 check --restore {dest} 恢复）")
        return 0
    if dest.exists() and dest.resolve() == path.resolve():
        raise CommandError("备份文件不能与数据库文件相同，请换一个路径。")
    if dest.is_dir():
        raise CommandError(f"“{dest}”是一个文件夹，请给出备份文件的完整路径。")
    open_db(args)  # checks that it is a database of ours, not newer
    close_database()
    backups.copy_database(path, dest)
    out(f"已备份到 {dest}")
    return 0


def cmd_transfer(args) -> int:
    from ..db.server import is_server_url
    from ..db.transfer import TABLE_LABELS, transfer

    if sqlite_target(args.db) is None:
        raise CommandError("--db 应是要复制的 SQLite 数据库文件。")
    if not is_server_url(args.to):
        raise CommandError("--to 应是数据库服务器的地址，以 postgresql:// 开头。")

    def progress(table: str, rows: int) -> None:
        out(f"  已复制{TABLE_LABELS.get(table, table)} {rows} 行")

    report = transfer(Path(args.db).expanduser(), args.to, password=server_password(args.to), progress=progress)
    for line in report.lines():
        out(line)
    return 0
