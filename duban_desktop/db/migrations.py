"""Schema versions and step-by-step migrations.

A new database is created at the current schema directly. An existing one at an older
version is migrated one step at a time; each step runs in one transaction together with
its version bump and is written so that running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from . import search
from .models import MODELS, ItemSearch, Meta, Review, SupervisionItem, Urge

SCHEMA_VERSION = 6

MigrationStep = Callable[[pw.Database], None]


def _v2_search_and_sort_indexes(db: pw.Database) -> None:
    """Schema 2: the search table and its triggers/FTS index; indexes the register sorts by."""
    db.create_tables([ItemSearch], safe=True)
    SupervisionItem._schema.create_indexes(safe=True)
    search.install(db)


def _v3_units_in_search(db: pw.Database) -> None:
    """Schema 3: the search line holds the lead and assisting units' names too (one
    lookup per word instead of three joined ones) and ends in two spaces (so that words
    of one or two characters can be found through the trigram index's terms); the
    triggers that keep it (now also on assisting_unit and unit) are made anew and the
    line refilled."""
    search.install(db)


def _v4_alert_indexes(db: pw.Database) -> None:
    """Schema 4: 逾期提醒 reads from indexes alone (models.py: supervision_item_alerts,
    urge_item_latest); the two indexes they replace go."""
    from playhouse.migrate import SchemaMigrator, migrate

    SupervisionItem._schema.create_indexes(safe=True)
    Urge._schema.create_indexes(safe=True)
    present = {(i.table, i.name) for table in ("supervision_item", "urge") for i in db.get_indexes(table)}
    gone = [("supervision_item", "supervision_item_state_deadline"), ("urge", "urge_item_id")]
    migrator = SchemaMigrator.from_database(db)
    migrate(*(migrator.drop_index(table, name) for table, name in gone if (table, name) in present))


def _v5_feedback_alert_index(db: pw.Database) -> None:
    """Schema 5: 待反馈超时 (the wait since the review that passed an item) reads the
    review from an index alone (models.py: review_item_verdict), which replaces the index
    on the review's item."""
    from playhouse.migrate import SchemaMigrator, migrate

    Review._schema.create_indexes(safe=True)
    present = {i.name for i in db.get_indexes("review")}
    if "review_item_id" in present:
        migrate(SchemaMigrator.from_database(db).drop_index("review", "review_item_id"))


def _v6_record_versions(db: pw.Database) -> None:
    """Schema 6: a version on each item and case, one more at every change, so that an
    edit begun on another desk before a change is refused instead of undoing it."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(db)
    for table in ("supervision_item", "coordination_case"):
        if "version" not in {c.name for c in db.get_columns(table)}:
            migrate(migrator.add_column(table, "version", pw.IntegerField(default=1)))


# version -> step that brings a database from version-1 to version.
# Steps check before they change (IF NOT EXISTS, refills), so running one again is harmless.
STEPS: dict[int, MigrationStep] = {2: _v2_search_and_sort_indexes, 3: _v3_units_in_search,
                                   4: _v4_alert_indexes, 5: _v5_feedback_alert_index,
                                   6: _v6_record_versions}

APPEND_ONLY_TABLE = "change_log"
# name -> (body after "CREATE TRIGGER name", what it guards in the office's words);
# db/integrity.py checks that each is there as written here
GUARD_TRIGGERS = {
    f"{APPEND_ONLY_TABLE}_no_{op.lower()}": (
        f"BEFORE {op} ON {APPEND_ONLY_TABLE} BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END",
        f"变更记录不可{verb}")
    for op, verb in (("UPDATE", "修改"), ("DELETE", "删除"))
}


def read_version(db: pw.Database) -> int | None:
    """The stored schema version, 0 for an empty database, None if not ours."""
    tables = set(db.get_tables())
    if not tables:
        return 0
    if "meta" not in tables:
        return None
    row = Meta.get_or_none(Meta.key == "schema_version")
    if row is None:
        return None
    try:
        return int(row.value)
    except ValueError:
        return None


def _set_version(version: int) -> None:
    (
        Meta.insert(key="schema_version", value=str(version))
        .on_conflict(conflict_target=[Meta.key], update={Meta.value: str(version)})
        .execute()
    )


def _install_guards(db: pw.Database) -> None:
    """Make the change history append-only at the database level."""
    if not isinstance(db, pw.SqliteDatabase):
        from . import server

        server.install_guards(db)
        return
    for name, (body, _label) in GUARD_TRIGGERS.items():
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def create_current(db: pw.Database) -> None:
    with db.atomic():
        db.create_tables(MODELS, safe=True)
        search.install(db)
        _install_guards(db)
        _set_version(SCHEMA_VERSION)


def migrate(db: pw.Database, from_version: int, steps: dict[int, MigrationStep] | None = None,
            target: int | None = None) -> list[int]:
    """Run the steps after ``from_version`` up to ``target``; returns the versions applied."""
    steps = STEPS if steps is None else steps
    target = SCHEMA_VERSION if target is None else target
    applied = []
    sqlite = isinstance(db, pw.SqliteDatabase)
    if sqlite:
        # SQLite rebuilds a table to change a column; foreign keys must be off around
        # that (they cannot change inside a transaction) and are checked before commit.
        db.execute_sql("PRAGMA foreign_keys=OFF")
    try:
        for version in range(from_version + 1, target + 1):
            step = steps[version]
            with db.atomic():
                # The search triggers name other tables (unit, assisting_unit): a step that
                # rebuilds one of them would trip over them. Out during the step, in again
                # after it, in the same transaction.
                searchable = sqlite and "item_search" in db.get_tables()
                if searchable:
                    search.drop_triggers(db)
                step(db)
                if searchable:
                    search.install(db)
                if sqlite and db.execute_sql("PRAGMA foreign_key_check").fetchone():
                    raise pw.IntegrityError(f"step {version} broke foreign keys")
                _set_version(version)
            applied.append(version)
    finally:
        if sqlite:
            db.execute_sql("PRAGMA foreign_keys=ON")
    with db.atomic():
        _install_guards(db)
    return applied
