"""Moving a register from its SQLite file onto the office's PostgreSQL server.

Everything is copied, ids and history included, table by table in the order their
references need, a thousand rows a statement, reading the file a page at a time (memory
stays flat at 100,000 items), in one transaction on the server: the copy is all there or
not at all. The file is opened read-only, in one read transaction (one consistent state
of it even while a window writes). The target must be an empty database or a register
with nothing in it. After the copy the id sequences are moved past the copied ids, the
search table is filled and indexed once, and each table's rows are counted on both sides.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from . import migrations, search, server
from .bulk import insert_values
from .connection import close_database, open_database
from .errors import DatabaseError, NewerSchemaError, NotADatabaseError
from .models import MODELS, ItemSearch, Meta

log = logging.getLogger(__name__)

PAGE = 1000
# the tables copied, in the order their references need (models.MODELS is in that order);
# the target's own meta row (its schema version) and the search lines are its own
COPIED = [m for m in MODELS if m not in (Meta, ItemSearch)]

TABLE_LABELS = {
    "setting": "设置", "unit": "单位", "number_sequence": "编号计数", "workday_override": "节假日调整",
    "coordination_case": "协调事项", "case_party": "协调事项当事单位", "consultation_session": "协商记录",
    "case_task": "决定事项", "supervision_item": "督办事项", "unit_task": "单位任务",
    "result_report": "办理结果报送", "urge": "催办记录", "extension": "延期记录", "review": "审理记录",
    "feedback": "结果反馈", "change_log": "变更记录",
}


@dataclass
class TransferReport:
    source: Path
    target: str
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows (equal on both sides)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rows = [f"  {TABLE_LABELS.get(t, t)}（{t}）：{n} 行" for t, n in self.counts.items()]
        return [f"已把“{self.source}”中的督办台账复制到数据库服务器“{self.target}”"
                f"（用时 {self.seconds:.1f} 秒），两边逐表核对的行数一致：", *rows]


def _open_source(path: Path) -> sqlite3.Connection:
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatabaseError(f"数据库文件“{path}”不存在，请检查路径。")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" not in tables:
            conn.close()
            raise NotADatabaseError(path, "no meta table")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(path, str(exc)) from exc
    version = int(row[0]) if row and str(row[0]).isdigit() else None
    if version is None:
        conn.close()
        raise NotADatabaseError(path, "no schema version")
    if version > migrations.SCHEMA_VERSION:
        conn.close()
        raise NewerSchemaError(path, version, migrations.SCHEMA_VERSION)
    if version < migrations.SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(f"数据库文件“{path}”由旧版本的程序建立（第 {version} 版）。请先用本程序打开它一次"
                            "（程序会先备份再升级），然后再复制到服务器。")
    conn.execute("BEGIN")  # one read transaction: one state of the file throughout
    return conn


def _converters(model, columns: list[str]) -> list[Callable | None]:
    """Per column, what makes SQLite's stored value one the server takes (flags are 0/1
    there); None where it passes as it is (text dates and times are read by the server)."""
    by_column = {f.column_name: f for f in model._meta.sorted_fields}
    out = []
    for column in columns:
        f = by_column.get(column)
        out.append((lambda v: None if v is None else bool(v)) if isinstance(f, pw.BooleanField) else None)
    return out


def _rows(cursor: sqlite3.Cursor, converters: list[Callable | None]):
    pairs = [(n, c) for n, c in enumerate(converters) if c is not None]
    while True:
        page = cursor.fetchmany(PAGE)
        if not page:
            return
        if not pairs:
            yield from page
            continue
        for row in page:
            row = list(row)
            for n, convert in pairs:
                row[n] = convert(row[n])
            yield row


def _is_empty(db: pw.Database) -> list[str]:
    """The tables of the target that already hold rows."""
    return [m._meta.table_name for m in COPIED if m.select().exists()]


def transfer(source: Path, target: str, *, password: str | None = None,
             progress: Callable[[str, int], None] | None = None) -> TransferReport:
    """Copy the register in the SQLite file ``source`` onto the server database ``target``
    (a postgresql:// URL of an empty database); the per-table counts, verified."""
    if not server.is_server_url(target):
        raise DatabaseError("复制的目标应是数据库服务器的地址（以 postgresql:// 开头）。")
    started = time.monotonic()
    conn = _open_source(Path(source))
    try:
        db = open_database(target, password=password)
        try:
            where = db.address.display()
            full = _is_empty(db)
            if full:
                raise DatabaseError(f"数据库服务器上的“{where}”中已有数据（{'、'.join(full[:5])}），没有复制。"
                                    "请为复制另建一个空数据库（README 中有说明）。")
            report = TransferReport(Path(source), where)
            source_tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            with db.atomic(), search.suspended(db):
                for model in COPIED:
                    table = model._meta.table_name
                    if table not in source_tables:
                        continue
                    wanted = [f.column_name for f in model._meta.sorted_fields]
                    present = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
                    columns = [c for c in wanted if c in present]
                    cursor = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} '
                                          f'FROM "{table}"')
                    insert_values(db, table, columns, _rows(cursor, _converters(model, columns)))
                    expected = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    copied = db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    if copied != expected:
                        raise DatabaseError(f"复制“{TABLE_LABELS.get(table, table)}”时行数不一致（文件中 {expected} 行，"
                                            f"服务器上 {copied} 行），已全部撤销，服务器上的数据库仍是空的。")
                    report.counts[table] = copied
                    if progress:
                        progress(table, copied)
                server.reset_sequences(db, COPIED)
                _copy_meta(conn, db)
            with contextlib.suppress(pw.DatabaseError):  # statistics and visibility for the planner
                db.execute_sql("VACUUM ANALYZE")
            report.seconds = time.monotonic() - started
            log.info("transferred %s to %s: %s", source, where, report.counts)
            return report
        finally:
            close_database()
    finally:
        conn.close()


def _copy_meta(conn: sqlite3.Connection, db: pw.Database) -> None:
    """The file's facts about itself other than its schema version (the server's own)."""
    for key, value in conn.execute("SELECT key, value FROM meta WHERE key <> 'schema_version'"):
        (Meta.insert(key=key, value=value)
         .on_conflict(conflict_target=[Meta.key], update={Meta.value: value}).execute())


