"""Fast Chinese substring search over supervision items (SQLite).

``item_search`` holds one narrow line of searchable text per item: the number, title,
the leader's instruction, the leader, the responsible person, the lead unit's name and
the names of the other units with a task in it (schema 3 added the units, so that a word is
one lookup rather than three joined ones; schema 7 reads them from the unit tasks), ending in two spaces. Triggers keep it in step with every write
path (the rules, imports, sample data, renaming a unit) without their knowing about it.

An FTS5 index with the ``trigram`` tokenizer answers words of three or more characters
in milliseconds (unicode61 would treat a run of Chinese as one word). Words of one or two
characters cannot be a trigram query, but every place they occur begins a trigram (the
two trailing spaces make that true at the very end too): the index's own term list
(``fts5vocab``) names the trigrams that begin with the word, and a query for any of them
answers in milliseconds too. When a short word begins too many trigrams (a common
character in a large register), it scans the narrow table instead.

On PostgreSQL (the shared server) the same table is kept by PL/pgSQL triggers, one a
statement (with transition tables: a bulk insert of a thousand rows costs one statement
more, not a thousand). There the line is stored in lower case, and a word is looked for
in lower case with LIKE (case-insensitive like SQLite's trigram index, without ILIKE's
folding of every line it reads: three times faster where it scans). Words of three or
more characters go through a GIN index of pg_trgm's trigrams. A shorter word has no
trigram of its own: a GIN index of the line's characters (``string_to_array(text,
NULL)``) finds the lines holding all of them, and LIKE checks those (a common character
is scanned for instead: the planner knows from the index's statistics). pg_trgm is a
trusted extension (PostgreSQL 13 and later): the database's owner creates it; where the
server refuses, the search still finds every item, by scanning, and ``check`` names what
the administrator must run. The trigrams of Chinese text need a UTF-8 locale of the
database (C.UTF-8, zh_CN.UTF-8, ...); with the plain C locale the index finds nothing
faster than a scan (but still finds everything).

A database with no search table (another server) gets None from ``item_text_match``;
the caller then searches the columns with LIKE.
"""

from __future__ import annotations

from contextlib import contextmanager

import peewee as pw

from .models import ItemSearch, SupervisionItem, database

_UNITS = ("coalesce((SELECT name FROM unit WHERE unit.id = {t}.lead_unit_id), '') "
          "|| coalesce((SELECT ' ' || group_concat(u.name, ' ') FROM unit_task a "
          "JOIN unit u ON u.id = a.unit_id WHERE a.item_id = {t}.id AND a.role <> 'lead'), '')")
SEARCH_TEXT = ("coalesce({t}.number, '') || ' ' || {t}.title || ' ' || {t}.leader_instruction || ' ' "
               "|| {t}.instructing_leader || ' ' || {t}.responsible_person || ' ' || " + _UNITS + " || '  '")
WATCHED = "number, title, leader_instruction, instructing_leader, responsible_person, lead_unit_id"
# (a save writes every column: re-index only when a watched one really changed)
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED.split(", "))
# the line of one item, recomputed from the item row (for triggers on other tables)
_ITEM_LINE = "(SELECT " + SEARCH_TEXT.format(t="i") + " FROM supervision_item i WHERE i.id = {id})"

# a short word beginning more trigrams than this is scanned for instead
MAX_TERMS = 64

