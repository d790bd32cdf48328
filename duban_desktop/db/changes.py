"""Seeing the other desks' work: has anything been saved by another connection since the
last look? (issue 17, 3.) No Qt here: the window asks ``Watcher.poll()`` about once a
second and refreshes its lists when the answer is yes.

PostgreSQL: a statement-level trigger on each table the window shows sends
``NOTIFY duban_changes, '<table>'`` when a transaction that changed it commits (the server
delivers a notification only on commit, and once per table per transaction); the watcher
LISTENs on a connection of its own, outside peewee's pool, and reads what arrived
without waiting (``conn.poll()``). A notification sent by this desk's own connection (the
step the window has just made and already shows) is left out.

SQLite: ``PRAGMA data_version`` on the window's own connection changes whenever another
connection (another program, a worker thread of this one) commits; the window's own
commits leave it as it is. One statement, answered from memory.

A watcher whose connection to the server broke says so (``lost``); ``connect()`` (which
may wait for the network: call it off the GUI thread) makes it anew, and the first poll
after that answers yes, since anything may have changed meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import threading

import peewee as pw

log = logging.getLogger(__name__)

CHANNEL = "duban_changes"
# the tables whose changes show in the window's lists, details, alerts and settings
TABLES = ("supervision_item", "coordination_case", "urge", "result_report", "review", "feedback",
          "extension", "unit", "case_task", "consultation_session", "unit_task", "case_party",
          "setting", "workday_override")
TRIGGER = "duban_notify_changes"
FUNCTION = (f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$")


def install(db: pw.Database) -> list[str]:
    """Put the notifying triggers on the server's tables where they are missing (safe to
    call at every open: nothing is changed, and no table locked, when all are there).
    Returns the tables given one. Nothing to do on SQLite."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return []
    present = {row[0] for row in db.execute_sql(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s AND NOT t.tgisinternal", (TRIGGER,)).fetchall()}
    tables = set(db.get_tables())
    missing = [t for t in TABLES if t in tables and t not in present]
    if not missing:
        return []
    with db.atomic():
        db.execute_sql(FUNCTION)
        for table in missing:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            db.execute_sql(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()")
    log.info("change notifications installed on %s", ", ".join(missing))
    return missing


def installed(db: pw.Database) -> list[str]:
    """The tables that notify their changes (for ``check`` and the tests)."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return []
    rows = db.execute_sql("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                          "WHERE t.tgname = %s AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
                          (TRIGGER,)).fetchall()
    return sorted(row[0] for row in rows)


class Watcher:
    """``poll()``: True when another connection has saved something since the last poll.
    Call it on the thread whose connection is the window's (the GUI thread)."""

    def __init__(self, db: pw.Database):
        """Then ``connect()``: on a server it opens the listening connection; on SQLite it
        notes the change counter, so that what others save from then on is news."""
        self.db = db
        self.server = isinstance(db, pw.PostgresqlDatabase)
        self.lost = False  # the server's connection broke; connect() makes it anew
        self._lock = threading.Lock()
        self._listen = None  # psycopg2 connection (server)
        self._missed = False  # (re)connected: changes may have been missed
        self._sqlite_conn = None
        self._version = None
        self.tables: set[str] = set()  # what the last poll saw changed (server)

    # --- SQLite
    def _poll_sqlite(self) -> bool:
        if self.db.is_closed():
            return False  # closed (a restore reopening it): the window reloads itself
        conn = self.db.connection()
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
        except Exception as exc:  # noqa: BLE001 - a failed look is not a change
            log.debug("data_version: %s", exc)
            return False
        if conn is not self._sqlite_conn:  # a new connection counts anew
            self._sqlite_conn, self._version = conn, version
            return False
        changed, self._version = version != self._version, version
        return changed

    # --- the server
    def connect(self) -> bool:
        """Open the listening connection (again); True when it is open. Waits for the
        network at most the connect timeout: off the GUI thread when the server may be
        gone."""
        if not self.server:
            self._poll_sqlite()  # the change counter as it is now: later changes are news
            return True
        import psycopg2

        params = dict(self.db.connect_params)
        try:
            conn = psycopg2.connect(dbname=self.db.database, **params)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {CHANNEL}")
        except psycopg2.Error as exc:
            from .server import strip_password

            log.info("change watcher cannot connect: %s", strip_password(str(exc)).strip())
            return False
        with self._lock:
            old, self._listen = self._listen, conn
            self._missed = self.lost or old is not None
            self.lost = False
        if old is not None:
            _close_quietly(old)
        return True

    def _own_pids(self) -> set[int]:
        """The backends of this thread's connection (its own steps are not news)."""
        state = getattr(self.db, "_state", None)
        conn = getattr(state, "conn", None) if state is not None and not state.closed else None
        try:
            return {conn.get_backend_pid()} if conn is not None and not conn.closed else set()
        except Exception:  # noqa: BLE001 - a broken connection has no pid to leave out
            return set()

    def _poll_server(self) -> bool:
        import psycopg2

        with self._lock:
            conn, missed = self._listen, self._missed
            self._missed = False
        if conn is None:
            if not self.lost and not self.connect():
                self.lost = True
            return False
        try:
            conn.poll()
        except psycopg2.Error as exc:
            from .server import strip_password

            log.warning("change watcher lost the server: %s", strip_password(str(exc)).strip())
            with self._lock:
                if self._listen is conn:
                    self._listen = None
                self.lost = True
            _close_quietly(conn)
            return False
        own = self._own_pids()
        seen = [n for n in conn.notifies if n.channel == CHANNEL and n.pid not in own]
        conn.notifies.clear()
        self.tables = {n.payload for n in seen}
        return bool(seen) or missed

    def poll(self) -> bool:
        return self._poll_server() if self.server else self._poll_sqlite()

    def close(self) -> None:
        with self._lock:
            conn, self._listen = self._listen, None
        if conn is not None:
            _close_quietly(conn)


def _close_quietly(conn) -> None:
    with contextlib.suppress(Exception):
        conn.close()
