"""Structural checks of the open database: integrity, foreign keys, schema version, and
the triggers the program relies on.

The triggers keep promises no other code checks: the change history is append-only
(``migrations.GUARD_TRIGGERS``), and the search table follows every write
(``search.TRIGGERS``). Anyone with the sqlite3 tool can drop or change one; then the
history can be rewritten, or the search misses what was written since, and nothing
says so. ``check_structure`` compares each with its definition here and reports the
missing and altered ones; ``reinstall_missing_triggers`` (called as the database is
opened) puts them back and says which.

On the PostgreSQL server the history's guard (server.GUARD_TRIGGERS) and the search's
triggers (search.SERVER_FUNCTIONS) are checked as present, enabled and unaltered; what
only the server can check (its files' integrity, the foreign keys it enforces itself) is
said in ``not_checked``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import peewee as pw

from . import migrations, search
from .migrations import read_version
from .models import database

# where the names of the triggers reinstalled when the database was opened are kept,
# on the database object (``check`` reports them)
_REINSTALLED = "_duban_reinstalled_triggers"


@dataclass
class StructureReport:
    schema_version: int | None
    integrity: list[str] = field(default_factory=list)
    foreign_key_problems: list[str] = field(default_factory=list)
    trigger_problems: list[str] = field(default_factory=list)  # missing or altered now
    reinstalled_triggers: list[str] = field(default_factory=list)  # put back at opening
    not_checked: list[str] = field(default_factory=list)  # what this check cannot see (a server)

    @property
    def ok(self) -> bool:
        return (self.schema_version == migrations.SCHEMA_VERSION and self.integrity == ["ok"]
                and not self.foreign_key_problems and not self.trigger_problems)


def _label(name: str) -> str:
    label = migrations.GUARD_TRIGGERS[name][1] if name in migrations.GUARD_TRIGGERS \
        else search.TRIGGER_LABELS.get(name, name)
    return f"“{label}”（{name}）"


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql or "").strip().rstrip(";").strip()


def _schema(db: pw.SqliteDatabase) -> tuple[set[str], dict[str, str]]:
    """(table names, trigger name -> stored statement), in one read."""
    rows = db.execute_sql("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
    tables, triggers = set(), {}
    for kind, name, sql in rows.fetchall():
        if kind == "table":
            tables.add(name)
        else:
            triggers[name] = sql
    return tables, triggers


def expected_triggers(db: pw.Database, tables: set[str] | None = None) -> dict[str, str]:
    """name -> the full CREATE TRIGGER statement of every trigger the program relies on."""
    if not isinstance(db, pw.SqliteDatabase):
        return {}
    if tables is None:
        tables = _schema(db)[0]
    bodies = {name: body for name, (body, _label) in migrations.GUARD_TRIGGERS.items()}
    if "item_search" in tables:
        bodies.update(search.expected_triggers("item_fts" in tables or search.fts_available(db)))
    return {name: f"CREATE TRIGGER {name} {body}" for name, body in bodies.items()}


def _bad_triggers(db: pw.Database) -> tuple[list[str], list[str], list[str]]:
    """(missing, altered, unknown) trigger names."""
    if not isinstance(db, pw.SqliteDatabase):
        return [], [], []
    tables, stored = _schema(db)
    expected = expected_triggers(db, tables)
    missing = [name for name in expected if name not in stored]
    altered = [name for name, sql in expected.items()  # (as stored, or spaced otherwise)
               if name in stored and stored[name] != sql and _normal(stored[name]) != _normal(sql)]
    unknown = sorted(name for name in stored if name not in expected)
    return missing, altered, unknown


def trigger_problems(db: pw.Database) -> list[str]:
    """The missing and altered triggers, and any the program does not know, in Chinese."""
    missing, altered, unknown = _bad_triggers(db)
    return ([f"缺少触发器{_label(name)}" for name in missing]
            + [f"触发器{_label(name)}的定义被改动过" for name in altered]
            + [f"有本程序不认识的触发器“{name}”，它可能改动数据，请查明来源" for name in unknown])


def reinstall_missing_triggers(db: pw.Database) -> list[str]:
    """Recreate every missing or altered trigger; their Chinese names (empty when all
    were there, and on other servers). A search trigger that was missing means the
    search table may have missed writes: it is refilled with its triggers
    (``search.install``). Call with the database open for writing, outside a transaction."""
    missing, altered, _unknown = _bad_triggers(db)  # (not ours to drop: reported by check)
    bad = missing + altered
    if not bad:
        return []
    with db.atomic():
        for name in bad:
            if name in migrations.GUARD_TRIGGERS:
                db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
                db.execute_sql(f"CREATE TRIGGER {name} {migrations.GUARD_TRIGGERS[name][0]}")
        if any(name not in migrations.GUARD_TRIGGERS for name in bad):
            search.install(db)
    names = [_label(name) for name in bad]
    db.__dict__.setdefault(_REINSTALLED, []).extend(names)
    return names


def check_structure() -> StructureReport:
    db = database.obj
    report = StructureReport(schema_version=read_version(db))
    if isinstance(db, pw.SqliteDatabase):
        report.integrity = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            report.foreign_key_problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        report.trigger_problems = trigger_problems(db)
        report.reinstalled_triggers = list(db.__dict__.get(_REINSTALLED, []))
    elif isinstance(db, pw.PostgresqlDatabase):
        from . import server

        report.integrity = ["ok"]
        report.trigger_problems = [f"变更记录的保护：{p}" for p in server.guard_problems(db)] + \
            search.server_problems(db)
        report.not_checked = SERVER_NOT_CHECKED
    else:
        report.integrity = ["ok"]
    return report


SERVER_NOT_CHECKED = [
    "数据文件的完整性：由数据库服务器自己负责（管理员可用 pg_amcheck 检查，并应定期备份）",
    "外键：服务器在每次写入时自己检查，不会留下引用不存在的记录",
]


def reinstalled_at_open() -> list[str]:
    """The triggers put back when the open database was opened (to tell the user)."""
    db = database.obj
    return list(db.__dict__.get(_REINSTALLED, [])) if db is not None else []
