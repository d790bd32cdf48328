"""Schema versions and step-by-step migrations.

A new database is created at the current schema directly. An existing one at an older
version is migrated one step at a time; each step runs in one transaction together with
its version bump and is written so that running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from . import search
from .models import (
    MODELS,
    Extension,
    ItemSearch,
    Meta,
    ResultReport,
    Review,
    SupervisionItem,
    UnitTask,
    Urge,
)

SCHEMA_VERSION = 7

MigrationStep = Callable[[pw.Database], None]


def _create_indexes(db: pw.Database, model, names: tuple[str, ...]) -> None:
    """Create the model's indexes named ``names`` (if missing). Only those: an index of
    the current model on a column a later schema adds would, on SQLite, index the column's
    name as a text constant (a double-quoted name that is no column is taken as a string)."""
    for index in model._meta.fields_to_index():
        if index._name in names:
            db.execute(model._schema._create_index(index, safe=True))


def _v2_search_and_sort_indexes(db: pw.Database) -> None:
    """Schema 2: the search table; indexes the register sorts by. (Its triggers and FTS
    index read the unit tasks of schema 7, which installs them and fills the table.)"""
    db.create_tables([ItemSearch], safe=True)
    _create_indexes(db, SupervisionItem, ("supervision_item_deadline", "supervision_item_title",
                                          "supervision_item_responsible_person",
                                          "supervision_item_urge_count", "supervision_item_state"))


def _v3_units_in_search(db: pw.Database) -> None:
    """Schema 3: the search line holds the units' names too (one lookup per word instead
    of three joined ones) and ends in two spaces (so that words of one or two characters
    can be found through the trigram index's terms). The line is now made from the unit
    tasks: schema 7 makes the triggers anew and refills it."""


def _v4_alert_indexes(db: pw.Database) -> None:
    """Schema 4: 逾期提醒 reads from indexes alone (models.py: supervision_item_alerts,
    urge_item_latest); the two indexes they replace go."""
    from playhouse.migrate import SchemaMigrator, migrate

    # (as schema 4 had it: schema 7 makes it anew with the unit tasks' columns)
    db.execute_sql("CREATE INDEX IF NOT EXISTS supervision_item_alerts ON supervision_item "
                   "(state, deadline, id, number, title, lead_unit_id, result_reported_on)")
    _create_indexes(db, Urge, ("urge_item_latest",))
    present = {(i.table, i.name) for table in ("supervision_item", "urge") for i in db.get_indexes(table)}
    gone = [("supervision_item", "supervision_item_state_deadline"), ("urge", "urge_item_id")]
    migrator = SchemaMigrator.from_database(db)
    migrate(*(migrator.drop_index(table, name) for table, name in gone if (table, name) in present))


def _v5_feedback_alert_index(db: pw.Database) -> None:
    """Schema 5: 待反馈超时 (the wait since the review that passed an item) reads the
    review from an index alone (models.py: review_item_verdict), which replaces the index
    on the review's item."""
    from playhouse.migrate import SchemaMigrator, migrate

    _create_indexes(db, Review, ("review_item_verdict",))
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


# (the old search triggers on the table schema 7 replaces: they go with it; their
# functions on the server do not)
_GONE_SERVER_FUNCTIONS = ("duban_search_assisting_added", "duban_search_assisting_gone",
                          "duban_search_assisting_changed")


def _v7_unit_tasks(db: pw.Database) -> None:
    """Schema 7: a unit task (单位任务) for every handling unit of every item, in place of
    the assisting units. The lead unit's task has the item's deadline, responsible person,
    result date and urges; each assisting unit's has the item's deadline and is done when
    it has reported or when the item is past review. Tasks of items already issued count
    as signed for (签收) on the day the item was issued: nobody is told that a unit has not
    signed for work it has been doing. Each report, urge, extension and review is linked
    to its unit's task (the reports by their unit; the rest, addressed to the lead unit as
    the book's one handling unit, to the lead's). The history stays as it was."""
    from playhouse.migrate import SchemaMigrator, migrate

    tables = set(db.get_tables())
    db.create_tables([UnitTask], safe=True)
    migrator = SchemaMigrator.from_database(db)
    for model in (ResultReport, Urge, Extension, Review):
        table = model._meta.table_name
        if "unit_task_id" not in {c.name for c in db.get_columns(table)}:
            migrate(migrator.add_column(table, "unit_task_id", pw.ForeignKeyField(
                UnitTask, null=True, field=UnitTask.id)))
    if db.execute_sql("SELECT 1 FROM unit_task LIMIT 1").fetchone() is None:
        signed = ("CASE WHEN i.state IN ('pending_approval', 'rejected') THEN NULL "
                  "ELSE coalesce(i.issued_on, i.registered_on) END")
        db.execute_sql(
            "INSERT INTO unit_task (item_id, parent_id, unit_id, role, part, deadline, responsible_person, phone, "
            "signed_on, state, reported_on, position, version) "
            f"SELECT i.id, NULL, i.lead_unit_id, 'lead', '', i.deadline, i.responsible_person, '', {signed}, "
            "CASE i.state WHEN 'awaiting_review' THEN 'reported' WHEN 'passed' THEN 'done' "
            "WHEN 'closed' THEN 'done' ELSE 'open' END, i.result_reported_on, 0, 1 "
            "FROM supervision_item i ORDER BY i.id")
        if "assisting_unit" in tables:
            latest = ("(SELECT max(r.reported_on) FROM result_report r "
                      "WHERE r.item_id = a.item_id AND r.unit_id = a.unit_id)")
            db.execute_sql(
                "INSERT INTO unit_task (item_id, parent_id, unit_id, role, part, deadline, responsible_person, "
                "phone, signed_on, state, reported_on, position, version) "
                f"SELECT a.item_id, NULL, a.unit_id, 'assist', '', i.deadline, '', '', {signed}, "
                f"CASE WHEN i.state IN ('awaiting_review', 'passed', 'closed') OR {latest} IS NOT NULL "
                f"THEN 'done' ELSE 'open' END, {latest}, a.position + 1, 1 "
                "FROM assisting_unit a JOIN supervision_item i ON i.id = a.item_id "
                "WHERE a.unit_id <> i.lead_unit_id ORDER BY a.item_id, a.position, a.id")
        db.execute_sql("UPDATE result_report SET unit_task_id = (SELECT t.id FROM unit_task t "
                       "WHERE t.item_id = result_report.item_id AND t.unit_id = result_report.unit_id)")
        for table in ("urge", "extension", "review"):
            db.execute_sql(f"UPDATE {table} SET unit_task_id = (SELECT t.id FROM unit_task t "
                           f"WHERE t.item_id = {table}.item_id AND t.role = 'lead')")
    columns = {c.name for c in db.get_columns("supervision_item")}
    new = [migrator.add_column("supervision_item", name, field) for name, field in
           (("due_on", pw.DateField(null=True)), ("late_units", pw.IntegerField(default=0)),
            ("unit_count", pw.IntegerField(default=1)), ("units_done", pw.IntegerField(default=0)))
           if name not in columns]
    if new:
        migrate(*new)
        db.execute_sql(
            "UPDATE supervision_item SET due_on = CASE WHEN state = 'in_progress' THEN (SELECT min(t.deadline) "
            "FROM unit_task t WHERE t.item_id = supervision_item.id AND t.state = 'open') END, "
            "late_units = (SELECT count(*) FROM unit_task t WHERE t.item_id = supervision_item.id "
            "AND t.state <> 'open' AND t.reported_on > t.deadline), "
            "unit_count = (SELECT count(*) FROM unit_task t WHERE t.item_id = supervision_item.id), "
            "units_done = (SELECT count(*) FROM unit_task t WHERE t.item_id = supervision_item.id "
            "AND t.state = 'done')")
    # the alerts' index now leads with the earliest deadline of a unit at work
    if any(i.name == "supervision_item_alerts" for i in db.get_indexes("supervision_item")):
        migrate(migrator.drop_index("supervision_item", "supervision_item_alerts"))
    _create_indexes(db, SupervisionItem, ("supervision_item_alerts",))
    if "assisting_unit" in tables:
        db.execute_sql("DROP TABLE assisting_unit")
    if not isinstance(db, pw.SqliteDatabase):
        for name in _GONE_SERVER_FUNCTIONS:
            db.execute_sql(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
        db.execute_sql("SELECT setval(pg_get_serial_sequence('unit_task', 'id'), "
                       "coalesce((SELECT max(id) FROM unit_task), 0) + 1, false)")
        search.install(db)  # (on SQLite ``migrate`` installs it after the step)


# version -> step that brings a database from version-1 to version.
# Steps check before they change (IF NOT EXISTS, refills), so running one again is harmless.
STEPS: dict[int, MigrationStep] = {2: _v2_search_and_sort_indexes, 3: _v3_units_in_search,
                                   4: _v4_alert_indexes, 5: _v5_feedback_alert_index,
                                   6: _v6_record_versions, 7: _v7_unit_tasks}

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
                # (the search's triggers read the unit tasks: before schema 7 they are
                # only taken out, and schema 7's step is followed by their install)
                searchable = sqlite and "item_search" in db.get_tables()
                if searchable:
                    search.drop_triggers(db)
                step(db)
                if searchable and "unit_task" in db.get_tables():
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
