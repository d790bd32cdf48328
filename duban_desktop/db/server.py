"""PostgreSQL: the one shared server of an office with several desks (issue 17).

The address of a server is a ``ServerAddress``; its text form (``display()``, ``url()``)
never holds the password, which comes from the call, the operating system's keyring
(system/credentials.py) or libpq's own PGPASSWORD / pgpass file. What the server says
when something goes wrong becomes one of the errors below, in the office's words, with
the address and never the password.

What SQLite does with files this module does on the server: the change history is made
append-only by a PL/pgSQL trigger, migrations take an advisory lock (one desk migrates,
the others wait), and after rows are stored with explicit ids the id sequences are moved
past them.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, quote, unquote, urlencode, urlparse

import peewee as pw
from playhouse.pool import PooledPostgresqlDatabase
from playhouse.shortcuts import ReconnectMixin

from .errors import DatabaseBusyError, DatabaseError

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres", "psql")
DEFAULT_PORT = 5432
SSL_MODES = ("disable", "prefer", "require", "verify-full")
CONNECT_TIMEOUT_S = 5
# connections kept open per desk (the window's thread, a worker or two, the change watcher)
POOL_SIZE = 8
POOL_STALE_S = 300
# (an advisory lock is one 64-bit key for the whole server: "duban" in ASCII)
MIGRATION_LOCK = 0x647562616E


@dataclass(frozen=True)
class ServerAddress:
    host: str
    database: str = "duban"
    user: str = "duban"
    port: int = DEFAULT_PORT
    sslmode: str = "prefer"

    @classmethod
    def from_url(cls, url: str) -> tuple[ServerAddress, str | None]:
        """The address in ``url`` and the password written in it, if any."""
        parsed = urlparse(url)
        if parsed.scheme not in SCHEMES:
            raise DatabaseError(f"“{url.split('://')[0]}”不是数据库服务器地址，应以 postgresql:// 开头。")
        try:
            port = parsed.port or DEFAULT_PORT
        except ValueError:
            raise DatabaseError("数据库服务器地址中的端口不是数字，请检查（例如 5432）。") from None
        query = parse_qs(parsed.query)
        sslmode = query.get("sslmode", ["prefer"])[0]
        address = cls(host=unquote(parsed.hostname or "127.0.0.1"),
                      database=unquote(parsed.path.lstrip("/")) or "duban",
                      user=unquote(parsed.username or "duban"), port=port, sslmode=sslmode)
        return address, unquote(parsed.password) if parsed.password else None

    def url(self) -> str:
        """The address as a URL, without any password."""
        query = "" if self.sslmode == "prefer" else "?" + urlencode({"sslmode": self.sslmode})
        return (f"postgresql://{quote(self.user)}@{self.host}:{self.port}/"
                f"{quote(self.database)}{query}")

    def display(self) -> str:
        """For the status bar and messages: 用户@主机:端口/数据库."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def with_database(self, name: str) -> ServerAddress:
        return replace(self, database=name)


def is_server_url(target) -> bool:
    return isinstance(target, str) and target.split("://", 1)[0] in SCHEMES and "://" in target


def strip_password(text: str) -> str:
    """``text`` with the password of any URL in it replaced (for logs and messages)."""
    import re

    return re.sub(r"(postgres(?:ql)?://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)


# ------------------------------------------------------------------ errors


class ServerError(DatabaseError):
    """Something between this desk and the server; ``address`` is the server's display form."""

    def __init__(self, message: str, address: str = ""):
        super().__init__(message)
        self.address = address


class ServerUnreachableError(ServerError):
    pass


class ServerLoginError(ServerError):
    pass


class ServerDatabaseMissingError(ServerError):
    pass


class ConnectionLostError(ServerError):
    """The connection broke during use. The server rolled back the unfinished step."""


class ServerPermissionError(ServerError):
    pass


def _text(exc: BaseException) -> str:
    return strip_password(str(exc)).strip()


def classify_server(exc: BaseException, address: str = "") -> DatabaseError | None:
    """What a psycopg2 error (or peewee's wrapper of one) means, or None when it is
    none of the server's conditions (a programming error, say)."""
    try:
        import psycopg2
        from psycopg2 import errors as pg
    except ImportError:  # pragma: no cover - the driver is a dependency
        return None
    chain, seen = [], exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for e in chain:
        if isinstance(e, DatabaseError):
            return e
        if isinstance(e, pg.LockNotAvailable):
            return DatabaseBusyError(address or None, 0.0)
        if isinstance(e, (pg.DeadlockDetected, pg.SerializationFailure)):
            return ServerError("与另一位操作员同时修改了相同的记录，这一步没有保存。请再做一次。", address)
        if isinstance(e, pg.InsufficientPrivilege):
            return ServerPermissionError(
                f"数据库服务器“{address}”拒绝了这次操作：登录的用户没有权限（{_text(e)}）。"
                "请请管理员按 README 的说明授予权限。", address)
        if isinstance(e, (pg.DiskFull, pg.OutOfMemory)):
            return ServerError(f"数据库服务器“{address}”的磁盘空间或内存不足，这一步没有保存。请通知管理员。",
                               address)
        if isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)):
            return _connection_error(e, address)
    return None