TRIGGERS = {
    "item_search_ai": f"AFTER INSERT ON supervision_item BEGIN INSERT OR REPLACE INTO item_search (id, text) "
                      f"VALUES (new.id, {SEARCH_TEXT.format(t='new')}); END",
    "item_search_au": f"AFTER UPDATE OF {WATCHED} ON supervision_item WHEN {_CHANGED} BEGIN UPDATE item_search "
                      f"SET text = {SEARCH_TEXT.format(t='new')} WHERE id = new.id; END",
    "item_search_ad": "AFTER DELETE ON supervision_item BEGIN DELETE FROM item_search WHERE id = old.id; END",
    "item_search_task_ai": "AFTER INSERT ON unit_task BEGIN UPDATE item_search SET text = "
                                f"{_ITEM_LINE.format(id='new.item_id')} WHERE id = new.item_id; END",
    "item_search_task_ad": "AFTER DELETE ON unit_task BEGIN UPDATE item_search SET text = "
                                f"{_ITEM_LINE.format(id='old.item_id')} WHERE id = old.item_id; END",
    "item_search_task_au": "AFTER UPDATE OF item_id, unit_id, role ON unit_task BEGIN "
                                f"UPDATE item_search SET text = {_ITEM_LINE.format(id='old.item_id')} "
                                "WHERE id = old.item_id; "
                                f"UPDATE item_search SET text = {_ITEM_LINE.format(id='new.item_id')} "
                                "WHERE id = new.item_id; END",
    "item_search_unit_au": "AFTER UPDATE OF name ON unit WHEN old.name IS NOT new.name "
                           "BEGIN UPDATE item_search SET text = "
                           f"{_ITEM_LINE.format(id='item_search.id')} WHERE id IN "
                           "(SELECT id FROM supervision_item WHERE lead_unit_id = new.id "
                           "UNION SELECT item_id FROM unit_task WHERE unit_id = new.id); END",
}
FTS_TRIGGERS = {
    "item_fts_ai": "AFTER INSERT ON item_search BEGIN "
                   "INSERT INTO item_fts (rowid, text) VALUES (new.id, new.text); END",
    "item_fts_ad": "AFTER DELETE ON item_search BEGIN "
                   "INSERT INTO item_fts (item_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "item_fts_au": "AFTER UPDATE ON item_search BEGIN "
                   "INSERT INTO item_fts (item_fts, rowid, text) VALUES ('delete', old.id, old.text); "
                   "INSERT INTO item_fts (rowid, text) VALUES (new.id, new.text); END",
}

# what each trigger does, in the office's words (``check`` names the missing ones)
TRIGGER_LABELS = {
    "item_search_ai": "新登记的督办事项加入搜索",
    "item_search_au": "修改督办事项时更新搜索",
    "item_search_ad": "删除督办事项时移出搜索",
    "item_search_task_ai": "增加承办单位时更新搜索",
    "item_search_task_ad": "去掉承办单位时更新搜索",
    "item_search_task_au": "改动承办单位时更新搜索",
    "item_search_unit_au": "单位改名时更新搜索",
    "item_fts_ai": "搜索内容加入全文索引",
    "item_fts_ad": "搜索内容移出全文索引",
    "item_fts_au": "搜索内容更新全文索引",
}


def expected_triggers(with_fts: bool) -> dict[str, str]:
    """name -> body of every search trigger ``install`` makes (the full-text ones only
    where the full-text index exists or can be made)."""
    return {**TRIGGERS, **(FTS_TRIGGERS if with_fts else {})}


def fts_available(db: pw.Database) -> bool:
    try:
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp._duban_probe USING fts5(x, tokenize='trigram')")
        db.execute_sql("DROP TABLE IF EXISTS temp._duban_probe")
    except pw.DatabaseError:
        return False
    return True


# the triggers of schemas 3 to 6 on the table that schema 7's unit tasks replaced
LEGACY_TRIGGERS = ("item_search_assisting_ai", "item_search_assisting_ad", "item_search_assisting_au")


def drop_triggers(db: pw.Database) -> None:
    for name in (*TRIGGERS, *FTS_TRIGGERS, *LEGACY_TRIGGERS):
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def install(db: pw.Database) -> None:
    """(Re)create the triggers and the FTS index and refill them from the items; safe to
    run again (each trigger is dropped and made anew, so a changed definition replaces
    the old one)."""
    if isinstance(db, pw.PostgresqlDatabase):
        install_server(db)
        return
    if not isinstance(db, pw.SqliteDatabase):
        return
    drop_triggers(db)
    for name, body in TRIGGERS.items():
        db.execute_sql(f"CREATE TRIGGER {name} {body}")
    with_fts = fts_available(db)
    if with_fts:
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS item_fts USING fts5(text, content='item_search', "
                       "content_rowid='id', tokenize='trigram')")
        for name, body in FTS_TRIGGERS.items():
            db.execute_sql(f"CREATE TRIGGER {name} {body}")
    # (re)fill from the items: the triggers keep it from here on
    db.execute_sql("DELETE FROM item_search")
    db.execute_sql(f"INSERT INTO item_search (id, text) SELECT id, {SEARCH_TEXT.format(t='supervision_item')} "
                   "FROM supervision_item")
    if with_fts:
        db.execute_sql("INSERT INTO item_fts (item_fts) VALUES ('rebuild')")
    db.__dict__.pop("_duban_tables", None)


