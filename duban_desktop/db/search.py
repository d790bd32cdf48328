"""Fast Chinese substring search over supervision items (SQLite).

``item_search`` holds one narrow line of searchable text per item: the number, title,
the leader's instruction, the leader, the responsible person, the lead unit's name and
the assisting units' names (schema 3 added the units, so that a word is one lookup rather
than three joined ones), ending in two spaces. Triggers keep it in step with every write
path (the rules, imports, sample data, renaming a unit) without their knowing about it.

An FTS5 index with the ``trigram`` tokenizer answers words of three or more characters
in milliseconds (unicode61 would treat a run of Chinese as one word). Words of one or two
characters cannot be a trigram query, but every place they occur begins a trigram (the
two trailing spaces make that true at the very end too): the index's own term list
(``fts5vocab``) names the trigrams that begin with the word, and a query for any of them
answers in milliseconds too. When a short word begins too many trigrams (a common
character in a large register), it scans the narrow table instead.

Other database servers get no such table; ``item_text_match`` then returns None and
the caller searches the columns with LIKE.
"""

from __future__ import annotations

from contextlib import contextmanager

import peewee as pw

from .models import ItemSearch, SupervisionItem, database

_UNITS = ("coalesce((SELECT name FROM unit WHERE unit.id = {t}.lead_unit_id), '') "
          "|| coalesce((SELECT ' ' || group_concat(u.name, ' ') FROM assisting_unit a "
          "JOIN unit u ON u.id = a.unit_id WHERE a.item_id = {t}.id), '')")
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
    "item_search_assisting_ai": "AFTER INSERT ON assisting_unit BEGIN UPDATE item_search SET text = "
                                f"{_ITEM_LINE.format(id='new.item_id')} WHERE id = new.item_id; END",
    "item_search_assisting_ad": "AFTER DELETE ON assisting_unit BEGIN UPDATE item_search SET text = "
                                f"{_ITEM_LINE.format(id='old.item_id')} WHERE id = old.item_id; END",
    "item_search_assisting_au": "AFTER UPDATE OF item_id, unit_id ON assisting_unit BEGIN "
                                f"UPDATE item_search SET text = {_ITEM_LINE.format(id='old.item_id')} "
                                "WHERE id = old.item_id; "
                                f"UPDATE item_search SET text = {_ITEM_LINE.format(id='new.item_id')} "
                                "WHERE id = new.item_id; END",
    "item_search_unit_au": "AFTER UPDATE OF name ON unit WHEN old.name IS NOT new.name "
                           "BEGIN UPDATE item_search SET text = "
                           f"{_ITEM_LINE.format(id='item_search.id')} WHERE id IN "
                           "(SELECT id FROM supervision_item WHERE lead_unit_id = new.id "
                           "UNION SELECT item_id FROM assisting_unit WHERE unit_id = new.id); END",
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
    "item_search_assisting_ai": "增加协办单位时更新搜索",
    "item_search_assisting_ad": "去掉协办单位时更新搜索",
    "item_search_assisting_au": "改动协办单位时更新搜索",
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


def drop_triggers(db: pw.Database) -> None:
    for name in (*TRIGGERS, *FTS_TRIGGERS):
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def install(db: pw.Database) -> None:
    """(Re)create the triggers and the FTS index and refill them from the items; safe to
    run again (each trigger is dropped and made anew, so a changed definition replaces
    the old one)."""
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
