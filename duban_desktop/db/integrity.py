"""Structural checks of the open database: integrity, foreign keys, schema version."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from . import migrations
from .migrations import read_version
from .models import database


@dataclass
class StructureReport:
    schema_version: int | None
    integrity: list[str] = field(default_factory=list)
    foreign_key_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.schema_version == migrations.SCHEMA_VERSION and self.integrity == ["ok"]
                and not self.foreign_key_problems)


def check_structure() -> StructureReport:
    db = database.obj
    report = StructureReport(schema_version=read_version(db))
    if isinstance(db, pw.SqliteDatabase):
        report.integrity = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            report.foreign_key_problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
    else:
        report.integrity = ["ok"]
    return report