def _connection_error(e: BaseException, address: str) -> ServerError:
    text = _text(e)
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low \
            or "authentication failed" in low:
        return ServerLoginError(f"登录数据库服务器“{address}”失败：用户名或密码不对。请在“连接数据库服务器”中重新输入。",
                                address)
    if "does not exist" in low and "database" in low:
        return ServerDatabaseMissingError(
            f"数据库服务器上没有数据库“{address.rsplit('/', 1)[-1]}”。请检查数据库名，"
            "或请管理员按 README 的说明创建它。", address)
    if "role" in low and "does not exist" in low:
        return ServerLoginError(f"数据库服务器“{address}”上没有这个用户。请检查用户名。", address)
    if ("could not connect" in low or "connection refused" in low or "timeout expired" in low
            or "could not translate host name" in low or "no route to host" in low):
        return ServerUnreachableError(
            f"连接不上数据库服务器“{address}”：服务器没有开机、没有运行数据库，或网络不通。"
            "请检查网络后重试；数据没有丢失。", address)
    return ConnectionLostError(
        f"与数据库服务器“{address}”的连接断开了，正在进行的这一步没有保存（服务器已撤销它）。"
        "网络恢复后程序会自动重新连接，请再做一次。", address)


def is_connection_lost(exc: BaseException) -> bool:
    return isinstance(classify_server(exc), (ConnectionLostError, ServerUnreachableError))


# ------------------------------------------------------------------ connecting


class ServerDatabase(ReconnectMixin, PooledPostgresqlDatabase):
    """peewee's PostgreSQL database, knowing its address for messages.

    Its connections are pooled: a worker thread (a search keystroke, the preload) takes an
    open connection from the pool and gives it back when done, instead of connecting anew
    each time (several round trips to the server).

    A connection the server or the network dropped is made anew at the next statement
    outside a transaction (a read, or the BEGIN of a step), once, and that statement
    runs again: reads are safe to repeat, and every write of the program runs inside a
    write transaction, where a lost connection is never retried silently but reported
    (connection.write_transaction: the server rolled the step back)."""

    reconnect_errors = (
        (pw.OperationalError, "server closed the connection"),
        (pw.OperationalError, "terminating connection"),
        (pw.OperationalError, "could not receive data"),
        (pw.OperationalError, "could not send data"),
        (pw.OperationalError, "ssl connection has been closed"),
        (pw.OperationalError, "connection not open"),
        (pw.InterfaceError, "connection already closed"),
    )

    def __init__(self, address: ServerAddress, password: str | None):
        self.address = address
        params = {"host": address.host, "port": address.port, "user": address.user,
                  "sslmode": address.sslmode, "connect_timeout": CONNECT_TIMEOUT_S,
                  "application_name": "duban-desktop",
                  # every lock waits at most this long (a step's own waits are shorter and
                  # shown: connection.lock_row); the server answers in this desk's words
                  "options": "-c lock_timeout=120s -c client_encoding=UTF8"}
        if password:
            params["password"] = password
        super().__init__(address.database, max_connections=POOL_SIZE, stale_timeout=POOL_STALE_S,
                         timeout=CONNECT_TIMEOUT_S, **params)

    def __repr__(self) -> str:  # never the password
        return f"<ServerDatabase {self.address.display()}>"

    @property
    def password(self) -> str | None:
        """What this desk logs in with (for pg_dump's environment, a reopening); never shown."""
        return self.connect_params.get("password")