@contextmanager
def suspended(db: pw.Database):
    """For bulk loads into an empty register (sample data): no per-row trigger work;
    the search table and its index are filled once at the end. Use inside the load's
    transaction."""
    if isinstance(db, pw.PostgresqlDatabase):
        drop_server_triggers(db)
        yield
        install_server(db)
        return
    if not isinstance(db, pw.SqliteDatabase):
        yield
        return
    drop_triggers(db)
    yield
    install(db)


def _has_table(db: pw.Database, name: str) -> bool:
    cache = db.__dict__.setdefault("_duban_tables", {})
    if name not in cache:
        cache[name] = db.table_exists(name)
    return cache[name]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _terms(db: pw.SqliteDatabase):
    db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.item_fts_terms USING fts5vocab(main, item_fts, row)")


def _terms_beginning(db: pw.SqliteDatabase, word: str) -> tuple[list[str], int] | None:
    """The index's trigrams that begin with ``word`` (one or two characters) and how many
    items hold any of them at most; None when there are more than MAX_TERMS of them."""
    _terms(db)
    rows = db.execute_sql("SELECT term, doc FROM temp.item_fts_terms WHERE term >= ? AND term < ? LIMIT ?",
                          (word, word + "\U0010ffff", MAX_TERMS + 1)).fetchall()
    if len(rows) > MAX_TERMS:
        return None
    return [r[0] for r in rows], sum(r[1] for r in rows)


def _at_most(db: pw.SqliteDatabase, word: str) -> int:
    """How many items can hold ``word`` (three or more characters) at most: the fewest
    holding any one of its trigrams."""
    _terms(db)
    folded = word.lower()
    grams = {folded[i:i + 3] for i in range(len(folded) - 2)}
    found = dict(db.execute_sql(
        f"SELECT term, doc FROM temp.item_fts_terms WHERE term IN ({', '.join('?' * len(grams))})",
        tuple(grams)).fetchall())
    return min(found.get(gram, 0) for gram in grams)


def _caseless(word: str) -> bool:
    """True if the trigram index stores ``word`` as it is: it folds case, so the term
    list is searched only for words with no letters that have case (Chinese, digits)."""
    return all(ch.lower() == ch.upper() for ch in word)


def _among(matched, expected: int, db: pw.SqliteDatabase) -> pw.Expression:
    """``id IN matched``, shaped by how many ids are expected. A few: SQLite looks each up
    and sorts them. Many (more than about one item in sixteen): "id + 0" makes it walk the
    register's sort index instead and check each item against the set, which costs the
    same however many match, where looking up and sorting most of the register costs
    several times more."""
    items = db.execute_sql("SELECT max(id) FROM supervision_item").fetchone()[0] or 0
    if expected * 16 > items:
        return (SupervisionItem.id + 0).in_(matched)
    return SupervisionItem.id.in_(matched)


def item_text_match(word: str) -> pw.Expression | None:
    """Items whose searchable text (units included) contains ``word``; None where there
    is no search table."""
    db = database.obj
    if isinstance(db, pw.PostgresqlDatabase) and _has_table(db, "item_search"):
        return _server_match(word)
    if not isinstance(db, pw.SqliteDatabase) or not _has_table(db, "item_search"):
        return None
    fts = _has_table(db, "item_fts")
    if fts and len(word) >= 3:
        matched = pw.SQL("(SELECT rowid FROM item_fts WHERE item_fts MATCH ?)", [_quote(word)])
        return _among(matched, _at_most(db, word), db)
    if fts and _caseless(word):
        found = _terms_beginning(db, word)
        if found is not None:
            terms, expected = found
            if not terms:
                return SupervisionItem.id.in_([])
            query = " OR ".join(_quote(term) for term in terms)
            return _among(pw.SQL("(SELECT rowid FROM item_fts WHERE item_fts MATCH ?)", [query]), expected, db)
    # a scan of the narrow table, expected to find many
    scanned = ItemSearch.select(ItemSearch.id).where(ItemSearch.text.contains(word))
    return (SupervisionItem.id + 0).in_(scanned)


# ------------------------------------------------------------------ PostgreSQL

