"""Fast Chinese substring search over supervision items (SQLite).

``item_search`` holds one narrow line of searchable text per item (number, title, the
leader's instruction, the leader, the responsible person), kept by triggers so every
write path (the rules, imports, sample data) stays in step without knowing about it.
An FTS5 index with the ``trigram`` tokenizer answers words of three or more characters
in milliseconds (unicode61 would treat a run of Chinese as one word); shorter words scan
the narrow table, which is still several times cheaper than scanning the items.

Other database servers get no such table; ``item_text_match`` then returns None and
the caller searches the columns with LIKE.
"""

from __future__ import annotations

import peewee as pw

from .models import ItemSearch, SupervisionItem, database

SEARCH_TEXT = ("coalesce({t}.number, '') || ' ' || {t}.title || ' ' || {t}.leader_instruction || ' ' "
               "|| {t}.instructing_leader || ' ' || {t}.responsible_person")
WATCHED = "number, title, leader_instruction, instructing_leader, responsible_person"


def fts_available(db: pw.Database) -> bool:
    try:
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp._duban_probe USING fts5(x, tokenize='trigram')")
        db.execute_sql("DROP TABLE IF EXISTS temp._duban_probe")
    except pw.DatabaseError:
        return False
    return True


def install(db: pw.Database) -> None:
    """Create the triggers and the FTS index and (re)fill them; safe to run again."""
    if not isinstance(db, pw.SqliteDatabase):
        return
    new = SEARCH_TEXT.format(t="new")
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS item_search_ai AFTER INSERT ON supervision_item BEGIN "
        f"INSERT OR REPLACE INTO item_search (id, text) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS item_search_au AFTER UPDATE OF {WATCHED} ON supervision_item BEGIN "
        f"UPDATE item_search SET text = {new} WHERE id = new.id; END",
        "CREATE TRIGGER IF NOT EXISTS item_search_ad AFTER DELETE ON supervision_item BEGIN "
        "DELETE FROM item_search WHERE id = old.id; END",
    ]
    for sql in statements:
        db.execute_sql(sql)
    with_fts = fts_available(db)
    if with_fts:
        for sql in (
            "CREATE VIRTUAL TABLE IF NOT EXISTS item_fts USING fts5(text, content='item_search', "
            "content_rowid='id', tokenize='trigram')",
            "CREATE TRIGGER IF NOT EXISTS item_fts_ai AFTER INSERT ON item_search BEGIN "
            "INSERT INTO item_fts (rowid, text) VALUES (new.id, new.text); END",
            "CREATE TRIGGER IF NOT EXISTS item_fts_ad AFTER DELETE ON item_search BEGIN "
            "INSERT INTO item_fts (item_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
            "CREATE TRIGGER IF NOT EXISTS item_fts_au AFTER UPDATE ON item_search BEGIN "
            "INSERT INTO item_fts (item_fts, rowid, text) VALUES ('delete', old.id, old.text); "
            "INSERT INTO item_fts (rowid, text) VALUES (new.id, new.text); END",
        ):
            db.execute_sql(sql)
    # (re)fill from the items: the triggers keep it from here on
    db.execute_sql("DELETE FROM item_search")
    db.execute_sql(f"INSERT INTO item_search (id, text) SELECT id, {SEARCH_TEXT.format(t='supervision_item')} "
                   "FROM supervision_item")
    if with_fts:
        db.execute_sql("INSERT INTO item_fts (item_fts) VALUES ('rebuild')")


def _has_table(db: pw.Database, name: str) -> bool:
    cache = db.__dict__.setdefault("_duban_tables", {})
    if name not in cache:
        cache[name] = db.table_exists(name)
    return cache[name]


def item_text_match(word: str) -> pw.Expression | None:
    """Items whose searchable text contains ``word``; None where there is no search table."""
    db = database.obj
    if not isinstance(db, pw.SqliteDatabase) or not _has_table(db, "item_search"):
        return None
    if len(word) >= 3 and _has_table(db, "item_fts"):
        phrase = '"' + word.replace('"', '""') + '"'
        matched = pw.SQL("(SELECT rowid FROM item_fts WHERE item_fts MATCH ?)", [phrase])
    else:
        matched = ItemSearch.select(ItemSearch.id).where(ItemSearch.text.contains(word))
    return SupervisionItem.id.in_(matched)