def connect(address: ServerAddress, password: str | None) -> ServerDatabase:
    db = ServerDatabase(address, password)
    try:
        db.connect(reuse_if_open=True)
    except pw.DatabaseError as exc:
        raise classify_server(exc, address.display()) or ServerError(
            f"无法连接数据库服务器“{address.display()}”：{_text(exc)}", address.display()) from exc
    return db


@dataclass(frozen=True)
class ConnectionTest:
    usable: bool  # this program can open the database (empty, or a register it can read)
    text: str


def test_connection(address: ServerAddress, password: str | None) -> ConnectionTest:
    """Connect once and say what is there, in Chinese (the connection dialog's 测试连接).
    A server that cannot be reached or refuses the login raises its ServerError."""
    from . import migrations

    db = connect(address, password)
    try:
        server = db.execute_sql("SHOW server_version").fetchone()[0]
        tables = set(db.get_tables())
        usable = False
        if not tables:
            there, usable = "数据库是空的，第一次连接时程序会在其中建好所需的表", True
        elif "meta" not in tables:
            there = "但其中已有其他程序的表，本程序不会使用它，请另建一个空数据库"
        else:
            row = db.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
            if version is None:
                there = "但其中已有其他程序的表，本程序不会使用它，请另建一个空数据库"
            elif version > migrations.SCHEMA_VERSION:
                there = f"其中的督办台账由更新版本的程序建立（第 {version} 版），请先更新本程序"
            else:
                count = db.execute_sql("SELECT count(*) FROM supervision_item").fetchone()[0]
                there, usable = f"其中有督办台账（{count} 项督办事项）", True
        return ConnectionTest(usable, f"连接成功：PostgreSQL {server}，{there}。")
    finally:
        db.close()
        db.close_all()  # the pool's connection too: a test leaves nothing open


@contextlib.contextmanager
def migration_lock(db: pw.Database):
    """One desk at a time creates or migrates the schema; the others wait here, then find
    it done."""
    db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        yield
    finally:
        with contextlib.suppress(pw.DatabaseError):
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


# ------------------------------------------------------------------ schema parts

GUARD_FUNCTION = ("CREATE OR REPLACE FUNCTION duban_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                  "BEGIN RAISE EXCEPTION 'change_log is append-only' USING ERRCODE = 'insufficient_privilege'; "
                  "END $$")
# name -> (what it guards against, in the office's words)
GUARD_TRIGGERS = {
    "change_log_no_update": ("BEFORE UPDATE ON change_log FOR EACH ROW", "变更记录不可修改"),
    "change_log_no_delete": ("BEFORE DELETE ON change_log FOR EACH ROW", "变更记录不可删除"),
    "change_log_no_truncate": ("BEFORE TRUNCATE ON change_log FOR EACH STATEMENT", "变更记录不可清空"),
}


def install_guards(db: pw.Database) -> None:
    db.execute_sql(GUARD_FUNCTION)
    for name, (when, _label) in GUARD_TRIGGERS.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON change_log")
        db.execute_sql(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION duban_append_only()")


def guard_problems(db: pw.Database) -> list[str]:
    """The history guards missing or disabled on the server, in Chinese."""
    rows = db.execute_sql("SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                          "WHERE c.relname = 'change_log' AND NOT t.tgisinternal").fetchall()
    present = dict(rows)
    problems = []
    for name, (_when, label) in GUARD_TRIGGERS.items():
        if name not in present:
            problems.append(f"缺少触发器“{label}”（{name}）")
        elif present[name] == "D":
            problems.append(f"触发器“{label}”（{name}）被停用了")
    return problems


def reset_sequences(db: pw.Database, models) -> None:
    """Move each table's id sequence past the ids stored in it (after rows were stored
    with their ids given: the sample data, a copy from SQLite)."""
    for model in models:
        key = model._meta.primary_key
        if not isinstance(key, pw.AutoField):
            continue
        table = model._meta.table_name
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', '{key.column_name}'), "
                       f"coalesce((SELECT max({key.column_name}) FROM {table}), 0) + 1, false)")