# the line of the item row ``{t}`` (the same text as SEARCH_TEXT: string_agg for group_concat)
SERVER_TEXT = ("lower(coalesce({t}.number, '') || ' ' || {t}.title || ' ' || {t}.leader_instruction || ' ' "
               "|| {t}.instructing_leader || ' ' || {t}.responsible_person || ' ' "
               "|| coalesce((SELECT u.name FROM unit u WHERE u.id = {t}.lead_unit_id), '') "
               "|| coalesce((SELECT ' ' || string_agg(u.name, ' ' ORDER BY a.id) FROM unit_task a "
               "JOIN unit u ON u.id = a.unit_id WHERE a.item_id = {t}.id AND a.role <> 'lead'), '') || '  ')")
# the lines of the items whose ids ``{ids}`` selects, made anew (an item gone has none)
_RELINE = ("UPDATE item_search s SET text = l.text FROM (SELECT i.id, " + SERVER_TEXT.format(t="i")
           + " AS text FROM supervision_item i WHERE i.id IN ({ids})) l WHERE s.id = l.id")
_SERVER_CHANGED = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in WATCHED.split(", "))

# function name -> (its body, the trigger that calls it: name, table, when)
SERVER_FUNCTIONS = {
    "duban_search_item_added": (
        "INSERT INTO item_search (id, text) SELECT n.id, " + SERVER_TEXT.format(t="n")
        + " FROM new_rows n ON CONFLICT (id) DO UPDATE SET text = excluded.text",
        ("item_search_ai", "supervision_item", "AFTER INSERT ON supervision_item "
         "REFERENCING NEW TABLE AS new_rows")),
    "duban_search_item_changed": (
        _RELINE.format(ids=f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_SERVER_CHANGED}"),
        ("item_search_au", "supervision_item", "AFTER UPDATE ON supervision_item "
         "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")),
    "duban_search_item_gone": (
        "DELETE FROM item_search WHERE id IN (SELECT o.id FROM old_rows o)",
        ("item_search_ad", "supervision_item", "AFTER DELETE ON supervision_item "
         "REFERENCING OLD TABLE AS old_rows")),
    "duban_search_task_added": (
        _RELINE.format(ids="SELECT n.item_id FROM new_rows n"),
        ("item_search_task_ai", "unit_task", "AFTER INSERT ON unit_task "
         "REFERENCING NEW TABLE AS new_rows")),
    "duban_search_task_gone": (
        _RELINE.format(ids="SELECT o.item_id FROM old_rows o"),
        ("item_search_task_ad", "unit_task", "AFTER DELETE ON unit_task "
         "REFERENCING OLD TABLE AS old_rows")),
    "duban_search_task_changed": (
        _RELINE.format(ids="SELECT o.item_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
                           "WHERE o.unit_id IS DISTINCT FROM n.unit_id OR o.role IS DISTINCT FROM n.role "
                           "UNION SELECT n.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                           "WHERE o.unit_id IS DISTINCT FROM n.unit_id OR o.role IS DISTINCT FROM n.role"),
        ("item_search_task_au", "unit_task", "AFTER UPDATE ON unit_task "
         "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")),
    "duban_search_unit_renamed": (
        _RELINE.format(ids="SELECT i.id FROM supervision_item i WHERE i.lead_unit_id IN (SELECT c.id FROM changed c) "
                           "UNION SELECT a.item_id FROM unit_task a WHERE a.unit_id IN (SELECT c.id FROM changed c)")
        .replace("UPDATE item_search", "WITH changed AS (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                 "WHERE o.name IS DISTINCT FROM n.name) UPDATE item_search", 1),
        ("item_search_unit_au", "unit", "AFTER UPDATE ON unit REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")),
}
TRIGRAM_INDEX = "item_search_text_trgm"
CHARS_INDEX = "item_search_text_chars"
_CHARS = "string_to_array(text, NULL)"
EXTENSION_HINT = "CREATE EXTENSION pg_trgm;"


def _function_sql(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$")


def server_function_source(body: str) -> str:
    """A function's source as the server keeps it (pg_proc.prosrc)."""
    return f" BEGIN {body}; RETURN NULL; END "


def drop_server_triggers(db: pw.Database) -> None:
    for _body, (trigger, table, _when) in SERVER_FUNCTIONS.values():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")


def trigram_available(db: pw.Database) -> bool:
    """Whether pg_trgm is there, creating it if it is not (in a savepoint: a refusal
    leaves the transaction usable)."""
    if db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone():
        return True
    try:
        with db.atomic():
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except pw.DatabaseError as exc:
        import logging

        logging.getLogger(__name__).warning(
            "cannot create pg_trgm (search scans instead; an administrator must run %s): %s",
            EXTENSION_HINT, exc)
        return False
    return True


def install_server(db: pw.Database) -> None:
    """The search table's functions and triggers on PostgreSQL, its trigram index, and
    its lines refilled from the items (the index is made after the refill: one build
    instead of 100,000 insertions)."""
    drop_server_triggers(db)
    for name, (body, (trigger, _table, when)) in SERVER_FUNCTIONS.items():
        db.execute_sql(_function_sql(name, body))
        db.execute_sql(f"CREATE TRIGGER {trigger} {when} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    trigram = trigram_available(db)
    db.execute_sql(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    db.execute_sql("DELETE FROM item_search")
    db.execute_sql(f"INSERT INTO item_search (id, text) SELECT i.id, {SERVER_TEXT.format(t='i')} "
                   "FROM supervision_item i")
    db.execute_sql(f"DROP INDEX IF EXISTS {CHARS_INDEX}")
    if trigram:
        db.execute_sql(f"CREATE INDEX {TRIGRAM_INDEX} ON item_search USING gin (text gin_trgm_ops)")
    db.execute_sql(f"CREATE INDEX {CHARS_INDEX} ON item_search USING gin (({_CHARS}))")
    db.execute_sql("ANALYZE item_search")  # (after the indexes: their expressions' statistics too)
    db.__dict__.pop("_duban_tables", None)


def server_problems(db: pw.Database) -> list[str]:
    """What is missing, disabled or altered of the search's machinery on the server, in
    Chinese (``check``)."""
    problems = []
    rows = db.execute_sql("SELECT t.tgname, t.tgenabled, p.proname, p.prosrc FROM pg_trigger t "
                          "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal").fetchall()
    present = {name: (enabled, function, source) for name, enabled, function, source in rows}
    for function, (body, (trigger, _table, _when)) in SERVER_FUNCTIONS.items():
        label = f"“{TRIGGER_LABELS[trigger]}”（{trigger}）"
        if trigger not in present:
            problems.append(f"缺少触发器{label}")
            continue
        enabled, called, source = present[trigger]
        if enabled == "D":
            problems.append(f"触发器{label}被停用了")
        elif called != function or source != server_function_source(body):
            problems.append(f"触发器{label}的定义被改动过")
    indexes = {r[0] for r in db.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'item_search'")}
    if CHARS_INDEX not in indexes:
        problems.append(f"缺少搜索的单字索引（{CHARS_INDEX}），重新打开程序会重建它")
    if TRIGRAM_INDEX not in indexes:
        problems.append("搜索的三元组索引（pg_trgm）不存在，搜索仍能找到所有事项，但在大的台账中较慢。"
                        f"请数据库管理员在这个数据库中执行“{EXTENSION_HINT}”，然后重新打开程序")
    return problems


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _server_match(word: str) -> pw.Expression:
    """On PostgreSQL: the trigram index for words of three or more characters, the
    characters' index for shorter ones, unless the planner expects more than one line in
    three to hold them (a common character): then a scan, where LIKE alone is cheaper
    than splitting every line into its characters; LIKE decides."""
    pattern = _like_pattern(word)
    db = database.obj
    if len(word) >= 3 or _expected_share(db, word) > 1 / 3:
        matched = pw.SQL("(SELECT s.id FROM item_search s WHERE s.text LIKE lower(%s))", [pattern])
    else:
        matched = pw.SQL("(SELECT s.id FROM item_search s WHERE string_to_array(s.text, NULL) @> "
                         "string_to_array(lower(%s), NULL) AND s.text LIKE lower(%s))", [word, pattern])
    return SupervisionItem.id.in_(matched)


def _expected_share(db: pw.Database, word: str) -> float:
    """The share of the lines the planner expects to hold the characters of ``word``
    (from the characters' index's statistics)."""
    import json

    plan = db.execute_sql("EXPLAIN (FORMAT JSON) SELECT 1 FROM item_search s WHERE string_to_array(s.text, NULL) "
                          "@> string_to_array(lower(%s), NULL)", (word,)).fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    rows = plan[0]["Plan"]["Plan Rows"]
    total = db.execute_sql("SELECT reltuples FROM pg_class WHERE relname = 'item_search'").fetchone()[0]
    return rows / total if total and total > 0 else 1.0
