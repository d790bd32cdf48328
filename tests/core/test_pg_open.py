"""Opening the register on a PostgreSQL server: what is made in an empty database, what is
refused, what the errors say, one schema when several desks open it at once, the server's
clock."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import peewee as pw
import pytest

from duban_desktop.db import close_database, migrations, open_database, server
from duban_desktop.db.connection import describe_open, server_now
from duban_desktop.db.errors import NewerSchemaError
from duban_desktop.db.models import ChangeLog
from duban_desktop.domain import supervision

from ..factories import item as make_item


@pytest.fixture
def url(pg_cluster):
    target = pg_cluster.new_database()
    yield target
    close_database()
    pg_cluster.drop_database(target)


def _psql(cluster, url, sql):
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=cluster.port, user=cluster.user, dbname=url.rsplit("/", 1)[1])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def test_an_empty_database_gets_the_schema_and_the_history_guards(pg_cluster, url):
    db = open_database(url)
    assert migrations.read_version(db) == migrations.SCHEMA_VERSION
    assert server.guard_problems(db) == []
    assert describe_open() == f"duban@127.0.0.1:{pg_cluster.port}/{url.rsplit('/', 1)[1]}"
    item = make_item()
    close_database()
    # opened again: nothing to do, nothing lost
    db = open_database(url)
    assert migrations.read_version(db) == migrations.SCHEMA_VERSION
    assert server.guard_problems(db) == []
    assert supervision.get_item(item.id).title == item.title


def test_a_database_of_another_program_is_refused_and_left_alone(pg_cluster, url):
    _psql(pg_cluster, url, "CREATE TABLE customers (id serial primary key, name text)")
    with pytest.raises(server.DatabaseError, match="已有其他程序的表，程序没有改动它"):
        open_database(url)
    tables = [r[0] for r in _psql(pg_cluster, url, "SELECT tablename FROM pg_tables WHERE schemaname='public'")]
    assert tables == ["customers"]


def test_a_newer_register_tells_this_desk_to_update(pg_cluster, url):
    open_database(url)
    close_database()
    _psql(pg_cluster, url, f"UPDATE meta SET value = '{migrations.SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    with pytest.raises(NewerSchemaError, match="请安装新版本后再打开"):
        open_database(url)


def test_errors_name_the_server_and_never_the_password(pg_cluster):
    missing = pg_cluster.url("no_such_register").replace("duban@", "duban:S3cret-pw@")
    with pytest.raises(server.ServerDatabaseMissingError) as found:
        open_database(missing)
    assert "no_such_register" in str(found.value) and "S3cret-pw" not in str(found.value)

    closed_port = f"postgresql://duban:S3cret-pw@127.0.0.1:{_unused_port()}/duban"
    with pytest.raises(server.ServerUnreachableError) as found:
        open_database(closed_port)
    assert "连接不上数据库服务器" in str(found.value) and "S3cret-pw" not in str(found.value)
    assert server.strip_password(closed_port) == closed_port.replace("S3cret-pw", "***")


def _unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open_and_count(url: str, queue) -> None:
    try:
        db = open_database(url)
        queue.put(("ok", migrations.read_version(db)))
    except Exception as exc:  # reported to the test
        queue.put(("error", repr(exc)))
    finally:
        close_database()


def test_desks_opening_an_empty_database_at_once_make_one_schema(pg_cluster, url):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    children = [ctx.Process(target=_open_and_count, args=(url, queue)) for _ in range(4)]
    for child in children:
        child.start()
    answers = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(60)
    assert answers == [("ok", migrations.SCHEMA_VERSION)] * 4, answers
    rows = _psql(pg_cluster, url, "SELECT key, value FROM meta")
    assert rows == [("schema_version", str(migrations.SCHEMA_VERSION))]


def test_history_is_dated_by_the_server_clock(pg_cluster, url):
    """Every desk's history in one time: the server's. Its time zone is set 14 hours away
    from any desk here, so a desk clock's time would show."""
    _psql(pg_cluster, url, f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET timezone = 'Pacific/Kiritimati'")
    db = open_database(url)
    server_time = db.execute_sql("SELECT LOCALTIMESTAMP(0)").fetchone()[0]
    assert abs(server_now() - server_time) < dt.timedelta(seconds=5)
    item = make_item()
    supervision.urge(item.id, method="phone")
    at = ChangeLog.select(ChangeLog.at).order_by(ChangeLog.id.desc()).get().at
    assert abs(at - server_time) < dt.timedelta(seconds=30)
    assert abs(at - dt.datetime.now()) > dt.timedelta(hours=1)


def test_the_history_stays_append_only_on_the_server(db, backend):
    make_item()
    row = ChangeLog.select().first()
    for statement in (ChangeLog.update(note="改写").where(ChangeLog.id == row.id),
                      ChangeLog.delete().where(ChangeLog.id == row.id)):
        with pytest.raises(pw.DatabaseError, match="append-only"), db.atomic():
            statement.execute()
    if backend == "postgresql":
        with pytest.raises(pw.DatabaseError, match="append-only"), db.atomic():
            db.execute_sql("TRUNCATE change_log")
    assert ChangeLog.get_by_id(row.id).note == row.note
